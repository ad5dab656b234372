"""Chapter B2 · Training, evaluation, and inference (``02_training_evaluation_inference.ipynb``).

- ``fn02_compile``: compile ``model_a`` (given) for integer labels and logits with RMSprop. The record
  holds which model was compiled, its layers, the compile settings by canonical name and what
  ``evaluate()`` reports on a probe batch with the model's raw outputs; the judge recomputes the
  cross-entropy and the accuracy, so a loss function of one's own and ``"acc"`` pass.
- ``fn02_fit_validation``: train ``model_b`` (given) on ``x_small``, ``y_small`` (given) for one epoch,
  batch 100, 25 % held out. Provenance: the History must come from ``model_b``, and its validation loss
  must be ``model_b``'s loss on the last quarter of ``x_small`` (the kit evaluates it itself). The number of
  training steps is the student's prediction: compared through a salted digest, never shown.
- ``fn02_predict_steps`` (predict): the training and validation steps of one epoch of fit() with
  validation_split and batch_size, before running it; digests per number, targeted messages for a
  forgotten split, a rounded-down last batch and the default batch size.
- ``fn02_fix_softmax_loss`` (debug): ``model_sm`` (given) ends with a softmax but was compiled with
  from_logits=True; the repair compiles model_sm itself again, its layers left as they are. Judged as
  ``fn02_compile`` is, with the loss recomputed on the model's probabilities.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import L
from kitlib.exercises.core import CheckFailed, Context, Exercise, expect
from kitlib.exercises.describe import what_is
from kitlib.exercises.functional_api._forms import each_matches, not_trained

MNIST_MODEL = [L("Dense", units=64, activation="relu", trainable=True),  # compiled frozen, nothing would learn
               L("Dense", units=64, activation="relu", trainable=True), L("Dense", units=10, trainable=True)]
AS_GIVEN = {"extra": "Compile model_a as it is: the exercise is about compile() only.",
            "missing": "Compile model_a as it is: the exercise is about compile() only.",
            "activation": "Compile model_a as it is: its last layer gives raw scores (logits, no softmax)."}


def is_model_a(record: dict) -> None:
    expect(record["given"] == "model_a", "`compiled` is not model_a: the task compiles model_a itself",
           hint="Call model_a.compile(...) and then set compiled = model_a (not a new or cloned model).")


def is_model_sm(record: dict) -> None:
    expect(record["given"] == "model_sm", "`repaired` is not model_sm: the task repairs model_sm itself, a new or "
           "cloned model would not keep its weights", hint="Call model_sm.compile(...) again and set repaired = "
                                                          "model_sm.")


SOFTMAX_MODEL = [L("Dense", units=64, activation="relu"), L("Dense", units=10, activation="softmax")]
SM_AS_GIVEN = {"extra": "Leave model_sm's layers as they are: the repair is in compile() only.",
               "missing": "Leave model_sm's layers as they are: the repair is in compile() only.",
               "units": "Leave model_sm's layers as they are: the repair is in compile() only.",
               "activation": "Leave model_sm's layers as they are, softmax included: make the loss fit them."}


def rmsprop(record: dict) -> None:
    settings = record["compile"]
    if settings is None:
        return  # compiled_for_integer_labels says it is not compiled
    expect(settings["optimizer"] == "rmsprop", "the optimizer", "RMSprop", settings["optimizer"],
           hint='optimizer=keras.optimizers.RMSprop() or optimizer="rmsprop".')


# --------------------------------------------------------------------------- fit with a validation split

SALT_STEPS = "fn02_fit_validation"
KNOWN_STEPS = {
    "e548082f265e4674ee584ec2fa603395": "the number of training steps: you kept 20% for validation (the notebook's "
    "value); the task says 25%",
    "95d43c439e402e554adf3bf8106c979b": "the number of training steps: all 2,000 samples were trained on; with "
    "validation_split the held-out part is not trained on",
    "83498926dfbd164f486fc06275d5d8f0": "the number of training steps: this is what batch_size=32 (the default) "
    "gives; the task says batch_size=100",
    "1e7250932b0eee01b06a49d8f0b87e22": "the number of training steps: check batch_size (the task says 100) and "
    "the part kept for validation (25%)",
    "e6dc01a13196c0d574f4f64df6d30a51": "the number of training steps: check batch_size (the task says 100) and "
    "validation_split (the task keeps 25% aside)",
}


def history_probe(history: Any, ctx: Context) -> dict:
    """Prepare: the History's epochs, steps and curves, model_b's optimizer steps in all, whether it is model_b's, and model_b's loss on the last
    25 % and 20 % of x_small (what fit() validates on with validation_split=0.25 / 0.2)."""
    import numpy as np

    from kitlib.environment import silenced_stderr_fd
    from kitlib.exercises.describe import is_keras_model

    if not any(cls.__name__ == "History" for cls in type(history).__mro__):
        raise CheckFailed("your answer should be the History that model_b.fit(...) returns", None, what_is(history),
                          hint="history_b = model_b.fit(...).")
    model_b = ctx.given["model_b"]
    curves = {str(k): [float(v) for v in values] for k, values in (history.history or {}).items()}
    record = {"epochs": len(history.epoch), "steps": (history.params or {}).get("steps"), "curves": sorted(curves),
              "val_loss": (curves.get("val_loss") or [None])[-1], "model": None, "held_out": None}
    trained = getattr(history, "model", None)
    record["model"] = "model_b" if trained is model_b else ("another model" if is_keras_model(trained) else None)
    optimizer = getattr(model_b, "optimizer", None)
    record["iterations"] = int(np.asarray(optimizer.iterations)) if optimizer is not None else None
    if record["model"] == "model_b" and record["val_loss"] is not None:
        x, y = np.asarray(ctx.given["x_small"]), np.asarray(ctx.given["y_small"])
        held = {}
        for share in (25, 20):
            start = len(x) - len(x) * share // 100
            with silenced_stderr_fd():
                held[str(share)] = float(model_b.evaluate(x[start:], y[start:], batch_size=100, verbose=0,
                                                          return_dict=True)["loss"])
        record["held_out"] = held
    return record


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-4 * max(1.0, abs(b))


def trained_model_b(record: dict) -> None:
    expect(record["epochs"] == 1, "the number of epochs trained", 1, record["epochs"], hint="epochs=1.")
    expect(record["model"] == "model_b", "history_b does not come from training model_b",
           hint="Train the compiled model_b itself: history_b = model_b.fit(...).")
    expect("val_loss" in record["curves"], "history_b has no validation curves (val_loss, val_accuracy): no data "
           "was kept aside for validation", hint="validation_split=0.25 keeps the last 25% of the data aside.")


def trained_once(record: dict) -> None:
    """model_b took exactly the steps of history_b's one epoch: it was not trained before or after it."""
    if record.get("iterations") is None or record["steps"] is None:
        return
    expect(record["iterations"] == record["steps"], "model_b was trained more than the one epoch history_b records "
           "(another fit() call before or after it)", hint="Call model_b.fit(...) once, for one epoch.")


def validated_on_last_quarter(record: dict) -> None:
    held = record["held_out"] or {}
    if _close(record["val_loss"], held.get("25", float("nan"))):
        return
    if _close(record["val_loss"], held.get("20", float("nan"))):
        raise CheckFailed("you kept 20% of the data for validation (the notebook's value); the task says 25%",
                          hint="validation_split=0.25.")
    raise CheckFailed("history_b's validation loss is not model_b's loss on the last 25% of x_small, y_small: "
                      "the training data or the validation part is not the one the task names",
                      hint="Train on x_small, y_small and keep 25% of them aside with validation_split=0.25.")


_STEPS = c.matches_digest(SALT_STEPS, "32d3d82ecae09ab3deff2711dfe86bbe", known=KNOWN_STEPS,
                          what="the number of training steps in the epoch is not right yet",
                          hint="steps = ceil(training samples / batch_size); the samples kept for validation are "
                               "not trained on.")


def training_steps(record: dict) -> None:
    """The steps of the epoch (the student's prediction), by digest only."""
    _STEPS(record["steps"])


# --------------------------------------------------------------------------- predict the steps

STEPS_KNOWN = [
    {"2e27da3010209bfc948995d4bb2d9c0d": "the training steps: the samples kept aside by validation_split are not "
     "trained on",
     "def9d66d752a6bee81a726c9ff26762a": "the training steps: the last, smaller batch of an epoch is a step too",
     "6cd2ed7a08bef875aa961ba34f2f690f": "the training steps: this is what the default batch_size (32) gives; the "
     "call sets batch_size=128",
     "048196a8623971b44667f71a1f719883": "the training steps: check batch_size (the call sets 128) and the part kept "
     "for validation"},
    {"ac025f8e7fd4a1e29d30e2c51cb384c3": "the validation steps: the last, smaller batch is evaluated too",
     "bdb58e7c1d1ef1537be82b1088bec486": "the validation steps: fit() validates in batches of the same batch_size "
     "as it trains (unless validation_batch_size says otherwise)",
     "0001eef47530cebe0d3283cb2c410e66": "the validation steps: the validation data is evaluated in batches too, "
     "not in one step",
     "f09d8292fce5f6b94947dd0cbbf4182b": "the validation steps: only the part kept aside by validation_split is "
     "validated on"},
]
_PREDICTED_STEPS = each_matches(
    "fn02_predict_steps", ["b63a86d5f4042e7e822bc3b93c2faa2c", "dec52f85ba7aa3310ed9ef3ed97e1f8d"], STEPS_KNOWN,
    ["the number of training steps is not right yet", "the number of validation steps is not right yet"],
    ["steps = ceil(samples trained on / batch_size); validation_split keeps the last share of the data aside.",
     "The part kept aside is evaluated in batches of batch_size, the last one smaller."])

EXERCISES = [
    Exercise(
        "fn02_compile",
        title="Compile for integer labels and logits",
        points=1,
        kind="model",
        variable="compiled",
        given=("model_a",),
        prepare=c.digit_compile_probe(2, what="compiled"),
        checks=[c.is_model(what="compiled"), is_model_a, c.layers_like(MNIST_MODEL, hints=AS_GIVEN), rmsprop,
                c.compiled_for_integer_labels(outputs="raw scores (logits)"), not_trained("model_a")],
        unrecordable="model_a, compiled with Keras' own losses and metrics or functions of your own",
        activity="build",
        hints=("Look at 'The model and compile': the three choices, and why each fits this data.",
               "The labels are integers and the last layer has no softmax: the loss must be the sparse "
               "categorical cross-entropy told that it receives logits."),
    ),
    Exercise(
        "fn02_fit_validation",
        title="Train with a validation split",
        points=2,
        kind="value",
        variable="history_b",
        given=("model_b", "x_small", "y_small"),
        keep_given=("model_b:compile",),  # trained by the answer, compiled by the notebook
        prepare=history_probe,
        checks=[trained_model_b, validated_on_last_quarter, trained_once, training_steps],
        unrecordable="the History returned by model_b.fit(...)",
        activity="build",
        hints=("Look at 'fit with a validation split': the same call, with the task's numbers.",
               "validation_split takes a share (0.25 for 25%) of the data from the end; batch_size and epochs "
               "are arguments of fit() too. steps = ceil(training samples / batch_size)."),
    ),
    Exercise(
        "fn02_predict_steps",
        title="Predict the steps of an epoch",
        points=1,
        kind="literal",
        variable="steps_pair",
        prepare=c.numbers_answer(2, values="numbers of steps (training, validation)", example="(50, 7)"),
        checks=[_PREDICTED_STEPS],
        unrecordable="a tuple of 2 whole numbers, e.g. (50, 7)",
        activity="predict",
        hints=("The text before fit() in this notebook works out 750 steps for the guide's call.",
               "First split: validation_split=0.1 keeps the last 10% aside. Then count batches of batch_size in "
               "each part, rounding up: a last, smaller batch is a step too."),
    ),
    Exercise(
        "fn02_fix_softmax_loss",
        title="Repair a loss that does not fit the last layer",
        points=2,
        kind="model",
        variable="repaired",
        given=("model_sm",),
        keep_given=("model_sm",),  # compiled again, nothing else: not rebound, weights and flags as given
        given_may_change=("compiled",),
        prepare=c.digit_compile_probe(2, what="repaired"),
        checks=[c.is_model(what="repaired"), is_model_sm, c.layers_like(SOFTMAX_MODEL, hints=SM_AS_GIVEN), rmsprop,
                c.compiled_for_integer_labels(outputs="probabilities"), not_trained("model_sm")],
        unrecordable="model_sm, compiled again with Keras' own losses and metrics or functions of your own",
        activity="debug",
        hints=("Compare model_sm's last layer with the loss in its compile() call: what does each assume the "
               "model outputs?",
               "from_logits=True tells the loss the outputs are raw scores and makes it apply a softmax itself. "
               "Compile model_sm again with a loss that matches what its last layer really gives."),
    ),
]
