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
        explanation="A model is a view on a graph of layers between its inputs and outputs. One keras.Input "
                    "and one chain of calls make one graph; keras.Model(input, code) keeps the encoder's layers, "
                    "keras.Model(input, decoded) all of them, the very same objects. Training the autoencoder "
                    "therefore trains the encoder too. Counts: 80 + 0 + 292 = 372 for the encoder, plus 296 + 0 "
                    "+ 73 = 741 for the autoencoder.",
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
        explanation="Conv2DTranspose(8, 3) with the default 'valid' padding adds k - 1 = 2 to each side: 5 -> 7. "
                    "UpSampling2D(2) doubles height and width: 14. Conv2DTranspose(4, 5) adds 4: 18. UpSampling2D"
                    "((2, 3)) doubles the height and triples the width: 36 x 54. The channels are the filters of "
                    "the last Conv2DTranspose; UpSampling2D keeps them.",
    ),
    Hidden(
        "fn04_predict_params",
        expected=[1168, 0, 145],
        checks=[c.equals_expected("the parameter counts are not right yet")],
        wrong_answers=[
            ("decoder_params = (160, 0, 17)", "spans all 8 input channels"),
            ("decoder_params = (1152, 0, 144)", "bias"),
            ("decoder_params = (1168, 4, 145)", "nothing to learn"),
            ("decoder_params = (1168, 0, 10)", "16 channels layer 1 made"),
            ("decoder_params = (1160, 0, 145)", "one number per filter"),
            ("decoder_params = (1168, 145)", "number of values"),
        ],
        other_solutions=[
            "decoder_params = [1168, 0, 145]",
            "decoder_params = (3 * 3 * 8 * 16 + 16, 0, 3 * 3 * 16 * 1 + 1)",
            "probe = keras.Input(shape=(6, 6, 8))\nstack = [layers.Conv2DTranspose(16, 3), layers.UpSampling2D(2), "
            "layers.Conv2DTranspose(1, 3)]\nfor layer in stack:\n    probe = layer(probe)\n"
            "decoder_params = tuple(layer.count_params() for layer in stack)",
        ],
        explanation="A transposed convolution has the weights of a convolution: each of its f filters spans k x k "
                    "pixels of every input channel, plus one bias per filter. Layer 1: 3 x 3 x 8 x 16 + 16 = "
                    "1,168. UpSampling2D only repeats rows and columns: 0. Layer 3 reads the 16 channels of "
                    "layer 1 (UpSampling2D keeps them): 3 x 3 x 16 x 1 + 1 = 145.",
    ),
    Hidden(
        "fn04_read_shared",
        expected=["b", "c", "a"],
        checks=[c.equals_expected("the answers are not right yet")],
        wrong_answers=[
            ("shared_answers = ('a', 'c', 'a')", "encoder's own layer objects"),
            ("shared_answers = ('c', 'c', 'a')", "compiling"),
            ("shared_answers = ('b', 'a', 'a')", "all of the autoencoder"),
            ("shared_answers = ('b', 'b', 'a')", "the ones both models share"),
            ("shared_answers = ('b', 'c', 'b')", "no layer was copied"),
            ("shared_answers = ('b', 'c', 'c')", "question 3"),
        ],
        other_solutions=[
            "shared_answers = ['b', 'c', 'a']",
            "shared_answers = ('B', 'C', 'A')",
            "shared_answers = tuple('bca')",
        ],
        explanation="encoder and autoencoder were both cut from one graph of layer objects: the autoencoder "
                    "contains the encoder's layers themselves, not copies, so encoder.layers[1] is "
                    "autoencoder.layers[1] and training the autoencoder changes the encoder's weights too. Only "
                    "28,241 - 18,672 = 9,569 parameters belong to the decoder half alone.",
    ),
]
