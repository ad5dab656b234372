"""The student workspace: released versions, a course map, and no student work ever lost."""
from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from kitlib import lab
from kitlib.lab import assignments, course_map, make_workspace, notebook_title


def write_chapter(path, title, answer="x = None\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION"):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell(answer)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": "x_answer", "locked": False, "schema_version": 3,
                                 "solution": True, "task": False}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nGoals"), cell]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.fixture
def tiny_course(tmp_path, repo_root):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(repo_root / "course" / "nbgrader_config.py", course)
    write_chapter(course / "source" / "sequential_model" / "01_a.ipynb", "A1 · First chapter")
    return course


@pytest.mark.fast
def test_titles_and_assignment_discovery(tiny_course):
    assert assignments(tiny_course) == ["sequential_model"]
    assert notebook_title(tiny_course / "source" / "sequential_model" / "01_a.ipynb") == "A1 · First chapter"
    (tiny_course / "broken.ipynb").write_text("{not json")
    assert notebook_title(tiny_course / "broken.ipynb") == "broken"


@pytest.mark.fast
def test_assignments_follow_the_guides_order(tmp_path):
    for name in ("functional_api", "aaa_extra", "sequential_model"):
        write_chapter(tmp_path / "source" / name / "01.ipynb", "T")
    assert assignments(tmp_path) == ["sequential_model", "functional_api", "aaa_extra"]


@pytest.mark.fast
def test_course_map_links_every_chapter(tmp_path):
    write_chapter(tmp_path / "functional_api" / "02_b.ipynb", "B2 · Training")
    write_chapter(tmp_path / "functional_api" / "01_a.ipynb", "B1 · Intro")
    text = course_map(tmp_path, ["functional_api"])
    assert "Part 2 · The Functional API" in text
    assert text.index("[B1 · Intro](functional_api/01_a.ipynb)") < text.index("[B2 · Training](functional_api/02_b.ipynb)")
    # the student is told what happens to kernels (configure_student_jupyter): every chapter opened runs one,
    # a reopened tab only once a cell runs; closing the tab stops it; a tab-less one is culled
    assert "Each chapter you open runs a Python" in text and "reopens from your last session" in text
    assert "only when you run a cell" in text  # restored tabs start no kernel (tests/browser/test_lazy_kernels.py)
    assert "Close a chapter's tab" in text and "stops its" in text
    assert f"after {lab.KERNEL_CULL_IDLE_S // 60} idle minutes" in text


@pytest.mark.slow
def test_workspace_keeps_student_work_and_adds_new_chapters(tiny_course, tmp_path):
    workspace = tmp_path / "student"
    report = make_workspace(tiny_course, workspace)
    chapter = workspace / "sequential_model" / "01_a.ipynb"
    assert chapter in report.copied
    student_text = chapter.read_text()
    assert "BEGIN SOLUTION" not in student_text and "x = 1" not in student_text
    assert "[A1 · First chapter](sequential_model/01_a.ipynb)" in (workspace / "START_HERE.md").read_text()

    # The student works, then the teacher adds a chapter: the work stays, the chapter arrives.
    nb = json.loads(student_text)
    nb["cells"][1]["source"] = "x = 42  # my answer"
    chapter.write_text(json.dumps(nb))
    write_chapter(tiny_course / "source" / "sequential_model" / "02_b.ipynb", "A2 · Second chapter")
    report = make_workspace(tiny_course, workspace)
    assert "x = 42  # my answer" in chapter.read_text()
    assert chapter in report.kept
    assert workspace / "sequential_model" / "02_b.ipynb" in report.copied
    assert "A2 · Second chapter" in (workspace / "START_HERE.md").read_text()


@pytest.mark.fast
def test_workspace_without_assignments_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="no assignments"):
        make_workspace(tmp_path, tmp_path / "student")


@pytest.mark.fast
def test_lab_command_opens_the_course_map(tmp_path, monkeypatch):
    from kitlib import lab

    command = lab.lab_command(tmp_path, no_browser=True, port=8899)
    assert f"--ServerApp.root_dir={tmp_path}" in command
    assert "--ServerApp.default_url=/lab/tree/START_HERE.md" in command
    assert "--LabApp.default_url=/lab/tree/START_HERE.md" in command
    assert "--no-browser" in command and "--port=8899" in command
    monkeypatch.setattr(lab.os, "geteuid", lambda: 0)
    assert "--allow-root" in lab.lab_command(tmp_path)
    monkeypatch.setattr(lab.os, "geteuid", lambda: 1000)
    assert "--allow-root" not in lab.lab_command(tmp_path)


def test_validate_button_uses_the_course_settings(tiny_course, tmp_path, monkeypatch):
    """nbgrader's Validate handler loads nbgrader_config.py from the Jupyter config path: kit lab
    configures its own folder (student/.jupyter, JUPYTER_CONFIG_DIR of the server) with one that
    loads the course's (300 s per cell, stderr filter)."""
    import subprocess
    import sys

    from kitlib import lab

    workspace = tmp_path / "student"
    make_workspace(tiny_course, workspace)
    lab.configure_student_jupyter(lab.student_config_dir(workspace), tiny_course)
    probe = ("from nbgrader.server_extensions.validate_assignment.handlers import ValidateAssignmentHandler\n"
             "config = ValidateAssignmentHandler.load_config(None)\n"
             "print(config.Execute.timeout, config.IgnorePattern.enabled)\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env=lab.lab_environment(workspace))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["300", "True"]

    calls = []
    monkeypatch.setattr(lab, "make_workspace", lambda course, ws: lab.WorkspaceReport(ws))
    monkeypatch.setattr(lab, "_run_forwarding_sigterm", lambda command, **kwargs: calls.append((command, kwargs)) or 0)
    monkeypatch.delenv("KIT_EXCHANGE", raising=False)
    args = type("Args", (), {"course": tiny_course, "workspace": workspace, "no_browser": True, "port": None,
                             "jupyter_args": ["--ServerApp.ip=127.0.0.1"]})()
    assert lab.run_lab(args) == 0
    [(command, kwargs)] = calls
    assert kwargs["cwd"] == workspace
    assert kwargs["env"]["JUPYTER_CONFIG_DIR"] == str(workspace.resolve() / ".jupyter")
    assert command[-1] == "--ServerApp.ip=127.0.0.1"
    assert (workspace / ".jupyter" / "labconfig" / "page_config.json").is_file()


def _read(path):
    return json.loads(path.read_text())


@pytest.mark.fast
def test_student_jupyter_hides_instructor_tools_news_and_renders_markdown(tmp_path, tiny_course):
    from kitlib import lab

    config = tmp_path / "config"
    (config / "labconfig").mkdir(parents=True)
    # someone's own settings survive
    (config / "labconfig" / "page_config.json").write_text(json.dumps({"disabledExtensions": {"my:plugin": True}}))
    (config / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {"ip": "0.0.0.0"}}))
    done = lab.configure_student_jupyter(config, tiny_course)

    page = _read(config / "labconfig" / "page_config.json")
    for plugin in ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                   "@jupyter/nbgrader:course-list", "@jupyterlab/apputils-extension:announcements",
                   "@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:menu"):
        assert page["disabledExtensions"][plugin] is True and page["lockedExtensions"][plugin] is True
    assert "@jupyter/nbgrader:validate-assignment" not in page["disabledExtensions"]
    assert page["disabledExtensions"]["my:plugin"] is True

    server = _read(config / "jupyter_server_config.json")
    assert server["ServerApp"]["ip"] == "0.0.0.0"
    assert server["ServerApp"]["jpserver_extensions"] == {
        "nbgrader.server_extensions.validate_assignment": True,
        "nbgrader.server_extensions.assignment_list": False,
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.course_list": False,
    }
    assert server["LabApp"]["news_url"] is None
    settings = config / "lab" / "user-settings" / "@jupyterlab"
    assert _read(settings / "docmanager-extension" / "plugin.jupyterlab-settings")["defaultViewers"] == {
        "markdown": "Markdown Preview"}
    assert _read(settings / "apputils-extension" / "notification.jupyterlab-settings")["fetchNews"] == "false"
    # kernels a session can afford: closing a chapter frees its kernel; kernels of closed tabs are culled
    tracker = _read(settings / "notebook-extension" / "tracker.jupyterlab-settings")
    assert tracker["kernelShutdown"] is True
    # a stopped kernel comes back at the next run without a dialog; notebooks the student opens still start
    # their kernel on open (notebook_starts_kernel off leaves ipywidgets without a widget manager:
    # ipywidgets#3970); restored tabs start none, by kitlib's extension (tests/browser/test_lazy_kernels.py)
    assert tracker["autoStartDefaultKernel"] is True and "notebook_starts_kernel" not in server["LabApp"]
    assert lab.lazy_kernels_available(), "kitlib/labextension holds no built bundle (labextension/README.md)"
    assert server["LabApp"]["extra_labextensions_path"] == [str(lab.LAB_EXTENSIONS)]
    assert server["MappingKernelManager"] == {"cull_idle_timeout": lab.KERNEL_CULL_IDLE_S, "cull_interval": 60,
                                              "cull_connected": False}
    assert "Exchange" not in (config / "nbgrader_config.py").read_text()
    assert done.exchange is None
    # nbgrader's Validate dialog wraps long messages (the browser test checks it on screen)
    assert server["LabApp"]["custom_css"] is True
    css = (config / "custom" / "custom.css").read_text()
    assert ".validation-failed pre" in css and "pre-wrap" in css
    (config / "custom" / "custom.css").write_text("/* the student's own */\n" + css)
    # an earlier kitlib's extension folder (the kit installed elsewhere before) gives way; others stay
    server["LabApp"]["extra_labextensions_path"] = ["/old/site-packages/kitlib/labextension", "/my/extensions"]
    (config / "jupyter_server_config.json").write_text(json.dumps(server))
    lab.configure_student_jupyter(config, tiny_course)  # again: one kitlib block, the student's rule kept
    css = (config / "custom" / "custom.css").read_text()
    assert css.startswith("/* the student's own */") and css.count(".validation-failed pre") == 1
    assert _read(config / "jupyter_server_config.json")["LabApp"]["extra_labextensions_path"] == [
        "/my/extensions", str(lab.LAB_EXTENSIONS)]

    # With an exchange, the Assignments tab (and the menu that opens it) come back; instructor tools stay off.
    exchange = tmp_path / "exchange"
    lab.configure_student_jupyter(config, tiny_course, exchange=exchange)
    page = _read(config / "labconfig" / "page_config.json")
    assert "@jupyter/nbgrader:assignment-list" not in page["disabledExtensions"]
    assert "@jupyter/nbgrader:menu" not in page["lockedExtensions"]
    assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    assert _read(config / "jupyter_server_config.json")["ServerApp"]["jpserver_extensions"][
        "nbgrader.server_extensions.assignment_list"] is True
    assert exchange.is_dir() and repr(str(exchange)) in (config / "nbgrader_config.py").read_text()
    # every course of the exchange in the Assignments tab, not only the one the course's config names
    assert 'c.CourseDirectory.course_id = ""' in (config / "nbgrader_config.py").read_text()


@pytest.mark.slow
def test_jupyter_itself_reads_the_student_configuration(tmp_path, tiny_course):
    """What JupyterLab and jupyter_server make of the folder (their own listing commands), through
    binder/student-jupyter: the one script Binder runs."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    config = tmp_path / "config"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config),
               PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
               PYTHONPATH=os.pathsep.join(filter(None, [str(repo), os.environ.get("PYTHONPATH")])))
    env.pop("KIT_EXCHANGE", None)
    done = subprocess.run(["bash", str(repo / "binder" / "student-jupyter"), str(tiny_course)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    listing = subprocess.run([sys.executable, "-m", "jupyter", "labextension", "list"], env=env,
                             capture_output=True, text=True, timeout=120)
    text = listing.stdout + listing.stderr
    disabled = text.split("Disabled extensions:")[-1]
    assert "@jupyter/nbgrader:formgrader" in disabled and "@jupyter/nbgrader:create-assignment" in disabled
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    servers = subprocess.run([sys.executable, "-m", "jupyter", "server", "extension", "list"], env=env,
                             capture_output=True, text=True, timeout=120)
    # one section per config dir; ours (JUPYTER_CONFIG_DIR) is listed first and is read last, so it wins
    sections = (servers.stdout + servers.stderr).split("Config dir: ")
    ours = next(s for s in sections if s.startswith(str(config)))
    state = {line.split()[0]: "disabled" in line for line in ours.splitlines()
             if line.startswith("    nbgrader.server_extensions.")}
    assert state == {"nbgrader.server_extensions.validate_assignment": False,
                     "nbgrader.server_extensions.assignment_list": True,
                     "nbgrader.server_extensions.formgrader": True,
                     "nbgrader.server_extensions.course_list": True}, ours
    # the server itself culls kernels no tab is connected to (kernels of closed chapters)
    probe = ("from jupyter_server.serverapp import ServerApp\n"
             "app = ServerApp()\n"
             f"app.initialize(argv=['--ServerApp.root_dir={tmp_path}'], find_extensions=False, new_httpserver=False)\n"
             "km = app.kernel_manager\n"
             "print('CULL', km.cull_idle_timeout, km.cull_interval, km.cull_connected)\n")
    culled = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    from kitlib.lab import KERNEL_CULL_IDLE_S

    assert f"CULL {KERNEL_CULL_IDLE_S} 60 False" in culled.stdout, culled.stdout + culled.stderr
    # the JupyterLab extensions the page gets (JupyterLab's own lookup): kitlib's among them, from kitlib
    probe = ("from jupyter_server.serverapp import ServerApp\n"
             "from jupyterlab_server.config import get_federated_extensions\n"
             "app = ServerApp()\n"
             f"app.initialize(argv=['--ServerApp.root_dir={tmp_path}'], new_httpserver=False)\n"
             "lab = next(iter(app.extension_manager.extension_apps['jupyterlab']))\n"
             "found = get_federated_extensions([*lab.extra_labextensions_path, *lab.labextensions_path])\n"
             "print('LAZY', found.get('kit-lazy-kernels', {}).get('ext_path'))\n")
    served = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    from kitlib.lab import LAB_EXTENSIONS, LAZY_KERNELS_EXTENSION

    assert f"LAZY {LAB_EXTENSIONS / LAZY_KERNELS_EXTENSION}\n" in served.stdout, served.stdout + served.stderr


@pytest.mark.fast
def test_kitlibs_jupyterlab_extension_ships_inside_the_package():
    """The built bundle is committed and packaged (pyproject's package-data), so neither CI nor a student
    needs node; its source names the plugin JupyterLab loads."""
    import fnmatch
    import tomllib
    from pathlib import Path

    from kitlib import lab

    repo = Path(__file__).resolve().parents[1]
    built = lab.LAB_EXTENSIONS / lab.LAZY_KERNELS_EXTENSION
    meta = json.loads((built / "package.json").read_text())
    source = json.loads((repo / "labextension" / "package.json").read_text())
    assert meta["name"] == source["name"] == lab.LAZY_KERNELS_EXTENSION
    assert (built / meta["jupyterlab"]["_build"]["load"]).is_file()
    patterns = tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["kitlib"]
    files = [f.relative_to(repo / "kitlib").as_posix() for f in built.rglob("*") if f.is_file()]
    unpackaged = [f for f in files if not any(fnmatch.fnmatch(f, p.replace("**/", "*")) for p in patterns)]
    assert not unpackaged, f"not in pyproject's package-data: {unpackaged}"
    assert "registerWidgetManager" in (repo / "labextension" / "index.js").read_text()


@pytest.mark.fast
def test_course_map_shows_the_students_saved_progress(tmp_path, monkeypatch):
    """Per chapter, the exercises with the verdict the student's saved notebook shows; the total on top;
    progress() renders the same map in a notebook, its links relative to the notebook's folder."""
    from nbformat.v4 import new_output

    from kitlib import lab
    from kitlib.exercises.core import Feedback

    def exercise_notebook(path, verdicts):
        nb = nbformat.v4.new_notebook()
        cells = [nbformat.v4.new_markdown_cell("# B1 · Intro")]
        for i, (exercise, status) in enumerate(verdicts):
            cells.append(nbformat.v4.new_markdown_cell(f"## Exercise {i + 1} · Task {exercise}"))
            cell = nbformat.v4.new_code_cell(f'grade("{exercise}", answer)')
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": f"{exercise}_test", "points": 1,
                                         "locked": True, "schema_version": 3, "solution": False, "task": False}
            if status:
                fb = Feedback(exercise, f"Task {exercise}", attempted=status != "not attempted")
                if status == "not yet":
                    from kitlib.exercises.core import Problem
                    fb.problems.append(Problem("the shape"))
                cell.outputs = [new_output("display_data", data={"text/html": fb._repr_html_()})]
                cell.execution_count = i + 1
            cells.append(cell)
        nb.cells = cells
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)

    workspace = tmp_path / "student"
    exercise_notebook(workspace / "functional_api" / "01_a.ipynb", [("a1", "passed"), ("a2", "not yet")])
    exercise_notebook(workspace / "functional_api" / "02_b.ipynb", [("b1", "not attempted"), ("b2", None)])
    write_chapter(workspace / "sequential_model" / "01_c.ipynb", "A1 · No exercises")
    text = course_map(workspace, ["sequential_model", "functional_api"])
    assert "**Your progress: 1 of 4 exercises passed**" in text
    assert "- [B1 · Intro](functional_api/01_a.ipynb) — 1 of 2 exercises passed" in text
    assert "  - ✔ Exercise 1 · Task a1 — *passed*" in text
    assert "  - ✘ Exercise 2 · Task a2 — *not yet*" in text
    assert "  - ○ Exercise 1 · Task b1 — *not attempted*" in text
    assert "  - · Exercise 2 · Task b2 — *not checked yet*" in text
    assert "- [A1 · No exercises](sequential_model/01_c.ipynb)\n" in text  # no exercises, no count
    assert "Your progress" not in course_map(workspace, ["functional_api"], student=False)

    (workspace / "START_HERE.md").write_text(text)
    monkeypatch.chdir(workspace / "functional_api")
    shown = lab.progress()._repr_markdown_()
    assert "](../functional_api/01_a.ipynb) — 1 of 2 exercises passed" in shown
    assert "](../sequential_model/01_c.ipynb)" in shown
    assert shown.index("A1 · No exercises") < shown.index("B1 · Intro")  # course order
    with pytest.raises(FileNotFoundError, match="START_HERE.md"):
        lab.progress(tmp_path)


@pytest.mark.fast
def test_released_notebooks_carry_the_metadata_their_kernel_writes(tmp_path):
    """JupyterLab writes the kernel's kernelspec and language_info into a notebook when its kernel starts,
    and marks it modified when they differ from the file (nbgrader's release has ``{"name": "python"}``):
    ``kit release`` writes what the kernel would, so an untouched chapter stays unmodified (the browser
    test diffs the model in Chromium)."""
    import os

    from ipykernel.ipkernel import IPythonKernel
    from jupyter_client.kernelspec import KernelSpecManager

    from kitlib.grading.release import complete_metadata

    path = tmp_path / "01_a.ipynb"
    write_chapter(path, "A1 · Intro")
    nb = nbformat.read(str(path), as_version=4)
    nb.metadata["language_info"] = {"name": "python"}  # as nbgrader's generate_assignment leaves it
    nbformat.write(nb, str(path))
    complete_metadata(tmp_path)
    meta = nbformat.read(str(path), as_version=4).metadata
    assert meta["language_info"] == IPythonKernel.language_info
    spec = KernelSpecManager().get_kernel_spec("python3")  # JupyterLab writes the spec's display name too
    assert meta["kernelspec"] == {"name": "python3", "display_name": spec.display_name, "language": spec.language}
    os.utime(path, (1, 1))
    complete_metadata(tmp_path)  # already complete: the file is left alone
    assert path.stat().st_mtime == 1
