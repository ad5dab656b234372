"""The kit's long-lived trusted helper processes, parent side: start one, send it a JSON line, read its
JSON reply, kill it (with its whole process group) when it runs past a limit.

:class:`HelperProcess` is the base of the three helpers ``kit grade`` keeps per job slot: the nbgrader
app runner (:class:`kitlib.grading.worker.Worker`), the trusted re-check server
(:class:`kitlib.grading.verify.Verifier`) and the warm kernel zygote (:class:`kitlib.grading.warm.Zygote`).
(Not to be confused with ``kit worker``, a machine that grades for a Dask scheduler:
:mod:`kitlib.grading.cluster`.)

The protocol: the helper writes one line (``{"ready": true}``) once it has paid its imports, then
answers each request line with one reply line.

Example::

    helper = HelperProcess([sys.executable, "-m", "kitlib.grading.worker"]).spawn()
    helper.request({"app": "export", "cwd": "course", "argv": [], "env": {}, "log": "x.log"}, 600)  # {"rc": 0}
    close_all([helper])
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path


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


class HelperProcess:
    """Parent side of a long-lived trusted helper process that answers one JSON line per
    request (``argv``: its command line), restarted after a kill. :meth:`spawn` starts it without
    waiting, so that the imports of several helpers overlap with each other and with the teacher's
    own set-up."""

    def __init__(self, argv: list[str], preexec_fn=None):
        self.argv = argv
        self.preexec_fn = preexec_fn
        self.proc: subprocess.Popen | None = None
        self.ready = False

    def spawn(self) -> "HelperProcess":
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


def close_all(helpers: list[HelperProcess]) -> None:
    """End several helpers: all are told at once, then waited for (or killed)."""
    helpers = [helper for helper in helpers if helper.proc is not None]
    for helper in helpers:
        try:
            helper.proc.stdin.close()
        except OSError:
            pass
    for helper in helpers:
        helper.close()
