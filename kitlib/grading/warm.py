"""Warm kernels: each job slot keeps one process that has imported TensorFlow, Keras,
ipykernel and kitlib once, and forks a fresh kernel per notebook into that notebook's
own sandbox.

Most of a chapter's grading time used to be a new Python importing TensorFlow (about 4 s)
before the first cell. The sandbox itself does not change (:mod:`kitlib.grading.sandbox`):
bubblewrap still builds every notebook's namespaces, allow-listed read-only mounts,
size-limited box and cgroup, and its trusted launcher still fills the box and drops to
the slot's unprivileged uid. Only the last step differs:

1. The launcher (:func:`kitlib.grading.sandbox_entry.launch`, plan ``"inject": true``)
   fills the box, drops privileges and, instead of executing a new Python, waits for the
   kernel to appear in its PID namespace, then for it to end (it keeps the sandbox alive).
2. The grader (:class:`kitlib.grading.execute.SandboxKernelManager`), once the box is
   ready and held, asks the slot's **zygote** (:func:`request_kernel`) for a kernel in the
   sandbox whose PID 1 bubblewrap reported.
3. The zygote never reads a request itself: for each connection it forks a handler
   (:func:`_handle`), so no request of one submission is ever in the memory that the next
   submission's kernel is forked from. The handler joins the submission's cgroups, sets the
   per-process limits, enters the sandbox's namespaces (``setns``: IPC, UTS, network, PID,
   cgroup, mount: the root becomes the sandbox's), and forks twice: the kernel is an orphan
   of the sandbox's namespace, so its parent is the sandbox's init (as for a kernel the
   launcher starts, ``os.getppid()`` is 1). The
   kernel reads the launch plan that the launcher got (``/kit/launch.json``), drops every
   capability from its bounding set, sets ``no_new_privs``, starts a new session, drops to
   the slot's uid, takes the plan's environment and working folder, reseeds the unseeded
   generators from the OS (as a new process would be) and starts ipykernel.
4. If anything in 2-3 fails, the grader writes ``.kit/cold`` into the box and the launcher
   starts the kernel the usual way (a cold kernel): a submission never pays for a warm
   kernel that did not come.

What a forked kernel shares with the zygote: the imported modules (TensorFlow, Keras,
NumPy, ipykernel, IPython, kitlib), in the state their import left them, never anything of
another submission (the zygote runs no student code and holds no request). TensorFlow's
runtime (eager context, thread pools) starts in the kernel, as in a new process. Pages the
kernel only reads stay shared with the zygote (copy-on-write) and are counted in the
zygote's cgroup, not the submission's: the submission's memory limit counts what its
kernel writes. Output TensorFlow's C++ would print at import goes to the zygote's
``/dev/null``, not into the notebook (``kitlib.setup()`` silences it in cold kernels too).

Requirements: grading as root with bubblewrap (``setns`` needs ``CAP_SYS_ADMIN``); without
them every kernel is cold. ``KIT_WARM_KERNELS=0`` turns warm kernels off.

Example::

    zygote = Zygote(folder).spawn()                  # one per job slot; imports now, in the background
    plan = sandbox.plan_kernel(..., zygote=str(zygote.socket_path))
    ok, why = request_kernel(plan["zygote"], sandbox_pid, plan)   # in the kernel manager
"""
from __future__ import annotations

import ctypes
import json
import os
import select
import socket
import sys
import time
from pathlib import Path

from kitlib.grading.helper_process import HelperProcess

REQUEST_BYTES = 1 << 20
NAMESPACES = ("ipc", "uts", "net", "pid", "cgroup", "mnt")  # mnt last: it changes the root
PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
READY_TIMEOUT = 300.0
INJECT_TIMEOUT = 60.0


def enabled() -> bool:
    """Whether this machine can fork warm kernels into sandboxes (root, bubblewrap, not turned off)."""
    from kitlib.grading import sandbox

    if os.environ.get("KIT_WARM_KERNELS", "1") == "0":
        return False
    return hasattr(os, "geteuid") and os.geteuid() == 0 and sandbox.availability()[0]


# --------------------------------------------------------------------- the grader's side

def zygote_argv(socket_dir: Path) -> list[str]:
    """The zygote's command: bubblewrap with the kernels' read-only allow-list (so that imports
    see the same paths and data caches a kernel sees), the host's PID view and the cgroup file
    system (to enter sandboxes and cgroups), its socket folder, no network; still root with its
    capabilities (``setns``)."""
    from kitlib.grading import sandbox

    data_args, data_env = sandbox.data_cache_mounts()
    env = sandbox.kernel_env(data_env)
    argv = [sandbox._which("bwrap") or "bwrap", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--die-with-parent", "--new-session", "--clearenv", "--cap-add", "ALL",
            *sandbox.private_tmp(64 << 20), *sandbox.read_only_mounts(), *data_args, "--proc", "/proc",
            "--dev", "/dev", "--tmpfs", sandbox.BOX, "--bind", str(socket_dir), str(socket_dir)]
    if Path("/sys/fs/cgroup").is_dir():
        argv += ["--bind", "/sys/fs/cgroup", "/sys/fs/cgroup"]
    for name, value in sorted(env.items()):
        argv += ["--setenv", name, value]
    argv += ["--remount-ro", "/", "--chdir", "/", "--", sys.executable, "-I", "-c",
             sandbox.python_boot(f"from kitlib.grading.warm import serve; serve({str(socket_dir / 'zygote.sock')!r})")]
    return sandbox.open_parents(argv)


class Zygote(HelperProcess):
    """A job slot's warm process (the parent's side; see the module docstring).

    Its Unix socket lives in ``folder`` (made 0700: only the grader reaches it)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.socket_path = self.folder / "zygote.sock"
        super().__init__(zygote_argv(self.folder))

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> bool:
        """True once the zygote has imported everything and listens."""
        self.spawn()
        if not self.ready:
            if self._read(timeout) is None:
                self.close(kill=True)
                return False
            self.ready = True
        return True


def request_kernel(socket_path: str, sandbox_pid: int, plan: dict, timeout: float = INJECT_TIMEOUT) -> tuple[bool, str]:
    """Ask a zygote for a kernel in the sandbox whose PID 1 is ``sandbox_pid`` (host view);
    (True, kernel pid) or (False, why). Waits for a zygote still importing."""
    request = json.dumps({"pid": int(sandbox_pid), "cgroup_procs": list(plan.get("cgroup_procs") or []),
                          "limits": plan["limits"]}).encode() + b"\n"
    deadline = time.monotonic() + max(timeout, READY_TIMEOUT)
    while True:
        try:
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.settimeout(timeout)
            conn.connect(socket_path)
            break
        except OSError as error:
            conn.close()
            if time.monotonic() > deadline:
                return False, f"no warm process to ask ({error})"
            time.sleep(0.05)
    try:
        conn.sendall(request)
        reply = b""
        while not reply.endswith(b"\n") and len(reply) < 4096:
            chunk = conn.recv(4096)
            if not chunk:
                break
            reply += chunk
    except OSError as error:
        return False, f"the warm process did not answer ({error})"
    finally:
        conn.close()
    try:
        answer = json.loads(reply)
    except ValueError:
        return False, "the warm process gave no answer"
    if answer.get("ok"):
        return True, str(answer.get("pid"))
    return False, str(answer.get("error", "refused"))[:300]


# --------------------------------------------------------------------- the zygote

_libc = None


def _libc_call():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _setns(fd: int, name: str) -> None:
    if _libc_call().setns(fd, 0) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"setns({name}): {os.strerror(error)}")


def _prctl(option: int, value: int) -> None:
    if _libc_call().prctl(option, ctypes.c_ulong(value), 0, 0, 0) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"prctl({option}, {value}): {os.strerror(error)}")


def _drop_bounding_set() -> None:
    """Every capability out of the bounding set (bubblewrap's --cap-drop ALL does the same)."""
    try:
        last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    except (OSError, ValueError):
        last = 40
    for cap in range(last + 1):
        try:
            _prctl(PR_CAPBSET_DROP, cap)
        except OSError:
            pass


def _preload() -> None:
    """What every notebook imports first, imported once (no TensorFlow op runs here: its
    runtime and thread pools start in each kernel, as in a new process)."""
    import ipykernel.kernelapp  # noqa: F401 - the kernel itself

    from kitlib.environment import quiet_environment, silenced_stderr_fd

    quiet_environment()
    with silenced_stderr_fd():
        import numpy  # noqa: F401
        import tensorflow  # noqa: F401
        import keras  # noqa: F401

        import kitlib  # noqa: F401
        import kitlib.exercises  # noqa: F401


def serve(socket_path: str) -> int:
    """The zygote's loop (inside its bubblewrap, see :func:`zygote_argv`)."""
    reply = os.fdopen(os.dup(1), "w", buffering=1)
    quiet = os.open(os.devnull, os.O_RDWR)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    os.close(quiet)
    _preload()
    try:
        os.unlink(socket_path)
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    os.chmod(socket_path, 0o600)
    listener.listen(16)
    reply.write(json.dumps({"ready": True}) + "\n")
    reply.flush()
    while True:
        readable, _, _ = select.select([listener, sys.stdin], [], [], 1.0)
        _reap()
        if sys.stdin in readable and not os.read(sys.stdin.fileno(), 4096):
            break  # the slot closed its end: the zygote's work is over
        if listener in readable:
            conn, _ = listener.accept()
            pid = os.fork()
            if pid == 0:
                listener.close()
                _handle(conn)  # never returns
            conn.close()  # the parent never reads a request (see the module docstring)
    os._exit(0)


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _handle(conn: socket.socket) -> None:
    """One request, in a fork of the zygote: enter the sandbox, fork the kernel, answer."""
    code = 1
    try:
        conn.settimeout(30)
        data = b""
        while not data.endswith(b"\n") and len(data) < REQUEST_BYTES:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
        request = json.loads(data)
        kernel = _enter(int(request["pid"]), list(request.get("cgroup_procs") or []), request["limits"])
        conn.sendall(json.dumps({"ok": True, "pid": kernel}).encode() + b"\n")
        code = 0
    except BaseException as error:  # noqa: BLE001 - the grader falls back to a cold kernel
        try:
            conn.sendall(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"}).encode() + b"\n")
        except OSError:
            pass
    finally:
        os._exit(code)


def _enter(sandbox_pid: int, cgroup_procs: list[str], limits: dict) -> int:
    """Join the cgroups, take the limits, enter the namespaces, fork the kernel; its pid."""
    from kitlib.grading import sandbox_entry

    sandbox_entry.join_cgroups(cgroup_procs)
    sandbox_entry.apply_limits(limits, per_process_memory=not cgroup_procs)
    handles = {name: f"/proc/{sandbox_pid}/ns/{name}" for name in NAMESPACES}
    fds = {name: os.open(path, os.O_RDONLY | os.O_CLOEXEC) for name, path in handles.items()}
    try:
        for name in NAMESPACES:
            _setns(fds[name], name)
    finally:
        for fd in fds.values():
            os.close(fd)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the first process inside the sandbox's PID namespace
        os.close(read_end)
        if os.fork() == 0:
            _become_kernel(write_end)  # never returns
        # Exiting now makes the kernel an orphan of this namespace, so its init (PID 1 of the
        # sandbox) becomes its parent, as for a kernel the launcher starts: os.getppid() is 1,
        # and a kernel that signals its parent reaches the protected init, not its own group.
        os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as pipe:
        status = pipe.read(4096)
    if not status.startswith(b"ok "):
        raise RuntimeError(status.decode("utf-8", "replace") or "the kernel did not start")
    return int(status[3:])


def _become_kernel(status_fd: int) -> None:
    """Inside the sandbox's namespaces, still root: become the notebook's kernel."""
    try:
        from kitlib.grading import sandbox, sandbox_entry

        os.setsid()
        os.chdir("/")
        with open(sandbox.LAUNCH_INSIDE, encoding="utf-8") as handle:
            plan = json.load(handle)
        devnull = os.open("/dev/null", os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.closerange(3, status_fd)
        os.closerange(status_fd + 1, 65536)
        _drop_bounding_set()
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        sandbox_entry.drop_privileges(plan.get("uid"), plan.get("gid"), plan.get("processes"))
        sandbox_entry.confine(plan)  # a fresh session keyring, the seccomp filter: as a cold kernel
        os.chdir(plan["workdir"])
        os.environ.clear()
        os.environ.update(plan["env"])
        argv = list(plan["kernel_argv"])
        options = argv[argv.index("-c") + 2:] if "-c" in argv else ["-f", sandbox.CONNECTION_INSIDE]
        os.write(status_fd, f"ok {os.getpid()}".encode())
        os.close(status_fd)
    except BaseException as error:  # noqa: BLE001 - told to the handler, which tells the grader
        try:
            os.write(status_fd, f"{type(error).__name__}: {error}".encode()[:4000])
        finally:
            os._exit(1)
    code = 0
    try:
        import importlib
        import random

        import numpy

        importlib.invalidate_caches()  # /kit/modules exists here, not where the zygote imported
        random.seed()                  # as a new process: unseeded generators start from the OS
        numpy.random.seed()
        sys.argv = ["ipykernel_launcher", *options]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=options)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)


__all__ = ["Zygote", "enabled", "request_kernel", "serve", "zygote_argv"]
