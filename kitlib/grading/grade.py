"""``kit grade``: nbgrader autograde, in parallel, isolated, merged into one gradebook.

Orchestration only: which submissions, how many at a time, progress, and the
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
6. Where the submissions are graded is a runner (:mod:`kitlib.grading.runner`): this
   machine's slots, or with ``cluster=`` the kit workers of a Dask scheduler
   (:mod:`kitlib.grading.cluster`); both run :func:`~kitlib.grading.submission.grade_submission`
   and this process merges what they return, once per student, assignment and content.
7. Every merge is recorded in the course's resume journal (:mod:`kitlib.grading.journal`)
   after it happened; ``resume=True`` grades only what the journal does not hold unchanged.

Example::

    from kitlib.grading.grade import grade_course
    summary = grade_course(Path("course"), ["mini"], jobs=2)
    summary.results[0].score, summary.results[0].notes
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from kitlib.grading import safefs, sandbox
from kitlib.grading.course import Course, CourseError
from kitlib.grading.gradebook import GradebookWriter, ensure_assignment, export_csv, snapshot, withhold_hidden_tests
from kitlib.grading.journal import Journal, assignment_version, content_key
from kitlib.grading.names import show_line
from kitlib.grading.progress import GradingProgress
from kitlib.grading.report import condense
from kitlib.grading.release import generate
from kitlib.grading.submission import (DEFAULT_SUBMISSION_TIMEOUT, AssignmentBundle, CellResult,  # noqa: F401
                                       GradingOptions, Slot, Submission, SubmissionResult, grade_submission)
from kitlib.grading.verify import Verifier  # noqa: F401 - re-exported: kit grade's re-check client
from kitlib.grading.runner import Job, LocalRunner
from kitlib.grading.helper_process import close_all
from kitlib.grading.worker import Worker

if TYPE_CHECKING:
    from kitlib.grading.cluster import ClusterRunner


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
    kept = withhold_hidden_tests(db, assignment)
    if kept:
        print(f"kit grade: {safefs.show(assignment)}: the hidden tests of {', '.join(map(safefs.show, kept[:5]))}"
              f"{f' and {len(kept) - 5} more' if len(kept) > 5 else ''} are not only the visible grade() call "
              "with hidden=True: they run in the student's kernel, which can read them (move the checks to "
              "the course's hidden/ folder, see course/AUTHORING.md)", flush=True)
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
                 outputs: bool = True, cluster: str | None = None, resume: bool = False,
                 progress: GradingProgress | None = None) -> GradeSummary:
    """Grade all submissions of ``assignments`` (all with submissions when empty); see module docstring.

    ``cluster``: the address of a Dask scheduler whose ``kit worker`` s grade instead of this
    machine (:mod:`kitlib.grading.cluster`). ``resume``: finish the run recorded in the course's
    journal (:mod:`kitlib.grading.journal`) without grading again what it holds.
    Progress (:mod:`kitlib.grading.progress`) shows from the first second: a live display in a
    terminal, plain lines in a log (per notebook locally, per submission on a cluster)."""
    own = progress is None
    progress = progress or GradingProgress.start()
    try:
        return _grade_course(progress, course_dir, assignments, jobs, timeout, limits, outputs, cluster, resume)
    finally:
        if own:
            progress.close()


def _grade_course(progress: GradingProgress, course_dir: Path, assignments: list[str] | None, jobs: int | None,
                  timeout: float | None, limits: sandbox.Limits | None, outputs: bool, cluster: str | None,
                  resume: bool) -> GradeSummary:
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
    runner: LocalRunner | ClusterRunner | None = None
    if cluster:
        from kitlib.grading.cluster import ClusterRunner

        progress.stage(f"connecting to the Dask scheduler at {cluster}")
        runner = ClusterRunner(cluster, timeout, limits)
        ok = True  # each worker isolates with its own sandbox (kit worker refuses to join without one)
        isolation = runner.isolation()
    else:
        progress.stage("checking the sandbox")
        ok = sandbox.availability()[0]
        isolation, lines = _isolation_summary(limits)
        for line in lines:
            print(f"kit grade: {line}", flush=True)

    check = _term_lines(course, wanted)

    scratch_root = Path(tempfile.mkdtemp(prefix="kit-grade-"))
    scratch_root.chmod(0o711)  # sandbox uids may pass through (to their own box only, without bubblewrap)
    keep = os.environ.get("KIT_GRADE_KEEP_SCRATCH") is not None
    options = GradingOptions(timeout=timeout, limits=limits, use_bwrap=ok)
    run_cgroup = None
    results: list[SubmissionResult] = []
    slots: list[Slot] = []
    teacher_worker: Worker | None = None  # with --cluster: this machine only prepares and writes outputs
    journal: Journal | None = None
    try:
        journal = (Journal.resume if resume else Journal.start)(course, wanted)
        submissions = {assignment: course.students(assignment) for assignment in wanted}
        refused = _refuse_names(submissions)  # ids nbgrader or a file system cannot take: a line each
        versions = {assignment: assignment_version(course, assignment) for assignment in wanted}
        todo, results = _plan(course, submissions, versions, journal)
        if resume:
            print(f"kit grade: resuming: {len(results)} submission(s) already graded in this run, "
                  f"{len(todo)} to grade", flush=True)
        if cluster:
            teacher_worker = Worker().spawn()
        else:
            support = sandbox.cgroup_support()
            run_cgroup = support.create_run(f"kit-grade-{os.getpid()}") if support.ok else None
            # Start every slot's helpers now: their imports overlap with the set-up below.
            slots = [Slot.start(scratch_root, options, index, run_cgroup.to_plain() if run_cgroup else None)
                     for index in range(max(1, min(jobs, len(todo))))]
            runner = LocalRunner(slots, scratch_root, options, keep_scratch=keep, progress=progress)
        prep_worker = teacher_worker or slots[0].worker
        bundles: dict[str, AssignmentBundle] = {}
        for assignment in wanted:
            if not submissions[assignment]:
                print(f"kit grade: no submissions for {assignment} in {course_dir / 'submitted'}", flush=True)
                continue
            if not any(a == assignment for _, a in todo):
                continue
            progress.stage(f"preparing {assignment}: gradebook and student versions")
            prep = scratch_root / f"_{assignment}"
            prep.mkdir()
            try:
                bundles[assignment] = _prepare_assignment(course, assignment, prep, prep_worker)
            except CourseError as error:
                raise GradingError(str(error)) from error
        if not todo and not results:
            return GradeSummary(course_dir, wanted, refused, isolation, time.monotonic() - started)
        where = f"on the cluster at {cluster}" if cluster else f"{jobs} at a time"
        print(f"kit grade: {len(todo)} submission(s), {where}, "
              f"per cell {settings['cell_timeout']:g} s, per submission {timeout:g} s", flush=True)
        progress.plan({f"{student}/{assignment}": [Path(name).stem for name in sorted(bundles[assignment].blank)]
                       for student, assignment in todo}, slots=max(1, runner.slots()) if cluster else len(slots))
        writer = GradebookWriter(course)
        merged: set[tuple[str, str, str]] = set()

        def pending() -> Iterator[Job]:
            for student, assignment in todo:
                submission = _collect(course, student, assignment)
                yield Job(submission, bundles[assignment], content_key(submission, versions[assignment]))

        try:
            for graded in (runner.run(pending(), total=len(todo)) if todo else ()):
                result = graded.result
                ident = (result.student, result.assignment, graded.job.key)
                if ident in merged:
                    continue  # the same submission and content came back twice: merged once
                with _ctrl_c_after():  # the gradebook and the journal agree even when Ctrl-C comes now
                    writer.record(result)  # never raises: a failed step is a report line
                    journal.record(result, graded.job.key, worker=graded.where, retry=graded.retry)
                    merged.add(ident)
                results.append(result)
                flag = f" · {len(result.notes)} problem(s)" if result.notes else ""
                progress.submission_finished(
                    graded.job.label, f"[{len(merged)}/{len(todo)}] {graded.job.label}: "
                    f"{result.score:g}/{result.max_score:g} in {result.seconds:.1f} s{flag}", condense(result.notes))
        except KeyboardInterrupt:
            runner.stop()
            for helper in [h for slot in slots for h in slot.helpers()] + [teacher_worker]:
                if helper is not None:
                    helper.close(kill=True)  # running submissions end now; their results are not merged
            print(f"\nkit grade: interrupted; {len(merged)} submission(s) of this run were merged and recorded "
                  f"in {journal.path}: `kit grade ... --resume` finishes the run", file=sys.stderr, flush=True)
            raise
        if cluster:
            isolation = runner.isolation()
        results += refused
        results.sort(key=lambda r: (r.assignment, r.student))
        if outputs:
            progress.stage("writing grades.csv, feedback and reports")
            from kitlib.grading.report import save_results

            for assignment in sorted({r.assignment for r in results}):
                save_results(course.root, assignment, [], unknown=check.unknown,
                             no_assignment=[f"{folder} ({', '.join(inside[:3]) or 'empty'})"
                                            for folder, inside in check.no_assignment])
            write_outputs(course, results, isolation, slots, prep_worker)
    finally:
        if journal is not None:
            journal.close()
        if cluster and runner is not None:
            runner.close()
        close_all([helper for slot in slots for helper in slot.helpers()] + ([teacher_worker] if teacher_worker else []))
        if run_cgroup is not None:
            run_cgroup.remove()
        if not keep:
            shutil.rmtree(scratch_root, ignore_errors=True)
    return GradeSummary(course_dir, wanted, results, isolation, time.monotonic() - started)


@contextlib.contextmanager
def _ctrl_c_after():
    """Hold a Ctrl-C (SIGINT) that arrives inside the block until the block is done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _refuse_names(submissions: dict[str, list[str]]) -> list[SubmissionResult]:
    """Take out of ``submissions`` the folders whose names are not usable student ids
    (:func:`kitlib.grading.names.refusal`); one result each, with no grade cells and one
    report line naming the folder (escaped). They never reach nbgrader, the gradebook,
    grades.csv or feedback/, so nobody else's grading can be touched by them."""
    from kitlib.grading.names import refused_line

    refused = []
    for assignment, students in submissions.items():
        for student in list(students):
            line = refused_line(f"submitted/{student}/{assignment}", student)
            if line is not None:
                students.remove(student)
                refused.append(SubmissionResult(student, assignment, notes=[line], refused=True))
                print(show_line(f"kit grade: {line}"), flush=True)
    return refused


def _plan(course: Course, submissions: dict[str, list[str]], versions: dict[str, str],
          journal: Journal) -> tuple[list[tuple[str, str]], list[SubmissionResult]]:
    """(student, assignment) pairs to grade, and the results the journal already holds for
    the others (a recorded submission whose files or assignment changed is graded again)."""
    todo: list[tuple[str, str]] = []
    done: list[SubmissionResult] = []
    for assignment, students in submissions.items():
        for student in students:
            if (student, assignment) in journal.recorded:
                submission = _collect(course, student, assignment)
                recorded = journal.done(student, assignment, content_key(submission, versions[assignment]))
                if recorded is not None:
                    done.append(recorded)
                    continue
            todo.append((student, assignment))
    return todo, done


def _term_lines(course: Course, wanted: list[str]):
    """Say, before grading, who is enrolled but submitted nothing, which folders of ``submitted/`` are not
    on the class list or hold no assignment, and whether nbgrader's Generate Feedback is safe here."""
    from kitlib.grading.nbgrader_feedback import feedback_config_problem
    from kitlib.grading.report import condense
    from kitlib.grading.roster import check_submitted, shown_name

    check = check_submitted(course, wanted)
    for assignment, students in check.missing.items():
        if students:
            print(f"kit grade: {assignment}: {len(students)} enrolled student(s) without a submission: "
                  f"{', '.join(condense(students, limit=20, per_kind=20))}", flush=True)
    for line in condense([f"submitted/{shown_name(f)} is not on the class list (kit students import ROSTER.csv; "
                          "graded all the same)" for f in check.unknown]):
        print(f"kit grade: {line}", flush=True)
    for line in condense([f"submitted/{shown_name(folder)} holds no assignment of this course "
                          f"({shown_name(', '.join(inside[:3])) or 'empty'})"
                          for folder, inside in check.no_assignment]):
        print(f"kit grade: {line}", flush=True)
    problem = feedback_config_problem(course.root)
    if problem:
        print(f"kit grade: warning: {problem}", flush=True)
    return check


def write_outputs(course: Course, results: list[SubmissionResult], isolation: str, slots: list[Slot],
                  worker: Worker | None = None) -> None:
    """grades.csv and feedback (nbgrader, in a warm worker (``worker``, else the first slot's)), then
    the reports, which link each student's feedback; a student whose feedback was refused or failed
    gets a report line and the others keep theirs."""
    from kitlib.grading import feedback as feedback_mod
    from kitlib.grading import report as report_mod

    graded = sorted({r.assignment for r in results})
    workers = [worker] if worker is not None else [slot.worker for slot in slots] or [Worker()]
    for slot in slots:
        slot.verifier.close()  # its memory is better spent on nbgrader now
    failure: list[BaseException] = []
    problems: dict[tuple[str, str], list[str]] = {}

    def nbgrader_outputs() -> None:
        try:
            for assignment in graded:
                students = [r.student for r in results if r.assignment == assignment and not r.refused]
                try:
                    found = feedback_mod.generate_feedback(course.root, assignment, workers[0], students=students)
                except Exception as error:  # noqa: BLE001 - feedback is per student; say so for all
                    found = {s: [f"no feedback was generated ({type(error).__name__}: {error})"] for s in students}
                for student, notes in found.items():
                    problems.setdefault((assignment, student), []).extend(notes)
            export_csv(course, workers[0])
        except BaseException as error:  # re-raised after the reports are drawn
            failure.append(error)

    def draw(assignment: str) -> None:
        report_mod.write_report(course.root, assignment, [r for r in results if r.assignment == assignment],
                                isolation)

    from kitlib.grading.deadlines import apply_deadlines

    for assignment in graded:  # extensions and the late policy, before grades.csv and the reports read them
        try:
            apply_deadlines(course, assignment)
        except CourseError as error:
            print(f"kit grade: warning: late penalties not applied to {assignment}: {error}", flush=True)
    nbgrader_outputs()
    for result in results:
        notes = problems.get((result.assignment, result.student))
        if notes:
            result.notes += notes
            for note in notes:
                print(show_line(f"kit grade: {result.student}/{result.assignment}: {note}"), flush=True)
    for assignment in graded:  # after the feedback: the report links each student's pages
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
                               timeout=args.timeout, limits=limits, cluster=getattr(args, "cluster", None),
                               resume=bool(getattr(args, "resume", False)))
    except CourseError as error:  # GradingError, GradebookError, ReleaseError, ClusterError: the teacher's side
        print(f"kit grade: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    if summary.results:
        course = summary.course
        print(f"kit grade: graded {len(summary.results)} submission(s) in {summary.seconds:.0f} s; "
              f"grades: {course / 'grades.csv'}; feedback: {course / 'feedback'}; reports: {course / 'reports'}")
    return 0
