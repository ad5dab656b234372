"""Make the Binder image the student's: remove the instructor material, then prove none of it is left.

repo2docker copies the whole repository into the image, as the notebook user's home: without this
step a student could open ``course/source`` (the notebooks with their solutions), ``course/hidden``
(hidden checks, planted wrong answers, expected values), ``tests/`` and the git history. ``binder/postBuild``
makes the student's workspace with it (step 2) and strips the image with it last, from the repository
root, once everything that needs the instructor material is built (``student/``, the Jupyter
configuration, the data caches)::

    python binder/student_image.py workspace --course course --workspace student
    python binder/student_image.py strip --course course --keep binder kitlib student README.md \
        pyproject.toml course/nbgrader_config.py

``strip``:

1. It collects every assignment's secrets while ``course/`` is still complete
   (:func:`kitlib.exercises.hidden.secrets`, what ``kit release`` checks: the solution regions of the
   source notebooks, and the planted wrong answers, other solutions, expected values and hidden checks
   of ``course/hidden/``).
2. It removes every entry of the repository that ``--keep`` does not name (a kept path inside a folder
   keeps that path only: ``course/nbgrader_config.py`` keeps the Validate button's settings and nothing
   else of ``course/``), and the repository's own dot entries (``.git`` with the history, ``.ci``, ...).
   Other dot entries are the home's (``.jupyter``, ``.cache``: made by the build for the student) and stay.
3. It searches every text file left in the repository, in ``$HOME`` and in the Python environment for
   those secrets (files that are byte for byte what a third-party wheel installed, by the hashes in its
   ``RECORD``, excepted: they come from PyPI, not from the course), and looks for compiled modules whose
   source was removed and for course-side files (a gradebook, the probe secret, a ``hidden`` folder).
   Anything found fails the build, naming the file, the exercise and the kind.

The image follows the course's practice mode (``[practice] mode`` in ``course/kit.toml``, read before
``course/`` is removed): in a **graded** course (the default) no worked solution may be anywhere, and a
``kit-solutions.json`` is a course-side file that fails the build; in a **self-study** course the
workspace holds each assignment's ``kit-solutions.json`` (``kit release`` wrote it), so ``solution(id)``
works after an attempt, and the search lets through, in a file of that name in the repository only,
what ``kit release`` lets a self-study release show there
(:func:`kitlib.grading.release.intended`); every other secret in it, and a solution anywhere else,
still fails the build.

``workspace`` makes ``student/`` from ``course/source`` as ``kit lab`` does, or, in a student
repository published without the instructor material, from the released versions in
``course/release/`` (see course/INSTRUCTORS.md, *Hosting on Binder*).

Example::

    python binder/student_image.py strip --course course --keep kitlib student course/nbgrader_config.py
    # student image: kept course/nbgrader_config.py, kitlib, student; removed .git, bench, course/hidden, ...
"""
from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Top-level dot entries that come with a repository (never with the home folder).
REPOSITORY_DOT_ENTRIES = {".git", ".github", ".gitlab-ci.yml", ".gitignore", ".gitattributes", ".gitmodules",
                          ".ci", ".circleci", ".travis.yml", ".pre-commit-config.yaml", ".pytest_cache",
                          ".ipynb_checkpoints", ".venv", ".vscode", ".idea"}
OWN_DISTRIBUTION = "keras-teaching-kit"  # the kit's own install is searched like any other file
TEXT_PROBE = 8192  # a file whose first bytes hold a NUL byte is binary (caches, weights, compiled code)

COURSE_NOTE = """# This is the student copy of the course

The instructor notebooks (with their solutions), the hidden checks and the kit's tests are not in
this copy: `binder/postBuild` removed them when the image was built. Your notebooks are in
`student/` (start with `student/START_HERE.md`); `nbgrader_config.py` here holds the settings of the
*Validate* button.
"""


@dataclass
class Found:
    """One piece of instructor-only text (or a compiled removed module) found in the image."""

    path: str
    exercise: str
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}: {self.kind} of {self.exercise}: {self.text[:80]!r}"


@dataclass
class Stripped:
    """What :func:`strip` kept and removed (paths relative to the repository)."""

    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- 1. the secrets

def self_study_course(course: Path) -> bool:
    """Whether the course is a self-study one (``[practice] mode`` in ``COURSE/kit.toml``; a course
    without the file is graded). A mode the kit does not know stops the build with the file's name."""
    from kitlib.grading.release import ReleaseError, practice_mode

    try:
        return practice_mode(Path(course)) == "self-study"
    except ReleaseError as error:
        raise SystemExit(f"student_image: {error}") from None


def shown_solutions(course: Path) -> str:
    """The worked solutions a self-study release shows (normalised, every assignment of ``source/``),
    read while ``course/`` is complete: text a typical mistake shares with them is not a leak there."""
    from kitlib.exercises import hidden
    from kitlib.grading.course import Course
    from kitlib.grading.release import worked_solutions

    course = Path(course)
    if not (course / "source").is_dir():
        return ""
    return "\n".join(hidden.normalise_text(entry["solution"]) for assignment in Course(course).assignments()
                     for entry in worked_solutions(course, assignment).values())


def course_secrets(course: Path) -> list:
    """Every assignment's :class:`kitlib.exercises.hidden.Secret` list (the assignments of ``source/``
    and of ``hidden/``), joined."""
    from kitlib.exercises import hidden
    from kitlib.grading.course import Course

    course = Path(course)
    names = set(Course(course).assignments())
    names |= {p.name for p in hidden.course_hidden_dir(course).glob("*") if p.is_dir() and p.name[0] not in "._"}
    found = []
    for assignment in sorted(names):
        found += hidden.secrets(course, assignment)
    return found


# --------------------------------------------------------------------------- 2. removing

def tracked_top_level(repo: Path) -> set[str]:
    """Top-level names git tracks in ``repo`` (empty without a readable ``.git``)."""
    if not (repo / ".git").exists() or shutil.which("git") is None:
        return set()
    done = subprocess.run(["git", "-C", str(repo), "ls-files", "-z"], capture_output=True, text=True)
    if done.returncode != 0:
        return set()
    return {path.split("/", 1)[0] for path in done.stdout.split("\0") if path}


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _prune(folder: Path, keep: set[str], repo: Path, tracked: set[str], report: Stripped) -> None:
    """Remove what ``keep`` (paths relative to ``repo``) does not name under ``folder``."""
    for entry in sorted(folder.iterdir()):
        rel = entry.relative_to(repo).as_posix()
        if folder == repo and entry.name.startswith(".") and entry.name not in tracked \
                and entry.name not in REPOSITORY_DOT_ENTRIES:
            continue  # the home's own dot folder (.jupyter, .cache, .local): made for the student
        if rel in keep:
            report.kept.append(rel)
        elif any(k.startswith(rel + "/") for k in keep) and entry.is_dir() and not entry.is_symlink():
            _prune(entry, keep, repo, tracked, report)
        else:
            _remove(entry)
            report.removed.append(rel)


def strip(repo: Path, keep: list[str]) -> Stripped:
    """Remove from ``repo`` every entry ``keep`` does not name (see the module docstring)."""
    repo = Path(repo).resolve()
    wanted = {Path(k).as_posix().strip("/") for k in keep}
    report = Stripped()
    _prune(repo, wanted, repo, tracked_top_level(repo), report)
    return report


# --------------------------------------------------------------------------- 3. searching

def record_hashes(prefix: Path) -> dict[Path, str]:
    """``{file: "sha256=..."}`` of every third-party distribution installed under ``prefix``, from
    their ``RECORD`` files (the kit's own distribution is left out: it is searched)."""
    hashes: dict[Path, str] = {}
    for record in Path(prefix).glob("lib*/python*/site-packages/*.dist-info/RECORD"):
        name = record.parent.name.removesuffix(".dist-info").rsplit("-", 1)[0].replace("_", "-").lower()
        if name == OWN_DISTRIBUTION:
            continue
        site = record.parent.parent
        with record.open(newline="", encoding="utf-8", errors="replace") as handle:
            for row in csv.reader(handle):
                if len(row) >= 2 and row[1].startswith("sha256="):
                    hashes[Path(os.path.normpath(site / row[0]))] = row[1]
    return hashes


def wheel_hash(path: Path) -> str:
    """A file's hash as a wheel's RECORD writes it."""
    digest = hashlib.sha256(path.read_bytes()).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def is_text(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return b"\0" not in handle.read(TEXT_PROBE)
    except OSError:
        return False


def image_files(roots: list[Path], prefix: Path | None = None) -> list[Path]:
    """The text files under ``roots`` and ``prefix`` (links not followed), minus the environment's
    files that are unchanged from their third-party wheel."""
    hashes = record_hashes(prefix) if prefix else {}
    seen, files = set(), []
    for root in [*roots, *([prefix] if prefix else [])]:
        for dirpath, _dirs, names in os.walk(root):
            for name in names:
                path = Path(dirpath) / name
                if path in seen or path.is_symlink() or not path.is_file():
                    continue
                seen.add(path)
                if not is_text(path):
                    continue
                expected = hashes.get(Path(os.path.normpath(path)))
                if expected and wheel_hash(path) == expected:
                    continue
                files.append(path)
    return files


def orphan_bytecode(roots: list[Path]) -> list[Found]:
    """Compiled modules (``__pycache__/NAME.*.pyc``) whose ``NAME.py`` is gone: a removed module's
    code would survive in them."""
    found = []
    for root in roots:
        for pyc in Path(root).rglob("__pycache__/*.pyc"):
            source = pyc.parent.parent / (pyc.name.split(".", 1)[0] + ".py")
            if not source.exists():
                found.append(Found(str(pyc), "-", "compiled module without its source", pyc.name))
    return found


def course_side_files(roots: list[Path], self_study: bool = False) -> list[Found]:
    """Binary or nameless course-side files the text search cannot judge: a gradebook (nbgrader keeps
    the grade cells' sources in it), the probe secret, a ``hidden`` folder of Python modules, and in a
    graded course a self-study release's solutions file (whatever it holds)."""
    from kitlib.exercises.tutor import SOLUTIONS_FILE

    found = []
    for root in roots:
        for path in Path(root).rglob("*"):
            if path.name in ("gradebook.db", ".probe-secret") or \
                    path.is_dir() and path.name == "hidden" and any(path.rglob("*.py")):
                found.append(Found(str(path), "-", "course-side file", path.name))
            elif path.name == SOLUTIONS_FILE and not self_study:
                found.append(Found(str(path), "-", "worked solutions in a graded course", path.name))
    return found


def search(roots: list[Path], secrets: list, prefix: Path | None = None, *, self_study: bool = False,
           shown: str = "", repo: Path | None = None) -> list[Found]:
    """Every secret found in the image's text files, every orphaned compiled module, every
    course-side file. ``self_study``: a solutions file in ``repo`` may hold what a self-study release
    shows (``shown``: the normalised worked solutions; see the module docstring)."""
    from kitlib.exercises import hidden
    from kitlib.exercises.tutor import SOLUTIONS_FILE
    from kitlib.grading.release import intended

    def on_purpose(path: str, secret) -> bool:
        where = Path(path)
        return self_study and repo is not None and where.name == SOLUTIONS_FILE \
            and Path(repo).resolve() in where.resolve().parents and intended(SOLUTIONS_FILE, secret, True, shown)

    found = [Found(path, s.exercise, s.kind, s.text)
             for path, s in hidden.find_secrets(image_files(roots, prefix), secrets) if not on_purpose(path, s)]
    return course_side_files(roots, self_study) + orphan_bytecode(roots) + found  # the few whole files first


# --------------------------------------------------------------------------- the student's workspace

MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")


def make_student_workspace(course: Path, workspace: Path):
    """``workspace`` (``student/``) with the course map: from the instructor repository by
    :func:`kitlib.lab.make_workspace` (``kit release``, its leak check, then a copy), or, in a student
    repository that holds no ``course/source``, from the student versions published in
    ``course/release/<assignment>/`` (``kit release``'s output, checked on the teacher's machine;
    a notebook with a solution or hidden-test marker is refused here too). Never overwrites a file."""
    from kitlib.exercises.tutor import SOLUTIONS_FILE
    from kitlib.lab import GUIDES, copy_released, make_workspace

    course, workspace = Path(course).resolve(), Path(workspace).resolve()
    if any((course / "source").glob("*/*.ipynb")):
        return make_workspace(course, workspace)  # released in the course's practice mode
    self_study = self_study_course(course)
    release = course / "release"
    order = list(GUIDES)
    names = sorted((p.name for p in release.glob("*") if p.is_dir() and any(p.glob("*.ipynb"))),
                   key=lambda n: (order.index(n) if n in order else len(order), n))
    if not names:
        raise SystemExit(f"student_image: no notebooks in {course / 'source'} nor in {release}: publish the "
                         "instructor repository, or a student one with kit release's output in course/release")

    def refuse(src: Path) -> str | None:
        if src.suffix == ".ipynb" and any(m in src.read_text(encoding="utf-8") for m in MARKERS):
            return (f"student_image: {src} is not a student version (it holds a solution or hidden-test "
                    "marker): publish what kit release wrote, not course/source")
        if src.name == SOLUTIONS_FILE and not self_study:
            return (f"student_image: {src} holds worked solutions but the course is graded: publish a release "
                    "made without --self-study, or publish course/kit.toml with [practice] mode = \"self-study\"")
        return None

    return copy_released(release, names, workspace, refuse=refuse)


# --------------------------------------------------------------------------- the commands

def run_strip(args) -> int:
    repo = args.repo.resolve()
    self_study = self_study_course(args.course)
    secrets = course_secrets(args.course)
    shown = shown_solutions(args.course) if self_study else ""
    report = strip(repo, args.keep)
    course = args.course.resolve()
    if course.is_dir():
        (course / "README.md").write_text(COURSE_NOTE, encoding="utf-8")
    home = Path.home().resolve()
    roots = [repo] + ([home] if home != repo and repo not in home.parents else [])
    found = search(roots, secrets, args.prefix, self_study=self_study, shown=shown, repo=repo)
    print(f"student image: kept {', '.join(report.kept)}; removed {', '.join(report.removed) or 'nothing'}")
    print("student image: a self-study course: the worked solutions stay in each assignment's "
          "kit-solutions.json" if self_study else "student image: a graded course: no worked solution is kept")
    if found:
        listing = "\n  ".join(str(f) for f in found[:40])
        print(f"student_image: the image would still hold instructor-only text ({len(found)} finding(s)); "
              f"remove the file or leave it out of KEEP in binder/postBuild:\n  {listing}", file=sys.stderr)
        return 1
    if secrets:
        print(f"student image: none of the course's {len(secrets)} secrets is in the repository, {home} "
              f"or {args.prefix}")
    else:  # a student repository: the answers were never in it
        print(f"student image: {args.course} holds no instructor material (a student repository): "
              "nothing to search for")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="binder/student_image.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    workspace = sub.add_parser("workspace", help="make student/ from course/source (or course/release)")
    workspace.add_argument("--course", type=Path, required=True)
    workspace.add_argument("--workspace", type=Path, required=True)
    strip_ = sub.add_parser("strip", help="remove the instructor material, then search what is left")
    strip_.add_argument("--course", type=Path, required=True, help="the course folder (before removal)")
    strip_.add_argument("--keep", nargs="+", required=True, help="paths of the repository the image keeps")
    strip_.add_argument("--repo", type=Path, default=Path.cwd(), help="the repository (default: here)")
    strip_.add_argument("--prefix", type=Path, default=Path(sys.prefix),
                        help="the Python environment to search (default: this Python's)")
    args = parser.parse_args(argv)
    if args.command == "workspace":
        print(make_student_workspace(args.course, args.workspace).summary())
        return 0
    return run_strip(args)


if __name__ == "__main__":
    sys.exit(main())
