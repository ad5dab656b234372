"""Chapter B11 · Mix-and-match API styles (``11_mix_and_match.ipynb``).

- ``fn11_running_sum``: a layer whose output at step t is the sum of input steps 0..t. Probed on batches of
  several shapes ((2, 5, 3) and (3, 4, 2) for the self-check, others from the hidden probe seed) and inside a
  functional model with a fixed batch shape; the kit compares with NumPy's cumulative sum and names the
  usual slips (stacked on the wrong axis, summed over the features, the step itself left out, a mean, the
  last total only). A correct running sum passes however it is written.
- ``fn11_functional_in_layer``: a layer holding a functional head Input(8) -> Dense(1, sigmoid), applied to
  the mean over the steps. The head is judged as a graph; the layer's output is compared with the head
  applied to the kit's own mean of the probe batch.
- ``fn11_predict_shape`` (predict): the output shape and the parameters of the guide's mixed model with
  another batch shape and Conv1D kernel; each part by its own salted digest, every wrong part named.
- ``fn11_fix_batch`` (debug): a functional model around the notebook's ``CustomRNN`` that fails because its
  input leaves the batch size open; repaired with a fixed batch shape, the notebook's class used as it is.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import N, In
from kitlib.exercises.core import CheckFailed, Context, Exercise, StudentError, expect, run_student
from kitlib.exercises.describe import activation_name, describe_model, is_keras_model, to_array, what_is
from kitlib.exercises.functional_api._forms import expect_class


def running_shapes(seed: int | None) -> list:
    if seed is None:
        return [(2, 5, 3), (3, 4, 2)]
    import numpy as np

    rng = np.random.default_rng([int(seed), 13])
    return [(int(rng.integers(1, 5)), int(rng.integers(2, 8)), int(rng.integers(1, 6))) for _ in range(2)]


def running_record(cls: Any, ctx: Context) -> dict:
    """Prepare: RunningSum on probe batches (eager) and in a functional model with a fixed batch shape."""
    import keras

    expect_class(cls, "RunningSum")
    probes = []
    for number, shape in enumerate(running_shapes(ctx.seed)):
        where = f"RunningSum() on a batch of shape {shape}"
        x = ctx.rng(70 + number).normal(size=shape).astype("float32")
        layer = run_student(cls, where="RunningSum()")
        output = to_array(run_student(layer, x, where=where), f"what {where} returned")
        symbolic = run_student(lambda: cls()(keras.Input(batch_shape=shape)),
                               where=f"RunningSum() in a model with keras.Input(batch_shape={shape})")
        got = getattr(symbolic, "shape", None)
        probes.append({"shape": list(shape), "x": x, "output": output,
                       "symbolic": None if got is None else [None if d is None else int(d) for d in got]})
    return {"probes": probes}


def running_sum_behaves(record: dict) -> None:
    import numpy as np

    for probe in record["probes"]:
        shape, x, got = tuple(probe["shape"]), np.asarray(probe["x"]), np.asarray(probe["output"])
        where = f"RunningSum() on a batch of shape {shape}"
        want = np.cumsum(x, axis=1)
        if got.shape != want.shape:
            if got.shape == (shape[1], shape[0], shape[2]):
                raise CheckFailed(f"{where}: the output's shape is {got.shape}: the totals are stacked on axis 0; "
                                  "the time axis is axis 1", hint="keras.ops.stack(totals, axis=1).")
            if got.shape == (shape[0], shape[2]):
                raise CheckFailed(f"{where} returns only the last total: the task keeps the total of every step",
                                  hint="Collect the total after each step and stack them: keras.ops.stack(totals, "
                                       "axis=1).")
            raise CheckFailed(f"{where}: the output's shape", shape, got.shape,
                              hint="One total per time step: the output has the input's shape.")
        if np.allclose(got, want, atol=1e-4):
            expect(probe["symbolic"] == list(shape), "the output shape of RunningSum inside a functional model with "
                   f"keras.Input(batch_shape={shape})", shape, None if probe["symbolic"] is None else
                   tuple(probe["symbolic"]), hint="Stack the totals with keras.ops.stack(..., axis=1).")
            continue
        shifted = np.concatenate([np.zeros_like(x[:, :1]), want[:, :-1]], axis=1)
        if np.allclose(got, x, atol=1e-4):
            raise CheckFailed(f"{where} returns its input unchanged: step t should be the sum of steps 0..t",
                              hint="Add each step to the running total and keep every total.")
        if np.allclose(got, np.cumsum(x, axis=2), atol=1e-4):
            raise CheckFailed(f"{where}: you sum over the features (axis 2); the running sum goes over time, the "
                              "time axis (axis 1)", hint="Loop over inputs.shape[1] and add inputs[:, t, :].")
        if np.allclose(got, shifted, atol=1e-4):
            raise CheckFailed(f"{where}: step t holds the sum of the steps before t; it should include step t "
                              "itself (the sum of steps 0..t)", hint="Add inputs[:, t, :] to the total before "
                                                                     "keeping it.")
        means = want / np.arange(1, shape[1] + 1, dtype="float32")[None, :, None]
        if np.allclose(got, means, atol=1e-4):
            raise CheckFailed(f"{where}: step t is the mean of steps 0..t; the task asks for their sum",
                              hint="Keep the running total itself, not divided by the number of steps.")
        raise CheckFailed(f"{where}: the output is not the running sum over time (step t = sum of steps 0..t)",
                          hint="Add each step inputs[:, t, :] to the previous total and stack the totals along "
                               "axis 1.")


# --------------------------------------------------------------------------- a functional model inside a layer

HEAD = [N("Dense", In(0, shape=(8,)), units=1, activation="sigmoid", what="the head's Dense(1, sigmoid)")]
HEAD_HINTS = {"activation": "The head is keras.Input(shape=(8,)) -> Dense(1, activation=\"sigmoid\").",
              "kind": "The head is keras.Input(shape=(8,)) -> Dense(1, activation=\"sigmoid\").",
              "extra": "The head is keras.Input(shape=(8,)) -> Dense(1, activation=\"sigmoid\") and nothing else."}


def scorer_steps(seed: int | None) -> list:
    if seed is None:
        return [6, 3]
    import numpy as np

    rng = np.random.default_rng([int(seed), 14])
    return [int(rng.integers(2, 9)), int(rng.integers(2, 9))]


def scorer_record(cls: Any, ctx: Context) -> dict:
    """Prepare: Scorer's head described; its output on probe batches next to head(mean over the steps),
    head(max) and head(last step), all computed with the layer's own head."""
    import keras

    expect_class(cls, "Scorer")
    layer = run_student(cls, where="Scorer()", hint="def __init__(self, **kwargs): build self.head there.")
    head = getattr(layer, "head", None)
    record = {"head_is": what_is(head), "head": None, "probes": []}
    try:  # name= reaches Layer only through **kwargs
        record["named"] = run_student(cls, name="kit_named", where="Scorer(name='kit_named')").name == "kit_named"
    except StudentError:
        record["named"] = False
    if is_keras_model(head):
        record["head"] = describe_model(head, {}, what="Scorer.head")
    for number, steps in enumerate(scorer_steps(ctx.seed)):
        inputs = keras.Input(shape=(steps, 8))
        where = f"Scorer() on inputs of shape (None, {steps}, 8)"
        model = keras.Model(inputs, run_student(layer, inputs, where=where))
        x = ctx.rng(80 + number).normal(size=(3, steps, 8)).astype("float32")
        probe = {"steps": steps, "shape": [None if d is None else int(d) for d in model.outputs[0].shape],
                 "params": int(model.count_params()),
                 "output": to_array(run_student(model, x, where=where), "Scorer's output")}
        if is_keras_model(head) and record["head"]["inputs"] == [[None, 8]]:
            probe["mean"] = to_array(head(x.mean(axis=1)))
            probe["max"] = to_array(head(x.max(axis=1)))
            probe["last"] = to_array(head(x[:, -1, :]))
        record["probes"].append(probe)
    return record


def scorer_behaves(record: dict) -> None:
    import numpy as np

    head = record["head"]
    expect(head is not None, "Scorer.head should be a functional model (keras.Model)", None, record["head_is"],
           hint="In __init__, build self.head with keras.Model from a keras.Input(shape=(8,)) and a Dense(1) layer "
                "with a sigmoid.")
    expect(head["class"] != "Sequential", "Scorer.head is a keras.Sequential: the task asks for a functional model",
           hint="Build it from keras.Input(shape=(8,)) with keras.Model(inputs, outputs).")
    try:
        c.graph_like(HEAD, hints=HEAD_HINTS)(head)
    except CheckFailed as failure:
        raise CheckFailed(f"Scorer.head: {failure.what}", failure.expected, failure.got, failure.hint) from None
    c.calls_layers_itself(what="Scorer.head")(head)
    expect(record.get("named", True), "a name given to Scorer(name=...) is lost: __init__ does not pass its **kwargs "
           "on to super().__init__", hint="def __init__(self, **kwargs): super().__init__(**kwargs), then build "
                                          "self.head.")
    for probe in record["probes"]:
        where = f"Scorer() on inputs of shape (None, {probe['steps']}, 8)"
        expect(probe["shape"] == [None, 1], f"the output shape of {where}", (None, 1), tuple(probe["shape"]),
               hint="Average over the steps (axis 1), then apply the head: one score per sample.")
        expect(probe["params"] == 9, f"the parameters of {where}", 9, probe["params"],
               hint="Only the head's Dense(1) on 8 features has weights: 8 + 1.")
        got = np.asarray(probe["output"])
        if np.allclose(got, probe["mean"], atol=1e-5):
            continue
        for name, words in (("max", "the largest value over the steps"), ("last", "the last step only")):
            if np.allclose(got, probe[name], atol=1e-5):
                raise CheckFailed(f"{where}: the head is applied to {words}; the task averages over the steps",
                                  hint="Average over the steps (axis 1) with keras.ops.mean, then apply self.head.")
        raise CheckFailed(f"{where}: the output is not the head applied to the mean over the steps",
                          hint="In call(), average the input over the steps (axis 1, keras.ops.mean) and apply self.head "
                               "to that average.")


# --------------------------------------------------------------------------- predict: the mixed model's shape

_SHAPE = c.matches_digest("fn11_predict_shape:shape", "0723241e17868390b0e7dda0a85c5ff2", known={
    "85a086b7d7fac14725508c4cceb96b37": "the output shape: Conv1D without padding shortens the sequence (kernel_size "
    "- 1 steps fewer), and CustomRNN keeps that number of steps",
    "0a084d6a7851a14c580f32454f1cbac5": "the output shape: this Conv1D has a kernel of 5, not the guide's 3",
    "e5a15c1ad0b738d551b19cd180a70078": "the output shape: the classifier inside CustomRNN (a Dense(1)) scores every "
    "step with one number, so the last axis is not the 32 units",
    "f4131bdec2ea9403ba5277df7279c3a6": "the output shape: the classifier inside CustomRNN (a Dense(1)) scores every "
    "step with one number, and Conv1D without padding shortens the sequence",
    "988f9403f6ad52e31d206fd774d4921c": "the output shape: keras.Input(batch_shape=...) fixes the batch axis too, so "
    "it is a number, not None",
    "9f2a31f8f8edc5cb2b196be9831bfa42": "the output shape starts with the batch axis, which batch_shape fixes",
    "c9c4e71376ed48699a49662772ade3fe": "the output shape: the classifier inside CustomRNN, a Dense(1), gives one "
    "number per step: the last axis stays, of size 1",
    "55a4171de7b3151b65f623606e74d12b": "the output shape: Conv1D without padding gives (steps - kernel_size + 1) "
    "steps",
    "109f3fe9c3fcdd5b806bb1b35ce736ac": "the output shape: CustomRNN stacks the states of every step and scores each "
    "one, so the time axis stays",
}, what="the output shape is not right yet", hint="Follow the shape through Conv1D (no padding), then CustomRNN (one "
                                                   "score per step).",
   # each axis alone (part_digests of the answer): the axis that is wrong is named
   parts=("b014805685c0d045e8d9767c4d0238fd", "d9eaf6a72270c7a6289a7375964d519a", "bf4749348ff879ee7ddc50f9b43d55e5"),
   names=("the batch axis", "the number of steps", "the last axis"),
   part_hints=("keras.Input(batch_shape=...) fixes it", "Conv1D without padding gives steps - kernel_size + 1",
               "the classifier scores each step"))
_PARAMS = c.matches_digest("fn11_predict_shape:params", "d16eaf2c1495249e00cd8f774123f631", known={
    "3c9183b3bdba1c5a3fe5369c3ac62294": "the number of parameters: 2,657 is the guide's model with Conv1D(32, 3); this "
    "Conv1D has a kernel of 5",
    "560af6e697709b43318690224171e7a8": "the number of parameters: the classifier inside CustomRNN has weights too, "
    "a Dense(1) on 32 units",
    "dc5d2a5621f44fb93074f04d68b40c19": "the number of parameters: each Conv1D filter has kernel_size x input channels "
    "weights (the 5 features of each step) plus a bias",
    "cbd66a871c5111656294227e1b0cf88c": "the number of parameters: the Conv1D layer has weights too",
    "655a2cf9eb33f8fcd75cf53aec1dd5f0": "the number of parameters: CustomRNN's two Dense projections (32 units "
    "each) have weights too",
}, what="the number of parameters is not right yet", hint="Add up Conv1D (kernel x channels x filters + filters), "
                                                          "the two projections and the classifier.")


MIXED_PREDICTED = c.each_part(_SHAPE, _PARAMS)


# --------------------------------------------------------------------------- debug: a fixed batch shape


def tagger_record(model: Any, ctx: Context) -> dict:
    """Prepare: the model's input and output shapes (batch axis included), its layers' kinds and whether the
    recurrent layer is the notebook's CustomRNN class itself."""
    expect(is_keras_model(model), "tagger should be a Keras model", None, what_is(model),
           hint="Build it with keras.Model(inputs, outputs).")
    rnn_class = ctx.given["CustomRNN"]
    shape = lambda t: [None if d is None else int(d) for d in t.shape]  # noqa: E731
    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    return {"inputs": [shape(t) for t in model.inputs], "outputs": [shape(t) for t in model.outputs],
            "params": int(model.count_params()),
            "layers": [{"kind": type(layer).__name__, "custom_rnn": isinstance(layer, rnn_class),
                        "filters": getattr(layer, "filters", None),
                        "kernel": list(getattr(layer, "kernel_size", []) or []) or None,
                        "padding": getattr(layer, "padding", None),
                        "activation": activation_name(layer.activation) if hasattr(layer, "activation") else None}
                       for layer in layers]}


def tagger_fixed(record: dict) -> None:
    expect(len(record["inputs"]) == 1, "the number of inputs", 1, len(record["inputs"]))
    got = record["inputs"][0]
    expect(got[1:] == [10, 5], "the shape of one input sample (time steps, features)", (10, 5), tuple(got[1:]),
           hint="Each sample is 10 steps of 5 features, as in the guide.")
    expect(got[0] == 8, "the input's batch size: CustomRNN makes its zero state with inputs.shape[0], so the model "
           "must fix it", 8, got[0], hint="keras.Input(batch_shape=(8, 10, 5)) fixes the batch size with the shape.")
    kinds = [layer["kind"] for layer in record["layers"]]
    expect(len(kinds) == 2 and kinds[0] == "Conv1D", "the layers: Conv1D(32, 3), then CustomRNN", "Conv1D, CustomRNN",
           ", ".join(kinds), hint="Keep make_tagger's layers; only the input changes.")
    conv, rnn = record["layers"]
    expect(conv["filters"] == 32 and conv["kernel"] == [3] and conv["padding"] == "valid",
           "the Conv1D layer: 32 filters, kernel 3, no padding", "Conv1D(32, 3)",
           f"Conv1D({conv['filters']}, {conv['kernel'][0] if conv['kernel'] else None}, padding={conv['padding']!r})",
           hint="Keep make_tagger's layers.Conv1D(32, 3).")
    expect(conv["activation"] == "linear", "the activation of the Conv1D layer", "none (linear)", conv["activation"],
           hint="make_tagger's Conv1D(32, 3) has no activation: CustomRNN's projections apply tanh.")
    expect(rnn["custom_rnn"], "the second layer should be the notebook's CustomRNN (the class as it is)", "CustomRNN",
           rnn["kind"], hint="Use CustomRNN() unchanged: the repair is in the input, not in the layer.")
    expect(record["outputs"] == [[8, 8, 1]], "the output shape", (8, 8, 1),
           tuple(record["outputs"][0]) if record["outputs"] else None,
           hint="8 sequences, 10 - 3 + 1 = 8 steps, one score per step.")
    expect(record["params"] == 2_657, "the number of parameters", 2_657, record["params"],
           hint="The guide's mixed model: Conv1D 512, two projections 1,056 each, the classifier 33.")


EXERCISES = [
    Exercise(
        "fn11_running_sum",
        title="A custom layer that loops over time steps",
        points=2,
        kind="class",
        variable="RunningSum",
        prepare=running_record,
        checks=[running_sum_behaves],
        unrecordable="a class RunningSum(layers.Layer)",
        activity="build",
        hints=("CustomRNN's call in the notebook loops over inputs.shape[1] and stacks what it kept.",
               "Keep a total that starts at zero, add inputs[:, t, :] at each step and keep every total; "
               "keras.ops.stack(totals, axis=1) puts the time axis back in place 1."),
    ),
    Exercise(
        "fn11_functional_in_layer",
        title="A functional model inside a custom layer",
        points=2,
        kind="class",
        variable="Scorer",
        prepare=scorer_record,
        checks=[scorer_behaves],
        unrecordable="a class Scorer(layers.Layer)",
        activity="build",
        hints=("CustomRNN in the notebook keeps a functional model (classifier) on self and calls it in call.",
               "In __init__ build the head with keras.Input(shape=(8,)) and keras.Model(inputs, outputs); in call, "
               "keras.ops.mean(inputs, axis=1) averages over the steps before the head is applied."),
    ),
    Exercise(
        "fn11_predict_shape",
        title="Predict the mixed model's output shape and parameters",
        points=1,
        kind="literal",
        variable="predicted",
        prepare=c.numbers_answer(["shape", "count"], example="((1, 2, 3), 1234)", what="predicted"),
        checks=[MIXED_PREDICTED],
        unrecordable="a tuple of a shape and a whole number, e.g. ((1, 2, 3), 1234)",
        activity="predict",
        hints=("The guide's model above: (16, 8, 1) and 2,657 parameters, with the sum worked out under it.",
               "Conv1D without padding gives steps - kernel_size + 1 steps and has kernel_size x channels x "
               "filters + filters weights; CustomRNN keeps the steps and scores each with one number; "
               "batch_shape fixes the batch axis."),
    ),
    Exercise(
        "fn11_fix_batch",
        title="Repair a mixed model that leaves the batch size open",
        points=2,
        kind="model",
        variable="tagger",
        given=("CustomRNN",),
        keep_given=("CustomRNN",),  # "the notebook's CustomRNN class used as it is": not defined again
        prepare=tagger_record,
        checks=[tagger_fixed],
        unrecordable="a keras.Model from a keras.Input through Conv1D and the notebook's CustomRNN",
        activity="debug",
        hints=("Read the error of make_tagger(): which value is None, and where does CustomRNN.call need it?",
               "CustomRNN builds its zero state from inputs.shape[0], the batch size; keras.Input(batch_shape=...) "
               "fixes it in the graph, as the guide's mixed model does."),
    ),
]
