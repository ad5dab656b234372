"""The course as a student meets it: JupyterLab in headless Chromium, configured like Binder.

Each step leaves a screenshot in ``$KIT_ARTIFACTS/screenshots`` (default ``artifacts/screenshots``).
Chapters are discovered from ``course/source`` (see ``conftest.py``), not named here.
"""
from __future__ import annotations

import shutil

import pytest

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

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

TRACEBACK = "Traceback (most recent call last)"


def test_course_map_opens_and_every_chapter_link_works(page, lab_server, lab_course, shot):
    open_document(page, lab_server.lab_url("student/START_HERE.md"), "student/START_HERE.md", kind="document")
    rendered = page.locator(".jp-MarkdownViewer:visible .jp-RenderedMarkdown")
    rendered.wait_for()
    assert "course map" in rendered.inner_text().lower()
    shot("course-map")

    links = rendered.locator("a[href*='.ipynb']")
    expected = sorted(f"student/{chapter.rel}" for chapter in lab_course.chapters)
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
        # Back to the map: close the chapter and stop its kernel (every opened notebook starts one).
        page.evaluate("""async () => { const w = window.jupyterapp.shell.currentWidget;
                                       await w.sessionContext.shutdown(); w.close(); }""")
        rendered.wait_for()
    assert sorted(opened) == expected


def test_nbgrader_menu_has_only_the_student_tools(page, lab_server, shot):
    open_document(page, lab_server.lab_url("student/START_HERE.md"), "student/START_HERE.md", kind="document")
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    menu = page.locator(".lm-Menu:visible")
    menu.wait_for()
    items = [t.strip() for t in menu.locator(".lm-Menu-itemLabel").all_inner_texts() if t.strip()]
    shot("nbgrader-menu")
    page.keyboard.press("Escape")
    assert any("Assignment List" in t for t in items), items
    assert not any("Formgrader" in t or "Course" in t for t in items), items
    commands = page.evaluate("() => window.jupyterapp.commands.listCommands()")
    assert "nbgrader:open-assignment-list" in commands
    assert "nbgrader:open-formgrader" not in commands and "nbgrader:open-create-assignment" not in commands


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
    path = f"student/{chapter.rel}"
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


def _validate(page, shot, name: str) -> str:
    """Click the notebook's Validate button; return the text of nbgrader's result dialog."""
    button = page.locator(".jp-NotebookPanel:visible .validate-button")
    button.wait_for()
    button.click()
    dialog = page.locator(".jp-Dialog").filter(has_text="Validation Results")
    dialog.wait_for(timeout=300_000)
    text = dialog.inner_text()
    shot(name)
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
