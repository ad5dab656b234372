"""Hidden part of chapter B1 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
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
        explanation="A functional model is written as a chain of calls: each layer object is called on the "
                    "previous symbolic tensor and returns the next one, and keras.Model(inputs, outputs) keeps "
                    "every layer between the two. The count follows from inputs x units + units per Dense layer: "
                    "32 x 16 + 16 = 528, 16 x 16 + 16 = 272 and 16 x 3 + 3 = 51, 851 in all. The output layer "
                    "has no activation, as the task asks: it gives raw scores.",
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
        explanation="keras.Input(shape=...) describes one sample; Keras puts the batch axis in front as None, "
                    "because the number of images is known only when data arrives. Keras stores images "
                    "channels-last, so one CIFAR-10 image is (32, 32, 3), and float32 is keras.Input's default "
                    "dtype, the one pixel values scaled to 0..1 need.",
    ),
    Hidden(
        "fn01_predict_params",
        expected=[672, 264, 9],
        checks=[c.equals_expected("the parameter counts are not right yet")],
        wrong_answers=[
            ("layer_params = (640, 256, 8)", "bias"),
            ("layer_params = (672, 168, 21)", "not the model's 20 input features"),
            ("layer_params = (672, 264, 33)", "layer 3: its inputs are the outputs of layer 2"),
            ("layer_params = (672, 264)", "number of values"),
            ("layer_params = 945", "tuple of 3"),
            ("layer_params = (660, 264, 9)", "one number per unit"),
        ],
        other_solutions=[
            "layer_params = [672, 264, 9]",
            "layer_params = (20 * 32 + 32, 32 * 8 + 8, 8 * 1 + 1)",
            "import numpy as np\nlayer_params = tuple(np.array([672.0, 264.0, 9.0]))",
        ],
        explanation="A Dense layer holds a kernel of inputs x units weights and a bias of units numbers. Its "
                    "inputs are the outputs of the layer before it: 20 features for the first layer, 32 for the "
                    "second, 8 for the third. So 20 x 32 + 32 = 672, 32 x 8 + 8 = 264 and 8 x 1 + 1 = 9 (945 in "
                    "all); keras.Input adds no parameters.",
    ),
    Hidden(
        "fn01_read_summary",
        expected=["b", "c", "a"],
        checks=[c.equals_expected("the answers are not right yet")],
        wrong_answers=[
            ("summary_answers = ('a', 'c', 'a')", "InputLayer"),
            ("summary_answers = ('b', 'a', 'a')", "not the model's input"),
            ("summary_answers = ('b', 'b', 'a')", "question 2"),
            ("summary_answers = ('b', 'c', 'b')", "activation"),
            ("summary_answers = ('b', 'c')", "3 questions"),
            ("summary_answers = ('b', 'c', 'd')", "one of the letters"),
        ],
        other_solutions=[
            "summary_answers = ['b', 'c', 'a']",
            "summary_answers = ('B', 'C', 'A')",
            "summary_answers = tuple('bca')",
        ],
        explanation="mystery.layers lists four layers: the InputLayer (a real node of a functional graph, "
                    "with its own row in the summary), 'hidden', 'dropout' and 'scores'. Dropout only zeroes "
                    "values during training, so it passes on the (None, 8) output of 'hidden'. The None in "
                    "every shape is the batch axis: the number of samples is known only when data arrives.",
    ),
]
