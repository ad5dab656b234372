"""Hidden part of chapter B11 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

RUN = "class RunningSum(layers.Layer):\n    def call(self, inputs):\n"
LOOP = ("        total, totals = 0.0, []\n        for t in range(inputs.shape[1]):\n"
        "            total = total + inputs[:, t, :]\n")
SCORER = ("class Scorer(layers.Layer):\n    def __init__(self, **kwargs):\n        super().__init__(**kwargs)\n")
HEAD = "        i = keras.Input(shape=(8,))\n        self.head = keras.Model(i, layers.Dense(1, activation='sigmoid')(i))\n"

HIDDEN = [
    Hidden(
        "fn11_running_sum",
        wrong_answers=[
            (RUN + "        return inputs", "unchanged"),
            (RUN + LOOP + "            totals.append(total)\n        return keras.ops.stack(totals, axis=0)", "axis 0"),
            (RUN + "        return keras.ops.cumsum(inputs, axis=2)", "features"),
            (RUN + "        total = keras.ops.zeros_like(inputs[:, 0, :])\n        totals = []\n"
             "        for t in range(inputs.shape[1]):\n            totals.append(total)\n"
             "            total = total + inputs[:, t, :]\n        return keras.ops.stack(totals, axis=1)", "itself"),
            (RUN + LOOP + "        return total", "last total"),
            (RUN + LOOP + "            totals.append(total / (t + 1))\n        return keras.ops.stack(totals, axis=1)",
             "mean"),
        ],
        other_solutions=[
            RUN + LOOP + "            totals.append(total)\n        return keras.ops.stack(totals, axis=1)",
            "import tensorflow as tf\n\nclass RunningSum(layers.Layer):\n    def __init__(self, **kwargs):\n"
            "        super().__init__(**kwargs)\n\n    def call(self, inputs):\n        steps = [inputs[:, 0, :]]\n"
            "        for t in range(1, inputs.shape[1]):\n            steps.append(steps[-1] + inputs[:, t, :])\n"
            "        return tf.stack(steps, axis=1)",
            RUN + "        return keras.ops.stack([keras.ops.sum(inputs[:, : t + 1, :], axis=1) "
            "for t in range(inputs.shape[1])], axis=1)",
            RUN + "        return keras.ops.cumsum(inputs, axis=1)",
        ],
        equivalent_mutants={
            "constant 0 -> 1 (in call)": "keras.ops.zeros_like only takes the shape of the slice it is given: the "
            "zeros of step 1 are the zeros of step 0",
        },
        explanation="The output at step t is the total of steps 0..t, so call keeps a running total, adds "
                    "inputs[:, t, :] at each step and keeps a copy of every total. keras.ops.stack(totals, axis=1) "
                    "puts the kept totals back along the time axis, so the output has the input's shape; the loop "
                    "needs inputs.shape[1] as a number, which a fixed batch shape or an eager call gives.",
    ),
    Hidden(
        "fn11_functional_in_layer",
        wrong_answers=[
            (SCORER + "        self.head = layers.Dense(1, activation='sigmoid')\n\n    def call(self, inputs):\n"
             "        return self.head(keras.ops.mean(inputs, axis=1))", "functional model"),
            (SCORER + "        self.head = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, "
             "activation='sigmoid')])\n\n    def call(self, inputs):\n        return self.head(keras.ops.mean(inputs, "
             "axis=1))", "functional model"),
            (SCORER + "        i = keras.Input(shape=(8,))\n        self.head = keras.Model(i, layers.Dense(1)(i))\n\n"
             "    def call(self, inputs):\n        return self.head(keras.ops.mean(inputs, axis=1))", "activation"),
            (SCORER + HEAD + "\n    def call(self, inputs):\n        return self.head(keras.ops.max(inputs, axis=1))",
             "largest"),
            (SCORER + HEAD + "\n    def call(self, inputs):\n        return self.head(inputs[:, -1, :])", "last step"),
            (SCORER + HEAD + "\n    def call(self, inputs):\n        return self.head(keras.ops.mean(inputs, axis=0))",
             "output shape"),
        ],
        other_solutions=[
            SCORER + "        i = keras.Input(shape=(8,))\n        self.head = keras.Model(inputs=i, outputs=layers."
            "Activation('sigmoid')(layers.Dense(1)(i)))\n\n    def call(self, inputs):\n"
            "        return self.head(keras.ops.mean(inputs, axis=1))",
            SCORER + "        self.pool = layers.GlobalAveragePooling1D()\n        head_in = keras.Input((8,))\n"
            "        self.head = keras.Model(head_in, layers.Dense(1, activation=keras.activations.sigmoid)(head_in))\n\n"
            "    def call(self, inputs):\n        return self.head(self.pool(inputs))",
            SCORER + "        i = keras.Input(shape=[8])\n        self.head = keras.Model(i, layers.Dense(units=1, "
            "activation='sigmoid')(i), name='head')\n\n    def call(self, x):\n"
            "        return self.head(keras.ops.sum(x, axis=1) / x.shape[1])",
        ],
        explanation="A functional model is a layer like any other, so the custom layer can build one in "
                    "__init__ and keep it on self: its Dense(1, sigmoid) weights become the layer's weights (9). "
                    "call averages the (batch, steps, 8) input over the steps, axis 1, which leaves (batch, 8), "
                    "exactly the head's input, and returns the head's score.",
    ),
    Hidden(
        "fn11_predict_shape",
        expected=[[4, 8, 1], 2977],
        checks=[c.equals_expected("the prediction is not right yet")],
        wrong_answers=[
            ("predicted = ((4, 12, 1), 2977)", "shortens the sequence"),
            ("predicted = ((4, 8, 32), 2977)", "one number"),
            ("predicted = ((None, 8, 1), 2977)", "batch axis"),
            ("predicted = ((4, 8, 1), 2657)", "kernel of 5"),
            ("predicted = ((4, 8, 1), 2944)", "classifier"),
            ("predicted = ((4, 10, 1), 2657)", "2 parts are not right yet"),
            ("predicted = (2977, (4, 8, 1))", "shape"),
            ("predicted = (4, 8, 1)", "tuple of 2 entries"),
        ],
        other_solutions=[
            "predicted = [[4, 8, 1], 2977]",
            "predicted = ((4, 8, 1), 2_977)",
            "conv = 5 * 5 * 32 + 32\nrnn = 2 * (32 * 32 + 32)\npredicted = ((4, 8, 1), conv + rnn + 33)",
        ],
        explanation="Conv1D(32, 5) without padding turns 12 steps into 12 - 5 + 1 = 8 and has 5 x 5 x 32 + 32 = 832 "
                    "weights (kernel x input channels x filters, plus biases). CustomRNN keeps the 8 steps, and its "
                    "classifier scores each with one number; batch_shape fixes the batch axis at 4: (4, 8, 1). "
                    "Its two projections have 2 x 1,056 weights and the classifier 33: 832 + 2,112 + 33 = 2,977.",
    ),
    Hidden(
        "fn11_fix_batch",
        wrong_answers=[
            ("inputs = keras.Input(batch_shape=(16, 10, 5))\n"
             "tagger = keras.Model(inputs, CustomRNN()(layers.Conv1D(32, 3)(inputs)))", "batch size"),
            ("inputs = keras.Input(batch_shape=(8, 10, 5))\n"
             "tagger = keras.Model(inputs, CustomRNN()(layers.Conv1D(32, 3, padding='same')(inputs)))", "Conv1D"),
            ("inputs = keras.Input(batch_shape=(8, 10, 5))\n"
             "tagger = keras.Model(inputs, CustomRNN()(layers.Conv1D(16, 3)(inputs)))", "Conv1D"),
            ("inputs = keras.Input(batch_shape=(8, 10, 5))\nx = layers.Conv1D(32, 3)(inputs)\n"
             "tagger = keras.Model(inputs, layers.SimpleRNN(32, return_sequences=True)(x))", "CustomRNN"),
            ("inputs = keras.Input(batch_shape=(8, 10, 5))\n"
             "tagger = keras.Model(inputs, CustomRNN()(inputs))", "layers"),
            ("tagger = make_tagger()", "raised"),
        ],
        other_solutions=[
            "inputs = keras.Input(shape=(10, 5), batch_size=8)\n"
            "tagger = keras.Model(inputs=inputs, outputs=CustomRNN()(layers.Conv1D(filters=32, kernel_size=3)(inputs)))",
            "def make_tagger(batch=8):\n    inputs = keras.Input(batch_shape=(batch, timesteps, input_dim))\n"
            "    x = layers.Conv1D(32, 3)(inputs)\n    return keras.Model(inputs, CustomRNN()(x))\n\n"
            "tagger = make_tagger()",
            "seq = keras.Input(batch_shape=[8, 10, 5], name='sequences')\nfeatures = layers.Conv1D(32, (3,))(seq)\n"
            "tagger = keras.Model(seq, CustomRNN(name='rnn')(features), name='tagger')",
        ],
        explanation="CustomRNN makes its zero state with keras.ops.zeros((inputs.shape[0], units)): the batch size "
                    "must be a number while the graph is connected, and keras.Input(shape=...) leaves it None. "
                    "keras.Input(batch_shape=(8, 10, 5)) fixes it, as the guide's mixed model does with "
                    "(16, 10, 5); the layers stay as they are, so the output is (8, 8, 1) with 2,657 parameters.",
    ),
]