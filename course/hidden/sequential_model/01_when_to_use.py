"""Hidden part of chapter A1 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

HIDDEN = [
    Hidden(
        "seq01_predict_params",
        expected=[24, 15, 8],
        checks=[c.equals_expected("not the right numbers of parameters yet")],
        wrong_answers=[
            ("layer_params = (20, 12, 6)", "kernels only"),
            ("layer_params = (25, 16, 9)", "one bias per unit"),
            ("layer_params = (24, 18, 12)", "layers 2 and 3"),
            ("layer_params = (4, 3, 2)", "these numbers are the units"),
            ("layer_params = 47", "3 numbers"),
            ("layer_params = (24, 15)", "3 numbers"),
            ("layer_params = (24, 15, 9)", "not the right numbers"),
            ("layer_params = ('24', 15, 8)", "whole number"),
        ],
        other_solutions=[
            "layer_params = [24, 15, 8]",
            "layer_params = (5 * 4 + 4, 4 * 3 + 3, 3 * 2 + 2)",
            "import numpy as np\nlayer_params = np.array([24, 15, 8])",
        ],
        explanation="A Dense layer owns a kernel of shape (inputs, units) and one bias per unit. The first layer "
                    "receives the model's 5 input numbers: 5*4 + 4 = 24. Each later layer receives the units of the "
                    "layer before it: 4*3 + 3 = 15 and 3*2 + 2 = 8. The activation adds no parameters.",
    ),
    Hidden(
        "seq01_which_need_functional",
        expected=["b", "c", "e", "f"],
        checks=[c.equals_expected("not the right set of scenarios yet")],
        wrong_answers=[
            ("needs_functional = {'b', 'f'}", "several inputs or several outputs"),
            ("needs_functional = {'b', 'c', 'e', 'f', 'g'}", "LSTM"),
            ("needs_functional = {'b', 'c', 'e'}", "not the right set of scenarios"),
            ("needs_functional = {'b', 'z'}", "not among the options"),
            ("needs_functional = {1, 2}", "one letter"),
            ("needs_functional = set()", "no scenario"),
        ],
        other_solutions=[
            "needs_functional = ['f', 'e', 'c', 'b']",
            "needs_functional = 'B, C, E, F'",
            "needs_functional = frozenset('bcef')",
            "needs_functional = {letter for letter in 'abcdefg' if letter in 'bcef'}",
        ],
        explanation="b has two inputs and f two outputs; c adds block 1's output to block 3's (a connection that "
                    "skips layers); e uses one Embedding layer in two places. a, d and g are single chains, "
                    "however different their layers: one input, one output, each layer feeding the next.",
    ),
    Hidden(
        "seq01_read_graph",
        expected=["a", "c", "f"],
        checks=[c.equals_expected("not the right set of letters yet")],
        wrong_answers=[
            ("breaks_chain = {'c', 'f'}", "sends its output to two layers"),
            ("breaks_chain = {'a', 'f'}", "Add layer"),
            ("breaks_chain = {'a', 'c', 'e', 'f'}", "letter e"),
            ("breaks_chain = {'a', 'c', 'f', 'g'}", "letter g"),
            ("breaks_chain = {'c', 'e', 'f'}", "letter a is missing"),
            ("breaks_chain = {'a', 'c', 'x'}", "not among the options"),
            ("breaks_chain = {'a', 'b', 'c', 'f', 'g'}", "not the right set"),
            ("breaks_chain = ['ac', 'f']", "one letter"),
        ],
        other_solutions=[
            "breaks_chain = 'A, C, F'",
            "breaks_chain = ['f', 'c', 'a']",
            "breaks_chain = frozenset('acf')",
        ],
        equivalent_mutants={
            "an element added": "the element the mutant adds to a set is 'a', which is in the answer already: "
                                "the same set",
        },
        explanation="A layer of a Sequential model gets one tensor from the layer before it and gives its output "
                    "to the next layer only. a sends its output to two layers (b and the Add c); c and f each "
                    "take two tensors. b, d, e and g have one arrow in and one arrow out; e reads the second "
                    "input, which makes the model Functional, but e itself would fit in a chain.",
    ),
    Hidden(
        "seq01_chain_layers",
        wrong_answers=[
            ("def chain_layers(model, x):\n    return model(x)", "called the model itself"),
            ("def chain_layers(model, x):\n    return model.predict(x, verbose=0)", "called the model itself"),
            ("def chain_layers(model, x):\n    for layer in model.layers[:-1]:\n        x = layer(x)\n    return x",
             "shape"),
            ("def chain_layers(model, x):\n    for layer in model.layers:\n        y = layer(x)\n    return y",
             "raised"),
            ("def chain_layers(model, x):\n    for layer in model.layers:\n        x = layer(x)", "returned None"),
            ("def chain_layers(model, x):\n    for layer in reversed(model.layers):\n        x = layer(x)\n"
             "    return x", "raised"),
            ("chain_layers = 3", "should be a function"),
        ],
        other_solutions=[
            "def chain_layers(model, x, i=0):\n    if i == len(model.layers):\n        return x\n"
            "    return chain_layers(model, model.layers[i](x), i + 1)",
            "import functools\n\ndef chain_layers(model, x):\n"
            "    return functools.reduce(lambda h, layer: layer(h), model.layers, x)",
            "def chain_layers(model, x):\n    h = keras.ops.convert_to_tensor(x)\n    i = 0\n"
            "    while i < len(model.layers):\n        h = model.layers[i](h)\n        i += 1\n"
            "    return keras.ops.convert_to_numpy(h)",
            "chain_layers = lambda model, x: x if not model.layers else [x := layer(x) for layer in model.layers][-1]",
        ],
        explanation="A Sequential model adds no computation of its own: its output is the last layer applied to "
                    "the previous layer's output, and so on back to x. A loop that replaces one variable with "
                    "each layer's output does exactly that, for one layer or twenty.",
    ),
]
