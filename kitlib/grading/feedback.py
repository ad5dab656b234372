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

import html
import json
import os
import re
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import quote

import nbformat
from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor

from kitlib.grading.course import Course
from kitlib.grading.report import SUMMARY_PAGE
from kitlib.grading.notebook import BEGIN_HIDDEN, END_HIDDEN, hidden_lines, strip_regions  # noqa: F401
from kitlib.grading.worker import run_app


WITHHELD_OUTPUT = "[kit: this output was withheld from the feedback: it showed hidden test source]"
MAX_DECODED = 4_000_000  # characters of one output searched for encoded parts
MAX_BLOB = 262_144      # characters of one encoded part decoded
MIN_SECRET = 12  # shorter hidden lines (``x = 1``) are too common to be told apart from a student's own


def _variants(secret: str) -> set[str]:
    """How a notebook can print ``secret`` without its text: reversed, rot13, hex, base64/base32
    (every alignment), escaped, URL-quoted."""
    import base64
    import codecs
    import urllib.parse

    raw = secret.encode("utf-8")
    found = {secret, secret[::-1], codecs.encode(secret, "rot13"), raw.hex(), raw.hex().upper(),
             urllib.parse.quote(secret), urllib.parse.quote_plus(secret), "".join(f"\\x{b:02x}" for b in raw),
             " ".join(str(b) for b in raw), ",".join(str(b) for b in raw), ", ".join(str(b) for b in raw)}
    for shift in range(3):  # a base64 text holds the secret's encoding at one of three alignments
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            core = encode(raw[shift:]).decode().rstrip("=")
            found.add(core[1:-3] if shift else core[:-3])
    for shift in range(5):
        core = base64.b32encode(raw[shift:]).decode().rstrip("=")
        found.add(core[2:-8] if shift else core[:-8])
    return {v for v in found if len(v) >= MIN_SECRET - 4}


_BLOB = re.compile(r"[A-Za-z0-9+/_=-]{16,}|(?:\\x[0-9a-fA-F]{2}){8,}|(?:[0-9a-fA-F]{2}[ :]?){8,}")


def _decoded(text: str, depth: int = 0):
    """``text``, then what its encoded-looking parts decode or decompress to (base64, hex, byte
    escapes; zlib, gzip, bz2, lzma), twice over."""
    import base64
    import binascii
    import bz2
    import lzma
    import zlib

    yield text
    if depth >= 2:
        return
    for match in _BLOB.finditer(text[:MAX_DECODED]):
        blob = match.group(0)[:MAX_BLOB]  # a prefix decodes (and decompresses) to a prefix
        candidates = []
        for decode in (lambda b: base64.b64decode(b + "=" * (-len(b) % 4)),
                       lambda b: base64.urlsafe_b64decode(b + "=" * (-len(b) % 4)),
                       lambda b: bytes.fromhex(re.sub(r"[ :]|\\x", "", b))):
            try:
                candidates.append(decode(blob))
            except (ValueError, binascii.Error):
                pass
        for data in list(candidates):
            for unpack in (lambda d: zlib.decompressobj().decompress(d, MAX_BLOB * 4),
                           lambda d: zlib.decompressobj(47).decompress(d, MAX_BLOB * 4),
                           lambda d: bz2.BZ2Decompressor().decompress(d, MAX_BLOB * 4),
                           lambda d: lzma.LZMADecompressor().decompress(d, MAX_BLOB * 4)):
                try:
                    candidates.append(unpack(data))
                except Exception:  # noqa: BLE001 - not compressed that way
                    pass
        for data in candidates:
            yield from _decoded(data.decode("utf-8", errors="replace"), depth + 1)


def shows_secret(text: str, secrets: list[str]) -> bool:
    """Whether ``text`` shows one of ``secrets`` (hidden-test lines), plainly or encoded.

    Example:
        >>> import base64, zlib
        >>> secret = 'grade("mini_sum", total, hidden=True)'
        >>> shows_secret(base64.b64encode(zlib.compress(("x" + secret).encode())).decode(), [secret])
        True
        >>> shows_secret(secret[::-1], [secret]), shows_secret("total = 5", [secret])
        (True, False)
    """
    secrets = [s for s in secrets if len(s) >= MIN_SECRET]
    if not secrets or not text:
        return False
    variants = set().union(*(_variants(s) for s in secrets))
    squeezed = {re.sub(r"\s+", "", v) for v in variants}  # encodings printed across lines, spaces dropped
    for plain in _decoded(text):
        flat = re.sub(r"\s+", "", plain)
        if any(v in flat for v in squeezed):
            return True
    return False


def _output_text(output) -> str:
    """What an output shows as text (images are pictures: not searched)."""
    parts = [str(output.get("text", "")), str(output.get("evalue", ""))]
    parts += [str(line) for line in output.get("traceback", []) or []]
    for kind, value in (output.get("data") or {}).items():
        if not str(kind).startswith(("image/", "video/", "audio/")) or kind == "image/svg+xml":
            parts.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(parts)


class HideHiddenTests(Preprocessor):
    """Strip hidden tests from grade cells, and any trace of their source from the outputs.

    The kernel executed the hidden tests, so a later cell can print their source (``In``,
    IPython's history) in any encoding: every output that shows a hidden-test line, plainly
    or encoded (:func:`shows_secret`), is replaced by :data:`WITHHELD_OUTPUT`."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.enabled = True  # nbconvert preprocessors are off unless enabled

    def preprocess(self, nb, resources):
        secrets, public = [], set()
        for cell in nb.cells:
            source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
            if cell.get("cell_type") == "code" and ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade"):
                secrets += hidden_lines(source)
                public |= {l.strip() for l in strip_regions(source, BEGIN_HIDDEN, END_HIDDEN).splitlines()}
        nb, resources = super().preprocess(nb, resources)
        secrets = sorted({s for s in secrets if s not in public})
        for cell in nb.cells:
            if cell.get("cell_type") != "code":
                continue
            outputs = cell.get("outputs", []) or []
            for index, output in enumerate(outputs):
                if isinstance(output, dict) and shows_secret(_output_text(output), secrets):
                    outputs[index] = nbformat.v4.new_output("stream", name="stdout", text=WITHHELD_OUTPUT + "\n")
        return nb, resources

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


FEEDBACK_MARKERS = (BEGIN_HIDDEN, END_HIDDEN)
MAX_FEEDBACK_BYTES = 256 * 2**20
FEEDBACK_TIMEOUT = 300.0  # seconds for one submission's feedback (nbgrader's run, the pages checked)
# The one list of feedback preprocessors: kit grade's run and nbgrader's own Generate Feedback (the
# formgrader's button, `nbgrader generate_feedback`: course/nbgrader_config.py names the same, as strings).
PREPROCESSORS = ["nbgrader.preprocessors.GetGrades", "kitlib.grading.feedback.HideHiddenTests",
                 "kitlib.grading.feedback.HideTeacherPaths", "kitlib.grading.nbgrader_feedback.WithholdMarkers",
                 "kitlib.grading.feedback.InertSvg", "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]
#: nbgrader's Generate Feedback writes its pages with this exporter in a kit course: inert, like kit grade's.
EXPORTER = "kitlib.grading.feedback.InertHTMLExporter"


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
    write_summaries(course, assignment, [s for s in students if refusal(s) is None], problems)
    return problems



SUMMARY_CSS = """
body { font-family: system-ui, sans-serif; color: #1a1a1a; background: #fff; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; }
a { color: #0b57a4; text-decoration: underline; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #c8c8c8; vertical-align: top; }
th { border-bottom: 2px solid #555; }
.passed { color: #1b5e20; } .missed { color: #8b1a1a; }
.note { color: #444; }
"""


def write_summaries(course: Course, assignment: str, students: list[str], problems: dict[str, list[str]]) -> None:
    """One summary page per student who has feedback (:func:`summary_page`), from the gradebook; a
    student whose page cannot be written gets a line in ``problems`` and keeps the rest."""
    from kitlib.grading.gradebook import read_grades
    from kitlib.grading.report import exercise_catalog

    try:
        grades = read_grades(course, assignment)
        catalog = exercise_catalog(course.source_dir(assignment).glob("*.ipynb"))
    except Exception as error:  # noqa: BLE001 - the pages per notebook are there; only the summary is lost
        for student in students:
            problems.setdefault(student, []).append(f"no feedback summary page ({type(error).__name__})")
        return
    for student in students:
        folder = course.feedback_dir(student, assignment)
        submission = grades.submissions.get(student)
        if submission is None or not folder.is_dir() or folder.is_symlink():
            continue
        pages = {p.stem for p in folder.glob("*.html") if p.name != SUMMARY_PAGE}
        if not pages:  # every page was withheld (or none was made): no summary beside nothing
            continue
        try:
            (folder / SUMMARY_PAGE).write_text(summary_page(assignment, submission, catalog, pages,
                                                            duedate=grades.duedate), encoding="utf-8")
        except OSError as error:
            problems.setdefault(student, []).append(f"no feedback summary page ({error.strerror})")


def summary_page(assignment: str, submission, catalog, pages: set[str], duedate=None) -> str:
    """The assignment at a glance for one student: the score (and late penalty), the due date with this
    student's own extension and when they handed in (:func:`deadline_line`), then every exercise
    by its title with its points, passed or to look at again, linked to its notebook's feedback
    page, and the teacher's comments. Everything from the submission is escaped; the page is inert
    (:func:`kitlib.grading.htmlsafe.add_csp`).

    Example::

        summary_page("mini", read_grades(course, "mini").submissions["ana"], catalog, {"mini"})
    """
    from kitlib.grading.htmlsafe import add_csp

    esc = html.escape
    order = {key: info.order for key, info in catalog.items()}
    rows = []
    for key in sorted(submission.cells, key=lambda k: (order.get(k, 10**6), k)):
        cell = submission.cells[key]
        info = catalog.get(key)
        title = info.label if info else cell.grade_id
        notebook = esc(cell.notebook)
        where = (f'<a href="{esc(quote(cell.notebook))}.html#{esc(quote(cell.grade_id))}">{notebook}</a>'
                 if cell.notebook in pages else notebook)
        if cell.needs_manual_grade:
            state = '<span class="note">waits for your teacher</span>'
        elif cell.score >= cell.max_score:
            state = '<span class="passed">✔ passed</span>'
        else:
            state = '<span class="missed">✘ look at it again</span>'
        rows.append(f"<tr><td>{esc(title)}</td><td>{where}</td><td>{cell.score:g} / {cell.max_score:g}</td>"
                    f"<td>{state}</td></tr>")
    late = (f"<p>Late penalty: −{submission.penalty:g} points (score before it: {submission.raw_score:g}).</p>"
            if submission.penalty else "")
    comments = "".join(f"<li><b>{esc(notebook)}</b>: {esc(text)}</li>" for notebook, _cell, text in submission.comments)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Feedback: {esc(assignment)}</title><style>{SUMMARY_CSS}</style></head><body><main>
<h1>Your feedback: {esc(assignment)}</h1>
<p>Score: <b>{submission.score:g} / {submission.max_score:g}</b></p>{late}{deadline_line(duedate, submission)}
<table><caption class="note">Each exercise; the notebook links go to its feedback page.</caption>
<tr><th scope="col">exercise</th><th scope="col">notebook</th><th scope="col">points</th><th scope="col">result</th></tr>
{"".join(rows) or '<tr><td colspan="4">no graded exercise</td></tr>'}</table>
{f'<h2>Comments</h2><ul>{comments}</ul>' if comments else ''}
</main></body></html>
"""
    return add_csp(page)


def deadline_line(duedate, submission) -> str:
    """The summary page's deadline paragraph: the due date, this student's extension (the one place a
    student sees their own: nbgrader's exchange hands every student the same release) and when they
    handed in, on time or how late ("" without a due date).

    Example::

        deadline_line(datetime(2026, 12, 1, 17), submission)
        # '<p>Due: 2026-12-01 17:00 UTC; your extension: 2 days, to 2026-12-03 17:00 UTC. Handed in: ...</p>'
    """
    from kitlib.grading.deadlines import DAY, format_due, format_late

    if duedate is None:
        return ""
    text = f"Due: {format_due(duedate)}"
    extension = submission.extension
    if extension:
        days = extension.total_seconds() / DAY
        text += f"; your extension: {days:g} day{'s' if days != 1 else ''}, to {format_due(duedate + extension)}"
    if submission.timestamp is not None:
        late = float(submission.seconds_late or 0)
        text += (f". Handed in: {format_due(submission.timestamp)}, "
                 + (f"late by {format_late(late)}" if late > 0 else "on time"))
    return f"<p>{html.escape(text)}.</p>"


_RAISED = re.compile(r"^\s*((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit)): (.*)$")


def nbgrader_failure(log: str) -> str:
    """Why nbgrader's generate_feedback failed, for the report line: the exception its log's last
    traceback ends with (nbgrader's own last ERROR line only says "Please see the above traceback"),
    and for a missing module what to install where; else nbgrader's last ERROR line; "" when neither."""
    raised = [m for m in map(_RAISED.match, log.splitlines()) if m]
    if raised:
        kind, message = raised[-1].group(1), raised[-1].group(2).strip()
        cause = f"{kind}: {message}"[:300]
        module = re.fullmatch(r"No module named '([\w.]+)'", message)
        if kind.endswith("ModuleNotFoundError") and module:
            top = module.group(1).split(".")[0]
            cause += (f"; install the package that provides {top!r} into the Python that runs kit "
                      f"({sys.executable} -m pip install ...; `kit doctor` lists what the kit needs), "
                      "then make the feedback again (kit grade, or nbgrader generate_feedback)")
        return cause
    errors = [line for line in log.splitlines() if "ERROR" in line]
    return f"nbgrader: {errors[-1][:200]}" if errors else ""


def feedback_for(course: Course, assignment: str, student: str, worker=None,
                 timeout: float = FEEDBACK_TIMEOUT) -> list[str]:
    """One submission's feedback (see :func:`generate_feedback`); its report lines."""
    argv = [assignment, f"--student={student}", "--force", *course.nbgrader_args(),
            f"--GenerateFeedback.preprocessors={json.dumps(PREPROCESSORS)}",
            f"--GenerateFeedback.exporter_class={EXPORTER}"]
    log = course.root / f".kit-feedback-{os.getpid()}-{threading.get_ident()}.log"
    rc = run_app(worker, "generate_feedback", argv, course.root, log, timeout=timeout)
    text = log.read_text(errors="replace") if log.exists() else ""
    log.unlink(missing_ok=True)
    why = nbgrader_failure(text)
    folder = course.feedback_dir(student, assignment)
    if rc is None:
        shutil.rmtree(folder, ignore_errors=True)
        return [f"no feedback: generating it ran past {timeout:g} s"]
    notes: list[str] = []
    if not folder.is_dir() or folder.is_symlink():
        return ["no feedback was generated for this submission" + (f" ({why})" if why else "")]
    pages = {f"{Path(name).stem}.html" for name in course.source_notebooks(assignment)}
    files = sorted(p for p in folder.glob("*.html") if p.name in pages)
    if not files:
        notes.append("no feedback was generated for this submission" + (f" ({why})" if why else ""))
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
        if WITHHELD_OUTPUT in page and not why:
            notes.append(f"feedback {path.name}: an output that showed hidden test source (plain or encoded) "
                         "was withheld")
    notes += remove_live_files(folder, keep={p.name for p in files})  # a student's own index.html goes too
    return notes


class InertHTMLExporter(HTMLExporter):
    """nbconvert's HTML exporter whose pages come out inert (:func:`inert_page`): student markup
    sanitised, no script, a strict Content-Security-Policy. ``c.GenerateFeedback.exporter_class`` of a
    kit course, so that the formgrader's Generate Feedback writes no live page either.

    Example (``nbgrader_config.py``)::

        c.GenerateFeedback.exporter_class = "kitlib.grading.feedback.InertHTMLExporter"
    """

    @pass_context
    def markdown2html(self, context, source):
        """nbconvert's Markdown filter, its formulas drawn as MathML (:func:`MathMLRenderer`): the
        pages have no MathJax, which is a script."""
        from nbconvert.filters.markdown_mistune import MarkdownWithMath

        cell = context.get("cell", {})
        renderer = mathml_renderer()(escape=False, attachments=cell.get("attachments", {}),
                                     embed_images=self.embed_images,
                                     path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                                     anchor_link_text=self.anchor_link_text,
                                     exclude_anchor_links=self.exclude_anchor_links, **self.lexer_options)
        return MarkdownWithMath(renderer=renderer).render(source)

    def from_notebook_node(self, nb, resources=None, **kw):
        output, resources = super().from_notebook_node(nb, resources, **kw)
        name = str(((resources or {}).get("metadata") or {}).get("name") or "feedback")
        return inert_page(name_exercises(output, nb, name), name), resources


def mathml_renderer():
    """nbconvert's Markdown renderer whose ``$...$``, ``$$...$$`` and ``\\begin{...}`` formulas come out as
    MathML (:func:`kitlib.grading.htmlsafe.latex_to_mathml`), sanitised with the rest of the page."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer

    from kitlib.grading.htmlsafe import latex_to_mathml

    class MathMLRenderer(IPythonRenderer):
        def inline_math(self, body: str) -> str:
            return latex_to_mathml(body)

        def block_math(self, body: str) -> str:
            return latex_to_mathml(body, display=True)

        def latex_environment(self, name: str, body: str) -> str:
            return latex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)

    return MathMLRenderer


def name_exercises(page: str, nb, notebook: str) -> str:
    """nbgrader's table of contents names every grade cell "Test cell": name each by its exercise's
    title instead (the notebook's own heading above the exercise, as the teacher's report does).

    Example::

        name_exercises('<li><a href="#mini_sum_test">Test cell</a> (Score: 2.0 / 2.0)</li>', nb, "mini")
        # '<li><a href="#mini_sum_test">Exercise 1 · Add two numbers</a> (Score: 2.0 / 2.0)</li>'
    """
    from kitlib.grading.report import notebook_exercises

    try:
        titles = {info.grade_id: info.title for info in notebook_exercises(nb, notebook)}
    except Exception:  # noqa: BLE001 - a page without titles still beats no page
        return page

    def titled(match: re.Match) -> str:
        title = titles.get(html.unescape(match.group(1)))
        return f'<a href="#{match.group(1)}">{html.escape(title)}</a>' if title else match.group(0)

    return re.sub(r'<a href="#([^"<>]+)">Test cell</a>', titled, page)


WRAP_MARK = ".kit-feedback, .kit-feedback li"  # a line of WRAP_CSS: a page made inert once already has it


def inert_page(page: str, title: str) -> str:
    """A feedback page made inert (:func:`kitlib.grading.htmlsafe.inert_page`), with :data:`WRAP_CSS`
    (once: a page that went through :class:`InertHTMLExporter` keeps its styles)."""
    from kitlib.grading import htmlsafe

    return htmlsafe.inert_page(page, title, extra_head="" if WRAP_MARK in page else WRAP_CSS)


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
