"""Hidden means hidden (issue 15): nothing that reveals more than the task text is where students read.

The package students install is built here as pip builds it for Binder or a JupyterHub (a wheel
installed into a folder), and searched for every exercise's reference solution, expected value, planted
wrong answer, other solution and hidden check (:func:`kitlib.exercises.hidden.secrets`). The same search
runs in ``kit release`` (:func:`kitlib.grading.release.student_side_leaks`); the tests below also show it
finds a leak that is there.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kitlib
from kitlib.exercises import hidden
from kitlib.grading.release import student_side_leaks

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"
PORTED = sorted(p.name for p in (COURSE / "hidden").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The kit as pip installs it from the repository (a wheel, without dependencies)."""
    target = tmp_path_factory.mktemp("student-env")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile", "-q",
                           "--target", str(target), str(ROOT)], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.skip(f"pip cannot build the kit here: {done.stderr.strip().splitlines()[-1:]}")
    return target


@pytest.mark.fast
def test_every_ported_exercise_has_secrets_to_look_for():
    from kitlib.exercises import REGISTRY

    for assignment in PORTED:
        found = hidden.secrets(COURSE, assignment)
        specs = hidden.load(COURSE / "hidden" / assignment)
        for exercise_id, spec in specs.items():
            kinds = {s.kind for s in found if s.exercise == exercise_id}
            assert "planted wrong answer" in kinds or "other solution" in kinds, exercise_id
            if spec.expected is not hidden.MISSING and hidden.value_spellings(spec.expected):
                # every spelling is searched for (a bare number like 15 is too common to search); two read
                # items may share an answer, which is then listed once, under the first of them
                expected = {s.text for s in found if s.kind == "expected value"}
                assert hidden.value_spellings(spec.expected) <= expected, exercise_id
        assert set(specs) <= {e.id for e in REGISTRY.all()}


@pytest.mark.parametrize("assignment", PORTED)
def test_the_installed_package_holds_no_answer_and_no_hidden_part(installed, assignment):
    package = installed / "kitlib"
    files = hidden.student_side_files(package)
    assert any(p.name == "core.py" for p in files) and any(p.parent.name == "sequential_model" for p in files)
    found = hidden.find_secrets(files, hidden.secrets(COURSE, assignment), package)
    assert found == [], [(f, s.kind, s.exercise, s.text[:60]) for f, s in found]
    assert not list(installed.rglob(".probe-secret"))
    assert not [p for p in installed.rglob("*") if p.is_dir() and p.name == "hidden"]


@pytest.mark.parametrize("assignment", PORTED)
def test_the_working_tree_package_holds_none_either(assignment):
    """``pip install -e .`` (Binder's postBuild) exposes the repository's kitlib/ itself."""
    package = Path(kitlib.__file__).resolve().parent
    assert student_side_leaks(COURSE, assignment, released=package / "__no_release__") == []


def test_a_leak_in_the_package_or_in_a_release_is_found(tmp_path):
    package = tmp_path / "kitlib"
    shutil.copytree(Path(kitlib.__file__).resolve().parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    release = tmp_path / "release" / "sequential_model"
    release.mkdir(parents=True)
    assert student_side_leaks(COURSE, "sequential_model", released=release, package=package) == []
    (package / "exercises" / "cheat.py").write_text("ANSWER = (None, 15, 15, 32)\n")
    (release / "notes.md").write_text("try: restored = trained\nfor layer in model.layers:\n    layer.trainable = False\n")
    (release / "hidden").mkdir()
    kinds = {(leak.notebook.split("/")[0], leak.kind)
             for leak in student_side_leaks(COURSE, "sequential_model", released=release, package=package)}
    assert ("installed kitlib", "expected value") in kinds
    assert ("sequential_model", "hidden part") in kinds


@pytest.mark.fast
def test_a_planted_wrong_answer_written_into_a_release_is_found(tmp_path):
    spec = hidden.load(COURSE / "hidden" / "sequential_model")["seq07_new_head"]
    code = spec.wrong_answers[1][0]
    (tmp_path / "extra.py").write_text(code)
    leaks = student_side_leaks(COURSE, "sequential_model", released=tmp_path, package=tmp_path / "none")
    assert any(leak.kind == "planted wrong answer" for leak in leaks), leaks
