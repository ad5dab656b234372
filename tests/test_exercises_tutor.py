"""Getting unstuck (issue 20): hints in stages, worked solutions in self-study courses only and only after
an attempt, the hint line under feedback in the student's own session, honest messages ("the first thing
to fix", `model = model.compile(...)`, errors of the student's own layers). No TensorFlow except the last test.
"""
from __future__ import annotations

import json

import pytest

from kitlib.exercises import core, session, tutor
from kitlib.exercises.core import Exercise, expect

HINTS = ("Look at the cell above the task: it prints what you need.",
         "Count the units of each layer.",
         "model.weights lists a kernel, then a bias, per layer.")


def _is_five(answer):
    expect(isinstance(answer, int), "your answer should be a whole number", got=type(answer).__name__)
    expect(answer == 5, "the sum", 5, answer)


def _two_layers_compiled(model):
    expect(hasattr(model, "layers"), "your answer should be a model", "a model", type(model).__name__)
    expect(len(model.layers) == 2, "number of layers", 2, len(model.layers))
    expect(model.compiled, "the model should be compiled", hint="Call compile().")


@pytest.fixture
def course(exercise_registry):
    """The shared empty registry with three demo exercises; adds more like ``course(Exercise(...))``."""
    exercise_registry(
        Exercise("demo_sum", title="Add two numbers", points=1, checks=[_is_five], variable="total", hints=HINTS,
                 activity="predict"),
        Exercise("demo_model", title="Two layers, compiled", points=2, checks=[_two_layers_compiled], kind="model",
                 variable="model", hints=HINTS[:2]),
        Exercise("demo_bare", title="No hints here", points=1, checks=[_is_five], variable="bare"))
    return exercise_registry


def test_hints_come_in_stages_then_say_there_are_no_more(course, capsys):
    first = tutor.next_hint("demo_sum")
    assert first.heading == "Hint 1 of 3 · Add two numbers" and first.paragraphs[0] == HINTS[0]
    assert tutor.hints_used("demo_sum") == 1
    second, third = tutor.next_hint("demo_sum"), tutor.next_hint("demo_sum")
    assert second.paragraphs[0] == HINTS[1] and third.kind == "last hint" and third.paragraphs[0] == HINTS[2]
    more = tutor.next_hint("demo_sum")
    assert more.kind == "no more hints" and "seen all 3" in more.heading
    assert all(h in str(more) for h in HINTS)  # all of them again
    assert tutor.hints_used("demo_sum") == 3
    assert tutor.next_hint("demo_bare").kind == "no hints"
    from kitlib.exercises import hint

    hint("demo_model")  # headless: printed
    assert "Hint 1 of 2 · Two layers, compiled" in capsys.readouterr().out


def test_an_unknown_id_lists_the_closest(course):
    note = tutor.next_hint("demo_summ")
    assert note.kind == "unknown" and "'demo_sum'" in str(note)
    assert tutor.worked_solution("demo_modle").kind == "unknown"
    assert "There is no exercise '42'" in str(tutor.next_hint(42))


def test_failed_and_unattempted_feedback_ends_with_the_hint_line_in_the_students_session_only(course, monkeypatch,
                                                                                               capsys):
    feedback = core.check("demo_sum", None)
    assert str(feedback).splitlines()[-1].strip() == 'Stuck? Run hint("demo_sum") for a hint (3 in stages).'
    tutor.next_hint("demo_sum")
    feedback = core.check("demo_sum", 4)
    assert 'hint("demo_sum") for the next hint (2 of 3)' in str(feedback)
    assert "kit-tip" in feedback._repr_html_() and "Stuck?" not in json.dumps(feedback.to_json())
    assert "hint(" not in str(core.check("demo_sum", 5))  # passed: no line
    assert "hint(" not in str(core.check("demo_bare", 4))  # no hints: no line
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(core.ExerciseNotPassed) as raised:
        core.grade("demo_sum", 4)
    assert "hint(" not in str(raised.value) and "hint(" not in "".join(raised.value._render_traceback_())


def test_one_problem_is_the_first_thing_to_fix_never_a_count(course):
    feedback = core.check("demo_sum", "four")  # two mistakes (type and value): the check stops at the first
    head = str(feedback).splitlines()[0]
    assert "first thing to fix" in head and "1 thing" not in head and "(1" not in head
    from kitlib.grading.messages import parse_feedback_text

    feedback.tip = ""  # as under nbgrader, where the teacher's report reads it back
    assert parse_feedback_text(str(feedback)).problems == [feedback.problems[0].text()]
    assert parse_feedback_text(" ".join(str(feedback).splitlines())).problems == [feedback.problems[0].text()]


def test_a_solution_is_locked_before_an_attempt_and_shown_after_in_self_study(course, tmp_path, monkeypatch):
    assert tutor.worked_solution("demo_sum", tmp_path).kind == "unavailable"  # graded: no file
    (tmp_path / tutor.SOLUTIONS_FILE).write_text(json.dumps({
        "format": tutor.SOLUTIONS_FORMAT, "assignment": "demo",
        "exercises": {"demo_sum": {"title": "Add two numbers", "solution": "total = 2 + 3",
                                   "explanation": "The + operator adds."}}}), encoding="utf-8")
    locked = tutor.worked_solution("demo_sum", tmp_path)
    assert locked.kind == "locked" and "2 + 3" not in str(locked)
    core.check("demo_sum", None)  # not attempted: still locked
    assert tutor.worked_solution("demo_sum", tmp_path).kind == "locked"
    core.check("demo_sum", 4)  # a wrong attempt unlocks it
    shown = tutor.worked_solution("demo_sum", tmp_path)
    assert shown.kind == "solution" and shown.code == "total = 2 + 3" and "The + operator adds." in str(shown)
    assert tutor.worked_solution("demo_model", tmp_path).kind == "unavailable"  # not in this release
    monkeypatch.chdir(tmp_path)  # the kernel's folder is the notebook's
    assert tutor.worked_solution("demo_sum").kind == "solution"


def test_the_hints_used_are_recorded_with_the_answer_for_kit_grade(course, tmp_path, monkeypatch):
    from kitlib.exercises import answers

    tutor.next_hint("demo_sum")
    tutor.next_hint("demo_sum")
    monkeypatch.setenv("KIT_ANSWER_DIR", str(tmp_path))
    core.grade("demo_sum", 5)
    assert answers.read_meta(tmp_path, "demo_sum")["hints"] == 2


class FakeModel:
    """Stands in for a Keras model: compile()/add()/summary() return None, fit() a History."""

    def __init__(self):
        self.layers, self.compiled = [], False

    def add(self, layer):
        self.layers.append(layer)

    def compile(self, **kwargs):
        self.compiled = True

    def summary(self):
        print("summary")

    def fit(self, *args, **kwargs):
        return History()


class History:
    pass


@pytest.fixture
def shell(course):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    session.install(shell)
    shell.user_ns["FakeModel"] = FakeModel
    shell.run_cell("from kitlib.exercises import core as kit_core")
    yield shell


def test_a_method_returning_none_is_named_not_called_not_attempted(shell):
    shell.run_cell("model = FakeModel()\nmodel.add(1)\nmodel.add(2)")
    shell.run_cell("model = model.compile(loss='mse')")
    feedback = shell.run_cell("kit_core.check('demo_model', model)").result
    assert feedback.attempted and not feedback.passed and "not attempted" not in str(feedback)
    text = feedback.problems[0].text()
    assert "`model.compile(...)` returns None, so `model` is None, not your FakeModel" in text
    assert "on its own line, without `model =`" in text
    shell.run_cell("model = FakeModel()\nmodel = model.add(1)")  # made in the same cell: its type is not named
    text = str(shell.run_cell("kit_core.check('demo_model', model)").result)
    assert "`model.add(...)` returns None, so `model` is None: call `model.add(...)` on its own line" in text
    shell.run_cell("m = FakeModel()\ntotal = m.summary()")
    text = str(shell.run_cell("kit_core.check('demo_sum', total)").result)
    assert "`m.summary(...)` returns None, so `total` is None: call `m.summary(...)` on its own line and give " \
           "`total` the value the task asks for" in text
    shell.run_cell("model = None  # your model")  # the placeholder again: not attempted, no slip
    assert not shell.run_cell("kit_core.check('demo_model', model)").result.attempted


def test_fit_returns_a_history_and_the_message_says_so(shell):
    shell.run_cell("model = FakeModel()\nmodel.add(1)\nmodel.add(2)\nmodel.compile()")
    shell.run_cell("model = model.fit([1], [2])")
    feedback = shell.run_cell("kit_core.check('demo_model', model)").result
    assert feedback.problems[0].text().startswith(
        "`model.fit(...)` returns a History, not the FakeModel it is called on, so `model` now holds that History")
    shell.run_cell("model = FakeModel()\nmodel.add(1)\nmodel.add(2)\nmodel.compile()\nhistory = model.fit([1], [2])")
    assert shell.run_cell("kit_core.check('demo_model', model)").result.passed  # History kept apart: fine
    shell.run_cell("total = [4, 5]")
    shell.run_cell("total = total.pop()")  # a conversion on purpose, in an exercise whose answer is no model
    assert shell.run_cell("kit_core.check('demo_sum', total)").result.passed


def test_an_error_inside_the_students_own_layer_is_told_by_its_cause():
    """A custom layer that raises inside call(): Keras wraps it ("Exception encountered when calling
    Scale.call()"); the problem names the cause, the student's line, and no generated layer name."""
    import keras

    class Scale(keras.layers.Layer):
        def call(self, x):
            return x * self.factor  # the student forgot to set self.factor

    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(4)(inputs)
    try:
        keras.Model(inputs, Scale()(hidden))
    except Exception as error:  # noqa: BLE001 - the error Keras raises is what is tested
        wrapped = error
    assert "Exception encountered when calling" in str(wrapped)
    problem = core.blame(core.StudentError(wrapped, "your model"))
    text = problem.text()
    assert text.startswith("your model raised AttributeError inside Scale.call(): ")
    assert "has no attribute 'factor'" in text and "x * self.factor" in text
    assert "Exception encountered" not in text and "Arguments received" not in text and "dense_" not in text
    assert "Traceback" not in text and "\x1b" not in text
    stale = core.error_summary(ValueError("Input 0 of layer \"dense_7\" is incompatible with the layer"))
    assert stale == "ValueError: Input 0 of a Dense layer is incompatible with the layer"


def test_compile_and_fit_slips_on_a_course_exercise_whose_check_knows_nothing_of_them(monkeypatch):
    """seq05_compile's checks were written for models: the kernel hook names the slip instead."""
    from IPython.core.interactiveshell import InteractiveShell

    for name in ("NBGRADER_EXECUTION", "KIT_ANSWER_DIR"):
        monkeypatch.delenv(name, raising=False)
    session.reset()
    shell = InteractiveShell.instance()
    session.install(shell)
    shell.run_cell("import numpy as np, keras\nfrom kitlib.exercises import check\n"
                   "model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])")
    shell.run_cell("model = model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', "
                   "metrics=['accuracy'])")
    feedback = shell.run_cell("check('seq05_compile', model)").result
    assert feedback.attempted and "not attempted" not in str(feedback)
    assert "`model.compile(...)` returns None, so `model` is None, not your Sequential: call `model.compile(...)` " \
           "on its own line, without `model =`" in feedback.problems[0].text()
    shell.run_cell("model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])\n"
                   "model.compile(optimizer='adam', loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),"
                   " metrics=['accuracy'])")
    shell.run_cell("model = model.fit(np.zeros((4, 784)), np.zeros(4), verbose=0)")
    feedback = shell.run_cell("check('seq05_compile', model)").result
    assert feedback.problems[0].text().startswith("`model.fit(...)` returns a History, not the Sequential it is "
                                                  "called on, so `model` now holds that History")
    session.reset()


def test_the_course_map_names_each_exercises_activity(course, tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from kitlib.lab import activity_label, progress_lines
    from kitlib.verdicts import FEEDBACK_MIME

    cells = []
    for number, (eid, title) in enumerate((("demo_sum", "Add two numbers"), ("demo_model", "Two layers, compiled")), 1):
        grade = new_code_cell(f'grade("{eid}", x)', outputs=[new_output(
            "display_data", data={"text/plain": "✔", FEEDBACK_MIME: {"exercise": eid, "title": title,
                                                                     "status": "passed", "problems": []}})])
        grade.metadata["nbgrader"] = {"grade_id": f"{eid}_test", "grade": True, "points": 1}
        cells += [new_markdown_cell(f"## Exercise {number} · {title}"), grade]
    path = tmp_path / "chapter.ipynb"
    nbformat.write(new_notebook(cells=cells), str(path))
    lines, passed, total = progress_lines(path)
    assert lines[0] == "  - ✔ Exercise 1 · Add two numbers (predict it) — *passed*"
    assert lines[1] == "  - ✔ Exercise 2 · Two layers, compiled — *passed*"  # no activity declared: none said
    assert activity_label("no_such_exercise") == ""


def test_the_hint_button_is_a_view_of_the_same_stages(course):
    box = tutor.hint_button("demo_model")
    button = box.children[0]
    button.click()
    assert tutor.hints_used("demo_model") == 1 and button.description == "Next hint"
    button.click()
    assert tutor.hints_used("demo_model") == 2 and button.disabled and button.description == "No more hints"
    tutor.next_hint("demo_model")  # the function and the button share the state: no more after the button's two
    assert tutor.next_hint("demo_model").kind == "no more hints"
    assert "There is no exercise" in tutor.hint_button("nope").value


# --------------------------------------------------------------------------- given objects left as they were

class Steps:
    def __init__(self):
        self.value = 0

    def numpy(self):
        return self.value


class Optimizer:
    def __init__(self):
        self.iterations = Steps()


class Layer:
    def __init__(self, weights):
        self.trainable, self.w = True, weights


class GivenModel:
    """A stand-in for a trained Keras model: weights, layers with trainable flags, an optimizer's step counter."""

    def __init__(self):
        import numpy as np

        self.layers = [Layer(np.ones(3)), Layer(np.zeros(2))]
        self.trainable, self.compiled, self.optimizer = True, True, Optimizer()

    def get_weights(self):
        return [layer.w for layer in self.layers]

    def fit(self, steps=1):
        self.optimizer.iterations.value += steps
        self.layers[0].w = self.layers[0].w + 1

    def compile(self):
        self.optimizer = Optimizer()


@pytest.fixture
def keeping(course, shell):
    def _new_model(model):
        expect(hasattr(model, "layers"), "your answer should be a model")

    course(Exercise("demo_keep", title="A new model beside base", points=1, variable="model", kind="model",
                    checks=[_new_model], keep_given=("base",), new_object=True))
    shell.user_ns["GivenModel"] = GivenModel
    shell.run_cell("base = GivenModel()")  # the notebook's cell that makes the given object
    yield shell


@pytest.mark.parametrize("answer, message", [
    ("base.fit(steps=3)\nmodel = GivenModel()", "the given `base` was trained again (its optimizer took 3 more steps)"),
    ("base.compile()\nmodel = GivenModel()", "the given `base` was compiled again"),
    ("for layer in base.layers:\n    layer.trainable = False\nmodel = GivenModel()",
     "layers of the given `base` were frozen (their trainable flags changed)"),
    ("base.layers[1].w = base.layers[1].w + 5\nmodel = GivenModel()", "the weights of the given `base` changed"),
    ("base = GivenModel()\nmodel = GivenModel()", "`base` now names another object than the one the notebook gave"),
    ("model = base", "`model` is the given `base` itself, not a new object"),
])
def test_a_given_object_changed_or_reused_is_named(keeping, answer, message):
    keeping.run_cell(answer)
    feedback = keeping.run_cell("kit_core.check('demo_keep', model)").result
    assert not feedback.passed and message in feedback.problems[0].text(), feedback
    keeping.run_cell(answer)  # the answer cell run again: still compared with the state before its first run
    again = keeping.run_cell("kit_core.check('demo_keep', model)").result.problems[0].text()
    assert message.replace("3 more", "6 more") in again


def test_a_failed_answer_cell_that_changed_a_given_object_names_the_change_first(keeping):
    """base compiled again, then the cell raised (fit() with the new loss): the change is the mistake, the error
    its consequence; both are said, the change first."""
    keeping.run_cell("model = None")   # the placeholder
    keeping.run_cell("base.compile()\nmodel = undefined_name")
    feedback = keeping.run_cell("kit_core.check('demo_keep', model)").result
    texts = [problem.text() for problem in feedback.problems]
    assert not feedback.passed and "the given `base` was compiled again" in texts[0], texts
    assert "raised NameError" in texts[1], texts
    keeping.run_cell("model = undefined_name")   # another answer cell, failing, that left base alone: the error only
    texts = [problem.text() for problem in keeping.run_cell("kit_core.check('demo_keep', model)").result.problems]
    assert len(texts) == 1 and "raised NameError" in texts[0], texts


def _recorded_keep(course):
    """demo_keep with a plain record (the re-check reads records, not the notebook's objects)."""
    def _new_model(record):
        expect(record["layers"] == 2, "your model should have two layers")

    course(Exercise("demo_keep_rec", title="A new model beside base", points=1, variable="model", kind="model",
                    prepare=lambda model: {"layers": len(model.layers)}, checks=[_new_model],
                    keep_given=("base",), new_object=True))


@pytest.mark.parametrize("answer, message", [
    ("base.fit(steps=3)\nmodel = GivenModel()", "the given `base` was trained again (its optimizer took 3 more steps)"),
    ("for layer in base.layers:\n    layer.trainable = False\nmodel = GivenModel()", "were frozen"),
    ("base = GivenModel()\nmodel = GivenModel()", "`base` now names another object than the one the notebook gave"),
    ("model = base", "`model` is the given `base` itself, not a new object"),
    ("model = GivenModel()", None),
])
def test_the_trusted_recheck_finds_the_given_object_problem_the_grade_cell_found(course, keeping, monkeypatch,
                                                                                 tmp_path, answer, message):
    """Parity: the grade cell records what it saw of the given objects (given_state.observed) and the re-check
    judges it with the same function, so the teacher's report names the same mistake; a record stays
    untrusted: a forged "unchanged" gives what a record without the data gives, and a claim can only fail."""
    import json

    from kitlib.exercises import trusted

    _recorded_keep(course)
    monkeypatch.setenv("KIT_ANSWER_DIR", str(tmp_path))
    keeping.run_cell(answer)
    feedback = keeping.run_cell("kit_core.check('demo_keep_rec', model)").result
    keeping.run_cell("kit_core.grade('demo_keep_rec', model)")
    verdict = trusted.recheck(tmp_path, ["demo_keep_rec"])["demo_keep_rec"]
    if message is None:
        assert feedback.passed and verdict["status"] == "passed", verdict
        return
    assert not feedback.passed and message in feedback.problems[0].text()
    assert verdict["status"] == "failed" and message in verdict["message"], verdict
    assert verdict["message"].removeprefix("re-check disagreed: ") == feedback.problems[0].what

    meta_path = tmp_path / "demo_keep_rec.json"
    meta = json.loads(meta_path.read_text())
    seen = meta["kit"]["given"]
    for pair in seen["kept"].values():
        pair["after"] = pair["before"]  # forged: "nothing changed"
    seen["answer"] = None
    meta_path.write_text(json.dumps(meta))
    forged = trusted.recheck(tmp_path, ["demo_keep_rec"])["demo_keep_rec"]
    del meta["kit"]["given"]
    meta_path.write_text(json.dumps(meta))
    assert forged == trusted.recheck(tmp_path, ["demo_keep_rec"])["demo_keep_rec"]  # no more trust than no data
    meta["kit"]["given"] = {"answer": "x", "ids": [1], "kept": {"base": {"before": 3, "after": None}}}
    meta_path.write_text(json.dumps(meta))
    assert trusted.recheck(tmp_path, ["demo_keep_rec"])["demo_keep_rec"] == forged  # malformed: no finding


def test_a_given_object_left_alone_passes_and_the_notebooks_own_cells_start_afresh(keeping):
    keeping.run_cell("model = GivenModel()\nmodel.fit()")
    assert keeping.run_cell("kit_core.check('demo_keep', model)").result.passed
    keeping.run_cell("base = GivenModel()\nbase.fit()")  # the notebook's cell again (no answer cell): a new start
    keeping.run_cell("model = GivenModel()")
    assert keeping.run_cell("kit_core.check('demo_keep', model)").result.passed


def test_the_answer_cell_is_the_last_cell_that_assigns_the_variable(keeping):
    """A demo cell above that assigns `model`, then the notebook's own training of `base`: not the student's
    doing. The answer cell edited and run again (same Jupyter cell id) keeps its first snapshot."""
    keeping.run_cell("model = GivenModel()  # a demo cell of the chapter", cell_id="demo")
    keeping.run_cell("base.fit()  # the notebook trains base before the exercise", cell_id="train")
    keeping.run_cell("model = GivenModel()", cell_id="answer")
    assert keeping.run_cell("kit_core.check('demo_keep', model)").result.passed
    keeping.run_cell("base.compile()\nmodel = GivenModel()", cell_id="answer")  # edited, run again
    keeping.run_cell("model = GivenModel()", cell_id="answer")  # the mistake undone in the text only
    assert "compiled again" in str(keeping.run_cell("kit_core.check('demo_keep', model)").result)


def test_a_real_keras_model_trained_again_is_named(course):
    """The fingerprint reads a real Keras model (weights, trainable flags, optimizer steps) without the kit
    importing Keras itself."""
    import keras
    import numpy as np

    from kitlib.exercises.given_state import changes, fingerprint

    base = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    base.compile(optimizer="sgd", loss="mse")
    base.fit(np.zeros((4, 3)), np.zeros((4, 2)), verbose=0)
    before = fingerprint(base)
    assert before["steps"] == 1 and before["compiled"] and before["trainable"] == [True, True]
    assert changes("base", before, fingerprint(base)) == []
    base.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0, epochs=2)
    assert changes("base", before, fingerprint(base))[0].startswith(
        "the given `base` was trained again (its optimizer took 2 more steps)")
    base.layers[0].trainable = False
    after = fingerprint(base)
    base.layers[0].trainable = True
    assert "were unfrozen" in changes("base", after, fingerprint(base))[0]
    base.compile(optimizer="adam", loss="mse")
    assert "compiled again" in changes("base", after, fingerprint(base))[0]
