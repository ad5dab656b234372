"""grades.csv: nbgrader's columns, plus a status; a missing submission has no score, a real zero has 0."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from kitlib.grading.grades_csv import COLUMNS, NBGRADER_COLUMNS, KitCsvExportPlugin


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    """Two assignments; 'zero' submitted and scored 0, 'full' 3 points, 'manual' waits for the teacher,
    'absent' (with a comma in the name) submitted nothing, and nobody submitted 'later'."""
    tmp_path = tmp_path_factory.mktemp("gradebook")
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + path  # nbgrader runs alembic
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as gb:
        for name in ("now", "later"):
            gb.add_assignment(name)
            gb.add_notebook("nb", name)
            gb.add_grade_cell("ex_test", "nb", name, max_score=3, cell_type="code")
        for student in ("zero", "full", "manual"):
            gb.add_student(student)
        gb.add_student("absent", last_name="Doe, Jr.", first_name="Jo")
        for student, score, manual in (("zero", 0, False), ("full", 3, False), ("manual", 0, True)):
            gb.add_submission("now", student)
            grade = gb.find_grade("ex_test", "nb", "now", student)
            grade.auto_score = score
            grade.needs_manual_grade = manual
        gb.db.commit()
    os.environ["PATH"] = path
    return tmp_path, url


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, {(r["assignment"], r["student_id"]): r for r in reader}


def test_missing_submission_has_no_score_and_says_missing(gradebook):
    folder, url = gradebook
    out = folder / "grades.csv"
    with Gradebook(url) as gb:
        KitCsvExportPlugin(to=str(out)).export(gb)
    columns, rows = read(out)
    assert columns == COLUMNS and columns[:len(NBGRADER_COLUMNS)] == NBGRADER_COLUMNS
    zero, absent = rows[("now", "zero")], rows[("now", "absent")]
    assert (zero["raw_score"], zero["score"], zero["status"]) == ("0.0", "0.0", "graded")
    assert (absent["raw_score"], absent["score"], absent["timestamp"], absent["status"]) == ("", "", "", "missing")
    assert absent["max_score"] == "3.0" and absent["last_name"] == "Doe, Jr."  # quoted, not split
    assert rows[("now", "full")]["score"] == "3.0"
    assert rows[("now", "manual")]["status"] == "needs manual grading"
    assert {r["status"] for (a, _), r in rows.items() if a == "later"} == {"missing"}


def test_stock_nbgrader_export_takes_the_plugin_by_name(gradebook):
    folder, url = gradebook
    out = folder / "by_name.csv"
    done = subprocess.run([sys.executable, "-m", "nbgrader", "export", f"--CourseDirectory.root={folder}",
                           f"--CourseDirectory.db_url={url}", "--assignment=now",
                           "--ExportApp.plugin_class=kitlib.grading.grades_csv.KitCsvExportPlugin",
                           f"--CsvExportPlugin.to={out}"], cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    _, rows = read(out)
    assert {k[0] for k in rows} == {"now"}
    assert rows[("now", "absent")]["status"] == "missing" and rows[("now", "zero")]["score"] == "0.0"
