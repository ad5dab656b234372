"""Hidden part of chapter A5 (instructor only: never released, never in the student's package)."""
from kitlib.exercises.hidden import Hidden

FRESH = "model = make_digit_model()\n"

HIDDEN = [
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
        ],
        other_solutions=[
            "keras.saving.save_model(trained, save_dir / 'again.keras')\n"
            "restored = keras.saving.load_model(save_dir / 'again.keras')",
            "import os\nfile = os.path.join(str(save_dir), 'copy_of_trained.keras')\ntrained.save(file)\n"
            "restored = keras.models.load_model(file)",
            "target = save_dir / 'sub' / 'digits.keras'\ntarget.parent.mkdir(exist_ok=True)\ntrained.save(target)\n"
            "restored = keras.models.load_model(str(target))",
        ],
    ),
]
