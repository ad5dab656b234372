"""The exercise mechanism: records, checks, who is to blame, grade()'s two modes, stale answers,
given objects, digests and probe seeds, the registry of chapter modules and the hidden parts."""
from __future__ import annotations

import json

import pytest

from kitlib.exercises import core, hidden, session
from kitlib.exercises.core import (FEEDBACK_MIME, MISSING, CheckFailed, Exercise, ExerciseNotPassed, Feedback, Problem,
                                  Registry, digest, expect, probe_seed, run_student)


def make_sum_exercise(**extra):
    def is_five(answer):
        expect(answer == 5, "the sum", 5, answer, hint="2 + 3 is what we want.")

    return Exercise("demo_sum", title="Add two numbers", points=2, checks=[is_five], variable="total", **extra)


@pytest.mark.fast
def test_placeholder_is_not_attempted():
    feedback = make_sum_exercise().evaluate(None)
    assert not feedback.attempted and not feedback.passed and feedback.status == "not attempted"
    assert "not attempted yet" in str(feedback)


@pytest.mark.fast
def test_wrong_answer_reports_expected_got_and_hint():
    feedback = make_sum_exercise().evaluate(4)
    assert feedback.status == "not yet"
    assert "the sum: expected 5, got 4" in str(feedback) and "Hint: 2 + 3" in str(feedback)


@pytest.mark.fast
def test_feedback_carries_the_json_mime_entry_and_escapes_html():
    feedback = Feedback("x", "T", attempted=True, problems=[Problem("<script>", 1, 2)])
    bundle = feedback._repr_mimebundle_()
    assert bundle[FEEDBACK_MIME] == {"exercise": "x", "title": "T", "status": "not yet",
                                     "problems": ["<script>: expected 1, got 2"]}
    assert json.dumps(bundle[FEEDBACK_MIME])
    assert "<script>" not in bundle["text/html"] and "data-status='not yet'" in bundle["text/html"]
    assert bundle["text/plain"].startswith("✘ T: not yet")


@pytest.mark.fast
def test_messages_lose_paths_graph_text_and_tracebacks():
    problem = Problem("bad <KerasTensor shape=(None, 3), dtype=float32, name=x> in /usr/lib/python3/x/y.py")
    text = problem.text()
    assert "KerasTensor" not in text and "/usr/lib" not in text
    assert "Traceback" not in core.clean_text("oops\nTraceback (most recent call last):\n  File 'x'")


@pytest.mark.fast
def test_a_check_that_crashes_is_the_kits_problem_not_the_students():
    namespace: dict = {}  # a check with a bug, as if it were written inside kitlib
    exec(compile("def broken(record):\n    return record['missing key']\n", core.__file__, "exec"), namespace)
    exercise = Exercise("demo_bug", title="T", points=1, checks=[namespace["broken"]], prepare=lambda a: {"ok": 1})
    feedback = exercise.evaluate(3)
    assert feedback.problems[0].kind == "kit" and feedback.kit_problem
    assert "not a mistake in your answer" in str(feedback) and "raised" not in str(feedback)


@pytest.mark.fast
def test_an_error_from_notebook_code_inside_a_check_is_the_students():
    def explode(answer):  # defined outside kitlib: like code from a notebook cell
        raise ValueError("shapes (2,) and (3,) do not match")

    feedback = Exercise("demo_raise", title="T", points=1, checks=[explode]).evaluate(1)
    assert feedback.problems[0].kind == "raised"
    assert "raised ValueError: shapes (2,) and (3,) do not match" in str(feedback)


@pytest.mark.fast
def test_the_students_own_code_raising_is_said_with_where_it_raised():
    def prepare(answer, ctx):
        return run_student(answer, 1, where="f(1)")

    exercise = Exercise("demo_fn", title="T", points=1, prepare=prepare, checks=[lambda r: None], kind="function")
    feedback = exercise.evaluate(lambda x: 1 / 0)
    assert feedback.problems[0].kind == "raised"
    assert "f(1) raised ZeroDivisionError: division by zero" in str(feedback)
    assert "Run your exercise cell on its own" not in str(feedback)  # the cell itself ran fine


@pytest.mark.fast
def test_prepare_runs_once_and_checks_take_the_record_and_maybe_the_context():
    calls = []

    def prepare(answer, ctx):
        calls.append(ctx.seed)
        return {"value": answer(), "seed": ctx.seed}

    def uses_context(record, ctx):
        expect(record["seed"] == ctx.seed, "seed")

    exercise = Exercise("demo_prepare", title="T", points=1, prepare=prepare,
                        checks=[lambda r: expect(r["value"] == 1, "value", 1, r["value"]), uses_context])
    assert exercise.evaluate(lambda: 1, seed=7, hidden=True).passed
    assert calls == [7]


@pytest.mark.fast
def test_grade_in_the_students_session_shows_and_never_raises(exercise_registry, capsys):
    exercise_registry(make_sum_exercise())
    assert core.grade("demo_sum", 3) is None  # no exception: "Run All" goes on
    assert "✘ Add two numbers: not yet" in capsys.readouterr().out
    assert core.grade("demo_sum", None) is None
    assert "not attempted" in capsys.readouterr().out
    assert core.grade("demo_sum", 5) is None
    assert "✔" in capsys.readouterr().out


@pytest.mark.fast
def test_grade_under_nbgrader_raises_with_the_feedback(exercise_registry, monkeypatch, capsys):
    exercise_registry(make_sum_exercise())
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(ExerciseNotPassed) as info:
        core.grade("demo_sum", 3)
    assert "expected 5, got 3" in "\n".join(info.value._render_traceback_())
    assert type(info.value).__name__ == "ExerciseNotPassed" and "expected 5, got 3" in str(info.value)
    with pytest.raises(ExerciseNotPassed):
        core.grade("demo_sum", None)
    assert core.grade("demo_sum", 5) is None
    with pytest.raises(KeyError, match="no exercise 'nope'"):
        core.grade("nope", 1)


@pytest.mark.fast
def test_check_returns_the_feedback(exercise_registry):
    exercise_registry(make_sum_exercise())
    assert core.check("demo_sum", 5).passed
    assert core.check("demo_sum", 4).status == "not yet"


@pytest.mark.fast
def test_grade_records_under_kit_grade_and_the_hidden_part_separately(exercise_registry, monkeypatch, tmp_path):
    from kitlib.exercises import answers

    exercise_registry(make_sum_exercise())
    monkeypatch.setenv("KIT_ANSWER_DIR", str(tmp_path))
    monkeypatch.setenv("KIT_PROBE_SEED", "99")
    core.grade("demo_sum", 5)
    core.grade("demo_sum", 5, hidden=True)
    assert answers.decode(tmp_path, "demo_sum") == 5
    assert answers.read_meta(tmp_path, "demo_sum")["kernel"] == "passed"
    assert answers.read_meta(tmp_path, "demo_sum.hidden")["seed"] == 99
    assert answers.read_meta(tmp_path, "demo_sum.hidden")["evidence"] == []


@pytest.mark.fast
def test_under_kit_grade_the_visible_call_makes_the_hidden_part_the_cell_no_longer_holds(exercise_registry,
                                                                                           monkeypatch, tmp_path):
    from kitlib.exercises import answers

    exercise_registry(make_sum_exercise())
    monkeypatch.setenv("KIT_ANSWER_DIR", str(tmp_path))
    monkeypatch.setenv("KIT_PROBE_SEED", "77")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    core.grade("demo_sum", 5)
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["demo_sum.json"]  # nbgrader alone: visible only
    monkeypatch.setenv("KIT_HIDDEN_PART", "visible")  # kit grade took the hidden region out of the cell
    core.grade("demo_sum", 5)
    assert answers.read_meta(tmp_path, "demo_sum.hidden")["seed"] == 77
    assert answers.read_meta(tmp_path, "demo_sum.hidden")["hidden"] is True
    (tmp_path / "demo_sum.hidden.json").unlink()
    with pytest.raises(core.ExerciseNotPassed):
        core.grade("demo_sum", 4)
    assert not (tmp_path / "demo_sum.hidden.json").exists()  # the visible part failed: no hidden part, as in the cell


@pytest.mark.fast
def test_replaced_checks_are_recorded_as_evidence(exercise_registry, monkeypatch, tmp_path):
    from kitlib.exercises import answers

    exercise_registry(make_sum_exercise())
    monkeypatch.setenv("KIT_ANSWER_DIR", str(tmp_path))
    core.REGISTRY.get("demo_sum").checks = [lambda answer: None]
    core.grade("demo_sum", 4)
    assert answers.read_meta(tmp_path, "demo_sum")["evidence"] == ["the checks of demo_sum were replaced"]


@pytest.mark.fast
def test_an_answer_that_cannot_be_recorded_is_said_at_once(exercise_registry, monkeypatch, tmp_path, capsys):
    exercise_registry(Exercise("demo_any", title="Anything", points=1, checks=[lambda a: None],
                               unrecordable="a number"))
    monkeypatch.setenv("KIT_ANSWER_DIR", str(tmp_path))
    core.grade("demo_any", object())
    out = capsys.readouterr().out
    assert "cannot be recorded for grading" in out and "use a number" in out


@pytest.mark.fast
def test_given_objects_come_from_keywords_or_the_callers_namespace(exercise_registry):
    def prepare(answer, ctx):
        return ctx.given["donor"] + answer

    exercise_registry(Exercise("demo_given", title="T", points=1, given=("donor",), prepare=prepare,
                               checks=[lambda r: expect(r == 10, "sum", 10, r)]))
    assert core.check("demo_given", 3, donor=7).passed
    donor = 7  # noqa: F841 - found by name in this frame
    assert core.check("demo_given", 3).passed


@pytest.mark.fast
def test_a_missing_given_object_says_to_run_the_cells_above(exercise_registry):
    exercise_registry(Exercise("demo_given2", title="T", points=1, given=("nowhere_defined_xyz",),
                               prepare=lambda a, ctx: a, checks=[lambda r: None]))
    feedback = core.check("demo_given2", 3)
    assert feedback.problems[0].kind == "setup" and "Run the notebook's cells from the top" in str(feedback)


@pytest.mark.fast
def test_optional_given_objects_may_be_missing(exercise_registry):
    def prepare(answer, ctx):
        return {"answer": answer, "knows": "nowhere_defined_abc" in ctx.given}

    exercise_registry(Exercise("demo_opt", title="T", points=1, optional_given=("nowhere_defined_abc",),
                               prepare=prepare, checks=[lambda r: expect(not r["knows"], "knows")]))
    assert core.check("demo_opt", 3).passed
    assert not core.check("demo_opt", 3, nowhere_defined_abc=1).passed


@pytest.mark.fast
def test_a_stale_answer_is_recognised_in_ipython(exercise_registry):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    session.install(shell)
    exercise_registry(make_sum_exercise())
    shell.run_cell("from kitlib.exercises import core as kit_core")
    shell.run_cell("total = 5")
    assert shell.run_cell("kit_core.check('demo_sum', total).passed").result is True
    shell.run_cell("total = 2 +\n")  # a syntax error: nothing ran, total is still 5
    feedback = shell.run_cell("kit_core.check('demo_sum', total)").result
    assert feedback.problems[0].kind == "stale" and "SyntaxError" in str(feedback)
    shell.run_cell("total = None\ntotal = undefined_name + 1")  # raised after the placeholder
    feedback = shell.run_cell("kit_core.check('demo_sum', total)").result
    assert "NameError" in str(feedback) and "not attempted" not in str(feedback)
    shell.run_cell("total = 2 + 3")
    assert shell.run_cell("kit_core.check('demo_sum', total).passed").result is True


@pytest.mark.fast
def test_assigned_names_of_a_cell():
    assert session.assigned_names("a, b = 1, 2\nwith open('x') as f: pass\nimport numpy as np") == {"a", "b", "f", "np"}
    assert "model" in session.assigned_names("model = (\n")  # unparsable: a line scan


@pytest.mark.fast
def test_digests_are_salted_canonical_and_not_the_value():
    assert digest((None, 4), "a") == digest([None, 4], "a")
    assert digest({"b", "a"}, "a") == digest(["a", "b"], "a")
    assert digest((None, 4), "a") != digest((None, 4), "b")
    assert "4" not in digest((None, 4), "a") or len(digest((None, 4), "a")) == 32


@pytest.mark.fast
def test_a_digest_taken_again_or_learned_is_the_one_computed():
    import hashlib

    from kitlib.exercises import values

    salt = f"memo-{id(object())}"  # a salt no earlier test used: the first call computes
    computed = hashlib.pbkdf2_hmac("sha256", b"[null,4]", f"kitlib:{salt}".encode(), values.DIGEST_ITERATIONS)
    before = len(values.known_digests())
    assert digest((None, 4), salt) == computed.hex()[:32]
    assert values.known_digests(before) == [("[null,4]", salt, computed.hex()[:32])]
    assert digest([None, 4], salt) == computed.hex()[:32] and len(values.known_digests()) == before + 1  # not again
    values.learn_digests([("[1]", salt + "-other", "ab" * 16), ("[2]", salt), ["[3]", salt, 3], "junk"])
    assert values.known_digests(before + 1) == [("[1]", salt + "-other", "ab" * 16)]  # malformed ones ignored
    assert digest([1], salt + "-other") == "ab" * 16
    long_text = list(range(1000))  # a long answer is computed every time, never kept
    digest(long_text, salt)
    assert len(values.known_digests()) == before + 2


@pytest.mark.fast
def test_probe_seed_is_deterministic_per_course_assignment_and_student():
    one = probe_seed(b"secret", "sequential_model", "alice")
    assert one == probe_seed(b"secret", "sequential_model", "alice")
    assert one != probe_seed(b"secret", "sequential_model", "bob")
    assert one != probe_seed(b"other", "sequential_model", "alice")
    assert one != probe_seed(b"secret", "functional_api", "alice")
    assert 0 <= one < 2**31


@pytest.mark.fast
def test_ids_are_validated():
    with pytest.raises(ValueError):
        Exercise("Bad Id", title="T", points=1, checks=[lambda a: None])
    with pytest.raises(ValueError):
        Exercise("no_checks", title="T", points=1, checks=[])


@pytest.mark.fast
def test_registry_collects_chapter_modules_of_a_package_and_rejects_duplicates(tmp_path, monkeypatch):
    package = tmp_path / "demo_course_part"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "01_first.py").write_text(
        "from kitlib.exercises.core import Exercise\n"
        "EXERCISES = [Exercise('d01_a', title='a', points=1, checks=[print])]\n")
    (package / "02_second.py").write_text(
        "from kitlib.exercises.core import Exercise\n"
        "EXERCISES = [Exercise('d02_b', title='b', points=1, checks=[print])]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert sorted(e.id for e in Registry(modules=("demo_course_part",)).all()) == ["d01_a", "d02_b"]
    (package / "03_dup.py").write_text(
        "from kitlib.exercises.core import Exercise\n"
        "EXERCISES = [Exercise('d01_a', title='again', points=1, checks=[print])]\n")
    with pytest.raises(ValueError, match="defined twice"):
        Registry(modules=("demo_course_part",)).all()


@pytest.mark.fast
def test_hidden_parts_load_from_the_course_folder(tmp_path):
    folder = tmp_path / "hidden" / "part"
    folder.mkdir(parents=True)
    (folder / "01_first.py").write_text(
        "from kitlib.exercises.hidden import Hidden\n"
        "HIDDEN = [Hidden('d01_a', expected=(None, 3), wrong_answers=[('x = 1', 'wrong')])]\n")
    specs = hidden.load(tmp_path / "hidden")
    assert specs["d01_a"].expected == (None, 3) and specs["d01_a"].wrong_answers == [("x = 1", "wrong")]
    assert hidden.load(folder)["d01_a"].expected == (None, 3)  # one assignment's folder works too
    (folder / "02_bad.py").write_text("HIDDEN = 3\n")
    with pytest.raises(hidden.HiddenError, match="02_bad.py"):
        hidden.load(tmp_path / "hidden")


@pytest.mark.fast
def test_hidden_checks_run_only_where_the_course_is(tmp_path):
    exercise = make_sum_exercise()
    spec = hidden.Hidden("demo_sum", checks=[lambda r: expect(isinstance(r, int), "an int", "int", type(r).__name__)])
    assert exercise.evaluate(5.0).passed  # the student's self-check cannot know the hidden check
    assert not exercise.evaluate(5.0, hidden=True, spec=spec).passed


@pytest.mark.fast
def test_missing_marker_is_falsy_and_distinct():
    assert not MISSING and MISSING is not None


def test_record_checks_compare_with_the_tasks_spec():
    pytest.importorskip("keras")
    import keras

    from kitlib.exercises import checks as c
    from kitlib.exercises.describe import describe_model

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Activation("relu"),
                              keras.layers.Dense(2, name="out")])
    record = describe_model(model)
    spec = [c.L("Dense", units=3, activation="relu"), c.L("Dense", units=2, name="out")]
    c.layers_like(spec)(record)
    c.input_features((4,))(record)
    with pytest.raises(CheckFailed, match="activation of layer 2"):
        c.layers_like([spec[0], c.L("Dense", units=2, activation="softmax")])(record)
    with pytest.raises(CheckFailed, match="units"):
        c.layers_like([c.L("Dense", units=4, activation="relu"), spec[1]])(record)
    with pytest.raises(CheckFailed, match="one too many"):
        c.layers_like(spec[:1])(record)
    with pytest.raises(CheckFailed, match="shape of one input sample"):
        c.input_features((5,))(record)


def test_the_students_package_does_not_need_the_teachers():
    """kitlib.exercises (what runs in the student's kernel) imports nothing from kitlib.grading."""
    import subprocess
    import sys

    code = ("import importlib, pkgutil, sys, kitlib.exercises as ex\n"
            "for m in pkgutil.walk_packages(ex.__path__, 'kitlib.exercises.'):\n"
            "    importlib.import_module(m.name)\n"
            "ex.REGISTRY.all()\n"
            "sys.exit(1 if any(n.startswith('kitlib.grading') for n in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_check_as_a_cells_last_line_shows_its_feedback_once(tmp_path, monkeypatch):
    """In a real kernel: ``check(...)`` as the last line shows one feedback (its display, no Out[] copy),
    still returns the Feedback, and a feedback asked for again in a later cell is shown again."""
    import os
    from pathlib import Path

    import nbformat
    from nbclient import NotebookClient

    (tmp_path / "demo_once_mod.py").write_text(
        "from kitlib.exercises.core import Exercise, expect\n"
        "def is_five(answer):\n"
        "    expect(answer == 5, 'the sum', 5, answer)\n"
        "EXERCISES = [Exercise('demo_once', title='Add two numbers', points=1, checks=[is_five], variable='total')]\n",
        encoding="utf-8")
    root = str(Path(__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([root, str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("KIT_EXERCISE_MODULES", "demo_once_mod")
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("NBGRADER_EXECUTION", "KIT_ANSWER_DIR"):
        monkeypatch.delenv(name, raising=False)
    cells = [
        "from kitlib.exercises.core import check\ntotal = 5",
        "check('demo_once', total)",                       # passed, last line
        "feedback = check('demo_once', 4)\nfeedback",      # not yet, returned and named as the last line
        "feedback",                                        # asked for again in a later cell: shown
        "check('demo_once', total);",                      # a trailing semicolon: as before, once
        "print(type(check('demo_once', total)).__name__, check('demo_once', 3).passed)",
    ]
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()

    def feedback_outputs(cell):
        return [o for o in cell.outputs if FEEDBACK_MIME in o.get("data", {})]

    errors = [o for cell in nb.cells for o in cell.outputs if o.output_type == "error"]
    assert not errors, errors
    statuses = [[o["data"][FEEDBACK_MIME]["status"] for o in feedback_outputs(cell)] for cell in nb.cells]
    assert statuses == [[], ["passed"], ["not yet"], ["not yet"], ["passed"], ["passed", "not yet"]]
    for cell in nb.cells[1:5]:
        (shown,) = feedback_outputs(cell)
        assert shown.output_type == "display_data" and "text/html" in shown["data"]
        assert not [o for o in cell.outputs if o.output_type == "execute_result"], "the feedback shows twice"
    printed = "".join(o.get("text", "") for o in nb.cells[5].outputs if o.output_type == "stream")
    assert printed.strip() == "Feedback False"
