"""Hidden part of chapter B1 (instructor only: never released, never in the student's package)."""
from kitlib.exercises.hidden import Hidden

MLP_HEAD = "mlp_in = keras.Input(shape=(32,))\n"

HIDDEN = [
    Hidden(
        "fn01_small_mlp",
        wrong_answers=[
            ("small_mlp = keras.Sequential([keras.Input(shape=(32,)), layers.Dense(16, activation='relu'), "
             "layers.Dense(16, activation='relu'), layers.Dense(3)])", "functional API"),
            (MLP_HEAD + "x = layers.Dense(16, activation='relu')(mlp_in)\nx = layers.Dense(16, activation='relu')(x)\n"
             "small_mlp = keras.Model(mlp_in, layers.Dense(3, activation='softmax')(x))", "activation"),
            (MLP_HEAD + "x = layers.Dense(16)(mlp_in)\nx = layers.Dense(16)(x)\n"
             "small_mlp = keras.Model(mlp_in, layers.Dense(3)(x))", "activation"),
            (MLP_HEAD + "x = layers.Dense(24, activation='relu')(mlp_in)\nx = layers.Dense(2, activation='relu')(x)\n"
             "small_mlp = keras.Model(mlp_in, layers.Dense(3)(x))", "units"),
            ("x = layers.Dense(16, activation='relu')(inputs)\nx = layers.Dense(16, activation='relu')(x)\n"
             "small_mlp = keras.Model(inputs, layers.Dense(3)(x))", "input sample"),
            (MLP_HEAD + "x = layers.Dense(16, activation='relu')(mlp_in)\n"
             "small_mlp = keras.Model(mlp_in, layers.Dense(3)(x))", "missing"),
        ],
        other_solutions=[
            MLP_HEAD + "x = layers.Activation('relu')(layers.Dense(16)(mlp_in))\n"
            "x = layers.ReLU()(layers.Dense(16)(x))\nsmall_mlp = keras.Model(inputs=mlp_in, outputs=layers.Dense(3)(x))",
            "stack = [layers.Dense(16, activation='relu'), layers.Dense(16, activation='relu'), "
            "layers.Dense(3, activation='linear')]\nx = i = keras.Input((32,), name='features')\n"
            "for layer in stack:\n    x = layer(x)\nsmall_mlp = keras.Model(i, x, name='mine')",
            MLP_HEAD + "x = layers.Dense(16, activation=keras.activations.relu)(mlp_in)\n"
            "x = layers.Dense(16, activation=keras.activations.relu)(x)\nsmall_mlp = keras.Model(mlp_in, layers.Dense(3)(x))",
        ],
    ),
    Hidden(
        "fn01_image_input",
        wrong_answers=[
            ("images = keras.Input(shape=(3, 32, 32))", "channels"),
            ("images = keras.Input(shape=(None, 32, 32, 3))", "batch"),
            ("images = keras.Input(shape=(32, 32, 3), dtype='uint8')", "dtype"),
            ("images = keras.Input(shape=(32, 32, 3), batch_size=32)", "batch axis"),
            ("images = layers.InputLayer(shape=(32, 32, 3))", "symbolic tensor"),
            ("images = keras.Input(shape=(32, 32))", "4 axes"),
        ],
        other_solutions=[
            "images = keras.Input((32, 32, 3))",
            "images = keras.layers.Input(shape=[32, 32, 3], name='images', dtype='float32')",
            "images = keras.Input(batch_shape=(None, 32, 32, 3))",
        ],
    ),
]
