"""Chapter B8 · Extract and reuse nodes in the graph of layers (``08_extract_and_reuse_nodes.ipynb``).

Both answers are new models on the notebook's ``vgg19`` (given). The record describes the model with
every op labelled when it *is* one of vgg19's layers, so a freshly built VGG19 or a new layer in place
of the one the task names are told apart from the given layers even though their shapes and counts
are the same. Nothing is exported but this description (no weights).

- ``fn08_pool_outputs``: the outputs of vgg19's five MaxPooling2D layers, in order.
- ``fn08_fc2_embedder``: the output of vgg19's ``fc2``.
- ``fn08_predict_features`` (predict): how many outputs a model of vgg19's convolutions has, and the shape
  of its last output on one image; each part by its own salted digest, every wrong part named.
- ``fn08_read_summaries`` (read): four (output shape, parameters) lines, each matched to the vgg19 layer
  that ends that model (letters a-g); each by its own digest, every wrong one named with the option chosen.
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


# --------------------------------------------------------------------------- predict: the convolutions' outputs

_COUNT = c.matches_digest("fn08_predict_features:count", "ab48be2cac924a8e118cec87d6eb5867", known={
    "f42b26f83fdc7c382ab9d326778bfcbc": "the number of outputs: blocks 1 and 2 have two convolutions each, only "
    "blocks 3, 4 and 5 have four",
    "e7744c2487880eae90b99718844fb910": "the number of outputs: the comprehension keeps only the layers whose name "
    "contains \"conv\", not all 26",
    "aef86616f43ae6d0ed9b488ea893bd7f": "the number of outputs: every convolution of every block has \"conv\" in "
    "its name, not only the last one of each block",
    "70e8244ab30dfcdaf74f8b5cdc46f797": "the number of outputs: the 19 of VGG19 counts its 3 Dense layers too, "
    "whose names (fc1, fc2, predictions) have no \"conv\"",
    "0f90580f18a5df1432afd563efcaa016": "the number of outputs: the pooling layers (blockN_pool) have no \"conv\" "
    "in their names",
    "29d94737403bb49ae1cb2de08beef99d": "the number of outputs: the input layer's name (input_layer) has no "
    "\"conv\"",
}, what="the number of outputs is not right yet",
    hint="Count the layers named blockN_convM in the list of vgg19's layers above (or in its summary).")
_LAST = c.matches_digest("fn08_predict_features:shape", "7db4f898ac447425746109bfc074a880", known={
    "b1b71e47dc9ba657c98bfa100567e1b7": "the shape of the last output: 7x7 comes from block5_pool, which comes after "
    "the last convolution",
    "e3cbeb7927155cb34ceb3f865ef43f49": "the shape of the last output: the model is applied to one image, so the "
    "batch axis is 1, not None",
    "fda9bfce02bb63dde343793ccb211a5c": "the shape of the last output: the last convolution is block5's, not the "
    "first one",
    "7d3531ddca9914f56130d498a452016f": "the shape of the last output: block4_pool halves 28x28 before block 5's "
    "convolutions",
    "883edf5348319173239860862103c722": "the shape of the last output has 4 axes: the batch axis comes first",
    "199ad1d6a1210c8bfa4f460873e6931d": "the shape of the last output has 4 axes: the channels (the convolution's "
    "filters) come last",
    "ef824651f13c9ac2ff3835c1bac33777": "the shape of the last output: the channels are the filters of the last "
    "convolution, block 5's, which has as many as block 4's",
}, what="the shape of the last output is not right yet",
    hint="Each pooling layer halves height and width; padding=\"same\" convolutions keep them.")
FEATURES_PREDICTED = c.each_part(_COUNT, _LAST)

# --------------------------------------------------------------------------- read: which layer ends the model

READ_OPTIONS = {"a": "block2_pool (MaxPooling2D)", "b": "block3_conv4 (Conv2D)", "c": "block3_pool (MaxPooling2D)",
                "d": "block4_conv1 (Conv2D)", "e": "block5_pool (MaxPooling2D)", "f": "fc1 (Dense)",
                "g": "flatten (Flatten)"}
READ_LOOK_AT = ("look at the height and width, then at the parameters: which layers give that map size",
                "look at the parameters: the same count as a deeper-looking map means a layer without weights",
                "look at the number of axes: one flat vector per image",
                "look at the channels, then at the parameters: they grew past block 3's")
# Feedback per wrong option, by question (digest of the letter with "fn08_read_summaries:<question>").
READ_FEEDBACK = [
    {
        "466b9c012d1b0f15bdaa934e6212fd47": "block2_pool gives the 128 channels of block 2's convolutions, not 256",
        "b9223f24a2b3947af2c8d7fa831e44d2": "block3_pool halves the 56x56 maps of block 3 to 28x28",
        "06620691d17bc6004c4bfd681964980d":
            "block4_conv1 works on 28x28 maps (after block3_pool), with 512 filters",
        "32aa192bff3a5cc9b4a1a5378fc6c8bb": "block5_pool gives 7x7 maps, at the end of the last block",
        "4d034b89bcb2f008838627838c9eb002":
            "fc1 is a Dense layer: one flat vector per image, not a map of height, width and channels",
        "73a96518a3afba46a759caa409795b9b":
            "Flatten gives one flat vector per image, not a map of height, width and channels",
    },
    {
        "06c4ac56c25f831d1bcefcef887056fd": "block2_pool gives 56x56 maps with 128 channels",
        "56e6a27345610f151f022021cf626fef":
            "block3_conv4 works on block 3's 56x56 maps: only the pooling after it halves them",
        "0251fb70182a7cbd26c781a9ab6889f0":
            "block4_conv1 has 512 filters and weights of its own: more channels and more parameters than summary "
            "1",
        "308895207ec68f2d42180e42d15d5332": "block5_pool gives 7x7 maps with 512 channels",
        "f1cd9a716188f645a71ea4f18128eaee": "fc1 is a Dense layer: one flat vector per image, not a map",
        "d38a71bc03859e1b0ee15ffa3cd470d8": "Flatten gives one flat vector per image, not a map",
    },
    {
        "3a42180d4f37681e4c1993c8f7d0768e": "block2_pool gives maps (height, width, channels), not one flat vector",
        "264a46a61704fc197dddf7bda47d77f3":
            "block3_conv4 gives maps (height, width, channels), not one flat vector",
        "1c31e9ad007e9eb527cc8eedae2a6190": "block3_pool gives maps (height, width, channels), not one flat vector",
        "0179dc4ebbc32b560296e3df31ae6cb6":
            "block4_conv1 gives maps (height, width, channels), not one flat vector",
        "aea4035c0723f876529bbf1b54834d86":
            "block5_pool gives 7 x 7 x 512 maps: the same numbers in three axes, not one flat axis",
        "2c99058b9777d71cf9fe040e4d60326f":
            "fc1 has 4096 units and over 100 million parameters of its own: its vector is 4096 wide",
    },
    {
        "d3046659608d0272b7681630d2982ee1": "block2_pool gives 56x56 maps with 128 channels",
        "d614bf8643e8347d30b36e17ed85b29a": "block3_conv4 gives 56x56 maps with 256 channels",
        "80cc0604944ded899c2498cb046ae81f":
            "block3_pool keeps block 3's 256 channels and adds no parameters to summary 1's count",
        "5e04bdcae1a99b8b5c3c5e837af01fea": "block5_pool gives 7x7 maps, at the end of the last block",
        "38dc96a5d85447828e1d21988eabc4a8": "fc1 is a Dense layer: one flat vector per image, not a map",
        "136c6196e65dc0a3b9b1b20ebd38ae78": "Flatten gives one flat vector per image, not a map",
    },
]
SUMMARIES_READ = c.choices_by_digest("fn08_read_summaries", [
    "813b27410057e535d9be0b0e3cad1877", "f3fe182f9734d3ebfe75f882360f5a8e", "249e0fe62d87cd0672aa1d1c48a1cb77",
    "2e23c520dc0644d57612b56374e87073"], READ_OPTIONS, READ_LOOK_AT, item="summary", items="summaries",
    hint="Pooling halves height and width and adds no parameters; a convolution adds parameters; Flatten makes "
         "one axis of height x width x channels.", feedback=READ_FEEDBACK)


EXERCISES = [
    Exercise(
        "fn08_pool_outputs",
        title="The output of every VGG19 block",
        points=2,
        kind="model",
        variable="pool_features",
        given=("vgg19",),
        keep_given=("vgg19:weights",),  # the pretrained weights are what the features come from
        prepare=vgg_record,
        checks=[c.is_model(what="pool_features"), built_on_vgg19, five_pools, c.param_count(total=20_024_384)],
        unrecordable="a keras.Model from vgg19's input to outputs of vgg19's layers",
        activity="build",
        hints=("The notebook's feat_extraction_model collects layer.output for every layer of vgg19.",
               "Keep only the layers that are MaxPooling2D (isinstance, or their names blockN_pool), in vgg19.layers' "
               "order, and build keras.Model(vgg19.inputs, that list): the same layers, no new weights."),
    ),
    Exercise(
        "fn08_fc2_embedder",
        title="Re-use a hidden layer as an embedding",
        points=1,
        kind="model",
        variable="embedder",
        given=("vgg19",),
        keep_given=("vgg19:weights",),  # the pretrained weights are what the features come from
        prepare=vgg_record,
        checks=[c.is_model(what="embedder"), fc2_output, built_on_vgg19, c.output_shape((None, 4096)),
                c.param_count(total=139_570_240)],
        unrecordable="a keras.Model from vgg19's input to the output of one of vgg19's layers",
        activity="build",
        hints=("The notebook's block3 model picks one layer by its name.",
               "vgg19.get_layer(\"fc2\").output is a tensor of the existing graph; keras.Model from vgg19.inputs to "
               "it re-uses vgg19's layers up to fc2 and their weights."),
    ),
    Exercise(
        "fn08_predict_features",
        title="Predict the outputs of a model of the convolutions",
        points=1,
        kind="literal",
        variable="predicted_features",
        prepare=c.numbers_answer(["count", "shape"], example="(7, (1, 2, 3, 4))", what="predicted_features"),
        checks=[FEATURES_PREDICTED],
        unrecordable="a tuple of a whole number and a shape, e.g. (7, (1, 2, 3, 4))",
        activity="predict",
        hints=("The list of vgg19's layer names and the shapes printed above have all you need.",
               "Count the names with \"conv\" block by block; the last of them is in block 5, whose maps are what "
               "block4_pool leaves; applied to one image, the batch axis is 1."),
    ),
    Exercise(
        "fn08_read_summaries",
        title="Read which layer ends each model",
        points=1,
        kind="literal",
        variable="ends_with",
        prepare=c.letters_answer("abcdefg", 4, example="('g', 'g', 'f', 'd')", what="ends_with"),
        checks=[SUMMARIES_READ],
        unrecordable="a tuple of four letters, e.g. ('g', 'g', 'f', 'd')",
        activity="read",
        hints=("vgg19.summary() lists each layer's output shape and parameters; the total of a model up to a layer "
               "is the sum of the rows down to it.",
               "Height and width tell the block; a pooling layer halves them and adds no parameters, so two models "
               "with the same total can end at a convolution or at the pooling after it."),
    ),
]
