"""B3 · Save and serialize: fn03_round_trip, fn03_read_architecture."""
from exercise_gallery.functional_api import right, wrong

ROUND = "fn03_round_trip"
READ = "fn03_read_architecture"

CASES = [
    # ---- fn03_round_trip(model, path): save to path, return the model loaded back from that file
    right(ROUND, "saving-api", "keras.saving.save_model / keras.saving.load_model", """
        def round_trip(model, path):
            keras.saving.save_model(model, path)
            return keras.saving.load_model(path)
    """),
    right(ROUND, "no-compile-keywords", "keyword arguments, load_model(compile=False)", """
        def round_trip(model, path):
            model.save(filepath=path, overwrite=True)
            restored = keras.models.load_model(path, compile=False)
            return restored
    """),
    right(ROUND, "fspath-safe-mode", "os.fspath and safe_mode spelled out", """
        import os as _os

        def round_trip(model, path):
            target = _os.fspath(path)
            model.save(target)
            return keras.models.load_model(target, safe_mode=True)
    """),
    wrong(ROUND, "returns-original", "skips the load: returns the model it was given", ("load", "file"), """
        def round_trip(model, path):
            model.save(path)
            return model
    """),
    wrong(ROUND, "copy-not-load", "skips the load: an in-memory copy with the same weights", ("load", "file"), """
        def round_trip(model, path):
            model.save(path)
            copy = keras.models.clone_model(model)
            copy.set_weights(model.get_weights())
            return copy
    """, note="predicts the same, but nothing was read from the file"),
    wrong(ROUND, "notebook-path", "other data: saves and loads the notebook's `path`, not the argument",
          ("path",), """
        def round_trip(model, file):
            model.save(path)
            return keras.models.load_model(path)
    """),
    wrong(ROUND, "architecture-only", "rebuilds from the config: fresh weights", ("weights", "load"), """
        def round_trip(model, path):
            model.save(path)
            return keras.Model.from_config(model.get_config())
    """),
    wrong(ROUND, "save-weights", "saves the weights only (needs a .weights.h5 name)", ("save",), """
        def round_trip(model, path):
            model.save_weights(path)
            return keras.models.load_model(path)
    """),

    # ---- fn03_read_architecture(path): config.json of the .keras zip, parsed, without Keras
    right(READ, "json-load-open", "json.load on archive.open", """
        def read_architecture(path):
            with zipfile.ZipFile(path, "r") as archive:
                with archive.open("config.json") as member:
                    return json.load(member)
    """),
    right(READ, "file-object-decode", "opened as a binary file, decoded text", """
        def read_architecture(path):
            with open(path, "rb") as handle:
                text = zipfile.ZipFile(handle).read("config.json").decode("utf-8")
            return json.loads(text)
    """),
    right(READ, "extract-to-folder", "extracted into a temporary folder, then read", """
        import os as _os, tempfile as _tempfile

        def read_architecture(path):
            folder = _tempfile.mkdtemp()
            zipfile.ZipFile(path).extract("config.json", folder)
            with open(_os.path.join(folder, "config.json"), encoding="utf-8") as handle:
                return json.load(handle)
    """),
    wrong(READ, "uses-keras", "delegates to Keras (load_model + get_config) instead of reading the file",
          ("zipfile", "config.json", "without Keras"), """
        def read_architecture(path):
            return keras.models.load_model(path).get_config()
    """),
    wrong(READ, "inner-config", "returns part of config.json: the model's inner config",
          ("config.json", "class_name", "whole"), """
        def read_architecture(path):
            with zipfile.ZipFile(path) as archive:
                return json.loads(archive.read("config.json"))["config"]
    """),
    wrong(READ, "metadata", "other data: reads metadata.json", ("config.json",), """
        def read_architecture(path):
            with zipfile.ZipFile(path) as archive:
                return json.loads(archive.read("metadata.json"))
    """),
    wrong(READ, "not-parsed", "returns the text, not the parsed dict", ("dict", "json", "pars"), """
        def read_architecture(path):
            with zipfile.ZipFile(path) as archive:
                return archive.read("config.json").decode("utf-8")
    """),
    wrong(READ, "namelist", "returns the archive's member names", ("dict",), """
        def read_architecture(path):
            return zipfile.ZipFile(path).namelist()
    """),
]

# ---- the practice items added after the audit (held-out answers: other spellings, typical mistakes)
SAVE = "fn03_fix_save_path"
ARCHIVE = "fn03_read_archive"

CASES += [
    # fn03_fix_save_path: the file in Keras' own format, in folder, its path returned, the model left as it is
    right(SAVE, "suffix-added", "the suffix added to the original name", """
        def save_checkpoint(model, folder):
            path = os.path.join(folder, "checkpoint") + ".keras"
            model.save(path)
            return path
    """),
    right(SAVE, "pathlib-object", "a pathlib.Path returned", """
        import pathlib

        def save_checkpoint(model, folder):
            path = pathlib.Path(folder, "checkpoint.keras")
            keras.saving.save_model(model, path)
            return path
    """),
    right(SAVE, "fstring-overwrite", "an f-string path, overwrite=True", """
        def save_checkpoint(model, folder):
            path = f"{folder}/ckpt-{model.name}.keras"
            model.save(path, overwrite=True)
            return os.path.abspath(path)
    """),
    wrong(SAVE, "export", "model.export(): a SavedModel folder, not a .keras file",
          (".keras", "format", "SavedModel", "folder"), """
        def save_checkpoint(model, folder):
            path = os.path.join(folder, "checkpoint")
            model.export(path, verbose=False)
            return path
    """),
    wrong(SAVE, "hdf5-suffix", "the legacy HDF5 format by its other suffix", ("HDF5", "format", ".keras"), """
        def save_checkpoint(model, folder):
            path = os.path.join(folder, "checkpoint.hdf5")
            model.save(path)
            return path
    """),
    wrong(SAVE, "file-name-only", "only the file's name returned, not its path", ("path", "folder"), """
        def save_checkpoint(model, folder):
            model.save(os.path.join(folder, "checkpoint.keras"))
            return "checkpoint.keras"
    """),
    wrong(SAVE, "new-container", "a new keras.Model over the layers saved (compile settings lost)",
          ("another model", "compile", "the model"), """
        def save_checkpoint(model, folder):
            path = os.path.join(folder, "checkpoint.keras")
            keras.Model(model.inputs, model.outputs).save(path)
            return path
    """),
    wrong(SAVE, "frozen", "the model frozen (trainable=False) before saving", ("trainable", "changed", "as it is"), """
        def save_checkpoint(model, folder):
            path = os.path.join(folder, "checkpoint.keras")
            model.trainable = False
            model.save(path)
            return path
    """),
    wrong(SAVE, "zip-suffix", "a .zip name, which Keras refuses", ("raised", ".keras", "suffix"), """
        def save_checkpoint(model, folder):
            path = os.path.join(folder, "checkpoint.zip")
            model.save(path)
            return path
    """),

    # fn03_read_archive: ("a", "c", "b")
    right(ARCHIVE, "upper-list", "capitals in a list", 'archive_answers = ["A", "C", "B"]'),
    right(ARCHIVE, "spaces", "letters with spaces", 'archive_answers = ("a ", " c", "b")'),
    right(ARCHIVE, "from-dict", "from a dict of questions", """
        picks = {1: "a", 2: "c", 3: "b"}
        archive_answers = tuple(picks[q] for q in (1, 2, 3))
    """),
    wrong(ARCHIVE, "q1-metadata", "question 1: (b) metadata.json", ("metadata.json",), 'archive_answers = ("b", "c", "b")'),
    wrong(ARCHIVE, "q3-weights", "question 3: (c) model.weights.h5", ("values of the variables", "weights.h5"),
          'archive_answers = ("a", "c", "c")'),
    wrong(ARCHIVE, "set", "a set of letters (no order)", ("tuple",), 'archive_answers = {"a", "c", "b"}'),
    wrong(ARCHIVE, "two", "two letters", ("3 questions",), 'archive_answers = ("a", "c")'),
    wrong(ARCHIVE, "word", "a word instead of a letter", ("one of the letters",),
          'archive_answers = ("a", "weights", "b")'),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
CASES += [
    right(ROUND, "str-path-saving-load", "str(path), keras.saving.load_model", """
        def round_trip(model, path):
            path = str(path)
            model.save(path)
            loaded = keras.saving.load_model(path)
            return loaded
    """),
    wrong(ROUND, "no-return", "saves and loads but returns nothing", ("return", "None"), """
        def round_trip(model, path):
            model.save(path)
            loaded = keras.models.load_model(path)
    """),
    wrong(ROUND, "fixed-file-name", "a fixed file name instead of the path given", ("path", "argument", "file"), """
        def round_trip(model, path):
            fixed = os.path.join(tempfile.gettempdir(), "round_trip_model.keras")
            model.save(fixed)
            return keras.models.load_model(fixed)
    """),
    right(READ, "loads-decode", "json.loads on the decoded bytes, no with-block", """
        def read_architecture(path):
            archive = zipfile.ZipFile(path)
            try:
                return json.loads(archive.read("config.json").decode("utf-8"))
            finally:
                archive.close()
    """),
    wrong(READ, "notebook-file", "the notebook's own mnist_model.keras read, not the argument", ("path", "argument", "probe_model", "file"), """
        def read_architecture(p):
            with zipfile.ZipFile(path) as archive:
                return json.loads(archive.read("config.json"))
    """),
    wrong(READ, "dumped-string", "the config as a JSON string (json.dumps)", ("dict", "parse", "string", "text"), """
        def read_architecture(path):
            with zipfile.ZipFile(path) as archive:
                return json.dumps(json.loads(archive.read("config.json")))
    """),
    right(SAVE, "saving-api-join", "keras.saving.save_model, os.path.join with the suffix", """
        def save_checkpoint(model, folder):
            target = os.path.join(folder, "checkpoint.keras")
            keras.saving.save_model(model, target)
            return target
    """),
    wrong(SAVE, "returns-old-path", "the file saved with .keras, the old name without suffix returned", ("path", "return", "file"), """
        def save_checkpoint(model, folder):
            path = os.path.join(folder, "checkpoint")
            model.save(path + ".keras")
            return path
    """),
    wrong(SAVE, "returns-folder", "the folder returned, not the file", ("path", "file", "folder", "return"), """
        def save_checkpoint(model, folder):
            model.save(os.path.join(folder, "checkpoint.keras"))
            return folder
    """),
    wrong(SAVE, "other-folder", "the file written in a fixed folder, not in `folder`", ("folder",), """
        def save_checkpoint(model, folder):
            path = os.path.join(tempfile.gettempdir(), "checkpoint.keras")
            model.save(path)
            return path
    """),
    wrong(SAVE, "weights-only", "only the weights saved (.weights.h5)", ("weights", "architecture", "compile", "format"), """
        def save_checkpoint(model, folder):
            path = os.path.join(folder, "checkpoint.weights.h5")
            model.save_weights(path)
            return path
    """),
    right(ARCHIVE, "list", "a list", """
        archive_answers = ["a", "c", "b"]
    """),
    wrong(ARCHIVE, "q2-config", "question 2: (a) config.json for the optimizer state", ("question 2", "optimizer"), """
        archive_answers = ("a", "a", "b")
    """),
    wrong(ARCHIVE, "q2-q3-swapped", "questions 2 and 3 swapped", ("question 2", "question 3"), """
        archive_answers = ("a", "b", "c")
    """),
]
