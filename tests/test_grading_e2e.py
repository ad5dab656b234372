"""End to end: kit release -> submissions of every bad kind -> kit grade -> CSV, feedback, report.

Uses the light mini course in tests/fixtures (no TensorFlow). One grading run
serves all the tests of this module (module-scoped fixture).
"""
from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from kitlib.grading import sandbox

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PY = sys.executable

pytestmark = pytest.mark.slow

SUM_OK = "total = 2 + 3"
WORDS_OK = 'words = ["keras", "layers"]'


def kit_env() -> dict:
    env = dict(os.environ)
    env["KIT_EXERCISE_MODULES"] = "mini_exercises"
    env["PYTHONPATH"] = str(FIXTURES) + os.pathsep + env.get("PYTHONPATH", "")
    env["PATH"] = str(Path(PY).parent) + os.pathsep + env.get("PATH", "")
    return env


def kit(*args, cwd=None, timeout=900) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "kitlib.cli", *args], capture_output=True, text=True,
                          env=kit_env(), cwd=cwd, timeout=timeout)


def make_course(tmp: Path, cell_timeout: int = 6) -> Path:
    course = tmp / "mini_course"
    shutil.copytree(FIXTURES / "mini_course", course)
    config = course / "nbgrader_config.py"
    text = config.read_text().replace("timeout = 20", f"timeout = {cell_timeout}")
    config.write_text(text)
    return course


def answer(nb, gid: str, code: str):
    for cell in nb.cells:
        if (cell.metadata.get("nbgrader") or {}).get("grade_id") == gid:
            cell.source = code
            return nb
    raise KeyError(gid)


def index_of(nb, gid: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if (c.metadata.get("nbgrader") or {}).get("grade_id") == gid)


def submissions(released: dict, course: Path) -> dict[str, object]:
    """Student id -> notebook (NotebookNode), raw text, or None (empty folder) / dict of files."""
    def solved(sum_code=SUM_OK, words_code=WORDS_OK):
        nb = copy.deepcopy(released)
        answer(nb, "mini_sum_answer", sum_code)
        return answer(nb, "mini_words_answer", words_code)

    subs: dict[str, object] = {}
    subs["honest_full"] = solved()
    subs["honest_half"] = solved(words_code="words = ['b', 'a']")
    subs["honest_blank"] = copy.deepcopy(released)
    subs["bad_json"] = "{ this is not json"
    subs["not_notebook"] = json.dumps({"hello": "world"})
    nb = solved()
    del nb.cells[index_of(nb, "mini_sum_test")]
    subs["deleted_grade_cell"] = nb
    nb = solved()
    nb.cells.insert(index_of(nb, "mini_words_test"), copy.deepcopy(nb.cells[index_of(nb, "mini_words_test")]))
    subs["duplicated_test"] = nb
    nb = solved(sum_code="total = 2")
    first = index_of(nb, "mini_sum_answer")
    second = copy.deepcopy(nb.cells[first])
    second.source = "total = total + 3"
    nb.cells.insert(first + 1, second)
    subs["split_answer"] = nb
    nb = solved()
    cell = nb.cells[index_of(nb, "mini_sum_test")]
    nb.cells[index_of(nb, "mini_sum_test")] = nbformat.v4.new_markdown_cell(cell.source, metadata=cell.metadata)
    subs["retyped_test"] = nb
    nb = solved(sum_code="total = 4")
    answer(nb, "mini_sum_test", "print('all good')")
    subs["edited_test"] = nb
    subs["endless_cell"] = solved(sum_code="while True:\n    pass")
    subs["kernel_death"] = solved(sum_code="import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    subs["memory_hog"] = solved(sum_code="block = bytearray(64 * 1024**3)\ntotal = 5")
    subs["huge_output"] = solved(sum_code="for i in range(20000):\n    print('spam ' * 20)\ntotal = 2 + 3")
    subs["stderr_noise"] = solved(sum_code=(
        "import os\n"
        "noise = b'I0000 00:00:1700000000.000000    123 cpu_feature_guard.cc:210] This TensorFlow binary is optimized\\n'\n"
        "get_ipython().events.register('pre_run_cell', lambda *a: os.write(2, noise))\n"
        "os.write(2, noise)\n"
        "total = 2 + 3"))
    subs["tamper_grade"] = solved(sum_code=(
        "import kitlib.exercises as ex, kitlib.exercises.core as core\n"
        "core.grade = ex.grade = lambda *args, **kwargs: None\n"
        "total = 4"))
    subs["tamper_checks"] = solved(words_code=(
        "from kitlib.exercises import REGISTRY\n"
        "exercise = REGISTRY.get('mini_words')\n"
        "exercise.checks = [lambda answer: None]\n"
        "exercise.hidden_checks = []\n"
        "words = 'anything'"))
    # Checks replaced AND an answer that cannot leave the kernel (a function): nobody can verify it,
    # so the points go to the teacher's manual review instead of staying.
    subs["tamper_unexportable"] = solved(sum_code=(
        "from kitlib.exercises import REGISTRY\n"
        "REGISTRY.get('mini_sum').checks = [lambda answer: None]\n"
        "REGISTRY.get('mini_sum').hidden_checks = []\n"
        "total = lambda: 5"))
    probe = (
        "import os, socket\n"
        f"course = {str(course)!r}\n"
        "attempts = {}\n"
        "def attempt(name, action):\n"
        "    try:\n"
        "        action()\n"
        "        attempts[name] = 'DONE'\n"
        "    except Exception as error:\n"
        "        attempts[name] = 'blocked ' + type(error).__name__\n"
        "attempt('write_gradebook', lambda: open(os.path.join(course, 'gradebook.db'), 'ab').write(b'x'))\n"
        "attempt('read_source', lambda: open(os.path.join(course, 'source', 'mini', 'mini.ipynb')).read())\n"
        "attempt('read_other', lambda: os.listdir(os.path.join(course, 'submitted', 'honest_full', 'mini')))\n"
        "attempt('write_course', lambda: open(os.path.join(course, 'hacked.txt'), 'w').write('x'))\n"
        "attempt('network', lambda: socket.create_connection(('127.0.0.1', 22), timeout=2))\n"
        "attempt('network_dns', lambda: socket.create_connection(('pypi.org', 443), timeout=2))\n"
        "print('ATTEMPTS', sorted(attempts.items()))\n"
        "total = 2 + 3")
    subs["escape_attempts"] = solved(sum_code=probe)
    subs["wrong_assignment"] = {"other.ipynb": nbformat.writes(nbformat.v4.new_notebook())}
    subs["empty_folder"] = None
    return subs


HONEST = ["honest_full", "honest_half", "honest_blank"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("grading")
    course = make_course(tmp)
    done = kit("release", "--course", str(course))
    assert done.returncode == 0, done.stderr
    released = nbformat.read(str(course / "release" / "mini" / "mini.ipynb"), as_version=4)
    subs = submissions(released, course)
    for student, content in subs.items():
        folder = course / "submitted" / student / "mini"
        folder.mkdir(parents=True)
        if content is None:
            continue
        if isinstance(content, dict) and not isinstance(content, nbformat.NotebookNode):
            for name, text in content.items():
                (folder / name).write_text(text)
        elif isinstance(content, str):
            (folder / "mini.ipynb").write_text(content)
        else:
            nbformat.write(content, str(folder / "mini.ipynb"))
    # A second copy of the course with the honest submissions only, for serial nbgrader.
    serial = tmp / "serial" / "mini_course"
    shutil.copytree(course, serial, ignore=shutil.ignore_patterns("submitted"))
    for student in HONEST:
        shutil.copytree(course / "submitted" / student, serial / "submitted" / student)
    # A fresh clone: no gradebook, no release folder.
    (course / "gradebook.db").unlink()
    shutil.rmtree(course / "release")
    run = kit("grade", "--course", str(course), "--jobs", "2", "--timeout", "120")
    return {"course": course, "serial": serial, "run": run, "subs": subs}


def scores(csv_path: Path) -> dict[str, float]:
    with open(csv_path, newline="") as handle:
        return {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(handle)}


def test_grade_exits_zero_and_shows_progress(graded):
    run = graded["run"]
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert f"[{len(graded['subs'])}/{len(graded['subs'])}]" in run.stdout
    assert "ETA" in run.stdout


def test_every_submission_has_a_grade_in_csv(graded):
    course = graded["course"]
    with open(course / "grades.csv", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames[:4] == ["assignment", "duedate", "timestamp", "student_id"]
        rows = list(reader)
    assert {r["student_id"] for r in rows} == set(graded["subs"])


EXPECTED = {
    "honest_full": 5, "honest_half": 2, "honest_blank": 0, "bad_json": 0, "not_notebook": 0,
    "deleted_grade_cell": 5, "duplicated_test": 5, "split_answer": 5, "retyped_test": 5,
    "edited_test": 3, "endless_cell": 3, "kernel_death": 0, "memory_hog": 3, "huge_output": 5,
    "stderr_noise": 5, "tamper_grade": 0, "tamper_checks": 2, "tamper_unexportable": 3, "escape_attempts": 5,
    "wrong_assignment": 0, "empty_folder": 0,
}


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_scores(graded, student):
    assert scores(graded["course"] / "grades.csv")[student] == EXPECTED[student], graded["run"].stdout[-4000:]


REPORT_WORDS = {
    "bad_json": "not valid JSON", "not_notebook": "not a Jupyter notebook",
    "deleted_grade_cell": "mini_sum_test was deleted", "duplicated_test": "appears more than once",
    "split_answer": "appears more than once", "retyped_test": "changed from code to markdown",
    "edited_test": "test cell mini_sum_test was edited", "endless_cell": "time limit",
    "kernel_death": "kernel died", "memory_hog": "MemoryError", "huge_output": "truncated",
    "tamper_grade": "points withdrawn", "tamper_checks": "points withdrawn",
    "tamper_unexportable": "sent to manual grading",
    "wrong_assignment": "unexpected notebook other.ipynb", "empty_folder": "empty",
}


@pytest.mark.parametrize("student", sorted(REPORT_WORDS))
def test_report_line_per_problem(graded, student):
    report = (graded["course"] / "reports" / "mini.html").read_text()
    lines = [l for l in report.split("<li>") if l.startswith(f"<b>{student}</b>")]
    assert any(REPORT_WORDS[student].lower() in l.lower() for l in lines), lines


def test_report_has_histogram_and_exercises(graded):
    report = (graded["course"] / "reports" / "mini.html").read_text()
    assert report.count('<svg class="histogram"') == 1  # whole points, inline SVG
    assert report.count('<tr class="exercise">') == 2
    assert "mini_sum_test" in report and "mini_words_test" in report


def test_feedback_without_hidden_tests(graded):
    course = graded["course"]
    files = sorted((course / "feedback").glob("*/mini/mini.html"))
    assert len(files) >= len(HONEST)
    for path in files:
        text = path.read_text()
        assert "HIDDEN TESTS" not in text and "hidden=True" not in text, path
    assert "Add two numbers" in (course / "feedback" / "honest_full" / "mini" / "mini.html").read_text()


def test_autograded_and_gradebook_usable_by_stock_nbgrader(graded):
    course = graded["course"]
    assert (course / "autograded" / "honest_full" / "mini" / "mini.ipynb").is_file()
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_submission("mini", "honest_full").score == 5
        assert len(gb.find_assignment("mini").submissions) == len(graded["subs"])
        # The unverifiable answer waits for the teacher in formgrader; honest cells do not.
        flagged = gb.find_grade("mini_sum_test", "mini", "mini", "tamper_unexportable")
        assert flagged.needs_manual_grade and flagged.score == 0
        assert not gb.find_grade("mini_sum_test", "mini", "mini", "honest_full").needs_manual_grade


def test_isolation(graded):
    course = graded["course"]
    nb = nbformat.read(str(course / "autograded" / "escape_attempts" / "mini" / "mini.ipynb"), as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "ATTEMPTS" in text
    if not sandbox.availability()[0]:
        pytest.skip("bubblewrap unavailable here: only resource limits apply")
    assert "DONE" not in text, text
    assert not (course / "hacked.txt").exists()


def test_same_scores_as_serial_nbgrader(graded):
    serial = graded["serial"]
    env = kit_env()
    for student in HONEST:
        done = subprocess.run([PY, "-m", "nbgrader", "autograde", "mini", f"--student={student}",
                               f"--CourseDirectory.root={serial}"], cwd=serial, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    done = subprocess.run([PY, "-m", "nbgrader", "export", f"--CourseDirectory.root={serial}",
                           f"--CsvExportPlugin.to={serial / 'grades.csv'}"], cwd=serial, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0
    ours = scores(graded["course"] / "grades.csv")
    theirs = scores(serial / "grades.csv")
    assert {s: ours[s] for s in HONEST} == theirs


def test_unknown_assignment_is_a_teacher_error(tmp_path):
    course = make_course(tmp_path)
    done = kit("grade", "nope", "--course", str(course))
    assert done.returncode != 0 and "unknown assignment" in done.stderr


def test_per_submission_time_limit(tmp_path):
    course = make_course(tmp_path, cell_timeout=30)
    assert kit("release", "--course", str(course)).returncode == 0
    nb = nbformat.read(str(course / "release" / "mini" / "mini.ipynb"), as_version=4)
    answer(nb, "mini_sum_answer", "import time\ntime.sleep(8)\ntotal = 5")
    answer(nb, "mini_words_answer", "import time\ntime.sleep(8)\n" + WORDS_OK)
    folder = course / "submitted" / "slow" / "mini"
    folder.mkdir(parents=True)
    nbformat.write(nb, str(folder / "mini.ipynb"))
    done = kit("grade", "--course", str(course), "--timeout", "10")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "10 s limit" in done.stdout
    assert scores(course / "grades.csv")["slow"] == 0


def test_assignment_with_two_notebooks_gets_a_sandbox_per_notebook(tmp_path):
    """Each notebook has its own kernel and sandbox; the answers of both reach the re-check."""
    course = make_course(tmp_path)
    source = course / "source" / "mini"
    nb = nbformat.read(str(source / "mini.ipynb"), as_version=4)
    split = index_of(nb, "mini_words_answer") - 1  # the markdown task cell of the second exercise
    second = copy.deepcopy(nb)
    nb.cells, second.cells = nb.cells[:split], nb.cells[:2] + nb.cells[split:]
    nbformat.write(nb, str(source / "mini.ipynb"))
    nbformat.write(second, str(source / "words.ipynb"))
    assert kit("release", "--course", str(course)).returncode == 0
    for student, words in (("both_right", WORDS_OK), ("second_tampers", (
            "from kitlib.exercises import REGISTRY\n"
            "REGISTRY.get('mini_words').checks = [lambda answer: None]\n"
            "REGISTRY.get('mini_words').hidden_checks = []\n"
            "words = ['z', 'a']"))):
        folder = course / "submitted" / student / "mini"
        folder.mkdir(parents=True)
        first = nbformat.read(str(course / "release" / "mini" / "mini.ipynb"), as_version=4)
        nbformat.write(answer(first, "mini_sum_answer", SUM_OK), str(folder / "mini.ipynb"))
        other = nbformat.read(str(course / "release" / "mini" / "words.ipynb"), as_version=4)
        nbformat.write(answer(other, "mini_words_answer", words), str(folder / "words.ipynb"))
    done = kit("grade", "--course", str(course), "--jobs", "2", "--timeout", "120")
    assert done.returncode == 0, done.stdout + done.stderr
    got = scores(course / "grades.csv")
    assert got == {"both_right": 5, "second_tampers": 2}, done.stdout
    assert "mini_words: points withdrawn" in done.stdout
