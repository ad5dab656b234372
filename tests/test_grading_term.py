"""A term's bookkeeping without grading: the class list, due dates, extensions, the late policy,
the bounded report notes, the LMS export's cells and the Generate Feedback guard (no TensorFlow,
no kernel: the gradebook is filled with nbgrader's own API)."""
from __future__ import annotations

import csv
import datetime
import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from kitlib.grading.course import Course, CourseError
from kitlib.grading.deadlines import (DAY, LatePolicy, apply_deadlines, grant_extension, read_extensions,
                                      set_due_date)
from kitlib.grading.gradebook import read_grades
from kitlib.grading.lms_export import csv_cell, export_rows
from kitlib.grading.nbgrader_feedback import FEEDBACK_PREPROCESSORS, WithholdMarkers, configured_preprocessors, \
    feedback_config_problem
from kitlib.grading.report import condense
from kitlib.grading.roster import check_submitted, import_roster, list_students, name_students, read_roster

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def course(tmp_path, monkeypatch) -> Course:
    """The mini course with a gradebook that knows the assignment (as nbgrader db assignment add does)."""
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    root = tmp_path / "course"
    shutil.copytree(FIXTURES / "mini_course", root)
    return Course.open(root)


def graded(course: Course, student: str, scores: dict[str, float], timestamp: datetime.datetime | None = None):
    """A submission in the gradebook, as kit grade's merge leaves it (auto scores, a timestamp)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, course.course_id()) as gb:
        try:
            gb.find_notebook("mini", "mini")
        except MissingEntry:
            gb.update_or_create_assignment("mini")
            gb.update_or_create_notebook("mini", "mini")
            for gid, points in (("mini_sum_test", 2), ("mini_words_test", 3)):
                gb.update_or_create_grade_cell(gid, "mini", "mini", max_score=points, cell_type="code")
            for gid in ("mini_sum_answer", "mini_words_answer"):
                gb.update_or_create_solution_cell(gid, "mini", "mini")
        gb.update_or_create_student(student)
        submission = gb.update_or_create_submission("mini", student, timestamp=timestamp)
        for nb in submission.notebooks:
            for grade in nb.grades:
                grade.auto_score = scores.get(grade.name, 0.0)
        gb.db.commit()


ROSTER = """Username,Given name,Surname,E-mail,SIS User ID,Notes
ana,Ana,Lopez,ana@example.org,S001,x
ben,Ben,Okafor,,S002,
bad id!,Bad,Id,,,
ana,Again,Twice,,,
"""


def test_roster_import_reads_loose_columns_and_refuses_unsafe_ids(course, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    summary = import_roster(course, roster)
    assert (summary.added, summary.updated) == (2, 0)
    assert len(summary.refused) == 2 and "line 4" in summary.refused[0] and "listed twice" in summary.refused[1]
    assert list_students(course) == [
        {"id": "ana", "first_name": "Ana", "last_name": "Lopez", "email": "ana@example.org", "lms_user_id": "S001"},
        {"id": "ben", "first_name": "Ben", "last_name": "Okafor", "email": "", "lms_user_id": "S002"}]
    again = import_roster(course, roster)
    assert (again.added, again.updated) == (0, 2)


def test_roster_without_an_id_column_is_refused(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("name,mail\nAna,a@x\n")
    with pytest.raises(CourseError, match="no student id column"):
        read_roster(path)


def test_students_without_a_name_are_named_by_their_id_until_a_roster_names_them(course, tmp_path):
    """nbgrader enrols a submitter without a name (the formgrader showed "None, None"): the id stands in,
    a name the roster gave is never overwritten, and a roster imported later replaces the id."""
    from nbgrader.api import Gradebook

    roster = tmp_path / "roster.csv"
    roster.write_text("id,last_name\nben,Okafor\n")
    import_roster(course, roster)  # ben: a last name only
    for student in ("ana", "ben", "cy"):
        graded(course, student, {"mini_sum_test": 2})
    with Gradebook(course.db_url, None) as gb:
        assert sorted(name_students(gb, ["ana", "ben"])) == ["ana"]  # only those asked for
        assert sorted(name_students(gb)) == ["cy"]
        assert name_students(gb) == []  # named once
    people = {s["id"]: (s["first_name"], s["last_name"]) for s in list_students(course)}
    assert people == {"ana": ("", "ana"), "ben": ("", "Okafor"), "cy": ("", "cy")}
    roster.write_text("id,first_name,last_name\nana,Ana,Lopez\n")
    import_roster(course, roster)
    assert list_students(course)[0] == {"id": "ana", "first_name": "Ana", "last_name": "Lopez", "email": "",
                                         "lms_user_id": ""}


def test_a_due_date_is_course_metadata_and_a_new_one_reaches_the_workspace(course, tmp_path):
    """``kit due`` changes no source file (the assignment's digest stays, a --resume regrades nothing); the
    release carries the date in DUE.md, and a new date replaces the note in a workspace that has the old
    one, where the student's own files stay as they are."""
    from kitlib.grading import term
    from kitlib.grading.journal import assignment_version
    from kitlib.lab import COURSE_MAP, copy_released

    def due(when: str) -> None:
        parser = __import__("argparse").ArgumentParser()
        term.add_parsers(parser.add_subparsers(dest="command"))
        args = parser.parse_args(["due", "mini", when, "--course", str(course.root)])
        assert term.run_due(args) == 0

    before = assignment_version(course, "mini")
    due("2026-12-01 17:00 UTC")  # before any release: only the gradebook
    assert assignment_version(course, "mini") == before and not (course.source_dir("mini") / "DUE.md").exists()
    release = course.release_dir("mini")
    release.mkdir(parents=True)
    shutil.copy2(course.source_dir("mini") / "mini.ipynb", release / "mini.ipynb")  # as kit release leaves it
    from kitlib.grading.deadlines import publish_due_date

    publish_due_date(course, "mini", from_gradebook=True)  # what kit release does after generating
    assert "2026-12-01 17:00 UTC" in (release / "DUE.md").read_text()
    workspace = tmp_path / "student"
    copy_released(course.root / "release", ["mini"], workspace)
    (workspace / "mini" / "mini.ipynb").write_text("{} the student's work")
    assert "**Due: 2026-12-01 17:00 UTC**" in (workspace / COURSE_MAP).read_text()

    due("2026-12-08 17:00 UTC")  # a week's delay, after the release
    assert assignment_version(course, "mini") == before and not (course.source_dir("mini") / "DUE.md").exists()
    assert "2026-12-08 17:00 UTC" in (release / "DUE.md").read_text()
    report = copy_released(course.root / "release", ["mini"], workspace)  # kit lab's next start
    assert "2026-12-08 17:00 UTC" in (workspace / "mini" / "DUE.md").read_text()
    assert "**Due: 2026-12-08 17:00 UTC**" in (workspace / COURSE_MAP).read_text()
    assert "2026-12-01" not in (workspace / COURSE_MAP).read_text()
    assert (workspace / "mini" / "mini.ipynb").read_text() == "{} the student's work"
    assert workspace / "mini" / "mini.ipynb" in report.kept
    due("none")
    copy_released(course.root / "release", ["mini"], workspace)
    assert not (release / "DUE.md").exists() and not (workspace / "mini" / "DUE.md").exists()
    assert "Due:" not in (workspace / COURSE_MAP).read_text()


def test_check_submitted_names_missing_unknown_and_stray(course, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    import_roster(course, roster)
    (course.root / "submitted" / "ana" / "mini").mkdir(parents=True)
    (course.root / "submitted" / "zoe" / "mini").mkdir(parents=True)
    (course.root / "submitted" / "stray" / "notes").mkdir(parents=True)
    check = check_submitted(course, ["mini"])
    assert check.missing == {"mini": ["ben"]}
    assert check.unknown == ["zoe"]
    assert check.no_assignment == [("stray", ["notes"])]


def test_late_policy_extension_and_manual_score(course):
    with (course.config_path).open("a") as handle:
        handle.write("\nc.KitLatePolicy.penalty_per_day = 20\nc.KitLatePolicy.max_penalty = 50\n")
    due = datetime.datetime(2026, 1, 10, 12, 0)
    set_due_date(course, "mini", due)
    graded(course, "ana", {"mini_sum_test": 2, "mini_words_test": 3}, due + datetime.timedelta(hours=30))
    graded(course, "ben", {"mini_sum_test": 2}, due + datetime.timedelta(days=1))
    graded(course, "cleo", {"mini_sum_test": 2, "mini_words_test": 3}, due + datetime.timedelta(days=9))
    graded(course, "dan", {"mini_sum_test": 2}, due - datetime.timedelta(days=1))
    grant_extension(course, "ben", "mini", 2)
    assert read_extensions(course) == {("ben", "mini"): 2.0}
    late = apply_deadlines(course, "mini")
    assert late["ana"].penalty == 2.0  # 2 started days x 20 % of 5 points
    assert late["ben"].penalty == 0.0 and late["ben"].extension_days == 2  # on time with the extension
    assert late["cleo"].penalty == 2.5  # capped at 50 %
    assert late["dan"].penalty == 0.0
    grades = read_grades(course, "mini")
    assert grades.submissions["ana"].score == 3.0 and grades.submissions["ana"].raw_score == 5.0
    assert grades.submissions["ben"].extension == datetime.timedelta(days=2)
    # a manual grade in the formgrader: the penalty follows the new raw score at the next apply
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gb:
        gb.find_grade("mini_words_test", "mini", "mini", "dan").manual_score = 1.5
        gb.db.commit()
    apply_deadlines(course, "mini")
    assert read_grades(course, "mini").submissions["dan"].score == 3.5
    grant_extension(course, "ben", "mini", 0)  # 0 removes it
    assert read_extensions(course) == {}
    assert apply_deadlines(course, "mini")["ben"].penalty == 1.0  # 1 day late now: 20 % of 5


def test_late_policy_values_are_checked(course):
    with (course.config_path).open("a") as handle:
        handle.write("\nc.KitLatePolicy.max_penalty = 150\n")
    with pytest.raises(CourseError, match="max_penalty"):
        LatePolicy.of(course)
    assert LatePolicy().penalty(5, 5, 10 * DAY) == 0.0  # no policy: no penalty


def test_export_cells_never_evaluate_and_missing_is_empty(course, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,first_name,last_name,lms_user_id\nana,=cmd|' /C calc'!A0,Lopez,S1\nben,Ben,+1,S2\n")
    import_roster(course, roster)
    graded(course, "ana", {"mini_sum_test": 2, "mini_words_test": 1.5})
    rows = export_rows(course, "canvas")
    assert rows[1][5] == "5"
    ana = next(r for r in rows if r[3] == "ana")
    ben = next(r for r in rows if r[3] == "ben")
    assert ana[0] == "Lopez, =cmd|' /C calc'!A0" and ana[2] == "S1" and ana[5] == "3.5"
    assert ben[0] == "'+1, Ben" and ben[5] == ""
    assert csv_cell(-1.5) == "-1.5" and csv_cell("-x") == "'-x"
    with pytest.raises(CourseError, match="unknown export format"):
        export_rows(course, "blackboard")


def test_condense_caps_and_groups_notes():
    flood = [f"the entry '{i}.txt' was skipped: over the file cap" for i in range(3000)]
    lines = condense(flood + ["kernel died", "kernel died"])
    assert len(lines) <= 8
    assert lines[3] == "… and 2,997 more like this (the entry '…' was skipped: over the file cap)"
    assert "kernel died (×2)" in lines
    many = condense([f"kind {chr(65 + i)} of problem" for i in range(20)], limit=5)
    assert len(many) == 5 and many[-1].startswith("… and ")


def test_course_config_makes_generate_feedback_the_kits():
    assert configured_preprocessors(ROOT / "course") == FEEDBACK_PREPROCESSORS
    assert feedback_config_problem(ROOT / "course") is None
    assert feedback_config_problem(FIXTURES / "mini_course") is None  # it loads the course's config


def test_stock_config_is_named_a_leak(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    assert "shows the hidden tests" in feedback_config_problem(tmp_path)
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.GenerateFeedback.preprocessors = ['nbgrader.preprocessors.GetGrades']\n")
    assert "lacks kitlib.grading.feedback.HideHiddenTests" in feedback_config_problem(tmp_path)
    (tmp_path / "nbgrader_config.py").write_text(  # hidden tests withheld, but nbconvert's live pages
        "c = get_config()\nc.GenerateFeedback.preprocessors = ['kitlib.grading.feedback.HideHiddenTests']\n")
    assert "exporter_class is not kitlib.grading.feedback.InertHTMLExporter" in feedback_config_problem(tmp_path)


def test_withhold_markers_replaces_printed_markers():
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    cell = new_code_cell("print(secret)", outputs=[new_output("stream", name="stdout",
                                                               text="### BEGIN HIDDEN TESTS\nassert x\n"),
                                                    new_output("stream", name="stdout", text="fine\n")])
    nb = new_notebook(cells=[cell])
    nb, _ = WithholdMarkers().preprocess(nb, {})
    texts = [o["text"] for o in nb.cells[0].outputs]
    assert "HIDDEN" not in "".join(texts) and "withheld" in texts[0] and texts[1] == "fine\n"
    nbformat.validate(nb)


def test_report_messages_come_from_the_trusted_recheck_only():
    """A check message the notebook displayed counts only where the trusted re-check says the same."""
    from kitlib.grading.submission import trusted_messages

    real = "the total: expected 5, got 4. Hint: Add 2 and 3."
    recheck = {"status": "failed", "message": "re-check disagreed: " + real}
    assert trusted_messages([real], recheck) == [real]
    assert trusted_messages(["FORGED: the kit is broken", real], recheck) == [real]
    assert trusted_messages(["FORGED"], recheck) == [real]
    assert trusted_messages(["FORGED"], {"status": "missing", "message": "no answer was recorded"}) == []
    assert trusted_messages(["FORGED"], {"status": "passed", "message": "re-check passed"}) == []
    tampered = {"status": "failed", "message": "tampering: kitlib replaced; re-check: " + real}
    assert trusted_messages(["FORGED"], tampered) == [real]
