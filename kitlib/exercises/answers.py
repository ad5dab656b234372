"""The answer record format: written by the student's kernel, read by the trusted re-check.

During ``kit grade`` every ``grade(id, answer)`` call in the student's kernel
also writes the exercise's *record* (what ``Exercise.prepare`` made of the
answer: plain data computed by kit code) to ``$KIT_ANSWER_DIR``, in a format
that can be read back without running any code (no pickle anywhere). The
record of ``grade(id, answer, hidden=True)`` is written as ``<id>.hidden``.
This module lives with the exercises because both ends use it: the kernel
(student side) writes, :mod:`kitlib.grading.verify` reads; it imports nothing
from ``kitlib.grading``.

* ``json``: plain values, any nesting of dict (str keys) / list / tuple / set /
  frozenset with None, bool, int, float (inf/nan too), str, numpy scalars and
  ``TensorShape`` (read back as a tuple);
* ``npy``: one numpy array (``.npy`` written and read with ``allow_pickle=False``);
* ``keras``: one Keras model (``.keras`` file, read with ``safe_mode=True``);
* ``keras-config``: one model too big for the sandbox's file limit, kept as its
  architecture only (it comes back with fresh weights; the meta says so);
* ``bundle``: a nesting of the above that also holds arrays, models,
  ``KerasTensor`` s or a ``keras.callbacks.History``. Side files are named
  ``<id>.part<N>.<ext>`` from a counter. Functional models that share their
  input tensors are saved as one joint model and come back sharing them.

:mod:`kitlib.grading.verify` re-runs the checks on the decoded record in a
fresh process, so a solution cell that monkeypatches kitlib cannot earn points.
Records of exercises written with the current framework are plain data
(:func:`is_plain`), so ``decode(encode(record)) == record`` and the re-check
judges exactly what the grade cell judged. The kernel also stores a ``kit``
entry in the meta file (:func:`read_meta`): probe seed, hidden or not, the
kernel's verdict, and evidence of replaced kitlib objects.

Example::

    encode(model, Path("/tmp/answers"), "seq_two_layers")   # writes seq_two_layers.keras + .json
    decode(Path("/tmp/answers"), "seq_two_layers")           # a fresh Keras model
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

#: Models whose weights (plus optimizer state) exceed this are exported as architecture only.
#: Well under the sandbox's 256 MB file-size limit (kitlib.grading.sandbox.Limits.file_mb).
MAX_MODEL_BYTES = 128 * 1024 * 1024
#: Arrays larger than this are not exported (the write would hit the same file-size limit).
MAX_ARRAY_BYTES = 128 * 1024 * 1024
MAX_DEPTH = 32
MAX_SIDE_FILES = 256
MAX_META_BYTES = 64 * 1024 * 1024

_SAFE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_BUILTIN_FUNCTION_MODULES = ("activations", "constraints", "initializers", "losses", "metrics",
                             "optimizers", "regularizers")


class Unsupported(Exception):
    """The answer's type cannot be exported without pickle."""


# --------------------------------------------------------------------------- type tests (no imports)

def _is_keras_type(value: Any, class_name: str) -> bool:
    """True when ``value`` is an instance of a class of Keras called ``class_name`` (no import needed)."""
    return any(cls.__name__ == class_name and cls.__module__.startswith("keras")
               for cls in type(value).__mro__)


def _is_keras_model(answer: Any) -> bool:
    return _is_keras_type(answer, "Model")


def _is_numpy_array(value: Any) -> bool:
    return type(value).__module__.startswith("numpy") and type(value).__name__ == "ndarray"


def _is_numpy_scalar(value: Any) -> bool:
    return (type(value).__module__.startswith("numpy") and hasattr(value, "item")
            and getattr(value, "shape", None) == ())


def _checked_id(exercise_id: str) -> str:
    if not isinstance(exercise_id, str) or not _SAFE_ID.fullmatch(exercise_id) or ".." in exercise_id:
        raise Unsupported(f"unsafe exercise id {exercise_id!r}")
    return exercise_id


# --------------------------------------------------------------------------- encoding

class _Writer:
    """Turns an answer into a JSON tree; array and model leaves go to numbered side files.

    Example::

        writer = _Writer(staging, "ex", max_model_bytes=MAX_MODEL_BYTES)
        tree = writer.tree([model, np.zeros(3)])   # [{"__model__": 0}, {"__npy__": 1}]
    """

    def __init__(self, staging: Path, exercise_id: str, max_model_bytes: int):
        self.staging, self.exercise_id, self.max_model_bytes = staging, exercise_id, max_model_bytes
        self.files = 0
        self.models: list[dict[str, Any]] = []     # saved graphs (one per file)
        self.model_refs: dict[int, dict[str, int | None]] = {}   # id(model) -> {"saved", "member"}
        self.keep_alive: list[Any] = []
        self.weights_not_exported: list[str] = []
        self.side_leaves = False

    def side_name(self, extension: str) -> tuple[int, Path]:
        if self.files >= MAX_SIDE_FILES:
            raise Unsupported(f"more than {MAX_SIDE_FILES} arrays and models")
        number, self.files = self.files, self.files + 1
        return number, self.staging / f"{self.exercise_id}.part{number}.{extension}"

    # -- the tree
    def tree(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise Unsupported("nested too deep")
        if value is None or isinstance(value, (bool, str, int)):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else {"__float__": repr(value)}
        if isinstance(value, (tuple, list, set, frozenset)):
            items = [self.tree(v, depth + 1) for v in value]
            tag = {tuple: "__tuple__", set: "__set__", frozenset: "__frozenset__"}.get(type(value))
            if tag is None:
                for cls, name in ((tuple, "__tuple__"), (frozenset, "__frozenset__"), (set, "__set__")):
                    if isinstance(value, cls):
                        tag = name
                        break
            return items if tag is None else {tag: items}
        if isinstance(value, dict):
            if not all(isinstance(k, str) for k in value):
                raise Unsupported("a dict with keys that are not strings")
            return {"__dict__": {k: self.tree(v, depth + 1) for k, v in value.items()}}
        if _is_numpy_scalar(value) and not _is_numpy_array(value):
            return self.tree(value.item(), depth + 1)
        if type(value).__name__ == "TensorShape":
            return {"__tuple__": [self.tree(v, depth + 1) for v in value.as_list()]}
        return self.leaf(value)

    def leaf(self, value: Any) -> Any:
        self.side_leaves = True
        if _is_numpy_array(value):
            return {"__npy__": self.array(value)}
        if _is_keras_model(value):
            return {"__model__": self.model_ref(value)}
        if _is_keras_type(value, "KerasTensor"):
            return {"__keras_tensor__": {"shape": [self.tree(d) for d in value.shape],
                                         "dtype": str(value.dtype), "name": str(value.name),
                                         "sparse": bool(getattr(value, "sparse", False))}}
        if _is_keras_type(value, "History"):
            return {"__history__": {"epoch": self.tree(list(value.epoch)),
                                    "history": self.tree(dict(value.history or {})),
                                    "params": self.tree(dict(value.params or {}))}}
        raise Unsupported(f"type {type(value).__name__}")

    # -- arrays
    def array(self, value: Any) -> int:
        import numpy as np

        if value.dtype.hasobject:
            raise Unsupported("a numpy array of Python objects (dtype=object)")
        if value.nbytes > MAX_ARRAY_BYTES:
            raise Unsupported(f"a numpy array of {value.nbytes / 2**20:.0f} MB (too big to export)")
        number, path = self.side_name("npy")
        np.save(path, value, allow_pickle=False)
        return number

    # -- models
    def model_ref(self, model: Any) -> dict[str, int | None]:
        if id(model) not in self.model_refs:   # plan_models() saw every model of the tree first
            raise Unsupported("a model that was not planned")  # pragma: no cover
        return self.model_refs[id(model)]

    def plan_models(self, answer: Any) -> None:
        """Save every model of the answer; models sharing input tensors go into one joint file."""
        models = _models_in(answer)
        for group in _sharing_groups(models):
            if len(group) > 1:
                try:
                    self.save_joint(group)
                    continue
                except Unsupported:
                    raise
                except Exception:  # the joint graph cannot be built: fall back to separate files
                    pass
            for model in group:
                self.save_single(model)

    def save_single(self, model: Any) -> None:
        self.model_refs[id(model)] = {"saved": self.save_graph(model, members=None), "member": None}

    def save_joint(self, group: list[Any]) -> None:
        import keras

        inputs = _unique([t for m in group for t in m.inputs])
        outputs = _unique([t for m in group for t in m.outputs])
        members = [{"name": m.name, "inputs": _to_indices(m.input, inputs),
                    "outputs": _to_indices(m.output, outputs),
                    "compile": _compile_config(m)} for m in group]
        joint = keras.Model(inputs, outputs, name="kit_joint_graph")
        if len(joint.weights) != len(_unique([w for m in group for w in m.weights])):
            raise ValueError("the joint graph does not hold the same weights")
        self.keep_alive.append(joint)
        saved = self.save_graph(joint, members=members)
        for index, model in enumerate(group):
            self.model_refs[id(model)] = {"saved": saved, "member": index}

    def save_graph(self, model: Any, members: list[dict[str, Any]] | None) -> int:
        config = _checked_config(model)
        entry: dict[str, Any] = {"members": members, "name": model.name}
        if _weight_bytes(model) > self.max_model_bytes:
            number, path = self.side_name("json")
            path.write_text(json.dumps(config), encoding="utf-8")
            entry.update(file=number, format="config", weights_exported=False)
            self.weights_not_exported.append(model.name)
        else:
            number, path = self.side_name("keras")
            try:
                model.save(path)
            except Exception as error:  # e.g. a layer whose config cannot be written
                raise Unsupported(f"the model could not be saved: {type(error).__name__}: {error}"[:300])
            entry.update(file=number, format="keras", weights_exported=True)
        self.models.append(entry)
        return len(self.models) - 1


def _models_in(value: Any, depth: int = 0, found: list[Any] | None = None) -> list[Any]:
    """The distinct Keras models of an answer, in the order they appear."""
    found = [] if found is None else found
    if depth > MAX_DEPTH:
        raise Unsupported("nested too deep")
    if _is_keras_model(value):
        if not any(value is m for m in found):
            found.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _models_in(item, depth + 1, found)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _models_in(item, depth + 1, found)
    return found


def _sharing_groups(models: list[Any]) -> list[list[Any]]:
    """Functional models connected by a shared input tensor, grouped; other models alone."""
    groups: list[list[Any]] = []
    for model in models:
        inputs = list(getattr(model, "inputs", None) or []) if type(model).__name__ == "Functional" else []
        touching = [g for g in groups if inputs and any(t is u for m in g if type(m).__name__ == "Functional"
                                                         for u in m.inputs for t in inputs)]
        merged = [m for g in touching for m in g] + [model]
        groups = [g for g in groups if not any(g is t for t in touching)] + [merged]
    return groups


def _unique(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if not any(item is o for o in out):
            out.append(item)
    return out


def _to_indices(struct: Any, pool: list[Any]) -> Any:
    """A model's input/output structure with each tensor replaced by its index in ``pool``."""
    if isinstance(struct, dict):
        return {"__dict__": {str(k): _to_indices(v, pool) for k, v in struct.items()}}
    if isinstance(struct, (list, tuple)):
        return [_to_indices(v, pool) for v in struct]
    return next(i for i, t in enumerate(pool) if t is struct)


def _from_indices(struct: Any, pool: list[Any], depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise Unsupported("nested too deep")
    if isinstance(struct, dict):
        return {str(k): _from_indices(v, pool, depth + 1) for k, v in _field(struct, "__dict__", dict).items()}
    if isinstance(struct, list):
        return [_from_indices(v, pool, depth + 1) for v in struct]
    if isinstance(struct, int) and not isinstance(struct, bool) and 0 <= struct < len(pool):
        return pool[struct]
    raise Unsupported("malformed model record")


def _compile_config(model: Any) -> Any:
    if not getattr(model, "compiled", False):
        return None
    import keras

    config = keras.saving.serialize_keras_object(model.get_compile_config())
    _check_safe(config)
    return config


def _weight_bytes(model: Any) -> int:
    """Bytes of the model's weights plus its optimizer's variables (what a .keras file holds)."""
    import numpy as np

    variables = list(model.weights)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and getattr(optimizer, "built", False):
        variables += list(optimizer.variables)
    total = 0
    for variable in variables:
        size = int(np.prod([d or 0 for d in variable.shape])) if len(variable.shape) else 1
        try:
            itemsize = np.dtype(str(getattr(variable.dtype, "name", variable.dtype))).itemsize
        except TypeError:  # e.g. bfloat16, unknown to numpy
            itemsize = 4
        total += size * itemsize
    return total


def _checked_config(model: Any) -> Any:
    """The model's config, or :class:`Unsupported` when a fresh process could not load it safely."""
    import keras

    try:
        config = keras.saving.serialize_keras_object(model)
        json.dumps(config)
    except Exception as error:
        raise Unsupported(f"the model could not be saved: {type(error).__name__}: {error}"[:300])
    _check_safe(config)
    return config


def _check_safe(config: Any, depth: int = 0) -> None:
    """Refuse configs that need student code: lambdas, custom classes, custom functions."""
    if depth > 200:
        raise Unsupported("model config nested too deep")
    if isinstance(config, list):
        for item in config:
            _check_safe(item, depth + 1)
        return
    if not isinstance(config, dict):
        return
    class_name, module = config.get("class_name"), config.get("module")
    if class_name == "__lambda__" or class_name == "Lambda":
        raise Unsupported("a Lambda layer (its Python code cannot be loaded safely)")
    if isinstance(class_name, str) and "module" in config:
        if class_name == "function" and module == "builtins":
            if not _is_keras_function(config.get("config")):
                raise Unsupported(f"a custom function {config.get('config')!r} in the model")
        elif not (isinstance(module, str) and (module == "keras" or module.startswith("keras."))):
            raise Unsupported(f"a custom class {class_name!r} (module {module!r}) in the model")
    for value in config.values():
        _check_safe(value, depth + 1)


def _is_keras_function(name: Any) -> bool:
    import keras

    if not isinstance(name, str) or not name.isidentifier():
        return False
    return any(callable(getattr(getattr(keras, module, None), name, None)) for module in _BUILTIN_FUNCTION_MODULES)


def encode(answer: Any, directory: Path, exercise_id: str, *, max_model_bytes: int = MAX_MODEL_BYTES,
           kit: dict[str, Any] | None = None) -> str:
    """Write ``answer`` for ``exercise_id``; returns the kind written.

    Kinds: json / npy / keras / keras-config / bundle / unsupported (see the module docstring).
    Nothing half-written is left: side files are staged and the ``<id>.json`` meta is written last.
    ``kit`` (plain JSON) is stored beside the answer and read back with :func:`read_meta`.
    """
    directory = Path(directory)
    exercise_id = _checked_id(exercise_id)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{exercise_id}.json").unlink(missing_ok=True)
    meta: dict[str, Any] = {"exercise": exercise_id, "type": type(answer).__name__}
    if kit:
        meta["kit"] = json.loads(json.dumps(kit))
    staging = Path(tempfile.mkdtemp(dir=directory, prefix=f".{exercise_id}.staging-"))
    try:
        try:
            meta.update(_encode_into(answer, staging, exercise_id, max_model_bytes))
        except Unsupported as why:
            meta.update(kind="unsupported", reason=str(why)[:300])
        except Exception as error:  # an unforeseen failure: say so, never write half an answer
            meta.update(kind="unsupported", reason=f"{type(error).__name__}: {error}"[:300])
        if meta["kind"] != "unsupported":
            for path in staging.iterdir():
                os.replace(path, directory / path.name)
        _write_atomically(directory / f"{exercise_id}.json", json.dumps(meta))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return meta["kind"]


def _encode_into(answer: Any, staging: Path, exercise_id: str, max_model_bytes: int) -> dict[str, Any]:
    """The meta fields for ``answer``; its side files are written into ``staging``."""
    if _is_numpy_array(answer):
        writer = _Writer(staging, exercise_id, max_model_bytes)
        number = writer.array(answer)
        os.replace(staging / f"{exercise_id}.part{number}.npy", staging / f"{exercise_id}.npy")
        return {"kind": "npy"}
    writer = _Writer(staging, exercise_id, max_model_bytes)
    writer.plan_models(answer)
    if _is_keras_model(answer) and len(writer.models) == 1:
        entry = writer.models[0]
        if entry["format"] == "keras":
            os.replace(staging / f"{exercise_id}.part0.keras", staging / f"{exercise_id}.keras")
            return {"kind": "keras"}
        return {"kind": "keras-config", "weights_exported": False, "weights_not_exported": [answer.name],
                "models": writer.models}
    value = writer.tree(answer)
    if not writer.side_leaves:
        return {"kind": "json", "value": value}
    meta: dict[str, Any] = {"kind": "bundle", "value": value, "models": writer.models, "files": writer.files}
    if writer.weights_not_exported:
        meta.update(weights_exported=False, weights_not_exported=writer.weights_not_exported)
    return meta


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# --------------------------------------------------------------------------- decoding

class _Reader:
    """Rebuilds an answer from the JSON tree of a bundle, reading only ``<id>.part<N>.*`` files.

    Example::

        _Reader(Path("answers"), "ex", meta).tree({"__tuple__": [1, {"__npy__": 0}]})   # (1, array)
    """

    def __init__(self, directory: Path, exercise_id: str, meta: dict[str, Any]):
        self.directory, self.exercise_id = directory, exercise_id
        self.entries = _field(meta, "models", list) if "models" in meta else []
        self.loaded: dict[int, Any] = {}

    def side_file(self, number: Any, extension: str) -> Path:
        if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number < MAX_SIDE_FILES:
            raise Unsupported("malformed answer record (side file number)")
        return _inside(self.directory, f"{self.exercise_id}.part{number}.{extension}")

    def tree(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise Unsupported("nested too deep")
        if value is None or isinstance(value, (bool, str, int, float)):
            return value
        if isinstance(value, list):
            return [self.tree(v, depth + 1) for v in value]
        if not isinstance(value, dict) or len(value) != 1:
            raise Unsupported("malformed answer record")
        (tag, body), = value.items()
        if tag == "__float__":
            if body not in ("inf", "-inf", "nan"):
                raise Unsupported("malformed answer record (float)")
            return float(body)
        if tag in ("__tuple__", "__set__", "__frozenset__"):
            items = [self.tree(v, depth + 1) for v in _checked(body, list)]
            try:
                return {"__tuple__": tuple, "__set__": set, "__frozenset__": frozenset}[tag](items)
            except TypeError:
                raise Unsupported("malformed answer record (set of unhashable items)")
        if tag == "__dict__":
            return {str(k): self.tree(v, depth + 1) for k, v in _checked(body, dict).items()}
        if tag == "__npy__":
            return _load_array(self.side_file(body, "npy"))
        if tag == "__model__":
            return self.model(_checked(body, dict))
        if tag == "__keras_tensor__":
            return self.keras_tensor(_checked(body, dict))
        if tag == "__history__":
            return self.history(_checked(body, dict))
        raise Unsupported(f"malformed answer record (unknown tag {tag[:40]!r})")

    def keras_tensor(self, body: dict[str, Any]) -> Any:
        keras = _keras()
        shape = self.tree(_field(body, "shape", list))
        if not all(d is None or (isinstance(d, int) and not isinstance(d, bool) and d >= 0) for d in shape):
            raise Unsupported("malformed answer record (tensor shape)")
        return keras.KerasTensor(tuple(shape), dtype=_field(body, "dtype", str), name=_field(body, "name", str),
                                 sparse=bool(body.get("sparse", False)))

    def history(self, body: dict[str, Any]) -> Any:
        keras = _keras()
        history = keras.callbacks.History()
        history.epoch = _checked(self.tree(body.get("epoch", [])), list)
        history.history = _checked(self.tree(body.get("history", {"__dict__": {}})), dict)
        history.set_params(_checked(self.tree(body.get("params", {"__dict__": {}})), dict))
        return history

    def model(self, ref: dict[str, Any]) -> Any:
        saved, member = ref.get("saved"), ref.get("member")
        if not isinstance(saved, int) or isinstance(saved, bool) or not 0 <= saved < len(self.entries):
            raise Unsupported("malformed answer record (model reference)")
        entry = _checked(self.entries[saved], dict)
        if saved not in self.loaded:
            self.loaded[saved] = {"graph": self.load_graph(entry), "members": {}}
        loaded = self.loaded[saved]
        if member is None:
            return loaded["graph"]
        members = _checked(entry.get("members"), list)
        if not isinstance(member, int) or isinstance(member, bool) or not 0 <= member < len(members):
            raise Unsupported("malformed answer record (model member)")
        if member not in loaded["members"]:
            loaded["members"][member] = _rebuild_member(loaded["graph"], _checked(members[member], dict))
        return loaded["members"][member]

    def load_graph(self, entry: dict[str, Any]) -> Any:
        if entry.get("format") == "keras":
            path = self.side_file(entry.get("file"), "keras")
            return _keras().saving.load_model(path, safe_mode=True)
        if entry.get("format") == "config":
            config = _read_json(self.side_file(entry.get("file"), "json"))
            return _keras().saving.deserialize_keras_object(config, safe_mode=True)
        raise Unsupported("malformed answer record (model format)")


def _rebuild_member(joint: Any, member: dict[str, Any]) -> Any:
    """One model of a joint graph: same input tensors and layer objects, its own outputs and name."""
    keras = _keras()
    model = keras.Model(_from_indices(member.get("inputs"), list(joint.inputs)),
                        _from_indices(member.get("outputs"), list(joint.outputs)),
                        name=_field(member, "name", str))
    if member.get("compile") is not None:
        model.compile_from_config(member["compile"])
    return model


def _checked(value: Any, kind: type) -> Any:
    if not isinstance(value, kind):
        raise Unsupported("malformed answer record")
    return value


def _field(record: dict[str, Any], key: str, kind: type) -> Any:
    if not isinstance(record, dict):
        raise Unsupported("malformed answer record")
    return _checked(record.get(key), kind)


def _inside(directory: Path, name: str) -> Path:
    """``directory / name`` as a regular file that really lies inside ``directory`` (no symlink)."""
    path = directory / name
    if path.is_symlink() or not path.is_file():
        raise Unsupported(f"the recorded file {name} is missing")
    if path.resolve().parent != directory.resolve():
        raise Unsupported(f"the recorded file {name} lies outside the answer folder")
    return path


def _read_json(path: Path) -> Any:
    if path.stat().st_size > MAX_META_BYTES:
        raise Unsupported(f"{path.name} is too big")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, RecursionError) as error:
        raise Unsupported(f"{path.name} is not readable JSON ({type(error).__name__})")


def _load_array(path: Path) -> Any:
    import numpy as np

    try:
        return np.load(path, allow_pickle=False)
    except ValueError as error:
        raise Unsupported(f"{path.name} is not a plain numpy array ({error})"[:300])


def _keras() -> Any:
    from kitlib.environment import quiet_environment, silenced_stderr_fd

    quiet_environment()
    with silenced_stderr_fd():
        import keras
    return keras


def read_meta(directory: Path, exercise_id: str) -> dict[str, Any]:
    """The ``kit`` entry the kernel stored with the record (empty when none), without decoding the answer.

    Raises :class:`Unsupported` when there is no readable record.
    """
    meta = _checked(_read_json(_inside(Path(directory), f"{_checked_id(exercise_id)}.json")), dict)
    kit = meta.get("kit")
    return kit if isinstance(kit, dict) else {}


def is_plain(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` is plain record data: None, bool, int, float, str, numpy arrays (not of
    objects) and numpy scalars, in lists, tuples, sets and dicts with string keys.

    Example:
        >>> is_plain({"shapes": [(None, 4)], "ok": True})
        True
        >>> is_plain([object()])
        False
    """
    if depth > MAX_DEPTH:
        return False
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(is_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain(v, depth + 1) for k, v in value.items())
    if _is_numpy_array(value):
        return not value.dtype.hasobject
    return _is_numpy_scalar(value)


def decode(directory: Path, exercise_id: str) -> Any:
    """Read back an answer written by :func:`encode`; :class:`Unsupported` when it was not exportable
    or the record is damaged (missing side files, unknown tags, paths out of the folder)."""
    directory = Path(directory)
    exercise_id = _checked_id(exercise_id)
    meta = _checked(_read_json(_inside(directory, f"{exercise_id}.json")), dict)
    kind = meta.get("kind")
    try:
        if kind == "json":
            return _Reader(directory, exercise_id, {}).tree(meta.get("value"))
        if kind == "npy":
            return _load_array(_inside(directory, f"{exercise_id}.npy"))
        if kind == "keras":
            return _keras().saving.load_model(_inside(directory, f"{exercise_id}.keras"), safe_mode=True)
        if kind == "keras-config":
            return _Reader(directory, exercise_id, meta).model({"saved": 0, "member": None})
        if kind == "bundle":
            return _Reader(directory, exercise_id, meta).tree(meta.get("value"))
    except RecursionError:
        raise Unsupported("nested too deep")
    raise Unsupported(meta.get("reason") if isinstance(meta.get("reason"), str) else f"kind {str(kind)[:40]!r}")
