"""A1 · When to use a Sequential model: predict_params, which_need_functional, read_graph, chain_layers."""
from exercise_gallery.sequential_model import right, wrong

PARAMS = "seq01_predict_params"
NEEDS = "seq01_which_need_functional"
GRAPH = "seq01_read_graph"
CHAIN = "seq01_chain_layers"
# The answers of the predict / read items: no message may show them.
PARAMS_SECRETS = (r"\b24\b.*\b15\b.*\b8\b",)
NEEDS_SECRETS = (r"b.{0,6}c.{0,6}e.{0,6}f",)

CASES = [
    # ---- seq01_predict_params: Input(5) -> Dense(4) -> Dense(3) -> Dense(2): (24, 15, 8), layer 1 first
    right(PARAMS, "numpy-ints", "NumPy whole numbers in a tuple", """
        layer_params = (np.int64(24), np.int32(15), np.uint8(8))
    """),
    right(PARAMS, "built-and-counted", "built the stack and read count_params() (the task allows it afterwards)", """
        stack = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(4, activation="relu"),
                                  layers.Dense(3, activation="relu"), layers.Dense(2)])
        layer_params = [layer.count_params() for layer in stack.layers]
    """),
    right(PARAMS, "formula-generator", "(inputs + 1) * units over pairs, as a tuple", """
        sizes = [5, 4, 3, 2]
        layer_params = tuple((n + 1) * u for n, u in zip(sizes, sizes[1:]))
    """),
    wrong(PARAMS, "reversed", "order: last layer first", ("order", "layer 1 first", "first layer"), """
        layer_params = (8, 15, 24)
    """, secrets=PARAMS_SECRETS),
    wrong(PARAMS, "running-total", "running totals instead of each layer's own count",
          ("total", "each layer", "own"), """
        layer_params = (24, 39, 47)
    """, secrets=PARAMS_SECRETS),
    wrong(PARAMS, "input-as-layer", "the input counted as a layer (5*1+... shifted)", ("shifted", "input"), """
        layer_params = (0, 24, 15)
    """, secrets=PARAMS_SECRETS),
    wrong(PARAMS, "with-total", "the total appended as a 4th number", ("3 numbers", "three"), """
        layer_params = (24, 15, 8, 47)
    """, secrets=PARAMS_SECRETS),
    wrong(PARAMS, "string", "format: one string", ("numbers", "whole"), """
        layer_params = "24, 15, 8"
    """, secrets=PARAMS_SECRETS),
    wrong(PARAMS, "activation-params", "activations counted as parameters (one per unit)",
          ("layer 1's number", "parts"), """
        layer_params = (28, 18, 8)
    """, secrets=PARAMS_SECRETS),
    wrong(PARAMS, "weight-shapes", "format: the weight shapes instead of counts", ("whole number", "number"), """
        layer_params = [(5, 4), (4, 3), (3, 2)]
    """, secrets=PARAMS_SECRETS),

    # ---- seq01_which_need_functional: {b, c, e, f}
    right(NEEDS, "list-upper", "a list of upper-case letters", """
        needs_functional = ["B", "C", "E", "F"]
    """),
    right(NEEDS, "tuple-spaces", "a tuple with stray spaces", """
        needs_functional = (" b", "c ", "e", "f")
    """),
    right(NEEDS, "set-difference", "everything but the chains", """
        needs_functional = set("abcdefg") - {"a", "d", "g"}
    """),
    wrong(NEEDS, "all", "every scenario", ("not every",), """
        needs_functional = set("abcdefg")
    """, secrets=NEEDS_SECRETS),
    wrong(NEEDS, "conv-too", "a chain of different layer types taken for a graph (d)", ("(d)", "d (chosen"), """
        needs_functional = {"b", "c", "d", "e", "f"}
    """, secrets=NEEDS_SECRETS),
    wrong(NEEDS, "no-sharing", "layer sharing missed (e)", ("e (missing",), """
        needs_functional = {"b", "c", "f"}
    """, secrets=NEEDS_SECRETS),
    wrong(NEEDS, "no-residual", "residual connection missed (c)", ("c (missing",), """
        needs_functional = {"b", "e", "f"}
    """, secrets=NEEDS_SECRETS),
    wrong(NEEDS, "complement", "the chains chosen instead (question read backwards)", ("a (chosen", "not every"), """
        needs_functional = {"a", "d", "g"}
    """, secrets=NEEDS_SECRETS),
    wrong(NEEDS, "numbers", "format: positions instead of letters", ("letter",), """
        needs_functional = {2, 3, 5, 6}
    """, secrets=NEEDS_SECRETS),

    # ---- seq01_read_graph: {a, c, f}
    right(GRAPH, "string-no-sep", "one string of letters", """
        breaks_chain = "acf"
    """),
    right(GRAPH, "set-upper", "upper-case letters in a set", """
        breaks_chain = {"A", "C", "F"}
    """),
    right(GRAPH, "from-counts", "derived from arrow counts", """
        arrows_in = {"a": 1, "b": 1, "c": 2, "d": 1, "e": 1, "f": 2, "g": 1}
        arrows_out = {"a": 2, "b": 1, "c": 1, "d": 1, "e": 1, "f": 1, "g": 1}
        breaks_chain = {k for k in arrows_in if arrows_in[k] > 1 or arrows_out[k] > 1}
    """),
    wrong(GRAPH, "b-too", "b taken for a branch (it is fed by a only)", ("letter b", "b (chosen"), """
        breaks_chain = {"a", "b", "c", "f"}
    """),
    wrong(GRAPH, "d-too", "d taken for a branch", ("letter d", "d (chosen"), """
        breaks_chain = {"a", "c", "d", "f"}
    """),
    wrong(GRAPH, "only-f", "only the Concatenate", ("a (missing", "c (missing"), """
        breaks_chain = {"f"}
    """),
    wrong(GRAPH, "all", "every layer", ("b (chosen", "g (chosen"), """
        breaks_chain = set("abcdefg")
    """),
    wrong(GRAPH, "e-not-a", "input side instead of output side: e for a (and c missing)", ("a (missing", "e (chosen", "letter a is missing"), """
        breaks_chain = {"e", "f"}
    """),
    wrong(GRAPH, "names", "format: layer kinds instead of letters", ("letter",), """
        breaks_chain = {"Add", "Concatenate"}
    """),

    # ---- seq01_chain_layers: call each layer of model.layers in turn
    right(CHAIN, "index-loop", "a loop over indices", """
        def chain_layers(model, x):
            out = x
            for i in range(len(model.layers)):
                out = model.layers[i](out)
            return out
    """),
    right(CHAIN, "numpy-result", "returns a NumPy array", """
        def chain_layers(model, x):
            h = x
            for layer in model.layers:
                h = layer(h)
            return keras.ops.convert_to_numpy(h)
    """),
    right(CHAIN, "layer-call-method", "layer.__call__ spelled out, tensor input", """
        def chain_layers(model, x):
            h = keras.ops.convert_to_tensor(x, dtype="float32")
            for layer in list(model.layers):
                h = layer.__call__(h)
            return h
    """),
    wrong(CHAIN, "first-layer-only", "only the first layer", ("shape", "every layer", "values"), """
        def chain_layers(model, x):
            return model.layers[0](x)
    """),
    wrong(CHAIN, "skips-first", "starts at layer 2", ("shape", "raised", "every layer", "values"), """
        def chain_layers(model, x):
            for layer in model.layers[1:]:
                x = layer(x)
            return x
    """),
    wrong(CHAIN, "fixed-three", "hard-coded for three layers", ("layer", "any", "raised"), """
        def chain_layers(model, x):
            first, second, third = model.layers
            return third(second(first(x)))
    """),
    wrong(CHAIN, "model-call-method", "model.call (the model itself, another spelling)", ("model itself",), """
        def chain_layers(model, x):
            return model.call(keras.ops.convert_to_tensor(x))
    """),
    wrong(CHAIN, "model-predict-on-batch", "predict_on_batch (the model itself)", ("model itself",), """
        def chain_layers(model, x):
            return model.predict_on_batch(x)
    """),
    wrong(CHAIN, "each-on-x", "every layer on x, outputs summed", ("raised", "shape", "values", "previous"), """
        def chain_layers(model, x):
            return sum(keras.ops.sum(layer(x)) for layer in model.layers[:1])
    """),
    wrong(CHAIN, "prints", "prints instead of returning", ("None", "return"), """
        def chain_layers(model, x):
            for layer in model.layers:
                x = layer(x)
            print(x.shape)
    """),
    wrong(CHAIN, "sub-model", "a new Sequential of the same layers, called (a container, not the calls)",
          ("yourself", "model", "container", "Sequential"), """
        def chain_layers(model, x):
            return keras.Sequential(model.layers)(x)
    """),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
CASES += [
    right(PARAMS, "list-from-built-layers", "a list read off the built stack's layers (allowed afterwards)", """
        stack = keras.Sequential([
            keras.Input(shape=(5,)),
            layers.Dense(4, activation="relu"),
            layers.Dense(3, activation="relu"),
            layers.Dense(2),
        ])
        layer_params = [layer.count_params() for layer in stack.layers]
    """),
    right(GRAPH, "string-commas", "one string with commas and spaces", """
        breaks_chain = "a, c, f"
    """),
    right(CHAIN, "recursive", "recursion over the list of layers", """
        def _run(layer_list, h):
            return h if not layer_list else _run(layer_list[1:], layer_list[0](h))

        def chain_layers(model, x):
            return _run(list(model.layers), x)
    """),
    wrong(CHAIN, "global-model", "the notebook's `model` used instead of the argument", ("argument", "model you", "given", "any"), """
        def chain_layers(m, x):
            for layer in model.layers:
                x = layer(x)
            return x
    """),
]
CASES += [
    wrong(CHAIN, "matrix-math-no-activation", "the Dense maths by hand from the weights, activations forgotten", ("call", "layers", "model.layers"), """
        def chain_layers(model, x):
            h = np.asarray(x)
            for layer in model.layers:
                if layer.weights:
                    kernel, bias = (np.asarray(w) for w in layer.weights)
                    h = h @ kernel + bias
            return h
    """),
]
