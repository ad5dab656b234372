"""Isolation of the student's kernel: what student code can read, write, reach and use.

While ``kit grade`` runs a submission, nbgrader (trusted, outside) talks to a Jupyter
kernel (untrusted, inside) over the kernel protocol (ZeroMQ on Unix sockets), so the
kernel lives in a bubblewrap sandbox built from an allow-list:

- **Never root, no capabilities.** Grading as root, bubblewrap starts the sandbox with
  every capability dropped but SETUID/SETGID/CHOWN, and the trusted launcher
  (:mod:`kitlib.grading.sandbox_entry`, ``python -I -S``, started from ``/``) hands the
  box to the job slot's own unprivileged uid and drops to it before the kernel starts;
  grading as a normal user, an unprivileged user namespace does the same. Python runs
  isolated (``-I``): no ``PYTHON*`` variables, no working folder on ``sys.path`` at start-up.
- **Reads** only what is mounted, read-only: ``/usr`` (system libraries), Python, the
  virtualenv, the ``kitlib`` package, the exercise modules named by
  ``KIT_EXERCISE_MODULES``, Keras' and the kit's data caches, and the submission's own
  files (copied into the box). Not mounted: the course (source, release, gradebook,
  hidden checks, other students), the grading scratch folders (the notebook being
  executed and the scratch gradebook: nbgrader sends the cells over the protocol), the
  home folders, ``/etc`` beyond the dynamic linker's files, ``/sys``, ``/run``.
- **Writes** only the box: one size-limited tmpfs (``--size``) at ``/home/student``
  holding the working folder, home, the recorded answers and the kernel's sockets, and
  a private ``/tmp`` of the same size (its own tmpfs, mounted *under* the allow-list, so
  that a kit or virtualenv that itself lives below ``/tmp``, as in a fresh CI clone,
  stays visible). Nothing the kernel does reaches the grader's disk; the grader reads the
  recorded answers out of the box, after every process of the sandbox is dead,
  through a descriptor it opened before any student code ran, without following links.
- **Reaches**: no network (own network namespace: only a down loopback), no host Unix
  sockets (nothing of the host's ``/run`` or ``/tmp`` is mounted; abstract sockets are
  per network namespace), own PID, IPC and UTS namespaces.
- **Uses**: a cgroup per sandbox (:mod:`kitlib.grading.cgroups`) caps memory (the tmpfs
  pages included) and processes/threads of the whole submission; per process: address
  space, CPU seconds, file size, open files, no core dumps. When the kernel shuts down,
  the PID namespace ends every process the notebook left behind, and the cgroup is
  emptied and removed.

Where a mechanism is missing the kernel still gets what remains, and :func:`findings`
(``kit doctor``, the first line of ``kit grade``) says what is missing and how to fix it.

Example::

    from kitlib.grading.sandbox import availability, Limits
    ok, message, fix = availability()
    Limits().describe()      # ['memory 4096 MB per submission (tmpfs included)', ...]
"""
from __future__ import annotations

import functools
import json
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from kitlib.grading.sandbox_entry import entry_script

NOBODY = 65534
BOX = "/home/student"
CONNECTION_INSIDE = "/kit/connection.json"
LAUNCH_INSIDE = "/kit/launch.json"
FILES_INSIDE = "/kit/files"
MODULES_INSIDE = "/kit/modules"
DATA_INSIDE = {"keras": "/kit/data/keras", "kitlib": "/kit/data/kitlib"}
ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime")
UID_BASE = 1_900_000_000  # sandbox uids: far from any real account, one per job slot and run


# The per-cell limit's two endings, in the cell's error (kitlib.grading.execute.SandboxedExecute) and read
# back by the report (kitlib.grading.submission.notebook_problems): the submission's own CPU time spent, or
# the wall-clock backstop reached after using at least the limit in CPU time (both count), or the backstop
# reached without that (the run is repeated once: maybe the machine).
CPU_LIMIT_TEXT = "the cell used {used:.0f} s of CPU time, over its per-cell limit of {limit:.0f} s: stopped"
OWN_WORK_TEXT = "stopped at the per-cell limit, busy with its own work all along"
WALL_BACKSTOP_TEXT = ("stopped at the {wall:.0f} s wall-clock backstop without having used its CPU time "
                      "(waiting, or a busy machine)")


@dataclass(frozen=True)
class Limits:
    """Resource limits of one submission (the values ``kit grade`` states in its report).

    Attributes:
        memory_mb: memory of the whole submission, its in-memory files included (cgroup); where
            there is no memory cgroup, the address space of each process instead (TensorFlow needs
            about 3 GB of address space to load).
        cpu_seconds: CPU time of each process (SIGXCPU, then SIGKILL, when spent).
        processes: processes and threads of the whole submission (cgroup; without cgroups, per
            job slot's uid).
        file_mb: largest file a process may write.
        disk_mb: size of the box (working folder, home), in memory; /tmp gets as much again.
        answers_mb: room for the answers the grade cells record, in memory, apart from the box
            (filling the working folder must not stop the answers from being recorded).
        shm_mb: size of /dev/shm.
        open_files: open files per process.
        output_cell_mb: outputs kept per cell (the rest is cut, with a note).
        output_total_mb: outputs kept per notebook.
    """

    memory_mb: int = 4096
    cpu_seconds: int = 1800
    processes: int = 512
    file_mb: int = 256
    disk_mb: int = 1024
    answers_mb: int = 512
    shm_mb: int = 64
    open_files: int = 1024
    output_cell_mb: int = 4
    output_total_mb: int = 32

    def describe(self, sandboxed: bool = True, cgroups: bool = True) -> list[str]:
        """One phrase per limit, for the report and the instructor guide."""
        memory = (f"memory {self.memory_mb} MB per submission (its files in memory included)" if cgroups
                  else f"memory {self.memory_mb} MB of address space per process")
        processes = (f"{self.processes} processes and threads per submission" if cgroups
                     else f"{self.processes} processes and threads per job slot's uid")
        space = (f"working space {self.disk_mb} MB and /tmp {self.disk_mb} MB (answers {self.answers_mb} MB apart), "
                 f"/dev/shm {self.shm_mb} MB, "
                 f"files up to {self.file_mb} MB" if sandboxed
                 else f"files up to {self.file_mb} MB each (no limit on the working space without bubblewrap)")
        return [memory, processes, f"{self.cpu_seconds} s of CPU per process", space,
                f"outputs kept: {self.output_cell_mb} MB per cell, {self.output_total_mb} MB per notebook"]


# --------------------------------------------------------------------- what this machine offers

def _which(name: str) -> str | None:
    return shutil.which(name)


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _privilege_args() -> list[str]:
    """bwrap arguments that make the sandbox unprivileged (see the module docstring)."""
    if _is_root():
        return ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                "--cap-add", "CAP_CHOWN"]
    return ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]


@functools.lru_cache(maxsize=1)
def availability() -> tuple[bool, str, str]:
    """(ok, message, fix command): can kit grade isolate student code with bubblewrap here?

    Probes the sandbox as ``kit grade`` builds it (namespaces, unprivileged user, sized tmpfs).

    Example:
        >>> ok, message, fix = availability()
    """
    bwrap = _which("bwrap")
    if not bwrap:
        return (False, "bubblewrap (bwrap) is not installed: kit grade runs student code with resource limits only",
                "sudo apt-get install -y bubblewrap")
    probe = [bwrap, *_privilege_args(), "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
             "--die-with-parent", "--new-session", *_system_mounts(), "--proc", "/proc", "--dev", "/dev",
             "--size", str(1 << 20), "--tmpfs", BOX, "--remount-ro", "/", "--", "/bin/true"]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return (False, f"bubblewrap cannot start a sandbox ({error}): kit grade runs with resource limits only",
                "sudo sysctl -w kernel.unprivileged_userns_clone=1")
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["unknown error"])[-1]
        return (False, f"bubblewrap cannot start a sandbox here ({reason}): kit grade runs with resource limits only",
                "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0  # Ubuntu 24.04; on Debian: "
                "sudo sysctl -w kernel.unprivileged_userns_clone=1; bubblewrap >= 0.8 is needed for --size")
    who = ("as root: capabilities dropped, each job slot's own unprivileged uid" if _is_root()
           else "in an unprivileged user namespace")
    return (True, f"bubblewrap {bwrap} isolates student code ({who}; no network; allow-listed read-only files; "
                  f"a size-limited tmpfs as the only writable place)", "")


@functools.lru_cache(maxsize=1)
def cgroup_support():
    """This machine's :class:`kitlib.grading.cgroups.CgroupSupport` (probed once)."""
    from kitlib.grading import cgroups

    return cgroups.detect()


def findings() -> list[tuple[str, str, str, str]]:
    """(area, "ok" | "warn", detail, fix) for each isolation mechanism: ``kit doctor``'s lines,
    and the first lines ``kit grade`` prints (and puts in its reports)."""
    ok, message, fix = availability()
    who = "the job slot's own unprivileged uid" if _is_root() else "your own user"
    if ok:
        rows = [("grading isolation", "ok", message, "")]
    else:
        rows = [("grading isolation", "warn",
                 f"{message}. kit grade still grades, but student code then runs on this machine's file system as "
                 f"{who}, with resource limits only: it can read every file that user may read (a course folder "
                 "readable by others included), use the network and see other processes",
                 f"{fix}; until then keep the course folder private: chmod -R go-rwx COURSE")]
    support = cgroup_support()
    if support.ok:
        cpu = ", and each gets an equal share of the CPUs" if "cpu" in support.parents else ""
        rows.append(("grading limits", "ok", f"{support.message}: memory (its in-memory files included) and "
                     f"processes are counted per submission{cpu}", ""))
    else:
        fallback = ("per process (memory) and per job slot's uid (processes)" if _is_root()
                    else "per process (memory); no process limit without root")
        rows.append(("grading limits", "warn", f"{support.message}: limits fall back to {fallback}; a fork or "
                     "memory bomb split across processes may slow the submissions graded at the same time",
                     support.fix))
    from kitlib.grading import sandbox_seccomp

    filtered, detail = sandbox_seccomp.status()
    if filtered:
        rows.append(("grading system calls", "ok", detail, ""))
    else:
        rows.append(("grading system calls", "warn", f"{detail}: student kernels start without the seccomp filter, "
                     "so submissions graded one after another in a job slot could pass data through the slot "
                     "uid's kernel keyrings, and io_uring, ptrace and new namespaces stay open to them",
                     "install libseccomp2 (sudo apt-get install -y libseccomp2) and the pyseccomp package"))
    return rows


# --------------------------------------------------------------------- the allow-list

def _system_mounts() -> list[str]:
    """/usr and the dynamic linker's files, read-only; /bin, /lib... as on the host."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ETC_FILES:
        if os.path.exists(name):
            args += ["--ro-bind", name, name]
    return args


_DEST_2 = {"--bind", "--ro-bind", "--bind-try", "--ro-bind-try", "--dev-bind", "--dev-bind-try", "--symlink",
           "--ro-bind-data", "--bind-data", "--file", "--ro-bind-fd", "--bind-fd"}
_DEST_1 = {"--tmpfs", "--dir", "--proc", "--dev", "--mqueue"}
_MODIFIERS = {"--perms", "--size"}
_OTHER_2 = {"--setenv", "--chmod"}
_OTHER_1 = {"--uid", "--gid", "--hostname", "--chdir", "--cap-add", "--cap-drop", "--info-fd", "--json-status-fd",
            "--unsetenv", "--remount-ro", "--args", "--userns", "--userns2", "--pidns", "--seccomp",
            "--add-seccomp-fd", "--block-fd", "--userns-block-fd", "--sync-fd", "--lock-file", "--exec-label",
            "--file-label"}


def open_parents(argv: list[str]) -> list[str]:
    """``argv`` with ``--perms 0755 --dir`` for every folder bubblewrap would otherwise create
    itself on the way to a mount point (it makes them 0700: closed to the unprivileged user).
    Simulates the mount table: a mount hides what was made under its path before."""
    out: list[str] = []
    made: set[str] = {"/"}
    i = 0
    pending_start = None  # where the modifiers of the next operation begin
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            out += argv[i:]
            break
        if arg in _MODIFIERS:
            if pending_start is None:
                pending_start = len(out)
            out += argv[i:i + 2]
            i += 2
            continue
        if arg in _DEST_2 or arg in _DEST_1:
            width = 3 if arg in _DEST_2 else 2
            dest = argv[i + width - 1]
            parents = [str(p) for p in reversed(Path(dest).parents) if str(p) not in made]
            insert = []
            for parent in parents:
                insert += ["--perms", "0755", "--dir", parent]
                made.add(parent)
            at = pending_start if pending_start is not None else len(out)
            out[at:at] = insert
            out += argv[i:i + width]
            if arg != "--dir":
                made = {m for m in made if not m.startswith(dest.rstrip("/") + "/")}
            made.add(dest)
            pending_start = None
            i += width
            continue
        width = 3 if arg in _OTHER_2 else 2 if arg in _OTHER_1 else 1
        out += argv[i:i + width]
        i += width
    return out


def kit_root() -> Path:
    """The folder that holds the ``kitlib`` package (only ``kitlib`` of it is mounted)."""
    return Path(__file__).resolve().parents[2]


def python_prefixes() -> list[Path]:
    """Python's installation and the virtualenv (each once, existing)."""
    found: list[Path] = []
    for path in (Path(sys.base_prefix), Path(sys.prefix)):
        for candidate in (path, path.resolve()):
            if candidate.exists() and candidate not in found:
                found.append(candidate)
    return found


def exercise_modules() -> list[tuple[str, Path, bool]]:
    """(top-level name, file or package folder, is a package) of each extra exercise module of
    ``KIT_EXERCISE_MODULES`` that lives outside kitlib, found as a Python started with this
    environment would find it (``PYTHONPATH`` first, then this process's ``sys.path``)."""
    from importlib.machinery import PathFinder

    names = [m.strip() for m in os.environ.get("KIT_EXERCISE_MODULES", "").split(",") if m.strip()]
    search = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p] + [p for p in sys.path if p]
    found: list[tuple[str, Path, bool]] = []
    for name in names:
        top = name.split(".")[0]
        if top == "kitlib" or any(top == f[0] for f in found):
            continue
        spec = PathFinder.find_spec(top, search)
        if spec is None:
            continue
        if spec.submodule_search_locations:
            found.append((top, Path(list(spec.submodule_search_locations)[0]), True))
        elif spec.origin and spec.origin.endswith(".py"):
            found.append((top, Path(spec.origin), False))
    return found


def exercise_module_mounts() -> list[str]:
    """bwrap arguments: each extra exercise module file (or package folder) alone, read-only,
    under ``/kit/modules`` (never the folder around it, which may hold a course)."""
    args: list[str] = []
    for top, source, package in exercise_modules():
        args += ["--ro-bind", str(source), f"{MODULES_INSIDE}/{top}" if package else f"{MODULES_INSIDE}/{top}.py"]
    return args


def data_cache_mounts() -> tuple[list[str], dict[str, str]]:
    """(bwrap arguments, environment) for Keras' and the kit's data caches, read-only."""
    from kitlib.data.cache import keras_home_candidates, kitlib_data_dir

    args: list[str] = []
    env: dict[str, str] = {}
    keras_home = next((p for p in keras_home_candidates() if p.is_dir()), None)
    for key, path, var in (("keras", keras_home, "KERAS_HOME"), ("kitlib", kitlib_data_dir(), "KITLIB_DATA_DIR")):
        if path is not None and Path(path).is_dir():
            args += ["--ro-bind", str(Path(path).resolve()), DATA_INSIDE[key]]
            env[var] = DATA_INSIDE[key]
    return args, env


def private_tmp(size_bytes: int) -> list[str]:
    """bwrap arguments for a private, size-limited, world-writable ``/tmp``.

    Goes *before* :func:`read_only_mounts`: bubblewrap applies its operations in order, and a
    kit or virtualenv that lives below ``/tmp`` (a fresh clone in CI, ``pip install`` into a
    temporary folder) must be mounted on top of the private ``/tmp``, not hidden by it.

    Example::

        argv = ["bwrap", *private_tmp(64 << 20), *read_only_mounts(), ...]
    """
    return ["--perms", "1777", "--size", str(size_bytes), "--tmpfs", "/tmp"]


def read_only_mounts() -> list[str]:
    """The whole read-only allow-list (system, Python, virtualenv, kitlib, exercise modules)."""
    args = _system_mounts()
    for prefix in python_prefixes():
        if not str(prefix).startswith("/usr"):
            args += ["--ro-bind", str(prefix), str(prefix)]
    package = kit_root() / "kitlib"
    args += ["--ro-bind", str(package), str(package)]
    args += exercise_module_mounts()
    return args


def python_boot(code: str, sandboxed: bool = True) -> str:
    """Python source that puts the kit (and the extra exercise modules) on ``sys.path``, then runs ``code``.

    In the sandbox the modules are under ``/kit/modules``; without it, their own folders."""
    entries = [str(kit_root())]
    if sandboxed:
        entries.append(MODULES_INSIDE)
    else:
        entries += sorted({str(source.parent) for _, source, _ in exercise_modules()})
    return f"import sys; sys.path[:0] = {entries!r}; {code}"


def kernel_argv(python: str | None = None, sandboxed: bool = True) -> list[str]:
    """The IPython kernel's command (isolated Python, explicit sys.path)."""
    boot = python_boot("sys.argv[0] = 'ipykernel_launcher'; from ipykernel import kernelapp; "
                       "kernelapp.launch_new_instance()", sandboxed)
    return [python or sys.executable, "-I", "-c", boot, "-f", CONNECTION_INSIDE]


def sandbox_uid(slot: int, pid: int | None = None) -> int:
    """A uid of its own for one job slot of one run (far above any real account)."""
    pid = os.getpid() if pid is None else pid
    return UID_BASE + (pid % 100_000) * 1000 + slot % 1000


def _accounts(uid: int) -> tuple[str, str]:
    passwd = (f"root:x:0:0:root:/root:/usr/sbin/nologin\n"
              f"student:x:{uid}:{uid}:student:{BOX}:/usr/sbin/nologin\n"
              f"nobody:x:{NOBODY}:{NOBODY}:nobody:/nonexistent:/usr/sbin/nologin\n")
    group = f"root:x:0:\nstudent:x:{uid}:\nnobody:x:{NOBODY}:\n"
    return passwd, group


# --------------------------------------------------------------------- one kernel's plan

@dataclass
class SandboxPaths:
    """Where one submission's sandbox keeps its trusted files on the grader's side (root only)."""

    folder: Path            # work/sandbox
    box: Path               # the box on the host (only without bubblewrap)

    @property
    def plan(self) -> Path:
        return self.folder / "plan.json"

    @property
    def info(self) -> Path:
        return self.folder / "info.json"

    @property
    def report(self) -> Path:
        return self.folder / "report.json"

    @property
    def answers(self) -> Path:
        return self.folder / "answers"

    @property
    def files(self) -> Path:
        return self.folder / "files"

    @property
    def ipc(self) -> Path:
        return self.folder / "ipc"


def kernel_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The kernel's whole environment (the team contract's list, nothing of the grader's)."""
    venv_bin = str(Path(sys.executable).parent)
    env = {"HOME": BOX, "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
           "TF_CPP_MIN_LOG_LEVEL": "3", "TMPDIR": "/tmp", "KIT_ANSWER_DIR": f"{BOX}/.kit/answers",
           "KIT_SANDBOX": "1"}
    for name in ("KITLIB_OFFLINE", "KIT_EXERCISE_MODULES"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    env.update(extra or {})
    return env


def plan_kernel(paths: SandboxPaths, limits: Limits, uid: int | None, *, use_bwrap: bool,
                cgroup_run: dict | None = None, env: dict[str, str] | None = None,
                zygote: str | None = None) -> dict:
    """Write the plan that :mod:`kitlib.grading.sandbox_entry` and :class:`kitlib.grading.execute.SandboxKernelManager`
    follow for one kernel; returns it. ``uid``: the job slot's sandbox uid (used when grading as root);
    ``zygote``: the socket of the slot's warm process (:mod:`kitlib.grading.warm`), which then forks the
    kernel into the sandbox (bubblewrap only)."""
    for folder in (paths.folder, paths.answers, paths.files, paths.ipc):
        folder.mkdir(parents=True, exist_ok=True)
    uid = uid if _is_root() else None
    token = secrets.token_hex(16)
    data_args, data_env = data_cache_mounts()
    kernel_environment = kernel_env({**data_env, **(env or {})})
    # Per-uid process limit: the limit itself without cgroups, a looser safety net with them
    # (the cgroup's count, which also holds the sandbox's two root processes, must be hit first).
    nproc = limits.processes if not cgroup_run else limits.processes * 2
    if use_bwrap:
        box = BOX
        launch = {"box": box, "workdir": f"{box}/work", "files": FILES_INSIDE, "uid": uid, "gid": uid,
                  "processes": nproc, "token": token, "connection": CONNECTION_INSIDE,
                  "kernel_argv": kernel_argv(), "env": kernel_environment}
        passwd, group = _accounts(uid if uid is not None else NOBODY)
        bwrap = open_parents([_which("bwrap") or "bwrap", *_privilege_args(),
                 "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                 "--hostname", "kit-sandbox", "--die-with-parent", "--new-session", "--clearenv",
                 *private_tmp(limits.disk_mb << 20), *read_only_mounts(), *data_args, "--ro-bind", str(paths.files), FILES_INSIDE,
                 "--proc", "/proc", "--dev", "/dev",
                 "--perms", "1777", "--size", str(limits.shm_mb << 20), "--tmpfs", "/dev/shm",
                 "--perms", "0755", "--size", str(limits.disk_mb << 20), "--tmpfs", box,
                 "--perms", "0755", "--size", str(limits.answers_mb << 20), "--tmpfs", f"{box}/.kit/answers",
                 "--perms", "0755", "--dir", "/etc",
                 "--perms", "0755", "--dir", "/kit", "--chdir", "/"])
        plan = {"mode": "bwrap", "bwrap": bwrap, "launch": launch, "launch_inside": LAUNCH_INSIDE,
                "launcher": [sys.executable, "-I", "-S", entry_script(), "launch", LAUNCH_INSIDE],
                "passwd": passwd, "group": group, "ipc_inside": f"{box}/.kit/ipc/k"}
    else:
        # No bubblewrap: the box is a folder of the grader's scratch, reachable by the sandbox uid.
        box = str(paths.box)
        paths.box.parent.mkdir(mode=0o711, parents=True, exist_ok=True)
        paths.box.mkdir(exist_ok=True)
        kernel_environment.update({"HOME": box, "KIT_ANSWER_DIR": f"{box}/.kit/answers",
                                   "TMPDIR": f"{box}/.tmp"})
        argv = kernel_argv(sandboxed=False)
        argv[-1] = f"{box}/.kit/connection.json"
        launch = {"box": box, "workdir": f"{box}/work", "files": str(paths.files), "uid": uid, "gid": uid,
                  "processes": nproc, "token": token, "connection": f"{box}/.kit/connection.json",
                  "kernel_argv": argv, "env": kernel_environment}
        plan = {"mode": "plain", "launch": launch, "ipc_inside": f"{box}/.kit/ipc/k"}
    from kitlib.grading import sandbox_seccomp

    program = sandbox_seccomp.bpf_program()
    if program is not None:  # loaded by the launcher just before the kernel starts, cold or warm
        plan["launch"]["seccomp"] = program.hex()
    if zygote and use_bwrap:
        plan["launch"]["inject"] = True
        plan["zygote"] = zygote
    plan.update({"limits": asdict(limits), "info_file": str(paths.info), "report": str(paths.report),
                 "harvest": str(paths.answers), "cgroup_run": cgroup_run, "cgroup_procs": [],
                 "pass_env": ["NBGRADER_EXECUTION"]})
    paths.plan.write_text(json.dumps(plan, indent=1), encoding="utf-8")
    return plan


def write_kernelspec(jupyter_dir: Path, plan_path: Path, name: str = "kit-sandbox") -> str:
    """Write ``jupyter_dir/kernels/<name>/kernel.json`` that starts a kernel by ``plan_path``."""
    spec_dir = Path(jupyter_dir) / "kernels" / name
    spec_dir.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-I", "-S", entry_script(), "enter", str(plan_path), "{connection_file}"]
    # Interrupts go as a message: a signal to bwrap would not reach the sandboxed kernel.
    spec = {"argv": argv, "display_name": "Python 3 (kit sandbox)", "language": "python",
            "interrupt_mode": "message", "env": {}, "metadata": {"kit_sandbox_plan": str(plan_path)}}
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return name


# --------------------------------------------------------------------- trusted tools (the re-check)

def tool_argv(readable: list[Path], module: str, args: list[str], uid: int | None, use_bwrap: bool) -> list[str]:
    """The command of a trusted tool that reads untrusted data (the re-check server): isolated
    Python, and with bubblewrap the kernel's read-only allow-list plus the ``readable``
    folders (read-only, at their own paths), a small private /tmp and home, no network,
    capabilities dropped and an unprivileged uid."""
    boot = python_boot(f"import runpy; sys.argv[0] = {module!r}; runpy.run_module({module!r}, run_name='__main__')",
                       use_bwrap)
    python = [sys.executable, "-I", "-c", boot, *args]
    if not use_bwrap:
        return python
    env_args: list[str] = []
    data_args, data_env = data_cache_mounts()
    for key, value in kernel_env(data_env).items():
        if key != "KIT_ANSWER_DIR":
            env_args += ["--setenv", key, value]
    argv = [_which("bwrap") or "bwrap", *_privilege_args(), "--unshare-pid", "--unshare-net", "--unshare-ipc",
            "--unshare-uts", "--die-with-parent", "--new-session", "--clearenv", *env_args,
            *private_tmp(256 << 20), *read_only_mounts(), *data_args, "--proc", "/proc", "--dev", "/dev",
            "--perms", "0755", "--size", str(64 << 20), "--tmpfs", BOX]
    for path in readable:
        path = Path(path).resolve()
        if path.exists():
            argv += ["--ro-bind", str(path), str(path)]
    argv = open_parents(argv + ["--remount-ro", "/", "--chdir", "/", "--"])
    drop = [sys.executable, "-I", "-S", entry_script(), "tool",
            str(uid if (uid is not None and _is_root()) else -1), BOX, "--"]
    return argv + drop + python


_KILL_ALL_OF_MY_UID = """\
import os, signal
for _ in range(100):
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        break
"""


def kill_uid(uid: int, rounds: int = 3, reap_wait: float = 10.0) -> int:
    """SIGKILL every process of ``uid`` (a job slot's own sandbox uid: nothing else runs as it);
    how many were found. Only as root, only for sandbox uids.

    A scan of /proc followed by one kill per process loses against a fork bomb (its children
    refill the process limit between the scan and the kills). So a small process that *is*
    ``uid`` calls ``kill(-1, SIGKILL)``: the kernel signals every process of that uid under one
    lock that also stops new forks, and a process with SIGKILL pending cannot fork; repeated until
    no process is left (ESRCH). The /proc scan stays as a fallback and for the count.

    Then it waits (at most ``reap_wait`` seconds) until the killed processes are also *reaped*:
    orphans go to the machine's init, which may reap them only every second or two, and until
    then they still count against the uid's process limit, which the slot's next notebook, run as
    the same uid, would meet: an honest notebook's ``fork()`` could fail because of the zombies
    of a fork bomb graded just before it.
    """
    import signal
    import subprocess
    import time

    if not _is_root() or uid < UID_BASE:
        return 0

    def scan(kill: bool) -> int:
        found = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                if os.stat(entry.path).st_uid == uid:
                    found += 1
                    if kill:
                        os.kill(int(entry.name), signal.SIGKILL)
            except OSError:
                continue
        return found

    found = scan(kill=False)
    if not found:
        return 0
    try:
        subprocess.run([sys.executable, "-I", "-S", "-c", _KILL_ALL_OF_MY_UID], user=uid, group=uid,
                       extra_groups=[], env={}, cwd="/", stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        pass  # the scan below still does what it can
    for _ in range(rounds):
        if not scan(kill=True):
            break
        time.sleep(0.05)
    deadline = time.monotonic() + reap_wait
    while scan(kill=False) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def limit_tool_process(limits: Limits):
    """A ``preexec_fn`` applying the memory and CPU limits to a tool subprocess."""
    import resource

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb << 20,) * 2)
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds,) * 2)

    return apply


if __name__ == "__main__":
    for area, status, detail, fix in findings():
        print(f"{'✔' if status == 'ok' else '!'} {area}: {detail}" + (f"\n    fix: {fix}" if fix else ""))
    sys.exit(0 if availability()[0] else 1)
