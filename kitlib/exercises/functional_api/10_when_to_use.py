"""Chapter B10 · When to use the functional API (``10_when_to_use.ipynb``).

- ``fn10_fresh_copy``: a function that returns the same architecture with its own, freshly initialised
  weights. Probed on kit-made models with seeded ("trained") weights: the copy must be a new model with the
  same layers (class, config, activation), no layer shared with the original, and other weight values
  than the original's (a copy of the weights, a save/load or the original itself are named).
- ``fn10_repeat_dense``: a subclassed model with one Dense(units) (no activation) applied ``repeats``
  times. Probed for several ``units`` (4 and 3 for the self-check) with seeded weights on that Dense; the
  kit computes the expected outputs with NumPy from those weights.
- ``fn10_read_strengths`` (read): five situations, each matched to a strength or the weakness of the
  functional API (letters a-e); each situation's letter is compared by its own salted digest, and every
  situation answered wrongly is named with what the chosen option means and what to look at.
- ``fn10_fix_connect`` (debug): a model that fails while being connected (Conv2D on a flat input),
  repaired by reshaping the flat (784,) input into 28x28x1 images inside the model.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import L, describe_op
from kitlib.exercises.core import CheckFailed, Context, Exercise, StudentError, expect, run_student
from kitlib.exercises.describe import activation_name, describe_model, fingerprint, is_keras_model, to_array, what_is
from kitlib.exercises.functional_api._forms import error_text, expect_class, expect_function


# --------------------------------------------------------------------------- fresh copy


def copy_probe_model(seed: int | None) -> Any:
    """A small functional model with seeded weights (the 'trained' model the function gets)."""
    import keras
    import numpy as np
    from keras import layers

    from kitlib.exercises.checks import set_seeded_weights

    rng = np.random.default_rng([0 if seed is None else int(seed), 10])
    width = 3 if seed is None else int(rng.integers(2, 6))
    inputs = keras.Input(shape=(width,))
    x = layers.Dense(4 if seed is None else int(rng.integers(2, 7)), activation="relu")(inputs)
    if seed is not None and rng.random() < 0.5:
        x = layers.Dense(int(rng.integers(2, 5)), activation="tanh")(x)
    model = keras.Model(inputs, layers.Dense(2)(x), name="trained_probe")
    return set_seeded_weights(model, 3 if seed is None else int(seed) % 1000 + 11)


def copy_record(fn: Any, ctx: Context) -> dict:
    """Prepare: call fresh_copy on a probe model; record the copy's architecture and how it relates to the original."""
    expect_function(fn, "fresh_copy(model)")
    model = copy_probe_model(ctx.seed)
    before = fingerprint([w.numpy() for w in model.weights])
    trainable = [layer.trainable for layer in model.layers]
    compiled = bool(getattr(model, "compiled", False))
    copy = run_student(fn, model, where="fresh_copy(model) on a small trained model",
                       hint="keras.models.clone_model(model) builds the same architecture with new weights.")
    record = {"returned": what_is(copy), "model": is_keras_model(copy), "original": describe_model(model, {}),
              "original_kept": fingerprint([w.numpy() for w in model.weights]) == before
              and [layer.trainable for layer in model.layers] == trainable
              and bool(getattr(model, "compiled", False)) == compiled}
    if record["model"]:
        record["copy"] = describe_model(copy, {"model": model})
        record["same_values"] = fingerprint([w.numpy() for w in copy.weights]) == fingerprint(
            [w.numpy() for w in model.weights])
    return record


def _architecture(description: dict) -> list:
    return [(op["kind"], op["config"], op["activation"]) for op in description["ops"]]


def fresh_copy_behaves(record: dict) -> None:
    expect(record["model"], "the value fresh_copy returned should be a new Keras model", None, record["returned"],
           hint="keras.models.clone_model builds the same architecture with new layers and weights.")
    expect(record["original_kept"], "fresh_copy changed the model it was given (its weights, compile state or trainable flags): the "
           "task leaves the trained model as it is", hint="Build the copy without touching the original: "
                                                          "keras.models.clone_model(model) reads it only.")
    copy, original = record["copy"], record["original"]
    expect(copy["given"] != "model", "fresh_copy returns the model it was given, not a new one",
           hint="keras.models.clone_model(model) builds a new model.")
    shared = [op for op in copy["ops"] if op.get("given")]
    if shared:
        raise CheckFailed(f"the copy re-uses the original's layers ({describe_op(shared[0])}): it shares their "
                          "weights instead of having its own", hint="Make new layers with the same configuration: "
                                                                    "keras.models.clone_model(model).")
    expect(_architecture(copy) == _architecture(original) and copy["inputs"] == original["inputs"],
           "the copy's layers differ from the original's: the task keeps the architecture",
           hint="keras.models.clone_model(model) copies the architecture exactly.")
    expect(not record["same_values"], "the copy starts with the original's trained weights, not freshly "
           "initialised ones", hint="Do not copy the weights over (set_weights, a saved file): clone_model alone "
                                    "gives new, freshly initialised weights.")


# --------------------------------------------------------------------------- RepeatDense


def repeat_units(seed: int | None) -> list:
    if seed is None:
        return [4, 3]
    import numpy as np

    rng = np.random.default_rng([int(seed), 12])
    return [int(rng.integers(2, 7)), int(rng.integers(2, 7))]


def _applied(x, kernel, bias, times: int):
    for _ in range(times):
        x = x @ kernel + bias
    return x


def repeat_record(cls: Any, ctx: Context) -> dict:
    """Prepare: RepeatDense(units) for each probe width: its Dense layer(s), then with seeded weights its
    outputs for repeats=1 and repeats=3 next to the kit's NumPy computation."""
    import numpy as np

    expect_class(cls, "RepeatDense", base="Model")
    probes = []
    for number, units in enumerate(repeat_units(ctx.seed)):
        name = f"RepeatDense({units})"
        hint = "def __init__(self, units, **kwargs): create one layers.Dense(units); def call(self, inputs, " \
               "repeats=1): apply it `repeats` times."
        x = ctx.rng(60 + number).normal(size=(2, units)).astype("float32")
        model = run_student(cls, units, where=name, hint=hint)
        probe = {"name": name, "units": units, "dense": [], "once": None, "thrice": None, "default": None,
                 "error": None}
        try:  # name= reaches keras.Model only through **kwargs
            probe["named"] = run_student(cls, units, name="kit_named", where=f"RepeatDense({units}, "
                                         "name='kit_named')").name == "kit_named"
        except StudentError:
            probe["named"] = False
        try:
            run_student(model, x, repeats=1, where=f"{name} called with repeats=1", hint=hint)
            dense = [layer for layer in model.layers if type(layer).__name__ == "Dense"]
            probe["dense"] = [{"units": int(d.units), "activation": activation_name(d.activation),
                               "weights": [[int(s) for s in w.shape] for w in d.weights]} for d in dense]
            if len(dense) == 1 and probe["dense"][0]["weights"] == [[units, units], [units]]:
                rng = np.random.default_rng([number, 0 if ctx.seed is None else int(ctx.seed)])
                kernel = rng.normal(scale=0.5, size=(units, units)).astype("float32")
                bias = rng.normal(scale=0.5, size=(units,)).astype("float32")
                dense[0].kernel.assign(kernel)
                dense[0].bias.assign(bias)
                probe["once"] = to_array(run_student(model, x, repeats=1, where=f"{name} called with repeats=1"))
                probe["thrice"] = to_array(run_student(model, x, repeats=3, where=f"{name} called with repeats=3"))
                probe["default"] = to_array(run_student(model, x, where=f"{name} called without repeats"))
                probe["expected"] = [_applied(x, kernel, bias, n) for n in (1, 2, 3, 4)]
        except StudentError as failure:
            probe["error"] = f"{failure.where} raised {error_text(failure.error)}"
        probes.append(probe)
    return {"probes": probes}


def repeat_behaves(record: dict) -> None:
    import numpy as np

    for probe in record["probes"]:
        name = probe["name"]
        if probe["error"]:
            raise CheckFailed(probe["error"], hint="One Dense(units) layer, created in __init__ with the units "
                                                   "argument, applied `repeats` times in call().")
        count = len(probe["dense"])
        expect(count == 1, f"the number of Dense layers inside {name}: one layer, applied again and again", 1, count,
               hint="Create one layers.Dense(units) in __init__ and call that same layer in a loop.")
        dense = probe["dense"][0]
        expect(dense["units"] == probe["units"], f"the units of {name}'s Dense layer", probe["units"], dense["units"],
               hint="layers.Dense(units): use the argument.")
        expect(dense["activation"] == "linear", f"the activation of {name}'s Dense layer", "none (linear)",
               dense["activation"], hint="The task's Dense layer has no activation.")
        units = probe["units"]
        expect(dense["weights"] == [[units, units], [units]], f"the shapes of the weights of {name}'s Dense layer "
               "(a kernel and a bias)", [[units, units], [units]], dense["weights"],
               hint="layers.Dense(units) with its defaults: a kernel and a bias.")
        expect(probe.get("named", True), f"a name given to RepeatDense(..., name=...) is lost: __init__ does not pass "
               "its **kwargs on to super().__init__", hint="def __init__(self, units, **kwargs): "
                                                           "super().__init__(**kwargs), then create the layer.")
        once, thrice, expected = np.asarray(probe["once"]), np.asarray(probe["thrice"]), probe["expected"]
        default = np.asarray(probe["default"])
        for got, times, label in ((once, 1, "repeats=1"), (thrice, 3, "repeats=3"), (default, 1, "no repeats")):
            if got.shape == np.asarray(expected[times - 1]).shape and np.allclose(got, expected[times - 1], atol=1e-4):
                continue
            applied = [n + 1 for n in range(4) if got.shape == np.asarray(expected[n]).shape
                       and np.allclose(got, expected[n], atol=1e-4)]
            if applied:
                if label == "no repeats":
                    raise CheckFailed(f"model(x) without repeats applies the Dense layer {applied[0]} times: the "
                                      "task's default is repeats=1", hint="def call(self, inputs, repeats=1).")
                raise CheckFailed(f"model(x, {label}) applies the Dense layer {applied[0]} time"
                                  f"{'s' if applied[0] > 1 else ''}, not {times}",
                                  hint="Loop exactly `repeats` times: for _ in range(repeats): x = self.dense(x).")
            raise CheckFailed(f"model(x, {label}) is not the Dense layer applied {times} time"
                              f"{'s' if times > 1 else ''} in a row", hint="Start from inputs and feed each "
                                                                           "result into the same Dense layer.")


# --------------------------------------------------------------------------- read: strengths and the weakness

OPTIONS = {"a": "less verbose", "b": "checked while you connect the layers", "c": "plottable and inspectable",
           "d": "serializable and clonable", "e": "the weakness: a dynamic architecture"}
LOOK_AT = ("look at when the mistake shows up, and what has not happened yet",
           "look at what is sent: the architecture as data, rebuilt with new weights",
           "look at whether the network has the same structure for every input",
           "look at what is reached: a tensor inside a graph that already exists",
           "look at what is compared: the amount of code for the same network")
READ_RIGHT = [
    "b9adfae41546c96aaf0c3518b4cd2df3",
    "a65c19a28b11359d592d981217307449",
    "01415ab6c00e0c8d4053cbd5f426b7f8",
    "1c6092ec18258c7e869cb73b8b276adb",
    "fe8adda1aac9bcda94ce7fe82d5e42c5",
]


# Feedback per wrong option, by situation (digest of the letter with "fn10_read_strengths:<situation>").
STRENGTHS_FEEDBACK = [
    {
        "5846b185670b08190f180bf11e810fca":
            "less verbose is about how much code you write; this situation is about when a mistake shows up",
        "fc431a68bc358541775061cedc9dfbb4":
            "plotting and inspecting show a graph when you ask for it; here Keras refused a connection by itself",
        "831e20bba3e0571788d9460e15602cf8":
            "serializing saves or sends an architecture; nothing is saved or sent here",
        "51a28b73a40078a7ffaa4f9f49b0273e":
            "the weakness is about architectures that change with each input; this one is fixed, and its mistake "
            "shows before any data",
    },
    {
        "dddf9d8b5a570c7f61a9544ea87f71f0":
            "less verbose is about how much code you write; here the architecture travels as data",
        "1a6fc0308a3fc47a3e6a3b377c7af86f":
            "the checks while connecting catch a mistake at its line; nothing goes wrong here",
        "964bc6f832108231373208b139071373":
            "inspecting reads a model's graph or layers where it is; here the architecture is sent and rebuilt "
            "elsewhere",
        "364074c7369ea214b6c383367c3fdd8c":
            "the weakness is about architectures that change with each input; this one is fixed and goes out as a"
            " config",
    },
    {
        "f1c58aae43ab86d225b2af7bb16c3881":
            "less verbose is about how much code you write; the question here is whether one fixed graph can "
            "describe the network at all",
        "75240c624839314ad7fcf7a0c6463f82":
            "the checks while connecting need one fixed graph; this network's structure changes with every "
            "sentence",
        "845fe8a1c50b1d8226aa43de3a8f0db3":
            "a plot shows one fixed graph; this network's graph differs for every sentence",
        "15cbd74fc4b94e3d541d845a237e2a6d":
            "a config describes one fixed graph; this network's structure changes with every sentence",
    },
    {
        "7a449c1de528b3023de311917d5a17a4":
            "less verbose is about how much code you write; here you reach inside a trained model",
        "2411ab2d5eb2b55924f35daad365c544":
            "the checks while connecting catch mistakes as you build; here the model exists and you read from it",
        "62c27f67702caf69fe0cbe8a80a1b1cd":
            "serializing saves or sends an architecture; here you read what one layer computes",
        "aea4ad7594ebe5e100868ac742b08c66":
            "the weakness is about architectures that change with each input; a trained classifier is a fixed "
            "graph you can reach into",
    },
    {
        "6eb5000a4e277bb3a97ead39f569745d":
            "the checks while connecting catch mistakes; this situation compares two ways of writing the same "
            "network",
        "6e93f00db02fd51cd91273f22cb7159f":
            "inspecting reads a model's graph; this situation compares two ways of writing the same network",
        "6d00a93b7600608d385cef77e1edf277":
            "serializing saves or sends an architecture; this situation compares two ways of writing the same "
            "network",
        "f04a58b750424dd28777a3d2227a052d":
            "the weakness is where subclassing is needed; here the class is the longer way to write a fixed "
            "network",
    },
]
STRENGTHS_READ = c.choices_by_digest("fn10_read_strengths", READ_RIGHT, OPTIONS, LOOK_AT,
                                     hint="Re-read the notebook's section on each strength and on the weakness.",
                                     feedback=STRENGTHS_FEEDBACK)


# --------------------------------------------------------------------------- debug: checked while connecting

# The Reshape is judged by what it gives (reshaped_to_images): (28, 28, 1), (28, 28, -1) and keras.ops.reshape
# are one reshape. The Conv2D is the broken model's: its defaults (strides, dilation) are part of it.
DIGITS = [L("Reshape"),
          L("Conv2D", filters=8, kernel_size=(3, 3), padding="valid", strides=(1, 1), dilation_rate=(1, 1),
            activation="relu"),
          L("GlobalMaxPooling2D"), L("Dense", units=10)]
def digits_record(model: Any, ctx: Context) -> dict:
    """Prepare: the model record, plus the output shape of each reshape in it (layer or keras.ops.reshape),
    so that the reshape is judged by what it gives, not by how its target was written."""
    record = c.model_record(what="digit_model")(model, ctx)
    shapes = []
    for op in getattr(model, "operations", None) or getattr(model, "layers", None) or []:
        if type(op).__name__ == "Reshape":
            try:
                shapes.append([None if d is None else int(d) for d in op.output.shape])
            except (AttributeError, ValueError, TypeError):  # used more than once, or no output: judged by layers_like
                pass
    record["reshaped"] = shapes
    return record


def reshaped_to_images(record: dict) -> None:
    """The reshape turns each flat sample into a 28x28 image with one channel."""
    for shape in record.get("reshaped") or []:
        expect(shape == [None, 28, 28, 1], "the reshape's target shape should make each flat sample a 28x28 image "
               "with one channel (channels last)", (None, 28, 28, 1), tuple(shape),
               hint="A 28x28 image with one channel: layers.Reshape((28, 28, 1)).")


DIGITS_HINTS = {"kind": "Reshape((28, 28, 1)) right after the input, then the broken model's layers: Conv2D(8, 3, "
                        "relu), GlobalMaxPooling2D, Dense(10).",
                "target_shape": "A 28x28 image with one channel: layers.Reshape((28, 28, 1)).",
                "padding": "Keep the broken model's Conv2D(8, 3, activation=\"relu\") as it was: its default "
                           "padding, \"valid\".",
                "strides": "Keep the broken model's Conv2D(8, 3, activation=\"relu\") as it was: it moves one "
                           "pixel at a time (strides 1, the default).",
                "dilation_rate": "Keep the broken model's Conv2D(8, 3, activation=\"relu\") as it was: no "
                                 "dilation (the default).",
                "extra": "Add only the Reshape layer; keep the other layers as they are.",
                "missing": "Add a Reshape layer between the input and the Conv2D; keep the other layers."}


EXERCISES = [
    Exercise(
        "fn10_fresh_copy",
        title="Clone a functional model with fresh weights",
        points=1,
        kind="function",
        variable="fresh_copy",
        prepare=copy_record,
        checks=[fresh_copy_behaves],
        unrecordable="a function fresh_copy(model) that returns a Keras model",
        activity="build",
        hints=("Strength 4 in the notebook makes such a copy of cnn.",
               "keras.models.clone_model builds new layers from the model's config: same architecture, freshly "
               "initialised weights, nothing shared with the original. Return what it returns."),
    ),
    Exercise(
        "fn10_repeat_dense",
        title="A dynamic architecture: depth chosen at call time",
        points=2,
        kind="class",
        variable="RepeatDense",
        prepare=repeat_record,
        checks=[repeat_behaves],
        unrecordable="a class RepeatDense(keras.Model)",
        activity="build",
        hints=("SometimesSkip in the notebook: a layer made in __init__, Python control flow in call.",
               "Create one layers.Dense(units) in __init__ and keep it on self; in call, start from the inputs and "
               "feed each result into that same layer, in a loop of `repeats` rounds."),
    ),
    Exercise(
        "fn10_read_strengths",
        title="Match situations to strengths and the weakness",
        points=1,
        kind="literal",
        variable="matched",
        prepare=c.letters_answer("abcde", 5, example="('d', 'd', 'a', 'd', 'd')", what="matched"),
        checks=[STRENGTHS_READ],
        unrecordable="a tuple of five letters, e.g. ('d', 'd', 'a', 'd', 'd')",
        activity="read",
        hints=("Each strength has its own section above, with a cell that shows it; the weakness is the last one.",
               "Ask of each situation: is it about how much code (a), when a mistake shows (b), reaching inside the "
               "graph (c), the architecture as data (d), or a structure that changes with the input (e)?"),
    ),
    Exercise(
        "fn10_fix_connect",
        title="Repair a model that fails while connecting",
        points=2,
        kind="model",
        variable="digit_model",
        prepare=digits_record,
        checks=[c.is_model(what="digit_model"), c.built(), c.calls_layers_itself(what="digit_model"),
                c.input_features((784,), hint="Keep keras.Input(shape=(784,)): the data stays flat, the model "
                                              "reshapes it."),
                reshaped_to_images, c.layers_like(DIGITS, hints=DIGITS_HINTS), c.output_shape((None, 10)), c.param_count(total=170)],
        unrecordable="a keras.Model built from keras.Input and Keras' own layers",
        activity="debug",
        hints=("Read the error: which layer refuses which shape, and at which line?",
               "Conv2D needs images (height, width, channels); layers.Reshape turns the flat 784 numbers into a "
               "28x28 image with 1 channel inside the model, so the input can stay (784,)."),
    ),
]
