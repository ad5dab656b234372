"""What this session has done to get unstuck: hints shown and attempts checked, per exercise.

A leaf module (it imports nothing of the kit), shared by :mod:`kitlib.exercises.core` (which notes
attempts, writes the hint line under feedback and records the hints used for ``kit grade``) and
:mod:`kitlib.exercises.tutor` (which shows hints and worked solutions). The state lives in this process:
a restarted kernel starts again.

Example::

    from kitlib.exercises import attempts
    attempts.note_attempt("seq03_weight_shapes")
    attempts.attempted("seq03_weight_shapes")    # True
"""
from __future__ import annotations

from typing import Any

_SHOWN: dict[str, int] = {}  # exercise id -> hints shown so far (the stage reached)
_ATTEMPTED: set[str] = set()  # exercise ids with an attempted answer checked in this session


def note_attempt(exercise_id: str) -> None:
    """Remember that an attempted answer of ``exercise_id`` was checked (core's check/grade call it)."""
    _ATTEMPTED.add(exercise_id)


def attempted(exercise_id: str) -> bool:
    """Whether this session checked an attempted answer of ``exercise_id``."""
    return exercise_id in _ATTEMPTED


def hints_used(exercise_id: str) -> int:
    """How many hints of ``exercise_id`` this session has shown (recorded with the answer for kit grade)."""
    return _SHOWN.get(exercise_id, 0)


def reset() -> None:
    """Forget hints shown and attempts seen (tests; a restarted kernel does the same)."""
    _SHOWN.clear()
    _ATTEMPTED.clear()


def tip(exercise: Any) -> str:
    """The line under failed or not-attempted feedback telling how to get a hint ('' without hints).

    Example:
        >>> class Demo: id, hints = "demo_sum", ("a", "b")
        >>> tip(Demo())
        'Stuck? Run hint("demo_sum") for a hint (2 in stages).'
    """
    total = len(getattr(exercise, "hints", ()) or ())
    if not total:
        return ""
    shown = hints_used(exercise.id)
    if shown >= total:
        return f'You have seen all {total} hints: hint("{exercise.id}") shows them again.'
    if shown:
        return f'Stuck? Run hint("{exercise.id}") for the next hint ({shown + 1} of {total}).'
    return f'Stuck? Run hint("{exercise.id}") for a hint ({total} in stages).'
