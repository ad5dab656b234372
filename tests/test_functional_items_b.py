"""Part B, chapters 07-11 (shared layers, extract and reuse nodes, custom layers, when to use the functional
API, mix and match): the practice each chapter offers, checked without TensorFlow.

- every chapter has at least four graded items, and across the five chapters each kind of practice
  (predict, debug, build, read) appears at least twice;
- every item has 2-3 staged hints that never hold a line of its worked solution, a worked explanation,
  at least three typical mistakes and three other correct answers;
- the notebook heading of each exercise is ``## Exercise N · <title>`` with the exercise's own title, in
  the notebook's order, right before its answer cell;
- the predict-it and read-it items: the course-side expected value passes the visible checks (its digest
  is the module's), and every planted mistake fails with its message fragment, without the expected value
  in the message (the reference and the other solutions go through the grade cells in the mutation run).
  A digest costs about 0.07 s by design, so this part takes some seconds.

The full mutation run of these items (reference, mutants, equivalents, parity with the re-check) is
``kit test-exercises functional_api``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kitlib.exercises import get, hidden
from kitlib.exercises.core import canonical

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "course" / "source" / "functional_api"
SPECS = hidden.load(ROOT / "course" / "hidden" / "functional_api")
CHAPTERS = {"07_shared_layers": "fn07", "08_extract_and_reuse_nodes": "fn08", "09_custom_layers": "fn09",
            "10_when_to_use": "fn10", "11_mix_and_match": "fn11"}
HEADING = re.compile(r"^## Exercise (\d+) · (.+)$", re.M)


def _cells(chapter: str) -> list[dict]:
    return json.loads((SOURCE / f"{chapter}.ipynb").read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    return "".join(cell["source"])


def _exercise_ids(chapter: str) -> list[str]:
    """The exercise ids of a chapter, in notebook order (from the answer cells' grade_ids)."""
    ids = []
    for cell in _cells(chapter):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("_answer"):
            ids.append(grade_id[: -len("_answer")])
    return ids


def _solution(exercise_id: str) -> str:
    for chapter in CHAPTERS:
        for cell in _cells(chapter):
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == f"{exercise_id}_answer":
                source = _text(cell)
                return source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
    raise AssertionError(f"no answer cell for {exercise_id}")


ALL_IDS = [e for chapter in CHAPTERS for e in _exercise_ids(chapter)]


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_every_chapter_has_at_least_four_graded_items(chapter):
    ids = _exercise_ids(chapter)
    assert len(ids) >= 4, ids
    assert all(e.startswith(CHAPTERS[chapter] + "_") for e in ids)


def test_the_four_kinds_of_practice_each_appear_at_least_twice():
    kinds = [get(e).activity for e in ALL_IDS]
    for kind in ("predict", "debug", "build", "read"):
        assert kinds.count(kind) >= 2, (kind, kinds)


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_hints_in_stages_never_hold_the_solution(exercise_id):
    exercise = get(exercise_id)
    assert 2 <= len(exercise.hints) <= 3, exercise.hints
    lines = [line.strip() for line in _solution(exercise_id).splitlines()]
    solution_lines = [line for line in lines if len(line) > 12 and not line.startswith("#")]
    for hint in exercise.hints:
        assert len(hint) > 20
        for line in solution_lines:
            assert line not in hint, f"{exercise_id}: a hint holds the solution line {line!r}"


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_hidden_part_explains_and_plants_mistakes_and_other_solutions(exercise_id):
    spec = SPECS[exercise_id]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", spec.explanation.strip()) if s]
    assert 2 <= len(sentences) <= 5, spec.explanation
    assert len(spec.wrong_answers) >= 3 and len(spec.other_solutions) >= 3


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_headings_are_numbered_with_the_exercise_titles_before_their_answer_cells(chapter):
    cells = _cells(chapter)
    headings = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        for number, title in HEADING.findall(_text(cell)):
            headings.append((index, int(number), title.strip()))
    assert not any(re.search(r"^#+ Exercises?\b(?! \d+ ·)", _text(c), re.M) for c in cells
                   if c["cell_type"] == "markdown"), "an old-style exercise heading is left"
    ids = _exercise_ids(chapter)
    assert [n for _, n, _ in headings] == list(range(1, len(ids) + 1))
    answers = [i for i, c in enumerate(cells)
               if c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "").endswith("_answer")]
    for (index, _, title), exercise_id, answer_index in zip(headings, ids, answers):
        assert title == get(exercise_id).title, (title, get(exercise_id).title)
        assert index < answer_index
        between = [c for c in cells[index + 1:answer_index] if c["cell_type"] == "markdown"]
        assert not any(HEADING.search(_text(c)) for c in between), f"{exercise_id}: its heading is not the last one"


LITERAL = [e for e in ALL_IDS if get(e).kind == "literal"]


def _answer_of(code: str, variable: str):
    namespace: dict = {}
    exec(compile(code, "<answer>", "exec"), namespace)  # noqa: S102 - the course's own planted answers
    return namespace[variable]


@pytest.mark.parametrize("exercise_id", LITERAL)
def test_work_it_out_items_accept_the_expected_value_and_name_each_planted_mistake(exercise_id):
    exercise, spec = get(exercise_id), SPECS[exercise_id]
    assert get(exercise_id).activity in ("predict", "read")
    assert exercise.evaluate(spec.expected).passed, "the module's digest is not the hidden expected value's"
    shown = canonical(spec.expected)
    for code, fragment in spec.wrong_answers:
        feedback = exercise.evaluate(_answer_of(code, exercise.variable))
        message = str(feedback)
        assert not feedback.passed and fragment in message, (code, message)
        assert shown not in message
