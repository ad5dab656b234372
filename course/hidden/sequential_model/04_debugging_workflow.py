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
    ),
]
