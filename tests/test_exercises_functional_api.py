"""The exercises of part 2, "The Functional API", checked at the Python level.

For every exercise in ``kitlib.exercises.functional_api``:

- the instructor's answer cell (taken from the chapter notebook, so the notebook
  and these tests cannot drift apart) passes the visible and hidden checks;
- the student version of that cell (solution region replaced by the stub) is
  "not attempted";
- every planted wrong answer fails, with its message fragment in the feedback.
- the prepared answer (a probe record for function and class answers) is exportable and passes the
  trusted re-check on the decoded copy; a planted wrong answer's record fails it there too.

Each answer cell runs after a small *context*: the names the notebook defines
before the exercise (a compiled model, data, VGG19), rebuilt here cheaply.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from exercise_helpers import assert_wrong_records_fail_recheck, recheck as recheck_copy

from kitlib.exercises.functional_api import EXERCISES

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "course" / "source" / "functional_api"
SOLUTION = re.compile(r"### BEGIN SOLUTION.*?### END SOLUTION", re.S)

BASE = "import json, zipfile\nimport numpy as np\nimport keras\nfrom keras import layers\n"

MNIST_MODEL = '''
def make_mnist_model():
    inputs = keras.Input(shape=(784,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    return keras.Model(inputs, layers.Dense(10)(x), name="mnist_model")
'''

TICKET_MODEL = '''
def build_ticket_model(num_words, embed_dim, title_units, body_units):
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(12,), name="tags")
    t = layers.LSTM(title_units)(layers.Embedding(num_words, embed_dim)(title_input))
    b = layers.LSTM(body_units)(layers.Embedding(num_words, embed_dim)(body_input))
    x = layers.concatenate([t, b, tags_input])
    return keras.Model([title_input, body_input, tags_input],
                       {"priority": layers.Dense(1, name="priority")(x),
                        "department": layers.Dense(4, name="department")(x)})
ticket_model = build_ticket_model(100, 4, 4, 4)
'''

CONTEXT = {
    "fn02_compile": MNIST_MODEL + "model_a = make_mnist_model()\n",
    "fn02_fit_validation": MNIST_MODEL + (
        "model_b = make_mnist_model()\n"
        "model_b.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),"
        " optimizer='rmsprop', metrics=['accuracy'])\n"
        "rng = np.random.default_rng(0)\n"
        "x_small = rng.random((2000, 784)).astype('float32')\n"
        "y_small = rng.integers(0, 10, 2000)\n"),
    "fn05_nested_autoencoder": (
        "enc_in = keras.Input(shape=(6,))\n"
        "tiny_encoder = keras.Model(enc_in, layers.Dense(2, activation='relu')(enc_in))\n"
        "dec_in = keras.Input(shape=(2,))\n"
        "tiny_decoder = keras.Model(dec_in, layers.Dense(6)(dec_in))\n"),
    "fn06a_compile_dicts": TICKET_MODEL,
    "fn08_pool_outputs": "vgg19 = VGG19\n",
    "fn08_fc2_embedder": "vgg19 = VGG19\n",
}


def _cells():
    """exercise id -> (answer cell source, answered variable name), from the notebooks."""
    found = {}
    for path in sorted(CHAPTERS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        answers, names = {}, {}
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if grade_id.endswith("_answer"):
                answers[grade_id[:-7]] = cell.source
            elif grade_id.endswith("_test"):
                match = re.search(r'grade\("([a-z0-9_]+)", (\w+)\)', cell.source)
                names[match.group(1)] = match.group(2)
        for exercise_id, source in answers.items():
            found[exercise_id] = (source, names[exercise_id])
    return found


CELLS = _cells()
_VGG19 = {}


def _namespace(exercise_id: str) -> dict:
    namespace: dict = {}
    exec(BASE, namespace)
    context = CONTEXT.get(exercise_id, "")
    if "VGG19" in context:
        if "model" not in _VGG19:
            import keras

            _VGG19["model"] = keras.applications.VGG19(weights=None)
        namespace["VGG19"] = _VGG19["model"]
    exec(context, namespace)
    return namespace


def _run(exercise_id: str, replacement: str | None = None):
    """Run the answer cell (or its student version with ``replacement`` in the stub) and return the answer."""
    import keras

    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    source, name = CELLS[exercise_id]
    if replacement is not None:
        source = SOLUTION.sub(lambda _m: replacement, source)
    namespace = _namespace(exercise_id)
    exec(compile(source, f"<{exercise_id}_answer>", "exec"), namespace)
    return namespace[name]


def test_every_exercise_has_cells_and_wrong_answers():
    ids = [exercise.id for exercise in EXERCISES]
    assert len(ids) == len(set(ids)) == 24
    assert sorted(CELLS) == sorted(ids), "each exercise has exactly one answer cell in the chapters"
    for exercise in EXERCISES:
        assert exercise.id.startswith("fn"), exercise.id
        assert exercise.wrong_answers, exercise.id


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_reference_answer_passes(exercise):
    feedback = exercise.evaluate(_run(exercise.id), hidden=True)
    assert feedback.passed, str(feedback)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_placeholder_is_not_attempted(exercise):
    feedback = exercise.evaluate(_run(exercise.id, "# YOUR CODE HERE"), hidden=True)
    assert feedback.status == "not attempted", str(feedback)
    assert "not attempted yet" in str(feedback)


WRONG = [(exercise, i) for exercise in EXERCISES for i in range(len(exercise.wrong_answers))]


@pytest.mark.parametrize("exercise, index", WRONG, ids=[f"{e.id}-{i}" for e, i in WRONG])
def test_planted_wrong_answer_fails_with_its_message(exercise, index):
    code, fragment = exercise.wrong_answers[index]
    feedback = exercise.evaluate(_run(exercise.id, code), hidden=True)
    assert feedback.attempted and not feedback.passed, f"wrong answer {index} passed:\n{code}"
    assert fragment in str(feedback), f"expected {fragment!r} in the feedback:\n{feedback}"


def test_grading_a_correct_answer_writes_nothing_to_stderr(capfd):
    """nbgrader zeroes a grade cell that writes to stderr: grade() on right answers stays quiet."""
    import kitlib
    from kitlib.exercises import grade

    kitlib.setup(quiet=True)
    for exercise_id in ("fn02_compile", "fn03_round_trip", "fn06a_compile_dicts", "fn09_wrapper_config",
                        "fn11_running_sum"):
        value = _run(exercise_id)
        capfd.readouterr()
        grade(exercise_id, value)
        grade(exercise_id, value, hidden=True)
        assert capfd.readouterr().err == "", f"{exercise_id}: grading wrote to stderr"


ALTERNATIVES = {
    # other correct solutions, written differently from the reference answer
    "fn02_compile": "compiled = model_a\ncompiled.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.01), "
                    "loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), "
                    "metrics=[keras.metrics.SparseCategoricalAccuracy()])",
    "fn03_read_architecture": "def read_architecture(path):\n    return keras.models.load_model(path).get_config()",
    "fn04_decoder_shapes": "shapes = [[None, 7, 7, 8], [None, 14, 14, 8], [None, 18, 18, 4], [None, 36, 54, 4]]",
    "fn05_ensemble": "members = [keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4, activation='relu'), "
                     "layers.Dense(1)]) for _ in range(3)]\ni = keras.Input(shape=(8,))\n"
                     "ensemble3 = keras.Model(i, layers.average([m(i) for m in members]))",
    "fn06a_ticket_heads": "t = keras.Input(shape=(None,), name='title')\ng = keras.Input(shape=(12,), name='tags')\n"
                          "x = layers.concatenate([g, layers.LSTM(8)(layers.Embedding(1000, 16)(t))])\n"
                          "ticket_small = keras.Model([t, g], [layers.Dense(4, name='department')(x), "
                          "layers.Dense(1, name='priority')(x)])",
    "fn06a_compile_dicts": "ticket_model.compile(optimizer='adam', loss=[keras.losses.CategoricalCrossentropy("
                           "from_logits=True), keras.losses.BinaryCrossentropy(from_logits=True)], "
                           "loss_weights=[0.2, 1.0])\nticket_compiled = ticket_model",
    "fn06b_fix_add": "i = keras.Input(shape=(16, 16, 32))\n"
                     "y = layers.Conv2D(64, 3, padding='same', activation='relu')(i)\n"
                     "y = layers.Conv2D(64, 3, padding='same', activation='relu')(y)\n"
                     "fixed_model = keras.Model(i, layers.Add()([y, layers.Conv2D(64, 1)(i)]))",
    "fn10_fresh_copy": "def fresh_copy(model):\n    return keras.Model.from_config(model.get_config())",
    "fn11_running_sum": "class RunningSum(layers.Layer):\n    def call(self, inputs):\n"
                        "        return keras.ops.cumsum(inputs, axis=1)",
}


@pytest.mark.parametrize("exercise_id", sorted(ALTERNATIVES))
def test_checks_accept_other_correct_solutions(exercise_id):
    from kitlib.exercises import get

    feedback = get(exercise_id).evaluate(_run(exercise_id, ALTERNATIVES[exercise_id]), hidden=True)
    assert feedback.passed, str(feedback)


# The fc2 embedder (VGG19 up to fc2, 560 MB of weights) is recorded as architecture only ("keras-config",
# tests/test_grading_answers.py); building it takes about 2 GB, so the course pipeline test re-checks it.
LIGHT = [e for e in EXERCISES if e.id != "fn08_fc2_embedder"]


@pytest.mark.parametrize("exercise", LIGHT, ids=lambda e: e.id)
def test_reference_answer_survives_the_trusted_recheck(exercise, tmp_path):
    """``kit grade`` exports the prepared answer (what prepare() made of it, as grade() does) and re-runs
    the checks on the copy in a fresh process: every reference answer must be exportable and pass there."""
    feedback, subject = exercise._evaluate(_run(exercise.id), hidden=True)
    assert feedback.passed, str(feedback)
    recheck = recheck_copy(exercise, subject, tmp_path)
    assert recheck.passed, f"trusted re-check: {recheck}"


# Exercises whose answer is a function or a class: prepare() probes it and records plain outputs.
PROBED = ["fn03_round_trip", "fn03_read_architecture", "fn09_scale_layer", "fn09_wrapper_config",
          "fn10_fresh_copy", "fn10_repeat_dense", "fn11_running_sum", "fn11_functional_in_layer"]


@pytest.mark.parametrize("exercise_id", PROBED)
def test_wrong_answers_records_fail_the_trusted_recheck(exercise_id, tmp_path):
    """The judge works on the exported record alone: a wrong answer's record fails there too, with the
    same message (a wrong answer the probe already refuses leaves no record: grade() exports passes only)."""
    from kitlib.exercises import get

    assert_wrong_records_fail_recheck(get(exercise_id), lambda code: _run(exercise_id, code), tmp_path)


def test_probe_records_pass_verify_in_a_fresh_process(tmp_path):
    """The judge rebuilds the seeded probe models in another process (``kitlib.grading.verify``, as kit grade
    runs it): the reference records pass there, so nothing in the judge depends on the kernel's state."""
    import json
    import subprocess
    import sys

    from kitlib.exercises import get
    from kitlib.grading.answers import encode

    for exercise_id in PROBED:
        feedback, record = get(exercise_id)._evaluate(_run(exercise_id), hidden=True)
        assert feedback.passed, str(feedback)
        assert encode(record, tmp_path, exercise_id) != "unsupported", exercise_id
    done = subprocess.run([sys.executable, "-m", "kitlib.grading.verify", str(tmp_path), *PROBED],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    verdicts = json.loads(done.stdout.strip().splitlines()[-1])
    assert {i: v["status"] for i, v in verdicts.items()} == {i: "passed" for i in PROBED}, verdicts
