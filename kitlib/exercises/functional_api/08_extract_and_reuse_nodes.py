"""Chapter B8 · Extract and reuse nodes in the graph of layers (``08_extract_and_reuse_nodes.ipynb``).

Both answers are new models on the notebook's ``vgg19`` (given). The record describes the model with
every op labelled when it *is* one of vgg19's layers, so a freshly built VGG19 or a new layer in place
of the one the task names are told apart from the given layers even though their shapes and counts
are the same. Nothing is exported but this description (no weights).

- ``fn08_pool_outputs``: the outputs of vgg19's five MaxPooling2D layers, in order.
- ``fn08_fc2_embedder``: the output of vgg19's ``fc2``.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.core import CheckFailed, Context, Exercise, expect
from kitlib.exercises.describe import describe_model

BLOCKS = ("first", "second", "third", "fourth", "fifth")


def vgg_record(model: Any, ctx: Context) -> dict:
    """Prepare: the model described with vgg19's layers labelled; vgg19's pooling layers and fc2 by label."""
    vgg19 = ctx.given["vgg19"]
    record = describe_model(model, ctx.given)
    record["pools"] = [f"vgg19.layers[{i}]" for i, layer in enumerate(vgg19.layers)
                       if type(layer).__name__ == "MaxPooling2D"]
    record["names"] = {f"vgg19.layers[{i}]": layer.name for i, layer in enumerate(vgg19.layers)}
    record["fc2"] = next((f"vgg19.layers[{i}]" for i, layer in enumerate(vgg19.layers) if layer.name == "fc2"), None)
    record["same_input"] = bool(model.inputs) and model.inputs[0] is vgg19.inputs[0]
    return record


def _output_op(record: dict, index: int) -> dict:
    ref = record["output_refs"][index]
    if ref[0] == "input":
        return {"kind": "InputLayer", "given": None, "name": "the input", "params": 0}
    return record["ops"][ref[0]]


def built_on_vgg19(record: dict) -> None:
    new = [op for op in record["ops"] if op["params"] and not op.get("given")]
    if new:
        op = new[0]
        copy = " (a copy with the same weights)" if op.get("copy_of") else ""
        raise CheckFailed(f"your model has a layer that is not one of vgg19's own: {c.describe_op(op)}{copy}",
                          hint="Build the model from the notebook's vgg19 itself: its inputs and the .output of its "
                               "layers (not a new VGG19, not new layers).")
    expect(record["same_input"], "your model does not start from vgg19's input",
           hint="Use vgg19.inputs (or vgg19.input) as the model's input.")


def _what(record: dict, op: dict) -> str:
    label = op.get("given")
    return f"vgg19's {record['names'].get(label, label)} ({op['kind']})" if label else c.describe_op(op)


def five_pools(record: dict) -> None:
    count = len(record["output_refs"])
    expect(count == 5, "the number of outputs: one per block, from its MaxPooling2D layer", 5, count,
           hint="Collect layer.output for the layers of vgg19 that are MaxPooling2D.")
    for index, pool in enumerate(record["pools"]):
        op = _output_op(record, index)
        if op.get("given") == pool:
            continue
        if op.get("given") in record["pools"]:
            raise CheckFailed(f"output {index + 1} is {_what(record, op)}: the outputs go in block order, the "
                              f"{BLOCKS[index]} block's pooling layer first", hint="Keep vgg19.layers' order.")
        raise CheckFailed(f"output {index + 1} is {_what(record, op)}, not the pooling layer that ends the "
                          f"{BLOCKS[index]} block", hint="Take the .output of vgg19's MaxPooling2D layers.")


def fc2_output(record: dict) -> None:
    count = len(record["output_refs"])
    expect(count == 1, "the number of outputs", 1, count, hint="One output: the output of fc2.")
    op = _output_op(record, 0)
    if not op.get("given") and op["params"]:
        raise CheckFailed(f"the model's output comes from a layer that is not vgg19's own ({c.describe_op(op)}): the "
                          "task re-uses vgg19's fc2 (not a new layer, not a new VGG19)",
                          hint="vgg19.get_layer(\"fc2\").output is the tensor to end the model with.")
    expect(op.get("given") == record["fc2"] and record["fc2"] is not None,
           f"the model's output is {_what(record, op)}, not vgg19's fc2",
           hint="vgg19.get_layer(\"fc2\").output is the tensor to end the model with.")


EXERCISES = [
    Exercise(
        "fn08_pool_outputs",
        title="The output of every VGG19 block",
        points=2,
        kind="model",
        variable="pool_features",
        given=("vgg19",),
        prepare=vgg_record,
        checks=[c.is_model(what="pool_features"), built_on_vgg19, five_pools, c.param_count(total=20_024_384)],
        unrecordable="a keras.Model from vgg19's input to outputs of vgg19's layers",
    ),
    Exercise(
        "fn08_fc2_embedder",
        title="Re-use a hidden layer as an embedding",
        points=1,
        kind="model",
        variable="embedder",
        given=("vgg19",),
        prepare=vgg_record,
        checks=[c.is_model(what="embedder"), fc2_output, built_on_vgg19, c.output_shape((None, 4096)),
                c.param_count(total=139_570_240)],
        unrecordable="a keras.Model from vgg19's input to the output of one of vgg19's layers",
    ),
]
