"""The exercise verdicts a saved notebook already shows, read without running it.

A check or grade cell leaves its verdict in the notebook's outputs. This module
reads them back from the ``.ipynb`` file (no kernel, no Keras import), for the
student's progress view (:func:`kitlib.lab.course_map`) and anyone else who
needs to know what a saved notebook passes.

Outputs understood (newest format first):

- a display with ``application/vnd.kitlib.feedback+json``:
  ``{"exercise": id, "title": ..., "status": "passed" | "not yet" | "not attempted", "problems": [...]}``;
- the HTML of a displayed ``Feedback`` (``<div class='kit-feedback' data-status='...'>``), the
  exercise taken from the cell (its nbgrader ``<id>_test`` grade id, or ``check("<id>", ...)`` /
  ``grade("<id>", ...)`` in its source);
- a grade cell's printed "✔ <title>: passed" and its ``ExerciseNotPassed`` error ("✘ ..." / "○ ...").

When several cells judged the same exercise, the one run last (highest execution count) counts.

Example::

    from kitlib.verdicts import notebook_progress
    progress = notebook_progress("student/sequential_model/02_creating_a_model.ipynb")
    [(e.exercise, e.status) for e in progress.exercises]   # [('seq02_new_head', 'passed'), ...]
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

FEEDBACK_MIME = "application/vnd.kitlib.feedback+json"
STATUSES = ("passed", "not yet", "not attempted")
NOT_CHECKED = "not checked"  # an exercise whose check never ran in the saved notebook

_CALL = re.compile(r"""\b(?:check|grade)\(\s*["']([a-z][a-z0-9_]*)["']""")
_HTML_STATUS = re.compile(r"""class=['"]kit-feedback['"][^>]*data-status=['"]([a-z ]+)['"]""")
_HTML_HEAD = re.compile(r"<b[^>]*>(.*?)</b>", re.S)
_SYMBOLS = {"✔": "passed", "✘": "not yet", "○": "not attempted"}


@dataclass
class Verdict:
    """One exercise's saved verdict: ``status`` is one of :data:`STATUSES` or :data:`NOT_CHECKED`."""

    exercise: str
    status: str = NOT_CHECKED
    title: str = ""
    heading: str = ""  # the notebook's last Markdown heading before the exercise ("Exercise 1 · ...")
    problems: list = field(default_factory=list)
    order: tuple = (-1, -1)  # (execution count, cell index) of the output that decided it

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def label(self) -> str:
        """What to call the exercise: its heading in the notebook, else its title, else its id."""
        return self.heading or self.title or self.exercise


@dataclass
class NotebookProgress:
    """The verdicts of one notebook, exercises in the order they appear."""

    path: Path
    exercises: list[Verdict] = field(default_factory=list)
    error: str = ""  # why the file could not be read ("" when it was)

    @property
    def passed(self) -> int:
        return sum(v.passed for v in self.exercises)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _cell_exercise(cell: dict) -> str | None:
    grade_id = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id") or ""
    if grade_id.endswith("_test"):
        return grade_id[: -len("_test")]
    found = _CALL.search(_text(cell.get("source")))
    return found.group(1) if found else None


def _title_from_line(line: str) -> str:
    """'✔ Remove the head: passed. Well done!' -> 'Remove the head'."""
    line = line.strip()
    if line[:1] in _SYMBOLS:
        line = line[1:].strip()
    return line.split(": ")[0].strip() if ": " in line else line


def _status_from_line(line: str) -> str | None:
    line = line.strip()
    return _SYMBOLS.get(line[:1])


def feedback_record(output: dict) -> dict | None:
    """The ``application/vnd.kitlib.feedback+json`` record of one output (a dict), or None when the
    output has none (or an unreadable one). The one reader of that format, for the student's progress
    view here and for the teacher's report (:mod:`kitlib.grading.messages`).

    Example:
        >>> feedback_record({"output_type": "display_data", "data": {FEEDBACK_MIME: {"status": "passed"}}})
        {'status': 'passed'}
    """
    if output.get("output_type") not in ("display_data", "execute_result"):
        return None
    record = (output.get("data") or {}).get(FEEDBACK_MIME)
    if isinstance(record, str):
        try:
            record = json.loads(record)
        except ValueError:
            return None
    return record if isinstance(record, dict) else None


def output_verdicts(cell: dict) -> list[tuple[str, str, str, list]]:
    """``(exercise, status, title, problems)`` for every verdict among one cell's outputs."""
    found = []
    default = _cell_exercise(cell)
    for output in cell.get("outputs") or []:
        kind = output.get("output_type")
        data = output.get("data") or {}
        if kind in ("display_data", "execute_result") and FEEDBACK_MIME in data:
            record = feedback_record(output)
            if record is not None and record.get("status") in STATUSES and (record.get("exercise") or default):
                found.append((record.get("exercise") or default, record["status"], str(record.get("title") or ""),
                              [str(p) for p in record.get("problems") or []]))
            continue
        if default is None:
            continue
        if kind in ("display_data", "execute_result") and "text/html" in data:
            markup = _text(data["text/html"])
            status = _HTML_STATUS.search(markup)
            if status and status.group(1) in STATUSES:
                head = _HTML_HEAD.search(markup)
                title = _title_from_line(html.unescape(re.sub("<[^>]+>", "", head.group(1)))) if head else ""
                found.append((default, status.group(1), title, []))
        elif kind == "stream" and output.get("name") == "stdout":
            for line in _text(output.get("text")).splitlines():
                if _status_from_line(line) == "passed":
                    found.append((default, "passed", _title_from_line(line), []))
        elif kind == "error" and output.get("ename") == "ExerciseNotPassed":
            lines = _text(output.get("evalue")).splitlines() or [""]
            status = _status_from_line(lines[0])
            if status:
                problems = [line.strip().lstrip("- ").strip() for line in lines[1:] if line.strip()]
                found.append((default, status, _title_from_line(lines[0]), problems))
    return found


def notebook_progress(path) -> NotebookProgress:
    """The saved verdict of every exercise of the notebook at ``path`` (a graded exercise whose
    check never ran is listed as :data:`NOT_CHECKED`). An unreadable file gives ``error``, never raises."""
    path = Path(path)
    progress = NotebookProgress(path)
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells") or []
    except (OSError, ValueError, AttributeError) as error:
        progress.error = f"{type(error).__name__}: {error}"
        return progress
    verdicts: dict[str, Verdict] = {}
    heading = ""
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            continue
        if cell.get("cell_type") == "markdown":
            heads = [line.lstrip("#").strip() for line in _text(cell.get("source")).splitlines()
                     if line.startswith("#")]
            heading = heads[-1] if heads else heading
            continue
        if cell.get("cell_type") != "code":
            continue
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if meta.get("grade") and str(meta.get("grade_id", "")).endswith("_test"):
            exercise = meta["grade_id"][: -len("_test")]
            verdicts.setdefault(exercise, Verdict(exercise, heading=heading if "xercise" in heading else ""))
        count = cell.get("execution_count") or 0
        for exercise, status, title, problems in output_verdicts(cell):
            verdict = verdicts.setdefault(exercise, Verdict(exercise, heading=heading if "xercise" in heading else ""))
            if (count, index) >= verdict.order:
                verdict.status, verdict.problems, verdict.order = status, problems, (count, index)
                verdict.title = title or verdict.title
    progress.exercises = list(verdicts.values())
    return progress
