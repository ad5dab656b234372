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


def generate_feedback(course_dir: Path, assignment: str, worker=None) -> list[Path]:
    """Feedback HTML for every graded student of ``assignment``; returns the files."""
    course_dir = Path(course_dir)
    preprocessors = ('["nbgrader.preprocessors.GetGrades", "kitlib.grading.feedback.HideHiddenTests", '
                     '"nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]')
    argv = [assignment, "--force", *Course(course_dir).nbgrader_args(), f"--GenerateFeedback.preprocessors={preprocessors}"]
    rc, text = run_app_output(worker, "generate_feedback", argv, course_dir, course_dir / ".kit-feedback.log")
    files = sorted((course_dir / "feedback").glob(f"*/{assignment}/*.html"))
    if rc != 0:
        tail = [l for l in text.splitlines() if "ERROR" in l][-3:]
        print(f"kit grade: warning: nbgrader generate_feedback reported errors: {' | '.join(tail)}", flush=True)
    for path in files:
        if BEGIN_HIDDEN in path.read_text(encoding="utf-8", errors="replace"):
            path.unlink()
            raise RuntimeError(f"{path} still contained hidden tests and was deleted")
    return files
