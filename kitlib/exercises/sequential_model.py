"""Exercises of part 1, "The Sequential model" (``course/source/sequential_model/``).

One block per chapter notebook, ids ``seq01_...`` to ``seq07_...``. Every
check looks at shapes, counts, layer types, configuration the student was
asked to set, or behaviour, never at Keras' auto-generated names, so every
correct solution passes. Each exercise plants at least one wrong answer
(``wrong_answers``): code that replaces ``# YOUR CODE HERE`` in the student
version, with a fragment of the feedback it must produce.

``seq01_chain_layers`` takes a function, so it is checked in two steps:
``prepare`` (the probe) runs it in the student's kernel on seeded probe models
and inputs and returns a *record* of plain outputs; the check (the judge) looks
only at that record and recomputes the wanted outputs itself. ``kit grade``
re-runs the judge on an exported copy of the record in a trusted process, so
points need an answer whose recorded behaviour passes the trusted checks: a
student who monkeypatches the probe must still produce the correct outputs on
the probe inputs. (``seq01_which_need_functional`` likewise records a sorted
list of letters.)

Example::

    from kitlib.exercises import get
    get("seq04_predict_shape").evaluate((None, 15, 15, 32)).passed   # True
"""
from __future__ import annotations

from typing import Any, Callable

from kitlib.exercises import checks as c
from kitlib.exercises.core import CheckFailed, Exercise, _raised, expect

Check = Callable[[Any], None]


# ---------------------------------------------------------------------------
# small helpers shared by the checks below
# ---------------------------------------------------------------------------

def _activation_name(layer) -> str:
    """The activation of a layer as a name ("relu", "softmax", "linear")."""
    config = layer.get_config()
    activation = config.get("activation", "linear")
    if isinstance(activation, dict):  # a serialised activation object
        activation = activation.get("config", {}).get("name") or activation.get("class_name", "")
    return str(activation).lower()


def layer_activations(expected: list[str]) -> Check:
    """The layers' activations, in order (e.g. ``["relu", "softmax"]``)."""

    def check(model):
        got = [_activation_name(layer) for layer in model.layers]
        expect(got == list(expected), "the activations of the layers, in order", list(expected), got,
               hint='Set activation="..." on each Dense layer.')

    return check


def dense_units(expected: list[int]) -> Check:
    """The ``units`` of the layers, in order."""

    def check(model):
        got = [getattr(layer, "units", None) for layer in model.layers]
        expect(got == list(expected), "the units of the layers, in order", list(expected), got)

    return check


def feature_shape(expected: tuple) -> Check:
    """The input shape without the batch axis (a model built by calling it on data has a fixed batch)."""
    want = tuple(expected)

    def check(model):
        inputs = getattr(model, "inputs", None)
        expect(bool(inputs), "the shape of one input sample", want, "no input shape yet",
               hint="Start the model with keras.Input(shape=...).")
        got = c.shape_tuple(inputs[0].shape)[1:]
        expect(got == want, "the shape of one input sample", want, got,
               hint="keras.Input(shape=...) takes the shape of ONE sample, without the batch size.")

    return check


def model_name(expected: str) -> Check:
    def check(model):
        expect(model.name == expected, "the model's name", repr(expected), repr(model.name),
               hint='Pass name="..." to keras.Sequential(...).')

    return check


def layer_names(expected: list[str]) -> Check:
    def check(model):
        got = [layer.name for layer in model.layers]
        expect(got == list(expected), "the layer names, in order", list(expected), got,
               hint='Pass name="..." to each layer.')

    return check


def outputs_are_probabilities(n_features: int) -> Check:
    """Each output row is a probability distribution (non-negative, sums to 1)."""

    def check(model):
        import numpy as np

        x = np.random.default_rng(0).normal(size=(4, n_features)).astype("float32")
        y = np.asarray(model(x, training=False))
        ok = bool(np.all(y >= -1e-6)) and bool(np.allclose(y.sum(axis=-1), 1.0, atol=1e-4))
        expect(ok, "the outputs should be class probabilities (each row sums to 1)",
               "rows that sum to 1", f"rows that sum to {np.round(y.sum(axis=-1), 3).tolist()}",
               hint='Give the last Dense layer activation="softmax".')

    return check


def _conv_config(layer) -> tuple:
    return (layer.filters, tuple(layer.kernel_size), tuple(layer.strides))


# ---------------------------------------------------------------------------
# 01 · When to use a Sequential model
# ---------------------------------------------------------------------------

FUNCTIONAL_SCENARIOS = {"b", "c", "e", "f"}  # see the exercise text in 01_when_to_use.ipynb
ALL_SCENARIOS = set("abcdefg")


def _letters(answer) -> set:
    if isinstance(answer, str):
        items = [ch for ch in answer if ch.isalpha()]
    else:
        try:
            items = list(answer)
        except TypeError:
            raise CheckFailed("your answer should be a set of letters", "a set such as {'a', 'd'}",
                              type(answer).__name__) from None
    letters = set()
    for item in items:
        expect(isinstance(item, str) and len(item.strip()) == 1, "each item should be one letter",
               "letters like 'a'", repr(item))
        letters.add(item.strip().lower())
    unknown = sorted(letters - ALL_SCENARIOS)
    expect(not unknown, "letters that are not scenarios", "letters a to g", unknown)
    return letters


def scenario_letters(answer) -> list:
    """Prepare: the chosen scenarios as a sorted list of single letters (plain data the grader can export).

    Example:
        >>> scenario_letters("b, C, e")
        ['b', 'c', 'e']
    """
    return sorted(_letters(answer))


def which_need_functional(answer) -> None:
    chosen = _letters(answer)
    right = len(chosen & FUNCTIONAL_SCENARIOS)
    wrong = len(chosen - FUNCTIONAL_SCENARIOS)
    expect(
        right == len(FUNCTIONAL_SCENARIOS) and wrong == 0,
        "the scenarios that need the Functional API",
        f"all {len(FUNCTIONAL_SCENARIOS)} of them and nothing else",
        f"{right} right, {wrong} that a Sequential model can do",
        hint="A Sequential model has exactly one input, one output, no shared layers and no "
             "branches or skips. Any scenario that breaks one of these needs the Functional API.",
    )


def _chain_test_models():
    """(model, input batch) pairs: small Sequential models of different depths and layer kinds.

    Weights and inputs come from fixed seeds, so the student's kernel (the probe) and the grader's
    trusted process (the judge) build exactly the same models and batches.
    """
    import keras
    import numpy as np
    from keras import layers

    models = [
        keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2, activation="relu"),
                          layers.Dense(3, activation="relu"), layers.Dense(4)]),
        keras.Sequential([keras.Input(shape=(6,)), layers.Dense(4, activation="tanh")]),
        keras.Sequential([keras.Input(shape=(8,)), layers.Dense(5), layers.Activation("sigmoid"),
                          layers.Dense(2), layers.Dense(7, activation="softmax")]),
    ]
    pairs = []
    for seed, model in enumerate(models, start=1):
        c.set_seeded_weights(model, seed)
        features = model.inputs[0].shape[-1]
        x = np.random.default_rng(len(model.layers)).normal(size=(seed + 2, features)).astype("float32")
        pairs.append((model, x))
    return pairs


def probe_chain_layers(chain_layers) -> dict:
    """Prepare: run the student's ``chain_layers`` on the probe models; record what it returns.

    An error on the first model is the student's to see at once; an error on a later model is
    recorded, so that the judge reports the models in order (a wrong value on model 1 comes first).

    Example: ``probe_chain_layers(my_chain)`` -> ``{"outputs": [array, array, array], "error": None}``.
    """
    expect(callable(chain_layers) and not isinstance(chain_layers, type), "your answer should be a function",
           "a function chain_layers(model, x)", type(chain_layers).__name__,
           hint="Define it with def chain_layers(model, x): ...")
    outputs, error = [], None
    for model, x in _chain_test_models():
        try:
            got = chain_layers(model, x)
        except Exception as raised:
            if not outputs:
                raise
            problem = _raised(raised)
            error = {"what": problem.what, "hint": problem.hint}
            break
        outputs.append(None if got is None else c.as_array(
            got, f"chain_layers on a {len(model.layers)}-layer model returned", "a tensor"))
    return {"outputs": outputs, "error": error}


def chain_matches_model(record) -> None:
    """Judge: each recorded output equals what the (rebuilt) probe model computes itself."""
    import numpy as np

    outputs = list(record["outputs"])
    for index, (model, x) in enumerate(_chain_test_models()):
        if index == len(outputs):
            error = record["error"] or {"what": "chain_layers was not run on every test model", "hint": ""}
            raise CheckFailed(error["what"], hint=error["hint"])
        want, got = np.asarray(model(x)), outputs[index]
        expect(got is not None, f"chain_layers on a {len(model.layers)}-layer model returned", "a tensor", "None",
               hint="Return the result of the last layer.")
        got = np.asarray(got)
        expect(got.shape == want.shape, f"the output shape for a {len(model.layers)}-layer model", want.shape,
               got.shape, hint="Feed each layer's output into the next layer, starting from x.")
        expect(bool(np.allclose(got, want, atol=1e-5)),
               f"the values for a {len(model.layers)}-layer model", "the same values as model(x)",
               "different values", hint="Call every layer in model.layers, in order, each on the previous result.")


# ---------------------------------------------------------------------------
# 02 · Creating a Sequential model
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# 03 · Specifying the input shape in advance
# ---------------------------------------------------------------------------

WEIGHT_SHAPES_03 = [(7, 5), (5,), (5, 1), (1,)]


def weight_shapes_03(answer) -> None:
    expect(isinstance(answer, (list, tuple)), "your answer should be a list of shapes",
           "a list like [(2, 3), (3,)]", type(answer).__name__)
    got = [c.shape_tuple(s) for s in answer]
    expect(len(got) == len(WEIGHT_SHAPES_03), "the number of weight tensors", len(WEIGHT_SHAPES_03), len(got),
           hint="Each Dense layer has two: a kernel and a bias.")
    for i, (g, w) in enumerate(zip(got, WEIGHT_SHAPES_03)):
        hint = ("A Dense kernel has shape (inputs, units), a bias has shape (units,)."
                if len(w) == 2 or len(g) == 2 else "A bias has one number per unit.")
        expect(g == w, f"weight tensor {i}", w, g, hint=hint)


# ---------------------------------------------------------------------------
# 04 · A common debugging workflow: add() + summary()
# ---------------------------------------------------------------------------

SHAPE_04 = (None, 15, 15, 32)


def predicted_shape_04(answer) -> None:
    expect(isinstance(answer, (list, tuple)), "your answer should be a shape tuple", SHAPE_04,
           type(answer).__name__)
    got = c.shape_tuple(answer)
    if len(got) == len(SHAPE_04) - 1:  # the batch axis left out is fine
        got = (None,) + got
    expect(len(got) == len(SHAPE_04), "the number of axes", len(SHAPE_04), len(got),
           hint="An image batch has 4 axes: (batch, height, width, channels).")
    expect(got[-1] == SHAPE_04[-1], "the number of channels", SHAPE_04[-1], got[-1],
           hint="A Conv2D layer outputs as many channels as it has filters.")
    expect(got == SHAPE_04, "the output shape", SHAPE_04, got,
           hint="'valid' convolution: out = (in - kernel) // strides + 1; pooling: out = in // pool_size.")


REPAIR_CONVS_04 = [(16, (5, 5), (2, 2)), (32, (5, 5), (1, 1))]


def repaired_convs_04(model) -> None:
    import keras

    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    got = [_conv_config(layer) for layer in convs]
    expect(got == REPAIR_CONVS_04, "the Conv2D layers (filters, kernel size, strides)", REPAIR_CONVS_04, got,
           hint="Keep both Conv2D layers as they are; change padding or pooling instead.")


# ---------------------------------------------------------------------------
# 05 · What to do once you have a model
# ---------------------------------------------------------------------------

def _probe_digits():
    import numpy as np

    rng = np.random.default_rng(5)
    x = rng.uniform(0, 1, size=(32, 784)).astype("float32")
    y = rng.integers(0, 10, size=(32,))
    return x, y


def compiled_for_digits(model) -> None:
    import keras
    import numpy as np

    expect(isinstance(model, keras.Model), "your answer should be a Keras model", "a keras.Model",
           type(model).__name__)
    expect(getattr(model, "optimizer", None) is not None and getattr(model, "compiled", True),
           "the model should be compiled", "a compiled model", "a model without compile()",
           hint="Call model.compile(optimizer=..., loss=..., metrics=[...]).")
    x, y = _probe_digits()
    try:
        result = model.evaluate(x, y, verbose=0, return_dict=True)
    except Exception as error:
        first = (str(error).strip().splitlines() or [""])[0][:200]
        raise CheckFailed("evaluating on integer labels failed", "a loss for integer labels 0-9",
                          f"{type(error).__name__}: {first}",
                          hint="The labels are integers, not one-hot vectors: use a *sparse* "
                               "categorical cross-entropy.") from None
    logits = np.asarray(model(x, training=False))
    want = float(np.mean(np.asarray(keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True))))
    got = float(result.get("loss", float("nan")))
    expect(abs(got - want) <= 1e-3 * max(1.0, abs(want)), "the loss on a test batch",
           round(want, 4), round(got, 4),
           hint="The last layer outputs raw scores (logits): the loss needs from_logits=True, "
                "and the labels are integers (sparse).")
    accuracy_keys = [k for k in result if "acc" in k]
    expect(bool(accuracy_keys), "the metrics reported by evaluate()", "an accuracy metric",
           sorted(result), hint='Pass metrics=["accuracy"] to compile().')
    want_acc = float(np.mean(np.argmax(logits, axis=-1) == y))
    got_acc = float(result[accuracy_keys[0]])
    expect(abs(got_acc - want_acc) < 1e-6, "the accuracy on a test batch", want_acc, got_acc,
           hint='Use metrics=["accuracy"] (Keras picks the right accuracy for integer labels).')


def restored_from_file(model) -> None:
    """A digit model loaded back with everything a full save keeps (compile settings, optimizer state)."""
    import keras

    expect(isinstance(model, keras.Model), "your answer should be a Keras model", "the model loaded back",
           type(model).__name__, hint="restored = keras.models.load_model(path)")
    c.input_shape((None, 784))(model)
    c.output_shape((None, 10))(model)
    c.total_params(50_890)(model)
    optimizer = getattr(model, "optimizer", None)
    expect(optimizer is not None, "the loaded model's compile settings", "a compiled model (loss, optimizer)",
           "a model without optimizer",
           hint="save_weights() keeps only the weights. model.save('....keras') keeps the architecture, the "
                "weights, the compile settings and the optimizer; load it with keras.models.load_model.")
    steps = int(optimizer.iterations.numpy())
    expect(steps > 0, "the loaded model's optimizer state", "a trained optimizer (steps > 0)",
           f"{steps} training steps", hint="Save and load the model that was trained with fit(): `trained`.")


# ---------------------------------------------------------------------------
# 06 · Feature extraction
# ---------------------------------------------------------------------------

DIGIT_LAYER_SHAPES_06 = [(None, 26, 26, 8), (None, 13, 13, 8), (None, 11, 11, 16), (None, 5, 5, 16),
                         (None, 16), (None, 10)]


def all_layer_outputs_06(model) -> None:
    import keras

    expect(isinstance(model, keras.Model), "your answer should be a Keras model", "a keras.Model",
           type(model).__name__, hint="Wrap inputs and outputs with keras.Model(inputs=..., outputs=[...]).")
    c.input_shape((None, 28, 28, 1))(model)
    got = [c.shape_tuple(t.shape) for t in model.outputs]
    expect(len(got) == len(DIGIT_LAYER_SHAPES_06), "the number of outputs", len(DIGIT_LAYER_SHAPES_06),
           len(got), hint="One output per layer: [layer.output for layer in digit_model.layers].")
    expect(got == DIGIT_LAYER_SHAPES_06, "the output shapes, in layer order", DIGIT_LAYER_SHAPES_06, got)


def block2_features_06(features) -> None:
    import numpy as np

    expect(type(features).__name__ != "KerasTensor", "your answer is a symbolic tensor",
           "the feature values of 8 images", "a KerasTensor (a placeholder without values)",
           hint="layer.output only describes the output. Wrap it in keras.Model(...) and call that "
                "model (or its predict) on the images.")
    try:
        array = np.asarray(features)
    except Exception:
        raise CheckFailed("your answer should be an array of numbers", "an array",
                          type(features).__name__) from None
    expect(array.shape == (8, 11, 11, 16), "the shape of the features", (8, 11, 11, 16), array.shape,
           hint='The layer is "block2_conv"; give it the first 8 images x_small[:8].')
    expect(np.issubdtype(array.dtype, np.floating), "the type of the values", "floats", str(array.dtype))


def block2_features_are_relu_06(features) -> None:
    import numpy as np

    array = np.asarray(features)
    expect(bool(np.all(array >= 0)) and bool(np.any(array > 0)),
           "the values of a ReLU layer", "non-negative values, not all zero",
           f"values from {float(array.min()):.3g} to {float(array.max()):.3g}",
           hint='Take the output of "block2_conv" itself for the real images.')


# ---------------------------------------------------------------------------
# 07 · Transfer learning
# ---------------------------------------------------------------------------

def only_last_trainable(model) -> None:
    flags = [bool(layer.trainable) for layer in model.layers]
    want = [False] * (len(flags) - 1) + [True]
    expect(flags == want, "which layers are trainable (layer.trainable, in order)", want, flags,
           hint="Loop over model.layers[:-1] and set layer.trainable = False on each.")


def body_frozen_head_trainable(model) -> None:
    flags = [bool(layer.trainable) for layer in model.layers]
    expect(len(flags) >= 2 and not any(flags[:-1]) and flags[-1],
           "which layers are trainable, in order", "the reused layers False, the new head True", flags,
           hint="Set trainable = False on the reused layers only; the new Dense head stays trainable.")


# ---------------------------------------------------------------------------
# the exercises, in notebook order
# ---------------------------------------------------------------------------

EXERCISES = [
    # 01_when_to_use.ipynb
    Exercise(
        "seq01_which_need_functional",
        title="Which models need the Functional API?",
        points=1,
        prepare=scenario_letters,
        checks=[which_need_functional],
        wrong_answers=[
            ("needs_functional = {'b', 'f'}", "scenarios that need the Functional API"),
            ("needs_functional = {'a', 'b', 'c', 'e', 'f'}", "that a Sequential model can do"),
            ("needs_functional = {'b', 'z'}", "not scenarios"),
        ],
    ),
    Exercise(
        "seq01_chain_layers",
        title="A Sequential model is a chain of layers",
        points=2,
        prepare=probe_chain_layers,
        checks=[chain_matches_model],
        wrong_answers=[
            ("def chain_layers(model, x):\n    return model.layers[-1](x)", "values"),
            ("def chain_layers(model, x):\n    for layer in model.layers[:-1]:\n        x = layer(x)\n"
             "    return x", "output shape"),
            ("def chain_layers(model, x):\n    for layer in model.layers:\n        y = layer(x)\n    return y",
             "raised"),
            ("chain_layers = 3", "should be a function"),
        ],
    ),
    # 02_creating_a_model.ipynb
    Exercise(
        "seq02_new_head",
        title="Swap the last layer with pop() and add()",
        points=2,
        checks=[c.is_model("Sequential"), c.is_built(), c.layer_types(["Dense", "Dense", "Dense"]),
                dense_units([64, 64, 10]), c.output_shape((None, 10)), c.total_params(55_050)],
        hidden_checks=[layer_activations(["relu", "relu", "softmax"]), outputs_are_probabilities(784)],
        wrong_answers=[
            ("model = make_draft()\nmodel.add(layers.Dense(10, activation='softmax'))", "layer types"),
            ("model = make_draft()\nmodel.pop()\nmodel.add(layers.Dense(10))", "activations"),
            ("model = make_draft()\nmodel.pop()\nmodel.pop()\nmodel.add(layers.Dense(10, activation='softmax'))",
             "layer types"),
        ],
    ),
    Exercise(
        "seq02_named_model",
        title="A model and layers with your names",
        points=1,
        checks=[c.is_model("Sequential"), c.is_built(), model_name("digit_classifier"),
                layer_names(["hidden", "scores"]), dense_units([32, 10]), c.input_shape((None, 784)),
                c.total_params(25_450)],
        hidden_checks=[layer_activations(["relu", "linear"])],
        wrong_answers=[
            ("model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(32, activation='relu', "
             "name='hidden'), layers.Dense(10, name='scores')])", "model's name"),
            ("model = keras.Sequential(name='digit_classifier')\nmodel.add(keras.Input(shape=(784,)))\n"
             "model.add(layers.Dense(32, activation='relu'))\nmodel.add(layers.Dense(10))", "layer names"),
            ("model = keras.Sequential(name='digit_classifier')\nmodel.add(keras.Input(shape=(784,)))\n"
             "model.add(layers.Dense(32, activation='relu', name='hidden'))\n"
             "model.add(layers.Dense(10, activation='relu', name='scores'))", "activations"),
        ],
    ),
    # 03_input_shape.ipynb
    Exercise(
        "seq03_weight_shapes",
        title="Predict the weight shapes",
        points=1,
        checks=[weight_shapes_03],
        wrong_answers=[
            ("weight_shapes = [(5, 7), (5,), (1, 5), (1,)]", "(inputs, units)"),
            ("weight_shapes = [(7, 5), (5, 1)]", "number of weight tensors"),
            ("weight_shapes = [(7, 5), (7,), (5, 1), (1,)]", "weight tensor 1"),
        ],
    ),
    Exercise(
        "seq03_built_from_start",
        title="A model with weights from the start",
        points=2,
        checks=[c.is_model("Sequential"), c.is_built(), feature_shape((20,)),
                c.layer_types(["Dense", "Dense"]), dense_units([8, 1]), c.total_params(177)],
        hidden_checks=[layer_activations(["relu", "linear"])],
        wrong_answers=[
            ("model = keras.Sequential([layers.Dense(8, activation='relu'), layers.Dense(1)])", "should be built"),
            ("model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(8, activation='relu'), "
             "layers.Dense(1)])", "one input sample"),
            ("model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(8), layers.Dense(1)])",
             "activations"),
        ],
    ),
    # 04_debugging_workflow.ipynb
    Exercise(
        "seq04_predict_shape",
        title="Predict an output shape",
        points=1,
        checks=[predicted_shape_04],
        wrong_answers=[
            ("predicted_shape = (None, 16, 16, 32)", "output shape"),
            ("predicted_shape = (None, 15, 15, 3)", "number of channels"),
            ("predicted_shape = (None, 31, 31, 32)", "output shape"),
        ],
    ),
    Exercise(
        "seq04_repair",
        title="Repair a model that fails to build",
        points=2,
        checks=[c.is_model("Sequential"), c.is_built(), c.input_shape((None, 32, 32, 3)),
                c.layer_types(["Conv2D", "MaxPooling2D", "Conv2D", "GlobalMaxPooling2D", "Dense"]),
                repaired_convs_04, c.output_shape((None, 10)), c.total_params(14_378)],
        wrong_answers=[
            ("model = keras.Sequential([keras.Input(shape=(32, 32, 3)), "
             "layers.Conv2D(16, 5, strides=2, activation='relu'), layers.MaxPooling2D(3), "
             "layers.Conv2D(32, 3, activation='relu'), layers.GlobalMaxPooling2D(), layers.Dense(10)])",
             "Conv2D layers"),
            ("model = keras.Sequential([keras.Input(shape=(32, 32, 3)), "
             "layers.Conv2D(16, 5, strides=2, activation='relu'), layers.MaxPooling2D(3), "
             "layers.GlobalMaxPooling2D(), layers.Dense(10)])", "layer types"),
        ],
    ),
    # 05_once_you_have_a_model.ipynb
    Exercise(
        "seq05_compile",
        title="Compile for integer labels and raw scores",
        points=2,
        checks=[compiled_for_digits],
        wrong_answers=[
            ("model = make_digit_model()", "should be compiled"),
            ("model = make_digit_model()\nmodel.compile(optimizer='adam', loss='sparse_categorical_crossentropy', "
             "metrics=['accuracy'])", "from_logits=True"),
            ("model = make_digit_model()\nmodel.compile(optimizer='adam', "
             "loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))", "accuracy metric"),
            ("model = make_digit_model()\nmodel.compile(optimizer='adam', "
             "loss=keras.losses.CategoricalCrossentropy(from_logits=True), metrics=['accuracy'])",
             "integer labels"),
        ],
    ),
    Exercise(
        "seq05_save_reload",
        title="Save the trained model and load it back",
        points=2,
        checks=[restored_from_file],
        wrong_answers=[
            ("restored = make_digit_model()", "compile settings"),
            ("trained.save_weights(save_dir / 'digits.weights.h5')\nrestored = make_digit_model()\n"
             "restored.load_weights(save_dir / 'digits.weights.h5')", "compile settings"),
            ("make_digit_model().save(save_dir / 'untrained.keras')\n"
             "restored = keras.models.load_model(save_dir / 'untrained.keras')", "compile settings"),
            ("restored = make_digit_model()\nrestored.compile(optimizer='adam', loss='mse')", "optimizer state"),
        ],
    ),
    # 06_feature_extraction.ipynb
    Exercise(
        "seq06_all_outputs",
        title="A feature extractor for every layer",
        points=2,
        checks=[all_layer_outputs_06],
        wrong_answers=[
            ("extractor = keras.Model(inputs=digit_model.inputs, outputs=digit_model.outputs)", "number of outputs"),
            ("extractor = keras.Model(inputs=digit_model.inputs, "
             "outputs=[layer.output for layer in digit_model.layers[:-1]])", "number of outputs"),
        ],
    ),
    Exercise(
        "seq06_block2_features",
        title="The features of one layer",
        points=2,
        checks=[block2_features_06],
        hidden_checks=[block2_features_are_relu_06],
        wrong_answers=[
            ("features = digit_model.get_layer('block2_conv').output", "symbolic"),
            ("features = keras.Model(digit_model.inputs[0], digit_model.get_layer('block1_conv').output)"
             ".predict(x_small[:8], verbose=0)", "shape of the features"),
            ("features = keras.Model(digit_model.inputs[0], digit_model.get_layer('block2_conv').output)"
             ".predict(x_small[:5], verbose=0)", "shape of the features"),
        ],
    ),
    # 07_transfer_learning.ipynb
    Exercise(
        "seq07_freeze_all_but_last",
        title="Freeze all layers but the last",
        points=2,
        checks=[c.is_model(), c.total_params(27_562), c.trainable_params(330), only_last_trainable],
        wrong_answers=[
            ("model = make_mlp()\nmodel.trainable = False", "trainable parameters"),
            ("model = make_mlp()\nmodel.layers[0].trainable = False", "trainable parameters"),
            ("model = make_mlp()\nfor layer in model.layers[1:]:\n    layer.trainable = False",
             "trainable parameters"),
        ],
    ),
    Exercise(
        "seq07_new_head",
        title="Reuse a trained body with a new head",
        points=2,
        checks=[c.is_model(), c.is_built(), c.input_shape((None, 784)), c.output_shape((None, 3)),
                c.total_params(27_331), c.trainable_params(99), body_frozen_head_trainable],
        hidden_checks=[outputs_are_probabilities(784)],
        wrong_answers=[
            ("transfer_model = keras.Sequential([keras.Input(shape=(784,))] + donor.layers[:-1] + "
             "[layers.Dense(3, activation='softmax')])", "trainable parameters"),
            ("for layer in donor.layers:\n    layer.trainable = False\n"
             "transfer_model = keras.Sequential([keras.Input(shape=(784,))] + donor.layers + "
             "[layers.Dense(3, activation='softmax')])", "total number of parameters"),
        ],
    ),
]

__all__ = ["EXERCISES"]
