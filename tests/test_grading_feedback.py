"""Feedback presentation: no teacher paths in tracebacks or output, the friendly check text for a failed
check, long lines wrapping. The real feedback pages (from kit grade) are checked in Chromium in
tests/test_grading_teacher_e2e.py."""
from __future__ import annotations

import sys
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
    once = feedback.add_wrap_css(page)
    assert once.index("kit-feedback-wrap") < once.index("</head>")
    assert feedback.add_wrap_css(once) == once
    assert "pre-wrap" in once and "overflow-wrap: anywhere" in once and "word-break: normal" in once


def test_the_feedback_run_uses_the_presentation_preprocessors(tmp_path, monkeypatch):
    calls = {}

    def fake_run(worker, app, argv, cwd, log):
        calls["argv"] = argv
        page = tmp_path / "feedback" / "ana" / "mini" / "mini.html"
        page.parent.mkdir(parents=True)
        page.write_text("<html><head></head><body>ok</body></html>")
        return 0, ""

    (tmp_path / "nbgrader_config.py").write_text("")
    monkeypatch.setattr(feedback, "run_app_output", fake_run)
    problems = feedback.generate_feedback(Path(tmp_path), "mini")
    joined = " ".join(calls["argv"])
    assert "kitlib.grading.feedback.HideHiddenTests" in joined and "kitlib.grading.feedback.HideTeacherPaths" in joined
    assert problems == {}
    assert "kit-feedback-wrap" in (tmp_path / "feedback" / "ana" / "mini" / "mini.html").read_text()
