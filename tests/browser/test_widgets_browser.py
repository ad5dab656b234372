"""The kitlib widgets in a real JupyterLab: each renders, and clicking through them works.

A small notebook (written by :func:`widgets_tour`) shows the debugger, the
layer-output explorer linked with the model graph, and the live training plot.
The test runs it in the browser, then adds a layer, adds one that cannot fit
(the error panel explains, the model is unchanged), pops, and picks another
layer in the explorer and in the graph. Screenshots of each step go to
``$KIT_ARTIFACTS/screenshots``.
"""
from __future__ import annotations

import nbformat
import pytest
from playwright.sync_api import expect
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jlab import notebook_json, open_document, problems, run_all, unexecuted_code_cells, widget_errors

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

WIDGET_CLASSES = ("kit-debugger", "kit-explorer", "kit-graph", "kit-history")


def widgets_tour() -> nbformat.NotebookNode:
    """A notebook that shows every kitlib widget (random data: the tour checks views, not learning)."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        new_markdown_cell("# The kitlib widgets"),
        new_code_cell("import kitlib; kitlib.setup()"),
        new_code_cell(
            "import numpy as np\nimport keras\nfrom keras import layers\n"
            "from kitlib.widgets import LayerOutputExplorer, LiveHistory, ModelGraph, SequentialDebugger, link\n"
            "rng = np.random.default_rng(0)\n"
            "x = rng.random((16, 28, 28, 1), dtype='float32')\n"
            "y = rng.integers(0, 10, 16)"
        ),
        new_code_cell(
            "debugger = SequentialDebugger((28, 28, 1), layers=[layers.Conv2D(8, 3, activation='relu')])\n"
            "debugger"
        ),
        new_code_cell(
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(28, 28, 1)),\n"
            "    layers.Conv2D(8, 3, activation='relu', name='conv'),\n"
            "    layers.MaxPooling2D(2, name='pool'),\n"
            "    layers.Flatten(name='flatten'),\n"
            "    layers.Dense(10, activation='softmax', name='classes'),\n"
            "])\n"
            "graph = ModelGraph(model)\n"
            "explorer = LayerOutputExplorer(model, x[:4])\n"
            "link(graph, explorer)\n"
            "display(graph)\n"
            "display(explorer)"
        ),
        new_code_cell(
            "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
            "live = LiveHistory(title='random data')\n"
            "_ = model.fit(x, y, validation_split=0.25, epochs=3, batch_size=4, verbose=0, callbacks=[live])"
        ),
    ]
    return nb


def test_every_widget_renders_and_responds(page, lab_server, shot):
    path = "widgets/widgets_tour.ipynb"
    (lab_server.root / "widgets").mkdir(exist_ok=True)
    nbformat.write(widgets_tour(), str(lab_server.root / path))
    open_document(page, lab_server.lab_url(path), path)
    run_all(page)
    nb = notebook_json(page)
    assert not problems(nb), "\n".join(problems(nb))
    assert not unexecuted_code_cells(nb), unexecuted_code_cells(nb)

    panel = page.locator(".jp-NotebookPanel:visible")
    for css in WIDGET_CLASSES:
        view = panel.locator(f".{css}")
        view.first.wait_for(state="visible", timeout=60_000)
        assert view.count() == 1, f"{css}: {view.count()} views"
        view.first.scroll_into_view_if_needed()
        shot(css)
    assert panel.locator(".kit-history img").first.get_attribute("src"), "the training plot has no picture"
    assert not widget_errors(page), widget_errors(page)

    # The debugger: add a pooling layer, try a kernel that cannot fit, then undo.
    debugger = panel.locator(".kit-debugger")
    summary = debugger.locator(".widget-html").nth(1)
    layer_type, arguments = debugger.locator("select").first, debugger.locator("input[type=text]").first
    debugger.scroll_into_view_if_needed()
    rows_before = summary.locator("tr").count()
    layer_type.select_option("MaxPooling2D")
    page.wait_for_function("(el) => el.value === 'pool_size=2'", arg=arguments.element_handle())
    debugger.get_by_role("button", name="add()").click()
    page.wait_for_function("([s, n]) => s.querySelectorAll('tr').length === n + 1",
                           arg=[summary.element_handle(), rows_before], timeout=60_000)
    assert "MaxPooling2D" in summary.inner_text()
    shot("debugger-added")

    layer_type.select_option("Conv2D")
    # Wait for the kernel's Conv2D template, or it lands on top of what we type.
    page.wait_for_function("(el) => el.value.startsWith('filters=')", arg=arguments.element_handle())
    arguments.fill("filters=4, kernel_size=30")
    arguments.press("Enter")
    debugger.get_by_role("button", name="add()").click()
    error_panel = debugger.locator(".widget-html").first
    page.wait_for_function("(el) => el.innerText.trim().length > 0 && !el.innerText.includes('✔')",
                           arg=error_panel.element_handle(), timeout=60_000)
    assert summary.locator("tr").count() == rows_before + 1, "a refused add() changed the model"
    explanation = error_panel.inner_text()
    assert "30" in explanation and "kernel" in explanation.lower(), f"not the kernel-size explanation: {explanation}"
    shot("debugger-refused")

    debugger.get_by_role("button", name="pop()").click()
    page.wait_for_function("([s, n]) => s.querySelectorAll('tr').length === n",
                           arg=[summary.element_handle(), rows_before], timeout=60_000)
    assert "MaxPooling2D" not in summary.inner_text()
    shot("debugger-popped")

    # The explorer and the graph are linked: pick a layer in one, the other follows.
    explorer, graph = panel.locator(".kit-explorer"), panel.locator(".kit-graph")
    explorer.scroll_into_view_if_needed()
    caption = explorer.locator(".kit-explorer-caption")  # re-rendered on every change: use locators
    image = explorer.locator("img").first
    before = image.get_attribute("src")
    explorer.locator("select").first.select_option("pool")
    expect(caption).to_contain_text("pool", timeout=60_000)
    expect(image).not_to_have_attribute("src", before, timeout=60_000)
    expect(graph.locator("select").first.locator("option:checked")).to_have_text("pool", timeout=60_000)
    shot("explorer-pool-layer")

    graph.scroll_into_view_if_needed()
    graph.locator("select").first.select_option(label="classes")
    expect(caption).to_contain_text("classes", timeout=60_000)
    expect(explorer.locator("select").first.locator("option:checked")).to_have_text("classes", timeout=60_000)
    shot("graph-selects-classes")
    assert not widget_errors(page), widget_errors(page)
    assert not page.console_errors, page.console_errors
