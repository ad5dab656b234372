"""The Part 2 ("The Functional API") audit gallery: for every exercise, other correct solutions and typical
mistakes, written from the task text of the chapter notebooks in ``course/source/functional_api``.

``CASES`` lists them all; ``NOTEBOOKS`` says which notebook each exercise lives in and which of its cells
the gallery leaves out of the context (training runs, plots and widgets that no exercise needs).
``KNOWN`` lists the cases that the exercise checks judge wrongly today, with the findings the audit reported
(``tests/test_gallery_functional_api.py`` marks them xfail(strict): fixing one without removing it fails).
"""
from __future__ import annotations

import textwrap

from exercise_gallery.harness import ROOT, Case

CHAPTERS = ROOT / "course" / "source" / "functional_api"
# Left out of the context: plots and widgets, and the chapters' longer training runs (B2's two MNIST epochs,
# B6a's ticket model, B6b's CIFAR-10 run) with the cell that reads their results.
SKIP = ("LiveHistory", "import matplotlib", "ModelGraph(", "LayerOutputExplorer", "show_graph(",
        "history = model.fit(", "predictions = model.predict({")
NOTEBOOKS = {
    "fn01": "01_introduction.ipynb",
    "fn02": "02_training_evaluation_inference.ipynb",
    "fn03": "03_save_and_serialize.ipynb",
    "fn04": "04_same_graph_multiple_models.ipynb",
    "fn05": "05_models_are_callable.ipynb",
    "fn06a": "06a_multiple_inputs_outputs.ipynb",
    "fn06b": "06b_toy_resnet.ipynb",
    "fn07": "07_shared_layers.ipynb",
    "fn08": "08_extract_and_reuse_nodes.ipynb",
    "fn09": "09_custom_layers.ipynb",
    "fn10": "10_when_to_use.ipynb",
    "fn11": "11_mix_and_match.ipynb",
}


def block(text: str) -> str:
    """Code shared by several cases, indented like the cases' own code (8 spaces) so that they join."""
    return textwrap.indent(textwrap.dedent(text).strip("\n") + "\n", " " * 8)


def notebook_of(exercise_id: str) -> str:
    return NOTEBOOKS[exercise_id.split("_")[0]]


def right(exercise: str, name: str, variant: str, code: str, note: str = "") -> Case:
    return Case(exercise, "right", name, textwrap.dedent(code).strip() + "\n", variant, note=note)


def wrong(exercise: str, name: str, variant: str, names: tuple[str, ...], code: str, *,
          secrets: tuple[str, ...] = (), hidden_only: bool = False, note: str = "") -> Case:
    return Case(exercise, "wrong", name, textwrap.dedent(code).strip() + "\n", variant, names=tuple(names),
                secrets=tuple(secrets), hidden_only=hidden_only, note=note)


def stale(exercise: str, name: str, variant: str, code: str, *, whole_cell: bool = False,
          names: tuple[str, ...] = ("raised", "error", "failed")) -> Case:
    """The answer cell, run again after a correct run, now raises (see :class:`Case`). ``names``: words of
    which the message must contain one (the default: that the cell raised; a case whose error the kit explains
    names what the explanation must say, e.g. the argument meant)."""
    return Case(exercise, "stale", name, textwrap.dedent(code).strip() + "\n", variant,
                names=tuple(names), whole_cell=whole_cell)


def _all_cases() -> list[Case]:
    from exercise_gallery.functional_api import (b01, b02, b03, b04, b05, b06a, b06b, b07, b08, b09, b10,
                                                 b11)

    from exercise_gallery.functional_api import stale_cells

    cases = []
    for module in (b01, b02, b03, b04, b05, b06a, b06b, b07, b08, b09, b10, b11):
        cases.extend(module.CASES)
    return cases + stale_cells.CASES
