"""Chapter A3 · Specifying the input shape in advance (``03_input_shape.ipynb``).

- ``seq03_weight_shapes``: predict ``model.weights``' shapes. The check verifies what the
  notebook's rules imply without knowing the answer (kernel before bias, a kernel is
  (inputs, units), a bias has one number per unit, each layer's inputs are the units before
  it), then compares a salted digest.
- ``seq03_built_from_start``: a model built at once for samples of 20 numbers.
- ``seq03_predict_built``: predict the weight tensors and parameters of a model built by a first
  call on a batch (two numbers through a digest; the batch size taken for the features, biases
  forgotten and "still unbuilt" get their own messages).
- ``seq03_fix_input_shape``: repair a model whose ``keras.Input`` holds the batch size: judged on the
  one-sample input shape, the layers and the output shape.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import L
from kitlib.exercises.core import CheckFailed, Exercise, expect
from kitlib.exercises.describe import plain_shape, what_is

SALT_WEIGHTS = "seq03_weight_shapes"


def weight_shape_list(answer: Any) -> list:
    """Prepare: the answer as a list of shapes (tuples of whole numbers).

    Example:
        >>> weight_shape_list([[2, 3], (3,)])
        [(2, 3), (3,)]
    """
    if not isinstance(answer, (list, tuple)):
        raise CheckFailed("your answer should be a list of shapes", "a list like [(2, 3), (3,)]", what_is(answer))
    shapes = []
    for number, item in enumerate(answer, start=1):
        shape = plain_shape(item, f"entry {number}", "(2, 3)")
        expect(all(d is not None and d > 0 for d in shape), f"entry {number} should be whole numbers above 0",
               hint="Weights have a fixed size: no None in their shapes.")
        shapes.append(shape)
    return shapes


def _consistent(shapes: list) -> None:
    """What the notebook's rules say about any Dense stack, checked without knowing the answer."""
    expect(len(shapes) % 2 == 0 and len(shapes) > 0, "the number of weight tensors should be even",
           hint="Each Dense layer has two weight tensors: a kernel and a bias.")
    for number, shape in enumerate(shapes, start=1):
        if number % 2:
            expect(len(shape) == 2, f"entry {number} should be a kernel, a shape with 2 numbers (inputs, units)",
                   got=shape, hint="model.weights lists each layer's kernel, then its bias.")
        else:
            expect(len(shape) == 1, f"entry {number} should be a bias, a shape with 1 number (units,)",
                   got=shape, hint="model.weights lists each layer's kernel, then its bias.")
            expect(shape[0] == shapes[number - 2][1], f"the bias in entry {number} does not fit the kernel before "
                   "it", hint="A kernel is (inputs, units) and its bias has one number per unit: the kernel's "
                                         "second number.")
    for number in range(3, len(shapes), 2):
        expect(shapes[number - 1][0] == shapes[number - 3][1], f"the kernel in entry {number} does not fit the "
               "layer before it", hint="A layer receives as many numbers as the layer before it has units: that "
                                      "is the kernel's first number.")


KNOWN_WEIGHTS = {
    "11c2968512ea05f9ce794b2aa59d8087": "the kernels are the wrong way round: a Dense kernel has the shape "
    "(inputs, units)",
    "2bf6c305065a655367fda84c22032533": "the model has two Dense layers, so two kernels and two biases: "
    "keras.Input is not a layer and has no weights",
}

# Each part alone (course side: part_digests of the answer), for a message about the parts that are wrong.
PARTS_BUILT = ("5f9ec01286e31956b6d3d86d9b47742e", "b695fd9c8889f0bbdd3fd637ee8fce1c")
PARTS_WEIGHTS = ("368b58dac133008da196df6d0279a11d", "92a30339bba08153c65c2934dd06de1d",
                 "4567ce38659978693dfbe7488fa78956", "a3c79830807f8b89fc23b0eee82503d6")

BUILT = [L("Dense", units=8, activation="relu"), L("Dense", units=1)]

SALT_BUILT = "seq03_predict_built"
KNOWN_BUILT = {
    "7251f1ebcc05f604a5e5491cd4c6bc16": "the number of parameters: the first axis of the batch, 2, is the number of "
    "samples; each sample has 6 numbers, and those are what the first layer receives",
    "dc5c25af854c80c9c50dbdf3b0c7492e": "the number of parameters: each unit has a bias too",
    "648d66a93aa3904287937f64d2e55373": "the number of weight tensors: each Dense layer has two, a kernel and a bias",
    "7b1f6dab80849f6a8ad2f03b60798e5f": "the model is no longer unbuilt: calling it on data creates the weights of "
    "every layer",
    "9110890f0d6dbe34ca851eb9e6c38fc8": "the number of parameters: calling the model on data builds it, and then "
    "count_params() counts every weight",
    "20d2816cfc76722a0237512bb6aa71fe": "the number of weight tensors: two per Dense layer (a kernel and a bias); "
    "the data is not a layer",
}

SENSOR_LAYERS = [L("Dense", units=16, activation="relu"), L("Dense", units=1, activation="sigmoid")]
SENSOR_HINTS = {"extra": "Keep the two layers of make_sensor_model(): the mistake is in the input.",
                "missing": "Keep the two layers of make_sensor_model(): the mistake is in the input."}

EXERCISES = [
    Exercise(
        "seq03_predict_built",
        title="Predict the weights of a model built by a call",
        points=1,
        kind="literal",
        variable="built_counts",
        activity="predict",
        prepare=c.numbers_answer(2, example="(10, 20)", names=("the number of weight tensors",
                                                               "the number of parameters")),
        checks=[c.matches_digest(SALT_BUILT, "fbc8b4604ccfbf94e5aa411893eea0f6", known=KNOWN_BUILT,
                                 what="not the right numbers yet", parts=PARTS_BUILT,
                                 order="len(late.weights) first, then late.count_params()",
                                 names=("the first number, len(late.weights)", "the second number, "
                                                                               "late.count_params()"),
                                 part_hints=("a built Dense layer holds a kernel and a bias",
                                             "each sample has 6 numbers, and every unit has a bias"),
                                 hint="The first call fixes the input size: which axis of the batch is that?")],
        hints=("Look at 'The same holds for a whole Sequential model': what changes after the model is called "
               "once on data?",
               "The first call creates every layer's weights; the first axis of the data is the batch (how many "
               "samples), the last is what each sample has, and that is what the first Dense layer receives. "
               "Each Dense layer has a kernel (inputs, units) and a bias (units,)."),
        unrecordable="two whole numbers, e.g. (10, 20)",
    ),
    Exercise(
        "seq03_weight_shapes",
        title="Predict the weight shapes",
        points=1,
        kind="literal",
        variable="weight_shapes",
        prepare=weight_shape_list,
        checks=[_consistent, c.matches_digest(
            SALT_WEIGHTS, "8eb686ecbea9e85c9161bed93423489b", known=KNOWN_WEIGHTS,
            what="not the right shapes yet", parts=PARTS_WEIGHTS,
            names=("the first kernel", "the first bias", "the second kernel", "the second bias"),
            hint="The first layer receives the model's input features; a kernel is (inputs, units), a bias "
                 "(units,).")],
        activity="predict",
        hints=("Look at the section 'The shapes of the weights' and at the first cells, where one Dense layer "
               "gets its weights.",
               "model.weights lists each layer's kernel, then its bias. A kernel is (inputs, units), a bias "
               "(units,); keras.Input is not a layer and has no weights, but it fixes the first layer's inputs."),
        unrecordable="a list of tuples, e.g. [(2, 3), (3,)]",
    ),
    Exercise(
        "seq03_built_from_start",
        title="A model with weights from the start",
        points=2,
        kind="model",
        variable="model",
        prepare=c.model_record(),
        checks=[c.is_model("Sequential"),
                c.built(hint="Put keras.Input(shape=...) first in the list: the model is then built at once."),
                c.input_features((20,)), c.layers_like(BUILT)],
        activity="build",
        hints=("Look at 'Better: say the input shape first, with keras.Input'.",
               "A keras.Input(shape=...) first in the list builds the model at once; shape is one sample's "
               "shape, as a tuple."),
        unrecordable="a keras.Sequential model made of Keras' own layers",
    ),
    Exercise(
        "seq03_fix_input_shape",
        title="Fix an input shape that holds the batch size",
        points=2,
        kind="model",
        variable="model",
        activity="debug",
        prepare=c.model_record(),
        checks=[c.is_model("Sequential"), c.built(),
                c.input_features((6,), hint="keras.Input(shape=...) takes the shape of ONE sample: the batch size "
                                            "(32 here) is not part of it; data of any batch size can come later."),
                c.layers_like(SENSOR_LAYERS, hints=SENSOR_HINTS), c.output_shape((None, 1))],
        hints=("Compare the output shape in broken.summary() with what the task asks for: which axis is too many?",
               "keras.Input(shape=...) describes ONE sample, without the batch size: Keras adds the batch axis "
               "(None) itself. Write the model again with the right sample shape and the same two layers."),
        unrecordable="a keras.Sequential model made of Keras' own layers",
    ),
]
