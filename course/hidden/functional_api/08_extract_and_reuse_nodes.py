"""Hidden part of chapter B8 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
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
            "given vgg19 recompiled first (sgd, mse)": "compiling vgg19 changes none of its layers: the new model reads the same pretrained outputs",
            "given vgg19 frozen first (trainable = False)": "the task only reads features out of vgg19: frozen or not, the layers compute the same outputs",
            "vgg19.layers[:-1]: the last layer left out": "vgg19's last layer (predictions) is not a MaxPooling2D: "
            "the comprehension picks the same five layers",
            "vgg19.layers[1:]: the first layer left out": "vgg19's first layer (the input) is not a MaxPooling2D: "
            "the comprehension picks the same five layers",
        },
        explanation="Every layer of vgg19 keeps its output tensor, so a list comprehension that keeps the "
                    "MaxPooling2D layers, in vgg19.layers' order, gives the five block outputs. keras.Model from "
                    "vgg19's own input to them re-uses the layers and weights up to block5_pool: only the "
                    "convolutions, 20,024,384 parameters, and no new layer.",
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
        equivalent_mutants={
            "given vgg19 recompiled first (sgd, mse)": "compiling vgg19 changes none of its layers: the new model reads the same pretrained outputs",
            "given vgg19 frozen first (trainable = False)": "the task only reads features out of vgg19: frozen or not, the layers compute the same outputs",
        },
        explanation="fc2 is the last hidden layer, and vgg19.get_layer(\"fc2\").output is its tensor in vgg19's own "
                    "graph. keras.Model(vgg19.inputs, that tensor) re-uses every layer up to fc2 with its weights "
                    "and leaves out the classifier: 4,096 numbers per image, 139,570,240 parameters.",
    ),
    Hidden(
        "fn08_predict_features",
        expected=[16, [1, 14, 14, 512]],
        checks=[c.equals_expected("the prediction is not right yet")],
        wrong_answers=[
            ("predicted_features = (20, (1, 14, 14, 512))", "two convolutions each"),
            ("predicted_features = (26, (1, 14, 14, 512))", "not all 26"),
            ("predicted_features = (19, (1, 14, 14, 512))", "3 Dense layers"),
            ("predicted_features = (16, (1, 7, 7, 512))", "block5_pool"),
            ("predicted_features = (16, (None, 14, 14, 512))", "batch axis is 1"),
            ("predicted_features = (5, (1, 7, 7, 512))", "2 parts are not right yet"),
            ("predicted_features = (16, (14, 14, 512))", "4 axes"),
            ("predicted_features = ((1, 14, 14, 512), 16)", "whole number"),
        ],
        other_solutions=[
            "predicted_features = [16, [1, 14, 14, 512]]",
            "predicted_features = (2 * 2 + 3 * 4, (1, 14, 14, 512))",
            "import numpy as _np\npredicted_features = (_np.int64(16), (1, 14, 14, 512))",
        ],
        explanation="The names with \"conv\" are blockN_convM: two in blocks 1 and 2, four in blocks 3, 4 and 5, "
                    "16 in all (the input, the pooling layers, flatten and the Dense layers have none). The last is "
                    "block5_conv4: four poolings before it halve 224 to 14, and padding=\"same\" keeps that size, "
                    "with block 5's 512 channels; applied to one image the batch axis is 1: (1, 14, 14, 512).",
    ),
    Hidden(
        "fn08_read_summaries",
        expected=["b", "c", "g", "d"],
        checks=[c.equals_expected("not every summary is matched right yet")],
        wrong_answers=[
            ("ends_with = ('c', 'b', 'g', 'd')", "2 of the 4 summaries"),
            ("ends_with = ('b', 'c', 'e', 'd')", "summary 3: your letter (e)"),
            ("ends_with = ('b', 'c', 'f', 'd')", "summary 3: your letter (f)"),
            ("ends_with = ('b', 'a', 'g', 'd')", "summary 2"),
            ("ends_with = ('b', 'c', 'g', 'c')", "summary 4"),
            ("ends_with = ('b', 'c', 'g')", "one letter for each of the 4 questions"),
            ("ends_with = ('b', 'c', 'g', 'h')", "not among the options"),
        ],
        other_solutions=[
            "ends_with = ['b', 'c', 'g', 'd']",
            "ends_with = 'b c g d'",
            "ends_with = ('B', 'C', 'G', 'D')",
        ],
        explanation="56x56 maps with 256 channels come from block 3's convolutions, and the total 2,325,568 is "
                    "everything up to block3_conv4 (b). The same total with 28x28 maps means a layer without "
                    "weights halved them: block3_pool (c). A single axis of 25,088 = 7 x 7 x 512 is flatten, with "
                    "only the convolutions' parameters (g). 28x28 with 512 channels and more parameters is block 4's "
                    "first convolution (d).",
    ),
]