"""Feedback presentation: no teacher paths in tracebacks or output, the friendly check text for a failed
check, long lines wrapping. The real feedback pages (from kit grade) are checked in Chromium in
tests/test_grading_teacher_e2e.py."""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from kitlib.grading import feedback

pytestmark = pytest.mark.fast

VENV_FILE = f"{sys.prefix}/lib/python3.11/site-packages/keras/src/utils/traceback_utils.py"
STDLIB_FILE = f"{sys.base_prefix}/lib/python3.11/json/decoder.py"
SCRATCH_FILE = "/tmp/kit-grade-abc/ana-1/autograded/ana/mini/my_data.csv"


def test_paths_become_what_a_student_can_place():
    roots = ["/work/checkout"]
    assert feedback.student_path(VENV_FILE, roots) == "keras/src/utils/traceback_utils.py"
    assert feedback.student_path(STDLIB_FILE, roots) == "json/decoder.py"
    assert feedback.student_path("/work/checkout/kitlib/exercises/core.py", roots) == "kitlib/exercises/core.py"
    assert feedback.student_path(SCRATCH_FILE, roots) == "my_data.csv"


def test_hide_paths_in_tracebacks_keeps_colours_urls_and_relative_paths():
    line = (f"\x1b[36mFile \x1b[39m\x1b[32m{STDLIB_FILE}:337\x1b[39m, in \x1b[36mJSONDecoder.decode\x1b[39m; "
            f"FileNotFoundError: [Errno 2] No such file or directory: '{SCRATCH_FILE}' (see https://keras.io/api/x "
            "and data/train.csv)")
    out = feedback.hide_paths(line, roots=[])
    assert "\x1b[32mjson/decoder.py:337\x1b[39m" in out
    assert "'my_data.csv'" in out and "https://keras.io/api/x" in out and "data/train.csv" in out
    assert "/tmp/" not in out and sys.base_prefix not in out


def executed_notebook():
    nb = new_notebook()
    answer = new_code_cell("import json\ntotal = json.loads('{')")
    answer.outputs = [new_output("error", ename="JSONDecodeError", evalue="Expecting property name",
                                 traceback=["\x1b[31mJSONDecodeError\x1b[39m Traceback (most recent call last)",
                                            f"File \x1b[32m{STDLIB_FILE}:337\x1b[39m, in decode",
                                            f"File \x1b[32m{VENV_FILE}:122\x1b[39m, in error_handler"]),
                      new_output("stream", name="stderr", text=f"{VENV_FILE}:87: UserWarning: careful\n")]
    test = new_code_cell('grade("mini_sum", total)\n### BEGIN HIDDEN TESTS\ngrade("mini_sum", total, hidden=True)\n'
                         '### END HIDDEN TESTS')
    test.metadata["nbgrader"] = {"grade": True, "grade_id": "mini_sum_test", "points": 2, "schema_version": 3,
                                 "solution": False, "locked": True}
    text = "✘ Add two numbers: not yet (1 thing to fix)\n  - the total: expected 5, got 4. Hint: Add 2 and 3."
    test.outputs = [new_output("error", ename="ExerciseNotPassed", evalue=text,
                               traceback=['grade("mini_sum", total, hidden=True)', "ExerciseNotPassed"])]
    nb.cells = [answer, test]
    return nb


def test_preprocessors_leave_no_teacher_path_and_show_the_check_text_alone():
    nb = executed_notebook()
    nb, _ = feedback.HideHiddenTests().preprocess(nb, {})
    nb, _ = feedback.HideTeacherPaths().preprocess(nb, {})
    text = nbformat.writes(nb)
    assert sys.prefix not in text and sys.base_prefix not in text
    assert "json/decoder.py:337" in text and "keras/src/utils/traceback_utils.py:122" in text
    assert "keras/src/utils/traceback_utils.py:87: UserWarning" in nb.cells[0].outputs[1]["text"]
    assert nb.cells[1].outputs[0]["traceback"] == ["✘ Add two numbers: not yet (1 thing to fix)",
                                                   "  - the total: expected 5, got 4. Hint: Add 2 and 3."]
    assert "hidden=True" not in text


def test_wrap_css_goes_into_the_head_once():
    page = "<html><head><title>x</title></head><body><pre>long</pre></body></html>"
    once = feedback.inert_page(page, "x")  # the kit's pages get the wrap rules through inert_page
    assert once.index(feedback.WRAP_MARK) < once.index("</head>")
    assert feedback.inert_page(once, "x").count(feedback.WRAP_MARK) == 1  # made inert twice: still once
    assert "pre-wrap" in once and "overflow-wrap: anywhere" in once and "word-break: normal" in once


def test_the_feedback_run_uses_the_presentation_preprocessors(tmp_path, monkeypatch):
    calls = []

    def fake_run(worker, app, argv, cwd, log, timeout=0):
        calls.append(argv)
        student = next(a for a in argv if a.startswith("--student="))[len("--student="):]
        folder = tmp_path / "feedback" / student / "mini"
        folder.mkdir(parents=True)
        (folder / "mini.html").write_text("<html><head><script>x()</script></head><body>ok "
                                          "<img src=x onerror=alert(1)></body></html>")
        (folder / "page.html").write_text("<script>alert(1)</script>")
        (folder / "data.csv").write_text("1,2")
        if student == "ben":
            raise RuntimeError("nbgrader broke on ben")
        return 0

    (tmp_path / "nbgrader_config.py").write_text("")
    (tmp_path / "source" / "mini").mkdir(parents=True)
    (tmp_path / "source" / "mini" / "mini.ipynb").write_text("{}")
    for student in ("ana", "ben", "cy", "bad[1]"):
        (tmp_path / "autograded" / student / "mini").mkdir(parents=True)
    monkeypatch.setattr(feedback, "run_app", fake_run)
    problems = feedback.generate_feedback(Path(tmp_path), "mini")
    # one nbgrader run per student, never one for the class; a refused id never reaches nbgrader
    assert [a[1] for a in calls] == ["--student=ana", "--student=ben", "--student=cy"]
    assert problems["ben"] == ["no feedback: kit grade failed while writing it (RuntimeError: nbgrader broke on ben)"]
    assert not (tmp_path / "feedback" / "ben").exists() or not list((tmp_path / "feedback" / "ben").rglob("*.*"))
    assert (tmp_path / "feedback" / "cy" / "mini" / "mini.html").is_file()
    assert "left out of the feedback" in problems["ana"][0]
    joined = " ".join(calls[0])
    assert "kitlib.grading.feedback.HideHiddenTests" in joined and "kitlib.grading.feedback.HideTeacherPaths" in joined
    assert "kitlib.grading.feedback.InertSvg" in joined
    page = (tmp_path / "feedback" / "ana" / "mini" / "mini.html").read_text()
    assert "kit-feedback-wrap" in page and "Content-Security-Policy" in page
    assert "<script" not in page and "onerror" not in page
    assert not (tmp_path / "feedback" / "ana" / "mini" / "page.html").exists()
    assert (tmp_path / "feedback" / "ana" / "mini" / "data.csv").exists()


def test_one_submission_failing_costs_only_its_own_feedback(tmp_path, monkeypatch):
    def fake_run(worker, app, argv, cwd, log, timeout=0):
        student = argv[1][len("--student="):]
        if student == "ben":
            return None if "slow" in student else 1
        folder = tmp_path / "feedback" / student / "mini"
        folder.mkdir(parents=True)
        (folder / "mini.html").write_text("<html><head></head><body>ok</body></html>")
        (folder / "notes.svg").write_text("<svg onload='alert(1)'/>")
        return 0

    (tmp_path / "nbgrader_config.py").write_text("")
    (tmp_path / "source" / "mini").mkdir(parents=True)
    (tmp_path / "source" / "mini" / "mini.ipynb").write_text("{}")
    monkeypatch.setattr(feedback, "run_app", fake_run)
    problems = feedback.generate_feedback(Path(tmp_path), "mini", students=["ana", "ben", "cy", "x\nY"])
    assert set(problems) == {"ana", "ben", "cy"}
    assert problems["ben"] == ["no feedback was generated for this submission"]
    assert all("left out of the feedback" in line and "notes.svg" in line for line in problems["ana"])
    for student in ("ana", "cy"):
        assert (tmp_path / "feedback" / student / "mini" / "mini.html").is_file()
        assert not (tmp_path / "feedback" / student / "mini" / "notes.svg").exists()


HOSTILE_OUTPUTS = {
    "text/html": ('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
                  '<a href="javascript:window.__pwned=3">js</a><iframe srcdoc="<script>parent.__pwned=4</script>">'
                  '</iframe><meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/"><style>@import '
                  'url(http://127.0.0.1:9/x.css); body{background:url(http://127.0.0.1:9/bg)}</style>'
                  '<form action="http://127.0.0.1:9/f"><button>go</button></form>'
                  '<a href="data:text/html,<script>alert(1)</script>">data</a><b>honest bold</b>'),
    "image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=5"><circle r="4"/></svg>',
}


def test_hostile_outputs_and_markdown_become_inert_html():
    from nbconvert import HTMLExporter

    nb = new_notebook()
    markdown = nbformat.v4.new_markdown_cell(
        "# Title\n[click](javascript:alert(1)) ![x](http://127.0.0.1:9/md.png) <script>alert(2)</script>"
        "<svg onload=alert(3)></svg> <div onclick=alert(4)>md div</div>")
    code = new_code_cell("show()")
    code.outputs = [new_output("display_data", data={kind: value}) for kind, value in HOSTILE_OUTPUTS.items()]
    nb.cells = [markdown, code]
    feedback.InertSvg().preprocess(nb, {})
    page, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    page = feedback.inert_page(page, "mini")
    lower = page.lower().split("<body>", 1)[1]  # the head holds the template's style sheets only
    for live in ("<script", "onerror", "onload", "onclick", "javascript:", "<iframe", "http-equiv=\"refresh",
                 "@import", "url(http", "<form", "data:text/html", "127.0.0.1", "<svg"):
        assert live not in lower, live
    assert "honest bold" in page and "md div" in page and "Title" in page
    assert 'src="data:image/svg+xml;base64,' in page
    assert page.lower().count("content-security-policy") == 1 and "default-src 'none'" in page
    assert "<script" not in page.lower(), page[page.lower().find("<script") - 300:][:500]


def test_formulas_of_markdown_cells_are_drawn_as_mathml_and_stay_inert():
    """MathJax is a script (no page may run one): formulas become MathML, sanitised like any student
    markup, so a formula can neither link, style nor run anything."""
    pytest.importorskip("latex2mathml")
    nb = new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        "The output is $y = \\sigma(Wx + b)$ and the loss\n\n$$L = \\frac{1}{n}\\sum_{i=1}^{n} (y_i - \\hat{y}_i)^2$$\n\n"
        "costs \\$5, `$code$` stays code, $x^$ is no formula, and these try to escape: "
        "$\\href{javascript:window.__pwned=1}{click}$ $\\style{background:url(http://127.0.0.1:9/x)}{s}$ "
        "$\\text{<img src=x onerror=alert(1)>}$ $</math><script>alert(2)</script>$ "
        "<math><mi href=\"javascript:alert(3)\" style=\"x\">m</mi><maction actiontype=\"statusline\">a</maction>"
        "<annotation-xml encoding=\"text/html\"><script>alert(4)</script></annotation-xml></math>")]
    page, _ = feedback.InertHTMLExporter().from_notebook_node(nb, {"metadata": {"name": "mini"}})
    body = page.lower().split("<body>", 1)[1]
    assert body.count("<math") >= 4 and "<mfrac>" in body and "<msub>" in body and "<munderover>" in body
    assert 'display="block"' in body
    assert "<code>$code$</code>" in page and "$x^$" in page and "$5" in page
    for live in ("<script", "javascript:", "onerror", "href=\"j", "style=", "url(http", "<maction", "annotation-xml",
                 "127.0.0.1", "mathjax"):
        assert live not in body, live
    assert "mathjax" not in page.lower() and page.lower().count("content-security-policy") == 1


def encodings(secret: str) -> dict[str, str]:
    import base64
    import bz2
    import codecs
    import gzip
    import lzma
    import zlib

    raw = ("prefix " + secret + " suffix").encode()
    return {"plain": secret, "base64": base64.b64encode(raw).decode(), "hex": raw.hex(),
            "rot13": codecs.encode(secret, "rot13"), "reversed": secret[::-1],
            "zlib": base64.b64encode(zlib.compress(raw)).decode(), "gzip-hex": gzip.compress(raw).hex(),
            "bz2": base64.b64encode(bz2.compress(raw)).decode(), "lzma": base64.b64encode(lzma.compress(raw)).decode(),
            "base32": base64.b32encode(raw).decode(), "bytes": str(list(raw)), "escaped": repr(raw),
            "wrapped-base64": "\n".join(textwrap.wrap(base64.b64encode(raw).decode(), 20)),
            "html": f"<pre>{base64.b64encode(raw).decode()}</pre>"}


def test_an_output_showing_hidden_source_in_any_encoding_is_withheld():
    nb = executed_notebook()
    secret = 'grade("mini_sum", total, hidden=True)'
    spy = new_code_cell("print(encode(In[-2]))")
    variants = encodings(secret)
    spy.outputs = [new_output("stream", name="stdout", text=text) if kind != "html" else
                   new_output("display_data", data={"text/html": text}) for kind, text in variants.items()]
    honest = new_code_cell("print(total)")
    honest.outputs = [new_output("stream", name="stdout", text="5\nhidden=True is a keyword I like\n"),
                      new_output("stream", name="stdout", text="aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=\n")]
    nb.cells += [spy, honest]
    nb, _ = feedback.HideHiddenTests().preprocess(nb, {})
    for kind, output in zip(variants, nb.cells[2].outputs):
        assert output["text"].strip() == feedback.WITHHELD_OUTPUT, kind
    assert [o["text"] for o in nb.cells[3].outputs] == ["5\nhidden=True is a keyword I like\n",
                                                        "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=\n"]


# What nbgrader generate_feedback logged on a hub whose environment lacked nh3 (kit grade then reported
# only nbgrader's last line, "Please see the the above traceback", which names neither cause nor fix).
_NO_NH3_LOG = """\
[GenerateFeedbackApp | INFO] Copying /srv/course/autograded/ben/seq/timestamp.txt -> /srv/course/feedback/ben/seq/timestamp.txt
[GenerateFeedbackApp | ERROR] There was an error processing assignment: /srv/course/autograded/ben/seq
[GenerateFeedbackApp | ERROR] Traceback (most recent call last):
      File "/opt/kit-env/lib/python3.11/site-packages/nbgrader/converters/base.py", line 409, in convert_notebooks
        self.init_single_notebook_resources(notebook_filename)
      File "/opt/kit-env/lib/python3.11/site-packages/kitlib/grading/htmlsafe.py", line 12, in <module>
        import nh3
    ModuleNotFoundError: No module named 'nh3'
[GenerateFeedbackApp | ERROR] There was an error processing assignment 'seq' for student 'ben'
[GenerateFeedbackApp | ERROR] Please see the the above traceback for details on the specific errors on the above failures.
"""


@pytest.mark.fast
@pytest.mark.parametrize("log, expected, unexpected", [
    (_NO_NH3_LOG, ["ModuleNotFoundError: No module named 'nh3'", "'nh3'", f"{sys.executable} -m pip install",
                   "kit doctor"], ["Please see"]),
    # a dotted module and a qualified exception name: the top-level package is what to install
    ("Traceback (most recent call last):\n  File \"x.py\", line 1\nbuiltins.ModuleNotFoundError: "
     "No module named 'zz_absent.sub'\n", ["No module named 'zz_absent.sub'", "'zz_absent'"], ["'zz_absent.sub' into"]),
    # another failure: the exception, without advice about installing
    ("[GenerateFeedbackApp | ERROR] Traceback (most recent call last):\n    nbconvert.utils.exceptions.ConversionException:"
     " template not found\n[GenerateFeedbackApp | ERROR] Please see the the above traceback\n",
     ["ConversionException: template not found"], ["pip install", "Please see"]),
    # no traceback at all: nbgrader's last ERROR line as before
    ("[GenerateFeedbackApp | ERROR] No notebooks were matched\n", ["nbgrader: [GenerateFeedbackApp | ERROR] No notebooks"],
     []),
])
def test_a_failed_feedback_names_its_cause_and_what_to_do(log, expected, unexpected):
    why = feedback.nbgrader_failure(log)
    for text in expected:
        assert text in why, why
    for text in unexpected:
        assert text not in why, why


@pytest.mark.fast
def test_a_quiet_failure_has_no_cause_to_name():
    assert feedback.nbgrader_failure("") == ""
    assert feedback.nbgrader_failure("[GenerateFeedbackApp | INFO] done\n") == ""
