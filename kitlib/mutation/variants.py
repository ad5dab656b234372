"""The answers tried on one exercise (:class:`Variant`) and what happened to each (:class:`Outcome`,
:class:`ExerciseReport`): the reference solution, the student version, the hidden part's wrong and
other solutions, and the generated mutants and equivalents (:func:`variants_for`).

Example::

    cells = exercise_cells(nbformat.read("03_input_shape.ipynb", as_version=4))
    solution_region(cells["seq03_weight_shapes"]["answer"])     # the code between the solution markers
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from kitlib.mutation.edits import Context, generate, mutant_id
from kitlib.mutation.equivalents import EQUIVALENCE_OPERATORS
from kitlib.mutation.mutants import operators_in_use


SOLUTION = re.compile(r"[ \t]*### BEGIN SOLUTION[^\n]*\n(?P<body>.*?)[ \t]*### END SOLUTION[^\n]*\n?", re.S)
STUB = "# YOUR CODE HERE"


@dataclass
class Variant:
    """One answer tried on an exercise. ``role``: reference, placeholder, wrong, other, mutant, equivalent."""

    role: str
    label: str
    code: str
    fragment: str = ""
    keywords: tuple = ()
    mutant_id: str = ""


@dataclass
class Outcome:
    """What the notebook and the re-check said about one variant."""

    variant: Variant
    status: str = "error"          # the grade cell's verdict: passed / not yet / not attempted / error
    message: str = ""
    hidden_status: str = ""        # the hidden part of the grade cell (kernel side)
    recheck: str = ""              # the trusted re-check's status
    recheck_message: str = ""
    raised: str = ""               # the answer cell's own error, if any
    seconds: float = 0.0
    verdict: str = ""              # ok / FAIL / declared (set by judge())
    why: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass
class ExerciseReport:
    exercise: str
    notebook: str
    outcomes: list[Outcome] = field(default_factory=list)
    problem: str = ""              # set-up failure


def solution_region(source: str) -> str:
    """The code inside the solution markers of an answer cell ('' when there are none)."""
    match = SOLUTION.search(source)
    return match["body"] if match else ""


def student_version(source: str) -> str:
    """The answer cell as students get it: the solution region replaced by the stub."""
    return SOLUTION.sub(STUB + "\n", source)


def exercise_cells(notebook: dict) -> dict[str, dict[str, Any]]:
    """``{exercise id: {"answer": source, "test": source, "index": answer cell index}}`` in notebook order."""
    found: dict[str, dict[str, Any]] = {}
    for index, cell in enumerate(notebook.get("cells", [])):
        grade_id = (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id") or ""
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        for suffix in ("answer", "test"):
            if grade_id.endswith("_" + suffix):
                entry = found.setdefault(grade_id[: -len(suffix) - 1], {})
                entry[suffix] = source
                if suffix == "answer":
                    entry["index"] = index
    return {k: v for k, v in found.items() if "answer" in v and "test" in v}


def _kind_of(value: Any) -> str:
    from kitlib.exercises.describe import is_keras_model

    if is_keras_model(value):
        return "model"
    if type(value).__module__.startswith("numpy") and hasattr(value, "shape"):
        return "array"
    return "other"


def answer_variable(exercise: Any, grade_cell: str) -> str:
    """The answer cell's variable: the exercise's ``variable``, else what its grade cell passes to grade()."""
    if exercise.variable:
        return exercise.variable
    match = re.search(rf"""grade\(\s*["']{re.escape(exercise.id)}["']\s*,\s*(\w+)""", grade_cell)
    return match.group(1) if match else ""


def variants_for(exercise: Any, cells: dict, spec: Any, given: dict[str, str], mutants: bool = True) -> list[Variant]:
    answer = cells["answer"]
    solution = solution_region(answer)
    student = student_version(answer)
    ctx = Context(exercise.kind, answer_variable(exercise, cells["test"]), given)

    def with_code(code: str) -> str:
        return student.replace(STUB, code.rstrip("\n"), 1)

    variants = [Variant("reference", "reference solution", answer), Variant("placeholder", "student version", student)]
    for number, (code, fragment) in enumerate(getattr(spec, "wrong_answers", ()) or (), start=1):
        variants.append(Variant("wrong", f"wrong answer {number}", with_code(code), fragment=fragment))
    for number, code in enumerate(getattr(spec, "other_solutions", ()) or (), start=1):
        variants.append(Variant("other", f"other solution {number}", with_code(code)))
    if mutants and solution.strip():
        for change, code in generate(solution, ctx, operators_in_use()):
            variants.append(Variant("mutant", change.description, with_code(code), keywords=change.keywords,
                                    mutant_id=mutant_id(change)))
        for change, code in generate(solution, ctx, EQUIVALENCE_OPERATORS):
            variants.append(Variant("equivalent", change.description, with_code(code)))
    return variants


def given_kinds(exercise: Any, solution: str, namespace: dict) -> dict[str, str]:
    """The notebook objects a solution uses and does not assign itself (models, arrays), with their kinds:
    the exercise's given objects and any other model or array of the notebook it reads."""
    try:
        tree = ast.parse(solution)
    except SyntaxError:
        return {}
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    names = (set(exercise.given) | set(exercise.optional_given) | read) - assigned - {exercise.variable}
    return {n: _kind_of(namespace[n]) for n in sorted(names) if n in namespace
            and _kind_of(namespace[n]) in ("model", "array")}
