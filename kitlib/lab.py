"""The student view of the course: a workspace of student versions, and ``kit lab``.

``make_workspace`` turns the instructor notebooks in ``COURSE/source`` into the
student versions (``kit release``) and copies them into a workspace the student
owns. It never overwrites a file that is already there: running it again after
the course was updated adds the new chapters and leaves the student's work alone.

Example::

    from kitlib.lab import make_workspace
    make_workspace("course", "student")   # -> Path("student"), with START_HERE.md
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kitlib.grading.course import Course
from kitlib.grading.deadlines import DUE_NOTE, refresh_due_note  # the due date's note: course map, workspace

COURSE_MAP = "START_HERE.md"

GUIDES = {
    "sequential_model": ("Part 1 · The Sequential model", "https://keras.io/guides/sequential_model/"),
    "functional_api": ("Part 2 · The Functional API", "https://keras.io/guides/functional_api/"),
}


@dataclass
class WorkspaceReport:
    """What ``make_workspace`` did."""

    workspace: Path
    copied: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        text = f"Workspace {self.workspace}: {len(self.copied)} new file(s)"
        if self.kept:
            text += f", {len(self.kept)} of your own kept unchanged"
        return text


def assignments(course_dir: Path) -> list[str]:
    """Assignment names: the folders of ``COURSE/source`` that hold notebooks, in course order.

    The two guides come in the order they are taught (``GUIDES``); other assignments follow by name.
    """
    return Course(Path(course_dir)).assignments(order=GUIDES)


def notebook_title(path: Path) -> str:
    """The first markdown heading of a notebook, or its file name."""
    try:
        cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return Path(path).stem
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = "".join(cell.get("source", ""))
        for line in source.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return Path(path).stem


SYMBOLS = {"passed": "✔", "not yet": "✘", "not attempted": "○"}
# What the student does in an exercise (``Exercise.activity``), as the course map says it.
ACTIVITY_LABELS = {"predict": "predict it", "debug": "debug this", "build": "build it", "read": "read it"}


def activity_label(exercise_id: str) -> str:
    """'predict it', 'debug this', 'build it' or 'read it' for a course exercise ('' when unknown).

    Example::

        activity_label("seq03_weight_shapes")   # 'predict it'
    """
    try:
        from kitlib.exercises.core import REGISTRY

        return ACTIVITY_LABELS.get(REGISTRY.get(exercise_id).activity or "", "")
    except Exception:  # noqa: BLE001 - the map still lists the exercise without its kind
        return ""


def progress_lines(notebook: Path) -> tuple[list[str], int, int]:
    """Markdown lines under a chapter's link: one per exercise with its saved verdict.

    Returns ``(lines, passed, total)``; read from the saved notebook (:mod:`kitlib.verdicts`).
    """
    from kitlib.verdicts import NOT_CHECKED, notebook_progress

    progress = notebook_progress(notebook)
    if progress.error or not progress.exercises:
        return [], 0, 0
    lines = []
    for verdict in progress.exercises:
        symbol = SYMBOLS.get(verdict.status, "·")
        state = "not checked yet" if verdict.status == NOT_CHECKED else verdict.status
        kind = activity_label(verdict.exercise)
        lines.append(f"  - {symbol} {verdict.label}{f' ({kind})' if kind else ''} — *{state}*")
    return lines, progress.passed, len(progress.exercises)


def course_map(root: Path, names: list[str], *, student: bool = True, folder: str = "",
               link_prefix: str = "") -> str:
    """Markdown course map with a link to every chapter notebook under ``root/<folder>/<assignment>/``.

    Links are relative to ``root`` (``folder="source"`` maps an nbgrader course from its own root),
    behind ``link_prefix`` (``"../"`` for a page shown one folder down). For a student (``student=True``) each chapter also lists its exercises with the verdict its
    saved notebook shows (✔ passed, ✘ not yet, ○ not attempted, · not checked yet), read without
    running anything, and the map starts with the total.
    """
    lines = [
        "# Keras, guide by guide: the course map",
        "",
        "Two parts, one notebook per section of the Keras guides. Open a chapter, run it top to bottom",
        "(Shift+Enter), and answer the exercises: the cell under each exercise checks your answer at once.",
        "",
    ]
    if student:
        lines += [
            "Your answers are saved in these notebooks. Submitting: use *Validate* in the notebook toolbar,",
            "then hand the notebook in the way your teacher asked (the *Assignments* tab if your course uses it).",
            "",
            "Each chapter you open runs a Python of its own (its kernel: a few hundred MB of memory once you",
            "run its cells). Close a chapter's tab when you move on: that stops its Python; what you saved",
            f"stays. A Python left without a tab is stopped after {KERNEL_CULL_IDLE_S // 60} idle minutes. Tabs JupyterLab",
            "reopens from your last session start their Python only when you run a cell in them (until then",
            "the notebook's toolbar says *No Kernel*).",
            "",
        ]
    body, passed, total = [], 0, 0
    for name in names:
        title, url = GUIDES.get(name, (name.replace("_", " ").title(), ""))
        body.append(f"## {title}")
        body.append("")
        due = Path(root) / folder / name / DUE_NOTE  # the release's note of the gradebook's date (kit due)
        if due.is_file():
            body += [due.read_text(encoding="utf-8", errors="replace").strip().splitlines()[0][:200], ""]
        for nb in sorted((Path(root) / folder / name).glob("*.ipynb")):
            rel = link_prefix + nb.relative_to(root).as_posix()
            link = f"- [{notebook_title(nb)}]({rel})"
            if not student:
                body.append(link)
                continue
            exercises, chapter_passed, chapter_total = progress_lines(nb)
            passed, total = passed + chapter_passed, total + chapter_total
            if chapter_total:
                link += f" — {chapter_passed} of {chapter_total} exercise{'s' if chapter_total > 1 else ''} passed"
            body += [link] + exercises
        if url:
            body += ["", f"The guide itself: <{url}>"]
        body.append("")
    if student and total:
        lines += [
            f"**Your progress: {passed} of {total} exercises passed** (✔ passed, ✘ not yet, ○ not attempted,",
            "· not checked yet), as your saved notebooks show them: save a notebook (Ctrl+S), then",
            "`kit lab` updates this map at its next start, or run `from kitlib.lab import progress; progress()`",
            "in any notebook to see it now.",
            "",
        ]
    return "\n".join(lines + body)




def find_workspace(start=None) -> Path:
    """The student workspace holding ``start`` (default: the current folder): the nearest folder,
    going up, with the course map in it."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / COURSE_MAP).is_file():
            return folder
    raise FileNotFoundError(f"no {COURSE_MAP} in {here} or above: pass the workspace folder, e.g. progress('student')")


class Progress:
    """The course map with the student's progress, for a notebook cell (renders as Markdown).

    Example::

        from kitlib.lab import progress
        progress()          # in a chapter of the workspace: the map with ✔ / ✘ / ○ per exercise
    """

    def __init__(self, workspace):
        self.workspace = Path(workspace)
        self.names = [p.name for p in sorted(self.workspace.iterdir())
                      if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.ipynb"))]
        order = list(GUIDES)
        self.names.sort(key=lambda n: (order.index(n) if n in order else len(order), n))

    def markdown(self, here=None) -> str:
        """The map, its links relative to ``here`` (default: the current folder, a notebook's own)."""
        prefix = os.path.relpath(self.workspace.resolve(), Path(here or os.getcwd()).resolve())
        prefix = "" if prefix == "." else prefix.replace(os.sep, "/") + "/"
        return course_map(self.workspace, self.names, link_prefix=prefix)

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def __repr__(self) -> str:
        return self.markdown()


def progress(workspace=None) -> Progress:
    """The student's progress over the whole course, read from the saved notebooks (see :class:`Progress`)."""
    return Progress(find_workspace(workspace))


def make_workspace(course_dir, workspace, names: list[str] | None = None) -> WorkspaceReport:
    """Release the student versions and copy them into ``workspace`` without overwriting.

    Args:
        course_dir: the nbgrader course directory (with ``source/``).
        workspace: the student's folder; created if missing.
        names: assignments to include (default: all).

    Returns:
        A :class:`WorkspaceReport` listing the files copied and the ones kept.
    """
    course_dir = Path(course_dir).resolve()
    workspace = Path(workspace).resolve()
    names = names or assignments(course_dir)
    if not names:
        raise FileNotFoundError(f"no assignments with notebooks under {course_dir / 'source'}")
    from kitlib.exercises.tutor import SOLUTIONS_FILE
    from kitlib.grading.release import current_release, practice_mode, release_assignments

    # Released again when out of date, or when the course's practice mode changed (kit.toml: self-study
    # releases hold the worked solutions, graded ones must not).
    self_study = practice_mode(course_dir) == "self-study"
    stale = [name for name in names if current_release(course_dir, name) is None
             or self_study != (course_dir / "release" / name / SOLUTIONS_FILE).is_file()]
    if stale:
        release_assignments(course_dir, stale)
    return copy_released(course_dir / "release", names, workspace)


def copy_released(release: Path, names: list[str], workspace: Path, refuse=None) -> WorkspaceReport:
    """Copy ``release/<name>/`` (student versions, as ``kit release`` wrote them) into
    ``workspace/<name>/`` without overwriting a file, then write the course map.

    ``refuse(path)``: a reason to stop at a file that must not reach a student (None: copy it).

    Example::

        copy_released(Path("course/release"), ["sequential_model"], Path("student"))
    """
    report = WorkspaceReport(workspace)
    for name in names:
        released = release / name
        due = workspace / name / DUE_NOTE
        for src in sorted(released.rglob("*")):
            if src.is_dir() or ".ipynb_checkpoints" in src.parts:
                continue
            why = refuse(src) if refuse else None
            if why:
                raise SystemExit(why)
            dest = workspace / name / src.relative_to(released)
            if dest == due:
                continue  # below
            if dest.exists():
                report.kept.append(dest)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
            report.copied.append(dest)
        # The due date is the course's, not the student's: its note follows the release (a new date, or
        # none), where every other file the student has stays as it is (the exchange's rule, one owner).
        if refresh_due_note(released, workspace / name) == "written":
            report.copied.append(due)
    (workspace / COURSE_MAP).write_text(course_map(workspace, names), encoding="utf-8")
    return report


# ----------------------------------------------------------------------------- the student's Jupyter
# nbgrader 0.9 ships one lab extension (@jupyter/nbgrader) with six plugins and four server
# extensions. A student keeps the Validate button; the assignment list (and the Nbgrader menu that
# opens it) only where an exchange is configured; never the instructor tools.
VALIDATE = ("@jupyter/nbgrader:validate-assignment", "nbgrader.server_extensions.validate_assignment")
ASSIGNMENT_LIST = (("@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:menu"),
                   "nbgrader.server_extensions.assignment_list")
INSTRUCTOR_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list")
INSTRUCTOR_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
# JupyterLab's news pop-up ("receive official Jupyter news?") and update check: they cover the
# course map on the first start and need the network.
NEWS_PLUGINS = ("@jupyterlab/apputils-extension:announcements",)
# Memory a session can afford (Binder: about 2 GB; a chapter's kernel holds about 650 MB): closing a
# notebook shuts its kernel down, and the server stops a kernel no tab is connected to (a tab closed
# in another way, a browser gone) after this many idle seconds.
KERNEL_CULL_IDLE_S = 900
# kitlib's JupyterLab extension (built from labextension/ at the repository root; the bundle is
# committed): the tabs JupyterLab restores from the last session start no kernel until a cell runs,
# and Jupyter widgets render in a notebook whose kernel started after it opened.
LAB_EXTENSIONS = Path(__file__).resolve().parent / "labextension"
LAZY_KERNELS_EXTENSION = "kit-lazy-kernels"
JUPYTER_DIR = ".jupyter"  # kit lab's own Jupyter configuration, hidden inside the workspace


@dataclass
class StudentJupyter:
    """What :func:`configure_student_jupyter` wrote: the plugins and server extensions it turned off."""

    config_dir: Path
    disabled_plugins: list[str]
    server_extensions: dict[str, bool]
    exchange: Path | None


def lazy_kernels_available() -> bool:
    """Whether kitlib's JupyterLab extension is built into ``LAB_EXTENSIONS`` (its package.json names
    the bundle JupyterLab loads)."""
    try:
        meta = json.loads((LAB_EXTENSIONS / LAZY_KERNELS_EXTENSION / "package.json").read_text(encoding="utf-8"))
        load = meta["jupyterlab"]["_build"]["load"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return (LAB_EXTENSIONS / LAZY_KERNELS_EXTENSION / load).is_file()


def student_server_extensions(exchange) -> dict[str, bool]:
    """nbgrader's server extensions for a student: Validate on, the instructor's off,
    the assignment list only with an exchange."""
    extensions = {VALIDATE[1]: True, ASSIGNMENT_LIST[1]: exchange is not None}
    extensions.update({name: False for name in INSTRUCTOR_SERVER_EXTENSIONS})
    return extensions


def student_disabled_plugins(exchange) -> list[str]:
    """The JupyterLab plugins a student does not see."""
    plugins = list(INSTRUCTOR_PLUGINS) + list(NEWS_PLUGINS)
    if exchange is None:
        plugins += list(ASSIGNMENT_LIST[0])
    return plugins


def _merge_json(path: Path, update) -> None:
    """Read ``path`` (a JSON object; missing or unreadable: empty), let ``update`` change it, write it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    update(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def configure_student_jupyter(config_dir, course_dir, exchange=None) -> StudentJupyter:
    """Configure a Jupyter configuration folder for a student; the one mechanism behind
    ``kit lab`` (its own folder, ``workspace/.jupyter``) and Binder (``binder/student-jupyter``:
    the user's ``jupyter --config-dir``).

    Writes, keeping whatever else is there:

    - ``labconfig/page_config.json``: the instructor plugins of nbgrader (Formgrader, Create
      Assignment, Course List) and JupyterLab's news pop-up disabled and locked (JupyterLab >= 4.1
      lets users re-enable plugins from the UI unless they are locked); without an exchange also
      the assignment list and the Nbgrader menu (they would only show "Error fetching courses!").
    - ``jupyter_server_config.json``: nbgrader's server extensions for a student (the formgrader's
      is the one that logs "The course directory root is not a subdirectory of the notebook server
      root" at every start); no news feed, no update check. This file is read after the
      environment's ``jupyter_server_config.d`` entries, so it wins over nbgrader's own.
    - ``nbgrader_config.py``: the course's settings for Validate (300 s per cell, stderr filter)
      and the exchange, if any.
    - JupyterLab user settings: Markdown files (the course map) open rendered, with clickable
      links; no news, no update check; closing a notebook shuts its kernel down; running a cell
      of a notebook whose kernel was stopped starts its own kernel again (no "Select Kernel" dialog).
    - The server stops kernels that no tab is connected to after ``KERNEL_CULL_IDLE_S`` idle
      seconds (``MappingKernelManager`` culling), so kernels of closed chapters do not pile up.
    - Tabs JupyterLab restores from the last session (after a server restart on a hub or Binder)
      start no kernel until the student runs a cell in them; a chapter the student opens starts its
      kernel as always. Done by kitlib's JupyterLab extension (``LAB_EXTENSIONS``, added to
      ``LabApp.extra_labextensions_path``), which also gives such a notebook its Jupyter widgets
      when its kernel starts (ipywidgets 8 alone never renders them there:
      jupyter-widgets/ipywidgets#3970, #3980).
    - ``custom/custom.css`` (loaded with ``LabApp.custom_css``): nbgrader's Validate dialog wraps
      long check messages at spaces instead of cutting them off at the dialog's edge.

    Args:
        config_dir: the Jupyter configuration folder (``JUPYTER_CONFIG_DIR``).
        course_dir: the nbgrader course (its ``nbgrader_config.py`` is loaded).
        exchange: nbgrader's exchange folder (created), or None when the course has none.

    Example::

        configure_student_jupyter("student/.jupyter", "course")   # then JUPYTER_CONFIG_DIR=student/.jupyter
    """
    config_dir = Path(config_dir).resolve()
    course_dir = Path(course_dir).resolve()
    exchange = Path(exchange).resolve() if exchange else None
    disabled = student_disabled_plugins(exchange)
    extensions = student_server_extensions(exchange)

    def page_config(data):
        for key in ("disabledExtensions", "lockedExtensions"):
            table = data.get(key) if isinstance(data.get(key), dict) else {}
            for plugin in list(ASSIGNMENT_LIST[0]):  # a previous run without an exchange
                table.pop(plugin, None)
            table.update({plugin: True for plugin in disabled})
            data[key] = table

    _merge_json(config_dir / "labconfig" / "page_config.json", page_config)

    def server_config(data):
        server = data.setdefault("ServerApp", {})
        server.setdefault("jpserver_extensions", {}).update(extensions)
        data.setdefault("MappingKernelManager", {}).update(
            {"cull_idle_timeout": KERNEL_CULL_IDLE_S, "cull_interval": 60, "cull_connected": False})
        lab = data.setdefault("LabApp", {})
        lab["news_url"] = None
        lab["check_for_updates_class"] = "jupyterlab.NeverCheckForUpdate"
        lab["custom_css"] = True  # {config_dir}/custom/custom.css, below
        # Restored tabs start no kernel until used: kitlib's extension, which also gives a notebook whose
        # kernel starts late its widgets. Not LabApp.notebook_starts_kernel = False: it would stop the
        # kernel of every notebook opened, and ipywidgets 8 alone then leaves every widget of the course
        # blank (jupyter-widgets/ipywidgets#3970, #3980).
        lab.pop("notebook_starts_kernel", None)
        paths = [str(p) for p in lab.get("extra_labextensions_path", [])  # not an earlier kitlib's
                 if (Path(p).parent.name, Path(p).name) != (LAB_EXTENSIONS.parent.name, LAB_EXTENSIONS.name)]
        lab["extra_labextensions_path"] = paths + ([str(LAB_EXTENSIONS)] if lazy_kernels_available() else [])

    _merge_json(config_dir / "jupyter_server_config.json", server_config)

    lines = [
        "# Written by kitlib.lab.configure_student_jupyter: the student's nbgrader settings.",
        "c = get_config()  # noqa: F821",
        f"load_subconfig({str(course_dir / 'nbgrader_config.py')!r})  # noqa: F821 - cell timeout, stderr filter",
    ]
    if exchange is not None:
        exchange.mkdir(parents=True, exist_ok=True)
        lines.append(f"c.Exchange.root = {str(exchange)!r}")
        # The course's config names its course_id; pinned, the Assignments tab would list that course
        # only (nbgrader lists the configured course): a student on a hub may be in several.
        lines.append('c.CourseDirectory.course_id = ""  # every course of the exchange')
    (config_dir / "nbgrader_config.py").write_text("\n".join(lines) + "\n", encoding="utf-8")

    settings = config_dir / "lab" / "user-settings" / "@jupyterlab"
    _merge_json(settings / "docmanager-extension" / "plugin.jupyterlab-settings",
                lambda d: d.setdefault("defaultViewers", {}).update({"markdown": "Markdown Preview"}))
    _merge_json(settings / "apputils-extension" / "notification.jupyterlab-settings",
                lambda d: d.update({"checkForUpdates": False, "fetchNews": "false"}))
    _merge_json(settings / "notebook-extension" / "tracker.jupyterlab-settings",  # closing a chapter frees its
                lambda d: d.update({"kernelShutdown": True, "autoStartDefaultKernel": True}))  # kernel; running starts one
    _write_block(config_dir / "custom" / "custom.css", STUDENT_CSS)
    return StudentJupyter(config_dir, disabled, extensions, exchange)


STUDENT_CSS = """\
/* nbgrader's Validate dialog shows each failed cell's message in a <pre> that does not wrap:
   a check's sentence ran off the dialog. Wrap at spaces; break a word only when it alone is
   wider than the dialog. */
.validation-failed pre, .validation-changed pre, .validation-passed pre {
  white-space: pre-wrap;
  word-break: normal;
  overflow-wrap: break-word;
}
"""


def _write_block(path: Path, text: str) -> None:
    """Put ``text`` into ``path`` between kitlib's markers, replacing an earlier kitlib block and
    keeping whatever else the file holds."""
    from kitlib.grading.notebook import strip_regions

    begin, end = "/* kitlib: begin */", "/* kitlib: end */"
    try:
        old = strip_regions(path.read_text(encoding="utf-8"), begin, end)
    except FileNotFoundError:
        old = ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{old.rstrip()}\n\n{begin}\n{text}{end}\n".lstrip(), encoding="utf-8")


def student_config_dir(workspace) -> Path:
    """Where ``kit lab`` keeps its Jupyter configuration: ``workspace/.jupyter`` (hidden in the file browser)."""
    return Path(workspace).resolve() / JUPYTER_DIR


def lab_command(workspace: Path, *, no_browser: bool = False, port: int | None = None,
                extra: list[str] | None = None) -> list[str]:
    """The JupyterLab command line for a workspace, opening on its course map.

    As root (a container, a CI machine) JupyterLab refuses to start without ``--allow-root``.
    ``extra``: more JupyterLab options, passed on as given (``--ServerApp.ip=...``).
    """
    command = [
        sys.executable, "-m", "jupyter", "lab",
        f"--ServerApp.root_dir={workspace}",
        f"--ServerApp.default_url=/lab/tree/{COURSE_MAP}",
        f"--LabApp.default_url=/lab/tree/{COURSE_MAP}",  # `jupyter lab` uses its own default
    ]
    if no_browser:
        command.append("--no-browser")
    if port:
        command.append(f"--port={port}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    command += list(extra or [])
    return command


def lab_environment(workspace: Path, base: dict | None = None) -> dict:
    """The server's environment: ``JUPYTER_CONFIG_DIR`` is the workspace's own student configuration
    (so the student's Jupyter is configured without touching ``~/.jupyter``)."""
    env = dict(os.environ if base is None else base)
    env["JUPYTER_CONFIG_DIR"] = str(student_config_dir(workspace))
    env.pop("JUPYTERLAB_SETTINGS_DIR", None)  # the settings live in the config dir too
    return env


def run_lab(args) -> int:
    """``kit lab``: build the workspace, configure the student's Jupyter, start JupyterLab on the course map."""
    course = Path(args.course)
    workspace = Path(args.workspace) if args.workspace else course.resolve().parent / "student"
    exchange = getattr(args, "exchange", None) or os.environ.get("KIT_EXCHANGE") or None
    try:
        report = make_workspace(course, workspace)
        configure_student_jupyter(student_config_dir(workspace), course, exchange=exchange)
    except Exception as error:  # the teacher's or student's set-up, not a crash to show as a traceback
        print(f"kit lab: could not prepare the student workspace: {error}", file=sys.stderr)
        return 1
    print(report.summary())
    command = lab_command(workspace, no_browser=args.no_browser, port=args.port,
                          extra=getattr(args, "jupyter_args", None))
    try:
        return _run_forwarding_sigterm(command, cwd=workspace, env=lab_environment(workspace))
    except KeyboardInterrupt:
        return 0


def _run_forwarding_sigterm(command, **kwargs) -> int:
    """Run JupyterLab and wait; a SIGTERM to ``kit lab`` reaches JupyterLab (which then stops its
    kernels) instead of leaving it running without its parent."""
    import signal

    process = subprocess.Popen(command, **kwargs)
    previous = None
    if hasattr(signal, "SIGTERM"):
        try:
            previous = signal.signal(signal.SIGTERM, lambda *_: process.terminate())
        except ValueError:  # not the main thread: nothing to forward from
            previous = None
    try:
        return process.wait()
    except KeyboardInterrupt:  # Ctrl+C reached JupyterLab too (same process group): let it finish
        return process.wait()
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    """``python -m kitlib.lab configure --course COURSE [--config-dir DIR] [--exchange DIR]``:
    configure a Jupyter configuration folder for a student (binder/student-jupyter runs this)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kitlib.lab")
    sub = parser.add_subparsers(dest="command", required=True)
    configure = sub.add_parser("configure", help="configure Jupyter for a student")
    configure.add_argument("--course", type=Path, required=True, help="the nbgrader course directory")
    configure.add_argument("--config-dir", type=Path, default=None,
                           help="the Jupyter configuration folder (default: `jupyter --config-dir`)")
    configure.add_argument("--exchange", type=Path, default=None,
                           help="nbgrader's exchange folder (default: $KIT_EXCHANGE; none: no Assignments tab)")
    args = parser.parse_args(argv)
    if not (args.course / "nbgrader_config.py").is_file():
        print(f"kitlib.lab: {args.course} is not a course directory (no nbgrader_config.py)", file=sys.stderr)
        return 1
    if args.config_dir is None:
        from jupyter_core.paths import jupyter_config_dir

        args.config_dir = Path(jupyter_config_dir())
    exchange = args.exchange or os.environ.get("KIT_EXCHANGE") or None
    done = configure_student_jupyter(args.config_dir, args.course, exchange=exchange)
    print(f"student Jupyter configured in {done.config_dir}: disabled {', '.join(done.disabled_plugins)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
