"""Benchmark of ``kit grade`` against serial ``nbgrader autograde``, side by side.

    .venv/bin/python bench/bench_grading.py [--submissions 20] [--work 2.0] [--jobs 2] [--setup] [--no-cluster]

Builds N synthetic submissions of the mini assignment (tests/fixtures/mini_course,
with one extra cell that burns ``--work`` CPU seconds, like a small training
cell; with ``--setup`` also the chapters' first cell, ``import kitlib; kitlib.setup()``,
which imports TensorFlow and Keras), then times on identical copies of the course:

1. executing the N notebooks alone (nbclient, one process, one kernel each);
2. serial ``nbgrader autograde mini`` (one nbgrader process, as nbgrader does it);
3. ``kit grade --jobs 1`` and ``kit grade --jobs N`` (everything included: gradebook,
   sandbox, re-check, CSV, feedback, report), and ``kit grade --jobs N`` with cold kernels
   (``KIT_WARM_KERNELS=0``: a new Python per notebook);
4. ``kit grade --cluster`` on a Dask scheduler with N ``kit worker --jobs 1`` on this
   machine (the same number of slots as 3.; the scheduler and workers are started and
   joined before the clock starts, as they would be on a real cluster).

Prints one JSON object: the times, ``speedup`` = serial / kit --jobs N (goal >= 3 on
2 cores with warm kernels), ``overhead`` = kit --jobs 1 / execution alone - 1,
``per_notebook_overhead_s`` = kit --jobs 1 per submission - the notebook's own cell time
(summed from the executed notebooks' cell timings: what remains besides the notebook's
compute: interpreter or fork, nbgrader, sandbox, re-check, merge) and
``cluster_overhead_per_submission_s`` = (cluster - kit --jobs N) / submissions.
Warm kernels are on where ``kit grade`` can use them (root and bubblewrap); the JSON says so.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PY = sys.executable


def env() -> dict:
    e = dict(os.environ)
    e["KIT_EXERCISE_MODULES"] = "mini_exercises"
    e["PYTHONPATH"] = str(FIXTURES) + os.pathsep + e.get("PYTHONPATH", "")
    e["PATH"] = str(Path(PY).parent) + os.pathsep + e.get("PATH", "")
    return e


def build(base: Path, n: int, work: float, setup: bool = False) -> Path:
    """A course with ``n`` submissions whose notebooks each burn ``work`` CPU seconds
    (``setup``: after the chapters' first cell, which imports TensorFlow and Keras)."""
    course = base / "course"
    shutil.copytree(FIXTURES / "mini_course", course)
    source = course / "source" / "mini" / "mini.ipynb"
    nb = nbformat.read(str(source), as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell(
        "import time\nstarted = time.process_time()\n"
        f"while time.process_time() - started < {work}:\n    sum(range(10_000))"))
    if setup:
        nb.cells.insert(1, nbformat.v4.new_code_cell("import kitlib; kitlib.setup()"))
    nbformat.write(nb, str(source))
    done = subprocess.run([PY, "-m", "kitlib.cli", "release", "--course", str(course)], env=env(),
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr)
    released = nbformat.read(str(course / "release" / "mini" / "mini.ipynb"), as_version=4)
    variants = [("total = 2 + 3", 'words = ["keras", "layers"]'), ("total = 4", 'words = ["a", "b"]'),
                ("total = 5", "words = ['b', 'a']"), ("# YOUR CODE HERE", "# YOUR CODE HERE")]
    for i in range(n):
        sub = copy.deepcopy(released)
        sum_code, words_code = variants[i % len(variants)]
        for cell in sub.cells:
            gid = (cell.metadata.get("nbgrader") or {}).get("grade_id")
            if gid == "mini_sum_answer":
                cell.source = cell.source.replace("# YOUR CODE HERE", sum_code)
            if gid == "mini_words_answer":
                cell.source = cell.source.replace("# YOUR CODE HERE", words_code)
        folder = course / "submitted" / f"student{i:02d}" / "mini"
        folder.mkdir(parents=True)
        nbformat.write(sub, str(folder / "mini.ipynb"))
    return course


def warm_kernels_here() -> bool:
    done = subprocess.run([PY, "-c", "from kitlib.grading import warm; print(warm.enabled())"], env=env(),
                          capture_output=True, text=True)
    return done.stdout.strip() == "True"


def fresh_copy(course: Path, name: str) -> Path:
    target = course.parent / name
    shutil.copytree(course, target, ignore=shutil.ignore_patterns("autograded", "feedback", "reports", "grades.csv"))
    return target


def timed(command: list[str], cwd: Path, extra_env: dict | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env={**env(), **(extra_env or {})}, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def execute_alone(course: Path) -> float:
    """Seconds to execute every submitted notebook with nbclient in one process."""
    script = (
        "import glob, nbformat, sys\nfrom nbclient import NotebookClient\n"
        "for path in sorted(glob.glob('submitted/*/mini/mini.ipynb')):\n"
        "    nb = nbformat.read(path, as_version=4)\n"
        "    NotebookClient(nb, timeout=300, kernel_name='python3', allow_errors=True,\n"
        "                   resources={'metadata': {'path': path.rsplit('/', 1)[0]}}).execute()\n")
    return timed([PY, "-c", script], course)


class LocalCluster:
    """A Dask scheduler and ``kit worker`` processes on this machine (stopped with SIGTERM:
    each worker closes its slots' helpers)."""

    def __init__(self, base: Path, workers: int):
        self.base = base
        self.procs: list[subprocess.Popen] = []
        folder = base / "scheduler"
        folder.mkdir(parents=True)
        self.procs.append(subprocess.Popen([PY, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                            "--port", "0", "--no-dashboard", "--scheduler-file", "s.json"],
                                           cwd=folder, env=env(), stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL, start_new_session=True))
        self.address = self._wait(lambda: json.loads((folder / "s.json").read_text())["address"], "scheduler")
        logs = []
        for index in range(workers):
            home = base / f"worker{index}"
            home.mkdir()
            log = home / "log"
            with open(log, "wb") as handle:
                self.procs.append(subprocess.Popen([PY, "-m", "kitlib.cli", "worker", self.address, "--jobs", "1"],
                                                   cwd=home, env=env(), stdout=handle, stderr=subprocess.STDOUT,
                                                   start_new_session=True))
            logs.append(log)
        for log in logs:
            self._wait(lambda: "kit worker: joined" in log.read_text(errors="replace"), f"worker ({log})")

    def _wait(self, probe, what: str, timeout: float = 300):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = probe()
                if value:
                    return value
            except (OSError, ValueError, KeyError):
                pass
            if any(p.poll() is not None for p in self.procs):
                sys.exit(f"the local cluster died while waiting for the {what}")
            time.sleep(0.3)
        sys.exit(f"timed out waiting for the {what}")

    def stop(self) -> None:
        import signal

        for proc in reversed(self.procs):  # workers first, the scheduler last
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def cell_seconds(course: Path) -> float:
    """Mean over the executed notebooks of the sum of their cells' execution times."""
    from datetime import datetime

    totals = []
    for path in sorted(course.glob("autograded/*/mini/mini.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        total = 0.0
        for cell in nb.cells:
            timing = cell.get("metadata", {}).get("execution") or {}
            start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
            if start and end:
                total += (datetime.fromisoformat(end.replace("Z", "+00:00"))
                          - datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds()
        totals.append(total)
    return sum(totals) / len(totals) if totals else float("nan")


def scores(csv_path: Path) -> dict[str, float]:
    import csv

    with open(csv_path, newline="") as handle:
        return {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(handle)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--work", type=float, default=2.0, help="CPU seconds each notebook burns")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-cluster", action="store_true", help="skip the Dask cluster path")
    parser.add_argument("--setup", action="store_true",
                        help="notebooks start like the chapters: import kitlib; kitlib.setup() (TensorFlow)")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="kit-bench-"))
    try:
        course = build(base, args.submissions, args.work, args.setup)
        alone = execute_alone(fresh_copy(course, "alone"))
        serial_course = fresh_copy(course, "serial")
        serial = timed([PY, "-m", "nbgrader", "autograde", "mini", f"--CourseDirectory.root={serial_course}"],
                       serial_course)
        subprocess.run([PY, "-m", "nbgrader", "export", f"--CourseDirectory.root={serial_course}",
                        f"--CsvExportPlugin.to={serial_course / 'grades.csv'}"], cwd=serial_course, env=env(),
                       capture_output=True)
        one = fresh_copy(course, "kit1")
        kit1 = timed([PY, "-m", "kitlib.cli", "grade", "mini", "--course", str(one), "--jobs", "1"], one)
        many = fresh_copy(course, "kitN")
        kitn = timed([PY, "-m", "kitlib.cli", "grade", "mini", "--course", str(many), "--jobs", str(args.jobs)], many)
        cold_many = fresh_copy(course, "kitN_cold")
        kitn_cold = timed([PY, "-m", "kitlib.cli", "grade", "mini", "--course", str(cold_many), "--jobs",
                           str(args.jobs)], cold_many, {"KIT_WARM_KERNELS": "0"})
        same = (scores(many / "grades.csv") == scores(serial_course / "grades.csv") == scores(one / "grades.csv")
                == scores(cold_many / "grades.csv"))
        on_cluster = None
        if not args.no_cluster:
            cluster = LocalCluster(base / "cluster", workers=args.jobs)
            try:
                remote = fresh_copy(course, "cluster_course")
                on_cluster = timed([PY, "-m", "kitlib.cli", "grade", "mini", "--course", str(remote),
                                    "--cluster", cluster.address], remote)
            finally:
                cluster.stop()
            same_cluster = scores(remote / "grades.csv") == scores(many / "grades.csv")
        result = {
            "submissions": args.submissions, "work_cpu_seconds_per_notebook": args.work, "jobs": args.jobs,
            "cores": os.cpu_count(), "load_average_1min": round(os.getloadavg()[0], 2),
            "execute_alone_s": round(alone, 1), "serial_nbgrader_s": round(serial, 1),
            "kit_grade_jobs1_s": round(kit1, 1), f"kit_grade_jobs{args.jobs}_s": round(kitn, 1),
            f"kit_grade_jobs{args.jobs}_cold_kernels_s": round(kitn_cold, 1),
            "speedup_vs_serial_nbgrader": round(serial / kitn, 2),
            "speedup_cold_kernels_vs_serial_nbgrader": round(serial / kitn_cold, 2),
            "overhead_vs_execute_alone": round(kit1 / alone - 1, 3),
            "per_submission_s": {"execute_alone": round(alone / args.submissions, 2),
                                 "kit_grade_jobs1": round(kit1 / args.submissions, 2),
                                 "serial_nbgrader": round(serial / args.submissions, 2)},
            "same_scores_as_serial_nbgrader": same,
            "setup_cell": args.setup,
            "warm_kernels": warm_kernels_here(),
            "cell_seconds_per_notebook": {"kit_grade_jobs1": round(cell_seconds(one), 2),
                                          "serial_nbgrader": round(cell_seconds(serial_course), 2)},
            "per_notebook_overhead_s": round(kit1 / args.submissions - cell_seconds(one), 2),
            "goals": {"speedup": 3.0},
        }
        if on_cluster is not None:
            result.update({
                f"kit_grade_cluster_{args.jobs}_workers_s": round(on_cluster, 1),
                "cluster_vs_local_jobs": round(on_cluster / kitn, 2),
                "cluster_overhead_per_submission_s": round((on_cluster - kitn) / args.submissions, 2),
                "speedup_cluster_vs_serial_nbgrader": round(serial / on_cluster, 2),
                "same_scores_cluster_as_local": same_cluster,
            })
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
