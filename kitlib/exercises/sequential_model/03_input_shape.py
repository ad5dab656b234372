"""Chapter A3 · Specifying the input shape in advance (``03_input_shape.ipynb``).

- ``seq03_weight_shapes``: predict ``model.weights``' shapes. The check verifies what the
  notebook's rules imply without knowing the answer (kernel before bias, a kernel is
  (inputs, units), a bias has one number per unit, each layer's inputs are the units before
  it), then compares a salted digest.
- ``seq03_built_from_start``: a model built at once for samples of 20 numbers.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import L
from kitlib.exercises.core import CheckFailed, Exercise, expect
from kitlib.exercises.describe import plain_shape, what_is

SALT_WEIGHTS = "seq03_weight_shapes"


def weight_shape_list(answer: Any) -> list:
    """Prepare: the answer as a list of shapes (tuples of whole numbers).

    Example:
        >>> weight_shape_list([[2, 3], (3,)])
        [(2, 3), (3,)]
    """
    if not isinstance(answer, (list, tuple)):
        raise CheckFailed("your answer should be a list of shapes", "a list like [(2, 3), (3,)]", what_is(answer))
    shapes = []
    for number, item in enumerate(answer, start=1):
        shape = plain_shape(item, f"entry {number}", "(2, 3)")
        expect(all(d is not None and d > 0 for d in shape), f"entry {number} should be whole numbers above 0",
               hint="Weights have a fixed size: no None in their shapes.")
        shapes.append(shape)
    return shapes


def _consistent(shapes: list) -> None:
    """What the notebook's rules say about any Dense stack, checked without knowing the answer."""
    expect(len(shapes) % 2 == 0 and len(shapes) > 0, "the number of weight tensors should be even",
           hint="Each Dense layer has two weight tensors: a kernel and a bias.")
    for number, shape in enumerate(shapes, start=1):
        if number % 2:
            expect(len(shape) == 2, f"entry {number} should be a kernel, a shape with 2 numbers (inputs, units)",
                   got=shape, hint="model.weights lists each layer's kernel, then its bias.")
        else:
            expect(len(shape) == 1, f"entry {number} should be a bias, a shape with 1 number (units,)",
                   got=shape, hint="model.weights lists each layer's kernel, then its bias.")
            expect(shape[0] == shapes[number - 2][1], f"the bias in entry {number} does not fit the kernel before "
                   "it", hint="A kernel is (inputs, units) and its bias has one number per unit: the kernel's "
                                         "second number.")
    for number in range(3, len(shapes), 2):
        expect(shapes[number - 1][0] == shapes[number - 3][1], f"the kernel in entry {number} does not fit the "
               "layer before it", hint="A layer receives as many numbers as the layer before it has units: that "
                                      "is the kernel's first number.")


KNOWN_WEIGHTS = {
    "11c2968512ea05f9ce794b2aa59d8087": "the kernels are the wrong way round: a Dense kernel has the shape "
    "(inputs, units)",
    "2bf6c305065a655367fda84c22032533": "the model has two Dense layers, so two kernels and two biases: "
    "keras.Input is not a layer and has no weights",
}

BUILT = [L("Dense", units=8, activation="relu"), L("Dense", units=1)]

EXERCISES = [
    Exercise(
        "seq03_weight_shapes",
        title="Predict the weight shapes",
        points=1,
        kind="literal",
        variable="weight_shapes",
        prepare=weight_shape_list,
        checks=[_consistent, c.matches_digest(
            SALT_WEIGHTS, "8eb686ecbea9e85c9161bed93423489b", known=KNOWN_WEIGHTS,
            what="not the right shapes yet",
            hint="The first layer receives the model's input features; a kernel is (inputs, units), a bias "
                 "(units,).")],
        unrecordable="a list of tuples, e.g. [(2, 3), (3,)]",
    ),
    Exercise(
        "seq03_built_from_start",
        title="A model with weights from the start",
        points=2,
        kind="model",
        variable="model",
        prepare=c.model_record(),
        checks=[c.is_model("Sequential"),
                c.built(hint="Put keras.Input(shape=...) first in the list: the model is then built at once."),
                c.input_features((20,)), c.layers_like(BUILT)],
        unrecordable="a keras.Sequential model made of Keras' own layers",
    ),
]
