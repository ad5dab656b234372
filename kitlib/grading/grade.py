"""``kit grade``: nbgrader autograde, in parallel, isolated, merged into one gradebook.

Orchestration only: which submissions, how many at a time, progress
(:mod:`kitlib.grading.progress`), and the
class-wide outputs. The pieces it drives, one concern each:

- :mod:`kitlib.grading.course`: the course folder (assignments, paths, config);
- :mod:`kitlib.grading.submission`: grading ONE submission (the unit a cluster worker runs);
- :mod:`kitlib.grading.gradebook`: the only writer of ``gradebook.db`` and ``autograded/``;
- :mod:`kitlib.grading.worker` / :mod:`kitlib.grading.verify`: the warm helper processes;
- :mod:`kitlib.grading.feedback`, :mod:`kitlib.grading.report`: what students and teacher get.

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

import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from kitlib.grading import sandbox
from kitlib.grading.course import Course, CourseError
from kitlib.grading.gradebook import GradebookWriter, ensure_assignment, export_csv, snapshot
from kitlib.grading.progress import GradingProgress
from kitlib.grading.release import generate
from kitlib.grading.submission import (DEFAULT_SUBMISSION_TIMEOUT, AssignmentBundle, CellResult,  # noqa: F401
                                       GradingOptions, Slot, Submission, SubmissionResult, grade_submission)
from kitlib.grading.verify import Verifier  # noqa: F401 - re-exported: kit grade's re-check client
from kitlib.grading.worker import Worker, close_all


class GradingError(CourseError):
    """A problem on the teacher's side (course folder, configuration, gradebook)."""


@dataclass
class GradeSummary:
    """All results of one ``kit grade`` run."""

    course: Path
    assignments: list[str]
    results: list[SubmissionResult]
    isolation: str
    seconds: float


def _prepare_assignment(course: Course, assignment: str, prep: Path, worker: Worker) -> AssignmentBundle:
    """The bundle every submission of ``assignment`` shares (the gradebook learns the assignment first)."""
    blank = (ensure_assignment(course, assignment, prep, worker)
             or course.current_release(assignment)
             or generate(course.root, assignment, release_dir=prep / "blank", db=False, worker=worker))
    db = prep / "gradebook.db"
    snapshot(course.gradebook_path, db)
    return AssignmentBundle.from_course(course, assignment, blank, db)


def _collect(course: Course, student: str, assignment: str) -> Submission:
    """The intake, which never raises: a submission that cannot be read is graded as not attempted."""
    try:
        return Submission.collect(course, student, assignment)
    except Exception as error:  # noqa: BLE001 - one student's files must not stop the class
        return Submission(student, assignment, {}, (f"the submission could not be read ({type(error).__name__}: "
                                                     f"{error}); graded as not attempted",))


def _isolation_summary(limits: sandbox.Limits) -> tuple[str, list[str]]:
    """(one line for the report, the lines kit grade prints first)."""
    lines = []
    for area, status, detail, fix in sandbox.findings():
        lines.append(("" if status == "ok" else "WARNING: ") + detail + (f". Fix: {fix}" if fix else ""))
    lines.append("limits: " + "; ".join(limits.describe(sandbox.availability()[0], sandbox.cgroup_support().ok)))
    return " | ".join(lines), lines


def grade_course(course_dir: Path, assignments: list[str] | None = None, jobs: int | None = None,
                 timeout: float | None = None, limits: sandbox.Limits | None = None,
                 outputs: bool = True, progress: GradingProgress | None = None) -> GradeSummary:
    """Grade all submissions of ``assignments`` (all with submissions when empty); see module docstring.

    Progress (:mod:`kitlib.grading.progress`) shows from the first second: a live display in a
    terminal, plain lines in a log."""
    own = progress is None
    progress = progress or GradingProgress.start()
    try:
        return _grade_course(progress, course_dir, assignments, jobs, timeout, limits, outputs)
    finally:
        if own:
            progress.close()


def _grade_course(progress: GradingProgress, course_dir: Path, assignments: list[str] | None, jobs: int | None,
                  timeout: float | None, limits: sandbox.Limits | None, outputs: bool) -> GradeSummary:
    started = time.monotonic()
    progress.stage("reading the course")
    try:
        course = Course.open(course_dir)
        wanted = course.require(assignments)
        settings = course.settings()
    except CourseError as error:
        raise GradingError(str(error)) from error
    course_dir = course.root
    timeout = float(timeout or DEFAULT_SUBMISSION_TIMEOUT)
    if timeout <= 0:
        raise GradingError("--timeout must be a positive number of seconds")
    jobs = max(1, int(jobs or os.cpu_count() or 1))
    limits = limits or sandbox.Limits(cpu_seconds=int(timeout) + 5)
    progress.stage("checking the sandbox")
    ok = sandbox.availability()[0]
    isolation, lines = _isolation_summary(limits)
    for line in lines:
        print(f"kit grade: {line}", flush=True)

    scratch_root = Path(tempfile.mkdtemp(prefix="kit-grade-"))
    scratch_root.chmod(0o711)  # sandbox uids may pass through (to their own box only, without bubblewrap)
    keep = os.environ.get("KIT_GRADE_KEEP_SCRATCH") is not None
    options = GradingOptions(timeout=timeout, limits=limits, use_bwrap=ok)
    support = sandbox.cgroup_support()
    run_cgroup = support.create_run(f"kit-grade-{os.getpid()}") if support.ok else None
    results: list[SubmissionResult] = []
    slots: list[Slot] = []
    try:
        submissions = {assignment: course.students(assignment) for assignment in wanted}
        total = sum(len(students) for students in submissions.values())
        # Start every slot's helpers now: their imports overlap with the set-up below.
        slots = [Slot.start(scratch_root, options, index, run_cgroup.to_plain() if run_cgroup else None)
                 for index in range(max(1, min(jobs, total)))]
        tasks: list[tuple[str, str, AssignmentBundle]] = []
        for assignment in wanted:
            students = submissions[assignment]
            if not students:
                print(f"kit grade: no submissions for {assignment} in {course_dir / 'submitted'}", flush=True)
                continue
            progress.stage(f"preparing {assignment}: gradebook and student versions")
            prep = scratch_root / f"_{assignment}"
            prep.mkdir()
            try:
                bundle = _prepare_assignment(course, assignment, prep, slots[0].worker)
            except CourseError as error:
                raise GradingError(str(error)) from error
            tasks += [(student, assignment, bundle) for student in students]
        if not tasks:
            return GradeSummary(course_dir, wanted, [], isolation, time.monotonic() - started)
        print(f"kit grade: {len(tasks)} submission(s), {jobs} at a time, "
              f"per cell {settings['cell_timeout']:g} s, per submission {timeout:g} s", flush=True)
        progress.plan({f"{student}/{assignment}": [Path(name).stem for name in sorted(bundle.blank)]
                       for student, assignment, bundle in tasks}, slots=len(slots))
        writer = GradebookWriter(course)
        local = threading.local()
        spare = list(slots)

        def run(index: int, task: tuple[str, str, AssignmentBundle]) -> SubmissionResult:
            if not hasattr(local, "slot"):
                local.slot = spare.pop()
            student, assignment, bundle = task
            events = scratch_root / f"events-{index}.jsonl"
            progress.submission_started(f"{student}/{assignment}", events)
            return grade_submission(_collect(course, student, assignment), bundle, local.slot, scratch_root,
                                    options, keep_scratch=keep, events=events)

        with ThreadPoolExecutor(max_workers=len(slots)) as pool:
            futures = [pool.submit(run, index, task) for index, task in enumerate(tasks)]
            for done, future in enumerate(as_completed(futures), start=1):
                result = future.result()
                writer.record(result)
                results.append(result)
                flag = f" · {len(result.notes)} problem(s)" if result.notes else ""
                progress.submission_finished(
                    f"{result.student}/{result.assignment}",
                    f"[{done}/{len(tasks)}] {result.student}/{result.assignment}: "
                    f"{result.score:g}/{result.max_score:g} in {result.seconds:.1f} s{flag}", result.notes)
        results.sort(key=lambda r: (r.assignment, r.student))
        if outputs:
            progress.stage("writing grades.csv, feedback and reports")
            write_outputs(course, results, isolation, slots)
    finally:
        close_all([helper for slot in slots for helper in slot.helpers()])
        if run_cgroup is not None:
            run_cgroup.remove()
        if not keep:
            shutil.rmtree(scratch_root, ignore_errors=True)
    return GradeSummary(course_dir, wanted, results, isolation, time.monotonic() - started)


def write_outputs(course: Course, results: list[SubmissionResult], isolation: str, slots: list[Slot]) -> None:
    """grades.csv and feedback (nbgrader, in the warm workers, in a background thread)
    while this thread draws the reports; a student whose feedback was refused or failed gets a
    report line (the reports of those assignments are drawn again) and the others keep theirs."""
    from kitlib.grading import feedback as feedback_mod
    from kitlib.grading import report as report_mod

    graded = sorted({r.assignment for r in results})
    workers = [slot.worker for slot in slots] or [Worker()]
    for slot in slots:
        slot.verifier.close()  # its memory is better spent on nbgrader now
    failure: list[BaseException] = []
    problems: dict[tuple[str, str], list[str]] = {}

    def nbgrader_outputs() -> None:
        try:
            for assignment in graded:
                students = [r.student for r in results if r.assignment == assignment]
                try:
                    found = feedback_mod.generate_feedback(course.root, assignment, workers[0], students=students)
                except Exception as error:  # noqa: BLE001 - feedback is per student; say so for all
                    found = {s: [f"no feedback was generated ({type(error).__name__}: {error})"] for s in students}
                for student, notes in found.items():
                    problems.setdefault((assignment, student), []).extend(notes)
            export_csv(course, workers[0])
        except BaseException as error:  # re-raised in the calling thread
            failure.append(error)

    def draw(assignment: str) -> None:
        report_mod.write_report(course.root, assignment, [r for r in results if r.assignment == assignment],
                                isolation)

    background = threading.Thread(target=nbgrader_outputs, name="kit-grade-outputs")
    background.start()
    try:
        for assignment in graded:
            draw(assignment)
    finally:
        background.join()
    again = set()
    for result in results:
        notes = problems.get((result.assignment, result.student))
        if notes:
            result.notes += notes
            again.add(result.assignment)
            for note in notes:
                print(f"kit grade: {result.student}/{result.assignment}: {note}", flush=True)
    for assignment in sorted(again):
        draw(assignment)
    if failure:
        raise failure[0]


def run_grade(args) -> int:
    """``kit grade``: 0 when every submission got a grade, 1 for the teacher's own errors."""
    overrides = {key: getattr(args, key, None) for key in ("memory_mb", "processes", "disk_mb")}
    overrides = {key: int(value) for key, value in overrides.items() if value is not None}
    if any(value <= 0 for value in overrides.values()):
        print("kit grade: --memory-mb, --processes and --disk-mb must be positive", file=sys.stderr)
        return 1
    timeout = float(args.timeout or DEFAULT_SUBMISSION_TIMEOUT)
    limits = sandbox.Limits(cpu_seconds=int(timeout) + 5, **overrides)
    try:
        summary = grade_course(Path(args.course), list(args.assignments or []), jobs=args.jobs,
                               timeout=args.timeout, limits=limits)
    except CourseError as error:  # GradingError, GradebookError, ReleaseError: the teacher's side
        print(f"kit grade: {error}", file=sys.stderr)
        return 1
    if summary.results:
        course = summary.course
        print(f"kit grade: graded {len(summary.results)} submission(s) in {summary.seconds:.0f} s; "
              f"grades: {course / 'grades.csv'}; feedback: {course / 'feedback'}; reports: {course / 'reports'}")
    return 0
