"""One deadline per submission: --timeout bounds every step of grading one submission, not only the kernel's run.

The kernel's run is stopped by the worker's own timeout (the hostile gallery's bombs); here the
steps on the teacher's side: a submission whose preparation or reading back outlasts the limit
gets 0 with a report line, and nothing after it runs. (A notebook of tens of thousands of cells
is refused before it costs minutes: tests/test_grading_hostile.py, ``huge_cells``.)"""
from __future__ import annotations

import time

from kitlib.grading import submission as sub


def grader(tmp_path, timeout):
    bundle = sub.AssignmentBundle("mini", b"", {}, {}, b"")
    return sub.SubmissionGrader(sub.Submission("ana", "mini", {}), bundle, tmp_path,
                                sub.GradingOptions(timeout=timeout))


class NoSlot:
    """A slot that must not be used (the deadline passed before the kernel would start)."""

    def __getattr__(self, name):
        raise AssertionError(f"slot.{name} used after the deadline")


def test_preparing_past_the_deadline_gives_zero_with_a_line_and_runs_nothing_more(tmp_path, monkeypatch):
    zeroed = []
    monkeypatch.setattr(sub.SubmissionGrader, "prepare", lambda self, result: time.sleep(0.3))
    monkeypatch.setattr(sub.SubmissionGrader, "zero_scores", lambda self, result: zeroed.append(True))
    result = grader(tmp_path, timeout=0.1).run(NoSlot())
    assert zeroed and not result.executed
    assert any("ran past the 0.1 s limit (--timeout) while preparing the notebooks" in n for n in result.notes), \
        result.notes


def test_reading_back_past_the_deadline_withdraws_the_points(tmp_path, monkeypatch):
    import subprocess

    def scores(self, result):
        result.cells.append(sub.CellResult("mini", "mini_sum_test", 2.0, 2.0))
        return True

    def slow(self, result):
        time.sleep(0.4)

    monkeypatch.setattr(sub.SubmissionGrader, "prepare", lambda self, result: True)
    monkeypatch.setattr(sub.SubmissionGrader, "autograde",
                        lambda self, result, slot: subprocess.CompletedProcess([], 0, "", ""))
    monkeypatch.setattr(sub.SubmissionGrader, "sandbox_notes", lambda self, result: None)
    monkeypatch.setattr(sub.SubmissionGrader, "read_scores", scores)
    monkeypatch.setattr(sub.SubmissionGrader, "problems", slow)
    monkeypatch.setattr(sub.SubmissionGrader, "recheck", lambda self, result, verifier: None)
    monkeypatch.setattr(sub.SubmissionGrader, "zero_scores", lambda self, result: result.cells.clear())
    slot = type("S", (), {"verifier": None})()
    result = grader(tmp_path, timeout=0.2).run(slot)
    assert result.score == 0 and not result.executed
    assert any("while reading the executed notebooks back" in n for n in result.notes), result.notes


def test_the_kernel_run_gets_what_the_limit_leaves(tmp_path):
    g = grader(tmp_path, timeout=50)
    g.deadline = time.monotonic() + 7
    assert 6 < g.remaining() <= 7
    g.deadline = time.monotonic() - 5
    assert g.remaining() == 1.0


def attempts_grader(tmp_path, monkeypatch, outcomes):
    """A grader whose kernel runs end as ``outcomes`` say, one per attempt: (log, score, sandbox note)."""
    import subprocess

    runs = []

    def autograde(self, result, slot):
        log, score, note = outcomes[len(runs)]
        runs.append(log)
        self._score, self._note = score, note
        return subprocess.CompletedProcess([], 1 if log else 0, log, "")

    def sandbox_notes(self, result):
        if self._note:
            result.notes.append(self._note)

    def scores(self, result):
        result.cells.append(sub.CellResult("mini", "mini_sum_test", 2.0, self._score))
        return True

    monkeypatch.setattr(sub.SubmissionGrader, "prepare", lambda self, result: True)
    monkeypatch.setattr(sub.SubmissionGrader, "autograde", autograde)
    monkeypatch.setattr(sub.SubmissionGrader, "sandbox_notes", sandbox_notes)
    monkeypatch.setattr(sub.SubmissionGrader, "read_scores", scores)
    monkeypatch.setattr(sub.SubmissionGrader, "problems", lambda self, result: None)
    monkeypatch.setattr(sub.SubmissionGrader, "recheck", lambda self, result, verifier: None)
    slot = type("S", (), {"verifier": None})()
    return grader(tmp_path, timeout=600).run(slot), runs


DIED = "nbclient.exceptions.DeadKernelError: Kernel died"


def test_a_kernel_that_died_for_no_reason_of_its_own_is_run_once_more(tmp_path, monkeypatch):
    result, runs = attempts_grader(tmp_path, monkeypatch, [(DIED, 0.0, None), ("", 2.0, None)])
    assert len(runs) == 2 and result.score == 2.0
    assert len(result.cells) == 1
    line = [n for n in result.notes if "graded once more" in n]
    assert len(line) == 1 and "a kernel died" in line[0] and "the second run counts" in line[0], result.notes


def test_the_second_failure_stands_with_a_line(tmp_path, monkeypatch):
    result, runs = attempts_grader(tmp_path, monkeypatch, [(DIED, 0.0, None), (DIED, 0.0, None)])
    assert len(runs) == 2 and result.score == 0.0
    assert any("the same happened again" in n for n in result.notes), result.notes


def test_a_kernel_killed_by_its_own_limit_is_not_run_again(tmp_path, monkeypatch):
    note = "the memory limit (768 MB for the whole submission, its files in memory included) was reached"
    result, runs = attempts_grader(tmp_path, monkeypatch, [(DIED, 0.0, note), ("", 2.0, None)])
    assert len(runs) == 1 and result.score == 0.0
    assert not any("graded once more" in n for n in result.notes)


# --------------------------------------------------------------------- the per-cell limit: own CPU time, wall backstop

def stopped_cell_grader(tmp_path, monkeypatch, evalues):
    """A grader whose kernel runs each stop the answer cell with the given error text (None: a clean run)."""
    import subprocess

    import nbformat

    runs = []

    def autograde(self, result, slot):
        evalue = evalues[len(runs)]
        runs.append(evalue)
        cell = nbformat.v4.new_code_cell("while True:\n    pass")
        cell.metadata["nbgrader"] = {"grade_id": "mini_sum_answer"}
        if evalue is not None:
            cell.outputs = [nbformat.v4.new_output("error", ename="CellTimeoutError", evalue=evalue, traceback=[])]
        self.produced.mkdir(parents=True, exist_ok=True)
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]), str(self.produced / "mini.ipynb"))
        self._score = 0.0 if evalue is not None else 2.0
        return subprocess.CompletedProcess([], 0, "", "")

    def scores(self, result):
        result.cells.append(sub.CellResult("mini", "mini_sum_test", 2.0, self._score))
        return True

    monkeypatch.setattr(sub.SubmissionGrader, "prepare", lambda self, result: True)
    monkeypatch.setattr(sub.SubmissionGrader, "autograde", autograde)
    monkeypatch.setattr(sub.SubmissionGrader, "sandbox_notes", lambda self, result: None)
    monkeypatch.setattr(sub.SubmissionGrader, "read_scores", scores)
    monkeypatch.setattr(sub.SubmissionGrader, "recheck", lambda self, result, verifier: None)
    slot = type("S", (), {"verifier": None})()
    tmp_path.mkdir(parents=True, exist_ok=True)
    return grader(tmp_path, timeout=600).run(slot), runs


def test_a_cell_that_spent_its_own_cpu_time_is_not_run_again_and_says_so(tmp_path, monkeypatch):
    from kitlib.grading.sandbox import CPU_LIMIT_TEXT, OWN_WORK_TEXT

    for evalue in (CPU_LIMIT_TEXT.format(used=17, limit=16), f"the cell ran 62 s and used 9 s of CPU: {OWN_WORK_TEXT}"):
        result, runs = stopped_cell_grader(tmp_path / str(len(evalue)), monkeypatch, [evalue, None])
        assert len(runs) == 1 and result.score == 0.0
        assert not any("graded once more" in n for n in result.notes)
        assert any("mini_sum_answer spent its CPU time limit" in n for n in result.notes), result.notes


def test_a_cell_stopped_by_the_wall_clock_without_using_its_cpu_time_is_run_once_more(tmp_path, monkeypatch):
    from kitlib.grading.sandbox import WALL_BACKSTOP_TEXT

    evalue = "the cell ran 62 s and used 0 s of CPU: " + WALL_BACKSTOP_TEXT.format(wall=62)
    result, runs = stopped_cell_grader(tmp_path, monkeypatch, [evalue, None])
    assert len(runs) == 2 and result.score == 2.0
    line = [n for n in result.notes if "graded once more" in n]
    assert len(line) == 1 and "wall-clock backstop" in line[0] and "the second run counts" in line[0], result.notes
    result, runs = stopped_cell_grader(tmp_path / "again", monkeypatch, [evalue, evalue])
    assert len(runs) == 2 and result.score == 0.0
    assert any("the same happened again" in n for n in result.notes)
    assert any("without having used its CPU time" in n and "mini_sum_answer" in n for n in result.notes)


def test_the_cpu_time_measured_is_the_kernels_own_not_its_neighbours():
    """A kernel's process tree is measured (its child's work included), a busy process beside it is not."""
    import os
    import signal
    import subprocess
    import sys

    from kitlib.grading.execute import SandboxKernelManager, cell_cpu_budget, cell_wall_backstop

    spin = "import time\nwhile time.process_time() < 1.0: pass\nprint('spun', flush=True)\ntime.sleep(60)"
    launcher = f"import subprocess, sys, time\nsubprocess.Popen([sys.executable, '-c', {spin!r}])\ntime.sleep(60)"
    kernel = subprocess.Popen([sys.executable, "-c", launcher], stdout=subprocess.PIPE, start_new_session=True)
    neighbour = subprocess.Popen([sys.executable, "-c", spin], stdout=subprocess.PIPE, start_new_session=True)
    try:
        assert neighbour.stdout.readline() == b"spun\n" and kernel.stdout.readline() == b"spun\n"
        stub = type("KM", (), {"_kit": {"cgroup": None, "pid": None, "plan": None},
                               "_load_plan": lambda self: self._kit,
                               "provisioner": type("P", (), {"process": kernel})()})()
        used = SandboxKernelManager.cpu_seconds(stub)
        assert used is not None and 1.0 <= used < 1.9, used  # its child's 1 s (+ start-up), not the neighbour's
    finally:
        for process in (kernel, neighbour):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert cell_cpu_budget(10) >= 10 and cell_wall_backstop(10) > cell_cpu_budget(10) / (os.cpu_count() or 1)
