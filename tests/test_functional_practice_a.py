"""The practice items of "The Functional API" chapters 01-06b (issue 20): at least four graded items a
chapter in the four kinds, staged hints that never hold the answer, a worked explanation for each, one title
per exercise (notebook heading == Exercise.title), and the answer forms the predict and read items share
(``kitlib.exercises.functional_api._forms``). No TensorFlow: the exercise modules and notebooks are read as
data; the checks themselves are exercised by ``kit test-exercises`` and tests/test_exercises_functional_api.py.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kitlib.exercises import REGISTRY, hidden
from kitlib.exercises.core import ACTIVITIES, CheckFailed, digest
from kitlib.exercises.functional_api import _forms

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ["01_introduction", "02_training_evaluation_inference", "03_save_and_serialize",
            "04_same_graph_multiple_models", "05_models_are_callable", "06a_multiple_inputs_outputs",
            "06b_toy_resnet"]
SPECS = hidden.load(ROOT / "course" / "hidden" / "functional_api")
HEADING = re.compile(r"^## Exercise (\d+) · (.+)$", re.MULTILINE)


def _notebook(chapter: str) -> dict:
    return json.loads((ROOT / "course" / "source" / "functional_api" / f"{chapter}.ipynb").read_text("utf-8"))


def _exercises_of(chapter: str) -> list:
    """The chapter's exercises in notebook order, with their headings and reference solutions."""
    found, heading = [], None
    for cell in _notebook(chapter)["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and HEADING.search(text):
            heading = HEADING.search(text).groups()
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("_answer"):
            solution = text.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0].strip()
            found.append((grade_id[: -len("_answer")], heading, solution))
    return found


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_chapter_has_four_graded_items_with_one_title_and_numbered_headings(chapter):
    items = _exercises_of(chapter)
    assert len(items) >= 4, f"{chapter}: {len(items)} graded items"
    for number, (exercise_id, heading, _) in enumerate(items, start=1):
        assert heading is not None, f"{exercise_id}: no '## Exercise N · title' heading"
        assert heading == (str(number), REGISTRY.get(exercise_id).title), exercise_id


def test_the_four_kinds_appear_several_times_across_the_chapters():
    activities = [REGISTRY.get(e).activity for chapter in CHAPTERS for e, _, _ in _exercises_of(chapter)]
    assert set(activities) == set(ACTIVITIES)
    assert all(activities.count(kind) >= 4 for kind in ACTIVITIES), activities


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_hints_are_staged_and_never_hold_the_answer_and_every_item_is_explained(chapter):
    for exercise_id, _, solution in _exercises_of(chapter):
        exercise, spec = REGISTRY.get(exercise_id), SPECS[exercise_id]
        assert 2 <= len(exercise.hints) <= 3, exercise_id
        assert len(set(exercise.hints)) == len(exercise.hints), exercise_id
        text = " ".join(exercise.hints).replace('"', "'")
        for line in solution.splitlines():
            line = line.strip().replace('"', "'")
            assert len(line) < 12 or line not in text, f"{exercise_id}: a hint holds the solution line {line!r}"
        if spec.expected is not hidden.MISSING:
            for spelling in hidden.value_spellings(spec.expected):
                assert spelling not in hidden.normalise_text(text), f"{exercise_id}: a hint holds the answer"
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", spec.explanation.strip()) if s]
        assert 2 <= len(sentences) <= 6, f"{exercise_id}: the explanation has {len(sentences)} sentences"
        assert len(spec.wrong_answers) >= 3 and len(spec.other_solutions) >= 3, exercise_id


def test_choices_record_normalises_letters_and_names_the_wrong_form():
    prepare = _forms.choices_record(3, "abc", "('c', 'a', 'a')")
    assert prepare(("B", " a", "c")) == ["b", "a", "c"]
    with pytest.raises(CheckFailed, match="tuple of 3 letters"):
        prepare("bac")
    with pytest.raises(CheckFailed, match="there are 3 questions"):
        prepare(("b", "a"))
    with pytest.raises(CheckFailed, match="question 2 should be one of the letters a, b, c"):
        prepare(("b", "d", "a"))


def test_numbers_record_accepts_whole_numbers_in_any_numeric_form():
    import numpy as np

    prepare = _forms.numbers_record(2, "numbers of steps", "(50, 7)")
    assert prepare((85, 10.0)) == [85, 10]
    assert prepare([np.int64(3), np.float32(4.0)]) == [3, 4]
    with pytest.raises(CheckFailed, match="value 2 should be a whole number"):
        prepare((85, 9.5))
    with pytest.raises(CheckFailed, match="value 1 should be a whole number"):
        prepare((True, 1))
    with pytest.raises(CheckFailed, match="the number of values"):
        prepare((1, 2, 3))


def test_each_matches_stops_at_the_first_wrong_item_and_names_the_question_and_letter():
    rights = [digest("b", "demo:0"), digest("c", "demo:1")]
    known = [{digest("a", "demo:0"): "the InputLayer counts"}, {}]
    check = _forms.each_matches("demo", rights, known, ["first not yet", "second not yet"], ["h1", "h2"],
                                letters=True)
    check(["b", "c"])
    with pytest.raises(CheckFailed) as first:
        check(["a", "a"])
    assert first.value.what == "question 1, letter 'a': the InputLayer counts"
    with pytest.raises(CheckFailed) as second:
        check(["b", "a"])
    assert second.value.what == "question 2, letter 'a': second not yet" and second.value.hint == "h2"
    plain = _forms.each_matches("demo", rights, known, ["first not yet", "second not yet"], ["h1", "h2"])
    with pytest.raises(CheckFailed, match="^first not yet"):
        plain(["x", "c"])
