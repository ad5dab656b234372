"""Hidden part of chapter A5 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

FRESH = "model = make_digit_model()\n"

HIDDEN = [
    Hidden(
        "seq05_predict_steps",
        expected=[32, 96],
        checks=[c.equals_expected("not the right numbers of steps yet")],
        wrong_answers=[
            ("steps = (40, 120)", "holds back 20%"),
            ("steps = (31, 93)", "smaller batch"),
            ("steps = (32, 32)", "every epoch"),
            ("steps = (4000, 12000)", "count samples"),
            ("steps = (8, 24)", "validation batches"),
            ("steps = 96", "2 numbers"),
            ("steps = (32.5, 97.5)", "whole number"),
        ],
        other_solutions=[
            "steps = [32, 96]",
            "import math\nper_epoch = math.ceil(5000 * 0.8 / 128)\nsteps = (per_epoch, 3 * per_epoch)",
            "steps = (-(-4000 // 128), 3 * -(-4000 // 128))",
        ],
        explanation="validation_split=0.2 keeps 1,000 of the 5,000 samples for validation, so fit() trains on "
                    "4,000. In batches of 128 that is 31 full batches and one of 32 samples: 32 steps per epoch. "
                    "Three epochs: 96 steps (what optimizer.iterations counts).",
    ),
    Hidden(
        "seq05_read_history",
        expected=[4, 6],
        checks=[c.equals_expected("not the right numbers yet")],
        wrong_answers=[
            ("history_reading = (10, 6)", "training loss keeps falling"),
            ("history_reading = (3, 5)", "start at epoch 1"),
            ("history_reading = (4, 8)", "since the best value"),
            ("history_reading = (4, 4)", "cannot know at the best epoch"),
            ("history_reading = (4, 10)", "before the 10 epochs"),
            ("history_reading = (4,)", "2 numbers"),
            ("history_reading = (5, 6)", "not the right numbers"),
        ],
        other_solutions=[
            "history_reading = [4, 6]",
            "import numpy as np\nbest = int(np.argmin(history_log['val_loss'])) + 1\nhistory_reading = (best, best + 2)",
            "history_reading = (4.0, 6.0)",
        ],
        explanation="val_loss is lowest, 0.61, at epoch 4: after it the training loss keeps falling but the "
                    "validation loss rises (over-fitting). EarlyStopping(patience=2) counts epochs since that best "
                    "value: epoch 5 (0.63) is one, epoch 6 (0.62, lower than epoch 5 but not below 0.61) is two, so "
                    "training stops after epoch 6.",
    ),
    Hidden(
        "seq05_compile",
        wrong_answers=[
            (FRESH, "not compiled"),
            (FRESH + "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])",
             "from_logits=True"),
            (FRESH + "model.compile(optimizer='adam', loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))",
             "no accuracy metric"),
            (FRESH + "model.compile(optimizer='adam', loss=keras.losses.CategoricalCrossentropy(from_logits=True), "
             "metrics=['accuracy'])", "one-hot labels"),
            (FRESH + "model.compile(optimizer='adam', loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), "
             "metrics=['categorical_accuracy'])", "categorical_accuracy"),
            (FRESH + "model.compile(optimizer='adam', loss='mse', metrics=['accuracy'])", "not a loss for classes"),
            (FRESH + "model.compile(optimizer='adam', loss=keras.losses.BinaryCrossentropy(from_logits=True), "
             "metrics=['accuracy'])", "binary"),
            ("model = trained\nmodel.compile(optimizer='adam', loss=keras.losses.SparseCategoricalCrossentropy("
             "from_logits=True), metrics=['accuracy'])", "`trained`"),
            ("model = make_digit_model()\nmodel.add(layers.Softmax())\nmodel.compile(optimizer='adam', "
             "loss='sparse_categorical_crossentropy', metrics=['accuracy'])", "activation"),
            (FRESH + "model.compile(optimizer='adam', loss=lambda y, p: keras.losses.sparse_categorical_crossentropy("
             "y, p), metrics=['accuracy'])", "probabilities"),
            (FRESH + "model.compile(optimizer='adam', loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), "
             "metrics=[keras.metrics.Accuracy()])", "metric"),
        ],
        other_solutions=[
            FRESH + "model.compile(optimizer='rmsprop', loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), "
            "metrics=['acc'])",
            FRESH + "model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), "
            "loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), "
            "metrics=[keras.metrics.SparseCategoricalAccuracy()])",
            "def logits_loss(y_true, y_pred):\n"
            "    return keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True)\n\n"
            + FRESH + "model.compile(optimizer='adam', loss=logits_loss, metrics=['sparse_categorical_accuracy'])",
            FRESH + "model.compile('adam', keras.losses.SparseCategoricalCrossentropy(True), metrics=['accuracy'])",
            "import functools\n" + FRESH + "model.compile(optimizer='adam', loss=functools.partial("
            "keras.losses.sparse_categorical_crossentropy, from_logits=True), metrics=['accuracy'])",
        ],
        equivalent_mutants={
            "compile(...) without optimizer= (its default)": "the task says any optimizer will do: compile()'s default, RMSprop, is one",
        },
        explanation="The labels are integers 0-9, so the loss is the sparse categorical cross-entropy; the last "
                    "Dense layer has no softmax, so its outputs are raw scores and the loss needs from_logits=True "
                    "(without it Keras would treat them as probabilities). metrics=['accuracy'] picks the accuracy "
                    "for integer labels; any optimizer works.",
    ),
    Hidden(
        "seq05_save_reload",
        wrong_answers=[
            ("restored = trained", "`trained` itself"),
            ("trained.save_weights(save_dir / 'digits.weights.h5')\nrestored = make_digit_model()\n"
             "restored.load_weights(save_dir / 'digits.weights.h5')", "no compile settings"),
            ("make_digit_model().save(save_dir / 'untrained.keras')\n"
             "restored = keras.models.load_model(save_dir / 'untrained.keras')", "weights differ"),
            ("trained.save(save_dir / 'mine.keras')\nrestored = keras.models.load_model(save_dir / 'mine.keras', "
             "compile=False)", "no compile settings"),
            ("restored = keras.models.clone_model(trained)", "weights differ"),
            ("trained.save(save_dir / 'mine.keras')\nrestored = keras.models.load_model(save_dir / 'mine.keras')\n"
             "restored.compile(optimizer=keras.optimizers.RMSprop(), "
             "loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=['accuracy'])",
             "optimizer state"),
            ("trained.fit(x_train[:640], y_train[:640], batch_size=64, epochs=1, verbose=0)\n"
             "trained.save(save_dir / 'more.keras')\nrestored = keras.models.load_model(save_dir / 'more.keras')",
             "was trained again"),  # keep_given: the snapshot names it before the steps count does
            ("trained.compile(optimizer='adam', loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))\n"
             "trained.save(save_dir / 'again.keras')\nrestored = keras.models.load_model(save_dir / 'again.keras')",
             "was compiled again"),
            ("trained.save(save_dir / 'old_style.h5')\nrestored = keras.models.load_model(save_dir / 'old_style.h5')",
             "legacy HDF5 format"),
        ],
        other_solutions=[
            "keras.saving.save_model(trained, save_dir / 'again.keras')\n"
            "restored = keras.saving.load_model(save_dir / 'again.keras')",
            "import os\nfile = os.path.join(str(save_dir), 'copy_of_trained.keras')\ntrained.save(file)\n"
            "restored = keras.models.load_model(file)",
            "target = save_dir / 'sub' / 'digits.keras'\ntarget.parent.mkdir(exist_ok=True)\ntrained.save(target)\n"
            "restored = keras.models.load_model(str(target))",
        ],
        explanation="trained.save(path) with a .keras name writes one file with the architecture, the weights, "
                    "the compile settings and the optimizer's state (its 150 steps); keras.models.load_model(path) "
                    "builds a new model from it. restored is then a separate object with equal weights, and "
                    "training it could go on where trained stopped.",
    ),
]
