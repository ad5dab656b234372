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


def test_the_new_operators_join_only_when_asked(monkeypatch):
    from kitlib.mutation.mutants import MUTANT_OPERATORS, REQUIREMENT_OPERATORS, operators_in_use

    monkeypatch.delenv("KIT_MUTATION_OPERATORS", raising=False)
    assert operators_in_use() == MUTANT_OPERATORS
    monkeypatch.setenv("KIT_MUTATION_OPERATORS", "all")
    assert operators_in_use() == MUTANT_OPERATORS + REQUIREMENT_OPERATORS
