"""Chapter B3 · Save and serialize (``03_save_and_serialize.ipynb``).

- ``fn03_round_trip``: a function that saves a model to the path it is given and returns the model
  *loaded back from that file*. The probe watches the file (Python's audit hook on ``open``): it must be
  written, then read back; the returned model must be a new one, with its own weights, predicting what
  the saved model predicted. A copy made in memory, a model rebuilt from its config, or the original
  itself are named as such.
- ``fn03_read_architecture``: a function that returns the parsed ``config.json`` of a ``.keras`` file;
  compared with the kit's own reading of the file, with the typical near misses named (the inner
  ``config`` part, i.e. what ``model.get_config()`` gives; ``metadata.json``; unparsed text).

Probe models are built by the kit with seeded weights: fixed ones for the self-check, others drawn from
the hidden probe seed for grading.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import Any

from kitlib.exercises.core import CheckFailed, Context, Exercise, expect, run_student
from kitlib.exercises.describe import is_keras_model, to_array, what_is
from kitlib.exercises.functional_api._forms import expect_function

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
              "same_object": restored is model, "shares_weights": False, "outputs": None, "expected": expected}
    if record["model"] and not record["same_object"]:
        original = {id(v) for v in model.weights}
        record["shares_weights"] = any(id(v) in original for v in restored.weights)
        record["outputs"] = to_array(run_student(restored, x, where="the model round_trip returned, called on a "
                                                 "batch"), "the returned model's output")
    return record


def loaded_from_the_file(record: dict) -> None:
    import numpy as np

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
    ),
    Exercise(
        "fn03_read_architecture",
        title="What the .keras file holds",
        points=2,
        kind="function",
        variable="read_architecture",
        prepare=probe_read_architecture,
        checks=[is_config_json],
        unrecordable="a function read_architecture(path) that returns a dict",
    ),
]
