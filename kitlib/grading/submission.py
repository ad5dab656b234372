"""Grading ONE submission: the unit of work that runs on this machine or on a cluster worker.

Everything the unit needs comes in as plain data, so that a process on another
machine, with no access to the course folder, can run it:

- :class:`Submission`: one student's files for one assignment (name -> bytes) and the
  notes of the intake that read them (:meth:`Submission.collect` on the teacher's side);
- :class:`AssignmentBundle`: what every submission of an assignment shares: the course's
  ``nbgrader_config.py``, the blank student versions, the other files of the source
  folder and a gradebook snapshot that knows the assignment (content-addressed by
  :attr:`AssignmentBundle.digest`, so a worker can cache it);
- :class:`GradingOptions`: the limits (per-submission time, sandbox limits);
- :class:`Slot`: this machine's helpers for one submission at a time (a warm nbgrader
  worker and a warm trusted re-check server).

:func:`grade_submission` returns a :class:`SubmissionResult`: scores per grade cell,
report lines, and the autograded files as bytes. It never raises for anything a student
did, and it writes nothing outside its own scratch folder: the teacher's process alone
merges results into the gradebook and ``autograded/`` (:mod:`kitlib.grading.gradebook`).

Steps (one scratch nbgrader course per submission, in ``scratch_root``):
intake -> repair against the blank version (:mod:`kitlib.grading.sanitize`) -> stock
nbgrader autograde in the slot's worker, the kernel sandboxed (:mod:`kitlib.grading.sandbox`)
-> scores from the scratch gradebook -> problem scan of the executed notebooks ->
trusted re-check of the recorded answers (:mod:`kitlib.grading.verify`).

Example::

    bundle = AssignmentBundle.from_course(course, "mini", blank_dir, snapshot_db)
    slot = Slot.start(scratch_root, GradingOptions())
    result = grade_submission(Submission.collect(course, "ana", "mini"), bundle, slot, scratch_root,
                              GradingOptions())
    result.score, result.notes, sorted(result.autograded)
    slot.close()
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from kitlib.grading import sandbox
from kitlib.grading.course import Course, db_url
from kitlib.grading.messages import MANUAL, NOT_YET, parse_feedback_text, read_verdicts
from kitlib.grading.notebook import grade_id, outputs_text
from kitlib.grading.sanitize import repair_notebook
from kitlib.grading.verify import Verifier
from kitlib.grading.worker import Worker, close_all

DEFAULT_SUBMISSION_TIMEOUT = 1800.0
MAX_EXTRA_FILE_BYTES = 50 * 2**20  # a student's data file beside the notebook


# --------------------------------------------------------------------- results (plain data)

@dataclass
class CellResult:
    """One grade cell of one submission.

    ``status`` and ``problems`` are what the student was told (:mod:`kitlib.grading.messages`):
    "passed", "not yet" (with the check messages), "not attempted", "error" (the cell raised
    something else), "manual grading" (the re-check could not verify a pass), or "" (unknown)."""

    notebook: str
    grade_id: str
    max_score: float
    score: float
    needs_manual_grade: bool = False
    status: str = ""
    problems: list[str] = field(default_factory=list)


@dataclass
class SubmissionResult:
    """The outcome of grading one student's assignment (plain data: it can cross processes)."""

    student: str
    assignment: str
    cells: list[CellResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    executed: bool = False  # False: zero grades given without running (broken beyond repair)
    autograded: dict[str, bytes] = field(default_factory=dict)  # files for COURSE/autograded/<s>/<a>/
    timestamp: str | None = None  # the submission's nbgrader timestamp.txt, when it had one

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cells)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.cells)


# --------------------------------------------------------------------- inputs (plain data)

@dataclass(frozen=True)
class GradingOptions:
    """Limits of one submission's grading.

    Attributes:
        timeout: seconds the whole submission may take (nbgrader and kernel together).
        limits: the sandbox's resource limits for the student's kernel.
        use_bwrap: isolate the kernel with bubblewrap (False where it cannot start).
        hide: folders of this machine the kernel must not see.
    """

    timeout: float = DEFAULT_SUBMISSION_TIMEOUT
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    use_bwrap: bool = True
    hide: tuple[Path, ...] = ()


def _read_tree(folder: Path, skip_notebooks: bool = False) -> dict[str, bytes]:
    """Regular files under ``folder`` (relative posix path -> bytes); links are not followed."""
    files: dict[str, bytes] = {}
    if not folder.is_dir():
        return files
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if ".ipynb_checkpoints" in rel.parts or path.is_symlink() or not path.is_file():
            continue
        if skip_notebooks and path.suffix == ".ipynb":
            continue
        files[rel.as_posix()] = path.read_bytes()
    return files


@dataclass(frozen=True)
class AssignmentBundle:
    """What every submission of one assignment needs, as bytes (see the module docstring)."""

    assignment: str
    config: bytes
    blank: dict[str, bytes]
    source_files: dict[str, bytes]
    gradebook: bytes

    @classmethod
    def from_course(cls, course: Course, assignment: str, blank_dir: Path, gradebook_snapshot: Path
                    ) -> "AssignmentBundle":
        """Read the bundle on the teacher's side: ``blank_dir`` holds the student versions,
        ``gradebook_snapshot`` a gradebook copy that knows the assignment."""
        blank = {p.name: p.read_bytes() for p in sorted(Path(blank_dir).glob("*.ipynb"))}
        return cls(assignment, course.config_path.read_bytes(), blank,
                   _read_tree(course.source_dir(assignment), skip_notebooks=True),
                   Path(gradebook_snapshot).read_bytes())

    @property
    def digest(self) -> str:
        """A content hash: equal bundles, equal digests (a worker may cache by it)."""
        h = hashlib.sha256()
        for part in (self.assignment.encode(), self.config, self.gradebook):
            h.update(hashlib.sha256(part).digest())
        for group in (self.blank, self.source_files):
            for name in sorted(group):
                h.update(name.encode() + b"\0" + hashlib.sha256(group[name]).digest())
        return h.hexdigest()


@dataclass(frozen=True)
class Submission:
    """One student's files for one assignment (top-level file name -> bytes), and intake notes."""

    student: str
    assignment: str
    files: dict[str, bytes]
    notes: tuple[str, ...] = ()

    @classmethod
    def collect(cls, course: Course, student: str, assignment: str) -> "Submission":
        """Read ``submitted/<student>/<assignment>/`` on the teacher's side."""
        folder = course.submitted_dir(student, assignment)
        files: dict[str, bytes] = {}
        notes: list[str] = []
        for item in sorted(folder.iterdir()):
            if item.suffix == ".ipynb":
                try:
                    files[item.name] = item.read_bytes()
                except OSError as error:
                    notes.append(f"{item.name} cannot be read ({error.strerror})")
            elif item.is_file() and item.stat().st_size < MAX_EXTRA_FILE_BYTES:
                files[item.name] = item.read_bytes()
        return cls(student, assignment, files, tuple(notes))

    @property
    def notebooks(self) -> list[str]:
        return sorted(name for name in self.files if name.endswith(".ipynb"))


# --------------------------------------------------------------------- the slot

@dataclass
class Slot:
    """What one job slot keeps warm between submissions: an nbgrader worker and a re-check server."""

    worker: Worker
    verifier: Verifier

    @classmethod
    def start(cls, scratch_root: Path, options: GradingOptions) -> "Slot":
        """A slot whose helpers start now (their imports overlap with the caller's set-up)."""
        return cls(Worker(), Verifier(scratch_root, list(options.hide), options.limits, options.use_bwrap)).spawn()

    def spawn(self) -> "Slot":
        self.worker.spawn()
        self.verifier.spawn()
        return self

    def helpers(self) -> list[Worker]:
        return [self.worker, self.verifier]

    def close(self) -> None:
        close_all(self.helpers())


# --------------------------------------------------------------------- problem scan

def notebook_problems(path: Path, nb=None) -> list[str]:
    """Report lines for what happened while an autograded notebook ran (``nb``: already read)."""
    import nbformat

    if nb is None:
        try:
            nb = nbformat.read(str(path), as_version=4)
        except Exception:
            return [f"{path.name}: the executed notebook could not be read back"]
    notes = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        label = grade_id(cell) or f"cell {index + 1}"
        text = outputs_text(cell)
        if "CellTimeoutError" in text or "Cell execution timed out" in text:
            notes.append(f"{path.stem}: {label} ran past the per-cell time limit and was interrupted")
        if "DeadKernelError" in text or "Kernel died" in text:
            notes.append(f"{path.stem}: the kernel died in {label} (crash or memory limit); later cells got no points")
        if "MemoryError" in text:
            notes.append(f"{path.stem}: {label} ran out of memory (MemoryError)")
        if "... Output truncated ..." in text:
            notes.append(f"{path.stem}: {label} printed an enormous output; it was truncated")
    return notes


def read_executed(result: "SubmissionResult", folder: Path) -> None:
    """Problem lines and what each grade cell told the student (``CellResult.status`` /
    ``problems``), from the executed notebooks in ``folder``, each read once."""
    import nbformat

    cells = {(c.notebook, c.grade_id): c for c in result.cells}
    for path in sorted(folder.glob("*.ipynb")):
        try:
            nb = nbformat.read(str(path), as_version=4)
        except Exception:
            result.notes.append(f"{path.name}: the executed notebook could not be read back")
            continue
        result.notes += notebook_problems(path, nb)
        for gid, verdict in read_verdicts(nb).items():
            cell = cells.get((path.stem, gid))
            if cell is not None:
                cell.status, cell.problems = verdict.status, list(verdict.problems)


def explain_failure(log: str) -> str:
    """One report line for a failed ``nbgrader autograde`` run, from its log."""
    if "DeadKernelError" in log or "Kernel died" in log or "kernel died" in log.lower():
        return ("the kernel died while running the notebook (a crash, or the memory limit): "
                "nbgrader could not finish it; graded 0")
    if "CellTimeoutError" in log or "Timeout waiting for" in log:
        return "a cell ran past the per-cell time limit and could not be interrupted; graded 0"
    errors = [line.strip() for line in log.splitlines()
              if ("Error" in line or "ERROR" in line) and "Please see the" not in line][-2:]
    return "nbgrader could not grade this submission (" + " | ".join(errors)[:300] + "); graded 0"


def cell_type_manual(cell) -> bool:
    return getattr(cell, "cell_type", "code") == "markdown"


# --------------------------------------------------------------------- one submission

class SubmissionGrader:
    """Grades one submission in its own scratch course (thread-safe: shares nothing writable)."""

    def __init__(self, submission: Submission, bundle: AssignmentBundle, scratch_root: Path,
                 options: GradingOptions, events: Path | None = None):
        self.submission = submission
        self.events = events
        self.bundle = bundle
        self.options = options
        self.assignment = submission.assignment
        self.student = submission.student
        self.scratch_root = Path(scratch_root)
        self.work = Path(tempfile.mkdtemp(prefix=f"{self.student[:20]}-", dir=scratch_root))

    @property
    def produced(self) -> Path:
        return self.work / "autograded" / self.student / self.assignment

    @property
    def answers(self) -> Path:
        return self.produced / ".kit-answers"

    # -- preparing the scratch course
    def prepare(self, result: SubmissionResult) -> bool:
        """Fill the scratch course; False when nothing gradable was submitted."""
        import nbformat

        from kitlib.grading.notebook import parse_notebook

        work, a, s, bundle = self.work, self.assignment, self.student, self.bundle
        (work / "nbgrader_config.py").write_bytes(bundle.config)
        (work / "gradebook.db").write_bytes(bundle.gradebook)
        source = work / "source" / a
        source.mkdir(parents=True)
        for rel, data in bundle.source_files.items():
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            (source / rel).write_bytes(data)
        sub_out = work / "submitted" / s / a
        sub_out.mkdir(parents=True)
        result.notes += list(self.submission.notes)
        files = self.submission.files
        expected = sorted(bundle.blank)
        present = self.submission.notebooks
        if not files and not self.submission.notes:
            result.notes.append("the submission folder is empty: graded as not attempted")
        for name in present:
            if name not in expected:
                result.notes.append(f"unexpected notebook {name} (from another assignment?): not graded")
        usable = 0
        for name in expected:
            blank = nbformat.reads(bundle.blank[name].decode("utf-8"), as_version=4)
            if name not in files:
                if files:
                    result.notes.append(f"notebook {name} is missing: graded as not attempted")
                nb = blank
            else:
                nb, reason = parse_notebook(files[name], name)
                if nb is None:
                    result.notes.append(f"{reason}: graded as not attempted")
                    nb = blank
                else:
                    nb, notes = repair_notebook(nb, blank)
                    result.notes += [f"{Path(name).stem}: {note}" for note in notes]
                    usable += 1
            nbformat.write(nb, str(sub_out / name))
        for name, data in files.items():  # the student's own data files and nbgrader's timestamp
            if not name.endswith(".ipynb"):
                (sub_out / name).write_bytes(data)
        stamp = files.get("timestamp.txt")
        if stamp is not None:
            result.timestamp = stamp.decode("utf-8", errors="replace").strip()[:100]
        return usable > 0

    def _kernelspec(self) -> dict:
        ipc = self.work / "ipc"
        ipc.mkdir(exist_ok=True)
        ipc.chmod(0o777)
        argv = sandbox.kernel_argv(self.options.limits, self.produced, ipc, hide=list(self.options.hide),
                                   use_bwrap=self.options.use_bwrap)
        sandbox.write_kernelspec(self.work / "jupyter", argv)
        return {"ipc": ipc}

    def autograde(self, result: SubmissionResult, worker: Worker) -> subprocess.CompletedProcess | None:
        """Run stock nbgrader autograde in the scratch course, stopped after ``timeout`` seconds."""
        import os

        paths = self._kernelspec()
        timeout = self.options.timeout
        env = {
            "JUPYTER_PATH": str(self.work / "jupyter") + os.pathsep + os.environ.get("JUPYTER_PATH", ""),
            "JUPYTER_RUNTIME_DIR": str(paths["ipc"]),
            "TMPDIR": str(paths["ipc"]),  # jupyter_client's connection file goes to mkstemp()
            "KIT_ANSWER_DIR": str(self.answers),
        }
        argv = [self.assignment, f"--student={self.student}", "--force",
                f"--CourseDirectory.root={self.work}",
                f"--CourseDirectory.db_url={db_url(self.work / 'gradebook.db')}",
                "--Execute.kernel_name=kit-sandbox", "--Execute.shutdown_kernel=immediate",
                "--KernelManager.transport=ipc", f"--KernelManager.ip={paths['ipc'] / 'k'}"]
        log = self.work / "autograde.log"
        task = {"cwd": str(self.work), "argv": argv, "env": env, "log": str(log)}
        if self.events is not None:
            task["events"] = str(self.events)  # notebook start / end lines for kit grade's progress
        rc = worker.run(task, timeout)
        if rc is None:
            result.notes.append(f"the whole submission ran past the {timeout:g} s limit: stopped; graded 0")
            return None
        out = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        return subprocess.CompletedProcess(argv, rc, out, "")

    def read_scores(self, result: SubmissionResult) -> bool:
        """Copy this submission's grades from the scratch gradebook into ``result``."""
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(db_url(self.work / "gradebook.db"), None) as gb:
            try:
                submission = gb.find_submission(self.assignment, self.student)
            except MissingEntry:
                return False
            for nb in submission.notebooks:
                for grade in nb.grades:
                    result.cells.append(CellResult(nb.name, grade.name, float(grade.max_score),
                                                   float(grade.auto_score or 0), bool(grade.needs_manual_grade)))
        return bool(result.cells)

    def recheck(self, result: SubmissionResult, verifier: Verifier) -> None:
        """Withdraw points that the trusted re-check does not confirm.

        - re-check passed: the points stay;
        - re-check failed, or no answer was recorded: the points are withdrawn (the grade cell
          passed only inside the notebook: tampering with the checks);
        - the answer could not be exported, or the re-check itself broke down: the points are
          withdrawn and the cell is flagged for manual grading, so the teacher decides in
          formgrader (a student must not keep points that nobody could verify)."""
        passed = {c.grade_id[: -len("_test")]: c for c in result.cells
                  if c.score > 0 and c.grade_id.endswith("_test")}
        if not passed:
            return
        verify_dir = self.work / "verify"
        if self.answers.is_dir():
            shutil.copytree(self.answers, verify_dir, symlinks=True, dirs_exist_ok=True)  # links stay links
        else:
            verify_dir.mkdir(exist_ok=True)
        verdicts = verifier.check(verify_dir, sorted(passed))
        for eid, cell in passed.items():
            verdict = verdicts.get(eid, {"status": "failed", "message": "no verdict"})
            if verdict["status"] == "passed":
                continue
            if verdict["status"] in ("unverifiable", "error"):
                result.notes.append(f"{eid}: sent to manual grading: the grade cell passed inside the notebook but "
                                    f"the answer could not be re-checked outside it ({verdict['message']}); "
                                    f"its {cell.score:g} point(s) wait for the teacher's review in formgrader")
                cell.score = 0.0
                cell.needs_manual_grade = True
                cell.status, cell.problems = MANUAL, []
            else:
                result.notes.append(f"{eid}: points withdrawn: the grade cell passed inside the notebook but the "
                                    f"trusted re-check did not ({verdict['message']}); tampering with the checks?")
                cell.score = 0.0
                told = parse_feedback_text(verdict["message"])  # what the answer really fails
                cell.status, cell.problems = NOT_YET, told.problems if told.status == NOT_YET else [verdict["message"]]

    def zero_scores(self, result: SubmissionResult) -> None:
        """Zero grades for every grade cell (when nothing could run)."""
        from nbgrader.api import Gradebook

        snapshot = self.work / "gradebook-zero.db"
        snapshot.write_bytes(self.bundle.gradebook)
        result.cells = []
        with Gradebook(db_url(snapshot), None) as gb:
            assignment = gb.find_assignment(self.assignment)
            for nb in assignment.notebooks:
                for cell in nb.grade_cells:
                    result.cells.append(CellResult(nb.name, cell.name, float(cell.max_score), 0.0,
                                                   cell_type_manual(cell)))

    def collect_autograded(self, result: SubmissionResult) -> None:
        """The files for ``autograded/``: what nbgrader produced, else the repaired submission."""
        if result.executed and self.produced.is_dir():
            files = _read_tree(self.produced)
            result.autograded = {rel: data for rel, data in files.items()
                                 if not rel.split("/")[0] == ".kit-answers"}
        else:
            result.autograded = _read_tree(self.work / "submitted" / self.student / self.assignment)

    def run(self, slot: Slot) -> SubmissionResult:
        """Grade the submission; never raises (problems become notes and zero points)."""
        result = SubmissionResult(self.student, self.assignment)
        start = time.monotonic()
        try:
            self.prepare(result)
            completed = self.autograde(result, slot.worker)
            if completed is not None and self.read_scores(result):
                result.executed = True
                if completed.returncode != 0:
                    result.notes.append(explain_failure(completed.stdout))
                read_executed(result, self.produced)
                self.recheck(result, slot.verifier)
            else:
                if completed is not None:
                    result.notes.append(explain_failure(completed.stdout))
                self.zero_scores(result)
            self.collect_autograded(result)
        except Exception as error:  # a bug on our side must not cost other students their grade
            result.notes.append(f"kit grade failed on this submission ({type(error).__name__}: {error}); graded 0")
            (self.work / "kit-error.txt").write_text(traceback.format_exc(), encoding="utf-8")
            try:
                self.zero_scores(result)
            except Exception:
                pass
        result.seconds = time.monotonic() - start
        return result


def grade_submission(submission: Submission, bundle: AssignmentBundle, slot: Slot, scratch_root: Path,
                     options: GradingOptions, keep_scratch: bool = False,
                     events: Path | None = None) -> SubmissionResult:
    """Grade one submission with this machine's ``slot``; see the module docstring.

    Never raises for anything the student did; its scratch folder (under ``scratch_root``)
    is removed unless ``keep_scratch``. With ``events``, the nbgrader worker appends a JSON
    line to that file as each notebook starts and ends (:mod:`kitlib.grading.progress`)."""
    grader = SubmissionGrader(submission, bundle, scratch_root, options, events)
    try:
        return grader.run(slot)
    finally:
        if not keep_scratch:
            shutil.rmtree(grader.work, ignore_errors=True)

