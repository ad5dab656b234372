"""Live progress of ``kit grade``: per notebook executed and per submission, from the first second.

Two halves:

- **In the nbgrader worker** (:mod:`kitlib.grading.worker`): two tiny nbconvert
  preprocessors, :class:`NotebookStarted` (first in nbgrader's autograde
  pipeline, just before ``Execute``) and :class:`NotebookFinished` (last), append
  one JSON line per event to a per-submission events file
  (``{"event": "start"|"done", "notebook": "02_model", "seconds": 41.2}``).
  :func:`add_notebook_events` puts them into an ``AutogradeApp``'s config.
  Stock nbgrader otherwise; the cost is two small file appends per notebook.
- **In the teacher's process**: :class:`GradingProgress` reads those files
  (a poller thread, twice a second), keeps an :class:`EtaModel` and shows

  * in a terminal: a rich progress display (notebooks bar, submissions bar,
    what runs now, elapsed time, ETA), with one line per finished submission
    printed above it;
  * without a TTY (CI logs, ``| tee``): plain lines, one per finished notebook
    and per finished submission, plus a "still running" line when nothing else
    was printed for a while (every 10 s in the first minute, then every 30 s).

  ``KIT_PROGRESS=bar|log`` forces a mode; ``KIT_PROGRESS_INTERVAL`` sets the
  log mode's heartbeat in seconds.

The ETA comes from measured notebook times: the mean time of each notebook
(else of all notebooks so far), plus the measured per-submission overhead,
summed over the work left and shared among the job slots. It does not jump
when a fast submission ends, and it counts down between events.

Example::

    progress = GradingProgress.start(sys.stdout)
    progress.stage("making the student versions of mini")
    progress.plan({"ana/mini": ["mini"], "ben/mini": ["mini"]}, slots=2)
    progress.submission_started("ana/mini", events_file)   # the worker writes events there
    progress.submission_finished("ana/mini", "[1/2] ana/mini: 5/5 in 4.1 s")
    progress.close()
"""
from __future__ import annotations

import functools
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------- worker side
# The preprocessors subclass nbconvert's Preprocessor, whose import costs over a second: they
# are built on first use (in the nbgrader worker), so the teacher's process starts at once.

_EVENT_CLASSES = ("NotebookEvents", "NotebookStarted", "NotebookFinished")


@functools.lru_cache(maxsize=1)
def _event_preprocessors() -> dict:
    from nbconvert.preprocessors import Preprocessor
    from traitlets import Unicode

    class NotebookEvents(Preprocessor):
        """Base of the two event preprocessors: appends JSON lines to ``path``.

        A failure to write never disturbs grading (the event is lost, nothing else)."""

        path = Unicode("", help="file that receives one JSON line per event").tag(config=True)

        def __init__(self, **kw):
            super().__init__(**kw)
            self.enabled = True  # nbconvert preprocessors are off unless enabled

        @staticmethod
        def notebook_name(resources) -> str:
            return str(((resources or {}).get("nbgrader") or {}).get("notebook")
                       or (resources or {}).get("unique_key") or "notebook")

        def emit(self, event: dict) -> None:
            if not self.path:
                return
            try:
                with open(self.path, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(event) + "\n")
            except OSError:
                pass


    class NotebookStarted(NotebookEvents):
        """First in the autograde pipeline: the notebook is about to be executed."""

        def preprocess(self, nb, resources):
            resources["kit_notebook_started"] = time.monotonic()
            self.emit({"event": "start", "notebook": self.notebook_name(resources), "t": time.time()})
            return nb, resources


    class NotebookFinished(NotebookEvents):
        """Last in the autograde pipeline: the notebook was executed and its grades saved."""

        def preprocess(self, nb, resources):
            started = resources.get("kit_notebook_started")
            seconds = time.monotonic() - started if started is not None else None
            self.emit({"event": "done", "notebook": self.notebook_name(resources), "t": time.time(),
                       "seconds": seconds})
            return nb, resources

    return {"NotebookEvents": NotebookEvents, "NotebookStarted": NotebookStarted,
            "NotebookFinished": NotebookFinished}


def __getattr__(name: str):
    """``NotebookStarted`` / ``NotebookFinished`` / ``NotebookEvents``, built on first access."""
    if name in _EVENT_CLASSES:
        cls = _event_preprocessors()[name]
        cls.__module__, cls.__qualname__ = __name__, name  # importable by name (nbgrader's import_item)
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def add_notebook_events(config, path: str | os.PathLike) -> None:
    """Wrap the ``Autograde`` pipeline in ``config`` with :class:`NotebookStarted` /
    :class:`NotebookFinished`, writing to ``path`` (keeps a course's own pipeline).

    Example::

        app = AutogradeApp(); app.initialize(argv)
        add_notebook_events(app.config, "/tmp/scratch/ana/events.jsonl")
        app.start()
    """
    from nbgrader.converters import Autograde

    section = config.Autograde
    current = list(section.autograde_preprocessors) if "autograde_preprocessors" in section \
        else list(Autograde.class_traits()["autograde_preprocessors"].default())
    started, finished = __getattr__("NotebookStarted"), __getattr__("NotebookFinished")
    current = [p for p in current if p not in (started, finished)
               and not str(p).endswith(("NotebookStarted", "NotebookFinished"))]
    section.autograde_preprocessors = [started, *current, finished]
    config.NotebookEvents.path = str(path)


# --------------------------------------------------------------------- the estimate


def clock_text(seconds: float | None) -> str:
    """``m:ss`` (``h:mm:ss`` past an hour); "?" for unknown.

    Example:
        >>> clock_text(65), clock_text(3725), clock_text(None)
        ('1:05', '1:02:05', '?')
    """
    if seconds is None:
        return "?"
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass
class _Submission:
    notebooks: list[str]
    started: float | None = None
    finished: float | None = None
    done: dict[str, float | None] = field(default_factory=dict)  # notebook -> measured seconds (None: skipped)
    current: str | None = None
    current_started: float | None = None


class EtaModel:
    """Remaining time from measured notebook times (pure; the clock is injectable for tests).

    Example:
        >>> now = [0.0]
        >>> m = EtaModel(clock=lambda: now[0])
        >>> m.plan({"a": ["n1", "n2"], "b": ["n1", "n2"]}, slots=1)
        >>> m.submission_started("a"); m.notebook_started("a", "n1"); now[0] = 10
        >>> m.notebook_finished("a", "n1", 10.0)
        10.0
        >>> m.notebook_started("a", "n2"); now[0] = 30
        >>> m.notebook_finished("a", "n2", 20.0)
        20.0
        >>> m.submission_finished("a")  # notebooks that reported no end
        []
        >>> m.remaining()  # b: 10 s + 20 s
        30.0
    """

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.subs: dict[str, _Submission] = {}
        self.slots = 1
        self.durations: dict[str, list[float]] = {}
        self.overheads: list[float] = []

    # -- events
    def plan(self, notebooks_by_submission: dict[str, list[str]], slots: int) -> None:
        for key, notebooks in notebooks_by_submission.items():
            self.subs[key] = _Submission(list(notebooks))
        self.slots = max(1, int(slots))

    def submission_started(self, key: str) -> None:
        sub = self.subs.setdefault(key, _Submission([]))
        sub.started = self.clock()

    def notebook_started(self, key: str, notebook: str) -> None:
        sub = self.subs.setdefault(key, _Submission([]))
        if sub.started is None:
            sub.started = self.clock()
        if notebook not in sub.notebooks:
            sub.notebooks.append(notebook)
        sub.current, sub.current_started = notebook, self.clock()

    def notebook_finished(self, key: str, notebook: str, seconds: float | None = None) -> float | None:
        """Record a finished notebook; returns its measured time."""
        sub = self.subs.setdefault(key, _Submission([]))
        if notebook not in sub.notebooks:
            sub.notebooks.append(notebook)
        if seconds is None and sub.current == notebook and sub.current_started is not None:
            seconds = self.clock() - sub.current_started
        if notebook in sub.done:
            return sub.done[notebook]
        sub.done[notebook] = seconds
        if seconds is not None:
            self.durations.setdefault(notebook, []).append(float(seconds))
        if sub.current == notebook:
            sub.current = sub.current_started = None
        return seconds

    def submission_finished(self, key: str) -> list[str]:
        """Mark a submission done; returns its notebooks that reported no end (failed or skipped)."""
        sub = self.subs.setdefault(key, _Submission([]))
        now = self.clock()
        sub.finished = now
        unfinished = [nb for nb in sub.notebooks if nb not in sub.done]
        for notebook in unfinished:
            sub.done[notebook] = None
        sub.current = sub.current_started = None
        measured = [s for s in sub.done.values() if s is not None]
        if sub.started is not None and not unfinished and measured:
            self.overheads.append(max(0.0, (now - sub.started) - sum(measured)))
        return unfinished

    # -- what we know
    @property
    def notebooks_total(self) -> int:
        return sum(len(s.notebooks) for s in self.subs.values())

    @property
    def notebooks_done(self) -> int:
        return sum(len(s.done) for s in self.subs.values())

    @property
    def submissions_total(self) -> int:
        return len(self.subs)

    @property
    def submissions_done(self) -> int:
        return sum(1 for s in self.subs.values() if s.finished is not None)

    def running(self) -> list[tuple[str, str, float]]:
        """``(submission, what it does, seconds in it)`` for the running submissions: the notebook
        being executed (``02_model.ipynb``), "preparing" before the first, "finishing" after the last."""
        now = self.clock()
        out = []
        for key, sub in self.subs.items():
            if sub.started is None or sub.finished is not None:
                continue
            if sub.current is not None:
                out.append((key, f"{sub.current}.ipynb", now - (sub.current_started or now)))
            elif not sub.done:
                out.append((key, "preparing", now - sub.started))
            else:
                out.append((key, "finishing" if len(sub.done) >= len(sub.notebooks) else "next notebook",
                            now - sub.started))
        return out

    def estimate(self, notebook: str) -> float | None:
        """Expected seconds for ``notebook``: its own mean, else the mean of every notebook so far."""
        own = self.durations.get(notebook)
        if own:
            return sum(own) / len(own)
        every = [s for times in self.durations.values() for s in times]
        return sum(every) / len(every) if every else None

    def remaining(self) -> float | None:
        """Seconds until every submission is graded, or None before the first notebook was measured."""
        if not self.subs:
            return None
        if all(s.finished is not None for s in self.subs.values()):
            return 0.0
        overhead = sum(self.overheads) / len(self.overheads) if self.overheads else 0.0
        now = self.clock()
        work, longest, open_subs = 0.0, 0.0, 0
        for sub in self.subs.values():
            if sub.finished is not None:
                continue
            open_subs += 1
            left = 0.0
            for notebook in sub.notebooks:
                if notebook in sub.done:
                    continue
                guess = self.estimate(notebook)
                if guess is None:
                    return None
                if notebook == sub.current and sub.current_started is not None:
                    guess = max(0.0, guess - (now - sub.current_started))
                left += guess
            if sub.started is None:
                left += overhead
            elif not sub.done and sub.current is None:
                left += max(0.0, overhead - (now - sub.started))
            work += left
            if sub.started is not None:
                longest = max(longest, left)
        return max(work / max(1, min(self.slots, open_subs)), longest)


# --------------------------------------------------------------------- the display


class _EventFile:
    """New complete JSON lines of a growing file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.offset = 0
        self.partial = ""

    def read(self) -> list[dict]:
        try:
            with open(self.path, encoding="utf-8", errors="replace") as handle:
                handle.seek(self.offset)
                chunk = handle.read()
                self.offset = handle.tell()
        except OSError:
            return []
        text = self.partial + chunk
        lines = text.split("\n")
        self.partial = lines.pop()
        events = []
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                events.append(event)
        return events


def choose_mode(stream) -> str:
    """"bar" for an interactive terminal, "log" otherwise; ``KIT_PROGRESS=bar|log`` decides when set."""
    forced = os.environ.get("KIT_PROGRESS", "").strip().lower()
    if forced in ("bar", "log"):
        return forced
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return "bar" if tty and os.environ.get("TERM", "") != "dumb" else "log"


class GradingProgress:
    """What ``kit grade`` shows while it works (thread-safe; see the module docstring)."""

    POLL = 0.5

    def __init__(self, stream=None, mode: str | None = None, clock=time.monotonic,
                 interval: float | None = None):
        self.stream = stream or sys.stdout
        self.mode = mode or choose_mode(self.stream)
        self.clock = clock
        self.model = EtaModel(clock)
        self.begun = clock()
        self.lock = threading.RLock()
        self.files: dict[str, _EventFile] = {}
        env_interval = os.environ.get("KIT_PROGRESS_INTERVAL")
        self.interval = interval if interval is not None else (float(env_interval) if env_interval else None)
        self.last_print = self.begun
        self.stage_text = "starting"
        self.planned = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._rich = None
        self._tasks: dict[str, int] = {}

    # -- life cycle
    @classmethod
    def start(cls, stream=None, mode: str | None = None, **kw) -> "GradingProgress":
        """A progress display that shows something at once and keeps itself up to date."""
        progress = cls(stream, mode, **kw)
        progress.open()
        return progress

    def open(self) -> None:
        if self.mode == "bar":
            self._open_bar()
        else:
            self.print(f"kit grade: started at {time.strftime('%H:%M:%S')}; progress is logged per notebook "
                       f"and per submission")
        self._thread = threading.Thread(target=self._poll_loop, name="kit-grade-progress", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        with self.lock:
            self._poll_files()
            if self._rich is not None:
                self._refresh_bar()
                self._rich.stop()
                self._rich = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- output
    def print(self, text: str) -> None:
        """One line, above the bar in a terminal, as is in a log (control characters and escape
        sequences from student ids or notes shown escaped: :func:`kitlib.grading.names.show_line`)."""
        from kitlib.grading.names import show_line

        text = show_line(text)
        with self.lock:
            self.last_print = self.clock()
            if self._rich is not None:
                self._rich.console.print(text, markup=False, highlight=False, soft_wrap=True)
            else:
                print(text, file=self.stream, flush=True)

    def status_line(self) -> str:
        """Where grading stands, in one line (the log mode's heartbeat)."""
        m = self.model
        elapsed = clock_text(self.clock() - self.begun)
        if not self.planned:
            return f"kit grade: {self.stage_text} · elapsed {elapsed}"
        running = m.running()
        now = ", ".join(f"{key}: {what} {clock_text(sec)}" for key, what, sec in running[:3])
        if len(running) > 3:
            now += f" and {len(running) - 3} more"
        return (f"kit grade: notebooks {m.notebooks_done}/{m.notebooks_total} · submissions "
                f"{m.submissions_done}/{m.submissions_total}" + (f" · running {now}" if now else "")
                + f" · elapsed {elapsed} · ETA {self.eta_text()}")

    def eta_text(self) -> str:
        remaining = self.model.remaining()
        if remaining is None:
            return "after the first notebook"
        return clock_text(remaining)

    # -- events from kit grade
    def stage(self, text: str) -> None:
        """What happens before the submissions run (e.g. "making the student versions of mini")."""
        with self.lock:
            self.stage_text = text
            if self._rich is not None and not self.planned:
                self._rich.update(self._tasks["stage"], description=_bar_text(text))
            else:
                self.print(f"kit grade: {text}")

    def plan(self, notebooks_by_submission: dict[str, list[str]], slots: int) -> None:
        """The submissions to grade (``"student/assignment" -> notebook names``) and the job slots."""
        with self.lock:
            self.model.plan(notebooks_by_submission, slots)
            self.planned = True
            if self._rich is not None:
                self._rich.update(self._tasks["stage"], visible=False)
                self._rich.update(self._tasks["notebooks"], visible=True, total=self.model.notebooks_total)
                self._rich.update(self._tasks["submissions"], visible=True, total=self.model.submissions_total)

    def submission_started(self, key: str, events: str | os.PathLike | None = None) -> None:
        """A job slot took ``key``; its worker writes notebook events to ``events``."""
        with self.lock:
            self.model.submission_started(key)
            if events is not None:
                self.files[key] = _EventFile(Path(events))

    def submission_finished(self, key: str, line: str, notes: list[str] = ()) -> None:
        """``key`` is graded: print ``line`` (and its notes), count its notebooks as done."""
        with self.lock:
            self._poll_files(only=key)
            self.files.pop(key, None)
            self.model.submission_finished(key)
            eta = self.model.remaining()
            suffix = f" · elapsed {clock_text(self.clock() - self.begun)}"
            if self.model.submissions_done < self.model.submissions_total:
                suffix += f" · ETA {clock_text(eta) if eta is not None else '?'}"
            self.print(line + suffix)
            for note in notes:
                self.print(f"    - {note}")
            self._refresh_bar()

    # -- notebook events, read from the workers' files
    def _poll_files(self, only: str | None = None) -> None:
        for key, tail in list(self.files.items()):
            if only is not None and key != only:
                continue
            for event in tail.read():
                self._apply(key, event)

    def _apply(self, key: str, event: dict) -> None:
        notebook = str(event.get("notebook") or "notebook")
        if event.get("event") == "start":
            self.model.notebook_started(key, notebook)
            if self._rich is not None:
                self._refresh_bar()
        elif event.get("event") == "done":
            seconds = event.get("seconds")
            seconds = self.model.notebook_finished(key, notebook,
                                                   float(seconds) if isinstance(seconds, (int, float)) else None)
            m = self.model
            took = f" in {seconds:.1f} s" if seconds is not None else ""
            line = (f"  notebook {m.notebooks_done}/{m.notebooks_total}: {key}: {notebook}.ipynb executed{took}"
                    f" · ETA {self.eta_text()}")
            if self._rich is not None:
                self._refresh_bar()
            else:
                self.print(line)

    def _poll_loop(self) -> None:
        while not self._stop.wait(self.POLL):
            with self.lock:
                self._poll_files()
                if self._rich is None:
                    self._heartbeat()
                else:
                    self._refresh_bar()  # the ETA and the running times count down between events

    def _heartbeat(self) -> None:
        now = self.clock()
        every = self.interval or (10.0 if now - self.begun < 60 else 30.0)
        if now - self.last_print >= every:
            self.print(self.status_line())

    # -- the terminal display (rich)
    def _open_bar(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, \
            TimeElapsedColumn

        console = Console(file=self.stream)
        self._rich = Progress(SpinnerColumn(), TextColumn("{task.description:<11}"), BarColumn(bar_width=30),
                              MofNCompleteColumn(), TextColumn("{task.fields[info]}"), TimeElapsedColumn(),
                              console=console, refresh_per_second=4, transient=False, redirect_stdout=True,
                              redirect_stderr=True)
        self._tasks["stage"] = self._rich.add_task(self.stage_text, total=None, info="")
        self._tasks["notebooks"] = self._rich.add_task("notebooks", total=None, visible=False, info="")
        self._tasks["submissions"] = self._rich.add_task("submissions", total=None, visible=False, info="")
        self._rich.start()

    def _refresh_bar(self) -> None:
        if self._rich is None or not self.planned:
            return
        m = self.model
        running = m.running()
        now = ", ".join(f"{key}: {what}" for key, what, _ in running[:2])
        if len(running) > 2:
            now += f" +{len(running) - 2}"
        self._rich.update(self._tasks["notebooks"], completed=m.notebooks_done, total=m.notebooks_total,
                          info=f"ETA {self.eta_text()}")
        self._rich.update(self._tasks["submissions"], completed=m.submissions_done, total=m.submissions_total,
                          info=_bar_text(f"running {now}") if now else "")


def _bar_text(text: str) -> str:
    """Text for the rich display: escaped (:func:`kitlib.grading.names.show_line`), and rich's
    ``[markup]`` in a student id shown as written, not applied."""
    from rich.markup import escape

    from kitlib.grading.names import show_line

    return escape(show_line(text))
