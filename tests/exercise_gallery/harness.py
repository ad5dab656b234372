"""Run a gallery case the way a student's answer is judged, and say everything that went wrong.

A :class:`Case` is an answer written for an exercise's *task text* (not for its checks): ``right`` (another
correct solution: a different Keras spelling) or ``wrong`` (a typical mistake, one mistake class per case).
:func:`run_case` executes it in the notebook's own context (the chapter's code cells up to the exercise, run
once per notebook; the exercise's own set-up cells, run for every case) and judges it three ways:

1. ``kitlib.exercises.check(id, answer)``: the student's self-check;
2. the notebook's grade cell, visible part then hidden part, exactly as written in the notebook, with the
   environment ``kit grade`` gives the kernel (``NBGRADER_EXECUTION``, ``KIT_ANSWER_DIR``, ``KIT_PROBE_SEED``);
3. ``kit grade``'s trusted re-check: the answer the grade cell recorded, sent to a
   ``python -m kitlib.grading.verify --serve`` process (the hidden checks folder of the course when it exists).

:func:`findings` turns the outcome into a list of ``(finding class, detail)``: wrong verdicts (an honest answer
refused or made unverifiable, a mistake that gets points or a "✔" from the visible check) and bad messages
(a predict exercise's answer printed, traceback or path or graph text, a message that does not name the
mistake, "your answer raised" for an answer that cannot raise).

Example::

    outcome = run_case(case, notebook, verifier, kernel)
    assert findings(case, outcome) == []
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = re.compile(r"### BEGIN SOLUTION.*?### END SOLUTION", re.S)
GRADE_CALL = re.compile(r'grade\("(?P<id>\w+)",\s*(?P<var>\w+)\)')
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS(?P<body>.*?)### END HIDDEN TESTS", re.S)


@dataclass(frozen=True)
class Case:
    """One answer for one exercise.

    Args:
        exercise: the exercise id (``fn05_ensemble``).
        kind: ``"right"``, ``"wrong"`` or ``"stale"`` (the answer cell is run once with the notebook's
            solution, then again with ``code``, which raises: the check must say that the cell failed,
            neither judge the value left over nor call it "not attempted").
        name: a short slug, unique within the exercise and kind.
        code: what the student writes in place of the solution in the answer cell.
        variant: for right answers, the spelling it uses ("Activation layer", "+ instead of layers.add");
            for wrong answers, the mistake class ("activation", "provenance: fresh copy", "other data", ...).
        names: for wrong answers, words of which a good message contains at least one (case-insensitive):
            the mistake in the student's terms.
        secrets: patterns (regular expressions) that no message may contain: the answer of a
            "predict / compute it yourself" exercise.
        hidden_only: a mistake the visible check cannot see by design (a value hard-coded for the check's
            own probe); it must still fail the re-check.
        note: why this is right or wrong, from the task text.
        whole_cell: ``code`` replaces the whole answer cell (the student deleted the ``name = None`` line).
    """

    exercise: str
    kind: str
    name: str
    code: str
    variant: str
    names: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    hidden_only: bool = False
    note: str = ""
    whole_cell: bool = False

    def __post_init__(self):
        assert self.kind in ("right", "wrong", "stale"), self.kind
        assert self.kind == "right" or self.names, f"{self.id}: a wrong case says what a good message names"

    @property
    def id(self) -> str:
        return f"{self.exercise}:{self.kind}:{self.name}"


# --------------------------------------------------------------------------- the notebook's context


@dataclass
class Notebook:
    """A chapter notebook: its prelude (code cells before the "## Exercises" heading) and each exercise's cells
    (the code cells between the previous exercise's grade cell, or the heading, and its answer cell).

    Cells containing one of ``skip`` (training runs, plots, widgets: nothing an exercise needs) are left out.
    """

    path: Path
    skip: tuple[str, ...] = ()
    _prelude: dict | None = field(default=None, repr=False)

    def __post_init__(self):
        self.nb = nbformat.read(self.path, as_version=4)

    def _grade_id(self, cell) -> str:
        return cell.metadata.get("nbgrader", {}).get("grade_id", "") or ""

    def _skipped(self, cell) -> bool:
        return cell.cell_type != "code" or any(marker in cell.source for marker in self.skip)

    def _starts_exercises(self, cell) -> bool:
        return cell.cell_type == "markdown" and bool(re.search(r"^## Exercises", cell.source, re.M))

    def exercises(self) -> list[str]:
        return [self._grade_id(c)[:-7] for c in self.nb.cells if self._grade_id(c).endswith("_answer")]

    def cells_of(self, exercise_id: str) -> tuple[list[str], str, str, str, str]:
        """(set-up cells since the previous exercise, answer cell, grade cell visible part, hidden part, variable)."""
        setup: list[str] = []
        answer = grade = None
        started = False
        for cell in self.nb.cells:
            grade_id = self._grade_id(cell)
            if self._starts_exercises(cell):
                started = True
                continue
            if grade_id.endswith("_test") or grade_id.endswith("_answer"):
                if grade_id == f"{exercise_id}_answer":
                    answer = cell.source
                elif grade_id == f"{exercise_id}_test":
                    grade = cell.source
                    break
                elif grade_id.endswith("_test"):
                    setup, started = [], True   # cells after the previous exercise's grade cell
                continue
            if started and not self._skipped(cell):
                setup.append(cell.source)
        assert answer is not None and grade is not None, f"{exercise_id}: no answer/grade cell in {self.path.name}"
        hidden = HIDDEN.search(grade)
        visible = HIDDEN.sub("", grade)
        match = GRADE_CALL.search(visible)
        assert match and match["id"] == exercise_id, f"{exercise_id}: unexpected grade cell {grade!r}"
        return setup, answer, visible, hidden["body"] if hidden else "", match["var"]

    def prelude(self, kernel: "Kernel") -> dict:
        """The kernel's namespace after the notebook's cells before its exercises (run once, then restored)."""
        if self._prelude is None:
            kernel.reset()
            for cell in self.nb.cells:
                if self._grade_id(cell).endswith("_answer") or self._starts_exercises(cell):
                    break
                if not self._skipped(cell):
                    kernel.run(cell.source, must_succeed=f"{self.path.name} prelude")
            self._prelude = kernel.snapshot()
        return self._prelude


# --------------------------------------------------------------------------- the kernel


@dataclass
class CellRun:
    error: BaseException | None
    stdout: str
    stderr: str
    outputs: list


class Kernel:
    """An IPython shell standing in for the notebook's kernel: cells run through ``run_cell`` (display
    hooks, cell events, the user namespace where checks find the notebook's objects), outputs captured.

    Example::

        kernel = Kernel()
        kernel.run("x = 1 + 1").error is None
    """

    def __init__(self):
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config

        config = Config()
        config.HistoryManager.hist_file = ":memory:"
        self.shell = InteractiveShell.instance(config=config)
        self._pristine = dict(self.shell.user_ns)

    def reset(self) -> None:
        self.restore(self._pristine)

    def snapshot(self) -> dict:
        return dict(self.shell.user_ns)

    def restore(self, snapshot: dict) -> None:
        self.shell.user_ns.clear()
        self.shell.user_ns.update(snapshot)

    @property
    def namespace(self) -> dict:
        return self.shell.user_ns

    def run(self, source: str, must_succeed: str = "") -> CellRun:
        from IPython.utils.capture import capture_output

        with capture_output() as captured:
            result = self.shell.run_cell(source, store_history=True)
        error = result.error_before_exec or result.error_in_exec
        run = CellRun(error, captured.stdout, captured.stderr, list(captured.outputs))
        if must_succeed and error is not None:
            raise RuntimeError(f"{must_succeed}: the cell raised {type(error).__name__}: {error}\n{source[:400]}")
        return run


# --------------------------------------------------------------------------- the trusted re-check


class Verifier:
    """``python -m kitlib.grading.verify --serve``, as ``kit grade`` runs it (one request per line)."""

    def __init__(self, hidden: Path | None):
        env = dict(os.environ, PYTHONPATH=str(ROOT), KITLIB_OFFLINE="1", TF_CPP_MIN_LOG_LEVEL="3")
        self.hidden = hidden
        self.errors = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen([sys.executable, "-m", "kitlib.grading.verify", "--serve"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors,
                                        text=True, cwd=ROOT, env=env)
        ready = self.process.stdout.readline()
        if not ready.strip().startswith("{"):
            self.errors.seek(0)
            raise RuntimeError(f"the re-check server did not start: {self.errors.read()[-3000:]}")

    def verdict(self, directory: Path, exercise_id: str, seed: int) -> dict:
        request = {"dir": str(directory), "ids": [exercise_id],
                   "hidden": str(self.hidden) if self.hidden else None, "seed": seed}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())[exercise_id]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


# --------------------------------------------------------------------------- running a case


@dataclass
class Stage:
    """What one way of judging said: ``passed`` / ``failed`` / ``not attempted`` / ``crashed`` / a re-check status."""

    status: str
    text: str = ""


@dataclass
class Outcome:
    check: Stage
    grade_visible: Stage
    grade_hidden: Stage
    recheck: Stage | None
    stderr: str = ""
    answer_callable: bool = False


SEED = 20240611


@contextlib.contextmanager
def _environment(**values: str):
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _grade(source: str, kernel: Kernel, stderr: list[str]) -> Stage:
    if not source.strip():
        return Stage("passed", "(no hidden part)")
    run = kernel.run(source)
    stderr.append(run.stderr)
    if run.error is None:
        return Stage("passed", run.stdout)
    if type(run.error).__name__ == "ExerciseNotPassed":
        return Stage("failed", str(run.error))
    return Stage("crashed", f"{type(run.error).__name__}: {run.error}")


def run_case(case: Case, notebook: Notebook, verifier: Verifier, kernel: Kernel) -> Outcome:
    """Judge ``case`` by check, grade cell and re-check, in ``notebook``'s context, in ``kernel``."""
    import keras

    setup, answer_cell, visible, hidden, variable = notebook.cells_of(case.exercise)
    kernel.restore(notebook.prelude(kernel))
    keras.utils.set_random_seed(SEED)
    for source in setup:
        kernel.run(source, must_succeed=f"{case.exercise} set-up cell")
    cell = case.code if case.whole_cell else SOLUTION.sub(lambda _m: case.code, answer_cell)
    if case.kind == "stale":
        kernel.run(answer_cell, must_succeed=f"{case.id}: the notebook's solution")
        failed = kernel.run(cell)
        assert failed.error is not None, f"{case.id}: a stale case's answer cell must raise"
    else:
        kernel.run(cell, must_succeed=f"{case.id} answer cell")
    answer = kernel.namespace.get(variable)

    # A self-check cell, as a student would write one under the answer.
    kernel.run(f"from kitlib.exercises import check as _gallery_check\n"
               f"_gallery_feedback = _gallery_check({case.exercise!r}, {variable})\n",
               must_succeed=f"{case.id} check cell")
    feedback = kernel.namespace.pop("_gallery_feedback")
    checked = Stage(feedback.status if feedback.status != "not yet" else "failed", str(feedback))

    stderr: list[str] = []
    with tempfile.TemporaryDirectory(prefix="gallery-") as tmp, \
            _environment(NBGRADER_EXECUTION="autograde", KIT_ANSWER_DIR=tmp, KIT_PROBE_SEED=str(SEED)):
        graded = _grade(visible, kernel, stderr)
        graded_hidden = _grade(hidden, kernel, stderr) if graded.status == "passed" else Stage("skipped")
        recheck = None
        if graded_hidden.status == "passed":
            if (Path(tmp) / f"{case.exercise}.json").is_file():
                verdict = verifier.verdict(Path(tmp), case.exercise, SEED)
                recheck = Stage(verdict["status"], verdict.get("message", ""))
            else:
                recheck = Stage("missing", "the grade cell recorded no answer")
    return Outcome(checked, graded, graded_hidden, recheck, "".join(stderr),
                   answer_callable=callable(answer) and not _is_keras_object(answer))


def _is_keras_object(value: Any) -> bool:
    return any(cls.__module__.startswith("keras") for cls in type(value).__mro__)


# --------------------------------------------------------------------------- judging the outcome

TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+|^\s+at line \d+", re.M)
PATH = re.compile(r"(?<![\w.])(/tmp/|/work/|/home/|/usr/|/root/|/var/|site-packages|[A-Za-z]:\\\\)")
GRAPH = re.compile(r"<KerasTensor|KerasTensor\(|<Functional|<Sequential|<keras\.|object at 0x[0-9a-f]+|"
                   r"tf\.Tensor\(|<tf\.Variable|Variable path=")
RAISED = re.compile(r"your answer raised", re.I)
INTERNAL = re.compile(r"\(raised in _\w+\)|keras\.src|\b_[a-z]\w*_\w+\(")
EXCEPTION = re.compile(r"\b[A-Z]\w*(Error|Exception)\b")


def student_messages(outcome: Outcome) -> list[str]:
    """The texts a student sees: the self-check and the grade cell."""
    return [s.text for s in (outcome.check, outcome.grade_visible, outcome.grade_hidden)
            if s.status in ("failed", "crashed", "not attempted")]


def findings(case: Case, outcome: Outcome) -> list[tuple[str, str]]:
    """Everything wrong with how ``case`` was judged, as (finding class, detail)."""
    found: list[tuple[str, str]] = []
    stages = {"check": outcome.check, "grade cell": outcome.grade_visible, "grade cell (hidden)": outcome.grade_hidden}
    for where, stage in stages.items():
        if stage.status == "crashed":
            found.append(("kit crash", f"{where}: {stage.text[:300]}"))
    if case.kind == "right":
        if outcome.check.status != "passed":
            found.append(("honest answer refused by check", _first(outcome.check.text)))
        if outcome.grade_visible.status == "failed":
            found.append(("honest answer refused by grade cell", _first(outcome.grade_visible.text)))
        elif outcome.grade_hidden.status == "failed":
            found.append(("honest answer refused by hidden grade cell", _first(outcome.grade_hidden.text)))
        recheck = outcome.recheck
        if recheck is not None and recheck.status != "passed":
            label = {"failed": "honest answer refused by re-check",
                     "unverifiable": "honest answer unverifiable at re-check",
                     "missing": "honest answer not recorded for the re-check"}.get(recheck.status,
                                                                                  "re-check error")
            found.append((label, recheck.text[:300]))
        if recheck is not None and "tamper" in recheck.text.lower():
            found.append(("honest answer called tampering", recheck.text[:300]))
        if outcome.stderr.strip():
            found.append(("grade cell wrote to stderr (nbgrader gives 0)", outcome.stderr.strip()[:200]))
        return found

    if case.kind == "stale":
        if outcome.check.status == "passed" or outcome.grade_visible.status == "passed":
            found.append(("an answer cell that raised is judged by the value left over", case.variant))
        elif outcome.check.status == "not attempted":
            found.append(("an answer cell that raised is called 'not attempted'", _first(outcome.check.text)))
        elif not _names_mistake(case, outcome.check.text):
            found.append(("message does not say the answer cell raised", _first(outcome.check.text)))
        return found

    got_points = outcome.grade_visible.status == "passed" and outcome.grade_hidden.status == "passed" and \
        (outcome.recheck is None or outcome.recheck.status == "passed")
    if got_points:
        found.append(("wrong answer gets full points", case.variant))
    elif outcome.check.status == "passed" and not case.hidden_only:
        where = "re-check" if outcome.grade_hidden.status == "passed" else (
            "hidden grade cell" if outcome.grade_visible.status == "passed" else "grade cell")
        found.append(("wrong answer passes the visible check", f"{case.variant} (caught only by the {where})"))
    elif case.hidden_only and outcome.check.status == "passed" and outcome.grade_hidden.status != "passed":
        pass  # caught in the kernel's hidden part: fine
    if outcome.check.status != "passed" and outcome.grade_visible.status == "passed":
        found.append(("check and grade cell disagree", _first(outcome.check.text)))
    elif outcome.check.status == "failed" and outcome.grade_visible.status == "failed" and \
            _gist(outcome.check.text) != _gist(outcome.grade_visible.text):
        found.append(("check and grade cell give different messages",
                      f"{_first(outcome.check.text, 120)} <> {_first(outcome.grade_visible.text, 120)}"))
    messages = student_messages(outcome)
    for text in messages:
        found.extend(_message_findings(case, outcome, text))
    if messages and not any(_names_mistake(case, text) for text in messages):
        found.append(("message does not name the mistake", f"{case.variant}: {_first(messages[0])}"))
    return _unique(found)


def _message_findings(case: Case, outcome: Outcome, text: str) -> list[tuple[str, str]]:
    found = []
    for pattern in case.secrets:
        if re.search(pattern, text) and not re.search(pattern, case.code):  # echoing the student's own value is fine
            found.append(("message gives away the answer", f"{pattern!r} in: {_first(text)}"))
    if TRACEBACK.search(text):
        found.append(("traceback text in a message", _first(text)))
    if PATH.search(text):
        found.append(("file path in a message", _first(text)))
    if GRAPH.search(text):
        found.append(("graph/object text in a message", _first(text)))
    if INTERNAL.search(text):
        found.append(("Keras internals named in a message", _first(text)))
    if not outcome.answer_callable:  # a value answer cannot raise while it is checked: any exception is the kit's
        if RAISED.search(text):
            found.append(("blames the student's code for an exception it did not raise", _first(text)))
        elif EXCEPTION.search(text):
            found.append(("raw exception text in a message", _first(text)))
    return found


def _names_mistake(case: Case, text: str) -> bool:
    lowered = _body(text).lower()
    return any(word.lower() in lowered for word in case.names)


_TIP = re.compile(r"^\s*(Stuck\? Run hint\(|You have seen all \d+ hints: hint\()")


def _body(text: str) -> str:
    """The message without its head line (which repeats the exercise's title) and without the line that
    offers a hint (kitlib.exercises.attempts.tip: shown in the student's own session only, never in
    the grade cell under kit grade)."""
    lines = [line for line in text.strip().splitlines() if not _TIP.match(line)]
    return "\n".join(lines[1:]) if len(lines) > 1 else "\n".join(lines)


def _gist(text: str) -> str:
    """A message without its numbers and paths (random probe weights change "differs by up to 1.05")."""
    return re.sub(r"\d+(\.\d+)?", "#", re.sub(r"/[\w./-]+", "/", _body(text))).strip()


def _first(text: str, limit: int = 240) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    body = " | ".join(lines[1:] or lines)
    return body[:limit]


def _unique(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out
