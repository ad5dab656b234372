"""Hidden part of chapter B2 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

_STEPS = c.equals_expected("the number of training steps in the epoch is not right yet")


def training_steps(record, ctx):
    _STEPS(record["steps"], ctx)


SCCE = "keras.losses.SparseCategoricalCrossentropy(from_logits=True)"
FIT = "history_b = model_b.fit(x_small, y_small, "

HIDDEN = [
    Hidden(
        "fn02_compile",
        wrong_answers=[
            ("model_a.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
             "compiled = model_a", "from_logits=True"),
            (f"model_a.compile(optimizer='rmsprop', loss=keras.losses.CategoricalCrossentropy(from_logits=True), "
             f"metrics=['accuracy'])\ncompiled = model_a", "one-hot labels"),
            (f"model_a.compile(optimizer='adam', loss={SCCE}, metrics=['accuracy'])\ncompiled = model_a", "optimizer"),
            (f"model_a.compile(optimizer='rmsprop', loss={SCCE})\ncompiled = model_a", "no accuracy metric"),
            (f"model_a.compile(optimizer='rmsprop', loss={SCCE}, metrics=[keras.metrics.CategoricalAccuracy()])\n"
             "compiled = model_a", "categorical_accuracy"),
            (f"compiled = make_mnist_model()\ncompiled.compile(optimizer='rmsprop', loss={SCCE}, metrics=['accuracy'])",
             "not model_a"),
            ("compiled = model_a", "not compiled"),
        ],
        other_solutions=[
            f"model_a.compile(optimizer='rmsprop', loss={SCCE}, metrics=['acc'])\ncompiled = model_a",
            "def logits_loss(y_true, y_pred):\n"
            "    return keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True)\n\n"
            "model_a.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3), loss=logits_loss, "
            "metrics=[keras.metrics.SparseCategoricalAccuracy()])\ncompiled = model_a",
            f"compiled = model_a\ncompiled.compile('rmsprop', {SCCE}, metrics=['sparse_categorical_accuracy'])",
        ],
    ),
    Hidden(
        "fn02_fit_validation",
        expected=15,
        checks=[training_steps],
        wrong_answers=[
            (FIT + "batch_size=100, epochs=1, verbose=0)", "no validation curves"),
            (FIT + "batch_size=100, epochs=1, validation_split=0.2, verbose=0)", "20%"),
            (FIT + "epochs=1, validation_split=0.25, verbose=0)", "batch_size"),
            (FIT + "batch_size=100, epochs=2, validation_split=0.25, verbose=0)", "epochs"),
            ("history_b = model_b.fit(x_test[:2000], y_test[:2000], batch_size=100, epochs=1, validation_split=0.25, "
             "verbose=0)", "x_small"),
            ("other = make_mnist_model()\nother.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits="
             "True), optimizer='rmsprop', metrics=['accuracy'])\nhistory_b = other.fit(x_small, y_small, "
             "batch_size=100, epochs=1, validation_split=0.25, verbose=0)", "not come from training model_b"),
        ],
        other_solutions=[
            "history_b = model_b.fit(x_small[:1500], y_small[:1500], batch_size=100, epochs=1, verbose=0, "
            "validation_data=(x_small[1500:], y_small[1500:]))",
            "history_b = model_b.fit(keras.ops.convert_to_tensor(x_small), keras.ops.convert_to_tensor(y_small), "
            "batch_size=100, validation_split=1 / 4, verbose=2)",
            "history_b = model_b.fit(x=x_small, y=y_small, validation_split=0.25, epochs=1, batch_size=100, verbose=0)",
        ],
    ),
]
