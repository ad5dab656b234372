"""Recognise a stale answer: the answer cell raised, so its variable still holds an earlier value.

``kitlib.setup()`` registers :func:`after_cell` as an IPython ``post_run_cell``
hook. After each cell it notes which top-level names the cell assigns; when
the cell raised (or did not even compile), those names are marked stale with
the error, until a later cell assigns them without an error. ``grade`` and
``check`` then say "your answer cell raised ... the last time it ran" instead
of judging a value the student never wrote.

It also recognises a *call slip*: a cell that ran without an error but assigned a variable the
value of a method that returns something else than the object, ``model = model.compile(...)``
(``compile``, ``add``, ``summary`` return None) or ``model = model.fit(...)`` (a History): a
``pre_run_cell`` hook notes the type of the object the method is called on, ``post_run_cell`` what
the variable holds afterwards, and :func:`slip_of` turns that into a message naming the method, so a
check never calls such an answer "not attempted" or judges a History as a model.

Example::

    from kitlib.exercises import session
    session.install()                 # done by kitlib.setup()
    session.failure_of("model")       # 'NameError: name 'modle' is not defined' or None
    session.slip_of("model", None)    # '`model.compile(...)` returns None, so `model` is None ...' or None
"""
from __future__ import annotations

import ast
import hashlib
import re
from typing import Any, Callable, Iterable

_FAILED: dict[str, str] = {}
_EXPLAINED: dict[str, str] = {}
_SLIPS: dict[str, dict] = {}  # variable -> the method call whose result it holds (see slip_of)
_RECEIVERS: dict[str, type] = {}  # receiver name -> its type before the cell ran
_GIVEN_BEFORE: dict[str, dict] = {}  # exercise id -> {"cell": which cell, "state": {kept name: fingerprint}}
_ASSIGN = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:,\s*[A-Za-z_]\w*\s*)*(?::[^=]*)?=(?!=)", re.M)


def failure_of(name: str) -> str | None:
    """'<Error>: <first line>' when the last cell that assigns ``name`` raised, else None."""
    return _FAILED.get(name)


def explanation_of(name: str) -> str:
    """The kit's plain-words explanation of that error (kitlib.diagnose), or ''."""
    return _EXPLAINED.get(name, "") if name in _FAILED else ""


def assigned_names(source: str) -> set[str]:
    """Top-level names a cell binds (assignments, for/with targets, def/class, imports).

    Example:
        >>> sorted(assigned_names("model = None\\nfor layer in model.layers:\\n    x = 1\\ndef f(): pass"))
        ['f', 'layer', 'model', 'x']
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {m.group(1) for m in _ASSIGN.finditer(source)} | _tuple_targets(source)
    names: set[str] = set()

    def targets(node):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for elt in node.elts:
                targets(elt)
        elif isinstance(node, ast.Starred):
            targets(node.value)

    def visit(body):
        for node in body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    targets(target)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets(node.target)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                targets(node.target)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        targets(item.optional_vars)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    names.add((alias.asname or alias.name).split(".")[0])
            for attr in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, attr, None)
                if isinstance(inner, list) and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                     ast.ClassDef)):
                    visit(inner)

    visit(tree.body)
    return names


def call_assignments(source: str) -> dict[str, tuple[str, str | None, str]]:
    """``{name: (method, receiver name or None, call as written)}`` for each top-level ``name = x.method(...)``
    that is the last top-level assignment of ``name`` in the cell.

    Example:
        >>> call_assignments("model = keras.Sequential()\\nmodel = model.compile(loss='mse')")
        {'model': ('compile', 'model', 'model.compile(...)')}
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    found: dict[str, tuple[str, str | None, str]] = {}
    for node in tree.body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)):
            for name in assigned_names(ast.unparse(node)) if not isinstance(node, ast.Expr) else ():
                found.pop(name, None)
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value
        for target in targets:
            if not isinstance(target, ast.Name):
                for name in assigned_names(ast.unparse(target) + " = None"):
                    found.pop(name, None)
                continue
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
                receiver = value.func.value
                written = ast.unparse(receiver)
                shown = f"{written}.{value.func.attr}(...)" if len(written) <= 30 else f"{value.func.attr}()"
                found[target.id] = (value.func.attr, receiver.id if isinstance(receiver, ast.Name) else None, shown)
            else:
                found.pop(target.id, None)
    return found


def slip_of(name: str | None, value) -> str | None:
    """The message for a variable that holds what a method returned instead of the object it was
    called on (see the module docstring), when ``value`` is that result; else None."""
    if not name or name not in _SLIPS:
        return None
    slip = _SLIPS[name]
    if slip["id"] != id(value) or (slip["result"] == "None") != (value is None):
        return None
    method, shown, receiver = slip["method"], slip["shown"], slip["receiver"]
    if value is None:
        what = f"{shown} returns None, so `{name}` is None"
        if receiver == name and slip["before"]:
            what += f", not your {slip['before']}"
        fix = f"call {shown} on its own line, without `{name} =`" if receiver == name else \
            f"call {shown} on its own line and give `{name}` the value the task asks for"
        return f"{what}: {fix}"
    return (f"{shown} returns a {slip['result']}, not the {slip['before'] or 'object'} it is called on, so `{name}` "
            f"now holds that {slip['result']}: call {shown} on its own line, without `{name} =`")


def before_cell(info=None, namespace=None) -> None:
    """The ``pre_run_cell`` hook: note the type of each object a method is called on and assigned from,
    and fingerprint the given objects an exercise keeps before its answer cell first runs."""
    source = _source(getattr(info, "raw_cell", None) or "")
    namespace = _namespace(namespace)
    _RECEIVERS.clear()
    try:
        for _method, receiver, _shown in call_assignments(source).values():
            if receiver and receiver in namespace:
                _RECEIVERS[receiver] = type(namespace[receiver])
        cell = getattr(info, "cell_id", None) or hashlib.sha1(source.encode("utf-8")).hexdigest()
        _snapshot_given(assigned_names(source), namespace, cell)
    except Exception:  # noqa: BLE001 - a better message is a bonus, never a new failure in the student's kernel
        pass


_EXERCISES: Callable[[], Iterable[Any]] = tuple  # the course's exercises; kitlib.exercises.core hands its registry in


def use_exercises(all_exercises: Callable[[], Iterable[Any]]) -> None:
    """Where the hooks find the course's exercises (``core`` calls this with ``REGISTRY.all``, so that this
    module never imports ``core``: the import graph stays one-way)."""
    global _EXERCISES
    _EXERCISES = all_exercises


def given_before(exercise_id: str) -> dict[str, dict]:
    """``{name: fingerprint}`` of the given objects ``exercise_id`` keeps, taken before its answer cell first
    ran ({} when the hook has not seen it run)."""
    return (_GIVEN_BEFORE.get(exercise_id) or {}).get("state", {})


def _watched() -> dict[str, list]:
    """``{answer variable: [exercises that keep given objects]}`` (a pass over the loaded registry)."""
    watched: dict[str, list] = {}
    for exercise in _EXERCISES():
        if exercise.keep_given and exercise.variable:
            watched.setdefault(exercise.variable, []).append(exercise)
    return watched


def _snapshot_given(names: set[str], namespace, cell: str) -> None:
    """Before a cell that assigns an exercise's variable runs: fingerprint the kept objects, unless this is
    the same cell running again (``cell``: Jupyter's cell id, else a digest of the source), whose first
    snapshot stays. The last cell that assigns the variable before the grade cell is the answer cell."""
    if not names:
        return
    from kitlib.exercises.given_state import fingerprint

    watched = _watched()
    for variable in names & set(watched):
        for exercise in watched[variable]:
            if (_GIVEN_BEFORE.get(exercise.id) or {}).get("cell") != cell:
                _GIVEN_BEFORE[exercise.id] = {"cell": cell, "state": {
                    name: fingerprint(namespace[name]) for name in exercise.keep_given if name in namespace}}


def _forget_given(names: set[str]) -> None:
    """A cell that makes a kept given object again (and is no answer cell of that exercise) starts afresh."""
    if not names or not _GIVEN_BEFORE:
        return
    for exercises in _watched().values():
        for exercise in exercises:
            if exercise.variable not in names and names & set(exercise.keep_given):
                _GIVEN_BEFORE.pop(exercise.id, None)


def _note_slips(source: str, namespace) -> None:
    for name, (method, receiver, shown) in call_assignments(source).items():
        if name not in namespace:
            continue
        value = namespace[name]
        # The receiver's type before the cell, when the receiver existed then and has that method (it was
        # called on it): a name defined again inside the cell has no earlier type worth naming.
        earlier = _RECEIVERS.get(receiver or "")
        before = earlier.__name__ if earlier is not None and hasattr(earlier, method) else ""
        result = "None" if value is None else type(value).__name__
        # Established, not guessed: None, or `x = x.method()` left x without the very method it was called with.
        if value is None or (receiver == name and not hasattr(value, method)):
            _SLIPS[name] = {"method": method, "receiver": receiver, "shown": f"`{shown}`", "before": before,
                            "result": result, "id": id(value)}


def _source(raw: str) -> str:
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            return shell.transform_cell(raw)
    except Exception:  # noqa: BLE001 - plain source is good enough
        pass
    return raw


def _namespace(namespace=None):
    if namespace is not None:
        return namespace
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover
        return {}
    return getattr(shell, "user_ns", None) or {}


def _tuple_targets(source: str) -> set[str]:
    names = set()
    for line in source.splitlines():
        head = line.split("=", 1)[0] if "=" in line and "==" not in line else ""
        if "," in head:
            names |= {part.strip() for part in head.split(",") if part.strip().isidentifier()}
    return names


def _summary(error: BaseException) -> str:
    from kitlib.exercises.text import error_summary

    return error_summary(error, limit=200)


def after_cell(result, namespace=None) -> None:
    """The ``post_run_cell`` hook: remember which names the cell left stale (see module docstring)."""
    info = getattr(result, "info", None)
    source = _source(getattr(info, "raw_cell", None) or "")
    names = assigned_names(source)
    try:
        _forget_given(names)
    except Exception:  # noqa: BLE001 - never a new failure in the student's kernel
        pass
    error = getattr(result, "error_before_exec", None) or getattr(result, "error_in_exec", None)
    if error is None:
        for name in names:
            _FAILED.pop(name, None)
            _SLIPS.pop(name, None)
        try:
            _note_slips(source, _namespace(namespace))
        except Exception:  # noqa: BLE001 - a better message is a bonus, never a new failure
            pass
        return
    if type(error).__name__ == "ExerciseNotPassed":
        return  # a grade cell that did not pass under nbgrader: its names are not answers
    summary = _summary(error)
    try:
        from kitlib.exercises.text import explain_error as _explain

        explained = _explain(error)
    except Exception:  # noqa: BLE001 - an explanation is a bonus, never a new failure in the student's kernel
        explained = ""
    for name in names:
        _FAILED[name] = summary
        _EXPLAINED[name] = explained


def install(shell=None) -> bool:
    """Register the hook on the running IPython (once); False outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    shell = shell or get_ipython()
    if shell is None:
        return False
    for event, hook in (("pre_run_cell", before_cell), ("post_run_cell", after_cell)):
        for callback in list(shell.events.callbacks.get(event, [])):
            if getattr(callback, "__name__", "") == hook.__name__ and getattr(callback, "__module__", "") == __name__:
                shell.events.unregister(event, callback)
        shell.events.register(event, hook)
    return True


def reset() -> None:
    """Forget every failure and call slip (tests)."""
    _FAILED.clear()
    _EXPLAINED.clear()
    _SLIPS.clear()
    _RECEIVERS.clear()
    _GIVEN_BEFORE.clear()
