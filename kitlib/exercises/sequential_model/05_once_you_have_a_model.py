"""Chapter A5 · What to do once you have a model (``05_once_you_have_a_model.ipynb``).

- ``seq05_compile``: compile ``make_digit_model()`` for integer labels and raw scores. The record
  holds the compile settings by canonical name, what ``evaluate()`` reports on a probe batch and
  the model's raw outputs on it; the judge recomputes the cross-entropy and the accuracy itself,
  so a correct loss function of one's own passes, and a metric mistake is named as one.
- ``seq05_save_reload``: the model loaded back from a full save of ``trained`` (given): not
  ``trained`` itself, no shared weights, the same architecture and weights, compile settings and
  the optimizer's state (its step count) as ``trained``; and ``trained`` itself left as the notebook
  trained it (its optimizer's 150 steps: 2 epochs of 75), not trained or compiled again before the save;
  and the file the task names: the answer wrote a model file into ``save_dir`` (judged against a listing
  of ``save_dir`` taken before the answer cell first ran: a file written elsewhere loads back the same model,
  and the notebook's own earlier file is already there), and the newest one it wrote is a ``.keras`` file
  (a legacy ``.h5`` file loads back the same model, so only the file itself tells).
- ``seq05_predict_steps``: predict the steps per epoch and in all of a ``fit()`` call with a
  validation split (two numbers through a digest).
- ``seq05_read_history``: read a training history: the best epoch and where early stopping would
  stop (two numbers through a digest).
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import L
from kitlib.exercises.core import Context, Exercise, expect
from kitlib.exercises.describe import describe_compile, describe_model, fingerprint
from kitlib.exercises.given_state import folder_listing

DIGIT_MODEL = [L("Dense", units=64, activation="relu"), L("Dense", units=10)]
AS_GIVEN = {"extra": "Use make_digit_model() as it is: the exercise is about compile() only.",
            "missing": "Use make_digit_model() as it is: the exercise is about compile() only.",
            "activation": "Use make_digit_model() as it is: its last layer gives raw scores (no softmax)."}


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
    mine, theirs = getattr(model, "optimizer", None), getattr(trained, "optimizer", None)
    record["shares_optimizer"] = mine is not None and mine is theirs
    record["same_weights"] = fingerprint([w.numpy() for w in model.weights]) == fingerprint(
        [w.numpy() for w in trained.weights])
    record["trained"] = describe_model(trained, {})
    record["trained"]["compile"] = describe_compile(trained)
    listing = folder_listing(ctx.given["save_dir"]) if "save_dir" in ctx.given else None
    earlier = (ctx.before.get("save_dir") or {}).get("files")  # None: no listing from before the answer cell
    record["files"] = _model_files(listing)
    record["written"] = _model_files(listing, earlier) if isinstance(earlier, dict) else None
    return record


def _model_files(listing: dict | None, before: dict | None = None) -> list | None:
    """The whole-model files of a :func:`folder_listing` of save_dir (``.keras`` and legacy ``.h5``; weights
    files ``.weights.h5`` left out), newest first, as relative names; with ``before`` (an earlier listing),
    only those new or rewritten since. None when the listing is not known.

    Example:
        >>> _model_files({"a.keras": [1, 9], "b.h5": [2, 9], "c.weights.h5": [3, 9]}, {"a.keras": [1, 9]})
        ['b.h5']
    """
    if listing is None:
        return None
    earlier = before or {}
    found = [(stat[0], name) for name, stat in listing.items() if name.endswith((".keras", ".h5", ".hdf5"))
             and not name.endswith(".weights.h5") and list(earlier.get(name) or []) != list(stat)]
    return [name for _, name in sorted(found, reverse=True)]


def _keras_format(record: dict) -> None:
    """The task names the folder and the file format, and neither shows in the loaded model: a file written
    elsewhere or a legacy .h5 file loads back the same. So the files are checked directly: the answer wrote a
    model file into save_dir (when a listing from before the answer cell is known), and the newest one it wrote
    (else the newest model file there) is a .keras file."""
    written, files = record.get("written"), record.get("files")
    if written is not None:
        expect(bool(written), "no model file was saved into save_dir by your answer (a file saved elsewhere, a "
               "weights-only file or the notebook's own earlier file do not count): the task saves the whole `trained` "
               "into a new .keras file in the notebook's save_dir",
               hint="In the answer cell: trained.save(save_dir / 'name.keras'), then load that same file back.")
        files = written
    if not files:
        return
    expect(files[0].endswith(".keras"), f"the file format: the newest model file in save_dir, {files[0]}, is in the "
           "legacy HDF5 format (.h5); the task asks for one .keras file",
           hint="Give the file a name ending in .keras: trained.save(save_dir / 'name.keras').")


TRAINED_STEPS = 150  # the notebook trains `trained` for 2 epochs of 75 steps and asserts it


def _trained_left_alone(record: dict) -> None:
    """The task saves `trained` as the notebook left it: its optimizer's step count is still the notebook's."""
    steps = (record["trained"].get("compile") or {}).get("optimizer_steps")
    expect(steps == TRAINED_STEPS, f"`trained` is no longer the model trained above: its optimizer has made {steps} "
           f"training steps, not the {TRAINED_STEPS} of the 2 epochs above",
           hint="The task saves trained as it is. Training it again adds steps, and compiling it again starts a "
                "new optimizer: re-run the notebook from the top, then only save and load.")


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
    frozen = [o.get("frozen") for o in record["ops"]]
    expect(frozen == [o.get("frozen") for o in trained["ops"]], "the loaded model's layers are not frozen the way "
           "trained's are: the file holds the trainable flags `trained` had when it was saved",
           hint="Save `trained` as it is, without changing its trainable flags before (or while) saving.")
    expect(not record.get("shares_optimizer"), "`restored` uses trained's own optimizer object: the two models would "
           "share one optimizer state, and nothing of it came from the file",
           hint="Load the file with keras.models.load_model(path) and leave it as it is: a full save brings its own "
                "copy of the compile settings and the optimizer's state.")
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


# Each part alone (course side: part_digests of the answer), for a message about the parts that are wrong.
PARTS_STEPS = ("053b9f2097088b37dbdabe1a1e65cc70", "5a77b6785e36c223453b74fa759e5397")
PARTS_HISTORY = ("32a4edb10718c7fff17b52577c30d9bb", "88c7b432be5381464cd5df2585f5879e")

SALT_STEPS = "seq05_predict_steps"
KNOWN_STEPS = {
    "bd16a823b2a338fe7c76a6410bf1b23e": "both numbers: validation_split=0.2 holds back 20% of the samples, and fit() "
    "trains only on the other 80%",
    "ddb86c94416aed76e1c249ffbd67eb13": "both numbers: the last, smaller batch of an epoch is a step too (the number "
    "of batches is rounded up)",
    "7900d943117629ccd82f55215fb8b18f": "the second number: the total counts the steps of every epoch",
    "f55edaa9a83b0ab237e64fe4621c31ba": "these numbers count samples; a step is one batch of samples",
    "7ca433acb94eeedf22e6237b3885eedc": "these numbers count the validation batches; the steps that train are the "
    "batches of the other 80%",
    "9fe246615526d10f8fa3f8a051c8de58": "both numbers: validation_split holds back 20% of the samples, and the total "
    "counts every epoch",
    "8c037eb23eb26689162d6c4b2af50a11": "both numbers: validation_split holds back 20% of the samples, and the last, "
    "smaller batch is a step too",
}

SALT_HISTORY = "seq05_read_history"
KNOWN_HISTORY = {
    "cfab15a6b6dc41f762ca0deed41a884a": "the first number: the training loss keeps falling to the end; the model is "
    "best where the validation loss is lowest",
    "472f9e082082af707b33593a46b8aee9": "both numbers: the history's lists start at epoch 1 (index 0 is epoch 1)",
    "50da31d212b7e623b293dd56e6677514": "the second number: patience counts the epochs since the best value, not "
    "since the last drop",
    "0f5e52777c2af8a9e984b25d93afbb86": "the second number: early stopping cannot know at the best epoch that it is "
    "the best: it waits `patience` epochs without a new best first",
    "299f362a1e0df8908c64a593accd4cbd": "the second number: with patience=2 it stops after the second epoch without "
    "a new best, not the third",
    "3330cd51af75d1c748079617aadd999e": "the second number: with patience=2 it waits two epochs without a new best, "
    "not one",
    "e1c5dd53cd49bd97b2c43bc68baa734f": "both numbers: look at val_loss (data the model does not train on), not at "
    "the training loss",
    "f3ec1b2ab6f31f3f881a360c71d9b571": "the second number: early stopping ends the run before the 10 epochs it was "
    "given",
}

EXERCISES = [
    Exercise(
        "seq05_compile",
        title="Compile for integer labels and raw scores",
        points=2,
        kind="model",
        variable="model",
        optional_given=("trained",),
        prepare=c.digit_compile_probe(5),
        checks=[c.is_model(), _fresh_model, c.layers_like(DIGIT_MODEL, hints=AS_GIVEN),
                c.compiled_for_integer_labels(outputs="raw scores (logits)")],
        activity="build",
        hints=("Look at '1. Compile': the same three decisions, for a fresh model.",
               "The labels are integers, so the loss is a sparse categorical cross-entropy; the last layer has no "
               "softmax, so the loss must be told its inputs are logits; an accuracy metric in metrics=[...] reports the "
               "share of right answers."),
        unrecordable="a model from make_digit_model(), compiled with Keras' own losses and metrics or "
                     "functions of your own",
    ),
    Exercise(
        "seq05_predict_steps",
        title="Predict the training steps of fit()",
        points=1,
        kind="literal",
        variable="steps",
        activity="predict",
        prepare=c.numbers_answer(2, example="(10, 20)", names=("the steps per epoch", "the steps in all")),
        checks=[c.matches_digest(SALT_STEPS, "cbec6bed63fc102521f2b0586e5b0aae", known=KNOWN_STEPS,
                                 what="not the right numbers of steps yet", parts=PARTS_STEPS,
                                 order="the steps of one epoch first, then those of the whole fit() call",
                                 names=("the steps in one epoch", "the steps of the whole fit() call"),
                                 part_hints=("one step per batch of the samples left after the validation split, "
                                             "the last batch counts even when it is not full",
                                             "every epoch takes the same steps"),
                                 hint="First the samples fit() trains on, then the batches per epoch, then all epochs.")],
        hints=("Look at '2. Fit, with a live plot': 6,000 images gave 75 steps per epoch there. Why 75?",
               "validation_split takes that share of the samples away from training; one step is one batch, and "
               "a last, smaller batch counts as a step (round up); every epoch repeats the same steps."),
        unrecordable="two whole numbers, e.g. (10, 20)",
    ),
    Exercise(
        "seq05_read_history",
        title="Read a training history",
        points=1,
        kind="literal",
        variable="history_reading",
        activity="read",
        prepare=c.numbers_answer(2, example="(1, 2)", names=("the best epoch", "the epoch early stopping stops after")),
        checks=[c.matches_digest(SALT_HISTORY, "249edd66ccfecb6822635e2d6b3ccf1c", known=KNOWN_HISTORY,
                                 what="not the right numbers yet", parts=PARTS_HISTORY,
                                 order="the best epoch first, then the epoch EarlyStopping stops after",
                                 names=("the best epoch", "the epoch EarlyStopping stops after"),
                                 part_hints=("where val_loss is lowest, epochs counted from 1",
                                             "patience=2: epochs without a new lowest val_loss before it stops"),
                                 hint="Follow val_loss epoch by epoch and keep the best value seen so far.")],
        hints=("In the plot and the printed lists, follow val_loss (the validation loss), not loss.",
               "The best epoch has the lowest val_loss. EarlyStopping(monitor='val_loss', patience=2) counts "
               "the epochs since the best value so far; when that count reaches 2 it stops after that epoch."),
        unrecordable="two whole numbers, e.g. (1, 2)",
    ),
    Exercise(
        "seq05_save_reload",
        title="Save the trained model and load it back",
        points=2,
        kind="model",
        variable="restored",
        given=("trained",),
        keep_given=("trained", "save_dir:folder"),
        optional_given=("save_dir",),
        prepare=save_reload_probe,
        checks=[c.is_model(), _trained_left_alone, restored_from_file, _keras_format],
        activity="build",
        hints=("Look at '5. Save and load back'.",
               "model.save(path) with a name ending in .keras writes architecture, weights, compile settings and "
               "optimizer state; keras.models.load_model(path) returns a new model with all of them. Save trained "
               "as it is, and do not compile the loaded model again."),
        unrecordable="the model returned by keras.models.load_model",
    ),
]
