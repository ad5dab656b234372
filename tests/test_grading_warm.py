"""Warm kernels (kitlib.grading.warm): forked from a slot's warm process into each notebook's
own sandbox, with the sandbox's guarantees, nothing shared between notebooks, and the same
grades as cold kernels.

One ``kit grade --jobs 1`` run with warm kernels and one with ``KIT_WARM_KERNELS=0`` grade the
same three submissions of the mini course; each notebook prints what its kernel sees.
"""
from __future__ import annotations

import ast
import contextlib
import copy
import csv
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from kitlib.grading import sandbox, warm
from test_grading_e2e import kit, make_course

pytestmark = [pytest.mark.slow]

PROBE = '''import os, sys, socket, random
status = {l.split(':')[0]: l.split(':')[1].split()[0] for l in open('/proc/self/status')
          if l.startswith(('CapEff', 'CapPrm', 'CapBnd', 'NoNewPrivs', 'Uid', 'Seccomp:'))}
facts = {"tf_before": "tensorflow" in sys.modules, "status": status, "host": socket.gethostname(),
         "ppid": os.getppid(), "tmp": sorted(os.listdir('/tmp')), "random": random.random()}
import keras
facts["leak"] = getattr(keras, "LEFT_BY_ANOTHER_NOTEBOOK", None)
keras.LEFT_BY_ANOTHER_NOTEBOOK = "yes"
open('/tmp/left-behind', 'w').write('x')
print("FACTS", repr(facts))
'''


def released_course(tmp: Path) -> Path:
    course = make_course(tmp)
    done = kit("release", "--course", str(course))
    assert done.returncode == 0, done.stderr
    nb = nbformat.read(str(course / "release" / "mini" / "mini.ipynb"), as_version=4)
    for index, (sum_code, words_code) in enumerate([("total = 2 + 3", 'words = ["keras", "layers"]'),
                                                     ("total = 4", "words = ['b', 'a']"),
                                                     ("total = 5", "# YOUR CODE HERE")]):
        sub = copy.deepcopy(nb)
        for cell in sub.cells:
            gid = (cell.metadata.get("nbgrader") or {}).get("grade_id")
            if gid == "mini_sum_answer":
                cell.source = PROBE + sum_code
            if gid == "mini_words_answer":
                cell.source = cell.source.replace("# YOUR CODE HERE", words_code)
        folder = course / "submitted" / f"s{index}" / "mini"
        folder.mkdir(parents=True)
        nbformat.write(sub, str(folder / "mini.ipynb"))
    return course


def grade(course: Path, env: dict | None = None):
    import subprocess
    import sys

    from test_grading_e2e import kit_env

    environment = kit_env()
    environment.update(env or {})
    done = subprocess.run([sys.executable, "-m", "kitlib.cli", "grade", "--course", str(course), "--jobs", "1",
                           "--timeout", "120"], capture_output=True, text=True, env=environment, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def facts(course: Path, student: str) -> dict:
    nb = nbformat.read(str(course / "autograded" / student / "mini" / "mini.ipynb"), as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            if "FACTS" in text:
                return ast.literal_eval(text.split("FACTS", 1)[1].strip().splitlines()[0])
    raise AssertionError(f"no FACTS printed by {student}")


def scores(course: Path) -> dict[str, float]:
    with open(course / "grades.csv", newline="") as handle:
        return {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    if not warm.enabled():
        pytest.skip("warm kernels need root and bubblewrap here (every kernel is cold otherwise)")
    base = tmp_path_factory.mktemp("warm")
    hot = released_course(base / "hot")
    cold = base / "cold" / "mini_course"
    shutil.copytree(hot, cold)
    # Both runs on a busy machine (issue 21: a cold kernel lost points under load that a warm one kept,
    # its first cell paying TensorFlow's import against the per-cell limit): CPU hogs beside the grader.
    with cpu_hogs(2 * (os.cpu_count() or 1), seconds=600):
        grade(hot)
        grade(cold, {"KIT_WARM_KERNELS": "0"})
    return {"warm": hot, "cold": cold}


@contextlib.contextmanager
def cpu_hogs(count: int, seconds: float):
    """``count`` busy processes beside the grader, each ending by itself after ``seconds`` at most."""
    import subprocess
    import sys

    code = f"import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end: pass"
    hogs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(count)]
    try:
        yield hogs
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def mount_points_in_tmp() -> list[str]:
    """What the allow-list itself puts in /tmp: nothing, unless the kit or its virtualenv lives
    below /tmp (a fresh clone in CI), then the first folder of that path."""
    argv = sandbox.read_only_mounts()
    dests = [argv[i + 2] for i, arg in enumerate(argv) if arg == "--ro-bind"]
    return sorted({Path(d).relative_to("/tmp").parts[0] for d in dests if d.startswith("/tmp/")})


def test_same_grades_warm_and_cold(runs):
    assert scores(runs["warm"]) == scores(runs["cold"]) == {"s0": 5.0, "s1": 0.0, "s2": 2.0}


@pytest.mark.parametrize("student", ["s0", "s1", "s2"])
def test_warm_kernel_is_a_fresh_unprivileged_sandboxed_process(runs, student):
    seen = facts(runs["warm"], student)
    assert seen["tf_before"] is True  # the kernel came from the warm process
    assert seen["status"]["CapEff"] == seen["status"]["CapPrm"] == seen["status"]["CapBnd"] == "0000000000000000"
    assert seen["status"]["NoNewPrivs"] == "1"
    assert seen["status"]["Seccomp"] == "2"  # the kit's filter (kitlib.grading.sandbox_seccomp)
    assert seen["status"]["Uid"] != "0"
    assert seen["host"] == "kit-sandbox"
    assert seen["ppid"] == 1            # adopted by the sandbox's init, as a cold kernel's parent is
    assert seen["tmp"] == mount_points_in_tmp()  # its own /tmp: nothing left by the notebook before
    assert seen["leak"] is None         # nothing of another notebook's kernel


def test_cold_kernels_see_the_same_sandbox(runs):
    seen = facts(runs["cold"], "s0")
    assert seen["tf_before"] is True  # warmed up with a warm kernel's imports before the first cell
    assert seen["status"]["CapEff"] == "0000000000000000" and seen["status"]["NoNewPrivs"] == "1"
    assert seen["status"]["Seccomp"] == "2"
    assert seen["host"] == "kit-sandbox" and seen["ppid"] == 1 and seen["leak"] is None
    assert seen["tmp"] == mount_points_in_tmp()
    assert facts(runs["warm"], "s0")["status"]["Uid"] != "0"


def test_unseeded_generators_differ_between_warm_kernels(runs):
    values = {facts(runs["warm"], s)["random"] for s in ("s0", "s1", "s2")}
    assert len(values) == 3
