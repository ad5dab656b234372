"""Chapter A4 · A common debugging workflow: add() + summary() (``04_debugging_workflow.ipynb``).

- ``seq04_predict_shape``: predict an output shape. The check knows what the task text shows
  (an image batch has 4 axes, the batch axis is None, the last layer is ``Conv2D(32, ...)`` on a
  square input with square kernels) and compares the rest through a salted digest; typical
  wrong sizes get a message about the step that was missed, never the size itself.
- ``seq04_repair``: repair ``make_broken()`` by changing padding or pooling only.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import ANY, L
from kitlib.exercises.core import Exercise, expect
from kitlib.exercises.describe import plain_shape

SALT_SHAPE = "seq04_predict_shape"
LAST_FILTERS = 32  # shown in the task: the last layer is Conv2D(32, 3, strides=2)


def shape_with_batch(answer: Any) -> tuple:
    """Prepare: the predicted shape as a tuple; a shape without the batch axis gets None in front.

    Example:
        >>> shape_with_batch([40, 40, 32])
        (None, 40, 40, 32)
    """
    shape = plain_shape(answer, "your answer", "(None, 40, 40, 32)")
    return (None,) + shape if len(shape) == 3 and shape[0] is not None else shape


def _image_batch_form(shape: tuple) -> None:
    expect(len(shape) == 4, "an image batch has 4 axes: (batch, height, width, channels)", got=shape)
    expect(shape[0] is None, "the batch axis should be None (the model takes any number of images)", got=shape[0])
    expect(all(d is not None and d > 0 for d in shape[1:]), "height, width and channels are whole numbers above 0",
           got=shape)
    expect(shape[3] == LAST_FILTERS, "the number of channels: a Conv2D layer outputs one channel per filter, and "
           "the last layer here is Conv2D(32, ...)", got=shape[3])
    expect(shape[1] == shape[2], "height and width should be equal: the input is square and every kernel and "
           "pool is square", got=shape[1:3])


KNOWN_SHAPES = {
    "e7bacd0481347185d7088f7fffda45ad": "height and width: this is the size without the MaxPooling2D(2) step, "
    "which divides height and width by 2",
    "9296ca8a8c73045937141594bf2736da": "height and width: the last Conv2D has strides=2: out = (size - kernel) "
    "// strides + 1",
    "48679ba9a230b63bf46c3fac9476b612": "height and width: these layers use the default padding=\"valid\", which "
    "loses kernel - 1 pixels: out = (size - kernel) // strides + 1",
    "aceffe0a8b608b8fc6d204800502c20f": "height and width: check the + 1 in out = (size - kernel) // strides + 1",
    "26c5ba2b36e240a99f26bb7d8adc9c75": "height and width: check the + 1 in out = (size - kernel) // strides + 1",
    "a67b90faacb4b226ab2b7ba0bb5abb74": "height and width: after the pooling there is one more layer, "
    "the Conv2D with strides=2",
    "c0d37fcff28eb106cde23cea15875b2f": "height and width: take the layers in order; the first Conv2D comes "
    "before the pooling",
}

REPAIR = [L("Conv2D", filters=16, kernel_size=[5, 5], strides=[2, 2], activation="relu"),
          L("MaxPooling2D", activation=ANY),
          L("Conv2D", filters=32, kernel_size=[5, 5], strides=[1, 1], activation="relu"),
          L("GlobalMaxPooling2D", activation=ANY),
          L("Dense", units=10)]
KEEP = "Keep both Conv2D layers as they are (filters, kernel size, strides, activation); change padding or pooling."
REPAIR_HINTS = {"filters": KEEP, "kernel_size": KEEP, "strides": KEEP,
                "extra": "Keep the same five layers: change an argument, not the list of layers.",
                "missing": "Keep the same five layers: change an argument, not the list of layers.",
                "kind": "Keep the same five layers, in the same order."}

EXERCISES = [
    Exercise(
        "seq04_predict_shape",
        title="Predict an output shape",
        points=1,
        kind="literal",
        variable="predicted_shape",
        prepare=shape_with_batch,
        checks=[_image_batch_form, c.matches_digest(
            SALT_SHAPE, "fef7df9415bfa10a53bd0c3f3d6ba73a", known=KNOWN_SHAPES,
            what="height and width are not right yet",
            hint="Go layer by layer: 'valid' convolution out = (size - kernel) // strides + 1; "
                 "pooling out = size // pool_size.")],
        unrecordable="a tuple like (None, 40, 40, 32)",
    ),
    Exercise(
        "seq04_repair",
        title="Repair a model that fails to build",
        points=2,
        kind="model",
        variable="model",
        prepare=c.model_record(build_for=(32, 32, 3)),
        checks=[c.is_model(), c.built(), c.input_features((32, 32, 3)),
                c.layers_like(REPAIR, hints=REPAIR_HINTS), c.output_shape((None, 10))],
        unrecordable="a keras.Sequential model made of Keras' own layers",
    ),
]
