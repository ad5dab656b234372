"""Hidden part of chapter B6b (instructor only: never released, never in the student's package)."""
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
        },
    ),
]
