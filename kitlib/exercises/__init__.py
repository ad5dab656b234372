"""Exercises with checks written once (see :mod:`kitlib.exercises.core`).

In a notebook::

    from kitlib.exercises import check, grade
    check("seq02_new_head", model)   # instant, friendly self-check (returns the Feedback)
    grade("seq02_new_head", model)   # in the nbgrader grade cell
    hint("seq02_new_head")           # the next hint, in stages
    solution("seq02_new_head")       # self-study courses: the worked solution, after an attempt

Layout: ``core`` (Exercise, Feedback, Registry, check, grade), ``checks`` (every
reusable check), ``describe`` (answers turned into plain records), ``answers``
(the record format the kernel writes and the verifier reads), ``session`` (stale
answers), ``tutor`` (hints in stages, worked solutions in self-study courses), ``hidden`` (loading the course-side hidden parts), one module per
chapter in ``sequential_model/`` and ``functional_api/``. Everything here runs in the student's
kernel: nothing here imports :mod:`kitlib.grading` or the teacher's mutation tester
(:mod:`kitlib.mutation`, ``kit test-exercises``), as ``tests/test_architecture.py`` checks.
"""
from kitlib.exercises.core import (
    REGISTRY,
    CheckFailed,
    Context,
    Exercise,
    ExerciseNotPassed,
    Feedback,
    Problem,
    check,
    digest,
    expect,
    grade,
    probe_seed,
    run_student,
)
from kitlib.exercises.tutor import hint, solution

__all__ = [
    "REGISTRY", "CheckFailed", "Context", "Exercise", "ExerciseNotPassed", "Feedback", "Problem",
    "check", "digest", "expect", "grade", "get", "hint", "probe_seed", "run_student", "solution",
]


def get(exercise_id: str) -> Exercise:
    """The exercise with this id."""
    return REGISTRY.get(exercise_id)
