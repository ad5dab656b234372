"""Self-study mode (issue 20): ``kit release --self-study`` / ``course/kit.toml`` writes the worked solutions
next to the notebooks; a graded release (the default) holds none and its leak check still finds one.

The first tests read the real course's sources without nbgrader or TensorFlow; the last one releases the
mini course with nbgrader, once graded and once for self-study.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kitlib.exercises import core, tutor
from kitlib.exercises.hidden import normalise_text
from kitlib.grading import release
from kitlib.grading.release import ReleaseError, practice_mode, student_side_leaks, worked_solutions, write_solutions

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"
FIXTURES = ROOT / "tests" / "fixtures"


def test_practice_mode_is_graded_unless_the_course_says_self_study(tmp_path):
    assert practice_mode(tmp_path) == "graded"
    (tmp_path / "kit.toml").write_text('[practice]\nmode = "self-study"\n')
    assert practice_mode(tmp_path) == "self-study"
    (tmp_path / "kit.toml").write_text('[practice]\nmode = "open"\n')
    with pytest.raises(ReleaseError, match="graded.*self-study"):
        practice_mode(tmp_path)
    assert practice_mode(COURSE) == "graded"  # the kit's own course is graded


def test_worked_solutions_are_the_source_solution_regions_with_the_exercise_titles():
    solutions = worked_solutions(COURSE, "sequential_model")
    assert set(solutions) == {e.id for e in core.REGISTRY.all() if e.id.startswith("seq")}
    entry = solutions["seq03_weight_shapes"]
    assert entry["title"] == core.REGISTRY.get("seq03_weight_shapes").title
    assert "### BEGIN SOLUTION" not in entry["solution"] and "weight_shapes =" in entry["solution"]


@pytest.mark.parametrize("assignment", ["sequential_model", "functional_api"])
def test_the_solutions_file_is_a_leak_in_a_graded_release_and_intended_in_a_self_study_one(tmp_path, assignment):
    released = tmp_path / assignment
    released.mkdir()
    write_solutions(COURSE, assignment, released)
    none = tmp_path / "no-package"
    assert student_side_leaks(COURSE, assignment, released=released, package=none, self_study=True) == []
    graded = student_side_leaks(COURSE, assignment, released=released, package=none)
    assert {leak.kind for leak in graded} >= {"reference solution"}
    assert all(leak.notebook == f"{assignment}/{tutor.SOLUTIONS_FILE}" for leak in graded)


def test_self_study_still_refuses_solutions_elsewhere_and_other_secrets_in_the_file(tmp_path):
    released = tmp_path / "sequential_model"
    released.mkdir()
    path = write_solutions(COURSE, "sequential_model", released)
    solution_line = next(line for entry in worked_solutions(COURSE, "sequential_model").values()
                         for line in entry["solution"].splitlines() if len(normalise_text(line)) >= 40)
    (released / "notes.md").write_text(solution_line + "\n")  # a planted solution line outside the file
    from kitlib.exercises import hidden

    spec = hidden.load(COURSE / "hidden" / "sequential_model")["seq07_new_head"]
    data = json.loads(path.read_text())
    data["exercises"]["seq07_new_head"]["explanation"] += "\n" + spec.wrong_answers[1][0]  # a planted mistake
    path.write_text(json.dumps(data))
    leaks = student_side_leaks(COURSE, "sequential_model", released=released, package=tmp_path / "none",
                               self_study=True)
    assert any(leak.notebook.endswith("notes.md") and leak.kind == "reference solution" for leak in leaks), leaks
    assert any(leak.notebook.endswith(tutor.SOLUTIONS_FILE) and leak.kind == "planted wrong answer"
               for leak in leaks), leaks


@pytest.mark.slow
def test_kit_release_self_study_then_graded_on_the_mini_course(tmp_path, monkeypatch):
    course = tmp_path / "mini_course"
    shutil.copytree(FIXTURES / "mini_course", course)
    env = dict(os.environ, KIT_EXERCISE_MODULES="mini_exercises",
               PYTHONPATH=os.pathsep.join([str(FIXTURES), str(ROOT), os.environ.get("PYTHONPATH", "")]))

    def kit_release(*extra):
        return subprocess.run([sys.executable, "-m", "kitlib.cli", "release", "--course", str(course), *extra],
                              capture_output=True, text=True, env=env, timeout=600)

    selfstudy = kit_release("--self-study")
    assert selfstudy.returncode == 0, selfstudy.stderr
    folder = course / "release" / "mini"
    assert "self-study" in selfstudy.stdout
    data = json.loads((folder / tutor.SOLUTIONS_FILE).read_text())
    assert data["exercises"]["mini_sum"] == {"title": "Add two numbers", "solution": "total = 2 + 3",
                                             "explanation": ""}
    assert release.verify_release(course, "mini", self_study=True) == []
    assert release.verify_release(course, "mini") != []  # the same folder, judged as a graded release: refused

    graded = kit_release()  # graded (the default): the earlier self-study release's file is removed
    assert graded.returncode == 0, graded.stderr
    assert not (folder / tutor.SOLUTIONS_FILE).exists() and "no solutions" in graded.stdout
    assert "2 + 3" not in (folder / "mini.ipynb").read_text()
    # A solution line planted into the graded release is still found by the leak check.
    nb = json.loads((folder / "mini.ipynb").read_text())
    nb["cells"][-1]["source"] = 'words = ["keras", "layers"]'
    (folder / "mini.ipynb").write_text(json.dumps(nb))
    assert {leak.kind for leak in release.verify_release(course, "mini")} & {"solution", "reference solution"}
