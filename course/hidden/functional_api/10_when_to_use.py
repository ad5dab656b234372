"""Hidden part of chapter B10 (instructor only: never released, never in the student's package)."""
from kitlib.exercises.hidden import Hidden

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
        ],
        other_solutions=[
            "def fresh_copy(model):\n    return keras.Model.from_config(model.get_config())",
            "def fresh_copy(model):\n    return keras.models.model_from_json(model.to_json())",
            "def fresh_copy(model):\n    return keras.models.clone_model(model, clone_function=lambda layer: "
            "layer.__class__.from_config(layer.get_config()))",
        ],
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
    ),
]
