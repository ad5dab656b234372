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

# ---- the practice items added after the audit (held-out answers: other spellings, typical mistakes)
PREDICT = "fn09_predict_params"
OFFSET = "fn09_fix_offset"


def _offset(init: str = "", build: str = "", call: str = "", config: str = "") -> str:
    """An Offset class, the notebook's repair with one part replaced."""
    init = init or """
    def __init__(self, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
"""
    build = build or """
    def build(self, input_shape):
        self.offset = self.add_weight(shape=(input_shape[-1],), initializer="zeros")
"""
    call = call or """
    def call(self, inputs):
        return inputs + self.scale * self.offset
"""
    config = config or """
    def get_config(self):
        return {**super().get_config(), "scale": self.scale}
"""
    return "class Offset(layers.Layer):" + init + build + call + config


CASES += [
    # fn09_predict_params: (56, 4)
    right(PREDICT, "built", "the model built and counted", """
        inputs = keras.Input((6,))
        first = CustomDense(6)
        twice_probe = keras.Model(inputs, CustomDense(2)(first(first(inputs))))
        predicted_weights = (twice_probe.count_params(), len(twice_probe.weights))
    """),
    right(PREDICT, "floats", "whole floats", "predicted_weights = (56.0, 4.0)"),
    right(PREDICT, "per-layer", "per layer object", """
        per_layer = {"first": (6 * 6 + 6, 2), "second": (6 * 2 + 2, 2)}
        predicted_weights = tuple(sum(v[i] for v in per_layer.values()) for i in range(2))
    """),
    wrong(PREDICT, "params-per-call", "parameters counted once per call, variables right", ("once per call", "build runs once"),
          "predicted_weights = (42 + 42 + 14, 4)"),
    wrong(PREDICT, "vars-per-call", "variables counted once per call, parameters right", ("once per call", "build runs once"),
          "predicted_weights = (56, 6)"),
    wrong(PREDICT, "no-bias", "no b in CustomDense", ("bias", "b"), "predicted_weights = (36 + 12, 2)"),
    wrong(PREDICT, "vars-per-number", "one variable per parameter", ("w and b", "two of them", "variables"),
          "predicted_weights = (56, 56)"),
    wrong(PREDICT, "one", "one number", ("tuple",), "predicted_weights = 56"),

    # fn09_fix_offset: offset from the last axis, any rank, super().get_config() plus scale, default 1.0
    right(OFFSET, "config-update", "config.update, shape input_shape[-1:], a Zeros initializer", _offset(build="""
    def build(self, input_shape):
        self.offset = self.add_weight(shape=input_shape[-1:], initializer=keras.initializers.Zeros())
""", config="""
    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale})
        return config
""")),
    right(OFFSET, "ops-add-named", "keras.ops.add, a named weight, trainable spelt out", _offset(build="""
    def build(self, input_shape):
        self.offset = self.add_weight(name="offset", shape=(input_shape[-1],), initializer="zeros",
                                      trainable=True)
""", call="""
    def call(self, inputs):
        return keras.ops.add(inputs, keras.ops.multiply(self.scale, self.offset))
""")),
    right(OFFSET, "scale-float", "scale stored as float, config via dict()", _offset(init="""
    def __init__(self, scale=1.0, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.scale = float(scale)
""", config="""
    def get_config(self):
        base = super().get_config()
        return dict(base, scale=self.scale)
""")),
    wrong(OFFSET, "config-by-hand", "get_config written by hand with name and scale, no super().get_config()",
          ("super().get_config()", "base layer"), _offset(config="""
    def get_config(self):
        return {"name": self.name, "scale": self.scale}
""")),
    wrong(OFFSET, "scale-scales-inputs", "scale multiplies the inputs, not the offset", ("scale",), _offset(call="""
    def call(self, inputs):
        return self.scale * inputs + self.offset
""")),
    wrong(OFFSET, "scale-ignored", "scale stored but left out of call", ("scale",), _offset(call="""
    def call(self, inputs):
        return inputs + self.offset
""")),
    wrong(OFFSET, "frozen-offset", "the offset not trainable", ("trainable",), _offset(build="""
    def build(self, input_shape):
        self.offset = self.add_weight(shape=(input_shape[-1],), initializer="zeros", trainable=False)
""")),
    wrong(OFFSET, "scale-hardcoded", "get_config gives scale 1.0 whatever the layer's", ("scale",), _offset(config="""
    def get_config(self):
        return {**super().get_config(), "scale": 1.0}
""")),
    wrong(OFFSET, "no-kwargs", "__init__ takes no **kwargs: from_config of the base config raises",
          ("**kwargs", "name", "raised"), _offset(init="""
    def __init__(self, scale=1.0):
        super().__init__()
        self.scale = scale
""")),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
_TWICE_SECRETS = (r"\b56\b",)
CASES += [
    right(SCALE, "constant-initializer", "Constant(1.0) initializer, trainable spelt out", """
        class Scale(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)

            def build(self, input_shape):
                self.factors = self.add_weight(shape=(input_shape[-1],),
                                               initializer=keras.initializers.Constant(1.0), trainable=True)

            def call(self, inputs):
                return inputs * self.factors
    """),
    wrong(SCALE, "second-axis", "axis: factors sized by input_shape[1], not the last axis", ("last axis", "feature", "rank"), """
        class Scale(layers.Layer):
            def build(self, input_shape):
                self.factors = self.add_weight(shape=(input_shape[1],), initializer="ones")

            def call(self, inputs):
                return inputs * self.factors
    """),
    wrong(WRAP, "config-no-super", "get_config without super().get_config() (the name is lost)", ("super", "name", "config"), """
        class Residual(layers.Layer):
            def __init__(self, inner, **kwargs):
                super().__init__(**kwargs)
                self.inner = inner

            def call(self, inputs):
                return inputs + self.inner(inputs)

            def get_config(self):
                return {"inner": keras.layers.serialize(self.inner)}

            @classmethod
            def from_config(cls, config):
                config = dict(config)
                inner = keras.layers.deserialize(config.pop("inner"))
                return cls(inner, **config)
    """),
    right(PREDICT, "list", "a list", """
        predicted_weights = [56, 4]
    """),
    wrong(PREDICT, "swapped", "order: variables first", ("order", "parameters", "variables"), """
        predicted_weights = (4, 56)
    """, secrets=_TWICE_SECRETS),
    wrong(OFFSET, "second-axis", "axis: offset sized by input_shape[1], not the last axis", ("last axis", "feature", "rank"), """
        class Offset(layers.Layer):
            def __init__(self, scale=1.0, **kwargs):
                super().__init__(**kwargs)
                self.scale = scale

            def build(self, input_shape):
                self.offset = self.add_weight(shape=(input_shape[1],), initializer="zeros")

            def call(self, inputs):
                return inputs + self.scale * self.offset

            def get_config(self):
                return {**super().get_config(), "scale": self.scale}
    """),
    wrong(OFFSET, "config-no-scale", "get_config returns the base config only (scale lost)", ("scale", "config"), """
        class Offset(layers.Layer):
            def __init__(self, scale=1.0, **kwargs):
                super().__init__(**kwargs)
                self.scale = scale

            def build(self, input_shape):
                self.offset = self.add_weight(shape=(input_shape[-1],), initializer="zeros")

            def call(self, inputs):
                return inputs + self.scale * self.offset

            def get_config(self):
                return super().get_config()
    """),
    wrong(OFFSET, "default-half", "the default scale changed to 0.5", ("default", "scale"), """
        class Offset(layers.Layer):
            def __init__(self, scale=0.5, **kwargs):
                super().__init__(**kwargs)
                self.scale = scale

            def build(self, input_shape):
                self.offset = self.add_weight(shape=(input_shape[-1],), initializer="zeros")

            def call(self, inputs):
                return inputs + self.scale * self.offset

            def get_config(self):
                return {**super().get_config(), "scale": self.scale}
    """),
    wrong(OFFSET, "ones-start", "the offset initialised to ones", ("zero", "initial", "offset"), """
        class Offset(layers.Layer):
            def __init__(self, scale=1.0, **kwargs):
                super().__init__(**kwargs)
                self.scale = scale

            def build(self, input_shape):
                self.offset = self.add_weight(shape=(input_shape[-1],), initializer="ones")

            def call(self, inputs):
                return inputs + self.scale * self.offset

            def get_config(self):
                return {**super().get_config(), "scale": self.scale}
    """),
]
