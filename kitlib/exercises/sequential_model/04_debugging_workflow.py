"""Chapter A4 · A common debugging workflow: add() + summary() (``04_debugging_workflow.ipynb``).

- ``seq04_predict_shape``: predict an output shape. The check knows what the task text shows
  (an image batch has 4 axes, the batch axis is None, the last layer is ``Conv2D(32, ...)`` on a
  square input with square kernels) and compares the rest through a salted digest; typical
  wrong sizes get a message about the step that was missed, never the size itself.
- ``seq04_repair``: repair ``make_broken()`` by changing padding or pooling only.
- ``seq04_unstick``: repair ``stuck`` (given), a model left with the layer of a failed ``add()``
  inside: judged on the same model object (the task repairs it, it does not start again), with its own
  first ``Conv2D`` (the layer object ``stuck`` started with before the answer cell: a new ``Conv2D`` of the
  same settings is not it), its layers and its output shape.
- ``seq04_read_summary``: statements about a summary in which a Dense layer sits on feature maps
  (a set of letters through a digest; one message for each option missed or chosen too many).
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
    expect(shape[3] == LAST_FILTERS or LAST_FILTERS not in shape[1:3], "the axes are in another order: Keras puts "
           "the channels last, (batch, height, width, channels)", got=shape)
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

UNSTICK = [L("Conv2D", filters=16, kernel_size=[3, 3], strides=[1, 1], padding="valid", activation="relu",
             trainable=True), L("GlobalMaxPooling2D", activation=ANY), L("Dense", units=10, trainable=True)]
UNSTICK_HINTS = {
    "extra": "Every add() that failed left its layer in stuck: pop() each of them before adding anything.",
    "missing": "Keep stuck's first Conv2D, then add a GlobalMaxPooling2D and a Dense layer of 10 units.",
    "kind": "After stuck's first Conv2D come a GlobalMaxPooling2D and a Dense layer of 10 units.",
}


def _repairs_stuck(record: dict) -> None:
    expect(record.get("given") == "stuck", "`model` is not `stuck`: the task is to repair the model `stuck` "
           "itself (the same object, with its first Conv2D), not to build another one",
           hint="Work on stuck: stuck.pop() removes the layer that failed, then stuck.add(...); then model = stuck.")


SALT_READ = "seq04_read_summary"
_LETTER = "letter {}: "
KNOWN_READ = {
    "0585f207a9fa54c90f8e161793f33909": _LETTER.format("a") + "the output shape is (None, 5, 5, 10): ten numbers for "
    "each of the 5x5 positions, not ten scores per image",
    "b37ef264581e2547baee897da6f56c6f": _LETTER.format("b") + "look at the Dense layer's output shape: it still has "
    "the 5x5 grid, so the layer ran at every position, with the same kernel",
    "835e1ce9c883eb69b5df1adf468b3fc5": _LETTER.format("c") + "the summary was printed, so the model was built: "
    "a Dense layer on feature maps raises no error in Keras 3",
    "dda10b142e8548ba19e9230961bc9ae4": _LETTER.format("d") + "170 = 16 * 10 + 10: the Dense kernel has one row per "
    "channel, so it sees the 16 channels of one position at a time",
    "f7cc461cb012156d5fa5d1d07757530e": _LETTER.format("e") + "a global pooling layer (or Flatten) turns the feature "
    "maps into one vector per image, and the Dense layer on it gives (None, 10)",
    "526097ab1cfb411dba07565a347d1210": _LETTER.format("f") + "a pooling layer has no weights at all: Param # 0",
}
# Per option (course side: option_digests of the answer): whether the statement is true.
OPTIONS_READ = {"a": "a73a73a0bc00c94551c36ed542708394", "b": "2d55ff76e9ee255e2840958f48f0a3e4",
                "c": "84a716dad86516c0a3a7eb791b592dc8", "d": "9927ad5bc4c4cffca869fc91fe218ef3",
                "e": "e7e27fd23c215cc7cc4ebe66727162d8", "f": "cceec2d12e3c83e3fc1840aa48c37ba9"}
READ_FEEDBACK = {
    "a": "the output shape is (None, 5, 5, 10): ten numbers for each of the 5x5 positions, not ten scores per image",
    "b": "the Dense layer's output shape still has the 5x5 grid: the layer ran at every position, with the same "
         "kernel",
    "c": "the summary was printed, so the model was built: a Dense layer on feature maps raises no error in Keras 3",
    "d": "170 = 16 * 10 + 10: the Dense kernel has one row per channel, so it sees the 16 channels of one position "
         "at a time",
    "e": "a global pooling layer (or Flatten) turns the feature maps into one vector per image, and the Dense layer "
         "on it gives (None, 10)",
    "f": "a pooling layer has no weights at all: Param # 0",
}

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
        activity="predict",
        hints=("Use the helpers conv_out and pool_out above (or a pencil), one layer at a time.",
               "A 'valid' Conv2D gives (size - kernel) // strides + 1, a pooling layer size // pool; the channels "
               "are the last Conv2D's filters and the batch axis stays None."),
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
        activity="debug",
        hints=("Grow make_broken()'s layers one at a time (add() + summary(), or the SequentialDebugger) and "
               "look at the size before the second Conv2D.",
               "The second Conv2D's 5x5 kernel does not fit the feature maps left after the pooling: "
               "padding='same' keeps the size, and a smaller pool shrinks less. Change one of those, not the "
               "Conv2D layers' filters, kernels or strides."),
        unrecordable="a keras.Sequential model made of Keras' own layers",
    ),
    Exercise(
        "seq04_unstick",
        title="Unstick a model after a failed add()",
        points=2,
        kind="model",
        variable="model",
        given=("stuck",),
        keep_given=("stuck:first_layer",),
        activity="debug",
        prepare=c.model_record(),
        checks=[c.is_model("Sequential"), _repairs_stuck, c.layers_like(UNSTICK, hints=UNSTICK_HINTS),
                c.output_shape((None, 10))],
        hints=("Print [type(layer).__name__ for layer in stuck.layers]: which layers are in it now?",
               "In Keras 3 a failed add() leaves its layer in the model, and every later add() fails the same way "
               "(and leaves its layer too). pop() removes the last layer: pop until only the first Conv2D is "
               "left, then add() works again. If your own tries failed, re-run the cell that makes stuck first."),
        unrecordable="the model stuck, repaired with pop() and add()",
    ),
    Exercise(
        "seq04_read_summary",
        title="Read a summary with a Dense layer on feature maps",
        points=1,
        kind="literal",
        variable="true_statements",
        activity="read",
        prepare=c.letters_answer("abcdef", at_least_one=True),
        checks=[c.options_by_digest(SALT_READ, OPTIONS_READ, READ_FEEDBACK, known=KNOWN_READ,
                                 what="not the right set of letters yet",
                                 hint="Check each statement against one column of the summary.")],
        hints=("Read the Output Shape column row by row, then the Param # column.",
               "A Dense layer works on the last axis only: on feature maps it runs at every position with one "
               "kernel of (channels, units). Pooling layers have no weights; a global pooling or Flatten makes "
               "one vector per image."),
        unrecordable="a set of letters, e.g. {'a', 'd'}",
    ),
]
