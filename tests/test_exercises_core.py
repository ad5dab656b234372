"""The exercise mechanism: one set of checks for self-check, grade cells and tests."""
from __future__ import annotations

import pytest

from kitlib.exercises import checks as c
from kitlib.exercises.core import (CheckFailed, Exercise, ExerciseNotPassed, Feedback, Problem, Registry,
                                  expect)


def make_sum_exercise():
    def is_five(answer):
        expect(answer == 5, "the sum", 5, answer, hint="2 + 3 is what we want.")

    def is_int(answer):
        expect(isinstance(answer, int), "the type of the sum", "int", type(answer).__name__)

    return Exercise("demo_sum", title="Add two numbers", points=2, checks=[is_five], hidden_checks=[is_int],
                    wrong_answers=[("total = 4", "the sum")])


def test_placeholder_is_not_attempted():
    feedback = make_sum_exercise().evaluate(None)
    assert not feedback.attempted and not feedback.passed
    assert "not attempted yet" in str(feedback)


def test_wrong_answer_reports_expected_got_and_hint():
    feedback = make_sum_exercise().evaluate(4)
    assert feedback.attempted and not feedback.passed
    text = str(feedback)
    assert "the sum: expected 5, got 4" in text and "Hint: 2 + 3" in text


def test_hidden_checks_run_only_when_asked():
    exercise = make_sum_exercise()
    assert exercise.evaluate(5.0).passed  # 5.0 == 5 passes the visible check
    assert not exercise.evaluate(5.0, hidden=True).passed


def test_students_own_exception_becomes_a_problem_not_a_crash():
    def explode(answer):
        raise ValueError("shapes (2,) and (3,) do not match")

    feedback = Exercise("demo_raise", title="T", points=1, checks=[explode]).evaluate(1)
    assert not feedback.passed
    assert "raised ValueError: shapes (2,) and (3,) do not match" in str(feedback)


def test_prepare_runs_once_and_its_failure_is_reported():
    calls = []

    def prepare(answer):
        calls.append(answer)
        return answer()

    exercise = Exercise("demo_prepare", title="T", points=1, prepare=prepare,
                        checks=[lambda v: expect(v == 1, "value", 1, v)] * 3)
    assert exercise.evaluate(lambda: 1).passed
    assert len(calls) == 1
    assert "raised ZeroDivisionError" in str(exercise.evaluate(lambda: 1 / 0))


def test_grade_returns_none_and_raises_friendly_error(monkeypatch, capsys):
    registry = Registry(modules=())
    registry._exercises = {"demo_sum": make_sum_exercise()}
    monkeypatch.setattr("kitlib.exercises.core.REGISTRY", registry)
    from kitlib.exercises.core import grade

    assert grade("demo_sum", 5) is None  # nbgrader would read a number as partial credit
    assert "passed" in capsys.readouterr().out
    with pytest.raises(ExerciseNotPassed) as info:
        grade("demo_sum", 3)
    rendered = "\n".join(info.value._render_traceback_())
    assert "expected 5, got 3" in rendered and "Traceback" not in rendered
    with pytest.raises(ExerciseNotPassed):
        grade("demo_sum", None)
    with pytest.raises(KeyError, match="no exercise 'nope'"):
        grade("nope", 1)


def test_feedback_html_escapes_student_text():
    feedback = Feedback("x", "T", attempted=True, problems=[Problem("<script>", 1, 2)])
    assert "<script>" not in feedback._repr_html_()
    assert "data-status='not yet'" in feedback._repr_html_()


def test_ids_are_validated():
    with pytest.raises(ValueError):
        Exercise("Bad Id", title="T", points=1, checks=[lambda a: None])
    with pytest.raises(ValueError):
        Exercise("no_checks", title="T", points=1, checks=[])


def test_registry_rejects_duplicates(tmp_path, monkeypatch):
    module = tmp_path / "dup_exercises.py"
    module.write_text(
        "from kitlib.exercises.core import Exercise\n"
        "EXERCISES = [Exercise('same', title='a', points=1, checks=[print]),\n"
        "             Exercise('same', title='b', points=1, checks=[print])]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ValueError, match="defined twice"):
        Registry(modules=("dup_exercises",)).all()


def test_keras_checks_compare_numbers_not_names():
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="whatever")])
    for check in (c.is_model("Sequential"), c.total_params(10), c.output_shape((None, 2)),
                  c.input_shape([None, 4]), c.layer_types(["Dense"]), c.layer_count(1), c.trainable_params(10)):
        check(model)
    with pytest.raises(CheckFailed, match="expected 12, got 10"):
        c.total_params(12)(model)
    with pytest.raises(CheckFailed, match="the model's output shape"):
        c.output_shape((None, 3))(model)
    with pytest.raises(CheckFailed, match="Keras model"):
        c.is_model()(42)
    c.equals((None, 2), "shape")([None, 2])
