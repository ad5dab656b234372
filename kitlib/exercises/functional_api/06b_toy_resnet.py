"""Chapter B6b · A toy ResNet (``06b_toy_resnet.ipynb``).

- ``fn06b_residual_block``: a function that adds a block's input to two same-padded ReLU convolutions. The
  probe calls it on symbolic inputs of several sizes (8x8x4 and 6x6x3 for the self-check, others from the
  hidden probe seed for grading), builds a model from each result and judges the graph: ``layers.add``,
  ``Add()``, ``+`` and ``keras.ops.add`` all pass; a missing or misplaced skip, an activation, hard-coded
  filters or 'valid' padding are named.
- ``fn06b_fix_add``: the repaired shortcut, judged as a graph: two Conv2D(64, 3, relu, same) on the main
  branch, a Conv2D(64, 1) without activation on the shortcut from the input, joined by an addition.
- ``fn06b_predict_params`` (predict): the parameters of the two convolutions and the addition of one of the
  toy ResNet's residual blocks; digests per layer, targeted messages for the bias, the input channels and
  the kernel size.
- ``fn06b_which_add_fails`` (predict): which of five ``layers.add`` calls raise while the model is defined;
  judged option by option (digests only), each wrong option with its own message.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import N, In
from kitlib.exercises.core import CheckFailed, Context, Exercise, expect, run_student
from kitlib.exercises.describe import describe_model, is_symbolic, what_is
from kitlib.exercises.functional_api._forms import each_matches, expect_function

BLOCK_HINT = ("Use the `filters` argument for both Conv2D layers (the block keeps the number of channels) and "
              "padding=\"same\" (it keeps height and width), so that layers.add can add the input back.")


def block_probes(seed: int | None) -> list:
    """(height, width, channels) of the probe inputs; the block's filters equal the channels."""
    if seed is None:
        return [(8, 8, 4), (6, 6, 3)]
    import numpy as np

    rng = np.random.default_rng([int(seed), 6])
    return [(int(rng.integers(4, 10)),) * 2 + (int(rng.integers(2, 7)),) for _ in range(2)]


def _label(shape: tuple) -> str:
    return f"residual_block(x, {shape[2]}) on a {shape[0]}x{shape[1]}x{shape[2]} input"


def block_record(fn: Any, ctx: Context) -> dict:
    """Prepare: the graph of a model built from the block on each probe input."""
    import keras

    expect_function(fn, "residual_block(x, filters)")
    graphs = []
    for shape in block_probes(ctx.seed):
        inputs = keras.Input(shape=shape)
        out = run_student(fn, inputs, shape[2], where=_label(shape), hint=BLOCK_HINT)
        if not is_symbolic(out):
            raise CheckFailed(f"the value {_label(shape)} returned should be the block's output tensor", None,
                              what_is(out), hint="Return the tensor that layers.add([...]) gives.")
        graphs.append({"shape": list(shape), "graph": describe_model(keras.Model(inputs, out), {})})
    return {"probes": graphs}


def _block_spec(shape: tuple):
    filters = shape[2]
    inner = N("Conv2D", In(0, shape=shape), filters=filters, kernel_size=3, padding="same", activation="relu",
              what="the first Conv2D")
    outer = N("Conv2D", inner, filters=filters, kernel_size=3, padding="same", activation="relu",
              what="the second Conv2D")
    return N("Add", In(0), outer, what="the addition of the block's input and the convolutions")


BLOCK_HINTS = {"kind": "Two Conv2D(filters, 3, activation=\"relu\", padding=\"same\") in a row, then "
                       "layers.add([x, that result]).",
               "missing": "Two Conv2D layers, then layers.add of their result and the block's input x.",
               "extra": "The block's input x goes to the first Conv2D and, unchanged, into layers.add.",
               "activation": "Both Conv2D layers have activation=\"relu\"; the addition has none.",
               "padding": "padding=\"same\" keeps height and width, so that the input can be added back.",
               "filters": "Use the `filters` argument: the block keeps the number of channels."}


def block_graph(record: dict) -> None:
    for probe in record["probes"]:
        shape = tuple(probe["shape"])
        try:
            c.graph_like([_block_spec(shape)], hints=BLOCK_HINTS)(probe["graph"])
        except CheckFailed as failure:
            raise CheckFailed(f"{_label(shape)}: {failure.what}", failure.expected, failure.got,
                              failure.hint) from None
    for probe in record["probes"]:
        channels = probe["shape"][2]
        want = 2 * (9 * channels * channels + channels)   # two 3x3 convolutions, channels -> channels
        expect(probe["graph"]["params"]["total"] == want, f"the parameters of {_label(tuple(probe['shape']))}",
               want, probe["graph"]["params"]["total"])


# --------------------------------------------------------------------------- the projection shortcut

_BLOCK_IN = In(0, shape=(16, 16, 32))
MAIN = N("Conv2D", N("Conv2D", _BLOCK_IN, filters=64, kernel_size=3, padding="same", activation="relu",
                     what="the main branch's first Conv2D(64, 3)"),
         filters=64, kernel_size=3, padding="same", activation="relu", what="the main branch's second Conv2D(64, 3)")
SHORTCUT = N("Conv2D", _BLOCK_IN, filters=64, kernel_size=1, what="the projection Conv2D(64, 1) on the shortcut")
FIXED = N("Add", MAIN, SHORTCUT, what="the addition of the two branches")
FIX_HINTS = {"activation": "The main branch's convolutions have activation=\"relu\"; the projection on the "
                           "shortcut has none (a plain 1x1 convolution).",
             "kernel_size": "The projection is a 1x1 convolution: Conv2D(64, 1).",
             "padding": "padding=\"same\" keeps 16x16, so that the branches can be added.",
             "kind": "Main branch: two Conv2D(64, 3, relu, same); shortcut: Conv2D(64, 1) on the input; join them "
                     "with layers.add.",
             "extra": "The shortcut starts at the block's input: Conv2D(64, 1)(block_in)."}


# --------------------------------------------------------------------------- predict the block's parameters

_BLOCK_PARAMS = each_matches(
    "fn06b_predict_params",
    ["dc1d486f02c91e390ab1775aa50e39df", "1f0bb86b7528bb7298453b49a16b90c7", "132ed7258ec2535dcf54a71b2f51ba5f"],
    [{"7cb997f940404445190b2377eb905bd7": "the first convolution: its kernel is 3 x 3 pixels, not the 9 x 9 map it "
      "slides over",
      "9d8d00c9c06fe278764099e84d0e5d39": "the first convolution reads block_1_output, the end of the first block, "
      "whose last Conv2D has 64 filters: 64 input channels, not 32",
      "7deb8882ca6e40e3517f8f4c79a4bf57": "the first convolution: besides its kernel a Conv2D has a bias, one number "
      "per filter",
      "9fdd2e19d18efe340fc0c6c21b858756": "the first convolution: its input is the block's input with 64 channels, "
      "not the image's 3",
      "21cedd8788ba2f4ed6fd40452f7290c2": "the first convolution: its kernel is 3 x 3 pixels, not 1 x 1"},
     {"06ea83a38f9a9217e3ad708b0f339bd2": "the second convolution: its kernel is 3 x 3 pixels, not the 9 x 9 map "
      "it slides over",
      "d22739d9dfcc8c379f3c7a6934cfe1b7": "the second convolution: besides its kernel a Conv2D has a bias, one number "
      "per filter",
      "a4ae0dadcb5ad59bd73bf77a26f5bbe3": "the second convolution alone: the count is per layer"},
     {"9bab46416d04341a4788911201ff3247": "the addition: layers.add adds element by element and has nothing to learn",
      "1f10a87ea1a3210c746f5613de2c6601": "the addition: layers.add adds element by element and has nothing to "
      "learn"}],
    ["the parameters of the first convolution are not right yet",
     "the parameters of the second convolution are not right yet",
     "the parameters of the addition are not right yet"],
    ["A Conv2D(f, k) on c input channels has k x k x c x f weights plus f biases."] * 2
    + ["An addition adds two tensors element by element: does it need a kernel or a bias?"])

# --------------------------------------------------------------------------- which add raises

ADD_OPTIONS = "abcde"
_RAISES = [c.matches_digest(f"fn06b_which_add_fails:{i}", right, known={wrong: message}, what="not right yet")
           for i, (right, wrong, message) in enumerate([
               ("3a1e33b9b150f68f4134a77f6823db30", "b1af069cc167b0f713350635411222c4",
                "option (a) does not raise: padding='same' keeps 8 x 8 and 16 filters keep 16 channels"),
               ("737707dc28543c209df70994bc865f4b", "21d7349786a20a7b9bbc9dabae922965",
                "option (b) raises too: without padding='same' a 3 x 3 convolution shrinks 8 x 8 to 6 x 6"),
               ("d78f3f087a34501b987da00374647aee", "c281007e1e671657f774dfc2a9dc8053",
                "option (c) raises too: layers.add needs the same number of channels, and 32 filters make 32"),
               ("3709d8129d23d01d1dba5f3e7b4de592", "68e0c910659d25238ff7f51d4afccaff",
                "option (d) does not raise: a 1 x 1 convolution keeps height and width, and 16 filters keep the "
                "channels"),
               ("27d12034b71ac12e96c2befb010e5718", "9e300764bb73cfd956155fec87d5cdb2",
                "option (e) raises too: MaxPooling2D(2) halves height and width"),
           ])]


def raising_options(record: list) -> None:
    """Option by option: does the student's set say it raises, and is that right (digests only)."""
    for check, letter in zip(_RAISES, ADD_OPTIONS):
        try:
            check(letter in record)
        except CheckFailed as failed:
            where = f"letter '{letter}' {'should not be in' if letter in record else 'is missing from'} your set"
            if failed.what == "not right yet":
                raise CheckFailed(f"{where}: option ({letter}) is not right yet",
                                  hint="layers.add needs tensors of exactly the same shape.") from None
            raise CheckFailed(f"{where}: {failed.what}") from None


EXERCISES = [
    Exercise(
        "fn06b_residual_block",
        title="Write a residual block",
        points=2,
        kind="function",
        variable="residual_block",
        prepare=block_record,
        checks=[block_graph],
        unrecordable="a function residual_block(x, filters) that returns a tensor",
        activity="build",
        hints=("Look at the toy ResNet's second block: the same four lines, with 64 in place of filters.",
               "Call two Conv2D layers one after the other on x, then layers.add the result and x itself. "
               "padding=\"same\" and filters=filters keep the shape, which the addition needs."),
    ),
    Exercise(
        "fn06b_fix_add",
        title="Repair a shortcut whose shapes do not match",
        points=2,
        kind="model",
        variable="fixed_model",
        prepare=c.model_record(what="fixed_model"),
        checks=[c.is_model(what="fixed_model"), c.built(), c.input_features((16, 16, 32)),
                c.graph_like([FIXED], hints=FIX_HINTS), c.output_shape((None, 16, 16, 64)),
                c.param_count(total=57_536)],
        unrecordable="a keras.Model built from keras.Input and Keras' own layers",
        activity="debug",
        hints=("Read the ValueError in 'When shapes do not match': which axis differs between the two tensors?",
               "Give the shortcut a 1x1 Conv2D with as many filters as the main branch has: it maps the channels "
               "without looking at neighbouring pixels, so the shapes agree for layers.add."),
    ),
    Exercise(
        "fn06b_predict_params",
        title="Predict the parameters of a residual block",
        points=1,
        kind="literal",
        variable="block_params",
        prepare=c.numbers_answer(3, values="parameter counts (first Conv2D, second Conv2D, add)",
                                 example="(100, 20, 3)"),
        checks=[_BLOCK_PARAMS],
        unrecordable="a tuple of 3 whole numbers, e.g. (100, 20, 3)",
        activity="predict",
        hints=("The toy ResNet's summary lists every Conv2D and Add row, but work it out before you look.",
               "A Conv2D(f, k) has k x k x (input channels) x f weights plus f biases; the block's input has the "
               "64 channels of block_1_output. An addition learns nothing."),
    ),
    Exercise(
        "fn06b_which_add_fails",
        title="Predict which additions raise",
        points=1,
        kind="literal",
        variable="failing",
        prepare=c.letters_answer(ADD_OPTIONS, example='{"a", "d"}, or set() if none does', written=False),
        checks=[raising_options],
        unrecordable='a set of letters, e.g. {"a", "d"}',
        activity="predict",
        hints=("Work out the shape of the second tensor in each option, as in 'When shapes do not match'.",
               "layers.add needs identical shapes: check height and width (padding, pooling) and the channels "
               "(the number of filters) of each option against (None, 8, 8, 16)."),
    ),
]
