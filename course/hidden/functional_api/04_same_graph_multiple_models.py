"""Hidden part of chapter B4 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

ENC = ("small_in = keras.Input(shape=(28, 28, 1))\nx = layers.Conv2D(8, 3, activation='relu')(small_in)\n"
       "x = layers.MaxPooling2D(2)(x)\ncode = layers.Conv2D(4, 3, activation='relu')(x)\n")
DEC = ("y = layers.Conv2DTranspose(8, 3, activation='relu')(code)\ny = layers.UpSampling2D(2)(y)\n"
       "y = layers.Conv2DTranspose(1, 3, activation='relu')(y)\n")

HIDDEN = [
    Hidden(
        "fn04_two_models",
        wrong_answers=[
            (ENC + "enc = keras.Model(small_in, code)\nother = keras.Input(shape=(28, 28, 1))\n"
             "y = layers.Conv2DTranspose(8, 3, activation='relu')(enc(other))\ny = layers.UpSampling2D(2)(y)\n"
             "y = layers.Conv2DTranspose(1, 3, activation='relu')(y)\npair = (enc, keras.Model(other, y))",
             "same keras.Input"),
            (ENC + "h = layers.Conv2D(8, 3, activation='relu')(small_in)\nh = layers.MaxPooling2D(2)(h)\n"
             "h = layers.Conv2D(4, 3, activation='relu')(h)\n" + DEC.replace("(code)", "(h)", 1) +
             "pair = (keras.Model(small_in, code), keras.Model(small_in, y))", "re-use the encoder's layers"),
            (ENC + DEC.replace("layers.Conv2DTranspose(1, 3, activation='relu')", "layers.Conv2DTranspose(1, 3)") +
             "pair = (keras.Model(small_in, code), keras.Model(small_in, y))", "activation"),
            ("i = keras.Input(shape=(28, 28, 1))\nh = layers.Conv2D(8, 3, strides=2, activation='relu')(i)\n"
             "code = layers.Conv2D(4, 3, activation='relu')(h)\n" + DEC +
             "pair = (keras.Model(i, code), keras.Model(i, y))", "MaxPooling2D"),
            (ENC + DEC + "pair = (keras.Model(small_in, y), keras.Model(small_in, code))", "(autoencoder, encoder)"),
            (ENC + DEC + "pair = (keras.Model(small_in, x), keras.Model(small_in, y))", "the encoder"),
        ],
        other_solutions=[
            "i = keras.Input(shape=(28, 28, 1), name='img')\nh = layers.Conv2D(8, 3, activation='relu')(i)\n"
            "h = layers.MaxPooling2D(2)(h)\nencoder_s = keras.Model(i, layers.Conv2D(4, 3, activation='relu')(h))\n"
            "y = layers.Conv2DTranspose(8, 3, activation='relu')(encoder_s.output)\ny = layers.UpSampling2D(2)(y)\n"
            "y = layers.Conv2DTranspose(1, 3, activation='relu')(y)\n"
            "pair = (encoder_s, keras.Model(encoder_s.input, y))",
            ENC + "encoder_s = keras.Model(small_in, code)\n"
            "y = layers.Conv2DTranspose(8, 3, activation='relu')(encoder_s(small_in))\ny = layers.UpSampling2D(2)(y)\n"
            "y = layers.Conv2DTranspose(1, 3, activation='relu')(y)\npair = [encoder_s, keras.Model(small_in, y)]",
            "i = keras.Input(shape=(28, 28, 1))\nh = layers.ReLU()(layers.Conv2D(filters=8, kernel_size=(3, 3))(i))\n"
            "h = layers.MaxPooling2D(pool_size=(2, 2))(h)\ncode = layers.ReLU()(layers.Conv2D(4, 3)(h))\n"
            "y = layers.Activation('relu')(layers.Conv2DTranspose(8, (3, 3))(code))\n"
            "y = layers.UpSampling2D(size=(2, 2))(y)\ny = layers.Conv2DTranspose(1, 3, activation=keras.activations.relu)(y)\n"
            "pair = (keras.Model(inputs=i, outputs=code), keras.Model(inputs=i, outputs=y))",
        ],
        equivalent_mutants={
            "MaxPooling2D: padding same added": "the pooled map is 26x26: MaxPooling2D(2) gives the same 13x13 output "
            "with either padding, so the model is the same",
        },
    ),
    Hidden(
        "fn04_decoder_shapes",
        expected=[(None, 7, 7, 8), (None, 14, 14, 8), (None, 18, 18, 4), (None, 36, 54, 4)],
        checks=[c.equals_expected("the shapes are not right yet")],
        wrong_answers=[
            ("shapes = [(None, 5, 5, 8), (None, 10, 10, 8), (None, 10, 10, 4), (None, 20, 30, 4)]", "padding='valid'"),
            ("shapes = [(7, 7, 8), (14, 14, 8), (18, 18, 4), (36, 54, 4)]", "batch axis"),
            ("shapes = [(None, 7, 7, 8), (None, 14, 14, 8), (None, 18, 18, 4), (None, 54, 36, 4)]", "height"),
            ("shapes = [(None, 3, 3, 8), (None, 6, 6, 8), (None, 2, 2, 4), (None, 4, 6, 4)]", "grows the map"),
            ("shapes = [(None, 7, 7, 8), (None, 14, 14, 8), (None, 18, 18, 4)]", "number of shapes"),
            ("shapes = [(None, 7, 7, 8), (None, 14, 14, 16), (None, 18, 18, 4), (None, 36, 54, 4)]", "channels"),
            ("shapes = [(None, 7, 7, 8), (None, 14, 14, 8), (None, 16, 16, 4), (None, 32, 48, 4)]", "kernel of 5"),
        ],
        other_solutions=[
            "shapes = [[None, 7, 7, 8], [None, 14, 14, 8], [None, 18, 18, 4], [None, 36, 54, 4]]",
            "probe = keras.Input(shape=(5, 5, 2))\nshapes = []\n"
            "for layer in [layers.Conv2DTranspose(8, 3), layers.UpSampling2D(2), layers.Conv2DTranspose(4, 5), "
            "layers.UpSampling2D((2, 3))]:\n    probe = layer(probe)\n    shapes.append(probe.shape)",
            "side = 5 + 3 - 1\nshapes = ((None, side, side, 8), (None, 2 * side, 2 * side, 8), "
            "(None, 2 * side + 4, 2 * side + 4, 4), (None, 2 * (2 * side + 4), 3 * (2 * side + 4), 4))",
        ],
    ),
]
