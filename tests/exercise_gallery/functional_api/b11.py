"""B11 · Mix and match: fn11_running_sum, fn11_functional_in_layer."""
from exercise_gallery.functional_api import right, wrong

RUNNING = "fn11_running_sum"
SCORER = "fn11_functional_in_layer"

CASES = [
    # ---- fn11_running_sum: (batch, time, features) -> running sum over time, looped and stacked on axis 1
    right(RUNNING, "scalar-start", "the total starts as the number 0.0", """
        class RunningSum(layers.Layer):
            def call(self, inputs):
                total, totals = 0.0, []
                for t in range(inputs.shape[1]):
                    total = total + inputs[:, t, :]
                    totals.append(total)
                return keras.ops.stack(totals, axis=1)
    """),
    right(RUNNING, "tf-stack", "tf.stack (the notebook shows it is the same on TensorFlow)", """
        import tensorflow as tf

        class RunningSum(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)

            def call(self, inputs):
                steps = [inputs[:, 0, :]]
                for t in range(1, inputs.shape[1]):
                    steps.append(steps[-1] + inputs[:, t, :])
                return tf.stack(steps, axis=1)
    """),
    right(RUNNING, "prefix-sums", "each step as the sum of a prefix", """
        class RunningSum(layers.Layer):
            def call(self, inputs):
                steps = inputs.shape[1]
                return keras.ops.stack([keras.ops.sum(inputs[:, : t + 1, :], axis=1) for t in range(steps)], axis=1)
    """),
    right(RUNNING, "cumsum", "keras.ops.cumsum (no loop)", """
        class RunningSum(layers.Layer):
            def call(self, inputs):
                return keras.ops.cumsum(inputs, axis=1)
    """, note="the task says how to write it (loop and stack) but asks for the running sum"),
    wrong(RUNNING, "identity", "returns its input", ("running sum", "sum"), """
        class RunningSum(layers.Layer):
            def call(self, inputs):
                return inputs
    """),
    wrong(RUNNING, "stack-axis-0", "axis: stacked on axis 0", ("axis", "shape"), """
        class RunningSum(layers.Layer):
            def call(self, inputs):
                total, totals = 0.0, []
                for t in range(inputs.shape[1]):
                    total = total + inputs[:, t, :]
                    totals.append(total)
                return keras.ops.stack(totals, axis=0)
    """),
    wrong(RUNNING, "over-features", "axis: running sum over the features instead of time", ("feature", "wrong axis", "time axis"), """
        class RunningSum(layers.Layer):
            def call(self, inputs):
                return keras.ops.cumsum(inputs, axis=2)
    """),
    wrong(RUNNING, "exclusive", "off by one: step t holds the sum of steps before t", ("includ", "0..t", "first step", "shifted"), """
        class RunningSum(layers.Layer):
            def call(self, inputs):
                total = keras.ops.zeros_like(inputs[:, 0, :])
                totals = []
                for t in range(inputs.shape[1]):
                    totals.append(total)
                    total = total + inputs[:, t, :]
                return keras.ops.stack(totals, axis=1)
    """),
    wrong(RUNNING, "final-total", "returns only the last total (no stack)", ("shape", "stack", "every step"), """
        class RunningSum(layers.Layer):
            def call(self, inputs):
                total = 0.0
                for t in range(inputs.shape[1]):
                    total = total + inputs[:, t, :]
                return total
    """),
    wrong(RUNNING, "running-mean", "operation: running mean instead of sum", ("sum",), """
        class RunningSum(layers.Layer):
            def call(self, inputs):
                total, totals = 0.0, []
                for t in range(inputs.shape[1]):
                    total = total + inputs[:, t, :]
                    totals.append(total / (t + 1))
                return keras.ops.stack(totals, axis=1)
    """),

    # ---- fn11_functional_in_layer: Scorer: self.head = functional Input(8) -> Dense(1, sigmoid); mean over steps
    right(SCORER, "activation-layer", "keras.Model(inputs=..., outputs=...), a separate sigmoid layer", """
        class Scorer(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                i = keras.Input(shape=(8,))
                self.head = keras.Model(inputs=i, outputs=layers.Activation("sigmoid")(layers.Dense(1)(i)))

            def call(self, inputs):
                return self.head(keras.ops.mean(inputs, axis=1))
    """),
    right(SCORER, "pooling-layer", "GlobalAveragePooling1D for the mean over the steps", """
        class Scorer(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.pool = layers.GlobalAveragePooling1D()
                head_in = keras.Input((8,))
                self.head = keras.Model(head_in, layers.Dense(1, activation=keras.activations.sigmoid)(head_in))

            def call(self, inputs):
                return self.head(self.pool(inputs))
    """),
    right(SCORER, "sum-divide", "sum divided by the number of steps", """
        class Scorer(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                i = keras.Input(shape=[8])
                self.head = keras.Model(i, layers.Dense(units=1, activation="sigmoid")(i), name="head")

            def call(self, x):
                return self.head(keras.ops.sum(x, axis=1) / x.shape[1])
    """),
    wrong(SCORER, "dense-head", "form: a Dense layer as head, not a functional model", ("functional",), """
        class Scorer(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.head = layers.Dense(1, activation="sigmoid")

            def call(self, inputs):
                return self.head(keras.ops.mean(inputs, axis=1))
    """),
    wrong(SCORER, "sequential-head", "form: a Sequential head where the task asks for a functional one",
          ("functional",), """
        class Scorer(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.head = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="sigmoid")])

            def call(self, inputs):
                return self.head(keras.ops.mean(inputs, axis=1))
    """),
    wrong(SCORER, "no-sigmoid", "activation: the head without sigmoid", ("activation", "sigmoid"), """
        class Scorer(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                i = keras.Input(shape=(8,))
                self.head = keras.Model(i, layers.Dense(1)(i))

            def call(self, inputs):
                return self.head(keras.ops.mean(inputs, axis=1))
    """),
    wrong(SCORER, "max", "operation: max over the steps", ("mean", "average"), """
        class Scorer(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                i = keras.Input(shape=(8,))
                self.head = keras.Model(i, layers.Dense(1, activation="sigmoid")(i))

            def call(self, inputs):
                return self.head(keras.ops.max(inputs, axis=1))
    """),
    wrong(SCORER, "last-step", "other data: the last step instead of the mean", ("mean", "average"), """
        class Scorer(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                i = keras.Input(shape=(8,))
                self.head = keras.Model(i, layers.Dense(1, activation="sigmoid")(i))

            def call(self, inputs):
                return self.head(inputs[:, -1, :])
    """),
    wrong(SCORER, "batch-axis", "axis: averaged over the batch axis", ("axis", "steps", "shape"), """
        class Scorer(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                i = keras.Input(shape=(8,))
                self.head = keras.Model(i, layers.Dense(1, activation="sigmoid")(i))

            def call(self, inputs):
                return self.head(keras.ops.mean(inputs, axis=0))
    """),
]

# ---- the practice items added after the audit (held-out answers: other spellings, typical mistakes)
SHAPE = "fn11_predict_shape"
BATCH = "fn11_fix_batch"

CASES += [
    # fn11_predict_shape: ((4, 8, 1), 2977)
    right(SHAPE, "lists", "lists for both", "predicted = [[4, 8, 1], 2977]"),
    right(SHAPE, "parts", "the count from its parts", """
        conv = (5 * 5 + 1) * 32
        projections = 2 * (32 * 32 + 32)
        predicted = ((4, 12 - 5 + 1, 1), conv + projections + 32 + 1)
    """),
    right(SHAPE, "numpy", "NumPy integers", """
        import numpy as np
        predicted = (tuple(np.array([4, 8, 1])), np.int64(2977))
    """),
    wrong(SHAPE, "off-by-one", "12 - 5 steps (the + 1 forgotten)", ("kernel_size - 1", "Conv1D", "steps"),
          "predicted = ((4, 7, 1), 2977)"),
    wrong(SHAPE, "conv-no-channels", "the Conv1D kernel without the 5 input features",
          ("input", "features", "Conv1D"), "predicted = ((4, 8, 1), 5 * 32 + 32 + 2 * (32 * 32 + 32) + 33)"),
    wrong(SHAPE, "one-projection", "one projection counted", ("projection", "two"),
          "predicted = ((4, 8, 1), 832 + 1056 + 33)"),
    wrong(SHAPE, "no-batch", "the shape without its batch axis", ("batch",), "predicted = ((8, 1), 2977)"),
    wrong(SHAPE, "no-last-axis", "the classifier's axis of 1 dropped", ("one number", "last axis", "classifier"),
          "predicted = ((4, 8), 2977)"),

    # fn11_fix_batch: batch 8 fixed in the Input, Conv1D(32, 3), the notebook's CustomRNN as it is
    right(BATCH, "explicit-defaults", "Conv1D's defaults spelt out", """
        inputs = keras.Input(batch_shape=(8, 10, 5), dtype="float32")
        x = layers.Conv1D(filters=32, kernel_size=3, strides=1, padding="valid", activation=None)(inputs)
        tagger = keras.Model(inputs, CustomRNN()(x))
    """),
    right(BATCH, "sequential", "a Sequential model", """
        tagger = keras.Sequential([keras.Input(batch_shape=(8, timesteps, input_dim)), layers.Conv1D(32, 3),
                                   CustomRNN()])
    """),
    right(BATCH, "batch-size-kw", "shape= and batch_size= from the notebook's names", """
        seqs = keras.Input(shape=(timesteps, input_dim), batch_size=8, name="seqs")
        tagger = keras.Model(inputs=seqs, outputs=CustomRNN()(layers.Conv1D(32, 3)(seqs)), name="tagger")
    """),
    wrong(BATCH, "relu", "Conv1D with a ReLU (same count and shape)", ("activation", "Conv1D"), """
        inputs = keras.Input(batch_shape=(8, 10, 5))
        tagger = keras.Model(inputs, CustomRNN()(layers.Conv1D(32, 3, activation="relu")(inputs)))
    """),
    wrong(BATCH, "notebook-batch", "the notebook's batch_size (16)", ("batch", "8"), """
        inputs = keras.Input(batch_shape=(batch_size, timesteps, input_dim))
        tagger = keras.Model(inputs, CustomRNN()(layers.Conv1D(32, 3)(inputs)))
    """),
    wrong(BATCH, "twelve-steps", "sequences of 12 steps", ("steps", "10"), """
        inputs = keras.Input(batch_shape=(8, 12, 5))
        tagger = keras.Model(inputs, CustomRNN()(layers.Conv1D(32, 3)(inputs)))
    """),
    wrong(BATCH, "rnn-redefined", "CustomRNN redefined with 16 units", ("CustomRNN", "as it is"), """
        class CustomRNN(CustomRNN):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.units = 16
                self.projection_1 = layers.Dense(16, activation="tanh")
                self.projection_2 = layers.Dense(16, activation="tanh")
                self.classifier = layers.Dense(1)

        inputs = keras.Input(batch_shape=(8, 10, 5))
        tagger = keras.Model(inputs, CustomRNN()(layers.Conv1D(32, 3)(inputs)))
    """),
    wrong(BATCH, "dilated", "dilation_rate=2 (6 steps out)", ("Conv1D", "shape", "steps"), """
        inputs = keras.Input(batch_shape=(8, 10, 5))
        tagger = keras.Model(inputs, CustomRNN()(layers.Conv1D(32, 3, dilation_rate=2)(inputs)))
    """),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
_MIXED_SECRETS = (r"\b2977\b", r"2,977")
CASES += [
    right(RUNNING, "first-step-start", "the total starts from step 0, the loop from step 1", """
        class RunningSum(layers.Layer):
            def call(self, inputs):
                total = inputs[:, 0, :]
                totals = [total]
                for t in range(1, inputs.shape[1]):
                    total = total + inputs[:, t, :]
                    totals.append(total)
                return keras.ops.stack(totals, axis=1)
    """),
    wrong(RUNNING, "reversed", "direction: sums from step t to the end", ("0..t", "running sum", "step", "order"), """
        class RunningSum(layers.Layer):
            def call(self, inputs):
                totals = []
                for t in range(inputs.shape[1]):
                    totals.append(keras.ops.sum(inputs[:, t:, :], axis=1))
                return keras.ops.stack(totals, axis=1)
    """),
    wrong(RUNNING, "stack-last-axis", "axis: stacked on the last axis (time and features swapped)", ("axis", "shape", "time"), """
        class RunningSum(layers.Layer):
            def call(self, inputs):
                total, totals = 0.0, []
                for t in range(inputs.shape[1]):
                    total = total + inputs[:, t, :]
                    totals.append(total)
                return keras.ops.stack(totals, axis=-1)
    """),
    wrong(RUNNING, "last-step-dropped", "off by one: the loop stops before the last step", ("step", "shape", "time"), """
        class RunningSum(layers.Layer):
            def call(self, inputs):
                total, totals = 0.0, []
                for t in range(inputs.shape[1] - 1):
                    total = total + inputs[:, t, :]
                    totals.append(total)
                return keras.ops.stack(totals, axis=1)
    """),
    right(SCORER, "axis-minus-two", "the mean over axis=-2", """
        class Scorer(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                head_in = keras.Input(shape=(8,))
                self.head = keras.Model(head_in, keras.layers.Dense(1, activation="sigmoid")(head_in))

            def call(self, inputs):
                return self.head(keras.ops.mean(inputs, axis=-2))
    """),
    wrong(SCORER, "head-in-call", "the head built anew in every call (its weights never kept)", ("__init__", "head", "weights", "parameters"), """
        class Scorer(layers.Layer):
            def call(self, inputs):
                head_in = keras.Input(shape=(8,))
                self.head = keras.Model(head_in, layers.Dense(1, activation="sigmoid")(head_in))
                return self.head(keras.ops.mean(inputs, axis=1))
    """),
    right(SHAPE, "list-shape-tuple", "the shape as a list inside a tuple", """
        predicted = ([4, 8, 1], 2977)
    """),
    wrong(SHAPE, "batch-none", "the batch axis given as None (the batch shape fixes it)", ("batch", "None"), """
        predicted = ((None, 8, 1), 2977)
    """),
    wrong(SHAPE, "notebook-batch", "the notebook's batch size 16", ("batch", "16"), """
        predicted = ((16, 8, 1), 2977)
    """),
    wrong(SHAPE, "classifier-not-counted", "the shared classifier left out of the count", ("classifier", "parameters", "count"), """
        predicted = ((4, 8, 1), 2944)
    """),
    right(BATCH, "batch-shape-names", "batch_shape from the notebook's names, keras.layers spelled out", """
        seq_in = keras.Input(batch_shape=(8, timesteps, input_dim))
        tagger = keras.Model(seq_in, CustomRNN()(keras.layers.Conv1D(filters=32, kernel_size=3)(seq_in)))
    """),
    wrong(BATCH, "same-padding", "padding='same': 10 steps out (the same 2,657 parameters)", ("padding", "steps", "output", "shape"), """
        seq_in = keras.Input(batch_shape=(8, 10, 5))
        tagger = keras.Model(seq_in, CustomRNN()(layers.Conv1D(32, 3, padding="same")(seq_in)))
    """),
]
CASES += [
    wrong(RUNNING, "five-steps-hard-coded", "hard-coded: 5 steps (the example's batch shape)", ("step", "time", "any", "shape"), """
        class RunningSum(layers.Layer):
            def call(self, inputs):
                total, totals = 0.0, []
                for t in range(5):
                    total = total + inputs[:, t, :]
                    totals.append(total)
                return keras.ops.stack(totals, axis=1)
    """),
    wrong(SCORER, "six-steps-hard-coded", "hard-coded: the sum divided by 6 (the example's steps)", ("steps", "mean", "average"), """
        class Scorer(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                head_in = keras.Input(shape=(8,))
                self.head = keras.Model(head_in, layers.Dense(1, activation="sigmoid")(head_in))

            def call(self, inputs):
                return self.head(keras.ops.sum(inputs, axis=1) / 6.0)
    """),
]
