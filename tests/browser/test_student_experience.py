"""The course as a student meets it: JupyterLab in headless Chromium, configured like Binder.

Each step leaves a screenshot in ``$KIT_ARTIFACTS/screenshots`` (default ``artifacts/screenshots``).
Chapters are discovered from ``course/source`` (see ``conftest.py``), not named here.
"""
from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from playwright.sync_api import expect

from jlab import (
    cell_text,
    notebook_json,
    open_document,
    problems,
    run_all,
    run_cell_with_keyboard,
    type_into_cell,
    unexecuted_code_cells,
    wait_for_document,
    widget_errors,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TRACEBACK = "Traceback (most recent call last)"


def test_kit_lab_lands_on_the_rendered_course_map_without_popups(page, lab_server, shot):
    """The server's own start page (the root URL, which kit lab opens in the browser): START_HERE.md
    rendered, links clickable, no news pop-up, and no formgrader warning in the server log."""
    page.goto(f"{lab_server.url}/?token={lab_server.token}", wait_until="domcontentloaded")
    wait_for_document(page, "START_HERE.md", kind="document")
    rendered = page.locator(".jp-MarkdownViewer:visible .jp-RenderedMarkdown")
    # The viewer appears before the Markdown is rendered into it: wait for the text itself.
    expect(rendered).to_contain_text(re.compile("course map", re.IGNORECASE), timeout=30_000)
    assert page.locator(".jp-FileEditor:visible").count() == 0, "the course map opened as raw Markdown"
    assert rendered.locator("a[href*='.ipynb']").count() > 0
    page.wait_for_timeout(3000)  # JupyterLab asks about news a moment after start
    shot("landing")
    toasts = page.locator(".Toastify__toast, .jp-toast-message")
    texts = toasts.all_inner_texts()
    assert not any("news" in t.lower() for t in texts), texts
    assert not page.get_by_text("official Jupyter news").count()
    log = lab_server.log.read_text(errors="replace")
    assert "not a subdirectory" not in log, "the formgrader's warning is still logged"
    assert "formgrader" not in log.lower(), "the formgrader server extension was loaded"


def test_course_map_opens_and_every_chapter_link_works(page, lab_server, lab_course, shot):
    open_document(page, lab_server.lab_url("START_HERE.md"), "START_HERE.md", kind="document")
    rendered = page.locator(".jp-MarkdownViewer:visible .jp-RenderedMarkdown")
    expect(rendered).to_contain_text(re.compile("course map", re.IGNORECASE), timeout=30_000)
    assert "Your progress:" in rendered.inner_text()
    shot("course-map")

    links = rendered.locator("a[href*='.ipynb']")
    expected = sorted(chapter.rel for chapter in lab_course.chapters)
    assert links.count() == len(expected), (
        f"the course map links {links.count()} notebooks, the workspace has {len(expected)}: {expected}")
    opened = []
    for i in range(links.count()):
        title = links.nth(i).inner_text()
        links.nth(i).click()
        path = page.wait_for_function(
            """() => { const w = window.jupyterapp.shell.currentWidget;
                       return w && w.context && w.context.path.endsWith('.ipynb') ? w.context.path : null; }""",
            timeout=60_000,
        ).json_value()
        wait_for_document(page, path, kind="document")
        assert page.locator(".jp-NotebookPanel:visible .jp-Cell").count() > 0, f"{title}: the notebook is empty"
        if i == 0:
            shot("chapter-opened-from-map")
        opened.append(path)
        # Back to the map: close the chapter, which stops its kernel. Opening changed nothing (released
        # notebooks carry the metadata the kernel writes): no "save changes?" dialog.
        assert not page.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.dirty"), path
        page.evaluate("""async () => { const w = window.jupyterapp.shell.currentWidget;
                                       await w.sessionContext.shutdown(); w.close(); }""")
        rendered.wait_for()
        assert page.locator(".jp-Dialog").count() == 0, page.locator(".jp-Dialog").inner_text()
    assert sorted(opened) == expected


def test_an_untouched_chapter_stays_unmodified_when_its_kernel_starts(page, lab_server, lab_course, shot):
    """JupyterLab writes the kernel's kernelspec and language_info into a notebook when its kernel starts;
    released notebooks carry exactly these, so an untouched chapter is not marked modified (with nbgrader's
    bare ``{"name": "python"}`` it was, and closing it asked to save). The diff of the model says what
    changed if anything does."""
    chapter = lab_course.chapter_to_run()
    saved = json.loads(chapter.student.read_text(encoding="utf-8"))
    open_document(page, lab_server.lab_url(chapter.rel), chapter.rel)  # with its kernel, idle
    page.wait_for_timeout(1500)  # the kernel's info has reached the model
    metadata = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.toJSON().metadata")
    changed = {key: (saved["metadata"].get(key), value) for key, value in metadata.items()
               if saved["metadata"].get(key) != value}
    assert not changed, f"the kernel changed the chapter's metadata (file, then model): {changed}"
    assert not page.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.dirty")
    shot("kernel-started-unmodified")


INSTRUCTOR_COMMANDS = ("nbgrader:open-formgrader", "nbgrader:open-formgrader-local", "nbgrader:open-create-assignment",
                       "nbgrader:open-course-list", "nbgrader:open-assignment-list")


def test_no_instructor_tool_in_the_students_menus_and_sidebars(page, lab_server, lab_course, shot):
    """No exchange on a student's laptop: no Nbgrader menu at all (Formgrader, Create Assignment,
    Courses, Assignments), no Create Assignment sidebar; the Validate button stays."""
    chapter = lab_course.chapter_to_run()
    open_document(page, lab_server.lab_url(chapter.rel), chapter.rel, kind="document")
    menus = [t.strip() for t in page.locator(".lm-MenuBar-itemLabel").all_inner_texts()]
    assert "Nbgrader" not in menus, menus
    commands = page.evaluate("() => window.jupyterapp.commands.listCommands()")
    present = [c for c in INSTRUCTOR_COMMANDS if c in commands]
    assert not present, present
    tabs = page.evaluate("""() => Array.from(document.querySelectorAll('.jp-SideBar .lm-TabBar-tab'))
                              .map(t => (t.getAttribute('title') || '') + ' ' + t.innerText)""")
    assert not any("ssignment" in t or "ourse" in t or "rader" in t for t in tabs), tabs
    assert page.locator(".jp-NotebookPanel:visible .validate-button").count() == 1
    dirty = page.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.dirty")
    assert not dirty, "opening the chapter marked it modified"
    shot("menus-and-sidebars")


def test_chapter_runs_top_to_bottom_without_errors(page, lab_server, lab_course, shot):
    chapter = lab_course.chapter_to_run()
    path = f"solved/{chapter.rel}"
    open_document(page, lab_server.lab_url(path), path)
    shot(f"{chapter.assignment}-{chapter.name[:-6]}-opened")
    run_all(page)
    nb = notebook_json(page)
    shot(f"{chapter.assignment}-{chapter.name[:-6]}-ran")
    assert not problems(nb), f"{chapter.rel}: error output in the browser:\n" + "\n".join(problems(nb))
    assert not unexecuted_code_cells(nb), f"{chapter.rel}: cells did not run: {unexecuted_code_cells(nb)}"
    assert not widget_errors(page), f"{chapter.rel}: {widget_errors(page)}"
    for exercise in chapter.exercises:
        assert "✔" in cell_text(nb, exercise.grade_index), (
            f"{chapter.rel}: the solved {exercise.id} does not pass: {cell_text(nb, exercise.grade_index)!r}")


def test_exercise_self_check_wrong_then_right(page, lab_server, lab_course, shot):
    chapter = lab_course.chapter_for_exercises()
    exercise = chapter.exercises[0]
    assert exercise.wrong, f"{exercise.id}: the first exercise of {chapter.rel} has no planted wrong answer"
    path = chapter.rel
    open_document(page, lab_server.lab_url(path), path)

    # Run All stops at the first self-check, which says the exercise is not attempted yet.
    run_all(page)
    nb = notebook_json(page)
    untouched = cell_text(nb, exercise.grade_index)
    shot("not-attempted")
    assert "not attempted" in untouched, untouched
    assert TRACEBACK not in untouched

    # A wrong answer: the friendly feedback, not a traceback.
    assert type_into_cell(page, exercise.answer_index, exercise.wrong) == exercise.wrong
    run_cell_with_keyboard(page, exercise.answer_index)
    run_cell_with_keyboard(page, exercise.grade_index)
    feedback = cell_text(notebook_json(page), exercise.grade_index)
    shot("wrong-answer")
    assert "✘" in feedback and exercise.wrong_fragment in feedback, feedback
    assert TRACEBACK not in feedback, feedback

    # The right answer: the success message.
    assert type_into_cell(page, exercise.answer_index, exercise.solution) == exercise.solution
    run_cell_with_keyboard(page, exercise.answer_index)
    run_cell_with_keyboard(page, exercise.grade_index)
    nb = notebook_json(page)
    success = cell_text(nb, exercise.grade_index)
    shot("right-answer")
    assert "✔" in success and "passed" in success, success
    assert not [p for p in problems(nb) if p.startswith(f"cell {exercise.grade_index}:")]

    # Saved, the notebook tells the student's progress view that this exercise passes.
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    from kitlib.verdicts import notebook_progress

    saved = {v.exercise: v for v in notebook_progress(chapter.student).exercises}
    assert saved[exercise.id].status == "passed", saved
    view = "my_progress.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("from kitlib.lab import progress\nprogress()")],
                                metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                         "language": "python"}}),
                   str(lab_server.root / view))
    open_document(page, lab_server.lab_url(view), view)
    run_all(page)
    nb = notebook_json(page)
    assert not problems(nb), problems(nb)
    assert "text/markdown" in nb["cells"][0]["outputs"][0]["data"], nb["cells"][0]["outputs"]
    shown = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output.jp-RenderedMarkdown")
    shown.wait_for()
    text = shown.inner_text()
    assert f"✔ {saved[exercise.id].label}" in text, text
    assert shown.locator(f"a[href*='{chapter.name}']").count() == 1
    shown.get_by_text(f"✔ {saved[exercise.id].label}").scroll_into_view_if_needed()
    shot("progress-view")


def _validate(page, shot, name: str) -> str:
    """Click the notebook's Validate button; return the text of nbgrader's result dialog."""
    button = page.locator(".jp-NotebookPanel:visible .validate-button")
    button.wait_for()
    button.click()
    dialog = page.locator(".jp-Dialog").filter(has_text="Validation Results")
    dialog.wait_for(timeout=300_000)
    text = dialog.inner_text()
    shot(name)
    # Every message is readable inside the dialog: wrapped, not cut off at its edge.
    overflowing = dialog.locator("pre").evaluate_all(
        "pres => pres.filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.innerText.slice(0, 80))")
    assert not overflowing, f"messages run off the Validate dialog: {overflowing}"
    dialog.locator(".jp-mod-accept").click()
    return text


def test_validate_button_passes_solved_and_fails_unsolved(page, lab_server, lab_course, shot):
    chapter = lab_course.chapter_to_run()
    solved = f"solved/{chapter.rel}"
    open_document(page, lab_server.lab_url(solved), solved)
    shot("solved-before-validate")
    result = _validate(page, shot, "validate-solved")
    assert "Success! Your notebook passes all the tests." in result, result

    # A fresh copy of the student version, nothing answered.
    unsolved = f"unsolved/{chapter.rel}"
    (lab_course.root / unsolved).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(chapter.student, lab_course.root / unsolved)
    open_document(page, lab_server.lab_url(unsolved), unsolved)
    result = _validate(page, shot, "validate-unsolved")
    assert "Success!" not in result and "cell failed" in result, result
    if chapter.exercises:
        assert "not attempted" in result, result
