"""Repair what students predictably break, before nbgrader sees a notebook.

:func:`repair_notebook` compares a submitted notebook with the blank student
version (from ``nbgrader generate_assignment --no-db``) cell by cell, by
nbgrader ``grade_id``, and returns the repaired notebook plus one plain
sentence per problem for the teacher's report:

- not valid JSON / not a notebook: graded as the blank version;
- deleted graded cells: re-inserted where they belong;
- duplicated or split cells (same ``grade_id`` twice): the first keeps the id,
  the copies of answer cells stay as ordinary code, copies of locked cells go;
- retyped cells (code to markdown, ...): the original type comes back;
- edited test cells: reported here; nbgrader restores them from the gradebook.

Example::

    nb, notes = repair_notebook(Path("submitted/ana/mini/mini.ipynb"), blank_nb)
    notes   # ['grade cell mini_sum_test was deleted: restored']
"""
from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from kitlib.grading.notebook import (BEGIN_HIDDEN, END_HIDDEN, as_cell_type, cell_source, grade_id, nbgrader_meta,
                                     parse_notebook, strip_regions)

# Short names kept for the tests and callers that know them.
_meta, _grade_id, _source, _as_type = nbgrader_meta, grade_id, cell_source, as_cell_type


def read_submitted(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """(notebook, None) or (None, reason it cannot be graded as it is)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, f"{path.name} cannot be read ({error.strerror})"
    return parse_notebook(raw, path.name)


def repair_notebook(nb: nbformat.NotebookNode, blank: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, list[str]]:
    """Repaired copy of ``nb`` against the blank student version, and the notes."""
    notes: list[str] = []
    reference = {gid: cell for cell in blank.cells if (gid := _grade_id(cell))}
    order = [gid for cell in blank.cells if (gid := _grade_id(cell))]
    seen: set[str] = set()
    cells = []
    for cell in nb.cells:
        gid = _grade_id(cell)
        if gid is None:
            if "nbgrader" in (cell.get("metadata") or {}):  # forged or broken metadata: an ordinary cell
                cell = copy.deepcopy(cell)
                cell.metadata.pop("nbgrader", None)
            cells.append(cell)
            continue
        if gid not in reference:
            notes.append(f"cell with unknown grade_id {gid!r} (from another assignment?): kept as an ordinary cell")
            cell = copy.deepcopy(cell)
            cell.metadata.pop("nbgrader", None)
            cells.append(cell)
            continue
        ref = reference[gid]
        locked = bool(_meta(ref).get("locked") or _meta(ref).get("grade") and not _meta(ref).get("solution"))
        if gid in seen:
            if locked:
                notes.append(f"cell {gid} appears more than once (copied or split): the extra copy was removed")
                continue
            notes.append(f"answer cell {gid} appears more than once (copied or split): "
                         "the first copy is graded, the others run as ordinary cells")
            cell = copy.deepcopy(cell)
            cell.metadata.pop("nbgrader", None)
            cells.append(cell)
            continue
        seen.add(gid)
        if cell.cell_type != ref.cell_type:
            notes.append(f"cell {gid} was changed from {ref.cell_type} to {cell.cell_type}: changed back")
            cell = copy.deepcopy(ref) if locked else _as_type(cell, ref.cell_type)
        else:
            cell = copy.deepcopy(cell)
        public = strip_regions(_source(cell), BEGIN_HIDDEN, END_HIDDEN)  # the instructor version has them
        if _meta(ref).get("grade") and not _meta(ref).get("solution") and public.strip() != _source(ref).strip():
            notes.append(f"test cell {gid} was edited: restored from the gradebook")
        cell.metadata["nbgrader"] = copy.deepcopy(_meta(ref))
        cells.append(cell)
    for index, gid in enumerate(order):
        if gid in seen:
            continue
        kind = "grade cell" if _meta(reference[gid]).get("grade") else "cell"
        notes.append(f"{kind} {gid} was deleted: restored from the student version")
        position = 0
        for previous in reversed(order[:index]):
            hits = [i for i, c in enumerate(cells) if _grade_id(c) == previous]
            if hits:
                position = hits[0] + 1
                break
        cells.insert(position, copy.deepcopy(reference[gid]))
        seen.add(gid)
    repaired = copy.deepcopy(nb)
    repaired.cells = cells
    repaired.metadata["kernelspec"] = copy.deepcopy(blank.metadata.get("kernelspec", {}))
    return repaired, notes
