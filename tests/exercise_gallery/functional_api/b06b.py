"""B6b · A toy ResNet: fn06b_residual_block, fn06b_fix_add."""
from exercise_gallery.functional_api import block, right, wrong

BLOCK = "fn06b_residual_block"
FIX = "fn06b_fix_add"

_MAIN = block("""
block_in = keras.Input(shape=(16, 16, 32))
y = layers.Conv2D(64, 3, activation="relu", padding="same")(block_in)
y = layers.Conv2D(64, 3, activation="relu", padding="same")(y)
""")

CASES = [
    # ---- fn06b_residual_block(x, filters): two Conv2D(filters, 3, relu, same), then layers.add with x
    right(BLOCK, "add-layer-object", "layers.Add()([x, y])", """
        def residual_block(x, filters):
            y = layers.Conv2D(filters, 3, activation="relu", padding="same")(x)
            y = layers.Conv2D(filters, 3, activation="relu", padding="same")(y)
            return layers.Add()([x, y])
    """),
    right(BLOCK, "plus-operator", "x + y", """
        def residual_block(x, filters):
            y = layers.Conv2D(filters, (3, 3), padding="same", activation="relu")(x)
            y = layers.Conv2D(filters, (3, 3), padding="same", activation="relu")(y)
            return x + y
    """),
    right(BLOCK, "ops-add-relu-layers", "keras.ops.add, ReLU layers", """
        def residual_block(x, filters):
            y = layers.ReLU()(layers.Conv2D(filters, 3, padding="same")(x))
            y = layers.ReLU()(layers.Conv2D(filters, 3, padding="same")(y))
            return keras.ops.add(y, x)
    """),
    right(BLOCK, "keywords-named", "keyword arguments and layer names from a counter", """
        import itertools as _itertools
        _count = _itertools.count()

        def residual_block(x, filters):
            n = next(_count)
            y = layers.Conv2D(filters=filters, kernel_size=3, padding="same", activation="relu",
                              name=f"res{n}_a")(x)
            y = layers.Conv2D(filters=filters, kernel_size=3, padding="same", activation="relu",
                              name=f"res{n}_b")(y)
            return layers.add([x, y], name=f"res{n}_add")
    """),
    wrong(BLOCK, "no-skip", "structure: the skip connection forgotten", ("skip", "add", "input"), """
        def residual_block(x, filters):
            y = layers.Conv2D(filters, 3, activation="relu", padding="same")(x)
            return layers.Conv2D(filters, 3, activation="relu", padding="same")(y)
    """),
    wrong(BLOCK, "second-no-relu", "activation: the second convolution without ReLU", ("activation", "relu"), """
        def residual_block(x, filters):
            y = layers.Conv2D(filters, 3, activation="relu", padding="same")(x)
            y = layers.Conv2D(filters, 3, padding="same")(y)
            return layers.add([y, x])
    """),
    wrong(BLOCK, "skips-one-conv", "structure: adds the first convolution's output, not the block's input",
          ("input", "skip"), """
        def residual_block(x, filters):
            a = layers.Conv2D(filters, 3, activation="relu", padding="same")(x)
            b = layers.Conv2D(filters, 3, activation="relu", padding="same")(a)
            return layers.add([a, b])
    """),
    wrong(BLOCK, "concatenate", "merge: concatenate instead of add", ("add", "concatenate", "channels"), """
        def residual_block(x, filters):
            y = layers.Conv2D(filters, 3, activation="relu", padding="same")(x)
            y = layers.Conv2D(filters, 3, activation="relu", padding="same")(y)
            return layers.concatenate([y, x])
    """),
    wrong(BLOCK, "hard-coded-64", "ignores `filters`: the notebook's 64", ("filters",), """
        def residual_block(x, filters):
            y = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
            y = layers.Conv2D(64, 3, activation="relu", padding="same")(y)
            return layers.add([y, x])
    """),
    wrong(BLOCK, "valid-padding", "padding: 'valid' (shapes no longer match)", ("padding", "same"), """
        def residual_block(x, filters):
            y = layers.Conv2D(filters, 3, activation="relu")(x)
            y = layers.Conv2D(filters, 3, activation="relu")(y)
            return layers.add([y, x])
    """),

    # ---- fn06b_fix_add: main branch 2 x Conv2D(64, 3, relu, same); shortcut Conv2D(64, 1) from the input; add
    right(FIX, "plus-operator", "+ instead of layers.add", _MAIN + """
        fixed_model = keras.Model(block_in, layers.Conv2D(64, 1)(block_in) + y)
    """),
    right(FIX, "add-layer-tuple-kernel", "layers.Add(), kernel_size=(1, 1), padding spelled out", _MAIN + """
        shortcut = layers.Conv2D(64, kernel_size=(1, 1), padding="same")(block_in)
        fixed_model = keras.Model(inputs=block_in, outputs=layers.Add()([y, shortcut]))
    """),
    right(FIX, "ops-add-activation-layers", "keras.ops.add, Activation layers", """
        block_in = keras.Input(shape=(16, 16, 32))
        y = layers.Activation("relu")(layers.Conv2D(64, 3, padding="same")(block_in))
        y = layers.Activation("relu")(layers.Conv2D(64, 3, padding="same")(y))
        fixed_model = keras.Model(block_in, keras.ops.add(y, layers.Conv2D(64, 1)(block_in)))
    """),
    wrong(FIX, "relu-shortcut", "activation: a ReLU on the projection shortcut",
          ("activation", "shortcut", "projection"), _MAIN + """
        shortcut = layers.Conv2D(64, 1, activation="relu")(block_in)
        fixed_model = keras.Model(block_in, layers.add([shortcut, y]))
    """),
    wrong(FIX, "projection-3x3", "kernel: a 3x3 projection", ("kernel", "1x1", "Conv2D(64, 1)", "projection"),
          _MAIN + """
        shortcut = layers.Conv2D(64, 3, padding="same")(block_in)
        fixed_model = keras.Model(block_in, layers.add([shortcut, y]))
    """),
    wrong(FIX, "projects-main-branch", "other data: the projection applied to the main branch, not the input",
          ("shortcut", "input"), _MAIN + """
        fixed_model = keras.Model(block_in, layers.add([layers.Conv2D(64, 1)(y), y]))
    """),
    wrong(FIX, "second-no-relu", "activation: the second main convolution without ReLU", ("activation", "relu"), """
        block_in = keras.Input(shape=(16, 16, 32))
        y = layers.Conv2D(64, 3, activation="relu", padding="same")(block_in)
        y = layers.Conv2D(64, 3, padding="same")(y)
        fixed_model = keras.Model(block_in, layers.add([layers.Conv2D(64, 1)(block_in), y]))
    """),
    wrong(FIX, "average", "merge: average instead of add", ("add",), _MAIN + """
        fixed_model = keras.Model(block_in, layers.average([layers.Conv2D(64, 1)(block_in), y]))
    """),
]

# ---- the practice items added after the audit (held-out answers: other spellings, typical mistakes)
BLOCK = "fn06b_predict_params"
FAILS = "fn06b_which_add_fails"

CASES += [
    # fn06b_predict_params: (36928, 36928, 0)
    right(BLOCK, "helper", "a helper for a Conv2D's count", """
        def conv_params(k, c_in, f):
            return (k * k * c_in + 1) * f

        block_params = (conv_params(3, 64, 64), conv_params(3, 64, 64), 0)
    """),
    right(BLOCK, "list-floats", "a list of whole floats", "block_params = [36928.0, 36928.0, 0.0]"),
    right(BLOCK, "numpy", "NumPy integers", """
        import numpy as np
        block_params = (np.int64(36928), np.int64(36928), np.int64(0))
    """),
    wrong(BLOCK, "no-input-channels", "the kernel as 3 x 3 x filters, without the input channels",
          ("input channels", "64 input channels", "spans"), "block_params = (3 * 3 * 64 + 64, 3 * 3 * 64 + 64, 0)"),
    wrong(BLOCK, "map-as-kernel", "the 9 x 9 map taken as the kernel's size", ("3 x 3", "kernel"),
          "block_params = (9 * 9 * 64 * 64 + 64, 9 * 9 * 64 * 64 + 64, 0)"),
    wrong(BLOCK, "block1-channels", "the first Conv2D read as block 1's 32 -> 64", ("64 channels", "block_1_output"),
          "block_params = (3 * 3 * 32 * 64 + 64, 36928, 0)"),
    wrong(BLOCK, "add-as-sum", "the addition given both convolutions' parameters", ("nothing to learn", "kernel or a bias"),
          "block_params = (36928, 36928, 2 * 36928)"),
    wrong(BLOCK, "two", "only the two convolutions", ("number of values", "3"), "block_params = (36928, 36928)"),

    # fn06b_which_add_fails: {"b", "c", "e"}
    right(FAILS, "frozenset", "a frozenset", 'failing = frozenset("bce")'),
    right(FAILS, "string-set", "set() of a string", 'failing = set("ecb")'),
    right(FAILS, "upper-set", "capitals in a set", 'failing = {"B", "C", "E"}'),
    wrong(FAILS, "only-b", "only the unpadded 3 x 3", ("'c'", "channels"), 'failing = {"b"}'),
    wrong(FAILS, "with-d", "the 1 x 1 convolution thought to raise", ("(d)", "1 x 1"), 'failing = {"b", "c", "d", "e"}'),
    wrong(FAILS, "none", "nothing raises", ("missing",), "failing = set()"),
    wrong(FAILS, "all", "everything raises", ("(a)", "does not raise"), 'failing = set("abcde")'),
    wrong(FAILS, "numbers", "option numbers", ("letter",), "failing = {2, 3, 5}"),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
_BLOCK_SECRETS = (r"\b36928\b", r"36,928")
CASES += [
    right("fn06b_residual_block", "keyword-filters", "keyword arguments, keras.layers spelled out", """
        def residual_block(x, filters):
            y = keras.layers.Conv2D(filters=filters, kernel_size=3, activation="relu", padding="same")(x)
            y = keras.layers.Conv2D(filters=filters, kernel_size=(3, 3), activation="relu", padding="same")(y)
            return keras.layers.add([y, x])
    """),
    wrong("fn06b_residual_block", "relu-after-add", "a ReLU added after the addition", ("activation", "relu", "add"), """
        def residual_block(x, filters):
            y = layers.Conv2D(filters, 3, activation="relu", padding="same")(x)
            y = layers.Conv2D(filters, 3, activation="relu", padding="same")(y)
            return layers.Activation("relu")(layers.add([y, x]))
    """),
    wrong("fn06b_residual_block", "second-reads-x", "typo: the second convolution reads x, the first is left unused", ("row", "convolution", "Conv2D", "parameters"), """
        def residual_block(x, filters):
            y = layers.Conv2D(filters, 3, activation="relu", padding="same")(x)
            y = layers.Conv2D(filters, 3, activation="relu", padding="same")(x)
            return layers.add([y, x])
    """),
    wrong(FIX, "no-bias-projection", "the projection without bias", ("bias", "projection", "parameters"), """
        inp = keras.Input(shape=(16, 16, 32))
        y = layers.Conv2D(64, 3, activation="relu", padding="same")(inp)
        y = layers.Conv2D(64, 3, activation="relu", padding="same")(y)
        fixed_model = keras.Model(inp, layers.add([y, layers.Conv2D(64, 1, use_bias=False)(inp)]))
    """),
    wrong(FIX, "one-main-conv", "only one convolution in the main branch, a bigger projection", ("main", "convolution", "Conv2D", "parameters"), """
        inp = keras.Input(shape=(16, 16, 32))
        y = layers.Conv2D(64, 3, activation="relu", padding="same")(inp)
        fixed_model = keras.Model(inp, layers.add([y, layers.Conv2D(64, 1)(inp)]))
    """),
    right(BLOCK, "list", "a list", """
        block_params = [36928, 36928, 0]
    """),
    wrong(BLOCK, "no-biases", "the biases left out", ("bias",), """
        block_params = (36864, 36864, 0)
    """, secrets=_BLOCK_SECRETS),
    right(FAILS, "list-upper", "a list of capitals", """
        failing = ["B", "C", "E"]
    """),
    wrong(FAILS, "pool-missed", "the pooling call thought to keep the shape (e missed)", ("e", "pool"), """
        failing = {"b", "c"}
    """),
    wrong(FAILS, "channels-missed", "the 32-channel call thought fine (c missed)", ("c", "channel"), """
        failing = {"b", "e"}
    """),
]
CASES += [
    right(FIX, "projection-padding-same", "padding='same' also on the 1x1 projection (no effect)", """
        inp = keras.Input(shape=(16, 16, 32))
        y = layers.Conv2D(64, 3, activation="relu", padding="same")(inp)
        y = layers.Conv2D(64, 3, activation="relu", padding="same")(y)
        fixed_model = keras.Model(inp, layers.add([y, layers.Conv2D(64, 1, padding="same")(inp)]))
    """),
]
