"""The real course through the grading pipeline: kit release, then three submissions per
assignment graded by ONE ``kit grade --jobs 2`` run each:

- ``instructor``: the source notebooks (solutions in place) -> full marks;
- ``untouched``: the released student version -> 0 points;
- ``planted``: each exercise's first ``wrong_answers`` code in place of ``# YOUR CODE HERE``
  in its ``<id>_answer`` cell -> every exercise loses its points, and the grade cell shows the
  message the student would see.

Notebooks and exercises are discovered from course/source and kitlib.exercises.REGISTRY.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from kitlib.grading.release import course_assignments

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"
PY = sys.executable
ASSIGNMENTS = course_assignments(COURSE)

pytestmark = pytest.mark.slow


def _grade_id(cell) -> str | None:
    return (cell.metadata.get("nbgrader") or {}).get("grade_id")


def wrong_answers(exercise) -> list:
    """The exercise's planted wrong answers: course-side (COURSE/hidden) or, not yet ported, its own."""
    from kitlib.exercises import hidden

    return hidden.planted_wrong_answers(exercise, COURSE / "hidden")


def exercises_in(notebooks: list[Path]) -> dict[str, tuple[str, object]]:
    """exercise id -> (notebook name, Exercise) for every <id>_answer cell found."""
    from kitlib.exercises import REGISTRY

    known = {e.id: e for e in REGISTRY.all()}
    found = {}
    for path in notebooks:
        for cell in nbformat.read(str(path), as_version=4).cells:
            gid = _grade_id(cell) or ""
            if gid.endswith("_answer") and gid[: -len("_answer")] in known:
                found[gid[: -len("_answer")]] = (path.name, known[gid[: -len("_answer")]])
    return found


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def pipeline(request, tmp_path_factory):
    assignment = request.param
    course = tmp_path_factory.mktemp(f"pipeline_{assignment}") / "course"
    shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns(
        "gradebook.db", "release", "submitted", "autograded", "feedback", "reports", "grades.csv",
        ".ipynb_checkpoints"))
    env = dict(os.environ, PATH=str(Path(PY).parent) + os.pathsep + os.environ.get("PATH", ""))
    done = subprocess.run([PY, "-m", "kitlib.cli", "release", assignment, "--course", str(course)],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    source = sorted((course / "source" / assignment).glob("*.ipynb"))
    released = course / "release" / assignment
    exercises = exercises_in(source)
    for student in ("instructor", "untouched", "planted"):
        (course / "submitted" / student / assignment).mkdir(parents=True)
    for path in source:
        shutil.copy(path, course / "submitted" / "instructor" / assignment / path.name)
        shutil.copy(released / path.name, course / "submitted" / "untouched" / assignment / path.name)
        nb = nbformat.read(str(released / path.name), as_version=4)
        for cell in nb.cells:
            gid = _grade_id(cell) or ""
            eid = gid[: -len("_answer")] if gid.endswith("_answer") else None
            if eid in exercises and wrong_answers(exercises[eid][1]):
                assert "# YOUR CODE HERE" in cell.source, gid
                cell.source = cell.source.replace("# YOUR CODE HERE", wrong_answers(exercises[eid][1])[0][0])
        nbformat.write(nb, str(course / "submitted" / "planted" / assignment / path.name))
    run = subprocess.run([PY, "-m", "kitlib.cli", "grade", assignment, "--course", str(course), "--jobs", "2"],
                         capture_output=True, text=True, env=env, timeout=1400)
    from nbgrader.api import Gradebook

    cells = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in ("instructor", "untouched", "planted"):
            submission = gb.find_submission(assignment, student)
            cells[student] = {g.name: (g.score, g.max_score) for nb in submission.notebooks for g in nb.grades}
    return {"assignment": assignment, "course": course, "run": run, "cells": cells, "exercises": exercises}


def test_grade_run_succeeds(pipeline):
    run = pipeline["run"]
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "[3/3]" in run.stdout


def test_every_exercise_has_a_grade_cell(pipeline):
    assert pipeline["exercises"], f"no exercises found in {pipeline['assignment']}"
    for eid in pipeline["exercises"]:
        assert f"{eid}_test" in pipeline["cells"]["instructor"], eid


def test_instructor_version_gets_full_marks(pipeline):
    lost = {g: s for g, s in pipeline["cells"]["instructor"].items() if s[0] != s[1]}
    assert not lost, f"{lost}\n{pipeline['run'].stdout[-4000:]}"


def test_untouched_student_version_gets_zero(pipeline):
    earned = {g: s for g, s in pipeline["cells"]["untouched"].items() if s[0]}
    assert not earned, earned


def test_planted_wrong_answers_lose_points_with_the_students_message(pipeline):
    course, assignment = pipeline["course"], pipeline["assignment"]
    outputs = {}
    for path in (course / "autograded" / "planted" / assignment).glob("*.ipynb"):
        for cell in nbformat.read(str(path), as_version=4).cells:
            if _grade_id(cell):
                outputs[_grade_id(cell)] = "\n".join(
                    o.get("text", "") + "\n".join(o.get("traceback", [])) + str(o.get("evalue", ""))
                    for o in cell.get("outputs", []))
    for eid, (_, exercise) in pipeline["exercises"].items():
        if not wrong_answers(exercise):
            continue
        score, _ = pipeline["cells"]["planted"][f"{eid}_test"]
        assert score == 0, f"{eid}: the planted wrong answer kept {score} points"
        fragment = wrong_answers(exercise)[0][1]
        assert fragment.lower() in outputs.get(f"{eid}_test", "").lower(), (eid, fragment, outputs.get(f"{eid}_test"))


def test_feedback_and_report_written(pipeline):
    course, assignment = pipeline["course"], pipeline["assignment"]
    for student in ("instructor", "untouched", "planted"):
        files = list((course / "feedback" / student / assignment).glob("*.html"))
        assert files
        for path in files:
            assert "BEGIN HIDDEN TESTS" not in path.read_text()
    assert (course / "reports" / f"{assignment}.html").is_file()
