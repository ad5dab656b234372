"""Chapter B1 · The Functional API: introduction (``01_introduction.ipynb``).

- ``fn01_small_mlp``: a functional MLP to a target summary; the task states every layer, so the
  record's layers are compared one by one (units, activations), then shapes and the count.
- ``fn01_image_input``: the symbolic input for colour images; shape and dtype, the batch axis and
  the channels-last order named as such.
- ``fn01_predict_params`` (predict): the parameters of each Dense layer of a 20 -> 32 -> 8 -> 1 model,
  worked out before running anything; salted digests per layer, a targeted message for a forgotten bias
  and for a layer's inputs taken from the wrong place.
- ``fn01_read_summary`` (read): three questions on the summary of ``mystery`` (the InputLayer row, the
  shape Dropout passes on, what ``None`` stands for); feedback per option, digests only.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import L
from kitlib.exercises.core import CheckFailed, Exercise, expect
from kitlib.exercises.functional_api._forms import each_matches
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


# --------------------------------------------------------------------------- predict the parameters

PARAMS_KNOWN = [
    {"27a2c6e98f301ff5532ae83f7a2df5ca": "layer 1: besides its kernel a Dense layer has a bias, one number per unit",
     "593ece28b1569e6b7231a99d1f6c7aa5": "layer 1 is the first Dense layer, Dense(32): keras.Input is not one of the "
     "three and has no parameters",
     "912a7f28ce4766cabe948e3db267e0cb": "layer 1: the kernel has one weight for every pair of an input and a unit: "
     "inputs x units, not inputs + units",
     "4fc13e1704eb449d302dc6dfc67f680f": "layer 1: the bias has one number per unit of the layer, not one per input"},
    {"4ec11dfdcab2693dbe2b38792d9f9f30": "layer 2: besides its kernel a Dense layer has a bias, one number per unit",
     "493ea3f73dfd3b6e718facfdf2a75c2c": "layer 2: the kernel has one weight for every pair of an input and a unit: "
     "inputs x units, not inputs + units",
     "bdc620a02acec005cbff2ccacc800ab2": "layer 2: the bias has one number per unit of the layer, not one per input",
     "98a185b4fe64b611ed8fa7c416a79bc5": "layer 2: its inputs are the outputs of layer 1, not the model's 20 input "
     "features"},
    {"01ab0c9a088a95ebf74686d862c3e0a6": "layer 3: besides its kernel a Dense layer has a bias, one number per unit",
     "dafdd7a697e34dc95161edfa666583dd": "layer 3: the bias has one number per unit of the layer, not one per input",
     "37ddf131b1e3d3a8e33966eeba839e8a": "layer 3: its inputs are the outputs of layer 2, the layer just before it",
     "36342ae7fbc58f262e44884b3b55f853": "layer 3: its inputs are the outputs of layer 2, not the model's 20 input "
     "features"},
]
PARAMS_HINT = "A Dense layer has inputs x units weights plus units biases; its inputs are the outputs of the layer " \
              "before it."
_PARAMS = each_matches("fn01_predict_params",
                       ["4787d9e0714486a61462fde35cac49a3", "559a0323ba37778b19e9bfdb91657cb0",
                        "6b195311805d45e1e3564bdd6152e918"], PARAMS_KNOWN,
                       [f"the parameters of layer {i}, Dense({u}), are not right yet" for i, u in ((1, 32), (2, 8), (3, 1))],
                       [PARAMS_HINT] * 3)

# --------------------------------------------------------------------------- read the summary

SUMMARY_KNOWN = [
    {"8663e82323d214c53c152c737d583939": "a functional model's layers include its InputLayer, the first "
     "row of the summary",
     "05efaf4883472bf8ada8d917c1250a62": "each row of the summary is one entry of mystery.layers; count "
     "the rows again"},
    {"252e127a063e14f4b77a9ab42de4a647": "Dropout reads the output of the 'hidden' layer, not the "
     "model's input",
     "fff296b8e459aafa05e22bb411e03f03": "Dropout comes before the 'scores' layer: it passes on the shape "
     "of its own input, the 'hidden' layer's output"},
    {"8e2aa56b2893dbf56afd074abcd67ef2": "an activation never shows in a shape; the None is an axis of "
     "the tensor",
     "a757887c20abf0006194b48f96fdea79": "Keras worked out every shape from keras.Input; this axis is "
     "left open on purpose"},
]
_SUMMARY = each_matches("fn01_read_summary",
                        ["89455434f1340ca78f990d273ed984c3", "69f390014266d6d0750ea8aebca07577",
                         "e9ec546f5c13d0789ce1def77eb7d6e3"], SUMMARY_KNOWN,
                        ["not right yet"] * 3,
                        ["Count the rows of mystery.summary(): each is one entry of mystery.layers.",
                         "Follow the graph: which layer's output does Dropout receive?",
                         "Which number does the model not know while it is being defined?"], letters=True)

EXERCISES = [
    Exercise(
        "fn01_small_mlp",
        title="A functional MLP to a target summary",
        points=2,
        kind="model",
        variable="small_mlp",
        prepare=c.model_record(),
        checks=[c.is_model(), functional_form, c.calls_layers_itself(), c.built(), c.input_features((32,)),
                c.layers_like(MLP, hints=MLP_HINTS), c.output_shape((None, 3)), c.param_count(total=851)],
        unrecordable="a keras.Model built from keras.Input and Keras' own Dense layers",
        activity="build",
        hints=("Look at the section 'Calling layers on tensors': the same steps, with other sizes.",
               "Start from keras.Input(shape=(32,)), call each Dense layer on the previous tensor, then "
               "keras.Model(inputs, outputs). Check your count: inputs x units + units per layer."),
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
        activity="build",
        hints=("Look at 'A symbolic input': shape= describes one sample, Keras adds the batch axis.",
               "One image is (height, width, channels) in Keras' channels-last order; the dtype float32 is "
               "keras.Input's default."),
    ),
    Exercise(
        "fn01_predict_params",
        title="Predict the parameters of each layer",
        points=1,
        kind="literal",
        variable="layer_params",
        prepare=c.numbers_answer(3, values="parameter counts, one per Dense layer", example="(100, 20, 3)"),
        checks=[_PARAMS],
        unrecordable="a tuple of 3 whole numbers, e.g. (100, 20, 3)",
        activity="predict",
        hints=("The table under mnist_model.summary() works the same arithmetic out for the guide's model.",
               "Per Dense layer: (number of inputs) x units for the kernel, plus units for the bias. A layer's "
               "inputs are the outputs of the layer before it (the first layer's: the 20 input features)."),
    ),
    Exercise(
        "fn01_read_summary",
        title="Read a functional model's summary",
        points=1,
        kind="literal",
        variable="summary_answers",
        prepare=c.letters_answer("abc", 3, example="('c', 'a', 'a')", written=False),
        checks=[_SUMMARY],
        unrecordable="a tuple of 3 letters, e.g. ('c', 'a', 'a')",
        activity="read",
        hints=("Everything is in the summary and the graph printed above the questions: rows, output shapes, "
               "parameter counts.",
               "Count every row, the InputLayer's too. Dropout zeroes some values during training: does that change "
               "a shape? And which number can a model not know while you define it?"),
    ),
]
