"""Hidden part of chapter B3 (instructor only: never released, never in the student's package)."""
from kitlib.exercises.hidden import Hidden

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
    ),
]
