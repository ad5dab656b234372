"""Recognise a stale answer: the answer cell raised, so its variable still holds an earlier value.

``kitlib.setup()`` registers :func:`after_cell` as an IPython ``post_run_cell``
hook. After each cell it notes which top-level names the cell assigns; when
the cell raised (or did not even compile), those names are marked stale with
the error, until a later cell assigns them without an error. ``grade`` and
``check`` then say "your answer cell raised ... the last time it ran" instead
of judging a value the student never wrote.

Example::

    from kitlib.exercises import session
    session.install()                 # done by kitlib.setup()
    session.failure_of("model")       # 'NameError: name 'modle' is not defined' or None
"""
from __future__ import annotations

import ast
import re

_FAILED: dict[str, str] = {}
_EXPLAINED: dict[str, str] = {}
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


def _tuple_targets(source: str) -> set[str]:
    names = set()
    for line in source.splitlines():
        head = line.split("=", 1)[0] if "=" in line and "==" not in line else ""
        if "," in head:
            names |= {part.strip() for part in head.split(",") if part.strip().isidentifier()}
    return names


def _summary(error: BaseException) -> str:
    from kitlib.exercises.text import clean_text

    first = (str(error).strip().splitlines() or [""])[0]
    return clean_text(f"{type(error).__name__}: {first}" if first else type(error).__name__, limit=200)


def after_cell(result) -> None:
    """The ``post_run_cell`` hook: remember which names the cell left stale (see module docstring)."""
    info = getattr(result, "info", None)
    source = getattr(info, "raw_cell", None) or ""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            source = shell.transform_cell(source)
    except Exception:  # noqa: BLE001 - plain source is good enough
        pass
    names = assigned_names(source)
    error = getattr(result, "error_before_exec", None) or getattr(result, "error_in_exec", None)
    if error is None:
        for name in names:
            _FAILED.pop(name, None)
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
    callbacks = shell.events.callbacks.get("post_run_cell", [])
    for callback in list(callbacks):
        if getattr(callback, "__name__", "") == "after_cell" and getattr(callback, "__module__", "") == __name__:
            shell.events.unregister("post_run_cell", callback)
    shell.events.register("post_run_cell", after_cell)
    return True


def reset() -> None:
    """Forget every failure (tests)."""
    _FAILED.clear()
    _EXPLAINED.clear()
