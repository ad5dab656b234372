"""Hidden part of chapter A1 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

HIDDEN = [
    Hidden(
        "seq01_which_need_functional",
        expected=["b", "c", "e", "f"],
        checks=[c.equals_expected("not the right set of scenarios yet")],
        wrong_answers=[
            ("needs_functional = {'b', 'f'}", "several inputs or several outputs"),
            ("needs_functional = {'b', 'c', 'e', 'f', 'g'}", "LSTM"),
            ("needs_functional = {'b', 'c', 'e'}", "not the right set of scenarios"),
            ("needs_functional = {'b', 'z'}", "not scenarios"),
            ("needs_functional = {1, 2}", "one letter"),
            ("needs_functional = set()", "no scenario"),
        ],
        other_solutions=[
            "needs_functional = ['f', 'e', 'c', 'b']",
            "needs_functional = 'B, C, E, F'",
            "needs_functional = frozenset('bcef')",
            "needs_functional = {letter for letter in 'abcdefg' if letter in 'bcef'}",
        ],
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
    ),
]
