"""Helpers shared by the exercise tests of both course parts (tests/test_exercises_*.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from kitlib.exercises.core import MISSING


def recheck(exercise, subject, directory: Path):
    """What ``kit grade``'s trusted re-check says about ``subject``: export it, read it back, judge the copy."""
    from kitlib.exercises.answers import decode, encode

    kind = encode(subject, directory, exercise.id)
    assert kind != "unsupported", f"{exercise.id}: the prepared answer cannot be exported"
    return exercise.evaluate_prepared(decode(directory, exercise.id), hidden=True)


def assert_wrong_records_fail_recheck(exercise, answer_for: Callable[[str], Any], directory: Path) -> None:
    """Each planted wrong answer (``answer_for(code)`` runs it) fails in the notebook; the record of those
    that get past prepare() fails the trusted re-check too, with the same message. At least one must."""
    assert exercise.prepare is not None
    rechecked = 0
    for index, (code, fragment) in enumerate(exercise.wrong_answers):
        feedback, record = exercise._evaluate(answer_for(code), hidden=True)
        assert not feedback.passed
        if record is MISSING or record is None:  # prepare() refused it: nothing to re-check
            continue
        verdict = recheck(exercise, record, directory / str(index))
        assert verdict.attempted and not verdict.passed, f"wrong answer {index} passed the re-check:\n{code}"
        assert fragment in str(verdict), f"expected {fragment!r} in the re-check:\n{verdict}"
        rechecked += 1
    assert rechecked >= 1, f"{exercise.id}: no wrong answer produced a record to re-check"
