"""Benchmark of ``kit test-exercises``: shared kernels (fork per variant) against a kernel per variant,
or this tree's kit against another commit's (``--against``).

    .venv/bin/python bench/bench_test_exercises.py                       # every assignment with a hidden part
    .venv/bin/python bench/bench_test_exercises.py sequential_model --jobs 2
    .venv/bin/python bench/bench_test_exercises.py sequential_model --against $(git merge-base HEAD main)   # before this branch vs. now

With ``--against REF``: the same command with REF's ``kitlib`` (``git archive``, run on this tree's course),
then with this tree's, one right after the other on the same machine (the load average is printed with
each, and the CPU seconds of all the run's processes, which a busy machine changes far less than the wall
time); ``same_outcomes`` says whether both judged every variant alike (the outcomes JSON without the
seconds). Without it:

Prints one JSON document:

- ``run``: the wall time of ``kit test-exercises ASSIGNMENT --jobs N`` and how many variants it graded;
- ``setup``: per notebook, the wall time of executing it once in a fresh interpreter (what each variant
  would cost again without a shared kernel: Python, TensorFlow, the notebook's data and training);
- ``without_sharing_s``: the sum over variants of their notebook's set-up time plus their own time (an
  estimate of the same run with a fresh kernel per variant), and ``ratio``: that over the measured run,
  both from this one run, so the ratio holds however busy the machine is.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"

SETUP = r'''
import sys, nbformat
from IPython.core.interactiveshell import InteractiveShell
nb = nbformat.read(sys.argv[1], as_version=4)
shell = InteractiveShell.instance()
for cell in nb.cells:
    if cell.cell_type == "code" and "nbgrader" not in cell.metadata:
        shell.run_cell(cell.source, silent=True)
'''


def setup_seconds(notebook: Path) -> float:
    """One fresh interpreter executing the notebook's cells that are not exercises."""
    start = time.perf_counter()
    env = dict(os.environ, KITLIB_OFFLINE="1", MPLBACKEND="Agg", PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", SETUP, str(notebook)], cwd=notebook.parent, env=env,
                   capture_output=True, timeout=900, check=False)
    return time.perf_counter() - start


def timed_run(kit_root: Path, assignments: list[str], jobs: int) -> dict:
    """``kit test-exercises`` with the ``kitlib`` under ``kit_root``, on this tree's course."""
    out = Path(tempfile.mkstemp(suffix=".json")[1])
    env = dict(os.environ, KITLIB_OFFLINE="1", PYTHONPATH=str(kit_root))
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kitlib.cli", "test-exercises", *assignments, "--course",
                           str(COURSE), "--jobs", str(jobs), "--json", str(out)],
                          env=env, capture_output=True, text=True, timeout=3600, cwd=kit_root)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # every process of the run was waited for
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    reports = json.loads(out.read_text()) if out.stat().st_size else []
    out.unlink()
    for report in reports:
        for outcome in report["outcomes"]:
            outcome.pop("seconds", None)
    return {"seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1), "load_before": round(load, 2), "exit_code": done.returncode,
            "totals": done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:],
            "reports": reports}


def against(ref: str, assignments: list[str], jobs: int) -> int:
    with tempfile.TemporaryDirectory(prefix="kit_bench_ref_") as folder:
        archive = subprocess.run(["git", "archive", ref, "kitlib"], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        runs = {}
        for name, root in ((ref, Path(folder)), ("this tree", ROOT)):
            runs[name] = timed_run(root, assignments, jobs)
            print(json.dumps({name: {k: v for k, v in runs[name].items() if k != "reports"}}), flush=True)
    base, new = runs[ref], runs["this tree"]
    differ = [(b["exercise"], ob, on) for b, n in zip(base["reports"], new["reports"])
              for ob, on in zip(b["outcomes"], n["outcomes"]) if ob != on]
    for exercise, old_outcome, new_outcome in differ[:5]:  # what changed, to read
        print(json.dumps({"differs": exercise, ref: old_outcome, "this tree": new_outcome}), flush=True)
    print(json.dumps({"assignments": assignments, "jobs": jobs, "ref": ref,
                      "same_outcomes": base["reports"] == new["reports"], "outcomes_differing": len(differ),
                      "seconds": {ref: base["seconds"], "this tree": new["seconds"]},
                      "cpu_seconds": {ref: base["cpu_seconds"], "this tree": new["cpu_seconds"]},
                      "load_after": round(os.getloadavg()[0], 2)}, indent=1))
    return 0 if base["reports"] == new["reports"] else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--against", metavar="REF", help="also run REF's kitlib (a git commit) and compare")
    args = parser.parse_args()
    assignments = args.assignments or sorted(p.name for p in (COURSE / "hidden").iterdir() if p.is_dir())
    if args.against:
        return against(args.against, assignments, args.jobs)
    out = Path(tempfile.mkstemp(suffix=".json")[1])
    env = dict(os.environ, KITLIB_OFFLINE="1", PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kitlib.cli", "test-exercises", *assignments, "--course",
                           str(COURSE), "--jobs", str(args.jobs), "--json", str(out)],
                          env=env, capture_output=True, text=True, timeout=3600)
    run_seconds = time.perf_counter() - start
    reports = json.loads(out.read_text())
    out.unlink()
    setups = {path.name: round(setup_seconds(path), 1)
              for a in assignments for path in sorted((COURSE / "source" / a).glob("*.ipynb"))}
    variants = sum(len(r["outcomes"]) for r in reports)
    without = sum(setups.get(r["notebook"], 0.0) + o["seconds"] for r in reports for o in r["outcomes"])
    print(json.dumps({
        "assignments": assignments, "jobs": args.jobs, "exit_code": done.returncode,
        "totals": done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "",
        "failures": [line.strip()[:300] for line in done.stdout.splitlines() if "FAIL" in line or "!!" in line],
        "run": {"seconds": round(run_seconds, 1), "variants": variants,
                "seconds_per_variant": round(run_seconds / max(variants, 1), 2)},
        "setup": setups,
        "without_sharing_s": round(without, 1),
        "ratio": round(without / run_seconds, 1),
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
