"""``kit grade``: nbgrader autograde, in parallel, isolated, merged into one gradebook.

Design (one teacher process; N job slots, each a thread driving one long-lived
trusted nbgrader worker process, :mod:`kitlib.grading.worker`):

1. The teacher process makes sure the gradebook knows the assignment (a fresh
   clone has no gradebook: ``generate_assignment`` creates it) and makes the
   blank student versions (``--no-db``, in scratch).
2. Each submission is repaired against the blank version
   (:mod:`kitlib.grading.sanitize`) and autograded by the stock nbgrader
   ``AutogradeApp`` (run in the worker) in its own scratch course: a copy of
   the config, a snapshot of the gradebook, the submission. No two processes
   ever open the same SQLite file, so there is no "database is locked". A
   worker that runs past ``--timeout`` is killed (its kernels die with it) and
   replaced.
3. The student's kernel runs in a bubblewrap sandbox with resource limits
   (:mod:`kitlib.grading.sandbox`); nbgrader itself stays outside and talks
   to it over Unix sockets. Per-cell limit: ``Execute.timeout`` of the course;
   per-submission limit: ``--timeout``.
4. Points of grade cells are confirmed by a trusted re-check of the recorded
   answers outside the kernel (:mod:`kitlib.grading.verify`: a warm server per
   slot, a fresh forked child per submission), so that
   monkeypatching kitlib inside the notebook earns nothing.
5. The teacher process alone writes the course gradebook (scores copied from
   the scratch gradebook with nbgrader's API) and ``autograded/``; then
   ``grades.csv`` (``nbgrader export``), feedback without hidden tests and the report.

Example::

    from kitlib.grading.grade import grade_course
    summary = grade_course(Path("course"), ["mini"], jobs=2)
    summary.results[0].score, summary.results[0].notes
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from kitlib.grading import sandbox
from kitlib.grading.release import (ReleaseError, check_course, course_assignments, current_release, generate, tool_env,
                                    BEGIN_HIDDEN, END_HIDDEN)
from kitlib.grading.sanitize import read_submitted, repair_notebook

DEFAULT_SUBMISSION_TIMEOUT = 1800.0


class GradingError(RuntimeError):
    """A problem on the teacher's side (course folder, configuration, gradebook)."""


@dataclass
class CellResult:
    """One grade cell of one submission."""

    notebook: str
    grade_id: str
    max_score: float
    score: float
    needs_manual_grade: bool = False


@dataclass
class SubmissionResult:
    """The outcome of grading one student's assignment."""

    student: str
    assignment: str
    cells: list[CellResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    executed: bool = False  # False: zero grades given without running (broken beyond repair)

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cells)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.cells)


@dataclass
class GradeSummary:
    """All results of one ``kit grade`` run."""

    course: Path
    assignments: list[str]
    results: list[SubmissionResult]
    isolation: str
    seconds: float


# --------------------------------------------------------------------- helpers

def course_settings(course_dir: Path) -> dict:
    """Values of the course's nbgrader config that kit grade needs (per-cell timeout)."""
    from traitlets.config.loader import PyFileConfigLoader

    try:
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    except Exception as error:
        raise GradingError(f"{course_dir / 'nbgrader_config.py'} cannot be loaded: {error}") from error
    timeout = None
    for section in ("Execute", "ExecutePreprocessor"):
        if section in config and "timeout" in config[section]:
            timeout = config[section]["timeout"]
            break
    return {"cell_timeout": float(timeout or 30)}


def _copy_db(src: Path, dst: Path) -> None:
    """A consistent snapshot of an SQLite gradebook."""
    with sqlite3.connect(src) as source, sqlite3.connect(dst) as target:
        source.backup(target)


def _db_url(path: Path) -> str:
    return f"sqlite:///{path}"


def ensure_assignment(course_dir: Path, assignment: str, scratch: Path, worker=None) -> Path | None:
    """Make sure the course gradebook knows ``assignment`` (creating the gradebook if needed).

    Returns the folder of student versions when it had to generate them, else None."""
    from nbgrader.api import Gradebook, MissingEntry

    db = course_dir / "gradebook.db"
    if db.exists():
        with Gradebook(_db_url(db), None) as gb:
            try:
                if gb.find_assignment(assignment).notebooks:
                    return None
            except MissingEntry:
                pass
    return generate(course_dir, assignment, release_dir=scratch / "db-release", db=True, worker=worker)


def find_submissions(course_dir: Path, assignment: str) -> list[str]:
    """Students with a folder ``submitted/<student>/<assignment>/``."""
    root = course_dir / "submitted"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and (p / assignment).is_dir())


def _cell_outputs_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
    return "\n".join(parts)


def notebook_problems(path: Path) -> list[str]:
    """Report lines for what happened while an autograded notebook ran."""
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:
        return [f"{path.name}: the executed notebook could not be read back"]
    notes = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        label = ((cell.metadata.get("nbgrader") or {}).get("grade_id")) or f"cell {index + 1}"
        text = _cell_outputs_text(cell)
        if "CellTimeoutError" in text or "Cell execution timed out" in text:
            notes.append(f"{path.stem}: {label} ran past the per-cell time limit and was interrupted")
        if "DeadKernelError" in text or "Kernel died" in text:
            notes.append(f"{path.stem}: the kernel died in {label} (crash or memory limit); later cells got no points")
        if "MemoryError" in text:
            notes.append(f"{path.stem}: {label} ran out of memory (MemoryError)")
        if "... Output truncated ..." in text:
            notes.append(f"{path.stem}: {label} printed an enormous output; it was truncated")
    return notes


# --------------------------------------------------------------------- one submission

class SubmissionGrader:
    """Grades one submission in its own scratch course (thread-safe: shares nothing writable)."""

    def __init__(self, course_dir: Path, assignment: str, student: str, blank_dir: Path,
                 snapshot_db: Path, scratch_root: Path, timeout: float, limits: sandbox.Limits,
                 use_bwrap: bool):
        self.course_dir = course_dir
        self.assignment = assignment
        self.student = student
        self.blank_dir = blank_dir
        self.snapshot_db = snapshot_db
        self.timeout = timeout
        self.limits = limits
        self.use_bwrap = use_bwrap
        self.scratch_root = scratch_root
        self.work = Path(tempfile.mkdtemp(prefix=f"{student[:20]}-", dir=scratch_root))

    # -- preparing the scratch course
    def prepare(self, result: SubmissionResult) -> bool:
        """Fill the scratch course; False when nothing gradable was submitted."""
        work, a, s = self.work, self.assignment, self.student
        shutil.copy2(self.course_dir / "nbgrader_config.py", work / "nbgrader_config.py")
        _copy_db(self.snapshot_db, work / "gradebook.db")
        source = self.course_dir / "source" / a
        shutil.copytree(source, work / "source" / a, ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
        sub_in = self.course_dir / "submitted" / s / a
        sub_out = work / "submitted" / s / a
        sub_out.mkdir(parents=True)
        expected = sorted(p.name for p in self.blank_dir.glob("*.ipynb"))
        present = sorted(p.name for p in sub_in.glob("*.ipynb"))
        if not any(sub_in.iterdir()):
            result.notes.append("the submission folder is empty: graded as not attempted")
        for name in present:
            if name not in expected:
                result.notes.append(f"unexpected notebook {name} (from another assignment?): not graded")
        usable = 0
        for name in expected:
            blank = nbformat.read(str(self.blank_dir / name), as_version=4)
            path = sub_in / name
            if not path.exists():
                if present or any(sub_in.iterdir()):
                    result.notes.append(f"notebook {name} is missing: graded as not attempted")
                nb = blank
            else:
                nb, reason = read_submitted(path)
                if nb is None:
                    result.notes.append(f"{reason}: graded as not attempted")
                    nb = blank
                else:
                    nb, notes = repair_notebook(nb, blank)
                    result.notes += [f"{Path(name).stem}: {note}" for note in notes]
                    usable += 1
            nbformat.write(nb, str(sub_out / name))
        for item in sub_in.iterdir():  # the student's own data files and nbgrader's timestamp
            if item.suffix != ".ipynb" and item.is_file() and item.stat().st_size < 50 * 2**20:
                shutil.copy2(item, sub_out / item.name)
        return usable > 0

    def _kernelspec(self) -> dict:
        work = self.work
        ipc = work / "ipc"
        ipc.mkdir(exist_ok=True)
        os.chmod(ipc, 0o777)
        answers = work / "autograded" / self.student / self.assignment / ".kit-answers"
        workdir = work / "autograded" / self.student / self.assignment
        argv = sandbox.kernel_argv(self.limits, workdir, ipc,
                                   hide=sandbox.hidden_paths(self.course_dir, self.scratch_root),
                                   use_bwrap=self.use_bwrap)
        sandbox.write_kernelspec(work / "jupyter", argv)
        return {"ipc": ipc, "answers": answers, "workdir": workdir}

    def autograde(self, result: SubmissionResult, worker: "Worker") -> subprocess.CompletedProcess | None:
        """Run stock nbgrader autograde in the scratch course, stopped after ``timeout`` seconds."""
        paths = self._kernelspec()
        env = {
            "JUPYTER_PATH": str(self.work / "jupyter") + os.pathsep + os.environ.get("JUPYTER_PATH", ""),
            "JUPYTER_RUNTIME_DIR": str(paths["ipc"]),
            "TMPDIR": str(paths["ipc"]),  # jupyter_client's connection file goes to mkstemp()
            "KIT_ANSWER_DIR": str(paths["answers"]),
        }
        argv = [self.assignment, f"--student={self.student}", "--force",
                f"--CourseDirectory.root={self.work}",
                f"--CourseDirectory.db_url={_db_url(self.work / 'gradebook.db')}",
                "--Execute.kernel_name=kit-sandbox", "--Execute.shutdown_kernel=immediate",
                "--KernelManager.transport=ipc", f"--KernelManager.ip={paths['ipc'] / 'k'}"]
        log = self.work / "autograde.log"
        rc = worker.run({"cwd": str(self.work), "argv": argv, "env": env, "log": str(log)}, self.timeout)
        if rc is None:
            result.notes.append(f"the whole submission ran past the {self.timeout:g} s limit: "
                                "stopped; graded 0")
            return None
        out = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        return subprocess.CompletedProcess(argv, rc, out, "")

    def read_scores(self, result: SubmissionResult) -> bool:
        """Copy this submission's grades from the scratch gradebook into ``result``."""
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(_db_url(self.work / "gradebook.db"), None) as gb:
            try:
                submission = gb.find_submission(self.assignment, self.student)
            except MissingEntry:
                return False
            for nb in submission.notebooks:
                for grade in nb.grades:
                    result.cells.append(CellResult(nb.name, grade.name, float(grade.max_score),
                                                   float(grade.auto_score or 0), bool(grade.needs_manual_grade)))
        return bool(result.cells)

    def recheck(self, result: SubmissionResult, verifier: "Verifier") -> None:
        """Withdraw points that the trusted re-check does not confirm.

        - re-check passed: the points stay;
        - re-check failed, or no answer was recorded: the points are withdrawn (the grade cell
          passed only inside the notebook: tampering with the checks);
        - the answer could not be exported, or the re-check itself broke down: the points are
          withdrawn and the cell is flagged for manual grading, so the teacher decides in
          formgrader (a student must not keep points that nobody could verify)."""
        answers = self.work / "autograded" / self.student / self.assignment / ".kit-answers"
        passed = {c.grade_id[: -len("_test")]: c for c in result.cells
                  if c.score > 0 and c.grade_id.endswith("_test")}
        if not passed:
            return
        verify_dir = self.work / "verify"
        if answers.is_dir():
            shutil.copytree(answers, verify_dir, symlinks=True, dirs_exist_ok=True)  # links stay links
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
            else:
                result.notes.append(f"{eid}: points withdrawn: the grade cell passed inside the notebook but the "
                                    f"trusted re-check did not ({verdict['message']}); tampering with the checks?")
                cell.score = 0.0

    def zero_scores(self, result: SubmissionResult) -> None:
        """Zero grades for every grade cell (when nothing could run)."""
        from nbgrader.api import Gradebook

        result.cells = []
        with Gradebook(_db_url(self.snapshot_db), None) as gb:
            assignment = gb.find_assignment(self.assignment)
            for nb in assignment.notebooks:
                for cell in nb.grade_cells:
                    result.cells.append(CellResult(nb.name, cell.name, float(cell.max_score), 0.0,
                                                   cell_type_manual(cell)))

    def run(self, worker: "Worker", verifier: "Verifier") -> SubmissionResult:
        """Grade the submission; never raises (problems become notes and zero points)."""
        result = SubmissionResult(self.student, self.assignment)
        start = time.monotonic()
        try:
            self.prepare(result)
            completed = self.autograde(result, worker)
            if completed is not None and self.read_scores(result):
                result.executed = True
                if completed.returncode != 0:
                    result.notes.append(explain_failure(completed.stdout))
                for path in sorted((self.work / "autograded" / self.student / self.assignment).glob("*.ipynb")):
                    result.notes += notebook_problems(path)
                self.recheck(result, verifier)
            else:
                if completed is not None:
                    result.notes.append(explain_failure(completed.stdout))
                self.zero_scores(result)
        except Exception as error:  # a bug on our side must not cost other students their grade
            result.notes.append(f"kit grade failed on this submission ({type(error).__name__}: {error}); graded 0")
            (self.work / "kit-error.txt").write_text(traceback.format_exc(), encoding="utf-8")
            try:
                self.zero_scores(result)
            except Exception:
                pass
        result.seconds = time.monotonic() - start
        return result


def explain_failure(log: str) -> str:
    """One report line for a failed ``nbgrader autograde`` run, from its log."""
    if "DeadKernelError" in log or "Kernel died" in log or "kernel died" in log.lower():
        return ("the kernel died while running the notebook (a crash, or the memory limit): "
                "nbgrader could not finish it; graded 0")
    if "CellTimeoutError" in log or "Timeout waiting for" in log:
        return "a cell ran past the per-cell time limit and could not be interrupted; graded 0"
    errors = [l.strip() for l in log.splitlines()
              if ("Error" in l or "ERROR" in l) and "Please see the" not in l][-2:]
    return "nbgrader could not grade this submission (" + " | ".join(errors)[:300] + "); graded 0"


def cell_type_manual(cell) -> bool:
    return getattr(cell, "cell_type", "code") == "markdown"


class Worker:
    """Parent side of a long-lived trusted helper process that answers one JSON line per
    request: by default :mod:`kitlib.grading.worker` (nbgrader apps), one per job slot,
    restarted after a kill. :meth:`spawn` starts it without waiting, so that the
    imports of several helpers overlap with each other and with the teacher's own set-up."""

    def __init__(self, argv: list[str] | None = None, preexec_fn=None):
        self.argv = argv or [sys.executable, "-m", "kitlib.grading.worker"]
        self.preexec_fn = preexec_fn
        self.proc: subprocess.Popen | None = None
        self.ready = False

    def spawn(self) -> "Worker":
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, text=True, env=tool_env(),
                                         start_new_session=True, preexec_fn=self.preexec_fn)
            self.ready = False
        return self

    def _read(self, timeout: float) -> dict | None:
        import selectors

        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                return None
        line = self.proc.stdout.readline()
        try:
            return json.loads(line) if line else None
        except ValueError:
            return None

    def request(self, message: dict, timeout: float) -> dict | None:
        """The helper's reply to ``message``, or None when it gave none within ``timeout``
        seconds or died (it is then killed, and started again by the next request)."""
        self.spawn()
        if not self.ready:
            if self._read(timeout=600) is None:
                self.close(kill=True)
                return None
            self.ready = True
        try:
            self.proc.stdin.write(json.dumps(message) + "\n")
            self.proc.stdin.flush()
        except OSError:
            self.close(kill=True)
            return None
        reply = self._read(timeout)
        if reply is None:
            self.close(kill=True)
        return reply

    def run(self, task: dict, timeout: float) -> int | None:
        """Exit status of the task, or None when it ran past ``timeout`` (the worker is then killed)."""
        reply = self.request(task, timeout)
        if reply is None or "rc" not in reply:
            self.close(kill=True)
            return None
        return int(reply["rc"])

    def close(self, kill: bool = False) -> None:
        if self.proc is None:
            return
        if kill:
            _kill_group(self.proc)
        else:
            try:
                if not self.proc.stdin.closed:
                    self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except Exception:
                _kill_group(self.proc)
        self.proc = None
        self.ready = False


class Verifier(Worker):
    """The trusted re-check server of one job slot (``python -m kitlib.grading.verify --serve``),
    in a read-only sandbox that sees the grading scratch folder but not the course."""

    RECHECK_TIMEOUT = 600.0

    def __init__(self, scratch_root: Path, hide: list[Path], limits: sandbox.Limits, use_bwrap: bool):
        argv = [sys.executable, "-m", "kitlib.grading.verify", "--serve", f"--memory-mb={limits.memory_mb}",
                f"--cpu-seconds={min(limits.cpu_seconds, 300)}"]
        if use_bwrap:
            argv = sandbox.tool_sandbox_prefix(scratch_root, hide) + argv
        super().__init__(argv, preexec_fn=sandbox.limit_tool_process(limits))

    def check(self, directory: Path, exercise_ids: list[str]) -> dict:
        """Verdicts per exercise id (see :mod:`kitlib.grading.verify`)."""
        reply = self.request({"dir": str(directory), "ids": list(exercise_ids)}, self.RECHECK_TIMEOUT)
        if not isinstance(reply, dict) or "error" in reply:
            return {eid: {"status": "error", "message": "the re-check gave no verdict (it ran too long or died)"}
                    for eid in exercise_ids}
        return reply


@dataclass
class Slot:
    """What one job slot keeps warm between submissions: an nbgrader worker and a re-check server."""

    worker: Worker
    verifier: Verifier

    def spawn(self) -> "Slot":
        self.worker.spawn()
        self.verifier.spawn()
        return self

    def helpers(self) -> list[Worker]:
        return [self.worker, self.verifier]


def close_all(slots: list[Slot]) -> None:
    """End every slot's helpers: all are told at once, then waited for (or killed)."""
    helpers = [helper for slot in slots for helper in slot.helpers() if helper.proc is not None]
    for helper in helpers:
        try:
            helper.proc.stdin.close()
        except OSError:
            pass
    for helper in helpers:
        helper.close()


def _kill_group(proc: subprocess.Popen) -> None:
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


# --------------------------------------------------------------------- merging

class GradebookWriter:
    """The only writer of the course gradebook and ``autograded/`` (one lock, one process)."""

    def __init__(self, course_dir: Path):
        self.course_dir = course_dir
        self.lock = threading.Lock()

    def merge(self, grader: SubmissionGrader, result: SubmissionResult) -> None:
        from nbgrader.api import Gradebook

        a, s = result.assignment, result.student
        with self.lock:
            target = self.course_dir / "autograded" / s / a
            produced = grader.work / "autograded" / s / a
            if target.exists():
                shutil.rmtree(target)
            if result.executed and produced.is_dir():
                shutil.copytree(produced, target, ignore=shutil.ignore_patterns(".kit-answers"))
            else:
                shutil.copytree(grader.work / "submitted" / s / a, target)
            scores = {(c.notebook, c.grade_id): c for c in result.cells}
            timestamp = None
            stamp = grader.work / "submitted" / s / a / "timestamp.txt"
            with warnings.catch_warnings(), Gradebook(_db_url(self.course_dir / "gradebook.db"), None) as gb:
                warnings.simplefilter("ignore")  # SQLAlchemy autoflush notices from nbgrader's own API
                gb.update_or_create_student(s)
                if stamp.exists():
                    from nbgrader.utils import parse_utc

                    try:
                        timestamp = parse_utc(stamp.read_text().strip())
                    except Exception:
                        timestamp = None
                submission = (gb.update_or_create_submission(a, s, timestamp=timestamp) if timestamp
                              else gb.update_or_create_submission(a, s))
                for nb in submission.notebooks:
                    for grade in nb.grades:
                        cell = scores.get((nb.name, grade.name))
                        if cell is None:
                            continue
                        grade.auto_score = cell.score
                        grade.needs_manual_grade = cell.needs_manual_grade
                gb.db.commit()


# --------------------------------------------------------------------- whole run

class Progress:
    """One line per finished submission, with an ETA from the mean time so far."""

    def __init__(self, total: int, jobs: int, stream=None):
        self.total, self.jobs, self.done = total, jobs, 0
        self.start = time.monotonic()
        self.stream = stream or sys.stdout

    def update(self, result: SubmissionResult) -> str:
        self.done += 1
        elapsed = time.monotonic() - self.start
        remaining = (elapsed / self.done) * (self.total - self.done)
        eta = time.strftime("%M:%S", time.gmtime(remaining)) if self.done < self.total else "done"
        flag = f" · {len(result.notes)} problem(s)" if result.notes else ""
        line = (f"[{self.done}/{self.total}] {result.student}/{result.assignment}: "
                f"{result.score:g}/{result.max_score:g} in {result.seconds:.1f} s{flag} · "
                f"elapsed {elapsed:.0f} s · ETA {eta}")
        print(line, file=self.stream, flush=True)
        return line


def grade_course(course_dir: Path, assignments: list[str] | None = None, jobs: int | None = None,
                 timeout: float | None = None, limits: sandbox.Limits | None = None,
                 outputs: bool = True) -> GradeSummary:
    """Grade all submissions of ``assignments`` (all with submissions when empty); see module docstring."""
    started = time.monotonic()
    try:
        course_dir = check_course(course_dir)
    except ReleaseError as error:
        raise GradingError(str(error)) from error
    known = course_assignments(course_dir)
    unknown = [a for a in (assignments or []) if a not in known]
    if unknown:
        raise GradingError(f"unknown assignment(s) {', '.join(unknown)}; "
                           f"{course_dir / 'source'} has: {', '.join(known) or 'none'}")
    wanted = list(assignments) if assignments else known
    settings = course_settings(course_dir)
    timeout = float(timeout or DEFAULT_SUBMISSION_TIMEOUT)
    if timeout <= 0:
        raise GradingError("--timeout must be a positive number of seconds")
    jobs = max(1, int(jobs or os.cpu_count() or 1))
    limits = limits or sandbox.Limits(cpu_seconds=int(timeout) + 5)
    ok, message, fix = sandbox.availability()
    isolation = message if ok else f"WARNING: {message}. Fix: {fix}"
    print(f"kit grade: {isolation}", flush=True)

    scratch_root = Path(tempfile.mkdtemp(prefix="kit-grade-"))
    results: list[SubmissionResult] = []
    slots: list[Slot] = []
    try:
        submissions = {assignment: find_submissions(course_dir, assignment) for assignment in wanted}
        total = sum(len(students) for students in submissions.values())
        hide = sandbox.hidden_paths(course_dir, scratch_root)
        # Start every slot's helpers now: their imports overlap with the set-up below.
        slots = [Slot(Worker(), Verifier(scratch_root, hide, limits, ok)).spawn()
                 for _ in range(max(1, min(jobs, total)))]
        tasks = []
        for assignment in wanted:
            students = submissions[assignment]
            if not students:
                print(f"kit grade: no submissions for {assignment} in {course_dir / 'submitted'}", flush=True)
                continue
            prep = scratch_root / f"_{assignment}"
            prep.mkdir()
            try:
                blank = (ensure_assignment(course_dir, assignment, prep, slots[0].worker)
                         or current_release(course_dir, assignment)
                         or generate(course_dir, assignment, release_dir=prep / "blank", db=False,
                                     worker=slots[0].worker))
            except ReleaseError as error:
                raise GradingError(str(error)) from error
            snapshot = prep / "gradebook.db"
            _copy_db(course_dir / "gradebook.db", snapshot)
            for student in students:
                tasks.append(SubmissionGrader(course_dir, assignment, student, blank, snapshot,
                                              scratch_root, timeout, limits, ok))
        if not tasks:
            return GradeSummary(course_dir, wanted, [], isolation, time.monotonic() - started)
        print(f"kit grade: {len(tasks)} submission(s), {jobs} at a time, "
              f"per cell {settings['cell_timeout']:g} s, per submission {timeout:g} s", flush=True)
        writer = GradebookWriter(course_dir)
        progress = Progress(len(tasks), jobs)
        local = threading.local()
        spare = list(slots)

        def run(task: SubmissionGrader) -> SubmissionResult:
            if not hasattr(local, "slot"):
                local.slot = spare.pop()
            return task.run(local.slot.worker, local.slot.verifier)

        with ThreadPoolExecutor(max_workers=len(slots)) as pool:
            futures = {pool.submit(run, task): task for task in tasks}
            for future in as_completed(futures):
                task = futures[future]
                result = future.result()
                writer.merge(task, result)
                results.append(result)
                progress.update(result)
                for note in result.notes:
                    print(f"    - {note}", flush=True)
                if os.environ.get("KIT_GRADE_KEEP_SCRATCH") is None:
                    shutil.rmtree(task.work, ignore_errors=True)
        results.sort(key=lambda r: (r.assignment, r.student))
        if outputs:
            write_outputs(course_dir, results, isolation, slots)
    finally:
        close_all(slots)
        if os.environ.get("KIT_GRADE_KEEP_SCRATCH") is None:
            shutil.rmtree(scratch_root, ignore_errors=True)
    return GradeSummary(course_dir, wanted, results, isolation, time.monotonic() - started)


def write_outputs(course_dir: Path, results: list[SubmissionResult], isolation: str, slots: list[Slot]) -> None:
    """grades.csv and feedback (nbgrader, in the warm workers, in a background thread)
    while this thread draws the reports."""
    from kitlib.grading import feedback as feedback_mod
    from kitlib.grading import report as report_mod

    graded = sorted({r.assignment for r in results})
    workers = [slot.worker for slot in slots] or [Worker()]
    for slot in slots:
        slot.verifier.close()  # its memory is better spent on nbgrader now
    failure: list[BaseException] = []

    def nbgrader_outputs() -> None:
        try:
            export_csv(course_dir, workers[0])
            for assignment in graded:
                feedback_mod.generate_feedback(course_dir, assignment, workers[0])
        except BaseException as error:  # re-raised in the calling thread
            failure.append(error)

    background = threading.Thread(target=nbgrader_outputs, name="kit-grade-outputs")
    background.start()
    try:
        for assignment in graded:
            report_mod.write_report(course_dir, assignment, [r for r in results if r.assignment == assignment],
                                    isolation)
    finally:
        background.join()
    if failure:
        raise failure[0]


def export_csv(course_dir: Path, worker: "Worker | None" = None) -> Path:
    """``COURSE/grades.csv`` with nbgrader's own CSV export (``nbgrader export``)."""
    out = course_dir / "grades.csv"
    argv = course_args(course_dir) + [f"--CsvExportPlugin.to={out}"]
    rc, text = run_app_output(worker, "export", argv, course_dir, course_dir / ".kit-export.log")
    if rc != 0 or not out.exists():
        raise GradingError("nbgrader export failed: " + "\n".join(text.splitlines()[-5:]))
    return out


def course_args(course_dir: Path) -> list[str]:
    """The nbgrader options that point an app at a course folder and its gradebook."""
    return [f"--CourseDirectory.root={course_dir}",
            f"--CourseDirectory.db_url={_db_url(Path(course_dir) / 'gradebook.db')}"]


def run_app_output(worker: "Worker | None", app: str, argv: list[str], cwd: Path,
                   log: Path) -> tuple[int | None, str]:
    """``run_app``, then the app's output read back from ``log`` (which is removed)."""
    rc = run_app(worker, app, argv, cwd, log)
    text = log.read_text(errors="replace") if log.exists() else ""
    log.unlink(missing_ok=True)
    return rc, text


def run_app(worker: "Worker | None", app: str, argv: list[str], cwd: Path, log: Path,
            timeout: float = 1800) -> int | None:
    """Run an nbgrader app in a (new or given) trusted worker; its output goes to ``log``."""
    own = worker is None
    worker = worker or Worker()
    try:
        return worker.run({"app": app, "cwd": str(cwd), "argv": argv, "env": {}, "log": str(log)}, timeout)
    finally:
        if own:
            worker.close()


def run_grade(args) -> int:
    """``kit grade``: 0 when every submission got a grade, 1 for the teacher's own errors."""
    try:
        summary = grade_course(Path(args.course), list(args.assignments or []), jobs=args.jobs,
                               timeout=args.timeout)
    except GradingError as error:
        print(f"kit grade: {error}", file=sys.stderr)
        return 1
    if summary.results:
        course = summary.course
        print(f"kit grade: graded {len(summary.results)} submission(s) in {summary.seconds:.0f} s; "
              f"grades: {course / 'grades.csv'}; feedback: {course / 'feedback'}; reports: {course / 'reports'}")
    return 0
