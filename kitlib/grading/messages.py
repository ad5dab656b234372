"""What a grade cell told the student, read back from a saved notebook, and which messages
are the same mistake.

A grade cell leaves its verdict in the executed notebook in one of two forms (the
contract of :mod:`kitlib.exercises`): a displayed ``Feedback`` carries a mime entry
``application/vnd.kitlib.feedback+json`` (``{"exercise", "title", "status", "problems"}``),
and a failing grade cell under nbgrader has an error output whose ``ename`` is
``ExerciseNotPassed`` and whose ``evalue`` is the feedback text. :func:`read_verdicts`
reads both (no kernel, no kitlib.exercises import); :func:`parse_feedback_text` also
reads the trusted re-check's one-line message.

Check messages read ``what: expected E, got G. Hint: H`` (``CheckFailed.text()``);
:func:`mistake_key` keeps the stable "what", so "the total: expected 5, got 4" and
"the total: expected 5, got 6" are one mistake in the teacher's report.

Example::

    nb = nbformat.read("autograded/ana/mini/mini.ipynb", as_version=4)
    read_verdicts(nb)["mini_sum_test"]   # Verdict(status='not yet', problems=['the total: expected 5, got 4. ...'])
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kitlib.grading.notebook import grade_id, nbgrader_meta
from kitlib.verdicts import FEEDBACK_MIME, feedback_record  # noqa: F401 - the format has one reader

NOT_PASSED_ERROR = "ExerciseNotPassed"
PASSED, NOT_YET, NOT_ATTEMPTED, ERROR = "passed", "not yet", "not attempted", "error"
MANUAL = "manual grading"  # set by the grader: a pass the re-check could not verify


@dataclass
class Verdict:
    """What a grade cell told the student: ``status`` is "passed", "not yet", "not attempted",
    "error" (the cell raised something else) or "" (nothing readable)."""

    status: str = ""
    problems: list[str] = field(default_factory=list)


_BULLET = re.compile(r"^\s*[-•*]\s+")
_HEAD_MARK = re.compile(r"^\s*[✘✔○✗✓×]\s*")


def parse_feedback_text(text: str) -> Verdict:
    """A verdict from the text of a :class:`kitlib.exercises.core.Feedback` (``str(feedback)``,
    the ``evalue`` of ``ExerciseNotPassed``, or the re-check's one-line message).

    Example:
        >>> parse_feedback_text("✘ Sum: not yet (1 thing to fix)\\n  - the total: expected 5, got 4").problems
        ['the total: expected 5, got 4']
    """
    text = (text or "").strip()
    if not text:
        return Verdict()
    lines = text.splitlines()
    head = _HEAD_MARK.sub("", lines[0])
    rest = lines[1:]
    if len(lines) == 1:  # the re-check joins the lines: "✘ T: not yet (2 things to fix) - a - b"
        match = re.match(r"^(.*?(?:\(\d+ things? to fix\)|first thing to fix[^:]*:))\s+-\s+(.*)$", head)
        if match:
            head = match.group(1)
            rest = ["- " + part for part in re.split(r"\s+-\s+(?=\S)", match.group(2))]
    lowered = lines[0].lower()
    if NOT_ATTEMPTED in lowered or lines[0].lstrip().startswith("○"):
        return Verdict(NOT_ATTEMPTED, [])
    if lines[0].lstrip().startswith("✔") or re.search(r":\s*passed\b", lowered):
        return Verdict(PASSED, [])
    problems: list[str] = []
    for line in rest:
        if _BULLET.match(line):
            problems.append(_BULLET.sub("", line).strip())
        elif line.strip() and problems:
            problems[-1] += " " + line.strip()
    if not problems:
        problems = [head]
    return Verdict(NOT_YET, problems)


def _problem_texts(items) -> list[str]:
    texts = []
    for item in items or []:
        if isinstance(item, dict):  # a richer problem record: keep its full text
            item = item.get("text") or item.get("message") or item.get("what") or ""
        if str(item).strip():
            texts.append(str(item).strip())
    return texts


def _verdict_from_outputs(outputs) -> Verdict:
    shown: list[Verdict] = []
    raised: Verdict | None = None
    for output in outputs or []:
        kind = output.get("output_type")
        record = feedback_record(output)
        if record is not None:
            status = str(record.get("status") or "")
            shown.append(Verdict(status, [] if status == "passed" else _problem_texts(record.get("problems"))))
        elif kind == "error" and raised is None:
            if output.get("ename") == NOT_PASSED_ERROR:
                raised = parse_feedback_text(str(output.get("evalue", "")))
            else:
                first = (str(output.get("evalue", "")).strip().splitlines() or [""])[0][:300]
                raised = Verdict(ERROR, [f"the grade cell raised {output.get('ename', 'an error')}: {first}"])
    failing = [v for v in shown if v.status not in ("passed", "")]
    if failing:
        return failing[-1]
    if raised is not None:
        return raised
    if shown:
        return shown[-1]
    return Verdict()


def _first_error(outputs) -> tuple[str, str] | None:
    for output in outputs or []:
        if output.get("output_type") == "error":
            first = (str(output.get("evalue", "")).strip().splitlines() or [""])[0][:300]
            return str(output.get("ename", "an error")), first
    return None


def read_verdicts(nb) -> dict[str, Verdict]:
    """``grade id -> Verdict`` for the grade cells of an executed (autograded) notebook.

    Reads both forms a grade cell leaves: the feedback record
    (``application/vnd.kitlib.feedback+json``, the failing one wins when both the
    visible and the hidden check displayed one) and nbgrader's error output
    (``ename`` ``ExerciseNotPassed`` with the feedback text; any other error is
    status "error"). A grade cell that printed its success only, or nothing, is
    "passed" when it has no error, as nbgrader scores it.

    When a grade cell raised something else (typically ``NameError`` for the answer
    variable), the cause is usually an error in a cell above it: the problem then names
    that error ("the answer cell raised JSONDecodeError: ...") instead of the symptom.
    """
    verdicts = {}
    cause: str | None = None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        gid = grade_id(cell)
        meta = nbgrader_meta(cell)
        outputs = cell.get("outputs") or []
        if not meta.get("grade") or gid is None:
            error = _first_error(outputs)
            if error is not None:
                where = "the answer cell" if meta.get("solution") else "a cell above the check"
                cause = f"{where} raised {error[0]}: {error[1]}"
            continue
        verdict = _verdict_from_outputs(outputs)
        if not verdict.status and outputs:
            verdict = Verdict(PASSED, [])
        if verdict.status == ERROR and cause:
            verdict = Verdict(ERROR, [cause])
        verdicts[gid] = verdict
        cause = None
    return verdicts


# --------------------------------------------------------------------- grouping


def mistake_what(problem: str) -> str:
    """The stable part of a check message: the "what" of ``what: expected E, got G. Hint: H``.

    Example:
        >>> mistake_what("number of layers: expected 3, got 4. Hint: pop one.")
        'number of layers'
    """
    what = re.split(r": expected |\. Hint: ", problem, maxsplit=1)[0]
    return what.strip().rstrip(".:") or problem.strip()


def mistake_key(problem: str) -> str:
    """Messages with the same key are the same mistake: the "what", case-folded, numbers as ``#``.

    Example:
        >>> mistake_key("Layer 2 units: expected 64, got 32") == mistake_key("layer 3 units: expected 8, got 9")
        True
    """
    what = mistake_what(problem)
    what = re.sub(r"\d+(?:[.,]\d+)*", "#", what)
    what = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", what)  # quoted names (NameError 'x', layer 'dense_3')
    return " ".join(what.casefold().split())
