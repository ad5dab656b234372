"""Answer cells that raise after the student had a working (or any) answer: the value left behind is
the notebook's solution (cell without its ``name = None`` line) or the placeholder (cell with it)."""
from exercise_gallery.functional_api import stale

CASES = [
    stale("fn01_small_mlp", "typo-after-stub", "NameError half-way, placeholder line kept", """
        mlp_in = keras.Input(shape=(32,))
        x = layers.Dense(16, activation="relu")(mlp_in)
        x = layers.Dense(16, activation="relu")(X)
        small_mlp = keras.Model(mlp_in, layers.Dense(3)(x))
    """),
    stale("fn02_compile", "misspelt-optimizer-no-stub", "a misspelt name raises, placeholder line deleted", """
        model_a.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                        optimizer=keras.optimizers.RMSProp(), metrics=["accuracy"])
        compiled = model_a
    """, whole_cell=True),
    stale("fn04_decoder_shapes", "computing-no-stub", "a computation raises, placeholder line deleted", """
        side = 5 + 3 - 1
        shapes = [(None, side, side, 8)]
        shapes.append((None, 2 * sid, 2 * side, 8))
    """, whole_cell=True),
    stale("fn05_ensemble", "shape-error-after-stub", "a layer call raises, placeholder line kept", """
        shared_in = keras.Input(shape=(8,))
        members = [keras.Sequential([keras.Input(shape=(6,)), layers.Dense(1)]) for _ in range(3)]
        ensemble3 = keras.Model(shared_in, layers.average([m(shared_in) for m in members]))
    """),
    stale("fn09_scale_layer", "bad-base-no-stub", "the class statement raises, placeholder line deleted", """
        class Scale(layers.Layr):
            def build(self, input_shape):
                self.factors = self.add_weight(shape=(input_shape[-1],), initializer="ones")

            def call(self, inputs):
                return inputs * self.factors
    """, whole_cell=True),
    stale("fn11_running_sum", "syntax-after-stub", "a syntax error, placeholder line kept", """
        class RunningSum(layers.Layer):
            def call(self, inputs)
                return keras.ops.cumsum(inputs, axis=1)
    """),
    stale("fn01_small_mlp", "misspelt-keyword", "a misspelt keyword of Dense raises", """
        mlp_in = keras.Input(shape=(32,))
        x = layers.Dense(16, activaton="relu")(mlp_in)
        small_mlp = keras.Model(mlp_in, layers.Dense(3)(x))
    """, names=("did you mean activation=",)),
    stale("fn05_ensemble", "model-input-keyword", "keras.Model(input=...) raises", """
        shared_in = keras.Input(shape=(6,))
        members = [keras.Sequential([keras.Input(shape=(6,)), layers.Dense(1)]) for _ in range(3)]
        ensemble3 = keras.Model(input=shared_in, outputs=layers.average([m(shared_in) for m in members]))
    """, names=("did you mean inputs=",)),
]

# ---- red-team additions
CASES += [
    stale("fn07_siamese", "misspelt-subtract-no-stub", "layers.substract raises, placeholder line deleted", """
        left, right = keras.Input(shape=(10,)), keras.Input(shape=(10,))
        encoder = layers.Dense(4, activation="relu")
        siamese = keras.Model([left, right], layers.Dense(1, activation="sigmoid")(
            layers.substract([encoder(left), encoder(right)])))
    """, whole_cell=True),
    stale("fn11_fix_batch", "shape-keyword-after-stub", "keras.Input(batch_size=8) without shape raises, placeholder kept", """
        seq_in = keras.Input(batch_size=8)
        tagger = keras.Model(seq_in, CustomRNN()(layers.Conv1D(32, 3)(seq_in)))
    """),
]
