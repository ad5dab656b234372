"""B4 · Same graph, several models: fn04_two_models, fn04_decoder_shapes."""
from exercise_gallery.functional_api import block, right, wrong

PAIR = "fn04_two_models"
SHAPES = "fn04_decoder_shapes"
# "Work them out on paper first": the task shows the first shape as its example, the other three are the answer.
SECRET_SHAPES = (r"14,\s*14,\s*8", r"18,\s*18,\s*4", r"36,\s*54,\s*4")

_ENCODER = block("""
small_in = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(8, 3, activation="relu")(small_in)
x = layers.MaxPooling2D(2)(x)
code = layers.Conv2D(4, 3, activation="relu")(x)
""")

CASES = [
    # ---- fn04_two_models: (encoder_s, autoencoder_s) on one keras.Input, sharing the encoder's layers
    right(PAIR, "from-encoder-model", "autoencoder continues from encoder.output / encoder.input", """
        i = keras.Input(shape=(28, 28, 1), name="img")
        h = layers.Conv2D(8, 3, activation="relu")(i)
        h = layers.MaxPooling2D(2)(h)
        encoder_s = keras.Model(i, layers.Conv2D(4, 3, activation="relu")(h), name="encoder_s")
        y = layers.Conv2DTranspose(8, 3, activation="relu")(encoder_s.output)
        y = layers.UpSampling2D(2)(y)
        y = layers.Conv2DTranspose(1, 3, activation="relu")(y)
        autoencoder_s = keras.Model(encoder_s.input, y, name="autoencoder_s")
        pair = (encoder_s, autoencoder_s)
    """),
    right(PAIR, "relu-layers-keywords", "ReLU layers, keyword arguments, a list instead of a tuple", """
        i = keras.Input(shape=(28, 28, 1))
        h = layers.ReLU()(layers.Conv2D(filters=8, kernel_size=(3, 3))(i))
        h = layers.MaxPooling2D(pool_size=(2, 2))(h)
        code = layers.ReLU()(layers.Conv2D(filters=4, kernel_size=3)(h))
        y = layers.Activation("relu")(layers.Conv2DTranspose(filters=8, kernel_size=(3, 3))(code))
        y = layers.UpSampling2D(size=(2, 2))(y)
        y = layers.Conv2DTranspose(1, 3, activation=keras.activations.relu)(y)
        pair = [keras.Model(inputs=i, outputs=code), keras.Model(inputs=i, outputs=y)]
    """),
    right(PAIR, "nested-encoder", "the autoencoder calls the encoder model on the same input", _ENCODER + """
        encoder_s = keras.Model(small_in, code)
        y = layers.Conv2DTranspose(8, 3, activation="relu")(encoder_s(small_in))
        y = layers.UpSampling2D(2)(y)
        y = layers.Conv2DTranspose(1, 3, activation="relu")(y)
        pair = (encoder_s, keras.Model(small_in, y))
    """),
    wrong(PAIR, "second-input", "a second keras.Input for the autoencoder (nested encoder)",
          ("same keras.Input", "input"), _ENCODER + """
        encoder_s = keras.Model(small_in, code)
        other_in = keras.Input(shape=(28, 28, 1))
        y = layers.Conv2DTranspose(8, 3, activation="relu")(encoder_s(other_in))
        y = layers.UpSampling2D(2)(y)
        y = layers.Conv2DTranspose(1, 3, activation="relu")(y)
        pair = (encoder_s, keras.Model(other_in, y))
    """),
    wrong(PAIR, "new-encoder-layers", "provenance: new encoder layers for the autoencoder on the same input",
          ("share", "same layers", "re-use", "reuse"), _ENCODER + """
        h = layers.Conv2D(8, 3, activation="relu")(small_in)
        h = layers.MaxPooling2D(2)(h)
        h = layers.Conv2D(4, 3, activation="relu")(h)
        y = layers.Conv2DTranspose(8, 3, activation="relu")(h)
        y = layers.UpSampling2D(2)(y)
        y = layers.Conv2DTranspose(1, 3, activation="relu")(y)
        pair = (keras.Model(small_in, code), keras.Model(small_in, y))
    """),
    wrong(PAIR, "last-no-relu", "activation: the last Conv2DTranspose without ReLU", ("activation", "relu"),
          _ENCODER + """
        y = layers.Conv2DTranspose(8, 3, activation="relu")(code)
        y = layers.UpSampling2D(2)(y)
        y = layers.Conv2DTranspose(1, 3)(y)
        pair = (keras.Model(small_in, code), keras.Model(small_in, y))
    """),
    wrong(PAIR, "strided-not-pooled", "structure: a strided convolution instead of MaxPooling2D (same counts)",
          ("MaxPooling2D", "pool", "layer"), """
        i = keras.Input(shape=(28, 28, 1))
        h = layers.Conv2D(8, 3, strides=2, activation="relu")(i)
        code = layers.Conv2D(4, 3, activation="relu")(h)
        y = layers.Conv2DTranspose(8, 3, activation="relu")(code)
        y = layers.UpSampling2D(2)(y)
        y = layers.Conv2DTranspose(1, 3, activation="relu")(y)
        pair = (keras.Model(i, code), keras.Model(i, y))
    """, note="same shapes and parameter counts as the task's models"),
    wrong(PAIR, "swapped", "order: (autoencoder, encoder)", ("encoder", "order", "first"), _ENCODER + """
        y = layers.Conv2DTranspose(8, 3, activation="relu")(code)
        y = layers.UpSampling2D(2)(y)
        y = layers.Conv2DTranspose(1, 3, activation="relu")(y)
        pair = (keras.Model(small_in, y), keras.Model(small_in, code))
    """),

    # ---- fn04_decoder_shapes: predict four shapes
    right(SHAPES, "lists", "lists instead of tuples", """
        shapes = [[None, 7, 7, 8], [None, 14, 14, 8], [None, 18, 18, 4], [None, 36, 54, 4]]
    """),
    right(SHAPES, "checked-with-keras", "computed with Keras (the task allows checking with Keras)", """
        probe = keras.Input(shape=(5, 5, 2))
        shapes = []
        for layer in [layers.Conv2DTranspose(8, 3), layers.UpSampling2D(2), layers.Conv2DTranspose(4, 5),
                      layers.UpSampling2D((2, 3))]:
            probe = layer(probe)
            shapes.append(probe.shape)
    """),
    right(SHAPES, "tuple-of-tuples-arithmetic", "a tuple of tuples, sizes written as arithmetic", """
        side = 5 + 3 - 1
        shapes = ((None, side, side, 8), (None, 2 * side, 2 * side, 8), (None, 2 * side + 4, 2 * side + 4, 4),
                  (None, 2 * (2 * side + 4), 3 * (2 * side + 4), 4))
    """),
    wrong(SHAPES, "same-padding", "Conv2DTranspose treated as keeping the size", ("layer 1", "Conv2DTranspose"), """
        shapes = [(None, 5, 5, 8), (None, 10, 10, 8), (None, 10, 10, 4), (None, 20, 30, 4)]
    """, secrets=SECRET_SHAPES),
    wrong(SHAPES, "no-batch", "batch axis left out", ("batch", "None"), """
        shapes = [(7, 7, 8), (14, 14, 8), (18, 18, 4), (36, 54, 4)]
    """, secrets=SECRET_SHAPES),
    wrong(SHAPES, "height-width-swapped", "UpSampling2D((2, 3)): height and width swapped",
          ("layer 4", "height", "width"), """
        shapes = [(None, 7, 7, 8), (None, 14, 14, 8), (None, 18, 18, 4), (None, 54, 36, 4)]
    """, secrets=SECRET_SHAPES),
    wrong(SHAPES, "shrinks", "Conv2DTranspose treated like Conv2D (shrinks)", ("layer 1", "Conv2DTranspose", "grow"), """
        shapes = [(None, 3, 3, 8), (None, 6, 6, 8), (None, 2, 2, 4), (None, 4, 6, 4)]
    """, secrets=SECRET_SHAPES),
    wrong(SHAPES, "three-shapes", "a shape missing", ("number", "four", "one shape per layer"), """
        shapes = [(None, 7, 7, 8), (None, 14, 14, 8), (None, 18, 18, 4)]
    """, secrets=SECRET_SHAPES),
]

# ---- the practice items added after the audit (held-out answers: other spellings, typical mistakes)
PREDICT = "fn04_predict_params"
SHARED = "fn04_read_shared"

CASES += [
    # fn04_predict_params: (1168, 0, 145)
    right(PREDICT, "float-zero", "whole floats", "decoder_params = (1168.0, 0.0, 145.0)"),
    right(PREDICT, "formula-function", "a helper for a transposed convolution's count", """
        def convt(k, c_in, f):
            return k * k * c_in * f + f

        decoder_params = (convt(3, 8, 16), 0, convt(3, 16, 1))
    """),
    right(PREDICT, "numpy-array-items", "items of a NumPy array", """
        import numpy as np
        counts = np.array([1168, 0, 145])
        decoder_params = tuple(counts.tolist())
    """),
    wrong(PREDICT, "layer3-eight-channels", "layer 3 reads the 8 channels of the stack's input",
          ("16 channels", "layer 1 made", "channels"), "decoder_params = (1168, 0, 3 * 3 * 8 * 1 + 1)"),
    wrong(PREDICT, "map-size-kernel", "the 6 x 6 map taken as the kernel's size", ("3 x 3", "kernel"),
          "decoder_params = (6 * 6 * 8 * 16 + 16, 0, 145)"),
    wrong(PREDICT, "upsampling-weights", "UpSampling2D given a kernel of its own", ("nothing to learn", "no weights"),
          "decoder_params = (1168, 2 * 2 * 16, 145)"),
    wrong(PREDICT, "no-bias-3", "layer 3 without its bias", ("bias",), "decoder_params = (1168, 0, 144)"),
    wrong(PREDICT, "negative", "a negative count", ("0 or more", "entry 2"), "decoder_params = (1168, -1, 145)"),

    # fn04_read_shared: ("b", "c", "a")
    right(SHARED, "upper", "capitals", 'shared_answers = ("B", "C", "A")'),
    right(SHARED, "list-split", "split from a string", 'shared_answers = "b,c,a".split(",")'),
    right(SHARED, "spaces", "letters with spaces", 'shared_answers = [" b ", "c", "a "]'),
    wrong(SHARED, "two-wrong", "questions 1 and 2 wrong (first one reported)", ("compil",),
          'shared_answers = ("c", "a", "a")'),
    wrong(SHARED, "missing", "None for a question not answered", ("question 2", "one of the letters"),
          'shared_answers = ("b", None, "a")'),
    wrong(SHARED, "string", "one string", ("tuple",), 'shared_answers = "bca"'),
    wrong(SHARED, "numbers", "option numbers", ("letters",), "shared_answers = (2, 3, 1)"),
    wrong(SHARED, "copy", "question 3: (b) a copy with the same weights", ("no layer was copied", "copied"),
          'shared_answers = ("b", "c", "b")'),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
_DECODER_SECRETS = (r"\b1168\b", r"1,168", r"\b145\b")
CASES += [
    wrong(PAIR, "sigmoid-out", "activation: a sigmoid on the last Conv2DTranspose (same counts)", ("activation", "relu", "sigmoid"), """
        img = keras.Input(shape=(28, 28, 1))
        h = layers.Conv2D(8, 3, activation="relu")(img)
        h = layers.MaxPooling2D(2)(h)
        code = layers.Conv2D(4, 3, activation="relu")(h)
        encoder_s = keras.Model(img, code)
        h = layers.Conv2DTranspose(8, 3, activation="relu")(code)
        h = layers.UpSampling2D(2)(h)
        autoencoder_s = keras.Model(img, layers.Conv2DTranspose(1, 3, activation="sigmoid")(h))
        pair = (encoder_s, autoencoder_s)
    """),
    wrong(PAIR, "code-no-relu", "activation: the encoder's last Conv2D without ReLU (same counts)", ("activation", "relu"), """
        img = keras.Input(shape=(28, 28, 1))
        h = layers.Conv2D(8, 3, activation="relu")(img)
        h = layers.MaxPooling2D(2)(h)
        code = layers.Conv2D(4, 3)(h)
        encoder_s = keras.Model(img, code)
        h = layers.Conv2DTranspose(8, 3, activation="relu")(code)
        h = layers.UpSampling2D(2)(h)
        autoencoder_s = keras.Model(img, layers.Conv2DTranspose(1, 3, activation="relu")(h))
        pair = (encoder_s, autoencoder_s)
    """),
    right(SHAPES, "numpy-rows", "tuples of NumPy integers", """
        shapes = [(None, np.int64(7), np.int64(7), 8), (None, 14, 14, 8), (None, 18, 18, 4),
                  (None, np.int32(36), np.int32(54), 4)]
    """),
    wrong(SHAPES, "adds-kernel", "off by one: a transposed convolution taken to add the kernel size", ("kernel", "Conv2DTranspose", "size", "shape 1"), """
        shapes = [(None, 8, 8, 8), (None, 16, 16, 8), (None, 21, 21, 4), (None, 42, 63, 4)]
    """, secrets=SECRET_SHAPES),
    wrong(SHAPES, "channels-kept", "the channels left at 2 through the stack", ("channel", "filters"), """
        shapes = [(None, 7, 7, 2), (None, 14, 14, 2), (None, 18, 18, 2), (None, 36, 54, 2)]
    """, secrets=SECRET_SHAPES),
    right(PREDICT, "list", "a list", """
        decoder_params = [1168, 0, 145]
    """),
    wrong(PREDICT, "no-biases", "every bias left out", ("bias",), """
        decoder_params = (1152, 0, 144)
    """, secrets=_DECODER_SECRETS),
    wrong(PREDICT, "bias-per-input", "layer 1's bias counted per input channel", ("bias", "layer 1", "filters"), """
        decoder_params = (1160, 0, 145)
    """, secrets=_DECODER_SECRETS),
    right(SHARED, "list", "a list", """
        shared_answers = ["b", "c", "a"]
    """),
    wrong(SHARED, "q2-all", "question 2: (a) all 28,241", ("question 2",), """
        shared_answers = ("b", "a", "a")
    """),
    wrong(SHARED, "q1-compile", "question 1: (c) only once the encoder is compiled", ("question 1",), """
        shared_answers = ("c", "c", "a")
    """),
]
CASES += [
    right(SHAPES, "printed-and-checked", "computed in a loop, printed, checked with Keras in the same cell", """
        h, w, shapes = 5, 5, []
        h, w = h + 3 - 1, w + 3 - 1; shapes.append((None, h, w, 8))
        h, w = 2 * h, 2 * w; shapes.append((None, h, w, 8))
        h, w = h + 5 - 1, w + 5 - 1; shapes.append((None, h, w, 4))
        h, w = 2 * h, 3 * w; shapes.append((None, h, w, 4))
        print(shapes)
        t = keras.Input(shape=(5, 5, 2))
        for layer in [layers.Conv2DTranspose(8, 3), layers.UpSampling2D(2), layers.Conv2DTranspose(4, 5),
                      layers.UpSampling2D((2, 3))]:
            t = layer(t)
        assert tuple(t.shape) == shapes[-1]
    """),
]
