"""Notebook cells as nbgrader sees them: markers, marked regions, cell metadata, outputs.

One home for what release, sanitize, feedback and the submission pipeline all need:
the ``### BEGIN/END SOLUTION`` and ``### BEGIN/END HIDDEN TESTS`` markers, the text
between them, a cell's nbgrader metadata and ``grade_id``, its source as one string
and the text of its outputs; and :func:`parse_notebook`, which turns untrusted bytes
into a notebook or a plain reason why they are not one.

Example:
    >>> regions("a\\n### BEGIN SOLUTION\\nx = 1\\n### END SOLUTION\\n", BEGIN_SOLUTION, END_SOLUTION)
    ['x = 1']
    >>> grade_id({"metadata": {"nbgrader": {"grade_id": "ex1_test"}}})
    'ex1_test'
"""
from __future__ import annotations

import ast
import copy
import json

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN)

MAX_NOTEBOOK_BYTES = 200 * 1024 * 1024


def cell_source(cell) -> str:
    """A cell's source as one string (nbformat allows a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def nbgrader_meta(cell) -> dict:
    """The cell's ``metadata.nbgrader`` (empty dict when absent or malformed)."""
    meta = cell.get("metadata") or {}
    value = meta.get("nbgrader") if isinstance(meta, dict) else None
    return value if isinstance(value, dict) else {}


def grade_id(cell) -> str | None:
    """The cell's nbgrader ``grade_id`` (None when absent or not a non-empty string)."""
    gid = nbgrader_meta(cell).get("grade_id")
    return gid if isinstance(gid, str) and gid else None


def regions(source: str, begin: str, end: str) -> list[str]:
    """The text between ``begin`` and ``end`` marker lines (markers excluded)."""
    found, inside, current = [], False, []
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(begin):
            inside, current = True, []
        elif stripped.startswith(end) and inside:
            inside = False
            found.append("\n".join(current))
        elif inside:
            current.append(line)
    if inside:
        found.append("\n".join(current))
    return found


def strip_regions(source: str, begin: str, end: str) -> str:
    """``source`` without the marked regions (and without the marker lines)."""
    out, inside = [], False
    for line in source.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith(begin):
            inside = True
        elif stripped.startswith(end) and inside:
            inside = False
        elif not inside:
            out.append(line)
    return "".join(out)


def hidden_lines(source: str) -> list[str]:
    """Non-trivial lines inside the hidden-test regions of ``source``."""
    lines = []
    for region in regions(source, BEGIN_HIDDEN, END_HIDDEN):
        lines += [line.strip() for line in region.splitlines()
                  if line.strip() and not line.strip().startswith("#")]
    return lines


def _grade_calls(source: str) -> list[ast.Call] | None:
    """The statements of ``source`` as ``grade(...)`` calls; None when one is anything else (or no Python)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    calls = []
    for statement in tree.body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        func = call.func if isinstance(call, ast.Call) else None
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name != "grade":
            return None
        calls.append(call)
    return calls


def _call_key(call: ast.Call) -> str:
    """A grade() call's arguments without ``hidden=...``, as comparable text."""
    keywords = sorted((k for k in call.keywords if k.arg != "hidden"), key=lambda k: str(k.arg))
    return ast.dump(ast.Call(func=ast.Name("grade"), args=call.args, keywords=keywords))


def public_grade_source(source: str) -> str | None:
    r"""The grade cell's source without its hidden-test regions, when ``kit grade`` loses nothing by that.

    ``kit grade`` never lets the hidden-test source reach the student's kernel: the kernel gets this
    version, and each visible ``grade(id, answer, ...)`` call makes the hidden part's record itself
    (:func:`kitlib.exercises.core.grade` under ``KIT_HIDDEN_PART=visible``), judged by the trusted
    re-check with the course's hidden checks. That holds when every hidden statement is one of the
    visible ``grade(...)`` calls with ``hidden=True`` added (the form course/AUTHORING.md gives);
    None for any other hidden code (it must run in the kernel: the caller keeps it and says so),
    and ``source`` itself when it has no hidden region.

    Example:
        >>> public_grade_source('grade("a", x)\n### BEGIN HIDDEN TESTS\ngrade("a", x, hidden=True)\n'
        ...                     '### END HIDDEN TESTS\n')
        'grade("a", x)\n'
        >>> public_grade_source('grade("a", x)\n### BEGIN HIDDEN TESTS\nassert x == 5\n### END HIDDEN TESTS\n')
    """
    if not any(line.strip().startswith(BEGIN_HIDDEN) for line in source.splitlines()):
        return source
    public = strip_regions(source, BEGIN_HIDDEN, END_HIDDEN)
    hidden = _grade_calls("\n".join(regions(source, BEGIN_HIDDEN, END_HIDDEN)))
    try:  # other code in the visible part is fine: only its grade() calls matter
        visible = [node for node in ast.walk(ast.parse(public)) if isinstance(node, ast.Call)
                   and getattr(node.func, "id", getattr(node.func, "attr", None)) == "grade"]
    except (SyntaxError, ValueError):
        return None
    if hidden is None:
        return None
    shown = {_call_key(call) for call in visible if not _is_hidden_call(call)}
    for call in hidden:
        if not _is_hidden_call(call) or _call_key(call) not in shown:
            return None
    return public


def _is_hidden_call(call: ast.Call) -> bool:
    return any(k.arg == "hidden" and isinstance(k.value, ast.Constant) and k.value.value is True
               for k in call.keywords)


def outputs_text(cell) -> str:
    """The stream text and error lines (``ename: evalue``) of a code cell's outputs."""
    parts = []
    for out in cell.get("outputs", []) or []:
        if not isinstance(out, dict):
            continue
        if out.get("output_type") == "stream":
            text = out.get("text", "")
            parts.append("".join(text) if isinstance(text, list) else str(text))
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
    return "\n".join(parts)


def as_cell_type(cell, cell_type: str):
    """A copy of ``cell`` with the given type and the fields nbformat requires for it."""
    import nbformat

    new = nbformat.v4.new_code_cell() if cell_type == "code" else (
        nbformat.v4.new_markdown_cell() if cell_type == "markdown" else nbformat.v4.new_raw_cell())
    new.source = cell_source(cell)
    new.metadata = copy.deepcopy(cell.get("metadata") or {})
    return new


def _check_cell_shape(cell) -> None:
    """ValueError unless ``cell`` has the shape every tool downstream relies on."""
    if not isinstance(cell, dict):
        raise ValueError("a cell is not an object")
    if cell.get("cell_type") not in ("code", "markdown", "raw"):
        raise ValueError(f"unknown cell type {str(cell.get('cell_type'))[:40]!r}")
    source = cell.get("source", "")
    if not (isinstance(source, str) or (isinstance(source, list) and all(isinstance(s, str) for s in source))):
        raise ValueError("a cell's source is not text")
    if not isinstance(cell.get("metadata", {}), dict):
        raise ValueError("a cell's metadata is not an object")
    if cell["cell_type"] == "code" and not isinstance(cell.get("outputs", []), list):
        raise ValueError("a code cell's outputs are not a list")


def parse_notebook(raw: bytes, name: str):
    """(notebook, None) for bytes that hold a gradable notebook, else (None, reason).

    Example::

        nb, why = parse_notebook(b"{ nope", "mini.ipynb")   # (None, 'mini.ipynb is not valid JSON (...)')
    """
    import nbformat

    if len(raw) > MAX_NOTEBOOK_BYTES:
        return None, f"{name} is {len(raw) // 2**20} MB: too large to be a notebook"
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        return None, f"{name} is not valid JSON ({str(error)[:80]})"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None, f"{name} is JSON but not a Jupyter notebook (no list of cells)"
    try:
        for cell in data["cells"]:
            _check_cell_shape(cell)
        nb = nbformat.reads(json.dumps(data), as_version=4)
    except Exception as error:
        return None, f"{name} is not a valid notebook ({type(error).__name__}: {str(error)[:80]})"
    return nb, None
