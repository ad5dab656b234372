"""Chapter B4 · Use the same graph of layers to define multiple models (``04_same_graph_multiple_models.ipynb``).

- ``fn04_two_models``: an encoder and an autoencoder cut from one graph. Each model's layers are
  compared with the task (class, config, activation); the autoencoder must start from the encoder's
  own ``keras.Input`` and contain the encoder's own layer objects (judged by identity, so new layers
  with the same configuration are named as such). An autoencoder that calls the encoder model on the
  same input shares its layers too and passes.
- ``fn04_decoder_shapes``: four predicted shapes. The form (4 shapes, 4 axes, batch None) and the channels
  (set by the filters the task gives) are judged openly; height and width only through a salted digest
  per layer, with the typical slips (``same`` padding, shrinking instead of growing, swapped factors)
  named for the first layer that is off, never the size itself.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import ANY, L
from kitlib.exercises.core import CheckFailed, Exercise, expect
from kitlib.exercises.describe import describe_model, is_keras_model, plain_shape, what_is

ENCODER = [L("Conv2D", filters=8, kernel_size=3, padding="valid", activation="relu"),
           L("MaxPooling2D", pool_size=2, activation=ANY),
           L("Conv2D", filters=4, kernel_size=3, padding="valid", activation="relu")]
AUTOENCODER = ENCODER + [L("Conv2DTranspose", filters=8, kernel_size=3, padding="valid", activation="relu"),
                         L("UpSampling2D", size=[2, 2], activation=ANY),
                         L("Conv2DTranspose", filters=1, kernel_size=3, padding="valid", activation="relu")]
HINTS = {"padding": "The task's layers keep Keras' default padding=\"valid\": the sizes in the task depend on it.",
         "activation": "Every Conv2D and Conv2DTranspose of the task has activation=\"relu\".",
         "extra": "The task lists every layer: Conv2D(8, 3), MaxPooling2D(2), Conv2D(4, 3) for the encoder, then "
                  "Conv2DTranspose(8, 3), UpSampling2D(2), Conv2DTranspose(1, 3) for the autoencoder.",
         "missing": "The task lists every layer: Conv2D(8, 3), MaxPooling2D(2), Conv2D(4, 3) for the encoder, then "
                    "Conv2DTranspose(8, 3), UpSampling2D(2), Conv2DTranspose(1, 3) for the autoencoder."}


def pair_record(pair: Any) -> dict:
    """Prepare: both models described; the autoencoder's layers labelled when they are the encoder's own."""
    ok = isinstance(pair, (tuple, list)) and len(pair) == 2 and all(is_keras_model(m) for m in pair)
    if not ok:
        raise CheckFailed("your answer should be a pair of models (encoder_s, autoencoder_s)", None, what_is(pair),
                          hint="A tuple of two keras.Model objects: the encoder first, then the autoencoder.")
    encoder, autoencoder = pair
    return {"encoder": describe_model(encoder, {}, what="the encoder"),
            "autoencoder": describe_model(autoencoder, {"encoder_s": encoder}, what="the autoencoder"),
            "same_input": any(t is encoder.inputs[0] for t in autoencoder.inputs) if encoder.inputs else False}


def _about(label: str, checks: list):
    """Run ``checks`` on ``record[key]`` and say which model a problem is about."""
    key = label.split()[-1]

    def check(record: dict) -> None:
        for one in checks:
            try:
                one(record[key])
            except CheckFailed as failure:
                raise CheckFailed(f"{label}: {failure.what}", failure.expected, failure.got, failure.hint) from None

    check.__name__ = f"about_{key}"
    return check


def in_order(record: dict) -> None:
    if record["encoder"]["outputs"] == [[None, 28, 28, 1]] and record["autoencoder"]["outputs"] == [[None, 11, 11, 4]]:
        raise CheckFailed("your pair is (autoencoder, encoder): the task asks for (encoder_s, autoencoder_s)",
                          hint="Put the encoder first: pair = (encoder_s, autoencoder_s).")


def same_input(record: dict) -> None:
    expect(record["same_input"], "both models should start from the same keras.Input: the autoencoder has an "
           "input of its own", hint="Build both with keras.Model(small_in, ...) on the one small_in tensor.")


def shares_encoder_layers(record: dict) -> None:
    ops = record["autoencoder"]["ops"][:len(record["encoder"]["ops"])]
    if all(str(op.get("given") or "").startswith("encoder_s.") for op in ops):
        return
    raise CheckFailed("the autoencoder does not re-use the encoder's layers: its first layers are new layer objects "
                      "(with their own weights), so the two models share nothing",
                      hint="Continue from the encoder's output tensor (or call the encoder model): do not create "
                           "new Conv2D / MaxPooling2D layers for the autoencoder.")


# --------------------------------------------------------------------------- predicted shapes

CHANNELS = [8, 8, 4, 4]   # the filters the task gives; UpSampling2D keeps the channels
LAYERS = ["Conv2DTranspose(8, 3)", "UpSampling2D(2)", "Conv2DTranspose(4, 5)", "UpSampling2D((2, 3))"]
RIGHT = ["cffe5e148cff58207e67551d1f8ce6c3", "f4bb5aafb9ef90934e05caa260e97ca6", "1eaef95c75d6234a65ee0bed6aa314a6",
         "d2a4e10814264933f2595469bb55e8ce"]
KNOWN = [
    {"9aa074547316500ac98d14ae6ad0ff23": "height and width after layer 1: Conv2DTranspose uses padding='valid' here, "
     "which grows each side by kernel_size - 1",
     "e5f70c073a1a98ff64b1880df1fbcaf8": "height and width after layer 1: Conv2DTranspose grows the map (it mirrors a "
     "'valid' convolution): add kernel_size - 1, do not subtract it",
     "1f687e61b4be6b40430bf4ef41636505": "height and width after layer 1: a 'valid' Conv2DTranspose adds "
     "kernel_size - 1, not kernel_size"},
    {"658c2d165d8ff9a08e4ffca15e7244c8": "height and width after layer 2: UpSampling2D(2) repeats every row and "
     "every column twice",
     "1bd3f497952a988f2765d9ae1491a4d2": "height and width after layer 2: UpSampling2D multiplies, it does not add"},
    {"10ac1e49583d453feb2b856ab80b8dc8": "height and width after layer 3: Conv2DTranspose uses padding='valid' here, "
     "which grows each side by kernel_size - 1",
     "5446f49dbe60eec93476aba33f619889": "height and width after layer 3: Conv2DTranspose grows the map: add "
     "kernel_size - 1, do not subtract it",
     "5924ef97189360ea1726c1f9ebad1c97": "height and width after layer 3: this Conv2DTranspose has a kernel of 5",
     "9bff1a7a411bbfdaadb7aa145efa83dc": "height and width after layer 3: a 'valid' Conv2DTranspose adds "
     "kernel_size - 1, not kernel_size"},
    {"3b318cbe53c652b04ec5b8c39f873ccc": "height and width after layer 4: UpSampling2D((2, 3)) multiplies the height "
     "by 2 and the width by 3 (height comes first)",
     "2821d57fdbdb14b3ffe9b28ae8923200": "height and width after layer 4: UpSampling2D((2, 3)) uses two factors: "
     "height x2, width x3",
     "7fe7aec999266af88bc9f281298d9c63": "height and width after layer 4: UpSampling2D((2, 3)) uses two factors: "
     "height x2, width x3",
     "d4b99625f456d803e76e3024c3b857d4": "height and width after layer 4: UpSampling2D multiplies, it does not add"},
]


def shapes_record(answer: Any) -> list:
    """Prepare: the answer as a list of shapes (tuples of ints and None)."""
    if not isinstance(answer, (list, tuple)) or not all(isinstance(s, (list, tuple)) or hasattr(s, "as_list")
                                                         for s in answer):
        raise CheckFailed("your answer should be a list of shapes", None, what_is(answer),
                          hint="One shape per layer, e.g. [(None, 7, 7, 8), ...].")
    return [list(plain_shape(s, f"shape {i + 1}", "(None, 7, 7, 8)")) for i, s in enumerate(answer)]


def shapes_form(record: list) -> None:
    expect(len(record) == 4, "the number of shapes: one shape per layer, and the stack has 4 layers", 4, len(record))
    for i, shape in enumerate(record, start=1):
        if len(shape) == 3:
            raise CheckFailed(f"shape {i} has 3 axes: include the batch axis (None) first", got=tuple(shape),
                              hint="An image batch has 4 axes: (batch, height, width, channels).")
        expect(len(shape) == 4, f"shape {i} should have 4 axes: (batch, height, width, channels)", got=tuple(shape))
        expect(shape[0] is None, f"the batch axis of shape {i} should be None", got=shape[0],
               hint="The batch size is not known when the model is defined.")
        expect(shape[1] is not None and shape[2] is not None, f"height and width of shape {i} are whole numbers",
               got=tuple(shape))
    for i, (shape, channels) in enumerate(zip(record, CHANNELS), start=1):
        expect(shape[3] == channels, f"the channels after layer {i}, {LAYERS[i - 1]}", channels, shape[3],
               hint="A Conv2DTranspose outputs one channel per filter; UpSampling2D keeps the channels.")


def _per_layer():
    return [c.matches_digest(f"fn04_decoder_shapes:{i}", RIGHT[i], known=KNOWN[i],
                             what=f"height and width after layer {i + 1}, {LAYERS[i]}, are not right yet",
                             hint="Conv2DTranspose(f, k) with padding='valid' adds k - 1 to height and width; "
                                  "UpSampling2D multiplies them by its factors.") for i in range(4)]


_LAYER_CHECKS = _per_layer()


def sizes_by_layer(record: list) -> None:
    for check, shape in zip(_LAYER_CHECKS, record):
        check(shape)


EXERCISES = [
    Exercise(
        "fn04_two_models",
        title="Two models from one graph of layers",
        points=2,
        kind="model",
        variable="pair",
        prepare=pair_record,
        checks=[in_order,
                _about("the encoder", [c.is_model(what="the encoder"), c.built(), c.input_features((28, 28, 1)),
                                       c.layers_like(ENCODER, hints=HINTS), c.output_shape((None, 11, 11, 4))]),
                same_input,
                _about("the autoencoder", [c.is_model(what="the autoencoder"), c.layers_like(AUTOENCODER, hints=HINTS),
                                           c.output_shape((None, 28, 28, 1))]),
                shares_encoder_layers,
                _about("the encoder", [c.param_count(total=372)]),
                _about("the autoencoder", [c.param_count(total=741)])],
        unrecordable="a pair of keras.Model objects built from one keras.Input and Keras' own layers",
    ),
    Exercise(
        "fn04_decoder_shapes",
        title="Predict the shapes of an upsampling stack",
        points=1,
        kind="literal",
        variable="shapes",
        prepare=shapes_record,
        checks=[shapes_form, sizes_by_layer],
        unrecordable="a list of 4 shape tuples like (None, 7, 7, 8)",
    ),
]
