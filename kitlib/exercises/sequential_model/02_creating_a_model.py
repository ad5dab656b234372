"""Chapter A2 · Creating a Sequential model (``02_creating_a_model.ipynb``).

- ``seq02_predict_pop``: predict the units left after a series of ``add()`` and ``pop()`` calls (a
  list of numbers through a salted digest; ignoring a ``pop()`` or popping the first layer get
  their own messages).
- ``seq02_read_summary``: read a summary without an input row: the input features and one layer's
  kernel size follow from the parameter counts (two numbers through a digest).

The two model exercises are models, recorded as plain descriptions (:mod:`kitlib.exercises.describe`):
``add()`` or a list, ``keras.Input`` or ``input_shape``, an ``activation=`` argument or a separate
activation layer all give the same description; the checks compare it with the task's spec.
"""
from __future__ import annotations

from kitlib.exercises import checks as c
from kitlib.exercises.checks import L
from kitlib.exercises.core import Exercise

SALT_POP = "seq02_predict_pop"
KNOWN_POP = {
    "aac7adc17eada848909fd7a232ead774": "these are the units of every layer ever added: each pop() takes the last "
    "layer out again, so the number of layers left is smaller",
    "33d256d6bcbedee0ba62614818810ba2": "the second pop() is missing from your list: it removed the layer added just "
    "before it",
    "c8cc3e8324cba9a816257a08979503d2": "the first pop() is missing from your list: it removed the layer added just "
    "before it",
    "1c7524048d0d120d799a0d791966b97d": "both pop() calls are missing from your list, and so is the last add()",
    "e7bd78e9f130f661fab0a904932912c1": "pop() removes the last layer of the model, not the first one: the numbers "
    "you kept are the wrong layers",
    "e48ee161335cad0b5c4bf8267e55636c": "one number of layers too few: the model gets one more add() after the last "
    "pop()",
}

# Each part alone (course side: part_digests of the answer), for a message about the parts that are wrong.
PARTS_POP = ("52d45d73c2a5584b330b69a7f5d20f7d", "576007fb5624b4d1eb87e1ffda17bcb2", "bdfe71382facfd7a7319ad63bb705dc8")
PARTS_SUMMARY = ("67372cf6c969ce092c0bf7fee64cd49b", "bec405b1ba7970196cfd86327ab54796")

SALT_SUMMARY = "seq02_read_summary"
KNOWN_SUMMARY = {
    "48f7ae98fd169be2103b288817b6a15b": "the first number: 16 is what the layer 'encoder' gives out (its units), not "
    "the number of features that come in",
    "7fb83fe2c015d01ce4dc36edf8b853ca": "the first number: 208 = (inputs + 1) * 16, and the + 1 is the bias of each "
    "unit, not an input feature",
    "c9fc31629feec0c35ff86f8e72612652": "the second number: 136 counts the 8 biases of 'middle' too; the kernel "
    "alone is inputs x units",
    "426cfb77fd4dc5fa8d5d50d2336804b6": "both numbers count the biases: a Dense layer's parameters are inputs x "
    "units for the kernel plus one bias per unit",
    "944c64b5d0b59ac9a18b8511b462a86b": "both numbers: 16 is the encoder's output size, and 136 counts middle's "
    "biases too",
    "c6e5d10934ba0573faab2269c467b3fb": "the second number: 8 is the units of 'middle'; its kernel has one weight "
    "for every pair of input and unit",
}

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
        "seq02_predict_pop",
        title="Predict what add() and pop() leave",
        points=1,
        kind="literal",
        variable="units_left",
        activity="predict",
        prepare=c.numbers_answer(None, what="your list of units", example="[5, 7]"),
        checks=[c.matches_digest(SALT_POP, "cec73fe502ea5267128006ca6d806f50", known=KNOWN_POP,
                                 what="not the right numbers of units yet", parts=PARTS_POP, order="in the order "
                                 "of grown.layers, the first layer first",
                                 names=("the first layer left", "the second layer left", "the third layer left"),
                                 count_hint="each add() puts one layer on the end, each pop() takes the last one "
                                            "off, and every layer still in grown counts",
                                 hint="Keep a list on paper: add() appends, pop() removes the last entry.")],
        hints=("Look at the section 'Taking the last layer off with pop()': a Sequential model behaves like a "
               "list of layers.",
               "Replay the calls on a Python list: add(layer) is append, pop() removes the last entry (the most "
               "recent layer). What is left, in order, is model.layers."),
        unrecordable="a list of whole numbers, e.g. [5, 7]",
    ),
    Exercise(
        "seq02_new_head",
        title="Swap the last layer with pop() and add()",
        points=2,
        activity="debug",
        hints=("Look at make_draft().summary(): which layer gives the wrong output for ten digits?",
               "pop() removes the last layer of the model and add() appends a new one; a layer for ten classes "
               "has one unit per class and a softmax turns its scores into probabilities."),
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
        activity="build",
        hints=("Look at the 'Names' section: the model and every layer take the same argument.",
               "keras.Sequential(..., name=...) names the model and layers.Dense(..., name=...) a layer; names are "
               "judged exactly, so copy them from the task."),
        kind="model",
        variable="model",
        prepare=c.model_record(),
        checks=[c.is_model("Sequential"), c.model_name("digit_classifier"), c.built(), c.input_features((784,)),
                c.layers_like(NAMED)],
        unrecordable="a keras.Sequential model made of Keras' own layers",
    ),
    Exercise(
        "seq02_read_summary",
        title="Read a summary without an input row",
        points=1,
        kind="literal",
        variable="summary_reading",
        activity="read",
        prepare=c.numbers_answer(2, example="(10, 20)", names=("the number of input features",
                                                               "the number of kernel weights of 'middle'")),
        checks=[c.matches_digest(SALT_SUMMARY, "228b4c842f79bd62e1e20593b5ef88d6", known=KNOWN_SUMMARY,
                                 what="not the right numbers yet", parts=PARTS_SUMMARY,
                                 order="the input features first, then the kernel weights of 'middle'",
                                 names=("the first number (the input features)",
                                        "the second number (the kernel weights of 'middle')"),
                                 part_hints=("solve (inputs + 1) * units = Param # with the row of 'encoder'",
                                             "the Param # of 'middle' counts one bias per unit too: take those off"),
                                 hint="Start from the Param # of 'encoder' and of 'middle', and their output shapes.")],
        hints=("The summary has no row for the input, but each layer's Param # says how many numbers came in.",
               "A Dense layer has (inputs + 1) * units parameters: the kernel has inputs * units of them, the bias "
               "one per unit. Solve for inputs with the encoder's row; take the biases off middle's count."),
        unrecordable="two whole numbers, e.g. (10, 20)",
    ),
]
