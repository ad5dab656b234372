"""``kit release``: nbgrader ``generate_assignment``, then a leak check.

nbgrader writes the student versions into ``COURSE/release/<assignment>/``;
this module then re-reads every released notebook and refuses the release
(:class:`ReleaseError`) when a solution region or a hidden test survived,
e.g. because a marker was misspelt or a cell lost its nbgrader metadata.

Example::

    from pathlib import Path
    from kitlib.grading.release import release_assignments
    release_assignments(Path("course"), ["sequential_model"])
    # [PosixPath('course/release/sequential_model')]
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kitlib.grading.course import Course, CourseError, current_release  # noqa: F401 - current_release: callers' name
from kitlib.grading.notebook import (BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION, MARKERS,  # noqa: F401
                                     cell_source, regions, strip_regions)
from kitlib.grading.helper_process import tool_env
from kitlib.grading.worker import run_app_output

_MARKERS = MARKERS


class ReleaseError(CourseError):
    """The teacher's course cannot be released as it is (message says why and what to do)."""


@dataclass
class Leak:
    """One piece of protected text found in a released notebook."""

    notebook: str
    cell: str
    kind: str  # "solution" or "hidden test"
    text: str

    def __str__(self) -> str:
        return f"{self.notebook}, cell {self.cell}: {self.kind} text survived: {self.text!r}"


def protected_lines(source_cell: dict) -> list[tuple[str, str]]:
    """(kind, line) for each solution / hidden-test line that must not reach students.

    Lines that also occur outside the protected regions of the same cell (a
    placeholder like ``model = None`` repeated in the solution) are not secret.
    """
    text = cell_source(source_cell)
    public = strip_regions(strip_regions(text, BEGIN_SOLUTION, END_SOLUTION), BEGIN_HIDDEN, END_HIDDEN)
    public_lines = {line.strip() for line in public.splitlines()}
    secret: list[tuple[str, str]] = []
    for kind, begin, end in (("solution", BEGIN_SOLUTION, END_SOLUTION), ("hidden test", BEGIN_HIDDEN, END_HIDDEN)):
        for region in regions(text, begin, end):
            for line in region.splitlines():
                line = line.strip()
                if line and not line.startswith("#") and line not in public_lines:
                    secret.append((kind, line))
    return secret


def find_leaks(source_nb: dict, released_nb: dict, name: str) -> list[Leak]:
    """Protected text of ``source_nb`` that is still present in ``released_nb``."""
    leaks: list[Leak] = []
    released_text: list[tuple[str, str]] = []
    for index, cell in enumerate(released_nb.get("cells", [])):
        label = (cell.get("metadata", {}).get("nbgrader", {}) or {}).get("grade_id") or f"#{index + 1}"
        body = cell_source(cell)
        outputs = json.dumps(cell.get("outputs", []))
        released_text.append((label, body + "\n" + outputs))
        for marker in _MARKERS:
            if marker in body:
                leaks.append(Leak(name, label, "marker", marker))
    for cell in source_nb.get("cells", []):
        secrets = protected_lines(cell)
        if not secrets:
            continue
        source_id = (cell.get("metadata", {}).get("nbgrader", {}) or {}).get("grade_id")
        for label, text in released_text:
            # Compare against the released cell with the same grade_id, or all
            # cells when the id vanished (lost metadata is a leak risk itself).
            if source_id and label != source_id and any(l == source_id for l, _ in released_text):
                continue
            lines = {line.strip() for line in text.splitlines()}
            for kind, line in secrets:
                if line in lines:
                    leaks.append(Leak(name, label, kind, line))
    return leaks


def _nbgrader(args: list[str], course_dir: Path) -> subprocess.CompletedProcess:
    """Run the stock nbgrader CLI of this Python, from the course folder."""
    command = [sys.executable, "-m", "nbgrader", *args, *Course(course_dir).nbgrader_args()]
    return subprocess.run(command, cwd=course_dir, capture_output=True, text=True, env=tool_env())


def course_assignments(course_dir: Path) -> list[str]:
    """Assignment folders in ``COURSE/source`` (sorted; see :meth:`Course.assignments`)."""
    return Course(Path(course_dir)).assignments()


def check_course(course_dir: Path) -> Path:
    """The resolved course folder, or :class:`ReleaseError` saying what is missing."""
    try:
        return Course.open(course_dir).root
    except CourseError as error:
        raise ReleaseError(str(error)) from error


def generate(course_dir: Path, assignment: str, release_dir: Path | None = None, db: bool = True,
             worker=None) -> Path:
    """Run ``nbgrader generate_assignment`` for one assignment; returns the release folder.

    ``release_dir`` redirects the output (the grader makes blank student
    versions in a scratch folder); ``db=False`` leaves the gradebook alone;
    ``worker`` (a :class:`kitlib.grading.worker.Worker`) runs it in a warm process.
    """
    args = [assignment, "--force"]
    if not db:
        args.append("--no-db")
    if release_dir is not None:
        args.append(f"--CourseDirectory.release_directory={release_dir}")
    if worker is None:
        result = _nbgrader(["generate_assignment", *args], course_dir)
        returncode, text = result.returncode, result.stdout + result.stderr
    else:
        log = Path(release_dir or course_dir) / ".kit-generate.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        returncode, text = run_app_output(worker, "generate_assignment", args + Course(course_dir).nbgrader_args(),
                                          course_dir, log)
    out = (release_dir or course_dir / "release") / assignment
    if returncode != 0 or not out.is_dir():
        tail = "\n".join(text.strip().splitlines()[-15:])
        raise ReleaseError(f"nbgrader generate_assignment {assignment} failed:\n{tail}")
    return out


def verify_release(course_dir: Path, assignment: str, release_root: Path | None = None) -> list[Leak]:
    """Leaks in the released notebooks of ``assignment`` (empty list: clean)."""
    source_dir = course_dir / "source" / assignment
    out_dir = (release_root or course_dir / "release") / assignment
    leaks: list[Leak] = []
    for source_path in sorted(source_dir.glob("*.ipynb")):
        released_path = out_dir / source_path.name
        if not released_path.is_file():
            raise ReleaseError(f"{released_path} was not generated")
        source_nb = json.loads(source_path.read_text(encoding="utf-8"))
        released_nb = json.loads(released_path.read_text(encoding="utf-8"))
        leaks += find_leaks(source_nb, released_nb, f"{assignment}/{source_path.name}")
    return leaks + student_side_leaks(course_dir, assignment, out_dir)


def student_side_leaks(course_dir: Path, assignment: str, released: Path | None = None,
                       package: Path | None = None) -> list[Leak]:
    """Instructor-only text of ``assignment`` found where students can read it (issue 15).

    What is searched for (:func:`kitlib.exercises.hidden.secrets`): the reference solutions, and from
    ``COURSE/hidden/<assignment>/`` the planted wrong answers, other solutions, expected values and the
    hidden checks written there. Where: every text file of the released folder, and every file of the
    kitlib package students install (``package``, default: this kitlib). Released folders must not hold
    the course's ``hidden`` folder or its probe secret either.

    An assignment without ``COURSE/hidden/<assignment>/`` still keeps its checks in the package (the
    layout before hidden parts): only its released files are searched until its exercises are ported.

    Example::

        student_side_leaks(Path("course"), "sequential_model")   # [] when nothing leaked
    """
    import kitlib
    from kitlib.exercises import hidden

    released = released or course_dir / "release" / assignment
    secrets = hidden.secrets(course_dir, assignment)
    leaks = [Leak(f"{assignment}/{name}", "-", secret.kind, f"{secret.exercise}: {secret.text[:80]}")
             for name, secret in hidden.find_secrets(hidden.student_side_files(released), secrets, released)]
    for path in released.rglob("*"):
        if path.name == ".probe-secret" or path.is_dir() and path.name == "hidden" or \
                path.is_file() and path.parent.name == "hidden" and path.suffix == ".py":
            leaks.append(Leak(f"{assignment}/{path.relative_to(released)}", "-", "hidden part", "course-side file"))
    if (hidden.course_hidden_dir(course_dir) / assignment).is_dir():
        package = package or Path(kitlib.__file__).resolve().parent
        leaks += [Leak(f"installed kitlib/{name}", "-", secret.kind, f"{secret.exercise}: {secret.text[:80]}")
                  for name, secret in hidden.find_secrets(hidden.student_side_files(package), secrets, package)]
    return leaks


def release_assignments(course_dir: Path, assignments: list[str] | None = None) -> list[Path]:
    """Generate and verify the student versions; returns their folders.

    Raises :class:`ReleaseError` for an unknown assignment, a failing nbgrader
    run, or any solution / hidden-test text left in a released notebook.
    """
    try:
        course = Course.open(course_dir)
        wanted = course.require(assignments)
    except CourseError as error:
        raise ReleaseError(str(error)) from error
    course_dir = course.root
    if not wanted:
        raise ReleaseError(f"no assignments with notebooks in {course_dir / 'source'}")
    released = []
    for assignment in wanted:
        out = generate(course_dir, assignment)
        leaks = verify_release(course_dir, assignment)
        if leaks:
            listing = "\n  ".join(str(leak) for leak in leaks[:20])
            raise ReleaseError(f"the student version of {assignment} is NOT safe to hand out "
                               f"({len(leaks)} leak(s)); check the nbgrader cell metadata and markers:\n  {listing}")
        released.append(out)
    return released


def run_release(args) -> int:
    """``kit release [ASSIGNMENT ...] [--course DIR]``: 0 on success, 1 with a message otherwise."""
    try:
        folders = release_assignments(Path(args.course), list(args.assignments or []))
    except ReleaseError as error:
        print(f"kit release: {error}", file=sys.stderr)
        return 1
    for folder in folders:
        count = len(list(folder.glob("*.ipynb")))
        print(f"released {folder.name}: {count} notebook(s) in {folder} (no solutions, no hidden tests)")
    return 0
