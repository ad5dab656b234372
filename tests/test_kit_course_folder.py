"""``kit`` acts on the course where the teacher stands, never on one it was not pointed at.

An editable-install-like setup: the repository's kitlib is importable (PYTHONPATH), and a second
course (a copy of tests/fixtures/mini_course) lives elsewhere. ``kit`` run from inside that course
acts on it and names it first; from a folder with no course (the repository's root included) it
refuses with how to point at one; ``--course`` and ``KIT_COURSE`` still choose.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kitlib.grading.course import CourseError, find_course

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PY = sys.executable


def kit_env(**extra) -> dict:
    env = dict(os.environ, KIT_EXERCISE_MODULES="mini_exercises", KITLIB_OFFLINE="1")
    env["PYTHONPATH"] = os.pathsep.join([str(FIXTURES), str(ROOT), env.get("PYTHONPATH", "")])
    env["PATH"] = str(Path(PY).parent) + os.pathsep + env.get("PATH", "")
    env.pop("KIT_COURSE", None)
    env["JUPYTER_CONFIG_DIR"] = str(ROOT / "tests" / "fixtures" / "no-such-jupyter-config")
    env.update(extra)
    return env


def kit(*args, cwd, **extra) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "kitlib.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=kit_env(**extra), timeout=600)


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    course = tmp_path / "term" / "course"
    shutil.copytree(FIXTURES / "mini_course", course)
    return course


@pytest.fixture
def no_user_config(monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "jupyter-config"))
    monkeypatch.delenv("KIT_COURSE", raising=False)


def test_find_course_order(elsewhere, tmp_path, no_user_config):
    assert find_course(cwd=elsewhere) == elsewhere.resolve()
    assert find_course("course", cwd=elsewhere.parent) == elsewhere.resolve()  # --course, relative to cwd
    assert find_course(cwd=tmp_path, environ={"KIT_COURSE": str(elsewhere)}) == elsewhere.resolve()
    assert find_course(str(elsewhere), cwd=tmp_path, environ={"KIT_COURSE": "/nowhere"}) == elsewhere.resolve()


def test_no_course_refuses_and_says_how(elsewhere, tmp_path, no_user_config):
    with pytest.raises(CourseError) as info:
        find_course(cwd=tmp_path / "term")
    message = str(info.value)
    assert "--course DIR" in message and "KIT_COURSE" in message and "nbgrader_config.py" in message
    assert f"{elsewhere} is one" in message  # the course just below is named
    inside = elsewhere / "source" / "mini"
    with pytest.raises(CourseError, match=f"the folder above, {elsewhere}, is one"):
        find_course(cwd=inside)


def test_the_teachers_own_nbgrader_config_names_the_course(elsewhere, tmp_path, monkeypatch):
    """As on a JupyterHub: ~/.jupyter/nbgrader_config.py sets c.CourseDirectory.root (nbgrader's way)."""
    config = tmp_path / "jupyter-config"
    config.mkdir()
    (config / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.root = {str(elsewhere)!r}\n")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(config))
    monkeypatch.delenv("KIT_COURSE", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    assert find_course(cwd=home) == elsewhere.resolve()


def test_kit_release_and_grade_act_on_the_course_they_run_in(elsewhere, tmp_path):
    due = kit("due", "mini", "2026-12-01 17:00 UTC", cwd=elsewhere)
    assert due.returncode == 0 and due.stderr.splitlines()[0] == f"kit due: course {elsewhere.resolve()}", due.stderr
    done = kit("release", cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == f"kit release: course {elsewhere.resolve()}"
    assert (elsewhere / "release" / "mini" / "mini.ipynb").is_file()
    # the due date travels with the release, and the student's course map shows it
    assert "Due: 2026-12-01 17:00 UTC" in (elsewhere / "release" / "mini" / "DUE.md").read_text()
    from kitlib.lab import copy_released

    copy_released(elsewhere / "release", ["mini"], tmp_path / "student")
    assert "**Due: 2026-12-01 17:00 UTC**" in (tmp_path / "student" / "START_HERE.md").read_text()
    assert not (ROOT / "tests" / "fixtures" / "mini_course" / "release").exists()
    graded = kit("grade", "--jobs", "1", cwd=elsewhere)  # nothing submitted yet: says so, of this course
    assert graded.returncode == 0, graded.stderr
    assert graded.stderr.splitlines()[0] == f"kit grade: course {elsewhere.resolve()}"
    assert f"no submissions for mini in {elsewhere.resolve() / 'submitted'}" in graded.stdout
    unknown = kit("grade", "nope", cwd=elsewhere)
    assert unknown.returncode == 1 and str(elsewhere.resolve() / "source") in unknown.stderr


@pytest.mark.parametrize("command", ["release", "grade", "report", "students", "export"])
def test_kit_refuses_where_there_is_no_course(tmp_path, command):
    args = {"students": ["students", "list"], "export": ["export", "canvas"]}.get(command, [command])
    for where in (tmp_path, ROOT):  # an empty folder, and the kit's own repository (no silent fallback)
        done = kit(*args, cwd=where)
        assert done.returncode == 1, (where, done.stdout, done.stderr)
        assert "--course DIR" in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert ": course " not in done.stderr, done.stderr  # it named no course: it acted on none


@pytest.mark.slow
def test_kit_doctor_checks_the_course_it_runs_in(elsewhere, tmp_path, monkeypatch, no_user_config):
    done = kit("doctor", "--json", cwd=elsewhere)
    assert done.stderr.splitlines()[0] == f"kit doctor: course {elsewhere.resolve()}"
    import json

    findings = {f["area"]: f for f in json.loads(done.stdout)}
    assert findings["course"]["status"] == "ok" and str(elsewhere.resolve()) in findings["course"]["detail"]
    assert findings["formgrader"]["status"] == "ok" and "own browser tab" in findings["formgrader"]["detail"]
    from kitlib import doctor

    monkeypatch.chdir(tmp_path)  # no course here: the doctor's course line fails and says how to name one
    [finding] = doctor.check_course(None)
    assert finding.status == "fail" and "--course" in finding.fix and str(tmp_path) in finding.detail


def test_dev_py_lab_names_the_repository_course(monkeypatch):
    """``python3 dev.py lab`` (the student view from the repository) passes --course course to kit lab."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("kit_dev", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    calls = []
    monkeypatch.setattr(dev, "ensure_environment", lambda extras: None)
    monkeypatch.setattr(dev.subprocess, "call", lambda command, **kw: calls.append((command, kw)) or 0)
    assert dev.run(["lab", "--no-browser"]) == 0
    assert dev.run(["lab", "--course", "other"]) == 0
    [(first, kw), (second, _)] = calls
    assert first[1:] == ["lab", "--course", "course", "--no-browser"] and kw["cwd"] == dev.ROOT
    assert second[1:] == ["lab", "--course", "other"]
