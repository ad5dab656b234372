"""Unit tests of kitlib.mutation (``kit test-exercises``) that need no TensorFlow: the progress lines, the
worker's report stream, ``python -m kitlib.mutation``, and the AST operators on code strings."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from kitlib.mutation.command import main
from kitlib.mutation.report import Progress, format_report, judge
from kitlib.mutation.runner import ReportStream
from kitlib.mutation.variants import ExerciseReport, Outcome, Variant

pytestmark = pytest.mark.fast


def _report(exercise="seq03_weight_shapes", mutants=3, survived=0, seconds=1.5):
    report = ExerciseReport(exercise, "03_input_shape.ipynb")
    report.outcomes.append(Outcome(Variant("reference", "reference solution", "x"), status="passed",
                                   recheck="passed", seconds=seconds))
    for number in range(mutants):
        status = "passed" if number < survived else "not yet"
        report.outcomes.append(Outcome(Variant("mutant", f"m{number}", "x", keywords=("units",)), status=status,
                                       message="the units are wrong", recheck="passed" if status == "passed"
                                       else "failed", seconds=seconds))
    report.outcomes.append(Outcome(Variant("equivalent", "e", "x"), status="passed", recheck="passed",
                                   seconds=seconds))
    judge(report, None)
    return report


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_progress_prints_one_line_per_exercise_with_counts_time_and_eta():
    clock, out = Clock(), io.StringIO()
    with Progress(out, clock=clock, live=False) as progress:
        progress.start(total=3, notebooks=2, jobs=2)
        clock.now += 20
        progress.finished(_report("seq03_weight_shapes"))
        clock.now += 10
        progress.finished(_report("seq03_built_from_start", mutants=4, survived=1))
        clock.now += 30
        progress.finished(_report("seq04_repair"))
    lines = out.getvalue().splitlines()
    assert lines[0] == "kit test-exercises: 3 exercises in 2 notebooks, 2 at a time"
    assert lines[1] == ("[1/3] seq03_weight_shapes (03_input_shape.ipynb)  mutants rejected 3/3 · "
                        "equivalents accepted 1/1 · 7.5 s · ETA 40 s")
    assert lines[2].startswith("[2/3] seq03_built_from_start") and "mutants rejected 3/4" in lines[2]
    assert "1 problem (below)" in lines[2] and lines[2].endswith("ETA 15 s")
    assert lines[3].endswith("· done") and len(lines) == 4


def test_progress_lines_never_say_fail_so_the_reports_fail_lines_stay_countable():
    out = io.StringIO()
    with Progress(out, clock=Clock(), live=False) as progress:
        progress.start(total=1, notebooks=1, jobs=1)
        progress.finished(_report(mutants=2, survived=2))
    assert "FAIL" not in out.getvalue() and "!!" not in out.getvalue()
    assert "FAIL" in format_report([_report(mutants=2, survived=2)], 1.0)


def test_a_failed_notebook_gets_its_line_too():
    out = io.StringIO()
    with Progress(out, clock=Clock(), live=False) as progress:
        progress.start(total=2, notebooks=1, jobs=1)
        progress.finished(ExerciseReport("(notebook)", "x.ipynb", problem="the worker failed twice (exit status 9)"))
    assert out.getvalue().splitlines()[-1].startswith("[1/2] (notebook) (x.ipynb)  the worker failed twice")


def test_on_a_terminal_the_lines_scroll_above_a_live_bar():
    out = io.StringIO()
    with Progress(out, clock=Clock(), live=True) as progress:
        progress.start(total=2, notebooks=1, jobs=1)
        assert progress._bar is not None
        progress.finished(_report())
    assert "[1/2] seq03_weight_shapes" in out.getvalue()
    assert progress._bar is None  # stopped (transient: the bar leaves the terminal)


def test_durations_read_naturally():
    from kitlib.mutation.report import _duration

    assert [_duration(s) for s in (0.4, 59, 61, 3599, 3700)] == ["0 s", "59 s", "1 min 01 s", "59 min 59 s",
                                                                  "1 h 01 min"]


def test_the_report_stream_returns_whole_lines_as_they_arrive(tmp_path):
    path = tmp_path / "out.jsonl"
    stream = ReportStream(path)
    assert stream.read() == []                      # no file yet
    path.write_text(json.dumps({"exercise": "a"}) + "\n" + '{"exercise": "b"')
    assert stream.read() == [{"exercise": "a"}]     # the half-written line waits
    with open(path, "a") as handle:
        handle.write("}\n" + json.dumps({"done": True}) + "\n")
    assert stream.read() == [{"exercise": "b"}] and stream.done
    assert [r["exercise"] for r in stream.reports] == ["a", "b"]


def test_a_variants_fork_hands_the_digests_it_computed_back_to_the_notebook_process(monkeypatch, tmp_path):
    """The next variants are forks of the notebook process: they find the digests the earlier ones took."""
    from kitlib.exercises import values
    from kitlib.mutation.runner import NotebookRun

    salt = f"fork-{id(object())}"

    def child(self, shell, exercise_id, grade_cell, variant, answers_dir):
        return {"status": "passed", "message": values.digest([int(variant.code)], salt)}

    monkeypatch.setattr(NotebookRun, "_child", child)
    run = NotebookRun(tmp_path / "nb.ipynb", None, 1, None, True)
    before = len(values.known_digests())
    first = run.fork(None, "demo", "", Variant("reference", "r", "7"))
    assert first.status == "passed" and len(first.message) == 32
    assert values.known_digests(before) == [("[7]", salt, first.message)]  # computed in the fork, known here now
    assert not hasattr(first, "digests")
    assert run.fork(None, "demo", "", Variant("other", "o", "7")).message == first.message
    assert len(values.known_digests()) == before + 1


def test_python_m_kitlib_mutation_without_a_subcommand_prints_its_usage_and_never_runs_kit(capsys):
    assert main([]) == 2 and main(["sequential_model"]) == 2
    assert "usage: python -m kitlib.mutation" in capsys.readouterr().err


def test_python_m_kitlib_mutation_digest_prints_the_digest_of_a_literal():
    from kitlib.exercises.values import digest

    done = subprocess.run([sys.executable, "-m", "kitlib.mutation", "digest", "demo", "(None, 7)"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == digest((None, 7), "demo")


# --------------------------------------------------------------------------- the operators for issue 20's classes

@pytest.fixture
def layer_names(monkeypatch):
    """The operators' notion of a layer class, without importing Keras (a fast test)."""
    from kitlib.mutation import edits

    monkeypatch.setattr(edits, "_LAYER_NAMES", {"Dense", "Conv2D", "LSTM", "Embedding", "Flatten", "MaxPooling2D"})


def _mutants(operator, code, given=None, variable="model"):
    from kitlib.mutation.edits import Context, generate

    return {change.description: new for change, new in generate(code, Context("model", variable, given or {}),
                                                                    [operator])}


def test_a_given_model_is_changed_before_use_three_ways(layer_names):
    from kitlib.mutation.mutants import mutants_given_changed

    code = "features = keras.Model(base.inputs, base.layers[-2].output)\n"
    found = _mutants(mutants_given_changed, code, {"base": "model", "x": "array"})
    assert set(found) == {"given base changed first: its weights moved (trained again)",
                          "given base recompiled first (sgd, mse)", "given base frozen first (trainable = False)"}
    assert all(new.endswith(code.rstrip()) for new in found.values())
    assert found["given base recompiled first (sgd, mse)"].startswith("base.compile(optimizer='sgd', loss='mse')\n")
    # a function's own parameter that shadows the notebook's object is not the given object
    assert _mutants(mutants_given_changed, "def f(base):\n    return base\n", {"base": "model"}) == {}


def test_a_new_object_is_replaced_by_the_given_one(layer_names):
    from kitlib.mutation.mutants import mutants_reused

    found = _mutants(mutants_reused, "def fresh_copy(model):\n    return keras.models.clone_model(model)\n")
    assert found == {"clone_model(model) -> model itself (the same object, not a new one)":
                     "def fresh_copy(model):\n    return model"}
    found = _mutants(mutants_reused, "model = make_mlp()\nmodel.pop()\n", {"donor": "model"})
    assert found == {"make_mlp() -> the given donor (re-used, not a new model)": "model = donor\nmodel.pop()"}


def test_defaults_the_task_leaves_are_changed(layer_names):
    from kitlib.mutation.mutants import mutants_defaults

    found = _mutants(mutants_defaults, "model = keras.Sequential([layers.Dense(4), layers.Dense(1, use_bias=True)])\n"
                                       "h = model.fit(x, y, batch_size=100, epochs=1, verbose=0)\n")
    assert "Dense(use_bias=False) instead of the default" in found
    assert "layers.Dense(4, use_bias=False)" in found["Dense(use_bias=False) instead of the default"]
    assert "fit without batch_size= (the default)" in found
    assert "fit without epochs= (the default)" not in found  # epochs=1 is the default: dropping it is no mutant
    assert not any("verbose" in d for d in found)


def test_the_file_format_is_swapped(layer_names):
    from kitlib.mutation.mutants import mutants_file_format

    found = _mutants(mutants_file_format, 'f = save_dir / "my_digits.keras"\nw = "a.weights.h5"\nx = ".keras"\n')
    assert set(found) == {"file 'my_digits.keras' -> 'my_digits.h5'", "file 'a.weights.h5' -> 'a.h5'"}
    assert 'f = save_dir / "my_digits.h5"' in found["file 'my_digits.keras' -> 'my_digits.h5'"].replace("'", '"')


def test_explicit_layer_calls_are_wrapped_in_a_new_container(layer_names):
    from kitlib.mutation.mutants import mutants_container

    found = _mutants(mutants_container, "inp = keras.Input(shape=(3,))\nx = layers.Dense(4)(inp)\ny = layers.Dense(1)(x)\n")
    assert found == {"layers.Dense(4)(...) wrapped in a new keras.Sequential":
                     "inp = keras.Input(shape=(3,))\nx = keras.Sequential([layers.Dense(4)])(inp)\ny = layers.Dense(1)(x)"}
    found = _mutants(mutants_container, "def chain(model, x):\n    for layer in model.layers:\n        x = layer(x)\n"
                                        "    return x\n")
    assert list(found.values()) == ["def chain(model, x):\n    for layer in model.layers:\n"
                                    "        x = keras.Sequential([layer])(x)\n    return x"]


def test_every_operator_is_on_by_default_and_basic_keeps_the_first_list(monkeypatch):
    from kitlib.mutation.mutants import CODE_OPERATORS, MUTANT_OPERATORS, REQUIREMENT_OPERATORS, operators_in_use

    monkeypatch.delenv("KIT_MUTATION_OPERATORS", raising=False)
    assert operators_in_use() == MUTANT_OPERATORS + REQUIREMENT_OPERATORS + CODE_OPERATORS
    monkeypatch.setenv("KIT_MUTATION_OPERATORS", "basic")
    assert operators_in_use() == MUTANT_OPERATORS


def _kinds(operator, code, kind="function", variable="f", given=None):
    from kitlib.mutation.edits import Context, generate

    return {change.description: new for change, new in generate(code, Context(kind, variable, given or {}),
                                                                    [operator])}


SCALE = ("class Scale(layers.Layer):\n"
         "    def __init__(self, factor=1.0, **kwargs):\n        super().__init__(**kwargs)\n"
         "        self.factor = factor\n"
         "    def build(self, input_shape):\n"
         "        self.w = self.add_weight(shape=(input_shape[-1],), initializer='ones', trainable=True)\n"
         "    def call(self, inputs):\n        return inputs * self.w + self.factor\n"
         "    def get_config(self):\n        return {**super().get_config(), 'factor': self.factor}\n")


def test_arithmetic_and_comparisons_inside_functions_are_swapped_but_paths_and_lists_are_not(layer_names):
    from kitlib.mutation.mutants import mutants_arithmetic, mutants_comparison

    found = _kinds(mutants_arithmetic, SCALE, "class", "Scale")
    assert set(found) == {"inputs * self.w + self.factor: + -> -", "inputs * self.w: * -> +"}
    assert "return inputs * self.w - self.factor" in found["inputs * self.w + self.factor: + -> -"]
    assert _kinds(mutants_arithmetic, "def f(d):\n    return d / 'a.keras', [1] + [2]\n") == {}
    assert _kinds(mutants_arithmetic, "x = a + b\n") == {}  # outside a function: the other operators' part
    flipped = _kinds(mutants_comparison, "def f(x):\n    return [v for v in x if v < 3]\n")
    assert list(flipped.values()) == ["def f(x):\n    return [v for v in x if v >= 3]"]  # flipped, not negated too


def test_constants_in_functions_change_and_strings_swap_for_their_sibling(layer_names):
    from kitlib.mutation.mutants import mutants_constants

    found = _kinds(mutants_constants, SCALE, "class", "Scale")
    assert "'ones' -> 'zeros'" in found and "initializer='zeros'" in found["'ones' -> 'zeros'"]
    assert "constant 1.0 -> 2.0 (in __init__)" in found  # a parameter's default
    assert "constant 1 -> 2 (in build)" in found and "input_shape[-2]" in found["constant 1 -> 2 (in build)"]
    assert not any("True" in d for d in found)  # booleans are the trainable operator's
    assert _kinds(mutants_constants, "n = 3\n") == {}


def test_a_return_is_forgotten_replaced_by_the_argument_or_unwrapped(layer_names):
    from kitlib.mutation.mutants import mutants_returns

    found = _kinds(mutants_returns, "def read(path):\n    with open(path) as f:\n        return json.loads(f.read())\n")
    assert set(found) == {"read: `return` forgotten (returns None)", "read: returns its argument path unchanged",
                          "read: json.loads(...) around the result dropped"}
    assert found["read: `return` forgotten (returns None)"].endswith("\n        json.loads(f.read())")
    assert found["read: json.loads(...) around the result dropped"].endswith("return f.read()")
    method = _kinds(mutants_returns, SCALE, "class", "Scale")
    assert "call: returns its argument inputs unchanged" in method  # self is no argument


def test_get_config_loses_super_and_its_keys_and_kwargs_are_not_passed_on(layer_names):
    from kitlib.mutation.mutants import mutants_config

    found = _kinds(mutants_config, SCALE, "class", "Scale")
    assert set(found) == {"super().get_config() not called (its name, trainable, dtype lost)",
                          "super().__init__(...): **kwargs not passed on", "get_config: key 'factor' dropped"}
    assert "return {**{}, 'factor': self.factor}" in found["super().get_config() not called (its name, trainable, "
                                                            "dtype lost)"]
    assert "super().__init__()" in found["super().__init__(...): **kwargs not passed on"]
    update = _kinds(mutants_config, "class A(layers.Layer):\n    def get_config(self):\n"
                                    "        config = super().get_config()\n        config.update({'k': 1})\n"
                                    "        return config\n", "class", "A")
    assert "get_config: config.update({'k': 1}) dropped" in update


def test_a_keyword_argument_is_dropped_unless_another_operator_covers_it(layer_names):
    from kitlib.mutation.mutants import mutants_keywords

    found = _kinds(mutants_keywords, "model.compile(optimizer='adam', loss='mse', metrics=['mae'])\n"
                                     "i = keras.Input(shape=(None,), dtype='int32', name='ids')\n", "model", "model")
    assert set(found) == {"compile(...) without optimizer= (its default)", "compile(...) without loss= (its default)",
                          "Input(...) without dtype= (its default)"}
    assert set(_kinds(mutants_keywords, SCALE, "class", "Scale")) == {
        "add_weight(...) without shape= (its default)", "add_weight(...) without initializer= (its default)"}
    # trainable=True is the default spelled out: dropping it is no mutant


def test_a_shared_layer_is_unshared_and_a_named_layers_output_read_elsewhere(layer_names):
    from kitlib.mutation.mutants import mutants_attributes, mutants_shared

    found = _kinds(mutants_shared, "emb = layers.Embedding(50, 4)\na = keras.Input((3,))\nb = keras.Input((3,))\n"
                                   "m = keras.Model([a, b], [emb(a), emb(b)])\n", "model", "m")
    assert list(found.values()) == ["emb = layers.Embedding(50, 4)\na = keras.Input((3,))\nb = keras.Input((3,))\n"
                                    "m = keras.Model([a, b], [emb(a), layers.Embedding(50, 4)(b)])"]
    found = _kinds(mutants_attributes, "e = keras.Model(base.inputs, base.get_layer('fc2').output)\n", "model", "e")
    assert sorted(found.values()) == [
        "e = keras.Model(base.inputs, base.get_layer('fc2').input)",
        "e = keras.Model(base.inputs, base.layers[-1].output)",
        "e = keras.Model(base.inputs, base.layers[base.layers.index(base.get_layer('fc2')) + 1].output)",
        "e = keras.Model(base.inputs, base.layers[base.layers.index(base.get_layer('fc2')) - 1].output)"]


def test_a_comprehensions_condition_is_negated_and_a_picked_layer_class_swapped(layer_names):
    from kitlib.mutation.mutants import mutants_comparison, mutants_keywords, mutants_layer_class

    code = "pools = [l.output for l in base.layers if isinstance(l, layers.MaxPooling2D)]\nm = keras.Model(base.inputs, pools)\n"
    negated = _kinds(mutants_comparison, code, "model", "m")
    assert list(negated.values())[0].startswith("pools = [l.output for l in base.layers if not isinstance(")
    swapped = _kinds(mutants_layer_class, code, "model", "m")
    assert list(swapped) == ["layers.MaxPooling2D -> AveragePooling2D (another kind of layer picked)"]
    assert _kinds(mutants_layer_class, "x = layers.MaxPooling2D(2)(x)\n", "model", "x") == {}  # a call: ints/layers
    assert _kinds(mutants_keywords, "m = keras.Model(inputs=i, outputs=o)\n", "model", "m") == {}  # required
    assert _kinds(mutants_keywords, "i = keras.Input(batch_shape=(8, 3))\n", "model", "i") == {}  # its only shape


def test_sibling_calls_given_arguments_changed_and_files_opened_for_writing(layer_names):
    from kitlib.mutation.mutants import mutants_argument_changed, mutants_call_siblings, mutants_file_mode

    found = _kinds(mutants_call_siblings, "def f(x):\n    return keras.ops.stack([keras.ops.zeros_like(x)], axis=1)\n")
    assert set(found) == {"keras.ops.stack -> concatenate", "keras.ops.zeros_like -> ones_like"}
    assert _kinds(mutants_call_siblings, "model.add(layers.Dense(3))\n") == {}  # Sequential.add is no sum
    found = _kinds(mutants_argument_changed, "def fresh(model):\n    return keras.models.clone_model(model)\n")
    assert set(found) == {"fresh changes the weights of the model it is given", "fresh recompiles the model it is given",
                          "fresh freezes the model it is given", "clone_model(model) with model's weights copied in"}
    assert found["fresh freezes the model it is given"].startswith("def fresh(model):\n    model.trainable = False\n")
    assert _kinds(mutants_argument_changed, "def f(x, y):\n    return x + y\n") == {}  # no model used
    found = _kinds(mutants_file_mode, "def f(p):\n    with zipfile.ZipFile(p) as z:\n        return z.namelist()\n")
    assert list(found.values()) == ["def f(p):\n    with zipfile.ZipFile(p, 'w') as z:\n        return z.namelist()"]


def test_slices_get_their_other_part_and_loops_freeze_the_whole_model(layer_names):
    from kitlib.mutation.mutants import mutants_slices, mutants_trainable

    code = "model = make_mlp()\nfor layer in model.layers[:-1]:\n    layer.trainable = False\n"
    slices = _kinds(mutants_slices, code, "model", "model")
    assert "model.layers[:-1] -> layers[-1:] (the other part)" in slices
    assert "for layer in model.layers[:]:" in slices["model.layers[:-1] -> layers[:] (every one)"]
    trainable = _kinds(mutants_trainable, code, "model", "model")
    assert trainable["the whole model set instead of the loop's layers: model.trainable = False"] == \
        "model = make_mlp()\nmodel.trainable = False"


def test_the_same_edit_at_two_places_gets_two_ids(layer_names):
    from kitlib.mutation.mutants import mutants_defaults

    found = _kinds(mutants_defaults, "m = keras.Sequential([layers.Dense(4), layers.Dense(2)])\n", "model", "m")
    assert set(found) == {"Dense(use_bias=False) instead of the default",
                          "Dense(use_bias=False) instead of the default (#2)"}


def test_the_report_lists_exercises_with_too_few_semantic_mutants():
    few = _report("seq01_chain_layers", mutants=2)
    enough = _report("seq03_weight_shapes", mutants=6)
    text = format_report([few, enough], 3.0, minimum=6)
    assert "fewer than 6 semantic mutants: seq01_chain_layers (2)" in text
    assert text.splitlines()[-1].startswith("mutants rejected 8/8")  # the totals line stays the last
    assert "fewer than" not in format_report([enough], 3.0, minimum=6)
    declared = _report("seq01_chain_layers", mutants=6)
    for outcome in declared.outcomes:
        outcome.variant.mutant_id = outcome.variant.label
    judge(declared, type("Spec", (), {"equivalent_mutants": {"m0": "the same", "m1": "the same"}})())
    assert "seq01_chain_layers (4)" in format_report([declared], 1.0, minimum=6)  # declared ones do not count
