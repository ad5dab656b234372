"""Chapter B11 · Mix-and-match API styles (``11_mix_and_match.ipynb``).

- ``fn11_running_sum``: a layer whose output at step t is the sum of input steps 0..t. Probed on batches of
  several shapes ((2, 5, 3) and (3, 4, 2) for the self-check, others from the hidden probe seed) and inside a
  functional model with a fixed batch shape; the kit compares with NumPy's cumulative sum and names the
  usual slips (stacked on the wrong axis, summed over the features, the step itself left out, a mean, the
  last total only). A correct running sum passes however it is written.
- ``fn11_functional_in_layer``: a layer holding a functional head Input(8) -> Dense(1, sigmoid), applied to
  the mean over the steps. The head is judged as a graph; the layer's output is compared with the head
  applied to the kit's own mean of the probe batch.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import N, In
from kitlib.exercises.core import CheckFailed, Context, Exercise, expect, run_student
from kitlib.exercises.describe import describe_model, is_keras_model, to_array, what_is
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
    ),
]
