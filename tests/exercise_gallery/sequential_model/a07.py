"""A7 · Transfer learning: predict_trainable, read_frozen, freeze_all_but_last, new_head.

seq07_new_head's cases come last and freeze `donor`'s layers as the task asks (the prelude's objects are shared
by the cases); none of them takes a layer out of `donor`.
"""
from exercise_gallery.sequential_model import right, wrong

PREDICT = "seq07_predict_trainable"
FROZEN = "seq07_read_frozen"
FREEZE = "seq07_freeze_all_but_last"
HEAD = "seq07_new_head"
PREDICT_SECRETS = (r"\b1386\b|\b26176\b|1,386|26,176",)
FROZEN_SECRETS = (r"\bb\b.{0,8}\bc\b.{0,8}\be\b",)
NEW = 'layers.Dense(3, activation="softmax")'

CASES = [
    # ---- seq07_predict_trainable: (1386, 26176)
    right(PREDICT, "built-and-counted", "built `half` and counted (checking oneself)", """
        half = make_mlp()
        half.layers[0].trainable = False
        half.layers[2].trainable = False
        param_split = (trainable_count(half), half.count_params() - trainable_count(half))
    """),
    right(PREDICT, "per-layer-sums", "per-layer counts summed", """
        counts = [784 * 32 + 32, 32 * 32 + 32, 32 * 32 + 32, 32 * 10 + 10]
        param_split = (counts[1] + counts[3], counts[0] + counts[2])
    """),
    right(PREDICT, "numpy", "NumPy integers in a list", "param_split = [np.int64(1386), np.int64(26176)]\n"),
    wrong(PREDICT, "one-layer-frozen", "only the first layer frozen", ("trainable parameters", "layers[2]", "layer"), """
        param_split = (2442, 25120)
    """, secrets=PREDICT_SECRETS),
    wrong(PREDICT, "last-layer-frozen", "layers[2] read as the last layer", ("trainable parameters", "layers[2]", "layer"), """
        param_split = (2112, 25450)
    """, secrets=PREDICT_SECRETS),
    wrong(PREDICT, "total-second", "the total given as the second number", ("non-trainable", "total", "add up"), """
        param_split = (1386, 27562)
    """, secrets=PREDICT_SECRETS),
    wrong(PREDICT, "tensor-counts", "weight tensors counted instead of parameters", ("add up", "parameters"), """
        param_split = (4, 4)
    """, secrets=PREDICT_SECRETS),
    wrong(PREDICT, "string", "format: text with thousands separators", ("numbers",), """
        param_split = "1,386 and 26,176"
    """),

    # ---- seq07_read_frozen: {"b", "c", "e"}
    right(FROZEN, "string", "one string", 'frozen_layers = "bce"\n'),
    right(FROZEN, "upper-list", "upper-case list", 'frozen_layers = ["E", "C", "B"]\n'),
    right(FROZEN, "set-difference", "all names minus the ones that learn", 'frozen_layers = set("abcde") - {"a", "d"}\n'),
    wrong(FROZEN, "all", "every layer", ("a (chosen", "d (chosen", "still learn"), """
        frozen_layers = {"a", "b", "c", "d", "e"}
    """, secrets=FROZEN_SECRETS),
    wrong(FROZEN, "no-c", "missed c", ("c (missing", "letter c", "layer c"), 'frozen_layers = {"b", "e"}\n', secrets=FROZEN_SECRETS),
    wrong(FROZEN, "a-for-b", "a instead of b", ("a (chosen", "letter a", "b (missing"), 'frozen_layers = {"a", "c", "e"}\n',
          secrets=FROZEN_SECRETS),
    wrong(FROZEN, "only-e", "only the last layer", ("b (missing", "c (missing"), 'frozen_layers = {"e"}\n',
          secrets=FROZEN_SECRETS),
    wrong(FROZEN, "auto-names", "format: Keras' automatic names", ("letter", "name", "options"), """
        frozen_layers = {"dense_1", "dense_2", "dense_4"}
    """, secrets=FROZEN_SECRETS),

    # ---- seq07_freeze_all_but_last: fresh make_mlp(), all layers but the last frozen
    right(FREEZE, "setattr-comprehension", "setattr in a loop over indices", """
        model = make_mlp()
        for i in range(len(model.layers) - 1):
            setattr(model.layers[i], "trainable", False)
    """),
    right(FREEZE, "chained-assignment", "a chained assignment", """
        model = make_mlp()
        model.layers[0].trainable = model.layers[1].trainable = model.layers[2].trainable = False
    """),
    right(FREEZE, "get-layer-index", "get_layer(index=...) and the last one set True explicitly", """
        model = make_mlp()
        for i in range(3):
            model.get_layer(index=i).trainable = False
        model.layers[-1].trainable = True
    """),
    wrong(FREEZE, "comparison-typo", "`layer.trainable == False` (a comparison: nothing frozen)",
          ("layer 1", "frozen", "trainable", "learn"), """
        model = make_mlp()
        for layer in model.layers[:-1]:
            layer.trainable == False
    """),
    wrong(FREEZE, "last-only", "the last layer frozen instead", ("layer", "frozen", "last"), """
        model = make_mlp()
        model.layers[-1].trainable = False
    """),
    wrong(FREEZE, "demo-reused", "`demo` (a model of the notebook, frozen above) re-used", ("demo", "fresh", "new"), """
        model = demo
        for layer in model.layers[:-1]:
            layer.trainable = False
        model.trainable = True
        model.layers[-1].trainable = True
    """),
    wrong(FREEZE, "donor-reused", "`donor` (trained) instead of a fresh make_mlp()", ("donor", "fresh", "new", "trained"), """
        model = keras.Sequential([keras.Input(shape=(784,))] + donor.layers)
        for layer in model.layers[:-1]:
            layer.trainable = False
    """),
    wrong(FREEZE, "extra-head", "a layer added on top", ("layer", "5", "one too many", "extra"), """
        model = make_mlp()
        for layer in model.layers:
            layer.trainable = False
        model.add(layers.Dense(10))
    """),

    # ---- seq07_new_head: Input(784), donor's three hidden layers (frozen), new Dense(3, softmax)
    right(HEAD, "add-loop", "add() in a loop, freezing on the way", f"""
        transfer_model = keras.Sequential()
        transfer_model.add(keras.Input(shape=(784,)))
        for layer in donor.layers[:3]:
            layer.trainable = False
            transfer_model.add(layer)
        transfer_model.add({NEW})
    """),
    right(HEAD, "softmax-layer", "Dense(3) then a Softmax layer, freezing after building", """
        transfer_model = keras.Sequential([keras.Input(shape=(784,)), donor.layers[0], donor.layers[1],
                                           donor.layers[2], layers.Dense(3), layers.Softmax()])
        for layer in transfer_model.layers[:3]:
            layer.trainable = False
    """),
    right(HEAD, "get-layer-index", "get_layer(index=...) and an activation object", """
        body = [donor.get_layer(index=i) for i in range(3)]
        for layer in body:
            layer.trainable = False
        transfer_model = keras.Sequential([keras.Input(shape=(784,)), *body,
                                           layers.Dense(units=3, activation=keras.activations.softmax, name="sizes")])
    """),
    wrong(HEAD, "source-layers", "the layers of `source` (same weights, other objects than donor's)",
          ("donor", "same layer", "layer objects"), f"""
        for layer in source.layers[:-1]:
            layer.trainable = False
        transfer_model = keras.Sequential([keras.Input(shape=(784,))] + source.layers[:-1] + [{NEW}])
    """),
    wrong(HEAD, "reloaded-copy", "a new make_mlp() with donor's weights file loaded (a copy)",
          ("donor", "copy", "same layer", "layer objects"), f"""
        twin = make_mlp()
        twin.load_weights(weights_file)
        for layer in twin.layers[:-1]:
            layer.trainable = False
        transfer_model = keras.Sequential([keras.Input(shape=(784,))] + twin.layers[:-1] + [{NEW}])
    """),
    wrong(HEAD, "two-hidden", "only two of the three hidden layers", ("layer", "missing", "three"), f"""
        for layer in donor.layers[:2]:
            layer.trainable = False
        transfer_model = keras.Sequential([keras.Input(shape=(784,))] + donor.layers[:2] + [{NEW}])
    """),
    wrong(HEAD, "head-frozen-too", "model.trainable = False, then the head set True (the model flag wins)",
          ("head", "trainable", "frozen", "learn"), f"""
        transfer_model = keras.Sequential([keras.Input(shape=(784,))] + donor.layers[:-1] + [{NEW}])
        transfer_model.trainable = False
        transfer_model.layers[-1].trainable = True
    """),
    wrong(HEAD, "sigmoid-head", "sigmoid instead of softmax", ("activation", "softmax"), """
        for layer in donor.layers[:-1]:
            layer.trainable = False
        transfer_model = keras.Sequential([keras.Input(shape=(784,))] + donor.layers[:-1]
                                          + [layers.Dense(3, activation="sigmoid")])
    """),
    wrong(HEAD, "head-frozen-by-loop", "every layer of transfer_model frozen, the new head too",
          ("head", "trainable", "frozen", "learn"), f"""
        transfer_model = keras.Sequential([keras.Input(shape=(784,))] + donor.layers[:-1] + [{NEW}])
        for layer in transfer_model.layers:
            layer.trainable = False
    """),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
CASES += [
    wrong(PREDICT, "biases-still-train", "the frozen layers' biases counted as trainable", ("bias", "frozen"), """
        param_split = (1450, 26112)
    """, secrets=PREDICT_SECRETS),
    right(FREEZE, "slice-loop", "a loop over model.layers[:-1]", """
        model = make_mlp()
        for layer in model.layers[:-1]:
            layer.trainable = False
    """),
    right(HEAD, "donor-frozen-whole", "donor.trainable = False (freezes its layers), then its three hidden layers", f"""
        donor.trainable = False
        transfer_model = keras.Sequential([keras.Input(shape=(784,)), *donor.layers[:3], {NEW}])
    """),
    wrong(HEAD, "not-frozen", "donor's layers left trainable (as a fresh kernel has them)", ("frozen", "trainable", "freeze"), f"""
        donor.trainable = True  # the gallery's shared kernel: undo what earlier cases froze
        transfer_model = keras.Sequential([keras.Input(shape=(784,)), *donor.layers[:3], {NEW}])
    """),
    wrong(HEAD, "old-head-kept", "donor's own output layer kept under the new head", ("hidden", "three", "layers", "head"), f"""
        for layer in donor.layers:
            layer.trainable = False
        transfer_model = keras.Sequential([keras.Input(shape=(784,)), *donor.layers, {NEW}])
    """),
    wrong(HEAD, "no-softmax", "the new head without softmax", ("softmax", "activation"), """
        for layer in donor.layers[:3]:
            layer.trainable = False
        transfer_model = keras.Sequential([keras.Input(shape=(784,)), *donor.layers[:3], layers.Dense(3)])
    """),
]
CASES += [
    right(FREEZE, "identity-test", "trainable set to whether the layer is the last one", """
        model = make_mlp()
        last = model.layers[-1]
        for layer in model.layers:
            layer.trainable = layer is last
    """),
]
