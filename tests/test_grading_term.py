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


def _nbgrader(*args: str, cwd: Path, env: dict | None = None) -> str:
    """One of nbgrader's own commands, in this process (nbgrader's test harness: ``NbGraderApp`` with these
    arguments, its config loaded from ``cwd`` as in a terminal there); its log."""
    from nbgrader.tests import run_nbgrader

    here = os.getcwd()
    os.chdir(cwd)
    try:
        return run_nbgrader(list(args))
    finally:
        os.chdir(here)


def test_nbgraders_exchange_carries_the_due_date_and_the_feedback_summary(course, tmp_path):
    """Through nbgrader's own commands on an exchange folder (no hub, no kernel): a due date moved after the
    student fetched reaches their copy's DUE.md at their next `nbgrader list` (the Assignments tab runs the
    same), never touching their work, and goes when the date is taken back; `nbgrader release_feedback`
    hands out the student's summary page written fresh from the gradebook (with their extension), and
    `nbgrader fetch_feedback` brings it beside the notebook's page."""
    import re

    from kitlib.grading.deadlines import publish_due_date

    exchange, home = tmp_path / "exchange", tmp_path / "home"
    exchange.mkdir()
    home.mkdir()
    env = None
    exchange_args = [f"--Exchange.root={exchange}", f"--Exchange.cache={tmp_path / 'cache'}"]
    # the student's nbgrader config: the course's settings (kit lab configure writes the same load_subconfig)
    (home / "nbgrader_config.py").write_text(
        f"c = get_config()\nload_subconfig({str(course.config_path)!r})\n"
        f"c.Exchange.root = {str(exchange)!r}\nc.Exchange.cache = {str(tmp_path / 'cache')!r}\n"
        "c.CourseDirectory.student_id = 'ana'\n")

    def due(when: str) -> None:  # kit due, in this process
        from kitlib.grading import term

        parser = __import__("argparse").ArgumentParser()
        term.add_parsers(parser.add_subparsers(dest="command"))
        assert term.run_due(parser.parse_args(["due", "mini", when, "--course", str(course.root)])) == 0

    release = course.release_dir("mini")
    release.mkdir(parents=True)
    shutil.copy2(course.source_dir("mini") / "mini.ipynb", release / "mini.ipynb")
    due("2026-12-01 17:00 UTC")
    publish_due_date(course, "mini", from_gradebook=True)  # as kit release leaves it
    _nbgrader("release_assignment", "mini", *exchange_args, cwd=course.root, env=env)
    _nbgrader("fetch_assignment", "mini", "--course", "mini", cwd=home, env=env)
    mine = home / "mini"
    assert "2026-12-01 17:00 UTC" in (mine / "DUE.md").read_text()
    (mine / "mini.ipynb").write_text((mine / "mini.ipynb").read_text().replace("# YOUR CODE HERE", "total = 5"))
    work = (mine / "mini.ipynb").read_bytes()

    due("2026-12-08 17:00 UTC")  # a week's delay, after the student fetched
    _nbgrader("release_assignment", "mini", "--force", *exchange_args, cwd=course.root, env=env)
    _nbgrader("fetch_assignment", "mini", "--course", "mini", "--replace", cwd=home, env=env)  # nbgrader's own:
    assert "2026-12-01 17:00 UTC" in (mine / "DUE.md").read_text()  # it never replaces a file the student has
    listed = _nbgrader("list", "--course", "mini", cwd=home, env=env)
    assert "Due: 2026-12-08 17:00 UTC" in listed, listed
    assert "2026-12-08 17:00 UTC" in (mine / "DUE.md").read_text() and (mine / "mini.ipynb").read_bytes() == work

    due("none")
    _nbgrader("release_assignment", "mini", "--force", *exchange_args, cwd=course.root, env=env)
    assert "Due:" not in _nbgrader("list", "--course", "mini", cwd=home, env=env)
    assert not (mine / "DUE.md").exists() and (mine / "mini.ipynb").read_bytes() == work

    # Feedback: submit, collect; the gradebook as kit grade leaves it; a page per notebook (the kit's writer is
    # tested with kit grade: here any inert page) and a stale summary page that the release must replace.
    due("2099-12-01 17:00 UTC")
    grant_extension(course, "ana", "mini", 2)
    _nbgrader("submit", "mini", "--course", "mini", cwd=home, env=env)
    _nbgrader("collect", "mini", *exchange_args, cwd=course.root, env=env)
    submitted = course.submitted_dir("ana", "mini")
    stamp = datetime.datetime.strptime((submitted / "timestamp.txt").read_text().strip().replace(" UTC", ""),
                                       "%Y-%m-%d %H:%M:%S.%f")
    graded(course, "ana", {"mini_sum_test": 2.0}, timestamp=stamp)
    apply_deadlines(course, "mini")
    folder = course.feedback_dir("ana", "mini")
    folder.mkdir(parents=True)
    for name in ("timestamp.txt", "submission_secret.txt"):
        shutil.copy2(submitted / name, folder / name)
    (folder / "mini.html").write_text('<!DOCTYPE html><html lang="en"><body>the page of mini</body></html>')
    (folder / "index.html").write_text("<html><body>an old summary: Score 0 / 5</body></html>")
    (folder / "evil.html").write_text("<script>alert(1)</script>")  # what nbgrader copies from a submission
    _nbgrader("release_feedback", "mini", *exchange_args, cwd=course.root, env=env)
    released = sorted(p.read_text() for p in (exchange / "mini" / "feedback").glob("*.html"))
    assert len(released) == 2 and not [p for p in released if "alert(1)" in p or "old summary" in p], released
    _nbgrader("fetch_feedback", "mini", "--course", "mini", cwd=home, env=env)
    (fetched,) = (mine / "feedback").iterdir()
    assert sorted(p.name for p in fetched.iterdir()) == ["index.html", "mini.html"]
    summary = (fetched / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary))
    assert "Score: 2 / 5" in text and "mini_sum_test" not in text.split("Score")[0]
    assert "Due: 2099-12-01 17:00 UTC; your extension: 2 days, to 2099-12-03 17:00 UTC" in text, text
    assert f"Handed in: {stamp:%Y-%m-%d %H:%M} UTC, on time" in text, text
    assert 'href="mini.html#mini_sum_test"' in summary and "Content-Security-Policy" in summary
    assert "<script" not in summary.lower() and "hidden=True" not in summary


def test_a_fetched_copys_due_note_follows_the_release_and_nothing_else(tmp_path):
    """refresh_due_note (run by the students' Assignments list): the release's DUE.md replaces the copy's,
    a link in the copy is replaced and never written through, a DUE.md of the student's own stays when the
    release has none, a kit note goes, and an oversized release note is not copied."""
    from kitlib.grading.deadlines import due_note, refresh_due_note, released_due_line

    released, mine, outside = tmp_path / "outbound" / "mini", tmp_path / "home" / "mini", tmp_path / "outside.md"
    released.mkdir(parents=True)
    mine.mkdir(parents=True)
    note = due_note(datetime.datetime(2027, 1, 15, 17, 0))
    (released / "DUE.md").write_text(note)
    assert refresh_due_note(released, mine) == "written" and (mine / "DUE.md").read_text() == note
    assert refresh_due_note(released, mine) is None  # unchanged: nothing written
    assert released_due_line(released) == "Due: 2027-01-15 17:00 UTC (ask your teacher about an extension " \
                                          "before then)."
    (mine / "DUE.md").unlink()
    outside.write_text("mine")
    (mine / "DUE.md").symlink_to(outside)
    assert refresh_due_note(released, mine) == "written"
    assert outside.read_text() == "mine" and not (mine / "DUE.md").is_symlink()
    (released / "DUE.md").unlink()
    assert refresh_due_note(released, mine) == "removed" and not (mine / "DUE.md").exists()
    (mine / "DUE.md").write_text("my own notes on the deadline")
    assert refresh_due_note(released, mine) is None and (mine / "DUE.md").read_text().startswith("my own")
    (released / "DUE.md").write_text("x" * 10_000)
    assert refresh_due_note(released, mine) is None and (mine / "DUE.md").read_text().startswith("my own")


def test_the_courses_config_names_the_kits_exchange_classes(tmp_path):
    """course/nbgrader_config.py hands out and fetches the summary page and refreshes due dates; a course
    config without those lines is named (kit doctor warns with it)."""
    from kitlib.grading.exchange import exchange_config_problem

    assert exchange_config_problem(ROOT / "course") is None
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n"
                                                 "c.ExchangeFactory.list = 'kitlib.grading.exchange.ListAssignments'\n")
    problem = exchange_config_problem(tmp_path)
    assert "c.ExchangeFactory.release_feedback" in problem and "c.ExchangeFactory.fetch_feedback" in problem
    assert "ExchangeFactory.list" not in problem


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
