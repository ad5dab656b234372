"""Student ids and file names as data (kitlib.grading.names): refused vs escaped, CSV cells, progress lines."""
from __future__ import annotations

import csv
import io

import pytest

from kitlib.grading import names
from kitlib.grading.progress import GradingProgress

REFUSED = ["", ".", "..", "a/b", "ana\nben", "ana\rben", "tab\tid", "esc\x1b[2J", "nul\0", "del\x7f",
           "c1\x9b", "bidi\u202egnp.exe", "zero\u200bwidth", "glob[1]", "star*", "what?", ".hidden", "-rf",
           "back\\slash", "x" * 101, "é" * 51]
ALLOWED = ["ana", "Ana Maria", "José", "李雷", "o'brien", "=cmd|' -C calc'!A0", "+1", "@sum", "a{b}", "<b>x<b>",
           "x" * 100, "ana-maria_2"]


@pytest.mark.parametrize("name", REFUSED)
def test_unsafe_ids_are_refused_with_an_escaped_line(name):
    assert names.refusal(name) is not None
    line = names.refused_line(f"submitted/{name}/mini", name)
    assert line.startswith("folder submitted/") and "not graded" in line
    assert all(ch.isprintable() for ch in line), repr(line)
    assert "\x1b" not in line and "\n" not in line


@pytest.mark.parametrize("name", ALLOWED)
def test_ordinary_ids_are_allowed(name):
    assert names.refusal(name) is None, name


def test_show_escapes_what_a_terminal_would_act_on_and_keeps_text():
    assert names.show("ana\x1b[2J\x1b[H") == "ana\\x1b[2J\\x1b[H"
    assert names.show("José 李") == "José 李"
    assert names.show("a\u202eb") == "a\\u202eb"
    assert names.show("a\\x1b") == "a\\\\x1b"  # a literal backslash cannot forge an escape
    assert names.show_line("[1/3] a\rfake 5/5\n") == "[1/3] a\\rfake 5/5\\n"
    assert len(names.show("y" * 500)) == names.SHOW_LIMIT


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2", "@SUM(A1)", "\t=1", "\r=1", "\n=1"])
def test_csv_cells_a_spreadsheet_would_evaluate_are_neutralised(cell):
    out = names.csv_cell(cell)
    assert out == "'" + cell
    buffer = io.StringIO()
    csv.writer(buffer).writerow([out])
    assert next(csv.reader(io.StringIO(buffer.getvalue())))[0].startswith("'")


def test_csv_cells_that_are_data_stay():
    assert names.csv_cell("ana") == "ana" and names.csv_cell("") == "" and names.csv_cell(3.5) == "3.5" and names.csv_cell(5.0) == "5"


def test_progress_lines_show_ids_escaped():
    stream = io.StringIO()
    progress = GradingProgress(stream, mode="log")
    progress.plan({"a\x1b[2J/mini": ["mini"]}, slots=1)
    progress.submission_finished("a\x1b[2J/mini", "[1/1] a\x1b[2J/mini: 5/5\n[2/1] forged: 5/5", ["note\x1b[31m"])
    text = stream.getvalue()
    assert "\x1b" not in text and "forged" in text
    assert text.count("\n") == 2  # the forged second line stayed inside the first
