"""Every chapter notebook follows the template (course/AUTHORING.md) that grading relies on.

Cheap static checks, run on whatever notebooks exist under course/source/.
"""
from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from kitlib.exercises import REGISTRY, hidden

pytestmark = pytest.mark.fast

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "course" / "source").glob("*/*.ipynb"))
SOLUTION = re.compile(r"### BEGIN SOLUTION.*?### END SOLUTION", re.S)


def nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def exercises_in(nb) -> dict[str, dict]:
    """grade_id prefix -> {'answer': cell, 'test': cell}."""
    found: dict[str, dict] = {}
    for cell in nb.cells:
        grade_id = nbgrader(cell).get("grade_id", "")
        for suffix in ("answer", "test"):
            if grade_id.endswith("_" + suffix):
                found.setdefault(grade_id[: -len(suffix) - 1], {})[suffix] = cell
    return found


def test_both_assignments_have_chapters():
    assignments = Counter(p.parent.name for p in NOTEBOOKS)
    assert assignments["sequential_model"] >= 7, assignments
    assert assignments["functional_api"] >= 11, assignments


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_chapter_template(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"  # ### AUTOTEST and nbgrader need this name
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source.strip() == "import kitlib; kitlib.setup()"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "commit without outputs"
    assert "keras.io/guides/" in "".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_exercises_are_wired_to_the_registry(path):
    nb = nbformat.read(path, as_version=4)
    exercises = exercises_in(nb)
    assert len(exercises) >= 2, "every chapter has at least two exercises"
    for exercise_id, cells in exercises.items():
        assert set(cells) == {"answer", "test"}, f"{exercise_id}: needs an answer cell and a grade cell"
        answer, test = cells["answer"], cells["test"]
        assert nbgrader(answer)["solution"] and not nbgrader(answer)["grade"]
        assert nbgrader(test)["grade"] and nbgrader(test)["locked"] and not nbgrader(test)["solution"]
        exercise = REGISTRY.get(exercise_id)
        assert float(nbgrader(test)["points"]) == float(exercise.points)
        assert f'grade("{exercise_id}"' in test.source
        assert "### BEGIN HIDDEN TESTS" in test.source and "### END HIDDEN TESTS" in test.source
        assert SOLUTION.search(answer.source), f"{exercise_id}: no solution region"
        # Planted wrong answers: course-side in COURSE/hidden/<assignment>/ (or, not yet ported, in the exercise).
        wrong_answers = hidden.planted_wrong_answers(exercise, ROOT / "course" / "hidden")
        assert wrong_answers, f"{exercise_id}: plant at least one wrong answer"
        # The student version must stay valid Python: region -> stub (course/nbgrader_config.py).
        student = SOLUTION.sub("# YOUR CODE HERE", answer.source)
        ast.parse(student)
        for code, _fragment in wrong_answers:
            ast.parse(student.replace("# YOUR CODE HERE", code))


def test_every_registered_exercise_is_in_exactly_one_notebook():
    where = Counter()
    for path in NOTEBOOKS:
        where.update(exercises_in(nbformat.read(path, as_version=4)).keys())
    registered = {e.id for e in REGISTRY.all()}
    assert registered == set(where), f"missing in notebooks: {registered - set(where)}; unknown: {set(where) - registered}"
    assert all(count == 1 for count in where.values()), where


def test_course_readme_maps_every_chapter_with_its_title():
    from kitlib.lab import notebook_title

    text = (ROOT / "course" / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        link = f"[{notebook_title(path)}]({path.relative_to(ROOT / 'course').as_posix()})"
        assert link in text, f"course/README.md lacks {link}: regenerate it with kitlib.lab.course_map"


def test_every_ported_assignment_has_its_mutation_test_module():
    """``kit test-exercises`` runs in the suite once per assignment with a hidden part, one test module each
    (tests/mutation_outcomes.py): a newly ported assignment needs its module, or its run is never tested."""
    ported = sorted(p.name for p in (ROOT / "course" / "hidden").iterdir() if p.is_dir() and not p.name.startswith("."))
    assert ported
    for assignment in ported:
        module = ROOT / "tests" / f"test_exercises_mutation_{assignment}.py"
        assert module.is_file(), f"{assignment} has a hidden part but no {module.name} (see tests/mutation_outcomes.py)"
        tree = ast.parse(module.read_text(encoding="utf-8"))
        names = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
                 for t in n.targets if isinstance(t, ast.Name)}
        assert names.get("ASSIGNMENT") == assignment, module.name
