"""Safe export of graded answers for the trusted re-check.

During ``kit grade`` every ``grade(id, answer)`` call in the student's kernel
also writes the checked answer to ``$KIT_ANSWER_DIR`` in a format that can be
read back without running any code: JSON for plain values, ``.npy`` without
pickle for arrays, the Keras ``.keras`` format (loaded with ``safe_mode``) for
models. :mod:`kitlib.grading.verify` re-runs the checks on it in a fresh
process, so a solution cell that monkeypatches kitlib cannot earn points.

Example::

    encode(model, Path("/tmp/answers"), "seq_two_layers")   # writes seq_two_layers.keras + .json
    decode(Path("/tmp/answers"), "seq_two_layers")           # a fresh Keras model
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any


class Unsupported(Exception):
    """The answer's type cannot be exported without pickle."""


def _plain(value: Any, depth: int = 0) -> Any:
    """A JSON-able, type-tagged form of plain values (tuples stay tuples)."""
    if depth > 20:
        raise Unsupported("nested too deep")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return {"__float__": repr(value)} if not math.isfinite(value) else value
    if isinstance(value, tuple):
        return {"__tuple__": [_plain(v, depth + 1) for v in value]}
    if isinstance(value, list):
        return [_plain(v, depth + 1) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"__dict__": {k: _plain(v, depth + 1) for k, v in value.items()}}
    module = type(value).__module__
    if module.startswith("numpy") and hasattr(value, "item") and getattr(value, "shape", None) == ():
        return _plain(value.item(), depth + 1)
    if type(value).__name__ == "TensorShape":
        return {"__tuple__": [_plain(v, depth + 1) for v in value.as_list()]}
    raise Unsupported(type(value).__name__)


def _unplain(value: Any) -> Any:
    if isinstance(value, list):
        return [_unplain(v) for v in value]
    if isinstance(value, dict):
        if "__tuple__" in value:
            return tuple(_unplain(v) for v in value["__tuple__"])
        if "__float__" in value:
            return float(value["__float__"])
        if "__dict__" in value:
            return {k: _unplain(v) for k, v in value["__dict__"].items()}
    return value


def encode(answer: Any, directory: Path, exercise_id: str) -> str:
    """Write ``answer`` for ``exercise_id``; returns the kind written (json/npy/keras/unsupported)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    meta: dict[str, Any] = {"exercise": exercise_id, "type": type(answer).__name__}
    try:
        meta.update(kind="json", value=_plain(answer))
    except Unsupported:
        module = type(answer).__module__
        if module.startswith("numpy") and hasattr(answer, "dtype") and answer.dtype != object:
            import numpy as np

            np.save(directory / f"{exercise_id}.npy", answer, allow_pickle=False)
            meta["kind"] = "npy"
        elif _is_keras_model(answer):
            path = directory / f"{exercise_id}.keras"
            try:
                answer.save(path)
                meta["kind"] = "keras"
            except Exception as error:  # e.g. an unserialisable custom layer
                meta.update(kind="unsupported", reason=f"{type(error).__name__}: {error}"[:300])
        else:
            meta.update(kind="unsupported", reason=f"type {type(answer).__name__}")
    (directory / f"{exercise_id}.json").write_text(json.dumps(meta), encoding="utf-8")
    return meta["kind"]


def _is_keras_model(answer: Any) -> bool:
    for cls in type(answer).__mro__:
        if cls.__name__ == "Model" and cls.__module__.startswith("keras"):
            return True
    return False


def decode(directory: Path, exercise_id: str) -> Any:
    """Read back an answer written by :func:`encode`; :class:`Unsupported` when it was not exportable."""
    directory = Path(directory)
    meta = json.loads((directory / f"{exercise_id}.json").read_text(encoding="utf-8"))
    kind = meta.get("kind")
    if kind == "json":
        return _unplain(meta["value"])
    if kind == "npy":
        import numpy as np

        return np.load(directory / f"{exercise_id}.npy", allow_pickle=False)
    if kind == "keras":
        from kitlib.environment import quiet_environment, silenced_stderr_fd

        quiet_environment()
        with silenced_stderr_fd():
            import keras

            return keras.saving.load_model(directory / f"{exercise_id}.keras", safe_mode=True)
    raise Unsupported(meta.get("reason") or f"type {meta.get('type')}")
