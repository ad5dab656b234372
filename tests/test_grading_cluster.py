"""kit grade --cluster on a real Dask scheduler and real kit workers, all on 127.0.0.1.

One cluster serves the module (module-scoped): a ``dask scheduler`` and two grading workers
(``kit worker``, and ``dask worker --preload kitlib.grading.cluster`` as dask-jobqueue starts one),
each in its own working directory and, where bubblewrap can make one, in a mount
namespace where the folder of the test courses is an empty tmpfs (the workers cannot read
the course: everything they grade comes through Dask). A third worker has an edited copy of
the course's exercise module first on its path (another course version): it must be refused.

- the cluster grades a batch mixing honest and broken submissions like a local run
  (grades.csv rows, gradebook scores and manual-grading flags);
- the teacher's process SIGKILLed mid-run: ``--resume`` grades only what was not recorded,
  plus a recorded submission whose file changed since;
- a worker SIGKILLed while it runs a student's kernel: every submission still ends in the
  journal and the gradebook exactly once, with the same grades (the last test that needs both);
- a worker whose exercise modules do not import refuses to join.

Every process started here is killed with its descendants (psutil), also when a test fails.
"""
from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("distributed")
psutil = pytest.importorskip("psutil")

from kitlib.grading import sandbox  # noqa: E402
from test_grading_e2e import kit, kit_env, make_course, submissions  # noqa: E402

pytestmark = [pytest.mark.slow]

PY = sys.executable
BATCH = ["honest_full", "honest_half", "honest_blank", "bad_json", "kernel_death", "tamper_checks",
         "tamper_unexportable", "edited_test", "wrong_assignment", "empty_folder", "warm_probe"]
EXPECTED = {"honest_full": 5, "honest_half": 2, "honest_blank": 0, "bad_json": 0, "kernel_death": 0,
            "tamper_checks": 2, "tamper_unexportable": 3, "edited_test": 3, "wrong_assignment": 0, "empty_folder": 0,
            "warm_probe": 5}
WARM_PROBE = "import sys\nprint('WARM KERNEL', 'tensorflow' in sys.modules)\ntotal = 2 + 3"
JOURNAL = ".kit-grade-journal.jsonl"


# ---------------------------------------------------------------- processes

class Processes:
    """Processes started by this module; :meth:`kill_all` ends them and everything they started."""

    def __init__(self):
        self.started: list[subprocess.Popen] = []
        self.seen: dict[int, psutil.Process] = {}

    def start(self, argv: list[str], cwd: Path, env: dict, log: Path) -> subprocess.Popen:
        handle = open(log, "wb")
        # SIGINT back to its default: a shell ignores it for background jobs (a CI runner may start
        # the suite that way), and Python then never turns the test's Ctrl-C into KeyboardInterrupt.
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=_default_sigint)
        handle.close()
        self.started.append(proc)
        return proc

    def remember(self, proc: subprocess.Popen) -> list[psutil.Process]:
        """``proc`` and its descendants now (helpers start their own sessions: a process group
        kill would miss them)."""
        try:
            root = psutil.Process(proc.pid)
            family = [root] + root.children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        for member in family:
            self.seen[member.pid] = member
        return family

    def kill(self, proc: subprocess.Popen) -> None:
        for member in reversed(self.remember(proc)):
            try:
                member.kill()
            except psutil.NoSuchProcess:
                pass
        proc.wait(timeout=30)

    def kill_all(self) -> None:
        for proc in self.started:
            self.remember(proc)
        for member in self.seen.values():
            try:
                if member.is_running():
                    member.kill()
            except psutil.NoSuchProcess:
                pass
        for proc in self.started:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for(condition, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


class Cluster:
    def __init__(self, base: Path, hidden: Path, procs: Processes):
        self.base, self.hidden, self.procs = base, hidden, procs
        self.workers: dict[str, subprocess.Popen] = {}
        self.isolated = sandbox.availability()[0]
        folder = base / "scheduler"
        folder.mkdir()
        self.scheduler = procs.start([PY, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                      "--port", "0", "--no-dashboard", "--scheduler-file", "scheduler.json"],
                                     folder, kit_env(), folder / "log")
        info = wait_for(lambda: _read_json(folder / "scheduler.json"), 120, "the scheduler")
        self.address = info["address"]

    def start_worker(self, name: str, env_extra: dict | None = None, preload: bool = False) -> subprocess.Popen:
        """``kit worker`` (or, with ``preload``, ``dask worker --preload kitlib.grading.cluster`` with
        its nanny, as dask-jobqueue starts workers) in its own folder; where possible, the courses'
        folder is an empty tmpfs for it."""
        folder = self.base / name
        folder.mkdir(exist_ok=True)
        env = kit_env()
        env.update(env_extra or {})
        argv = [PY, "-m", "kitlib.cli", "worker", self.address, "--jobs", "1", "--name", name]
        if preload:
            argv = [PY, "-m", "distributed.cli.dask_worker", self.address, "--nthreads", "1", "--name", name,
                    "--preload", "kitlib.grading.cluster"]
        if self.isolated:
            argv = ["bwrap", "--dev-bind", "/", "/", "--tmpfs", str(self.hidden), "--cap-add", "ALL",
                    "--die-with-parent", "--chdir", str(folder), "--"] + argv
        proc = self.procs.start(argv, folder, env, folder / "log")
        self.workers[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.base / name / "log").read_text(errors="replace")

    def wait_joined(self, name: str, timeout: float = 300) -> None:
        def joined():
            if self.workers[name].poll() is not None:
                raise AssertionError(f"kit worker {name} ended:\n{self.log(name)[-3000:]}")
            log = self.log(name)
            return "kit worker: joined" in log or ("grading slot(s) as resource" in log and "Registered to:" in log)
        wait_for(joined, timeout, f"kit worker {name} to join", interval=0.5)

    def worker_process(self, name: str) -> psutil.Process:
        """The kit worker's Python process (under bwrap when isolated)."""
        root = psutil.Process(self.workers[name].pid)
        for member in [root] + root.children(recursive=True):
            if member.cmdline()[1:4] == ["-m", "kitlib.cli", "worker"]:
                return member
        raise AssertionError(f"no kit worker process for {name}")


def _read_json(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    procs = Processes()
    courses = tmp_path_factory.mktemp("courses")
    try:
        c = Cluster(tmp_path_factory.mktemp("cluster"), courses, procs)
        c.courses = courses
        # Another course version: the exercise module edited (one comment more) on the worker's path.
        stale = c.base / "stale_modules"
        stale.mkdir()
        fixtures = Path(__file__).parent / "fixtures"
        (stale / "mini_exercises.py").write_text((fixtures / "mini_exercises.py").read_text() + "\n# edited\n")
        c.start_worker("w1")
        c.start_worker("w2", preload=True)
        c.start_worker("stale", {"PYTHONPATH": str(stale) + os.pathsep + kit_env()["PYTHONPATH"]})
        for name in ("w1", "w2", "stale"):
            c.wait_joined(name)
        yield c
    finally:
        procs.kill_all()


@pytest.fixture(scope="module")
def batch(cluster):
    """A released mini course with the batch's submissions (copied per run)."""
    course = make_course(cluster.courses / "template")
    done = kit("release", "--course", str(course))
    assert done.returncode == 0, done.stderr
    released = nbformat.read(str(course / "release" / "mini" / "mini.ipynb"), as_version=4)
    subs = submissions(released, course)
    probe = copy.deepcopy(subs["honest_full"])
    for cell in probe.cells:
        if (cell.metadata.get("nbgrader") or {}).get("grade_id") == "mini_sum_answer":
            cell.source = WARM_PROBE
    subs["warm_probe"] = probe
    for student in BATCH:
        folder = course / "submitted" / student / "mini"
        folder.mkdir(parents=True)
        content = subs[student]
        if content is None:
            continue
        if isinstance(content, dict) and not isinstance(content, nbformat.NotebookNode):
            for name, text in content.items():
                (folder / name).write_text(text)
        elif isinstance(content, str):
            (folder / "mini.ipynb").write_text(content)
        else:
            nbformat.write(content, str(folder / "mini.ipynb"))
    return course


def copy_course(batch: Path, name: str) -> Path:
    target = batch.parent.parent / name / "mini_course"
    shutil.copytree(batch, target)
    return target


def rows(course: Path) -> dict[str, dict]:
    with open(course / "grades.csv", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def gradebook(course: Path) -> dict[tuple[str, str], tuple[float, bool]]:
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for submission in gb.find_assignment("mini").submissions:
            for nb in submission.notebooks:
                for grade in nb.grades:
                    found[(submission.student.id, grade.name)] = (grade.score, bool(grade.needs_manual_grade))
    return found


def merged(course: Path) -> list[dict]:
    lines = (course / JOURNAL).read_text().splitlines()
    records = [json.loads(line) for line in lines]
    return [r for r in records if r["type"] == "merged"]


def grade(course: Path, *extra: str, cluster: Cluster | None = None) -> subprocess.CompletedProcess:
    args = ["grade", "--course", str(course), "--timeout", "120", *extra]
    if cluster is not None:
        args += ["--cluster", cluster.address]
    return kit(*args, timeout=600)


def grade_in_background(course: Path, cluster: Cluster, procs: Processes, log: Path) -> subprocess.Popen:
    env = kit_env()
    env["KIT_CLUSTER_WAIT"] = "120"
    return procs.start([PY, "-m", "kitlib.cli", "grade", "--course", str(course), "--timeout", "120",
                        "--cluster", cluster.address], course.parent, env, log)


@pytest.fixture(scope="module")
def local_run(batch):
    course = copy_course(batch, "local")
    run = grade(course, "--jobs", "2")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return course


# ---------------------------------------------------------------- the tests

def test_workers_cannot_see_the_course(cluster, batch):
    if not cluster.isolated:
        pytest.skip("bubblewrap cannot make a mount namespace here: the workers only run in their own folders")
    from distributed import Client

    with Client(cluster.address, timeout=30) as client:
        seen = client.run(os.path.exists, str(batch / "nbgrader_config.py"))
    assert seen and not any(seen.values()), seen
    assert (batch / "nbgrader_config.py").exists()


def test_cluster_grades_like_a_local_run(cluster, batch, local_run):
    course = copy_course(batch, "on_cluster")
    run = grade(course, cluster=cluster)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    ours, theirs = rows(course), rows(local_run)
    assert ours == theirs
    assert {s: float(r["raw_score"]) for s, r in ours.items()} == EXPECTED
    assert gradebook(course) == gradebook(local_run)
    assert gradebook(course)[("tamper_unexportable", "mini_sum_test")] == (0.0, True)
    # The same autograded files (what nbgrader wrote, and the repaired copies of broken ones).
    for student in BATCH:
        mine = sorted(p.name for p in (course / "autograded" / student / "mini").iterdir())
        assert mine == sorted(p.name for p in (local_run / "autograded" / student / "mini").iterdir()), student
    assert (course / "reports" / "mini.html").is_file()
    # The workers' kernels were warm where this machine can fork them into sandboxes (kitlib.grading.warm).
    from kitlib.grading import warm

    probe = (course / "autograded" / "warm_probe" / "mini" / "mini.ipynb").read_text()
    assert f"WARM KERNEL {warm.enabled()}" in probe
    assert (course / "feedback" / "honest_full" / "mini" / "mini.html").is_file()
    # Graded by both good workers (kit worker and the preloaded dask worker), never by the other
    # course version, which was refused with the reason.
    workers = {r["worker"] for r in merged(course)}
    assert workers == {"w1", "w2"}, workers
    assert "worker stale" in run.stdout and "refused: exercises:mini_exercises" in run.stdout, run.stdout[-3000:]
    assert "Dask dashboard:" in run.stdout


def test_interrupted_teacher_resumes(cluster, batch, local_run):
    course = copy_course(batch, "teacher_killed")
    procs = cluster.procs
    teacher = grade_in_background(course, cluster, procs, course.parent / "grade.log")
    journal = course / JOURNAL
    wait_for(lambda: journal.exists() and journal.read_text().count('"type": "merged"') >= 3, 300,
             "three merged submissions")
    procs.kill(teacher)  # a crash: SIGKILL, nothing cleaned up
    first = merged(course)
    assert 3 <= len(first) < len(BATCH), "the run ended before it could be interrupted"
    recorded = {r["student"] for r in first}
    # A recorded submission changes on disk after the crash: it must be graded again.
    changed = sorted(recorded)[0]
    folder = course / "submitted" / changed / "mini"
    (folder / "notes.txt").write_text("handed in again\n")
    again = grade(course, "--resume", cluster=cluster)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert f"resuming: {len(recorded) - 1} submission(s) already graded in this run, " \
           f"{len(BATCH) - len(recorded) + 1} to grade" in again.stdout, again.stdout[-2000:]
    records = merged(course)
    per_student = {s: [r for r in records if r["student"] == s] for s in BATCH}
    assert all(len(v) == 1 for s, v in per_student.items() if s != changed), per_student
    assert len(per_student[changed]) == 2  # graded again because its files changed
    assert {s: float(r["raw_score"]) for s, r in rows(course).items()} == EXPECTED
    assert gradebook(course) == gradebook(local_run)
    lines = [json.loads(l) for l in journal.read_text().splitlines()]
    assert [l["type"] for l in lines].count("run") == 1 and [l["type"] for l in lines].count("resume") == 1


def test_a_killed_worker_loses_no_submission(cluster, batch, local_run):
    course = copy_course(batch, "worker_killed")
    procs = cluster.procs
    teacher = grade_in_background(course, cluster, procs, course.parent / "grade.log")
    victim = cluster.worker_process("w1")

    def running_a_kernel():
        try:
            return any("ipykernel" in " ".join(p.cmdline()) or "launch" in p.cmdline()
                       for p in victim.children(recursive=True))
        except psutil.NoSuchProcess:
            return False

    wait_for(running_a_kernel, 240, "w1 to run a student's kernel", interval=0.05)
    family = [victim] + victim.children(recursive=True)
    for member in family:
        procs.seen[member.pid] = member  # its helpers: killed at the end if they outlive it
    victim.kill()  # SIGKILL mid-task: no goodbye to the scheduler
    assert teacher.wait(timeout=600) == 0, (course.parent / "grade.log").read_text()[-3000:]
    log = (course.parent / "grade.log").read_text()
    assert "worker w1" in log and "left the cluster" in log, log[-3000:]
    records = merged(course)
    students = [r["student"] for r in records]
    assert sorted(students) == sorted(BATCH), students  # each exactly once
    assert {s: float(r["raw_score"]) for s, r in rows(course).items()} == EXPECTED
    assert gradebook(course) == gradebook(local_run)


def test_worker_refuses_to_join_when_the_course_does_not_import(cluster, tmp_path):
    broken = tmp_path / "modules"
    broken.mkdir()
    (broken / "mini_exercises.py").write_text("raise ImportError('the course checks need a package not installed')\n")
    env = kit_env()
    env["PYTHONPATH"] = str(broken) + os.pathsep + env["PYTHONPATH"]
    done = subprocess.run([PY, "-m", "kitlib.cli", "worker", cluster.address, "--jobs", "1"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1
    assert "refusing to join" in done.stderr and "exercise modules" in done.stderr
    assert "the course checks need a package not installed" in done.stdout


def test_a_submission_that_stops_its_workers_is_graded_zero_with_a_report_line(batch):
    """What ClusterRunner gives when Dask raises KilledWorker (the task was on allowed-failures + 1
    workers that died): zero points for every grade cell, the repaired submission, a report line."""
    from kitlib.grading.cluster import failed_result, killed_note
    from kitlib.grading.course import Course
    from kitlib.grading.runner import Job
    from kitlib.grading.submission import AssignmentBundle, Submission

    course = Course.open(batch)
    bundle = AssignmentBundle.from_course(course, "mini", course.release_dir("mini"), course.gradebook_path)
    submission = Submission.collect(course, "honest_full", "mini")
    result = failed_result(Job(submission, bundle, "key"), killed_note(4))
    assert [(c.grade_id, c.score, c.max_score) for c in result.cells] == [("mini_sum_test", 0.0, 2.0),
                                                                           ("mini_words_test", 0.0, 3.0)]
    assert result.notes[-1].startswith("grading this submission stopped its worker 4 times")
    assert sorted(result.autograded) == ["mini.ipynb"] and not result.executed


def test_ctrl_c_on_a_local_run_then_resume(cluster, batch, local_run):
    """Without --cluster too: Ctrl-C stops at once (exit 130, how to resume), merges nothing more,
    and --resume finishes with the same grades."""
    course = copy_course(batch, "local_interrupted")
    procs = cluster.procs
    log = course.parent / "grade.log"
    teacher = procs.start([PY, "-m", "kitlib.cli", "grade", "--course", str(course), "--timeout", "120",
                           "--jobs", "2"], course.parent, kit_env(), log)
    journal = course / JOURNAL
    wait_for(lambda: journal.exists() and journal.read_text().count('"type": "merged"') >= 2, 300,
             "two merged submissions")
    teacher.send_signal(signal.SIGINT)
    assert teacher.wait(timeout=120) == 130, log.read_text()[-3000:]
    text = log.read_text()
    assert "interrupted" in text and "--resume" in text, text[-2000:]
    first = merged(course)
    assert 2 <= len(first) < len(BATCH)
    again = grade(course, "--resume", "--jobs", "2")
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    students = [r["student"] for r in merged(course)]
    assert sorted(students) == sorted(BATCH), students  # nothing graded twice
    assert {s: float(r["raw_score"]) for s, r in rows(course).items()} == EXPECTED
    assert gradebook(course) == gradebook(local_run)
