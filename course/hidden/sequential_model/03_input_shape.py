"""Hidden part of chapter A3 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

HIDDEN = [
    Hidden(
        "seq03_predict_built",
        expected=[4, 38],
        checks=[c.equals_expected("not the right numbers yet")],
        wrong_answers=[
            ("built_counts = (4, 22)", "the first axis of the batch"),
            ("built_counts = (4, 32)", "bias too"),
            ("built_counts = (2, 38)", "each Dense layer has two"),
            ("built_counts = (0, 0)", "no longer unbuilt"),
            ("built_counts = (4, 0)", "builds it"),
            ("built_counts = 38", "should be a tuple of 2 numbers"),
            ("built_counts = (4, 37)", "not the right numbers"),
        ],
        other_solutions=[
            "built_counts = [4, 38]",
            "built_counts = (2 * 2, (6 * 4 + 4) + (4 * 2 + 2))",
            "import numpy as np\nbuilt_counts = np.array([4, 38])",
        ],
        explanation="Calling the model on np.ones((2, 6)) builds it: 2 is the number of samples, 6 the numbers in "
                    "each sample, so the first Dense layer gets a (6, 4) kernel and 4 biases (28 parameters) and "
                    "the second a (4, 2) kernel and 2 biases (10). Two layers, two weight tensors each: 4 tensors, "
                    "38 parameters.",
    ),
    Hidden(
        "seq03_weight_shapes",
        expected=[(7, 5), (5,), (5, 1), (1,)],
        checks=[c.equals_expected("not the right shapes yet")],
        wrong_answers=[
            ("weight_shapes = [(5, 7), (5,), (1, 5), (1,)]", "(inputs, units)"),
            ("weight_shapes = [(7, 5), (5, 1)]", "entry 2 should be a bias"),
            ("weight_shapes = [(7, 5), (7,), (5, 1), (5,)]", "does not fit the kernel"),
            ("weight_shapes = [(7, 5), (5,), (5, 1), (1,), (1, 1), (1,)]", "keras.Input is not a layer"),
            ("weight_shapes = [(7, 7), (7,), (7, 5), (5,), (5, 1), (1,)]", "not the right shapes"),
            ("weight_shapes = [(None, 7), (5,), (5, 1), (1,)]", "entry 1 should be whole numbers"),
            ("weight_shapes = (7, 5, 5, 1)", "entry 1 should be a shape"),
        ],
        other_solutions=[
            "weight_shapes = [[7, 5], [5], [5, 1], [1]]",
            "weight_shapes = ((7, 5), (5,), (5, 1), (1,))",
            "import numpy as np\nweight_shapes = [np.zeros((7, 5)).shape, (np.int64(5),), (5, 1), (1,)]",
        ],
        explanation="keras.Input(shape=(7,)) is not a layer, but it fixes the first layer's inputs: 7. The Dense "
                    "layer of 5 units has a (7, 5) kernel and a (5,) bias; the last layer receives those 5 numbers: "
                    "a (5, 1) kernel and a (1,) bias. model.weights lists them layer by layer, kernel first.",
    ),
    Hidden(
        "seq03_built_from_start",
        wrong_answers=[
            ("model = keras.Sequential([layers.Dense(8, activation='relu'), layers.Dense(1)])", "should be built"),
            ("model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(8, activation='relu'), "
             "layers.Dense(1)])", "one input sample"),
            ("model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(8), layers.Dense(1)])", "activation"),
            ("model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(8, activation='relu'), "
             "layers.Dense(1, activation='sigmoid')])", "activation"),
            ("model = keras.Sequential([keras.Input(shape=(None, 20)), layers.Dense(8, activation='relu'), "
             "layers.Dense(1)])", "one input sample"),
            ("model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(20, activation='relu'), "
             "layers.Dense(1)])", "units"),
        ],
        other_solutions=[
            "model = keras.Sequential([layers.Dense(8, activation='relu', input_shape=(20,)), layers.Dense(1)])",
            "model = keras.Sequential([layers.Dense(8, activation='relu'), layers.Dense(1)])\nmodel.build((None, 20))",
            "model = keras.Sequential()\nmodel.add(keras.Input(shape=(20,)))\nmodel.add(layers.Dense(8))\n"
            "model.add(layers.Activation('relu'))\nmodel.add(layers.Dense(1))",
        ],
        explanation="keras.Input(shape=(20,)) first in the list tells the model what one sample is, so Keras "
                    "creates every weight at once: 20*8 + 8 and 8*1 + 1, 177 parameters, before any data. Without "
                    "it the layers wait for their first call to know their input size.",
    ),
    Hidden(
        "seq03_fix_input_shape",
        wrong_answers=[
            ("model = broken", "the shape of one input sample"),
            ("model = keras.Sequential([keras.Input(shape=(None, 6)), layers.Dense(16, activation='relu'), "
             "layers.Dense(1, activation='sigmoid')])", "the shape of one input sample"),
            ("model = keras.Sequential([keras.Input(shape=(32, 6)), layers.Flatten(), "
             "layers.Dense(16, activation='relu'), layers.Dense(1, activation='sigmoid')])", "input sample"),
            ("model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(16, activation='relu'), "
             "layers.Dense(1)])", "activation"),
            ("model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(16), "
             "layers.Dense(1, activation='sigmoid')])", "activation"),
            ("model = keras.Sequential([keras.Input(shape=(32,)), layers.Dense(16, activation='relu'), "
             "layers.Dense(1, activation='sigmoid')])", "the shape of one input sample"),
            ("model = keras.Sequential([layers.Dense(16, activation='relu'), layers.Dense(1, activation='sigmoid')])",
             "should be built"),
        ],
        other_solutions=[
            "model = keras.Sequential([layers.Dense(16, activation='relu', input_shape=(6,)), "
            "layers.Dense(1, activation='sigmoid')])",
            "model = keras.Sequential()\nmodel.add(keras.Input(shape=(6,)))\nmodel.add(layers.Dense(16))\n"
            "model.add(layers.ReLU())\nmodel.add(layers.Dense(1, activation='sigmoid'))",
            "model = keras.Sequential(broken.layers)\nmodel.build((None, 6))",
        ],
        explanation="keras.Input(shape=(32, 6)) describes samples that are each a 32x6 table, so every sample got "
                    "32 outputs: the summary shows (None, 32, 1). The 32 was the batch size, which is never part "
                    "of the shape: keras.Input(shape=(6,)) describes one sample of 6 readings, and Keras adds the "
                    "batch axis (None) itself. The parameter count is the same either way, only the shapes tell.",
    ),
]
