"""Hidden part of chapter B8 (instructor only: never released, never in the student's package)."""
from kitlib.exercises.hidden import Hidden

POOLS = "[l.output for l in vgg19.layers if isinstance(l, layers.MaxPooling2D)]"

HIDDEN = [
    Hidden(
        "fn08_pool_outputs",
        wrong_answers=[
            ("pool_features = keras.Model(vgg19.inputs, [layer.output for layer in vgg19.layers])", "number of outputs"),
            ("names = ['block1_conv2', 'block2_conv2', 'block3_conv4', 'block4_conv4', 'block5_conv4']\n"
             "pool_features = keras.Model(vgg19.inputs, [vgg19.get_layer(n).output for n in names])", "block1_conv2"),
            ("fresh = keras.applications.VGG19(weights=None)\npool_features = keras.Model(fresh.inputs, "
             "[l.output for l in fresh.layers if isinstance(l, layers.MaxPooling2D)])", "not one of vgg19's own"),
            (f"pool_features = keras.Model(vgg19.inputs, {POOLS}[::-1])", "block order"),
        ],
        other_solutions=[
            "pool_features = keras.Model(vgg19.input, [vgg19.get_layer(f'block{i}_pool').output for i in range(1, 6)])",
            "outs = [layer.output for layer in vgg19.layers if type(layer).__name__ == 'MaxPooling2D']\n"
            "pool_features = keras.Model(inputs=vgg19.inputs, outputs=outs)",
            "pool_features = keras.Model(vgg19.inputs, {l.name: l.output for l in vgg19.layers if l.name.endswith('_pool')})",
        ],
        equivalent_mutants={
            "vgg19.layers[:-1]: the last layer left out": "vgg19's last layer (predictions) is not a MaxPooling2D: "
            "the comprehension picks the same five layers",
            "vgg19.layers[1:]: the first layer left out": "vgg19's first layer (the input) is not a MaxPooling2D: "
            "the comprehension picks the same five layers",
        },
    ),
    Hidden(
        "fn08_fc2_embedder",
        wrong_answers=[
            ("embedder = keras.Model(vgg19.inputs, vgg19.get_layer('fc1').output)", "fc1"),
            ("embedder = keras.Model(vgg19.inputs, layers.Dense(4096, activation='relu')(vgg19.get_layer('fc1').output))",
             "not vgg19's own"),
            ("fresh = keras.applications.VGG19(weights=None)\nembedder = keras.Model(fresh.inputs, "
             "fresh.get_layer('fc2').output)", "not vgg19's own"),
            ("embedder = keras.Model(vgg19.inputs, vgg19.outputs)", "predictions"),
        ],
        other_solutions=[
            "embedder = keras.Model(vgg19.inputs, vgg19.layers[-2].output)",
            "embedder = keras.Model(inputs=vgg19.input, outputs=vgg19.get_layer(name='fc2').output)",
            "embedder = keras.Model(vgg19.inputs, [vgg19.get_layer('fc2').output])",
        ],
    ),
]
