"""A5 · Once you have a model: compile, predict_steps, read_history, save_reload.

The cases that change the given `trained` come last: the chapter's prelude objects are shared by the cases.
"""
from exercise_gallery.sequential_model import right, wrong

COMPILE = "seq05_compile"
STEPS = "seq05_predict_steps"
HISTORY = "seq05_read_history"
SAVE = "seq05_save_reload"
STEPS_SECRETS = (r"\b32\b\D{1,6}\b96\b",)
HISTORY_SECRETS = (r"\(4, 6\)",)
LOSS = "keras.losses.SparseCategoricalCrossentropy(from_logits=True)"

CASES = [
    # ---- seq05_compile: fresh make_digit_model(), sparse CE from logits, accuracy
    right(COMPILE, "default-optimizer", "no optimizer named (Keras' default)", f"""
        model = make_digit_model()
        model.compile(loss={LOSS}, metrics=["accuracy"])
    """),
    right(COMPILE, "settings-dict", "settings in a dict, Adam object, named accuracy metric", f"""
        settings = dict(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss={LOSS},
                        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
        model = make_digit_model()
        model.compile(**settings)
    """),
    right(COMPILE, "loss-function-kw", "the loss function with from_logits through a lambda", """
        model = make_digit_model()
        model.compile(optimizer="sgd",
                      loss=lambda y, p: keras.losses.sparse_categorical_crossentropy(y, p, from_logits=True),
                      metrics=("accuracy",))
    """),
    wrong(COMPILE, "compile-returns-none", "`model = make_digit_model().compile(...)`: compile() returns None",
          ("compile() returns None", "returns None"), f"""
        model = make_digit_model().compile(optimizer="adam", loss={LOSS}, metrics=["accuracy"])
    """),
    wrong(COMPILE, "from-logits-false", "from_logits=False spelled out", ("from_logits", "raw scores", "logits"), """
        model = make_digit_model()
        model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
                      metrics=["accuracy"])
    """),
    wrong(COMPILE, "loss-function-default", "the loss function itself (from_logits defaults to False)",
          ("from_logits", "raw scores", "logits", "probabilities"), """
        model = make_digit_model()
        model.compile(optimizer="adam", loss=keras.losses.sparse_categorical_crossentropy, metrics=["accuracy"])
    """),
    wrong(COMPILE, "mae-metric", "another metric instead of accuracy", ("accuracy", "metric"), f"""
        model = make_digit_model()
        model.compile(optimizer="adam", loss={LOSS}, metrics=["mae"])
    """),
    wrong(COMPILE, "compiled-then-fresh", "compiled one model, then made another (uncompiled)",
          ("compile", "not compiled"), f"""
        model = make_digit_model()
        model.compile(optimizer="adam", loss={LOSS}, metrics=["accuracy"])
        model = make_digit_model()
    """),
    wrong(COMPILE, "demo-like-other-model", "another architecture (a softmax layer kept) with from_logits",
          ("activation", "softmax", "layer", "model"), f"""
        model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(64, activation="relu"),
                                  layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss={LOSS}, metrics=["accuracy"])
    """),

    # ---- seq05_predict_steps: (32, 96)
    right(STEPS, "ceil", "math.ceil on the training part", """
        per_epoch = int(np.ceil(5000 * (1 - 0.2) / 128))
        steps = (per_epoch, 3 * per_epoch)
    """),
    right(STEPS, "numpy-array", "a NumPy array", "steps = np.array([32, 96])\n"),
    right(STEPS, "negative-floor", "ceil by negative floor division, a list", """
        steps = [-(-4000 // 128), 3 * -(-4000 // 128)]
    """),
    wrong(STEPS, "no-split-floor", "validation split ignored and rounded down", ("validation", "20%", "split"), """
        steps = (39, 117)
    """, secrets=STEPS_SECRETS),
    wrong(STEPS, "swapped", "order: the two numbers swapped", ("order",), """
        steps = (96, 32)
    """, secrets=STEPS_SECRETS),
    wrong(STEPS, "epochs-as-steps", "the epochs given as the whole call's steps", ("whole fit() call", "epoch"), """
        steps = (32, 3)
    """, secrets=STEPS_SECRETS),
    wrong(STEPS, "one-step-per-epoch", "one step per epoch (whole data set as one batch)", ("batch", "one epoch"), """
        steps = (1, 3)
    """, secrets=STEPS_SECRETS),
    wrong(STEPS, "string", "format: a string", ("numbers",), 'steps = "32, 96"\n', secrets=STEPS_SECRETS),

    # ---- seq05_read_history: (4, 6)
    right(HISTORY, "computed", "computed from history_log", """
        val = history_log["val_loss"]
        best = int(np.argmin(val)) + 1
        waited, stop = 0, len(val)
        for epoch in range(best + 1, len(val) + 1):
            waited += 1
            if waited >= 2:
                stop = epoch
                break
        history_reading = (best, stop)
    """),
    right(HISTORY, "numpy-array", "a NumPy array", "history_reading = np.array([4, 6])\n"),
    right(HISTORY, "numpy", "NumPy integers", "history_reading = (np.int64(4), np.int32(6))\n"),
    wrong(HISTORY, "last-epoch", "the last epoch for both", ("training loss", "val_loss"), """
        history_reading = (10, 10)
    """, secrets=HISTORY_SECRETS),
    wrong(HISTORY, "swapped", "order: the two numbers swapped", ("order", "first", "second"), """
        history_reading = (6, 4)
    """, secrets=HISTORY_SECRETS),
    wrong(HISTORY, "patience-one", "stops one epoch after the best (patience read as 1)", ("patience", "EarlyStopping"), """
        history_reading = (4, 5)
    """, secrets=HISTORY_SECRETS),
    wrong(HISTORY, "zero-based-first", "the best epoch counted from 0", ("from 1", "best epoch"), """
        history_reading = (3, 6)
    """, secrets=HISTORY_SECRETS),
    wrong(HISTORY, "lowest-value", "the lowest val_loss value instead of its epoch", ("epoch", "whole number"), """
        history_reading = (0.61, 6)
    """, secrets=HISTORY_SECRETS),

    # ---- seq05_save_reload: trained.save(save_dir / "x.keras"); restored = load_model(...)
    right(SAVE, "str-path", "a str path and keras.saving.load_model(compile=True)", """
        name = str(save_dir) + "/trained_model.keras"
        trained.save(name)
        restored = keras.saving.load_model(name, compile=True)
    """),
    right(SAVE, "joinpath-overwrite", "joinpath, overwrite=True, keras.models.save_model", """
        target = save_dir.joinpath("exercise4.keras")
        keras.models.save_model(trained, target, overwrite=True)
        restored = keras.models.load_model(target)
    """),
    right(SAVE, "overwrite-notebook-file", "the notebook's own digits.keras written again and loaded", """
        trained.save(save_dir / "digits.keras")
        restored = keras.models.load_model(save_dir / "digits.keras")
    """),
    right(SAVE, "subfolder", "a sub-folder of save_dir made first", """
        folder = save_dir / "exercise"
        folder.mkdir(exist_ok=True)
        trained.save(folder / "mine.keras")
        restored = keras.models.load_model(folder / "mine.keras")
    """),
    wrong(SAVE, "save-dir-reassigned", "save_dir pointed at another folder, the file saved there",
          ("save_dir",), """
        import tempfile as _tf2
        save_dir = Path(_tf2.mkdtemp(prefix="mine_"))
        trained.save(save_dir / "digits.keras")
        restored = keras.models.load_model(save_dir / "digits.keras")
    """),
    wrong(SAVE, "loads-notebook-file", "nothing saved: the notebook's own digits.keras loaded",
          ("save_dir", "saved", "earlier"), """
        restored = keras.models.load_model(save_dir / "digits.keras")
    """),
    right(SAVE, "checked-after", "saved, loaded and compared by the student", """
        file = save_dir / "checked.keras"
        trained.save(file)
        restored = keras.models.load_model(file)
        assert np.allclose(restored.predict(x_test[:4], verbose=0), trained.predict(x_test[:4], verbose=0))
    """),
    wrong(SAVE, "shared-optimizer", "loaded without compile settings, then compiled with trained's own optimizer",
          ("optimizer", "compile"), f"""
        trained.save(save_dir / "shared.keras")
        restored = keras.models.load_model(save_dir / "shared.keras", compile=False)
        restored.compile(optimizer=trained.optimizer, loss={LOSS}, metrics=["accuracy"])
    """),
    wrong(SAVE, "no-file", "no file: architecture and weights copied in memory", ("file", "compile", "save"), """
        restored = keras.models.model_from_json(trained.to_json())
        restored.set_weights(trained.get_weights())
    """),
    wrong(SAVE, "other-folder", "the file written outside save_dir", ("save_dir", "folder"), """
        import tempfile as _tf
        elsewhere = Path(_tf.mkdtemp(prefix="elsewhere_")) / "digits.keras"
        trained.save(elsewhere)
        restored = keras.models.load_model(elsewhere)
    """),
    wrong(SAVE, "weights-into-compiled", "weights only, into a fresh model compiled like trained",
          ("optimizer", "file", "weights only", "state"), f"""
        trained.save_weights(save_dir / "only.weights.h5")
        restored = make_digit_model()
        restored.compile(optimizer=keras.optimizers.RMSprop(), loss={LOSS}, metrics=["accuracy"])
        restored.load_weights(save_dir / "only.weights.h5")
    """),
    wrong(SAVE, "restored-trained-more", "the loaded model trained further", ("trained", "steps", "optimizer"), """
        trained.save(save_dir / "then_more.keras")
        restored = keras.models.load_model(save_dir / "then_more.keras")
        restored.fit(x_train[:256], y_train[:256], batch_size=64, epochs=1, verbose=0)
    """),
    wrong(SAVE, "trained-frozen-first", "`trained` frozen before saving (a given object changed)",
          ("trained", "trainable", "frozen", "changed"), """
        trained.trainable = False
        trained.save(save_dir / "frozen.keras")
        restored = keras.models.load_model(save_dir / "frozen.keras")
        trained.trainable = True
    """),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
CASES += [
    right(COMPILE, "positional-acc", "optimizer and loss positional, the 'acc' alias", """
        model = make_digit_model()
        model.compile("rmsprop", keras.losses.SparseCategoricalCrossentropy(True), metrics=["acc"])
    """),
    wrong(COMPILE, "not-sparse", "one-hot cross-entropy for integer labels", ("sparse", "integer", "one-hot"), f"""
        model = make_digit_model()
        model.compile(optimizer="rmsprop", loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
    """),
    wrong(COMPILE, "no-metric", "accuracy not reported", ("accuracy", "metric"), f"""
        model = make_digit_model()
        model.compile(optimizer="rmsprop", loss={LOSS})
    """),
    wrong(COMPILE, "trained-reused", "`trained` (already compiled that way, and trained) handed in, not a fresh model", ("fresh", "trained", "make_digit_model", "new"), """
        model = trained
    """),
    wrong(HISTORY, "patience-plus-one", "stops one epoch too late (patience + 1)", ("patience",), """
        history_reading = (4, 7)
    """, secrets=HISTORY_SECRETS),
    right(SAVE, "os-path-fstring", "an f-string path and keras.models.load_model", """
        target = f"{save_dir}/mine.keras"
        trained.save(target)
        restored = keras.models.load_model(target)
    """),
    wrong(SAVE, "not-loaded", "saved, but `trained` itself handed in", ("load", "trained", "same object", "file"), """
        trained.save(save_dir / "mine.keras")
        restored = trained
    """),
]
