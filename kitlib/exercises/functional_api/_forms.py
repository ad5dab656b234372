"""The answer forms of Part 2's function and class exercises, said in the student's terms.

Example::

    expect_function(answer, "round_trip(model, path)")
    expect_class(answer, "Scale", base="Layer")
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from kitlib.exercises.core import CheckFailed, clean_text, expect
from kitlib.exercises.describe import is_keras_model, what_is


def expect_function(answer: Any, example: str) -> None:
    """``answer`` is a plain function (not a class, not a model)."""
    expect(callable(answer) and not isinstance(answer, type) and not is_keras_model(answer),
           f"your answer should be a function {example}", "a function", what_is(answer),
           hint=f"Define it with def {example}: ...")


def expect_class(answer: Any, name: str, base: str = "Layer") -> None:
    """``answer`` is a class that subclasses ``keras.layers.Layer`` (``base="Layer"``) or ``keras.Model``."""
    import keras

    parent = keras.Model if base == "Model" else keras.layers.Layer
    spelled = "keras.Model" if base == "Model" else "keras.layers.Layer"
    if isinstance(answer, type) and issubclass(answer, parent):
        return
    if isinstance(answer, parent):
        raise CheckFailed(f"your answer is an instance of a layer or model; the task asks for the class {name} "
                          "itself", hint=f"Give the class: {name} = ... is `class {name}({spelled}): ...`, "
                                         "without calling it.")
    raise CheckFailed(f"your answer should be a class {name} that subclasses {spelled}", None, what_is(answer),
                      hint=f"Define it with class {name}({spelled}): ...")


def error_text(error: BaseException, limit: int = 150) -> str:
    """'<Error>: <first line>' in student-safe text (no paths, no graph reprs)."""
    first = (str(error).strip().splitlines() or [""])[0]
    return clean_text(f"{type(error).__name__}: {first}" if first else type(error).__name__, limit=limit)


# --- added for Functional chapters 01-06b: the checks of the predict and read items

def each_matches(salt: str, rights: Sequence[str], known: Sequence[Mapping[str, str]], whats: Sequence[str],
                 hints: Sequence[str], *, letters: bool = False) -> Any:
    """A check of a list record item by item: item ``i`` must have the digest ``rights[i]`` (salt
    ``f"{salt}:{i}"``); a known wrong item gets its targeted message, any other ``whats[i]`` + ``hints[i]``.
    Stops at the first wrong item. The module holds digests only: nothing reveals the answer.
    ``letters``: the items are the letters of multiple-choice questions; messages start with
    "question N, letter 'x': " (the student's own choice, named)."""
    from kitlib.exercises.checks import matches_digest

    checks = [matches_digest(f"{salt}:{i}", right, known=known[i], what=whats[i], hint=hints[i])
              for i, right in enumerate(rights)]

    def check(record: list) -> None:
        for number, (item_check, item) in enumerate(zip(checks, record), start=1):
            try:
                item_check(item)
            except CheckFailed as failed:
                if not letters:
                    raise
                raise CheckFailed(f"question {number}, letter {item!r}: {failed.what}", hint=failed.hint) from None

    check.__name__ = "each_matches"
    return check


def not_trained(given: str) -> Any:
    """A check on a model record with compile settings: the given model ``given``, which the task only
    compiles, took no optimizer step (it was not trained in the answer, its weights are as given)."""

    def check(record: dict) -> None:
        steps = int(((record.get("compile") or {}).get("optimizer_steps")) or 0)
        expect(steps == 0, f"{given} was trained ({steps} optimizer steps): the task only compiles it, its weights "
               "stay as they were", hint="Leave fit() out of the answer cell.")

    check.__name__ = "not_trained"
    return check
