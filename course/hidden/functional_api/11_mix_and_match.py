"""Hidden part of chapter B11 (instructor only: never released, never in the student's package)."""
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
    ),
]
