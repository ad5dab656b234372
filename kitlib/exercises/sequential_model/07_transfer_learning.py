"""Chapter A7 · Transfer learning with a Sequential model (``07_transfer_learning.ipynb``).

Trainability is judged as Keras applies it (a layer inside a frozen model stays frozen whatever
its own flag says), and provenance by identity: ``seq07_new_head`` needs the *same* layer objects
as ``donor`` (given), so a clone, a copy with the same weights or new layers are named as such.

- ``seq07_predict_trainable``: predict the trainable and non-trainable parameters after freezing two
  layers by index (two numbers; their sum, the model's 27,562 shown in the notebook, is checked
  openly, the rest through a salted digest).
- ``seq07_read_frozen``: read a summary's trainable / non-trainable totals and per-layer counts to
  tell which layers are frozen (a set of letters through a digest, a message per option).
"""
from __future__ import annotations

from kitlib.exercises import checks as c
from kitlib.exercises.checks import L
from kitlib.exercises.core import CheckFailed, Exercise, digest, expect

MLP = [L("Dense", units=32, activation="relu", trainable=False), L("Dense", units=32, activation="relu",
                                                                    trainable=False),
       L("Dense", units=32, activation="relu", trainable=False), L("Dense", units=10, trainable=True)]
FREEZE_HINTS = {"trainable": "Freeze each layer but the last: for layer in model.layers[:-1]: layer.trainable = False.",
                "extra": "Use make_mlp() as it is: the exercise is about freezing only.",
                "missing": "Use make_mlp() as it is: the exercise is about freezing only."}


def _not_whole_model_frozen(record: dict) -> None:
    expect(record["params"]["trainable"] > 0 or not record["ops"], "every layer is frozen: nothing would learn",
           hint="model.trainable = False freezes the whole model, and a layer inside a frozen model stays frozen "
                "whatever its own flag says. Freeze the layers one by one instead, all but the last.")


NOTEBOOK_MLPS = ("demo", "check", "source", "donor")  # the notebook's own make_mlp() models, used above


def _fresh_mlp(record: dict) -> None:
    """A model of the notebook's (trained, or frozen above) is not the fresh make_mlp() the task asks for."""
    expect(record.get("given") not in NOTEBOOK_MLPS, f"`model` is `{record.get('given')}`, a model the notebook "
           "already used above, but the task asks for a fresh one", hint="Start with model = make_mlp(), then "
                                                                       "freeze its layers.")


DONOR_BODY = [L("Dense", units=32, activation="relu", given=f"donor.layers[{i}]", trainable=False) for i in range(3)]
NEW_HEAD = DONOR_BODY + [L("Dense", units=3, activation="softmax", trainable=True)]  # donor's own head has 10 units
NEW_HEAD_HINTS = {"extra": "The model is donor's three hidden layers and one new head: donor's last layer "
                           "(10 units) is not part of it.",
                  "missing": "The model is donor's three hidden layers (donor.layers[:-1]) and one new Dense head."}

SALT_TRAINABLE = "seq07_predict_trainable"
MLP_PARAMS = 27_562  # make_mlp()'s parameters, shown and asserted in the notebook
KNOWN_TRAINABLE = {
    "3c18739b7ad5b190d9b7a3328102af93": "the two numbers belong to the other layers: the frozen ones are "
    "model.layers[0] and model.layers[2] (counted from 0: the first and the third Dense layer), and the trainable "
    "number comes first",
    "0854e74436ee871b66b276f813266654": "the numbers: only layers[0] and layers[2] are frozen; the second Dense "
    "layer, layers[1], still learns",
    "4a1aa44e327b9778a95ef52bd53b0d5f": "the numbers count the kernels only: every unit has a bias too, and a frozen "
    "layer's bias is frozen with it",
    "6b43318a5e841fc422719b16cc9877a9": "the numbers: a layer with trainable = False keeps its parameters in the "
    "count, but as non-trainable ones",
}


def _known_trainable(record) -> None:
    """A typical wrong pair first: its message says more than 'they do not add up'."""
    message = KNOWN_TRAINABLE.get(digest(record, SALT_TRAINABLE))
    if message:
        raise CheckFailed(message)


def _adds_up(record) -> None:
    expect(sum(record) == MLP_PARAMS, f"the two numbers should add up to all of make_mlp()'s parameters, "
           f"{MLP_PARAMS:,}: freezing moves parameters from one count to the other", got=f"{sum(record):,}",
           hint="Every parameter is either trainable or not.")


SALT_FROZEN = "seq07_read_frozen"
_OPTION = "letter {}: "
KNOWN_FROZEN = {
    "12a2c27c20b0142511af979e2202ee10": "these are the layers that still learn: their parameters add up to the "
    "Trainable params line; the question asks for the frozen ones",
    "d2c7ffaa81bf522b230e5f10f0b263bf": _OPTION.format("b") + "without layer b the frozen layers' parameters do "
    "not reach the Non-trainable params total",
    "cccf6570839111da2769c66bfbb4582e": _OPTION.format("c") + "without layer c the frozen layers' parameters do "
    "not reach the Non-trainable params total",
    "9165aa121181ecf22aa97ac142879c80": _OPTION.format("e") + "without layer e the frozen layers' parameters do "
    "not reach the Non-trainable params total",
    "6251e0ce77a90d58488456f66ba16df1": _OPTION.format("a") + "with layer a the frozen layers have more parameters "
    "than the Non-trainable params total",
    "e69f9762ca65b9d13d33d00043a2ceb1": _OPTION.format("d") + "with layer d the frozen layers have more parameters "
    "than the Non-trainable params total",
}

EXERCISES = [
    Exercise(
        "seq07_predict_trainable",
        title="Predict what freezing two layers leaves to train",
        points=1,
        kind="literal",
        variable="param_split",
        activity="predict",
        prepare=c.whole_numbers(2, example="(10, 20)", names=("the trainable parameters",
                                                               "the non-trainable parameters")),
        checks=[_known_trainable, _adds_up, c.matches_digest(
            SALT_TRAINABLE, "b53e0f48f4c235cddb95b0825d2cfa84", what="not the right numbers yet",
            hint="Count each Dense layer's parameters, then sort them into frozen and learning layers.")],
        hints=("Look at the first cell: the demo prints the trainable count after freezing one layer.",
               "Each Dense layer of make_mlp() has inputs * units + units parameters; model.layers[0] is the first "
               "Dense layer (the input is not in model.layers). Frozen layers' parameters are non-trainable, the "
               "others trainable."),
        unrecordable="two whole numbers, e.g. (10, 20)",
    ),
    Exercise(
        "seq07_read_frozen",
        title="Tell the frozen layers from a summary",
        points=1,
        kind="literal",
        variable="frozen_layers",
        activity="read",
        prepare=c.letter_choices("abcde"),
        checks=[c.matches_digest(SALT_FROZEN, "6920b0e7f659ce3c1ac1fbcfe92890d6", known=KNOWN_FROZEN,
                                 what="not the right set of letters yet",
                                 hint="Find the layers whose Param # add up to the Non-trainable params total.")],
        hints=("The summary's last lines split the total into Trainable and Non-trainable params.",
               "A frozen layer's parameters all count as non-trainable: find the layers whose Param # add up to "
               "the Non-trainable total (only one choice of layers does)."),
        unrecordable="a set of letters, e.g. {'a', 'd'}",
    ),
    Exercise(
        "seq07_freeze_all_but_last",
        title="Freeze all layers but the last",
        points=2,
        kind="model",
        variable="model",
        optional_given=NOTEBOOK_MLPS,
        prepare=c.model_record(),
        checks=[c.is_model(), _fresh_mlp, c.input_features((784,)), _not_whole_model_frozen,
                c.layers_like(MLP, hints=FREEZE_HINTS)],
        activity="build",
        hints=("Look at the first cells: the demo freezes one layer, then the whole model, and prints the counts.",
               "Each layer has its own trainable flag: set it on every layer of model.layers except the last. "
               "Setting the model's own flag would freeze every layer, the last one too, whatever its flag says."),
        unrecordable="the model from make_mlp()",
    ),
    Exercise(
        "seq07_new_head",
        title="Reuse a trained body with a new head",
        points=2,
        kind="model",
        variable="transfer_model",
        given=("donor",),
        prepare=c.model_record(build_for=(784,)),
        checks=[c.is_model("Sequential"), c.built(), c.input_features((784,)),
                c.layers_like(NEW_HEAD, hints=NEW_HEAD_HINTS)],
        activity="build",
        hints=("Look at 'A pretrained base with a new head': the same recipe, with donor's layers as the base.",
               "donor.layers[:-1] are its three hidden layers (the same objects, with their trained weights): "
               "freeze them, and put them between a keras.Input and a new Dense layer for 3 classes."),
        unrecordable="a keras.Sequential model made of donor's layers and Keras' own Dense layer",
    ),
]
