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
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from kitlib.grading import safefs, sandbox
from kitlib.grading.course import Course, db_url
from kitlib.grading.helper_process import HelperProcess, close_all
from kitlib.grading.messages import MANUAL, NOT_YET, parse_feedback_text, read_verdicts
from kitlib.grading.notebook import grade_id, outputs_text
from kitlib.grading.sanitize import repair_notebook
from kitlib.grading.verify import Verifier
from kitlib.grading.worker import Worker

DEFAULT_SUBMISSION_TIMEOUT = 1800.0
MAX_NOTEBOOK_BYTES = 100 * 2**20    # one submitted notebook
MAX_EXTRA_FILE_BYTES = 50 * 2**20   # a student's data file beside the notebook
MAX_STAMP_BYTES = 1024              # nbgrader's timestamp.txt
MAX_SUBMISSION_BYTES = 300 * 2**20  # everything one student hands in for one assignment
MAX_SUBMISSION_FILES = 500
MAX_DEPTH = 4                       # sub-folders of the submission
MAX_CELLS = 2000                    # cells of one notebook (or 4 times the blank version's, if more)


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
    refused: bool = False  # the folder's name is not a usable id (kitlib.grading.names): not graded, not recorded

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
    """

    timeout: float = DEFAULT_SUBMISSION_TIMEOUT
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    use_bwrap: bool = True


def _read_tree(folder: Path, skip_notebooks: bool = False) -> dict[str, bytes]:
    """Regular files under a folder of the grader's own (links are not followed)."""
    if not Path(folder).is_dir():
        return {}
    fd = safefs.open_dir(Path(folder))
    try:
        files, _ = safefs.read_tree(fd, max_files=10_000, max_total=MAX_SUBMISSION_BYTES * 4,
                                    max_file=MAX_NOTEBOOK_BYTES, max_depth=8)
    finally:
        os.close(fd)
    return {rel: data for rel, data in files.items() if not (skip_notebooks and rel.endswith(".ipynb"))}


@dataclass(frozen=True)
class AssignmentBundle:
    """What every submission of one assignment needs, as bytes (see the module docstring).

    ``hidden``: the course's instructor-only exercise data for the assignment
    (``COURSE/hidden/<assignment>/``), for the trusted re-check only; ``probe_secret``: the
    course's secret for ``KIT_PROBE_SEED`` (None where the course has none)."""

    assignment: str
    config: bytes
    blank: dict[str, bytes]
    source_files: dict[str, bytes]
    gradebook: bytes
    hidden: dict[str, bytes] = field(default_factory=dict)
    probe_secret: bytes | None = None

    @classmethod
    def from_course(cls, course: Course, assignment: str, blank_dir: Path, gradebook_snapshot: Path
                    ) -> "AssignmentBundle":
        """Read the bundle on the teacher's side: ``blank_dir`` holds the student versions,
        ``gradebook_snapshot`` a gradebook copy that knows the assignment."""
        blank = {p.name: p.read_bytes() for p in sorted(Path(blank_dir).glob("*.ipynb"))}
        return cls(assignment, course.config_path.read_bytes(), blank,
                   _read_tree(course.source_dir(assignment), skip_notebooks=True),
                   Path(gradebook_snapshot).read_bytes(), _read_tree(course.hidden_dir(assignment)),
                   course.probe_secret(create=probe_seed_function() is not None))

    @property
    def digest(self) -> str:
        """A content hash: equal bundles, equal digests (a worker may cache by it)."""
        h = hashlib.sha256()
        for part in (self.assignment.encode(), self.config, self.gradebook, self.probe_secret or b""):
            h.update(hashlib.sha256(part).digest())
        for group in (self.blank, self.source_files, self.hidden):
            for name in sorted(group):
                h.update(name.encode() + b"\0" + hashlib.sha256(group[name]).digest())
            h.update(b"\1")
        return h.hexdigest()


@dataclass(frozen=True)
class Submission:
    """One student's files for one assignment (relative path -> bytes), and the intake's notes.

    ``refused``: top-level notebooks that were there but were not read (a link, a FIFO, too big...).
    ``probe_seed``: ``KIT_PROBE_SEED`` computed on the teacher's side, for a machine that must not
    hold the course's secret (a cluster worker: its bundle comes without it); None: from the bundle."""

    student: str
    assignment: str
    files: dict[str, bytes]
    notes: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    probe_seed: int | None = None

    @classmethod
    def collect(cls, course: Course, student: str, assignment: str) -> "Submission":
        """Read ``submitted/<student>/<assignment>/`` on the teacher's side, as untrusted files:
        regular files only, no link followed, every read capped (:mod:`kitlib.grading.safefs`)."""
        try:
            fd = safefs.open_dir(course.root, "submitted", student, assignment)
        except safefs.Refused as why:
            return cls(student, assignment, {}, (f"the submission folder was not read ({why})",))
        try:
            names = [n for n in os.listdir(fd)]
            files, notes = safefs.read_tree(
                fd, max_files=MAX_SUBMISSION_FILES, max_total=MAX_SUBMISSION_BYTES, max_file=MAX_EXTRA_FILE_BYTES,
                max_depth=MAX_DEPTH, max_file_for=lambda rel: MAX_NOTEBOOK_BYTES if rel.endswith(".ipynb")
                else (MAX_STAMP_BYTES if rel == "timestamp.txt" else MAX_EXTRA_FILE_BYTES))
        finally:
            os.close(fd)
        refused = tuple(sorted(n for n in names if n.endswith(".ipynb") and n not in files))
        notes += shadowing_notes(files)
        return cls(student, assignment, files, tuple(notes), refused)

    @property
    def notebooks(self) -> list[str]:
        return sorted(name for name in self.files if name.endswith(".ipynb") and "/" not in name)


CONFIG_FILES = ("ipython_config.py", "ipython_kernel_config.py", "jupyter_config.py", "jupyter_server_config.py",
                "nbgrader_config.py", "pyvenv.cfg")


def shadowing_notes(files: dict[str, bytes]) -> list[str]:
    """Report lines for submitted files named like a Python module or a Jupyter configuration file.

    They cannot reach the grader (its processes start isolated, from folders the student never
    had); in the student's own kernel they may replace what the notebook imports, which the
    trusted re-check catches. The teacher still gets a line: they are rarely innocent."""
    import importlib.machinery

    tops = sorted({rel.split("/")[0] for rel in files})
    notes = []
    for top in tops:
        name = top[:-3] if top.endswith(".py") else top if f"{top}/__init__.py" in files else None
        if top in CONFIG_FILES:
            notes.append(f"{safefs.show(top)} is a Jupyter/Python configuration file name: it only affects this "
                         "student's own kernel")
        elif name and (name in sys.stdlib_module_names or name in ("sitecustomize", "usercustomize")
                       or importlib.machinery.PathFinder.find_spec(name) is not None):
            notes.append(f"{safefs.show(top)} has the name of the Python module {name!r}: it can only change what "
                         "this student's own kernel imports")
    return notes


# --------------------------------------------------------------------- the slot

@dataclass
class Slot:
    """What one job slot keeps between submissions: a warm nbgrader worker, a warm re-check
    server, the slot's own unprivileged sandbox uid and the run's cgroup (None: no cgroups)."""

    worker: Worker
    verifier: Verifier
    index: int = 0
    uid: int | None = None
    cgroup_run: dict | None = None
    scratch_root: Path | None = None
    zygote: HelperProcess | None = None  # the warm process that forks this slot's kernels (kitlib.grading.warm)

    @classmethod
    def start(cls, scratch_root: Path, options: GradingOptions, index: int = 0,
              cgroup_run: dict | None = None) -> "Slot":
        """A slot whose helpers start now (their imports overlap with the caller's set-up)."""
        scratch_root = Path(scratch_root)
        verify_root = scratch_root / "verify"
        verify_root.mkdir(mode=0o711, exist_ok=True)
        # The re-check's own limits (trusted code on untrusted data), not the students' --memory-mb.
        verifier_limits = sandbox.Limits(cpu_seconds=min(options.limits.cpu_seconds, 300))
        verifier = Verifier(verify_root, limits=verifier_limits, use_bwrap=options.use_bwrap,
                            uid=sandbox.sandbox_uid(index + 500))
        zygote = None
        if options.use_bwrap:
            from kitlib.grading import warm

            if warm.enabled():
                zygote = warm.Zygote(scratch_root / "warm" / f"slot{index}")
        return cls(Worker(), verifier, index, sandbox.sandbox_uid(index), cgroup_run, scratch_root, zygote).spawn()

    def spawn(self) -> "Slot":
        for helper in self.helpers():
            helper.spawn()
        return self

    def helpers(self) -> list[HelperProcess]:
        return [self.worker, self.verifier] + ([self.zygote] if self.zygote is not None else [])

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
        if "wall-clock backstop without having used its CPU time" in text:
            notes.append(f"{path.stem}: {label} was stopped at the per-cell wall-clock backstop without having used "
                         "its CPU time (it waited, or the machine was busy)")
        elif "s of CPU time, over its per-cell limit" in text or "busy with its own work all along" in text:
            notes.append(f"{path.stem}: {label} spent its CPU time limit (the per-cell limit, in CPU time of its own) "
                         "and was stopped (an endless loop?)")
        elif "CellTimeoutError" in text or "Cell execution timed out" in text:
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


def trusted_messages(shown: list[str], verdict: dict) -> list[str]:
    """The check messages of a failing grade cell that the trusted re-check stands behind.

    ``shown``: what the notebook's record said; ``verdict``: the re-check's (:mod:`kitlib.exercises.trusted`).
    A shown message is kept when the re-check's message contains it (the re-check joins the first failing
    record's problems); otherwise the re-check's own message replaces them all. No trusted verdict (the
    grade cell recorded no answer, the re-check broke down): no message, rather than one the notebook made.

    Example:
        >>> trusted_messages(["the total: expected 5, got 4."], {"status": "failed",
        ...                  "message": "re-check disagreed: the total: expected 5, got 4."})
        ['the total: expected 5, got 4.']
        >>> trusted_messages(["<forged>"], {"status": "failed", "message": "re-check disagreed: the total: expected 5"})
        ['the total: expected 5']
        >>> trusted_messages(["<forged>"], {"status": "missing", "message": "no answer was recorded"})
        []
    """
    if verdict.get("status") != "failed":
        return []
    message = re.sub(r"^(re-check disagreed: |tampering: .*?; re-check: )", "", str(verdict.get("message", "")))
    kept = [m for m in shown if m and m.strip() in message]
    return kept or ([message] if message.strip() else [])


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

def probe_seed_function():
    """``kitlib.exercises.probe_seed`` where the exercises package has it (else None)."""
    try:
        import kitlib.exercises as exercises
    except Exception:
        return None
    return getattr(exercises, "probe_seed", None)


class PastDeadline(Exception):
    """The submission's ``--timeout`` ran out (its message: the step it was in)."""


class SubmissionGrader:
    """Grades one submission in its own scratch course (thread-safe: shares nothing writable).

    Scratch layout (``work``, readable by the grader only): an nbgrader course (config, gradebook
    snapshot, ``source/``, ``submitted/`` written by :meth:`prepare`, ``autograded/`` written by
    nbgrader), ``jupyter/`` (the kernelspec), ``runtime/`` (connection files) and ``sandbox/`` (the
    kernel's plan, the submission's files for the box, the answers taken out of the box, the
    sandbox's report). The kernel sees none of it."""

    def __init__(self, submission: Submission, bundle: AssignmentBundle, scratch_root: Path,
                 options: GradingOptions, events: Path | None = None):
        self.submission = submission
        self.events = events
        self.bundle = bundle
        self.options = options
        self.assignment = submission.assignment
        self.student = submission.student
        self.scratch_root = Path(scratch_root)
        self.work = Path(tempfile.mkdtemp(prefix=f"{_slug(self.student)}-", dir=scratch_root))
        self.paths = sandbox.SandboxPaths(self.work / "sandbox", self.scratch_root / "boxes" / self.work.name)
        self.deadline = time.monotonic() + options.timeout  # set again when run() starts

    @property
    def produced(self) -> Path:
        return self.work / "autograded" / self.student / self.assignment

    @property
    def answers(self) -> Path:
        return self.paths.answers

    @property
    def seed(self) -> int | None:
        if self.submission.probe_seed is not None:
            return int(self.submission.probe_seed)
        function = probe_seed_function()
        if function is None or not self.bundle.probe_secret:
            return None
        return int(function(self.bundle.probe_secret, self.assignment, self.student))

    # -- preparing the scratch course
    def prepare(self, result: SubmissionResult) -> bool:
        """Fill the scratch course; False when nothing gradable was submitted."""
        import nbformat

        from kitlib.grading.notebook import parse_notebook

        work, a, s, bundle = self.work, self.assignment, self.student, self.bundle
        (work / "nbgrader_config.py").write_bytes(bundle.config)
        (work / "gradebook.db").write_bytes(bundle.gradebook)
        safefs.write_tree(work / "source" / a, bundle.source_files)
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
                result.notes.append(f"unexpected notebook {safefs.show(name)} (from another assignment?): not graded")
        usable = 0
        for name in expected:
            blank = nbformat.reads(bundle.blank[name].decode("utf-8"), as_version=4)
            if name not in files:
                if name in self.submission.refused:
                    result.notes.append(f"{name} was not read (see above): graded as not attempted")
                elif files or self.submission.notes:
                    result.notes.append(f"notebook {name} is missing: graded as not attempted")
                nb = blank
            else:
                nb, reason = parse_notebook(files[name], name)
                if nb is not None and len(nb.cells) > max(MAX_CELLS, 4 * len(blank.cells)):
                    nb, reason = None, (f"{name} has {len(nb.cells):,} cells, more than the "
                                        f"{max(MAX_CELLS, 4 * len(blank.cells)):,} a notebook of this assignment may have")
                if nb is None:
                    result.notes.append(f"{reason}: graded as not attempted")
                    nb = blank
                else:
                    nb, notes = repair_notebook(nb, blank)
                    result.notes += [f"{Path(name).stem}: {note}" for note in notes]
                    usable += 1
            nbformat.write(nb, str(sub_out / name))
        extras = {rel: data for rel, data in files.items() if not (rel.endswith(".ipynb") and "/" not in rel)}
        safefs.write_tree(sub_out, extras)  # the student's own files (nbgrader copies them to autograded/)
        # The kernel's working folder: the student's files, then the assignment's own files over them
        # (as nbgrader does in autograded/; they were released to the students anyway).
        box_files = {rel: data for rel, data in extras.items() if rel != "timestamp.txt"}
        box_files.update(bundle.source_files)
        safefs.write_tree(self.paths.files, box_files)
        stamp = files.get("timestamp.txt")
        if stamp is not None:
            result.timestamp = stamp.decode("utf-8", errors="replace").strip()[:100]
        return usable > 0

    def autograde(self, result: SubmissionResult, slot: Slot) -> subprocess.CompletedProcess | None:
        """Run stock nbgrader autograde in the scratch course, the kernel in its sandbox,
        stopped after ``timeout`` seconds."""
        options = self.options
        # The grade cells come without their hidden regions (gradebook.withhold_hidden_tests): each
        # visible grade() call makes the hidden part's record for the trusted re-check.
        extra_env = {"KIT_HIDDEN_PART": "visible"}
        if self.seed is not None:
            extra_env["KIT_PROBE_SEED"] = str(self.seed)
        zygote = slot.zygote.spawn().socket_path if slot.zygote is not None else None
        plan = sandbox.plan_kernel(self.paths, options.limits, slot.uid, use_bwrap=options.use_bwrap,
                                   cgroup_run=slot.cgroup_run, env=extra_env,
                                   zygote=str(zygote) if zygote else None)
        sandbox.write_kernelspec(self.work / "jupyter", self.paths.plan)
        runtime = self.work / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        ip = plan["ipc_inside"] if plan["mode"] != "bwrap" else str(self.paths.ipc / "k")
        env = {
            "JUPYTER_PATH": str(self.work / "jupyter"),
            "JUPYTER_RUNTIME_DIR": str(runtime),
            "TMPDIR": str(runtime),  # jupyter_client's connection file goes to mkstemp()
            "KIT_OUTPUT_CAPS": f"{options.limits.output_cell_mb},{options.limits.output_total_mb}",
        }
        argv = [self.assignment, f"--student={self.student}", "--force",
                f"--CourseDirectory.root={self.work}",
                f"--CourseDirectory.db_url={db_url(self.work / 'gradebook.db')}",
                "--Execute.kernel_name=kit-sandbox", "--Execute.shutdown_kernel=immediate",
                "--KernelManager.transport=ipc", f"--KernelManager.ip={ip}"]
        log = self.work / "autograde.log"
        task = {"cwd": str(self.work), "argv": argv, "env": env, "log": str(log), "sandbox": True}
        if self.events is not None:
            task["events"] = str(self.events)  # notebook start / end lines for kit grade's progress
        rc = slot.worker.run(task, self.remaining())  # what --timeout leaves after preparing
        if rc is None:
            result.notes.append(f"the whole submission ran past the {options.timeout:g} s limit: stopped; graded 0")
            if slot.uid is not None:  # the worker was killed before it could end the sandbox itself
                sandbox.kill_uid(slot.uid)
            return None
        out = log.read_text(encoding="utf-8", errors="replace")[-200_000:] if log.exists() else ""
        return subprocess.CompletedProcess(argv, rc, out, "")

    def sandbox_notes(self, result: SubmissionResult) -> None:
        """Report lines from what the sandbox's limits did (one report per kernel, written at its shutdown)."""
        try:
            reports = json.loads(self.paths.report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        reports = [r for r in (reports if isinstance(reports, list) else [reports]) if isinstance(r, dict)]
        limits = self.options.limits

        def total(key: str) -> int:
            return sum(int((r.get("limits") or {}).get(key) or 0) for r in reports)

        survivors = sum(int(r.get("survivors") or 0) for r in reports)
        if survivors:
            result.notes.append(f"{survivors} process(es) started by the notebook were still running "
                                "when it ended: all were stopped")
        if total("oom_kills"):
            result.notes.append(f"the memory limit ({limits.memory_mb} MB for the whole submission, its files in "
                                f"memory included) was reached: {total('oom_kills')} process(es) killed")
        if total("pids_limit_hit"):
            result.notes.append(f"the process limit ({limits.processes} processes and threads for the whole "
                                f"submission) was reached {total('pids_limit_hit')} time(s)")
        if any(r.get("box_full") for r in reports):
            result.notes.append(f"the working space ({limits.disk_mb} MB) was full")
        lines = [str(note) for r in reports for note in (r.get("notes") or []) + (r.get("harvest") or [])]
        result.notes += list(dict.fromkeys(lines))[:20]

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

    def hidden_dir(self) -> Path | None:
        """The bundle's instructor-only data, on this machine, readable by the re-check only."""
        if not self.bundle.hidden:
            return None
        folder = self.scratch_root / "verify" / f"hidden-{self.bundle.digest[:16]}" / self.assignment
        if not folder.is_dir():
            staging = Path(tempfile.mkdtemp(dir=self.scratch_root / "verify"))
            staging.chmod(0o711)  # the verifier runs as its own uid: it may pass by this (unguessable) name
            safefs.write_tree(staging / self.assignment, self.bundle.hidden)
            try:
                os.rename(staging, folder.parent)
            except OSError:  # another slot made it first
                shutil.rmtree(staging, ignore_errors=True)
        return folder

    def recheck(self, result: SubmissionResult, verifier: Verifier) -> None:
        """Withdraw points that the trusted re-check does not confirm.

        - re-check passed: the points stay;
        - re-check failed, or no answer was recorded: the points are withdrawn, with the re-check's
          reason ("re-check disagreed: ...", or "tampering: ..." only where the record shows evidence);
        - the answer could not be exported, or the re-check itself broke down: the points are
          withdrawn and the cell is flagged for manual grading, so the teacher decides in
          formgrader (a student must not keep points that nobody could verify)."""
        passed = {c.grade_id[: -len("_test")]: c for c in result.cells
                  if c.score > 0 and c.grade_id.endswith("_test")}
        # The failing cells' check messages (what the report groups as "most common mistakes") are read
        # from records the notebook displayed, which student code can forge: re-check them too and keep
        # only what the trusted re-check says (issue 21; see trusted_messages).
        told = {c.grade_id[: -len("_test")]: c for c in result.cells
                if c.score <= 0 and c.max_score > 0 and c.grade_id.endswith("_test") and c.status == NOT_YET}
        if not passed and not told:
            return
        verify_dir = self.scratch_root / "verify" / self.work.name
        if self.answers.is_dir():  # what the sandbox recorded, taken out of the box: regular files only
            fd = safefs.open_dir(self.answers)
            try:
                safefs.copy_tree(fd, verify_dir, max_files=4096, max_total=self.options.limits.answers_mb << 20,
                                 max_file=self.options.limits.file_mb << 20, max_depth=3)
            finally:
                os.close(fd)
        verify_dir.mkdir(exist_ok=True)
        try:
            verdicts = verifier.check(verify_dir, sorted(set(passed) | set(told)), hidden=self.hidden_dir(),
                                      seed=self.seed)
        finally:
            shutil.rmtree(verify_dir, ignore_errors=True)
        for eid, cell in told.items():
            verdict = verdicts.get(eid) if isinstance(verdicts.get(eid), dict) else {}
            cell.problems = trusted_messages(cell.problems, verdict)
        for eid, cell in passed.items():
            verdict = verdicts.get(eid) if isinstance(verdicts.get(eid), dict) else None
            verdict = verdict or {"status": "failed", "message": "no verdict"}
            status, message = str(verdict.get("status")), str(verdict.get("message", ""))[:400]
            if status == "passed":
                continue
            if status in ("unverifiable", "error"):
                result.notes.append(f"{eid}: sent to manual grading: the grade cell passed inside the notebook but "
                                    f"the answer could not be re-checked outside it ({message}); "
                                    f"its {cell.score:g} point(s) wait for the teacher's review in formgrader")
                cell.score = 0.0
                cell.needs_manual_grade = True
                cell.status, cell.problems = MANUAL, []
            else:
                result.notes.append(f"{eid}: points withdrawn: the grade cell passed inside the notebook, but the "
                                    f"trusted re-check did not: {message}")
                cell.score = 0.0
                reason = re.sub(r"^(re-check disagreed: |tampering: .*?; re-check: )", "", str(verdict["message"]))
                told = parse_feedback_text(reason)  # what the answer really fails
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
        source = self.produced if result.executed and self.produced.is_dir() else \
            self.work / "submitted" / self.student / self.assignment
        result.autograded = _read_tree(source)

    def problems(self, result: SubmissionResult) -> None:
        """Report lines from the executed notebooks (problem scan), and what each grade cell told the student."""
        read_executed(result, self.produced)

    def run(self, slot: Slot) -> SubmissionResult:
        """Grade the submission; never raises (problems become notes and zero points).

        Each step's failure costs only this submission: a report line, zero points where
        nothing could be scored, and the remaining steps still run where they can."""
        result = SubmissionResult(self.student, self.assignment)
        start = time.monotonic()
        self.deadline = start + self.options.timeout
        try:
            self.prepare(result)
            self._in_time("preparing the notebooks")
            completed, scored = self.execute_once_more_if_not_its_fault(result, slot)
            if scored:
                result.executed = True
                if completed.returncode != 0:
                    result.notes.append(explain_failure(completed.stdout))
                self._in_time("running the notebooks")
                self._step(result, "reading the executed notebook", self.problems)
                self._in_time("reading the executed notebooks back")
                self.recheck(result, slot.verifier)
                self._in_time("re-checking the answers")
            else:
                if completed is not None:
                    result.notes.append(explain_failure(completed.stdout))
                self.zero_scores(result)
        except PastDeadline as late:
            result.notes.append(f"the whole submission ran past the {self.options.timeout:g} s limit (--timeout) "
                                f"while {late}: stopped; graded 0")
            result.executed = False
            try:
                self.zero_scores(result)
            except Exception:
                pass
        except Exception as error:  # a bug on our side must not cost other students their grade
            result.notes.append(f"kit grade failed on this submission ({type(error).__name__}: {error}); graded 0")
            _write_error(self.work)
            try:
                self.zero_scores(result)
            except Exception:
                pass
        self._step(result, "keeping the graded notebook", self.collect_autograded)
        result.seconds = time.monotonic() - start
        return result

    def _execute(self, result: SubmissionResult, slot: Slot) -> tuple[subprocess.CompletedProcess | None, bool]:
        completed = self.autograde(result, slot)
        self.sandbox_notes(result)
        return completed, completed is not None and self.read_scores(result)

    def interrupted(self, result: SubmissionResult, completed: subprocess.CompletedProcess | None,
                    notes_from: int) -> str | None:
        """Why a kernel of this attempt died or a cell of it was stopped by the wall clock, when nothing
        shows that the submission itself caused it (its memory or process limit reached, its per-cell CPU
        time spent: :func:`kitlib.grading.execute.SandboxedExecute._async_poll_for_reply`); None
        otherwise, or when the whole submission ran out of time (that stands)."""
        notes = result.notes[notes_from:]
        if completed is None or any("memory limit" in n or "process limit" in n for n in notes):
            return None
        lines = [explain_failure(completed.stdout)] if completed.returncode != 0 else []
        if self.produced.is_dir():
            for path in sorted(self.produced.glob("*.ipynb")):
                lines += notebook_problems(path)
        for line in lines:
            if "kernel died" in line:
                return "a kernel died"
            if "wall-clock backstop" in line:  # its own CPU time was not spent: maybe the machine's fault
                return "a cell was stopped at the per-cell wall-clock backstop without having used its CPU time"
            if "per-cell time limit" in line:  # the wall-clock limit, where CPU time cannot be measured
                return "a cell ran past the per-cell time limit"
        return None

    def execute_once_more_if_not_its_fault(self, result: SubmissionResult, slot: Slot
                                           ) -> tuple[subprocess.CompletedProcess | None, bool]:
        """Run the notebooks; when a kernel died or a cell hit the per-cell limit for no reason the
        submission shows (a busy machine slows a cell down, a neighbour starves a kernel's start),
        run them once more (within the submission's deadline): the second run counts, and the report
        says so either way."""
        mark, cells = len(result.notes), len(result.cells)
        completed, scored = self._execute(result, slot)
        why = self.interrupted(result, completed, mark)
        if why is None or self.remaining() < 10:
            return completed, scored
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        del result.notes[mark:]
        del result.cells[cells:]
        shutil.rmtree(self.paths.box, ignore_errors=True)  # without bubblewrap the box is a folder: a new one
        for stale in (self.paths.report, self.paths.answers):  # what the first run left for the re-check
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
                stale.mkdir(parents=True, exist_ok=True)
            else:
                stale.unlink(missing_ok=True)
        self._in_time("running the notebooks")
        completed, scored = self._execute(result, slot)
        again = self.interrupted(result, completed, mark)
        result.notes.append(f"{why} (machine load {load:.1f} on {os.cpu_count()} CPUs): graded once more, in case "
                            "the cause was outside the submission; " + (
                                "the same happened again: that result stands" if again else "the second run counts"))
        return completed, scored

    def _in_time(self, what: str) -> None:
        """Raise :class:`PastDeadline` when the submission's ``--timeout`` is spent (checked after each step)."""
        if time.monotonic() > self.deadline:
            raise PastDeadline(what)

    def remaining(self) -> float:
        """Seconds left of the submission's ``--timeout`` (at least one: a step then ends at once)."""
        return max(1.0, self.deadline - time.monotonic())

    def _step(self, result: SubmissionResult, what: str, step) -> None:
        try:
            step(result)
        except Exception as error:
            result.notes.append(f"kit grade failed while {what} ({type(error).__name__}: {error})")
            _write_error(self.work)


def _write_error(work: Path) -> None:
    try:
        with open(work / "kit-error.txt", "a", encoding="utf-8") as handle:
            handle.write(traceback.format_exc())
    except OSError:
        pass


def _slug(name: str) -> str:
    """A scratch folder name part from a student id (which may hold anything)."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)[:20] or "student"


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
            shutil.rmtree(grader.paths.box, ignore_errors=True)

