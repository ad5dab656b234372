"""Exercises of part 2, "The Functional API" (course/source/functional_api/).

One or two exercises per chapter, ids ``fn<chapter>_<skill>``. Each check looks
at shapes, counts, layer types and behaviour (what the model computes), never
at Keras' auto-generated names, so every correct solution passes. Names that
the task itself asks for (an output called "priority", a VGG19 layer) may be
checked.

Answers that are a function or a class (fn03, fn09, fn10, fn11) are checked in
two steps: ``prepare`` (the probe) runs them in the student's kernel on fixed,
seeded probe models and inputs and returns a *record* of plain data, numpy
arrays and standard Keras models; the checks (the judge) look only at that
record and recompute every expected value themselves. ``kit grade`` re-runs the
judge on an exported copy of the record in a trusted process, so points need an
answer whose recorded behaviour passes the trusted checks: a student who
monkeypatches the probe must still produce the correct outputs on the probe
inputs.

Example::

    from kitlib.exercises import get
    get("fn01_small_mlp").evaluate(my_model).passed
"""
from __future__ import annotations

import os
import tempfile
from typing import Any, Callable

import numpy as np

from functools import partial
from types import SimpleNamespace

from kitlib.exercises import checks as _checks
from kitlib.exercises.core import CheckFailed, expect
from kitlib.exercises.core import Exercise as _Exercise

# Moved as it was from kitlib/exercises/functional_api.py until its port to records (one module per
# chapter, course-side hidden parts): its checks look at live models (the legacy checks), and an
# exception inside them is blamed on the answer, as before.
c = SimpleNamespace(**{**vars(_checks), **_checks.LEGACY})
Exercise = partial(_Exercise, legacy=True)

Check = Callable[[Any], None]


# --------------------------------------------------------------------------- helpers


def _keras():
    import keras

    return keras


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _numpy(value) -> np.ndarray:
    keras = _keras()
    return np.asarray(keras.ops.convert_to_numpy(value))


def _close(got, want, what: str, atol: float = 1e-4, hint: str = "") -> None:
    got, want = _numpy(got), np.asarray(want)
    expect(got.shape == want.shape, f"{what}: the shape", want.shape, got.shape, hint=hint)
    worst = float(np.max(np.abs(got - want))) if got.size else 0.0
    expect(bool(np.allclose(got, want, atol=atol)), what, f"the same values (within {atol:g})",
           f"values that differ by up to {worst:.3g}", hint=hint)


def _nested_models(model) -> list:
    keras = _keras()
    return [layer for layer in model.layers if isinstance(layer, keras.Model)]


def _layers_of_type(model, name: str) -> list:
    return [layer for layer in model.layers if type(layer).__name__ == name]


def _is_function(what: str, example: str) -> Check:
    def check(answer):
        expect(callable(answer) and not isinstance(answer, type), f"{what} should be a function",
               "a function (def ...)", type(answer).__name__, hint=f"Write it as {example}.")

    return check


def _is_layer_class(what: str, base: str = "Layer") -> Check:
    def check(answer):
        keras = _keras()
        cls = keras.Model if base == "Model" else keras.layers.Layer
        expect(isinstance(answer, type) and issubclass(answer, cls),
               f"{what} should be a class that subclasses keras.{'Model' if base == 'Model' else 'layers.Layer'}",
               f"class ...(keras.{'Model' if base == 'Model' else 'layers.Layer'})",
               repr(answer) if not isinstance(answer, type) else answer.__name__,
               hint="Define it with class Name(...): and give the class itself as the answer, not an instance.")

    return check


def _output_count(expected: int) -> Check:
    def check(model):
        got = len(model.outputs)
        expect(got == expected, "number of outputs of the model", expected, got,
               hint="Pass a list (or a dict) of output tensors to keras.Model(inputs, outputs).")

    return check


def _input_count(expected: int) -> Check:
    def check(model):
        got = len(model.inputs)
        expect(got == expected, "number of inputs of the model", expected, got,
               hint="Create one keras.Input per input and pass them all to keras.Model.")

    return check


def _output_shapes(expected: list) -> Check:
    want = [c.shape_tuple(s) for s in expected]

    def check(model):
        got = [c.shape_tuple(t.shape) for t in model.outputs]
        expect(len(got) == len(want), "number of outputs of the model", len(want), len(got))
        for i, (g, w) in enumerate(zip(got, want)):
            expect(g == w, f"the shape of output {i + 1}", w, g)

    return check


def _contains_layer(name: str, hint: str, what: str | None = None) -> Check:
    def check(model):
        found = len(_layers_of_type(model, name))
        expect(found >= 1, what or f"a {name} layer in the model", f"at least one {name}", "none", hint=hint)

    return check


# --------------------------------------------------------------------------- chapter 1


def _keras_tensor(shape, dtype: str) -> Check:
    want = c.shape_tuple(shape)

    def check(tensor):
        keras = _keras()
        expect(isinstance(tensor, keras.KerasTensor), "your answer should be a symbolic input tensor",
               "the result of keras.Input(...)", type(tensor).__name__,
               hint="keras.Input(shape=...) returns the tensor; do not wrap it in a model.")
        got = c.shape_tuple(tensor.shape)
        expect(got == want, "the input's shape (batch dimension first)", want, got,
               hint="keras.Input's shape= leaves out the batch size: give height, width, channels as a tuple.")
        expect(str(tensor.dtype) == dtype, "the input's dtype", dtype, str(tensor.dtype),
               hint="Pixel values become floats; keras.Input uses float32 unless you ask for another dtype.")

    return check


def _dense_units(expected: list[int], relu_hidden: bool = True) -> Check:
    def check(model):
        dense = _layers_of_type(model, "Dense")
        got = [layer.units for layer in dense]
        expect(got == expected, "the units of the Dense layers, in order", expected, got)
        if relu_hidden:
            acts = [getattr(layer.activation, "__name__", str(layer.activation)) for layer in dense[:-1]]
            expect(all(a == "relu" for a in acts), "the activation of the hidden Dense layers",
                   ["relu"] * len(acts), acts, hint='Pass activation="relu" to the hidden layers.')

    return check


FN01 = [
    Exercise(
        "fn01_small_mlp",
        title="A functional MLP to a target summary",
        points=2,
        checks=[c.is_model("Functional"), c.input_shape((None, 32)), c.output_shape((None, 3)),
                c.total_params(851)],
        hidden_checks=[_dense_units([16, 16, 3])],
        wrong_answers=[
            ("small_mlp = keras.Sequential([keras.Input(shape=(32,)), layers.Dense(16, activation='relu'), "
             "layers.Dense(16, activation='relu'), layers.Dense(3)])", "the model type"),
            ("inputs = keras.Input(shape=(32,))\nx = layers.Dense(16, activation='relu')(inputs)\n"
             "small_mlp = keras.Model(inputs, layers.Dense(10)(x))", "output shape"),
        ],
    ),
    Exercise(
        "fn01_image_input",
        title="An input for colour images",
        points=1,
        checks=[_keras_tensor((None, 32, 32, 3), "float32")],
        wrong_answers=[
            ("images = keras.Input(shape=(32, 32))", "the input's shape"),
            ("images = keras.Input(shape=(32, 32, 3), dtype='int32')", "dtype"),
        ],
    ),
]


# --------------------------------------------------------------------------- chapter 2


def _mnist_batch(n: int = 8):
    rng = _rng(2)
    return rng.random((n, 784)).astype("float32"), rng.integers(0, 10, n)


def _is_compiled(model):
    expect(bool(getattr(model, "compiled", False)) or getattr(model, "optimizer", None) is not None,
           "the model should be compiled", "a compiled model", "a model that was never compiled",
           hint="Call model.compile(loss=..., optimizer=..., metrics=...).")


def _optimizer_is(name: str) -> Check:
    def check(model):
        got = type(getattr(model, "optimizer", None)).__name__
        expect(got == name, "the optimizer", name, got,
               hint=f'Use optimizer=keras.optimizers.{name}() (or the string "{name.lower()}").')

    return check


def _sparse_ce_from_logits(model):
    keras = _keras()
    loss = model.loss
    if isinstance(loss, str):
        loss = keras.losses.get(loss)
    expect(callable(loss), "the loss", "SparseCategoricalCrossentropy(from_logits=True)", repr(loss))
    x, y = _mnist_batch()
    logits = model(x, training=False)
    want = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, logits)
    got = loss(y, logits)
    expect(abs(float(got) - float(want)) < 1e-4, "the loss value on a test batch of logits",
           f"{float(want):.4f} (sparse categorical cross-entropy on logits)", f"{float(got):.4f}",
           hint="The last Dense layer has no softmax, so the outputs are logits: "
                "use SparseCategoricalCrossentropy(from_logits=True).")


def _reports_accuracy(model):
    x, y = _mnist_batch()
    result = model.evaluate(x, y, return_dict=True, verbose=0)
    names = sorted(k for k in result if k != "loss")
    expect(any("accuracy" in k for k in names), "the metrics reported by evaluate()", "accuracy",
           names or "only the loss", hint='Pass metrics=["accuracy"] to compile().')


def _history(epochs: int, steps: int, keys: tuple) -> Check:
    def check(history):
        keras = _keras()
        expect(isinstance(history, keras.callbacks.History), "your answer should be the History from fit()",
               "a keras.callbacks.History", type(history).__name__,
               hint="history = model.fit(...) returns it.")
        got_epochs = len(history.epoch)
        expect(got_epochs == epochs, "number of epochs trained", epochs, got_epochs)
        missing = [k for k in keys if k not in history.history]
        expect(not missing, "curves in history.history", list(keys), sorted(history.history),
               hint="validation_split=... makes fit() hold out data and report val_ curves.")
        got_steps = history.params.get("steps")
        expect(got_steps == steps, "training steps per epoch", steps, got_steps,
               hint="steps = ceil(training samples / batch_size); the validation part is not trained on.")

    return check


FN02 = [
    Exercise(
        "fn02_compile",
        title="Compile for integer labels and logits",
        points=1,
        checks=[c.is_model(), _is_compiled, _optimizer_is("RMSprop"), _sparse_ce_from_logits, _reports_accuracy],
        wrong_answers=[
            ("model_a.compile(loss='sparse_categorical_crossentropy', optimizer='rmsprop', metrics=['accuracy'])\n"
             "compiled = model_a", "logits"),
            ("model_a.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), "
             "optimizer='adam', metrics=['accuracy'])\ncompiled = model_a", "the optimizer"),
        ],
    ),
    Exercise(
        "fn02_fit_validation",
        title="Train with a validation split",
        points=2,
        checks=[_history(1, 15, ("loss", "accuracy", "val_loss", "val_accuracy"))],
        wrong_answers=[
            ("history_b = model_b.fit(x_small, y_small, batch_size=100, epochs=1, verbose=0)", "val_loss"),
            ("history_b = model_b.fit(x_small, y_small, batch_size=64, epochs=1, validation_split=0.25, verbose=0)",
             "training steps per epoch"),
        ],
    ),
]


# --------------------------------------------------------------------------- chapter 3


def _probe_model(name: str = "probe_model"):
    """A small functional model with seeded weights: the same in the student's kernel and in the grader."""
    keras = _keras()
    inputs = keras.Input(shape=(3,))
    x = keras.layers.Dense(4, activation="relu")(inputs)
    outputs = keras.layers.Dense(2)(x)
    return c.set_seeded_weights(keras.Model(inputs, outputs, name=name), seed=3)


def _probe_batch():
    return _rng(3).random((5, 3)).astype("float32")


def _model_or_none(value):
    """``value`` when it is a Keras model (the record keeps it), else None (the record keeps its type name)."""
    return value if isinstance(value, _keras().Model) else None


def _probe_round_trip(fn) -> dict:
    """Prepare: call ``round_trip`` on the probe model; record the file and the model it returns."""
    _is_function("round_trip", "def round_trip(model, path): ...")(fn)
    model = _probe_model()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "probe.keras")
        restored = fn(model, path)
        written = os.path.exists(path)
    return {"file_written": written, "path": path, "returned_type": type(restored).__name__,
            "returned": _model_or_none(restored), "same_object": restored is model}


def _round_trip_behaves(record):
    """Judge: the returned model is a new one that predicts like the (rebuilt) probe model."""
    expect(bool(record["file_written"]), "a file written at the path you were given", record["path"], "no file",
           hint="Call model.save(path) inside the function.")
    restored = record["returned"]
    expect(isinstance(restored, _keras().Model), "the value your function returns", "a keras.Model",
           record["returned_type"], hint="Return keras.models.load_model(path).")
    expect(not record["same_object"], "the returned model should be a new model loaded from the file",
           "a different object", "the same object you passed in",
           hint="Return keras.models.load_model(path), not the model itself.")
    x = _probe_batch()
    _close(restored.predict(x, verbose=0), _probe_model().predict(x, verbose=0),
           "predictions of the reloaded model vs. the original", atol=1e-6,
           hint="A reloaded model keeps the weights: load the file instead of rebuilding the model.")


def _probe_read_architecture(fn) -> dict:
    """Prepare: save the probe model, call ``read_architecture`` on the file; record what it returns."""
    _is_function("read_architecture", "def read_architecture(path): ...")(fn)
    model = _probe_model("probe_model")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "probe.keras")
        model.save(path)
        got = fn(path)
    return {"returned_type": type(got).__name__, "returned": got if isinstance(got, dict) else None}


def _reads_architecture(record):
    """Judge: the recorded dict describes the probe model (its class, name and three layers)."""
    got = record["returned"]
    expect(isinstance(got, dict), "the value your function returns", "a dict (the parsed config.json)",
           record["returned_type"], hint="json.loads(archive.read('config.json')) gives a dict.")
    config = got.get("config", got) if "class_name" in got else got
    if "class_name" in got:
        expect(got["class_name"] == "Functional", "config.json's class_name", "Functional", got["class_name"])
    expect(isinstance(config, dict) and config.get("name") == "probe_model",
           "the model name stored in the architecture", "probe_model",
           config.get("name") if isinstance(config, dict) else config,
           hint="Read config.json from the .keras zip archive (zipfile.ZipFile(path).read('config.json')).")
    layers = config.get("layers", [])
    expect(len(layers) == 3, "number of layers described in the architecture", 3, len(layers))


FN03 = [
    Exercise(
        "fn03_round_trip",
        title="Save and reload",
        points=1,
        prepare=_probe_round_trip,
        checks=[_round_trip_behaves],
        wrong_answers=[
            ("def round_trip(model, path):\n    model.save(path)\n    return model", "the same object"),
            ("def round_trip(model, path):\n    model.save(path)\n    return keras.models.clone_model(model)",
             "predictions of the reloaded model"),
        ],
    ),
    Exercise(
        "fn03_read_architecture",
        title="What the .keras file holds",
        points=2,
        prepare=_probe_read_architecture,
        checks=[_reads_architecture],
        wrong_answers=[
            ("def read_architecture(path):\n    return {'name': 'x'}", "the model name stored"),
            ("def read_architecture(path):\n    return ['config.json']", "a dict"),
        ],
    ),
]


# --------------------------------------------------------------------------- chapter 4


def _model_pair(pair):
    keras = _keras()
    expect(isinstance(pair, (tuple, list)) and len(pair) == 2, "your answer should be a pair",
           "(encoder, autoencoder)", type(pair).__name__)
    for i, m in enumerate(pair):
        expect(isinstance(m, keras.Model), f"item {i + 1} of the pair", "a keras.Model", type(m).__name__)


def _shares_graph(pair):
    encoder, autoencoder = pair
    expect(encoder.inputs[0] is autoencoder.inputs[0], "both models should start from the same keras.Input",
           "the same input tensor", "two different inputs",
           hint="Define the layers once; build both models with keras.Model(that_input, ...).")
    weighted = [layer for layer in encoder.layers if layer.weights]
    shared = [layer for layer in weighted if any(layer is other for other in autoencoder.layers)]
    expect(len(shared) == len(weighted), "encoder layers that the autoencoder re-uses (the models share layers)",
           len(weighted), len(shared),
           hint="Do not create new layers for the autoencoder: continue from the encoder's output tensor.")


def _pair_part(index: int, check: Check) -> Check:
    def part(pair):
        check(pair[index])

    return part


def _decoder_shapes(answer):
    keras = _keras()
    expect(isinstance(answer, (list, tuple)), "your answer should be a list of shapes", "a list of 4 tuples",
           type(answer).__name__)
    x = keras.Input(shape=(5, 5, 2))
    stack = [keras.layers.Conv2DTranspose(8, 3), keras.layers.UpSampling2D(2),
             keras.layers.Conv2DTranspose(4, 5), keras.layers.UpSampling2D((2, 3))]
    want = []
    for layer in stack:
        x = layer(x)
        want.append(c.shape_tuple(x.shape))
    expect(len(answer) == len(want), "number of shapes", len(want), len(answer), hint="One shape per layer.")
    for i, (got, w) in enumerate(zip(answer, want)):
        try:
            got_t = c.shape_tuple(got)
        except (TypeError, ValueError):
            got_t = got
        expect(got_t == w, f"the shape after layer {i + 1}", w, got,
               hint="Include the batch dimension (None). Conv2DTranspose with padding='valid' adds "
                    "kernel_size - 1; UpSampling2D multiplies height and width.")


FN04 = [
    Exercise(
        "fn04_two_models",
        title="Two models from one graph of layers",
        points=2,
        checks=[_model_pair, _pair_part(0, c.input_shape((None, 28, 28, 1))),
                _pair_part(0, c.output_shape((None, 11, 11, 4))),
                _pair_part(1, c.output_shape((None, 28, 28, 1))), _shares_graph],
        hidden_checks=[_pair_part(0, c.total_params(372)), _pair_part(1, c.total_params(741))],
        wrong_answers=[
            ("inp = keras.Input(shape=(28, 28, 1))\n"
             "x = layers.Conv2D(8, 3, activation='relu')(inp)\nx = layers.MaxPooling2D(2)(x)\n"
             "code = layers.Conv2D(4, 3, activation='relu')(x)\nenc = keras.Model(inp, code)\n"
             "inp2 = keras.Input(shape=(28, 28, 1))\n"
             "y = layers.Conv2D(8, 3, activation='relu')(inp2)\ny = layers.MaxPooling2D(2)(y)\n"
             "y = layers.Conv2D(4, 3, activation='relu')(y)\n"
             "y = layers.Conv2DTranspose(8, 3, activation='relu')(y)\ny = layers.UpSampling2D(2)(y)\n"
             "y = layers.Conv2DTranspose(1, 3, activation='relu')(y)\npair = (enc, keras.Model(inp2, y))",
             "same keras.Input"),
            ("inp = keras.Input(shape=(28, 28, 1))\n"
             "x = layers.Conv2D(8, 3, activation='relu')(inp)\nx = layers.MaxPooling2D(2)(x)\n"
             "code = layers.Conv2D(4, 3, activation='relu')(x)\n"
             "y = layers.Conv2DTranspose(8, 3, activation='relu')(code)\ny = layers.UpSampling2D(2)(y)\n"
             "y = layers.Conv2DTranspose(1, 3, activation='relu')(y)\n"
             "pair = (keras.Model(inp, x), keras.Model(inp, y))", "output shape"),
        ],
    ),
    Exercise(
        "fn04_decoder_shapes",
        title="Predict the shapes of an upsampling stack",
        points=1,
        checks=[_decoder_shapes],
        wrong_answers=[
            ("shapes = [(None, 5, 5, 8), (None, 10, 10, 8), (None, 10, 10, 4), (None, 20, 30, 4)]",
             "the shape after layer 1"),
            ("shapes = [(7, 7, 8), (14, 14, 8), (18, 18, 4), (36, 54, 4)]", "batch dimension"),
        ],
    ),
]


# --------------------------------------------------------------------------- chapter 5


def _member_count(expected: int, what: str, hint: str) -> Check:
    def check(model):
        got = len(_nested_models(model))
        expect(got == expected, what, expected, got, hint=hint)

    return check


def _averages_members(model):
    keras = _keras()
    members = _nested_models(model)
    x = _rng(5).random((4, 8)).astype("float32")
    want = np.mean([_numpy(m(x)) for m in members], axis=0)
    _close(model(x), want, "the ensemble's output vs. the mean of its members' outputs",
           hint="Combine the member outputs with layers.average([...]).")
    del keras


def _composes_members(model):
    members = _nested_models(model)
    first = [m for m in members if c.shape_tuple(m.inputs[0].shape) == (None, 6)]
    second = [m for m in members if c.shape_tuple(m.inputs[0].shape) == (None, 2)]
    expect(len(first) == 1 and len(second) == 1, "the nested models", "tiny_encoder then tiny_decoder",
           [type(m).__name__ for m in members])
    x = _rng(6).random((4, 6)).astype("float32")
    _close(model(x), second[0](first[0](x)), "the output vs. tiny_decoder(tiny_encoder(x))",
           hint="Call tiny_encoder on the new input, then tiny_decoder on its output.")


FN05 = [
    Exercise(
        "fn05_ensemble",
        title="An ensemble of three models",
        points=2,
        checks=[c.is_model(), c.input_shape((None, 8)), c.output_shape((None, 1)),
                _member_count(3, "number of member models inside the ensemble",
                              "Build three separate models and call each one on the shared input."),
                c.total_params(123)],
        hidden_checks=[_averages_members],
        wrong_answers=[
            ("def member():\n    i = keras.Input(shape=(8,))\n    h = layers.Dense(4, activation='relu')(i)\n"
             "    return keras.Model(i, layers.Dense(1)(h))\n"
             "m = member()\ninp = keras.Input(shape=(8,))\n"
             "ensemble3 = keras.Model(inp, layers.average([m(inp), m(inp), m(inp)]))",
             "number of member models"),
            ("def member():\n    i = keras.Input(shape=(8,))\n    h = layers.Dense(4, activation='relu')(i)\n"
             "    return keras.Model(i, layers.Dense(1)(h))\n"
             "inp = keras.Input(shape=(8,))\n"
             "ensemble3 = keras.Model(inp, layers.concatenate([member()(inp), member()(inp), member()(inp)]))",
             "output shape"),
        ],
    ),
    Exercise(
        "fn05_nested_autoencoder",
        title="Nest two models into one",
        points=1,
        checks=[c.is_model(), c.input_shape((None, 6)), c.output_shape((None, 6)),
                _member_count(2, "number of models used as layers inside tiny_ae",
                              "Call tiny_encoder and tiny_decoder like layers; do not create new Dense layers."),
                c.total_params(32), _composes_members],
        wrong_answers=[
            ("inp = keras.Input(shape=(6,))\n"
             "tiny_ae = keras.Model(inp, layers.Dense(6)(layers.Dense(2)(inp)))", "number of models used as layers"),
        ],
    ),
]


# --------------------------------------------------------------------------- chapter 6a


def _named_outputs(expected: dict) -> Check:
    want = {name: c.shape_tuple(shape) for name, shape in expected.items()}

    def check(model):
        names = list(model.output_names)
        expect(sorted(names) == sorted(want), "the names of the output layers", sorted(want), sorted(names),
               hint='Give each head a name: layers.Dense(1, name="priority").')
        got = {name: c.shape_tuple(t.shape) for name, t in zip(names, model.outputs)}
        for name in sorted(want):
            expect(got[name] == want[name], f"the shape of the {name!r} output", want[name], got[name])

    return check


def _ticket_inputs(model):
    shapes = sorted((c.shape_tuple(t.shape) for t in model.inputs), key=str)
    expect((None, 12) in shapes, "an input for the 12 tags", "shape (None, 12)", shapes,
           hint="keras.Input(shape=(12,), name='tags').")
    other = [s for s in shapes if s != (None, 12)]
    expect(len(other) == 1 and len(other[0]) == 2, "an input for the title word ids", "shape (None, None)",
           other, hint="keras.Input(shape=(None,), name='title') takes sequences of any length.")


def _ticket_data(model, n: int = 16):
    """Random inputs (a list, in the model's input order) and dict targets for a ticket model."""
    rng = _rng(7)
    x = []
    for tensor in model.inputs:
        if c.shape_tuple(tensor.shape) == (None, 12):
            x.append(rng.integers(0, 2, (n, 12)).astype("float32"))
        else:
            x.append(rng.integers(0, 100, (n, 7)))
    y = {"priority": rng.random((n, 1)).astype("float32"),
         "department": np.eye(4, dtype="float32")[rng.integers(0, 4, n)]}
    return x, y


def _weighted_total_loss(model):
    keras = _keras()
    x, y = _ticket_data(model)
    try:
        got = model.evaluate(x, y, return_dict=True, verbose=0)["loss"]
    except CheckFailed:
        raise
    except Exception as error:
        raise CheckFailed("evaluating the model with dict targets {'priority': ..., 'department': ...} failed",
                          hint=f"{type(error).__name__}: {str(error).splitlines()[0][:200]}. "
                               "Key the losses by output name.") from None
    pred = model.predict(x, verbose=0)
    if not isinstance(pred, dict):
        pred = dict(zip(model.output_names, pred))
    bce = float(keras.losses.BinaryCrossentropy(from_logits=True)(y["priority"], pred["priority"]))
    cce = float(keras.losses.CategoricalCrossentropy(from_logits=True)(y["department"], pred["department"]))
    want = 1.0 * bce + 0.2 * cce
    expect(abs(float(got) - want) < 1e-3 * max(1.0, want), "the total loss on a test batch",
           f"{want:.4f} (1.0 x binary CE on logits + 0.2 x categorical CE on logits)", f"{float(got):.4f}",
           hint="loss={'priority': BinaryCrossentropy(from_logits=True), 'department': "
                "CategoricalCrossentropy(from_logits=True)}, loss_weights={'priority': 1.0, 'department': 0.2}.")


_SMALL_TICKET = (
    "title = keras.Input(shape=(None,), name='title')\ntags = keras.Input(shape=(12,), name='tags')\n"
    "x = layers.LSTM(8)(layers.Embedding(1000, 16)(title))\nx = layers.concatenate([x, tags])\n"
)

FN06A = [
    Exercise(
        "fn06a_ticket_heads",
        title="A small two-input, two-output ticket model",
        points=2,
        checks=[c.is_model(), _input_count(2), _ticket_inputs, _output_count(2),
                _named_outputs({"priority": (None, 1), "department": (None, 4)}), c.total_params(16_905)],
        hidden_checks=[_contains_layer("LSTM", "Read the title with layers.LSTM(8).")],
        wrong_answers=[
            (_SMALL_TICKET + "ticket_small = keras.Model([title, tags], layers.Dense(5, name='heads')(x))",
             "number of outputs"),
            (_SMALL_TICKET + "ticket_small = keras.Model([title, tags], [layers.Dense(1, name='priority')(x), "
             "layers.Dense(3, name='department')(x)])", "'department' output"),
        ],
    ),
    Exercise(
        "fn06a_compile_dicts",
        title="Losses and loss weights per output",
        points=2,
        checks=[c.is_model(), _is_compiled, _weighted_total_loss],
        wrong_answers=[
            ("ticket_model.compile(optimizer='rmsprop', loss={'priority': keras.losses.BinaryCrossentropy("
             "from_logits=True), 'department': keras.losses.CategoricalCrossentropy(from_logits=True)}, "
             "loss_weights={'priority': 0.2, 'department': 1.0})\nticket_compiled = ticket_model", "total loss"),
            ("ticket_model.compile(optimizer='rmsprop', loss={'priority': 'binary_crossentropy', "
             "'department': 'categorical_crossentropy'}, loss_weights={'priority': 1.0, 'department': 0.2})\n"
             "ticket_compiled = ticket_model", "total loss"),
        ],
    ),
]


# --------------------------------------------------------------------------- chapter 6b


def _block_model(fn):
    keras = _keras()
    inputs = keras.Input(shape=(8, 8, 4))
    out = fn(inputs, 4)
    expect(isinstance(out, keras.KerasTensor), "what residual_block returns", "the output tensor of the block",
           type(out).__name__, hint="Return the tensor from layers.add([...]).")
    return keras.Model(inputs, out)


def _skip_connection(model):
    for layer in model.layers:
        for w in layer.weights:
            w.assign(np.zeros(w.shape, dtype="float32"))
    x = _rng(8).random((2, 8, 8, 4)).astype("float32")
    _close(model(x), x, "with all convolution weights set to zero, the block's output vs. its input",
           hint="A residual block adds its input back: layers.add([block_input, x]).")


FN06B = [
    Exercise(
        "fn06b_residual_block",
        title="Write a residual block",
        points=2,
        prepare=_block_model,
        checks=[c.output_shape((None, 8, 8, 4)), c.total_params(296),
                _contains_layer("Add", "Finish the block with layers.add([block_input, x]).",
                                "a skip connection (an Add layer)")],
        hidden_checks=[_skip_connection],
        wrong_answers=[
            ("def residual_block(x, filters):\n"
             "    y = layers.Conv2D(filters, 3, activation='relu', padding='same')(x)\n"
             "    return layers.Conv2D(filters, 3, activation='relu', padding='same')(y)", "skip connection"),
            ("def residual_block(x, filters):\n"
             "    y = layers.Conv2D(filters, 3, activation='relu', padding='same')(x)\n"
             "    return layers.add([x, y])", "total number of parameters"),
        ],
    ),
    Exercise(
        "fn06b_fix_add",
        title="Repair a shortcut whose shapes do not match",
        points=2,
        checks=[c.is_model("Functional"), c.input_shape((None, 16, 16, 32)), c.output_shape((None, 16, 16, 64)),
                _contains_layer("Add", "Join the two branches with layers.add([...]).", "an Add layer"),
                c.total_params(57_536)],
        wrong_answers=[
            ("inp = keras.Input(shape=(16, 16, 32))\n"
             "x = layers.Conv2D(64, 3, activation='relu', padding='same')(inp)\n"
             "x = layers.Conv2D(64, 3, activation='relu', padding='same')(x)\n"
             "shortcut = layers.Conv2D(64, 3, padding='same')(inp)\n"
             "fixed_model = keras.Model(inp, layers.add([shortcut, x]))", "total number of parameters"),
            ("inp = keras.Input(shape=(16, 16, 32))\n"
             "x = layers.Conv2D(64, 3, activation='relu', padding='same')(inp)\n"
             "x = layers.Conv2D(64, 3, activation='relu', padding='same')(x)\n"
             "fixed_model = keras.Model(inp, layers.concatenate([inp, x])[..., :64])", "Add layer"),
        ],
    ),
]


# --------------------------------------------------------------------------- chapter 7


def _constant_for_equal_inputs(model):
    rng = _rng(9)
    a = rng.normal(size=(3, 10)).astype("float32")
    b = rng.normal(size=(3, 10)).astype("float32")
    out_a = _numpy(model([a, a]))
    out_b = _numpy(model([b, b]))
    _close(out_a, out_b, "outputs for identical pairs (a, a) and (b, b) should be the same",
           hint="Encode both inputs with the same Dense layer and subtract: f(a) - f(a) = 0.")


FN07 = [
    Exercise(
        "fn07_shared_embedding",
        title="One Embedding for two inputs",
        points=1,
        checks=[c.is_model(), _input_count(2), _output_shapes([(None, None, 8), (None, None, 8)]),
                c.total_params(4_000)],
        hidden_checks=[lambda m: expect(len(_layers_of_type(m, "Embedding")) == 1, "number of Embedding layers",
                                        1, len(_layers_of_type(m, "Embedding")))],
        wrong_answers=[
            ("a = keras.Input(shape=(None,), dtype='int32')\nb = keras.Input(shape=(None,), dtype='int32')\n"
             "pair_model = keras.Model([a, b], [layers.Embedding(500, 8)(a), layers.Embedding(500, 8)(b)])",
             "total number of parameters"),
        ],
    ),
    Exercise(
        "fn07_siamese",
        title="A siamese comparison model",
        points=2,
        checks=[c.is_model(), _input_count(2), c.input_shape((None, 10)), c.output_shape((None, 1)),
                c.total_params(49)],
        hidden_checks=[_constant_for_equal_inputs],
        wrong_answers=[
            ("a = keras.Input(shape=(10,))\nb = keras.Input(shape=(10,))\n"
             "d = layers.subtract([layers.Dense(4, activation='relu')(a), layers.Dense(4, activation='relu')(b)])\n"
             "siamese = keras.Model([a, b], layers.Dense(1, activation='sigmoid')(d))", "total number of parameters"),
        ],
    ),
]


# --------------------------------------------------------------------------- chapter 8

FN08 = [
    Exercise(
        "fn08_pool_outputs",
        title="The output of every VGG19 block",
        points=2,
        checks=[c.is_model(), c.input_shape((None, 224, 224, 3)),
                _output_shapes([(None, 112, 112, 64), (None, 56, 56, 128), (None, 28, 28, 256),
                                (None, 14, 14, 512), (None, 7, 7, 512)]),
                c.total_params(20_024_384)],
        wrong_answers=[
            ("pool_features = keras.Model(vgg19.inputs, [layer.output for layer in vgg19.layers])",
             "number of outputs"),
            ("pool_features = keras.Model(vgg19.inputs, [layer.output for layer in vgg19.layers "
             "if isinstance(layer, layers.Conv2D)][-5:])", "the shape of output 1"),
        ],
    ),
    Exercise(
        "fn08_fc2_embedder",
        title="Re-use a hidden layer as an embedding",
        points=1,
        checks=[c.is_model(), c.input_shape((None, 224, 224, 3)), c.output_shape((None, 4096)),
                c.total_params(139_570_240)],
        wrong_answers=[
            ("embedder = keras.Model(vgg19.inputs, vgg19.outputs)", "output shape"),
            ("embedder = keras.Model(vgg19.inputs, vgg19.get_layer('fc1').output)", "total number of parameters"),
        ],
    ),
]


# --------------------------------------------------------------------------- chapter 9


def _error_text(error: BaseException, limit: int = 150) -> str:
    first = (str(error).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {first[:limit]}"


SCALE_FACTORS = np.arange(1, 6, dtype="float32")


def _scale_batch():
    return _rng(10).normal(size=(3, 5)).astype("float32")


def _probe_scale(cls) -> dict:
    """Prepare: use ``Scale`` on 5 features, fresh and with its factors set to 1..5; record what it does."""
    _is_layer_class("Scale")(cls)
    keras = _keras()
    layer = cls()
    inputs = keras.Input(shape=(5,))
    model = keras.Model(inputs, layer(inputs))
    x = _scale_batch()
    record = {"params": int(model.count_params()), "fresh_output": c.as_array(model(x), "Scale's output"),
              "scaled_output": None, "trainable_weights": len(layer.trainable_weights),
              "from_config_error": None, "rebuilt_type": None}
    if layer.weights and tuple(layer.weights[0].shape) == SCALE_FACTORS.shape:
        layer.weights[0].assign(SCALE_FACTORS)
        record["scaled_output"] = c.as_array(model(x), "Scale's output")
    try:
        clone = cls.from_config(layer.get_config())
        record["rebuilt_type"] = type(clone).__name__ if isinstance(clone, cls) else f"not a {cls.__name__}"
    except Exception as error:
        record["from_config_error"] = _error_text(error)
    record["class_name"] = cls.__name__
    return record


def _scale_behaves(record):
    """Judge: 5 parameters, identity at the start, inputs * factors after setting them, rebuilt from config."""
    got = record["params"]
    expect(got == 5, "parameters of Scale() on inputs of 5 features", 5, got,
           hint="In build(), add_weight(shape=(input_shape[-1],), initializer='ones').")
    x = _scale_batch()
    _close(record["fresh_output"], x, "a fresh Scale layer's output vs. its input (the factors start at one)",
           hint="Use initializer='ones' so that the layer starts as the identity.")
    expect(record["scaled_output"] is not None, "the layer's first weight", "one factor per feature, shape (5,)",
           "another shape", hint="add_weight(shape=(input_shape[-1],), ...).")
    _close(record["scaled_output"], x * SCALE_FACTORS, "the output after setting the factors to 1..5",
           hint="call() should return inputs * the weight.")
    expect(record["trainable_weights"] == 1, "trainable weights of the layer", 1, record["trainable_weights"])
    if record["from_config_error"] is not None:
        raise CheckFailed("Scale.from_config(layer.get_config()) failed",
                          hint=f"{record['from_config_error']}. Accept **kwargs in __init__ "
                               "and pass them to super().__init__.")
    expect(record["rebuilt_type"] == record["class_name"], "the layer rebuilt from its config",
           record["class_name"], record["rebuilt_type"])


def _seeded_dense(seed: int):
    """A built Dense(3) on 3 features whose kernel and bias come from a fixed seed."""
    return c.set_seeded_weights(_built(_keras().layers.Dense(3), (None, 3)), seed)


def _built(layer, shape):
    layer.build(shape)
    return layer


def _dense_reference(seed: int, x):
    """x + Dense(x) for the seeded Dense, computed with numpy only."""
    rng = np.random.default_rng(seed)
    kernel = rng.normal(scale=0.5, size=(3, 3)).astype("float32")
    bias = rng.normal(scale=0.5, size=(3,)).astype("float32")
    return x + x @ kernel + bias


def _wrapper_batch():
    return _rng(10).normal(size=(2, 3)).astype("float32")


def _probe_wrapper(cls) -> dict:
    """Prepare: wrap seeded Dense layers in ``Residual``; record its outputs, its config and a save/reload."""
    import json

    _is_layer_class("Residual")(cls)
    keras = _keras()
    x = _wrapper_batch()
    try:
        layer = cls(_seeded_dense(20))
    except TypeError as error:
        raise CheckFailed("creating Residual(layers.Dense(3)) failed", hint=str(error)[:200]) from None
    record = {"output": c.as_array(layer(x), "Residual's output"), "weight_count": len(layer.weights),
              "config_error": None, "config_is_json": None, "reload_error": None, "reloaded_output": None}
    try:
        config = layer.get_config()
    except Exception as error:
        record["config_error"] = type(error).__name__
    else:
        try:
            json.dumps(config)
            record["config_is_json"] = True
        except TypeError:
            record["config_is_json"] = False
    if record["config_is_json"]:
        inputs = keras.Input(shape=(3,))
        model = keras.Model(inputs, cls(_seeded_dense(21))(inputs))
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "residual.keras")
            try:
                model.save(path)
                restored = keras.models.load_model(path, custom_objects={cls.__name__: cls})
                record["reloaded_output"] = c.as_array(restored(x), "the reloaded model's output")
            except Exception as error:
                record["reload_error"] = _error_text(error, 120)
    return record


def _wrapper_behaves(record):
    """Judge: inputs + Dense(inputs) for the seeded Dense, JSON config, the same output after a reload."""
    expect(record["weight_count"] == 2, "weights of Residual(Dense(3)) (the inner Dense's kernel and bias)", 2,
           record["weight_count"], hint="Store the layer you are given (self.inner = inner) and call it in call().")
    x = _wrapper_batch()
    _close(record["output"], _dense_reference(20, x), "Residual(Dense(3)) on a test batch vs. inputs + Dense(inputs)",
           hint="call(): return inputs + self.inner(inputs).")
    if record["config_error"] is not None:
        raise CheckFailed("layer.get_config() failed",
                          hint=f"{record['config_error']}. Keras cannot record a layer argument by itself: write "
                               "get_config() and store keras.layers.serialize(self.inner).")
    if not record["config_is_json"]:
        raise CheckFailed("get_config() should return plain JSON data", "dicts, lists, numbers, strings",
                          "a Python object inside the config",
                          hint="Store keras.layers.serialize(self.inner), not the layer object itself.")
    if record["reload_error"] is not None or record["reloaded_output"] is None:
        raise CheckFailed("reloading a saved model that uses your Residual layer failed",
                          hint=f"{record['reload_error']}. Write a from_config classmethod that turns "
                               "config['inner'] back into a layer with keras.layers.deserialize.")
    _close(record["reloaded_output"], _dense_reference(21, x), "the reloaded model's output vs. the original's",
           hint="The inner layer's weights are restored when from_config rebuilds the same inner layer.")


FN09 = [
    Exercise(
        "fn09_scale_layer",
        title="A custom layer with one weight per feature",
        points=2,
        prepare=_probe_scale,
        checks=[_scale_behaves],
        wrong_answers=[
            ("class Scale(layers.Layer):\n"
             "    def build(self, input_shape):\n"
             "        self.w = self.add_weight(shape=(1,), initializer='ones')\n"
             "    def call(self, inputs):\n"
             "        return inputs * self.w", "parameters of Scale()"),
            ("class Scale(layers.Layer):\n"
             "    def build(self, input_shape):\n"
             "        self.w = self.add_weight(shape=(input_shape[-1],), initializer='zeros')\n"
             "    def call(self, inputs):\n"
             "        return inputs * self.w", "factors start at one"),
        ],
    ),
    Exercise(
        "fn09_wrapper_config",
        title="Make a layer that wraps a layer serializable",
        points=2,
        prepare=_probe_wrapper,
        checks=[_wrapper_behaves],
        wrong_answers=[
            ("class Residual(layers.Layer):\n"
             "    def __init__(self, inner, **kwargs):\n"
             "        super().__init__(**kwargs)\n"
             "        self.inner = inner\n"
             "    def call(self, inputs):\n"
             "        return inputs + self.inner(inputs)", "get_config() failed"),
            ("class Residual(layers.Layer):\n"
             "    def __init__(self, inner, **kwargs):\n"
             "        super().__init__(**kwargs)\n"
             "        self.inner = inner\n"
             "    def call(self, inputs):\n"
             "        return inputs + self.inner(inputs)\n"
             "    def get_config(self):\n"
             "        return {**super().get_config(), 'inner': keras.layers.serialize(self.inner)}",
             "reloading a saved model"),
            ("class Residual(layers.Layer):\n"
             "    def __init__(self, inner, **kwargs):\n"
             "        super().__init__(**kwargs)\n"
             "        self.inner = inner\n"
             "    def call(self, inputs):\n"
             "        return self.inner(inputs)\n"
             "    def get_config(self):\n"
             "        return {**super().get_config(), 'inner': keras.layers.serialize(self.inner)}\n"
             "    @classmethod\n"
             "    def from_config(cls, config):\n"
             "        config['inner'] = keras.layers.deserialize(config['inner'])\n"
             "        return cls(**config)", "inputs + Dense(inputs)"),
        ],
    ),
]


# --------------------------------------------------------------------------- chapter 10


def _probe_fresh_copy(fn) -> dict:
    """Prepare: call ``fresh_copy`` on the probe model; record the copy and whether it is or shares the original."""
    _is_function("fresh_copy", "def fresh_copy(model): ...")(fn)
    model = _probe_model()
    copy = fn(model)
    original = {id(w) for w in model.weights}
    weights = getattr(copy, "weights", None) or []
    return {"returned_type": type(copy).__name__, "copy": _model_or_none(copy), "same_object": copy is model,
            "shares_weights": any(id(w) in original for w in weights)}


def _fresh_copy_behaves(record):
    """Judge: a new model with the probe model's architecture, its own weights and fresh values."""
    keras = _keras()
    copy = record["copy"]
    expect(isinstance(copy, keras.Model), "the value your function returns", "a keras.Model",
           record["returned_type"])
    expect(not record["same_object"], "fresh_copy should return a new model", "a different object",
           "the model you passed in", hint="keras.models.clone_model(model) makes the new model.")
    model = _probe_model()
    expect(copy.count_params() == model.count_params(), "parameters of the copy", model.count_params(),
           copy.count_params(), hint="The copy has the same architecture.")
    expect([type(layer).__name__ for layer in copy.layers] == [type(layer).__name__ for layer in model.layers],
           "the layer types of the copy", [type(layer).__name__ for layer in model.layers],
           [type(layer).__name__ for layer in copy.layers])
    expect(not record["shares_weights"], "the copy should have its own weights",
           "new weight variables", "weights shared with the original",
           hint="Do not re-use the original layers; clone_model creates new ones.")
    kernels = [(a, b) for a, b in zip(model.get_weights(), copy.get_weights()) if a.ndim == 2]
    expect(not all(a.shape == b.shape and np.allclose(a, b) for a, b in kernels), "the copy's starting weights",
           "freshly initialised weights", "the same values as the original",
           hint="Do not copy the trained weights over (no set_weights): the copy should start untrained.")


REPEAT_SEED = 11


def _repeat_batch():
    return _rng(REPEAT_SEED).normal(size=(2, 4)).astype("float32")


def _probe_repeat_dense(cls) -> dict:
    """Prepare: build ``RepeatDense(4)``, give its Dense seeded weights, call it with repeats=1 and 3."""
    _is_layer_class("RepeatDense", base="Model")(cls)
    keras = _keras()
    try:
        model = cls(4)
    except TypeError as error:
        raise CheckFailed("creating RepeatDense(4) failed", hint=str(error)[:200]) from None
    x = _repeat_batch()

    def outputs():
        try:
            return (c.as_array(model(x, repeats=1), "model(x, repeats=1)"),
                    c.as_array(model(x, repeats=3), "model(x, repeats=3)"))
        except TypeError as error:
            raise CheckFailed("calling model(x, repeats=...) failed",
                              hint=f"{str(error)[:150]}. Give call() a repeats argument: "
                                   "def call(self, inputs, repeats=1).") from None

    outputs()  # builds the layers
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    shapes = [tuple(int(d) for d in w.shape) for w in dense[0].weights] if len(dense) == 1 else None
    record = {"dense_count": len(dense), "weight_shapes": shapes, "once": None, "thrice": None}
    if shapes == [(4, 4), (4,)]:
        c.set_seeded_weights(dense[0], REPEAT_SEED)
        record["once"], record["thrice"] = outputs()
    return record


def _repeat_reference(x, repeats: int):
    rng = np.random.default_rng(REPEAT_SEED)
    kernel = rng.normal(scale=0.5, size=(4, 4)).astype("float32")
    bias = rng.normal(scale=0.5, size=(4,)).astype("float32")
    for _ in range(repeats):
        x = x @ kernel + bias
    return x


def _repeat_dense_behaves(record):
    """Judge: one Dense(4), applied once and three times, as numpy computes it with the seeded weights."""
    expect(record["dense_count"] == 1, "number of Dense layers inside RepeatDense", 1, record["dense_count"],
           hint="Create one Dense layer in __init__ and apply it again and again in call().")
    expect(record["weight_shapes"] == [(4, 4), (4,)], "the weights of the Dense layer (kernel, bias)",
           [(4, 4), (4,)], record["weight_shapes"], hint="layers.Dense(units) with units = 4 here.")
    x = _repeat_batch()
    _close(record["once"], _repeat_reference(x, 1), "model(x, repeats=1): one application of the Dense layer")
    _close(record["thrice"], _repeat_reference(x, 3), "model(x, repeats=3): the Dense layer applied three times",
           hint="Loop `for _ in range(repeats):` in call().")


FN10 = [
    Exercise(
        "fn10_fresh_copy",
        title="Clone a functional model with fresh weights",
        points=1,
        prepare=_probe_fresh_copy,
        checks=[_fresh_copy_behaves],
        wrong_answers=[
            ("def fresh_copy(model):\n    return model", "new model"),
            ("def fresh_copy(model):\n    copy = keras.models.clone_model(model)\n"
             "    copy.set_weights(model.get_weights())\n    return copy", "freshly initialised"),
        ],
    ),
    Exercise(
        "fn10_repeat_dense",
        title="A dynamic architecture: depth chosen at call time",
        points=2,
        prepare=_probe_repeat_dense,
        checks=[_repeat_dense_behaves],
        wrong_answers=[
            ("class RepeatDense(keras.Model):\n"
             "    def __init__(self, units, **kwargs):\n"
             "        super().__init__(**kwargs)\n"
             "        self.dense = layers.Dense(units)\n"
             "    def call(self, inputs, repeats=1):\n"
             "        return self.dense(inputs)", "applied three times"),
            ("RepeatDense = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(4)])", "subclasses keras.Model"),
        ],
    ),
]


# --------------------------------------------------------------------------- chapter 11


def _running_sum_batch():
    return _rng(12).normal(size=(2, 5, 3)).astype("float32")


def _probe_running_sum(cls) -> dict:
    """Prepare: run ``RunningSum`` on a fixed batch and on a symbolic input; record output and shape."""
    _is_layer_class("RunningSum")(cls)
    keras = _keras()
    output = c.as_array(cls()(_running_sum_batch()), "RunningSum's output")
    symbolic = cls()(keras.Input(batch_shape=(2, 5, 3)))
    shape = getattr(symbolic, "shape", None)
    return {"output": output, "symbolic_shape": None if shape is None else c.shape_tuple(shape)}


def _running_sum_behaves(record):
    """Judge: the recorded output is numpy's cumulative sum over time; the symbolic shape is (2, 5, 3)."""
    _close(record["output"], np.cumsum(_running_sum_batch(), axis=1),
           "RunningSum on a (2, 5, 3) batch vs. the running sum over time",
           hint="Add each step to the previous total and stack the totals along axis 1.")
    expect(record["symbolic_shape"] == (2, 5, 3), "the output shape inside a functional model", (2, 5, 3),
           record["symbolic_shape"], hint="keras.ops.stack(states, axis=1).")


def _scorer_batch():
    return _rng(13).normal(size=(3, 6, 8)).astype("float32")


def _probe_scorer(cls) -> dict:
    """Prepare: use ``Scorer`` in a model on (None, 6, 8); record its head model, size and outputs."""
    _is_layer_class("Scorer")(cls)
    keras = _keras()
    layer = cls()
    inputs = keras.Input(shape=(6, 8))
    model = keras.Model(inputs, layer(inputs))
    head = getattr(layer, "head", None)
    functional = isinstance(head, keras.Model) and not isinstance(head, keras.Sequential)
    return {"output_shape": c.shape_tuple(model.outputs[0].shape), "head_type": type(head).__name__,
            "head": head if functional else None, "params": int(model.count_params()),
            "output": c.as_array(model(_scorer_batch()), "Scorer's output")}


def _scorer_behaves(record):
    """Judge: output (None, 1), a functional head, 9 parameters, output = head(mean over the steps)."""
    keras = _keras()
    expect(record["output_shape"] == (None, 1), "output shape of Scorer on (None, 6, 8) inputs",
           (None, 1), record["output_shape"])
    head = record["head"]
    expect(isinstance(head, keras.Model) and not isinstance(head, keras.Sequential),
           "Scorer.head should be a functional model", "keras.Model(inputs, outputs)", record["head_type"],
           hint="In __init__: i = keras.Input(shape=(8,)); self.head = keras.Model(i, layers.Dense(1, ...)(i)).")
    expect(record["params"] == 9, "parameters of the Scorer", 9, record["params"])
    x = _scorer_batch()
    _close(record["output"], head(x.mean(axis=1)), "Scorer's output vs. head(mean over the 6 steps)",
           hint="call(): return self.head(keras.ops.mean(inputs, axis=1)).")


FN11 = [
    Exercise(
        "fn11_running_sum",
        title="A custom layer that loops over time steps",
        points=2,
        prepare=_probe_running_sum,
        checks=[_running_sum_behaves],
        wrong_answers=[
            ("class RunningSum(layers.Layer):\n    def call(self, inputs):\n        return inputs",
             "running sum over time"),
            ("class RunningSum(layers.Layer):\n    def call(self, inputs):\n"
             "        total, states = 0.0, []\n"
             "        for t in range(inputs.shape[1]):\n"
             "            total = total + inputs[:, t, :]\n            states.append(total)\n"
             "        return keras.ops.stack(states, axis=0)", "the shape"),
        ],
    ),
    Exercise(
        "fn11_functional_in_layer",
        title="A functional model inside a custom layer",
        points=2,
        prepare=_probe_scorer,
        checks=[_scorer_behaves],
        wrong_answers=[
            ("class Scorer(layers.Layer):\n    def __init__(self, **kwargs):\n        super().__init__(**kwargs)\n"
             "        self.head = layers.Dense(1, activation='sigmoid')\n"
             "    def call(self, inputs):\n        return self.head(keras.ops.mean(inputs, axis=1))",
             "should be a functional model"),
            ("class Scorer(layers.Layer):\n    def __init__(self, **kwargs):\n        super().__init__(**kwargs)\n"
             "        i = keras.Input(shape=(8,))\n"
             "        self.head = keras.Model(i, layers.Dense(1, activation='sigmoid')(i))\n"
             "    def call(self, inputs):\n        return self.head(keras.ops.max(inputs, axis=1))",
             "mean over the 6 steps"),
        ],
    ),
]


EXERCISES = FN09 + FN10 + FN11
