"""The Binder build, reproduced as far as this machine allows without Docker.

repo2docker, for a repository with a ``binder/`` folder, (1) installs
``binder/requirements.txt`` into a fresh environment of the Python named in
``binder/runtime.txt``, (2) runs ``binder/postBuild`` from the repository root
as the notebook user, then (3) starts JupyterLab for a session with about 2 GB
of memory. This test does the same with a fresh virtual environment, a copy of
the working tree and a temporary HOME (the apt packages of ``binder/apt.txt``
are the machine's own), and then runs every student notebook of the workspace
up to its first exercise, measuring the kernel's peak memory (RSS, children
included).

Numbers are written to ``$KIT_ARTIFACTS/binder-build.json``. The network is
treated as absent (``KITLIB_OFFLINE=1``); pip reaches its package index as
configured for the user running the tests.
"""
from __future__ import annotations

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

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
BINDER_MEMORY_BYTES = 2 * 1024**3  # mybinder.org: about 2 GB per session
# Notebooks run in this many kernels at once (each kernel measured on its own).
NOTEBOOK_WORKERS = int(os.environ.get("KIT_BINDER_WORKERS", min(2, os.cpu_count() or 1)))
# Binder has no nbgrader exchange: a student keeps Validate only (kitlib.lab.configure_student_jupyter).
STUDENT_PLUGINS = ("@jupyter/nbgrader:validate-assignment",)
INSTRUCTOR_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:assignment-list")

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("binder")]

# Runs inside the fresh environment: executes notebooks up to their first exercise,
# sampling the kernel's memory. Prints one JSON line per notebook.
RUNNER = r'''
import json, sys, threading, time
from pathlib import Path
import nbformat, psutil
from nbclient import NotebookClient

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

for path in map(Path, sys.argv[1:]):
    nb = nbformat.read(path, as_version=4)
    stop = first_exercise(nb)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    peak, errors, started = [0], [], time.monotonic()
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
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {str(exc)[:300]}")
        finally:
            peak[0] = max(peak[0], tree_rss(pid))
            done.set()
            sampler.join()
    print(json.dumps({"notebook": str(path), "cells_run": stop, "seconds": round(time.monotonic() - started, 1),
                      "peak_rss_bytes": peak[0], "errors": errors}), flush=True)
'''


def working_tree_files() -> list[Path]:
    """What a clone of the repository (with the uncommitted work) holds: tracked and not ignored."""
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [Path(p) for p in listing.split("\0") if p and (ROOT / p).is_file()]


def copy_working_tree(dest: Path) -> None:
    for rel in working_tree_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)


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


def test_binder_build_and_every_notebook_fits_in_a_binder_session(tmp_path, artifacts_dir):
    if sys.version_info[:2] != runtime_version():
        pytest.skip(f"binder/runtime.txt asks for Python {runtime_version()}, this is {sys.version_info[:2]}")
    repo, home, env_dir = tmp_path / "repo", tmp_path / "home", tmp_path / "env"
    home.mkdir()
    copy_working_tree(repo)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("VIRTUAL_ENV", "PYTHON", "JUPYTER", "KIT_", "CONDA"))}
    env.update(pip_settings())
    env.update(HOME=str(home), PATH=f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
               KITLIB_OFFLINE="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    timings = {}

    # 1. requirements.txt into a fresh environment
    started = time.monotonic()
    base_python = getattr(sys, "_base_executable", sys.executable)
    run([base_python, "-m", "venv", str(env_dir)], env=env)
    run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(repo / "binder" / "requirements.txt")],
        env=env, cwd=repo)
    timings["install_requirements_s"] = round(time.monotonic() - started, 1)

    # 2. postBuild as written, from the repository root
    started = time.monotonic()
    build = run(["bash", "-c", "./binder/postBuild"], env=env, cwd=repo)
    timings["postbuild_s"] = round(time.monotonic() - started, 1)
    (artifacts_dir / "binder-build.json").write_text(json.dumps(timings, indent=1))  # kept if a check fails
    assert "postBuild: done" in build.stdout

    # What the session will find
    workspace = repo / "student"
    course_map = (workspace / "START_HERE.md").read_text(encoding="utf-8")
    student_notebooks = sorted(workspace.glob("*/*.ipynb"))
    sources = sorted((repo / "course" / "source").glob("*/*.ipynb"))
    assert len(student_notebooks) == len(sources) > 0
    for notebook in student_notebooks:
        rel = notebook.relative_to(workspace).as_posix()
        assert f"]({rel})" in course_map, f"the course map does not link {rel}"
        assert "### BEGIN SOLUTION" not in notebook.read_text(encoding="utf-8")
    jupyter = str(env_dir / "bin" / "jupyter")
    labext = run([jupyter, "labextension", "list"], env=env, cwd=repo)
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

    # 3. Every student notebook up to its first exercise, in the fresh environment
    runner = tmp_path / "run_to_first_exercise.py"
    runner.write_text(RUNNER)
    started = time.monotonic()
    workers = max(1, min(NOTEBOOK_WORKERS, len(student_notebooks)))
    chunks = [student_notebooks[i::workers] for i in range(workers)]  # one kernel at a time per worker
    output = run_parallel([[str(env_dir / "bin" / "python"), str(runner), *map(str, chunk)] for chunk in chunks],
                          env=env, cwd=repo)
    timings["notebooks_s"] = round(time.monotonic() - started, 1)
    timings["notebook_workers"] = workers
    runs = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert len(runs) == len(student_notebooks)
    heaviest = max(runs, key=lambda r: r["peak_rss_bytes"])
    report = {
        **timings,
        "binder_equivalent_install_s": round(timings["install_requirements_s"] + timings["postbuild_s"], 1),
        "heaviest_notebook": Path(heaviest["notebook"]).relative_to(workspace).as_posix(),
        "heaviest_peak_rss_mib": round(heaviest["peak_rss_bytes"] / 2**20),
        "notebooks": [{**r, "notebook": Path(r["notebook"]).relative_to(workspace).as_posix(),
                       "peak_rss_mib": round(r["peak_rss_bytes"] / 2**20)} for r in runs],
    }
    (artifacts_dir / "binder-build.json").write_text(json.dumps(report, indent=1))
    print(json.dumps({k: v for k, v in report.items() if k != "notebooks"}))
    failures = [f"{r['notebook']}: {e}" for r in report["notebooks"] for e in r["errors"]]
    assert not failures, "errors before the first exercise:\n" + "\n".join(failures)
    too_big = [f"{r['notebook']}: {r['peak_rss_mib']} MiB" for r in report["notebooks"]
               if r["peak_rss_bytes"] > BINDER_MEMORY_BYTES]
    assert not too_big, "notebooks that do not fit in a Binder session (2 GiB):\n" + "\n".join(too_big)
