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
            (f"model_a.compile(optimizer='rmsprop', loss={SCCE}, metrics=['accuracy'])\n"
             "model_a.fit(x_train[:64], y_train[:64], epochs=1, verbose=0)\ncompiled = model_a", "was trained"),
        ],
        other_solutions=[
            f"model_a.compile(optimizer='rmsprop', loss={SCCE}, metrics=['acc'])\ncompiled = model_a",
            "def logits_loss(y_true, y_pred):\n"
            "    return keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True)\n\n"
            "model_a.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3), loss=logits_loss, "
            "metrics=[keras.metrics.SparseCategoricalAccuracy()])\ncompiled = model_a",
            f"compiled = model_a\ncompiled.compile('rmsprop', {SCCE}, metrics=['sparse_categorical_accuracy'])",
        ],
        equivalent_mutants={
            "compile(...) without optimizer= (its default)": "compile()'s default optimizer is 'rmsprop': the "
            "RMSprop the task asks for, with its default settings",
            "given model_a changed first: its weights moved (trained again)": "model_a is untrained: other starting "
            "weights are not part of a task about compile()",
            "given model_a recompiled first (sgd, mse)": "the last compile() decides: model_a ends with the task's "
            "loss, optimizer and metric",
        },
        explanation="The labels are integers 0-9, so the loss is the sparse categorical cross-entropy (the "
                    "non-sparse one expects one-hot vectors). model_a's last Dense layer has no softmax: it gives "
                    "raw scores, and from_logits=True makes the loss apply the softmax itself, in a numerically "
                    "safer way. 'accuracy' lets Keras pick the accuracy that fits integer labels.",
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
            ("model_b.fit(x_small, y_small, batch_size=100, epochs=1, verbose=0)\n" + FIT +
             "batch_size=100, epochs=1, validation_split=0.25, verbose=0)", "more than the one epoch"),
        ],
        other_solutions=[
            "history_b = model_b.fit(x_small[:1500], y_small[:1500], batch_size=100, epochs=1, verbose=0, "
            "validation_data=(x_small[1500:], y_small[1500:]))",
            "history_b = model_b.fit(keras.ops.convert_to_tensor(x_small), keras.ops.convert_to_tensor(y_small), "
            "batch_size=100, validation_split=1 / 4, verbose=2)",
            "history_b = model_b.fit(x=x_small, y=y_small, validation_split=0.25, epochs=1, batch_size=100, verbose=0)",
        ],
        equivalent_mutants={
            "given model_b changed first: its weights moved (trained again)": "model_b is fresh and untrained: "
            "other starting weights before its one fit() are not part of a task about fit's arguments",
        },
        explanation="validation_split=0.25 keeps the last 500 of the 2,000 samples aside: they are evaluated "
                    "after the epoch (val_loss, val_accuracy) but never trained on. The remaining 1,500 samples "
                    "in batches of 100 make 15 training steps.",
    ),
    Hidden(
        "fn02_predict_steps",
        expected=[85, 10],
        checks=[c.equals_expected("the numbers of steps are not right yet")],
        wrong_answers=[
            ("steps_pair = (94, 10)", "not trained on"),
            ("steps_pair = (84, 9)", "smaller batch"),
            ("steps_pair = (338, 38)", "default batch_size"),
            ("steps_pair = (85, 38)", "same batch_size"),
            ("steps_pair = (85, 1)", "in batches too"),
            ("steps_pair = 85", "tuple of 2"),
        ],
        other_solutions=[
            "steps_pair = [85, 10]",
            "import math\nsteps_pair = (math.ceil(12_000 * 0.9 / 128), math.ceil(12_000 * 0.1 / 128))",
            "steps_pair = (85.0, 10.0)",
        ],
        explanation="validation_split=0.1 keeps the last 1,200 of the 12,000 samples aside, so fit() trains on "
                    "10,800. In batches of 128 that is 84 full batches and one of 48: 85 steps. The 1,200 "
                    "held-out samples are evaluated in batches of the same size: 9 full ones and one of 48, 10 "
                    "validation steps.",
    ),
    Hidden(
        "fn02_fix_softmax_loss",
        wrong_answers=[
            (f"model_sm.compile(optimizer='rmsprop', loss={SCCE}, metrics=['accuracy'])\nrepaired = model_sm",
             "from_logits=True"),
            ("model_sm.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])\n"
             "repaired = model_sm", "one-hot labels"),
            ("model_sm.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
             "repaired = model_sm", "optimizer"),
            ("model_sm.layers[-1].activation = keras.activations.linear\nrepaired = model_sm", "softmax"),
            ("repaired = keras.models.clone_model(model_sm)\nrepaired.compile(optimizer='rmsprop', "
             "loss='sparse_categorical_crossentropy', metrics=['accuracy'])", "not model_sm"),
            ("model_sm.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])\n"
             "repaired = model_sm", "yes/no"),
            ("model_sm.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
             "model_sm.fit(x_train[:64], y_train[:64], epochs=1, verbose=0)\nrepaired = model_sm", "was trained"),
            ("x = layers.Dense(64, activation='relu')(model_sm.inputs[0])\nrepaired = keras.Model(model_sm.inputs, "
             f"layers.Dense(10)(x))\nrepaired.compile(optimizer='rmsprop', loss={SCCE}, metrics=['accuracy'])",
             "not model_sm"),
        ],
        other_solutions=[
            "model_sm.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['acc'])\n"
            "repaired = model_sm",
            "model_sm.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3), "
            "loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False), "
            "metrics=[keras.metrics.SparseCategoricalAccuracy()])\nrepaired = model_sm",
            "repaired = model_sm\nrepaired.compile(loss=keras.losses.SparseCategoricalCrossentropy(), "
            "optimizer='rmsprop', metrics=['accuracy'])",
        ],
        equivalent_mutants={
            "compile(...) without optimizer= (its default)": "compile()'s default optimizer is 'rmsprop': the "
            "RMSprop the task asks for, with its default settings",
            "given model_sm recompiled first (sgd, mse)": "the repair compiles model_sm again anyway: the last "
            "compile() decides",
        },
        explanation="model_sm's last layer already applies a softmax, so its outputs are probabilities. "
                    "from_logits=True told the loss they were raw scores: it applied a second softmax to "
                    "probabilities, which squashes them together and leaves little gradient to learn from. The "
                    "repair is the loss's default, from_logits=False, on the same model; removing the softmax "
                    "would change the model, which the task leaves as it is.",
    ),
]
