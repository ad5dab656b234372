"""The Binder build, reproduced as far as this machine allows without Docker.

repo2docker, for a repository with a ``binder/`` folder, (1) installs
``binder/requirements.txt`` into a fresh environment of the Python named in
``binder/runtime.txt``, (2) runs ``binder/postBuild`` from the repository root
as the notebook user, then (3) starts JupyterLab for a session with about 2 GB
of memory. The module fixture does the same with a fresh virtual environment, a
copy of the working tree with a git history of it (repo2docker copies ``.git``
too) and a temporary HOME (the apt packages of ``binder/apt.txt`` are the
machine's own). Then:

- the image holds nothing a student must not read: the removed folders are gone,
  and every file of the repository copy, the home and the environment is searched
  for every exercise's secrets (:func:`kitlib.exercises.hidden.secrets`: reference
  solutions, planted wrong answers, other solutions, expected values, hidden checks);
- the student's side still works there: the progress view, the Validate button's
  settings, the instructor commands' message, and every student notebook run up to
  its first exercise (kernel peak memory measured, children included), where one
  exercise's check cell is run with the unanswered cell, the planted wrong answers and
  the reference solution.

Numbers are written to ``$KIT_ARTIFACTS/binder-build.json``. The network is
treated as absent (``KITLIB_OFFLINE=1``); pip reaches its package index as
configured for the user running the tests.
"""
from __future__ import annotations

import ast
import base64
import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kitlib.exercises import hidden

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
BINDER_MEMORY_BYTES = 2 * 1024**3  # mybinder.org: about 2 GB per session
# Notebooks run in this many kernels at once (each kernel measured on its own).
NOTEBOOK_WORKERS = int(os.environ.get("KIT_BINDER_WORKERS", min(2, os.cpu_count() or 1)))
# Binder has no nbgrader exchange: a student keeps Validate only (kitlib.lab.configure_student_jupyter).
STUDENT_PLUGINS = ("@jupyter/nbgrader:validate-assignment",)
INSTRUCTOR_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:assignment-list")

pytestmark = pytest.mark.slow

# Runs inside the fresh environment: executes notebooks up to their first exercise,
# sampling the kernel's memory. Prints one JSON line per notebook.
RUNNER = r'''
import json, sys, threading, time
from pathlib import Path
import nbformat, psutil
from nbclient import NotebookClient

FEEDBACK = "application/vnd.kitlib.feedback+json"
args = sys.argv[1:]
SELF_CHECK = {}  # {notebook: {"answer": i, "check": j, "variants": [[name, code or None], ...]}}
if args[:1] == ["--self-check"]:
    SELF_CHECK, args = json.loads(Path(args[1]).read_text()), args[2:]

def verdict(cell):
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if FEEDBACK in data:
            return {**data[FEEDBACK], "text": data.get("text/plain", "")}
        if out.get("output_type") == "error":
            return {"status": "error", "text": f"{out.get('ename')}: {out.get('evalue')}"[:300]}
    return {"status": "no verdict", "text": json.dumps(cell.get("outputs", []))[:300]}

def self_check(client, nb, spec):
    """The exercise's answer cell as the student gets it, with each variant in place of
    '# YOUR CODE HERE' (None: unchanged), then its check cell: the verdict shown."""
    answer, check = nb.cells[spec["answer"]], nb.cells[spec["check"]]
    student = answer.source
    verdicts = []
    for name, code in spec["variants"]:
        answer.source = student if code is None else student.replace("# YOUR CODE HERE", code)
        try:
            client.execute_cell(answer, spec["answer"])
            client.execute_cell(check, spec["check"])
            verdicts.append([name, verdict(check)])
        except Exception as exc:
            verdicts.append([name, {"status": "error", "text": f"{type(exc).__name__}: {str(exc)[:300]}"}])
    return verdicts

def first_exercise(nb):
    for i, cell in enumerate(nb.cells):
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            return i
    return len(nb.cells)

def tree_rss(pid):
    try:
        proc = psutil.Process(pid)
        procs = [proc] + proc.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total

for path in map(Path, args):
    nb = nbformat.read(path, as_version=4)
    stop = first_exercise(nb)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    peak, errors, started, checked = [0], [], time.monotonic(), None
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        done = threading.Event()
        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], tree_rss(pid))
                done.wait(0.1)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            for index in range(stop):
                cell = nb.cells[index]
                if cell.cell_type != "code":
                    continue
                client.execute_cell(cell, index)
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "error":
                        errors.append(f"cell {index}: {out.get('ename')}: {out.get('evalue')}"[:300])
                    elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                        errors.append(f"cell {index}: stderr: {''.join(out.get('text', ''))}"[:300])
            if str(path) in SELF_CHECK:
                checked = self_check(client, nb, SELF_CHECK[str(path)])
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {str(exc)[:300]}")
        finally:
            peak[0] = max(peak[0], tree_rss(pid))
            done.set()
            sampler.join()
    print(json.dumps({"notebook": str(path), "cells_run": stop, "seconds": round(time.monotonic() - started, 1),
                      "peak_rss_bytes": peak[0], "errors": errors, "self_check": checked}), flush=True)
'''


def working_tree_files() -> list[Path]:
    """What a clone of the repository (with the uncommitted work) holds: tracked and not ignored."""
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [Path(p) for p in listing.split("\0") if p and (ROOT / p).is_file()]


def copy_working_tree(dest: Path) -> None:
    """The working tree as a clone holds it, with a git history of it (repo2docker copies .git too)."""
    for rel in working_tree_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "the course"]):
        subprocess.run(["git", "-c", "user.name=kit", "-c", "user.email=kit@example.org", "-c", "commit.gpgsign=false",
                        *args], cwd=dest, check=True, capture_output=True)


def pip_settings() -> dict:
    """Keep the user's pip index configuration and wheel cache although HOME changes."""
    env = {}
    if "PIP_CONFIG_FILE" not in os.environ:
        for candidate in (Path.home() / ".config" / "pip" / "pip.conf", Path.home() / ".pip" / "pip.conf"):
            if candidate.is_file():
                env["PIP_CONFIG_FILE"] = str(candidate)
                break
    if "PIP_CACHE_DIR" not in os.environ:
        env["PIP_CACHE_DIR"] = str(Path.home() / ".cache" / "pip")
    return env


def runtime_version() -> tuple[int, int]:
    text = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+)\.(\d+)", text)
    assert match, f"binder/runtime.txt should read like python-3.11, not {text!r}"
    return int(match.group(1)), int(match.group(2))


def run(command, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
        pytest.fail(f"{' '.join(map(str, command))} failed with {result.returncode}:\n{tail}")
    return result


def run_parallel(commands, **kwargs) -> str:
    """Run the commands at the same time; their joined stdout, or a failure with their output."""
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True, **kwargs)  # own process group: runner + its kernels
             for c in commands]
    outputs, failed = [], []
    try:
        for command, proc in zip(commands, procs):
            out, err = proc.communicate()
            outputs.append(out)
            if proc.returncode != 0:
                failed.append(f"{' '.join(command[:2])} ... failed with {proc.returncode}:\n{err[-3000:]}")
    finally:
        for proc in procs:  # on any failure above, leave nothing running (kernels included)
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
    if failed:
        pytest.fail("\n".join(failed))
    return "".join(outputs)


def test_binder_files_follow_repo2docker_conventions():
    assert (BINDER / "requirements.txt").is_file() and (BINDER / "postBuild").is_file()
    assert os.access(BINDER / "postBuild", os.X_OK), "postBuild must be executable"
    lines = [line.strip() for line in (BINDER / "postBuild").read_text().splitlines()]
    assert "set -euo pipefail" in lines[:12] or "set -e" in lines[:12], "postBuild must fail fast (set -e)"
    apt = [line.partition("#")[0].strip() for line in (BINDER / "apt.txt").read_text().splitlines()]
    assert "graphviz" in apt
    runtime_version()
    requirements = (BINDER / "requirements.txt").read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", requirements, flags=re.M))
    # the widget front end and the kernel side must agree (ipywidgets 8 <-> jupyterlab_widgets 3)
    assert pins["ipywidgets"].startswith("8.") and pins["jupyterlab_widgets"].startswith("3.")
    for name in ("jupyterlab", "nbgrader", "keras", "ipywidgets"):
        assert name in pins, f"binder/requirements.txt should pin {name}"


# ----------------------------------------------------------------------------- the build, once

class Image:
    """The result of the build: the repository copy, HOME, the environment, and what was measured."""

    def __init__(self, root: Path):
        self.repo, self.home, self.env_dir = root / "repo", root / "home", root / "env"
        self.scratch = root
        self.report: dict = {}
        self.env: dict = {}

    @property
    def python(self) -> str:
        return str(self.env_dir / "bin" / "python")

    def save(self, artifacts_dir: Path) -> None:
        (artifacts_dir / "binder-build.json").write_text(json.dumps(self.report, indent=1))


@pytest.fixture(scope="module")
def image(tmp_path_factory, artifacts_dir) -> Image:
    if sys.version_info[:2] != runtime_version():
        pytest.skip(f"binder/runtime.txt asks for Python {runtime_version()}, this is {sys.version_info[:2]}")
    built = Image(tmp_path_factory.mktemp("binder"))
    built.home.mkdir()
    copy_working_tree(built.repo)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("VIRTUAL_ENV", "PYTHON", "JUPYTER", "KIT_", "CONDA"))}
    env.update(pip_settings())
    env.update(HOME=str(built.home), PATH=f"{built.env_dir / 'bin'}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
               KITLIB_OFFLINE="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    built.env = env

    # 1. requirements.txt into a fresh environment
    started = time.monotonic()
    base_python = getattr(sys, "_base_executable", sys.executable)
    run([base_python, "-m", "venv", str(built.env_dir)], env=env)
    run([built.python, "-m", "pip", "install", "-q", "-r", str(built.repo / "binder" / "requirements.txt")],
        env=env, cwd=built.repo)
    built.report["install_requirements_s"] = round(time.monotonic() - started, 1)

    # 2. postBuild as written, from the repository root
    started = time.monotonic()
    build = run(["bash", "-c", "./binder/postBuild"], env=env, cwd=built.repo)
    built.report["postbuild_s"] = round(time.monotonic() - started, 1)
    built.report["binder_equivalent_install_s"] = round(built.report["install_requirements_s"]
                                                        + built.report["postbuild_s"], 1)
    built.save(artifacts_dir)  # kept if a check fails
    assert "postBuild: done" in build.stdout
    return built


def test_the_student_workspace_and_jupyter_are_configured(image):
    repo, home = image.repo, image.home
    workspace = repo / "student"
    course_map = (workspace / "START_HERE.md").read_text(encoding="utf-8")
    student_notebooks = sorted(workspace.glob("*/*.ipynb"))
    sources = sorted((ROOT / "course" / "source").glob("*/*.ipynb"))
    assert student_notebooks and [p.relative_to(workspace) for p in student_notebooks] == [
        p.relative_to(ROOT / "course" / "source") for p in sources]
    for notebook in student_notebooks:
        rel = notebook.relative_to(workspace).as_posix()
        assert f"]({rel})" in course_map, f"the course map does not link {rel}"
        assert "### BEGIN SOLUTION" not in notebook.read_text(encoding="utf-8")
    jupyter = str(image.env_dir / "bin" / "jupyter")
    labext = run([jupyter, "labextension", "list"], env=image.env, cwd=repo)
    listing = labext.stdout + labext.stderr  # JupyterLab prints the list on stderr
    disabled = listing.split("Disabled extensions:")[-1] if "Disabled extensions:" in listing else ""
    for plugin in INSTRUCTOR_PLUGINS:
        assert plugin in disabled, f"{plugin} should be disabled for students:\n{listing}"
    for plugin in STUDENT_PLUGINS:
        assert plugin not in disabled
    server_config = json.loads((home / ".jupyter" / "jupyter_server_config.json").read_text())
    assert server_config["ServerApp"]["jpserver_extensions"] == {
        "nbgrader.server_extensions.assignment_list": False,
        "nbgrader.server_extensions.validate_assignment": True,
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.course_list": False,
    }
    assert "/lab/tree/student/START_HERE.md" in (home / ".jupyter" / "jupyter_server_config.py").read_text()


# ----------------------------------------------------------------------------- nothing to read

REMOVED = ("course/source", "course/hidden", "course/release", "course/gradebook.db", "course/submitted",
           "course/autograded", "course/feedback", "course/AUTHORING.md", "tests", "bench", ".git", ".ci")


def wheel_records(prefix: Path) -> dict[Path, str]:
    """``{file: "sha256=..."}`` for the files of third-party distributions under ``prefix``, from
    their RECORD (the kit's own distribution left out: its install is the course's, never excused)."""
    records = {}
    for record in prefix.glob("lib/python*/site-packages/*.dist-info/RECORD"):
        if record.parent.name.startswith("keras_teaching_kit-"):
            continue
        for row in csv.reader(record.read_text(encoding="utf-8", errors="replace").splitlines()):
            if len(row) >= 2 and row[1].startswith("sha256="):
                records[Path(os.path.normpath(record.parent.parent / row[0]))] = row[1]
    return records


def wheel_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def strings_in(value) -> list[str]:
    """Every string of a JSON value (a notebook's source lists joined), for the text inside .json/.ipynb."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        if value and all(isinstance(v, str) for v in value):
            return ["".join(value)]
        return [s for v in value for s in strings_in(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *strings_in(v)]]
    return []


def searchable_text(data: bytes, suffix: str) -> str:
    """A file's text, normalised as the secrets are, with the text escapes would hide: every string
    inside a .json / .ipynb file, the string constants of a .py file."""
    text = data.decode("utf-8", errors="replace")
    parts = [text]
    if suffix in (".json", ".ipynb"):
        try:
            parts += strings_in(json.loads(text))
        except ValueError:
            pass
    if suffix == ".py":
        try:
            parts += [n.value for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Constant)
                      and isinstance(n.value, str)]
        except (SyntaxError, ValueError):
            pass
    return "\n".join(hidden.normalise_text(part) for part in parts)


def all_files(*roots: Path) -> list[Path]:
    seen = set()
    for root in roots:
        for dirpath, _dirs, names in os.walk(root):
            for name in names:
                path = Path(dirpath) / name
                if path.is_file() and not path.is_symlink():
                    seen.add(path)
    return sorted(seen)


def course_secrets() -> list:
    """Every assignment's secrets, from this working tree's complete course."""
    from kitlib.grading.course import Course

    return [s for a in Course(ROOT / "course").assignments() for s in hidden.secrets(ROOT / "course", a)]


def test_the_image_holds_no_answer_solution_or_hidden_check(image, artifacts_dir):
    """Every file of the image (repository copy, HOME, the environment) is either searched for every
    exercise's secrets, or is binary, or is a third-party file whose bytes are exactly what its wheel
    installed (the sha256 in its RECORD): PyPI's text, not the course's. (Searching those too costs
    a minute for 450 MB of TensorFlow headers and Keras sources, and finds only ordinary Keras lines
    that are also planted wrong answers, e.g. ``x = layers.Dense(16, activation='relu')(inputs)`` in
    Keras' own ``export/torch_test.py``.) A text file the build wrote or changed is always searched."""
    repo, home, prefix = image.repo, image.home, image.env_dir
    for rel in REMOVED:
        assert not (repo / rel).exists(), f"{rel} is still in the image"
    assert (repo / "kitlib" / "exercises" / "core.py").is_file() and (repo / "course" / "nbgrader_config.py").is_file()
    secrets = course_secrets()
    kinds = {"reference solution", "planted wrong answer", "other solution", "expected value"}
    assert {s.kind for s in secrets} >= kinds
    # the search finds them where they are (it can fail)
    found_in_course = {s.kind for p in all_files(ROOT / "course" / "source", ROOT / "course" / "hidden")
                       for s in secrets if s.text in searchable_text(p.read_bytes(), p.suffix)}
    assert found_in_course >= kinds

    started = time.monotonic()
    records = wheel_records(prefix)
    files = all_files(repo, home, prefix)
    leaks, searched, count = [], [], {"binary": 0, "unchanged_from_wheel": 0}
    for path in files:
        with path.open("rb") as handle:
            head = handle.read(8192)
            if b"\0" in head:
                count["binary"] += 1
                continue
            data = head + handle.read()
        if path in records and wheel_hash(data) == records[path]:
            count["unchanged_from_wheel"] += 1
        else:
            searched.append(path)
            text = searchable_text(data, path.suffix)
            leaks += [f"{path.relative_to(image.scratch)}: {s.kind} of {s.exercise}: {s.text[:70]!r}"
                      for s in secrets if s.text in text]
    orphans = [str(p.relative_to(image.scratch)) for p in all_files(repo, home)
               if p.suffix == ".pyc" and not (p.parent.parent / (p.name.split(".", 1)[0] + ".py")).exists()]
    course_side = [str(p.relative_to(image.scratch)) for p in all_files(repo, home)
                   if p.name in (".probe-secret", "gradebook.db") or "hidden" in p.relative_to(image.scratch).parts[1:-1]]
    image.report["secrets_search"] = {"secrets": len(secrets), "files": len(files), "searched": len(searched),
                                      **count, "seconds": round(time.monotonic() - started, 1)}
    image.save(artifacts_dir)
    names = {p.relative_to(image.scratch).as_posix() for p in searched}
    assert {"repo/kitlib/exercises/core.py", "repo/course/nbgrader_config.py", "repo/student/START_HERE.md",
            "repo/student/sequential_model/01_when_to_use.ipynb", "home/.jupyter/nbgrader_config.py"} <= names
    assert any(n.startswith("env/lib/") and "keras_teaching_kit" in n for n in names)  # the kit's install
    workspace_leaks = [leak for leak in leaks if leak.startswith("repo/student/")]
    assert not workspace_leaks, "the student workspace holds instructor-only text:\n" + "\n".join(workspace_leaks)
    assert not leaks, f"instructor-only text in the Binder image ({len(leaks)}):\n" + "\n".join(leaks[:40])
    assert not orphans, f"compiled modules without their source: {orphans}"
    assert not course_side, f"course-side files in the image: {course_side}"


def source_exercise_ids() -> set[str]:
    """The exercises of this working tree's course: its answer cells' grade ids, less ``_answer``."""
    ids = set()
    for notebook in (ROOT / "course" / "source").glob("*/*.ipynb"):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader") or {}
            if meta.get("solution") and meta.get("grade_id", "").endswith("_answer"):
                ids.add(meta["grade_id"].removesuffix("_answer"))
    return ids


def test_the_students_tools_work_without_the_instructor_material(image):
    """The progress view, the Validate button's settings (course/nbgrader_config.py, kept), every
    exercise's self-check loading and answering (a notebook's check cell is run in the next test),
    and a clear word from an instructor command, in the built image."""
    chapter = image.repo / "student" / "sequential_model"
    probe = ("from kitlib.lab import progress\n"
             "print(progress().markdown())\n"
             "from nbgrader.server_extensions.validate_assignment.handlers import ValidateAssignmentHandler\n"
             "config = ValidateAssignmentHandler.load_config(None)\n"
             "print('validate:', config.Execute.timeout, config.IgnorePattern.enabled)\n"
             "import json\n"
             "from kitlib.exercises import REGISTRY, check\n"
             "print('exercises:', json.dumps({e.id: check(e.id, None).status for e in REGISTRY.all()}))\n")
    done = run([image.python, "-c", probe], env=image.env, cwd=chapter)
    [line] = [line for line in done.stdout.splitlines() if line.startswith("exercises: ")]
    statuses = json.loads(line.removeprefix("exercises: "))
    assert set(statuses) == source_exercise_ids() and set(statuses.values()) == {"not attempted"}, statuses
    for notebook in sorted((image.repo / "student").glob("*/*.ipynb")):
        rel = notebook.relative_to(image.repo / "student").as_posix()
        assert f"](../{rel})" in done.stdout, f"progress() does not list {rel}:\n{done.stdout}"
    assert "validate: 300 True" in done.stdout, done.stdout
    kit = subprocess.run([str(image.env_dir / "bin" / "kit"), "release"], env=image.env, cwd=image.repo / "course",
                         capture_output=True, text=True, timeout=120)
    assert kit.returncode == 1 and "student copy" in kit.stderr and "Traceback" not in kit.stderr, kit.stderr


# ----------------------------------------------------------------------------- the notebooks

def solution_region(notebook: Path, grade_id: str) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    cell = next(c for c in cells if (c.get("metadata", {}).get("nbgrader") or {}).get("grade_id") == grade_id)
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    return re.search(r"### BEGIN SOLUTION[^\n]*\n(.*?)### END SOLUTION", source, re.S).group(1)


def self_check_plan(workspace: Path) -> tuple[Path, str, dict, dict]:
    """The first exercise of the course that has planted wrong answers: its student notebook, id,
    the runner's plan (answer and check cells; the unanswered cell, the wrong answers, the reference
    solution), and ``{variant: fragment its message should hold}``. The answers come from this
    working tree's course, never from the image."""
    for notebook in sorted(workspace.glob("*/*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        meta = [(c.get("metadata", {}).get("nbgrader") or {}) for c in cells]
        answer = next((i for i, m in enumerate(meta) if m.get("solution")), None)
        if answer is None:
            continue
        check = next(i for i in range(answer + 1, len(cells)) if meta[i].get("grade"))
        exercise = meta[answer]["grade_id"].removesuffix("_answer")
        assignment = notebook.parent.name
        spec = hidden.load(ROOT / "course" / "hidden" / assignment).get(exercise)
        if not spec or not spec.wrong_answers:
            continue
        reference = solution_region(ROOT / "course" / "source" / assignment / notebook.name,
                                    meta[answer]["grade_id"])
        fragments = {f"wrong {i}": fragment for i, (_code, fragment) in enumerate(spec.wrong_answers, 1)}
        variants = [["unanswered", None]]
        variants += [[f"wrong {i}", code] for i, (code, _fragment) in enumerate(spec.wrong_answers, 1)]
        variants += [["reference", reference]]
        return notebook, exercise, {"answer": answer, "check": check, "variants": variants}, fragments
    pytest.fail("no exercise with planted wrong answers in the student workspace")


def test_every_notebook_fits_in_a_binder_session_and_checks_answers(image, artifacts_dir):
    """Every student notebook up to its first exercise in the fresh environment, each kernel measured;
    in one of them the first exercise's check cell judges the unanswered cell, every planted wrong
    answer and the reference solution without the course's hidden folder."""
    workspace = image.repo / "student"
    student_notebooks = sorted(workspace.glob("*/*.ipynb"))
    checked_notebook, exercise, plan, fragments = self_check_plan(workspace)
    plan_file = image.scratch / "self_check.json"  # outside the image
    plan_file.write_text(json.dumps({str(checked_notebook): plan}))
    runner = image.scratch / "run_to_first_exercise.py"
    runner.write_text(RUNNER)
    started = time.monotonic()
    workers = max(1, min(NOTEBOOK_WORKERS, len(student_notebooks)))
    chunks = [student_notebooks[i::workers] for i in range(workers)]  # one kernel at a time per worker
    output = run_parallel([[image.python, str(runner), "--self-check", str(plan_file), *map(str, chunk)]
                           for chunk in chunks], env=image.env, cwd=image.repo)
    image.report["notebooks_s"] = round(time.monotonic() - started, 1)
    image.report["notebook_workers"] = workers
    runs = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert len(runs) == len(student_notebooks)
    heaviest = max(runs, key=lambda r: r["peak_rss_bytes"])
    [verdicts] = [r["self_check"] for r in runs if r["notebook"] == str(checked_notebook)]
    image.report.update({
        "heaviest_notebook": Path(heaviest["notebook"]).relative_to(workspace).as_posix(),
        "heaviest_peak_rss_mib": round(heaviest["peak_rss_bytes"] / 2**20),
        "self_check": {"exercise": exercise, "notebook": checked_notebook.relative_to(workspace).as_posix(),
                       "verdicts": [[name, v["status"]] for name, v in verdicts or []]},
        "notebooks": [{**{k: v for k, v in r.items() if k != "self_check"},
                       "notebook": Path(r["notebook"]).relative_to(workspace).as_posix(),
                       "peak_rss_mib": round(r["peak_rss_bytes"] / 2**20)} for r in runs],
    })
    image.save(artifacts_dir)
    print(json.dumps({k: v for k, v in image.report.items() if k != "notebooks"}))
    failures = [f"{r['notebook']}: {e}" for r in image.report["notebooks"] for e in r["errors"]]
    assert not failures, "errors before the first exercise:\n" + "\n".join(failures)
    too_big = [f"{r['notebook']}: {r['peak_rss_mib']} MiB" for r in image.report["notebooks"]
               if r["peak_rss_bytes"] > BINDER_MEMORY_BYTES]
    assert not too_big, "notebooks that do not fit in a Binder session (2 GiB):\n" + "\n".join(too_big)

    by_name = dict(verdicts or [])
    assert by_name["unanswered"]["status"] == "not attempted", by_name["unanswered"]
    assert by_name["reference"]["status"] == "passed" and "✔" in by_name["reference"]["text"], by_name["reference"]
    wrong = {name: v for name, v in by_name.items() if name in fragments}
    assert len(wrong) == len(fragments) and all(v["status"] in ("not yet", "passed") for v in wrong.values()), \
        wrong  # each judged, never a crash
    named = [name for name, v in wrong.items()
             if v["status"] == "not yet" and "✘" in v["text"] and fragments[name] in " ".join(v["problems"])]
    assert named, f"no planted wrong answer of {exercise} got a ✘ naming its mistake: {wrong}"
