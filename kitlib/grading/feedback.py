"""Student feedback HTML without the hidden tests (works around jupyter/nbgrader#917),
without the teacher's file paths, without live student markup, and with long lines wrapped.

One ``nbgrader generate_feedback --student=...`` run per submission (one failure costs one
submission); every page is then rebuilt inert (:mod:`kitlib.grading.htmlsafe`: sanitised
with nh3, a strict Content-Security-Policy), and student files a browser would open as
live pages are left out of ``feedback/``.

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

import json
import os
import re
import shutil
import sys
import threading
from pathlib import Path

from nbconvert.preprocessors import Preprocessor

from kitlib.grading.course import Course
from kitlib.grading.notebook import BEGIN_HIDDEN, END_HIDDEN, hidden_lines, strip_regions  # noqa: F401
from kitlib.grading.worker import run_app


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
FEEDBACK_TIMEOUT = 300.0  # seconds for one submission's feedback (nbgrader's run, the pages checked)
PREPROCESSORS = ["nbgrader.preprocessors.GetGrades", "kitlib.grading.feedback.HideHiddenTests",
                 "kitlib.grading.feedback.HideTeacherPaths", "kitlib.grading.feedback.InertSvg",
                 "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]


class InertSvg(Preprocessor):
    """SVG outputs become images (``<img src="data:image/svg+xml...">``): drawn, never run
    (:func:`kitlib.grading.htmlsafe.inert_svg_outputs`)."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.enabled = True

    def preprocess(self, nb, resources):
        from kitlib.grading.htmlsafe import inert_svg_outputs

        inert_svg_outputs(nb)
        return nb, resources


def generate_feedback(course_dir: Path, assignment: str, worker=None, students=None,
                      timeout: float = FEEDBACK_TIMEOUT) -> dict[str, list[str]]:
    """Feedback HTML for every graded student of ``assignment``; returns report lines per student
    whose feedback is missing, was withheld or lost a file (empty: everyone has theirs, complete).

    One nbgrader run per submission (``--student``), so that one submission's failure (or a
    run past ``timeout`` seconds) costs that submission alone; ids that nbgrader cannot take
    safely (:func:`kitlib.grading.names.refusal`) never reach it. Each page is then made inert
    (:func:`kitlib.grading.htmlsafe.inert_page`: student markup sanitised, a strict
    Content-Security-Policy) and checked once more for hidden tests: a page that still shows a
    hidden-test marker (a student can print one) is deleted and named in that student's lines.
    Student files nbgrader copied along that a browser would open as a live page (``.html``,
    ``.svg``...) are removed from ``feedback/``, with a line."""
    from kitlib.grading.names import refusal

    course = Course(Path(course_dir))
    if students is None:
        autograded = course.root / "autograded"
        students = sorted(p.name for p in autograded.iterdir() if (p / assignment).is_dir()) \
            if autograded.is_dir() else []
    problems: dict[str, list[str]] = {}
    for student in students:
        if refusal(student) is not None:
            continue  # kit grade already said so; nbgrader would glob with it
        try:
            notes = feedback_for(course, assignment, student, worker, timeout)
        except Exception as error:  # noqa: BLE001 - a failure on our side costs this student's feedback only
            shutil.rmtree(course.feedback_dir(student, assignment), ignore_errors=True)
            notes = [f"no feedback: kit grade failed while writing it ({type(error).__name__}: {error})"]
        if notes:
            problems[student] = notes
    return problems


def feedback_for(course: Course, assignment: str, student: str, worker=None,
                 timeout: float = FEEDBACK_TIMEOUT) -> list[str]:
    """One submission's feedback (see :func:`generate_feedback`); its report lines."""
    argv = [assignment, f"--student={student}", "--force", *course.nbgrader_args(),
            f"--GenerateFeedback.preprocessors={json.dumps(PREPROCESSORS)}"]
    log = course.root / f".kit-feedback-{os.getpid()}-{threading.get_ident()}.log"
    rc = run_app(worker, "generate_feedback", argv, course.root, log, timeout=timeout)
    text = log.read_text(errors="replace") if log.exists() else ""
    log.unlink(missing_ok=True)
    errors = [line for line in text.splitlines() if "ERROR" in line][-3:]
    folder = course.feedback_dir(student, assignment)
    if rc is None:
        shutil.rmtree(folder, ignore_errors=True)
        return [f"no feedback: generating it ran past {timeout:g} s"]
    notes: list[str] = []
    if not folder.is_dir() or folder.is_symlink():
        return ["no feedback was generated for this submission" + (f" (nbgrader: {errors[-1][:200]})" if errors else "")]
    pages = {f"{Path(name).stem}.html" for name in course.source_notebooks(assignment)}
    files = sorted(p for p in folder.glob("*.html") if p.name in pages)
    if not files:
        notes.append("no feedback was generated for this submission" + (f" (nbgrader: {errors[-1][:200]})" if errors else ""))
    for path in files:
        why, page = _leak(path)
        if not why:
            page = inert_page(page, path.stem)
            why = _marker(page)
        if why:
            path.unlink()
            notes.append(f"feedback {path.name} was withheld: {why}")
        else:
            path.write_text(page, encoding="utf-8")
    notes += remove_live_files(folder, keep={p.name for p in files})
    return notes


def inert_page(page: str, title: str) -> str:
    """A feedback page made inert (:func:`kitlib.grading.htmlsafe.inert_page`), with :data:`WRAP_CSS`."""
    from kitlib.grading import htmlsafe

    return htmlsafe.inert_page(page, title, extra_head=WRAP_CSS)


def remove_live_files(folder: Path, keep: set[str]) -> list[str]:
    """Remove from a feedback folder every file (links included) that a browser would open as a live
    page (:func:`kitlib.grading.htmlsafe.live_file`), but the kit's own pages (``keep``, at the top);
    one report line naming them."""
    from kitlib.grading.htmlsafe import live_file
    from kitlib.grading.names import show

    removed = []
    for root, dirs, names in os.walk(folder):
        for name in dirs + names:
            path = Path(root) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink() or (not path.is_dir() and (live_file(name) or not path.is_file())):
                if rel in keep:
                    continue
                path.unlink(missing_ok=True)
                removed.append(rel)
    if not removed:
        return []
    shown = ", ".join(show(rel) for rel in sorted(removed)[:5]) + (f" and {len(removed) - 5} more"
                                                                     if len(removed) > 5 else "")
    return [f"{len(removed)} submitted file(s) left out of the feedback (a browser would open them as live "
            f"pages, or they are not data files): {shown}"]


def _marker(text: str) -> str | None:
    for marker in FEEDBACK_MARKERS:
        if marker in text:
            return (f"it contained the hidden-test marker {marker!r} (printed by the notebook, or a cell lost "
                    "its nbgrader metadata)")
    return None


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
    return _marker(text), text
