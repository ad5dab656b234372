"""Hidden part of chapter A6 (instructor only: never released, never in the student's package)."""
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
    ),
]
