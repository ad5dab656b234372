"""Hidden part of chapter A6 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

BLOCK2 = "keras.Model(digit_model.inputs[0], digit_model.get_layer('block2_conv').output)"

HIDDEN = [
    Hidden(
        "seq06_all_outputs",
        wrong_answers=[
            ("extractor = keras.Model(inputs=digit_model.inputs, outputs=digit_model.outputs)", "1 output"),
            ("extractor = keras.Model(inputs=digit_model.inputs, "
             "outputs=[layer.output for layer in digit_model.layers[:-1]])", "5 outputs"),
            ("extractor = keras.Model(inputs=digit_model.inputs, "
             "outputs=[layer.output for layer in reversed(digit_model.layers)])", "should be 'block1_conv'"),
            ("copy = keras.models.clone_model(digit_model)\n"
             "extractor = keras.Model(copy.inputs, [layer.output for layer in copy.layers])", "other values"),
            ("extractor = keras.Model(inputs=digit_model.inputs, "
             "outputs=[layer.output for layer in digit_model.layers[1:]])", "5 outputs"),
        ],
        other_solutions=[
            "extractor = keras.Model(inputs=digit_model.inputs, outputs=[l.output for l in digit_model.layers])",
            "names = ['block1_conv', 'block1_pool', 'block2_conv', 'block2_pool', 'pool', 'scores']\n"
            "extractor = keras.Model(digit_model.inputs[0], [digit_model.get_layer(n).output for n in names])",
            "outs = []\nfor layer in digit_model.layers:\n    outs.append(layer.output)\n"
            "extractor = keras.Model(inputs=digit_model.inputs[0], outputs=outs)",
            "extractor = keras.Model(digit_model.inputs, {layer.name: layer.output for layer in digit_model.layers})",
        ],
        explanation="Every layer of the built digit_model has a symbolic output. keras.Model(digit_model.inputs[0], "
                    "[layer.output for layer in digit_model.layers]) is a new model that computes all six from one "
                    "image batch, with digit_model's own layers and weights: nothing is copied.",
    ),
    Hidden(
        "seq06_block2_features",
        wrong_answers=[
            ("features = digit_model.get_layer('block2_conv').output", "symbolic"),
            ("features = keras.Model(digit_model.inputs[0], digit_model.get_layer('block1_conv').output)"
             ".predict(x_small[:8], verbose=0)", "block1_conv"),
            (f"features = {BLOCK2}.predict(x_small[:5], verbose=0)", "5 images"),
            (f"features = {BLOCK2}.predict(x_small[8:16], verbose=0)", "other images"),
            ("features = keras.Model(digit_model.inputs[0], [l.output for l in digit_model.layers])(x_small[:8])",
             "list"),
            ("copy = keras.models.clone_model(digit_model)\n"
             "features = keras.Model(copy.inputs[0], copy.get_layer('block2_conv').output).predict(x_small[:8], "
             "verbose=0)", "values differ"),
            (f"features = {BLOCK2}.predict(x_small[:8] * 255, verbose=0)", "other images"),
        ],
        other_solutions=[
            f"features = {BLOCK2}(x_small[:8])",
            "h = x_small[:8]\nfor layer in digit_model.layers[:3]:\n    h = layer(h)\nfeatures = h",
            "extractor = keras.Model(digit_model.inputs, [l.output for l in digit_model.layers])\n"
            "features = extractor.predict(x_small[:8], verbose=0)[2]",
            f"features = keras.ops.convert_to_numpy({BLOCK2}(x_small[:8])).tolist()",
            f"import tensorflow as tf\nfeatures = tf.constant({BLOCK2}.predict(x_small[:8], verbose=0))",
        ],
        explanation="digit_model.get_layer('block2_conv').output is only a placeholder. keras.Model from "
                    "digit_model's input to it computes it; calling that model (or its predict) on x_small[:8] "
                    "gives the numbers: 8 images of 11x11 maps with 16 channels.",
    ),
    Hidden(
        "seq06_predict_feature_shapes",
        expected=[(2, 31, 31, 8), (2, 29, 29, 8), (2, 14, 14, 8)],
        checks=[c.equals_expected("height and width are not right yet")],
        wrong_answers=[
            ("feature_shapes = [(2, 32, 32, 8), (2, 30, 30, 8), (2, 15, 15, 8)]", "padding"),
            ("feature_shapes = [(2, 62, 62, 8), (2, 60, 60, 8), (2, 30, 30, 8)]", "strides=2"),
            ("feature_shapes = [(2, 31, 31, 8), (2, 29, 29, 8), (2, 15, 15, 8)]", "rounded down"),
            ("feature_shapes = [(None, 31, 31, 8), (None, 29, 29, 8), (None, 14, 14, 8)]", "called on 2 images"),
            ("feature_shapes = [(2, 14, 14, 8)]", "one output per layer"),
            ("feature_shapes = [(2, 31, 31, 8), (2, 29, 29, 8), (2, 14, 14, 3)]", "channels"),
            ("feature_shapes = [(2, 31, 31, 8), (2, 28, 28, 8), (2, 14, 14, 8)]", "+ 1"),
            ("feature_shapes = [(31, 31, 8), (29, 29, 8), (14, 14, 8)]", "4 axes"),
        ],
        other_solutions=[
            "feature_shapes = [[2, 31, 31, 8], [2, 29, 29, 8], [2, 14, 14, 8]]",
            "feature_shapes = ((2, 31, 31, 8), (2, 29, 29, 8), (2, 14, 14, 8))",
            "sizes = [(64 - 3) // 2 + 1]\nsizes.append(sizes[-1] - 3 + 1)\nsizes.append(sizes[-1] // 2)\n"
            "feature_shapes = [(2, s, s, 8) for s in sizes]",
        ],
        explanation="The extractor returns one output per layer, each (images, height, width, channels) with 2 "
                    "images. Conv2D(8, 3, strides=2) on 64: (64 - 3) // 2 + 1 = 31; Conv2D(8, 3): 31 - 3 + 1 = 29; "
                    "MaxPooling2D(2): 29 // 2 = 14. Every layer keeps 8 channels.",
    ),
    Hidden(
        "seq06_fix_extractor",
        wrong_answers=[
            ("pool_features = keras.Model(snapshot.inputs[0], snapshot.get_layer('pool').output)", "untrained copy"),
            ("pool_features = keras.Model(digit_model.inputs[0], digit_model.get_layer('block2_pool').output)",
             "'block2_pool'"),
            ("snapshot.set_weights(digit_model.get_weights())\n"
             "pool_features = keras.Model(snapshot.inputs[0], snapshot.get_layer('pool').output)", "a layer of the copy"),
            ("copy = keras.models.clone_model(digit_model)\ncopy.set_weights(digit_model.get_weights())\n"
             "pool_features = keras.Model(copy.inputs[0], copy.get_layer('pool').output)", "a copy of"),
            ("pool_features = keras.Model(digit_model.inputs[0], [digit_model.get_layer('pool').output, "
             "digit_model.get_layer('scores').output])", "2 outputs"),
            ("pool_features = digit_model", "'scores'"),
        ],
        other_solutions=[
            "pool_features = keras.Model(inputs=digit_model.inputs, outputs=digit_model.layers[4].output)",
            "pool_features = keras.Model(digit_model.inputs[0], [digit_model.get_layer(name='pool').output])",
            "layer = [l for l in digit_model.layers if l.name == 'pool'][0]\n"
            "pool_features = keras.Model(digit_model.inputs[0], layer.output, name='pool_features')",
        ],
        explanation="snapshot = keras.models.clone_model(digit_model) has the same architecture but new, untrained "
                    "weights, so its 'pool' features are not digit_model's. Built from digit_model.inputs[0] and "
                    "digit_model.get_layer('pool').output, the extractor uses the trained layers themselves and "
                    "follows them if digit_model is trained further.",
    ),
]
