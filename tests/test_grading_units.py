"""Fast unit tests of the grading pieces (no notebook is executed)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat
import pytest

from kitlib.grading import answers, feedback, release, report, sandbox, sanitize

FIXTURE_NB = Path(__file__).parent / "fixtures" / "mini_course" / "source" / "mini" / "mini.ipynb"


def source_nb():
    return nbformat.read(str(FIXTURE_NB), as_version=4)


def blank_nb():
    """What generate_assignment makes of the fixture (solutions and hidden tests gone)."""
    nb = source_nb()
    for cell in nb.cells:
        text = release.strip_regions(cell.source, release.BEGIN_HIDDEN, release.END_HIDDEN)
        if release.BEGIN_SOLUTION in text:
            text = release.strip_regions(text, release.BEGIN_SOLUTION, release.END_SOLUTION) + "# YOUR CODE HERE"
        cell.source = text.rstrip("\n")
    return nb


def cell(nb, gid):
    return next(c for c in nb.cells if (c.metadata.get("nbgrader") or {}).get("grade_id") == gid)


# ---------------------------------------------------------------- release leak check

def test_clean_release_has_no_leaks():
    assert release.find_leaks(source_nb(), blank_nb(), "mini") == []


def test_surviving_solution_and_hidden_test_are_leaks():
    leaked = blank_nb()
    cell(leaked, "mini_sum_answer").source += "\ntotal = 2 + 3"
    cell(leaked, "mini_words_test").source += '\ngrade("mini_words", words, hidden=True)'
    kinds = sorted(leak.kind for leak in release.find_leaks(source_nb(), leaked, "mini"))
    assert kinds == ["hidden test", "solution"]


def test_leftover_marker_is_a_leak():
    leaked = blank_nb()
    cell(leaked, "mini_sum_test").source += "\n### BEGIN HIDDEN TESTS"
    assert any(leak.kind == "marker" for leak in release.find_leaks(source_nb(), leaked, "mini"))


def test_release_rejects_unknown_assignment(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    with pytest.raises(release.ReleaseError, match="unknown assignment"):
        release.release_assignments(tmp_path, ["nope"])


def test_release_rejects_folder_without_config(tmp_path):
    with pytest.raises(release.ReleaseError, match="nbgrader_config.py is missing"):
        release.release_assignments(tmp_path)


# ---------------------------------------------------------------- sanitize

def test_read_submitted_rejects_bad_json_and_non_notebooks(tmp_path):
    bad = tmp_path / "a.ipynb"
    bad.write_text("{ nope")
    assert "not valid JSON" in sanitize.read_submitted(bad)[1]
    bad.write_text(json.dumps({"cells": "x"}))
    assert "not a Jupyter notebook" in sanitize.read_submitted(bad)[1]
    bad.write_text(json.dumps([1, 2]))
    assert sanitize.read_submitted(bad)[0] is None


def test_honest_notebook_needs_no_repair():
    repaired, notes = sanitize.repair_notebook(blank_nb(), blank_nb())
    assert notes == []
    assert [c.source for c in repaired.cells] == [c.source for c in blank_nb().cells]


def test_instructor_version_is_not_reported_as_edited():
    assert sanitize.repair_notebook(source_nb(), blank_nb())[1] == []


def test_deleted_grade_cell_is_restored_in_place():
    nb = blank_nb()
    position = nb.cells.index(cell(nb, "mini_sum_test"))
    del nb.cells[position]
    repaired, notes = sanitize.repair_notebook(nb, blank_nb())
    assert any("mini_sum_test was deleted" in n for n in notes)
    assert sanitize._grade_id(repaired.cells[position]) == "mini_sum_test"


def test_duplicated_locked_cell_is_dropped_and_split_answer_kept():
    nb = blank_nb()
    test = cell(nb, "mini_words_test")
    nb.cells.insert(nb.cells.index(test), copy.deepcopy(test))
    answer = cell(nb, "mini_sum_answer")
    half = copy.deepcopy(answer)
    half.source = "total = total + 3"
    nb.cells.insert(nb.cells.index(answer) + 1, half)
    repaired, notes = sanitize.repair_notebook(nb, blank_nb())
    ids = [sanitize._grade_id(c) for c in repaired.cells]
    assert ids.count("mini_words_test") == 1 and ids.count("mini_sum_answer") == 1
    assert "total = total + 3" in [c.source for c in repaired.cells]
    assert len([n for n in notes if "more than once" in n]) == 2


def test_retyped_cells_get_their_type_back():
    nb = blank_nb()
    for gid in ("mini_sum_test", "mini_words_answer"):
        old = cell(nb, gid)
        nb.cells[nb.cells.index(old)] = nbformat.v4.new_markdown_cell(old.source, metadata=old.metadata)
    repaired, notes = sanitize.repair_notebook(nb, blank_nb())
    assert cell(repaired, "mini_sum_test").cell_type == "code"
    assert cell(repaired, "mini_words_answer").cell_type == "code"
    assert len([n for n in notes if "changed from code to markdown" in n]) == 2
    nbformat.validate(repaired)


def test_edited_test_cell_is_reported():
    nb = blank_nb()
    cell(nb, "mini_sum_test").source = "print('fine')"
    assert any("mini_sum_test was edited" in n for n in sanitize.repair_notebook(nb, blank_nb())[1])


# ---------------------------------------------------------------- feedback

def test_hide_hidden_tests_strips_source_and_tracebacks():
    nb = source_nb()
    test = cell(nb, "mini_sum_test")
    test.outputs = [nbformat.v4.new_output("error", ename="NameError", evalue="name 'x' is not defined",
                                           traceback=['grade("mini_sum", total, hidden=True)', "NameError"])]
    out, _ = feedback.HideHiddenTests().preprocess(nb, {})
    text = json.dumps(out)
    assert "hidden=True" not in text and "HIDDEN" not in text
    assert cell(out, "mini_sum_test").outputs[0]["traceback"] == ["NameError: name 'x' is not defined"]


# ---------------------------------------------------------------- sandbox, report

def test_availability_answers_three_fields():
    ok, message, fix = sandbox.availability()
    assert isinstance(ok, bool) and message and isinstance(fix, str)
    assert ok or fix


def test_kernel_argv_isolates_when_bwrap_works(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    argv = sandbox.kernel_argv(sandbox.Limits(), tmp_path / "w", tmp_path / "ipc", hide=[course], use_bwrap=True)
    assert argv[0] == "bwrap" and "--unshare-net" in argv and "{connection_file}" == argv[-1]
    assert argv[argv.index(str(course.resolve())) - 1] == "--tmpfs"
    plain = sandbox.kernel_argv(sandbox.Limits(), tmp_path / "w", tmp_path / "ipc", hide=[course], use_bwrap=False)
    assert plain[0] != "bwrap" and "--memory-mb=4096" in plain


def test_kernel_argv_rebinds_a_virtualenv_that_lives_in_tmp(tmp_path, monkeypatch):
    """A clone under /tmp (as CI may make) keeps its venv and kitlib visible under the /tmp tmpfs,
    while the course folder inside it stays hidden: the tmpfs over it comes after the re-bind."""
    repo = tmp_path / "clone"
    venv, course = repo / ".venv", repo / "course"
    venv.mkdir(parents=True)
    course.mkdir()
    monkeypatch.setattr(sandbox, "_needed_paths", lambda: [venv.resolve(), repo.resolve()])
    argv = sandbox.kernel_argv(sandbox.Limits(), tmp_path / "w", tmp_path / "ipc", hide=[course], use_bwrap=True)
    triples = list(zip(argv, argv[1:], argv[2:]))
    assert ("--ro-bind", str(venv.resolve()), str(venv.resolve())) in triples
    rebind = triples.index(("--ro-bind", str(repo.resolve()), str(repo.resolve())))
    hides = [i for i, (flag, path) in enumerate(zip(argv, argv[1:])) if (flag, path) == ("--tmpfs", str(course.resolve()))]
    assert hides and hides[0] > rebind


def test_pass_shares():
    from kitlib.grading.grade import CellResult, SubmissionResult

    results = [SubmissionResult("a", "m", [CellResult("nb", "x", 2, 2), CellResult("nb", "y", 1, 0)]),
               SubmissionResult("b", "m", [CellResult("nb", "x", 2, 1), CellResult("nb", "y", 1, 1)])]
    assert report.pass_shares(results) == {"x": 0.5, "y": 0.5}


def test_availability_without_bwrap_says_so_and_how_to_fix(monkeypatch):
    monkeypatch.setattr(sandbox, "_which", lambda name: None)
    ok, message, fix = sandbox.availability.__wrapped__()
    assert not ok and "not installed" in message and "bubblewrap" in fix


# ---------------------------------------------------------------- start-up cost

def test_grader_processes_skip_the_slow_iri_grammar_and_still_validate_notebooks():
    import subprocess
    import sys

    code = ("from kitlib.grading import skip_slow_optional_imports\n"
            "skip_slow_optional_imports()\n"
            "import sys, nbformat, jsonschema\n"
            f"nb = nbformat.read({str(FIXTURE_NB)!r}, as_version=4)\n"
            "nbformat.validate(nb)\n"
            "broken = nbformat.v4.new_notebook(); broken.cells.append({'cell_type': 'code'})\n"
            "try:\n    nbformat.validate(broken)\nexcept nbformat.ValidationError:\n    print('invalid caught')\n"
            "print('loaded' if sys.modules.get('rfc3987_syntax') else 'skipped')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["invalid", "caught", "skipped"]


# ---------------------------------------------------------------- blank versions

def test_current_release_is_reused_only_while_newer_than_every_source(tmp_path):
    import os
    import time

    from kitlib.grading.release import current_release

    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    source, release = tmp_path / "source" / "mini", tmp_path / "release" / "mini"
    source.mkdir(parents=True)
    (source / "mini.ipynb").write_text("{}")
    (source / "data.csv").write_text("1,2\n")
    assert current_release(tmp_path, "mini") is None  # nothing released yet
    release.mkdir(parents=True)
    (release / "mini.ipynb").write_text("{}")
    past = time.time() - 60
    for path in (source / "mini.ipynb", source / "data.csv", tmp_path / "nbgrader_config.py"):
        os.utime(path, (past, past))
    assert current_release(tmp_path, "mini") == release
    (source / "data.csv").write_text("3,4\n")  # the teacher changed a source file since kit release
    assert current_release(tmp_path, "mini") is None
    os.utime(source / "data.csv", (past, past))
    (source / "extra.ipynb").write_text("{}")  # a notebook the release does not have
    os.utime(source / "extra.ipynb", (past, past))
    assert current_release(tmp_path, "mini") is None
