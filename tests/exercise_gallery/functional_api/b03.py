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
