"""Kernels a student session can afford: tabs JupyterLab restores start no kernel until used.

The student opens two chapters (each starts its kernel, as JupyterLab always did), the browser goes
and the server restarts (what a hub or Binder does to an idle session: no sessions, no kernels; the
layout JupyterLab saved on the server stays). Coming back, both chapters are restored as tabs with
no kernel. Running a cell in one starts that notebook's kernel (no "Select Kernel" dialog), and a
Jupyter widget made there renders and follows the kernel: the case ipywidgets 8 alone gets wrong
for notebooks opened without a kernel (jupyter-widgets/ipywidgets#3970, #3980), which kitlib's
JupyterLab extension (``kitlib/labextension``) handles.
"""
from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from jlab import cell, run_cell_with_keyboard, wait_for_document

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FOLDER = "restored"  # copies of two chapters: this test adds a cell to one, the chapters stay as released

SLIDER = "import ipywidgets\nslider = ipywidgets.IntSlider(value=3, max=10, description='epochs')\nslider"


def _workspace_layout(server) -> dict:
    """The layout JupyterLab saved on the server for the default workspace (what it restores)."""
    request = urllib.request.Request(f"{server.url}/lab/api/workspaces/default",
                                     headers={"Authorization": f"token {server.token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read()).get("data", {})


def _wait_saved(server, paths, timeout_s=60) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        data = _workspace_layout(server)
        if all(f"notebook:{p}" in data for p in paths):
            return
        assert time.monotonic() < deadline, f"JupyterLab did not save {paths} in its layout: {sorted(data)}"
        time.sleep(0.5)


def _kernel_state(page) -> dict:
    """For each open notebook, once its kernel was looked for (``sessionContext.ready``: a kernel
    JupyterLab starts at open is started by then): what kitlib's extension decided (``on-first-run``
    for a restored tab), and whether it has a kernel."""
    return page.evaluate("""async () => {
      const app = window.jupyterapp;
      await app.restored;
      const found = {};
      for (const w of app.shell.widgets('main')) {
        if (!w.sessionContext || !w.content || !w.context.path.endsWith('.ipynb')) continue;
        await w.sessionContext.ready;
        found[w.context.path] = {
          decided: w.node.dataset.kitKernel || null,
          kernel: !!(w.sessionContext.session && w.sessionContext.session.kernel),
        };
      }
      return found;
    }""")


def _wait_open(page, paths) -> dict:
    page.wait_for_function(
        """(paths) => {
          const open = new Set();
          for (const w of window.jupyterapp.shell.widgets('main')) {
            if (w.context && w.sessionContext && w.sessionContext.isReady) open.add(w.context.path);
          }
          return paths.every(p => open.has(p));
        }""", arg=paths, timeout=120_000, polling=250)
    return _kernel_state(page)


def _kernel_paths(server) -> list[str]:
    return sorted(s["path"] for s in server.api("sessions"))


def _delete_saved_layout(server) -> None:
    request = urllib.request.Request(f"{server.url}/lab/api/workspaces/default", method="DELETE",
                                     headers={"Authorization": f"token {server.token}"})
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except urllib.error.HTTPError as error:
        if error.code != 404:
            raise


def test_restored_tabs_start_no_kernel_until_a_cell_runs_and_widgets_render(page, lab_server, lab_course, shot):
    chapters = lab_course.chapters[:2]
    assert len(chapters) == 2, "the course needs two chapters for this test"
    folder = lab_server.root / FOLDER
    try:
        _restore_then_run_a_widget(page, lab_server, chapters, folder, shot)
    finally:  # what later tests meet: no copies (progress() lists every notebook), no tabs to restore
        page.goto("about:blank")
        _delete_saved_layout(lab_server)
        shutil.rmtree(folder, ignore_errors=True)


def _restore_then_run_a_widget(page, lab_server, chapters, folder, shot) -> None:
    folder.mkdir(exist_ok=True)
    paths = []
    for chapter in chapters:
        shutil.copy2(chapter.student, folder / chapter.name)
        paths.append(f"{FOLDER}/{chapter.name}")
    first, second = paths

    # The student opens two chapters: each starts its kernel at once, as JupyterLab always did.
    page.goto(lab_server.lab_url(first), wait_until="domcontentloaded", timeout=120_000)
    wait_for_document(page, first, kind="document")
    page.evaluate("(path) => window.jupyterapp.commands.execute('docmanager:open', {path})", second)
    opened = _wait_open(page, paths)
    assert opened == {p: {"decided": None, "kernel": True} for p in paths}, opened
    assert _kernel_paths(lab_server) == sorted(paths)
    _wait_saved(lab_server, paths)

    # The browser goes, the server restarts: no session and no kernel left, the saved layout stays.
    page.goto("about:blank")
    for session in lab_server.api("sessions"):
        lab_server.api(f"sessions/{session['id']}", method="DELETE")
    assert lab_server.api("kernels") == []

    # Back: both chapters come back as tabs, and neither starts a kernel.
    page.goto(f"{lab_server.url}/lab?token={lab_server.token}", wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_function("() => !!(window.jupyterapp && window.jupyterapp.shell)", timeout=120_000)
    restored = _wait_open(page, paths)
    assert restored == {p: {"decided": "on-first-run", "kernel": False} for p in paths}, restored
    assert lab_server.api("kernels") == [], "a restored tab started a kernel"
    page.evaluate("(path) => window.jupyterapp.commands.execute('docmanager:open', {path})", second)
    wait_for_document(page, second, kind="document")
    expect(page.locator(".jp-NotebookPanel:visible .jp-KernelStatus, .jp-NotebookPanel:visible "
                        ".jp-Toolbar-kernelName").first).to_contain_text("No Kernel", timeout=30_000)
    shot("restored-without-kernel")
    assert lab_server.api("kernels") == [], "showing a restored tab started a kernel"

    # The student runs a cell (a widget, as the chapters show): that notebook's kernel starts, with
    # no "Select Kernel" dialog, and the widget renders.
    add_cell = """(source) => {
      const panel = window.jupyterapp.shell.currentWidget;
      const n = panel.content.model.cells.length;
      panel.content.model.sharedModel.insertCell(n, {cell_type: 'code', source});
      return n;
    }"""
    index = page.evaluate(add_cell, SLIDER)
    target = cell(page, index)
    target.scroll_into_view_if_needed()
    target.locator(".jp-InputPrompt").first.click()
    page.keyboard.press("Shift+Enter")
    slider = target.locator(".jupyter-widgets.widget-slider")
    expect(slider).to_be_visible(timeout=120_000)
    assert page.locator(".jp-Dialog").count() == 0, "running a cell asked for a kernel"
    expect(slider.locator(".widget-readout")).to_have_text("3")
    assert _kernel_paths(lab_server) == [second], "only the notebook that ran a cell has a kernel"
    assert _kernel_state(page)[first]["kernel"] is False

    # The widget is live: the kernel changes it, the page follows.
    run_cell_with_keyboard(page, page.evaluate(add_cell, "slider.value = 7"))
    expect(slider.locator(".widget-readout")).to_have_text("7", timeout=60_000)
    assert not page.get_by_text("Error displaying widget").count()
    slider.scroll_into_view_if_needed()
    shot("widget-after-first-run")
