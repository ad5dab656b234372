"""Student feedback HTML without the hidden tests (works around jupyter/nbgrader#917),
without the teacher's file paths, and with long lines wrapped.

``nbgrader generate_feedback`` is run with two extra preprocessors:

- :class:`HideHiddenTests` removes the ``### BEGIN/END HIDDEN TESTS`` regions from
  grade cells and replaces the error tracebacks of grade cells by their message
  (an IPython traceback quotes the failing source line, which may be a hidden
  test); a failed check shows its friendly feedback text alone, as in the notebook;
- :class:`HideTeacherPaths` shortens every absolute path in tracebacks and
  printed output to what a student can place (``keras/src/layers/...``,
  ``json/decoder.py``), so the grader's home, virtualenv and scratch folders
  never reach a student.

The generated HTML is then checked once more for hidden tests, and gets a small
style sheet (:data:`WRAP_CSS`) so that long messages and code lines wrap at the
page's width instead of running off it (words are not broken unless one is
longer than a line).

Example::

    generate_feedback(Path("course"), "sequential_model")
    # course/feedback/<student>/sequential_model/<notebook>.html
"""
from __future__ import annotations

import re
import sys
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
            if output.get("output_type") == "error" and output.get("ename") == "ExerciseNotPassed":
                output["traceback"] = str(output.get("evalue", "")).splitlines()  # the feedback text itself
            elif output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
            if output.get("output_type") == "stream" and secret:
                output["text"] = "\n".join(l for l in output.get("text", "").splitlines()
                                           if not any(s in l for s in secret))
        return cell, resources


# An absolute path (two parts at least) at the start, after a space, quote, bracket, "=" or an ANSI colour code.
_PATH = re.compile(r"(^|[\s'\"(\[<=,]|\x1b\[[0-9;]*m)(/(?:[^\s/:'\"()\[\]<>,;\x1b]+/)+[^\s/:'\"()\[\]<>,;\x1b]+)",
                   re.MULTILINE)
_STDLIB = re.compile(r"/lib/python\d+(?:\.\d+)?/(.+)$")


def _roots() -> list[str]:
    """Folders whose inside is what a student may see of a path (longest first): the
    import path of the grader (kitlib's checkout, PYTHONPATH entries)."""
    import kitlib

    roots = {str(Path(kitlib.__file__).resolve().parent.parent)}
    roots |= {str(Path(p).resolve()) for p in sys.path if p and Path(p).is_dir()}
    return sorted((r for r in roots if r != "/"), key=len, reverse=True)


def student_path(path: str, roots: list[str] | None = None) -> str:
    """What a student sees of an absolute path on the grader's machine.

    Example:
        >>> student_path("/home/t/.venv/lib/python3.11/site-packages/keras/src/layers/core/dense.py")
        'keras/src/layers/core/dense.py'
        >>> student_path("/root/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py")
        'json/decoder.py'
        >>> student_path("/tmp/kit-grade-x1/ana-7/autograded/ana/mini/data.csv", roots=[])
        'data.csv'
    """
    for marker in ("/site-packages/", "/dist-packages/"):
        if marker in path:
            return path.split(marker, 1)[1]
    stdlib = _STDLIB.search(path)
    if stdlib:
        return stdlib.group(1)
    for root in _roots() if roots is None else roots:
        if path.startswith(root + "/"):
            return path[len(root) + 1:]
    return Path(path).name


def hide_paths(text: str, roots: list[str] | None = None) -> str:
    """``text`` with every absolute path replaced by :func:`student_path` (ANSI colours kept).

    Example:
        >>> hide_paths("File \\x1b[32m/opt/py/lib/python3.11/json/decoder.py:337\\x1b[39m, see https://x.org/a/b", [])
        'File \\x1b[32mjson/decoder.py:337\\x1b[39m, see https://x.org/a/b'
    """
    roots = _roots() if roots is None else roots
    return _PATH.sub(lambda m: m.group(1) + student_path(m.group(2), roots), text)


class HideTeacherPaths(Preprocessor):
    """Shorten the grader's absolute paths in every code cell's tracebacks and printed output."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.enabled = True
        self.roots = _roots()

    def preprocess_cell(self, cell, resources, index):
        if cell.get("cell_type") != "code":
            return cell, resources
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                output["traceback"] = [hide_paths(line, self.roots) for line in output.get("traceback", [])]
                output["evalue"] = hide_paths(str(output.get("evalue", "")), self.roots)
            elif kind == "stream":
                output["text"] = hide_paths(str(output.get("text", "")), self.roots)
        return cell, resources


WRAP_CSS = """<style id="kit-feedback-wrap">
/* kitlib: long messages and code lines wrap at the page's width; words break only when longer than a line */
div.output_area pre, div.output_subarea pre, div.input_area pre, div.highlight pre, .rendered_html pre,
.jp-OutputArea-output pre, .jp-InputArea-editor pre {
  white-space: pre-wrap; overflow-wrap: anywhere; word-break: normal;
}
.kit-feedback, .kit-feedback li { white-space: normal; overflow-wrap: anywhere; word-break: normal; }
</style>
"""


def add_wrap_css(page: str) -> str:
    """``page`` with :data:`WRAP_CSS` before ``</head>`` (once)."""
    if 'id="kit-feedback-wrap"' in page:
        return page
    at = page.lower().find("</head>")
    return page[:at] + WRAP_CSS + page[at:] if at >= 0 else WRAP_CSS + page


FEEDBACK_MARKERS = (BEGIN_HIDDEN, END_HIDDEN)
MAX_FEEDBACK_BYTES = 256 * 2**20


def generate_feedback(course_dir: Path, assignment: str, worker=None, students=None) -> dict[str, list[str]]:
    """Feedback HTML for every graded student of ``assignment``; returns report lines per student
    whose feedback is missing or was withheld (empty: everyone has theirs).

    Each file is checked once more: one that still shows a hidden-test marker (a student can
    print one) is deleted and named in that student's lines; the others stay."""
    course = Course(Path(course_dir))
    preprocessors = ('["nbgrader.preprocessors.GetGrades", "kitlib.grading.feedback.HideHiddenTests", '
                     '"kitlib.grading.feedback.HideTeacherPaths", "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]')
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
            why, page = _leak(path)
            if why:
                path.unlink()
                problems.setdefault(student, []).append(f"feedback {path.name} was withheld: {why}")
            else:
                path.write_text(add_wrap_css(page), encoding="utf-8")
    return problems


def _leak(path: Path) -> tuple[str | None, str]:
    """(why the feedback file must not be handed out or None, its text)."""
    import os

    from kitlib.grading import safefs

    try:
        fd = safefs.open_dir(path.parent)
        try:
            data = safefs.read_regular(fd, path.name, MAX_FEEDBACK_BYTES, allow_links=True)
        finally:
            os.close(fd)
    except (safefs.Refused, OSError) as error:
        return f"it could not be checked ({error})", ""
    text = data.decode("utf-8", errors="replace")
    for marker in FEEDBACK_MARKERS:
        if marker in text:
            return (f"it contained the hidden-test marker {marker!r} (printed by the notebook, or a cell lost "
                    "its nbgrader metadata)", text)
    return None, text
