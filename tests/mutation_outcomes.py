"""``kit test-exercises`` on every ported assignment of the course (one with ``course/hidden/<assignment>/``):
the tests, shared by one module per assignment, ``tests/test_exercises_mutation_<assignment>.py``, which
names it (``ASSIGNMENT = "..."``) and imports them. One module each, so that ``--dist loadfile`` can
place the two long runs on different workers; :func:`test_every_ported_assignment_has_its_module`
(in the fast tier) fails when an assignment with a hidden folder has none.

One run per assignment (each notebook executes once and forks per variant) grades, through the
notebook's own grade cell and the trusted re-check with the course's hidden part: the reference
solution, the untouched student version, the typical mistakes and the other correct solutions of the
hidden part, the generated mutants and the equivalent spellings. The tests below read its outcomes.

A module of an assignment::

    from mutation_outcomes import *  # noqa: F401,F403 - the tests, parametrized for ASSIGNMENT
    ASSIGNMENT = "sequential_model"
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kitlib.exercises import hidden
from kitlib.exercises.core import canonical
from kitlib.mutation.mutants import MIN_MUTANTS

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"
ASSIGNMENTS = sorted(p.name for p in (COURSE / "hidden").iterdir() if p.is_dir() and not p.name.startswith("."))
SPECS = {a: hidden.load(COURSE / "hidden" / a) for a in ASSIGNMENTS}
_RUNS: dict[str, tuple] = {}

pytestmark = pytest.mark.slow


def pytest_generate_tests(metafunc):
    """``assignment``: the module's ``ASSIGNMENT``; ``exercise_id``: each of its exercises (those a test's
    ``exercises`` attribute keeps, where it has one)."""
    assignment = getattr(metafunc.module, "ASSIGNMENT", None)
    if assignment is None:
        return
    if "assignment" in metafunc.fixturenames:
        metafunc.parametrize("assignment", [assignment])
    if "exercise_id" in metafunc.fixturenames:
        keep = getattr(metafunc.function, "exercises", lambda spec: True)
        metafunc.parametrize("exercise_id", [e for e in sorted(SPECS[assignment]) if keep(SPECS[assignment][e])])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """``kit test-exercises ASSIGNMENT`` once per assignment: (exit code, printed report, outcomes by exercise)."""

    def run(assignment):
        if assignment not in _RUNS:
            out = tmp_path_factory.mktemp(f"mutation_{assignment}") / "outcomes.json"
            env = dict(os.environ, KITLIB_OFFLINE="1", PYTHONPATH=str(ROOT))
            done = subprocess.run([sys.executable, "-m", "kitlib.cli", "test-exercises", assignment,
                                   "--course", str(COURSE), "--jobs", "2", "--json", str(out)],
                                  capture_output=True, text=True, env=env, timeout=1700)
            reports = {r["exercise"]: r for r in json.loads(out.read_text())} if out.exists() else {}
            _RUNS[assignment] = (done.returncode, done.stderr + done.stdout, reports)  # stderr: the course line first
        return _RUNS[assignment]

    return run


def _outcomes(report, role):
    return [o for o in report["outcomes"] if o["variant"]["role"] == role]


def test_the_command_passes_and_prints_the_totals(runs, assignment):
    code, text, reports = runs(assignment)
    assert code == 0, text[-6000:]
    assert set(reports) == set(SPECS[assignment]), text[-2000:]
    final = text.strip().splitlines()[-1]
    match = re.match(r"mutants rejected (\d+)/(\d+) · equivalents accepted (\d+)/(\d+) · "
                     r"messages naming the mutated property (\d+)/(\d+)", final)
    assert match, final
    rejected, mutants, accepted, equivalents, named, named_of = map(int, match.groups())
    assert rejected == mutants == named_of and mutants >= MIN_MUTANTS * len(reports)
    assert accepted == equivalents and equivalents >= 3 * len(reports)
    assert named == mutants, text[-6000:]
    progress = [line for line in text.splitlines() if re.match(r"\[\d+/\d+\] \S+ \(\S+\.ipynb\)  ", line)]
    assert len(progress) == len(reports), text[:4000]  # one line per exercise as it finished, before the report
    assert progress[-1].endswith("· done") and text.index(progress[-1]) < text.index(final)


def test_reference_passes_and_the_student_version_is_not_attempted(runs, assignment, exercise_id):
    report = runs(assignment)[2][exercise_id]
    assert not report["problem"], report["problem"]
    reference, = _outcomes(report, "reference")
    assert (reference["status"], reference["hidden_status"], reference["recheck"]) == ("passed", "passed", "passed"), \
        reference
    placeholder, = _outcomes(report, "placeholder")
    assert placeholder["status"] == "not attempted" and placeholder["recheck"] == "missing"


def test_typical_mistakes_fail_with_their_message_in_the_notebook_and_in_the_recheck(runs, assignment, exercise_id):
    report = runs(assignment)[2][exercise_id]
    mistakes = _outcomes(report, "wrong")
    assert len(mistakes) >= 2
    for outcome in mistakes:
        assert outcome["status"] == "not yet", outcome
        assert outcome["variant"]["fragment"] in outcome["message"] + outcome["raised"], outcome
        assert outcome["recheck"] in ("failed", "missing"), outcome  # missing: nothing could be recorded


def test_other_solutions_and_equivalent_spellings_pass_everywhere(runs, assignment, exercise_id):
    report = runs(assignment)[2][exercise_id]
    assert len(_outcomes(report, "other")) >= 2
    for outcome in _outcomes(report, "other") + _outcomes(report, "equivalent"):
        assert (outcome["status"], outcome["hidden_status"], outcome["recheck"]) == ("passed", "passed", "passed"), \
            outcome


def test_mutants_are_rejected_naming_the_change_unless_declared_equivalent(runs, assignment, exercise_id):
    report = runs(assignment)[2][exercise_id]
    for outcome in _outcomes(report, "mutant"):
        if outcome["verdict"] == "declared":
            assert outcome["variant"]["mutant_id"] in SPECS[assignment][exercise_id].equivalent_mutants
            continue
        assert outcome["status"] != "passed", outcome
        text = (outcome["message"] + " " + outcome["raised"]).lower()
        assert any(word.lower() in text for word in outcome["variant"]["keywords"]), outcome


def test_every_exercise_gets_enough_semantic_mutants(runs, assignment, exercise_id):
    """Every operator is on: each exercise (a function or a class too) gets MIN_MUTANTS wrong answers at least."""
    report = runs(assignment)[2][exercise_id]
    semantic = [o for o in _outcomes(report, "mutant") if o["verdict"] != "declared"]
    assert len(semantic) >= MIN_MUTANTS, [o["variant"]["label"] for o in _outcomes(report, "mutant")]


def test_the_recheck_agrees_with_the_grade_cell_for_every_variant(runs, assignment):
    """Parity: whatever the grade cell accepted, the trusted re-check accepted; nothing is called tampering."""
    for report in runs(assignment)[2].values():
        for outcome in report["outcomes"]:
            if outcome["status"] == "passed":
                assert outcome["recheck"] == "passed", outcome
            assert "tampering" not in outcome["recheck_message"], outcome
            assert not (outcome["status"] == "not yet" and outcome["recheck"] == "passed"), outcome


_PATH = re.compile(r"(/[\w.-]+){2,}")


def test_messages_have_no_tracebacks_paths_or_graph_text(runs, assignment):
    for report in runs(assignment)[2].values():
        for outcome in report["outcomes"]:
            message = outcome["message"]
            assert "Traceback" not in message and "KerasTensor shape" not in message, message
            assert not _PATH.search(message) and 'File "' not in message, message


def test_work_it_out_messages_never_show_the_expected_answer(runs, assignment, exercise_id):
    forms = hidden.value_spellings(SPECS[assignment][exercise_id].expected) | {
        canonical(SPECS[assignment][exercise_id].expected)}
    for outcome in runs(assignment)[2][exercise_id]["outcomes"]:
        if outcome["status"] == "passed":
            continue
        for form in forms:
            if form in hidden.normalise_text(outcome["variant"]["code"]):
                continue  # a message may echo the student's own answer back
            assert form not in hidden.normalise_text(outcome["message"]), (form, outcome)


test_work_it_out_messages_never_show_the_expected_answer.exercises = lambda spec: spec.expected is not hidden.MISSING
