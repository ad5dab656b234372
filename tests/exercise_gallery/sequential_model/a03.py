"""A3 · Specifying the input shape in advance: predict_built, weight_shapes, built_from_start, fix_input_shape."""
from exercise_gallery.sequential_model import right, stale, wrong

BUILT = "seq03_predict_built"
SHAPES = "seq03_weight_shapes"
START = "seq03_built_from_start"
FIX = "seq03_fix_input_shape"
BUILT_SECRETS = (r"\(4, 38\)|\b38\b",)
SHAPES_SECRETS = (r"\(7, 5\).*\(5, 1\)",)

CASES = [
    # ---- seq03_predict_built: (4, 38)
    right(BUILT, "numpy-array", "a NumPy array", "built_counts = np.array((4, 38))\n"),
    right(BUILT, "arithmetic", "the arithmetic written out", """
        built_counts = (2 + 2, 6 * 4 + 4 + 4 * 2 + 2)
    """),
    right(BUILT, "built-and-read", "built `late` and read it back (checking oneself)", """
        late = keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(2)])
        late(np.ones((2, 6), dtype="float32"))
        built_counts = (len(late.weights), late.count_params())
    """),
    wrong(BUILT, "swapped", "order: the two numbers swapped", ("order", "first", "second", "len(late.weights)"), """
        built_counts = (38, 4)
    """, secrets=BUILT_SECRETS),
    wrong(BUILT, "one-layer", "only the first layer", ("len(late.weights)", "count_params"), """
        built_counts = (2, 28)
    """, secrets=BUILT_SECRETS),
    wrong(BUILT, "per-sample", "parameters counted once per sample of the batch", ("count_params", "sample"), """
        built_counts = (4, 76)
    """, secrets=BUILT_SECRETS),
    wrong(BUILT, "activation-weights", "the activation counted as a weight tensor", ("activation", "two", "kernel"), """
        built_counts = (5, 38)
    """, secrets=BUILT_SECRETS),
    wrong(BUILT, "text", "format: a sentence", ("2 numbers", "numbers"), """
        built_counts = "4 weights, 38 parameters"
    """, secrets=BUILT_SECRETS),

    # ---- seq03_weight_shapes: [(7, 5), (5,), (5, 1), (1,)]
    right(SHAPES, "mixed", "lists and tuples mixed", "weight_shapes = [(7, 5), [5], (5, 1), [1]]\n"),
    right(SHAPES, "read-from-model", "built the model and read model.weights", """
        m = keras.Sequential([keras.Input(shape=(7,)), layers.Dense(5, activation="relu"), layers.Dense(1)])
        weight_shapes = [tuple(w.shape) for w in m.weights]
    """),
    right(SHAPES, "tuple-of-tuples", "a tuple of tuples, NumPy numbers", """
        weight_shapes = ((np.int64(7), 5), (5,), (5, 1), (np.int32(1),))
    """),
    wrong(SHAPES, "row-biases", "biases as row vectors", ("bias",), """
        weight_shapes = [(7, 5), (1, 5), (5, 1), (1, 1)]
    """, secrets=SHAPES_SECRETS),
    wrong(SHAPES, "bias-first", "order: bias before kernel", ("kernel", "bias", "order"), """
        weight_shapes = [(5,), (7, 5), (1,), (5, 1)]
    """, secrets=SHAPES_SECRETS),
    wrong(SHAPES, "first-layer-only", "only the first layer", ("Dense layer", "two weight", "4", "layer"), """
        weight_shapes = [(7, 5), (5,)]
    """, secrets=SHAPES_SECRETS),
    wrong(SHAPES, "scalar-bias", "the one-unit bias as a scalar shape ()", ("bias", "one number per unit"), """
        weight_shapes = [(7, 5), (5,), (5, 1), ()]
    """, secrets=SHAPES_SECRETS),
    wrong(SHAPES, "second-from-input", "second kernel fed by the model's input", ("layer before", "receives", "inputs"), """
        weight_shapes = [(7, 5), (5,), (7, 1), (1,)]
    """, secrets=SHAPES_SECRETS),
    wrong(SHAPES, "ints", "format: sizes instead of shapes", ("shape",), """
        weight_shapes = [35, 5, 5, 1]
    """, secrets=SHAPES_SECRETS),

    # ---- seq03_built_from_start: Input(20) -> Dense(8, relu) -> Dense(1), built when created
    right(START, "input-layer", "layers.InputLayer(shape=...)", """
        model = keras.Sequential([layers.InputLayer(shape=(20,)), layers.Dense(8, activation="relu"),
                                  layers.Dense(1)])
    """),
    right(START, "batch-shape", "keras.Input(batch_shape=(None, 20)), float32 spelled out", """
        model = keras.Sequential([keras.Input(batch_shape=(None, 20), dtype="float32"),
                                  layers.Dense(8, activation="relu"), layers.Dense(1)])
    """),
    right(START, "layers-input-list", "layers.Input with a list shape and names", """
        model = keras.Sequential([layers.Input(shape=[20], name="samples"), layers.Dense(8, activation="relu", name="h"),
                                  layers.Dense(1, name="out")], name="from_start")
    """),
    right(START, "input-dim", "Keras 2's input_dim= (Keras 3 still builds the layer with it, and warns)", """
        model = keras.Sequential([layers.Dense(8, activation="relu", input_dim=20), layers.Dense(1)])
    """),
    wrong(START, "fixed-batch", "the batch size fixed in the input", ("batch",), """
        model = keras.Sequential([keras.Input(shape=(20,), batch_size=20), layers.Dense(8, activation="relu"),
                                  layers.Dense(1)])
    """),
    wrong(START, "tanh-head", "an activation added to the last layer", ("activation",), """
        model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(8, activation="relu"),
                                  layers.Dense(1, activation="tanh")])
    """),
    wrong(START, "functional", "a functional keras.Model instead of a Sequential", ("Sequential",), """
        i = keras.Input(shape=(20,))
        model = keras.Model(i, layers.Dense(1)(layers.Dense(8, activation="relu")(i)))
    """),
    wrong(START, "built-for-21", "built by a call on data of the wrong width", ("input", "20"), """
        model = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1)])
        model(np.ones((1, 21), dtype="float32"))
    """),
    wrong(START, "rank-3", "an extra axis in the input shape", ("input", "shape"), """
        model = keras.Sequential([keras.Input(shape=(20, 1)), layers.Dense(8, activation="relu"), layers.Dense(1)])
    """),

    # ---- seq03_fix_input_shape: Input(6) -> Dense(16, relu) -> Dense(1, sigmoid)
    right(FIX, "input-layer", "layers.InputLayer", """
        model = keras.Sequential([layers.InputLayer(shape=(6,)), layers.Dense(16, activation="relu"),
                                  layers.Dense(1, activation="sigmoid")])
    """),
    right(FIX, "batch-shape-none", "batch_shape=(None, 6)", """
        model = keras.Sequential([keras.Input(batch_shape=(None, 6)), layers.Dense(16, activation="relu"),
                                  layers.Dense(1, activation="sigmoid")])
    """),
    right(FIX, "add-activation-layers", "add() with separate activation layers", """
        model = keras.Sequential()
        model.add(keras.Input(shape=(6,)))
        model.add(layers.Dense(16))
        model.add(layers.Activation("relu"))
        model.add(layers.Dense(1))
        model.add(layers.Activation(keras.activations.sigmoid))
    """),
    wrong(FIX, "pool-the-32", "batch axis kept, averaged away by a pooling layer (same params, same output shape)",
          ("input", "sample", "batch", "one sample"), """
        model = keras.Sequential([keras.Input(shape=(32, 6)), layers.GlobalAveragePooling1D(),
                                  layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
    """),
    wrong(FIX, "fixed-batch", "the batch size moved to batch_size=32", ("batch",), """
        model = keras.Sequential([keras.Input(shape=(6,), batch_size=32), layers.Dense(16, activation="relu"),
                                  layers.Dense(1, activation="sigmoid")])
    """),
    wrong(FIX, "extra-axis-1", "shape (1, 6): an axis of one too many", ("input", "sample", "shape"), """
        model = keras.Sequential([keras.Input(shape=(1, 6)), layers.Dense(16, activation="relu"),
                                  layers.Dense(1, activation="sigmoid")])
    """),
    wrong(FIX, "softmax-head", "softmax on one unit (always 1)", ("activation", "sigmoid"), """
        model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(16, activation="relu"),
                                  layers.Dense(1, activation="softmax")])
    """),
    wrong(FIX, "sixteen-out", "two units out (one per class)", ("units", "output"), """
        model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(16, activation="relu"),
                                  layers.Dense(2, activation="sigmoid")])
    """),
    wrong(FIX, "tanh-hidden", "tanh instead of ReLU", ("activation", "relu"), """
        model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(16, activation="tanh"),
                                  layers.Dense(1, activation="sigmoid")])
    """),
    stale(START, "misspelt-input-keyword", "keras.Input(shap=...) raises, placeholder line kept", """
        model = keras.Sequential([keras.Input(shap=(20,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
    """, names=("did you mean shape=",)),
    stale(START, "units-misspelt", "a Dense with a misspelt units keyword raises", """
        model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(unit=8, activation="relu"),
                                  layers.Dense(1)])
    """, names=("did you mean units=",)),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
CASES += [
    wrong(SHAPES, "batch-axis", "a batch axis None in every shape", ("batch", "None"), """
        weight_shapes = [(None, 7, 5), (None, 5), (None, 5, 1), (None, 1)]
    """, secrets=SHAPES_SECRETS),
    right(START, "positional", "keras.Input((20,)) and positional activation", """
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(8, "relu"), keras.layers.Dense(1)])
    """),
    right(START, "add-steps", "empty Sequential, then add() with the Input first", """
        model = keras.Sequential()
        model.add(keras.Input(shape=(20,)))
        model.add(layers.Dense(8, activation=keras.activations.relu))
        model.add(layers.Dense(1))
    """),
    wrong(START, "add-no-input", "add() without any Input: unbuilt", ("input", "first", "built", "weights"), """
        model = keras.Sequential()
        model.add(layers.Dense(8, activation="relu"))
        model.add(layers.Dense(1))
    """),
    right(FIX, "list-shape", "shape given as a list", """
        model = keras.Sequential([keras.Input(shape=[6]), layers.Dense(16, activation="relu"),
                                  layers.Dense(1, activation="sigmoid")])
    """),
    wrong(FIX, "unchanged", "the broken model handed in", ("32", "batch", "shape", "output"), """
        model = make_sensor_model()
    """),
]
CASES += [
]
