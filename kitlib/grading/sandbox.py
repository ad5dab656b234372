"""Isolation of the student's kernel: bubblewrap plus resource limits.

While ``kit grade`` runs a submission, nbgrader (trusted, outside) talks to a
Jupyter kernel (untrusted, inside) over Unix sockets (ZeroMQ ``ipc``
transport), so the kernel can live in a bubblewrap sandbox with no network:

- the whole file system read-only, ``/tmp`` an empty tmpfs, the course folder,
  the repository's ``.git`` and every grading scratch folder hidden behind
  empty tmpfs mounts, so the gradebook, ``source/``, hidden tests and other
  submissions are neither readable nor writable;
- writable: only the submission's own working copy and the socket folder;
- new network, PID and IPC namespaces, killed with the grader (``--die-with-parent``);
- resource limits (setrlimit): address space, CPU seconds, processes, file
  size; when grading as root, the kernel also drops to user ``nobody`` so that
  the process limit holds and file permissions apply.

Where ``bwrap`` cannot start (missing, or user namespaces disabled), the
kernel runs with the resource limits only and :func:`availability` says so.

Example::

    from kitlib.grading.sandbox import availability, Limits, kernel_argv
    ok, message, fix = availability()
    argv = kernel_argv(Limits(), workdir, ipc_dir, hide=[course_dir])
    # ['bwrap', '--ro-bind', '/', '/', ..., '-m', 'kitlib.grading.sandbox', 'launch', ...]
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

NOBODY = 65534


@dataclass
class Limits:
    """Resource limits of one student kernel.

    Attributes:
        memory_mb: address-space limit (TensorFlow needs about 3 GB of address space to load).
        cpu_seconds: CPU time of the kernel process (SIGXCPU, then SIGKILL, when spent).
        processes: most processes/threads the kernel user may own (only enforced for non-root users).
        file_mb: largest file the kernel may write.
    """

    memory_mb: int = 4096
    cpu_seconds: int = 1800
    processes: int = 512
    file_mb: int = 256



def _which(name: str) -> str | None:
    return shutil.which(name)


@functools.lru_cache(maxsize=1)
def availability() -> tuple[bool, str, str]:
    """(ok, message, fix command): can kit grade isolate student code with bubblewrap here?

    Example:
        >>> ok, message, fix = availability()
    """
    bwrap = _which("bwrap")
    if not bwrap:
        return (False, "bubblewrap (bwrap) is not installed: kit grade runs student code with resource limits only",
                "sudo apt-get install -y bubblewrap")
    try:
        probe = subprocess.run(
            [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
             "--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent", "--", "true"],
            capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return (False, f"bubblewrap cannot start a sandbox ({error}): kit grade runs with resource limits only",
                "sudo sysctl -w kernel.unprivileged_userns_clone=1")
    if probe.returncode != 0:
        reason = (probe.stderr.strip().splitlines() or ["unknown error"])[-1]
        return (False, f"bubblewrap cannot start a sandbox here ({reason}): kit grade runs with resource limits only",
                "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0  # Ubuntu 24.04; on Debian: "
                "sudo sysctl -w kernel.unprivileged_userns_clone=1")
    return (True, f"bubblewrap {bwrap} isolates student code (no network, course files hidden)", "")


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def hidden_paths(course_dir: Path, scratch_root: Path) -> list[Path]:
    """Folders the student's kernel must not see: course, repository history, grading scratch."""
    paths = [Path(course_dir).resolve(), Path(scratch_root).resolve()]
    repo = _repo_root()
    for extra in (repo / ".git", repo / "course"):
        if extra.is_dir():  # a git worktree's .git is a file: tmpfs can only cover folders
            paths.append(extra)
    unique: list[Path] = []
    for path in paths:
        if path not in unique:
            unique.append(path)
    return unique


def _needed_paths() -> list[Path]:
    """Folders the kernel must still read when the grader's home is hidden (Python, venv, kitlib)."""
    paths = [Path(sys.base_prefix), Path(sys.prefix), _repo_root()]
    paths += [Path(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return [p.resolve() for p in paths if p.exists()]


def _parents_open(target: Path, mounts: list[Path]) -> list[str]:
    """``--perms 0755 --dir`` for the folders between the tmpfs mount that covers
    ``target`` and ``target`` itself (bwrap would create them 0700, closed to ``nobody``)."""
    covering = [m for m in mounts if target != m and target.is_relative_to(m)]
    if not covering:
        return []
    mount = max(covering, key=lambda m: len(m.parts))
    args: list[str] = []
    for depth in range(len(mount.parts) + 1, len(target.parts)):
        args += ["--perms", "0755", "--dir", str(Path(*target.parts[:depth]))]
    return args


def _binds(kind: str, paths: list[Path], mounts: list[Path]) -> list[str]:
    args: list[str] = []
    for path in paths:
        args += _parents_open(path, mounts) + [kind, str(path), str(path)]
    return args


def kernel_argv(limits: Limits, workdir: Path, ipc_dir: Path, hide: list[Path],
                use_bwrap: bool | None = None) -> list[str]:
    """The kernel command line (``{connection_file}`` left for jupyter_client to fill in).

    ``workdir`` (the notebook's folder) and ``ipc_dir`` (sockets and the
    connection file) are the only writable places; ``hide`` lists folders to
    cover with empty tmpfs mounts; the grader's home is hidden too, except the
    Python installation, the virtualenv and kitlib (re-bound read-only).
    """
    launcher = [sys.executable, "-m", "kitlib.grading.sandbox", "launch",
                f"--memory-mb={limits.memory_mb}", f"--cpu-seconds={limits.cpu_seconds}",
                f"--processes={limits.processes}", f"--file-mb={limits.file_mb}"]
    if use_bwrap is None:
        use_bwrap = availability()[0]
    if not use_bwrap:
        return launcher + ["--", "{connection_file}"]
    workdir, ipc_dir = Path(workdir).resolve(), Path(ipc_dir).resolve()
    home = Path.home().resolve()
    argv, mounts = _base_mounts(hide)
    argv += _binds("--bind", [ipc_dir, workdir], mounts)
    argv += ["--dir", "/tmp/home", "--chmod", "1777", "/tmp/home",
             "--setenv", "HOME", "/tmp/home", "--setenv", "MPLCONFIGDIR", "/tmp/home/.mpl",
             "--setenv", "KIT_SANDBOX", "bwrap",
             "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
             "--die-with-parent", "--new-session", "--chdir", str(workdir), "--"]
    return argv + launcher + ["--drop-privileges", "--", "{connection_file}"]


def launch(argv: list[str] | None = None) -> None:
    """Inside the sandbox: apply the limits, drop root, exec the IPython kernel.

    The connection file (written 0600 by jupyter_client) is copied readable
    into its own folder first, so that the unprivileged kernel can read it.
    """
    import argparse
    import resource

    parser = argparse.ArgumentParser(prog="kitlib.grading.sandbox launch")
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--cpu-seconds", type=int, required=True)
    parser.add_argument("--processes", type=int, required=True)
    parser.add_argument("--file-mb", type=int, required=True)
    parser.add_argument("--drop-privileges", action="store_true")
    parser.add_argument("connection_file")
    args = parser.parse_args(argv)
    connection = Path(args.connection_file)
    if args.drop_privileges and os.geteuid() == 0:
        for root, dirs, _files in os.walk(os.getcwd()):  # the working copy becomes the kernel user's
            os.chmod(root, 0o777)
        readable = connection.with_name("kernel-" + connection.name)
        shutil.copyfile(connection, readable)
        os.chmod(readable, 0o644)
        connection = readable
    mb = 1024 * 1024
    for limit, value in ((resource.RLIMIT_AS, args.memory_mb * mb), (resource.RLIMIT_CPU, args.cpu_seconds),
                         (resource.RLIMIT_FSIZE, args.file_mb * mb), (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(limit, (value, value))
    if args.drop_privileges and os.geteuid() == 0:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        # Only enforced for non-root users, hence after the switch to nobody.
        resource.setrlimit(resource.RLIMIT_NPROC, (args.processes, args.processes))
    # In a new PID namespace the kernel's parent is PID 1, which ipykernel's parent
    # poller takes for "parent exited"; bwrap --die-with-parent does that job instead.
    os.environ.pop("JPY_PARENT_PID", None)
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection)])


def _base_mounts(hide: list[Path]) -> tuple[list[str], list[Path]]:
    """bwrap arguments: read-only root, empty /tmp, the grader's home and ``hide``
    covered by tmpfs (Python, venv and kitlib re-bound); and the tmpfs mount points."""
    home = Path.home().resolve()
    argv = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    mounts = [Path("/tmp")]
    if home != Path("/") and home.exists():
        argv += ["--tmpfs", str(home)]
        mounts.append(home)
    # Python, the virtualenv and kitlib may live under a covered folder (a clone in /tmp, a
    # venv in the home): re-bind them read-only, before `hide` covers course files again.
    covered = [p for p in _needed_paths() if any(p.is_relative_to(m) for m in mounts)]
    argv += _binds("--ro-bind", covered, mounts)
    for path in hide:
        path = Path(path).resolve()
        if path.exists() and path != Path("/"):
            argv += ["--tmpfs", str(path)]
            mounts.append(path)
    return argv, mounts


def tool_sandbox_prefix(readable: Path, hide: list[Path]) -> list[str]:
    """bwrap prefix for a trusted tool that reads untrusted data (the re-check):
    no network, nothing writable, course files hidden, ``readable`` re-bound read-only."""
    readable = Path(readable).resolve()
    home = Path.home().resolve()
    argv, mounts = _base_mounts(hide)
    return argv + _binds("--ro-bind", [readable], mounts) + ["--dir", "/tmp/home",
                   "--setenv", "HOME", "/tmp/home", "--setenv", "MPLCONFIGDIR", "/tmp/home/.mpl",
                   "--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent",
                   "--new-session", "--chdir", "/tmp", "--"]


def limit_tool_process(limits: Limits):
    """A ``preexec_fn`` applying the memory and CPU limits to a tool subprocess."""
    import resource

    def apply() -> None:
        mb = 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mb,) * 2)
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds,) * 2)

    return apply


def write_kernelspec(jupyter_dir: Path, argv: list[str], name: str = "kit-sandbox") -> str:
    """Write ``jupyter_dir/kernels/<name>/kernel.json`` for this argv; returns the kernel name."""
    spec_dir = Path(jupyter_dir) / "kernels" / name
    spec_dir.mkdir(parents=True, exist_ok=True)
    # Interrupts go as a message: a signal to bwrap would not reach the sandboxed kernel.
    spec = {"argv": argv, "display_name": "Python 3 (kit sandbox)", "language": "python",
            "interrupt_mode": "message",
            "env": {"TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONDONTWRITEBYTECODE": "1"}}
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return name


if __name__ == "__main__":
    if sys.argv[1:2] == ["launch"]:
        launch(sys.argv[2:])
    else:
        ok, message, fix = availability()
        print(message + (f"\nfix: {fix}" if fix else ""))
        sys.exit(0 if ok else 1)
