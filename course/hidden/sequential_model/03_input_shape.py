"""Hidden part of chapter A3 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

HIDDEN = [
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
    ),
]
