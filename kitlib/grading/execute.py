"""The grader's side of a sandboxed kernel, inside the trusted nbgrader worker.

nbgrader's ``Execute`` preprocessor runs the notebook through nbclient and a jupyter_client
kernel manager. ``kit grade`` swaps in two subclasses (see :func:`autograde_config`):

- :class:`SandboxKernelManager` follows the plan that :func:`kitlib.grading.sandbox.plan_kernel`
  wrote: before the start it makes the kernel's cgroup; after the start it learns the sandbox's
  PID from bubblewrap, talks to the kernel's sockets through ``/proc/<pid>/root`` (they live in
  the sandbox's own tmpfs) and, once the launcher has filled the box, holds a descriptor of it;
  at shutdown it kills every process of the sandbox (PID namespace and cgroup), then copies the
  recorded answers out of the box through that descriptor (regular files only, links never
  followed, capped), and writes a report: what the limits did, what was refused.
- :class:`SandboxedExecute` keeps at most ``Limits.output_cell_mb`` of outputs per cell and
  ``Limits.output_total_mb`` per notebook (bytes, not lines), and caps every ZeroMQ message the
  kernel sends, so that an output flood costs the flooding notebook its outputs, not the grader
  its memory.

Example (what the worker does for an autograde task)::

    app.update_config(autograde_config())   # Autograde.autograde_preprocessors: Execute -> SandboxedExecute
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import time
import uuid
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute

from kitlib.grading import safefs

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
TRUNCATED = "... Output truncated ..."
ATTACH_TIMEOUT = 120.0
STARTUP_TIMEOUT = 300  # nbclient waits this long for a started kernel to answer (its default: 60 s)
_PENDING: list["SandboxKernelManager"] = []  # started, not yet finished (see finish_pending)


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager for the ``kit-sandbox`` kernelspec (see the module docstring)."""

    def _plan_path(self) -> Path | None:
        metadata = getattr(self.kernel_spec, "metadata", None) or {}
        value = metadata.get("kit_sandbox_plan")
        return Path(value) if value else None

    def _load_plan(self) -> dict:
        if not hasattr(self, "_kit"):
            path = self._plan_path()
            self._kit = {"path": path, "plan": json.loads(path.read_text(encoding="utf-8")) if path else None,
                         "cgroup": None, "pidfd": None, "pid": None, "box": None, "answers": None, "notes": [],
                         "done": False}
        return self._kit

    # -------------------------------------------------------------- start
    async def _async_pre_start_kernel(self, **kw):
        kit = self._load_plan()
        plan = kit["plan"]
        if plan is None:
            return await super()._async_pre_start_kernel(**kw)
        _PENDING.append(self)
        # One plan serves every notebook of the submission: each kernel gets its own token and info file.
        import secrets

        kernel = uuid.uuid4().hex[:12]
        plan["launch"]["token"] = secrets.token_hex(16)
        plan["info_file"] = str(Path(plan["info_file"]).with_name(f"info-{kernel}.json"))
        plan["cgroup_procs"] = []
        if plan.get("cgroup_run"):
            from kitlib.grading.cgroups import RunCgroup

            try:
                run = RunCgroup.from_plain(plan["cgroup_run"])
                limits = plan["limits"]
                kit["cgroup"] = run.child(f"k-{kernel}", limits["memory_mb"] << 20, limits["processes"])
                plan["cgroup_procs"] = kit["cgroup"].procs_files
            except OSError as error:
                kit["notes"].append(f"no cgroup for this submission ({error.strerror}): per-process limits only")
        safefs.write_json_atomic(kit["path"], plan)  # what the launcher will read
        return await super()._async_pre_start_kernel(**kw)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        await super()._async_launch_kernel(kernel_cmd, **kw)
        kit = self._load_plan()
        if kit["plan"] is None:
            return
        try:
            await self._attach(kit)
        except Exception as error:  # the kernel will not answer; nbgrader reports a dead kernel
            kit["notes"].append(f"the sandbox did not start ({type(error).__name__}: {error})")

    async def _attach(self, kit: dict) -> None:
        plan, launch = kit["plan"], kit["plan"]["launch"]
        deadline = time.monotonic() + ATTACH_TIMEOUT
        root = ""
        if plan["mode"] == "bwrap":
            info = None
            while info is None:
                info = _read_info(Path(plan["info_file"]))
                if info is None:
                    if time.monotonic() > deadline or not await self._async_is_alive():
                        raise RuntimeError("bubblewrap gave no sandbox PID")
                    await asyncio.sleep(0.01)
            kit["pid"] = int(info["child-pid"])
            if hasattr(os, "pidfd_open"):
                kit["pidfd"] = os.pidfd_open(kit["pid"])
            root = f"/proc/{kit['pid']}/root"
            self.ip = root + plan["ipc_inside"]  # the kernel's sockets, inside its own tmpfs
        box = root + launch["box"]
        token = launch["token"].encode()
        while True:
            try:
                with open(f"{box}/.kit/ready", "rb") as handle:
                    if handle.read(64) == token:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or not await self._async_is_alive():
                raise RuntimeError("the sandbox's launcher did not finish")
            await asyncio.sleep(0.01)
        fd = os.open(box, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
        ready = safefs.read_regular_at(fd, ".kit/ready", 64)
        if ready != token:
            os.close(fd)
            raise RuntimeError("the sandbox's box changed before it could be held")
        kit["box"] = fd
        # The answers have a tmpfs of their own: hold it too (once the sandbox is gone, a path
        # from the box no longer crosses into it).
        kit["answers"] = safefs.open_dir_at(fd, ".kit/answers")
        if launch.get("inject"):
            await self._warm_kernel(kit)

    async def _warm_kernel(self, kit: dict) -> None:
        """Ask the slot's warm process for the kernel (kitlib.grading.warm); if none comes,
        tell the launcher to start it cold (``.kit/cold``)."""
        from kitlib.grading.warm import request_kernel

        ok, why = await asyncio.to_thread(request_kernel, kit["plan"]["zygote"], kit["pid"], kit["plan"])
        if not ok:
            kit["cold"] = why
            marker = os.open(".kit/cold", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o444,
                             dir_fd=kit["box"])
            os.close(marker)

    def client(self, **kwargs):
        kc = super().client(**kwargs)
        try:  # a kernel cannot make the grader hold a message larger than this (the connection drops)
            import zmq

            kc.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        except Exception:
            pass
        return kc

    # -------------------------------------------------------------- what the submission itself used
    def cpu_seconds(self) -> float | None:
        """CPU seconds used so far by every process of this kernel's sandbox (None: not measurable).

        The sandbox's cgroup where there is one (cgroup v2's ``cpu.stat`` counts exited processes too;
        in v1, the cgroup's processes), else the process tree of the launched kernel: user and system
        time of each process plus what it reaped of its children. Other processes on the machine,
        however busy, add nothing: this is the submission's own use."""
        kit = self._load_plan()
        box = kit.get("cgroup")
        if box is not None and getattr(box, "version", "") == "v2":
            try:
                stat = (box.paths["memory"] / "cpu.stat").read_text()
                return int(stat.split("usage_usec", 1)[1].split()[0]) / 1e6
            except (OSError, IndexError, ValueError, KeyError):
                pass
        try:
            if box is not None:
                members = set(box.pids())
            else:
                table = _process_table()
                roots = {getattr(getattr(self.provisioner, "process", None), "pid", None), kit.get("pid")} - {None}
                members = set(roots)
                for root in roots:
                    members |= _descendants(table, root)
        except OSError:
            return None
        if not members:
            return None
        return sum(_cpu_of(pid) for pid in members)

    # -------------------------------------------------------------- end
    async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:  # type: ignore[override]
        kit = self._load_plan()
        if kit["plan"] is not None and "survivors" not in kit:
            kit["survivors"] = self._count_survivors(kit)  # before the kill: what the notebook left running
        await super().shutdown_kernel(now=now, restart=restart)

    def _count_survivors(self, kit: dict) -> int:
        """Processes of the sandbox besides its init and the kernel (children, daemons, orphans)."""
        try:
            table = _process_table()
            outer = getattr(getattr(self.provisioner, "process", None), "pid", None)
            if kit["pid"] is not None:
                init = kit["pid"]
                members = _descendants(table, init)
                direct = sorted((table[p][1], p) for p in members if table[p][0] == init)
                # A warm kernel came in beside the launcher, which waits: both are the sandbox's own.
                own = 2 if kit["plan"]["launch"].get("inject") and not kit.get("cold") else 1
                kernel = {p for _, p in direct[:own]}
                return len([p for p in members if p not in kernel])
            uid = kit["plan"]["launch"].get("uid")
            if uid is not None:
                return len([p for p, (_, _, owner) in table.items() if owner == int(uid) and p != outer])
        except OSError:
            pass
        return 0

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        try:
            self._finish()
        finally:
            await super()._async_cleanup_resources(restart=restart)

    def _finish(self) -> None:
        kit = self._load_plan()
        if self in _PENDING:
            _PENDING.remove(self)
        if kit["done"] or kit["plan"] is None:
            return
        kit["done"] = True
        plan = kit["plan"]
        report = {"notes": kit["notes"], "limits": {}, "harvest": [], "box_full": False,
                  "survivors": kit.get("survivors", 0),
                  "kernel": ("cold" if not plan["launch"].get("inject") else
                             f"cold ({kit['cold']})" if kit.get("cold") else "warm")}
        try:
            self._kill_everything(kit)
            if kit["cgroup"] is not None:
                report["limits"] = kit["cgroup"].stats()
            if kit["answers"] is not None:
                report["harvest"] = self._harvest(kit["answers"], Path(plan["harvest"]), plan["limits"])
                try:
                    usage = os.fstatvfs(kit["box"])
                    report["box_full"] = bool(usage.f_blocks) and usage.f_bavail * 100 < usage.f_blocks
                except OSError:
                    pass
            else:
                report["notes"].append("the sandbox never became ready: no answers were recorded")
        finally:
            if kit["cgroup"] is not None:
                kit["cgroup"].remove()
            for key in ("box", "answers", "pidfd"):
                if kit[key] is not None:
                    os.close(kit[key])
                    kit[key] = None
            _append_report(Path(plan["report"]), report)

    def _kill_everything(self, kit: dict) -> None:
        """SIGKILL the sandbox's PID namespace and cgroup (or, without either, the slot uid's processes)."""
        if kit["pidfd"] is not None:
            try:
                signal.pidfd_send_signal(kit["pidfd"], signal.SIGKILL)  # PID 1 of the namespace: all die
            except ProcessLookupError:
                pass
        elif kit["pid"] is not None:
            try:
                os.kill(kit["pid"], signal.SIGKILL)
            except ProcessLookupError:
                pass
        if kit["cgroup"] is not None:
            kit["cgroup"].kill()
        elif kit["plan"]["mode"] != "bwrap":
            uid = kit["plan"]["launch"].get("uid")
            if uid is not None:  # no PID namespace, no cgroup: the job slot's uid is this sandbox's alone
                from kitlib.grading.sandbox import kill_uid

                kill_uid(int(uid))

    @staticmethod
    def _harvest(answers_fd: int, target: Path, limits: dict) -> list[str]:
        """Copy the recorded answers out of the dead sandbox; report lines for what was refused."""
        answers = os.dup(answers_fd)
        try:
            _, notes = safefs.copy_tree(answers, target, max_files=2048,
                                        max_total=limits.get("answers_mb", limits["disk_mb"]) << 20,
                                        max_file=limits["file_mb"] << 20, max_depth=3)
        finally:
            os.close(answers)
        return [f"recorded answers: {note}" for note in notes]


def finish_pending() -> None:
    """Finish the sandboxes whose kernel nbgrader never shut down (one that died while starting):
    kill what is left, take out the answers, write the report, remove the cgroup."""
    for manager in list(_PENDING):
        try:
            manager._finish()
        except Exception:  # noqa: BLE001 - best effort; the run's cgroup is removed at the end anyway
            pass


def _append_report(path: Path, report: dict) -> None:
    """Add one kernel's report to the submission's list (a submission may have several notebooks)."""
    try:
        reports = json.loads(path.read_text(encoding="utf-8"))
        reports = reports if isinstance(reports, list) else [reports]
    except (OSError, ValueError):
        reports = []
    safefs.write_json_atomic(path, reports + [report])


def _process_table() -> dict[int, tuple[int, int, int]]:
    """pid -> (parent pid, start time, uid) of every process."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            table[int(entry.name)] = (int(fields[1]), int(fields[19]), os.stat(entry.path).st_uid)
        except (OSError, IndexError, ValueError):
            continue
    return table


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_of(pid: int) -> float:
    """CPU seconds of one process: its user and system time and its reaped children's (0 when gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return sum(int(fields[i]) for i in (11, 12, 13, 14)) / _TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def _descendants(table: dict, root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    found, stack = set(), [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def _read_info(path: Path) -> dict | None:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        return data if isinstance(data, dict) and "child-pid" in data else None
    except (OSError, ValueError):
        return None


class SandboxedExecute(Execute):
    """nbgrader's ``Execute`` with the sandbox's kernel manager and byte caps on outputs."""

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = SandboxKernelManager
        super().__init__(*args, **kwargs)
        self._kit_bytes: dict[int, int] = {}
        self._kit_total = 0
        self._kit_cut: set[int] = set()
        self._kit_caps = _caps_from_env()

    def _over(self, msg: dict, cell_index: int) -> bool:
        size = _message_bytes(msg)
        cell_cap, total_cap = self._kit_caps
        used = self._kit_bytes.get(cell_index, 0)
        if used + size > cell_cap or self._kit_total + size > total_cap:
            return True
        self._kit_bytes[cell_index] = used + size
        self._kit_total += size
        return False

    def output(self, outs, msg, display_id, cell_index):
        if msg.get("msg_type") != "error" and self._over(msg, cell_index):
            if cell_index not in self._kit_cut:
                self._kit_cut.add(cell_index)
                from nbformat.v4 import new_output

                cell_cap, total_cap = self._kit_caps
                outs.append(new_output("stream", name="stdout", text=(
                    f"\n{TRUNCATED} (kit grade keeps {cell_cap >> 20} MB of outputs per cell and "
                    f"{total_cap >> 20} MB per notebook)\n")))
            return None
        if msg.get("msg_type") == "error":
            _cap_error(msg)
        return super().output(outs, msg, display_id, cell_index)

    def update_display_data(self, msg):
        if self._over(msg, -1):
            return
        return super().update_display_data(msg)

    # -------------------------------------------------------------- the per-cell limit: the cell's own CPU time
    async def _async_poll_for_reply(self, msg_id, cell, timeout, task_poll_output_msg, task_poll_kernel_alive):
        """nbclient's wait for a cell's reply, with the per-cell limit (``Execute.timeout``, T) measured
        in the submission's own CPU time (:meth:`SandboxKernelManager.cpu_seconds`), not in wall-clock
        time, which a busy machine stretches:

        - CPU: the cell is stopped once its processes used T s of CPU per CPU the sandbox may use
          (:func:`cell_cpu_budget`): no cell that kept to T on a quiet machine can reach it, however
          busy the machine. The cell's error says so (:data:`kitlib.grading.sandbox.CPU_LIMIT_TEXT`).
        - wall clock: a generous backstop (:func:`cell_wall_backstop`) for a cell that neither ends nor
          reaches its CPU budget. With T s of CPU or more used, that is the cell's own work (it stands);
          with less, it waited (a starved kernel, or a cell that sleeps): its error says so
          (:data:`kitlib.grading.sandbox.WALL_BACKSTOP_TEXT`) and kit grade runs the submission once more
          within its deadline (:meth:`kitlib.grading.submission.SubmissionGrader.interrupted`)."""
        km = self.km
        if timeout is None or not isinstance(km, SandboxKernelManager) or km.cpu_seconds() is None:
            return await super()._async_poll_for_reply(msg_id, cell, timeout, task_poll_output_msg,
                                                       task_poll_kernel_alive)
        from queue import Empty

        from jupyter_core.utils import ensure_async

        from kitlib.grading.sandbox import CPU_LIMIT_TEXT, OWN_WORK_TEXT, WALL_BACKSTOP_TEXT

        budget, backstop = cell_cpu_budget(timeout), cell_wall_backstop(timeout)
        started, cpu_start = time.monotonic(), km.cpu_seconds() or 0.0
        forced = None
        while True:
            if forced is None:
                try:
                    msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=1.0))
                except Empty:
                    task_poll_kernel_alive.cancel()
                    await self._async_check_alive()
                    used = max(0.0, (km.cpu_seconds() or 0.0) - cpu_start)
                    waited = time.monotonic() - started
                    if used >= budget:
                        why = CPU_LIMIT_TEXT.format(used=used, limit=budget)
                    elif waited >= backstop:
                        why = (f"the cell ran {waited:.0f} s and used {used:.0f} s of CPU: "
                               + (OWN_WORK_TEXT if used >= timeout else WALL_BACKSTOP_TEXT.format(wall=backstop)))
                    else:
                        continue
                    forced = await self._kit_stop_cell(timeout, cell, why)
                    continue
            else:
                msg = forced
                msg["parent_header"] = {"msg_id": msg_id}
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if self.record_timing:
                from nbclient.client import timestamp

                cell["metadata"]["execution"]["shell.execute_reply"] = timestamp(msg)
            try:
                await asyncio.wait_for(task_poll_output_msg, self.iopub_timeout)
            except (asyncio.TimeoutError, Empty):
                self.log.warning("Timeout waiting for IOPub output")
            task_poll_kernel_alive.cancel()
            return msg

    async def _kit_stop_cell(self, timeout, cell, why: str) -> dict:
        """Interrupt the cell (as nbclient does at its timeout) and the error reply that says why."""
        from jupyter_core.utils import ensure_async

        self.log.error("kit: %s", why)
        await ensure_async(self.km.interrupt_kernel())
        return {"content": {"status": "error", "ename": "CellTimeoutError", "evalue": why,
                            "traceback": [f"CellTimeoutError: {why}"]}}

    # -------------------------------------------------------------- a cold kernel warmed up like a warm one
    async def async_start_new_kernel_client(self):
        """The kernel client, and for a cold kernel (no warm process, or its kernel did not come) the
        imports a warm kernel already holds (:data:`WARM_UP`), before the first cell: the per-cell
        limit then measures the notebook's own work in both, not TensorFlow's import, which on a busy
        machine can take longer than a cell may (a cold kernel then lost points a warm one kept)."""
        kc = await super().async_start_new_kernel_client()
        kit = self.km._load_plan() if isinstance(self.km, SandboxKernelManager) else {"plan": None}
        plan = kit.get("plan")
        if plan is not None and warm_up_wanted(plan, kit):
            await self._kit_warm_up(kc)
        return kc

    from nbclient.util import run_sync as _run_sync

    start_new_kernel_client = _run_sync(async_start_new_kernel_client)
    del _run_sync

    async def _kit_warm_up(self, kc) -> None:
        from queue import Empty

        from jupyter_core.utils import ensure_async

        msg_id = kc.execute(WARM_UP, silent=True, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + WARM_UP_TIMEOUT
        while time.monotonic() < deadline:
            try:
                msg = await ensure_async(kc.shell_channel.get_msg(timeout=1))
            except Empty:
                if not await ensure_async(kc.is_alive()):
                    return
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return
        self.log.warning("kit: the kernel's warm-up took longer than %s s", WARM_UP_TIMEOUT)


# What a warm kernel (kitlib.grading.warm._preload) holds before the first cell; student-side modules only.
WARM_UP = """
def _kit_warm_up():
    import importlib.util
    import os
    import sys
    if importlib.util.find_spec("tensorflow") is None:
        return
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        import numpy, tensorflow, keras, kitlib, kitlib.exercises
    except Exception:
        pass
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)
_kit_warm_up()
del _kit_warm_up
"""
WARM_UP_TIMEOUT = 600.0


def warm_up_wanted(plan: dict, kit: dict) -> bool:
    """Whether a kernel of this plan should be warmed up: a cold one (a warm one came with the imports),
    with a memory cgroup (without one, the per-process address-space limit is the memory limit, and
    an import that fails half-way must not be left for the notebook to find)."""
    if plan["launch"].get("inject") and not kit.get("cold"):
        return False
    return bool(plan.get("cgroup_procs")) and os.environ.get("KIT_WARM_UP_COLD", "1") != "0"


def _message_bytes(msg: dict) -> int:
    content = msg.get("content") or {}
    try:
        return len(json.dumps(content, default=str))
    except (TypeError, ValueError):
        return 0


def _cap_error(msg: dict, limit: int = 64 * 1024) -> None:
    content = msg.get("content") or {}
    for key in ("ename", "evalue"):
        if isinstance(content.get(key), str) and len(content[key]) > limit:
            content[key] = content[key][:limit] + " [cut]"
    tb = content.get("traceback")
    if isinstance(tb, list):
        content["traceback"] = [str(line)[:limit] for line in tb[-50:]]


CAPS_ENV = "KIT_OUTPUT_CAPS"


def _caps_from_env() -> tuple[int, int]:
    """(per cell, per notebook) output bytes; the worker task sets ``KIT_OUTPUT_CAPS=cell_mb,total_mb``."""
    try:
        cell, total = (int(v) for v in os.environ.get(CAPS_ENV, "").split(","))
    except ValueError:
        from kitlib.grading.sandbox import Limits

        cell, total = Limits.output_cell_mb, Limits.output_total_mb
    return cell << 20, total << 20


def cell_cpu_budget(timeout: float) -> float:
    """CPU seconds a cell may use: the per-cell limit for each CPU this process (and so the sandbox)
    may run on. A cell that kept to ``timeout`` seconds on a quiet machine used at most that much."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return float(timeout) * max(1, cpus)


def cell_wall_backstop(timeout: float) -> float:
    """Wall-clock seconds after which a cell that neither ended nor spent its CPU budget is stopped."""
    return 4.0 * float(timeout) + 30.0


def autograde_config():
    """nbgrader config for an autograde run in the sandbox: ``Execute`` -> :class:`SandboxedExecute`."""
    from nbgrader.converters.autograde import Autograde
    from traitlets.config import Config

    pipeline = [f"{__name__}.SandboxedExecute" if p is Execute else f"{p.__module__}.{p.__name__}"
                for p in Autograde.class_traits()["autograde_preprocessors"].default()]
    config = Config()
    config.Autograde.autograde_preprocessors = pipeline
    # Starting a kernel runs nothing of the student's: on a busy machine it may take its time (the
    # whole submission's --timeout still bounds it).
    config.Execute.startup_timeout = STARTUP_TIMEOUT
    return config


__all__ = ["SandboxKernelManager", "SandboxedExecute", "autograde_config"]
