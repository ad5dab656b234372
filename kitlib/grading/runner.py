"""Where submissions are graded: this machine's job slots, or a Dask cluster.

Both runners take :class:`Job` objects (a submission, its assignment's bundle, its
journal key) one at a time from an iterator, keep a bounded number in flight (so that
10,000 submissions are never all in memory), and yield :class:`Graded` items as they
finish. Both run the one grading unit, :func:`kitlib.grading.submission.grade_submission`;
the teacher's process (:mod:`kitlib.grading.grade`) alone merges what they yield.

- :class:`LocalRunner`: threads over this machine's warm :class:`~kitlib.grading.submission.Slot` s.
- :class:`kitlib.grading.cluster.ClusterRunner`: tasks on ``kit worker`` processes.

Example::

    runner = LocalRunner(slots, scratch_root, options)
    for graded in runner.run(iter(jobs)):
        writer.merge(graded.result)
    runner.stop()          # on Ctrl-C: queued jobs are dropped, running ones abandoned
"""
from __future__ import annotations

import itertools
import queue
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from kitlib.grading.submission import AssignmentBundle, GradingOptions, Slot, Submission, SubmissionResult, \
    grade_submission


@dataclass
class Job:
    """One submission to grade: its files, its assignment's bundle, its journal key."""

    submission: Submission
    bundle: AssignmentBundle
    key: str

    @property
    def label(self) -> str:
        return f"{self.submission.student}/{self.submission.assignment}"


@dataclass
class Graded:
    """A finished job: the result, where it ran, and whether a re-run may do better
    (``retry``: a zero given because the grading machines failed, not the student)."""

    job: Job
    result: SubmissionResult
    where: str = "local"
    retry: bool = False


class LocalRunner:
    """Grades on this machine: one thread per slot, each submission on a free slot."""

    def __init__(self, slots: list[Slot], scratch_root: Path, options: GradingOptions, keep_scratch: bool = False,
                 progress=None):
        self.slots = list(slots)
        self.scratch_root = Path(scratch_root)
        self.options = options
        self.keep_scratch = keep_scratch
        self.progress = progress  # kitlib.grading.progress.GradingProgress: per-notebook events
        self.started = itertools.count()
        self.pool = ThreadPoolExecutor(max_workers=len(self.slots), thread_name_prefix="kit-slot")
        self.free: queue.SimpleQueue[Slot] = queue.SimpleQueue()
        for slot in self.slots:
            self.free.put(slot)

    def _grade(self, job: Job) -> SubmissionResult:
        slot = self.free.get()
        events = None
        if self.progress is not None:  # the slot's nbgrader worker writes a line as each notebook starts / ends
            events = self.scratch_root / f"events-{next(self.started)}.jsonl"
            self.progress.submission_started(job.label, events)
        try:
            return grade_submission(job.submission, job.bundle, slot, self.scratch_root, self.options,
                                    keep_scratch=self.keep_scratch, events=events)
        finally:
            self.free.put(slot)

    def run(self, jobs: Iterator[Job], total: int = 0) -> Iterator[Graded]:
        """Graded jobs as they finish; at most two per slot are read ahead of the slots
        (``total``: how many the iterator holds, for progress; unused here)."""
        in_flight: dict[Future, Job] = {}
        limit = 2 * len(self.slots)

        def finished(block: bool) -> Iterator[Graded]:
            done, _ = wait(list(in_flight), timeout=None if block else 0, return_when=FIRST_COMPLETED)
            for future in done:
                job = in_flight.pop(future)
                yield Graded(job, future.result())

        for job in jobs:
            while len(in_flight) >= limit:
                yield from finished(block=True)
            in_flight[self.pool.submit(self._grade, job)] = job
            yield from finished(block=False)
        while in_flight:
            yield from finished(block=True)

    def stop(self) -> None:
        """Drop the queued jobs (running ones end when their helpers are closed)."""
        self.pool.shutdown(wait=False, cancel_futures=True)
