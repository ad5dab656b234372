"""Part 2, "The Functional API", in this process: every exercise's hidden part, and grading its reference
answer (in its notebook's own context) writes nothing to stderr and records plain data that comes back equal
from the answer codec.

The mutation run of the whole course (reference, student version, typical mistakes, other solutions,
mutants, equivalents, parity with the re-check) is tests/mutation_outcomes.py (one test module per assignment); other correct answers
and typical mistakes nobody tuned the checks for are tests/test_gallery_functional_api.py.
"""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from exercise_gallery.functional_api import CHAPTERS, SKIP, notebook_of
from exercise_gallery.harness import Kernel, Notebook

from kitlib.exercises import hidden
from kitlib.exercises.core import canonical

ROOT = Path(__file__).resolve().parent.parent
SPECS = hidden.load(ROOT / "course" / "hidden" / "functional_api")
EXERCISE_IDS = sorted(SPECS)


def test_every_exercise_has_its_hidden_part_with_mistakes_and_other_solutions():
    from kitlib.exercises import REGISTRY

    ported = {e.id for e in REGISTRY.all() if e.id.startswith("fn")}
    assert set(EXERCISE_IDS) == ported and len(ported) >= 4 * 12  # at least four items in each of the 12 chapters
    for exercise_id in EXERCISE_IDS:
        spec = SPECS[exercise_id]
        assert len(spec.wrong_answers) >= 3, f"{exercise_id}: at least three typical mistakes"
        assert len(spec.other_solutions) >= 3, f"{exercise_id}: at least three other correct solutions"


def test_the_student_package_holds_no_solution_or_hidden_data():
    """kit release's leak check: no reference solution, planted mistake, other solution or expected value of
    Part 2 in the installed kitlib package."""
    from kitlib.grading.release import student_side_leaks

    assert student_side_leaks(ROOT / "course", "functional_api") == []


_KERNEL: dict = {}
_NOTEBOOK: dict = {}


@pytest.fixture(scope="module")
def kernel():
    import kitlib

    kitlib.setup(quiet=True)
    if "kernel" not in _KERNEL:
        _KERNEL["kernel"] = Kernel()
    return _KERNEL["kernel"]


def _notebook(name: str) -> Notebook:
    if name not in _NOTEBOOK:
        _NOTEBOOK.clear()
        _NOTEBOOK[name] = Notebook(CHAPTERS / name, SKIP)
    return _NOTEBOOK[name]


# The VGG19 embedder's record needs VGG19 (1.3 GB) and is checked by the gallery; keep this file light.
LIGHT = [e for e in EXERCISE_IDS if not e.startswith("fn08")]


@pytest.mark.parametrize("exercise_id", LIGHT)
def test_grading_the_reference_writes_nothing_to_stderr_and_records_plain_data(exercise_id, kernel, tmp_path,
                                                                               monkeypatch):
    """nbgrader zeroes a grade cell that writes to stderr; the record is plain data that comes back equal."""
    from kitlib.exercises import answers, get

    exercise = get(exercise_id)
    notebook = _notebook(notebook_of(exercise_id))
    setup, answer_cell, visible, hidden_part, variable = notebook.cells_of(exercise_id)
    kernel.restore(notebook.prelude(kernel))
    for source in setup:
        kernel.run(source, must_succeed=f"{exercise_id} set-up")
    kernel.run(answer_cell, must_succeed=f"{exercise_id} reference answer")
    monkeypatch.setenv("KIT_ANSWER_DIR", str(tmp_path))
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    for part in (visible, hidden_part):
        run = kernel.run(part)
        assert run.error is None, f"{exercise_id}: the grade cell raised {run.error}"
        assert run.stderr == "", f"{exercise_id}: grading a correct answer wrote to stderr: {run.stderr[:300]}"
    given = {n: kernel.namespace[n] for n in exercise.given}
    with contextlib.redirect_stdout(io.StringIO()):
        feedback, record = exercise._evaluate(kernel.namespace[variable], given=given)
    assert feedback.passed and answers.is_plain(record), str(feedback)
    assert answers.read_meta(tmp_path, exercise_id)["kernel"] == "passed"
    answers.encode(record, tmp_path / "again", exercise_id)   # probes make new layers (new names) each time
    back = answers.decode(tmp_path / "again", exercise_id)
    assert canonical(_lists(back)) == canonical(_lists(record))


def _lists(value):
    """Arrays as nested lists, so that records compare as text."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    return value
