"""The exercise mechanism: an answer becomes a *record*, checks judge the record.

An :class:`Exercise` turns the student's answer into a record of plain data
(``prepare``: kit code, run in the student's kernel, the only place where the
answer and the notebook's *given* objects exist) and judges that record with
its *checks* (small functions that raise :class:`CheckFailed` with a message in
the student's terms). The same exercise serves

1. the student's self-check: ``check(id, answer)`` returns and shows
   :class:`Feedback` (✔ / ✘ + what to look at / ○ not attempted), never raises;
2. the grade cells: ``grade(id, answer)`` shows the same verdict in the
   student's own session; under nbgrader (``$NBGRADER_EXECUTION`` set) a
   failing answer raises :class:`ExerciseNotPassed` (0 points). Under
   ``kit grade`` (``$KIT_ANSWER_DIR`` set) the record is written for the
   trusted re-check; ``grade(id, answer, hidden=True)`` records a second one
   made with hidden probes seeded by ``$KIT_PROBE_SEED``;
3. the trusted re-check (:mod:`kitlib.grading.verify`): it judges the decoded
   record with the same checks plus the course-side hidden checks
   (:mod:`kitlib.exercises.hidden`), so whatever the grade cell accepts the
   re-check accepts by construction;
4. the kit's tests and ``kit test-exercises`` (:mod:`kitlib.mutation`).

Given objects (``donor``, ``trained``, ``x_small`` ...) reach ``prepare`` by
name: keyword arguments of ``check``/``grade`` first, then the caller's
namespace (the notebook's), then IPython's user namespace.

Who is to blame is decided here, once: a :class:`CheckFailed` is the student's
mistake; an exception from the student's own code (called through
:func:`run_student`) is reported as "your ... raised"; any other exception is
the kit's problem and says so.

Example::

    from kitlib.exercises.core import Exercise, expect

    def is_five(record):
        expect(record == 5, "the sum", 5, record, hint="2 + 3")

    ex = Exercise("demo_sum", title="Add two numbers", points=1, checks=[is_five])
    ex.evaluate(5).passed    # True
"""
from __future__ import annotations

import hashlib
import hmac
import html
import inspect
import os
import re
import sys
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from kitlib.exercises.text import clean_text
from kitlib.exercises import session as _session
from kitlib.exercises.text import error_summary  # noqa: F401 - part of core's API
from kitlib.exercises.text import explain_error as _explain
from kitlib.exercises.values import MISSING, canonical, digest
from kitlib.verdicts import FEEDBACK_MIME  # the saved-verdict format: written here, read by kitlib.verdicts

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")

NOT_ATTEMPTED = (None, Ellipsis)


# --------------------------------------------------------------------------- failures and messages

class CheckFailed(AssertionError):
    """Raised by a check: the answer is wrong in one precise, explainable way.

    ``expected``/``got`` are shown as "expected X, got Y"; leave ``expected`` None
    where the exercise asks the student to work the value out.
    """

    def __init__(self, what: str, expected: Any = None, got: Any = None, hint: str = ""):
        self.what = what
        self.expected = expected
        self.got = got
        self.hint = hint
        super().__init__(self.text())

    def text(self) -> str:
        return Problem(self.what, self.expected, self.got, self.hint).text()


def expect(condition: bool, what: str, expected: Any = None, got: Any = None, hint: str = "") -> None:
    """Raise :class:`CheckFailed` unless ``condition`` holds.

    Example:
        >>> expect(3 == 3, "number of layers", 3, 3)
    """
    if not condition:
        raise CheckFailed(what, expected, got, hint)


class StudentError(Exception):
    """The student's own code raised while the kit ran it (see :func:`run_student`)."""

    def __init__(self, error: BaseException, where: str, hint: str = ""):
        self.error, self.where, self.hint = error, where, hint
        super().__init__(f"{where}: {type(error).__name__}")


def run_student(fn: Callable, *args: Any, where: str, hint: str = "", **kwargs: Any) -> Any:
    """Call the student's code; an exception becomes :class:`StudentError` saying ``where``.

    Example::

        run_student(chain_layers, model, x, where="chain_layers(model, x) on a 1-layer model")
    """
    from kitlib.environment import silenced_stderr_fd

    try:
        with silenced_stderr_fd():
            return fn(*args, **kwargs)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as error:
        raise StudentError(error, where, hint) from error


@dataclass
class Problem:
    """One thing that is wrong with an answer.

    ``kind``: "mistake" (a check said so), "raised" (the student's code raised),
    "stale" (the answer cell failed), "setup" (the notebook's cells above were not run),
    "kit" (the kit itself failed: not the student's fault).
    """

    what: str
    expected: Any = None
    got: Any = None
    hint: str = ""
    kind: str = "mistake"

    def text(self) -> str:
        parts = [self.what]
        if self.expected is not None or self.got is not None:
            if self.expected is None:
                parts.append(f"yours is {_show(self.got)}")
            else:
                parts.append(f"expected {_show(self.expected)}, got {_show(self.got)}")
        line = ": ".join(parts)
        if self.hint:
            line += f". Hint: {self.hint}"
        return clean_text(line, limit=600)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return repr(value)


@dataclass
class Feedback:
    """The outcome of checking one answer; displays as ✔ / ✘ / ○ and carries a JSON mime entry."""

    exercise: str
    title: str
    attempted: bool
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tip: str = ""  # the student's own session only: how to get a hint (never under nbgrader, see check/grade)
    # What the given objects looked like (given_state.observed): written into the answer record for the re-check.
    given_seen: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def passed(self) -> bool:
        return self.attempted and not self.problems

    @property
    def status(self) -> str:
        if not self.attempted:
            return "not attempted"
        return "passed" if self.passed else "not yet"

    @property
    def kit_problem(self) -> bool:
        """True when the kit, not the answer, is why this did not pass."""
        return any(p.kind == "kit" for p in self.problems)

    def lines(self) -> list[str]:
        if not self.attempted:
            lines = [f"○ {self.title}: not attempted yet. Write your answer in the exercise cell "
                     "(replace the None placeholder), run it, then run this check again."]
        elif self.passed:
            lines = [f"✔ {self.title}: passed. Well done!"]
        elif len(self.problems) == 1:
            # The checks stop at the first problem (Exercise.judge): never count what was not looked at.
            lines = [f"✘ {self.title}: not yet. The first thing to fix (checking stops at the first problem):"]
            lines += [f"  - {p.text()}" for p in self.problems]
        else:
            lines = [f"✘ {self.title}: not yet ({len(self.problems)} things to fix)"]
            lines += [f"  - {p.text()}" for p in self.problems]
        lines += [f"  ({note})" for note in self.notes]
        return lines + ([f"  {self.tip}"] if self.tip and not self.passed else [])

    def to_json(self) -> dict[str, Any]:
        """The ``application/vnd.kitlib.feedback+json`` entry (see the team contract)."""
        return {"exercise": self.exercise, "title": self.title, "status": self.status,
                "problems": [p.text() for p in self.problems]}

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        colour = {"passed": "#1a7f37", "not yet": "#b35900", "not attempted": "#57606a"}[self.status]
        # Wrap at spaces, keep line breaks of multi-line messages, break a word only when it alone
        # is wider than the cell (never "kernel s|izes"), whatever the notebook's own styles say.
        wrap = "white-space:pre-wrap;word-break:normal;overflow-wrap:break-word"
        items = "".join(f"<li style='{wrap}'>{html.escape(p.text())}</li>" for p in self.problems)
        items += "".join(f"<li style='{wrap}'><i>{html.escape(n)}</i></li>" for n in self.notes)
        head = html.escape(self.lines()[0])
        body = f"<ul style='margin:4px 0 0 0'>{items}</ul>" if items else ""
        if self.tip and not self.passed:
            body += f"<div class='kit-tip' style='margin-top:4px;{wrap}'>{html.escape(self.tip)}</div>"
        return (
            f"<div class='kit-feedback' data-status='{self.status}' "
            f"style='border-left:4px solid {colour};padding:4px 10px;margin:4px 0;max-width:100%;"
            f"box-sizing:border-box;{wrap}'>"
            f"<b style='color:{colour};{wrap}'>{head}</b>{body}</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        return {"text/plain": str(self), "text/html": self._repr_html_(), FEEDBACK_MIME: self.to_json()}

    def _repr_pretty_(self, printer, cycle):  # plain-text view in terminals and nbval
        printer.text(str(self))

    def _ipython_display_(self) -> None:
        """IPython shows the feedback through here, for ``display(feedback)`` and for a cell's Out[].

        ``check()`` displays its feedback and returns it; as a cell's last line the returned object
        would be shown a second time as Out[]. So the feedback remembers the cell that ``check()``
        showed it in (:meth:`_mark_shown`) and shows nothing more in that cell. Everything else is
        as before: the same mime bundle as a display_data output, and shown again when asked for in
        a later cell (``feedback`` alone on a line).
        """
        from IPython.display import display

        shown_in = getattr(self, "_shown_in", None)
        if shown_in is not None and shown_in == _current_cell():
            return
        display(self._repr_mimebundle_(), raw=True)

    def _mark_shown(self) -> None:
        """Note that this feedback was just shown in the current cell (see ``_ipython_display_``)."""
        self._shown_in = _current_cell()


def _current_cell():
    """A token of the cell running now in IPython (its execution count), or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return None
    shell = get_ipython()
    return None if shell is None else ("cell", id(shell), shell.execution_count)


class ExerciseNotPassed(AssertionError):
    """Raised by :func:`grade` under nbgrader when an answer does not pass.

    IPython shows it through ``_render_traceback_``: the friendly feedback,
    not a stack trace. nbgrader still sees an error and gives 0 points.
    """

    def __init__(self, feedback: Feedback):
        self.feedback = feedback
        super().__init__(str(feedback))

    def _render_traceback_(self) -> list[str]:
        return str(self.feedback).splitlines()


# --------------------------------------------------------------------------- probes and digests

def probe_seed(secret: bytes, assignment: str, student: str) -> int:
    """The per-(course, assignment, student) seed of the hidden probes: an HMAC of the course's secret.

    Deterministic, so local, cluster and resumed runs agree; unknowable without the secret.

    Example:
        >>> probe_seed(b"course secret", "sequential_model", "alice") == probe_seed(b"course secret", "sequential_model", "alice")
        True
    """
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    mac = hmac.new(bytes(secret), f"{assignment}/{student}".encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(mac[:4], "big") & 0x7FFFFFFF


# --------------------------------------------------------------------------- the exercise

@dataclass
class Context:
    """What a ``prepare`` or a check may know besides the answer or record.

    ``given``: the notebook's objects the exercise names (kernel only); ``seed``: None for the visible
    probes, the hidden probes' seed otherwise; ``hidden``: the hidden part of the grade cell;
    ``expected``: the course-side plain expected value (trusted re-check and tests only, else MISSING);
    ``before``: fingerprints of the kept given objects (``keep_given``) taken just before the answer cell first
    ran (kernel only, {} when the hook did not see it run; :mod:`kitlib.exercises.given_state`), for a
    ``prepare`` that records what the answer cell did to them (e.g. the files it wrote into a given folder).
    """

    exercise: "Exercise"
    given: Mapping[str, Any] = field(default_factory=dict)
    seed: int | None = None
    hidden: bool = False
    expected: Any = MISSING
    before: Mapping[str, Any] = field(default_factory=dict)

    def rng(self, salt: int = 0):
        """A numpy Generator for probes: fixed for the visible check, seeded by the probe seed otherwise."""
        import numpy as np

        base = 0 if self.seed is None else int(self.seed)
        return np.random.default_rng([base, salt, int(self.hidden)])


Check = Callable[..., None]


def _takes_context(fn: Callable) -> bool:
    """Whether a check/prepare takes ``(value, ctx)`` rather than ``(value)``."""
    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return False
    return len(params) >= 2


ACTIVITIES = ("predict", "debug", "build", "read")


class Exercise:
    """An exercise: an id, points, how to record an answer and the checks that judge the record.

    Args:
        id: lower-case letters, digits and underscores, unique in the course. The nbgrader
            answer cell is ``<id>_answer`` and the grade cell ``<id>_test``.
        title: short name shown in feedback.
        points: nbgrader points of the grade cell.
        checks: visible checks, ``check(record)`` or ``check(record, ctx)``; they raise
            :class:`CheckFailed`. They run in the kernel and again in the trusted re-check.
        prepare: ``prepare(answer)`` or ``prepare(answer, ctx)`` -> the record (plain data, see
            :func:`kitlib.exercises.answers.is_plain`), computed by kit code. It may raise
            :class:`CheckFailed` (the answer has the wrong form) and calls the student's code only
            through :func:`run_student`. Without it the answer itself is the record.
        variable: the answer cell's variable (``model``), to recognise a stale answer.
        given: names of the notebook's objects ``prepare`` needs (``("donor",)``).
        optional_given: names ``prepare`` uses when they exist (a check that is skipped without them).
        kind: "model", "literal", "function", "class", "array" or "value": what the answer is
            (messages, and the equivalent spellings ``kit test-exercises`` tries).
        unrecordable: what to tell a student whose answer cannot be recorded.
        judge_needs_keras: the checks import Keras (the re-check server then imports it once).
        hidden_checks, wrong_answers: old style, for test fixtures only. Course exercises keep
            hidden checks and planted wrong answers course-side (:mod:`kitlib.exercises.hidden`).
        legacy: exceptions inside checks are blamed on the answer (exercises written before records).
        activity: what the student does, for the course map and the mix of practice in a chapter:
            "predict" (work a value out before running anything), "debug" (repair a given broken
            model or snippet), "build" (write a model, function or class) or "read" (interpret a
            summary, graph or training history: a choice or a short value). None: not declared yet
            (tests/test_course_titles.py requires it for every course exercise).
        hints: 2-3 hints in stages, from "where to look" to "which API and why", shown one at a time
            on request (``kitlib.exercises.hint``). Never the answer line of the exercise.
        keep_given: names of given objects the task says to leave as they were (``("base",)``): the
            kernel hook fingerprints them before the answer cell first runs, the grade cell names any
            change (trained again, re-compiled, frozen or unfrozen, weights changed, the name assigned
            again; :mod:`kitlib.exercises.given_state`). ``"donor:weights"`` keeps only those aspects
            (``weights``, ``compile``, ``trainable``; comma-separated) of a given object the task itself
            changes otherwise (e.g. it freezes the donor's layers it reuses).
        given_may_change: what the task itself does to the kept objects (``("compiled",)``: "compile
            ``model`` itself again"), not reported as a change.
        new_object: the task asks for a new object: an answer that *is* one of the given objects
            (``given``, ``optional_given``, ``keep_given``) is named as such.

    Example::

        ex = Exercise("demo_sum", title="Add two numbers", points=1,
                      checks=[lambda a: expect(a == 5, "the sum", 5, a)])
    """

    def __init__(
        self,
        id: str,
        *,
        title: str,
        points: float,
        checks: Sequence[Check],
        prepare: Callable[..., Any] | None = None,
        variable: str | None = None,
        given: Sequence[str] = (),
        optional_given: Sequence[str] = (),
        kind: str = "value",
        unrecordable: str = "",
        judge_needs_keras: bool = False,
        hidden_checks: Sequence[Check] = (),
        wrong_answers: Sequence[tuple[str, str]] = (),
        legacy: bool = False,
        activity: str | None = None,
        hints: Sequence[str] = (),
        keep_given: Sequence[str] = (),
        new_object: bool = False,
        given_may_change: Sequence[str] = (),
    ):
        if not _ID_RE.match(id):
            raise ValueError(f"exercise id {id!r}: use lower-case letters, digits and underscores")
        if not checks:
            raise ValueError(f"exercise {id!r} needs at least one visible check")
        if activity is not None and activity not in ACTIVITIES:
            raise ValueError(f"exercise {id!r}: activity must be one of {', '.join(ACTIVITIES)}")
        if isinstance(hints, str):
            raise ValueError(f"exercise {id!r}: hints is a tuple of strings, one per stage: hints=(\"...\", \"...\")")
        self.id = id
        self.title = title
        self.points = points
        self.checks = list(checks)
        self.prepare = prepare
        self.variable = variable
        self.given = tuple(given)
        self.optional_given = tuple(optional_given)
        self.kind = kind
        self.unrecordable = unrecordable
        self.judge_needs_keras = judge_needs_keras
        self.hidden_checks = list(hidden_checks)
        self.wrong_answers = list(wrong_answers)
        self.legacy = legacy
        self.activity = activity
        self.hints = tuple(hints)
        self.keep_given = tuple(entry.split(":")[0] for entry in keep_given)
        self.keep_aspects = {entry.split(":")[0]: tuple(a.strip() for a in entry.split(":", 1)[1].split(","))
                             for entry in keep_given if ":" in entry}
        self.new_object = bool(new_object)
        self.given_may_change = tuple(given_may_change)
        if (self.keep_given or self.new_object) and not variable:
            raise ValueError(f"exercise {id!r}: keep_given and new_object need the answer cell's `variable`")

    @property
    def answer_cell_id(self) -> str:
        return f"{self.id}_answer"

    @property
    def grade_cell_id(self) -> str:
        return f"{self.id}_test"

    # -- the three steps
    def evaluate(self, answer: Any, hidden: bool = False, *, given: Mapping[str, Any] | None = None,
                 seed: int | None = None, spec: Any = None) -> Feedback:
        """Record and judge ``answer``; never raises. ``spec``: the course-side :class:`Hidden` part."""
        return self._evaluate(answer, hidden, given=given, seed=seed, spec=spec)[0]

    def _evaluate(self, answer: Any, hidden: bool = False, *, given: Mapping[str, Any] | None = None,
                  seed: int | None = None, spec: Any = None) -> tuple[Feedback, Any]:
        """(feedback, record or MISSING when nothing could be recorded)."""
        feedback = Feedback(self.id, self.title, attempted=not is_placeholder(answer))
        if not feedback.attempted:
            return feedback, MISSING
        ctx = self.context(given=given, seed=seed, hidden=hidden, spec=spec)
        try:
            record = self.record(answer, ctx)
        except Exception as error:  # noqa: BLE001 - every failure becomes a problem, never a crash
            feedback.problems.append(blame(error, legacy=self.legacy))
            return feedback, MISSING
        feedback.problems += self.judge(record, ctx, spec)
        return feedback, record

    def context(self, *, given: Mapping[str, Any] | None = None, seed: int | None = None, hidden: bool = False,
                spec: Any = None) -> Context:
        expected = getattr(spec, "expected", MISSING) if spec is not None else MISSING
        before = _session.given_before(self.id) if given and self.keep_given else {}
        return Context(self, dict(given or {}), seed, hidden, expected, before)

    def record(self, answer: Any, ctx: Context) -> Any:
        """The record of ``answer`` (``prepare``'s result); exceptions propagate (see :func:`blame`)."""
        if self.prepare is None:
            return answer
        return self.prepare(answer, ctx) if _takes_context(self.prepare) else self.prepare(answer)

    def judge(self, record: Any, ctx: Context, spec: Any = None) -> list[Problem]:
        """Problems found in ``record`` (empty: passed): visible checks, then hidden ones when asked.

        The course-side checks of ``spec`` run whenever ``spec`` is given (trusted re-check, tests).
        Stops at the first problem: the first one is the one to fix.
        """
        checks = list(self.checks)
        if ctx.hidden:
            checks += self.hidden_checks
        if spec is not None:
            checks += list(getattr(spec, "checks", ()))
        for check_fn in checks:
            try:
                check_fn(record, ctx) if _takes_context(check_fn) else check_fn(record)
            except Exception as error:  # noqa: BLE001
                return [blame(error, legacy=self.legacy, check=check_fn)]
        return []

    def evaluate_prepared(self, record: Any, hidden: bool = False, *, seed: int | None = None,
                          spec: Any = None) -> Feedback:
        """Judge an already made record (the trusted re-check)."""
        feedback = Feedback(self.id, self.title, attempted=not is_placeholder(record))
        if feedback.attempted:
            feedback.problems += self.judge(record, self.context(seed=seed, hidden=hidden, spec=spec), spec)
        return feedback

    def __repr__(self) -> str:
        return f"Exercise({self.id!r}, points={self.points})"


def is_placeholder(answer: Any) -> bool:
    return any(answer is marker for marker in NOT_ATTEMPTED)


_KIT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _students_frames(error: BaseException) -> list[traceback.FrameSummary]:
    """Frames of the traceback that belong to notebook code (not kitlib, not an installed library)."""
    frames = traceback.extract_tb(error.__traceback__)
    out = []
    for frame in frames:
        name = frame.filename or ""
        if name.startswith(_KIT_DIR) or "site-packages" in name or "dist-packages" in name:
            continue
        if name.startswith(sys.prefix) or name.startswith(getattr(sys, "base_prefix", sys.prefix)):
            continue
        out.append(frame)
    return out


def blame(error: BaseException, *, legacy: bool = False, check: Callable | None = None) -> Problem:
    """The :class:`Problem` for an exception met while recording or judging an answer.

    CheckFailed -> the student's mistake; StudentError -> "your ... raised"; any other exception
    -> the kit's problem, unless its traceback runs through notebook code (the student's) or the
    exercise is ``legacy`` (its checks call the answer directly).
    """
    if isinstance(error, CheckFailed):
        return Problem(error.what, error.expected, error.got, error.hint)
    if isinstance(error, StudentError):
        return raised_problem(error.error, error.where, error.hint)
    if legacy or _students_frames(error):
        return raised_problem(error, "your answer", "Run your exercise cell on its own and read the error it gives.")
    name = getattr(check, "__name__", None) or type(error).__name__
    return Problem(f"the kit could not check this answer (an internal error, {type(error).__name__} in {name}). "
                   "This is not a mistake in your answer: please tell your teacher", kind="kit")




def _student_line(error: BaseException) -> str:
    """The line of the student's own code the error came from ('' when it did not come from there)."""
    frames = _students_frames(error)
    line = (frames[-1].line or "").strip() if frames else ""
    line = re.sub(r"\s+#[^'\"]*$", "", line)  # the student's own comment
    return clean_text(line, limit=120) if line else ""


def raised_problem(error: BaseException, where: str, hint: str = "") -> Problem:
    """'<where> raised <Error>: <first line>' with the kit's explanation of Keras errors where it has one.

    An error of the student's own layer or model that Keras re-raised as "Exception encountered when
    calling ..." is told by its own message and the line of the student's code it came from."""
    what = f"{where} raised {error_summary(error)}"
    line = _student_line(error)
    if line:
        what += f" (at `{line}` in your code)"
    explanation = _explain(error)
    if explanation:
        hint = f"{explanation} {hint}".strip()
    return Problem(what, hint=hint, kind="raised")


# --------------------------------------------------------------------------- the registry

class Registry:
    """Exercises by id, loaded on first use from the course parts' packages (one module per chapter).

    A package (``kitlib.exercises.sequential_model``) contributes the ``EXERCISES`` of each of its
    modules (``04_debugging_workflow.py``) and of its ``__init__``. Extra modules for a test course:
    ``KIT_EXERCISE_MODULES=pkg.mod,other.mod``.
    """

    MODULES = ("kitlib.exercises.sequential_model", "kitlib.exercises.functional_api")

    def __init__(self, modules: Iterable[str] = MODULES):
        extra = [m.strip() for m in os.environ.get("KIT_EXERCISE_MODULES", "").split(",") if m.strip()]
        self._modules = tuple(modules) + tuple(m for m in extra if m not in tuple(modules))
        self._exercises: dict[str, Exercise] | None = None
        self._originals: dict[str, tuple] = {}

    def _load(self) -> dict[str, Exercise]:
        if self._exercises is None:
            found: dict[str, Exercise] = {}
            for name in self._modules:
                for module in _modules_of(name):
                    for exercise in getattr(module, "EXERCISES", []):
                        if exercise.id in found:
                            raise ValueError(f"exercise id {exercise.id!r} is defined twice")
                        found[exercise.id] = exercise
            self._exercises = found
            self._originals = {eid: _fingerprint(e) for eid, e in found.items()}
        return self._exercises

    def get(self, exercise_id: str) -> Exercise:
        exercises = self._load()
        if exercise_id not in exercises:
            raise KeyError(f"no exercise {exercise_id!r}; known: {', '.join(sorted(exercises)) or 'none'}")
        return exercises[exercise_id]

    def all(self) -> list[Exercise]:
        return list(self._load().values())

    def replaced(self, exercise_id: str) -> list[str]:
        """Evidence that kit objects of this exercise were replaced since loading (empty: none seen)."""
        exercises = self._load()
        evidence = []
        original = self._originals.get(exercise_id)
        current = exercises.get(exercise_id)
        if original is not None and (current is None or _fingerprint(current) != original):
            evidence.append(f"the checks of {exercise_id} were replaced")
        evidence += [f"kitlib.exercises.core.{name} was replaced" for name, obj in _CORE_ORIGINALS.items()
                     if globals().get(name) is not obj]
        evidence += [f"Exercise.{name} was replaced" for name, obj in _METHOD_ORIGINALS.items()
                     if Exercise.__dict__.get(name) is not obj]
        return evidence


def _modules_of(name: str) -> list:
    """The module ``name`` and, for a package, each of its submodules (sorted)."""
    import importlib
    import pkgutil

    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if missing.name == name:
            return []  # that part of the course has no exercises yet
        raise
    modules = [module]
    for info in sorted(pkgutil.iter_modules(getattr(module, "__path__", []) or []), key=lambda i: i.name):
        if not info.name.startswith("_"):
            modules.append(importlib.import_module(f"{name}.{info.name}"))
    return modules


def _fingerprint(exercise: Exercise) -> tuple:
    return (id(exercise), id(exercise.prepare), tuple(id(c) for c in exercise.checks),
            tuple(id(c) for c in exercise.hidden_checks))


REGISTRY = Registry()
_session.use_exercises(lambda: REGISTRY.all())  # looked up at call time: the session hooks never import core


# --------------------------------------------------------------------------- given objects and stale answers

def find_given(names: Sequence[str], explicit: Mapping[str, Any], skip_frames: int = 2) -> tuple[dict, list]:
    """(found, missing): the notebook's objects ``names``, from ``explicit`` keyword arguments, then the
    calling frames' namespaces (outside kitlib), then IPython's user namespace."""
    found = {n: explicit[n] for n in names if n in explicit}
    missing = [n for n in names if n not in found]
    frame = sys._getframe(skip_frames) if missing else None
    while frame is not None and missing:
        if not (frame.f_code.co_filename or "").startswith(_KIT_DIR):
            for scope in (frame.f_locals, frame.f_globals):
                for n in list(missing):
                    if n in scope:
                        found[n] = scope[n]
                        missing.remove(n)
        frame = frame.f_back
    if missing:
        user_ns = _user_namespace()
        for n in list(missing):
            if n in user_ns:
                found[n] = user_ns[n]
                missing.remove(n)
    return found, missing


def _user_namespace() -> dict:
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover
        return {}
    return getattr(shell, "user_ns", None) or {}


def _stale_problem(exercise: Exercise, answer: Any) -> Problem | None:
    """A problem when the answer cell failed the last time it ran (the variable is left over)."""
    from kitlib.exercises import session

    name = exercise.variable
    if name is None:
        return None
    failure = session.failure_of(name)
    if failure is None:
        return None
    user_ns = _user_namespace()
    if user_ns and name in user_ns and user_ns[name] is not answer:
        return None  # the grade cell was given something else than that variable
    explained = session.explanation_of(name)
    return Problem(f"the last cell that set `{name}` (your answer cell) raised {failure}, so `{name}` "
                   "still holds an older value or the placeholder, not your answer",
                   hint=(f"{explained} " if explained else "") + "Fix the error, run the answer cell again until "
                        "it runs without an error, then run this check.", kind="stale")


# --------------------------------------------------------------------------- notebook entry points

_LISTENERS: list[Callable[[Feedback, bool], None]] = []


def add_listener(listener: Callable[[Feedback, bool], None]) -> None:
    """Call ``listener(feedback, hidden)`` after every ``check``/``grade`` (``kit test-exercises`` uses it)."""
    _LISTENERS.append(listener)


def _assess(exercise_id: str, answer: Any, hidden: bool, given_kwargs: Mapping[str, Any],
            seed: int | None = None) -> tuple[Exercise, Feedback, Any, Context | None]:
    exercise = REGISTRY.get(exercise_id)
    stale = _stale_problem(exercise, answer)
    if stale is not None:
        # A kept given object the failed cell changed first (model_b compiled again, then fit() raised) is the
        # mistake to fix; the error is only its consequence, so it comes second.
        problems = [stale]
        if exercise.keep_given:
            given, _ = find_given(exercise.keep_given, given_kwargs, skip_frames=3)
            kept, _ = _given_problem(exercise, answer, given, failed=True)
            problems = [kept, stale] if kept is not None else problems
        return exercise, Feedback(exercise.id, exercise.title, True, problems), MISSING, None
    slip = _slip_problem(exercise, answer)
    if slip is not None and is_placeholder(answer):  # `model = model.compile(...)`: an attempt, not a placeholder
        return exercise, Feedback(exercise.id, exercise.title, True, [slip]), MISSING, None
    given, missing = find_given(exercise.given + exercise.optional_given
                                + tuple(n for n in exercise.keep_given if n not in exercise.given), given_kwargs,
                                skip_frames=3)
    missing = [name for name in missing if name in exercise.given]
    if missing and not is_placeholder(answer):
        listing = ", ".join(f"`{n}`" for n in missing)
        problem = Problem(f"this check needs {listing} from the notebook, which is not defined here",
                          hint="Run the notebook's cells from the top (Run > Run All Above), then this one.",
                          kind="setup")
        return exercise, Feedback(exercise.id, exercise.title, True, [problem]), MISSING, None
    kept, seen = _given_problem(exercise, answer, given)
    spec = None
    if hidden:
        from kitlib.exercises import hidden as hidden_parts

        spec = hidden_parts.instructor_spec(exercise.id)
    feedback, record = exercise._evaluate(answer, hidden, given=given, seed=seed, spec=spec)
    if slip is not None and not feedback.passed:
        feedback.problems = [slip]  # established by the kernel hook: the variable holds the method's result
    if kept is not None:  # the answer is still recorded, with what was seen: the re-check finds the same
        feedback.problems = [kept]
    feedback.given_seen = seen
    return exercise, feedback, record, exercise.context(given=given, seed=seed, hidden=hidden, spec=spec)


def _slip_problem(exercise: Exercise, answer: Any) -> Problem | None:
    """A problem when the answer variable holds what a method returned (``model = model.compile(...)``)."""
    from kitlib.exercises import session

    name = exercise.variable
    if name is None:
        return None
    user_ns = _user_namespace()
    if user_ns and name in user_ns and user_ns[name] is not answer:
        return None  # the check was given something else than that variable
    if answer is not None and (exercise.kind != "model" or hasattr(answer, "layers")):
        return None  # `x = x.numpy()` may be meant; only a model answer that is no model is surely the slip
    what = session.slip_of(name, answer)
    return Problem(what) if what else None


def _given_problem(exercise: Exercise, answer: Any, given: Mapping[str, Any],
                   failed: bool = False) -> tuple[Problem | None, dict]:
    """A given object the task says to leave that changed since before the answer cell, or an answer
    that is a given object where the task asks for a new one (see ``keep_given``, ``new_object``), and
    the plain data it was judged on (:func:`kitlib.exercises.given_state.observed`; {} when the exercise
    keeps nothing), which the answer record carries so that the trusted re-check judges it too. ``failed``: the
    answer cell raised, so the answer is a left-over value (the placeholder, too) and the kept objects are judged."""
    if (is_placeholder(answer) and not failed) or not (exercise.keep_given or exercise.new_object):
        return None, {}
    from kitlib.exercises import given_state, session

    names = exercise.given + exercise.optional_given + exercise.keep_given if exercise.new_object and not failed else ()
    seen = given_state.observed(answer, given, session.given_before(exercise.id), exercise.keep_given, names)
    what = given_state.problem(exercise.variable or "your answer", seen, exercise.keep_given, exercise.new_object,
                              exercise.given_may_change, exercise.keep_aspects)
    return (Problem(what) if what else None), seen


def _in_students_session() -> bool:
    """True in the student's own kernel; False under nbgrader (autograde, validate) and kit grade."""
    return not os.environ.get("NBGRADER_EXECUTION") and not os.environ.get("KIT_ANSWER_DIR")


def _tutor(exercise: Exercise, feedback: Feedback) -> None:
    """Hints and solutions: note an attempt; in the student's own session, say how to get a hint."""
    from kitlib.exercises import attempts

    if feedback.attempted:
        attempts.note_attempt(exercise.id)
    if not feedback.passed and not feedback.kit_problem and _in_students_session():
        feedback.tip = attempts.tip(exercise)


def check(exercise_id: str, answer: Any, **given: Any) -> Feedback:
    """Self-check: show friendly feedback for ``answer`` and return it; never raises.

    The notebook's objects the exercise needs are found by name in the caller's namespace,
    or passed as keyword arguments.

    Example::

        check("seq02_new_head", model)   # ✔ / ✘ with what to look at
    """
    exercise, feedback, _, _ = _assess(exercise_id, answer, False, given)
    _tutor(exercise, feedback)
    _notify(feedback, False)
    _display(feedback)
    return feedback


def grade(exercise_id: str, answer: Any, hidden: bool = False, **given: Any) -> None:
    """Grade-cell entry point (see the module docstring); returns None on purpose (nbgrader
    would read a number as partial credit).

    Under ``kit grade`` the grade cell reaches the kernel without its hidden region (the kernel could
    read what it executes), and ``$KIT_HIDDEN_PART`` is ``visible``: the visible call then makes the
    hidden part itself, after the visible part passed, as the hidden line of the cell would have."""
    _grade_part(exercise_id, answer, hidden, given)
    if not hidden and os.environ.get("KIT_HIDDEN_PART") == "visible":
        _grade_part(exercise_id, answer, True, given)
    return None


def _grade_part(exercise_id: str, answer: Any, hidden: bool, given: Mapping[str, Any]) -> None:
    """One part of :func:`grade` (raises :class:`ExerciseNotPassed` under nbgrader when it fails)."""
    seed = _env_seed() if hidden else None
    exercise, feedback, record, ctx = _assess(exercise_id, answer, hidden, given, seed=seed)
    _tutor(exercise, feedback)
    _record_for_recheck(exercise, feedback, record, hidden, seed)
    _notify(feedback, hidden)
    if os.environ.get("NBGRADER_EXECUTION"):
        if not feedback.passed:
            raise ExerciseNotPassed(feedback)
        if not hidden:
            _display(feedback)
        return None
    if hidden and feedback.passed:
        return None  # the visible line above already said ✔
    _display(feedback)
    return None


def _env_seed() -> int:
    value = os.environ.get("KIT_PROBE_SEED", "")
    try:
        return int(value)
    except ValueError:
        return 1  # no seed given (the instructor's own notebook): a fixed one


def _record_for_recheck(exercise: Exercise, feedback: Feedback, record: Any, hidden: bool,
                        seed: int | None) -> None:
    """Under ``kit grade`` ($KIT_ANSWER_DIR set): write the record for the trusted re-check.

    Records are written whether the answer passed or not; only records of passed cells are read.
    A record that cannot be written is said at once, with the form to use (the exercise's
    ``unrecordable`` text), and leaves an "unsupported" marker (manual grading)."""
    directory = os.environ.get("KIT_ANSWER_DIR")
    if not directory or record is MISSING:
        return
    from kitlib.exercises import answers

    from kitlib.exercises import attempts

    kit = {"version": 2, "hidden": hidden, "seed": seed, "kernel": feedback.status,
           "evidence": REGISTRY.replaced(exercise.id), "hints": attempts.hints_used(exercise.id)}
    if feedback.given_seen:
        kit["given"] = feedback.given_seen
    name = f"{exercise.id}.hidden" if hidden else exercise.id
    try:
        kind = answers.encode(record, directory, name, kit=kit)
    except Exception as error:  # noqa: BLE001 - never let the export break the student's grade cell
        kind, why = "unsupported", f"{type(error).__name__}"
    else:
        why = ""
    if kind == "unsupported":
        form = exercise.unrecordable or "an answer made of Keras' own layers, numbers, lists or arrays"
        feedback.notes.append(f"your answer cannot be recorded for grading {why}".strip()
                              + f"; use {form} so that it can be graded automatically")


def _notify(feedback: Feedback, hidden: bool) -> None:
    for listener in list(_LISTENERS):
        try:
            listener(feedback, hidden)
        except Exception:  # noqa: BLE001 - an observer must not break grading
            pass


def _display(feedback: Any) -> None:
    """Show ``feedback`` (or a tutor's Note) as rich output in IPython, as text elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(feedback)
            if isinstance(feedback, Feedback):
                feedback._mark_shown()  # as check()'s return value in the same cell's Out[]: not again
            return
    except ImportError:  # pragma: no cover
        pass
    print(str(feedback))


_CORE_ORIGINALS = {name: globals()[name] for name in ("grade", "check", "_assess", "_record_for_recheck", "blame")}
_METHOD_ORIGINALS = {name: Exercise.__dict__[name] for name in ("_evaluate", "record", "judge", "evaluate_prepared")}
