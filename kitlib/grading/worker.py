"""A long-lived trusted worker that runs stock nbgrader apps (``autograde``, ``export``,
``generate_feedback``) in-process.

Starting nbgrader costs seconds of imports; ``kit grade`` therefore keeps one
worker per job slot and sends it one submission at a time as a JSON line on
stdin: ``{"cwd": scratch course, "argv": [...], "env": {...}, "log": path}`` (an autograde
task may add ``"events": path``: :mod:`kitlib.grading.progress` then learns when each notebook
starts and ends).
The worker answers ``{"rc": int}`` on its original stdout; nbgrader's own
output goes to the ``log`` file. The parent kills a worker that runs past the
per-submission limit (its sandboxed kernels die with it) and starts a new one.

This module holds both ends of the pipe: :class:`Worker` (the parent's side, a
:class:`kitlib.grading.helper_process.HelperProcess`) and :func:`main` (the worker's side), plus
:func:`run_app`, which every part of the kit uses to run an nbgrader app (generate_assignment,
autograde, export, generate_feedback).

Example (what :class:`Worker` sends)::

    {"app": "autograde", "cwd": "/tmp/kit-grade-x/ana-1", "argv": ["mini", "--student=ana", "--force"],
     "env": {"KIT_ANSWER_DIR": "..."}, "log": "/tmp/kit-grade-x/ana-1/autograde.log"}

    worker = Worker().spawn()
    rc = worker.run({"app": "export", "cwd": "course", "argv": [...], "env": {}, "log": "export.log"}, 600)
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from kitlib.grading.helper_process import HelperProcess


# --------------------------------------------------------------------- the parent's side

class Worker(HelperProcess):
    """Parent side of a warm nbgrader app runner (this module's :func:`main`), one per job slot."""

    def __init__(self, argv: list[str] | None = None, preexec_fn=None):
        super().__init__(argv or [sys.executable, "-m", "kitlib.grading.worker"], preexec_fn)

    def run(self, task: dict, timeout: float) -> int | None:
        """Exit status of the task, or None when it ran past ``timeout`` (the worker is then killed)."""
        reply = self.request(task, timeout)
        if reply is None or "rc" not in reply:
            self.close(kill=True)
            return None
        return int(reply["rc"])


def run_app(worker: Worker | None, app: str, argv: list[str], cwd: Path, log: Path,
            timeout: float = 1800) -> int | None:
    """Run an nbgrader app in a (new or given) trusted worker; its output goes to ``log``."""
    own = worker is None
    worker = worker or Worker()
    try:
        return worker.run({"app": app, "cwd": str(cwd), "argv": argv, "env": {}, "log": str(log)}, timeout)
    finally:
        if own:
            worker.close()


def run_app_output(worker: Worker | None, app: str, argv: list[str], cwd: Path,
                   log: Path) -> tuple[int | None, str]:
    """:func:`run_app`, then the app's output read back from ``log`` (which is removed)."""
    rc = run_app(worker, app, argv, cwd, log)
    text = log.read_text(errors="replace") if log.exists() else ""
    log.unlink(missing_ok=True)
    return rc, text


# --------------------------------------------------------------------- the worker's side

def run_task(task: dict) -> int:
    """One ``nbgrader autograde`` run as described by ``task``; returns its exit status."""
    from nbgrader.apps import AutogradeApp, ExportApp, GenerateAssignmentApp, GenerateFeedbackApp

    apps = {"autograde": AutogradeApp, "export": ExportApp, "generate_feedback": GenerateFeedbackApp,
            "generate_assignment": GenerateAssignmentApp}
    os.environ.update(task.get("env", {}))
    tempfile.tempdir = task.get("env", {}).get("TMPDIR") or None
    os.chdir(task["cwd"])
    app = apps[task.get("app", "autograde")]()
    try:
        app.initialize(task["argv"])
        if task.get("sandbox"):  # the student's kernel in kit grade's sandbox (kitlib.grading.execute)
            from kitlib.grading.execute import autograde_config

            app.update_config(autograde_config())
        if task.get("events") and isinstance(app, AutogradeApp):
            from kitlib.grading.progress import add_notebook_events

            add_notebook_events(app.config, task["events"])  # one JSON line as each notebook starts / ends
        app.start()
    except SystemExit as stop:
        return int(stop.code or 0) if not isinstance(stop.code, str) else 1
    except Exception as error:  # nbgrader raised instead of exiting
        print(f"[kit worker] {type(error).__name__}: {error}", flush=True)
        return 1
    finally:
        if task.get("sandbox"):
            from kitlib.grading.execute import finish_pending

            finish_pending()
    return 0


def main() -> int:
    reply = os.fdopen(os.dup(1), "w", buffering=1)
    from kitlib.grading import skip_slow_optional_imports

    skip_slow_optional_imports()
    import nbgrader.apps  # noqa: F401 - pay the import once, before the first task

    reply.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        task = json.loads(line)
        log = os.open(task["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        try:
            rc = run_task(task)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        reply.write(json.dumps({"rc": rc}) + "\n")
    reply.flush()
    os._exit(0)  # nothing left to clean up: skip the interpreter's slow teardown of nbgrader's modules


if __name__ == "__main__":
    sys.exit(main())
