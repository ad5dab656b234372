"""A6 · Feature extraction: predict_feature_shapes, all_outputs, block2_features, fix_extractor."""
from exercise_gallery.sequential_model import right, wrong

PREDICT = "seq06_predict_feature_shapes"
ALL = "seq06_all_outputs"
BLOCK2 = "seq06_block2_features"
FIX = "seq06_fix_extractor"
PREDICT_SECRETS = (r"31, 31, 8\).*29, 29, 8\).*14, 14, 8\)",)
B2 = 'keras.Model(digit_model.inputs[0], digit_model.get_layer("block2_conv").output)'

CASES = [
    # ---- seq06_predict_feature_shapes: [(2, 31, 31, 8), (2, 29, 29, 8), (2, 14, 14, 8)]
    right(PREDICT, "built-and-read", "built probe_extractor and read the shapes (checking oneself)", """
        probe_model = keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Conv2D(8, 3, strides=2, activation="relu"),
                                        layers.Conv2D(8, 3, activation="relu"), layers.MaxPooling2D(2)])
        probe_extractor = keras.Model(probe_model.inputs[0], [layer.output for layer in probe_model.layers])
        maps = probe_extractor(np.ones((2, 64, 64, 3), dtype="float32"))
        feature_shapes = [tuple(m.shape) for m in maps]
    """),
    right(PREDICT, "prefix-batch", "one-sample shapes with the batch put in front", """
        feature_shapes = [(2,) + s for s in [(31, 31, 8), (29, 29, 8), (14, 14, 8)]]
    """),
    right(PREDICT, "numpy", "NumPy numbers", """
        feature_shapes = [tuple(np.array([2, s, s, 8])) for s in (31, 29, 14)]
    """),
    wrong(PREDICT, "reversed", "order: last layer first", ("order",), """
        feature_shapes = [(2, 14, 14, 8), (2, 29, 29, 8), (2, 31, 31, 8)]
    """, secrets=PREDICT_SECRETS),
    wrong(PREDICT, "input-channels", "the first map keeps the image's 3 channels", ("channel", "filters"), """
        feature_shapes = [(2, 31, 31, 3), (2, 29, 29, 8), (2, 14, 14, 8)]
    """, secrets=PREDICT_SECRETS),
    wrong(PREDICT, "no-pooling", "pooling ignored", ("MaxPooling2D", "pool"), """
        feature_shapes = [(2, 31, 31, 8), (2, 29, 29, 8), (2, 29, 29, 8)]
    """, secrets=PREDICT_SECRETS),
    wrong(PREDICT, "one-image", "batch of one", ("2 images", "batch", "first axis"), """
        feature_shapes = [(1, 31, 31, 8), (1, 29, 29, 8), (1, 14, 14, 8)]
    """, secrets=PREDICT_SECRETS),
    wrong(PREDICT, "input-included", "the input's shape listed first", ("one output per layer", "3", "layer", "input"), """
        feature_shapes = [(2, 64, 64, 3), (2, 31, 31, 8), (2, 29, 29, 8), (2, 14, 14, 8)]
    """, secrets=PREDICT_SECRETS),
    wrong(PREDICT, "conv-only", "the pooling layer's output left out", ("one output per layer", "3", "layer"), """
        feature_shapes = [(2, 31, 31, 8), (2, 29, 29, 8)]
    """, secrets=PREDICT_SECRETS),

    # ---- seq06_all_outputs: outputs of all six layers of digit_model, in order
    right(ALL, "new-input-own-calls", "a new Input of the same shape, digit_model's layers called on it", """
        inp = keras.Input(shape=(28, 28, 1))
        h, outs = inp, []
        for layer in digit_model.layers:
            h = layer(h)
            outs.append(h)
        extractor = keras.Model(inp, outs)
    """),
    right(ALL, "indexed-tuple", "outputs as a tuple by index", """
        extractor = keras.Model(inputs=digit_model.inputs, outputs=tuple(digit_model.layers[i].output for i in range(6)))
    """),
    right(ALL, "next-layer-inputs", "each layer's output read as the next layer's input, plus the last output", """
        outs = [layer.input for layer in digit_model.layers[1:]] + [digit_model.layers[-1].output]
        extractor = keras.Model(digit_model.inputs[0], outs, name="all_maps")
    """),
    wrong(ALL, "list-of-tensors", "the list of outputs, not a model", ("model", "keras.Model"), """
        extractor = [layer.output for layer in digit_model.layers]
    """),
    wrong(ALL, "layer-inputs", "each layer's input (shifted by one)", ("input", "block1_conv", "layer 1", "output 1"), """
        extractor = keras.Model(digit_model.inputs[0], [layer.input for layer in digit_model.layers])
    """),
    wrong(ALL, "input-added", "the input listed as an output too (7 outputs)", ("7", "6 outputs", "outputs"), """
        extractor = keras.Model(digit_model.inputs[0], [digit_model.inputs[0]] + [l.output for l in digit_model.layers])
    """),
    wrong(ALL, "new-layers", "new layers of the same kinds on a new input (not digit_model's)",
          ("digit_model", "layer", "values", "weights"), """
        inp = keras.Input(shape=(28, 28, 1))
        outs = [layers.Conv2D(8, 3, activation="relu")(inp)]
        outs.append(layers.MaxPooling2D(2)(outs[-1]))
        outs.append(layers.Conv2D(16, 3, activation="relu")(outs[-1]))
        outs.append(layers.MaxPooling2D(2)(outs[-1]))
        outs.append(layers.GlobalAveragePooling2D()(outs[-1]))
        outs.append(layers.Dense(10)(outs[-1]))
        extractor = keras.Model(inp, outs)
    """),
    wrong(ALL, "numbers", "the outputs computed on x_small (numbers, not a model)", ("model",), """
        extractor = keras.Model(digit_model.inputs[0], [l.output for l in digit_model.layers]).predict(x_small, verbose=0)
    """),
    wrong(ALL, "conv-only", "only the convolution layers' outputs", ("2 outputs", "6", "outputs"), """
        extractor = keras.Model(digit_model.inputs[0], [l.output for l in digit_model.layers if "conv" in l.name])
    """),

    # ---- seq06_block2_features: block2_conv's output on x_small[:8], as numbers
    right(BLOCK2, "tensor-call", "a direct call (a tensor)", f"""
        features = {B2}(keras.ops.convert_to_tensor(x_small[:8]))
    """),
    right(BLOCK2, "batch-size", "predict in batches of 4, converted by NumPy", f"""
        features = np.asarray({B2}.predict(x_small[:8], batch_size=4, verbose=0))
    """),
    right(BLOCK2, "by-name-loop", "layers called by hand up to the one named block2_conv", """
        h = x_small[:8]
        for layer in digit_model.layers:
            h = layer(h)
            if layer.name == "block2_conv":
                break
        features = keras.ops.convert_to_numpy(h)
    """),
    wrong(BLOCK2, "pool-layer", "block2_pool instead of block2_conv", ("block2_conv", "layer", "shape"), """
        features = keras.Model(digit_model.inputs[0], digit_model.get_layer("block2_pool").output).predict(
            x_small[:8], verbose=0)
    """),
    wrong(BLOCK2, "all-64", "all 64 images", ("8 images", "images", "first 8"), f"""
        features = {B2}.predict(x_small, verbose=0)
    """),
    wrong(BLOCK2, "unscaled", "the raw test images (0..255)", ("images", "x_small", "values", "scaled"), f"""
        features = {B2}.predict(x_test[:8, :, :, None].astype("float32"), verbose=0)
    """),
    wrong(BLOCK2, "mean-over-images", "averaged over the 8 images", ("shape", "images"), f"""
        features = {B2}.predict(x_small[:8], verbose=0).mean(axis=0)
    """),
    wrong(BLOCK2, "channels-first", "channels moved first", ("shape", "axis", "channels"), f"""
        features = np.transpose({B2}.predict(x_small[:8], verbose=0), (0, 3, 1, 2))
    """),
    wrong(BLOCK2, "the-model", "the sub-model instead of its output", ("numbers", "array", "model"), f"""
        features = {B2}
    """),

    # ---- seq06_fix_extractor: keras.Model(digit_model's input, digit_model's 'pool' output)
    right(FIX, "scores-input", "the input of 'scores' (the same tensor as pool's output)", """
        pool_features = keras.Model(digit_model.inputs[0], digit_model.get_layer("scores").input)
    """),
    right(FIX, "sequential-of-own-layers", "a Sequential of digit_model's own first five layers", """
        pool_features = keras.Sequential([keras.Input(shape=(28, 28, 1))] + digit_model.layers[:5])
    """),
    right(FIX, "by-index-negative", "layers[-2] by index, with a name", """
        pool_features = keras.Model(inputs=digit_model.inputs[0], outputs=digit_model.layers[-2].output,
                                    name="pool_features_fixed")
    """),
    wrong(FIX, "max-instead-of-avg", "a new global max pooling on block2_pool", ("pool", "digit_model"), """
        pool_features = keras.Model(digit_model.inputs[0],
                                    layers.GlobalMaxPooling2D()(digit_model.get_layer("block2_pool").output))
    """),
    wrong(FIX, "numbers", "the features themselves (numbers), not a model", ("model",), """
        pool_features = keras.Model(digit_model.inputs[0], digit_model.get_layer("pool").output).predict(
            x_small, verbose=0)
    """),
    wrong(FIX, "layer-itself", "the layer 'pool' itself", ("model", "layer"), """
        pool_features = digit_model.get_layer("pool")
    """),
    wrong(FIX, "copy-trained-again", "the copy trained on the same data (still not digit_model)",
          ("copy", "digit_model", "snapshot"), """
        snapshot.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        snapshot.fit(x_train[:256], y_train[:256], epochs=1, verbose=0)
        pool_features = keras.Model(snapshot.inputs[0], snapshot.get_layer("pool").output)
    """),
    wrong(FIX, "new-copy-own-weights", "a second clone given digit_model's weights (a frozen copy)",
          ("copy", "digit_model", "weights", "training"), """
        twin = keras.models.clone_model(digit_model)
        for mine, theirs in zip(twin.layers, digit_model.layers):
            mine.set_weights(theirs.get_weights())
        pool_features = keras.Model(twin.inputs[0], twin.get_layer("pool").output)
    """),
    wrong(FIX, "scores-output", "the output of 'scores' (the last layer)", ("pool", "scores", "shape", "16"), """
        pool_features = keras.Model(digit_model.inputs[0], digit_model.outputs[0])
    """),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
CASES += [
    right(ALL, "input-list-keywords", "inputs=digit_model.inputs (a list), outputs= keyword", """
        extractor = keras.Model(inputs=digit_model.inputs, outputs=[layer.output for layer in digit_model.layers])
    """),
    wrong(ALL, "last-left-out", "off by one: the last layer's output left out", ("six", "6", "outputs", "scores"), """
        extractor = keras.Model(digit_model.inputs[0], [layer.output for layer in digit_model.layers[:-1]])
    """),
    wrong(ALL, "reversed", "order: last layer first", ("order", "first"), """
        extractor = keras.Model(digit_model.inputs[0], [layer.output for layer in reversed(digit_model.layers)])
    """),
    right(BLOCK2, "get-layer-index", "the layer by index, predict on a slice", """
        conv = digit_model.layers[2]
        features = keras.Model(digit_model.inputs[0], conv.output).predict(x_small[:8], verbose=0)
    """),
    wrong(BLOCK2, "first-9", "off by one: the first 9 images", ("8 images", "images", "first 8"), f"""
        features = {B2}.predict(x_small[:9], verbose=0)
    """),
    wrong(BLOCK2, "last-8", "the last 8 images instead of the first", ("first 8", "images", "x_small"), f"""
        features = {B2}.predict(x_small[-8:], verbose=0)
    """),
    right(FIX, "one-output-list", "keras.Model(inputs=..., outputs=[...]) with one output in a list", """
        pool_features = keras.Model(inputs=digit_model.inputs, outputs=[digit_model.get_layer("pool").output])
    """),
]
CASES += [
    right(ALL, "dict-by-name", "outputs as a dict keyed by layer name (sorted names = layer order here)", """
        extractor = keras.Model(digit_model.inputs[0], {layer.name: layer.output for layer in digit_model.layers})
    """),
]
