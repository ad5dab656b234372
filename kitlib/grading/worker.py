"""A long-lived trusted worker that runs stock nbgrader apps (``autograde``, ``export``,
``generate_feedback``) in-process.

Starting nbgrader costs seconds of imports; ``kit grade`` therefore keeps one
worker per job slot and sends it one submission at a time as a JSON line on
stdin: ``{"cwd": scratch course, "argv": [...], "env": {...}, "log": path}``.
The worker answers ``{"rc": int}`` on its original stdout; nbgrader's own
output goes to the ``log`` file. The parent kills a worker that runs past the
per-submission limit (its sandboxed kernels die with it) and starts a new one.

This module holds both ends of the pipe: :class:`Worker` (the parent's side, also the
base of the re-check client :class:`kitlib.grading.verify.Verifier`) and :func:`main`
(the worker's side), plus :func:`run_app`, which every part of the kit uses to run an
nbgrader app (generate_assignment, autograde, export, generate_feedback).

Example (what :class:`Worker` sends)::

    {"app": "autograde", "cwd": "/tmp/kit-grade-x/ana-1", "argv": ["mini", "--student=ana", "--force"],
     "env": {"KIT_ANSWER_DIR": "..."}, "log": "/tmp/kit-grade-x/ana-1/autograde.log"}

    worker = Worker().spawn()
    rc = worker.run({"app": "export", "cwd": "course", "argv": [...], "env": {}, "log": "export.log"}, 600)
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path


# --------------------------------------------------------------------- the parent's side

def tool_env(extra: dict | None = None) -> dict:
    """Environment for the kit's trusted helper processes: this Python's bin/ first (nbgrader
    calls ``alembic`` by name), TensorFlow logging quiet."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.update(extra or {})
    return env


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL a helper's whole process group (it was started in its own session) and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


class Worker:
    """Parent side of a long-lived trusted helper process that answers one JSON line per
    request: by default this module's :func:`main` (nbgrader apps), one per job slot,
    restarted after a kill. :meth:`spawn` starts it without waiting, so that the
    imports of several helpers overlap with each other and with the teacher's own set-up."""

    def __init__(self, argv: list[str] | None = None, preexec_fn=None):
        self.argv = argv or [sys.executable, "-m", "kitlib.grading.worker"]
        self.preexec_fn = preexec_fn
        self.proc: subprocess.Popen | None = None
        self.ready = False

    def spawn(self) -> "Worker":
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, text=True, env=tool_env(),
                                         start_new_session=True, preexec_fn=self.preexec_fn)
            self.ready = False
        return self

    def _read(self, timeout: float) -> dict | None:
        import selectors

        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                return None
        line = self.proc.stdout.readline()
        try:
            return json.loads(line) if line else None
        except ValueError:
            return None

    def request(self, message: dict, timeout: float) -> dict | None:
        """The helper's reply to ``message``, or None when it gave none within ``timeout``
        seconds or died (it is then killed, and started again by the next request)."""
        self.spawn()
        if not self.ready:
            if self._read(timeout=600) is None:
                self.close(kill=True)
                return None
            self.ready = True
        try:
            self.proc.stdin.write(json.dumps(message) + "\n")
            self.proc.stdin.flush()
        except OSError:
            self.close(kill=True)
            return None
        reply = self._read(timeout)
        if reply is None:
            self.close(kill=True)
        return reply

    def run(self, task: dict, timeout: float) -> int | None:
        """Exit status of the task, or None when it ran past ``timeout`` (the worker is then killed)."""
        reply = self.request(task, timeout)
        if reply is None or "rc" not in reply:
            self.close(kill=True)
            return None
        return int(reply["rc"])

    def close(self, kill: bool = False) -> None:
        if self.proc is None:
            return
        if kill:
            kill_group(self.proc)
        else:
            try:
                if not self.proc.stdin.closed:
                    self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except Exception:
                kill_group(self.proc)
        self.proc = None
        self.ready = False


def close_all(helpers: list[Worker]) -> None:
    """End several helpers: all are told at once, then waited for (or killed)."""
    helpers = [helper for helper in helpers if helper.proc is not None]
    for helper in helpers:
        try:
            helper.proc.stdin.close()
        except OSError:
            pass
    for helper in helpers:
        helper.close()


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
