"""Chapter A5 · What to do once you have a model (``05_once_you_have_a_model.ipynb``).

- ``seq05_compile``: compile ``make_digit_model()`` for integer labels and raw scores. The record
  holds the compile settings by canonical name, what ``evaluate()`` reports on a probe batch and
  the model's raw outputs on it; the judge recomputes the cross-entropy and the accuracy itself,
  so a correct loss function of one's own passes, and a metric mistake is named as one.
- ``seq05_save_reload``: the model loaded back from a full save of ``trained`` (given): not
  ``trained`` itself, no shared weights, the same architecture and weights, compile settings and
  the optimizer's state (its step count) as ``trained``.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import L
from kitlib.exercises.core import Context, Exercise, expect
from kitlib.exercises.describe import describe_compile, describe_model, fingerprint

DIGIT_MODEL = [L("Dense", units=64, activation="relu"), L("Dense", units=10)]
AS_GIVEN = {"extra": "Use make_digit_model() as it is: the exercise is about compile() only.",
            "missing": "Use make_digit_model() as it is: the exercise is about compile() only.",
            "activation": "Use make_digit_model() as it is: its last layer gives raw scores (no softmax)."}


def _probe_batch(ctx: Context):
    import numpy as np

    rng = ctx.rng(5)
    x = rng.uniform(0, 1, size=(40, 784)).astype("float32")
    y = np.concatenate([np.arange(10), rng.integers(0, 10, size=30)]).astype("int64")
    return x, y


def compile_probe(model: Any, ctx: Context) -> dict:
    """Prepare: the model's description, and its compile settings and evaluation on a probe batch."""
    record = describe_model(model, ctx.given)
    x, y = _probe_batch(ctx)
    record.update(c.compile_record(x, y)(model))
    return record


def _fresh_model(record: dict) -> None:
    """Not `trained` (checked where the notebook's `trained` is known)."""
    expect(record["given"] != "trained", "you compiled `trained`, the model trained above",
           hint="The task asks for a fresh model: model = make_digit_model(), then compile it.")


def save_reload_probe(model: Any, ctx: Context) -> dict:
    """Prepare: how ``restored`` relates to ``trained``: same object? shared weights? same architecture,
    weights, compile settings and optimizer steps?"""
    trained = ctx.given["trained"]
    record = describe_model(model, ctx.given)
    own = {id(v) for v in model.weights}
    record["shares_weights"] = any(id(v) in own for v in trained.weights)
    record["same_weights"] = fingerprint([w.numpy() for w in model.weights]) == fingerprint(
        [w.numpy() for w in trained.weights])
    record["trained"] = describe_model(trained, {})
    record["trained"]["compile"] = describe_compile(trained)
    return record


def restored_from_file(record: dict) -> None:
    trained = record["trained"]
    expect(record["given"] != "trained" and not record["shares_weights"],
           "`restored` is `trained` itself (or shares its weights): nothing was saved to a file and loaded back",
           hint="Save with trained.save(path) to a .keras file in save_dir, then restored = "
                "keras.models.load_model(path).")
    same_architecture = [(o["kind"], o["config"], o["activation"]) for o in record["ops"]] == \
        [(o["kind"], o["config"], o["activation"]) for o in trained["ops"]]
    expect(same_architecture and record["inputs"] == trained["inputs"],
           "the loaded model does not have trained's layers", hint="Save `trained` and load that same file.")
    expect(record["same_weights"], "the loaded model's weights differ from trained's",
           hint="Did you save another model (e.g. a fresh make_digit_model()) or load another file? Save "
                "`trained` after training and load that file.")
    settings = record["compile"]
    expect(settings is not None, "the loaded model has no compile settings (loss, optimizer)",
           hint="save_weights() keeps only the weights, and load_model(..., compile=False) drops the settings. "
                "trained.save('....keras') keeps architecture, weights, compile settings and optimizer state; "
                "load it with keras.models.load_model(path).")
    want = trained["compile"]
    expect(settings["loss"] == want["loss"] and settings["optimizer"] == want["optimizer"],
           "the loaded model's compile settings differ from trained's",
           hint="Load the file you saved from `trained`, and do not compile the loaded model again.")
    expect(settings["optimizer_steps"] == want["optimizer_steps"], "the loaded model's optimizer state: "
           f"its optimizer has made {settings['optimizer_steps']} training steps, trained's has made "
           f"{want['optimizer_steps']}",
           hint="A full save keeps the optimizer's state: save `trained` itself (after training) and load it "
                "without compiling it again.")


EXERCISES = [
    Exercise(
        "seq05_compile",
        title="Compile for integer labels and raw scores",
        points=2,
        kind="model",
        variable="model",
        optional_given=("trained",),
        prepare=compile_probe,
        checks=[c.is_model(), _fresh_model, c.layers_like(DIGIT_MODEL, hints=AS_GIVEN),
                c.compiled_for_integer_labels(outputs="raw scores (logits)")],
        unrecordable="a model from make_digit_model(), compiled with Keras' own losses and metrics or "
                     "functions of your own",
    ),
    Exercise(
        "seq05_save_reload",
        title="Save the trained model and load it back",
        points=2,
        kind="model",
        variable="restored",
        given=("trained",),
        prepare=save_reload_probe,
        checks=[c.is_model(), restored_from_file],
        unrecordable="the model returned by keras.models.load_model",
    ),
]
