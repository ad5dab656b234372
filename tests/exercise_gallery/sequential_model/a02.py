"""A2 · Creating a Sequential model: predict_pop, new_head, named_model, read_summary."""
from exercise_gallery.sequential_model import right, wrong

POP = "seq02_predict_pop"
HEAD = "seq02_new_head"
NAMED = "seq02_named_model"
SUMMARY = "seq02_read_summary"
POP_SECRETS = (r"\b8\b\D{1,4}\b6\b\D{1,4}\b3\b",)
SUMMARY_SECRETS = (r"\b12\b\D{1,6}\b128\b",)

CASES = [
    # ---- seq02_predict_pop: [8, 6, 3]
    right(POP, "replayed-list", "replayed on a Python list", """
        units = []
        units.append(8); units.append(4); units.pop(); units.append(6); units.append(2); units.pop()
        units.append(3)
        units_left = units
    """),
    right(POP, "built-and-read", "built `grown` and read the units (allowed once predicted)", """
        grown = keras.Sequential()
        grown.add(layers.Dense(8)); grown.add(layers.Dense(4)); grown.pop()
        grown.add(layers.Dense(6)); grown.add(layers.Dense(2)); grown.pop(); grown.add(layers.Dense(3))
        units_left = [layer.units for layer in grown.layers]
    """),
    right(POP, "numpy-int-list", "a list of NumPy integers", """
        units_left = [np.int64(8), np.int64(6), np.int64(3)]
    """),
    wrong(POP, "last-only", "only the last layer's units", ("layers are left", "how many layers"), """
        units_left = [3]
    """, secrets=POP_SECRETS),
    wrong(POP, "popped-ones", "the layers that were popped", ("pop", "removed"), """
        units_left = [4, 2]
    """, secrets=POP_SECRETS),
    wrong(POP, "set", "format: a set (the order of the layers lost)", ("list", "order"), """
        units_left = {8, 6, 3}
    """, secrets=POP_SECRETS),
    wrong(POP, "pop-before-add", "pop() removed the layer before the last", ("first layer left", "pop"), """
        units_left = [4, 2, 3]
    """, secrets=POP_SECRETS),
    wrong(POP, "strings", "format: layer names", ("whole number", "number"), """
        units_left = ["dense", "dense_2", "dense_5"]
    """, secrets=POP_SECRETS),

    # ---- seq02_new_head: make_draft(), pop(), add(Dense(10, softmax))
    right(HEAD, "activation-layer", "Dense(10) then an Activation('softmax') layer", """
        model = make_draft()
        model.pop()
        model.add(layers.Dense(10))
        model.add(layers.Activation("softmax"))
    """),
    right(HEAD, "units-keyword-object", "units= and the softmax function object", """
        model = make_draft()
        model.pop()
        model.add(layers.Dense(units=10, activation=keras.activations.softmax))
    """),
    right(HEAD, "draft-var", "draft kept in another variable, then assigned", """
        draft = make_draft()
        removed = draft.pop()
        draft.add(layers.Dense(10, activation="softmax", name="digit_probs"))
        model = draft
    """),
    wrong(HEAD, "relu-head", "activation: ReLU head", ("activation", "softmax"), """
        model = make_draft()
        model.pop()
        model.add(layers.Dense(10, activation="relu"))
    """),
    wrong(HEAD, "pop-twice-add-twice", "hidden layer replaced by another size", ("units", "hidden", "64", "layer 2"), """
        model = make_draft()
        model.pop(); model.pop()
        model.add(layers.Dense(32, activation="relu"))
        model.add(layers.Dense(10, activation="softmax"))
    """),
    wrong(HEAD, "draft-function", "the function, not a model", ("model", "function"), """
        model = make_draft
    """),
    wrong(HEAD, "pop-result", "the popped layer kept as `model`", ("model", "layer"), """
        draft = make_draft()
        model = draft.pop()
    """),
    wrong(HEAD, "no-hidden-relu", "hidden layers without ReLU (rebuilt by hand)", ("activation", "relu"), """
        model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(64), layers.Dense(64),
                                  layers.Dense(10, activation="softmax")])
    """),
    wrong(HEAD, "wrong-input", "input of 28x28 images instead of 784 numbers", ("input",), """
        model = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dense(64, activation="relu"),
                                  layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
    """),
    wrong(HEAD, "extra-dropout", "an extra layer before the head", ("extra", "layer", "one too many", "4"), """
        model = make_draft()
        model.pop()
        model.add(layers.Dropout(0.2))
        model.add(layers.Dense(10, activation="softmax"))
    """),

    # ---- seq02_named_model: "digit_classifier", Input(784), Dense(32, relu, "hidden"), Dense(10, "scores")
    right(NAMED, "list-named-args", "from a list, name= last", """
        model = keras.Sequential(
            layers=[keras.Input(shape=(784,)), layers.Dense(32, activation="relu", name="hidden"),
                    layers.Dense(10, name="scores")],
            name="digit_classifier")
    """),
    right(NAMED, "relu-layer", "a separate ReLU layer after 'hidden'", """
        model = keras.Sequential([keras.Input((784,)), layers.Dense(32, name="hidden"), layers.ReLU(),
                                  layers.Dense(10, name="scores")], name="digit_classifier")
    """),
    right(NAMED, "loop-add", "add() in a loop over a spec", """
        model = keras.Sequential(name="digit_classifier")
        model.add(keras.Input(shape=(784,)))
        for units, act, name in [(32, "relu", "hidden"), (10, None, "scores")]:
            model.add(layers.Dense(units, activation=act, name=name))
    """),
    wrong(NAMED, "model-name-typo", "model name spelt differently", ("name", "digit_classifier"), """
        model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(32, activation="relu", name="hidden"),
                                  layers.Dense(10, name="scores")], name="digit-classifier")
    """),
    wrong(NAMED, "layer-name-case", "layer name in another case", ("name",), """
        model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(32, activation="relu", name="Hidden"),
                                  layers.Dense(10, name="scores")], name="digit_classifier")
    """),
    wrong(NAMED, "softmax-scores", "activation on the scores layer", ("activation",), """
        model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(32, activation="relu", name="hidden"),
                                  layers.Dense(10, activation="softmax", name="scores")], name="digit_classifier")
    """),
    wrong(NAMED, "units-swapped", "units of the two layers swapped", ("units",), """
        model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(10, activation="relu", name="hidden"),
                                  layers.Dense(32, name="scores")], name="digit_classifier")
    """),
    wrong(NAMED, "unbuilt", "no input: the model is not built", ("input", "built"), """
        model = keras.Sequential([layers.Dense(32, activation="relu", name="hidden"),
                                  layers.Dense(10, name="scores")], name="digit_classifier")
    """),
    wrong(NAMED, "input-name-only", "the name given to the Input instead of the model", ("name",), """
        model = keras.Sequential([keras.Input(shape=(784,), name="digit_classifier"),
                                  layers.Dense(32, activation="relu", name="hidden"),
                                  layers.Dense(10, name="scores")])
    """),

    # ---- seq02_read_summary: (12, 128)
    right(SUMMARY, "numpy-array", "a NumPy array", """
        summary_reading = np.array([12, 128])
    """),
    right(SUMMARY, "arithmetic-from-rows", "arithmetic on the summary's numbers", """
        encoder_params, encoder_units, middle_params, middle_units = 208, 16, 136, 8
        summary_reading = (encoder_params // encoder_units - 1, middle_params - middle_units)
    """),
    right(SUMMARY, "floats", "whole floats", """
        summary_reading = (12.0, 128.0)
    """),
    wrong(SUMMARY, "param-count", "the Param # of 'middle' taken as its kernel and 13 inputs",
          ("bias", "+ 1", "biases"), """
        summary_reading = (13, 136)
    """, secrets=SUMMARY_SECRETS),
    wrong(SUMMARY, "param-as-features", "the encoder's Param # taken as the input features",
          ("first number", "features", "Param"), """
        summary_reading = (208, 128)
    """, secrets=SUMMARY_SECRETS),
    wrong(SUMMARY, "kernel-of-encoder", "the kernel of 'encoder' instead of 'middle'", ("the second number", "middle"), """
        summary_reading = (12, 192)
    """, secrets=SUMMARY_SECRETS),
    wrong(SUMMARY, "swapped", "order: the two numbers swapped", ("order",), """
        summary_reading = (128, 12)
    """, secrets=SUMMARY_SECRETS),
    wrong(SUMMARY, "head-kernel", "the kernel of 'head' (8*3)", ("the second number", "middle"), """
        summary_reading = (12, 24)
    """, secrets=SUMMARY_SECRETS),
    wrong(SUMMARY, "one-number", "format: only one number", ("2 numbers", "two"), """
        summary_reading = 12
    """, secrets=SUMMARY_SECRETS),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
CASES += [
    right(POP, "numpy-array", "a NumPy array", """
        units_left = np.array([8, 6, 3])
    """),
    wrong(POP, "pop-first", "pop() taken to remove the first layer", ("pop", "last"), """
        units_left = [6, 3]
    """, secrets=POP_SECRETS),
    right(HEAD, "positional-activation", "keras.layers.Dense(10, 'softmax'), activation positional", """
        model = make_draft()
        model.pop()
        model.add(keras.layers.Dense(10, "softmax"))
    """),
    wrong(HEAD, "popped-another-draft", "pop() on one draft, add() on a second, fresh draft", ("pop", "layers", "sigmoid"), """
        make_draft().pop()
        model = make_draft()
        model.add(layers.Dense(10, activation="softmax"))
    """),
    right(NAMED, "positional-activation", "positional activation, keras.layers spelled out", """
        model = keras.Sequential(
            [keras.Input((784,)), keras.layers.Dense(32, "relu", name="hidden"), keras.layers.Dense(10, name="scores")],
            name="digit_classifier",
        )
    """),
    wrong(NAMED, "no-relu", "the ReLU left out of 'hidden'", ("activation", "relu"), """
        model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(32, name="hidden"),
                                  layers.Dense(10, name="scores")], name="digit_classifier")
    """),
    wrong(NAMED, "image-input", "28x28 images in, a Flatten added", ("input", "784", "layers", "Flatten"), """
        model = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(),
                                  layers.Dense(32, activation="relu", name="hidden"),
                                  layers.Dense(10, name="scores")], name="digit_classifier")
    """),
]
CASES += [
    right(HEAD, "summary-and-assert", "summary() and an assert of the target in the answer cell", """
        model = make_draft()
        model.pop()
        model.add(layers.Dense(10, activation="softmax"))
        model.summary()
        assert model.count_params() == 55_050, model.count_params()
        print("output:", model.outputs[0].shape)
    """),
]
