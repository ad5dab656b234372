"""kit grade's progress: the ETA model, the worker-side notebook events, and the display in a
terminal (pseudo-TTY) and in a log (plain pipe). A real ``kit grade`` run under both is checked in
tests/test_grading_teacher_e2e.py."""
from __future__ import annotations

import io
import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from kitlib.grading import progress as prog

pytestmark = pytest.mark.fast

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


# ---------------------------------------------------------------- the estimate


def run_notebook(model, clock, key, notebook, seconds):
    model.notebook_started(key, notebook)
    clock.now += seconds
    model.notebook_finished(key, notebook, seconds)


def test_eta_sums_measured_notebook_times_over_the_work_left_shared_by_the_slots():
    clock = Clock()
    m = prog.EtaModel(clock)
    m.plan({s: ["01_short", "02_long"] for s in "abcd"}, slots=2)
    assert m.remaining() is None  # nothing measured yet
    m.submission_started("a")
    run_notebook(m, clock, "a", "01_short", 10)
    assert m.remaining() is not None  # a mean of all notebooks stands in for 02_long
    run_notebook(m, clock, "a", "02_long", 50)
    m.submission_finished("a")
    # b, c, d left: 3 x (10 + 50) on 2 slots (no overhead measured: the clock only moved in notebooks)
    assert m.remaining() == pytest.approx(90)
    m.submission_started("b")
    m.notebook_started("b", "01_short")
    clock.now += 4
    assert m.remaining() == pytest.approx((6 + 50 + 120) / 2)  # counts down inside a notebook
    assert (m.notebooks_done, m.notebooks_total, m.submissions_done) == (2, 8, 1)


def test_a_broken_submission_that_ends_at_once_does_not_make_the_eta_jump():
    clock = Clock()
    m = prog.EtaModel(clock)
    m.plan({s: ["nb"] for s in "abcde"}, slots=1)
    m.submission_started("a")
    run_notebook(m, clock, "a", "nb", 60)
    m.submission_finished("a")
    before = m.remaining()
    m.submission_started("b")  # unreadable notebook: graded 0 without running anything
    clock.now += 0.5
    assert m.submission_finished("b") == ["nb"]
    # One submission fewer, at the measured 60 s per notebook: not the mean of 60 s and 0.5 s.
    assert m.remaining() == pytest.approx(before - 60)
    assert m.notebooks_done == 2


def test_eta_uses_the_longest_running_submission_when_slots_outnumber_the_work():
    clock = Clock()
    m = prog.EtaModel(clock)
    m.plan({"a": ["nb"], "b": ["nb"], "c": ["nb"]}, slots=4)
    m.submission_started("a")
    run_notebook(m, clock, "a", "nb", 30)
    m.submission_finished("a")
    for key in "bc":
        m.submission_started(key)
        m.notebook_started(key, "nb")
    clock.now += 10
    assert m.remaining() == pytest.approx(20)


def test_overhead_per_submission_is_measured_outside_the_notebooks():
    clock = Clock()
    m = prog.EtaModel(clock)
    m.plan({"a": ["nb"], "b": ["nb"]}, slots=1)
    m.submission_started("a")
    clock.now += 3  # repair, sandbox set-up
    run_notebook(m, clock, "a", "nb", 20)
    clock.now += 2  # re-check
    m.submission_finished("a")
    assert m.remaining() == pytest.approx(25)


def test_clock_text():
    assert prog.clock_text(0) == "0:00" and prog.clock_text(59.6) == "1:00" and prog.clock_text(7322) == "2:02:02"


# ---------------------------------------------------------------- worker side


def test_add_notebook_events_wraps_the_autograde_pipeline_and_keeps_the_course_s_own():
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    config = Config()
    prog.add_notebook_events(config, "/tmp/x.jsonl")
    pipeline = config.Autograde.autograde_preprocessors
    assert pipeline[0] is prog.NotebookStarted and pipeline[-1] is prog.NotebookFinished
    assert pipeline[1:-1] == Autograde.class_traits()["autograde_preprocessors"].default()
    assert config.NotebookEvents.path == "/tmp/x.jsonl"
    custom = Config()
    custom.Autograde.autograde_preprocessors = [Execute, "my.Pre"]
    prog.add_notebook_events(custom, "/tmp/y")
    prog.add_notebook_events(custom, "/tmp/y")  # twice: still one pair
    assert custom.Autograde.autograde_preprocessors == [prog.NotebookStarted, Execute, "my.Pre",
                                                        prog.NotebookFinished]


def test_event_preprocessors_write_one_line_per_notebook_through_traitlets_config(tmp_path):
    events = tmp_path / "events.jsonl"
    config = Config()
    config.NotebookEvents.path = str(events)
    nb = new_notebook(cells=[new_code_cell("1")])
    resources = {"nbgrader": {"notebook": "02_model"}, "unique_key": "02_model"}
    nb, resources = prog.NotebookStarted(config=config)(nb, resources)
    time.sleep(0.05)
    prog.NotebookFinished(config=config)(nb, resources)
    lines = [json.loads(l) for l in events.read_text().splitlines()]
    assert [(e["event"], e["notebook"]) for e in lines] == [("start", "02_model"), ("done", "02_model")]
    assert lines[1]["seconds"] >= 0.05
    prog.NotebookFinished(config=Config())(nb, resources)  # no path: nothing written, no error


# ---------------------------------------------------------------- the display


class FakeStream(io.StringIO):
    def isatty(self):
        return False


def test_log_mode_prints_a_line_per_notebook_and_per_submission_and_a_heartbeat(tmp_path):
    clock = Clock()
    out = FakeStream()
    p = prog.GradingProgress(out, mode="log", clock=clock, interval=10)
    p.open()
    try:
        p.stage("making the student versions of mini")
        p.plan({"ana/mini": ["mini"], "ben/mini": ["mini"]}, slots=1)
        events = tmp_path / "ana.jsonl"
        p.submission_started("ana/mini", events)
        events.write_text(json.dumps({"event": "start", "notebook": "mini"}) + "\n")
        with p.lock:
            p._poll_files()
        clock.now += 11
        with p.lock:
            p._heartbeat()
        with events.open("a") as handle:
            handle.write(json.dumps({"event": "done", "notebook": "mini", "seconds": 11.0}) + "\n"
                         + '{"event": "start", "noteb')  # a line still being written is not read
        with p.lock:
            p._poll_files()
        p.submission_finished("ana/mini", "[1/2] ana/mini: 5/5 in 12.0 s", ["a note"])
    finally:
        p.close()
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[0].startswith("kit grade: started at")
    assert "kit grade: making the student versions of mini" in lines
    assert any(l.startswith("kit grade: notebooks 0/2 · submissions 0/2 · running ana/mini: mini.ipynb 0:11")
               for l in lines), text
    assert "  notebook 1/2: ana/mini: mini.ipynb executed in 11.0 s · ETA 0:11" in lines, text
    assert any(l.startswith("[1/2] ana/mini: 5/5 in 12.0 s · elapsed 0:11 · ETA 0:1") for l in lines), text
    assert "    - a note" in lines
    assert "\x1b[" not in text  # no terminal codes in a log


def test_choose_mode(monkeypatch):
    monkeypatch.delenv("KIT_PROGRESS", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert prog.choose_mode(FakeStream()) == "log"

    class Tty(FakeStream):
        def isatty(self):
            return True

    assert prog.choose_mode(Tty()) == "bar"
    monkeypatch.setenv("TERM", "dumb")
    assert prog.choose_mode(Tty()) == "log"
    monkeypatch.setenv("KIT_PROGRESS", "bar")
    assert prog.choose_mode(FakeStream()) == "bar"


DRIVER = r"""
import json, sys, time
from pathlib import Path
from kitlib.grading.progress import GradingProgress
events = Path(sys.argv[1])
p = GradingProgress.start()
p.stage("making the student versions of demo")
time.sleep(0.6)
p.plan({"ana/demo": ["01_a", "02_b"], "ben/demo": ["01_a", "02_b"]}, slots=1)
p.submission_started("ana/demo", events)
for nb in ("01_a", "02_b"):
    with events.open("a") as h:
        h.write(json.dumps({"event": "start", "notebook": nb}) + "\n")
    time.sleep(0.7)
    with events.open("a") as h:
        h.write(json.dumps({"event": "done", "notebook": nb, "seconds": 0.7}) + "\n")
time.sleep(0.7)
p.submission_finished("ana/demo", "[1/2] ana/demo: 3/5 in 2.1 s")
print("printed by kit grade itself")
p.close()
"""


def env_for_child() -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               TERM="xterm-256color", COLUMNS="120", LINES="30")
    env.pop("KIT_PROGRESS", None)
    return env


def read_with_times(fd, proc, limit=60.0) -> list[tuple[float, bytes]]:
    """Chunks read from ``fd`` with their arrival time (seconds since start) until the child ends."""
    start, chunks = time.monotonic(), []
    while time.monotonic() - start < limit:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # the pty closes when the child ends
                break
            if not data:
                break
            chunks.append((time.monotonic() - start, data))
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    return chunks


def test_terminal_shows_rich_bars_at_once_and_lines_above_them(tmp_path):
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(tmp_path / "e.jsonl")], stdin=follower,
                            stdout=follower, stderr=follower, env=env_for_child(), close_fds=True)
    os.close(follower)
    chunks = read_with_times(leader, proc)
    os.close(leader)
    assert proc.returncode == 0, b"".join(c for _, c in chunks).decode(errors="replace")
    assert chunks and chunks[0][0] < 3.0  # the display is up long before the first notebook ends
    screen = b"".join(c for _, c in chunks).decode("utf-8", errors="replace")
    assert "making the student versions of demo" in screen
    assert "━" in screen and "notebooks" in screen and "submissions" in screen
    assert "running ana/demo: 01_a.ipynb" in screen
    assert "ETA" in screen
    assert "[1/2] ana/demo: 3/5 in 2.1 s" in screen and "printed by kit grade itself" in screen
    assert "\x1b[" in screen  # drawn in place


def test_pipe_gets_plain_lines_at_once(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(tmp_path / "e.jsonl")], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env_for_child())
    chunks = read_with_times(proc.stdout.fileno(), proc)
    assert proc.returncode == 0
    assert chunks and chunks[0][0] < 3.0
    text = b"".join(c for _, c in chunks).decode()
    assert "\x1b[" not in text and "━" not in text
    lines = text.splitlines()
    assert lines[0].startswith("kit grade: started at")
    assert "kit grade: making the student versions of demo" in lines
    assert any(l.startswith("  notebook 1/4: ana/demo: 01_a.ipynb executed in 0.7 s · ETA") for l in lines), text
    assert any(l.startswith("  notebook 2/4: ana/demo: 02_b.ipynb executed in 0.7 s · ETA") for l in lines), text
    assert any(l.startswith("[1/2] ana/demo: 3/5 in 2.1 s · elapsed") for l in lines), text
    assert "printed by kit grade itself" in lines
