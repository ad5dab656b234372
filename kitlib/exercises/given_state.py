"""Given objects left as they were: fingerprints of the notebook's objects and what changed in them.

An exercise that says "leave ``base`` as it is" declares ``Exercise(..., keep_given=("base",))``; one that
asks for a *new* object declares ``new_object=True``. The kernel hook (:mod:`kitlib.exercises.session`)
takes a :func:`fingerprint` of each kept object just before the exercise's answer cell runs for the first
time (the last cell that assigns the exercise's ``variable``; running that same cell again keeps its first
snapshot, and running the cell that makes the given object again starts afresh). The grade cell compares it with the
object's state then (:func:`changes`) and says when the answer *is* a given object, both through
:func:`problem` on the plain data :func:`observed` collects, which the answer record carries to the re-check.

A fingerprint is plain data, made without importing Keras (duck typing): the object's identity, and for a
model or layer a digest of its weights, its trainable flags, whether it is compiled, its optimizer's
identity and step counter and the identities of its own layers; for an array a digest of its values; for a
folder (a ``pathlib.Path``) the files in it with their modification times and sizes (:func:`folder_listing`).

Example::

    before = fingerprint(base)
    base.fit(x, y)                          # the mistake
    changes("base", before, fingerprint(base))
    # ['the given `base` was trained again (its optimizer took 3 more steps) ...']
"""
from __future__ import annotations

import hashlib
import os
from typing import Any, Collection, Mapping, Sequence


def _layers(obj: Any) -> list:
    """The layers inside a model (depth first, the model itself excluded); [] for anything else."""
    found, seen = [], set()

    def walk(item):
        for layer in getattr(item, "layers", None) or []:
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            found.append(layer)
            walk(layer)

    try:
        walk(obj)
    except Exception:  # noqa: BLE001 - an object that is no model has no layers
        return []
    return found


_SAMPLED = 1 << 20  # values hashed per array at most


def _sample(array):
    """At most about ``_SAMPLED`` values of ``array`` as a NumPy array, read without copying the whole of it: a
    big array (VGG19's fc1 kernel, 400 MB) gives every k-th row (a strided slice of a NumPy view or of a Keras
    variable reads only those rows), so training or set_weights, which change every row, still show."""
    import numpy as np

    shape = tuple(int(d) for d in getattr(array, "shape", ()) or ())
    size = int(np.prod(shape)) if shape else 1
    if size > _SAMPLED and len(shape) > 1 and shape[0] > 1:
        row = size // shape[0]
        array = array[:: -(-shape[0] // max(1, _SAMPLED // row))]   # ceil: at most _SAMPLED // row rows
    value = np.asarray(array)
    if value.size > _SAMPLED:  # one row alone is too big (a long 1-D array): every k-th value of it
        value = value.reshape(-1)[:: value.size // _SAMPLED + 1]
    return value


def _digest_arrays(arrays) -> str:
    import numpy as np

    h = hashlib.sha256()
    for array in arrays:
        shape = tuple(int(d) for d in getattr(array, "shape", ()) or ())
        h.update(f"{shape}{getattr(array, 'dtype', '')}".encode())
        h.update(np.ascontiguousarray(_sample(array)).tobytes())
    return h.hexdigest()[:20]


def _weights(obj: Any) -> list:
    """A model's or layer's weights as its variables (read piecewise by :func:`_sample`), not get_weights()'s
    full copies of every array."""
    variables = getattr(obj, "weights", None)
    if isinstance(variables, (list, tuple)):
        return list(variables)
    return obj.get_weights()


LISTED_FILES = 2000  # files of a given folder listed at most


def folder_listing(folder: Any) -> dict[str, list[int]] | None:
    """``{relative name: [mtime_ns, size]}`` of the files under ``folder`` (symbolic links not followed, at most
    ``LISTED_FILES``); None when ``folder`` is no folder. Two listings tell which files a cell wrote.

    Example:
        >>> folder_listing("/no/such/folder") is None
        True
    """
    try:
        root = os.fspath(folder)
        if not os.path.isdir(root):
            return None
        found: dict[str, list[int]] = {}
        for path, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(path, name)
                if os.path.islink(full):
                    continue
                stat = os.stat(full)
                found[os.path.relpath(full, root).replace(os.sep, "/")] = [stat.st_mtime_ns, stat.st_size]
                if len(found) >= LISTED_FILES:
                    return found
        return found
    except (OSError, TypeError, ValueError):
        return None


def fingerprint(obj: Any) -> dict[str, Any]:
    """Plain data that changes when ``obj`` is trained, re-compiled, frozen or unfrozen, or replaced.

    Example:
        >>> import numpy as np
        >>> fingerprint(np.zeros(3))["values"] == fingerprint(np.zeros(3))["values"]
        True
    """
    state: dict[str, Any] = {"id": id(obj), "type": type(obj).__name__}
    get_weights = getattr(obj, "get_weights", None)
    if callable(get_weights):
        try:
            state["weights"] = _digest_arrays(_weights(obj))
        except Exception:  # noqa: BLE001 - an unbuilt model: no weights yet
            state["weights"] = None
        state["trainable"] = [bool(getattr(obj, "trainable", True))] + [bool(getattr(layer, "trainable", True))
                                                                        for layer in _layers(obj)]
        try:
            state["layers"] = [id(layer) for layer in list(getattr(obj, "layers", None) or [])]
        except Exception:  # noqa: BLE001 - an object whose layers cannot be listed has none to keep
            state["layers"] = []
        state["compiled"] = bool(getattr(obj, "compiled", False))
        optimizer = getattr(obj, "optimizer", None)
        state["optimizer"] = id(optimizer) if optimizer is not None else None
        steps = getattr(optimizer, "iterations", None)
        try:
            state["steps"] = int(steps.numpy() if hasattr(steps, "numpy") else steps) if steps is not None else None
        except (TypeError, ValueError):
            state["steps"] = None
    elif hasattr(obj, "shape") and hasattr(obj, "dtype"):
        try:
            state["values"] = _digest_arrays([obj])
        except Exception:  # noqa: BLE001
            pass
    elif isinstance(obj, os.PathLike):
        state["path"] = os.fspath(obj)
        state["files"] = folder_listing(obj)
    return state


def changes(name: str, before: Mapping[str, Any], after: Mapping[str, Any], *, allowed: Collection[str] = (),
            itself: bool = False, only: Sequence[str] | None = None) -> list[str]:
    """What happened to the given object ``name`` between two fingerprints, in the student's terms
    (empty: nothing). The first of them is the one to fix. ``only``: the aspects to compare
    (``weights``: trained again or weights set, ``compile``, ``trainable``); None: all of them. Two aspects
    are only compared when named: ``first_layer`` (a model the task repairs in place keeps its own first
    layer object) and ``folder`` (a folder the task writes into: nothing but the name assigned again counts).

    ``allowed``: changes the task itself asks for (``"compiled"``: "compile ``name`` again"), not reported.
    ``itself``: the task works with the given object itself (compiles it, calls it in a new model) rather
    than on a new object: the advice leaves out "work on a new object".

    Example:
        >>> changes("base", {"id": 1, "steps": 3}, {"id": 1, "steps": 5})[0].split(":")[0]
        'the given `base` was trained again (its optimizer took 2 more steps)'
    """
    if itself:
        keep = f"leave the given `{name}` as the notebook made it" + (", apart from what the task asks" if allowed
                                                                      else "")
        again = (f"your code assigned `{name}` again, and the task needs the notebook's own `{name}`: give your "
                 "own objects other names")
    else:
        keep = f"leave the given `{name}` as the notebook made it and work on a new object"
        again = f"your code assigned `{name}` again. Give your own object another name and {keep}"
    if before.get("id") != after.get("id"):
        return [f"`{name}` now names another object than the one the notebook gave: {again}"]
    found = []
    aspects = set(only) if only is not None else {"weights", "compile", "trainable"}
    steps_before, steps_after = before.get("steps"), after.get("steps")
    if "compiled" in allowed:
        aspects.discard("compile")
    if steps_before is None and before.get("optimizer") is None:
        steps_before = 0  # not compiled before: any step its new optimizer took is training
    if "weights" in aspects and steps_before is not None and steps_after is not None and steps_after > steps_before:
        found.append(f"the given `{name}` was trained again (its optimizer took {steps_after - steps_before} more "
                     f"steps): {keep}")
    if "compile" in aspects and (before.get("optimizer") != after.get("optimizer")
                                 or before.get("compiled") != after.get("compiled")):
        found.append(f"the given `{name}` was compiled again: {keep}")
    if "trainable" in aspects and before.get("trainable") != after.get("trainable"):
        old, new = before.get("trainable") or [], after.get("trainable") or []
        how = "unfrozen" if sum(new) > sum(old) else "frozen" if sum(new) < sum(old) else "frozen and unfrozen"
        found.append(f"layers of the given `{name}` were {how} (their trainable flags changed): {keep}, e.g. "
                     "set trainable on the layers of your new model only")
    if "first_layer" in aspects and before.get("layers"):
        layers_now = after.get("layers") or []
        if not layers_now or layers_now[0] != before["layers"][0]:
            how = "removed" if before["layers"][0] not in layers_now else "moved"
            found.append(f"the given `{name}`'s own first layer is missing from its start now ({how}; a new layer of "
                         "the same kind is not it): keep that very layer, and remove only the layers after it")
    if not found and "weights" in aspects and before.get("weights") != after.get("weights"):
        found.append(f"the weights of the given `{name}` changed (trained, or set with set_weights or through a "
                     f"layer it shares with your model): {keep}")
    if not found and before.get("values") != after.get("values"):
        found.append(f"the values of the given `{name}` changed: {keep}")
    return found


_DONE_TO = {"weights": "changed the weights of", "compile": "compiled again", "trainable": "froze or unfroze layers of"}


def argument_changes(function: str, name: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> str | None:
    """What a student's function did to the model it was given (``before`` / ``after``: its fingerprints around
    the call), in the student's terms; None when it left it as it was.

    Example:
        >>> argument_changes("round_trip", "model", {"id": 1, "compiled": False}, {"id": 1, "compiled": True})
        'round_trip compiled again the `model` it is given: a function should leave the model it gets as it was'
    """
    for aspect, done in _DONE_TO.items():
        if changes(name, before, after, only=(aspect,)):
            return f"{function} {done} the `{name}` it is given: a function should leave the model it gets as it was"
    return None



# --------------------------------------------------------------------------- one judgement, kernel and re-check

def observed(answer: Any, given: Mapping[str, Any], before: Mapping[str, Mapping[str, Any]],
             keep: Sequence[str], names: Sequence[str]) -> dict[str, Any]:
    """Plain data (JSON) of what :func:`problem` judges: the answer's identity, the identities of the given
    objects ``names``, and for each kept object of ``keep`` that the hook saw before the answer cell its
    fingerprint then and now. The grade cell writes it into the answer record (``kit["given"]``), so the
    trusted re-check judges the same data with the same function.

    Example::

        observed(model, {"base": base}, session.given_before("seq07_new_head"), ("base",), ("base",))
    """
    return {"answer": id(answer) if answer is not None else None,
            "ids": {name: id(given[name]) for name in names if name in given},
            "kept": {name: {"before": dict(before[name]), "after": fingerprint(given[name])}
                     for name in keep if name in before and name in given}}


def problem(variable: str, data: Any, keep: Sequence[str], new_object: bool,
            allowed: Collection[str] = (), aspects: Mapping[str, Sequence[str]] | None = None) -> str | None:
    """The first given-object problem in :func:`observed` data, in the student's terms (None: none).

    The kernel's grade cell and the trusted re-check both call this; in the re-check ``data`` comes from the
    untrusted record, so anything malformed counts as no finding: a record can only add a problem the
    kernel also found, never vouch for an answer (a forged "unchanged" is what a missing record already says).
    ``allowed``: what the task itself does to the kept objects (``Exercise.given_may_change``); where the task asks
    for no new object, the advice is to leave the given one as it was; ``aspects``: the aspects kept of
    each object where the task keeps only some (``Exercise.keep_aspects``; see :func:`changes`).

    Example:
        >>> problem("model", {"answer": 7, "ids": {"base": 7}, "kept": {}}, (), True).split(":")[0]
        '`model` is the given `base` itself, not a new object'
    """
    if not isinstance(data, Mapping):
        return None
    try:
        ids, kept, answer = data.get("ids") or {}, data.get("kept") or {}, data.get("answer")
        if new_object and isinstance(answer, int) and isinstance(ids, Mapping):
            for name, ident in ids.items():
                if ident == answer:
                    return (f"`{variable}` is the given `{name}` itself, not a new object: the task asks for a new "
                            f"one. Make it in your answer cell and leave `{name}` as it is")
        for name in keep:
            pair = kept.get(name) if isinstance(kept, Mapping) else None
            if isinstance(pair, Mapping) and isinstance(pair.get("before"), Mapping) \
                    and isinstance(pair.get("after"), Mapping):
                found = changes(name, pair["before"], pair["after"], allowed=allowed, itself=not new_object,
                                only=(aspects or {}).get(name))
                if found:
                    return found[0]
    except (TypeError, ValueError, AttributeError):
        return None
    return None
