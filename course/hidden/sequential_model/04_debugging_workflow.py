"""Hidden part of chapter A4 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

HIDDEN = [
    Hidden(
        "seq04_predict_shape",
        expected=(None, 15, 15, 32),
        checks=[c.equals_expected("height and width are not right yet")],
        wrong_answers=[
            ("predicted_shape = (None, 16, 16, 32)", "padding"),
            ("predicted_shape = (None, 30, 30, 32)", "MaxPooling2D"),
            ("predicted_shape = (None, 29, 29, 32)", "strides"),
            ("predicted_shape = (None, 15, 15, 3)", "channels"),
            ("predicted_shape = (None, 15, 15, 16)", "channels"),
            ("predicted_shape = (15, 15)", "4 axes"),
            ("predicted_shape = (1, 15, 15, 32)", "batch axis"),
            ("predicted_shape = (None, 15, 16, 32)", "equal"),
            ("predicted_shape = (None, 14, 14, 32)", "+ 1"),
            ("predicted_shape = '(None, 15, 15, 32)'", "should be a shape"),
        ],
        other_solutions=[
            "predicted_shape = [None, 15, 15, 32]",
            "predicted_shape = (15, 15, 32)",
            "import numpy as np\npredicted_shape = (None, np.int64(15), 15, 32)",
            "size = conv_out(pool_out(conv_out(64, 3), 2), 3, strides=2)\npredicted_shape = (None, size, size, 32)",
        ],
        equivalent_mutants={
            "element None dropped": "the shape of one sample, without the batch axis, is accepted too",
        },
        explanation="Layer by layer: Conv2D(16, 3) on 64x64 gives (64 - 3) // 1 + 1 = 62; MaxPooling2D(2) halves "
                    "it to 31; Conv2D(32, 3, strides=2) gives (31 - 3) // 2 + 1 = 15. The channels are the last "
                    "layer's 32 filters and the batch axis stays None: (None, 15, 15, 32).",
    ),
    Hidden(
        "seq04_repair",
        wrong_answers=[
            ("model = keras.Sequential([keras.Input(shape=(32, 32, 3)), "
             "layers.Conv2D(16, 5, strides=2, activation='relu'), layers.MaxPooling2D(3), "
             "layers.Conv2D(32, 3, activation='relu'), layers.GlobalMaxPooling2D(), layers.Dense(10)])",
             "kernel size"),
            ("model = keras.Sequential([keras.Input(shape=(32, 32, 3)), "
             "layers.Conv2D(16, 5, strides=2, activation='relu'), "
             "layers.Conv2D(32, 5, activation='relu'), layers.GlobalMaxPooling2D(), layers.Dense(10)])", "missing"),
            ("model = keras.Sequential([keras.Input(shape=(32, 32, 3)), "
             "layers.Conv2D(16, 5, activation='relu'), layers.MaxPooling2D(3), "
             "layers.Conv2D(32, 5, activation='relu'), layers.GlobalMaxPooling2D(), layers.Dense(10)])", "strides"),
            ("model = keras.Sequential([keras.Input(shape=(32, 32, 3)), "
             "layers.Conv2D(16, 5, strides=2, activation='relu'), layers.MaxPooling2D(3), "
             "layers.Conv2D(32, 5, activation='relu', padding='same'), layers.GlobalAveragePooling2D(), "
             "layers.Dense(10)])", "GlobalAveragePooling2D"),
            ("model = keras.Sequential([keras.Input(shape=(32, 32, 3)), "
             "layers.Conv2D(16, 5, strides=2, activation='relu'), layers.MaxPooling2D(3), "
             "layers.Conv2D(32, 5, padding='same'), layers.GlobalMaxPooling2D(), layers.Dense(10)])", "activation"),
            ("model = keras.Sequential([keras.Input(shape=(32, 32, 3)), "
             "layers.Conv2D(16, 5, strides=2, activation='relu'), layers.MaxPooling2D(3), "
             "layers.Conv2D(32, 5, activation='relu', padding='same'), layers.GlobalMaxPooling2D(), "
             "layers.Dense(10, activation='softmax')])", "activation"),
        ],
        other_solutions=[
            "model = keras.Sequential([keras.Input(shape=(32, 32, 3)), "
            "layers.Conv2D(16, 5, strides=2, padding='same', activation='relu'), layers.MaxPooling2D(3), "
            "layers.Conv2D(32, 5, activation='relu'), layers.GlobalMaxPooling2D(), layers.Dense(10)])",
            "model = keras.Sequential([keras.Input(shape=(32, 32, 3)), "
            "layers.Conv2D(16, 5, strides=2, activation='relu'), layers.MaxPooling2D(2), "
            "layers.Conv2D(32, 5, activation='relu'), layers.GlobalMaxPooling2D(), layers.Dense(10)])",
            "model = keras.Sequential()\nmodel.add(keras.Input(shape=(32, 32, 3)))\n"
            "model.add(layers.Conv2D(16, 5, strides=2))\nmodel.add(layers.ReLU())\n"
            "model.add(layers.MaxPooling2D(3, padding='same'))\nmodel.add(layers.Conv2D(32, (5, 5)))\n"
            "model.add(layers.Activation('relu'))\nmodel.add(layers.GlobalMaxPooling2D())\nmodel.add(layers.Dense(10))",
            "i = keras.Input(shape=(32, 32, 3))\nh = layers.Conv2D(16, 5, strides=2, activation='relu')(i)\n"
            "h = layers.MaxPooling2D(pool_size=(2, 2))(h)\nh = layers.Conv2D(32, (5, 5), activation='relu')(h)\n"
            "model = keras.Model(i, layers.Dense(10)(layers.GlobalMaxPooling2D()(h)))",
        ],
        equivalent_mutants={
            "MaxPooling2D: pool_size 3 -> 4": "the task allows any pooling change that lets the second Conv2D fit",
            "MaxPooling2D: pool_size 3 -> 2": "the task allows any pooling change that lets the second Conv2D fit",
            "MaxPooling2D: padding same added": "the task allows any pooling change that lets the second Conv2D fit",
            "Conv2D: padding same added": "padding='same' on the first Conv2D as well is a repair the task allows",
        },
        explanation="After Conv2D(16, 5, strides=2) the 32x32 images are 14x14, and MaxPooling2D(3) leaves 4x4: "
                    "a 5x5 kernel cannot fit. padding='same' on the second Conv2D keeps 4x4 (a smaller pool, or "
                    "'same' padding elsewhere, works too); the layers the task fixes stay, and the global pooling "
                    "and Dense(10) then give (None, 10).",
    ),
    Hidden(
        "seq04_unstick",
        wrong_answers=[
            ("model = keras.Sequential([keras.Input(shape=(8, 8, 16)), layers.Conv2D(16, 3, activation='relu'), "
             "layers.GlobalMaxPooling2D(), layers.Dense(10)])", "not `stuck`"),
            ("stuck.add(layers.GlobalMaxPooling2D())\nstuck.add(layers.Dense(10))\nmodel = stuck",
             "raised ValueError"),
            ("stuck.pop()\nstuck.add(layers.Dense(10))\nmodel = stuck", "missing"),
            ("stuck.pop()\nstuck.add(layers.Flatten())\nstuck.add(layers.Dense(10))\nmodel = stuck",
             "GlobalMaxPooling2D"),
            ("stuck.pop()\nstuck.add(layers.GlobalMaxPooling2D())\n"
             "stuck.add(layers.Dense(10, activation='softmax'))\nmodel = stuck", "activation"),
            ("stuck.pop()\nstuck.pop()\nstuck.add(layers.GlobalMaxPooling2D())\n"
             "stuck.add(layers.Dense(10))\nmodel = stuck", "missing"),
            ("stuck.pop()\nstuck.add(layers.GlobalMaxPooling2D())\nstuck.add(layers.Dense(1))\n"
             "model = stuck", "units"),
        ],
        other_solutions=[
            "while len(stuck.layers) > 1:\n    stuck.pop()\n"
            "for layer in [layers.GlobalMaxPooling2D(), layers.Dense(10)]:\n    stuck.add(layer)\nmodel = stuck",
            "model = stuck\nmodel.pop()\nmodel.add(layers.GlobalMaxPooling2D(name='pool'))\n"
            "model.add(layers.Dense(units=10, activation=None, name='scores'))",
            "failed = stuck.layers[-1]\nstuck.pop()\nassert failed not in stuck.layers\n"
            "stuck.add(layers.GlobalMaxPooling2D())\nstuck.add(layers.Dense(10, activation='linear'))\nmodel = stuck",
        ],
        equivalent_mutants={
            "given stuck changed first: its weights moved (trained again)": "stuck was never trained: other starting "
            "weights of its first Conv2D are still the same layer, repaired in place, which is all the task asks",
            "given stuck recompiled first (sgd, mse)": "the task says nothing about compiling: a compiled stuck, "
            "repaired with pop() and add(), is the same model",
        },
        explanation="In Keras 3 a failed add() leaves its layer in the model: the 'edges' layer, built for 3 "
                    "channels, is still in stuck, and every later add() fails on it (and stays in too). One pop() "
                    "takes it out; then GlobalMaxPooling2D turns the 6x6x16 maps into 16 numbers and Dense(10) gives the "
                    "scores. Repairing stuck itself keeps its first Conv2D (and any weights it learnt).",
    ),
    Hidden(
        "seq04_read_summary",
        expected=["b", "d", "e"],
        checks=[c.equals_expected("not the right set of letters yet")],
        wrong_answers=[
            ("true_statements = {'a', 'b', 'd', 'e'}", "letter a"),
            ("true_statements = {'d', 'e'}", "letter b"),
            ("true_statements = {'b', 'c', 'd', 'e'}", "letter c"),
            ("true_statements = {'b', 'e'}", "letter d"),
            ("true_statements = {'b', 'd'}", "letter e"),
            ("true_statements = {'b', 'd', 'e', 'f'}", "letter f"),
            ("true_statements = {'a', 'e'}", "not the right set"),
            ("true_statements = {'b', 'd', 'z'}", "not among the options"),
        ],
        other_solutions=[
            "true_statements = 'B, D, E'",
            "true_statements = ['e', 'd', 'b']",
            "true_statements = set('bde')",
        ],
        explanation="The Dense layer's output is (None, 5, 5, 10): it ran at each of the 5x5 positions with one "
                    "(16, 10) kernel, 16*10 + 10 = 170 parameters, and nothing was raised (b, d). So the model "
                    "gives 250 numbers per image, not 10 (a is false); a global pooling or Flatten first gives "
                    "(None, 10) (e). Pooling layers have no weights (f is false).",
    ),
]
