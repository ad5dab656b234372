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
- ``fn05_read_nested`` (read): three questions on the summary of the nested autoencoder (its layers, the
  parameters on a nested model's row, where the inner layers went); feedback per option, digests only.
- ``fn05_fix_ensemble`` (debug): ``broken_ensemble`` returns its three members' predictions side by side;
  the repair averages them into one output. The members must be the given ``m_a``, ``m_b``, ``m_c``
  themselves (by their weight variables: copies and new members are named), each used once, and the
  output must be the mean of the given members' outputs on probe inputs (a sum or another mix is named).
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import L, N, In
from kitlib.exercises.core import CheckFailed, Context, Exercise, expect, run_student
from kitlib.exercises.checks import describe_op
from kitlib.exercises.describe import describe_model, is_keras_model, to_array, what_is
from kitlib.exercises.functional_api._forms import each_matches

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


# --------------------------------------------------------------------------- read a nested summary

_NESTED_SUMMARY = each_matches(
    "fn05_read_nested",
    ["f9d6667edcbf5c714991efa4f54292fa", "9ebeeb73b94be7b99633d658eb7061c4", "c4f11429f848e8e87a782c93d4ea7048"],
    [{"1d989fb5592b6df207df17944f3a1f0f": "a nested model is one entry of the parent's layers, however many layers "
      "it holds itself",
      "c875340f222848cdc36b2f62064a0cec": "a nested model is one entry of the parent's layers, however many layers "
      "(InputLayer included) it holds itself"},
     {"aade51729bbc845f0d3f664577d5e223": "a nested model brings all its weights along: its row counts them",
      "0a0750ef95485fbbb06f5a279c4af14c": "28,241 is the whole autoencoder, the decoder's row included"},
     {"09488d0481f1396ee5dcb974bf82ef16": "count the summary's rows: there are fewer than the encoder has layers",
      "f243965071786d42f76c39ccf5aea813": "calling a model re-uses the model itself, its layers and their weights: "
      "nothing is copied or dropped"}],
    ["not right yet"] * 3,
    ["Count the rows of autoencoder.summary().", "Read the parameter column of the encoder's row.",
     "Compare the rows of autoencoder.summary() with encoder's own layers."], letters=True)

# --------------------------------------------------------------------------- repair the ensemble

MEMBER_NAMES = ("m_a", "m_b", "m_c")


def fixed_ensemble_record(model: Any, ctx: Context) -> dict:
    """Prepare: the answer's outputs, which given members it holds (by their weight variables), whether it holds
    copies or weights of its own, and its output on a probe batch against the mean and the sum of the given
    members' outputs (computed by the kit from the given members)."""
    import numpy as np

    if not is_keras_model(model):
        raise CheckFailed("fixed_ensemble should be a Keras model", "a Keras model", what_is(model),
                          hint="keras.Model(inputs, outputs), with the averaged prediction as its output.")
    members = [ctx.given[name] for name in MEMBER_NAMES]
    own = {id(v) for v in model.weights}
    record = {"outputs": [[None if d is None else int(d) for d in t.shape] for t in model.outputs],
              "inputs": [[None if d is None else int(d) for d in t.shape] for t in model.inputs],
              "used": [name for name, m in zip(MEMBER_NAMES, members) if m.weights and
                       all(id(v) in own for v in m.weights)],
              "member_weights": int(sum(len(m.weights) for m in members)), "weights": len(own),
              "nested": sum(1 for layer in model.layers if is_keras_model(layer)),
              "mean": None, "sum": None}
    if len(record["outputs"]) == 1 and record["inputs"] == [[None, 5]]:
        x = ctx.rng(9).normal(size=(7, 5)).astype("float32")
        got = to_array(run_student(model, x, where="fixed_ensemble called on a batch"), "fixed_ensemble's output")
        outs = [to_array(m(x), "a member's output") for m in members]
        if got.shape == outs[0].shape:
            record["mean"] = bool(np.allclose(got, np.mean(outs, axis=0), atol=1e-5))
            record["sum"] = bool(np.allclose(got, np.sum(outs, axis=0), atol=1e-5))
    return record


def one_averaged_output(record: dict) -> None:
    outputs = record["outputs"]
    expect(len(outputs) == 1, f"fixed_ensemble has {len(outputs)} outputs: the ensemble gives one prediction per "
           "sample, the members' predictions combined", hint="Combine the members' outputs into one tensor before "
                                                             "keras.Model(...).")
    expect(record["inputs"] == [[None, 5]], "fixed_ensemble should take one input of 5 features, as the members do",
           [[None, 5]], record["inputs"], hint="One keras.Input(shape=(5,)) on which all three members are called.")
    if outputs[0] == [None, 3]:
        raise CheckFailed("fixed_ensemble gives 3 numbers per sample: the members' predictions are placed side by "
                          "side, not averaged", hint="Average them: one number per sample.")
    expect(outputs[0] == [None, 1], "the output shape of fixed_ensemble", (None, 1), tuple(outputs[0]),
           hint="The members each give one number per sample; their average is one number too.")


def the_given_members(record: dict) -> None:
    used = record["used"]
    if not used:
        raise CheckFailed("fixed_ensemble holds none of the given members m_a, m_b, m_c: new members (or copies) "
                          "have other weights", hint="Call m_a, m_b and m_c themselves on the new input.")
    missing = [name for name in MEMBER_NAMES if name not in used]
    if missing and record["weights"] >= record["member_weights"]:
        raise CheckFailed(f"fixed_ensemble uses another model in place of {', '.join(missing)}: a new member or a "
                          "copy, with other weights", hint="Call the given members m_a, m_b and m_c themselves.")
    expect(not missing, f"fixed_ensemble does not use {', '.join(missing)}: each of the three given members is "
           "called once", hint="Call m_a, m_b and m_c on the same input, then combine their three outputs.")
    expect(record["weights"] == record["member_weights"], "fixed_ensemble has weights of its own besides the "
           "members': the averaging adds no layer with weights", hint="Average with layers.average([...]); no Dense "
                                                                      "after it.")


def averages_the_members(record: dict) -> None:
    if record["mean"]:
        return
    if record["sum"]:
        raise CheckFailed("fixed_ensemble adds the members' predictions: an ensemble averages them",
                          hint="layers.average([...]) gives the element-wise mean.")
    raise CheckFailed("fixed_ensemble's output is not the mean of what m_a, m_b and m_c predict",
                      hint="layers.average([...]) of the three members' outputs.")


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
        activity="build",
        hints=("Look at 'An ensemble': the same pattern, with another member model.",
               "Write a function that builds one member model (its own keras.Input); call it three times to get "
               "three separate models, call each on one shared keras.Input, and combine with layers.average."),
    ),
    Exercise(
        "fn05_nested_autoencoder",
        title="Nest two models into one",
        points=1,
        kind="model",
        variable="tiny_ae",
        given=("tiny_encoder", "tiny_decoder"),
        keep_given=("tiny_encoder:weights", "tiny_decoder:weights"),  # nested with their weights (frozen: allowed)
        prepare=nested_record,
        checks=[c.is_model(what="tiny_ae"), c.built(), c.input_features((6,)), calls_the_given_models,
                c.graph_like([NESTED], hints=NESTED_HINTS), c.output_shape((None, 6)),
                c.arrays_close("output", "expected", "tiny_ae's output vs. tiny_decoder(tiny_encoder(x))",
                               hint="tiny_ae computes tiny_decoder(tiny_encoder(x)), nothing else."),
                c.param_count(total=32)],
        unrecordable="a keras.Model that calls tiny_encoder and tiny_decoder",
        activity="build",
        hints=("Look at 'Calling models like layers': the autoencoder there is built the same way.",
               "A model is called like a layer: tiny_encoder(tensor) returns a tensor. Start from a new "
               "keras.Input(shape=(6,)) and add no layers of your own."),
    ),
    Exercise(
        "fn05_read_nested",
        title="Read the summary of a nested model",
        points=1,
        kind="literal",
        variable="nested_answers",
        prepare=c.letters_answer("abc", 3, example="('c', 'a', 'a')", written=False),
        checks=[_NESTED_SUMMARY],
        unrecordable="a tuple of 3 letters, e.g. ('c', 'a', 'a')",
        activity="read",
        hints=("Everything is in autoencoder.summary() and the assert below it.",
               "Inside another model, a model behaves as a layer. How many rows does one layer get in a summary, "
               "and whose parameters does its row count?"),
    ),
    Exercise(
        "fn05_fix_ensemble",
        title="Repair an ensemble that does not average",
        points=2,
        kind="model",
        variable="fixed_ensemble",
        given=MEMBER_NAMES,
        keep_given=tuple(f"{name}:weights,trainable" for name in MEMBER_NAMES),  # averaged as they are
        prepare=fixed_ensemble_record,
        checks=[one_averaged_output, the_given_members, averages_the_members],
        unrecordable="a keras.Model that calls m_a, m_b and m_c on one input and averages their outputs",
        activity="debug",
        hints=("Run broken_ensemble on a batch and look at what comes out: how many numbers per sample, and how "
               "many output tensors?",
               "The ensemble section of this notebook combines its members' outputs with one function; the "
               "broken model gives the three outputs to keras.Model as they are."),
    ),
]
