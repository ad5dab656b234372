"""``kit release``: nbgrader ``generate_assignment``, then a leak check.

nbgrader writes the student versions into ``COURSE/release/<assignment>/``;
this module then re-reads every released notebook and refuses the release
(:class:`ReleaseError`) when a solution region or a hidden test survived,
e.g. because a marker was misspelt or a cell lost its nbgrader metadata.

Self-study courses (Binder, learners on their own): with ``mode = "self-study"`` under
``[practice]`` in ``COURSE/kit.toml`` (or ``kit release --self-study``) the release also holds
``kit-solutions.json`` next to the notebooks: each exercise's worked solution (the source notebook's
``### BEGIN SOLUTION`` region of its answer cell) and its explanation (``Hidden.explanation``), which
``solution(id)`` in the student's kernel shows after a first attempt. The leak check then accepts the
reference solutions and expected values *in that file only*; everything else it checks as before.
In a graded release (the default) the file is removed, and any solution text in it is a leak.

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


# --------------------------------------------------------------------------- practice mode and self-study

SETTINGS_FILE = "kit.toml"
MODES = ("graded", "self-study")
# What a self-study release may show, and only in the solutions file: the worked solutions (reference
# solution regions), the values they produce, and other correct answers an explanation may mention.
SELF_STUDY_SHOWS = ("reference solution", "expected value", "other solution")


def practice_mode(course_dir: Path) -> str:
    """``"graded"`` (default) or ``"self-study"``: ``[practice] mode`` in ``COURSE/kit.toml``.

    Example::

        practice_mode(Path("course"))   # 'graded' without a kit.toml
    """
    path = Path(course_dir) / SETTINGS_FILE
    if not path.is_file():
        return "graded"
    text = path.read_text(encoding="utf-8")
    try:
        import tomllib

        mode = (tomllib.loads(text).get("practice") or {}).get("mode", "graded")
    except ImportError:  # Python 3.10: the one setting, read by hand
        import re

        found = re.search(r"(?m)^\s*mode\s*=\s*[\"']([^\"']*)[\"']", text)
        mode = found.group(1) if found else "graded"
    except ValueError as error:
        raise ReleaseError(f"{path}: not valid TOML ({error})") from error
    if mode not in MODES:
        raise ReleaseError(f"{path}: [practice] mode = {mode!r}; use \"graded\" or \"self-study\"")
    return mode


def worked_solutions(course_dir: Path, assignment: str) -> dict[str, dict[str, str]]:
    """``{exercise id: {"title", "solution", "explanation"}}`` for every answer cell of ``assignment``:
    the solution region(s) of ``<id>_answer`` in the source notebook, the title from the exercise
    (``Exercise.title``, the one source of titles) and ``Hidden.explanation`` from ``COURSE/hidden``."""
    import textwrap

    from kitlib.exercises import hidden
    from kitlib.exercises.core import REGISTRY

    explained = hidden.load(hidden.course_hidden_dir(Path(course_dir)) / assignment)
    found: dict[str, dict[str, str]] = {}
    for path in sorted((Path(course_dir) / "source" / assignment).glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook.get("cells", []):
            gid = (cell.get("metadata", {}).get("nbgrader", {}) or {}).get("grade_id") or ""
            if not gid.endswith("_answer"):
                continue
            code = "\n".join(textwrap.dedent(r).strip("\n") for r in regions(cell_source(cell), BEGIN_SOLUTION,
                                                                                END_SOLUTION)).strip()
            if not code:
                continue
            exercise = gid[: -len("_answer")]
            try:
                title = REGISTRY.get(exercise).title
            except KeyError:
                title = exercise
            spec = explained.get(exercise)
            found[exercise] = {"title": title, "solution": code,
                               "explanation": str(getattr(spec, "explanation", "") or "")}
    return found


def write_solutions(course_dir: Path, assignment: str, out_dir: Path) -> Path:
    """Write ``out_dir/kit-solutions.json`` (the format :mod:`kitlib.exercises.tutor` reads)."""
    from kitlib.exercises.tutor import SOLUTIONS_FILE, SOLUTIONS_FORMAT

    path = Path(out_dir) / SOLUTIONS_FILE
    data = {"format": SOLUTIONS_FORMAT, "assignment": assignment,
            "exercises": worked_solutions(course_dir, assignment)}
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def intended(file: str, secret, self_study: bool, solutions_text: str = "") -> bool:
    """Whether a secret found in a released ``file`` (path relative to the assignment's folder) is there
    on purpose: only in a self-study release's solutions file, and only what :data:`SELF_STUDY_SHOWS` or
    text the worked solutions themselves hold (``solutions_text``, normalised: a typical mistake that
    shares a line with the reference solution)."""
    from kitlib.exercises.tutor import SOLUTIONS_FILE

    if not self_study or Path(file).as_posix() != SOLUTIONS_FILE:
        return False
    return secret.kind in SELF_STUDY_SHOWS or bool(solutions_text) and secret.text in solutions_text


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


def verify_release(course_dir: Path, assignment: str, release_root: Path | None = None,
                   self_study: bool = False) -> list[Leak]:
    """Leaks in the released notebooks of ``assignment`` (empty list: clean); ``self_study``: the
    worked solutions in the solutions file are intended (see the module docstring)."""
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
    return leaks + student_side_leaks(course_dir, assignment, out_dir, self_study=self_study)


def student_side_leaks(course_dir: Path, assignment: str, released: Path | None = None,
                       package: Path | None = None, self_study: bool = False) -> list[Leak]:
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
    shown = ""
    if self_study:
        shown = "\n".join(hidden.normalise_text(entry["solution"])
                          for entry in worked_solutions(course_dir, assignment).values())
    leaks = [Leak(f"{assignment}/{name}", "-", secret.kind, f"{secret.exercise}: {secret.text[:80]}")
             for name, secret in hidden.find_secrets(hidden.student_side_files(released), secrets, released)
             if not intended(name, secret, self_study, shown)]
    for path in released.rglob("*"):
        if path.name == ".probe-secret" or path.is_dir() and path.name == "hidden" or \
                path.is_file() and path.parent.name == "hidden" and path.suffix == ".py":
            leaks.append(Leak(f"{assignment}/{path.relative_to(released)}", "-", "hidden part", "course-side file"))
    if (hidden.course_hidden_dir(course_dir) / assignment).is_dir():
        package = package or Path(kitlib.__file__).resolve().parent
        leaks += [Leak(f"installed kitlib/{name}", "-", secret.kind, f"{secret.exercise}: {secret.text[:80]}")
                  for name, secret in hidden.find_secrets(hidden.student_side_files(package), secrets, package)]
    return leaks


def kernel_metadata(kernel_name: str = "python3") -> dict:
    """The notebook metadata JupyterLab writes when a chapter's kernel starts: ``kernelspec`` as the
    installed spec names it and ``language_info`` as the kernel reports it (ipykernel of this Python,
    the one ``kit lab`` and Binder run the kernels in). A released notebook that carries exactly these
    is not marked modified when its kernel starts (JupyterLab compares before it writes); with nbgrader's
    ``{"name": "python"}`` alone it was, and closing an untouched chapter asked to save it.

    Example::

        kernel_metadata()["language_info"]["mimetype"]   # 'text/x-python'
    """
    import copy

    from ipykernel.ipkernel import IPythonKernel
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
        kernelspec = {"name": kernel_name, "display_name": spec.display_name, "language": spec.language}
    except NoSuchKernel:
        kernelspec = {"name": kernel_name, "display_name": "Python 3 (ipykernel)", "language": "python"}
    return {"kernelspec": kernelspec, "language_info": copy.deepcopy(IPythonKernel.language_info)}


def complete_metadata(folder: Path) -> None:
    """Give every released notebook of ``folder`` the metadata its kernel would write (:func:`kernel_metadata`)."""
    import nbformat

    found: dict[str, dict] = {}
    for path in sorted(Path(folder).glob("*.ipynb")):
        nb = nbformat.read(str(path), as_version=nbformat.NO_CONVERT)
        name = (nb.metadata.get("kernelspec") or {}).get("name") or "python3"
        wanted = found.setdefault(name, kernel_metadata(name))
        if all(nb.metadata.get(key) == value for key, value in wanted.items()):
            continue
        nb.metadata.update(json.loads(json.dumps(wanted)))
        nbformat.write(nb, str(path))



def release_assignments(course_dir: Path, assignments: list[str] | None = None,
                        self_study: bool | None = None) -> list[Path]:
    """Generate and verify the student versions; returns their folders.

    ``self_study``: add the worked solutions (default: the course's ``practice_mode``).
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
    if self_study is None:
        self_study = practice_mode(course_dir) == "self-study"
    from kitlib.exercises.tutor import SOLUTIONS_FILE

    for assignment in wanted:
        out = generate(course_dir, assignment)
        complete_metadata(out)  # opening an untouched chapter must not mark it modified
        from kitlib.grading.deadlines import publish_due_date

        publish_due_date(course, assignment, from_gradebook=True)  # DUE.md: the gradebook's date, not a source file
        if self_study:
            write_solutions(course_dir, assignment, out)
        else:
            (out / SOLUTIONS_FILE).unlink(missing_ok=True)  # left by an earlier self-study release
        leaks = verify_release(course_dir, assignment, self_study=self_study)
        if leaks:
            listing = "\n  ".join(str(leak) for leak in leaks[:20])
            raise ReleaseError(f"the student version of {assignment} is NOT safe to hand out "
                               f"({len(leaks)} leak(s)); check the nbgrader cell metadata and markers:\n  {listing}")
        released.append(out)
    return released


def run_release(args) -> int:
    """``kit release [ASSIGNMENT ...] [--course DIR]``: 0 on success, 1 with a message otherwise."""
    from kitlib.exercises.tutor import SOLUTIONS_FILE

    try:
        self_study = True if getattr(args, "self_study", False) else None
        folders = release_assignments(Path(args.course), list(args.assignments or []), self_study=self_study)
    except ReleaseError as error:
        print(f"kit release: {error}", file=sys.stderr)
        return 1
    for folder in folders:
        count = len(list(folder.glob("*.ipynb")))
        if (folder / SOLUTIONS_FILE).is_file():
            print(f"released {folder.name}: {count} notebook(s) in {folder} (self-study: worked solutions in "
                  f"{SOLUTIONS_FILE}, shown after a first attempt; no hidden tests)")
        else:
            print(f"released {folder.name}: {count} notebook(s) in {folder} (no solutions, no hidden tests)")
    return 0
