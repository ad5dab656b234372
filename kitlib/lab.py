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


def course_map(root: Path, names: list[str], *, student: bool = True, folder: str = "") -> str:
    """Markdown course map with a link to every chapter notebook under ``root/<folder>/<assignment>/``.

    Links are relative to ``root`` (``folder="source"`` maps an nbgrader course from its own root).
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
        ]
    for name in names:
        title, url = GUIDES.get(name, (name.replace("_", " ").title(), ""))
        lines.append(f"## {title}")
        lines.append("")
        for nb in sorted((Path(root) / folder / name).glob("*.ipynb")):
            rel = nb.relative_to(root).as_posix()
            lines.append(f"- [{notebook_title(nb)}]({rel})")
        if url:
            lines += ["", f"The guide itself: <{url}>"]
        lines.append("")
    return "\n".join(lines)


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
    from kitlib.grading.release import current_release, release_assignments

    stale = [name for name in names if current_release(course_dir, name) is None]
    if stale:
        release_assignments(course_dir, stale)
    report = WorkspaceReport(workspace)
    for name in names:
        released = course_dir / "release" / name
        for src in sorted(released.rglob("*")):
            if src.is_dir() or ".ipynb_checkpoints" in src.parts:
                continue
            dest = workspace / name / src.relative_to(released)
            if dest.exists():
                report.kept.append(dest)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
            report.copied.append(dest)
    (workspace / COURSE_MAP).write_text(course_map(workspace, names), encoding="utf-8")
    write_validate_config(course_dir, workspace)
    return report


VALIDATE_CONFIG = "nbgrader_config.py"


def write_validate_config(course_dir: Path, workspace: Path) -> Path:
    """``workspace/nbgrader_config.py``: the course's nbgrader settings for the student's
    *Validate* button (the course's cell time limit and stderr filter instead of nbgrader's
    defaults). nbgrader's validate extension reads it from the server's working folder,
    which :func:`run_lab` makes the workspace. Rewritten every time (it only points at the course).
    """
    path = Path(workspace) / VALIDATE_CONFIG
    path.write_text(
        "# Written by `kit lab`: the course's nbgrader settings, for the Validate button.\n"
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(Path(course_dir).resolve() / 'nbgrader_config.py')!r})  # noqa: F821\n",
        encoding="utf-8")
    return path


def lab_command(workspace: Path, *, no_browser: bool = False, port: int | None = None) -> list[str]:
    """The JupyterLab command line for a workspace, opening on its course map.

    As root (a container, a CI machine) JupyterLab refuses to start without ``--allow-root``.
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
    return command


def run_lab(args) -> int:
    """``kit lab``: build the workspace, then start JupyterLab on its course map."""
    course = Path(args.course)
    workspace = Path(args.workspace) if args.workspace else course.resolve().parent / "student"
    try:
        report = make_workspace(course, workspace)
    except Exception as error:  # the teacher's or student's set-up, not a crash to show as a traceback
        print(f"kit lab: could not prepare the student workspace: {error}", file=sys.stderr)
        return 1
    print(report.summary())
    command = lab_command(workspace, no_browser=args.no_browser, port=args.port)
    try:
        return subprocess.call(command, cwd=workspace)  # cwd: where Validate finds nbgrader_config.py
    except KeyboardInterrupt:
        return 0
