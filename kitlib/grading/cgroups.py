"""One cgroup per sandbox: memory (tmpfs included) and process limits that belong to a submission.

Per-process limits (``setrlimit``) cannot stop three children holding 2 GB each,
and a per-user process limit lets one submission's fork bomb starve the other
kernels graded at the same time. A cgroup per sandbox counts everything the
submission's processes use together, including the pages of its in-memory
``/tmp`` and working folder, and how many processes and threads it runs.

Both cgroup versions are handled:

- **v1** (separate ``memory`` and ``pids`` hierarchies, e.g. ``/sys/fs/cgroup/memory``):
  the run's parent cgroup is created under the grader's own cgroup in each hierarchy;
- **v2** (one unified hierarchy): the grader's own cgroup must let it enable the
  ``memory`` and ``pids`` controllers for its children (root, or a delegated cgroup:
  ``systemd-run --user --scope -p Delegate=yes kit grade``). When the grader's own
  cgroup holds processes, it first moves itself into a leaf (``kit-grader``), as
  container runtimes do, so that the controllers can be enabled.

Where neither works, :func:`detect` says why and what to do, and ``kit grade`` keeps the
per-process limits only (``kit doctor`` reports it).

Example::

    support = detect()                      # CgroupSupport(version='v1', ...)
    run = support.create_run("kit-grade-123")        # the run's parent cgroup(s)
    box = run.child("ana-mini", memory_bytes=4 << 30, pids=512)
    box.procs_files                         # write "0" into each to join (sandbox_entry does)
    box.kill(); box.stats(); box.remove(); run.remove()
"""
from __future__ import annotations

import errno
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

CONTROLLERS = ("memory", "pids")  # required
OPTIONAL = ("cpu",)  # a fair share of the CPUs per sandbox, however many processes it runs


@dataclass
class CgroupSupport:
    """What this machine offers (``version`` None: nothing usable; ``message``/``fix`` say why)."""

    version: str | None
    parents: dict[str, Path] = field(default_factory=dict)  # controller -> the grader's own cgroup folder
    message: str = ""
    fix: str = ""

    @property
    def ok(self) -> bool:
        return self.version is not None

    def remove_stale(self, prefix: str = "kit-grade-") -> list[str]:
        """Remove the run cgroups of earlier runs whose process is gone (killed before it could clean up)."""
        removed = []
        for parent in set(self.parents.values()):
            try:
                children = list(parent.iterdir())
            except OSError:
                continue
            for child in children:
                pid = child.name[len(prefix):]
                if child.is_dir() and child.name.startswith(prefix) and pid.isdigit() and \
                        not Path(f"/proc/{pid}").exists():
                    RunCgroup(self.version, {c: p / child.name for c, p in self.parents.items()}).remove()
                    removed.append(child.name)
        return removed

    def create_run(self, name: str) -> "RunCgroup | None":
        """The run's parent cgroup(s) under the grader's own; None when they cannot be made."""
        if not self.ok:
            return None
        self.remove_stale()
        if self.version == "v2":
            parent = self.parents["memory"]
            if not _v2_enable(parent):
                return None
            run = parent / name
            _mkdir(run)
            if not _v2_enable(run):
                _rmdir(run)
                return None
            return RunCgroup("v2", {c: run for c in self.parents})
        paths = {}
        for controller in self.parents:
            path = self.parents[controller] / name
            try:
                _mkdir(path)
            except OSError:
                if controller in CONTROLLERS:
                    raise
                continue
            paths[controller] = path
        return RunCgroup("v1", paths)


@dataclass
class RunCgroup:
    """The cgroup(s) of one grading run; sandboxes get children of it."""

    version: str
    paths: dict[str, Path]

    def child(self, name: str, memory_bytes: int, pids: int) -> "SandboxCgroup":
        box = SandboxCgroup(self.version, {c: p / name for c, p in self.paths.items()})
        box.create(memory_bytes, pids)
        return box

    def to_plain(self) -> dict:
        return {"version": self.version, "paths": {c: str(p) for c, p in self.paths.items()}}

    @classmethod
    def from_plain(cls, data: dict | None) -> "RunCgroup | None":
        if not data:
            return None
        return cls(data["version"], {c: Path(p) for c, p in data["paths"].items()})

    def remove(self) -> None:
        for path in set(self.paths.values()):
            for child in list(path.iterdir()) if path.is_dir() else []:
                if child.is_dir():
                    SandboxCgroup(self.version, {"x": child}).kill()
                    _rmdir(child)
            _rmdir(path)


@dataclass
class SandboxCgroup:
    """The cgroup(s) of one sandbox."""

    version: str
    paths: dict[str, Path]

    @property
    def folders(self) -> list[Path]:
        return sorted(set(self.paths.values()))

    @property
    def procs_files(self) -> list[str]:
        return [str(path / "cgroup.procs") for path in self.folders]

    def create(self, memory_bytes: int, pids: int) -> None:
        for path in self.folders:
            _mkdir(path)
        if self.version == "v1":
            memory = self.paths["memory"]
            _write(memory / "memory.limit_in_bytes", str(memory_bytes))
            _write(memory / "memory.memsw.limit_in_bytes", str(memory_bytes), optional=True)  # no swap either
            _write(memory / "memory.swappiness", "0", optional=True)
            _write(self.paths["pids"] / "pids.max", str(pids))
            if "cpu" in self.paths:
                _write(self.paths["cpu"] / "cpu.shares", "1024", optional=True)  # one equal share each
        else:
            path = self.paths["memory"]
            _write(path / "memory.max", str(memory_bytes))
            _write(path / "memory.swap.max", "0", optional=True)
            _write(path / "pids.max", str(pids))

    def pids(self) -> list[int]:
        found: set[int] = set()
        for path in self.folders:
            try:
                found |= {int(line) for line in (path / "cgroup.procs").read_text().split()}
            except (OSError, ValueError):
                pass
        return sorted(found)

    def kill(self, timeout: float = 10.0) -> bool:
        """SIGKILL everything in the sandbox's cgroup; True when it is empty afterwards."""
        deadline = time.monotonic() + timeout
        for path in self.folders:
            _write(path / "cgroup.kill", "1", optional=True)  # v2 (Linux 5.14+): the whole subtree at once
        while time.monotonic() < deadline:
            pids = self.pids()
            if not pids:
                return True
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)
        return not self.pids()

    def stats(self) -> dict:
        """What the limits did: OOM kills, times the memory or process limit was hit."""
        out = {"oom_kills": 0, "memory_limit_hit": 0, "pids_limit_hit": 0}
        if self.version == "v1":
            memory, pids = self.paths["memory"], self.paths["pids"]
            out["oom_kills"] = _keyed(memory / "memory.oom_control").get("oom_kill", 0)
            out["memory_limit_hit"] = _int(memory / "memory.failcnt")
            out["pids_limit_hit"] = _keyed(pids / "pids.events").get("max", 0)
        else:
            path = self.paths["memory"]
            events = _keyed(path / "memory.events")
            out["oom_kills"] = events.get("oom_kill", 0)
            out["memory_limit_hit"] = events.get("max", 0)
            out["pids_limit_hit"] = _keyed(path / "pids.events").get("max", 0)
        return out

    def remove(self) -> None:
        for path in self.folders:
            _rmdir(path)


# --------------------------------------------------------------------- detection

def _mountinfo(path: str = "/proc/self/mountinfo") -> list[tuple[str, str, str]]:
    """(mount point, file system type, super options) of every mount."""
    rows = []
    try:
        text = Path(path).read_text()
    except OSError:
        return rows
    for line in text.splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(fields) >= 5 and len(tail) >= 3:
            rows.append((fields[4].replace("\\040", " "), tail[0], tail[2]))
    return rows


def _own_cgroups(path: str = "/proc/self/cgroup") -> dict[str, str]:
    """Controller (or "" for v2) -> this process's cgroup path."""
    own: dict[str, str] = {}
    try:
        text = Path(path).read_text()
    except OSError:
        return own
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3:
            for controller in parts[1].split(",") if parts[1] else [""]:
                own[controller] = parts[2]
    return own


def _probe_writable(folder: Path) -> str | None:
    """None when a child cgroup can be made (and removed) in ``folder``, else why not."""
    probe = folder / f"kit-probe-{os.getpid()}"
    try:
        probe.mkdir()
    except OSError as error:
        return f"cannot create a cgroup in {folder} ({error.strerror})"
    _rmdir(probe)
    return None


def detect(mountinfo: str = "/proc/self/mountinfo", own: str = "/proc/self/cgroup") -> CgroupSupport:
    """Which cgroup version can give each sandbox its own memory and process limits here."""
    mounts = _mountinfo(mountinfo)
    cgroups = _own_cgroups(own)
    v1: dict[str, Path] = {}
    for point, fstype, options in mounts:
        if fstype != "cgroup":
            continue
        for controller in CONTROLLERS + OPTIONAL:
            if controller in options.split(",") and controller in cgroups:
                v1[controller] = Path(point) / cgroups[controller].lstrip("/")
    if all(c in v1 for c in CONTROLLERS):
        why = next((w for w in (_probe_writable(v1[c]) for c in CONTROLLERS) if w), None)
        if why is None:
            for controller in OPTIONAL:
                if controller in v1 and _probe_writable(v1[controller]) is not None:
                    del v1[controller]
            return CgroupSupport("v1", v1, f"cgroup v1: a {_names(v1)} cgroup per sandbox")
        return CgroupSupport(None, {}, f"cgroup v1 is mounted but {why}",
                             "run kit grade as root, or in a cgroup it may write to")
    v2_root = next((Path(p) for p, t, _ in mounts if t == "cgroup2"), None)
    if v2_root is not None and "" in cgroups:
        own_dir = v2_root / cgroups[""].lstrip("/")
        try:  # what the grader's own cgroup may hand on (its ancestors enabled them)
            available = (own_dir / "cgroup.controllers").read_text().split()
        except OSError:
            available = []
        missing = [c for c in CONTROLLERS if c not in available]
        if not missing:
            why = _probe_writable(own_dir)
            if why is None:
                wanted = CONTROLLERS + tuple(c for c in OPTIONAL if c in available)
                return CgroupSupport("v2", {c: own_dir for c in wanted}, f"cgroup v2: a {_names(wanted)} "
                                     "cgroup per sandbox")
            return CgroupSupport(None, {}, f"cgroup v2 is mounted but {why}",
                                 "run kit grade as root, or delegated: "
                                 "systemd-run --user --scope -p Delegate=yes kit grade ...")
        if v1:
            missing = [c for c in CONTROLLERS if c not in v1]
        return CgroupSupport(None, {}, f"the {', '.join(missing)} cgroup controller(s) are not available",
                             "enable the memory and pids cgroup controllers (kernel/systemd configuration)")
    return CgroupSupport(None, {}, "no cgroup file system is mounted",
                         "mount cgroup2 at /sys/fs/cgroup (systemd does so by default)")


def _names(controllers) -> str:
    names = list(controllers)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _v2_enable(folder: Path) -> bool:
    """Enable the memory and pids controllers for ``folder``'s children (moving this process
    into a leaf first when ``folder`` holds processes: cgroup v2's no-internal-process rule)."""
    control = folder / "cgroup.subtree_control"
    try:
        enabled = control.read_text().split()
    except OSError:
        return False
    try:
        available = (folder / "cgroup.controllers").read_text().split()
    except OSError:
        available = []
    wanted = list(CONTROLLERS) + [c for c in OPTIONAL if c in available]
    if all(c in enabled for c in wanted):
        return True
    request = " ".join(f"+{c}" for c in wanted)
    try:
        control.write_text(request)
        return True
    except OSError as error:
        if error.errno != errno.EBUSY:
            return False
    leaf = folder / "kit-grader"
    try:
        _mkdir(leaf)
        for pid in (folder / "cgroup.procs").read_text().split():
            (leaf / "cgroup.procs").write_text(pid)
        control.write_text(request)
        return True
    except OSError:
        return False


# --------------------------------------------------------------------- small file helpers

def _mkdir(path: Path) -> None:
    try:
        path.mkdir()
    except FileExistsError:
        pass


def _rmdir(path: Path, attempts: int = 50) -> None:
    for _ in range(attempts):
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError as error:
            if error.errno != errno.EBUSY:
                return
            time.sleep(0.02)


def _write(path: Path, value: str, optional: bool = False) -> None:
    try:
        with open(path, "w") as handle:
            handle.write(value)
    except OSError:
        if not optional:
            raise


def _int(path: Path) -> int:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def _keyed(path: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        for line in path.read_text().splitlines():
            key, _, value = line.partition(" ")
            if value.strip().isdigit():
                out[key] = int(value)
    except OSError:
        pass
    return out
