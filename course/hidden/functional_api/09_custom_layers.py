"""Hidden part of chapter B9 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

SCALE = "class Scale(layers.Layer):\n"
OFFSET = ("class Offset(layers.Layer):\n    def __init__(self, scale=1.0, **kwargs):\n        super().__init__(**kwargs)\n"
          "        self.scale = scale\n\n    def build(self, input_shape):\n")
OFFSET_BUILD = "        self.offset = self.add_weight(shape=(input_shape[-1],), initializer='zeros')\n\n"
OFFSET_CALL = "    def call(self, inputs):\n        return inputs + self.scale * self.offset\n\n"
OFFSET_CONFIG = "    def get_config(self):\n        return {**super().get_config(), 'scale': self.scale}\n"
RESIDUAL = ("class Residual(layers.Layer):\n    def __init__(self, inner, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.inner = inner\n\n")
CALL = "    def call(self, inputs):\n        return inputs + self.inner(inputs)\n\n"
GET_CONFIG = ("    def get_config(self):\n"
              "        return {**super().get_config(), 'inner': keras.layers.serialize(self.inner)}\n\n")
FROM_CONFIG = ("    @classmethod\n    def from_config(cls, config):\n        config = dict(config)\n"
               "        config['inner'] = keras.layers.deserialize(config['inner'])\n        return cls(**config)\n")

HIDDEN = [
    Hidden(
        "fn09_scale_layer",
        wrong_answers=[
            (SCALE + "    def build(self, input_shape):\n        self.w = self.add_weight(shape=(1,), initializer='ones')\n"
             "    def call(self, inputs):\n        return inputs * self.w", "one factor per feature"),
            (SCALE + "    def build(self, input_shape):\n"
             "        self.w = self.add_weight(shape=(input_shape[-1],), initializer='random_normal')\n"
             "    def call(self, inputs):\n        return inputs * self.w", "factors start at one"),
            (SCALE + "    def build(self, input_shape):\n"
             "        self.w = self.add_weight(shape=(input_shape[-1],), initializer='zeros')\n"
             "    def call(self, inputs):\n        return inputs + self.w", "adds the factors"),
            (SCALE + "    def build(self, input_shape):\n"
             "        self.w = self.add_weight(shape=(input_shape[-1],), initializer='ones', trainable=False)\n"
             "    def call(self, inputs):\n        return inputs * self.w", "trainable"),
            (SCALE + "    def __init__(self):\n        super().__init__()\n    def build(self, input_shape):\n"
             "        self.w = self.add_weight(shape=(input_shape[-1],), initializer='ones')\n"
             "    def call(self, inputs):\n        return inputs * self.w", "kwargs"),
            (SCALE + "    def build(self, input_shape):\n        self.w = self.add_weight(shape=(5,), initializer='ones')\n"
             "    def call(self, inputs):\n        return inputs * self.w", "feature"),
            (SCALE + "    def build(self, input_shape):\n        self.w = self.add_weight(shape=(input_shape[1],), "
             "initializer='ones')\n    def call(self, inputs):\n        return inputs * self.w", "one factor per feature"),
        ],
        other_solutions=[
            SCALE + "    def __init__(self, **kwargs):\n        super().__init__(**kwargs)\n\n"
            "    def build(self, input_shape):\n"
            "        self.w = self.add_weight(name='factors', shape=(input_shape[-1],), initializer='ones')\n\n"
            "    def call(self, inputs):\n        return keras.ops.multiply(inputs, self.w)",
            SCALE + "    def build(self, input_shape):\n        self.factors = self.add_weight(shape=tuple(input_shape[-1:]), "
            "initializer=keras.initializers.Ones(), trainable=True)\n\n    def call(self, x):\n        return self.factors * x",
            "class Scale(keras.layers.Layer):\n    def build(self, input_shape):\n"
            "        self.scale = self.add_weight(shape=[int(input_shape[-1])], initializer='ones')\n"
            "        super().build(input_shape)\n\n    def call(self, inputs):\n        return inputs * self.scale\n\n"
            "    def get_config(self):\n        return super().get_config()",
        ],
        explanation="The number of features is unknown until the layer sees its input, so the factors are made "
                    "in build, from input_shape[-1]: one trainable weight of that length. The \"ones\" "
                    "initializer makes a new layer the identity, and call multiplies each feature by its own "
                    "factor (broadcasting over the batch). Scale needs no get_config: it has no constructor "
                    "arguments of its own.",
    ),
    Hidden(
        "fn09_wrapper_config",
        wrong_answers=[
            (RESIDUAL + CALL, "get_config() failed"),
            (RESIDUAL + CALL + GET_CONFIG, "from_config"),
            (RESIDUAL + "    def call(self, inputs):\n        return self.inner(inputs)\n\n" + GET_CONFIG + FROM_CONFIG,
             "inputs + inner(inputs)"),
            ("class Residual(layers.Layer):\n    def __init__(self, inner, **kwargs):\n        super().__init__(**kwargs)\n"
             "        self.inner = layers.Dense(3)\n\n" + CALL + GET_CONFIG + FROM_CONFIG, "layer it is given"),
            (RESIDUAL + CALL + GET_CONFIG + "    @classmethod\n    def from_config(cls, config):\n"
             "        config = dict(config)\n        config.pop('inner')\n        return cls(layers.Dense(3), **config)\n",
             "computes something else"),
            (RESIDUAL + CALL + "    def get_config(self):\n        return {**super().get_config(), 'inner': self.inner}\n",
             "serialize"),
            (RESIDUAL + CALL + "    def get_config(self):\n        return {'inner': keras.layers.serialize(self.inner)}\n\n"
             + FROM_CONFIG, "super().get_config()"),
        ],
        other_solutions=[
            RESIDUAL + "    def call(self, inputs):\n        return keras.ops.add(inputs, self.inner(inputs))\n\n"
            "    def get_config(self):\n        config = super().get_config()\n"
            "        config.update({'inner': keras.layers.serialize(self.inner)})\n        return config\n\n"
            "    @classmethod\n    def from_config(cls, config):\n"
            "        inner = keras.layers.deserialize(config.pop('inner'))\n        return cls(inner, **config)\n",
            RESIDUAL + CALL + "    def get_config(self):\n"
            "        return {**super().get_config(), 'inner': keras.saving.serialize_keras_object(self.inner)}\n\n"
            "    @classmethod\n    def from_config(cls, config):\n        config = dict(config)\n"
            "        config['inner'] = keras.saving.deserialize_keras_object(config['inner'])\n        return cls(**config)\n",
            "@keras.saving.register_keras_serializable(package='hidden')\n" + RESIDUAL +
            "    def build(self, input_shape):\n        if not self.inner.built:\n            self.inner.build(input_shape)\n\n"
            + CALL + GET_CONFIG + "    @classmethod\n    def from_config(cls, config):\n"
            "        return cls(inner=keras.layers.deserialize(config['inner']), "
            "**{k: v for k, v in config.items() if k != 'inner'})\n",
        ],
        explanation="Keras records plain constructor arguments by itself, but not a layer object: get_config "
                    "must turn the inner layer into plain data with keras.layers.serialize, on top of "
                    "super().get_config() (name, trainable, dtype). from_config does the reverse: it deserializes "
                    "config['inner'] into a layer before calling the constructor, so a reloaded model gets the "
                    "stored inner layer (and its weights), not a new one.",
    ),
    Hidden(
        "fn09_predict_params",
        expected=[56, 4],
        checks=[c.equals_expected("the numbers are not right yet")],
        wrong_answers=[
            ("predicted_weights = (98, 6)", "once per call"),
            ("predicted_weights = (56, 2)", "w and b"),
            ("predicted_weights = (48, 2)", "bias"),
            ("predicted_weights = (42, 4)", "CustomDense(2)"),
            ("predicted_weights = (56, 4, 2)", "tuple of 2 numbers"),
            ("predicted_weights = (56.5, 4)", "whole number"),
        ],
        other_solutions=[
            "predicted_weights = [56, 4]",
            "first_params = 6 * 6 + 6\npredicted_weights = (first_params + 14, 4)",
            "import numpy as _np\npredicted_weights = (_np.int32(56), _np.int64(4))",
            "predicted_weights = (56.0, 4.0)",
        ],
        explanation="build runs once per layer object, on its first call: `first` makes w (6 x 6) and b (6) once, "
                    "42 parameters, however often it is called. CustomDense(2) on 6 features adds 6 x 2 + 2 = 14. "
                    "That is 56 parameters in 4 weight variables (w and b of each of the two layer objects).",
    ),
    Hidden(
        "fn09_fix_offset",
        wrong_answers=[
            (OFFSET + "        self.offset = self.add_weight(shape=(4,), initializer='zeros')\n\n" + OFFSET_CALL
             + OFFSET_CONFIG, "must come from the input"),
            (OFFSET + OFFSET_BUILD + OFFSET_CALL + "    def get_config(self):\n        return {'scale': self.scale}\n",
             "super().get_config()"),
            (OFFSET + "        self.offset = self.add_weight(shape=(input_shape[1],), initializer='zeros')\n\n"
             + OFFSET_CALL + OFFSET_CONFIG, "last axis"),
            (OFFSET + OFFSET_BUILD + "    def call(self, inputs):\n        return inputs + self.offset\n\n" + OFFSET_CONFIG,
             "scale is left out"),
            (OFFSET.replace("scale=1.0", "scale=0.5") + OFFSET_BUILD + OFFSET_CALL + OFFSET_CONFIG, "default scale"),
            (OFFSET + "        self.offset = self.add_weight(shape=(input_shape[-1],), initializer='ones')\n\n"
             + OFFSET_CALL + OFFSET_CONFIG, "offsets start at zero"),
            (OFFSET + OFFSET_BUILD + OFFSET_CALL + "    def get_config(self):\n        return super().get_config()\n",
             "should hold the scale"),
            ("class Offset(layers.Layer):\n    def __init__(self, scale=1.0):\n        super().__init__()\n"
             "        self.scale = scale\n\n" + OFFSET_BUILD + OFFSET_CALL + OFFSET_CONFIG, "raised"),
        ],
        other_solutions=[
            OFFSET + OFFSET_BUILD + "    def call(self, x):\n        return keras.ops.add(x, keras.ops.multiply(self.scale, "
            "self.offset))\n\n    def get_config(self):\n        config = super().get_config()\n"
            "        config.update(scale=self.scale)\n        return config\n",
            "@keras.saving.register_keras_serializable(package='hidden')\n" + OFFSET
            + "        self.offset = self.add_weight(name='offset', shape=tuple(input_shape[-1:]), "
            "initializer=keras.initializers.Zeros(), trainable=True)\n        super().build(input_shape)\n\n"
            + OFFSET_CALL + OFFSET_CONFIG,
            "class Offset(BrokenOffset):\n    def build(self, input_shape):\n"
            "        self.offset = self.add_weight(shape=(input_shape[-1],), initializer='zeros')\n\n"
            "    def get_config(self):\n        return dict(super(BrokenOffset, self).get_config(), scale=self.scale)\n",
        ],
        explanation="build receives the input's shape on the first call; the features are its last entry, "
                    "input_shape[-1], whatever the rank, so the offset fits any input instead of exactly 4 "
                    "features. get_config must start from super().get_config(), which holds the base layer's "
                    "settings (name, trainable, dtype), and add scale: then from_config, the base class's, "
                    "rebuilds a layer with the same name and scale.",
    ),
]