"""A4 · Debugging workflow: predict_shape, repair, unstick, read_summary."""
from exercise_gallery.sequential_model import block, right, wrong

SHAPE = "seq04_predict_shape"
REPAIR = "seq04_repair"
UNSTICK = "seq04_unstick"
READ = "seq04_read_summary"
SHAPE_SECRETS = (r"\b15, 15\b",)
READ_SECRETS = (r"\bb\b.{0,8}\bd\b.{0,8}\be\b",)

CONV_INPUT = block("""
    model = keras.Sequential()
    model.add(keras.Input(shape=(32, 32, 3)))
""")

CASES = [
    # ---- seq04_predict_shape: (None, 15, 15, 32)
    right(SHAPE, "built-and-read", "built the model and read its output shape (checking oneself)", """
        m = keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Conv2D(16, 3), layers.MaxPooling2D(2),
                              layers.Conv2D(32, 3, strides=2)])
        predicted_shape = tuple(m.outputs[0].shape)
    """),
    right(SHAPE, "concatenated", "tuples joined", """
        side = (pool_out(conv_out(64, 3), 2) - 3) // 2 + 1
        predicted_shape = (None,) + (side, side) + (32,)
    """),
    right(SHAPE, "list-numpy", "a list with NumPy numbers", """
        predicted_shape = [None, np.int32(15), np.int32(15), np.int64(32)]
    """),
    wrong(SHAPE, "stopped-at-pool", "the shape after the pooling layer (last layer left out)",
          ("last", "Conv2D", "channels", "strides"), """
        predicted_shape = (None, 31, 31, 16)
    """, secrets=SHAPE_SECRETS),
    wrong(SHAPE, "channels-first", "channels first", ("channel", "last"), """
        predicted_shape = (None, 32, 15, 15)
    """, secrets=SHAPE_SECRETS),
    wrong(SHAPE, "three-axes", "the channels left out", ("4 axes", "axes", "channel"), """
        predicted_shape = (None, 15, 15)
    """, secrets=SHAPE_SECRETS),
    wrong(SHAPE, "no-strides-no-pool", "neither the pooling nor the strides", ("MaxPooling2D", "strides", "pool"), """
        predicted_shape = (None, 60, 60, 32)
    """, secrets=SHAPE_SECRETS),
    wrong(SHAPE, "channels-summed", "filters of both Conv2D added up", ("channel", "filters"), """
        predicted_shape = (None, 15, 15, 48)
    """, secrets=SHAPE_SECRETS),
    wrong(SHAPE, "half-size", "a float size (divided, not floor-divided)", ("whole", "number", "shape"), """
        predicted_shape = (None, 15.5, 15.5, 32)
    """, secrets=SHAPE_SECRETS),

    # ---- seq04_repair: same five layers, both Conv2D keep filters/kernel/strides, builds, (None, 10)
    right(REPAIR, "pool-same", "pooling with padding='same', from a list", """
        model = keras.Sequential([keras.Input(shape=(32, 32, 3)), layers.Conv2D(16, 5, strides=2, activation="relu"),
                                  layers.MaxPooling2D(3, padding="same"), layers.Conv2D(32, 5, activation="relu"),
                                  layers.GlobalMaxPooling2D(), layers.Dense(10)])
    """),
    right(REPAIR, "pool-strides-2", "pooling with smaller strides", """
        model = keras.Sequential([keras.Input(shape=(32, 32, 3)), layers.Conv2D(16, (5, 5), strides=(2, 2),
                                  activation="relu"), layers.MaxPooling2D(pool_size=3, strides=2),
                                  layers.Conv2D(32, (5, 5), activation="relu"), layers.GlobalMaxPooling2D(),
                                  layers.Dense(10)])
    """),
    right(REPAIR, "add-both-same", "add() one by one, 'same' on both Conv2D", CONV_INPUT + """
        model.add(layers.Conv2D(16, 5, strides=2, padding="same", activation="relu"))
        model.add(layers.MaxPooling2D(3))
        model.add(layers.Conv2D(32, 5, padding="same", activation="relu"))
        model.add(layers.GlobalMaxPooling2D())
        model.add(layers.Dense(10))
    """),
    wrong(REPAIR, "zero-padding-layer", "a sixth layer (ZeroPadding2D) inserted", ("layer", "extra", "five", "6"), """
        model = keras.Sequential([keras.Input(shape=(32, 32, 3)), layers.Conv2D(16, 5, strides=2, activation="relu"),
                                  layers.MaxPooling2D(3), layers.ZeroPadding2D(2), layers.Conv2D(32, 5, activation="relu"),
                                  layers.GlobalMaxPooling2D(), layers.Dense(10)])
    """),
    wrong(REPAIR, "bigger-input", "the input made bigger (64x64)", ("input",), """
        model = keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Conv2D(16, 5, strides=2, activation="relu"),
                                  layers.MaxPooling2D(3), layers.Conv2D(32, 5, activation="relu"),
                                  layers.GlobalMaxPooling2D(), layers.Dense(10)])
    """),
    wrong(REPAIR, "fewer-filters", "second Conv2D's filters changed", ("filters",), """
        model = keras.Sequential([keras.Input(shape=(32, 32, 3)), layers.Conv2D(16, 5, strides=2, activation="relu"),
                                  layers.MaxPooling2D(3), layers.Conv2D(16, 5, activation="relu", padding="same"),
                                  layers.GlobalMaxPooling2D(), layers.Dense(10)])
    """),
    wrong(REPAIR, "order-changed", "pooling moved after the second Conv2D (builds, other order)",
          ("order", "MaxPooling2D", "layer 2", "layer 3"), """
        model = keras.Sequential([keras.Input(shape=(32, 32, 3)), layers.Conv2D(16, 5, strides=2, activation="relu"),
                                  layers.Conv2D(32, 5, activation="relu"), layers.MaxPooling2D(3),
                                  layers.GlobalMaxPooling2D(), layers.Dense(10)])
    """),
    wrong(REPAIR, "flatten", "Flatten instead of GlobalMaxPooling2D", ("GlobalMaxPooling2D", "Flatten"), """
        model = keras.Sequential([keras.Input(shape=(32, 32, 3)), layers.Conv2D(16, 5, strides=2, activation="relu"),
                                  layers.MaxPooling2D(3), layers.Conv2D(32, 5, activation="relu", padding="same"),
                                  layers.Flatten(), layers.Dense(10)])
    """),
    wrong(REPAIR, "first-conv-strides-3", "first Conv2D's strides changed", ("strides",), """
        model = keras.Sequential([keras.Input(shape=(32, 32, 3)), layers.Conv2D(16, 5, strides=1, activation="relu"),
                                  layers.MaxPooling2D(3), layers.Conv2D(32, 5, activation="relu"),
                                  layers.GlobalMaxPooling2D(), layers.Dense(10)])
    """),

    # ---- seq04_unstick: stuck.pop(), add GlobalMaxPooling2D, Dense(10); model is stuck
    right(UNSTICK, "model-alias-first", "model = stuck first, then repaired through `model`", """
        model = stuck
        model.pop()
        model.add(layers.GlobalMaxPooling2D())
        model.add(layers.Dense(10))
    """),
    right(UNSTICK, "pop-if-named", "pop() only if the last layer is 'edges'", """
        if stuck.layers[-1].name == "edges":
            stuck.pop()
        stuck.add(layers.GlobalMaxPooling2D(name="gmp"))
        stuck.add(layers.Dense(units=10, activation=None, name="scores"))
        model = stuck
    """),
    right(UNSTICK, "pop-return-kept", "pop()'s return value looked at, linear spelled out", """
        removed = stuck.pop()
        assert removed.name == "edges"
        stuck.add(layers.GlobalMaxPooling2D())
        stuck.add(layers.Dense(10, activation="linear"))
        model = stuck
    """),
    right(UNSTICK, "pop-while", "pop() in a loop until one layer is left", """
        while len(stuck.layers) > 1:
            stuck.pop()
        stuck.add(layers.GlobalMaxPooling2D())
        stuck.add(layers.Dense(10))
        model = stuck
    """),
    wrong(UNSTICK, "new-first-conv-kept-weights", "a new Conv2D with the old one's weights copied in",
          ("first", "Conv2D", "new", "removed"), """
        old = stuck.layers[0]
        stuck.pop()
        stuck.pop()
        fresh = layers.Conv2D(16, 3, activation="relu")
        stuck.add(fresh)
        fresh.set_weights(old.get_weights())
        stuck.add(layers.GlobalMaxPooling2D())
        stuck.add(layers.Dense(10))
        model = stuck
    """),
    wrong(UNSTICK, "rebuilt-from-layers", "a new model from stuck's layers (not stuck itself)", ("stuck",), """
        model = keras.Sequential([keras.Input(shape=(8, 8, 16)), stuck.layers[0], layers.GlobalMaxPooling2D(),
                                  layers.Dense(10)])
    """),
    wrong(UNSTICK, "new-first-conv", "stuck emptied and a new Conv2D put in (not stuck's own first Conv2D)",
          ("Conv2D", "first", "replaced", "new"), """
        stuck.pop()
        stuck.pop()
        stuck.add(layers.Conv2D(16, 3, activation="relu"))
        stuck.add(layers.GlobalMaxPooling2D())
        stuck.add(layers.Dense(10))
        model = stuck
    """),
    wrong(UNSTICK, "extra-dense", "an extra hidden Dense layer", ("layer", "extra", "one too many"), """
        stuck.pop()
        stuck.add(layers.GlobalMaxPooling2D())
        stuck.add(layers.Dense(32, activation="relu"))
        stuck.add(layers.Dense(10))
        model = stuck
    """),
    wrong(UNSTICK, "relu", "an activation on the Dense layer", ("activation",), """
        stuck.pop()
        stuck.add(layers.GlobalMaxPooling2D())
        stuck.add(layers.Dense(10, activation="relu"))
        model = stuck
    """),
    wrong(UNSTICK, "average-pool", "GlobalAveragePooling2D instead of GlobalMaxPooling2D",
          ("GlobalMaxPooling2D", "GlobalAveragePooling2D", "average"), """
        stuck.pop()
        stuck.add(layers.GlobalAveragePooling2D())
        stuck.add(layers.Dense(10))
        model = stuck
    """),
    wrong(UNSTICK, "no-head", "popped but not finished", ("GlobalMaxPooling2D", "missing", "output", "layers"), """
        stuck.pop()
        model = stuck
    """),

    # ---- seq04_read_summary: {b, d, e}
    right(READ, "string-spaces", "a string with spaces", 'true_statements = "b d e"\n'),
    right(READ, "tuple-other-order", "a tuple in another order", 'true_statements = ("d", "b", "e")\n'),
    right(READ, "upper-frozenset", "upper case, frozenset", 'true_statements = frozenset({"B", "D", "E"})\n'),
    wrong(READ, "a-for-e", "a chosen and e missed (two mistakes)", ("a (chosen", "e (missing"), """
        true_statements = {"a", "b", "d"}
    """, secrets=READ_SECRETS),
    wrong(READ, "only-d", "b and e missed (two mistakes)", ("b (missing", "e (missing"), """
        true_statements = {"d"}
    """, secrets=READ_SECRETS),
    wrong(READ, "all-but-f", "everything but f (a and c too many)", ("a (chosen", "c (chosen"), """
        true_statements = {"a", "b", "c", "d", "e"}
    """, secrets=READ_SECRETS),
    wrong(READ, "c-f-for-d", "c and f chosen, d missed (three mistakes)", ("d (missing", "c (chosen", "f (chosen"), """
        true_statements = {"b", "c", "e", "f"}
    """, secrets=READ_SECRETS),
    wrong(READ, "only-e", "only the fix (b and d missed)", ("b (missing", "d (missing"), """
        true_statements = {"e"}
    """, secrets=READ_SECRETS),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
CASES += [
    right(SHAPE, "helpers-strides-kw", "conv_out with strides= and pool_out, as a tuple", """
        side = conv_out(pool_out(conv_out(64, 3), 2), 3, strides=2)
        predicted_shape = (None, side, side, 32)
    """),
    right(REPAIR, "second-conv-same", "padding='same' on the second Conv2D only, keras.layers spelled out", """
        model = keras.Sequential([
            keras.Input(shape=(32, 32, 3)),
            keras.layers.Conv2D(16, 5, strides=2, activation="relu"),
            keras.layers.MaxPooling2D(3),
            keras.layers.Conv2D(32, 5, activation="relu", padding="same"),
            keras.layers.GlobalMaxPooling2D(),
            keras.layers.Dense(10),
        ])
    """),
    right(REPAIR, "first-conv-same", "padding='same' on the first Conv2D only (16x16 -> 5x5 -> 1x1)", """
        model = keras.Sequential([
            keras.Input(shape=(32, 32, 3)),
            layers.Conv2D(16, 5, strides=2, activation="relu", padding="same"),
            layers.MaxPooling2D(3),
            layers.Conv2D(32, 5, activation="relu"),
            layers.GlobalMaxPooling2D(),
            layers.Dense(10),
        ])
    """),
    right(REPAIR, "pool-size-kw", "MaxPooling2D(pool_size=2), kernel_size/filters as keywords", """
        model = keras.Sequential([
            keras.Input(shape=(32, 32, 3)),
            layers.Conv2D(filters=16, kernel_size=(5, 5), strides=(2, 2), activation="relu"),
            layers.MaxPooling2D(pool_size=2),
            layers.Conv2D(filters=32, kernel_size=5, activation="relu"),
            layers.GlobalMaxPooling2D(),
            layers.Dense(10),
        ])
    """),
    wrong(REPAIR, "no-relu", "the ReLU of the second Conv2D dropped", ("activation", "relu"), """
        model = keras.Sequential([
            keras.Input(shape=(32, 32, 3)),
            layers.Conv2D(16, 5, strides=2, activation="relu"),
            layers.MaxPooling2D(3, padding="same"),
            layers.Conv2D(32, 5, padding="same"),
            layers.GlobalMaxPooling2D(),
            layers.Dense(10),
        ])
    """),
    wrong(REPAIR, "softmax-head", "a softmax added to the Dense layer", ("activation", "softmax"), """
        model = keras.Sequential([
            keras.Input(shape=(32, 32, 3)),
            layers.Conv2D(16, 5, strides=2, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 5, activation="relu"),
            layers.GlobalMaxPooling2D(),
            layers.Dense(10, activation="softmax"),
        ])
    """),
    wrong(REPAIR, "kernel-3", "the second Conv2D's kernel made smaller", ("kernel",), """
        model = keras.Sequential([
            keras.Input(shape=(32, 32, 3)),
            layers.Conv2D(16, 5, strides=2, activation="relu"),
            layers.MaxPooling2D(3),
            layers.Conv2D(32, 3, activation="relu"),
            layers.GlobalMaxPooling2D(),
            layers.Dense(10),
        ])
    """),
    wrong(UNSTICK, "head-swapped", "order: Dense before the pooling", ("order", "GlobalMaxPooling2D", "output"), """
        stuck.pop()
        stuck.add(layers.Dense(10))
        stuck.add(layers.GlobalMaxPooling2D())
        model = stuck
    """),
    right(READ, "list-upper", "a list of upper-case letters", """
        true_statements = ["B", "D", "E"]
    """),
]
