"""The teacher's report from plain data: titles from headings, verdicts from grade-cell outputs,
grouped mistakes, missed exercises, blank submissions, whole-point histogram.

The same report drawn from a real ``kit grade`` run on a course with planted mistakes is
checked in tests/test_grading_teacher_e2e.py.
"""
from __future__ import annotations

import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kitlib.grading import messages, report
from kitlib.grading.submission import CellResult, SubmissionResult

pytestmark = pytest.mark.fast


def graded(cell, gid, **flags):
    cell.metadata["nbgrader"] = {"grade_id": gid, "schema_version": 3, "locked": False,
                                 "solution": False, "grade": False, **flags}
    return cell


def chapter_notebook():
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# A7 · Transfer learning with a *Sequential* model\nIntro text."),
        new_markdown_cell("## Frozen layers do not learn\nExplanation."),
        new_code_cell("x = 1"),
        new_markdown_cell("## Exercise 1 · Freeze all but the `last` layer\nDo it."),
        graded(new_code_cell("model = None"), "freeze_answer", solution=True),
        graded(new_code_cell('grade("freeze", model)'), "freeze_test", grade=True, points=2),
        new_markdown_cell("Some words.\n\n## Exercise 2 · Reuse a [trained](http://x) body\nMore."),
        new_markdown_cell("A hint without a heading."),
        graded(new_code_cell("head = None"), "head_answer", solution=True),
        new_code_cell("print('helper cell between answer and grade cell')"),
        graded(new_code_cell('grade("head", head)'), "head_test", grade=True, points=3),
        graded(new_code_cell('grade("orphan", x)'), "orphan_test", grade=True, points=1),
    ]
    return nb


def test_titles_come_from_the_chapter_heading_and_the_heading_above_the_answer_cell():
    found = {i.grade_id: i for i in report.notebook_exercises(chapter_notebook(), "07_transfer")}
    assert found["freeze_test"].label == "A7 · Transfer learning with a Sequential model · " \
                                         "Exercise 1 · Freeze all but the last layer"
    assert found["head_test"].title == "Exercise 2 · Reuse a trained body"
    # No answer cell of its own: the nearest heading above the grade cell.
    assert found["orphan_test"].title == "Exercise 2 · Reuse a trained body"
    assert [found[g].order for g in ("freeze_test", "head_test", "orphan_test")] == [0, 1, 2]


def test_notebook_without_headings_falls_back_to_its_name_and_the_grade_id():
    nb = new_notebook()
    nb.cells = [graded(new_code_cell("a = None"), "a_answer", solution=True),
                graded(new_code_cell("grade('a', a)"), "a_test", grade=True, points=1)]
    (info,) = report.notebook_exercises(nb, "03_shapes")
    assert (info.chapter, info.title) == ("03_shapes", "a_test")


def test_setext_and_fenced_headings():
    assert report.headings("Title\n=====\n```\n# not a heading\n```\nSub\n---") == [(1, "Title"), (2, "Sub")]


def test_catalog_reads_notebooks_and_skips_broken_files(tmp_path):
    nbformat.write(chapter_notebook(), str(tmp_path / "07_transfer.ipynb"))
    (tmp_path / "08_broken.ipynb").write_text("{ not json")
    catalog = report.exercise_catalog(sorted(tmp_path.glob("*.ipynb")))
    assert set(catalog) == {("07_transfer", "freeze_test"), ("07_transfer", "head_test"),
                            ("07_transfer", "orphan_test")}


# ---------------------------------------------------------------- verdicts from outputs

FAILED_TEXT = ("✘ Freeze: not yet (2 things to fix)\n"
               "  - trainable layers of the base: expected 0, got 4. Hint: set base.trainable = False\n"
               "  - number of layers: expected 3,\n    got 5")


def grade_cell(gid, *outputs):
    cell = graded(new_code_cell(f'grade("{gid}", x)'), f"{gid}_test", grade=True, points=1)
    cell.outputs = list(outputs)
    return cell


def test_verdicts_from_error_outputs_feedback_records_and_plain_success():
    feedback = {"exercise": "b", "title": "B", "status": "not yet", "problems": ["type of words: expected list, got str"]}
    nb = new_notebook()
    nb.cells = [
        grade_cell("a", new_output("error", ename="ExerciseNotPassed", evalue=FAILED_TEXT, traceback=[])),
        grade_cell("b", new_output("display_data", data={"text/plain": "✘", messages.FEEDBACK_MIME: feedback}),
                   new_output("error", ename="ExerciseNotPassed", evalue="✘ B: not yet (1 thing to fix)\n  - other",
                              traceback=[])),
        grade_cell("c", new_output("stream", name="stdout", text="✔ C: passed. Well done!\n")),
        grade_cell("d", new_output("error", ename="ExerciseNotPassed",
                                   evalue="○ D: not attempted yet. Write your answer ...", traceback=[])),
        grade_cell("e", new_output("error", ename="NameError", evalue="name 'model' is not defined", traceback=[])),
        grade_cell("f"),
        grade_cell("g", new_output("display_data", data={messages.FEEDBACK_MIME: {**feedback, "status": "passed"}}),
                   new_output("display_data", data={messages.FEEDBACK_MIME: {**feedback, "problems": [
                       {"what": "order", "text": "order: expected [a, b], got [b, a]"}]}})),
    ]
    v = messages.read_verdicts(nb)
    assert v["a_test"] == messages.Verdict("not yet", [
        "trainable layers of the base: expected 0, got 4. Hint: set base.trainable = False",
        "number of layers: expected 3, got 5"])
    assert v["b_test"] == messages.Verdict("not yet", ["type of words: expected list, got str"])  # the record wins
    assert v["c_test"].status == "passed"
    assert v["d_test"] == messages.Verdict("not attempted", [])
    assert v["e_test"] == messages.Verdict("error", ["the grade cell raised NameError: name 'model' is not defined"])
    assert v["f_test"].status == ""  # never ran
    assert v["g_test"] == messages.Verdict("not yet", ["order: expected [a, b], got [b, a]"])  # the failing record


def test_recheck_message_on_one_line_is_split_into_problems():
    text = "✘ Words: not yet (2 things to fix) - order of the words: expected [a], got [b] - number of words: expected 2, got 1"
    assert messages.parse_feedback_text(text).problems == ["order of the words: expected [a], got [b]",
                                                         "number of words: expected 2, got 1"]


def test_mistakes_group_by_their_stable_part_not_exact_text():
    keys = {messages.mistake_key(m) for m in [
        "trainable layers of the base: expected 0, got 4. Hint: freeze it",
        "trainable layers of the base: expected 0, got 19",
        "Trainable layers of the base: expected 0, got 2"]}
    assert len(keys) == 1
    assert messages.mistake_key("layer 2 units: expected 64, got 32") == messages.mistake_key("layer 3 units: expected 8, got 1")
    assert messages.mistake_key("your answer raised NameError: name 'a' is not defined") == \
        messages.mistake_key("your answer raised NameError: name 'bb' is not defined")
    assert messages.mistake_key("number of layers: expected 3, got 4") != messages.mistake_key("output shape: expected 3")


# ---------------------------------------------------------------- the summary and the page


def cell(nb, gid, points, score, status="", problems=()):
    return CellResult(nb, gid, points, score, status=status, problems=list(problems))


def planted_results():
    def sub(student, freeze, head, orphan=("passed", []), notes=()):
        cells = [cell("07_transfer", "freeze_test", 2, 2 if freeze[0] == "passed" else 0, *freeze),
                 cell("07_transfer", "head_test", 3, 3 if head[0] == "passed" else 0, *head),
                 cell("07_transfer", "orphan_test", 1, 1 if orphan[0] == "passed" else 0, *orphan)]
        return SubmissionResult(student, "transfer", cells, notes=list(notes), seconds=3.0, executed=True)

    ok = ("passed", [])
    unfrozen = lambda n: ("not yet", [f"trainable layers of the base: expected 0, got {n}. Hint: freeze the base"])
    return [
        sub("ana", ok, ok),
        sub("ben", unfrozen(4), ok),
        sub("cleo", unfrozen(19), ("not yet", ["output units: expected 10, got 1", "number of layers: expected 3, got 2"])),
        sub("dan", unfrozen(2), ("not yet", ["output units: expected 10, got 5"])),
        sub("eve", ok, ("error", ["the grade cell raised NameError: name 'head' is not defined"])),
        sub("finn", ("not attempted", []), ("not attempted", []), ("not attempted", [])),
        sub("gus", ("not attempted", []), ok, notes=["07_transfer: test cell freeze_test was edited"]),
    ]


def test_summary_orders_hardest_first_and_groups_mistakes_per_student():
    catalog = {(i.notebook, i.grade_id): i for i in report.notebook_exercises(chapter_notebook(), "07_transfer")}
    summary = report.summarise("transfer", planted_results(), catalog)
    shares = [(e.info.grade_id, e.passed, e.submissions) for e in summary.exercises]
    assert shares == [("freeze_test", 2, 7), ("head_test", 3, 7), ("orphan_test", 6, 7)]
    freeze = summary.exercises[0]
    assert [(m.what, sorted(m.students)) for m in freeze.mistakes] == [
        ("trainable layers of the base", ["ben", "cleo", "dan"]),
        ("not attempted", ["finn", "gus"])]
    assert round(100 * freeze.mistakes[0].share(7)) == 43
    head = summary.exercises[1]
    assert [(m.what, len(m.students)) for m in head.mistakes][0] == ("output units", 2)
    by_student = {s.student: s for s in summary.students}
    assert [i.grade_id for i, _ in by_student["cleo"].missed] == ["freeze_test", "head_test"]
    assert by_student["cleo"].missed[1][1] == "output units: expected 10, got 1"
    assert by_student["ana"].missed == []
    # The blank submission is a problem line; a submission with its own notes keeps just those.
    assert any("blank submission" in p and "3 exercises" in p for p in by_student["finn"].problems)
    assert by_student["gus"].problems == ["07_transfer: test cell freeze_test was edited"]


def test_rendered_report_shows_titles_shares_mistakes_missed_and_problems():
    catalog = {(i.notebook, i.grade_id): i for i in report.notebook_exercises(chapter_notebook(), "07_transfer")}
    page = report.render_report(report.summarise("transfer", planted_results(), catalog), "bubblewrap")
    text = re.sub(r"<[^>]+>", "", page)
    first = text.index("Exercise 1 · Freeze all but the last layer")
    assert first < text.index("Exercise 2 · Reuse a trained body")  # hardest first
    assert "A7 · Transfer learning with a Sequential model · Exercise 1" in text
    assert "43 % trainable layers of the base (3 of 7)" in text
    assert "29 % did not attempt it (2 of 7)" in text
    assert "<b>finn</b>: blank submission" in page
    assert 'id="student-cleo"' in page and "Exercise 2 · Reuse a trained body — output units" in text
    assert "<script" not in page  # self-contained and inert


def test_histogram_counts_whole_points():
    svg = report.score_histogram_svg([0, 0, 2.5, 2, 6], 6)
    bars = re.findall(r"<title>(\d+) point\(s\): (\d+) student\(s\)</title>", svg)
    assert bars == [("0", "2"), ("2", "2"), ("6", "1")]
    ticks = re.findall(r'text-anchor="middle">(\d+)</text>', svg)
    assert ticks == [str(i) for i in range(7)]


def test_write_report_reads_titles_from_the_course_source(tmp_path):
    source = tmp_path / "source" / "transfer"
    source.mkdir(parents=True)
    nbformat.write(chapter_notebook(), str(source / "07_transfer.ipynb"))
    path = report.write_report(tmp_path, "transfer", planted_results(), "none")
    assert path == tmp_path / "reports" / "transfer.html"
    assert "Exercise 1 · Freeze all but the last layer" in path.read_text()


def test_untouched_problem_needs_every_exercise_not_attempted():
    results = planted_results()
    assert report.untouched_problem(results[5])
    assert report.untouched_problem(results[6]) is None
    assert report.untouched_problem(SubmissionResult("x", "a", [])) is None


def test_the_grader_stores_what_each_grade_cell_told_the_student(tmp_path):
    from kitlib.grading.submission import read_executed

    nb = new_notebook()
    nb.cells = [grade_cell("a", new_output("error", ename="ExerciseNotPassed", evalue=FAILED_TEXT, traceback=[])),
                grade_cell("b", new_output("stream", name="stdout", text="✔ B: passed. Well done!\n"))]
    nbformat.write(nb, str(tmp_path / "07_transfer.ipynb"))
    (tmp_path / "08_broken.ipynb").write_text("{")
    result = SubmissionResult("ana", "transfer", [CellResult("07_transfer", "a_test", 1, 0),
                                                  CellResult("07_transfer", "b_test", 1, 1),
                                                  CellResult("08_broken", "a_test", 1, 0)])
    read_executed(result, tmp_path)
    a, b, other = result.cells
    assert (a.status, len(a.problems), b.status, other.status) == ("not yet", 2, "passed", "")
    assert a.problems[0].startswith("trainable layers of the base")
    assert result.notes == ["08_broken.ipynb: the executed notebook could not be read back"]


def test_a_grade_cell_that_fails_because_a_cell_above_raised_names_that_error():
    answer = graded(new_code_cell("total = json.loads('{')"), "a_answer", solution=True)
    answer.outputs = [new_output("error", ename="JSONDecodeError", evalue="Expecting value: line 1 column 2",
                                 traceback=[])]
    helper = new_code_cell("print(undefined)")
    helper.outputs = [new_output("error", ename="NameError", evalue="name 'undefined' is not defined", traceback=[])]
    nb = new_notebook()
    nb.cells = [answer, grade_cell("a", new_output("error", ename="NameError", evalue="name 'total' is not defined",
                                                  traceback=[])),
                helper, grade_cell("b", new_output("error", ename="NameError", evalue="name 'x'", traceback=[])),
                grade_cell("c", new_output("error", ename="NameError", evalue="name 'y'", traceback=[]))]
    v = messages.read_verdicts(nb)
    assert v["a_test"].problems == ["the answer cell raised JSONDecodeError: Expecting value: line 1 column 2"]
    assert v["b_test"].problems == ["a cell above the check raised NameError: name 'undefined' is not defined"]
    assert v["c_test"].problems == ["the grade cell raised NameError: name 'y'"]  # its own error: no cause above


def test_long_messages_are_cut_with_the_whole_text_in_a_tooltip():
    long = "order of the words: expected ['" + "x" * 400 + "'], got ['" + "y" * 400 + "']"
    results = [SubmissionResult("ana", "t", [cell("nb", "w_test", 1, 0, "not yet", [long])])]
    page = report.render_report(report.summarise("t", results, {}), "none")
    shown = re.sub(r'title="[^"]*"', "", page)
    assert "x" * 400 not in shown and "…" in shown
    assert f'title="{long.replace(chr(39), "&#x27;")}"' in page


def test_students_without_a_submission_are_named():
    results = planted_results()
    summary = report.summarise("transfer", results, {}, missing=["zoe", "ana", "yan"])
    assert summary.missing == ["yan", "zoe"]  # ana has a result
    page = report.render_report(summary, "none")
    assert '<li>No submission (2): <span class="missing">yan, zoe</span></li>' in page  # in the summary
