"""Chapter B3 · Save and serialize (``03_save_and_serialize.ipynb``).

- ``fn03_round_trip``: a function that saves a model to the path it is given and returns the model
  *loaded back from that file*. The probe watches the file (Python's audit hook on ``open``): it must be
  written, then read back; the returned model must be a new one, with its own weights, predicting what
  the saved model predicted. A copy made in memory, a model rebuilt from its config, or the original
  itself are named as such.
- ``fn03_read_architecture``: a function that returns the parsed ``config.json`` of a ``.keras`` file;
  compared with the kit's own reading of the file, with the typical near misses named (the inner
  ``config`` part, i.e. what ``model.get_config()`` gives; ``metadata.json``; unparsed text).

- ``fn03_fix_save_path`` (debug): ``save_checkpoint(model, folder)``, whose save Keras refuses (a name
  without a suffix), repaired. Tried on a compiled functional and an uncompiled Sequential probe model,
  each with a fresh folder: the file's format is checked from its bytes (a zip archive with config.json,
  model.weights.h5 and metadata.json; HDF5 and weights-only files are named), it must be in the folder,
  the model loaded from it must predict what the probe predicts and be compiled as the probe is, and the
  probe must be left as it was (weights, compile state).
- ``fn03_read_archive`` (read): three questions on the archive members listed in the notebook; feedback
  per option, digests only.

Probe models are built by the kit with seeded weights: fixed ones for the self-check, others drawn from
the hidden probe seed for grading.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises import given_state
from kitlib.exercises.core import CheckFailed, Context, Exercise, expect, run_student
from kitlib.exercises.describe import is_keras_model, to_array, what_is
from kitlib.exercises.functional_api._forms import each_matches, expect_function

_WATCH: dict[str, Any] = {"path": None, "reads": 0, "writes": 0}
_HOOKED: list[bool] = []


def _watch_files(event: str, args: tuple) -> None:
    """Audit hook: count opens of the watched path, for reading and for writing (never raises)."""
    if event != "open" or _WATCH["path"] is None or not args:
        return
    try:
        path = os.fspath(args[0])
        if isinstance(path, bytes):
            path = path.decode("utf-8", "replace")
        if os.path.abspath(path) != _WATCH["path"]:
            return
        mode = args[1] if len(args) > 1 else None
        flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
        if isinstance(mode, str):
            writing = any(ch in mode for ch in "wax+")
        else:
            writing = bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        _WATCH["writes" if writing else "reads"] += 1
    except Exception:  # noqa: BLE001 - an audit hook must never break the student's code
        return


def _watching(path: str) -> None:
    if not _HOOKED:
        sys.addaudithook(_watch_files)
        _HOOKED.append(True)
    _WATCH.update(path=os.path.abspath(path) if path else None, reads=0, writes=0)


def probe_model(seed: int | None, name: str = "probe_model") -> Any:
    """A small functional model with seeded weights (fixed for ``seed=None``, drawn from ``seed`` otherwise)."""
    import keras
    import numpy as np
    from keras import layers

    from kitlib.exercises.checks import set_seeded_weights

    rng = np.random.default_rng([0 if seed is None else int(seed), 3])
    features = 3 if seed is None else int(rng.integers(2, 7))
    hidden = 4 if seed is None else int(rng.integers(2, 9))
    activation = "relu" if seed is None else str(rng.choice(["relu", "tanh", "sigmoid"]))
    inputs = keras.Input(shape=(features,))
    x = layers.Dense(hidden, activation=activation)(inputs)
    model = keras.Model(inputs, layers.Dense(2)(x), name=name)
    return set_seeded_weights(model, 3 if seed is None else int(seed) % 100_000 + 7)


def _probe_batch(model: Any, seed: int | None):
    import numpy as np

    features = int(model.inputs[0].shape[-1])
    return np.random.default_rng([0 if seed is None else int(seed), 4]).normal(size=(5, features)).astype("float32")


# --------------------------------------------------------------------------- save and reload


def probe_round_trip(fn: Any, ctx: Context) -> dict:
    """Prepare: call round_trip on a probe model and a fresh path; record the file's fate and the returned model."""
    expect_function(fn, "round_trip(model, path)")
    model = probe_model(ctx.seed)
    x = _probe_batch(model, ctx.seed)
    expected = to_array(model(x))
    before = given_state.fingerprint(model)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "probe.keras")
        _watching(path)
        try:
            restored = run_student(fn, model, path, where="round_trip(model, path) on a small model",
                                   hint="model.save(path) writes the whole model to a .keras file; "
                                        "keras.models.load_model(path) reads it back.")
        finally:
            reads, writes = _WATCH["reads"], _WATCH["writes"]
            _watching("")
        written = os.path.exists(path) or writes > 0
    record = {"written": written, "reads": reads, "returned": what_is(restored), "model": is_keras_model(restored),
              "same_object": restored is model, "shares_weights": False, "outputs": None, "expected": expected,
              "changed": given_state.argument_changes("round_trip", "model", before, given_state.fingerprint(model))}
    if record["model"] and not record["same_object"]:
        original = {id(v) for v in model.weights}
        record["shares_weights"] = any(id(v) in original for v in restored.weights)
        record["outputs"] = to_array(run_student(restored, x, where="the model round_trip returned, called on a "
                                                 "batch"), "the returned model's output")
    return record


def loaded_from_the_file(record: dict) -> None:
    import numpy as np

    expect(not record.get("changed"), record.get("changed") or "", hint="Save the model as it is and load the file "
           "back: round_trip must not compile, freeze or train the model it gets.")
    expect(record["model"], "the value round_trip returned should be the model loaded back from the file", None,
           record["returned"], hint="End by loading the file back with keras.models.load_model and returning that model.")
    expect(record["written"], "round_trip wrote no file at the path it was given",
           hint="Save to the path argument: model.save(path) (not to another file name).")
    expect(not record["same_object"], "round_trip returns the model it was given, not one loaded from the file",
           hint="Return the model keras.models.load_model reads from the file.")
    expect(not record["shares_weights"], "the returned model shares the original's weights: it was not loaded "
           "from the file", hint="Return the model keras.models.load_model reads from the file.")
    expect(record["reads"] > 0, "round_trip did not read the file back: the model it returns was made in memory, "
           "not loaded from the file", hint="A copy or a model rebuilt from get_config() is not a reload: return "
                                            "what keras.models.load_model reads from the file.")
    got, want = np.asarray(record["outputs"]), np.asarray(record["expected"])
    expect(got.shape == want.shape and bool(np.allclose(got, want, atol=1e-5)),
           "the reloaded model predicts differently from the model that was saved",
           hint="Save the model you are given (with its weights) and load that same file.")


# --------------------------------------------------------------------------- read config.json


def probe_read_architecture(fn: Any, ctx: Context) -> dict:
    """Prepare: save a probe model, call read_architecture on the file; record its result and the kit's reading."""
    import zipfile

    expect_function(fn, "read_architecture(path)")
    name = "probe_model" if ctx.seed is None else f"probe_{int(ctx.seed) % 1000}"
    model = probe_model(ctx.seed, name=name)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "probe.keras")
        from kitlib.environment import silenced_stderr_fd

        with silenced_stderr_fd():
            model.save(path)
        with zipfile.ZipFile(path) as archive:
            expected = json.loads(archive.read("config.json"))
        got = run_student(fn, path, where="read_architecture(path) on a saved model",
                          hint="zipfile.ZipFile(path).read('config.json') gives the bytes; json.loads parses them.")
    plain = None
    if isinstance(got, dict):
        try:
            plain = json.loads(json.dumps(got))
        except (TypeError, ValueError):
            plain = None
    return {"returned": what_is(got), "dict": plain, "expected": expected}


def is_config_json(record: dict) -> None:
    got, want = record["dict"], record["expected"]
    if got is None:
        if record["returned"] == "a string":
            raise CheckFailed("read_architecture returns the text of config.json, not the parsed dict",
                              hint="Parse it: json.loads(archive.read('config.json')).")
        raise CheckFailed("read_architecture should return a dict (the parsed config.json)", None,
                          record["returned"], hint="json.loads(archive.read('config.json')) gives a dict.")
    if got == want:
        return
    inner = want.get("config") if isinstance(want.get("config"), dict) else {}
    if got == inner or ("class_name" not in got and "layers" in got and got.get("name") == inner.get("name")):
        raise CheckFailed("read_architecture returns only the 'config' part of config.json (what model.get_config() "
                          "gives), not the whole file", hint="Return the parsed config.json as it is, read with "
                                                             "zipfile and json (the task says: without Keras).")
    if "keras_version" in got or "date_saved" in got:
        raise CheckFailed("read_architecture returns metadata.json (the Keras version and the date), not config.json",
                          hint="Read the archive member 'config.json'.")
    raise CheckFailed("the dict read_architecture returns is not the content of config.json",
                      hint="Open the .keras file with zipfile.ZipFile(path), read 'config.json' and return "
                           "json.loads(...) of it, unchanged.")


# --------------------------------------------------------------------------- repair the save call

KERAS_MEMBERS = ["config.json", "metadata.json", "model.weights.h5"]
SAVE_PROBES = ("a compiled functional model", "an uncompiled Sequential model")


def _save_probe_models(seed: int | None) -> list:
    """The models save_checkpoint is tried on: a compiled functional one, an uncompiled Sequential one."""
    import keras
    import numpy as np
    from keras import layers

    from kitlib.exercises.checks import set_seeded_weights

    first = probe_model(seed, name="probe_a")
    first.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng([0 if seed is None else int(seed), 6])
    features = 5 if seed is None else int(rng.integers(2, 8))
    second = keras.Sequential([keras.Input(shape=(features,)), layers.Dense(3, activation="tanh"), layers.Dense(1)],
                              name="probe_b")
    return [first, set_seeded_weights(second, 11 if seed is None else int(seed) % 100_000 + 13)]


def _file_facts(path: Any, folder: str, model: Any) -> dict:
    """What the file at ``path`` is (its format read from its bytes, not its name), whether it is in ``folder``,
    and whether the model loaded from it predicts what ``model`` predicts, compiled as it is."""
    import zipfile

    import keras
    import numpy as np

    from kitlib.environment import silenced_stderr_fd

    if not isinstance(path, (str, os.PathLike)):
        return {"returned": what_is(path), "path": False}
    path = os.fspath(path)
    facts = {"returned": "a path", "path": True, "name": os.path.basename(path), "exists": os.path.exists(path),
             "is_dir": os.path.isdir(path), "format": None, "members": [], "same_predictions": None,
             "compiled": None, "in_folder": os.path.dirname(os.path.realpath(path)) == os.path.realpath(folder)}
    if not facts["exists"] or facts["is_dir"]:
        return facts
    with open(path, "rb") as handle:
        start = handle.read(8)
    if start.startswith(b"\x89HDF"):
        facts["format"] = "hdf5"
    elif zipfile.is_zipfile(path):
        facts["format"] = "zip"
        with zipfile.ZipFile(path) as archive:
            facts["members"] = sorted(archive.namelist())
    else:
        facts["format"] = "other"
    if facts["format"] != "zip" or facts["members"] != KERAS_MEMBERS:
        return facts
    x = _probe_batch(model, None)
    with silenced_stderr_fd():
        loaded = keras.models.load_model(path)
        got = np.asarray(loaded.predict(x, verbose=0))
    facts["same_predictions"] = bool(np.allclose(got, to_array(model(x)), atol=1e-6))
    facts["compiled"] = bool(getattr(loaded, "compiled", False))
    return facts


# What a save must leave as it was: fingerprint key -> the change, in the student's terms.
MODEL_STATE = (("weights", "its weights"), ("trainable", "its trainable flags (frozen or unfrozen)"),
               ("compiled", "its compile state"), ("optimizer", "its compile state"), ("steps", "it was trained"))


def probe_save_checkpoint(fn: Any, ctx: Context) -> dict:
    """Prepare: call save_checkpoint on each probe model with a fresh folder; record what it wrote where, and
    whether the probe model was left as it was (its weights and its compile state)."""
    from kitlib.exercises.given_state import fingerprint

    expect_function(fn, "save_checkpoint(model, folder)")
    probes = []
    for what, model in zip(SAVE_PROBES, _save_probe_models(ctx.seed)):
        before = fingerprint(model)
        compiled = bool(getattr(model, "compiled", False))
        with tempfile.TemporaryDirectory() as folder:
            path = run_student(fn, model, folder, where=f"save_checkpoint(model, folder) on {what}",
                               hint="model.save(path) writes the whole model; Keras chooses the format from the "
                                    "file name's suffix.")
            facts = _file_facts(path, folder, model)
        after = fingerprint(model)
        changed = sorted({what for key, what in MODEL_STATE if before.get(key) != after.get(key)})
        facts["left_alone"], facts["changed"] = not changed, changed
        facts["model_compiled"] = compiled
        probes.append(facts)
    return {"probes": probes}


def writes_a_keras_archive(record: dict) -> None:
    for what, facts in zip(SAVE_PROBES, record["probes"]):
        expect(facts["path"], f"save_checkpoint should return the path of the file it wrote (a string), on {what}",
               None, facts["returned"], hint="End with return path.")
        expect(not facts["is_dir"], f"the value save_checkpoint returned is a folder, not the path of the file it "
               f"saved (on {what})",
               hint="Return the path of the file itself, inside folder.")
        expect(facts["exists"], f"there is no file at the path save_checkpoint returns (on {what}): the model was "
               "not saved there", hint="Save to the same path you return.")
        if facts["format"] == "hdf5":
            if facts["name"].endswith(".weights.h5"):
                raise CheckFailed("the file holds only the weights (save_weights): the architecture and the compile "
                                  "settings are not in it", hint="model.save(...) writes the whole model.")
            raise CheckFailed("the file is in the legacy HDF5 format (.h5); the task asks for Keras' own format, the "
                              ".keras zip archive", hint="Keras 3 picks the format from the file name's suffix.")
        expect(facts["format"] == "zip" and facts["members"] == KERAS_MEMBERS,
               "the file save_checkpoint writes is not a .keras archive (a zip with config.json, model.weights.h5 "
               "and metadata.json)", hint="Write it with model.save(...) to a name that ends in .keras.")
        expect(facts["in_folder"], "the file is not in the folder save_checkpoint is given",
               hint="Build the path with os.path.join(folder, ...).")


def holds_the_model(record: dict) -> None:
    for what, facts in zip(SAVE_PROBES, record["probes"]):
        changed = " and ".join(facts.get("changed") or ["its weights or its compile state"])
        expect(facts["left_alone"], f"save_checkpoint changed the model it saves ({what}): {changed}",
               hint="Only save it: no fit(), compile(), set_weights() or trainable = ... inside save_checkpoint.")
        expect(facts["same_predictions"], f"the model in the file does not predict what the model given to "
               f"save_checkpoint predicts ({what}): another model was saved",
               hint="Save the model argument itself: model.save(path).")
        expect(facts["compiled"] == facts["model_compiled"],
               f"the model in the file is {'not ' if facts['model_compiled'] else ''}compiled, but the model given "
               f"to save_checkpoint {'is' if facts['model_compiled'] else 'is not'} ({what})",
               hint="model.save(...) keeps the compile settings as they are.")


# --------------------------------------------------------------------------- read the archive

ARCHIVE_KNOWN = [
    {"b6eab50764ea876774ad3ebee750da25": "metadata.json holds only the Keras version and the date it was "
     "saved",
     "1e5afb18ccda46af4314480eed7da3bc": "model.weights.h5 holds the weight values, numbers without "
     "the layers' settings"},
    {"3702ed9580cf9cf49f0c90bd3de162e7": "config.json holds the optimizer's settings (its class and "
     "learning rate), not the values of its variables",
     "2ebd2a1149748dbbe691355b3aa2daff": "metadata.json holds only the Keras version and the date it "
     "was saved"},
    {"cb3749b02b2223005c1db842580ce443": "config.json holds the architecture and the compile settings "
     "of the model",
     "bd1e2a0827fb28098538e183ba56aca0": "model.weights.h5 holds the values of the variables"},
]
_ARCHIVE = each_matches("fn03_read_archive",
                        ["67acf72d59c4f710705aedb6c7455747", "e21e688aa2235e862c0c3387262126bf",
                         "8a0e00ef5b88f1040243f57a17072c8e"], ARCHIVE_KNOWN,
                        ["not right yet"] * 3,
                        ["Look at what the notebook printed from config.json: which member has the layers' settings?",
                         "Variables are arrays of numbers: which member stores arrays?",
                         "Open the member that is neither the architecture nor the numbers."], letters=True)

EXERCISES = [
    Exercise(
        "fn03_round_trip",
        title="Save and reload",
        points=1,
        kind="function",
        variable="round_trip",
        prepare=probe_round_trip,
        checks=[loaded_from_the_file],
        unrecordable="a function round_trip(model, path) that returns a Keras model",
        activity="build",
        hints=("Look at 'Save, delete, reload': the two calls you need are both in that cell.",
               "Saving is a method of the model, given the path; loading is a function in keras.models that "
               "builds a new model from the file. Return that new model, not the one you were given."),
    ),
    Exercise(
        "fn03_read_architecture",
        title="Read the architecture from the file",
        points=2,
        kind="function",
        variable="read_architecture",
        prepare=probe_read_architecture,
        checks=[is_config_json],
        unrecordable="a function read_architecture(path) that returns a dict",
        activity="build",
        hints=("Look at 'What is inside a .keras file?': the notebook opens one the same way.",
               "zipfile.ZipFile(path) opens the archive; read its member 'config.json' and parse the text with "
               "json.loads. Return the whole parsed dict, not a part of it."),
    ),
    Exercise(
        "fn03_fix_save_path",
        title="Repair a save that Keras refuses",
        points=2,
        kind="function",
        variable="save_checkpoint",
        prepare=probe_save_checkpoint,
        checks=[writes_a_keras_archive, holds_the_model],
        unrecordable="a function save_checkpoint(model, folder) that returns the path of the file it wrote",
        activity="debug",
        hints=("Read the ValueError the broken function raises: what does Keras need to see in the file name?",
               "Keras 3 chooses the file format from the suffix of the name; the task asks for its own zip "
               "format, the one keras.models.load_model reads back whole."),
    ),
    Exercise(
        "fn03_read_archive",
        title="Read what a .keras archive holds",
        points=1,
        kind="literal",
        variable="archive_answers",
        prepare=c.letters_answer("abc", 3, example="('c', 'a', 'a')", written=False),
        checks=[_ARCHIVE],
        unrecordable="a tuple of 3 letters, e.g. ('c', 'a', 'a')",
        activity="read",
        hints=("Everything is in the output of the cell that opened the archive: the member names and what "
               "config.json contains.",
               "Each question asks for one kind of content: settings written as text, values stored as arrays of "
               "numbers, or facts about the file itself. Which member holds which kind?"),
    ),
]
