"""Chapter A6 · Feature extraction with a Sequential model (``06_feature_extraction.ipynb``).

Both answers are judged against what the kit computes from the *given* ``digit_model`` (its own
layers, called one after another by kit code) on the same inputs, never against parts the
student built: an extractor made from a copy with other weights, outputs in another order, the
features of another layer or of other images are each recognised and named.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises.core import CheckFailed, Context, Exercise, expect
from kitlib.exercises.describe import describe_model, model_outputs, to_array


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
    expect(got.ndim >= 1 and got.shape[0] == want.shape[0], f"you computed features for {got.shape[0] if got.ndim else 0}"
           " images; the task asks for the first 8 images, x_small[:8]", hint="Give it x_small[:8].")
    if record["looks_like"] and record["looks_like"].startswith("layer"):
        raise CheckFailed(f"these are the outputs of {record['looks_like']}, not of 'block2_conv'",
                          hint='Use digit_model.get_layer("block2_conv").output.')
    expect(got.shape == want.shape, "the shape of each image's features is not what block2_conv gives",
           got=tuple(got.shape[1:]), hint='Take the output of the layer named "block2_conv" itself.')
    if record["looks_like"]:
        raise CheckFailed(f"these are block2_conv's features of {record['looks_like']}",
                          hint="Use the first 8 images exactly as they are: x_small[:8].")
    worst = float(np.max(np.abs(got - want))) if got.size else 0.0
    expect(bool(np.allclose(got, want, atol=1e-4)), "the values differ from block2_conv's output for x_small[:8]",
           got=f"values that differ by up to {worst:.3g}",
           hint="Use digit_model's own layers (not a copy or a new model) and the images as they are.")


EXERCISES = [
    Exercise(
        "seq06_all_outputs",
        title="A feature extractor for every layer",
        points=2,
        kind="model",
        variable="extractor",
        given=("digit_model",),
        prepare=extractor_probe,
        checks=[every_layer_in_order],
        unrecordable="a keras.Model built from digit_model's input and its layers' outputs",
    ),
    Exercise(
        "seq06_block2_features",
        title="The features of one layer",
        points=2,
        kind="array",
        variable="features",
        given=("digit_model", "x_small"),
        prepare=block2_probe,
        checks=[block2_features_right],
        unrecordable="a NumPy array or a tensor of numbers",
    ),
]
