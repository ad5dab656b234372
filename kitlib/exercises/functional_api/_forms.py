"""The answer forms of Part 2's function and class exercises, said in the student's terms.

Example::

    expect_function(answer, "round_trip(model, path)")
    expect_class(answer, "Scale", base="Layer")
"""
from __future__ import annotations

from typing import Any

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
