"""B10 · When to use the functional API: fn10_fresh_copy, fn10_repeat_dense."""
from exercise_gallery.functional_api import block, right, wrong

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

# ---- the practice items added after the audit (held-out answers: other spellings, typical mistakes)
STRENGTHS = "fn10_read_strengths"
CONNECT = "fn10_fix_connect"
_FLAT = block("""
flat = keras.Input(shape=(784,))
""")

CASES += [
    # fn10_read_strengths: ("b", "d", "e", "c", "a")
    right(STRENGTHS, "list", "a list from a string", 'matched = list("bdeca")'),
    right(STRENGTHS, "upper", "capitals", 'matched = ("B", "D", "E", "C", "A")'),
    right(STRENGTHS, "by-situation", "from a dict of situations", """
        picks = {1: "b", 2: "d", 3: "e", 4: "c", 5: "a"}
        matched = tuple(picks[i] for i in range(1, 6))
    """),
    wrong(STRENGTHS, "s2-inspect", "situation 2: (c) plottable and inspectable", ("architecture as data", "sent"),
          'matched = ("b", "c", "e", "c", "a")'),
    wrong(STRENGTHS, "s3-verbose", "situation 3: (a) less verbose", ("fixed graph",),
          'matched = ("b", "d", "a", "c", "a")'),
    wrong(STRENGTHS, "s5-serial", "situation 5: (d) serializable", ("two ways of writing",),
          'matched = ("b", "d", "e", "c", "d")'),
    wrong(STRENGTHS, "s1-dynamic", "situation 1: (e) the weakness", ("before any data",),
          'matched = ("e", "d", "e", "c", "a")'),
    wrong(STRENGTHS, "six", "six letters", ("5",), 'matched = ("b", "d", "e", "c", "a", "a")'),

    # fn10_fix_connect: flat 784 input, reshaped to 28x28x1 inside the model, Conv2D(8, 3, relu), GMP2D, Dense(10)
    right(CONNECT, "ops-reshape", "keras.ops.reshape inside the graph", _FLAT + """
        images = keras.ops.reshape(flat, (-1, 28, 28, 1))
        h = layers.GlobalMaxPooling2D()(layers.Conv2D(8, 3, activation="relu")(images))
        digit_model = keras.Model(flat, layers.Dense(10)(h))
    """),
    right(CONNECT, "reshape-minus-one", "Reshape((28, 28, -1)), named layers", _FLAT + """
        h = layers.Reshape((28, 28, -1), name="to_image")(flat)
        h = layers.Conv2D(8, kernel_size=(3, 3), activation="relu", name="conv")(h)
        digit_model = keras.Model(flat, layers.Dense(10, name="logits")(layers.GlobalMaxPool2D()(h)))
    """),
    right(CONNECT, "explicit-defaults", "defaults spelt out (valid padding, strides 1, no output activation)", _FLAT + """
        h = layers.Reshape(target_shape=(28, 28, 1))(flat)
        h = layers.Conv2D(8, 3, strides=1, padding="valid", activation="relu")(h)
        digit_model = keras.Model(flat, layers.Dense(10, activation=None)(layers.GlobalMaxPooling2D()(h)))
    """),
    wrong(CONNECT, "same-padding", "padding='same' (the same 170 parameters)", ("padding",), _FLAT + """
        h = layers.Conv2D(8, 3, activation="relu", padding="same")(layers.Reshape((28, 28, 1))(flat))
        digit_model = keras.Model(flat, layers.Dense(10)(layers.GlobalMaxPooling2D()(h)))
    """),
    wrong(CONNECT, "average-pool", "GlobalAveragePooling2D (the same 170 parameters)", ("max", "pooling"), _FLAT + """
        h = layers.Conv2D(8, 3, activation="relu")(layers.Reshape((28, 28, 1))(flat))
        digit_model = keras.Model(flat, layers.Dense(10)(layers.GlobalAveragePooling2D()(h)))
    """),
    wrong(CONNECT, "strided", "strides=2 (the same 170 parameters)", ("strides", "stride"), _FLAT + """
        h = layers.Conv2D(8, 3, strides=2, activation="relu")(layers.Reshape((28, 28, 1))(flat))
        digit_model = keras.Model(flat, layers.Dense(10)(layers.GlobalMaxPooling2D()(h)))
    """),
    wrong(CONNECT, "softmax", "a softmax on the output", ("activation", "softmax"), _FLAT + """
        h = layers.Conv2D(8, 3, activation="relu")(layers.Reshape((28, 28, 1))(flat))
        digit_model = keras.Model(flat, layers.Dense(10, activation="softmax")(layers.GlobalMaxPooling2D()(h)))
    """),
    wrong(CONNECT, "image-input", "a (28, 28) input reshaped to add the channel", ("784", "flat"), """
        grid = keras.Input(shape=(28, 28))
        h = layers.Conv2D(8, 3, activation="relu")(layers.Reshape((28, 28, 1))(grid))
        digit_model = keras.Model(grid, layers.Dense(10)(layers.GlobalMaxPooling2D()(h)))
    """),
    wrong(CONNECT, "transposed", "the pixels transposed (a permuted 28 x 28 image)", ("reshape", "order", "image"),
          _FLAT + """
        h = layers.Permute((2, 1, 3))(layers.Reshape((28, 28, 1))(flat))
        h = layers.Conv2D(8, 3, activation="relu")(h)
        digit_model = keras.Model(flat, layers.Dense(10)(layers.GlobalMaxPooling2D()(h)))
    """),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
CASES += [
    right(COPY, "clone-model-keyword", "keras.models.clone_model(model=...), then compiled like nothing", """
        def fresh_copy(model):
            twin = keras.models.clone_model(model=model)
            return twin
    """),
    wrong(COPY, "deepcopy", "copy.deepcopy (the trained weights come along)", ("weights", "fresh", "trained"), """
        import copy

        def fresh_copy(model):
            return copy.deepcopy(model)
    """),
    wrong(COPY, "hard-coded-architecture", "a fixed architecture built whatever model is given", ("architecture", "layers", "same"), """
        def fresh_copy(model):
            inputs = keras.Input(shape=model.inputs[0].shape[1:])
            return keras.Model(inputs, layers.Dense(model.outputs[0].shape[-1])(inputs))
    """),
    right(REPEAT, "keras-layers-range", "keras.layers.Dense(units, activation=None), a for loop", """
        class RepeatDense(keras.Model):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.units = units
                self.dense = keras.layers.Dense(units, activation=None)

            def call(self, inputs, repeats=1):
                out = inputs
                for _ in range(repeats):
                    out = self.dense(out)
                return out
    """),
    wrong(REPEAT, "no-bias", "use_bias=False: not a plain Dense(units)", ("bias", "Dense"), """
        class RepeatDense(keras.Model):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.dense = layers.Dense(units, use_bias=False)

            def call(self, inputs, repeats=1):
                for _ in range(repeats):
                    inputs = self.dense(inputs)
                return inputs
    """),
    wrong(REPEAT, "default-two", "the default of repeats changed to 2", ("repeats", "default", "once"), """
        class RepeatDense(keras.Model):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.dense = layers.Dense(units)

            def call(self, inputs, repeats=2):
                for _ in range(repeats):
                    inputs = self.dense(inputs)
                return inputs
    """),
    right(STRENGTHS, "tuple-spaces", "letters with stray spaces", """
        matched = (" b", "d ", "e", "c", "a")
    """),
    wrong(STRENGTHS, "s4-serial", "situation 4: (d) serializable", ("situation 4",), """
        matched = ("b", "d", "e", "d", "a")
    """),
    right(CONNECT, "keyword-reshape", "Reshape(target_shape=...), keyword filters and kernel_size", """
        flat = keras.Input(shape=(784,))
        h = keras.layers.Reshape(target_shape=(28, 28, 1))(flat)
        h = keras.layers.Conv2D(filters=8, kernel_size=(3, 3), activation="relu")(h)
        h = keras.layers.GlobalMaxPooling2D()(h)
        digit_model = keras.Model(inputs=flat, outputs=keras.layers.Dense(units=10)(h))
    """),
    wrong(CONNECT, "no-relu", "the ReLU of the Conv2D dropped (the same 170 parameters)", ("activation", "relu"), """
        flat = keras.Input(shape=(784,))
        h = layers.Reshape((28, 28, 1))(flat)
        h = layers.Conv2D(8, 3)(h)
        h = layers.GlobalMaxPooling2D()(h)
        digit_model = keras.Model(flat, layers.Dense(10)(h))
    """),
    wrong(CONNECT, "relu-output", "a ReLU on the Dense output (the same 170 parameters)", ("activation", "output", "Dense"), """
        flat = keras.Input(shape=(784,))
        h = layers.Reshape((28, 28, 1))(flat)
        h = layers.Conv2D(8, 3, activation="relu")(h)
        h = layers.GlobalMaxPooling2D()(h)
        digit_model = keras.Model(flat, layers.Dense(10, activation="relu")(h))
    """),
    wrong(CONNECT, "kernel-5", "another kernel size, filters cut to keep near the target", ("kernel", "Conv2D", "170", "parameters"), """
        flat = keras.Input(shape=(784,))
        h = layers.Reshape((28, 28, 1))(flat)
        h = layers.Conv2D(8, 5, activation="relu")(h)
        h = layers.GlobalMaxPooling2D()(h)
        digit_model = keras.Model(flat, layers.Dense(10)(h))
    """),
]
