"""Chapter A6 · Feature extraction with a Sequential model (``06_feature_extraction.ipynb``).

Both answers are judged against what the kit computes from the *given* ``digit_model`` (its own
layers, called one after another by kit code) on the same inputs, never against parts the
student built: an extractor made from a copy with other weights, outputs in another order, the
features of another layer or of other images are each recognised and named.

- ``seq06_predict_feature_shapes``: predict the shapes an extractor returns on a batch of 2 images
  (what the task shows is checked openly: one shape per layer, 4 axes, 2 images, 8 channels, square
  maps; the sizes through a salted digest).
- ``seq06_fix_extractor``: repair an extractor built from an untrained copy of ``digit_model``:
  judged on what it computes against ``digit_model``'s own "pool" layer on probe images, and on its
  layers *being* ``digit_model``'s (a copy with the same weights would not follow further training).
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.core import CheckFailed, Context, Exercise, expect
from kitlib.exercises.describe import describe_model, model_outputs, plain_shape, to_array, what_is


def _layer_outputs(model: Any, x: Any) -> list:
    """The output of every layer of the given model on ``x``, computed by calling its layers in a chain."""
    import numpy as np

    outputs, h = [], x
    for layer in model.layers:
        h = layer(h, training=False)
        outputs.append(np.asarray(h, dtype="float32"))
    return outputs


def _probe_images(ctx: Context):
    return ctx.rng(6).uniform(0, 1, size=(3, 28, 28, 1)).astype("float32")


def extractor_probe(extractor: Any, ctx: Context) -> dict:
    """Prepare: the extractor's inputs and outputs, what it returns on probe images, and what each
    layer of ``digit_model`` gives on them."""
    digit_model = ctx.given["digit_model"]
    record = describe_model(extractor, ctx.given)
    summary = {key: record[key] for key in ("type", "class", "inputs", "outputs", "given")}
    x = _probe_images(ctx)
    got = model_outputs(extractor, x, "your extractor")
    if isinstance(got, dict):
        got = list(got.values())
    summary["got"] = list(got) if isinstance(got, list) else [got]
    summary["want"] = _layer_outputs(digit_model, x)
    summary["names"] = [layer.name for layer in digit_model.layers]
    return summary


def _match(array, candidates) -> int | None:
    import numpy as np

    for index, want in enumerate(candidates):
        if array.shape == want.shape and np.allclose(array, want, atol=1e-4):
            return index
    return None


def every_layer_in_order(record: dict) -> None:
    expect(record["type"] == "model", "your answer should be a Keras model")
    expect(len(record["inputs"]) == 1 and record["inputs"][0][1:] == [28, 28, 1],
           "the extractor should take digit_model's input (one batch of 28x28x1 images)",
           hint="Use inputs=digit_model.inputs[0].")
    got, want, names = record["got"], record["want"], record["names"]
    expect(len(got) == len(want), f"the extractor gives {len(got)} output{'s' if len(got) != 1 else ''}, "
           f"the task asks for one per layer of digit_model ({len(want)})",
           hint="outputs=[layer.output for layer in digit_model.layers].")
    for index, array in enumerate(got):
        match = _match(array, want)
        if match == index:
            continue
        if match is not None:
            raise CheckFailed(f"output {index + 1} is the output of layer '{names[match]}', but output "
                              f"{index + 1} should be '{names[index]}'", hint="Keep the outputs in layer order.")
        if array.shape == want[index].shape:
            raise CheckFailed(f"output {index + 1} has the shape of layer '{names[index]}' but other values",
                              hint="Build the extractor from digit_model's own layers (digit_model.inputs[0] and "
                                   "layer.output), not from a copy with other weights.")
        raise CheckFailed(f"output {index + 1} is not the output of layer '{names[index]}'",
                          got=tuple(array.shape), hint="outputs=[layer.output for layer in digit_model.layers].")


def block2_probe(features: Any, ctx: Context) -> dict:
    """Prepare: the answer as numbers, block2_conv's output on x_small[:8] computed by the kit, and what
    the answer looks like when it is not that (another layer, other images)."""
    import numpy as np

    digit_model, x_small = ctx.given["digit_model"], np.asarray(ctx.given["x_small"])
    got = to_array(features, "your answer", hint="Compute the layer's output for the images, e.g. with a "
                                                 "keras.Model(...) and its predict().")
    names = [layer.name for layer in digit_model.layers]
    target = names.index("block2_conv")
    images = x_small[:8]
    per_layer = _layer_outputs(digit_model, images)
    looks_like = None
    if got.shape != per_layer[target].shape or not np.allclose(got, per_layer[target], atol=1e-4):
        match = _match(got, per_layer)
        if match is not None:
            looks_like = f"layer '{names[match]}'"
        else:
            for label, other in (("x_small[8:16]", x_small[8:16]), ("the images in another order", images[::-1]),
                                 ("x_small[:8] * 255", images * 255)):
                if other.shape == images.shape and _match(got, [_layer_outputs(digit_model, other)[target]]) == 0:
                    looks_like = f"other images ({label})"
                    break
    return {"got": got, "want": per_layer[target], "looks_like": looks_like}


def block2_features_right(record: dict) -> None:
    import numpy as np

    got, want = np.asarray(record["got"]), np.asarray(record["want"])
    expect(got.ndim == want.ndim, f"your features have {got.ndim} ax{'i' if got.ndim == 1 else 'e'}s, block2_conv's "
           f"output has {want.ndim}: (images, height, width, channels)", got=tuple(got.shape),
           hint="Keep the layer's output as it is: one entry per image, nothing averaged or flattened.")
    expect(got.shape[0] == want.shape[0], f"you computed features for {got.shape[0] if got.ndim else 0}"
           " images; the task asks for the first 8 images, x_small[:8]", hint="Give it x_small[:8].")
    if record["looks_like"] and record["looks_like"].startswith("layer"):
        raise CheckFailed(f"these are the outputs of {record['looks_like']}, not of 'block2_conv'",
                          hint='Use digit_model.get_layer("block2_conv").output.')
    expect(got.shape == want.shape or sorted(got.shape) != sorted(want.shape), "the axes of your features are in "
           "another order than block2_conv's output: Keras puts the channels last, (images, height, width, channels)",
           got=tuple(got.shape), hint="Keep the layer's output as it is, without transposing it.")
    expect(got.shape == want.shape, "the shape of each image's features is not what block2_conv gives",
           got=tuple(got.shape[1:]), hint='Take the output of the layer named "block2_conv" itself.')
    if record["looks_like"]:
        raise CheckFailed(f"these are block2_conv's features of {record['looks_like']}",
                          hint="Use the first 8 images exactly as they are: x_small[:8].")
    worst = float(np.max(np.abs(got - want))) if got.size else 0.0
    expect(bool(np.allclose(got, want, atol=1e-4)), "the values differ from block2_conv's output for x_small[:8]",
           got=f"values that differ by up to {worst:.3g}",
           hint="Use digit_model's own layers (not a copy or a new model) and the images as they are.")


SALT_FEATURES = "seq06_predict_feature_shapes"
# Each part alone (course side: part_digests of the answer), for a message about the parts that are wrong.
PARTS_FEATURES = ("b50fdde09065feed1fd0d1a32a2cd226", "a8b85efa31e794734b3743bb3f68ff53",
                  "a2d77f18a7a9ef6fff0c5d2a5694fce7")


def feature_shape_list(answer: Any) -> list:
    """Prepare: the answer as a list of shapes.

    Example:
        >>> feature_shape_list([[2, 3, 3, 8]])
        [(2, 3, 3, 8)]
    """
    if not isinstance(answer, (list, tuple)) or answer and not isinstance(answer[0], (list, tuple)) \
            and not hasattr(answer[0], "as_list"):
        raise CheckFailed("your answer should be a list of shapes, one per layer", "a list like [(2, 9, 9, 8)]",
                          what_is(answer))
    return [plain_shape(item, f"entry {number}", "(2, 9, 9, 8)") for number, item in enumerate(answer, start=1)]


def _feature_shapes_form(shapes: list) -> None:
    expect(len(shapes) == 3, "the number of shapes: the extractor returns one output per layer of probe_model, "
           "and it has 3 layers", got=len(shapes))
    for number, shape in enumerate(shapes, start=1):
        expect(len(shape) == 4, f"entry {number} should have 4 axes: (images, height, width, channels)", got=shape)
        expect(shape[0] == 2, f"entry {number}: the first axis is the batch, and the extractor was called on 2 "
               "images", got=shape[0])
        expect(shape[3] == 8 or 8 not in shape[1:3], f"entry {number}: the axes are in another order: Keras puts the "
               "channels last, (images, height, width, channels)", got=shape)
        expect(shape[3] == 8, f"entry {number}: the channels: each Conv2D has 8 filters, and pooling keeps the "
               "channels", got=shape[3])
        expect(shape[1] == shape[2], f"entry {number}: height and width should be equal (square images, square "
               "kernels and pools)", got=shape[1:3])


KNOWN_FEATURES = {
    "08b68a554037ba5a58abca673f93e4b3": "height and width: these sizes keep the borders (as padding='same' would); "
    "with the default 'valid' padding the kernel must fit inside the image",
    "e0a4e654b20753636e40a7f508947fda": "height and width: the first Conv2D has strides=2, which halves the size",
    "6c96402feabebc990444bfd789bf38c4": "height and width of entry 3: pooling keeps size // pool_size, rounded down",
    "e24ddcc900e49cb4d4e96406222a6e80": "height and width: check the + 1 in (size - kernel) // strides + 1",
    "dd8e54159cc181938bea2ee1c38712fa": "height and width of entry 2: check the + 1 in (size - kernel) // strides + 1",
}


def fixed_extractor_probe(extractor: Any, ctx: Context) -> dict:
    """Prepare: what the extractor returns on probe images, what digit_model's own layers give on them
    (every layer, by name), what the notebook's untrained copy gives (when it is there), and whether the
    extractor's layers are digit_model's."""
    digit_model = ctx.given["digit_model"]
    record = describe_model(extractor, ctx.given)
    summary = {key: record[key] for key in ("type", "class", "inputs", "outputs", "given")}
    summary["layers"] = [{"given": op["given"], "copy_of": op["copy_of"], "kind": op["kind"]}
                         for op in record["ops"] if op["params"]]
    x = _probe_images(ctx)
    got = model_outputs(extractor, x, "your extractor")
    if isinstance(got, dict):
        got = list(got.values())
    summary["got"] = list(got) if isinstance(got, list) else [got]
    summary["want"] = _layer_outputs(digit_model, x)
    summary["names"] = [layer.name for layer in digit_model.layers]
    snapshot = ctx.given.get("snapshot")
    summary["snapshot"] = _layer_outputs(snapshot, x) if snapshot is not None else None
    return summary


def pool_features_right(record: dict) -> None:
    expect(record["type"] == "model", "your answer should be a Keras model",
           hint="Build it with keras.Model(inputs, outputs).")
    expect(len(record["inputs"]) == 1 and record["inputs"][0][1:] == [28, 28, 1],
           "the extractor should take digit_model's input (one batch of 28x28x1 images)",
           hint="Use inputs=digit_model.inputs[0].")
    got, want, names = record["got"], record["want"], record["names"]
    target = names.index("pool")
    expect(len(got) == 1, f"the extractor gives {len(got)} outputs, the task asks for one: the 'pool' features",
           hint='outputs=digit_model.get_layer("pool").output.')
    array = got[0]
    if _match(array, [want[target]]) is None:
        other = _match(array, want)
        if other is not None:
            raise CheckFailed(f"the extractor gives the output of digit_model's layer '{names[other]}', not of "
                              "'pool'", hint='Ask for digit_model.get_layer("pool").output.')
        if record["snapshot"] is not None and _match(array, record["snapshot"]) is not None:
            raise CheckFailed("the extractor still computes the features of snapshot, the untrained copy, not "
                              "those of digit_model", hint="Build it from digit_model's own input and layers.")
        expect(tuple(array.shape[1:]) == tuple(want[target].shape[1:]), "the shape of each image's features is "
               "not what digit_model's 'pool' layer gives", got=tuple(array.shape[1:]),
               hint='Take the output of the layer named "pool" itself.')
        raise CheckFailed("the extractor's values differ from what digit_model's 'pool' layer computes",
                          hint="Build it from digit_model's own layers (not a copy with other weights).")
    for layer in record["layers"]:
        if layer["given"] is not None and str(layer["given"]).startswith("digit_model"):
            continue
        if layer["given"] is not None:
            raise CheckFailed(f"the extractor's {layer['kind']} layer is {layer['given']}, a layer of the copy, not "
                              "of digit_model: even with the same weights it would not follow digit_model if it "
                              "were trained further", hint="Build the extractor from digit_model's own layers.")
        if layer["copy_of"] is not None and str(layer["copy_of"]).startswith("digit_model"):
            raise CheckFailed(f"the extractor's {layer['kind']} layer is a copy of {layer['copy_of']} (the same "
                              "weights today, another layer object): it would not follow digit_model if it were "
                              "trained further", hint="Build the extractor from digit_model's own layers: "
                                                      "digit_model.inputs[0] and digit_model.get_layer(...).output.")
        raise CheckFailed(f"the extractor's {layer['kind']} layer is not one of digit_model's layers",
                          hint="Build the extractor from digit_model's own input and layers.")


EXERCISES = [
    Exercise(
        "seq06_predict_feature_shapes",
        title="Predict the shapes an extractor returns",
        points=1,
        kind="literal",
        variable="feature_shapes",
        activity="predict",
        prepare=feature_shape_list,
        checks=[_feature_shapes_form, c.matches_digest(
            SALT_FEATURES, "73ea7ad7d784f885ebd5b245bd07d6e0", known=KNOWN_FEATURES,
            what="height and width are not right yet", parts=PARTS_FEATURES, order="one shape per layer, the "
            "first layer first", names=("the first Conv2D's shape", "the second Conv2D's shape",
                                       "the MaxPooling2D's shape"),
            hint="Go layer by layer: 'valid' convolution out = (size - kernel) // strides + 1; pooling out = "
                 "size // pool_size.")],
        hints=("The extractor returns one output per layer; compare with the first extractor of the notebook, "
               "on 250x250 images.",
               "Each output is (images, height, width, channels): the batch is the number of images it is called "
               "on; a 'valid' Conv2D gives (size - kernel) // strides + 1, a pooling layer size // pool_size, "
               "and the channels are the filters."),
        unrecordable="a list of tuples, e.g. [(2, 9, 9, 8)]",
    ),
    Exercise(
        "seq06_all_outputs",
        title="A feature extractor for every layer",
        points=2,
        kind="model",
        variable="extractor",
        given=("digit_model",),
        keep_given=("digit_model",),
        prepare=extractor_probe,
        checks=[every_layer_in_order],
        activity="build",
        hints=("Look at the first cells: the guide's feature extractor does this for initial_model.",
               "keras.Model(inputs=..., outputs=[...]) takes digit_model's input tensor (digit_model.inputs[0]) "
               "and a list with each layer's symbolic output (layer.output), in the order of digit_model.layers."),
        unrecordable="a keras.Model built from digit_model's input and its layers' outputs",
    ),
    Exercise(
        "seq06_block2_features",
        title="The features of one layer",
        points=2,
        kind="array",
        variable="features",
        given=("digit_model", "x_small"),
        keep_given=("digit_model",),
        prepare=block2_probe,
        checks=[block2_features_right],
        activity="build",
        hints=("Look at 'Just one layer, by name' and at the cell that shows the first convolution's maps.",
               "digit_model.get_layer(name).output is symbolic: wrap it in keras.Model(digit_model.inputs[0], ...) "
               "and call that model (or its predict) on the images to get numbers."),
        unrecordable="a NumPy array or a tensor of numbers",
    ),
    Exercise(
        "seq06_fix_extractor",
        title="Fix an extractor built from a copy",
        points=2,
        kind="model",
        variable="pool_features",
        given=("digit_model",),
        keep_given=("digit_model",),
        optional_given=("snapshot",),
        activity="debug",
        prepare=fixed_extractor_probe,
        checks=[pool_features_right],
        judge_needs_keras=False,
        hints=("Compare pool_features(x_small[:2]) with what digit_model's own layers give: where do its layers "
               "come from?",
               "keras.models.clone_model copies the architecture with new, untrained weights. An extractor must "
               "be built from the trained model itself: its input tensor and the layer's output, found by name."),
        unrecordable="a keras.Model built from digit_model's input and one layer's output",
    ),
]
