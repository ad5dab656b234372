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
- ``fn04_predict_params`` (predict): the parameters of Conv2DTranspose, UpSampling2D, Conv2DTranspose on
  an 8-channel map; digests per layer, targeted messages for the input channels and the bias forgotten.
- ``fn04_read_shared`` (read): three questions on what two models cut from one graph share (training,
  the parameters of the decoder half, layer identity); feedback per option, digests only.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import ANY, L
from kitlib.exercises.core import CheckFailed, Exercise, expect
from kitlib.exercises.describe import describe_model, is_keras_model, plain_shape, what_is
from kitlib.exercises.functional_api._forms import each_matches

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


# --------------------------------------------------------------------------- predict the parameters

CONVT_HINT = "A Conv2DTranspose(f, k) has k x k x (input channels) x f kernel weights plus f biases, like a Conv2D."
_CONVT_PARAMS = each_matches(
    "fn04_predict_params",
    ["282094f9dd17d17e7ee659437005dee3", "8c000c8548f56849e6759e9e5a3ab921", "602225bea42badc3ee086c77bb248648"],
    [{"4379634c442cce3616aa67bae40c1737": "layer 1: the kernel is 3 x 3, whatever the size of the map it slides "
      "over",
      "a529fa1795ff32faf81302f4e6c4f115": "layer 1: each of the 16 filters spans all 8 input channels, so the "
      "kernel has 3 x 3 x 8 weights per filter",
      "0324a19608c3f5b726bcf0974a8e1615": "layer 1: besides its kernel a Conv2DTranspose has a bias, one number per "
      "filter",
      "edc36069069eec901eb9ffd73e74b716": "layer 1: the bias has one number per filter (output channel), not per "
      "input channel"},
     {"9cfd7a686b49a7725f7dbc549f0a22c3": "layer 2: UpSampling2D(2) has no kernel: it only repeats rows and "
      "columns, with nothing to learn",
      "f66e0859e48bfa12dfb8dcf1a2c610f1": "layer 2: UpSampling2D only repeats rows and columns: it has nothing to "
      "learn",
      "ee070977c3cf4c36a2b159181af2a7e0": "layer 2: UpSampling2D only repeats rows and columns: it has nothing to "
      "learn"},
     {"77a84944b7caf081c7a6eb324e7cb6da": "layer 3 reads what UpSampling2D passes on: the 16 channels layer 1 made, "
      "not the 8 channels the stack starts with",
      "517854968cd162075dd3c54da30447ee": "layer 3: besides its kernel a Conv2DTranspose has a bias, one number per "
      "filter",
      "df1ab6e9c90617355e2d7ae8fd58e341": "layer 3: its filter spans every channel of its input, the 16 channels "
      "layer 1 made (UpSampling2D keeps them)",
      "f55271e8f4a304ef14a9532cbb633ea5": "layer 3: its kernel is 3 x 3 per input channel, not one weight per "
      "input channel"}],
    [f"the parameters of layer {i} are not right yet" for i in (1, 2, 3)],
    [CONVT_HINT, "UpSampling2D(2) repeats every row and column twice: does it have a kernel or a bias to learn?",
     CONVT_HINT])

# --------------------------------------------------------------------------- read what is shared

_SHARED = each_matches(
    "fn04_read_shared",
    ["dee590fe9993406799856da687500dee", "354fb597f24f92fb8b2ae0bb3996bca4", "e106b99d8e2eee1ed701bee5a62b4a25"],
    [{"2324e9b655b36f4f2ac894386d916710": "the autoencoder's first layers are the encoder's own layer "
      "objects, with their weights",
      "0b5598154fc53b8bf25171ac7d4d0ad2": "compiling belongs to the model that is trained; the layers it "
      "trains are shared whatever the other model's state"},
     {"4af1e5a9badaeaf6715f7f37a59d7fc7": "28,241 is all of the autoencoder, encoder layers included",
      "5af99174cddc3b576c1dfa8405147d1d": "18,672 are the encoder's parameters, the ones both models "
      "share"},
     {"82660d27806e8bb918515efaaf3919d4": "the decoder was added to the same graph: no layer was copied",
      "0dfda4bd4dd081eb36dfd2830e9d0135": "no layer was created twice: the autoencoder was cut from the "
      "graph the encoder's layers are in"}],
    ["not right yet"] * 3,
    ["Look at the cell that compares the two models' layers.",
     "Compare the two summaries' totals.",
     "Look at the 'same weight variable in both models' line."], letters=True)

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
                _about("the encoder", [c.calls_layers_itself(what="the encoder")]),
                _about("the autoencoder", [c.calls_layers_itself(what="the autoencoder", allowed=("encoder_s",))]),
                _about("the encoder", [c.param_count(total=372)]),
                _about("the autoencoder", [c.param_count(total=741)])],
        unrecordable="a pair of keras.Model objects built from one keras.Input and Keras' own layers",
        activity="build",
        hints=("Look at 'The decoder half': the autoencoder continues from encoder_output, and both models start "
               "at encoder_input.",
               "Make one keras.Input and one chain of layer calls; keras.Model(input, code) and "
               "keras.Model(input, decoded) then share every layer up to the code."),
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
        activity="predict",
        hints=("The explanation before the decoder cell says what Conv2DTranspose and UpSampling2D do to a side.",
               "With padding='valid' (the default) Conv2DTranspose(f, k) adds k - 1 to height and width and "
               "outputs f channels; UpSampling2D multiplies height and width by its factors, channels unchanged."),
    ),
    Exercise(
        "fn04_predict_params",
        title="Predict the parameters of a decoder stack",
        points=1,
        kind="literal",
        variable="decoder_params",
        prepare=c.numbers_answer(3, values="parameter counts, one per layer", example="(100, 20, 3)"),
        checks=[_CONVT_PARAMS],
        unrecordable="a tuple of 3 whole numbers, e.g. (100, 20, 3)",
        activity="predict",
        hints=("The summaries of encoder and autoencoder list Conv2D and Conv2DTranspose layers with their "
               "parameter counts: check your rule on one of them first.",
               "A transposed convolution has the same weights as a convolution: k x k x (input channels) x filters, "
               "plus one bias per filter. A layer that only repeats values has none."),
    ),
    Exercise(
        "fn04_read_shared",
        title="Read what two models on one graph share",
        points=1,
        kind="literal",
        variable="shared_answers",
        prepare=c.letters_answer("abc", 3, example="('c', 'a', 'a')", written=False),
        checks=[_SHARED],
        unrecordable="a tuple of 3 letters, e.g. ('c', 'a', 'a')",
        activity="read",
        hints=("Everything is in the outputs of 'Two models, one set of layers' and the two summaries above it.",
               "A model is a view on a graph of layer objects: two views that contain the same objects contain "
               "the same weights."),
    ),
]
