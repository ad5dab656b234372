"""The gallery of one course part as a regression test: the one owner of the tests both parts run.

A part's test module (``tests/test_gallery_<part>.py``) names its part and imports these tests and fixtures::

    PART = "functional_api"
    MIN_WRONG_VARIANTS = 3
    from exercise_gallery.suite import kernel, pytest_generate_tests, test_case_is_judged_right, ...  # noqa

Every case (another correct solution or a typical mistake, written from the task text of a chapter in
``course/source/<part>``) runs in its notebook's own context and is judged by ``kitlib.exercises.check``, the
notebook's grade cell (visible and hidden part, under ``kit grade``'s environment) and ``kit grade``'s trusted
re-check server. A right answer must pass all three; a wrong one must be refused by the visible check already
(unless the case is a value only hidden probes can see), never get points, and get a message that names the
mistake without giving a predict or read item's answer away, without tracebacks, paths, graph text or Keras'
internal names. A raising answer cell must be named as such (and, where the kit explains the error, with what
the case says the explanation names).

Cases the checks judge wrongly today are listed in ``exercise_gallery.<part>.known.KNOWN`` and reported as
xfail; one that is judged right must be taken off that list (the test fails until it is).
"""
from __future__ import annotations

import collections
import importlib
import importlib.util

import pytest

from exercise_gallery.harness import Kernel, Notebook, Verifier, findings, run_case

__all__ = ["kernel", "pytest_generate_tests", "test_case_is_judged_right", "test_gallery_covers_every_exercise",
           "verifier"]


def _part(module):
    """The gallery sub-package of the test module's ``PART``."""
    return importlib.import_module(f"exercise_gallery.{module.PART}")


def _known(module) -> dict:
    return importlib.import_module(f"exercise_gallery.{module.PART}.known").KNOWN


_CASES: dict[str, list] = {}


def _cases(module) -> list:
    if module.PART not in _CASES:
        _CASES[module.PART] = _part(module)._all_cases()
    return _CASES[module.PART]


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        metafunc.parametrize("case", _cases(metafunc.module), ids=lambda c: c.id)


@pytest.fixture(scope="module")
def verifier(request):
    import kitlib

    kitlib.setup(quiet=True)
    hidden = _part(request.module).CHAPTERS.parent.parent / "hidden" / request.module.PART
    server = Verifier(hidden if hidden.is_dir() else None)
    yield server
    server.close()
    from kitlib.exercises import session

    session.reset()  # the chapters ran in this process: leave no given-object snapshot to a later module


@pytest.fixture(scope="module")
def kernel():
    return Kernel()


_NOTEBOOK: dict = {}


def _notebook(part, name: str) -> Notebook:
    path = part.CHAPTERS / name
    if path not in _NOTEBOOK:
        _NOTEBOOK.clear()  # one chapter's context at a time: the cases run in chapter order
        _NOTEBOOK[path] = Notebook(path, part.SKIP)
    return _NOTEBOOK[path]


def _squash(code: str) -> str:
    return "".join(code.replace("'", '"').split())


def test_gallery_covers_every_exercise(request):
    """Every graded item of the part has at least 3 other correct solutions and ``MIN_WRONG_VARIANTS`` typical
    mistakes of different classes and case ids are unique; in a part whose module says
    ``INDEPENDENT_OF_HIDDEN = True``, no case is a copy of the hidden part's own planted answers (wrong_answers /
    other_solutions: the gallery is then a held-out test of the checks)."""
    module, part = request.module, _part(request.module)
    cases = _cases(module)
    exercises = [e for name in sorted(set(part.NOTEBOOKS.values())) for e in Notebook(part.CHAPTERS / name).exercises()]
    by_exercise = collections.defaultdict(lambda: collections.defaultdict(list))
    for case in cases:
        by_exercise[case.exercise][case.kind].append(case)
    assert sorted(by_exercise) == sorted(exercises)
    for exercise, kinds in by_exercise.items():
        assert len(kinds["right"]) >= 3, exercise
        assert len({c.variant for c in kinds["wrong"]}) >= module.MIN_WRONG_VARIANTS, exercise
    ids = [case.id for case in cases]
    assert len(ids) == len(set(ids))
    known = _known(module)
    assert set(known) <= set(ids), set(known) - set(ids)

    if not getattr(module, "INDEPENDENT_OF_HIDDEN", False):
        return  # a part whose hidden part took its planted answers from this gallery
    planted = set()
    for path in sorted((part.CHAPTERS.parent.parent / "hidden" / module.PART).glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"_hidden_{module.PART}_{path.stem}", path)
        hidden_module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(hidden_module)
        for hidden in hidden_module.HIDDEN:
            planted |= {_squash(code) for code, _ in hidden.wrong_answers} | {_squash(c) for c in hidden.other_solutions}
    assert not [case.id for case in cases if _squash(case.code) in planted]


def test_case_is_judged_right(case, verifier, kernel, request):
    part = _part(request.module)
    outcome = run_case(case, _notebook(part, part.notebook_of(case.exercise)), verifier, kernel)
    found = findings(case, outcome)
    report = "\n".join(f"- {cls}: {detail}" for cls, detail in found)
    known = _known(request.module)
    if case.id not in known:
        assert not found, f"{case.id} ({case.variant}):\n{report}"
        return
    assert found, f"{case.id} is judged right now: take it off KNOWN in exercise_gallery/{request.module.PART}/known.py"
    pytest.xfail(f"known ({', '.join(known[case.id])}):\n{report}")
