"""A long-lived trusted worker that runs stock nbgrader apps (``autograde``, ``export``,
``generate_feedback``) in-process.

Starting nbgrader costs seconds of imports; ``kit grade`` therefore keeps one
worker per job slot and sends it one submission at a time as a JSON line on
stdin: ``{"cwd": scratch course, "argv": [...], "env": {...}, "log": path}``.
The worker answers ``{"rc": int}`` on its original stdout; nbgrader's own
output goes to the ``log`` file. The parent kills a worker that runs past the
per-submission limit (its sandboxed kernels die with it) and starts a new one.

Example (what :class:`kitlib.grading.grade.Worker` sends)::

    {"app": "autograde", "cwd": "/tmp/kit-grade-x/ana-1", "argv": ["mini", "--student=ana", "--force"],
     "env": {"KIT_ANSWER_DIR": "..."}, "log": "/tmp/kit-grade-x/ana-1/autograde.log"}
"""
from __future__ import annotations

import json
import os
import sys
import tempfile


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
        app.start()
    except SystemExit as stop:
        return int(stop.code or 0) if not isinstance(stop.code, str) else 1
    except Exception as error:  # nbgrader raised instead of exiting
        print(f"[kit worker] {type(error).__name__}: {error}", flush=True)
        return 1
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
