"""Running the variants: each notebook executes once in an IPython shell (:class:`NotebookRun`); at
every answer cell the process forks once per variant, which runs the answer, the notebook's own grade
cell and the trusted re-check (:mod:`kitlib.exercises.trusted`). :func:`run_course` runs the notebooks
in worker processes (``python -m kitlib.mutation worker``), ``jobs`` at a time, and reports each
exercise as soon as its notebook is done.

Example::

    reports = run_course(Path("course"), ["sequential_model"], jobs=2, only={"seq03_weight_shapes"})
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

from kitlib.exercises import values
from kitlib.mutation.report import judge
from kitlib.mutation.variants import (exercise_cells, ExerciseReport, given_kinds, Outcome, solution_region,
    student_version, Variant, variants_for)


CHILD_TIMEOUT = 120.0


class NotebookRun:
    """One notebook, executed once in an IPython shell; each exercise's variants run in forks of it."""

    def __init__(self, path: Path, hidden_dir: Path | None, seed: int, only: set[str] | None, mutants: bool,
                 on_report: Callable[[ExerciseReport], None] | None = None):
        self.path, self.hidden_dir, self.seed, self.only, self.mutants = path, hidden_dir, seed, only, mutants
        self.on_report = on_report  # called with each exercise's report as soon as its variants are done
        self.scratch = Path(tempfile.mkdtemp(prefix="kit_mutate_"))

    def run(self) -> list[ExerciseReport]:
        import nbformat
        from IPython.core.interactiveshell import InteractiveShell

        from kitlib.exercises import core, hidden, session, trusted  # noqa: F401 - trusted: imported once, not per fork

        notebook = nbformat.read(str(self.path), as_version=4)
        exercises = exercise_cells(notebook)
        by_index = {entry["index"]: eid for eid, entry in exercises.items()}
        tests = {entry["test"] for entry in exercises.values()}
        specs = hidden.load(self.hidden_dir) if self.hidden_dir else {}
        shell = InteractiveShell.instance()
        session.install(shell)
        os.environ.pop("NBGRADER_EXECUTION", None)
        os.environ.pop("KIT_ANSWER_DIR", None)
        os.environ["KIT_HIDDEN_DIR"] = str(self.scratch / "no-hidden")  # the kernel never sees the hidden part
        os.environ["MPLBACKEND"] = "Agg"
        reports: list[ExerciseReport] = []
        broken = ""
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            if index in by_index:
                eid = by_index[index]
                entry = exercises[eid]
                report = ExerciseReport(eid, self.path.name)
                if self.only is None or eid in self.only:
                    if broken:
                        report.problem = broken
                    else:
                        try:
                            exercise = core.REGISTRY.get(eid)
                        except KeyError:
                            report.problem = "no exercise with this id is registered"
                        else:
                            given = given_kinds(exercise, solution_region(entry["answer"]), shell.user_ns)
                            for variant in variants_for(exercise, entry, specs.get(eid), given, self.mutants):
                                report.outcomes.append(self.fork(shell, eid, entry["test"], variant))
                    reports.append(report)
                    if self.on_report is not None:
                        self.on_report(report)
                _quiet_run(shell, student_version(entry["answer"]))
                continue
            if cell.source in tests:
                continue
            result = _quiet_run(shell, cell.source)
            if not result.success and not broken:
                error = result.error_in_exec or result.error_before_exec
                broken = f"the notebook's cell {index + 1} failed: {type(error).__name__}: {error}"[:300]
        return reports

    def fork(self, shell: Any, exercise_id: str, grade_cell: str, variant: Variant) -> Outcome:
        outcome = Outcome(variant)
        answers_dir = self.scratch / f"{exercise_id}-{abs(hash(variant.code)) % 10**12}"
        read_end, write_end = os.pipe()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the child: one variant
            code = 0
            try:
                os.close(read_end)
                digests_before = len(values.known_digests())
                result = self._child(shell, exercise_id, grade_cell, variant, answers_dir)
                result["digests"] = values.known_digests(digests_before)  # for the next forks (see fork())
                data = json.dumps(result).encode("utf-8")
                while data:
                    data = data[os.write(write_end, data):]
            except BaseException:  # noqa: BLE001
                code = 1
            finally:
                os._exit(code)
        os.close(write_end)
        chunks, deadline = [], time.monotonic() + CHILD_TIMEOUT
        with os.fdopen(read_end, "rb") as pipe:
            while True:
                ready, _, _ = select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    os.kill(pid, signal.SIGKILL)
                    outcome.message = f"the variant ran past {CHILD_TIMEOUT:g} s"
                    break
                chunk = os.read(pipe.fileno(), 65536)
                if not chunk:
                    break
                chunks.append(chunk)
        os.waitpid(pid, 0)
        outcome.seconds = round(time.monotonic() - start, 2)
        try:
            data = json.loads(b"".join(chunks).decode("utf-8"))
        except ValueError:
            outcome.message = outcome.message or "the variant's process died without a result"
            return outcome
        values.learn_digests(data.pop("digests", ()))  # the next forks start with them
        for key, value in data.items():
            setattr(outcome, key, value)
        return outcome

    def _child(self, shell: Any, exercise_id: str, grade_cell: str, variant: Variant, answers_dir: Path) -> dict:
        from kitlib.exercises import core, trusted

        _after_fork()
        os.environ["KIT_ANSWER_DIR"] = str(answers_dir)
        os.environ["KIT_PROBE_SEED"] = str(self.seed)
        seen: list[tuple[Any, bool]] = []
        core.add_listener(lambda feedback, hidden: seen.append((feedback, hidden)))
        result = _quiet_run(shell, variant.code)
        raised = ""
        error = result.error_in_exec or result.error_before_exec
        if error is not None:
            raised = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
        grade = _quiet_run(shell, grade_cell)
        visible = [f for f, hidden in seen if not hidden]
        hidden = [f for f, hidden in seen if hidden]
        out: dict[str, Any] = {"raised": raised[:300]}
        if visible:
            out["status"], out["message"] = visible[-1].status, " ".join(p.text() for p in visible[-1].problems)
        else:
            grade_error = grade.error_in_exec or grade.error_before_exec
            out["status"] = "error"
            out["message"] = f"the grade cell raised {type(grade_error).__name__}: {grade_error}"[:300] \
                if grade_error else "the grade cell gave no verdict"
        if hidden:
            out["hidden_status"] = hidden[-1].status
            if out["status"] == "passed" and hidden[-1].status != "passed":
                out["message"] = " ".join(p.text() for p in hidden[-1].problems)
        verdicts = trusted.recheck(answers_dir, [exercise_id], hidden_dir=self.hidden_dir, seed=self.seed)
        out["recheck"] = verdicts[exercise_id]["status"]
        out["recheck_message"] = verdicts[exercise_id]["message"]
        return out


def _after_fork() -> None:
    """In a forked child: TensorFlow's thread pools are gone, so tf.functions must run eagerly."""
    import warnings

    warnings.filterwarnings("ignore", message=".*run_functions_eagerly.*")
    warnings.filterwarnings("ignore", message=".*experimental_run_functions_eagerly.*")
    if "tensorflow" in sys.modules:
        sys.modules["tensorflow"].config.run_functions_eagerly(True)


def _quiet_run(shell: Any, source: str) -> Any:
    """Run a cell with its printed output (and displays) thrown away."""
    from kitlib.environment import silenced_stderr_fd

    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        sys.stdout.flush()
        os.dup2(devnull, 1)
        with silenced_stderr_fd():
            return shell.run_cell(source, store_history=False, silent=False)
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def course_notebooks(course_dir: Path, assignments: list[str]) -> list[Path]:
    source = Path(course_dir) / "source"
    known = sorted(p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))) \
        if source.is_dir() else []
    unknown = [a for a in assignments if a not in known]
    if unknown:
        raise SystemExit(f"kit test-exercises: unknown assignment(s) {', '.join(unknown)}; "
                         f"{source} has: {', '.join(known) or 'none'}")
    chosen = assignments or known
    return [p for a in chosen for p in sorted((source / a).glob("*.ipynb"))]


def fork_safe_tensorflow() -> None:
    """Start TensorFlow with one intra-op and one inter-op thread, before any operation runs.

    TensorFlow's thread pools do not survive fork(): a forked child that needs a pool thread waits
    forever. With one thread per pool, eager operations in a child run in the calling thread (and
    ``_after_fork`` makes tf.functions eager). Notebooks run a little slower; forks then work.
    """
    from kitlib.environment import quiet_environment, silenced_stderr_fd

    quiet_environment()
    with silenced_stderr_fd():
        import tensorflow as tf

        tf.config.threading.set_inter_op_parallelism_threads(1)
        tf.config.threading.set_intra_op_parallelism_threads(1)


def run_worker(path: Path, hidden_dir: Path | None, seed: int, only: set[str] | None, mutants: bool,
               emit: Callable[[dict], None] | None = None) -> list[dict]:
    """Run one notebook's exercises (in this process) and return the judged reports as plain data;
    ``emit`` gets each one as soon as its exercise is done."""
    from kitlib.exercises import hidden

    specs = hidden.load(hidden_dir) if hidden_dir else {}
    out: list[dict] = []

    def finished(report: ExerciseReport) -> None:
        judge(report, specs.get(report.exercise))
        out.append(asdict(report))
        if emit is not None:
            emit(out[-1])

    fork_safe_tensorflow()
    runner = NotebookRun(path, hidden_dir, seed, only, mutants, on_report=finished)
    try:
        runner.run()
    finally:
        import shutil

        shutil.rmtree(runner.scratch, ignore_errors=True)  # the variants' recorded answers
    return out


class ReportStream:
    """The parent's side of a worker's output file: one JSON line per finished exercise, then
    ``{"done": true}``. :meth:`read` returns the reports that arrived since the last call.

    Example::

        stream = ReportStream(out)
        stream.read()       # [] ... then [{"exercise": "seq03_weight_shapes", ...}]
        stream.done         # True once the worker wrote its last line
    """

    def __init__(self, path: Path):
        self.path, self.offset, self.done = Path(path), 0, False
        self.reports: list[dict] = []

    def read(self) -> list[dict]:
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self.offset)
                data = handle.read()
        except OSError:
            return []
        end = data.rfind(b"\n") + 1  # a line still being written waits for the next call
        self.offset += end
        new = []
        for line in data[:end].splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if item == {"done": True}:
                self.done = True
            elif isinstance(item, dict):
                new.append(item)
        self.reports += new
        return new


def _from_dict(data: dict) -> ExerciseReport:
    report = ExerciseReport(data["exercise"], data["notebook"], problem=data.get("problem", ""))
    for item in data["outcomes"]:
        variant = Variant(**{**item["variant"], "keywords": tuple(item["variant"]["keywords"])})
        outcome = Outcome(variant)
        for key, value in item.items():
            if key != "variant":
                setattr(outcome, key, value)
        report.outcomes.append(outcome)
    return report


def run_course(course_dir: Path, assignments: list[str], jobs: int = 1, only: set[str] | None = None,
               mutants: bool = True, seed: int = 1234, progress: Any = None) -> list[ExerciseReport]:
    """Every notebook of the assignments in its own worker process, ``jobs`` at a time.

    ``progress`` (a :class:`kitlib.mutation.report.Progress`, optional) is told how many exercises
    there are and gets each exercise's report as soon as its worker has judged it."""
    import nbformat

    from kitlib.exercises.hidden import course_hidden_dir

    notebooks = course_notebooks(course_dir, assignments)
    counts = {p: len([e for e in exercise_cells(nbformat.read(str(p), as_version=4)) if not only or e in only])
              for p in notebooks}
    if only:  # only the notebooks that hold the chosen exercises
        notebooks = [p for p in notebooks if counts[p]]
    if progress is not None:
        progress.start(sum(counts[p] for p in notebooks), len(notebooks), jobs)
    hidden_dir = course_hidden_dir(course_dir)
    pending = list(notebooks)
    attempts: dict[Path, int] = {}
    running: list[tuple[subprocess.Popen, Path, ReportStream]] = []
    results: dict[Path, list[dict]] = {}
    shown: set[tuple[str, str]] = set()
    env = dict(os.environ, PYTHONUNBUFFERED="1")

    def show(stream: ReportStream) -> None:
        for data in stream.read():
            key = (data["notebook"], data["exercise"])
            if progress is not None and key not in shown:  # a retried notebook's exercises are shown once
                progress.finished(_from_dict(data))
            shown.add(key)

    while pending or running:
        while pending and len(running) < max(1, jobs):
            path = pending.pop(0)
            attempts[path] = attempts.get(path, 0) + 1
            out = Path(tempfile.mkstemp(prefix="kit_mutate_", suffix=".jsonl")[1])
            argv = [sys.executable, "-m", "kitlib.mutation", "worker", str(path), str(out),
                    "--hidden", str(hidden_dir), "--seed", str(seed)] + (["--no-mutants"] if not mutants else [])
            for eid in sorted(only or ()):
                argv += ["--only", eid]
            running.append((subprocess.Popen(argv, env=env, cwd=str(path.parent), stdout=subprocess.DEVNULL,
                                             stderr=subprocess.PIPE), path, ReportStream(out)))
        time.sleep(0.2)
        for proc, path, stream in list(running):
            show(stream)
            if proc.poll() is None:
                continue
            running.remove((proc, path, stream))
            stderr = proc.stderr.read() or b""
            show(stream)
            stream.path.unlink(missing_ok=True)
            if stream.done:
                results[path] = stream.reports
                continue
            if attempts[path] < 2:  # a worker killed from outside (e.g. memory pressure): once more
                pending.append(path)
                continue
            tail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            why = f"exit status {proc.returncode}" + (f": {' | '.join(tail)}" if tail else "")
            failed = ExerciseReport("(notebook)", path.name, problem=f"the worker failed twice ({why})"[:400])
            results[path] = [asdict(failed)]
            if progress is not None:
                progress.finished(failed)
    return [_from_dict(d) for path in notebooks for d in results.get(path, [])]
