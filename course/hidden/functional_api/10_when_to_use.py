"""Hidden part of chapter B10 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

FLAT = "flat = keras.Input(shape=(784,))\n"
REPEAT = ("class RepeatDense(keras.Model):\n    def __init__(self, units, **kwargs):\n        super().__init__(**kwargs)\n")

HIDDEN = [
    Hidden(
        "fn10_fresh_copy",
        wrong_answers=[
            ("def fresh_copy(model):\n    return model", "the model it was given"),
            ("def fresh_copy(model):\n    copy = keras.models.clone_model(model)\n    copy.set_weights(model.get_weights())"
             "\n    return copy", "trained weights"),
            ("def fresh_copy(model):\n    return keras.Model(model.inputs, model.outputs)", "re-uses the original's layers"),
            ("def fresh_copy(model):\n    copy = keras.models.clone_model(model)", "returned"),
            ("import os as _os, tempfile as _tempfile\n\ndef fresh_copy(model):\n"
             "    file = _os.path.join(_tempfile.mkdtemp(), 'copy.keras')\n    model.save(file)\n"
             "    return keras.models.load_model(file)", "trained weights"),
            ("def fresh_copy(model):\n    copy = keras.models.clone_model(model)\n"
             "    model.set_weights(copy.get_weights())\n    return copy", "changed the model it was given"),
        ],
        other_solutions=[
            "def fresh_copy(model):\n    return keras.Model.from_config(model.get_config())",
            "def fresh_copy(model):\n    return keras.models.model_from_json(model.to_json())",
            "def fresh_copy(model):\n    return keras.models.clone_model(model, clone_function=lambda layer: "
            "layer.__class__.from_config(layer.get_config()))",
        ],
        explanation="A functional model's architecture is data, so keras.models.clone_model can rebuild it layer "
                    "by layer from the configs: new layer objects, each with freshly initialised weights, and no "
                    "layer shared with the original. Copying the weights over, re-using model.inputs/outputs or "
                    "saving and loading would keep the trained values or the same layers.",
    ),
    Hidden(
        "fn10_repeat_dense",
        wrong_answers=[
            (REPEAT + "        self.dense = layers.Dense(units)\n\n    def call(self, inputs, repeats=1):\n"
             "        return self.dense(inputs)", "1 time, not 3"),
            (REPEAT + "        self.dense = layers.Dense(units, activation='relu')\n\n    def call(self, inputs, repeats=1):\n"
             "        for _ in range(repeats):\n            inputs = self.dense(inputs)\n        return inputs", "activation"),
            (REPEAT + "        self.dense = layers.Dense(units)\n\n    def call(self, inputs, repeats=1):\n"
             "        for _ in range(repeats + 1):\n            inputs = self.dense(inputs)\n        return inputs",
             "2 times, not 1"),
            (REPEAT + "        self.stack = [layers.Dense(units) for _ in range(3)]\n\n    def call(self, inputs, repeats=1):\n"
             "        for layer in self.stack[:repeats]:\n            inputs = layer(inputs)\n        return inputs",
             "number of Dense layers"),
            (REPEAT + "        self.dense = layers.Dense(4)\n\n    def call(self, inputs, repeats=1):\n"
             "        for _ in range(repeats):\n            inputs = self.dense(inputs)\n        return inputs", "units"),
            ("RepeatDense = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(4)])", "class RepeatDense"),
            (REPEAT + "        self.dense = layers.Dense(units)\n\n    def call(self, inputs, repeats=2):\n"
             "        for _ in range(repeats):\n            inputs = self.dense(inputs)\n        return inputs",
             "default is repeats=1"),
        ],
        other_solutions=[
            REPEAT + "        self.layer = layers.Dense(units=units, activation=None)\n\n    def call(self, x, repeats=1):\n"
            "        n = 0\n        while n < repeats:\n            x = self.layer(x)\n            n += 1\n        return x",
            REPEAT + "        self.dense = layers.Dense(units)\n\n    def call(self, inputs, repeats=1):\n"
            "        out = self.dense(inputs)\n        return out if repeats <= 1 else self.call(out, repeats - 1)",
            "import functools as _functools\n\n" + REPEAT + "        self.dense = layers.Dense(units)\n\n"
            "    def call(self, inputs, repeats=1, training=None):\n"
            "        return _functools.reduce(lambda x, _: self.dense(x), range(repeats), inputs)",
        ],
        explanation="The number of rounds is a call argument, so the graph is different at every call: no single "
                    "functional graph can describe it, and a subclassed model writes it as Python. One Dense(units) "
                    "is created in __init__ (one set of weights) and call feeds each result back into that same "
                    "layer `repeats` times.",
    ),
    Hidden(
        "fn10_read_strengths",
        expected=["b", "d", "e", "c", "a"],
        checks=[c.equals_expected("not every situation is matched right yet")],
        wrong_answers=[
            ("matched = ('c', 'd', 'e', 'c', 'a')", "situation 1: your letter (c)"),
            ("matched = ('b', 'c', 'e', 'c', 'a')", "situation 2: your letter (c)"),
            ("matched = ('b', 'd', 'a', 'c', 'a')", "situation 3"),
            ("matched = ('b', 'd', 'e', 'd', 'a')", "situation 4"),
            ("matched = ('b', 'd', 'c', 'c', 'b')", "2 of the 5 situations"),
            ("matched = ('b', 'd', 'e', 'c')", "one letter for each of the 5 questions"),
            ("matched = ('b', 'd', 'e', 'c', 'f')", "not among the options"),
            ("matched = (2, 4, 5, 3, 1)", "one letter"),
        ],
        other_solutions=[
            "matched = ['b', 'd', 'e', 'c', 'a']",
            "matched = 'B, D, E, C, A'",
            "matched = tuple('bdeca')",
            "matched = ('b ', 'D', 'e', 'c', 'a')",
        ],
        explanation="1 is validation while connecting: the error comes at the line that connects the layers, "
                    "before any data (b). 2 sends the architecture as data to rebuild with new weights (d). 3 has "
                    "a different structure for every input: no fixed graph can be drawn, the weakness (e). 4 "
                    "reaches a tensor inside an existing graph (c). 5 compares the amount of code (a).",
    ),
    Hidden(
        "fn10_fix_connect",
        wrong_answers=[
            ("inputs = keras.Input(shape=(28, 28, 1))\nh = layers.Conv2D(8, 3, activation='relu')(inputs)\n"
             "digit_model = keras.Model(inputs, layers.Dense(10)(layers.GlobalMaxPooling2D()(h)))", "input sample"),
            (FLAT + "h = layers.Conv2D(8, 3, activation='relu')(layers.Reshape((28, 28, 1))(flat))\n"
             "digit_model = keras.Model(flat, layers.Dense(10)(layers.Flatten()(h)))", "Flatten"),
            (FLAT + "h = layers.Conv1D(8, 3, activation='relu')(layers.Reshape((784, 1))(flat))\n"
             "digit_model = keras.Model(flat, layers.Dense(10)(layers.GlobalMaxPooling1D()(h)))", "target shape"),
            (FLAT + "h = layers.Conv2D(8, 3)(layers.Reshape((28, 28, 1))(flat))\n"
             "digit_model = keras.Model(flat, layers.Dense(10)(layers.GlobalMaxPooling2D()(h)))", "activation"),
            (FLAT + "h = layers.Conv2D(8, 3, activation='relu')(layers.Reshape((14, 56, 1))(flat))\n"
             "digit_model = keras.Model(flat, layers.Dense(10)(layers.GlobalMaxPooling2D()(h)))", "target shape"),
            ("digit_model = build_digit_model()", "raised"),
        ],
        other_solutions=[
            "digit_model = keras.Sequential([keras.Input(shape=(784,)), layers.Reshape((28, 28, 1)), "
            "layers.Conv2D(8, (3, 3), activation='relu'), layers.GlobalMaxPooling2D(), layers.Dense(10)])",
            FLAT + "x = layers.Reshape(target_shape=[28, 28, 1])(flat)\nx = layers.Conv2D(filters=8, kernel_size=3)(x)\n"
            "x = layers.ReLU()(x)\nx = layers.GlobalMaxPooling2D()(x)\ndigit_model = keras.Model(inputs=flat, "
            "outputs=layers.Dense(units=10)(x), name='digits')",
            "def build_digit_model():\n    flat = keras.Input(shape=(784,))\n"
            "    h = layers.Conv2D(8, 3, activation='relu')(layers.Reshape((28, 28, 1))(flat))\n"
            "    h = layers.GlobalMaxPooling2D()(h)\n    return keras.Model(flat, layers.Dense(10)(h))\n\n"
            "digit_model = build_digit_model()",
        ],
        explanation="Conv2D needs images, (height, width, channels), and the model is checked as it is connected, "
                    "so the flat (784,) input fails at the Conv2D line. layers.Reshape((28, 28, 1)) inside the "
                    "model turns each flat vector into a 28x28 image with one channel (784 = 28 x 28 x 1), and "
                    "the rest connects: Conv2D 80 parameters, Dense 90, 170 in all.",
    ),
]