"""The exercise mechanism: checks written once, used three ways.

An :class:`Exercise` holds a list of *checks*: small functions that look at a
student's answer and raise :class:`CheckFailed` with a message in the
student's terms (what was expected, what was found, a hint). The same checks
serve

1. the student's instant self-check (``check(id, answer)`` shows feedback and
   never raises),
2. the nbgrader grade cells (``grade(id, answer)`` raises
   :class:`ExerciseNotPassed`, which IPython renders as a short, friendly
   message instead of a traceback; nbgrader then gives the cell 0 points),
3. the kit's own tests (``Exercise.evaluate`` returns a :class:`Feedback`).

Example::

    from kitlib.exercises.core import Exercise, expect

    def two_layers(model):
        expect(len(model.layers) == 2, "number of layers", 2, len(model.layers),
               hint="Use model.pop() to remove the last layer.")

    ex = Exercise("demo_two_layers", title="Pop a layer", points=1,
                  checks=[two_layers])
    ex.evaluate(my_model).passed
"""
from __future__ import annotations

import html
import re
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")

NOT_ATTEMPTED = (None, Ellipsis)


class CheckFailed(AssertionError):
    """Raised by a check: the answer is wrong in one precise, explainable way."""

    def __init__(self, what: str, expected: Any = None, got: Any = None, hint: str = ""):
        self.what = what
        self.expected = expected
        self.got = got
        self.hint = hint
        super().__init__(self.text())

    def text(self) -> str:
        parts = [self.what]
        if self.expected is not None or self.got is not None:
            parts.append(f"expected {_show(self.expected)}, got {_show(self.got)}")
        line = ": ".join(parts)
        if self.hint:
            line += f". Hint: {self.hint}"
        return line


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return repr(value)


def expect(condition: bool, what: str, expected: Any = None, got: Any = None, hint: str = "") -> None:
    """Raise :class:`CheckFailed` unless ``condition`` holds.

    Example:
        >>> expect(3 == 3, "number of layers", 3, 3)
    """
    if not condition:
        raise CheckFailed(what, expected, got, hint)


@dataclass
class Problem:
    """One thing that is wrong with an answer."""

    what: str
    expected: Any = None
    got: Any = None
    hint: str = ""

    def text(self) -> str:
        return CheckFailed(self.what, self.expected, self.got, self.hint).text()


@dataclass
class Feedback:
    """The outcome of checking one answer."""

    exercise: str
    title: str
    attempted: bool
    problems: list[Problem] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.attempted and not self.problems

    @property
    def status(self) -> str:
        if not self.attempted:
            return "not attempted"
        return "passed" if self.passed else "not yet"

    def lines(self) -> list[str]:
        if not self.attempted:
            return [
                f"○ {self.title}: not attempted yet. Write your answer in the exercise cell "
                "(replace the None placeholder), run it, then run this check again."
            ]
        if self.passed:
            return [f"✔ {self.title}: passed. Well done!"]
        head = f"✘ {self.title}: not yet ({len(self.problems)} thing{'s' if len(self.problems) > 1 else ''} to fix)"
        return [head] + [f"  - {p.text()}" for p in self.problems]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        colour = {"passed": "#1a7f37", "not yet": "#b35900", "not attempted": "#57606a"}[self.status]
        # Wrap at spaces, keep line breaks of multi-line messages, break a word only when it alone
        # is wider than the cell (never "kernel s|izes"), whatever the notebook's own styles say.
        wrap = "white-space:pre-wrap;word-break:normal;overflow-wrap:break-word"
        items = "".join(f"<li style='{wrap}'>{html.escape(p.text())}</li>" for p in self.problems)
        head = html.escape(self.lines()[0])
        body = f"<ul style='margin:4px 0 0 0'>{items}</ul>" if items else ""
        return (
            f"<div class='kit-feedback' data-status='{self.status}' "
            f"style='border-left:4px solid {colour};padding:4px 10px;margin:4px 0;max-width:100%;"
            f"box-sizing:border-box;{wrap}'>"
            f"<b style='color:{colour};{wrap}'>{head}</b>{body}</div>"
        )

    def _repr_pretty_(self, printer, cycle):  # plain-text view in terminals and nbval
        printer.text(str(self))


class ExerciseNotPassed(AssertionError):
    """Raised by :func:`grade` when an answer does not pass.

    IPython shows it through ``_render_traceback_``: the friendly feedback,
    not a stack trace. nbgrader still sees an error and gives 0 points.
    """

    def __init__(self, feedback: Feedback):
        self.feedback = feedback
        super().__init__(str(feedback))

    def _render_traceback_(self) -> list[str]:
        return str(self.feedback).splitlines()


Check = Callable[[Any], None]


class Exercise:
    """An exercise: an id, points and the checks that decide it.

    Args:
        id: lower-case letters, digits and underscores, unique in the course.
            The nbgrader answer cell is ``<id>_answer`` and the grade cell
            ``<id>_test``.
        title: short name shown in feedback.
        points: nbgrader points of the grade cell.
        checks: visible checks, run by the self-check and by the grade cell.
        hidden_checks: extra checks run only by the hidden part of the grade
            cell (``grade(id, answer, hidden=True)``).
        prepare: optional function turning the raw answer into what the checks
            look at (e.g. call a student's ``build_model()``), run once.
        wrong_answers: planted wrong answers for the kit's tests: a list of
            ``(code, message_fragment)``: code that replaces the solution and
            a fragment of the feedback the student then sees.

    Example::

        ex = Exercise("demo_sum", title="Add two numbers", points=1,
                      checks=[lambda a: expect(a == 5, "the sum", 5, a)],
                      wrong_answers=[("total = 4", "the sum")])
    """

    def __init__(
        self,
        id: str,
        *,
        title: str,
        points: float,
        checks: Sequence[Check],
        hidden_checks: Sequence[Check] = (),
        prepare: Callable[[Any], Any] | None = None,
        wrong_answers: Sequence[tuple[str, str]] = (),
    ):
        if not _ID_RE.match(id):
            raise ValueError(f"exercise id {id!r}: use lower-case letters, digits and underscores")
        if not checks:
            raise ValueError(f"exercise {id!r} needs at least one visible check")
        self.id = id
        self.title = title
        self.points = points
        self.checks = list(checks)
        self.hidden_checks = list(hidden_checks)
        self.prepare = prepare
        self.wrong_answers = list(wrong_answers)

    @property
    def answer_cell_id(self) -> str:
        return f"{self.id}_answer"

    @property
    def grade_cell_id(self) -> str:
        return f"{self.id}_test"

    def evaluate(self, answer: Any, hidden: bool = False) -> Feedback:
        """Run the checks on ``answer``; never raises."""
        return self._evaluate(answer, hidden)[0]

    def _evaluate(self, answer: Any, hidden: bool = False) -> tuple[Feedback, Any]:
        """(feedback, prepared subject or None when preparing failed)."""
        feedback = Feedback(self.id, self.title, attempted=not _is_placeholder(answer))
        if not feedback.attempted:
            return feedback, None
        try:
            subject = self.prepare(answer) if self.prepare else answer
        except CheckFailed as failure:
            feedback.problems.append(_problem(failure))
            return feedback, None
        except Exception as error:  # the student's own code raised
            feedback.problems.append(_raised(error))
            return feedback, None
        self._run_checks(subject, feedback, hidden)
        return feedback, subject

    def evaluate_prepared(self, subject: Any, hidden: bool = False) -> Feedback:
        """Run the checks on an already prepared answer (the grader's trusted re-check)."""
        feedback = Feedback(self.id, self.title, attempted=not _is_placeholder(subject))
        if feedback.attempted:
            self._run_checks(subject, feedback, hidden)
        return feedback

    def _run_checks(self, subject: Any, feedback: Feedback, hidden: bool) -> None:
        for check_fn in self.checks + (self.hidden_checks if hidden else []):
            try:
                check_fn(subject)
            except CheckFailed as failure:
                feedback.problems.append(_problem(failure))
                break  # the first problem is the one to fix; later ones often follow from it
            except Exception as error:
                feedback.problems.append(_raised(error))
                break

    def __repr__(self) -> str:
        return f"Exercise({self.id!r}, points={self.points})"


def _is_placeholder(answer: Any) -> bool:
    return any(answer is marker for marker in NOT_ATTEMPTED)


def _problem(failure: CheckFailed) -> Problem:
    return Problem(failure.what, failure.expected, failure.got, failure.hint)


def _raised(error: BaseException) -> Problem:
    name = type(error).__name__
    first = (str(error).strip().splitlines() or [""])[0][:300]
    where = traceback.extract_tb(error.__traceback__)
    hint = "Run your exercise cell on its own and read the error it gives."
    if where:
        hint += f" (raised in {where[-1].name})"
    return Problem(f"your answer raised {name}: {first}", hint=hint)


class Registry:
    """Exercises by id, loaded from the course's exercise modules on first use."""

    MODULES = ("kitlib.exercises.sequential_model", "kitlib.exercises.functional_api")

    def __init__(self, modules: Iterable[str] = MODULES):
        # Extra exercise modules (e.g. a test course): KIT_EXERCISE_MODULES=pkg.mod,other.mod
        import os

        extra = [m.strip() for m in os.environ.get("KIT_EXERCISE_MODULES", "").split(",") if m.strip()]
        self._modules = tuple(modules) + tuple(m for m in extra if m not in tuple(modules))
        self._exercises: dict[str, Exercise] | None = None

    def _load(self) -> dict[str, Exercise]:
        if self._exercises is None:
            import importlib

            found: dict[str, Exercise] = {}
            for name in self._modules:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as missing:
                    if missing.name == name:
                        continue  # that part of the course has no exercises yet
                    raise
                for exercise in getattr(module, "EXERCISES", []):
                    if exercise.id in found:
                        raise ValueError(f"exercise id {exercise.id!r} is defined twice")
                    found[exercise.id] = exercise
            self._exercises = found
        return self._exercises

    def get(self, exercise_id: str) -> Exercise:
        exercises = self._load()
        if exercise_id not in exercises:
            raise KeyError(f"no exercise {exercise_id!r}; known: {', '.join(sorted(exercises)) or 'none'}")
        return exercises[exercise_id]

    def all(self) -> list[Exercise]:
        return list(self._load().values())


REGISTRY = Registry()


def check(exercise_id: str, answer: Any) -> Feedback:
    """Self-check: show friendly feedback for ``answer``; never raises.

    Example::

        check("seq_creating_pop", model)   # ✔ / ✘ with expected vs. got and a hint
    """
    feedback = REGISTRY.get(exercise_id).evaluate(answer)
    _display(feedback)
    return feedback


def grade(exercise_id: str, answer: Any, hidden: bool = False) -> None:
    """Grade-cell entry point: print success, or raise :class:`ExerciseNotPassed`.

    Returns None on purpose: nbgrader reads a numeric cell result as partial credit.
    """
    exercise = REGISTRY.get(exercise_id)
    feedback, subject = exercise._evaluate(answer, hidden=hidden)
    _record_for_recheck(exercise, feedback, subject)
    if not feedback.passed:
        raise ExerciseNotPassed(feedback)
    if not hidden:
        print(str(feedback))
    return None


def _record_for_recheck(exercise: Exercise, feedback: Feedback, subject: Any) -> None:
    """Under ``kit grade`` ($KIT_ANSWER_DIR set): export the checked answer for the
    grader's trusted re-check (:mod:`kitlib.grading.verify`). Points of a grade
    cell whose answer is not exported, or fails the re-check, are withdrawn."""
    import os

    directory = os.environ.get("KIT_ANSWER_DIR")
    if not directory or not feedback.passed:
        return
    try:
        from kitlib.grading.answers import encode

        encode(subject, directory, exercise.id)
    except Exception as error:  # never let the export break the student's grade cell
        print(f"(answer not recorded for the re-check: {type(error).__name__})")


def _display(feedback: Feedback) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(feedback)
            return
    except ImportError:  # pragma: no cover
        pass
    print(str(feedback))
