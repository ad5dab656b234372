"""``kit grade --cluster`` and ``kit worker``: grading on a Dask cluster, no shared file system.

Why Dask (``distributed``): a scheduler that a teacher can start anywhere (a laptop, a
Kubernetes pod, a Slurm job), workers that join and leave while a run goes on, tasks
restricted to workers by *resources*, re-scheduling of a dead worker's tasks
(``distributed.scheduler.allowed-failures``), and plain Python objects as task inputs and
results. Nothing else is needed on the workers: no shared folder, no message broker.

The two sides:

- **``kit worker tcp://HOST:PORT [--jobs N]``** (:func:`run_worker`) first checks what
  grading needs on its machine (:func:`grading_checks`: Python, TensorFlow/Keras, nbgrader,
  the course's exercise modules, the bubblewrap sandbox) and refuses to join with the
  reasons when something is missing. Then it joins as a Dask worker with ``N`` grading
  slots, advertised as the Dask resource ``kit-slot-<fingerprint>`` (:func:`resource_name`):
  a digest of the kit's source, the exercise modules and the versions of Python,
  TensorFlow, Keras, nbgrader and NumPy (:func:`fingerprint`). A slot grades one
  submission at a time and keeps its warm helpers (nbgrader worker and trusted re-check
  server, :class:`~kitlib.grading.submission.Slot`) between tasks (:class:`GradingService`).
- **``kit grade --cluster tcp://HOST:PORT``** (:class:`ClusterRunner`, driven by
  :mod:`kitlib.grading.grade`) sends each submission as a task that needs one slot of
  *its own* fingerprint, so a worker with another kit or course version never receives
  work (it is listed as refused, with the differences); each task checks the fingerprint
  again on the worker (:func:`grade_remote`), so a worker whose kit changed on disk since
  it started is refused too.

What travels: a task carries the :class:`~kitlib.grading.submission.Submission` (the
student's files as bytes) and depends on the assignment's bundle, submitted once per run
as a pure Dask task keyed ``kit-bundle-<digest>`` (content-addressed: each worker fetches
it once and keeps it in memory while the run needs it; if the worker holding it dies,
Dask recomputes it from the task). The worker returns the
:class:`~kitlib.grading.submission.SubmissionResult` (scores, report lines, re-check
verdicts, autograded files as bytes). The teacher's process alone writes the gradebook,
``autograded/``, ``grades.csv``, feedback, reports and the resume journal.

Faults: a worker that dies mid-task: the scheduler gives its tasks to another worker.
A submission whose task was on ``allowed-failures + 1`` workers that died (Dask's
``KilledWorker``) is graded 0 with a report line, and recorded so that ``--resume`` tries it
again. A task that fails for another reason (not the student's: ``grade_submission`` never
raises for them) is sent again, at most :attr:`ClusterRunner.ATTEMPTS` times.

Example::

    # on each grading machine (the kit installed, same commit as the teacher's)
    kit worker tcp://scheduler:8786 --jobs 4
    # on the teacher's machine, where the course folder is
    kit grade --cluster tcp://scheduler:8786
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from kitlib.grading import sandbox
from kitlib.grading.course import CourseError
from kitlib.grading.runner import Graded, Job
from kitlib.grading.submission import (DEFAULT_SUBMISSION_TIMEOUT, AssignmentBundle, GradingOptions, Slot,
                                       SubmissionGrader, SubmissionResult, grade_submission, probe_seed_function)
from kitlib.grading.helper_process import tool_env
from kitlib.version import installed_version

RESOURCE_PREFIX = "kit-slot-"
DASK_HINT = 'pip install "keras-teaching-kit[cluster]"  (or: pip install "dask[distributed]>=2024.8,<2027")'
VERSIONED = ("tensorflow", "keras", "nbgrader", "numpy", "nbclient", "ipykernel")


class ClusterError(CourseError):
    """The cluster cannot grade (no scheduler, no matching worker): a problem on the teacher's side."""


class KitVersionMismatch(RuntimeError):
    """A worker's kit or course differs from the teacher's: it must not grade this run."""


# --------------------------------------------------------------------- versions

def _files_digest(paths: list[Path], root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _package_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            and p.suffix not in (".pyc", ".pyo")]


def _exercise_modules_digest() -> dict[str, str]:
    """Digest of each extra exercise module named by ``KIT_EXERCISE_MODULES`` (the course's
    own modules live in kitlib, covered by the kit digest)."""
    import importlib.util

    digests = {}
    for name in sorted({m.strip() for m in os.environ.get("KIT_EXERCISE_MODULES", "").split(",") if m.strip()}):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.origin or not Path(spec.origin).is_file():
            digests[name] = "missing"
            continue
        origin = Path(spec.origin)
        if spec.submodule_search_locations:  # a package: all its files
            root = origin.parent
            digests[name] = _files_digest(_package_files(root), root)
        else:
            digests[name] = hashlib.sha256(origin.read_bytes()).hexdigest()
    return digests


def fingerprint() -> dict[str, str]:
    """What must be equal on the teacher's machine and on a worker for equal grades.

    Example::

        fingerprint()   # {'kit': '0.1.0', 'kitlib': '3f2a...', 'exercises:mini_exercises': '9b1c...',
                        #  'python': '3.11', 'keras': '3.15.1', ...}
    """
    import kitlib

    root = Path(kitlib.__file__).resolve().parent
    found = {"kit": installed_version("keras-teaching-kit") or "unknown",
             "kitlib": _files_digest(_package_files(root), root),
             "python": f"{sys.version_info.major}.{sys.version_info.minor}"}
    for name, digest in _exercise_modules_digest().items():
        found[f"exercises:{name}"] = digest
    for dist in VERSIONED:
        found[dist] = installed_version(dist) or installed_version(f"{dist}-cpu") or "missing"
    return found




def resource_name(found: dict[str, str]) -> str:
    """The Dask resource a worker with this fingerprint advertises: ``kit-slot-<12 hex>``."""
    digest = hashlib.sha256(json.dumps(found, sort_keys=True).encode()).hexdigest()[:12]
    return RESOURCE_PREFIX + digest


def differences(ours: dict[str, str], theirs: dict[str, str]) -> list[str]:
    """What differs, in words ("keras 3.15.1 here, 3.14.0 there").

    Example:
        >>> differences({"keras": "3.15.1"}, {"keras": "3.14.0"})
        ['keras 3.15.1 here, 3.14.0 on the worker']
    """
    lines = []
    for name in sorted(set(ours) | set(theirs)):
        a, b = ours.get(name, "absent"), theirs.get(name, "absent")
        if a != b:
            if len(a) == 64 and len(b) == 64:  # digests: the short form says enough
                a, b = a[:10], b[:10]
            what = {"kitlib": "kitlib source", "kit": "kit version"}.get(name, name)
            lines.append(f"{what} {a} here, {b} on the worker")
    return lines


# --------------------------------------------------------------------- the worker's side

@dataclass(frozen=True)
class TaskSpec:
    """What every task of a run carries besides its submission (plain data)."""

    timeout: float = DEFAULT_SUBMISSION_TIMEOUT
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    fingerprint: tuple[tuple[str, str], ...] = ()

    def expected(self) -> dict[str, str]:
        return dict(self.fingerprint)


SERVICE_NAME = "kit-grading"


class GradingService:
    """The grading state of one ``kit worker``: its slots (warm helpers), its fingerprint,
    a cache of bundles by digest. Installed as a Dask worker plugin (name ``kit-grading``,
    :func:`_plugin`).

    Slots are started at once with the default limits; a task whose re-check limit differs
    (the teacher gave a ``--timeout`` under 300 s) restarts the helpers of the slot it gets, once."""

    name = SERVICE_NAME
    BUNDLES_KEPT = 8

    def __init__(self, jobs: int, scratch_root: Path, use_bwrap: bool, isolation: str,
                 found: dict[str, str] | None = None):
        self.jobs = jobs
        self.scratch_root = Path(scratch_root)
        self.scratch_root.chmod(0o711)  # sandbox uids may pass through (to their own box only)
        self.use_bwrap = use_bwrap
        self.isolation = isolation
        self.fingerprint = found or fingerprint()
        self.run_cgroup = None
        self.free: queue.SimpleQueue[tuple[Slot, GradingOptions]] = queue.SimpleQueue()
        self.slots: list[Slot] = []
        self.bundles: dict[str, AssignmentBundle] = {}
        self.lock = threading.Lock()
        self.graded = 0
        self.in_use: dict[int, GradingOptions] = {}  # id(slot) -> the options its helpers run with
        self.worker = None

    def options(self, timeout: float, limits: sandbox.Limits) -> GradingOptions:
        """The teacher's limits with this machine's isolation."""
        return GradingOptions(timeout=timeout, limits=limits, use_bwrap=self.use_bwrap)

    def _start_slot(self, index: int, options: GradingOptions) -> Slot:
        cgroup = self.run_cgroup.to_plain() if self.run_cgroup is not None else None
        return Slot.start(self.scratch_root, options, index, cgroup)

    # -- Dask worker plugin hooks
    def setup(self, worker=None) -> None:
        self.worker = worker
        support = sandbox.cgroup_support()
        self.run_cgroup = support.create_run(f"kit-worker-{os.getpid()}") if support.ok else None
        default = self.options(DEFAULT_SUBMISSION_TIMEOUT, sandbox.Limits(cpu_seconds=int(DEFAULT_SUBMISSION_TIMEOUT) + 5))
        for index in range(self.jobs):
            slot = self._start_slot(index, default)
            self.slots.append(slot)
            self.free.put((slot, default))

    def teardown(self, worker=None) -> None:
        from kitlib.grading.helper_process import close_all

        close_all([helper for slot in self.slots for helper in slot.helpers()])
        if self.run_cgroup is not None:
            self.run_cgroup.remove()

    # -- used by the tasks
    def acquire(self, options: GradingOptions) -> Slot:
        slot, started_with = self.free.get(timeout=3600)
        if _slot_key(started_with) != _slot_key(options):
            slot.close()
            fresh = self._start_slot(slot.index, options)
            with self.lock:
                self.slots[self.slots.index(slot)] = fresh
            slot = fresh
        with self.lock:
            self.in_use[id(slot)] = options
        return slot

    def release(self, slot: Slot) -> None:
        with self.lock:
            options = self.in_use.pop(id(slot))
        self.free.put((slot, options))

    def bundle(self, digest: str, blob: bytes) -> AssignmentBundle:
        with self.lock:
            found = self.bundles.get(digest)
            if found is None:
                found = pickle.loads(blob)
                if found.digest != digest:
                    raise ValueError("the assignment bundle does not match its digest")
                while len(self.bundles) >= self.BUNDLES_KEPT:
                    self.bundles.pop(next(iter(self.bundles)))
                self.bundles[digest] = found
            return found

    def check_version(self, expected: dict[str, str]) -> None:
        """Refuse a task from a teacher with another kit, and a task arriving after this
        worker's kit changed on disk (its running helpers would mix two versions)."""
        if expected != self.fingerprint:
            raise KitVersionMismatch("; ".join(differences(expected, self.fingerprint)) or "fingerprints differ")
        now = fingerprint()
        if now != self.fingerprint:
            self.withdraw()
            raise KitVersionMismatch("the kit on this worker changed since it started ("
                                     + "; ".join(differences(now, self.fingerprint)) + "): restart kit worker")

    def withdraw(self) -> None:
        """Stop advertising grading slots (the scheduler sends this worker no more grading)."""
        worker = self.worker
        if worker is None:
            return
        resources = {name: 0 for name in (worker.state.total_resources or {}) if name.startswith(RESOURCE_PREFIX)}
        if resources:
            worker.loop.add_callback(worker.set_resources, **resources)


def _slot_key(options: GradingOptions) -> tuple:
    """What a slot's helpers were started with (the per-submission limits go into each kernel's
    plan; only the re-check server's CPU limit and the isolation are fixed at start)."""
    return min(options.limits.cpu_seconds, 300), options.use_bwrap


def _service(dask_worker=None) -> GradingService:
    if dask_worker is None:
        from distributed import get_worker

        dask_worker = get_worker()
    plugin = dask_worker.plugins.get(SERVICE_NAME)
    service = getattr(plugin, "service", None)
    if service is None:
        raise KitVersionMismatch(f"{dask_worker.address} is not a kit worker (start it with `kit worker`)")
    return service


def _plugin(service: GradingService, remove_scratch: bool = False):
    """``service`` as a Dask worker plugin (``setup`` when the worker starts, ``teardown`` when it
    closes; ``remove_scratch``: the scratch folder goes with it)."""
    from distributed import WorkerPlugin

    class GradingPlugin(WorkerPlugin):
        name = SERVICE_NAME

        def __init__(self):
            self.service = service

        def setup(self, worker):
            service.setup(worker)

        def teardown(self, worker):
            service.teardown(worker)
            if remove_scratch:
                shutil.rmtree(service.scratch_root, ignore_errors=True)

    return GradingPlugin()


def grade_remote(submission, bundle_blob: bytes, bundle_digest: str, spec: TaskSpec) -> tuple[SubmissionResult, str]:
    """The Dask task: grade one submission on this worker; (result, worker name)."""
    from distributed import get_worker

    worker = get_worker()
    service = _service(worker)
    service.check_version(spec.expected())
    bundle = service.bundle(bundle_digest, bundle_blob)
    options = service.options(spec.timeout, spec.limits)
    slot = service.acquire(options)
    try:
        result = grade_submission(submission, bundle, slot, service.scratch_root, options)
    finally:
        service.release(slot)
    service.graded += 1
    return result, str(worker.name)


def worker_identity(dask_worker=None) -> dict:
    """What a kit worker says about itself (``client.run``): fingerprint, slots, isolation."""
    service = _service(dask_worker)
    return {"fingerprint": service.fingerprint, "jobs": service.jobs, "isolation": service.isolation,
            "sandboxed": bool(service.use_bwrap), "cgroups": service.run_cgroup is not None,
            "host": socket.gethostname(), "pid": os.getpid(), "graded": service.graded}


# --------------------------------------------------------------------- kit worker

PROBE = r"""
import json, sys
found = {}
try:
    from kitlib.environment import import_tensorflow_quietly
    _, keras = import_tensorflow_quietly()
    found["keras"] = keras.__version__ + ", " + keras.backend.backend() + " backend"
except Exception as error:
    found["keras_error"] = f"{type(error).__name__}: {error}"[:300]
try:
    from kitlib.grading import skip_slow_optional_imports
    skip_slow_optional_imports()
    import nbgrader, nbgrader.apps
    found["nbgrader"] = nbgrader.__version__
except Exception as error:
    found["nbgrader_error"] = f"{type(error).__name__}: {error}"[:300]
try:
    import ipykernel
    found["ipykernel"] = ipykernel.__version__
except Exception as error:
    found["ipykernel_error"] = f"{type(error).__name__}: {error}"[:300]
try:
    from kitlib.exercises.core import REGISTRY
    found["exercises"] = len(REGISTRY.all())
except Exception as error:
    found["exercises_error"] = f"{type(error).__name__}: {error}"[:300]
print(json.dumps(found))
"""


def grading_checks(allow_unisolated: bool = False) -> list:
    """The checks of ``kit doctor`` that grading needs, run on this machine
    (:class:`kitlib.doctor.Finding` list; any "fail" keeps the worker out of the cluster).

    TensorFlow, nbgrader and the exercise modules are imported in a fresh process, as the
    slots will import them."""
    from kitlib.doctor import Finding, check_python

    findings = check_python()
    try:
        done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=600,
                              env=tool_env())
        found = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}
        if not found:
            found = {"keras_error": (done.stderr.strip().splitlines() or ["the probe printed nothing"])[-1]}
    except (OSError, subprocess.TimeoutExpired, ValueError) as error:
        found = {"keras_error": f"the import probe failed: {error}"}
    fixes = {"keras": 'python -m pip install "tensorflow>=2.16,<3" "keras>=3,<4"',
             "nbgrader": 'python -m pip install "nbgrader>=0.9,<0.10"',
             "ipykernel": "python -m pip install ipykernel",
             "exercises": "install the kit and the course at the teacher's commit; set KIT_EXERCISE_MODULES "
                          "as on the teacher's machine"}
    labels = {"keras": "TensorFlow/Keras", "nbgrader": "nbgrader", "ipykernel": "ipykernel",
              "exercises": "exercise modules"}
    for key, label in labels.items():
        if f"{key}_error" in found:
            findings.append(Finding(label, "fail", f"does not import: {found[key + '_error']}", fixes[key]))
        elif key == "exercises":
            findings.append(Finding(label, "ok", f"{found[key]} exercises"))
        else:
            findings.append(Finding(label, "ok", str(found.get(key, "?"))))
    nb_version = found.get("nbgrader", "")
    if nb_version and not nb_version.startswith("0.9."):
        findings.append(Finding("nbgrader", "fail", f"{nb_version}: the course needs nbgrader 0.9.x", fixes["nbgrader"]))
    for area, status, detail, fix in sandbox.findings():
        if area == "grading isolation" and status != "ok" and not allow_unisolated:
            status, detail = "fail", detail + "; a grading worker needs the sandbox (or --allow-unisolated)"
        findings.append(Finding(area, status, detail, fix))
    return findings


def isolation_summary() -> str:
    """This machine's isolation in one line (for the teacher's report)."""
    return " | ".join(("" if status == "ok" else "WARNING: ") + detail for _, status, detail, _ in sandbox.findings())


def _require_dask():
    try:
        import distributed  # noqa: F401
    except ImportError as missing:
        raise ClusterError(f"Dask is not installed here ({missing}): {DASK_HINT}") from missing


class WorkerRefused(RuntimeError):
    """This machine cannot grade (the message lists what is missing)."""


def checked_service(jobs: int, allow_unisolated: bool = False, where: str = "the scheduler") -> GradingService:
    """Run :func:`grading_checks` (printing them) and return this machine's grading service,
    or raise :class:`WorkerRefused` saying what is missing."""
    print(f"kit worker: checking what grading needs on {socket.gethostname()} ...", flush=True)
    findings = grading_checks(allow_unisolated=allow_unisolated)
    for finding in findings:
        print("  " + finding.line().replace("\n", "\n  "), flush=True)
    failed = [f for f in findings if f.status == "fail"]
    if failed:
        raise WorkerRefused(f"refusing to join {where}: {len(failed)} problem(s) above "
                            f"({', '.join(f.area for f in failed)}); fix them and start the worker again")
    scratch = Path(tempfile.mkdtemp(prefix="kit-worker-"))
    return GradingService(jobs, scratch, use_bwrap=sandbox.availability()[0], isolation=isolation_summary())


def run_worker(args) -> int:
    """``kit worker``: checks, then a Dask worker with grading slots until stopped."""
    address = args.scheduler
    jobs = max(1, int(args.jobs or os.cpu_count() or 1))
    try:
        _require_dask()
        service = checked_service(jobs, args.allow_unisolated, address)
    except (ClusterError, WorkerRefused) as error:
        print(f"kit worker: {error}", file=sys.stderr)
        return 1
    name = args.name or f"kit-{socket.gethostname()}-{os.getpid()}"
    try:
        return _serve(address, jobs, name, service, service.scratch_root)
    finally:
        shutil.rmtree(service.scratch_root, ignore_errors=True)


async def dask_setup(worker) -> None:
    """``dask worker ADDRESS --nthreads N --preload kitlib.grading.cluster``: a plain Dask worker
    (as dask-jobqueue or the Dask Kubernetes operator start them) becomes a kit worker with
    ``N`` grading slots, after the same checks as ``kit worker`` (a failed check stops it with
    the reasons). ``KIT_WORKER_ALLOW_UNISOLATED=1`` plays ``--allow-unisolated``."""
    import asyncio

    allow = os.environ.get("KIT_WORKER_ALLOW_UNISOLATED", "") == "1"
    jobs = max(1, int(worker.state.nthreads))
    service = await asyncio.to_thread(checked_service, jobs, allow, str(worker.scheduler.address))
    resource = resource_name(service.fingerprint)
    worker.state.total_resources[resource] = jobs  # advertised when the worker registers, just after
    worker.state.available_resources[resource] = jobs
    await worker.plugin_add(plugin=_plugin(service, remove_scratch=True), catch_errors=False)
    print(f"kit worker: {jobs} grading slot(s) as resource {resource}; {service.isolation}", flush=True)


def _serve(address: str, jobs: int, name: str, service: GradingService, scratch: Path) -> int:
    import asyncio
    import signal

    from distributed import Worker

    resource = resource_name(service.fingerprint)

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            worker = await Worker(address, nthreads=jobs, resources={resource: jobs}, name=name,
                                  local_directory=str(scratch / "dask"), plugins={_plugin(service)},
                                  memory_limit=0, death_timeout=60)
        except Exception as error:  # no scheduler there
            print(f"kit worker: cannot join {address}: {type(error).__name__}: {error}", file=sys.stderr)
            return 1
        print(f"kit worker: joined {address} as {name} with {jobs} grading slot(s) "
              f"(resource {resource}); {service.isolation}", flush=True)
        finished = asyncio.ensure_future(worker.finished())
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait([finished, stopping], return_when=asyncio.FIRST_COMPLETED)
        if not finished.done():
            print("kit worker: stopping", flush=True)
            await worker.close()
        stopping.cancel()
        return 0

    return asyncio.run(main())


# --------------------------------------------------------------------- the teacher's side

def killed_note(times: int) -> str:
    """The report line of a submission whose grading stopped ``times`` workers."""
    return (f"grading this submission stopped its worker {times} times (a crash, or the machine ran out of "
            f"memory); graded 0: grade it again with kit grade --resume, or look at it by hand")


def failed_result(job: Job, note: str) -> SubmissionResult:
    """Zero points for every grade cell and a report line, when the grading machines (not the
    student) failed; ``autograded/`` gets the repaired submission, as for any that could not run."""
    scratch = Path(tempfile.mkdtemp(prefix="kit-zero-"))
    result = SubmissionResult(job.submission.student, job.submission.assignment)
    try:
        grader = SubmissionGrader(job.submission, job.bundle, scratch, GradingOptions(use_bwrap=False))
        try:
            grader.prepare(result)
            grader.collect_autograded(result)
        except Exception:  # noqa: BLE001 - the zero grades matter, the copy does not
            result.autograded = {}
        result.notes.append(note)
        grader.zero_scores(result)
        return result
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@dataclass
class _Task:
    job: Job
    attempt: int = 1


class ClusterRunner:
    """Runs :class:`~kitlib.grading.runner.Job` s on the kit workers of a Dask scheduler
    (the interface of :class:`kitlib.grading.runner.LocalRunner`; see the module docstring).

    Example::

        runner = ClusterRunner("tcp://127.0.0.1:8786", timeout=1800, limits=Limits())
        for graded in runner.run(jobs):
            print(graded.result.score, graded.where)
        runner.close()
    """

    ATTEMPTS = 3            # sends of one submission after failures that are not a worker's death
    PER_SLOT_AHEAD = 2      # tasks in flight per matching slot (bounded memory on the scheduler)
    STATUS_EVERY = 10.0     # seconds between status lines when nothing else is printed

    def __init__(self, address: str, timeout: float, limits: sandbox.Limits, wait_for_workers: float | None = None,
                 stream=None):
        _require_dask()
        from distributed import Client

        self.address = address
        self.stream = stream or sys.stdout
        self.found = fingerprint()
        self.resource = resource_name(self.found)
        self.spec = TaskSpec(timeout, limits, tuple(sorted(self.found.items())))
        if wait_for_workers is None:
            wait_for_workers = float(os.environ.get("KIT_CLUSTER_WAIT", "600"))
        self.wait_for_workers = wait_for_workers
        self.run_id = os.urandom(4).hex()
        try:
            self.client = Client(address, timeout=30, set_as_default=False)
        except Exception as error:  # OSError, TimeoutError: nothing listens there
            raise ClusterError(f"cannot reach the Dask scheduler at {address} ({type(error).__name__}: {error}); "
                               f"start one with `dask scheduler` and workers with `kit worker {address}`") from error
        self.workers: dict[str, dict] = {}    # address -> scheduler info of matching workers
        self.refused: dict[str, str] = {}     # address -> why
        self.bundles: dict[str, tuple[object, str]] = {}
        self.live: dict[object, _Task] = {}
        self.failures = 0
        self.done = 0
        self.total = 0
        self.started = time.monotonic()
        self.last_print = 0.0
        self.done_queue: queue.SimpleQueue = queue.SimpleQueue()

    # -- reporting
    def say(self, text: str) -> None:
        print(f"kit grade: {text}", file=self.stream, flush=True)
        self.last_print = time.monotonic()

    def dashboard(self) -> str:
        try:
            link = self.client.dashboard_link
        except Exception:
            link = None
        return link or "not served by this scheduler (install bokeh where the scheduler runs)"

    def isolation(self) -> str:
        """The report's isolation line: what the workers said about theirs, and the limits."""
        workers = list(self.workers.values())
        kinds = sorted({info.get("isolation", "?") for info in workers})
        limits = self.spec.limits.describe(all(w.get("sandboxed") for w in workers),
                                           all(w.get("cgroups") for w in workers))
        return (f"graded on the Dask cluster at {self.address}: " + " | ".join(kinds or ["no worker yet"])
                + " | limits: " + "; ".join(limits))

    # -- workers
    def refresh_workers(self) -> None:
        """Learn the scheduler's workers: matching ones grade; kit workers of another
        version are refused (said once, with what differs)."""
        try:
            info = self.client.scheduler_info(n_workers=-1).get("workers", {})
        except TypeError:  # distributed < 2025: every worker by default
            info = self.client.scheduler_info().get("workers", {})
        present = set(info)
        for address in list(self.workers):
            if address not in present:
                self.say(f"worker {self.workers.pop(address).get('name', address)} left the cluster")
        for address, worker in info.items():
            resources = worker.get("resources") or {}
            if address in self.workers or address in self.refused:
                continue
            if resources.get(self.resource):
                identity = self._identity(address) or {}
                worker = dict(worker, isolation=identity.get("isolation", "?"), sandboxed=identity.get("sandboxed"),
                              cgroups=identity.get("cgroups"))
                self.workers[address] = worker
                self.say(f"worker {worker.get('name', address)} ({address}) joined with "
                         f"{resources[self.resource]:g} grading slot(s)")
            elif any(str(r).startswith(RESOURCE_PREFIX) for r in resources):
                identity = self._identity(address)
                theirs = (identity or {}).get("fingerprint") or {}
                why = "; ".join(differences(self.found, theirs)) or "its kit or course differs"
                self.refused[address] = why
                self.say(f"worker {worker.get('name', address)} ({address}) refused: {why}. "
                         f"Install the teacher's kit and course there (same commit, same KIT_EXERCISE_MODULES) "
                         f"and start kit worker again")

    def _identity(self, address: str) -> dict | None:
        try:
            return self.client.run(worker_identity, workers=[address], on_error="return").get(address)
        except Exception:
            return None

    def slots(self) -> int:
        return int(sum((w.get("resources") or {}).get(self.resource, 0) for w in self.workers.values()))

    def wait_for_matching_workers(self) -> None:
        deadline = time.monotonic() + self.wait_for_workers
        announced = False
        while True:
            self.refresh_workers()
            if self.workers:
                return
            if time.monotonic() > deadline:
                refused = f" ({len(self.refused)} refused: another kit or course version)" if self.refused else ""
                raise ClusterError(f"no kit worker with this kit and course joined {self.address} within "
                                   f"{self.wait_for_workers:g} s{refused}; start them with `kit worker {self.address}`"
                                   f" (what is graded so far is kept: finish with --resume)")
            if not announced:
                self.say(f"waiting for kit workers to join {self.address} (start them with "
                         f"`kit worker {self.address}`; up to {self.wait_for_workers:g} s)")
                announced = True
            time.sleep(1.0)

    # -- tasks
    def _bundle_future(self, bundle: AssignmentBundle):
        """The bundle as a pure Dask task keyed by its digest, without the course's probe secret
        (it stays on this machine: each task carries its submission's seed instead)."""
        ident = id(bundle)
        if ident not in self.bundles:
            shipped = dataclasses.replace(bundle, probe_secret=None)
            digest = shipped.digest
            blob = pickle.dumps(shipped, protocol=pickle.HIGHEST_PROTOCOL)
            future = self.client.submit(bytes, blob, key=f"kit-bundle-{digest}", pure=True)
            self.bundles[ident] = (future, digest)
        return self.bundles[ident]

    def _submit(self, task: _Task) -> None:
        bundle_future, digest = self._bundle_future(task.job.bundle)
        s = task.job.submission
        function = probe_seed_function()
        if function is not None and task.job.bundle.probe_secret and s.probe_seed is None:
            s = dataclasses.replace(s, probe_seed=int(function(task.job.bundle.probe_secret, s.assignment, s.student)))
        key = f"kit-grade-{self.run_id}-{s.assignment}-{s.student}-{task.attempt}"
        future = self.client.submit(grade_remote, s, bundle_future, digest, self.spec, key=key, pure=False,
                                    resources={self.resource: 1}, retries=0)
        self.live[future] = task
        future.add_done_callback(self.done_queue.put)


    def _finished(self, future) -> Graded | None:
        """A done future as a :class:`Graded`, or None when it was sent again."""
        from distributed.scheduler import KilledWorker

        task = self.live.pop(future)
        try:
            result, where = future.result()
            return Graded(task.job, result, where)
        except KilledWorker as error:
            self.failures += 1
            note = killed_note(error.allowed_failures + 1)
            self.say(f"{task.job.label}: {note}")
            return Graded(task.job, failed_result(task.job, note), "none", retry=True)
        except KitVersionMismatch as error:
            self.failures += 1
            self.say(f"{task.job.label}: a worker refused the task ({error}); sending it elsewhere")
            return self._again(task, str(error))
        except Exception as error:  # CancelledError (scheduler restarted), a kit bug on a worker, ...
            self.failures += 1
            if self.client.status != "running":
                raise ClusterError(f"lost the Dask scheduler at {self.address}; what was graded is recorded: "
                                   f"finish with kit grade ... --resume") from error
            self.say(f"{task.job.label}: the task failed on the cluster ({type(error).__name__}: {error})"[:400])
            return self._again(task, f"{type(error).__name__}: {error}")

    def _again(self, task: _Task, why: str) -> Graded | None:
        if task.attempt >= self.ATTEMPTS:
            note = f"kit grade failed on the cluster {task.attempt} times ({why[:200]}); graded 0: grade it again with --resume"
            return Graded(task.job, failed_result(task.job, note), "none", retry=True)
        self.pending.appendleft(_Task(task.job, task.attempt + 1))
        return None

    def status_line(self) -> str:
        """``3/20 done · kit-a: 2 running, 1 queued · kit-b: 2 running · failures: 0 · ETA 0:00:41``."""
        try:
            processing = self.client.processing()
        except Exception:
            processing = {}
        parts = []
        for address, worker in sorted(self.workers.items(), key=lambda item: str(item[1].get("name"))):
            assigned = len([k for k in processing.get(address, ()) if str(k).startswith("kit-grade-")])
            slots = int((worker.get("resources") or {}).get(self.resource, 1))
            running, queued = min(assigned, slots), max(0, assigned - slots)
            parts.append(f"{worker.get('name', address)}: {running} running" + (f", {queued} queued" if queued else ""))
        elapsed = time.monotonic() - self.started
        eta = "?"
        if self.done:
            eta = time.strftime("%H:%M:%S", time.gmtime(elapsed / self.done * max(0, self.total - self.done)))
        return (f"{self.done}/{self.total} done · {' · '.join(parts) or 'no worker'} · failures: {self.failures} · "
                f"elapsed {elapsed:.0f} s · ETA {eta}")

    def run(self, jobs: Iterator[Job], total: int = 0) -> Iterator[Graded]:
        """Graded jobs as they finish (see :class:`kitlib.grading.runner.LocalRunner`)."""
        self.total = total
        self.say(f"Dask dashboard: {self.dashboard()}")
        self.wait_for_matching_workers()
        self.pending: deque[_Task] = deque()
        source = iter(jobs)
        exhausted = False
        no_workers_since: float | None = None
        last_refresh = 0.0
        while True:
            now = time.monotonic()
            if now - last_refresh > 2.0:
                self.refresh_workers()
                last_refresh = now
                if self.workers:
                    no_workers_since = None
                elif no_workers_since is None:
                    no_workers_since = now
                    self.say("no kit worker of this version is connected: waiting for one")
                elif now - no_workers_since > self.wait_for_workers:
                    raise ClusterError(f"no kit worker of this version for {self.wait_for_workers:g} s at "
                                       f"{self.address}; finish with kit grade ... --resume once workers are back")
            capacity = max(1, self.PER_SLOT_AHEAD * self.slots())
            while len(self.live) < capacity and (self.pending or not exhausted):
                if self.pending:
                    self._submit(self.pending.popleft())
                    continue
                job = next(source, None)
                if job is None:
                    exhausted = True
                    break
                self._submit(_Task(job))
            if not self.live and not self.pending and exhausted:
                return
            try:
                future = self.done_queue.get(timeout=1.0)
            except queue.Empty:
                if time.monotonic() - self.last_print > self.STATUS_EVERY:
                    self.say(self.status_line())
                continue
            if future not in self.live:
                continue  # a stale callback (already handled)
            graded = self._finished(future)
            if graded is not None:
                self.done += 1
                yield graded

    def stop(self) -> None:
        """Cancel what is still queued or running on the cluster (Ctrl-C)."""
        try:
            if self.live:
                self.client.cancel(list(self.live), force=True)
        except Exception:
            pass
        self.live.clear()

    def close(self) -> None:
        self.stop()
        try:
            self.client.close(timeout=10)
        except Exception:
            pass


__all__ = ["ClusterError", "ClusterRunner", "GradingService", "KitVersionMismatch", "TaskSpec", "differences",
           "fingerprint", "grade_remote", "grading_checks", "resource_name", "run_worker", "worker_identity"]
