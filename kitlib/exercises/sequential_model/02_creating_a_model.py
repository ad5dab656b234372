"""Chapter A2 · Creating a Sequential model (``02_creating_a_model.ipynb``).

Both exercises are models, recorded as plain descriptions (:mod:`kitlib.exercises.describe`):
``add()`` or a list, ``keras.Input`` or ``input_shape``, an ``activation=`` argument or a separate
activation layer all give the same description; the checks compare it with the task's spec.
"""
from __future__ import annotations

from kitlib.exercises import checks as c
from kitlib.exercises.checks import L
from kitlib.exercises.core import Exercise

NEW_HEAD = [L("Dense", units=64, activation="relu"), L("Dense", units=64, activation="relu"),
            L("Dense", units=10, activation="softmax")]
NEW_HEAD_HINTS = {
    "extra": "Did you add() the new layer without pop()-ing the old one first? pop() removes the last layer.",
    "missing": "Call pop() once: each pop() removes one layer, and the two hidden layers stay.",
    "units": "The new last layer has one unit per digit: 10.",
}

NAMED = [L("Dense", units=32, activation="relu", name="hidden"), L("Dense", units=10, name="scores")]

EXERCISES = [
    Exercise(
        "seq02_new_head",
        title="Swap the last layer with pop() and add()",
        points=2,
        kind="model",
        variable="model",
        prepare=c.model_record(build_for=(784,)),
        checks=[c.is_model("Sequential"), c.built(), c.input_features((784,)), c.layers_like(NEW_HEAD,
                                                                                          hints=NEW_HEAD_HINTS)],
        unrecordable="a keras.Sequential model made of Keras' own layers",
    ),
    Exercise(
        "seq02_named_model",
        title="A model and layers with your names",
        points=1,
        kind="model",
        variable="model",
        prepare=c.model_record(),
        checks=[c.is_model("Sequential"), c.model_name("digit_classifier"), c.built(), c.input_features((784,)),
                c.layers_like(NAMED)],
        unrecordable="a keras.Sequential model made of Keras' own layers",
    ),
]
