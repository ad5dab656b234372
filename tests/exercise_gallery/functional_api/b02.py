"""B2 · Training, evaluation, inference: fn02_compile, fn02_fit_validation."""
from exercise_gallery.functional_api import right, wrong

COMPILE = "fn02_compile"
FIT = "fn02_fit_validation"
# fn02_fit_validation asks "how many training steps will the epoch have? (The check tells you if you are right.)"
STEPS = (r"(?<![\d.,])15(?!\d|,\d)",)

CASES = [
    # ---- fn02_compile: model_a, SparseCategoricalCrossentropy(from_logits=True), RMSprop, accuracy
    right(COMPILE, "strings-acc", "optimizer string, metrics=['acc']", """
        model_a.compile(optimizer="rmsprop", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                        metrics=["acc"])
        compiled = model_a
    """),
    right(COMPILE, "metric-object-lr", "metric object, optimizer object with a learning rate", """
        model_a.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
                        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                        metrics=[keras.metrics.SparseCategoricalAccuracy()])
        compiled = model_a
    """),
    right(COMPILE, "custom-loss-function", "a custom loss function", """
        def logits_loss(y_true, y_pred):
            return keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True)

        model_a.compile(optimizer="rmsprop", loss=logits_loss, metrics=["accuracy"])
        compiled = model_a
    """),
    right(COMPILE, "positional-sparse-acc-name", "positional arguments, metric by its full name", """
        model_a.compile("rmsprop", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                        metrics=["sparse_categorical_accuracy"])
        compiled = model_a
    """),
    right(COMPILE, "alias-then-compile", "compiled = model_a first, then compile through the alias", """
        compiled = model_a
        compiled.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, name="scce"),
                         optimizer=keras.optimizers.RMSprop(), metrics=[keras.metrics.SparseCategoricalAccuracy("acc")])
    """),
    wrong(COMPILE, "no-from-logits", "loss: probabilities assumed (string loss, from_logits=False)",
          ("logits", "from_logits", "softmax"), """
        model_a.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        compiled = model_a
    """),
    wrong(COMPILE, "one-hot-loss", "loss: CategoricalCrossentropy for integer labels",
          ("integer", "sparse"), """
        model_a.compile(optimizer="rmsprop", loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                        metrics=["accuracy"])
        compiled = model_a
    """),
    wrong(COMPILE, "adam", "optimizer: Adam instead of RMSprop", ("optimizer", "RMSprop"), """
        model_a.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                        metrics=["accuracy"])
        compiled = model_a
    """),
    wrong(COMPILE, "no-metric", "metric: accuracy forgotten", ("metric", "accuracy"), """
        model_a.compile(optimizer="rmsprop", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        compiled = model_a
    """),
    wrong(COMPILE, "categorical-accuracy", "metric: one-hot accuracy for integer labels", ("metric", "accuracy"), """
        model_a.compile(optimizer="rmsprop", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                        metrics=[keras.metrics.CategoricalAccuracy()])
        compiled = model_a
    """),
    wrong(COMPILE, "fresh-model", "provenance: a freshly built model compiled instead of model_a",
          ("model_a",), """
        compiled = make_mnist_model()
        compiled.compile(optimizer="rmsprop", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                         metrics=["accuracy"])
    """),

    # ---- fn02_fit_validation: model_b.fit(x_small, y_small), 1 epoch, batch 100, 25% validation
    right(FIT, "verbose2-order", "verbose=2, arguments in another order", """
        history_b = model_b.fit(x_small, y_small, validation_split=0.25, epochs=1, batch_size=100, verbose=2)
    """),
    right(FIT, "validation-data", "validation_data: the last 25% held out by hand", """
        history_b = model_b.fit(x_small[:1500], y_small[:1500], batch_size=100, epochs=1, verbose=0,
                                validation_data=(x_small[1500:], y_small[1500:]))
    """),
    right(FIT, "tensors", "tensors instead of arrays", """
        history_b = model_b.fit(keras.ops.convert_to_tensor(x_small), keras.ops.convert_to_tensor(y_small),
                                batch_size=100, epochs=1, validation_split=0.25, verbose=0)
    """),
    right(FIT, "default-epochs-fraction", "epochs left at its default (1), split written as 1/4", """
        history_b = model_b.fit(x=x_small, y=y_small, batch_size=100, validation_split=1 / 4, verbose=0)
    """),
    wrong(FIT, "no-validation", "validation forgotten", ("validation", "val_"), """
        history_b = model_b.fit(x_small, y_small, batch_size=100, epochs=1, verbose=0)
    """, secrets=STEPS),
    wrong(FIT, "notebook-split", "the notebook's 20% instead of 25%", ("validation", "steps", "25"), """
        history_b = model_b.fit(x_small, y_small, batch_size=100, epochs=1, validation_split=0.2, verbose=0)
    """, secrets=STEPS),
    wrong(FIT, "default-batch", "batch_size left at 32", ("batch", "steps"), """
        history_b = model_b.fit(x_small, y_small, epochs=1, validation_split=0.25, verbose=0)
    """, secrets=STEPS),
    wrong(FIT, "two-epochs", "two epochs", ("epoch",), """
        history_b = model_b.fit(x_small, y_small, batch_size=100, epochs=2, validation_split=0.25, verbose=0)
    """, secrets=STEPS),
    wrong(FIT, "test-data", "other data than the task names: 2,000 test images", ("x_small", "data"), """
        history_b = model_b.fit(x_test[:2000], y_test[:2000], batch_size=100, epochs=1, validation_split=0.25,
                                verbose=0)
    """, secrets=STEPS),
    wrong(FIT, "fresh-model", "provenance: a fresh model trained instead of model_b", ("model_b",), """
        other = make_mnist_model()
        other.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), optimizer="rmsprop",
                      metrics=["accuracy"])
        history_b = other.fit(x_small, y_small, batch_size=100, epochs=1, validation_split=0.25, verbose=0)
    """, secrets=STEPS),
]

# ---- the practice items added after the audit (held-out answers: other spellings, typical mistakes)
STEPS = "fn02_predict_steps"
SOFTMAX = "fn02_fix_softmax_loss"
_SM_LOSS = "keras.losses.SparseCategoricalCrossentropy()"

CASES += [
    # fn02_predict_steps: (85, 10)
    right(STEPS, "negative-floor", "ceil by negative floor division", """
        train = 12_000 - 1_200
        steps_pair = (-(-train // 128), -(-1_200 // 128))
    """),
    right(STEPS, "numpy-ceil", "np.ceil, converted to int", """
        import numpy as np
        steps_pair = (int(np.ceil(10_800 / 128)), int(np.ceil(1_200 / 128)))
    """),
    right(STEPS, "numpy-scalars", "NumPy scalars from np.ceil (floats)", """
        import numpy as np
        steps_pair = (np.ceil(10_800 / 128), np.ceil(1_200 / 128))
    """),
    wrong(STEPS, "samples", "the numbers of samples instead of steps", ("batch", "step"),
          "steps_pair = (10_800, 1_200)"),
    wrong(STEPS, "all-samples", "all 12,000 samples as steps", ("batch", "step"), "steps_pair = (12_000, 1_200)"),
    wrong(STEPS, "fractions", "the exact quotients, not rounded", ("whole number",),
          "steps_pair = (10_800 / 128, 1_200 / 128)"),
    wrong(STEPS, "validation-in-training", "validation steps counted in the training steps too",
          ("validation", "trained on"), "steps_pair = (95, 10)"),
    wrong(STEPS, "string", "one string", ("tuple",), 'steps_pair = "85, 10"'),

    # fn02_fix_softmax_loss
    right(SOFTMAX, "positional-two", "optimizer and loss by position, metrics by name", f"""
        model_sm.compile(keras.optimizers.RMSprop(), {_SM_LOSS}, metrics=["accuracy"])
        repaired = model_sm
    """),
    right(SOFTMAX, "loss-function", "the loss function, sparse accuracy by name", """
        model_sm.compile(optimizer="rmsprop", loss=keras.losses.sparse_categorical_crossentropy,
                         metrics=["sparse_categorical_accuracy"])
        repaired = model_sm
    """),
    right(SOFTMAX, "lr-default-explicit", "RMSprop's default learning rate spelt out", f"""
        model_sm.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.001), loss={_SM_LOSS},
                         metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
        repaired = model_sm
    """),
    wrong(SOFTMAX, "compile-returns-none", "repaired = model_sm.compile(...): compile() returns None",
          ("None",), f"""
        repaired = model_sm.compile(optimizer="rmsprop", loss={_SM_LOSS}, metrics=["accuracy"])
    """),
    wrong(SOFTMAX, "not-recompiled", "model_sm given back as it was", ("from_logits",), "repaired = model_sm"),
    wrong(SOFTMAX, "rebuilt-name", "model_sm rebound to a new model from make_softmax_model()",
          ("model_sm", "new model", "given"), f"""
        model_sm = make_softmax_model()
        model_sm.compile(optimizer="rmsprop", loss={_SM_LOSS}, metrics=["accuracy"])
        repaired = model_sm
    """),
    wrong(SOFTMAX, "new-container", "a new keras.Model over model_sm's layers, compiled instead of model_sm",
          ("model_sm",), f"""
        repaired = keras.Model(model_sm.inputs, model_sm.outputs)
        repaired.compile(optimizer="rmsprop", loss={_SM_LOSS}, metrics=["accuracy"])
    """),
    wrong(SOFTMAX, "weights-reset", "model_sm's weights zeroed before compiling", ("weights",), f"""
        model_sm.set_weights([np.zeros_like(w) for w in model_sm.get_weights()])
        model_sm.compile(optimizer="rmsprop", loss={_SM_LOSS}, metrics=["accuracy"])
        repaired = model_sm
    """),
    wrong(SOFTMAX, "no-metric", "the accuracy metric dropped", ("accuracy", "metric"), f"""
        model_sm.compile(optimizer="rmsprop", loss={_SM_LOSS})
        repaired = model_sm
    """),
    wrong(SOFTMAX, "positional-metrics", "metrics as compile's third positional argument (that is loss_weights)",
          ("loss_weights",), f"""
        model_sm.compile(keras.optimizers.RMSprop(), {_SM_LOSS}, ["accuracy"])
        repaired = model_sm
    """),
    wrong(SOFTMAX, "mse", "a regression loss", ("loss",), """
        model_sm.compile(optimizer="rmsprop", loss="mse", metrics=["accuracy"])
        repaired = model_sm
    """),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
_PAIR_SECRETS = (r"\b85\b", r"\(\s*85")
CASES += [
    right(COMPILE, "rmsprop-object-sparse-name", "RMSprop object, the sparse accuracy by name", """
        model_a.compile(optimizer=keras.optimizers.RMSprop(),
                        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                        metrics=["sparse_categorical_accuracy"])
        compiled = model_a
    """),
    wrong(COMPILE, "sgd", "optimizer: SGD instead of RMSprop", ("optimizer", "RMSprop"), """
        model_a.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                        metrics=["accuracy"])
        compiled = model_a
    """),
    right(FIT, "positional-batch-epochs", "batch_size and epochs by position", """
        history_b = model_b.fit(x_small, y_small, 100, 1, verbose=2, validation_split=0.25)
    """),
    wrong(FIT, "history-dict", "format: history_b.history (the dict) instead of the History", ("History", "fit", "dict"), """
        history_b = model_b.fit(x_small, y_small, batch_size=100, epochs=1, validation_split=0.25,
                                verbose=0).history
    """),
    wrong(FIT, "split-reversed", "75% held out instead of 25%", ("validation", "25", "steps"), """
        history_b = model_b.fit(x_small, y_small, batch_size=100, epochs=1, validation_split=0.75, verbose=0)
    """),
    wrong(FIT, "all-training-data", "the whole training set instead of x_small", ("x_small", "data", "steps"), """
        history_b = model_b.fit(x_train, y_train, batch_size=100, epochs=1, validation_split=0.25, verbose=0)
    """),
    right(STEPS, "list", "a list", """
        steps_pair = [85, 10]
    """),
    wrong(STEPS, "floor", "both rounded down (last, smaller batch dropped)", ("round", "last", "smaller", "partial"), """
        steps_pair = (84, 9)
    """, secrets=_PAIR_SECRETS),
    wrong(STEPS, "swapped", "order: validation first", ("order", "training", "validation"), """
        steps_pair = (10, 85)
    """, secrets=_PAIR_SECRETS),
    wrong(STEPS, "validation-default-batch", "validation in batches of 32", ("validation", "batch"), """
        steps_pair = (85, 38)
    """, secrets=_PAIR_SECRETS),
    right(SOFTMAX, "string-loss", "the loss by its string name, RMSprop object", """
        model_sm.compile(optimizer=keras.optimizers.RMSprop(), loss="sparse_categorical_crossentropy",
                         metrics=["accuracy"])
        repaired = model_sm
    """),
    wrong(SOFTMAX, "softmax-removed", "the softmax removed from the last layer (layers changed), from_logits kept", ("layer", "softmax", "as they are"), """
        model_sm.layers[-1].activation = keras.activations.linear
        model_sm.compile(optimizer="rmsprop", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                         metrics=["accuracy"])
        repaired = model_sm
    """),
    wrong(SOFTMAX, "adam", "optimizer: Adam instead of RMSprop", ("optimizer", "RMSprop"), """
        model_sm.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(),
                         metrics=["accuracy"])
        repaired = model_sm
    """),
]
CASES += [
    wrong(FIT, "cell-run-twice", "the answer cell run twice: model_b trained for two epochs in all", ("epoch", "again", "twice", "more than", "steps"), """
        history_b = model_b.fit(x_small, y_small, batch_size=100, epochs=1, validation_split=0.25, verbose=0)
        history_b = model_b.fit(x_small, y_small, batch_size=100, epochs=1, validation_split=0.25, verbose=0)
    """),
]
CASES += [
    right(SOFTMAX, "from-logits-false-explicit", "from_logits=False spelt out, RMSprop by name", """
        model_sm.compile(optimizer="rmsprop",
                         loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
                         metrics=["accuracy"])
        repaired = model_sm
    """),
]
