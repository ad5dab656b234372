"""Chapter B1 · The Functional API: introduction (``01_introduction.ipynb``).

- ``fn01_small_mlp``: a functional MLP to a target summary; the task states every layer, so the
  record's layers are compared one by one (units, activations), then shapes and the count.
- ``fn01_image_input``: the symbolic input for colour images; shape and dtype, the batch axis and
  the channels-last order named as such.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import L
from kitlib.exercises.core import CheckFailed, Exercise, expect
from kitlib.exercises.describe import is_symbolic, what_is

MLP = [L("Dense", units=16, activation="relu"), L("Dense", units=16, activation="relu"), L("Dense", units=3)]
MLP_HINTS = {"activation": "The task: two hidden Dense(16) layers with ReLU, then Dense(3) with no activation.",
             "units": "The task: two hidden Dense layers of 16 units, then an output Dense layer of 3 units.",
             "extra": "The task has three Dense layers: 16 (ReLU), 16 (ReLU), 3 (no activation).",
             "missing": "The task has three Dense layers: 16 (ReLU), 16 (ReLU), 3 (no activation)."}


def functional_form(record: dict) -> None:
    """The task asks for the functional API, not keras.Sequential."""
    expect(record["class"] != "Sequential", "your model is a keras.Sequential: the task asks for the functional API",
           hint="Start from inputs = keras.Input(shape=...), call each layer on the previous tensor, and wrap "
                "with keras.Model(inputs, outputs).")


def input_record(answer: Any) -> dict:
    """Prepare: what the symbolic input is (its shape and dtype)."""
    if not is_symbolic(answer):
        hint = "keras.Input(shape=...) returns the symbolic tensor: give that, not a layer or a model."
        raise CheckFailed("your answer should be the symbolic tensor keras.Input(...) returns", None,
                          what_is(answer), hint=hint)
    return {"shape": [None if d is None else int(d) for d in answer.shape], "dtype": str(answer.dtype)}


def colour_images(record: dict) -> None:
    shape, dtype = tuple(record["shape"]), record["dtype"]
    if len(shape) == 5 and shape[0] is None and shape[1] is None:
        raise CheckFailed("your input has two batch axes: shape= takes one image (height, width, channels); "
                          "Keras adds the batch axis (None) itself", got=shape,
                          hint="keras.Input(shape=(32, 32, 3)).")
    expect(len(shape) == 4, "a batch of colour images has 4 axes: (batch, height, width, channels)", got=shape,
           hint="Give keras.Input the shape of one image: (height, width, channels).")
    expect(shape[0] is None, "the batch axis should be None (any number of images): do not fix the batch size",
           got=shape[0], hint="Leave batch_size (and batch_shape) out: keras.Input(shape=(32, 32, 3)).")
    if shape[1:] == (3, 32, 32):
        raise CheckFailed("the channels come first in your shape: Keras puts them last, (height, width, channels)",
                          got=shape, hint="keras.Input(shape=(32, 32, 3)).")
    expect(shape[1:] == (32, 32, 3), "the shape of one image", (32, 32, 3), shape[1:],
           hint="32 pixels high, 32 wide, 3 colour channels: shape=(32, 32, 3).")
    expect(dtype == "float32", "the input's dtype", "float32", dtype,
           hint="Pixel values become floats: leave dtype out (keras.Input uses float32).")


EXERCISES = [
    Exercise(
        "fn01_small_mlp",
        title="A functional MLP to a target summary",
        points=2,
        kind="model",
        variable="small_mlp",
        prepare=c.model_record(),
        checks=[c.is_model(), functional_form, c.built(), c.input_features((32,)),
                c.layers_like(MLP, hints=MLP_HINTS), c.output_shape((None, 3)), c.param_count(total=851)],
        unrecordable="a keras.Model built from keras.Input and Keras' own Dense layers",
    ),
    Exercise(
        "fn01_image_input",
        title="An input for colour images",
        points=1,
        kind="value",
        variable="images",
        prepare=input_record,
        checks=[colour_images],
        unrecordable="the tensor keras.Input(shape=...) returns",
    ),
]
