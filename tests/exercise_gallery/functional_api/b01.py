"""B1 · Introduction: fn01_small_mlp, fn01_image_input."""
from exercise_gallery.functional_api import right, wrong

MLP = "fn01_small_mlp"
IMAGES = "fn01_image_input"

CASES = [
    # ---- fn01_small_mlp: Input(32) -> Dense(16, relu) -> Dense(16, relu) -> Dense(3) (no activation), functional
    right(MLP, "activation-layers", "separate Activation layers", """
        i = keras.Input(shape=(32,))
        x = layers.Dense(16)(i)
        x = layers.Activation("relu")(x)
        x = layers.Dense(16)(x)
        x = layers.Activation("relu")(x)
        small_mlp = keras.Model(inputs=i, outputs=layers.Dense(3)(x))
    """),
    right(MLP, "relu-layers-list-shape", "ReLU layers, shape as a list, linear spelled out", """
        i = keras.Input(shape=[32])
        h = layers.ReLU()(layers.Dense(units=16)(i))
        h = layers.ReLU()(layers.Dense(units=16, kernel_initializer="he_normal")(h))
        small_mlp = keras.Model(i, layers.Dense(3, activation="linear")(h))
    """),
    right(MLP, "activation-objects-names", "activation functions as objects, named layers, positional Input", """
        i = keras.Input((32,), name="features")
        h = layers.Dense(16, activation=keras.activations.relu, name="hidden_1")(i)
        h = layers.Dense(16, activation=keras.activations.relu, name="hidden_2")(h)
        out = layers.Dense(3, activation=None, name="scores")(h)
        small_mlp = keras.Model(i, out, name="my_mlp")
    """),
    right(MLP, "layers-first-then-called", "layers created first, then called in a loop", """
        stack = [layers.Dense(16, activation="relu"), layers.Dense(16, activation="relu"), layers.Dense(3)]
        i = keras.Input(shape=(32,))
        x = i
        for layer in stack:
            x = layer(x)
        small_mlp = keras.Model(i, x)
    """),
    wrong(MLP, "softmax-output", "activation: softmax where the task says no activation",
          ("activation", "softmax"), """
        i = keras.Input(shape=(32,))
        x = layers.Dense(16, activation="relu")(i)
        x = layers.Dense(16, activation="relu")(x)
        small_mlp = keras.Model(i, layers.Dense(3, activation="softmax")(x))
    """),
    wrong(MLP, "no-relu", "activation: hidden layers without ReLU", ("activation", "relu"), """
        i = keras.Input(shape=(32,))
        x = layers.Dense(16)(i)
        x = layers.Dense(16)(x)
        small_mlp = keras.Model(i, layers.Dense(3)(x))
    """),
    wrong(MLP, "same-count-other-units", "structure: other units with the same parameter count (24, 2)",
          ("units", "hidden", "Dense"), """
        i = keras.Input(shape=(32,))
        x = layers.Dense(24, activation="relu")(i)
        x = layers.Dense(2, activation="relu")(x)
        small_mlp = keras.Model(i, layers.Dense(3)(x))
    """, note="851 parameters either way: the count does not stand for the structure"),
    wrong(MLP, "notebook-input", "other input than the task names: the notebook's 784-input `inputs`",
          ("input",), """
        x = layers.Dense(16, activation="relu")(inputs)
        x = layers.Dense(16, activation="relu")(x)
        small_mlp = keras.Model(inputs, layers.Dense(3)(x))
    """),
    wrong(MLP, "sequential", "form: keras.Sequential where the task asks for the functional API",
          ("functional", "Sequential"), """
        small_mlp = keras.Sequential([keras.Input(shape=(32,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(16, activation="relu"), layers.Dense(3)])
    """),

    # ---- fn01_image_input: keras.Input for (32, 32, 3) colour images, float32
    right(IMAGES, "positional", "shape as the first positional argument", """
        images = keras.Input((32, 32, 3))
    """),
    right(IMAGES, "list-name-dtype", "shape as a list, a name and dtype spelled out", """
        images = keras.Input(shape=[32, 32, 3], dtype="float32", name="images")
    """),
    right(IMAGES, "layers-input", "keras.layers.Input", """
        images = keras.layers.Input(shape=(32, 32, 3))
    """),
    right(IMAGES, "batch-shape", "batch_shape with None", """
        images = keras.Input(batch_shape=(None, 32, 32, 3))
    """),
    wrong(IMAGES, "channels-first", "axis order: channels first", ("shape", "channel"), """
        images = keras.Input(shape=(3, 32, 32))
    """),
    wrong(IMAGES, "batch-in-shape", "batch axis written into shape=", ("batch", "shape"), """
        images = keras.Input(shape=(None, 32, 32, 3))
    """),
    wrong(IMAGES, "uint8", "dtype: bytes instead of floats", ("dtype", "float"), """
        images = keras.Input(shape=(32, 32, 3), dtype="uint8")
    """),
    wrong(IMAGES, "fixed-batch", "batch size fixed to 32", ("batch",), """
        images = keras.Input(shape=(32, 32, 3), batch_size=32)
    """),
    wrong(IMAGES, "input-layer", "a layer instead of the symbolic tensor", ("keras.Input", "tensor"), """
        images = layers.InputLayer(shape=(32, 32, 3))
    """),
]

# ---- the practice items added after the audit (held-out answers: other spellings, typical mistakes)
PREDICT = "fn01_predict_params"
READ = "fn01_read_summary"

CASES += [
    # fn01_predict_params: (672, 264, 9)
    right(PREDICT, "generator", "a generator over (inputs, units) pairs", """
        layer_params = tuple(i * u + u for i, u in [(20, 32), (32, 8), (8, 1)])
    """),
    right(PREDICT, "numpy-ints", "NumPy integers", """
        import numpy as np
        layer_params = (np.int64(672), np.int32(264), np.int64(9))
    """),
    right(PREDICT, "counted-after", "the layers built and counted (allowed, if not in the spirit)", """
        probe_in = keras.Input(shape=(20,))
        stack = [layers.Dense(32, activation="relu"), layers.Dense(8, activation="relu"), layers.Dense(1)]
        h = probe_in
        for layer in stack:
            h = layer(h)
        layer_params = tuple(layer.count_params() for layer in stack)
    """),
    wrong(PREDICT, "input-counted", "the Input counted as the first layer (0, then the first two Dense)",
          ("keras.Input", "first Dense"), "layer_params = (0, 672, 264)"),
    wrong(PREDICT, "added", "inputs + units instead of inputs x units", ("x units", "every input"),
          "layer_params = (20 + 32, 32 + 8, 8 + 1)"),
    wrong(PREDICT, "bias-per-input-2", "layer 2's bias counted per input (32) instead of per unit",
          ("one number per unit",), "layer_params = (672, 32 * 8 + 32, 9)"),
    wrong(PREDICT, "strings", "the counts as text", ("whole number",), 'layer_params = ("672", "264", "9")'),
    wrong(PREDICT, "dict", "a dict by layer instead of a tuple", ("tuple",),
          'layer_params = {"dense": 672, "dense_1": 264, "dense_2": 9}'),

    # fn01_read_summary: ("b", "c", "a")
    right(READ, "spaces-upper", "letters with spaces and capitals", 'summary_answers = (" b", "C ", "A")'),
    right(READ, "split", "split from one string", 'summary_answers = tuple("b c a".split())'),
    right(READ, "list-comprehension", "a list built from a string", 'summary_answers = [x for x in "bca"]'),
    wrong(READ, "q1-five", "question 1: (c) 5", ("rows",), 'summary_answers = ("c", "c", "a")'),
    wrong(READ, "q3-unknown", "question 3: (c) a size Keras could not work out", ("on purpose", "left open"),
          'summary_answers = ("b", "c", "c")'),
    wrong(READ, "string", "one string instead of a tuple", ("tuple",), 'summary_answers = "bca"'),
    wrong(READ, "numbers", "option numbers instead of letters", ("letters",), "summary_answers = (2, 3, 1)"),
    wrong(READ, "four", "four letters", ("3 questions",), 'summary_answers = ("b", "c", "a", "a")'),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
_PARAMS_SECRETS = (r"\b672\b", r"\b264\b")
CASES += [
    right(MLP, "lists-and-keywords", "keras.Model(inputs=[...], outputs=...) with the input in a list", """
        inp = keras.Input(shape=(32,))
        h = layers.Dense(16, activation="relu")(inp)
        h = layers.Dense(16, activation="relu")(h)
        small_mlp = keras.Model(inputs=[inp], outputs=layers.Dense(3)(h), name="small_mlp")
    """),
    wrong(MLP, "branches-not-chain", "both hidden layers read the input (a branch, the second one unused)", ("layer", "hidden", "851", "parameters"), """
        inp = keras.Input(shape=(32,))
        h1 = layers.Dense(16, activation="relu")(inp)
        h2 = layers.Dense(16, activation="relu")(inp)
        small_mlp = keras.Model(inp, layers.Dense(3)(h2))
    """),
    wrong(MLP, "dropout-extra", "an extra Dropout layer between the hidden layers", ("layer", "Dropout"), """
        inp = keras.Input(shape=(32,))
        h = layers.Dense(16, activation="relu")(inp)
        h = layers.Dropout(0.2)(h)
        h = layers.Dense(16, activation="relu")(h)
        small_mlp = keras.Model(inp, layers.Dense(3)(h))
    """),
    right(IMAGES, "positional-dtype", "shape positional, dtype by keyword", """
        images = keras.Input((32, 32, 3), dtype="float32")
    """),
    wrong(IMAGES, "flattened", "the image flattened to 3072 numbers", ("shape", "32", "axes", "height"), """
        images = keras.Input(shape=(32 * 32 * 3,))
    """),
    wrong(IMAGES, "no-channels", "the colour channels left out", ("channel", "shape", "colour"), """
        images = keras.Input(shape=(32, 32))
    """),
    right(PREDICT, "list", "a list", """
        layer_params = [672, 264, 9]
    """),
    wrong(PREDICT, "no-biases", "biases left out", ("bias",), """
        layer_params = (640, 256, 8)
    """, secrets=_PARAMS_SECRETS),
    wrong(PREDICT, "all-from-input", "every layer fed by the 20 input features", ("previous", "input", "second"), """
        layer_params = (672, 168, 21)
    """, secrets=_PARAMS_SECRETS),
    right(READ, "list", "a list of letters", """
        summary_answers = ["b", "c", "a"]
    """),
    wrong(READ, "q1-no-input", "question 1: (a) 3, the InputLayer not counted", ("question 1", "InputLayer", "layers"), """
        summary_answers = ("a", "c", "a")
    """),
    wrong(READ, "q2-input-shape", "question 2: (a) the input's shape", ("question 2", "dropout"), """
        summary_answers = ("b", "a", "a")
    """),
]
CASES += [
    right(MLP, "initializers-spelt-out", "he_normal kernels and use_bias=True spelt out (a harmless choice)", """
        inp = keras.Input(shape=(32,))
        h = layers.Dense(16, activation="relu", kernel_initializer="he_normal", use_bias=True)(inp)
        h = layers.Dense(16, activation="relu", kernel_initializer="he_normal", use_bias=True)(h)
        small_mlp = keras.Model(inp, layers.Dense(3, use_bias=True)(h))
    """),
]
