"""B8 · Extract and reuse nodes: fn08_pool_outputs, fn08_fc2_embedder (on the notebook's vgg19)."""
from exercise_gallery.functional_api import right, wrong

POOLS = "fn08_pool_outputs"
FC2 = "fn08_fc2_embedder"

CASES = [
    # ---- fn08_pool_outputs: vgg19's input -> the outputs of its five MaxPooling2D layers, in order
    right(POOLS, "by-name", "layers picked by name, vgg19.input", """
        pool_features = keras.Model(vgg19.input, [vgg19.get_layer(f"block{i}_pool").output for i in range(1, 6)])
    """),
    right(POOLS, "class-name-tuple", "type name test, keyword arguments", """
        outs = [layer.output for layer in vgg19.layers if type(layer).__name__ == "MaxPooling2D"]
        pool_features = keras.Model(inputs=vgg19.inputs, outputs=outs)
    """),
    right(POOLS, "dict-by-name", "dict outputs keyed by layer name (sorted = block order)", """
        pool_features = keras.Model(vgg19.inputs, {layer.name: layer.output for layer in vgg19.layers
                                                   if layer.name.endswith("_pool")})
    """),
    wrong(POOLS, "last-convs", "other nodes: the last convolution of each block", ("pool", "shape"), """
        names = ["block1_conv2", "block2_conv2", "block3_conv4", "block4_conv4", "block5_conv4"]
        pool_features = keras.Model(vgg19.inputs, [vgg19.get_layer(n).output for n in names])
    """),
    wrong(POOLS, "fresh-vgg19", "provenance: a freshly built VGG19 instead of the notebook's vgg19",
          ("vgg19", "weights", "given"), """
        fresh = keras.applications.VGG19(weights=None)
        pool_features = keras.Model(fresh.inputs, [l.output for l in fresh.layers if isinstance(l, layers.MaxPooling2D)])
    """),
    wrong(POOLS, "with-input", "the input image as a sixth output", ("number of outputs", "five", "5"), """
        outs = [vgg19.layers[0].output] + [l.output for l in vgg19.layers if isinstance(l, layers.MaxPooling2D)]
        pool_features = keras.Model(vgg19.inputs, outs)
    """),
    wrong(POOLS, "reversed", "order: deepest block first", ("order", "output 1", "first"), """
        outs = [l.output for l in vgg19.layers if isinstance(l, layers.MaxPooling2D)]
        pool_features = keras.Model(vgg19.inputs, outs[::-1])
    """),

    # ---- fn08_fc2_embedder: vgg19's input -> fc2's output
    right(FC2, "by-position", "vgg19.layers[-2]", """
        embedder = keras.Model(vgg19.inputs, vgg19.layers[-2].output)
    """),
    right(FC2, "input-keyword-name", "vgg19.input, get_layer(name=...)", """
        embedder = keras.Model(inputs=vgg19.input, outputs=vgg19.get_layer(name="fc2").output)
    """),
    right(FC2, "output-list", "outputs as a list of one", """
        embedder = keras.Model(vgg19.inputs, [vgg19.get_layer("fc2").output])
    """),
    wrong(FC2, "fc1", "other node: fc1", ("fc2", "parameters"), """
        embedder = keras.Model(vgg19.inputs, vgg19.get_layer("fc1").output)
    """),
    wrong(FC2, "new-dense", "provenance: a new Dense(4096) in place of fc2 (same count)", ("fc2",), """
        embedder = keras.Model(vgg19.inputs, layers.Dense(4096, activation="relu")(vgg19.get_layer("fc1").output))
    """),
    wrong(FC2, "fresh-vgg19", "provenance: a freshly built VGG19", ("vgg19", "weights", "given"), """
        fresh = keras.applications.VGG19(weights=None)
        embedder = keras.Model(fresh.inputs, fresh.get_layer("fc2").output)
    """),
    wrong(FC2, "predictions", "other node: the class scores", ("fc2", "output shape", "4096"), """
        embedder = keras.Model(vgg19.inputs, vgg19.outputs)
    """),
]

# ---- the practice items added after the audit (held-out answers: other spellings, typical mistakes)
FEATURES = "fn08_predict_features"
ENDS = "fn08_read_summaries"

CASES += [
    # fn08_predict_features: (16, (1, 14, 14, 512))
    right(FEATURES, "from-names", "counted from the layer names, the size worked out", """
        names = [layer.name for layer in vgg19.layers]
        side = 224 // 2 ** 4
        predicted_features = (sum("conv" in name for name in names), (1, side, side, 512))
    """),
    right(FEATURES, "list-shape", "the shape as a list", "predicted_features = (16, [1, 14, 14, 512])"),
    right(FEATURES, "numpy-shape", "NumPy integers in the shape", """
        import numpy as np
        predicted_features = (16, tuple(np.array([1, 14, 14, 512])))
    """),
    wrong(FEATURES, "pools-counted", "the pooling layers counted too", ("pool", "conv"),
          "predicted_features = (16 + 5, (1, 14, 14, 512))"),
    wrong(FEATURES, "no-pooling", "the 224 x 224 size kept (no pooling in between)", ("pool", "halve"),
          "predicted_features = (16, (1, 224, 224, 512))"),
    wrong(FEATURES, "no-channels", "the shape without its channels", ("4 axes", "axes"),
          "predicted_features = (16, (1, 14, 14))"),
    wrong(FEATURES, "shape-text", "the shape as text", ("shape", "tuple", "whole number"),
          'predicted_features = (16, "(1, 14, 14, 512)")'),
    wrong(FEATURES, "block4-channels", "block 5's channels taken as 256", ("channels", "512", "block"),
          "predicted_features = (16, (1, 14, 14, 256))"),

    # fn08_read_summaries: ("b", "c", "g", "d")
    right(ENDS, "list", "a list from a string", 'ends_with = list("bcgd")'),
    right(ENDS, "mixed-case", "capitals and spaces", 'ends_with = ("b ", "C", "G", " d")'),
    right(ENDS, "from-dict", "from a dict of summaries", """
        picks = {1: "b", 2: "c", 3: "g", 4: "d"}
        ends_with = [picks[i] for i in sorted(picks)]
    """),
    wrong(ENDS, "q1-pool", "summary 1: block3_pool", ("height and width", "block3_pool"),
          'ends_with = ("c", "c", "g", "d")'),
    wrong(ENDS, "q2-conv", "summary 2: block3_conv4", ("56x56", "halves"),
          'ends_with = ("b", "b", "g", "d")'),
    wrong(ENDS, "q4-fc1", "summary 4: fc1", ("channels", "fc1"), 'ends_with = ("b", "c", "g", "f")'),
    wrong(ENDS, "all-a", "the same letter everywhere", ("summaries", "not matched"), 'ends_with = ("a", "a", "a", "a")'),
    wrong(ENDS, "numbers", "option numbers", ("letter",), "ends_with = (2, 3, 7, 4)"),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
CASES += [
    right(POOLS, "isinstance-tuple", "isinstance on keras.layers.MaxPooling2D, outputs as a tuple", """
        outs = tuple(layer.output for layer in vgg19.layers if isinstance(layer, keras.layers.MaxPooling2D))
        pool_features = keras.Model(vgg19.inputs[0], outs)
    """),
    wrong(POOLS, "four-blocks", "off by one: range(1, 5), block 5 left out", ("five", "5", "number of outputs", "outputs"), """
        pool_features = keras.Model(vgg19.input, [vgg19.get_layer(f"block{i}_pool").output for i in range(1, 5)])
    """),
    right(FC2, "by-index", "fc2 by index (layers[-2])", """
        embedder = keras.Model(vgg19.inputs, vgg19.layers[-2].output)
    """),
    wrong(FC2, "fc2-input", "fc2's input (the output of fc1)", ("fc2", "parameters"), """
        embedder = keras.Model(vgg19.inputs, vgg19.get_layer("fc2").input)
    """),
    right(FEATURES, "list-pair", "a list holding the count and a list shape", """
        predicted_features = [16, [1, 14, 14, 512]]
    """),
    wrong(FEATURES, "batch-none", "None for the batch (the call has 1 image)", ("batch", "None", "1"), """
        predicted_features = (16, (None, 14, 14, 512))
    """),
    wrong(FEATURES, "after-last-pool", "the last shape taken after block5_pool", ("pool", "shape", "last", "conv"), """
        predicted_features = (16, (1, 7, 7, 512))
    """),
    wrong(ENDS, "q3-block5-pool", "summary 3: block5_pool (same count, not flat)", ("summary 3",), """
        ends_with = ("b", "c", "e", "d")
    """),
]
