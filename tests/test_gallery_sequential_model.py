"""The Part 1 audit gallery as a regression test (see ``tests/exercise_gallery``).

Every case (another correct solution or a typical mistake, written from the task text of a chapter in
``course/source/sequential_model``) runs in its notebook's own context and is judged by
``kitlib.exercises.check``, the notebook's grade cell (visible and hidden part, under ``kit grade``'s
environment) and ``kit grade``'s trusted re-check server. A right answer must pass all three; a wrong one must
be refused by the visible check already (unless it is a value hard-coded for the check's own probe), never get
points, and get a message that names the mistake without giving a predict or read item's answer away, without
tracebacks, paths, graph text or Keras' internal names.

Cases the checks judge wrongly today are listed in ``exercise_gallery.sequential_model.known.KNOWN`` and
reported as xfail; one that is judged right must be taken off that list (the test fails until it is).
"""
from __future__ import annotations

import collections

import pytest
from exercise_gallery.harness import Kernel, Notebook, Verifier, findings, run_case
from exercise_gallery.sequential_model import CHAPTERS, NOTEBOOKS, SKIP, _all_cases, notebook_of
from exercise_gallery.sequential_model.known import KNOWN

CASES = _all_cases()


@pytest.fixture(scope="module")
def verifier():
    import kitlib

    kitlib.setup(quiet=True)
    hidden = CHAPTERS.parent.parent / "hidden" / "sequential_model"
    server = Verifier(hidden if hidden.is_dir() else None)
    yield server
    server.close()
    from kitlib.exercises import session

    session.reset()  # the chapters ran in this process: leave no given-object snapshot to a later module


_NOTEBOOK: dict[str, Notebook] = {}


def _notebook(name: str) -> Notebook:
    if name not in _NOTEBOOK:
        _NOTEBOOK.clear()  # one chapter's context at a time: the cases run in chapter order
        _NOTEBOOK[name] = Notebook(CHAPTERS / name, SKIP)
    return _NOTEBOOK[name]


def test_gallery_covers_every_exercise_both_ways():
    """Every graded item of Part 1 has at least 3 other correct solutions and 5 typical mistakes of different
    classes, and none of them is a copy of the hidden part's own planted answers."""
    import importlib.util

    exercises = [e for name in sorted(set(NOTEBOOKS.values())) for e in Notebook(CHAPTERS / name).exercises()]
    by_exercise = collections.defaultdict(lambda: collections.defaultdict(list))
    for case in CASES:
        by_exercise[case.exercise][case.kind].append(case)
    assert sorted(by_exercise) == sorted(exercises)
    for exercise, kinds in by_exercise.items():
        assert len(kinds["right"]) >= 3, exercise
        assert len({c.variant for c in kinds["wrong"]}) >= 5, exercise
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    assert set(KNOWN) <= set(ids), set(KNOWN) - set(ids)

    planted = set()
    for path in sorted((CHAPTERS.parent.parent / "hidden" / "sequential_model").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"_hidden_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for hidden in module.HIDDEN:
            planted |= {_squash(code) for code, _ in hidden.wrong_answers} | {_squash(c) for c in hidden.other_solutions}
    assert not [case.id for case in CASES if _squash(case.code) in planted]


def _squash(code: str) -> str:
    return "".join(code.replace("'", '"').split())


@pytest.fixture(scope="module")
def kernel():
    return Kernel()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_case_is_judged_right(case, verifier, kernel):
    outcome = run_case(case, _notebook(notebook_of(case.exercise)), verifier, kernel)
    found = findings(case, outcome)
    report = "\n".join(f"- {cls}: {detail}" for cls, detail in found)
    if case.id not in KNOWN:
        assert not found, f"{case.id} ({case.variant}):\n{report}"
        return
    assert found, f"{case.id} is judged right now: take it off KNOWN in exercise_gallery/sequential_model/known.py"
    pytest.xfail(f"known ({', '.join(KNOWN[case.id])}):\n{report}")
