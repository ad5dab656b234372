"""Chapter B6b · A toy ResNet (``06b_toy_resnet.ipynb``).

- ``fn06b_residual_block``: a function that adds a block's input to two same-padded ReLU convolutions. The
  probe calls it on symbolic inputs of several sizes (8x8x4 and 6x6x3 for the self-check, others from the
  hidden probe seed for grading), builds a model from each result and judges the graph: ``layers.add``,
  ``Add()``, ``+`` and ``keras.ops.add`` all pass; a missing or misplaced skip, an activation, hard-coded
  filters or 'valid' padding are named.
- ``fn06b_fix_add``: the repaired shortcut, judged as a graph: two Conv2D(64, 3, relu, same) on the main
  branch, a Conv2D(64, 1) without activation on the shortcut from the input, joined by an addition.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import N, In
from kitlib.exercises.core import CheckFailed, Context, Exercise, expect, run_student
from kitlib.exercises.describe import describe_model, is_symbolic, what_is
from kitlib.exercises.functional_api._forms import expect_function

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
    ),
]
