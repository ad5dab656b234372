"""The exercises of part 1, "The Sequential model", checked at the Python level.

For every exercise in ``kitlib.exercises.sequential_model``:

- the instructor's answer cell (the solution in the notebook itself) passes, visible and hidden checks,
  without writing to stderr;
- the student version's untouched placeholder is "not attempted" and scores nothing;
- each planted wrong answer fails, with its feedback fragment.
- the prepared answer (a probe record for function and class answers) is exportable and passes the
  trusted re-check on the decoded copy; a planted wrong answer's record fails it there too.

The answers run in a namespace prepared by executing the notebook's own set-up cells (picked by a
marker string below), so the tests use exactly the code the student sees, not a copy of it.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from exercise_helpers import assert_wrong_records_fail_recheck, recheck as recheck_copy

from kitlib.exercises import ExerciseNotPassed, grade
from kitlib.exercises.sequential_model import EXERCISES

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "course" / "source" / "sequential_model"
SOLUTION = re.compile(r"### BEGIN SOLUTION.*?### END SOLUTION", re.S)
GRADE_CALL = re.compile(r'grade\("(?P<id>\w+)", (?P<var>\w+)\)')

IMPORTS = "import numpy"  # the imports cell of every chapter
# exercise-id prefix -> (notebook, markers of the set-up cells the answers need, in notebook order)
CONTEXT = {
    "seq01": ("01_when_to_use.ipynb", [IMPORTS]),
    "seq02": ("02_creating_a_model.ipynb", [IMPORTS, "def make_draft"]),
    "seq03": ("03_input_shape.ipynb", [IMPORTS]),
    "seq04": ("04_debugging_workflow.ipynb", [IMPORTS, "def conv_out"]),
    "seq05": ("05_once_you_have_a_model.ipynb",
              [IMPORTS, "load_mnist", "def make_digit_model", "trained.compile", "trained.fit(",
               "scores = trained.predict", "save_dir ="]),
    "seq06": ("06_feature_extraction.ipynb", [IMPORTS, "digit_model = keras.Sequential"]),
    "seq07": ("07_transfer_learning.ipynb", [IMPORTS, "def make_mlp", "donor.load_weights"]),
}
# Answers of these exercises change objects of the context (they freeze donor's layers): fresh context each.
MUTATING = {"seq07_new_head"}


@pytest.fixture(scope="module", autouse=True)
def quiet_keras():
    import kitlib

    kitlib.setup(quiet=True)


def _notebook(name):
    return nbformat.read(SOURCE / name, as_version=4)


def _cells(exercise_id):
    """(answer source, variable name, set-up sources) of one exercise, read from its notebook."""
    name, markers = CONTEXT[exercise_id[:5]]
    nb = _notebook(name)
    answer = test = None
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == f"{exercise_id}_answer":
            answer = cell.source
        elif grade_id == f"{exercise_id}_test":
            test = cell.source
    assert answer and test, f"{exercise_id}: no answer or grade cell in {name}"
    match = GRADE_CALL.search(test)
    assert match and match["id"] == exercise_id
    setup = []
    for marker in markers:
        found = [c.source for c in nb.cells if c.cell_type == "code" and marker in c.source
                 and "nbgrader" not in c.metadata]
        assert found, f"{name}: no set-up cell containing {marker!r}"
        setup.append(found[0])
    return answer, match["var"], setup


_CONTEXTS: dict[str, dict] = {}


def _context(exercise_id, setup, fresh=False):
    key = exercise_id[:5]
    if fresh or key not in _CONTEXTS:
        namespace: dict = {}
        for source in setup:
            exec(compile(source, f"<{key} set-up>", "exec"), namespace)
        if fresh:
            return namespace
        _CONTEXTS[key] = namespace
    return dict(_CONTEXTS[key])


def _run(code, var, namespace):
    exec(compile(code, "<answer cell>", "exec"), namespace)
    return namespace[var]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_reference_answer_passes_quietly(exercise, capfd):
    answer, var, setup = _cells(exercise.id)
    namespace = _context(exercise.id, setup, fresh=exercise.id in MUTATING)
    value = _run(answer, var, namespace)
    capfd.readouterr()
    feedback = exercise.evaluate(value, hidden=True)
    assert feedback.passed, str(feedback)
    grade(exercise.id, value)
    grade(exercise.id, value, hidden=True)
    assert capfd.readouterr().err == "", "grading a correct answer wrote to stderr"


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_placeholder_is_not_attempted(exercise):
    answer, var, setup = _cells(exercise.id)
    student = SOLUTION.sub("# YOUR CODE HERE", answer)
    assert "### BEGIN SOLUTION" not in student
    value = _run(student, var, {})  # the placeholder needs nothing from the notebook
    feedback = exercise.evaluate(value, hidden=True)
    assert not feedback.attempted and not feedback.passed
    assert "not attempted yet" in str(feedback)
    with pytest.raises(ExerciseNotPassed):
        grade(exercise.id, value)


@pytest.mark.parametrize(
    "exercise, code, fragment",
    [(e, code, fragment) for e in EXERCISES for code, fragment in e.wrong_answers],
    ids=[f"{e.id}-{i}" for e in EXERCISES for i, _ in enumerate(e.wrong_answers)],
)
def test_planted_wrong_answer_fails(exercise, code, fragment):
    answer, var, setup = _cells(exercise.id)
    student = SOLUTION.sub("# YOUR CODE HERE", answer).replace("# YOUR CODE HERE", code)
    namespace = _context(exercise.id, setup, fresh=exercise.id in MUTATING)
    value = _run(student, var, namespace)
    feedback = exercise.evaluate(value, hidden=True)
    assert feedback.attempted and not feedback.passed, f"wrong answer passed:\n{code}"
    assert fragment in str(feedback), f"expected {fragment!r} in:\n{feedback}"
    with pytest.raises(ExerciseNotPassed):
        grade(exercise.id, value, hidden=True)


def test_every_exercise_plants_a_wrong_answer_and_notebooks_match():
    assert len(EXERCISES) >= 14
    per_chapter = {}
    for exercise in EXERCISES:
        assert exercise.wrong_answers, exercise.id
        per_chapter.setdefault(exercise.id[:5], []).append(exercise.id)
    assert sorted(per_chapter) == [f"seq0{i}" for i in range(1, 8)]
    assert all(len(ids) >= 2 for ids in per_chapter.values()), per_chapter
    for notebook, _ in CONTEXT.values():
        assert (SOURCE / notebook).exists(), notebook


def test_checks_accept_other_correct_solutions():
    """Answers that differ from the reference but are right must pass too."""
    import keras
    import numpy as np
    from keras import layers

    from kitlib.exercises import get

    assert get("seq01_which_need_functional").evaluate("b, c, E, f").passed
    assert get("seq01_which_need_functional").evaluate(["b", "c", "e", "f"]).passed
    assert get("seq04_predict_shape").evaluate((15, 15, 32)).passed
    assert get("seq04_predict_shape").evaluate([None, 15, 15, 32]).passed
    assert get("seq03_weight_shapes").evaluate([[7, 5], [5], [5, 1], [1]]).passed

    def recursive_chain(model, x, i=0):
        return x if i == len(model.layers) else recursive_chain(model, model.layers[i](x), i + 1)

    assert get("seq01_chain_layers").evaluate(recursive_chain).passed

    # built by calling on data, or with build(): still built, 20 features
    late = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1)])
    late(np.ones((2, 20), "float32"))
    assert get("seq03_built_from_start").evaluate(late, hidden=True).passed
    late = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1)])
    late.build((None, 20))
    assert get("seq03_built_from_start").evaluate(late, hidden=True).passed

    # another repair: padding="same" on the first convolution instead of the second
    repaired = keras.Sequential([
        keras.Input(shape=(32, 32, 3)), layers.Conv2D(16, 5, strides=2, padding="same", activation="relu"),
        layers.MaxPooling2D(3), layers.Conv2D(32, 5, activation="relu"), layers.GlobalMaxPooling2D(),
        layers.Dense(10)])
    assert get("seq04_repair").evaluate(repaired, hidden=True).passed

    # compile with a different optimizer and an explicit accuracy metric object
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(64, activation="relu"), layers.Dense(10)])
    model.compile(optimizer=keras.optimizers.SGD(), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    assert get("seq05_compile").evaluate(model, hidden=True).passed

    # the head built from scratch with the name of the activation as a function
    head = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(64, activation="relu"),
                             layers.Dense(64, activation=keras.activations.relu),
                             layers.Dense(10, activation=keras.activations.softmax)])
    assert get("seq02_new_head").evaluate(head, hidden=True).passed


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_reference_answer_survives_the_trusted_recheck(exercise, tmp_path):
    """``kit grade`` exports each graded answer as prepare() made it (as grade() does) and re-runs the
    checks on the copy in a fresh process: every reference answer must be exportable and pass there."""
    answer, var, setup = _cells(exercise.id)
    namespace = _context(exercise.id, setup, fresh=exercise.id in MUTATING)
    feedback, subject = exercise._evaluate(_run(answer, var, namespace), hidden=True)
    assert feedback.passed, str(feedback)
    recheck = recheck_copy(exercise, subject, tmp_path)
    assert recheck.passed, f"trusted re-check: {recheck}"


@pytest.mark.parametrize("exercise_id", ["seq01_which_need_functional", "seq01_chain_layers"])
def test_wrong_answers_records_fail_the_trusted_recheck(exercise_id, tmp_path):
    """The judge works on the exported record alone: a wrong answer's record fails there too, with the
    same message (a wrong answer that prepare() already refuses leaves no record)."""
    from kitlib.exercises import get

    answer, var, setup = _cells(exercise_id)

    def answer_for(code):
        student = SOLUTION.sub("# YOUR CODE HERE", answer).replace("# YOUR CODE HERE", code)
        return _run(student, var, _context(exercise_id, setup))

    assert_wrong_records_fail_recheck(get(exercise_id), answer_for, tmp_path)
