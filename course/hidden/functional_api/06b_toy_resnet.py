"""Hidden part of chapter B6b (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

MAIN = ("block_in = keras.Input(shape=(16, 16, 32))\n"
        "y = layers.Conv2D(64, 3, activation='relu', padding='same')(block_in)\n"
        "y = layers.Conv2D(64, 3, activation='relu', padding='same')(y)\n")
DEF = "def residual_block(x, filters):\n"

HIDDEN = [
    Hidden(
        "fn06b_residual_block",
        wrong_answers=[
            (DEF + "    y = layers.Conv2D(filters, 3, activation='relu', padding='same')(x)\n"
             "    return layers.Conv2D(filters, 3, activation='relu', padding='same')(y)", "addition"),
            (DEF + "    y = layers.Conv2D(filters, 3, activation='relu', padding='same')(x)\n"
             "    y = layers.Conv2D(filters, 3, padding='same')(y)\n    return layers.add([y, x])", "activation"),
            (DEF + "    a = layers.Conv2D(filters, 3, activation='relu', padding='same')(x)\n"
             "    b = layers.Conv2D(filters, 3, activation='relu', padding='same')(a)\n    return layers.add([a, b])",
             "input"),
            (DEF + "    y = layers.Conv2D(64, 3, activation='relu', padding='same')(x)\n"
             "    y = layers.Conv2D(64, 3, activation='relu', padding='same')(y)\n    return layers.add([y, x])",
             "filters"),
            (DEF + "    y = layers.Conv2D(filters, 3, activation='relu')(x)\n"
             "    y = layers.Conv2D(filters, 3, activation='relu')(y)\n    return layers.add([y, x])", "padding"),
            (DEF + "    y = layers.Conv2D(filters, 3, activation='relu', padding='same')(x)\n"
             "    y = layers.Conv2D(filters, 3, activation='relu', padding='same')(y)\n"
             "    return keras.Model(x, layers.add([y, x]))", "tensor"),
        ],
        other_solutions=[
            DEF + "    y = layers.Conv2D(filters, (3, 3), padding='same', activation='relu')(x)\n"
            "    y = layers.Conv2D(filters, (3, 3), padding='same', activation='relu')(y)\n    return x + y",
            DEF + "    y = layers.ReLU()(layers.Conv2D(filters, 3, padding='same')(x))\n"
            "    y = layers.ReLU()(layers.Conv2D(filters, 3, padding='same')(y))\n    return keras.ops.add(y, x)",
            DEF + "    y = layers.Conv2D(filters=filters, kernel_size=3, padding='same', activation='relu')(x)\n"
            "    y = layers.Conv2D(filters=filters, kernel_size=3, padding='same', activation='relu')(y)\n"
            "    return layers.Add()([x, y])",
        ],
        equivalent_mutants={
            "layers.Conv2D(filters, 3, activation='re(...) wrapped in a new keras.Sequential": "the task asks for "
            "what the block computes (two convolutions in a row, their result added to x), not that each layer be "
            "called by hand: a nested Sequential of the same Conv2D is the same graph, and the skip is intact",
        },
        explanation="The two convolutions use filters filters and padding='same', so their result has exactly "
                    "the shape of x, and layers.add can add x back element by element: the block only has to "
                    "learn a correction of its input. For 8x8x4 inputs each Conv2D has 3 x 3 x 4 x 4 + 4 = 148 "
                    "parameters, 296 in all; the addition has none.",
    ),
    Hidden(
        "fn06b_fix_add",
        wrong_answers=[
            (MAIN + "fixed_model = keras.Model(block_in, layers.add([layers.Conv2D(64, 1, activation='relu')(block_in), "
             "y]))", "activation"),
            (MAIN + "fixed_model = keras.Model(block_in, layers.add([layers.Conv2D(64, 3, padding='same')(block_in), y]))",
             "kernel"),
            (MAIN + "fixed_model = keras.Model(block_in, layers.add([layers.Conv2D(64, 1)(y), y]))", "input"),
            ("block_in = keras.Input(shape=(16, 16, 32))\n"
             "y = layers.Conv2D(64, 3, activation='relu', padding='same')(block_in)\n"
             "y = layers.Conv2D(64, 3, padding='same')(y)\n"
             "fixed_model = keras.Model(block_in, layers.add([layers.Conv2D(64, 1)(block_in), y]))", "activation"),
            (MAIN + "fixed_model = keras.Model(block_in, layers.average([layers.Conv2D(64, 1)(block_in), y]))",
             "addition"),
        ],
        other_solutions=[
            MAIN + "fixed_model = keras.Model(block_in, layers.Conv2D(64, 1)(block_in) + y)",
            MAIN + "shortcut = layers.Conv2D(64, kernel_size=(1, 1), padding='same')(block_in)\n"
            "fixed_model = keras.Model(inputs=block_in, outputs=layers.Add()([y, shortcut]))",
            "block_in = keras.Input(shape=(16, 16, 32))\n"
            "y = layers.Activation('relu')(layers.Conv2D(64, 3, padding='same')(block_in))\n"
            "y = layers.Activation('relu')(layers.Conv2D(64, 3, padding='same')(y))\n"
            "fixed_model = keras.Model(block_in, keras.ops.add(y, layers.Conv2D(64, 1)(block_in)))",
        ],
        equivalent_mutants={
            "Conv2D: padding same added": "on the 1x1 projection, padding='same' and 'valid' give the same 16x16 "
            "output: a 1x1 kernel needs no padding",
            "layers.Conv2D(64, 3, activation='relu', (...) wrapped in a new keras.Sequential": "the task names the "
            "branches and their layers, not that each layer be called by hand: a nested Sequential of the same "
            "Conv2D is the same graph (the check follows nested chains), and the shortcut is intact",
        },
        explanation="The main branch makes 64 channels and the input has 32, so layers.add cannot add them. A "
                    "1x1 Conv2D(64) on the shortcut maps the 32 channels to 64 without looking at neighbouring "
                    "pixels; padding='same' keeps 16x16 on the main branch, and the shapes agree. Counts: 18,496 + "
                    "36,928 on the main branch and 32 x 64 + 64 = 2,112 for the projection: 57,536.",
    ),
    Hidden(
        "fn06b_predict_params",
        expected=[36928, 36928, 0],
        checks=[c.equals_expected("the parameter counts are not right yet")],
        wrong_answers=[
            ("block_params = (36864, 36864, 0)", "bias"),
            ("block_params = (1792, 36928, 0)", "not the image's 3"),
            ("block_params = (36928, 36928, 64)", "nothing to learn"),
            ("block_params = (36928, 73856, 0)", "per layer"),
            ("block_params = (4160, 4160, 0)", "3 x 3 pixels"),
            ("block_params = (36928, 36928)", "number of values"),
        ],
        other_solutions=[
            "block_params = [36928, 36928, 0]",
            "block_params = (3 * 3 * 64 * 64 + 64,) * 2 + (0,)",
            "probe = keras.Input(shape=(9, 9, 64))\nc1 = layers.Conv2D(64, 3, activation='relu', padding='same')\n"
            "c2 = layers.Conv2D(64, 3, activation='relu', padding='same')\nadd = layers.Add()\n"
            "add([c2(c1(probe)), probe])\nblock_params = (c1.count_params(), c2.count_params(), add.count_params())",
        ],
        explanation="Both convolutions read 64 channels (the block's input is block_1_output, 9 x 9 x 64, and the "
                    "first convolution keeps 64) and have 64 filters of 3 x 3: 3 x 3 x 64 x 64 + 64 = 36,928 each. "
                    "layers.add adds element by element and learns nothing: 0.",
    ),
    Hidden(
        "fn06b_which_add_fails",
        wrong_answers=[
            ("failing = {'b', 'c'}", "MaxPooling2D(2) halves"),
            ("failing = {'c', 'e'}", "shrinks 8 x 8 to 6 x 6"),
            ("failing = {'b', 'e'}", "same number of channels"),
            ("failing = {'a', 'b', 'c', 'e'}", "option (a) does not raise"),
            ("failing = {'b', 'c', 'd', 'e'}", "option (d) does not raise"),
            ("failing = 'bce'", "set of letters"),
            ("failing = {'b', 'c', 'f'}", "one of the letters"),
        ],
        other_solutions=[
            "failing = ['b', 'c', 'e']",
            "failing = ('E', 'C', 'B')",
            "failing = set()\nx = keras.Input(shape=(8, 8, 16))\n"
            "options = {'a': layers.Conv2D(16, 3, padding='same'), 'b': layers.Conv2D(16, 3), "
            "'c': layers.Conv2D(32, 3, padding='same'), 'd': layers.Conv2D(16, 1), 'e': layers.MaxPooling2D(2)}\n"
            "for letter, layer in options.items():\n    try:\n        layers.add([x, layer(x)])\n"
            "    except ValueError:\n        failing.add(letter)",
        ],
        explanation="layers.add needs tensors of exactly the same shape, (None, 8, 8, 16) here. (b) shrinks the map "
                    "to 6 x 6 ('valid' padding), (c) makes 32 channels and (e) halves height and width to 4 x 4: "
                    "those three raise while the model is defined. (a) keeps the shape with padding='same' and "
                    "16 filters, and (d)'s 1 x 1 convolution keeps height and width anyway.",
    ),
]
