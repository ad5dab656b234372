"""The Part 1 ("The Sequential model") audit gallery: for every exercise, other correct solutions and typical
mistakes, written from the task text of the chapter notebooks in ``course/source/sequential_model``, none of
them a copy of the hidden part's own ``wrong_answers`` / ``other_solutions``.

``_all_cases()`` lists them all; ``NOTEBOOKS`` says which notebook each exercise lives in and ``SKIP`` which
cells the gallery leaves out of the context (plots, widgets and the pretrained Xception that no exercise needs).
``known.KNOWN`` lists the cases that the checks judge wrongly today (``tests/test_gallery_sequential_model.py``
marks them xfail(strict)).

    KITLIB_OFFLINE=1 PYTHONPATH=$PWD:tests python -m exercise_gallery.report sequential_model [--only seq03]
"""
from __future__ import annotations

from exercise_gallery.functional_api import block, right, stale, wrong  # one owner of the case builders
from exercise_gallery.harness import ROOT

__all__ = ["CHAPTERS", "NOTEBOOKS", "SKIP", "block", "notebook_of", "right", "stale", "wrong", "_all_cases"]

CHAPTERS = ROOT / "course" / "source" / "sequential_model"
# Left out of the context: widgets, figures of feature maps and the pretrained Xception of A7 (20 million
# parameters that no exercise uses). The chapters' short training runs stay: exercises judge their results.
SKIP = ("SequentialDebugger", "LayerOutputExplorer", "plt.subplots(", "kitlib.data.pretrained(")
NOTEBOOKS = {
    "seq01": "01_when_to_use.ipynb",
    "seq02": "02_creating_a_model.ipynb",
    "seq03": "03_input_shape.ipynb",
    "seq04": "04_debugging_workflow.ipynb",
    "seq05": "05_once_you_have_a_model.ipynb",
    "seq06": "06_feature_extraction.ipynb",
    "seq07": "07_transfer_learning.ipynb",
}


def notebook_of(exercise_id: str) -> str:
    return NOTEBOOKS[exercise_id.split("_")[0]]


def _all_cases() -> list:
    from exercise_gallery.sequential_model import a01, a02, a03, a04, a05, a06, a07

    cases = []
    for module in (a01, a02, a03, a04, a05, a06, a07):
        cases.extend(module.CASES)
    return cases
