"""Hidden part of chapter B3 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

SAVE_DEF = "def save_checkpoint(model, folder):\n"

HIDDEN = [
    Hidden(
        "fn03_round_trip",
        wrong_answers=[
            ("def round_trip(model, path):\n    model.save(path)\n    return model", "the model it was given"),
            ("def round_trip(model, path):\n    model.save(path)\n    copy = keras.models.clone_model(model)\n"
             "    copy.set_weights(model.get_weights())\n    return copy", "did not read the file back"),
            ("def round_trip(model, file):\n    model.save(path)\n    return keras.models.load_model(path)",
             "no file at the path"),
            ("def round_trip(model, path):\n    model.save(path)\n    return keras.Model.from_config(model.get_config())",
             "did not read the file back"),
            ("def round_trip(model, path):\n    model.save(path)\n    return keras.models.load_model(path).get_config()",
             "returned should be the model"),
            ("def round_trip(model, path):\n    model.save_weights(path)\n    return keras.models.load_model(path)",
             "model.save(path)"),
        ],
        equivalent_mutants={
            "load_model(..., compile=False)": "the task asks for the model loaded back from the file (architecture "
            "and weights); it says nothing about training settings, and compile=False still reads them from there",
        },
        other_solutions=[
            "def round_trip(model, path):\n    keras.saving.save_model(model, path)\n    return keras.saving.load_model(path)",
            "def round_trip(model, path):\n    model.save(filepath=path, overwrite=True)\n"
            "    restored = keras.models.load_model(path, compile=False)\n    return restored",
            "import os as _os\n\ndef round_trip(model, path):\n    target = _os.fspath(path)\n    model.save(target)\n"
            "    return keras.models.load_model(target, safe_mode=True)",
        ],
        explanation="model.save(path) writes the whole model (architecture, weights, compile settings) into one "
                    ".keras file, and keras.models.load_model(path) builds a new model from that file alone. "
                    "Returning the loaded model, not the one passed in, is what proves the file holds "
                    "everything: the new model predicts exactly what the saved one did.",
    ),
    Hidden(
        "fn03_read_architecture",
        wrong_answers=[
            ("def read_architecture(path):\n    return keras.models.load_model(path).get_config()", "'config' part"),
            ("def read_architecture(path):\n    with zipfile.ZipFile(path) as archive:\n"
             "        return json.loads(archive.read('config.json'))['config']", "'config' part"),
            ("def read_architecture(path):\n    with zipfile.ZipFile(path) as archive:\n"
             "        return json.loads(archive.read('metadata.json'))", "metadata.json"),
            ("def read_architecture(path):\n    with zipfile.ZipFile(path) as archive:\n"
             "        return archive.read('config.json').decode('utf-8')", "text of config.json"),
            ("def read_architecture(path):\n    return zipfile.ZipFile(path).namelist()", "should return a dict"),
        ],
        other_solutions=[
            "def read_architecture(path):\n    with zipfile.ZipFile(path, 'r') as archive:\n"
            "        with archive.open('config.json') as member:\n            return json.load(member)",
            "def read_architecture(path):\n    with open(path, 'rb') as handle:\n"
            "        text = zipfile.ZipFile(handle).read('config.json').decode('utf-8')\n    return json.loads(text)",
            "import os as _os, tempfile as _tempfile\n\ndef read_architecture(path):\n    folder = _tempfile.mkdtemp()\n"
            "    zipfile.ZipFile(path).extract('config.json', folder)\n"
            "    with open(_os.path.join(folder, 'config.json'), encoding='utf-8') as handle:\n"
            "        return json.load(handle)",
        ],
        explanation="A .keras file is a zip archive, so zipfile opens it without Keras; its member config.json is "
                    "JSON text, and json.loads turns it into a dict. That dict is the whole description of the "
                    "model: its class, its name and the 'config' part with every layer and how they connect, plus "
                    "the compile settings.",
    ),
    Hidden(
        "fn03_fix_save_path",
        wrong_answers=[
            (SAVE_DEF + "    path = os.path.join(folder, 'checkpoint.h5')\n    model.save(path)\n    return path",
             "legacy HDF5"),
            (SAVE_DEF + "    path = os.path.join(folder, 'checkpoint.weights.h5')\n    model.save_weights(path)\n"
             "    return path", "only the weights"),
            (SAVE_DEF + "    return os.path.join(folder, 'checkpoint.keras')", "no file"),
            (SAVE_DEF + "    path = os.path.join(folder, 'checkpoint.keras')\n    model.save(path + '.keras')\n"
             "    return path", "no file"),
            (SAVE_DEF + "    path = os.path.join(folder, 'checkpoint.keras')\n"
             "    keras.models.clone_model(model).save(path)\n    return path", "another model was saved"),
            (SAVE_DEF + "    path = os.path.join(tempfile.mkdtemp(), 'checkpoint.keras')\n    model.save(path)\n"
             "    return path", "not in the folder"),
            (SAVE_DEF + "    model.save(os.path.join(folder, 'checkpoint.keras'))\n    return folder", "returned is a folder"),
            (SAVE_DEF + "    path = os.path.join(folder, 'checkpoint.keras')\n    model.compile(optimizer='adam', "
             "loss='mse')\n    model.save(path)\n    return path", "changed the model"),
            (SAVE_DEF + "    path = os.path.join(folder, 'checkpoint.keras')\n    model.save(path)\n"
             "    return keras.models.load_model(path)", "return the path"),
        ],
        other_solutions=[
            SAVE_DEF + "    path = os.path.join(folder, 'model.keras')\n    keras.saving.save_model(model, path)\n"
            "    return path",
            "import pathlib\n\ndef save_checkpoint(model, folder):\n    target = pathlib.Path(folder) / 'checkpoint.keras'\n"
            "    model.save(target, overwrite=True)\n    return target",
            "def save_checkpoint(m, where):\n    path = where + os.sep + 'ckpt.keras'\n    m.save(filepath=path)\n"
            "    return path",
        ],
        explanation="Keras 3 picks the file format from the name's suffix and refuses a name without one rather "
                    "than guess. Ending the name in .keras selects Keras' own format: one zip archive with the "
                    "architecture (config.json), the weights and the optimizer's state (model.weights.h5) and "
                    "metadata.json, which load_model reads back whole. '.h5' would also save, but in the legacy "
                    "HDF5 format the task does not ask for. The function returns the path it saved to, so the "
                    "caller can load exactly that file.",
    ),
    Hidden(
        "fn03_read_archive",
        expected=["a", "c", "b"],
        checks=[c.equals_expected("the answers are not right yet")],
        wrong_answers=[
            ("archive_answers = ('c', 'c', 'b')", "weight values"),
            ("archive_answers = ('a', 'a', 'b')", "not the values of its variables"),
            ("archive_answers = ('a', 'c', 'a')", "architecture and the compile settings"),
            ("archive_answers = ('a', 'b', 'b')", "question 2"),
            ("archive_answers = ('config.json', 'model.weights.h5', 'metadata.json')", "one of the letters"),
            ("archive_answers = 'acb'", "tuple of 3 letters"),
        ],
        other_solutions=[
            "archive_answers = ['a', 'c', 'b']",
            "archive_answers = ('A', 'C', 'B')",
            "archive_answers = tuple('acb')",
        ],
        explanation="config.json is the model described as text: every layer with its settings and connections, "
                    "plus the compile settings (the optimizer's class and learning rate, not its variables). "
                    "model.weights.h5 stores arrays of numbers: the layers' weights and the optimizer's "
                    "variables, its state. metadata.json says which Keras version saved the file, and when.",
    ),
]
