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
