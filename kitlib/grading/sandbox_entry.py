"""The two trusted first steps of a sandboxed kernel: ``enter`` (outside) and ``launch`` (inside).

Standard library only, and always started as ``python -I -S sandbox_entry.py ...``
from ``/``: isolated mode ignores every ``PYTHON*`` variable and puts neither the
script's folder nor the working folder on ``sys.path``, ``-S`` skips site-packages
and ``.pth`` files. Nothing a student wrote can be imported or executed here.

``enter PLAN CONNECTION_FILE`` (the kernelspec's command, run by jupyter_client in the
trusted nbgrader worker): joins the submission's cgroups, sets the per-process limits,
hands the connection file (its socket path rewritten to the sandbox's own folder), the
in-sandbox plan and a minimal passwd/group to bubblewrap through pipes, and executes
bubblewrap (or, where bubblewrap cannot run, :func:`launch`'s work in this process).

``launch /kit/launch.json`` (inside bubblewrap, still root when grading as root but
with only CAP_SETUID/SETGID/CHOWN left): fills the box (the size-limited tmpfs that is
the kernel's only writable place) with the submission's files, drops to the sandbox's
unprivileged uid, and executes the IPython kernel with an explicit environment.

The plan is written by :mod:`kitlib.grading.sandbox` (see ``SandboxPlan``); this
module only reads it.

Example (what the kernelspec runs)::

    python -I -S /.../kitlib/grading/sandbox_entry.py enter /tmp/kit-grade-x/ana/sandbox/plan.json {connection_file}
"""
import ctypes  # (imported here, as root: after the drop to the sandbox's uid, the Python install may be unreadable)
import json
import os
import platform
import resource
import shutil
import stat
import sys

MB = 1024 * 1024


def _set_limit(which, value):
    """Lower a limit to ``value`` (never above an existing hard limit)."""
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def apply_limits(limits, per_process_memory=True):
    """Per-process limits; inherited by bubblewrap and everything the kernel starts.

    The address-space limit stands in for the memory limit only where the submission has no
    memory cgroup: it counts reserved, not used, memory (thread stacks, allocator arenas), so
    with a cgroup doing the real accounting it would only get in the way."""
    if per_process_memory:
        _set_limit(resource.RLIMIT_AS, limits["memory_mb"] * MB)
    _set_limit(resource.RLIMIT_CPU, limits["cpu_seconds"])
    _set_limit(resource.RLIMIT_FSIZE, limits["file_mb"] * MB)
    _set_limit(resource.RLIMIT_CORE, 0)
    _set_limit(resource.RLIMIT_NOFILE, limits.get("open_files", 1024))


def join_cgroups(procs_files):
    """Move this process (and so everything it starts) into the submission's cgroups."""
    for path in procs_files:
        fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            os.write(fd, b"0")
        finally:
            os.close(fd)


def _data_fd(data):
    """A readable pipe holding ``data`` (small: fits the pipe buffer), inheritable."""
    read_end, write_end = os.pipe()
    view = memoryview(data)
    while view:
        view = view[os.write(write_end, view):]
    os.close(write_end)
    os.set_inheritable(read_end, True)
    return read_end


def drop_privileges(uid, gid, processes):
    """Become the sandbox's unprivileged user (only when running as root), then limit processes."""
    if uid is not None and os.geteuid() == 0:
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
        if os.geteuid() == 0 or os.getuid() == 0:  # pragma: no cover - refuse rather than run as root
            raise SystemExit("kit sandbox: could not drop root privileges")
    if processes and os.getuid() != 0 and uid is not None:
        # Counts per user: the sandbox's uid is unique to this job slot.
        _set_limit(resource.RLIMIT_NPROC, processes)


def _copy_files(source, target, uid, gid):
    """Copy the (trusted, regular-file-only) staging tree into the box."""
    for root, dirs, files in os.walk(source):
        rel = os.path.relpath(root, source)
        dest_dir = target if rel == "." else os.path.join(target, rel)
        os.makedirs(dest_dir, exist_ok=True)
        for name in files:
            src = os.path.join(root, name)
            if not stat.S_ISREG(os.lstat(src).st_mode):
                continue
            shutil.copyfile(src, os.path.join(dest_dir, name), follow_symlinks=False)


def _chown_tree(path, uid, gid):
    for root, dirs, files in os.walk(path):
        os.lchown(root, uid, gid)
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, gid)


def fill_box(plan):
    """The box: the kernel's working folder (with the submission's files), home, /tmp, answers."""
    box, uid, gid = plan["box"], plan.get("uid"), plan.get("gid")
    for sub, mode in (("work", 0o755), (".tmp", 0o1777), (".kit", 0o755), (".kit/answers", 0o755),
                      (".kit/ipc", 0o755)):
        path = os.path.join(box, sub)
        os.makedirs(path, exist_ok=True)
        os.chmod(path, mode)
    if plan.get("files") and os.path.isdir(plan["files"]):
        _copy_files(plan["files"], os.path.join(box, "work"), uid, gid)
    # The grader waits for this token before it takes hold of the box (see execute.SandboxKernelManager).
    ready = os.path.join(box, ".kit", "ready")
    fd = os.open(ready, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o444)
    os.write(fd, plan["token"].encode())
    os.close(fd)
    if uid is not None and os.geteuid() == 0:
        _chown_tree(box, uid, gid)


KEYCTL = {"x86_64": 250, "aarch64": 219, "ppc64le": 271, "s390x": 280}
KEYCTL_JOIN_SESSION_KEYRING = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2


_LIBC = []


def _libc():
    if not _LIBC:
        _LIBC.append(ctypes.CDLL(None, use_errno=True))
    return _LIBC[0]


def fresh_keyring():
    """Join a new, empty session keyring (nothing another submission's kernel stored is in it)."""
    number = KEYCTL.get(platform.machine())
    if number is not None:
        _libc().syscall(number, KEYCTL_JOIN_SESSION_KEYRING, None)


def load_seccomp(program):
    """Load a compiled seccomp filter (classic BPF, from kitlib.grading.sandbox_seccomp) on this
    process and all it will start: ``no_new_privs``, then ``PR_SET_SECCOMP``. Raises OSError."""

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]

    libc = _libc()
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_char_p))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")


def confine(plan):
    """The last step before the kernel: a fresh session keyring, then the seccomp filter (when the
    plan has one; a filter that cannot be loaded stops the kernel: the grader probed it first)."""
    fresh_keyring()
    program = plan.get("seccomp")
    if program:
        try:
            load_seccomp(bytes.fromhex(program))
        except OSError as error:  # pragma: no cover - kit grade probes the filter before it plans kernels
            raise SystemExit(f"kit sandbox: the seccomp filter could not be loaded ({error})")


def probe_seccomp():
    """``sandbox_entry.py probe-seccomp`` (the teacher's side, once per run): load the filter read
    from stdin, then check that keyctl and io_uring_setup are refused. Exit status 0: it works."""
    load_seccomp(sys.stdin.buffer.read())
    libc = _libc()
    calls = {"x86_64": (250, 425), "aarch64": (219, 425)}.get(platform.machine())
    if calls is None:
        return 0
    for number in calls:
        if libc.syscall(number, 0, 0, 0, 0) != -1 or ctypes.get_errno() not in (1, 38):  # EPERM, ENOSYS
            return 3
    return 0


def exec_kernel(plan):
    """Replace this process by the kernel, in the working folder, with the plan's environment only
    (confined first: :func:`confine`)."""
    confine(plan)
    os.chdir(plan["workdir"])
    argv = plan["kernel_argv"]
    os.execve(argv[0], argv, plan["env"])


def launch(plan_path):
    """Inside the sandbox: fill the box, drop privileges, execute the kernel (or, with a warm
    kernel, keep the sandbox alive while it runs)."""
    os.chdir("/")
    with open(plan_path, encoding="utf-8") as handle:
        plan = json.load(handle)
    fill_box(plan)
    drop_privileges(plan.get("uid"), plan.get("gid"), plan.get("processes"))
    if plan.get("inject"):
        wait_for_warm_kernel(plan)  # returns only when the kernel must start cold
    exec_kernel(plan)


def wait_for_warm_kernel(plan, timeout=120.0):
    """A warm kernel (kitlib.grading.warm) enters this sandbox's namespaces from the slot's
    warm process; wait for it (the first process besides this one whose parent is init: it
    arrives as an orphan of this namespace), then for its end, then exit (the sandbox ends
    with this process). Returns, so that the kernel starts the usual way, when the grader
    writes ``.kit/cold`` or no kernel came in ``timeout`` s."""
    import select
    import time

    me, cold = os.getpid(), os.path.join(plan["box"], ".kit", "cold")
    deadline = time.monotonic() + timeout
    kernel = None
    while kernel is None:
        if os.path.exists(cold) or time.monotonic() > deadline:
            return
        for name in os.listdir("/proc"):
            if name.isdigit() and int(name) not in (1, me) and _parent(int(name)) == 1:
                kernel = int(name)
                break
        else:
            time.sleep(0.005)
    try:
        fd = os.pidfd_open(kernel)
        select.select([fd], [], [])
    except (AttributeError, OSError):
        while os.path.exists(f"/proc/{kernel}"):
            time.sleep(0.05)
    os._exit(0)


def _parent(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return int(handle.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def tool(uid, box, argv):
    """Inside a trusted tool's sandbox (the re-check server): a private /tmp, the tool's own
    unprivileged uid (when root), then the tool with the environment bubblewrap set."""
    os.chdir("/")
    if uid >= 0 and os.geteuid() == 0:
        os.chown(box, uid, uid)
        drop_privileges(uid, uid, None)
    os.execve(argv[0], argv, dict(os.environ))


def enter(plan_path, connection_file, extra_args=()):
    """Outside the sandbox (see the module docstring). ``extra_args``: the kernel options
    jupyter_client appends (nbgrader's ``--HistoryManager.hist_file=:memory:``)."""
    os.chdir("/")
    with open(plan_path, encoding="utf-8") as handle:
        plan = json.load(handle)
    join_cgroups(plan.get("cgroup_procs", []))
    apply_limits(plan["limits"], per_process_memory=not plan.get("cgroup_procs"))
    with open(connection_file, encoding="utf-8") as handle:
        connection = json.load(handle)
    launch_plan = plan["launch"]
    launch_plan["kernel_argv"] = list(launch_plan["kernel_argv"]) + [
        arg for arg in extra_args if arg.startswith("--") and "=" in arg]
    for name in plan.get("pass_env", []):
        if name in os.environ:
            launch_plan["env"][name] = os.environ[name]
    if plan["mode"] != "bwrap":
        # No bubblewrap here: limits, cgroups and the unprivileged uid only (kit doctor says so).
        fill_box(launch_plan)
        fd = os.open(launch_plan["connection"], os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        os.write(fd, json.dumps(connection).encode())
        os.close(fd)
        drop_privileges(launch_plan.get("uid"), launch_plan.get("gid"), launch_plan.get("processes"))
        exec_kernel(launch_plan)
    connection["ip"] = plan["ipc_inside"]
    info = os.open(plan["info_file"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    os.set_inheritable(info, True)
    argv = list(plan["bwrap"])
    for data, target in ((json.dumps(connection).encode(), launch_plan["connection"]),
                         (json.dumps(launch_plan).encode(), plan["launch_inside"]),
                         (plan["passwd"].encode(), "/etc/passwd"),
                         (plan["group"].encode(), "/etc/group")):
        argv += ["--perms", "0444", "--ro-bind-data", str(_data_fd(data)), target]
    argv += ["--info-fd", str(info), "--remount-ro", "/", "--"] + plan["launcher"]
    os.execve(argv[0], argv, {})  # nothing of the grader's environment goes into the sandbox, not even to PID 1


def main(argv):
    if argv[:1] == ["enter"] and len(argv) >= 3:
        enter(argv[1], argv[2], argv[3:])
    elif argv[:1] == ["launch"] and len(argv) == 2:
        launch(argv[1])
    elif argv[:1] == ["probe-seccomp"]:
        return probe_seccomp()
    elif argv[:1] == ["tool"] and len(argv) >= 5 and argv[3] == "--":
        tool(int(argv[1]), argv[2], argv[4:])
    else:
        sys.stderr.write("usage: sandbox_entry.py enter PLAN CONNECTION_FILE [KERNEL OPTION ...] | launch PLAN"
                         " | tool UID BOX -- COMMAND ...\n")
        return 2
    return 1  # only reached when exec failed


def entry_script() -> str:
    """This file's path, as the kit runs it (``python -I -S <path> enter|launch|tool|probe-seccomp ...``).

    Example::

        subprocess.run([sys.executable, "-I", "-S", entry_script(), "probe-seccomp"], input=program)
    """
    return os.path.realpath(__file__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
