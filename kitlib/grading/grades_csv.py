"""``grades.csv``: nbgrader's CSV export, where a missing submission is not a zero.

Stock ``nbgrader export`` writes ``0.0`` points for every student without a
submission, which reads like a real zero in a spreadsheet (and pulls the
class average down). :class:`KitCsvExportPlugin` keeps nbgrader's columns, in
nbgrader's order, and adds one:

- ``status``: ``graded``; ``needs manual grading`` (some answer waits for the
  teacher in formgrader, the score may still rise); ``missing`` (nothing
  submitted: ``timestamp``, ``raw_score``, ``late_submission_penalty`` and
  ``score`` are empty, ``max_score`` stays).

Empty cells are skipped by spreadsheet functions such as AVERAGE, so the mean
of ``score`` is the mean of the submissions; filter on ``status`` to list who
is missing. Values are written with Python's ``csv`` module (quoted when they
contain a comma), unlike nbgrader's plain ``str.format``.

Example::

    nbgrader export --ExportApp.plugin_class=kitlib.grading.grades_csv.KitCsvExportPlugin
"""
from __future__ import annotations

import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins import CsvExportPlugin

from kitlib.grading.names import csv_cell

NBGRADER_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                    "raw_score", "late_submission_penalty", "score", "max_score"]
COLUMNS = NBGRADER_COLUMNS + ["status"]

GRADED, MANUAL, MISSING = "graded", "needs manual grading", "missing"
# Cells whose text comes from people (ids, names, e-mails): a leading = + - @ is neutralised
# (kitlib.grading.names.csv_cell), so that a spreadsheet shows them instead of evaluating them.
TEXT_COLUMNS = ("assignment", "student_id", "last_name", "first_name", "email")



def _text(value) -> str:
    return "" if value is None else str(value)


class KitCsvExportPlugin(CsvExportPlugin):
    """nbgrader's CSV export plus a ``status`` column; no points for a missing submission."""

    def rows(self, gradebook) -> list[dict[str, str]]:
        """One row per (assignment, student), as nbgrader orders them."""
        wanted_assignments = {str(a) for a in self.assignment}
        wanted_students = {str(s) for s in self.student}
        rows = []
        for assignment in gradebook.assignments:
            if wanted_assignments and assignment.name not in wanted_assignments:
                continue
            for student in gradebook.students:
                if wanted_students and student.id not in wanted_students:
                    continue
                row = {"assignment": assignment.name, "duedate": assignment.duedate, "student_id": student.id,
                       "last_name": student.last_name, "first_name": student.first_name, "email": student.email,
                       "max_score": assignment.max_score}
                try:
                    submission = gradebook.find_submission(assignment.name, student.id)
                except MissingEntry:
                    row.update(timestamp="", raw_score="", late_submission_penalty="", score="", status=MISSING)
                else:
                    penalty = submission.late_submission_penalty
                    row.update(timestamp=submission.timestamp, raw_score=submission.score,
                               late_submission_penalty=penalty, score=max(0.0, submission.score - (penalty or 0)),
                               status=MANUAL if submission.needs_manual_grade else GRADED)
                rows.append({key: csv_cell(_text(row[key])) if key in TEXT_COLUMNS else _text(row[key])
                             for key in COLUMNS})
        return rows

    def export(self, gradebook) -> None:
        dest = self.to or "grades.csv"
        self.log.info("Exporting grades to %s (missing submissions have no score)", dest)
        rows = self.rows(gradebook)
        with open(dest, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
