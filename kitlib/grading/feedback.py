"""Student feedback HTML without the hidden tests (works around jupyter/nbgrader#917).

``nbgrader generate_feedback`` is run with one extra preprocessor,
:class:`HideHiddenTests`, which removes the ``### BEGIN/END HIDDEN TESTS``
regions from grade cells and replaces the error tracebacks of grade cells by
their one-line message (an IPython traceback quotes the failing source line,
which may be a hidden test). The generated HTML is then checked once more.

Example::

    generate_feedback(Path("course"), "sequential_model")
    # course/feedback/<student>/sequential_model/<notebook>.html
"""
from __future__ import annotations

from pathlib import Path

from nbconvert.preprocessors import Preprocessor

from kitlib.grading.course import Course
from kitlib.grading.notebook import BEGIN_HIDDEN, END_HIDDEN, hidden_lines, strip_regions  # noqa: F401
from kitlib.grading.worker import run_app_output


class HideHiddenTests(Preprocessor):
    """Strip hidden tests from grade cells, and any trace of their source from the outputs."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.enabled = True  # nbconvert preprocessors are off unless enabled

    def preprocess_cell(self, cell, resources, index):
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if cell.get("cell_type") != "code" or not meta.get("grade"):
            return cell, resources
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        secret = hidden_lines(source)
        cell.source = strip_regions(source, BEGIN_HIDDEN, END_HIDDEN).rstrip("\n")
        public = {l.strip() for l in cell.source.splitlines()}
        secret = [l for l in secret if l not in public]
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
            if output.get("output_type") == "stream" and secret:
                output["text"] = "\n".join(l for l in output.get("text", "").splitlines()
                                           if not any(s in l for s in secret))
        return cell, resources


FEEDBACK_MARKERS = (BEGIN_HIDDEN, END_HIDDEN)
MAX_FEEDBACK_BYTES = 256 * 2**20


def generate_feedback(course_dir: Path, assignment: str, worker=None, students=None) -> dict[str, list[str]]:
    """Feedback HTML for every graded student of ``assignment``; returns report lines per student
    whose feedback is missing or was withheld (empty: everyone has theirs).

    Each file is checked once more: one that still shows a hidden-test marker (a student can
    print one) is deleted and named in that student's lines; the others stay."""
    course = Course(Path(course_dir))
    preprocessors = ('["nbgrader.preprocessors.GetGrades", "kitlib.grading.feedback.HideHiddenTests", '
                     '"nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]')
    argv = [assignment, "--force", *course.nbgrader_args(), f"--GenerateFeedback.preprocessors={preprocessors}"]
    rc, text = run_app_output(worker, "generate_feedback", argv, course.root, course.root / ".kit-feedback.log")
    errors = [line for line in text.splitlines() if "ERROR" in line][-3:]
    if rc != 0:
        print(f"kit grade: warning: nbgrader generate_feedback reported errors: {' | '.join(errors)}", flush=True)
    problems: dict[str, list[str]] = {}
    for student in students if students is not None else sorted(p.name for p in (course.root / "feedback").glob("*")):
        folder = course.feedback_dir(student, assignment)
        files = sorted(folder.glob("*.html")) if folder.is_dir() and not folder.is_symlink() else []
        if not files:
            problems.setdefault(student, []).append(
                "no feedback was generated for this submission" + (f" (nbgrader: {errors[-1][:200]})" if errors else ""))
            continue
        for path in files:
            why = _leak(path)
            if why:
                path.unlink()
                problems.setdefault(student, []).append(f"feedback {path.name} was withheld: {why}")
    return problems


def _leak(path: Path) -> str | None:
    """Why a feedback file must not be handed out (None: it may)."""
    import os

    from kitlib.grading import safefs

    try:
        fd = safefs.open_dir(path.parent)
        try:
            data = safefs.read_regular(fd, path.name, MAX_FEEDBACK_BYTES, allow_links=True)
        finally:
            os.close(fd)
    except (safefs.Refused, OSError) as error:
        return f"it could not be checked ({error})"
    text = data.decode("utf-8", errors="replace")
    for marker in FEEDBACK_MARKERS:
        if marker in text:
            return f"it contained the hidden-test marker {marker!r} (printed by the notebook, or a cell lost its nbgrader metadata)"
    return None
