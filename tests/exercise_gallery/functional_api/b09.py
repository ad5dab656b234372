"""B9 · Custom layers: fn09_scale_layer, fn09_wrapper_config."""
from exercise_gallery.functional_api import block, right, wrong

SCALE = "fn09_scale_layer"
WRAP = "fn09_wrapper_config"

# The class line and constructor of Residual; the cases' methods follow at the class body's indentation.
_RESIDUAL = block("""
class Residual(layers.Layer):
    def __init__(self, inner, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner
""")

CASES = [
    # ---- fn09_scale_layer: one trainable factor per input feature, initialised to ones; inputs * factors
    right(SCALE, "init-kwargs-ops", "__init__(**kwargs), keras.ops.multiply, a named weight", """
        class Scale(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)

            def build(self, input_shape):
                self.w = self.add_weight(name="factors", shape=(input_shape[-1],), initializer="ones")

            def call(self, inputs):
                return keras.ops.multiply(inputs, self.w)
    """),
    right(SCALE, "initializer-object-slice", "Ones() initializer object, shape from input_shape[-1:]", """
        class Scale(layers.Layer):
            def build(self, input_shape):
                self.factors = self.add_weight(shape=tuple(input_shape[-1:]),
                                               initializer=keras.initializers.Ones(), trainable=True)

            def call(self, x):
                return self.factors * x
    """),
    right(SCALE, "get-config-list-shape", "get_config spelled out, shape as a list", """
        class Scale(keras.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)

            def build(self, input_shape):
                self.scale = self.add_weight(shape=[int(input_shape[-1])], initializer="ones")
                super().build(input_shape)

            def call(self, inputs):
                return inputs * self.scale

            def get_config(self):
                return super().get_config()
    """),
    wrong(SCALE, "one-factor", "structure: one factor for all features", ("per feature", "one factor per", "parameters"), """
        class Scale(layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(shape=(1,), initializer="ones")

            def call(self, inputs):
                return inputs * self.w
    """),
    wrong(SCALE, "random-start", "initialiser: random_normal instead of ones", ("ones", "identity", "start"), """
        class Scale(layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(shape=(input_shape[-1],), initializer="random_normal")

            def call(self, inputs):
                return inputs * self.w
    """),
    wrong(SCALE, "adds", "operation: adds the factors (initialised to zeros) instead of multiplying",
          ("multipl", "inputs * "), """
        class Scale(layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(shape=(input_shape[-1],), initializer="zeros")

            def call(self, inputs):
                return inputs + self.w
    """),
    wrong(SCALE, "frozen", "trainable=False", ("trainable",), """
        class Scale(layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", trainable=False)

            def call(self, inputs):
                return inputs * self.w
    """),
    wrong(SCALE, "no-kwargs", "constructor without **kwargs (Keras cannot rebuild it)", ("kwargs",), """
        class Scale(layers.Layer):
            def __init__(self):
                super().__init__()

            def build(self, input_shape):
                self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

            def call(self, inputs):
                return inputs * self.w
    """),
    wrong(SCALE, "five-hard-coded", "hard-coded: 5 factors (the size the task mentions)",
          ("feature", "input_shape"), """
        class Scale(layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(shape=(5,), initializer="ones")

            def call(self, inputs):
                return inputs * self.w
    """, hidden_only=True),

    # ---- fn09_wrapper_config: Residual(inner): inputs + inner(inputs); get_config/from_config with (de)serialize
    right(WRAP, "pop-ops-add", "config.pop, keras.ops.add", _RESIDUAL + """
            def call(self, inputs):
                return keras.ops.add(inputs, self.inner(inputs))

            def get_config(self):
                config = super().get_config()
                config.update({"inner": keras.layers.serialize(self.inner)})
                return config

            @classmethod
            def from_config(cls, config):
                inner = keras.layers.deserialize(config.pop("inner"))
                return cls(inner, **config)
    """),
    right(WRAP, "saving-api", "keras.saving.serialize_keras_object / deserialize_keras_object",
          _RESIDUAL + """
            def call(self, inputs):
                return inputs + self.inner(inputs)

            def get_config(self):
                return {**super().get_config(), "inner": keras.saving.serialize_keras_object(self.inner)}

            @classmethod
            def from_config(cls, config):
                config = dict(config)
                config["inner"] = keras.saving.deserialize_keras_object(config["inner"])
                return cls(**config)
    """),
    right(WRAP, "registered-build", "registered class, an explicit build", """
        @keras.saving.register_keras_serializable(package="gallery")
        class Residual(layers.Layer):
            def __init__(self, inner, **kwargs):
                super().__init__(**kwargs)
                self.inner = inner

            def build(self, input_shape):
                if not self.inner.built:
                    self.inner.build(input_shape)

            def call(self, inputs):
                return inputs + self.inner(inputs)

            def get_config(self):
                base = super().get_config()
                return dict(base, inner=keras.layers.serialize(self.inner))

            @classmethod
            def from_config(cls, config):
                return cls(inner=keras.layers.deserialize(config["inner"]),
                           **{k: v for k, v in config.items() if k != "inner"})
    """),
    wrong(WRAP, "no-config", "get_config missing", ("get_config",), _RESIDUAL + """
            def call(self, inputs):
                return inputs + self.inner(inputs)
    """),
    wrong(WRAP, "no-from-config", "from_config missing (the inner layer stays a dict)", ("from_config", "deserialize"),
          _RESIDUAL + """
            def call(self, inputs):
                return inputs + self.inner(inputs)

            def get_config(self):
                return {**super().get_config(), "inner": keras.layers.serialize(self.inner)}
    """),
    wrong(WRAP, "own-inner", "provenance: creates its own Dense(3) instead of the layer it is given",
          ("inner", "given"), """
        class Residual(layers.Layer):
            def __init__(self, inner, **kwargs):
                super().__init__(**kwargs)
                self.inner = layers.Dense(3)

            def call(self, inputs):
                return inputs + self.inner(inputs)

            def get_config(self):
                return {**super().get_config(), "inner": keras.layers.serialize(self.inner)}

            @classmethod
            def from_config(cls, config):
                config = dict(config)
                config["inner"] = keras.layers.deserialize(config["inner"])
                return cls(**config)
    """),
    wrong(WRAP, "rebuilds-fixed-inner", "from_config builds a new Dense(3) instead of deserializing the stored layer",
          ("deserialize", "inner"), _RESIDUAL + """
            def call(self, inputs):
                return inputs + self.inner(inputs)

            def get_config(self):
                return {**super().get_config(), "inner": keras.layers.serialize(self.inner)}

            @classmethod
            def from_config(cls, config):
                config = dict(config)
                config.pop("inner")
                return cls(layers.Dense(3), **config)
    """, hidden_only=True, note="right only for the check's own Dense(3)"),
    wrong(WRAP, "no-residual", "structure: returns inner(inputs) without the input", ("inputs +", "input"),
          _RESIDUAL + """
            def call(self, inputs):
                return self.inner(inputs)

            def get_config(self):
                return {**super().get_config(), "inner": keras.layers.serialize(self.inner)}

            @classmethod
            def from_config(cls, config):
                config = dict(config)
                config["inner"] = keras.layers.deserialize(config["inner"])
                return cls(**config)
    """),
    wrong(WRAP, "object-in-config", "get_config stores the layer object itself", ("serialize",),
          _RESIDUAL + """
            def call(self, inputs):
                return inputs + self.inner(inputs)

            def get_config(self):
                return {**super().get_config(), "inner": self.inner}
    """),
]
