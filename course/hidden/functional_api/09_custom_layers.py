"""Hidden part of chapter B9 (instructor only: never released, never in the student's package)."""
from kitlib.exercises.hidden import Hidden

SCALE = "class Scale(layers.Layer):\n"
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
    ),
]
