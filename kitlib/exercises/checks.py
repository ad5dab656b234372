"""Reusable checks for Keras answers.

Each factory returns a check: a function of the answer that raises
:class:`~kitlib.exercises.core.CheckFailed` with expected vs. got and a hint.
Checks compare shapes, counts, layer types and behaviour, never Keras'
auto-generated names (``dense_7``), so every correct solution passes.

Example::

    from kitlib.exercises import Exercise
    from kitlib.exercises import checks as c

    Exercise("seq_demo", title="A 10-parameter model", points=1,
             checks=[c.is_model(), c.total_params(10), c.output_shape((None, 2))])
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

from kitlib.exercises.core import CheckFailed, expect

Check = Callable[[Any], None]


def _keras():
    import keras

    return keras


def shape_tuple(shape: Any) -> tuple:
    """A shape as a plain tuple of ints and None (TensorShape, list, int all accepted)."""
    if shape is None:
        return None
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    if isinstance(shape, int):
        return (shape,)
    return tuple(None if d is None else int(d) for d in shape)


def is_model(kind: str | None = None) -> Check:
    """The answer is a Keras model (``kind``: "Sequential" or "Functional" to insist on one)."""

    def check(answer):
        keras = _keras()
        expect(
            isinstance(answer, keras.Model),
            "your answer should be a Keras model",
            "a keras.Model",
            type(answer).__name__,
            hint="Build it with keras.Sequential([...]) or keras.Model(inputs, outputs).",
        )
        if kind == "Sequential":
            expect(isinstance(answer, keras.Sequential), "the model type", "keras.Sequential",
                   type(answer).__name__, hint="Use keras.Sequential([...]).")
        elif kind == "Functional":
            from kitlib.keras_compat import has_graph

            expect(not isinstance(answer, keras.Sequential) and has_graph(answer)
                   or type(answer).__name__ == "Functional",
                   "the model type", "a functional model built with keras.Model(inputs, outputs)",
                   type(answer).__name__, hint="Call layers on keras.Input(...) and wrap with keras.Model.")

    return check


def is_built() -> Check:
    def check(model):
        expect(bool(getattr(model, "built", False)) and len(model.weights) > 0 or not model.layers,
               "the model should be built (have weights)", "a built model", "an unbuilt model",
               hint="Start the model with keras.Input(shape=...) or call it on data once.")

    return check


def total_params(expected: int) -> Check:
    def check(model):
        got = model.count_params() if getattr(model, "built", False) else 0
        expect(got == expected, "total number of parameters", expected, got,
               hint="Compare model.summary() with the target: look at units, kernel sizes and input shape.")

    return check


def trainable_params(expected: int) -> Check:
    def check(model):
        got = int(sum(int(_size(w)) for w in model.trainable_weights))
        expect(got == expected, "number of trainable parameters", expected, got,
               hint="Set layer.trainable = False on the layers that should stay frozen.")

    return check


def _size(weight) -> int:
    size = 1
    for d in weight.shape:
        size *= int(d)
    return size


def layer_count(expected: int) -> Check:
    def check(model):
        got = len(model.layers)
        expect(got == expected, "number of layers in model.layers", expected, got)

    return check


def layer_types(expected: Sequence[str]) -> Check:
    """``model.layers`` are of these classes, in order (class names, e.g. ["Conv2D", "Dense"])."""

    def check(model):
        got = [type(layer).__name__ for layer in model.layers]
        expect(got == list(expected), "the layer types, in order", list(expected), got)

    return check


def output_shape(expected: Iterable) -> Check:
    want = shape_tuple(expected)

    def check(model):
        outputs = getattr(model, "outputs", None)
        expect(bool(outputs), "the model's output shape", want, "no output yet",
               hint="Give the model an input shape (keras.Input) so Keras can work out its output.")
        got = shape_tuple(outputs[0].shape)
        expect(got == want, "the model's output shape", want, got)

    return check


def input_shape(expected: Iterable) -> Check:
    want = shape_tuple(expected)

    def check(model):
        inputs = getattr(model, "inputs", None)
        expect(bool(inputs), "the model's input shape", want, "no input yet",
               hint="Start with keras.Input(shape=...).")
        got = shape_tuple(inputs[0].shape)
        expect(got == want, "the model's input shape", want, got)

    return check


def equals(expected: Any, what: str = "your answer", hint: str = "") -> Check:
    """Plain equality, with shapes normalised (lists, tuples, TensorShapes compare alike)."""

    def normalise(value):
        if hasattr(value, "as_list") or (isinstance(value, (list, tuple)) and all(
                d is None or isinstance(d, int) for d in value)):
            return shape_tuple(value)
        return value

    def check(answer):
        expect(normalise(answer) == normalise(expected), what, expected, answer, hint=hint)

    return check


def predicts_like(reference: Callable[[Any], Any], inputs: Callable[[], Any], atol: float = 1e-5,
                  what: str = "the model's predictions") -> Check:
    """The model computes what ``reference(x)`` computes, on inputs from ``inputs()``."""

    def check(model):
        import numpy as np

        x = inputs()
        got = np.asarray(model(x, training=False) if not isinstance(x, dict) else model(x))
        want = np.asarray(reference(x))
        expect(got.shape == want.shape, f"{what}: shape", want.shape, got.shape)
        expect(bool(np.allclose(got, want, atol=atol)), what, "the reference values",
               f"values that differ by up to {float(np.max(np.abs(got - want))):.3g}")

    return check


def set_seeded_weights(model: Any, seed: int, scale: float = 0.5) -> Any:
    """Give every weight of ``model`` values drawn from ``numpy.random.default_rng(seed)``; returns the model.

    Probe models built this way are the same in the student's kernel and in the grader's
    trusted process, so the trusted checks can recompute what a probe model outputs.

    Example::

        model = set_seeded_weights(keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)]), seed=1)
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    for weight in model.weights:
        shape = tuple(int(d) for d in weight.shape)
        weight.assign(rng.normal(scale=scale, size=shape).astype("float32"))
    return model


def as_array(value: Any, what: str, expected: str = "a tensor",
             hint: str = "Make sure your code returns its result (return ...).") -> Any:
    """``value`` as a float32 numpy array for a probe record, or a friendly :class:`CheckFailed`.

    Example:
        >>> as_array([1, 2], "the output").dtype
        dtype('float32')
    """
    import numpy as np

    if value is not None:
        try:
            import keras

            return np.asarray(keras.ops.convert_to_numpy(value), dtype="float32")
        except Exception:
            pass
    raise CheckFailed(what, expected, type(value).__name__, hint=hint)


__all__ = [
    "CheckFailed", "shape_tuple", "is_model", "is_built", "total_params", "trainable_params",
    "layer_count", "layer_types", "output_shape", "input_shape", "equals", "predicts_like",
    "set_seeded_weights", "as_array",
]
