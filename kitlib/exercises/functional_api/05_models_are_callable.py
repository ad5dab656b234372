"""Chapter B5 · All models are callable, just like layers (``05_models_are_callable.ipynb``).

- ``fn05_ensemble``: three separate member models averaged. Each member's layers are judged
  (Dense(4, relu) -> Dense(1)), the members must be three different model objects, the ensemble must have no
  weights of its own, and its output must be the mean of the members' outputs on probe inputs (so
  ``layers.average``, ``Average()``, ``(a + b + c) / 3`` and ``keras.ops.mean`` all pass; a sum, a maximum
  or a learned mix are named).
- ``fn05_nested_autoencoder``: a new input that calls ``tiny_encoder`` and ``tiny_decoder`` (given). The
  layers must be the given models' own (a ``clone_model`` copy or new layers are named), called through
  the models, from a new ``keras.Input``; the output is compared with ``tiny_decoder(tiny_encoder(x))``
  computed by the kit from the given models.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import L, N, In
from kitlib.exercises.core import CheckFailed, Context, Exercise, expect, run_student
from kitlib.exercises.checks import describe_op
from kitlib.exercises.describe import describe_model, is_keras_model, to_array

MEMBER = [L("Dense", units=4, activation="relu"), L("Dense", units=1)]
MEMBER_HINTS = {"activation": "Each member is Input(8) -> Dense(4, relu) -> Dense(1) (no activation on the output).",
                "extra": "Each member is Input(8) -> Dense(4, relu) -> Dense(1).",
                "missing": "Each member is Input(8) -> Dense(4, relu) -> Dense(1)."}


def _probe(ctx: Context, features: int):
    return ctx.rng(5).normal(size=(6, features)).astype("float32")


def ensemble_record(model: Any, ctx: Context) -> dict:
    """Prepare: the ensemble, each distinct member model, and their outputs on a probe batch."""
    record = describe_model(model, ctx.given, what="ensemble3")
    members = [layer for layer in model.layers if is_keras_model(layer)]
    record["members"] = [describe_model(m, {}, what="a member") for m in members]
    record["member_params"] = int(sum(m.count_params() for m in members))
    if record["inputs"] == [[None, 8]]:
        x = _probe(ctx, 8)
        record["output"] = to_array(run_student(model, x, where="ensemble3 called on a batch"), "ensemble3's output")
        record["member_outputs"] = [to_array(run_student(m, x, where="a member called on a batch"), "a member's output")
                                    for m in members]
    return record


def three_members(record: dict) -> None:
    count = len(record["members"])
    if count == 1:
        raise CheckFailed("the ensemble calls one member model several times: the task asks for three separate "
                          "member models, each with its own weights", hint="Build a new member model for each of the "
                                                                           "three calls (e.g. a function that returns one).")
    expect(count == 3, "the number of separate member models inside the ensemble", 3, count,
           hint="Build three models (keras.Model or keras.Sequential) and call each on the shared input.")
    for number, member in enumerate(record["members"], start=1):
        for check in (c.input_features((8,)), c.layers_like(MEMBER, hints=MEMBER_HINTS)):
            try:
                check(member)
            except CheckFailed as failure:
                raise CheckFailed(f"member {number}: {failure.what}", failure.expected, failure.got,
                                  failure.hint) from None


def only_members_have_weights(record: dict) -> None:
    extra = record["params"]["total"] - record["member_params"]
    if extra:
        own = [describe_op(op) for op in record["ops"] if op["params"] and not op.get("nested_in")]
        raise CheckFailed(f"the ensemble has weights of its own outside the members ({', '.join(own) or 'a layer'}): "
                          "the task only averages the members' outputs",
                          hint="Combine the three outputs with layers.average([...]) and nothing else.")


def averages_members(record: dict) -> None:
    import numpy as np

    out = np.asarray(record["output"])
    members = np.asarray(record["member_outputs"])
    expect(out.shape == members.shape[1:], "the ensemble's output shape on a batch", members.shape[1:], out.shape)
    if np.allclose(out, members.mean(axis=0), atol=1e-5):
        return
    for name, value in (("adds", members.sum(axis=0)), ("takes the largest of", members.max(axis=0)),
                        ("takes the smallest of", members.min(axis=0))):
        if np.allclose(out, value, atol=1e-5):
            raise CheckFailed(f"the ensemble {name} its members' outputs: the task averages them",
                              hint="layers.average([m1(x), m2(x), m3(x)]) gives the element-wise mean.")
    raise CheckFailed("the ensemble's output is not the average of its members' outputs",
                      hint="layers.average([m1(x), m2(x), m3(x)]) gives the element-wise mean.")


# --------------------------------------------------------------------------- nesting given models


def nested_record(model: Any, ctx: Context) -> dict:
    """Prepare: tiny_ae described with the given models, whether its input is new, and its output on a probe
    batch next to tiny_decoder(tiny_encoder(x)) computed from the given models."""
    encoder, decoder = ctx.given["tiny_encoder"], ctx.given["tiny_decoder"]
    record = describe_model(model, ctx.given, what="tiny_ae")
    record["new_input"] = not any(t is encoder.inputs[0] for t in model.inputs) if model.inputs else False
    if record["inputs"] == [[None, 6]]:
        x = _probe(ctx, 6)
        record["output"] = to_array(run_student(model, x, where="tiny_ae called on a batch"), "tiny_ae's output")
        record["expected"] = to_array(decoder(encoder(x)))
    return record


def calls_the_given_models(record: dict) -> None:
    expect(record["new_input"], "tiny_ae starts from tiny_encoder's own input: the task asks for a new "
           "keras.Input(shape=(6,)) on which tiny_encoder is called like a layer",
           hint="Start from a new keras.Input(shape=(6,)), call tiny_encoder on it and tiny_decoder on the "
                "result, and wrap that in keras.Model.")
    for op in record["ops"]:
        if op.get("given"):
            continue
        if op.get("nested_in") in ("tiny_encoder", "tiny_decoder") and op["params"]:
            raise CheckFailed(f"tiny_ae calls a copy of {op['nested_in']} (the same layers with new weights), not "
                              f"{op['nested_in']} itself", hint=f"Call {op['nested_in']} itself; clone_model makes a "
                                                                "new model.")
        raise CheckFailed(f"tiny_ae has a new layer, {describe_op(op)}: the task builds it from tiny_encoder and "
                          "tiny_decoder only", hint="Call the two given models like layers; create no new layers.")


NESTED = N("Dense", N("Dense", In(0, shape=(6,)), units=2, activation="relu", given="tiny_encoder.layers[1]",
                      nested_in="tiny_encoder", what="tiny_encoder"),
           units=6, given="tiny_decoder.layers[1]", nested_in="tiny_decoder", what="tiny_decoder")
NESTED_HINTS = {"kind": "tiny_ae is tiny_encoder, then tiny_decoder, on a new keras.Input(shape=(6,)).",
                "missing": "tiny_ae is tiny_encoder, then tiny_decoder, on a new keras.Input(shape=(6,)).",
                "extra": "tiny_ae is tiny_encoder, then tiny_decoder, on a new keras.Input(shape=(6,))."}


EXERCISES = [
    Exercise(
        "fn05_ensemble",
        title="An ensemble of three models",
        points=2,
        kind="model",
        variable="ensemble3",
        prepare=ensemble_record,
        checks=[c.is_model(what="ensemble3"), c.built(), c.input_features((8,)), three_members,
                c.output_shape((None, 1)), only_members_have_weights, averages_members, c.param_count(total=123)],
        unrecordable="a keras.Model that calls three member models made of Keras' own layers",
    ),
    Exercise(
        "fn05_nested_autoencoder",
        title="Nest two models into one",
        points=1,
        kind="model",
        variable="tiny_ae",
        given=("tiny_encoder", "tiny_decoder"),
        prepare=nested_record,
        checks=[c.is_model(what="tiny_ae"), c.built(), c.input_features((6,)), calls_the_given_models,
                c.graph_like([NESTED], hints=NESTED_HINTS), c.output_shape((None, 6)),
                c.arrays_close("output", "expected", "tiny_ae's output vs. tiny_decoder(tiny_encoder(x))",
                               hint="tiny_ae computes tiny_decoder(tiny_encoder(x)), nothing else."),
                c.param_count(total=32)],
        unrecordable="a keras.Model that calls tiny_encoder and tiny_decoder",
    ),
]
