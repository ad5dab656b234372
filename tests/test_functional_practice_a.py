"""The practice items of "The Functional API" chapters 01-06b (issue 20): at least four graded items a
chapter in the four kinds, staged hints that never hold the answer, a worked explanation for each, one title
per exercise (notebook heading == Exercise.title), and the answer forms the predict and read items share
(``checks.letters_answer`` and ``checks.numbers_answer``, the per-question checks of ``functional_api._forms``).
No TensorFlow: the exercise modules and notebooks are read as data; the checks themselves are exercised by
``kit test-exercises`` and tests/test_exercises_functional_api.py.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kitlib.exercises import REGISTRY, hidden
from kitlib.exercises import checks as c
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


def test_letters_answer_reads_one_letter_per_question_or_a_set_and_names_the_wrong_form():
    """The one reader of letter answers (checks.letters_answer), in both its forms."""
    ordered = c.letters_answer("abc", 3, example="('c', 'a', 'a')", written=False)
    assert ordered(("B", " a", "c")) == ["b", "a", "c"]
    with pytest.raises(CheckFailed, match="tuple of 3 letters"):
        ordered("bac")  # the task asks for a tuple: a string is named as the form to fix
    assert c.letters_answer("abc", 3, example="('c', 'a', 'a')")("B, a, c") == ["b", "a", "c"]
    with pytest.raises(CheckFailed, match="one letter for each of the 3 questions"):
        ordered(("b", "a"))
    with pytest.raises(CheckFailed, match="question 2, 'd', is not among the options: it should be one of the "
                                          "letters a to c"):
        ordered(("b", "d", "a"))
    with pytest.raises(CheckFailed, match="question 1 should be one letter"):
        ordered(("config.json", "a", "b"))
    choices = c.letters_answer("abcde")
    assert choices("E, b, b") == ["b", "e"] and choices({"A", "c"}) == ["a", "c"] and choices(set()) == []
    with pytest.raises(CheckFailed, match="you chose no letter"):
        c.letters_answer("abcde", at_least_one=True)(set())
    with pytest.raises(CheckFailed, match="not among the options"):
        choices({"a", "x"})
    with pytest.raises(CheckFailed, match="each choice should be one letter"):
        choices(["ac", "b"])
    with pytest.raises(CheckFailed, match="set of letters"):
        c.letters_answer("abcde", written=False)("bce")


def test_numbers_answer_accepts_whole_numbers_in_any_numeric_form_and_shapes_by_part():
    """The one reader of number answers (checks.numbers_answer): counts, any number of them, or parts."""
    import numpy as np

    prepare = c.numbers_answer(2, values="numbers of steps", example="(50, 7)")
    assert prepare((85, 10.0)) == [85, 10]
    assert prepare([np.int64(3), np.float32(4.0)]) == [3, 4] and prepare(np.array([5, 6])) == [5, 6]
    with pytest.raises(CheckFailed, match="entry 2 of your answer should be a whole number"):
        prepare((85, 9.5))
    with pytest.raises(CheckFailed, match="entry 1 of your answer should be a whole number"):
        prepare((True, 1))
    with pytest.raises(CheckFailed, match="the number of values: your answer should be a tuple of 2 numbers of "
                                          "steps"):
        prepare((1, 2, 3))
    with pytest.raises(CheckFailed, match="0 or more"):
        prepare((1, -2))
    with pytest.raises(CheckFailed, match="entry 1 of predicted should be a whole number"):
        c.numbers_answer(2, what="predicted")((56.5, 4))
    units = c.numbers_answer(None, what="your list of units", example="[5, 7]")
    assert units([8, 6.0, 3]) == [8, 6, 3]
    with pytest.raises(CheckFailed, match="list of whole numbers"):
        units(3)
    with pytest.raises(CheckFailed, match="at least one number"):
        units([])
    named = c.numbers_answer(2, names=("the steps per epoch", "the steps in all"))
    with pytest.raises(CheckFailed, match="the steps in all should be a whole number"):
        named((32, 97.5))
    parts = c.numbers_answer(["shape", "count"], example="((None, 4), 20)", what="predicted")
    assert parts(((None, 4), np.int64(20))) == [[None, 4], 20]
    with pytest.raises(CheckFailed, match="entry 1 of predicted should be a shape"):
        parts((20, (None, 4)))


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
