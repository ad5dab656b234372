"""A real JupyterLab, configured like the Binder image, for tests that drive it in Chromium.

Session fixtures (one of each for the whole test session, shared by every browser test module):

- ``lab_course``: a clone-like copy of the course (``course/source`` and its
  ``nbgrader_config.py``, nothing generated) in a temporary folder, the student
  workspace built from it with :func:`kitlib.lab.make_workspace` (``kit lab``'s
  first step), and a *solved* copy of every student notebook (the student
  version with the instructor's answers filled in) in ``workspace/solved/``.
- ``lab_server``: the README's course command, ``kit lab`` (what ``python3 dev.py
  lab`` runs), on 127.0.0.1 with a random token and a free port: the student's
  Jupyter exactly as a student gets it (:func:`kitlib.lab.configure_student_jupyter`).
  Test-only options are passed on to JupyterLab. Stopped, with its kernels, at
  the end of the session, whatever happened.
- ``browser``: headless Debian Chromium through Playwright.

Function fixtures: ``page`` (a fresh browser context) and ``shot`` (saves a
screenshot to ``$KIT_ARTIFACTS/screenshots``).

The JupyterLab application is exposed in the page (``window.jupyterapp``,
JupyterLab's ``expose_app_in_browser``) so tests can wait on kernel state and
read cell outputs from the notebook model instead of guessing from pixels.
"""
from __future__ import annotations

import copy
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
from jlab import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (one place for the browser's flags)
SERVER_START_TIMEOUT = 120


# ----------------------------------------------------------------------------- notebooks

def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def nbgrader_meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def solution_text(source_cell_text: str) -> str:
    """The answer cell of the student version, solved: the instructor's cell without the markers.

    Example:
        >>> solution_text("x = None\\n### BEGIN SOLUTION\\nx = 1\\n### END SOLUTION")
        'x = None\\nx = 1'
    """
    kept = [line for line in source_cell_text.splitlines()
            if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")]
    return "\n".join(kept)


def solve(student_nb: dict, source_nb: dict) -> dict:
    """The student notebook with every answer cell replaced by the instructor's solution.

    Answer cells are matched by their nbgrader ``grade_id``; every other cell
    (locked grade cells with their checksums included) stays as released, so
    nbgrader's Validate accepts the result as an honest submission.
    """
    solutions = {nbgrader_meta(c).get("grade_id"): solution_text(cell_source(c))
                 for c in source_nb["cells"] if nbgrader_meta(c).get("solution")}
    solved = copy.deepcopy(student_nb)
    for cell in solved["cells"]:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and meta.get("grade_id") in solutions and cell["cell_type"] == "code":
            cell["source"] = solutions[meta["grade_id"]]
    return solved


@dataclass
class Exercise:
    """One exercise of a student notebook, as the browser tests need it."""

    id: str
    answer_index: int          # index of the answer cell in the notebook
    grade_index: int           # index of its grade cell
    solution: str              # the answer cell, solved
    wrong: str | None          # a planted wrong answer (answer cell text), if the exercise has one
    wrong_fragment: str | None


@dataclass
class Chapter:
    assignment: str
    name: str                  # file name, e.g. 01_when_to_use.ipynb
    student: Path              # in the workspace
    solved: Path               # a solved copy, beside the workspace
    source: Path               # the instructor version
    exercises: list[Exercise] = field(default_factory=list)
    code_lines: int = 0
    uses_widgets: bool = False

    @property
    def rel(self) -> str:
        return f"{self.assignment}/{self.name}"


def _exercises(student_nb: dict, source_nb: dict, registry, hidden_dir: Path) -> list[Exercise]:
    from kitlib.exercises import hidden

    solved = solve(student_nb, source_nb)
    index = {nbgrader_meta(c).get("grade_id"): i for i, c in enumerate(student_nb["cells"])}
    found = []
    for grade_id, i in index.items():
        if not grade_id or not grade_id.endswith("_answer") or not nbgrader_meta(student_nb["cells"][i]).get("solution"):
            continue
        exercise_id = grade_id[: -len("_answer")]
        test_index = index.get(f"{exercise_id}_test")
        if test_index is None:
            continue
        wrong = fragment = None
        try:
            planted = hidden.planted_wrong_answers(registry.get(exercise_id), hidden_dir)
        except KeyError:
            planted = []
        if planted:
            code, fragment = planted[0]
            wrong = cell_source(student_nb["cells"][i]).replace("# YOUR CODE HERE", code)
        found.append(Exercise(exercise_id, i, test_index, cell_source(solved["cells"][i]), wrong, fragment))
    return sorted(found, key=lambda e: e.answer_index)


@dataclass
class LabCourse:
    course: Path               # the course copy (nbgrader course directory)
    root: Path                 # JupyterLab's root folder: the student workspace, as kit lab serves it
    workspace: Path            # the same folder (clone/student)
    chapters: list[Chapter]
    uses_test_course: bool     # True while the repository has no chapters yet

    def chapter_for_exercises(self) -> Chapter:
        """The first chapter, in course order, with an exercise that has a planted wrong answer."""
        for chapter in self.chapters:
            if any(e.wrong for e in chapter.exercises):
                return chapter
        pytest.fail("no chapter has an exercise with a planted wrong answer (COURSE/hidden/<assignment>/)")

    def chapter_to_run(self) -> Chapter:
        """$KIT_BROWSER_CHAPTER if set, else the shortest chapter with exercises (time budget)."""
        wanted = os.environ.get("KIT_BROWSER_CHAPTER")
        if wanted:
            for chapter in self.chapters:
                if wanted in (chapter.rel, chapter.name, Path(chapter.name).stem):
                    return chapter
            pytest.fail(f"KIT_BROWSER_CHAPTER={wanted!r}: no such chapter")
        with_exercises = [c for c in self.chapters if c.exercises] or self.chapters
        return min(with_exercises, key=lambda c: c.code_lines)


def _copy_course(dest: Path) -> bool:
    """Copy the course's sources and config to ``dest``; the mini test course if there are no chapters."""
    repo_course = ROOT / "course"
    chapters = sorted((repo_course / "source").glob("*/*.ipynb"))
    use_test_course = not chapters
    origin = FIXTURES / "mini_course" if use_test_course else repo_course
    shutil.copytree(origin / "source", dest / "source",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.keras", "*.weights.h5", "*.png"))
    shutil.copy2(origin / "nbgrader_config.py", dest / "nbgrader_config.py")
    return use_test_course


def _registry(uses_test_course: bool):
    """The exercises the notebooks grade against (the mini course's too, when it stands in)."""
    from kitlib.exercises.core import REGISTRY, Registry

    if not uses_test_course:
        return REGISTRY
    if str(FIXTURES) not in sys.path:
        sys.path.append(str(FIXTURES))
    return Registry(Registry.MODULES + ("mini_exercises",))


@pytest.fixture(scope="session")
def lab_env() -> dict:
    """Environment of the server and its kernels (and of the workspace build)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("KITLIB_OFFLINE", "1")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # the mini test course's exercises (used only while the repository has no chapters)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(FIXTURES), env.get("PYTHONPATH")]))
    env["KIT_EXERCISE_MODULES"] = ",".join(filter(None, [env.get("KIT_EXERCISE_MODULES"), "mini_exercises"]))
    return env


@pytest.fixture(scope="session")
def lab_course(tmp_path_factory, lab_env) -> LabCourse:
    from kitlib.lab import make_workspace

    clone = tmp_path_factory.mktemp("clone")
    course = clone / "course"
    workspace = clone / "student"  # kit lab's default: beside the course
    uses_test_course = _copy_course(course)
    registry = _registry(uses_test_course)
    make_workspace(course, workspace)
    chapters = []
    for source in sorted((course / "source").glob("*/*.ipynb")):
        assignment = source.parent.name
        student = workspace / assignment / source.name
        assert student.is_file(), f"make_workspace did not produce {student}"
        student_nb = json.loads(student.read_text(encoding="utf-8"))
        source_nb = json.loads(source.read_text(encoding="utf-8"))
        solved = workspace / "solved" / assignment / source.name
        solved.parent.mkdir(parents=True, exist_ok=True)
        solved.write_text(json.dumps(solve(student_nb, source_nb), indent=1), encoding="utf-8")
        code = [cell_source(c) for c in student_nb["cells"] if c["cell_type"] == "code"]
        chapters.append(Chapter(
            assignment, source.name, student, solved, source,
            exercises=_exercises(student_nb, source_nb, registry, ROOT / "course" / "hidden"),
            code_lines=sum(len(s.splitlines()) for s in code),
            uses_widgets=any("kitlib.widgets" in s or "from kitlib import widgets" in s for s in code),
        ))
    return LabCourse(course, workspace, workspace, chapters, uses_test_course)


# ----------------------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    url: str                   # http://127.0.0.1:PORT
    token: str
    root: Path
    process: subprocess.Popen
    log: Path

    def lab_url(self, path: str = "") -> str:
        """URL of a file in JupyterLab (``path`` relative to the root, the student workspace), with the token.

        ``reset`` starts from an empty layout, so tabs of earlier tests (and their
        kernels) are not restored.
        """
        suffix = f"/tree/{path}" if path else ""
        return f"{self.url}/lab{suffix}?reset&token={self.token}"

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Stop every kernel (tests open many notebooks; each starts one)."""
        for kernel in self.api("kernels"):
            try:
                self.api(f"kernels/{kernel['id']}", method="DELETE")
            except OSError:
                pass

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def _test_settings(workspace: Path) -> None:
    """Test-only JupyterLab settings, beside the student's (kit lab keeps other files there)."""
    from kitlib.lab import student_config_dir

    # Tests read every cell's output from the page: render all cells, not only the visible ones.
    notebook = student_config_dir(workspace) / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    notebook.mkdir(parents=True, exist_ok=True)
    (notebook / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))


def _stop(process: subprocess.Popen) -> None:
    """Stop the server and everything it started (kernels), by process id."""
    import psutil

    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # jupyter_server shuts its kernels down on SIGTERM
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    for child in children:
        try:
            if child.is_running():
                child.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(children, timeout=5)


@pytest.fixture(scope="session")
def lab_server(lab_course, lab_env, tmp_path_factory, artifacts_dir):
    runtime_dir = tmp_path_factory.mktemp("jupyter-runtime")
    _test_settings(lab_course.workspace)
    token = secrets.token_hex(16)
    port = free_port()
    env = dict(lab_env, JUPYTER_RUNTIME_DIR=str(runtime_dir))
    env.pop("KIT_EXCHANGE", None)  # a student's laptop: no nbgrader exchange
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    log = artifacts_dir / "jupyterlab-browser-tests.log"
    command = [  # the README's course command (python3 dev.py lab runs `kit lab`), plus test options
        sys.executable, "-m", "kitlib.cli", "lab", "--course", str(lab_course.course), "--no-browser",
        f"--port={port}", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True",
    ]
    with open(log, "wb") as log_file:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    server = LabServer(f"http://127.0.0.1:{port}", token, lab_course.root, process, log)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"kit lab exited with code {process.returncode}:\n{server.log_tail()}")
            try:
                server.api("status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"kit lab did not answer within {SERVER_START_TIMEOUT} s:\n{server.log_tail()}")
                time.sleep(0.5)
        yield server
    finally:
        _stop(process)


# ----------------------------------------------------------------------------- the browser

@pytest.fixture(scope="session")
def browser(playwright_driver):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (install the Debian package 'chromium'; .ci/run does)")
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture()
def page(browser, lab_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    tab = context.new_page()
    console_errors: list[str] = []
    tab.on("pageerror", lambda error: console_errors.append(str(error)))
    tab.console_errors = console_errors
    try:
        yield tab
    finally:
        context.close()
        try:
            lab_server.shutdown_kernels()
        except OSError:
            pass


@pytest.fixture(scope="session")
def screenshots_dir(artifacts_dir) -> Path:
    path = artifacts_dir / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture()
def shot(page, screenshots_dir, request):
    """``shot("name")`` saves the page as ``screenshots/<test>-<nn>-<name>.png``."""
    counter = {"n": 0}
    test = request.node.name.replace("test_", "", 1)

    def take(name: str) -> Path:
        counter["n"] += 1
        path = screenshots_dir / f"{test}-{counter['n']:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=False)
        return path

    return take
