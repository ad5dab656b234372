"""Part 1, "The Sequential model", in this process: every exercise's hidden part, and grading its reference
answer writes nothing to stderr and records plain data that comes back equal.

The mutation run of the whole course (reference, student version, typical mistakes, other solutions,
mutants, equivalents, parity with the re-check) is tests/mutation_outcomes.py (one test module per assignment).
"""
from __future__ import annotations

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


def test_every_exercise_has_its_hidden_part_with_mistakes_and_other_solutions():
    from kitlib.exercises import REGISTRY

    ported = {e.id for e in REGISTRY.all() if e.id.startswith("seq")}
    assert set(EXERCISE_IDS) == ported and len(ported) == 28
    for exercise_id in EXERCISE_IDS:
        spec = SPECS[exercise_id]
        assert len(spec.wrong_answers) >= 2, f"{exercise_id}: at least two typical mistakes"
        assert len(spec.other_solutions) >= 2, f"{exercise_id}: at least two other correct solutions"


def test_every_chapter_practises_in_four_kinds_with_hints_and_a_worked_explanation():
    """Issue 20: >= 4 graded items a chapter, all four activities in the part, 2-3 staged hints and an
    explanation for each, and the notebook heading is the exercise's title."""
    from collections import Counter

    from kitlib.exercises import REGISTRY

    exercises = {e.id: e for e in REGISTRY.all() if e.id.startswith("seq")}
    per_chapter = Counter(eid[:5] for eid in exercises)
    assert len(per_chapter) == 7 and min(per_chapter.values()) >= 4, per_chapter
    kinds = Counter(e.activity for e in exercises.values())
    assert set(kinds) == {"predict", "debug", "build", "read"} and min(kinds.values()) >= 3, kinds
    for exercise_id, exercise in exercises.items():
        assert 2 <= len(exercise.hints) <= 3, f"{exercise_id}: 2-3 hints"
        assert len(SPECS[exercise_id].explanation) > 80, f"{exercise_id}: a worked explanation"
    headings = {}
    for path in sorted(SOURCE.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        numbers = []
        for cell in nb.cells:
            if cell.cell_type == "markdown" and cell.source.startswith("## Exercise "):
                head = cell.source.splitlines()[0]
                number, title = head[len("## Exercise "):].split(" · ", 1)
                numbers.append(int(number))
                headings[title] = path.name
        assert numbers == list(range(1, len(numbers) + 1)), f"{path.name}: exercises numbered from 1"
    for exercise_id, exercise in exercises.items():
        assert exercise.title in headings, f"{exercise_id}: no heading '## Exercise N · {exercise.title}'"


def test_hints_never_hold_the_answer():
    """A hint points to where to look and which API, never the solution line or the value to predict."""
    from kitlib.exercises import REGISTRY
    from kitlib.exercises.hidden import normalise_text, value_spellings
    from kitlib.exercises.core import MISSING

    for exercise in REGISTRY.all():
        if not exercise.id.startswith("seq"):
            continue
        spec = SPECS[exercise.id]
        text = normalise_text(" ".join(exercise.hints))
        answer, _ = _answer_and_setup(exercise.id)
        region = answer.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
        for line in region.splitlines():
            line = normalise_text(line.split("#")[0])
            assert len(line) < 12 or line not in text, f"{exercise.id}: a hint holds the solution line {line!r}"
        if spec.expected is not MISSING:
            for spelling in value_spellings(spec.expected):
                assert spelling not in text, f"{exercise.id}: a hint holds the answer {spelling!r}"


# ------------------------------------------------------------------ in this process: stderr and records

IMPORTS = "import numpy"
CONTEXT = {
    "seq01": ("01_when_to_use.ipynb", [IMPORTS]),
    "seq02": ("02_creating_a_model.ipynb", [IMPORTS, "def make_draft"]),
    "seq03": ("03_input_shape.ipynb", [IMPORTS]),
    "seq04": ("04_debugging_workflow.ipynb", [IMPORTS, "def conv_out", "stuck = keras.Sequential"]),
    "seq05": ("05_once_you_have_a_model.ipynb",
              [IMPORTS, "load_mnist", "def make_digit_model", "trained.compile", "trained.fit(",
               "scores = trained.predict", "save_dir ="]),
    "seq06": ("06_feature_extraction.ipynb", [IMPORTS, "load_mnist", "digit_model = keras.Sequential",
                                              "snapshot = keras.models.clone_model"]),
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
    from kitlib.exercises import session

    kitlib.setup(quiet=True)
    session.reset()  # these tests call grade() directly: no given-object snapshot of an earlier notebook run applies


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
