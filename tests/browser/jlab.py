"""Driving JupyterLab 4 from Playwright the way a student uses it.

Clicks and keys go through the real UI; waiting and reading results go through
the notebook model of the page (``window.jupyterapp``, exposed by the test
server), which is exact where pixels and CSS classes are guesswork.

Example::

    open_document(page, server.lab_url("START_HERE.md"), "START_HERE.md", kind="document")
    open_document(page, server.lab_url(path), path)   # a notebook, with its kernel idle
    run_all(page)
    assert not problems(notebook_json(page))
"""
from __future__ import annotations

import json
import os

# Debian's Chromium, headless (the suite runs as root in CI: no sandbox).
CHROMIUM = os.environ.get("KIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

APP_READY = "() => !!(window.jupyterapp && window.jupyterapp.shell)"

_WAIT_FOR_DOCUMENT = """
async ([path, kind]) => {
  const app = window.jupyterapp;
  await app.started; await app.restored;
  for (let i = 0; i < 1200; i++) {
    const w = app.shell.currentWidget;
    if (w && w.context && w.context.path === path) {
      await w.context.ready;
      if (kind === 'notebook') {
        await w.sessionContext.ready;
        // A test that runs cells needs the notebook's own kernel: started here where opening started
        // none (a kernel stopped earlier, or a JupyterLab with LabApp.notebook_starts_kernel off).
        if (!w.sessionContext.session || !w.sessionContext.session.kernel) {
          await w.sessionContext.changeKernel({name: w.context.model.defaultKernelName || 'python3'});
        }
        const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
        if (kernel && kernel.status === 'idle') return true;
      } else {
        return true;
      }
    }
    await new Promise(r => setTimeout(r, 100));
  }
  const w = app.shell.currentWidget;
  return 'current widget: ' + (w && w.context ? w.context.path : String(w && w.id));
}
"""


def wait_for_document(page, path: str, kind: str = "notebook") -> None:
    """Wait until ``path`` is the current document. ``kind="notebook"``: with an idle kernel (started
    here if opening started none); ``"document"``: as opened, without waiting for a kernel."""
    page.wait_for_function(APP_READY, timeout=120_000)
    result = page.evaluate(_WAIT_FOR_DOCUMENT, [path, kind])
    assert result is True, f"{path} did not open as the current {kind}: {result}"


def open_document(page, url: str, path: str, kind: str = "notebook") -> None:
    page.goto(url, wait_until="domcontentloaded", timeout=120_000)
    wait_for_document(page, path, kind)


def run_all(page, timeout_s: float = 240) -> None:
    """Run > Run All Cells (stops at the first error, like JupyterLab does), then wait for idle."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    wait_idle(page, timeout_s)


def wait_idle(page, timeout_s: float = 240) -> None:
    """Wait until no cell is queued or running and the kernel is idle."""
    page.wait_for_function(
        """() => {
          const w = window.jupyterapp.shell.currentWidget;
          const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
          if (!kernel || kernel.status !== 'idle') return false;
          return !w.content.widgets.some(c => c.model.type === 'code' &&
                                        c.model.executionState === 'running');
        }""",
        timeout=timeout_s * 1000, polling=250,
    )


def notebook_json(page) -> dict:
    """The current notebook as nbformat JSON, outputs included, as the page holds it."""
    return page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.toJSON()")


def output_text(output: dict) -> str:
    """The readable text of one nbformat output."""
    kind = output.get("output_type")
    if kind == "stream":
        text = output.get("text", "")
    elif kind == "error":
        text = "\n".join(output.get("traceback") or [f"{output.get('ename')}: {output.get('evalue')}"])
    else:
        data = output.get("data", {})
        text = data.get("text/plain") or data.get("text/html") or ""
    return "".join(text) if isinstance(text, list) else str(text)


def cell_text(nb: dict, index: int) -> str:
    return "\n".join(output_text(o) for o in nb["cells"][index].get("outputs", []))


def problems(nb: dict) -> list[str]:
    """Error outputs and stderr streams of a notebook, one line each."""
    found = []
    for i, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"cell {i}: {output.get('ename')}: {output.get('evalue')}"[:400])
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                found.append(f"cell {i}: stderr: {output_text(output)}"[:400])
    return found


def unexecuted_code_cells(nb: dict) -> list[int]:
    return [i for i, c in enumerate(nb["cells"])
            if c["cell_type"] == "code" and "".join(c.get("source", "")).strip() and c.get("execution_count") is None]


def notebook_panel(page):
    return page.locator(".jp-NotebookPanel:visible")


def widget_errors(page) -> list[str]:
    """Texts of ipywidgets' "Error displaying widget" placeholders in the visible notebook."""
    return notebook_panel(page).get_by_text("Error displaying widget").all_inner_texts()


def cell(page, index: int):
    return notebook_panel(page).locator(".jp-Notebook > .jp-Cell, .jp-Notebook .jp-WindowedPanel-viewport > .jp-Cell").nth(index)


def type_into_cell(page, index: int, text: str) -> str:
    """Click into a cell's editor, replace its text as a student would, return what the cell holds."""
    target = cell(page, index)
    target.scroll_into_view_if_needed()
    target.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)
    return page.evaluate(
        "(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.sharedModel.getSource()", index)


def execution_count(page, index: int):
    return page.evaluate(
        "(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.executionCount", index)


def run_cell_with_keyboard(page, index: int, timeout_s: float = 240) -> None:
    """Select the cell (click its prompt: command mode) and press Shift+Enter; wait until done."""
    before = execution_count(page, index)
    target = cell(page, index)
    target.scroll_into_view_if_needed()
    target.locator(".jp-InputPrompt").first.click()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        """([i, before]) => {
          const w = window.jupyterapp.shell.currentWidget;
          const m = w.content.widgets[i].model;
          const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
          return m.executionCount !== null && m.executionCount !== before &&
                 m.executionState !== 'running' && kernel && kernel.status === 'idle';
        }""",
        arg=[index, before], timeout=timeout_s * 1000, polling=250,
    )


def close_all(page) -> None:
    page.evaluate("() => window.jupyterapp.commands.execute('application:close-all')")


def save_json(path, data) -> None:
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
