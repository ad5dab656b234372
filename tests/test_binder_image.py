"""The Binder image is the student's: ``binder/student_image.py`` (run last by ``binder/postBuild``)
removes the instructor material and fails the build when any of the course's answers is left; a
student copy of the course makes the instructor commands say where the student's notebooks are; the
workspace ``kit lab`` makes holds student versions only.

Fast checks (no virtual environment is built); ``tests/test_binder_build.py`` runs the real build.
"""
from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kitlib.exercises import hidden

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load_student_image():
    spec = importlib.util.spec_from_file_location("student_image", ROOT / "binder" / "student_image.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


si = load_student_image()


def postbuild_keep() -> list[str]:
    """The KEEP list of binder/postBuild, as the build passes it."""
    match = re.search(r"^KEEP=\(([^)]*)\)", (ROOT / "binder" / "postBuild").read_text(), re.M)
    assert match, "binder/postBuild should name what the image keeps in KEEP=(...)"
    return match.group(1).split()


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=kit", "-c", "user.email=kit@example.org",
                    "-c", "commit.gpgsign=false", *args], check=True, capture_output=True)


def write(path: Path, text: str = "x\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_strip_keeps_only_the_named_paths_and_the_homes_own_dot_folders(tmp_path):
    repo = tmp_path / "home"  # on Binder the repository is the home folder
    for rel in ("course/source/a/01.ipynb", "course/hidden/a/01.py", "course/nbgrader_config.py",
                "tests/test_a.py", "kitlib/__init__.py", "binder/postBuild", ".ci/run", ".gitignore",
                ".editorconfig", "notes/answers.txt", "README.md"):
        write(repo / rel)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "course")
    # made by the build, for the student (untracked)
    for rel in ("student/START_HERE.md", "course/gradebook.db", "course/release/a/01.ipynb",
                ".jupyter/nbgrader_config.py", ".cache/kitlib/mnist.npz"):
        write(repo / rel)
    (repo / "link").symlink_to(tmp_path / "outside", target_is_directory=True)
    write(tmp_path / "outside" / "kept.txt")

    report = si.strip(repo, ["kitlib", "binder", "student", "README.md", "course/nbgrader_config.py", "LICENSE"])

    left = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file())
    assert left == [".cache/kitlib/mnist.npz", ".jupyter/nbgrader_config.py", "README.md", "binder/postBuild",
                    "course/nbgrader_config.py", "kitlib/__init__.py", "student/START_HERE.md"]
    assert {".git", ".ci", ".gitignore", ".editorconfig", "course/source", "course/hidden", "course/release",
            "course/gradebook.db", "tests", "notes", "link"} == set(report.removed)
    assert (tmp_path / "outside" / "kept.txt").is_file(), "a link is removed, never followed"


def wheel_file(site: Path, dist: str, rel: str, text: str, record_text: str | None = None) -> Path:
    """A file installed by the wheel ``dist``, with its RECORD line (hash of ``record_text`` if given)."""
    path = write(site / rel, text)
    digest = hashlib.sha256((record_text if record_text is not None else text).encode()).digest()
    line = f"{rel},sha256={base64.urlsafe_b64encode(digest).rstrip(b'=').decode()},{len(text)}\n"
    record = site / f"{dist}.dist-info" / "RECORD"
    record.parent.mkdir(parents=True, exist_ok=True)
    with record.open("a") as handle:
        handle.write(line)
    return path


def test_the_search_finds_answers_and_removed_compiled_modules_and_skips_only_untouched_wheel_files(tmp_path):
    secret = hidden.Secret("mini_words", "reference solution", hidden.normalise_text('words = ["keras", "layers"]'))
    leak = 'notes\nwords  =  ["keras",\n "layers"]\n'  # other spacing and quotes: still found
    repo, home, prefix = tmp_path / "repo", tmp_path / "home", tmp_path / "env"
    write(repo / "kitlib" / "ok.py", "x = 1\n")
    write(repo / "kitlib" / "cheat.md", leak)
    write(repo / "kitlib" / "hints.py", 'HINT = "try words = [\\"keras\\", \\"layers\\"]"\n')  # escaped quotes
    write(home / ".jupyter" / "notes.json", '{"a": "words = [\\"keras\\", \\"layers\\"]"}')
    (repo / "kitlib" / "__pycache__").mkdir()
    (repo / "kitlib" / "__pycache__" / "ok.cpython-311.pyc").write_bytes(b"\0compiled")
    (repo / "kitlib" / "__pycache__" / "answers.cpython-311.pyc").write_bytes(b"\0compiled")  # answers.py gone
    (repo / "kitlib" / "data.bin").write_bytes(b"\0" + leak.encode())  # binary: not read
    (repo / "student" / "gradebook.db").parent.mkdir()
    (repo / "student" / "gradebook.db").write_bytes(b"SQLite format 3\0")  # binary, but a gradebook
    site = prefix / "lib" / "python3.11" / "site-packages"
    wheel_file(site, "keras-3.0", "keras/docs.py", leak)  # the library's own text, unchanged: not ours
    wheel_file(site, "keras-3.0", "keras/edited.py", leak, record_text="original\n")  # changed after install
    wheel_file(site, "keras_teaching_kit-0.1.0", "kit_finder.py", leak)  # the kit's own install: searched

    found = si.search([repo, home], [secret], prefix)

    where = sorted(Path(f.path).relative_to(tmp_path).as_posix() for f in found)
    assert where == ["env/lib/python3.11/site-packages/keras/edited.py",
                     "env/lib/python3.11/site-packages/kit_finder.py",
                     "home/.jupyter/notes.json", "repo/kitlib/__pycache__/answers.cpython-311.pyc",
                     "repo/kitlib/cheat.md", "repo/kitlib/hints.py", "repo/student/gradebook.db"]
    assert {f.kind for f in found} == {"reference solution", "compiled module without its source", "course-side file"}


def copy_tree(dest: Path) -> None:
    """The working tree as a clone holds it (tracked and not ignored), with a git history of it."""
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for rel in filter(None, listing.split("\0")):
        if (ROOT / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", "course")


@pytest.fixture
def student_copy(tmp_path, monkeypatch):
    """A copy of this repository with a stand-in ``student/`` workspace, HOME beside it."""
    repo, home = tmp_path / "repo", tmp_path / "home"
    copy_tree(repo)
    write(repo / "student" / "START_HERE.md", "# the course map\n")
    write(home / ".jupyter" / "nbgrader_config.py", "c = get_config()\n")
    monkeypatch.setenv("HOME", str(home))
    return repo


def run_image(repo: Path, tmp_path: Path, capsys) -> tuple[int, str, str]:
    empty_env = tmp_path / "env"
    empty_env.mkdir(exist_ok=True)
    code = si.main(["strip", "--course", str(repo / "course"), "--keep", *postbuild_keep(), "--repo", str(repo),
                    "--prefix", str(empty_env)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_postbuild_keep_list_leaves_no_instructor_material_in_this_repository(student_copy, tmp_path, capsys):
    repo = student_copy
    secrets = [s for a in ("sequential_model", "functional_api") for s in hidden.secrets(repo / "course", a)]
    assert len(secrets) > 100  # reference solutions, planted wrong answers, other solutions, expected values

    code, out, err = run_image(repo, tmp_path, capsys)

    assert code == 0, err
    assert f"none of the course's {len(secrets)} secrets" in out
    for gone in ("course/source", "course/hidden", "course/AUTHORING.md", "tests", "bench", ".git", ".ci",
                 "conftest.py", "dev.py", "Makefile"):
        assert not (repo / gone).exists(), gone
    for kept in ("kitlib/exercises/core.py", "binder/postBuild", "binder/student_image.py",
                 "course/nbgrader_config.py", "student/START_HERE.md", "README.md"):
        assert (repo / kept).is_file(), kept
    assert "student copy" in (repo / "course" / "README.md").read_text()
    files = [p for p in repo.rglob("*") if p.is_file()]
    assert hidden.find_secrets(files, secrets, repo) == []
    assert (tmp_path / "home" / ".jupyter" / "nbgrader_config.py").is_file()


def test_a_kept_file_with_an_answer_fails_the_build(student_copy, tmp_path, capsys):
    repo = student_copy
    reference = next(s for s in hidden.secrets(repo / "course", "sequential_model") if s.kind == "reference solution")
    with (repo / "README.md").open("a", encoding="utf-8") as handle:
        handle.write(f"\nHint: {reference.text}\n")

    code, _out, err = run_image(repo, tmp_path, capsys)

    assert code == 1
    assert "README.md: reference solution of " + reference.exercise in err
    assert "KEEP in binder/postBuild" in err  # where to change what is kept


@pytest.mark.parametrize("command", ["release", "grade", "test-exercises", "lab"])
def test_instructor_commands_on_a_student_copy_say_where_the_notebooks_are(tmp_path, capsys, command):
    from kitlib.cli import main

    course = tmp_path / "course"
    write(course / "nbgrader_config.py", (ROOT / "course" / "nbgrader_config.py").read_text())
    assert main([command, "--course", str(course)]) == 1
    first, _, err = capsys.readouterr().err.partition("\n")
    assert first == f"kit {command}: course {course}"  # the folder kit uses, named first
    assert err.startswith(f"kit {command}: {course / 'source'} holds no instructor notebooks")
    assert "student copy" in err and str(tmp_path / "student") in err


def test_doctor_warns_on_a_student_copy_and_still_fails_on_no_course(tmp_path):
    from kitlib import doctor

    course = tmp_path / "course"
    write(course / "nbgrader_config.py", (ROOT / "course" / "nbgrader_config.py").read_text())
    [finding] = doctor.check_course(course)
    assert finding.status == "warn" and "holds no instructor notebooks" in finding.detail
    assert "student copy" in finding.fix
    [finding] = doctor.check_course(tmp_path / "nowhere")
    assert finding.status == "fail"
    findings = doctor.check_course(ROOT / "course")  # the course, and whether nbgrader's Generate Feedback is safe
    assert [f.area for f in findings] == ["course", "formgrader"] and all(f.status == "ok" for f in findings)


@pytest.mark.slow
def test_the_workspace_kit_lab_makes_holds_student_versions_only(tmp_path):
    """``kit lab`` (make_workspace) runs from the teacher's clone, which has the instructor material;
    what it copies into ``student/`` is the released versions only."""
    from kitlib.lab import make_workspace

    course = tmp_path / "course"
    shutil.copytree(FIXTURES / "mini_course", course)
    secrets = hidden.secrets(course, "mini")
    assert secrets and hidden.find_secrets(hidden.student_side_files(course / "source"), secrets)  # can fail
    workspace = tmp_path / "student"

    make_workspace(course, workspace)

    files = sorted(p.relative_to(workspace).as_posix() for p in workspace.rglob("*") if p.is_file())
    assert files == ["START_HERE.md", "mini/mini.ipynb"]
    assert hidden.find_secrets([workspace / f for f in files], secrets, workspace) == []
    assert "### BEGIN" not in (workspace / "mini" / "mini.ipynb").read_text()
    assert os.access(workspace / "mini" / "mini.ipynb", os.W_OK)


def released_notebook(path: Path, source: str = "words = None\n# YOUR CODE HERE") -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem}"), nbformat.v4.new_code_cell(source)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_a_student_repository_builds_its_workspace_from_the_published_release(tmp_path, monkeypatch, capsys):
    """The route for a course graded for credit: the public repository holds kit release's output,
    never course/source or course/hidden; postBuild makes student/ from it and strips the rest."""
    repo = tmp_path / "public"
    write(repo / "course" / "nbgrader_config.py", (ROOT / "course" / "nbgrader_config.py").read_text())
    released_notebook(repo / "course" / "release" / "functional_api" / "01_introduction.ipynb")
    released_notebook(repo / "course" / "release" / "sequential_model" / "01_when_to_use.ipynb")
    write(repo / "kitlib" / "__init__.py")
    write(repo / "student" / "sequential_model" / "01_when_to_use.ipynb", "the student's own work\n")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    report = si.make_student_workspace(repo / "course", repo / "student")

    assert [p.relative_to(repo).as_posix() for p in report.copied] == ["student/functional_api/01_introduction.ipynb"]
    assert (repo / "student" / "sequential_model" / "01_when_to_use.ipynb").read_text() == "the student's own work\n"
    course_map = (repo / "student" / "START_HERE.md").read_text()
    assert course_map.index("sequential_model/01_when_to_use.ipynb") < course_map.index("functional_api/")
    (tmp_path / "env").mkdir()
    code = si.main(["strip", "--course", str(repo / "course"), "--keep", *postbuild_keep(), "--repo", str(repo),
                    "--prefix", str(tmp_path / "env")])
    assert code == 0 and "holds no instructor material" in capsys.readouterr().out
    assert sorted(p.name for p in (repo / "course").iterdir()) == ["README.md", "nbgrader_config.py"]


def test_a_published_release_with_solutions_is_refused(tmp_path):
    course = tmp_path / "course"
    released_notebook(course / "release" / "mini" / "mini.ipynb",
                      "words = None\n### BEGIN SOLUTION\nwords = ['keras']\n### END SOLUTION")
    with pytest.raises(SystemExit, match="not a student version"):
        si.make_student_workspace(course, tmp_path / "student")
    assert not (tmp_path / "student" / "mini").exists()
    with pytest.raises(SystemExit, match="no notebooks in"):
        si.make_student_workspace(tmp_path / "empty", tmp_path / "student")


# --------------------------------------------------------------------------- the course's practice mode

def solutions_in_workspace(repo: Path, assignment: str = "sequential_model") -> Path:
    """``student/<assignment>/kit-solutions.json`` as ``kit release --self-study`` writes it (the same writer)."""
    from kitlib.grading.release import write_solutions

    (repo / "student" / assignment).mkdir(parents=True, exist_ok=True)
    return write_solutions(repo / "course", assignment, repo / "student" / assignment)


def test_a_self_study_image_keeps_the_worked_solutions_and_solution_opens_after_an_attempt(
        student_copy, tmp_path, capsys, monkeypatch):
    from kitlib.exercises import tutor

    repo = student_copy
    write(repo / "course" / "kit.toml", '[practice]\nmode = "self-study"\n')
    solutions = solutions_in_workspace(repo)
    entries = json.loads(solutions.read_text(encoding="utf-8"))["exercises"]
    secrets = hidden.secrets(repo / "course", "sequential_model")
    assert hidden.find_secrets([solutions], secrets, repo)  # it does hold reference solutions (can fail)

    code, out, err = run_image(repo, tmp_path, capsys)

    assert code == 0, err
    assert "self-study course" in out and solutions.is_file()
    assert not (repo / "course" / "kit.toml").exists() and not (repo / "course" / "source").exists()
    monkeypatch.delenv("KIT_SOLUTIONS", raising=False)
    tutor.reset()
    exercise_id = next(iter(entries))
    assert tutor.worked_solution(exercise_id, start=solutions.parent).kind == "locked"
    tutor.note_attempt(exercise_id)
    shown = tutor.worked_solution(exercise_id, start=solutions.parent)
    assert shown.kind == "solution" and shown.code == entries[exercise_id]["solution"].strip()
    tutor.reset()


def test_a_self_study_image_still_refuses_other_secrets_and_solutions_elsewhere(student_copy, tmp_path, capsys):
    repo = student_copy
    write(repo / "course" / "kit.toml", '[practice]\nmode = "self-study"\n')
    solutions = solutions_in_workspace(repo)
    secrets = hidden.secrets(repo / "course", "sequential_model")
    reference = next(s for s in secrets if s.kind == "reference solution")
    planted = next(s for s in secrets if s.kind == "planted wrong answer" and s.text not in solutions.read_text())
    data = json.loads(solutions.read_text(encoding="utf-8"))
    data["exercises"][planted.exercise]["explanation"] += f"\n{planted.text}\n"
    solutions.write_text(json.dumps(data), encoding="utf-8")
    with (repo / "README.md").open("a", encoding="utf-8") as handle:
        handle.write(f"\nHint: {reference.text}\n")

    code, _out, err = run_image(repo, tmp_path, capsys)

    assert code == 1
    assert f"kit-solutions.json: planted wrong answer of {planted.exercise}" in err
    assert "README.md: reference solution of " + reference.exercise in err
    assert "kit-solutions.json: reference solution" not in err  # what the file is for is not a finding


def test_a_graded_image_refuses_a_solutions_file_whatever_it_holds(student_copy, tmp_path, capsys):
    repo = student_copy
    assert not (repo / "course" / "kit.toml").exists()  # graded: the default
    solutions_in_workspace(repo)
    write(repo / "student" / "functional_api" / "kit-solutions.json", '{"format": 1, "exercises": {}}\n')

    code, out, err = run_image(repo, tmp_path, capsys)

    assert code == 1 and "a graded course" in out
    assert "sequential_model/kit-solutions.json: reference solution of" in err
    assert "functional_api/kit-solutions.json: worked solutions in a graded course of -" in err


def test_a_student_repository_publishes_solutions_only_in_a_self_study_course(tmp_path):
    course = tmp_path / "public" / "course"
    released_notebook(course / "release" / "mini" / "mini.ipynb")
    write(course / "release" / "mini" / "kit-solutions.json", '{"format": 1, "exercises": {}}\n')
    with pytest.raises(SystemExit, match="holds worked solutions but the course is graded"):
        si.make_student_workspace(course, tmp_path / "student")
    assert not (tmp_path / "student" / "mini" / "kit-solutions.json").exists()
    write(course / "kit.toml", '[practice]\nmode = "self-study"\n')
    report = si.make_student_workspace(course, tmp_path / "student")
    assert tmp_path / "student" / "mini" / "kit-solutions.json" in report.copied
    write(course / "kit.toml", '[practice]\nmode = "selfstudy"\n')
    with pytest.raises(SystemExit, match="kit.toml"):
        si.make_student_workspace(course, tmp_path / "other")
