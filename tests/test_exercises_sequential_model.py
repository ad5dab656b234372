"""Part 1, "The Sequential model": every exercise graded as a student meets it, and as kit grade re-checks it.

One run of ``kit test-exercises sequential_model`` (module fixture: each notebook executes once and forks
per variant) grades, through the notebook's own grade cell and the trusted re-check with
``course/hidden/sequential_model``: the reference solution, the untouched student version, the typical
mistakes and the other correct solutions of the hidden part, the generated mutants and the equivalent
spellings. The tests below read its outcomes; a few more grade answers in this process (stderr, records).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from kitlib.exercises import hidden
from kitlib.exercises.core import canonical

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"
SOURCE = COURSE / "source" / "sequential_model"
SPECS = hidden.load(COURSE / "hidden" / "sequential_model")
EXERCISE_IDS = sorted(SPECS)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """``kit test-exercises sequential_model`` once: (exit code, printed report, outcomes by exercise)."""
    out = tmp_path_factory.mktemp("mutation") / "outcomes.json"
    env = dict(os.environ, KITLIB_OFFLINE="1", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "kitlib.cli", "test-exercises", "sequential_model",
                           "--course", str(COURSE), "--jobs", "2", "--json", str(out)],
                          capture_output=True, text=True, env=env, timeout=1500)
    reports = {r["exercise"]: r for r in json.loads(out.read_text())}
    return done.returncode, done.stdout + done.stderr, reports


def _outcomes(reports, exercise_id, role):
    return [o for o in reports[exercise_id]["outcomes"] if o["variant"]["role"] == role]


def test_every_exercise_has_its_hidden_part_and_its_notebook_cells():
    from kitlib.exercises import REGISTRY

    ported = {e.id for e in REGISTRY.all() if e.id.startswith("seq")}
    assert set(EXERCISE_IDS) == ported and len(ported) == 14
    for exercise_id in EXERCISE_IDS:
        spec = SPECS[exercise_id]
        assert len(spec.wrong_answers) >= 2, f"{exercise_id}: at least two typical mistakes"
        assert len(spec.other_solutions) >= 2, f"{exercise_id}: at least two other correct solutions"


def test_the_command_passes_and_prints_the_totals(run):
    code, text, reports = run
    assert code == 0, text[-6000:]
    assert set(reports) == set(EXERCISE_IDS), text[-2000:]
    final = text.strip().splitlines()[-1]
    match = re.match(r"mutants rejected (\d+)/(\d+) · equivalents accepted (\d+)/(\d+) · "
                     r"messages naming the mutated property (\d+)/(\d+)", final)
    assert match, final
    rejected, mutants, accepted, equivalents, named, named_of = map(int, match.groups())
    assert rejected == mutants == named_of and mutants >= 100
    assert accepted == equivalents and equivalents >= 60
    assert named == mutants, text[-6000:]


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_reference_passes_and_the_student_version_is_not_attempted(run, exercise_id):
    _, _, reports = run
    assert not reports[exercise_id]["problem"], reports[exercise_id]["problem"]
    reference, = _outcomes(reports, exercise_id, "reference")
    assert (reference["status"], reference["hidden_status"], reference["recheck"]) == ("passed", "passed", "passed"), \
        reference
    placeholder, = _outcomes(reports, exercise_id, "placeholder")
    assert placeholder["status"] == "not attempted" and placeholder["recheck"] == "missing"


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_typical_mistakes_fail_with_their_message_in_the_notebook_and_in_the_recheck(run, exercise_id):
    _, _, reports = run
    for outcome in _outcomes(reports, exercise_id, "wrong"):
        assert outcome["status"] == "not yet", outcome
        assert outcome["variant"]["fragment"] in outcome["message"] + outcome["raised"], outcome
        assert outcome["recheck"] in ("failed", "missing"), outcome  # missing: nothing could be recorded


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_other_solutions_and_equivalent_spellings_pass_everywhere(run, exercise_id):
    _, _, reports = run
    accepted = _outcomes(reports, exercise_id, "other") + _outcomes(reports, exercise_id, "equivalent")
    assert accepted
    for outcome in accepted:
        assert (outcome["status"], outcome["hidden_status"], outcome["recheck"]) == ("passed", "passed", "passed"), \
            outcome


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_mutants_are_rejected_unless_declared_equivalent(run, exercise_id):
    _, _, reports = run
    for outcome in _outcomes(reports, exercise_id, "mutant"):
        if outcome["verdict"] == "declared":
            assert outcome["variant"]["mutant_id"] in SPECS[exercise_id].equivalent_mutants
            continue
        assert outcome["status"] != "passed", outcome
        text = (outcome["message"] + " " + outcome["raised"]).lower()
        assert any(word.lower() in text for word in outcome["variant"]["keywords"]), outcome


def test_the_recheck_agrees_with_the_grade_cell_for_every_variant(run):
    """Parity: whatever the grade cell accepted, the trusted re-check accepted; nothing is called tampering."""
    _, _, reports = run
    for report in reports.values():
        for outcome in report["outcomes"]:
            if outcome["status"] == "passed":
                assert outcome["recheck"] == "passed", outcome
            assert "tampering" not in outcome["recheck_message"], outcome
            if outcome["status"] == "not yet" and outcome["recheck"] == "passed":
                pytest.fail(f"the re-check passed what the grade cell refused: {outcome}")


_PATH = re.compile(r"(/[\w.-]+){2,}")


def test_messages_have_no_tracebacks_paths_or_graph_text(run):
    _, _, reports = run
    for report in reports.values():
        for outcome in report["outcomes"]:
            message = outcome["message"]
            assert "Traceback" not in message and "KerasTensor shape" not in message, message
            assert not _PATH.search(message), message
            assert "File \"" not in message, message


def _spellings(value) -> set[str]:
    """Ways a literal answer could be written out in a message."""
    forms = {repr(value), canonical(value)}
    if isinstance(value, (list, tuple)):
        forms |= {repr(tuple(value)), repr(list(value)), ", ".join(map(str, value))}
        forms |= {", ".join(str(v) for v in value if v is not None)}
    return {f for f in forms if len(f) >= 4}


@pytest.mark.parametrize("exercise_id", [e for e in EXERCISE_IDS if SPECS[e].expected is not hidden.MISSING])
def test_work_it_out_messages_never_show_the_expected_answer(run, exercise_id):
    _, _, reports = run
    forms = _spellings(SPECS[exercise_id].expected)
    for outcome in reports[exercise_id]["outcomes"]:
        if outcome["status"] == "passed":
            continue
        for form in forms:
            if form in outcome["variant"]["code"]:
                continue  # the message may echo the student's own answer back
            assert form not in outcome["message"], (form, outcome)


# ------------------------------------------------------------------ in this process: stderr and records

IMPORTS = "import numpy"
CONTEXT = {
    "seq01": ("01_when_to_use.ipynb", [IMPORTS]),
    "seq02": ("02_creating_a_model.ipynb", [IMPORTS, "def make_draft"]),
    "seq03": ("03_input_shape.ipynb", [IMPORTS]),
    "seq04": ("04_debugging_workflow.ipynb", [IMPORTS, "def conv_out"]),
    "seq05": ("05_once_you_have_a_model.ipynb",
              [IMPORTS, "load_mnist", "def make_digit_model", "trained.compile", "trained.fit(",
               "scores = trained.predict", "save_dir ="]),
    "seq06": ("06_feature_extraction.ipynb", [IMPORTS, "load_mnist", "digit_model = keras.Sequential"]),
    "seq07": ("07_transfer_learning.ipynb", [IMPORTS, "def make_mlp", "donor.load_weights"]),
}
_CONTEXTS: dict[str, dict] = {}


def _answer_and_setup(exercise_id):
    name, markers = CONTEXT[exercise_id[:5]]
    nb = nbformat.read(SOURCE / name, as_version=4)
    answer = next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"{exercise_id}_answer")
    setup = [next(c.source for c in nb.cells if c.cell_type == "code" and marker in c.source
                  and "nbgrader" not in c.metadata) for marker in markers]
    return answer, setup


def _namespace(exercise_id, setup):
    key = exercise_id[:5]
    if key not in _CONTEXTS:
        namespace: dict = {}
        for source in setup:
            exec(compile(source, f"<{key} set-up>", "exec"), namespace)
        _CONTEXTS[key] = namespace
    return dict(_CONTEXTS[key])


@pytest.fixture(scope="module", autouse=True)
def quiet_keras():
    import kitlib

    kitlib.setup(quiet=True)


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_grading_the_reference_writes_nothing_to_stderr_and_records_plain_data(exercise_id, capfd, tmp_path,
                                                                               monkeypatch):
    """nbgrader zeroes a grade cell that writes to stderr; the record is plain data that comes back equal."""
    from kitlib.exercises import answers, get, grade

    exercise = get(exercise_id)
    answer, setup = _answer_and_setup(exercise_id)
    namespace = _namespace(exercise_id, setup)
    if exercise_id == "seq07_new_head":  # the answer freezes donor's layers: a fresh donor
        _CONTEXTS.pop("seq07")
    exec(compile(answer, "<answer cell>", "exec"), namespace)
    value = namespace[exercise.variable]
    given = {n: namespace[n] for n in exercise.given}
    capfd.readouterr()
    monkeypatch.setenv("KIT_ANSWER_DIR", str(tmp_path))
    grade(exercise_id, value, **given)
    grade(exercise_id, value, hidden=True, **given)
    assert capfd.readouterr().err == "", "grading a correct answer wrote to stderr"
    feedback, record = exercise._evaluate(value, given=given)
    assert feedback.passed and answers.is_plain(record), str(feedback)
    back = answers.decode(tmp_path, exercise_id)
    assert canonical(_lists(back)) == canonical(_lists(record))
    assert answers.read_meta(tmp_path, exercise_id)["kernel"] == "passed"


def _lists(value):
    """Arrays as nested lists, so that records compare as text."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    return value
