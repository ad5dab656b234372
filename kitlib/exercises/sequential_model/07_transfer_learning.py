"""Chapter A7 · Transfer learning with a Sequential model (``07_transfer_learning.ipynb``).

Trainability is judged as Keras applies it (a layer inside a frozen model stays frozen whatever
its own flag says), and provenance by identity: ``seq07_new_head`` needs the *same* layer objects
as ``donor`` (given), so a clone, a copy with the same weights or new layers are named as such.
"""
from __future__ import annotations

from kitlib.exercises import checks as c
from kitlib.exercises.checks import L
from kitlib.exercises.core import Exercise, expect

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


DONOR_BODY = [L("Dense", units=32, activation="relu", given=f"donor.layers[{i}]", trainable=False) for i in range(3)]
NEW_HEAD = DONOR_BODY + [L("Dense", units=3, activation="softmax", trainable=True)]  # donor's own head has 10 units
NEW_HEAD_HINTS = {"extra": "The model is donor's three hidden layers and one new head: donor's last layer "
                           "(10 units) is not part of it.",
                  "missing": "The model is donor's three hidden layers (donor.layers[:-1]) and one new Dense head."}

EXERCISES = [
    Exercise(
        "seq07_freeze_all_but_last",
        title="Freeze all layers but the last",
        points=2,
        kind="model",
        variable="model",
        prepare=c.model_record(),
        checks=[c.is_model(), c.input_features((784,)), _not_whole_model_frozen,
                c.layers_like(MLP, hints=FREEZE_HINTS)],
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
        unrecordable="a keras.Sequential model made of donor's layers and Keras' own Dense layer",
    ),
]
