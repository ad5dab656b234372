"""The kitlib widgets in a real JupyterLab: each renders, and clicking through them works.

A small notebook (written by :func:`widgets_tour`) shows the debugger, the
layer-output explorer linked with the model graph, and the live training plot.
The test runs it in the browser, looks at the training plot before the first
epoch has ended, then works each widget through its controls: picks a summary
row, adds a layer, adds one that cannot fit (the error panel explains, the model
is unchanged), pops (the chosen row stays chosen), moves the explorer's sample
slider (the statistics follow), picks layers in the explorer and by clicking
nodes of the graph. Screenshots of each step go to ``$KIT_ARTIFACTS/screenshots``.
"""
from __future__ import annotations

import nbformat
import pytest
from playwright.sync_api import expect
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jlab import notebook_json, open_document, problems, run_all, unexecuted_code_cells, wait_idle, widget_errors

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDGET_CLASSES = ("kit-debugger", "kit-explorer", "kit-graph", "kit-history")


def widgets_tour() -> nbformat.NotebookNode:
    """A notebook that shows every kitlib widget (random data: the tour checks views, not learning).

    The training cell's first epoch ends only after a pause (a callback before LiveHistory
    sleeps), so the test sees what LiveHistory shows while the first epoch is still running.
    """
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        new_markdown_cell("# The kitlib widgets"),
        new_code_cell("import kitlib; kitlib.setup()"),
        new_code_cell(
            "import time\nimport numpy as np\nimport keras\nfrom keras import layers\n"
            "from kitlib.widgets import LayerOutputExplorer, LiveHistory, ModelGraph, SequentialDebugger, link\n"
            "rng = np.random.default_rng(0)\n"
            "x = rng.random((16, 28, 28, 1), dtype='float32')\n"
            "y = rng.integers(0, 10, 16)"
        ),
        new_code_cell(
            "debugger = SequentialDebugger((28, 28, 1), layers=[layers.Conv2D(8, 3, activation='relu'),\n"
            "                                                   layers.Conv2D(8, 3, activation='relu')])\n"
            "debugger"
        ),
        new_code_cell(
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(28, 28, 1)),\n"
            "    layers.Conv2D(16, 3, activation='relu', name='conv'),\n"
            "    layers.MaxPooling2D(2, name='pool'),\n"
            "    layers.GlobalAveragePooling2D(name='pooled'),\n"
            "    layers.Dense(10, activation='softmax', name='classes'),\n"
            "])\n"
            "graph = ModelGraph(model)\n"
            "explorer = LayerOutputExplorer(model, x[:4])\n"
            "link(graph, explorer)\n"
            "display(graph)\n"
            "display(explorer)"
        ),
        new_code_cell(
            "from kitlib.exercises.core import Feedback, Problem\n"
            "Feedback('demo', 'Conv2D kernel sizes', True, [Problem(\n"
            "    'the kernel sizes of your Conv2D layers, read from left to right through the whole model '\n"
            "    'and compared one by one with the kernel sizes the exercise asks for in its second paragraph',\n"
            "    '(3, 3), (3, 3), (5, 5), (5, 5), (3, 3), (3, 3), (1, 1)',\n"
            "    '(3, 3), (5, 5), (5, 5), (3, 3), (3, 3), (1, 1), (1, 1)',\n"
            "    hint='kernel_size is the second argument of keras.layers.Conv2D(filters, kernel_size)')])"
        ),
        new_code_cell(
            "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
            "slow_first_epoch = keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: time.sleep(15 if e == 0 else 0))\n"
            "live = LiveHistory(title='random data')\n"
            "_ = model.fit(x, y, validation_split=0.25, epochs=3, batch_size=4, verbose=0,\n"
            "              callbacks=[slow_first_epoch, live])"
        ),
    ]
    return nb


def _picture_size(locator):
    """(shown width, natural width) of an <img>."""
    return locator.evaluate("(img) => [img.getBoundingClientRect().width, img.naturalWidth]")


def test_every_widget_renders_and_responds(page, lab_server, shot):
    path = "widgets/widgets_tour.ipynb"
    (lab_server.root / "widgets").mkdir(exist_ok=True)
    nbformat.write(widgets_tour(), str(lab_server.root / path))
    open_document(page, lab_server.lab_url(path), path)
    panel = page.locator(".jp-NotebookPanel:visible")

    # Run All, and look at LiveHistory while its first epoch has not ended yet.
    # (not awaiting the command's promise: it resolves only when every cell has run)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    history = panel.locator(".kit-history")
    history.wait_for(state="visible", timeout=180_000)
    plot = history.locator("img").first
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=plot.element_handle(),
                           timeout=60_000)
    status = history.locator(".widget-html").first.inner_text()
    assert "planned" in status and "epoch 1" not in status, f"the first epoch already ended: {status}"
    history.scroll_into_view_if_needed()
    shot("history-before-first-epoch")
    shown, natural = _picture_size(plot)
    assert natural >= 2 * shown - 2, f"the plot is stretched: {natural} px shown at {shown} px"
    wait_idle(page)
    nb = notebook_json(page)
    assert not problems(nb), "\n".join(problems(nb))
    assert not unexecuted_code_cells(nb), unexecuted_code_cells(nb)
    history.scroll_into_view_if_needed()
    shot("history-trained")
    assert "epoch 3/3" in history.locator(".widget-html").first.inner_text()

    # A long check message wraps at spaces inside the cell, never in the middle of a word.
    feedback = panel.locator(".kit-feedback li").first
    feedback.scroll_into_view_if_needed()
    style = feedback.evaluate("(li) => { const s = getComputedStyle(li); return [s.wordBreak, s.overflowWrap]; }")
    assert style == ["normal", "break-word"], style
    lines = feedback.evaluate("(li) => Math.round(li.getBoundingClientRect().height / parseFloat(getComputedStyle(li).lineHeight))")
    assert lines >= 2, "the long message did not wrap"
    fits = feedback.evaluate("(li) => li.scrollWidth <= li.clientWidth + 1")
    assert fits, "the message runs out of its cell"
    shot("feedback-wraps")

    for css in WIDGET_CLASSES:
        view = panel.locator(f".{css}")
        view.first.wait_for(state="visible", timeout=60_000)
        assert view.count() == 1, f"{css}: {view.count()} views"
        view.first.scroll_into_view_if_needed()
        shot(css)
    assert not widget_errors(page), widget_errors(page)

    # The debugger: pick a row, add a pooling layer, try a kernel that cannot fit, then undo.
    debugger = panel.locator(".kit-debugger")
    summary = debugger.locator(".widget-html").nth(1)
    layer_type, arguments = debugger.locator("select").first, debugger.locator("input[type=text]").first
    row_menu = debugger.locator("select").nth(1)
    debugger.scroll_into_view_if_needed()
    rows_before = summary.locator("tr").count()
    first_layer = row_menu.locator("option").first.inner_text()
    row_menu.select_option(first_layer)
    expect(summary.locator("tr.kit-selected")).to_contain_text(first_layer, timeout=60_000)
    layer_type.select_option("MaxPooling2D")
    page.wait_for_function("(el) => el.value === 'pool_size=2'", arg=arguments.element_handle())
    debugger.get_by_role("button", name="add()").click()
    page.wait_for_function("([s, n]) => s.querySelectorAll('tr').length === n + 1",
                           arg=[summary.element_handle(), rows_before], timeout=60_000)
    assert "MaxPooling2D" in summary.inner_text()
    formula = summary.locator("tr", has_text="Conv2D").first.locator("td").nth(4)
    params = summary.locator("tr", has_text="Conv2D").first.locator("td").nth(3)
    gap = page.evaluate("([a, b]) => b.getBoundingClientRect().left - a.getBoundingClientRect().right",
                        [params.element_handle(), formula.element_handle()])
    assert gap >= 0 and params.inner_text().strip() == "80", (gap, params.inner_text())
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

    # The student picks the first layer again, then undoes the pooling layer: the choice stays.
    row_menu.select_option(first_layer)
    expect(summary.locator("tr.kit-selected")).to_contain_text(first_layer, timeout=60_000)
    debugger.get_by_role("button", name="pop()").click()
    page.wait_for_function("([s, n]) => s.querySelectorAll('tr').length === n",
                           arg=[summary.element_handle(), rows_before], timeout=60_000)
    assert "MaxPooling2D" not in summary.inner_text()
    expect(row_menu.locator("option:checked")).to_have_text(first_layer)
    expect(summary.locator("tr.kit-selected")).to_contain_text(first_layer)
    shot("debugger-popped")

    # The explorer and the graph are linked and start on the same layer.
    explorer, graph = panel.locator(".kit-explorer"), panel.locator(".kit-graph")
    expect(graph.locator("select").first.locator("option:checked")).to_have_text("conv")
    expect(explorer.locator("select").first.locator("option:checked")).to_have_text("conv")
    explorer.scroll_into_view_if_needed()
    caption = explorer.locator(".kit-explorer-caption")  # re-rendered on every change: use locators
    image = explorer.locator("img.kit-explorer-maps")
    shown, natural = _picture_size(image)
    assert abs(shown - natural) <= 1 and natural <= 950, f"16 maps: {natural} px drawn, shown at {shown} px"
    assert image.evaluate("(img) => img.getBoundingClientRect().height") < 300
    assert "channels 0-15 of 16" in caption.inner_text()
    assert explorer.get_by_role("button", name="shared").is_visible()

    # The sample slider: the statistics follow it.
    before = caption.inner_text()
    slider = explorer.locator(".widget-slider .noUi-handle, .widget-slider .slider-handle").first
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(caption).to_contain_text("sample 1:", timeout=60_000)
    assert caption.inner_text() != before
    shot("explorer-sample-1")

    source = image.get_attribute("src")
    explorer.locator("select").first.select_option("pool")
    expect(caption).to_contain_text("pool", timeout=60_000)
    expect(image).not_to_have_attribute("src", source, timeout=60_000)
    expect(graph.locator("select").first.locator("option:checked")).to_have_text("pool", timeout=60_000)
    shot("explorer-pool-layer")

    # A real click on a node of the graph picks that layer in the graph and in the explorer.
    graph.scroll_into_view_if_needed()
    node = graph.locator("g.kit-node[data-layer='classes']")
    node.click()
    expect(graph.locator("select").first.locator("option:checked")).to_have_text("classes", timeout=60_000)
    expect(caption).to_contain_text("classes", timeout=60_000)
    expect(explorer.locator("select").first.locator("option:checked")).to_have_text("classes", timeout=60_000)
    shot("graph-node-clicked")
    # A Dense layer: bars, no channel controls.
    assert not explorer.get_by_role("button", name="shared").is_visible()
    assert not explorer.get_by_role("button", name="channels ▶").is_visible()
    explorer.scroll_into_view_if_needed()
    shot("explorer-dense-layer")

    graph.locator("g.kit-node[data-layer='pooled']").click()
    expect(caption).to_contain_text("pooled", timeout=60_000)
    explorer.scroll_into_view_if_needed()
    shot("explorer-pooled-vector")
    assert not widget_errors(page), widget_errors(page)
    assert not page.console_errors, page.console_errors


# ----------------------------------------------------------------------------- the widgets in their chapters
def _run_chapter(page, lab_server, lab_course, stem):
    """Open the solved copy of the chapter ``stem``, run it all, check it ran cleanly; its panel."""
    chapter = next((c for c in lab_course.chapters if c.name[:-6] == stem), None)
    if chapter is None:
        pytest.skip(f"the course has no chapter {stem}")
    path = f"solved/{chapter.rel}"
    open_document(page, lab_server.lab_url(path), path)
    run_all(page, timeout_s=400)
    nb = notebook_json(page)
    assert not problems(nb), "\n".join(problems(nb))
    assert not widget_errors(page), widget_errors(page)
    return page.locator(".jp-NotebookPanel:visible")


def test_debugger_in_its_chapter(page, lab_server, lab_course, shot):
    panel = _run_chapter(page, lab_server, lab_course, "04_debugging_workflow")
    assert panel.locator(".kit-debugger").count() == 2, "the Try-it debugger and the Explore one"
    debugger = panel.locator(".kit-debugger").first
    debugger.scroll_into_view_if_needed()
    summary, error_panel = debugger.locator(".widget-html").nth(1), debugger.locator(".widget-html").first
    assert "50" in error_panel.inner_text(), "the chapter's refused Conv2D(32, 50) is not explained"
    rows = summary.locator("tr").count()
    row_menu = debugger.locator("select").nth(1)
    first = row_menu.locator("option").first.inner_text()
    row_menu.select_option(first)
    expect(summary.locator("tr.kit-selected")).to_contain_text(first, timeout=60_000)
    debugger.locator("select").first.select_option("Flatten")
    page.wait_for_function("(el) => el.value === ''", arg=debugger.locator("input[type=text]").first.element_handle())
    debugger.get_by_role("button", name="add()").click()
    expect(summary.locator("tr")).to_have_count(rows + 1, timeout=60_000)
    expect(summary).to_contain_text("Flatten")
    shot("chapter-debugger-added")
    debugger.get_by_role("button", name="pop()").click()
    expect(summary.locator("tr")).to_have_count(rows, timeout=60_000)


def test_explorer_in_its_chapter(page, lab_server, lab_course, shot):
    panel = _run_chapter(page, lab_server, lab_course, "06_feature_extraction")
    explorers = panel.locator(".kit-explorer")
    assert explorers.count() == 2, "the Try-it explorer and the Explore one"
    explore = explorers.nth(1)  # the Explore task's: the input digit beside the maps, the colour scale
    expect(explore.locator("img.kit-explorer-input-image")).to_be_visible()
    expect(explore.locator("img.kit-explorer-colorbar")).to_be_visible()
    explorer = explorers.first
    explorer.scroll_into_view_if_needed()
    caption, image = explorer.locator(".kit-explorer-caption"), explorer.locator("img.kit-explorer-maps")
    shown, natural = _picture_size(image)
    assert abs(shown - natural) <= 1, f"the maps are stretched: {natural} px shown at {shown} px"
    assert image.evaluate("(img) => img.getBoundingClientRect().height") < 400
    shot("chapter-explorer")
    menu = explorer.locator("select").first
    second = menu.locator("option").nth(1).inner_text()
    menu.select_option(second)
    expect(caption).to_contain_text(second, timeout=60_000)
    before = caption.inner_text()
    explorer.locator(".widget-slider .noUi-handle, .widget-slider .slider-handle").first.focus()
    page.keyboard.press("ArrowRight")
    expect(caption).to_contain_text("sample 1:", timeout=60_000)
    assert caption.inner_text() != before
    shot("chapter-explorer-second-layer")


def test_model_graph_and_plot_model_in_their_chapter(page, lab_server, lab_course, shot):
    panel = _run_chapter(page, lab_server, lab_course, "01_introduction")
    plots = panel.locator(".jp-OutputArea-output img")  # keras.utils.plot_model, through show_graph
    assert plots.count() >= 2
    for i in range(plots.count()):
        height = plots.nth(i).evaluate("(img) => img.getBoundingClientRect().height")
        assert height <= 801, f"plot_model picture {i} is {height} px tall"
    plots.nth(plots.count() - 1).scroll_into_view_if_needed()
    shot("chapter-plot-model")
    assert panel.locator(".kit-graph").count() == 2, "the Try-it graph and the Explore one"
    graph = panel.locator(".kit-graph").first
    graph.scroll_into_view_if_needed()
    menu = graph.locator("select").first
    assert menu.locator("option:checked").inner_text().strip(), "the layer menu starts blank"
    names = [n for n in graph.locator("g.kit-node").evaluate_all("(gs) => gs.map(g => g.dataset.layer)")]
    target = names[-1]
    graph.locator(f"g.kit-node[data-layer='{target}']").click()
    expect(menu.locator("option:checked")).to_have_text(target, timeout=60_000)
    highlighted = graph.locator(f"g.kit-node-selected[data-layer='{target}'], "
                                f"g.kit-node[data-layer='{target}'] [stroke='#1971c2']")
    expect(highlighted.first).to_be_visible(timeout=60_000)
    expect(graph.locator(".kit-graph-details")).to_contain_text(f"{target} (", timeout=60_000)
    shot("chapter-graph-node-clicked")


def test_live_history_in_its_chapter(page, lab_server, lab_course, shot):
    panel = _run_chapter(page, lab_server, lab_course, "05_once_you_have_a_model")
    history = panel.locator(".kit-history")
    history.scroll_into_view_if_needed()
    plot = history.locator("img").first
    shown, natural = _picture_size(plot)
    assert natural >= 2 * shown - 2, f"the plot is stretched: {natural} px shown at {shown} px"
    assert "epoch 2/2" in history.inner_text()
    shot("chapter-history")


# ----------------------------------------------------------------------------- what the new exercise kinds lean on
def widgets_for_the_exercises() -> nbformat.NotebookNode:
    """The debugger with a deep model (a wide summary), the explorer on a picture-like sample and
    the graph of a small Functional model with a normalisation layer."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        new_markdown_cell("# Debugger, explorer and graph"),
        new_code_cell("import kitlib; kitlib.setup()"),
        new_code_cell(
            "import numpy as np\nimport keras\nfrom keras import layers\n"
            "from kitlib.widgets import LayerOutputExplorer, ModelGraph, SequentialDebugger\n"
            "yy, xx = np.mgrid[0:28, 0:28]\n"
            "rings = np.stack([np.sin((xx - 14) ** 2 / 20 + (yy - 14) ** 2 / (12 + k)) for k in range(4)])\n"
            "x = ((rings + 1) / 2)[..., None].astype('float32')"
        ),
        new_code_cell(
            "debugger = SequentialDebugger((28, 28, 1), layers=[\n"
            "    layers.Conv2D(32, 3, activation='relu', name='first_convolution'),\n"
            "    layers.MaxPooling2D(2),\n"
            "    layers.Conv2D(64, 3, activation='relu', name='second_convolution'),\n"
            "    layers.MaxPooling2D(2),\n"
            "    layers.Flatten(),\n"
            "    layers.Dense(128, activation='relu', name='hidden_units'),\n"
            "    layers.Dense(10, activation='softmax', name='class_probabilities')])\n"
            "debugger"
        ),
        new_code_cell(
            "keras.utils.set_random_seed(1)\n"
            "inputs = keras.Input((28, 28, 1), name='image')\n"
            "h = layers.Conv2D(16, 3, activation='relu', name='conv')(inputs)\n"
            "h = layers.BatchNormalization(name='norm')(h)\n"
            "h = layers.GlobalAveragePooling2D(name='pooled')(h)\n"
            "outputs = layers.Dense(10, activation='softmax', name='classes')(h)\n"
            "model = keras.Model(inputs, outputs)\n"
            "explorer = LayerOutputExplorer(model, x)\n"
            "explorer"
        ),
        new_code_cell("graph = ModelGraph(model)\ngraph"),
    ]
    return nb


def _right_edge(locator) -> float:
    return locator.evaluate("(el) => el.getBoundingClientRect().right")


def _cell_right_edge(locator) -> float:
    """The right edge of the output area the widget sits in (the cell's width for its output)."""
    return locator.evaluate("(el) => el.closest('.jp-OutputArea-output').getBoundingClientRect().right")


def test_debugger_explorer_and_graph_for_the_exercises(browser, lab_server, screenshots_dir):
    """At 1280 px with the file browser open: the debugger names a misspelt keyword and says what
    pop() on an empty model means, its table stays inside the cell; the explorer shows the input
    beside its maps with a colour scale; a click on a graph node shows that layer's details."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    taken = []

    def shot(name):  # this test's own page (1280 px), so not the shared ``shot`` fixture
        taken.append(name)
        page.screenshot(path=str(screenshots_dir / f"exercise_widgets-{len(taken):02d}-{name}.png"))

    try:
        path = "widgets/widgets_for_the_exercises.ipynb"
        (lab_server.root / "widgets").mkdir(exist_ok=True)
        nbformat.write(widgets_for_the_exercises(), str(lab_server.root / path))
        open_document(page, lab_server.lab_url(path), path)
        page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:activate')")
        browser_panel = page.locator("#filebrowser")
        expect(browser_panel).to_be_visible()
        assert browser_panel.evaluate("(el) => el.getBoundingClientRect().width") > 150, "the file browser is not open"
        run_all(page, timeout_s=300)
        nb = notebook_json(page)
        assert not problems(nb), "\n".join(problems(nb))
        assert not widget_errors(page), widget_errors(page)
        panel = page.locator(".jp-NotebookPanel:visible")

        # -- the debugger: its summary table stays inside the cell
        debugger = panel.locator(".kit-debugger")
        debugger.scroll_into_view_if_needed()
        summary = debugger.locator("table.kit-summary")
        cell_right = _cell_right_edge(debugger)
        assert _right_edge(summary) <= cell_right + 1, (_right_edge(summary), cell_right)
        assert _right_edge(debugger) <= cell_right + 1
        fits = summary.evaluate("(t) => t.parentElement.scrollWidth <= t.parentElement.clientWidth + 1")
        assert fits, "the summary table needs a horizontal scroll bar in the cell"

        # -- a misspelt keyword in the form is named with the one the layer takes
        layer_type, arguments = debugger.locator("select").first, debugger.locator("input[type=text]").first
        layer_type.select_option("Conv2D")
        page.wait_for_function("(el) => el.value.startsWith('filters=')", arg=arguments.element_handle())
        arguments.fill("filters=8, kernel=3, activation='relu'")
        arguments.press("Enter")
        debugger.get_by_role("button", name="add()").click()
        error_panel = debugger.locator(".widget-html").first
        expect(error_panel).to_contain_text("did you mean kernel_size=", timeout=60_000)
        assert _right_edge(error_panel.locator(".kit-explain")) <= cell_right + 1
        debugger.scroll_into_view_if_needed()
        shot("debugger-unknown-keyword")

        # -- pop() until only the Input is left, once more: the panel says what that means
        for _ in range(8):
            debugger.get_by_role("button", name="pop()").click()
            page.wait_for_timeout(150)
        expect(error_panel).to_contain_text("only its Input", timeout=60_000)
        # the input row and the total row are left
        expect(debugger.locator("table.kit-summary tbody tr")).to_have_count(2, timeout=60_000)
        shot("debugger-pop-empty")

        # -- the explorer: the input left of the maps, the colour scale under them
        explorer = panel.locator(".kit-explorer")
        explorer.scroll_into_view_if_needed()
        source = explorer.locator("img.kit-explorer-input-image")
        maps = explorer.locator("img.kit-explorer-maps")
        bar = explorer.locator("img.kit-explorer-colorbar")
        for picture in (source, maps, bar):
            expect(picture).to_be_visible()
            page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
        box_source, box_maps, box_bar = (p.bounding_box() for p in (source, maps, bar))
        assert box_source["x"] + box_source["width"] <= box_maps["x"] + 1, "the input is not beside the maps"
        assert abs(box_source["y"] - box_maps["y"]) < 80, (box_source, box_maps)
        assert box_bar["y"] >= box_maps["y"] + box_maps["height"] - 1, "the colour scale is not under the maps"
        assert _right_edge(maps) <= _cell_right_edge(explorer) + 1
        expect(explorer).to_contain_text("its own")
        explorer.get_by_role("button", name="shared").click()
        expect(explorer.locator(".kit-explorer-scale")).to_contain_text("the same for every map", timeout=60_000)
        explorer.scroll_into_view_if_needed()
        shot("explorer-input-and-colour-scale")

        # -- the graph: a click on a node shows that layer's details
        graph = panel.locator(".kit-graph")
        graph.scroll_into_view_if_needed()
        details = graph.locator(".kit-graph-details")
        expect(details).to_contain_text("conv (Conv2D)")
        graph.locator("g.kit-node[data-layer='norm']").click()
        expect(details).to_contain_text("norm (BatchNormalization)", timeout=60_000)
        expect(details).to_contain_text("32 trainable, 32 not")
        expect(details).to_contain_text("momentum")
        graph.locator("g.kit-node[data-layer='classes']").click()
        expect(details).to_contain_text("classes (Dense)", timeout=60_000)
        expect(details).to_contain_text("(None, 10)")
        expect(details).to_contain_text("170")  # 16*10 + 10
        expect(details).to_contain_text("softmax")
        highlighted = graph.locator("g.kit-node-selected[data-layer='classes'], "  # drawn by the kit or by graphviz
                                    "g.kit-node[data-layer='classes'] [stroke='#1971c2']")
        expect(highlighted.first).to_be_visible(timeout=60_000)
        assert _right_edge(details) <= _cell_right_edge(graph) + 1
        graph.scroll_into_view_if_needed()
        shot("graph-node-details")
        assert not widget_errors(page), widget_errors(page)
        assert not errors, errors
    except Exception:
        shot("failure")  # what the page looked like when a check failed
        raise
    finally:
        context.close()
        try:
            lab_server.shutdown_kernels()
        except OSError:
            pass
