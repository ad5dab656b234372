"""kitlib.verdicts: the verdicts a saved notebook shows, read from the file without running it."""
from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kitlib.exercises.core import ExerciseNotPassed, Feedback, Problem
from kitlib.verdicts import FEEDBACK_MIME, NOT_CHECKED, notebook_progress, output_verdicts

pytestmark = pytest.mark.fast


def grade_cell(exercise, outputs=(), count=None):
    cell = new_code_cell(f'from kitlib.exercises import grade\ngrade("{exercise}", answer)')
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": f"{exercise}_test", "locked": True, "points": 1,
                                 "schema_version": 3, "solution": False, "task": False}
    cell.outputs = list(outputs)
    cell.execution_count = count
    return cell


def check_cell(exercise, outputs=(), count=None):
    cell = new_code_cell(f"from kitlib.exercises import check\ncheck('{exercise}', answer)")
    cell.outputs = list(outputs)
    cell.execution_count = count
    return cell


def feedback(exercise, status, title="Swap the head"):
    problems = [] if status != "not yet" else [Problem("the last layer", "Dense(10)", "Dense(5)")]
    return Feedback(exercise, title, attempted=status != "not attempted", problems=problems)


def html_output(fb):
    return new_output("display_data", data={"text/html": fb._repr_html_(), "text/plain": str(fb)})


def json_output(exercise, status, title="Swap the head", problems=()):
    record = {"exercise": exercise, "title": title, "status": status, "problems": list(problems)}
    return new_output("display_data", data={FEEDBACK_MIME: record, "text/plain": status})


def error_output(fb):
    error = ExerciseNotPassed(fb)
    return new_output("error", ename="ExerciseNotPassed", evalue=str(error), traceback=error._render_traceback_())


def write(tmp_path, cells, name="chapter.ipynb"):
    nb = new_notebook(cells=cells)
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def test_every_saved_format_is_read(tmp_path):
    path = write(tmp_path, [
        new_markdown_cell("# Chapter\n\n## Exercise 1 · Swap the head"),
        grade_cell("ex_json", [json_output("ex_json", "not yet", problems=["the last layer"])], count=3),
        new_markdown_cell("## Exercise 2 · HTML"),
        check_cell("ex_html", [html_output(feedback("ex_html", "passed"))], count=4),
        grade_cell("ex_html"),
        new_markdown_cell("## Exercise 3 · printed"),
        grade_cell("ex_printed", [new_output("stream", name="stdout", text=str(feedback("ex_printed", "passed")) + "\n")],
                   count=5),
        new_markdown_cell("## Exercise 4 · raised"),
        grade_cell("ex_raised", [error_output(feedback("ex_raised", "not attempted"))], count=6),
        new_markdown_cell("## Exercise 5 · never run"),
        grade_cell("ex_never"),
    ])
    progress = notebook_progress(path)
    got = {v.exercise: (v.status, v.label) for v in progress.exercises}
    assert got == {
        "ex_json": ("not yet", "Exercise 1 · Swap the head"),
        "ex_html": ("passed", "Exercise 2 · HTML"),
        "ex_printed": ("passed", "Exercise 3 · printed"),
        "ex_raised": ("not attempted", "Exercise 4 · raised"),
        "ex_never": (NOT_CHECKED, "Exercise 5 · never run"),
    }
    assert [v.exercise for v in progress.exercises] == ["ex_json", "ex_html", "ex_printed", "ex_raised", "ex_never"]
    assert progress.passed == 2
    by_id = {v.exercise: v for v in progress.exercises}
    assert by_id["ex_json"].problems == ["the last layer"]
    assert by_id["ex_html"].title == "Swap the head"


def test_the_cell_run_last_decides(tmp_path):
    # passed in the check cell (run 9), failed earlier in the grade cell (run 2): passed
    path = write(tmp_path, [
        grade_cell("ex", [error_output(feedback("ex", "not yet"))], count=2),
        check_cell("ex", [html_output(feedback("ex", "passed"))], count=9),
    ])
    assert [(v.exercise, v.status) for v in notebook_progress(path).exercises] == [("ex", "passed")]
    # and the other way round
    path = write(tmp_path, [
        check_cell("ex", [html_output(feedback("ex", "passed"))], count=1),
        grade_cell("ex", [error_output(feedback("ex", "not yet"))], count=7),
    ], name="other.ipynb")
    assert notebook_progress(path).exercises[0].status == "not yet"


def test_json_verdict_names_its_own_exercise_and_odd_outputs_are_ignored():
    cell = new_code_cell("show_all()")
    cell.outputs = [
        json_output("other_ex", "passed"),
        new_output("display_data", data={FEEDBACK_MIME: json.dumps({"exercise": "as_text", "status": "not yet"})}),
        new_output("display_data", data={FEEDBACK_MIME: {"exercise": "bad", "status": "great"}}),
        new_output("display_data", data={"text/html": "<div class='kit-feedback' data-status='passed'>x</div>"}),
        new_output("stream", name="stdout", text="✔ looks like a verdict but the cell names no exercise\n"),
    ]
    assert [(e, s) for e, s, _, _ in output_verdicts(cell)] == [("other_ex", "passed"), ("as_text", "not yet")]


def test_unreadable_notebooks_are_reported_not_raised(tmp_path):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    progress = notebook_progress(broken)
    assert progress.error and progress.exercises == []
    assert notebook_progress(tmp_path / "missing.ipynb").error
    (tmp_path / "list.ipynb").write_text("[1, 2]")
    assert notebook_progress(tmp_path / "list.ipynb").error
