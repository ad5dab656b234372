"""The resume journal and the cluster's version fingerprint (fast: nothing is graded here)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kitlib.grading.course import Course
from kitlib.grading.journal import JOURNAL_NAME, Journal, assignment_version, content_key, result_from_record, \
    result_record, submission_digest
from kitlib.grading.submission import CellResult, Submission, SubmissionResult

pytestmark = pytest.mark.fast

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def course(tmp_path) -> Course:
    shutil.copytree(FIXTURES / "mini_course", tmp_path / "course")
    return Course.open(tmp_path / "course")


def result(student="ana", score=2.0, notes=("a note",)) -> SubmissionResult:
    return SubmissionResult(student, "mini", [CellResult("mini", "mini_sum_test", 2.0, score),
                                              CellResult("mini", "mini_words_test", 3.0, 0.0, True)],
                            list(notes), seconds=1.5, executed=True, autograded={"mini.ipynb": b"{}"},
                            timestamp="2026-01-01 10:00:00")


def submission(student="ana", text=b'{"cells": []}') -> Submission:
    return Submission(student, "mini", {"mini.ipynb": text})


# ---------------------------------------------------------------- keys

def test_content_key_follows_files_and_assignment(course):
    version = assignment_version(course, "mini")
    key = content_key(submission(), version)
    assert key == content_key(submission(), version)
    assert key != content_key(submission(text=b'{"cells": [1]}'), version)
    assert key != content_key(submission(student="ben"), version)
    assert submission_digest(submission()) != submission_digest(Submission("ana", "mini", {"mini.ipynb": b"x"},
                                                                           ("unreadable",)))
    # The assignment's definition: source folder, config, hidden checks (not generated files).
    (course.root / "release").mkdir()
    (course.root / "release" / "x.txt").write_text("generated")
    assert assignment_version(course, "mini") == version
    hidden = course.hidden_dir("mini")
    hidden.mkdir(parents=True)
    (hidden / "checks.py").write_text("SECRET = 1\n")
    assert assignment_version(course, "mini") != version
    with_hidden = assignment_version(course, "mini")
    (course.source_dir("mini") / "data.csv").write_text("1,2\n")
    assert assignment_version(course, "mini") != with_hidden


def test_result_round_trip_without_files():
    data = json.loads(json.dumps(result_record(result())))
    assert "autograded" not in data
    back = result_from_record(data)
    assert back.cells == result().cells and back.notes == ["a note"] and back.score == 2.0
    assert back.autograded == {} and back.timestamp == "2026-01-01 10:00:00"
    data["cells"][0]["future_field"] = "ignored"  # a record written by a newer kit
    data["future"] = 1
    assert result_from_record(data).cells[0].grade_id == "mini_sum_test"


# ---------------------------------------------------------------- the journal

def test_resume_skips_what_is_recorded_and_unchanged(course):
    journal = Journal.start(course, ["mini"])
    journal.record(result("ana"), key="k-ana", worker="w1")
    journal.record(result("ben", score=0.0), key="k-ben", worker="w2")
    journal.close()
    resumed = Journal.resume(course, ["mini"])
    assert resumed.run == journal.run
    assert resumed.done("ana", "mini", "k-ana").score == 2.0
    assert resumed.done("ana", "mini", "k-ana-changed") is None   # files changed since: grade again
    assert resumed.done("cleo", "mini", "k-cleo") is None         # never graded
    resumed.close()
    lines = [json.loads(l) for l in (course.root / JOURNAL_NAME).read_text().splitlines()]
    assert [l["type"] for l in lines] == ["run", "merged", "merged", "resume"]
    assert lines[1]["worker"] == "w1" and lines[1]["key"] == "k-ana"


def test_a_new_run_starts_a_new_journal(course):
    first = Journal.start(course, ["mini"])
    first.record(result("ana"), key="k-ana")
    first.close()
    second = Journal.start(course, ["mini"])
    second.close()
    assert second.run != first.run and second.recorded == {}
    assert Journal.resume(course, ["mini"]).done("ana", "mini", "k-ana") is None
    assert (course.root / ".kit-grade-journal.prev.jsonl").read_text().count('"merged"') == 1


def test_a_line_cut_by_a_crash_is_ignored_and_the_journal_goes_on(course):
    journal = Journal.start(course, ["mini"])
    journal.record(result("ana"), key="k-ana")
    journal.close()
    path = course.root / JOURNAL_NAME
    with open(path, "ab") as handle:
        handle.write(b'{"type": "merged", "student": "ben", "key": "k-b')  # the crash
    resumed = Journal.resume(course, ["mini"])
    assert set(resumed.recorded) == {("ana", "mini")}
    resumed.record(result("ben"), key="k-ben")
    resumed.close()
    again = Journal.resume(course, ["mini"])
    assert again.done("ben", "mini", "k-ben") is not None and again.done("ana", "mini", "k-ana") is not None


def test_infrastructure_zeros_are_graded_again_on_resume(course):
    journal = Journal.start(course, ["mini"])
    journal.record(result("ana", score=0.0), key="k-ana", worker="none", retry=True)
    journal.close()
    assert Journal.resume(course, ["mini"]).done("ana", "mini", "k-ana") is None


def test_resume_without_a_journal_starts_a_run(course):
    journal = Journal.resume(course, ["mini"])
    assert journal.recorded == {}
    assert json.loads((course.root / JOURNAL_NAME).read_text().splitlines()[0])["type"] == "run"


# ---------------------------------------------------------------- versions of workers

def test_fingerprint_names_what_differs(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    from kitlib.grading.cluster import differences, fingerprint, resource_name

    module = tmp_path / "course_checks_v1.py"
    module.write_text("EXERCISES = []\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("KIT_EXERCISE_MODULES", "course_checks_v1")
    ours = fingerprint()
    assert ours == fingerprint() and resource_name(ours) == resource_name(fingerprint())
    assert resource_name(ours).startswith("kit-slot-")
    module.write_text("EXERCISES = []  # changed checks\n")
    theirs = fingerprint()
    assert resource_name(theirs) != resource_name(ours)
    assert differences(ours, theirs) == [
        f"exercises:course_checks_v1 {ours['exercises:course_checks_v1'][:10]} here, "
        f"{theirs['exercises:course_checks_v1'][:10]} on the worker"]
    assert differences(ours, dict(ours, keras="2.15.0")) == [f"keras {ours['keras']} here, 2.15.0 on the worker"]
    monkeypatch.setenv("KIT_EXERCISE_MODULES", "no_such_module_here")
    assert fingerprint()["exercises:no_such_module_here"] == "missing"
