"""B10 · When to use the functional API: fn10_fresh_copy, fn10_repeat_dense."""
from exercise_gallery.functional_api import right, wrong

COPY = "fn10_fresh_copy"
REPEAT = "fn10_repeat_dense"

CASES = [
    # ---- fn10_fresh_copy(model): same architecture, its own freshly initialised weights
    right(COPY, "from-config", "keras.Model.from_config(model.get_config())", """
        def fresh_copy(model):
            return keras.Model.from_config(model.get_config())
    """),
    right(COPY, "json", "model_from_json(model.to_json())", """
        def fresh_copy(model):
            return keras.models.model_from_json(model.to_json())
    """),
    right(COPY, "clone-function", "clone_model with an explicit clone_function", """
        def fresh_copy(model):
            return keras.models.clone_model(
                model, clone_function=lambda layer: layer.__class__.from_config(layer.get_config()))
    """),
    right(COPY, "clone-with-input", "clone_model on a new input tensor", """
        def fresh_copy(model):
            new_input = keras.Input(shape=model.inputs[0].shape[1:])
            return keras.models.clone_model(model, input_tensors=new_input)
    """),
    wrong(COPY, "same-model", "returns the model it was given", ("new model", "same"), """
        def fresh_copy(model):
            return model
    """),
    wrong(COPY, "copied-weights", "copies the trained weights over", ("fresh", "initialis", "weights"), """
        def fresh_copy(model):
            copy = keras.models.clone_model(model)
            copy.set_weights(model.get_weights())
            return copy
    """),
    wrong(COPY, "shares-layers", "a new Model object on the same layers (weights shared)",
          ("own weights", "shared", "share"), """
        def fresh_copy(model):
            return keras.Model(model.inputs, model.outputs)
    """),
    wrong(COPY, "no-return", "forgets to return the copy", ("return",), """
        def fresh_copy(model):
            copy = keras.models.clone_model(model)
    """),
    wrong(COPY, "reloaded", "saves and reloads (the trained weights come back)", ("fresh", "initialis", "weights"), """
        import os as _os, tempfile as _tempfile

        def fresh_copy(model):
            file = _os.path.join(_tempfile.mkdtemp(), "copy.keras")
            model.save(file)
            return keras.models.load_model(file)
    """),

    # ---- fn10_repeat_dense: subclassed RepeatDense(units); one Dense(units), no activation, applied `repeats` times
    right(REPEAT, "while-loop", "a while loop, positional repeats", """
        class RepeatDense(keras.Model):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.layer = layers.Dense(units=units, activation=None)

            def call(self, x, repeats=1):
                n = 0
                while n < repeats:
                    x = self.layer(x)
                    n += 1
                return x
    """),
    right(REPEAT, "recursion", "recursion", """
        class RepeatDense(keras.Model):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.dense = layers.Dense(units)

            def call(self, inputs, repeats=1):
                out = self.dense(inputs)
                return out if repeats <= 1 else self.call(out, repeats - 1)
    """),
    right(REPEAT, "reduce-training", "functools.reduce, a training argument too", """
        import functools as _functools

        class RepeatDense(keras.Model):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.dense = layers.Dense(units)

            def call(self, inputs, repeats=1, training=None):
                return _functools.reduce(lambda x, _: self.dense(x), range(repeats), inputs)
    """),
    wrong(REPEAT, "applied-once", "ignores repeats", ("three times", "repeats"), """
        class RepeatDense(keras.Model):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.dense = layers.Dense(units)

            def call(self, inputs, repeats=1):
                return self.dense(inputs)
    """),
    wrong(REPEAT, "relu", "activation: a ReLU on the Dense layer", ("activation", "relu"), """
        class RepeatDense(keras.Model):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.dense = layers.Dense(units, activation="relu")

            def call(self, inputs, repeats=1):
                for _ in range(repeats):
                    inputs = self.dense(inputs)
                return inputs
    """),
    wrong(REPEAT, "off-by-one", "loop bound: repeats + 1 applications", ("repeats", "once", "times"), """
        class RepeatDense(keras.Model):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.dense = layers.Dense(units)

            def call(self, inputs, repeats=1):
                for _ in range(repeats + 1):
                    inputs = self.dense(inputs)
                return inputs
    """),
    wrong(REPEAT, "three-layers", "provenance: three different Dense layers instead of the same one",
          ("same layer", "one Dense", "number of Dense"), """
        class RepeatDense(keras.Model):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.stack = [layers.Dense(units) for _ in range(3)]

            def call(self, inputs, repeats=1):
                for layer in self.stack[:repeats]:
                    inputs = layer(inputs)
                return inputs
    """),
    wrong(REPEAT, "units-hard-coded", "hard-coded: Dense(4) whatever `units` says", ("units",), """
        class RepeatDense(keras.Model):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.dense = layers.Dense(4)

            def call(self, inputs, repeats=1):
                for _ in range(repeats):
                    inputs = self.dense(inputs)
                return inputs
    """, hidden_only=True),
]
