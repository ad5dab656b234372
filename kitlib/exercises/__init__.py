"""Exercises with checks written once (see :mod:`kitlib.exercises.core`).

In a notebook::

    from kitlib.exercises import check, grade
    check("seq_creating_pop", model)   # instant, friendly self-check
    grade("seq_creating_pop", model)   # in the nbgrader grade cell

Reusable checks for Keras answers live in :mod:`kitlib.exercises.checks`; the
exercises of each assignment in ``sequential_model.py`` and ``functional_api.py``.
"""
from kitlib.exercises.core import (
    REGISTRY,
    CheckFailed,
    Exercise,
    ExerciseNotPassed,
    Feedback,
    Problem,
    check,
    expect,
    grade,
)

__all__ = [
    "REGISTRY", "CheckFailed", "Exercise", "ExerciseNotPassed", "Feedback", "Problem",
    "check", "expect", "grade", "get",
]


def get(exercise_id: str) -> Exercise:
    """The exercise with this id."""
    return REGISTRY.get(exercise_id)
