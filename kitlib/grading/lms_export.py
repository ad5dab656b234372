"""``kit export canvas|moodle``: the course's grades as a CSV file that an LMS gradebook imports.

Scores come from the gradebook (:func:`kitlib.grading.gradebook.read_grades`: the formgrader's manual
grades included, the late penalty taken off); students and their LMS ids from the class list
(:mod:`kitlib.grading.roster`). A missing submission is an empty cell: both LMSs leave such a grade
as it is instead of entering a zero.

- **Canvas** (Grades > Import): the columns of Canvas' own gradebook export, ``Student``, ``ID``,
  ``SIS User ID``, ``SIS Login ID``, ``Section``, then one column per assignment, and a second row
  ``Points Possible``. Canvas matches students by ``ID``/``SIS User ID``/``SIS Login ID``: the roster's
  LMS id goes into ``SIS User ID``, the kit's student id into ``SIS Login ID``. A column whose name is
  not an existing assignment becomes a new one with those points.
- **Moodle** (Grades > Import > CSV file): ``First name``, ``Last name``, ``ID number`` (the LMS id),
  ``Email address``, ``Username`` (the kit's id), then one column per assignment; map one of the
  identity columns to Moodle's user field and each assignment column to a grade item in the import
  form.

Example::

    write_export(Course.open("course"), "canvas", Path("canvas.csv"))
"""
from __future__ import annotations

import csv
from pathlib import Path

from kitlib.grading.course import Course, CourseError
from kitlib.grading.names import csv_cell

FORMATS = ("canvas", "moodle")
def export_rows(course: Course, kind: str, assignments: list[str] | None = None) -> list[list[str]]:
    """The rows (header first) of the ``kind`` export of ``assignments`` (all graded ones when None)."""
    from kitlib.grading.gradebook import read_grades
    from kitlib.grading.roster import list_students

    if kind not in FORMATS:
        raise CourseError(f"unknown export format {kind!r}: one of {', '.join(FORMATS)}")
    names = assignments or course.assignments()
    grades = {a: read_grades(course, a) for a in names}
    names = [a for a in names if grades[a].submissions or assignments]
    if not names:
        raise CourseError("nothing to export: no assignment has graded submissions yet (kit grade first)")
    points = {a: _points(course, a, grades[a]) for a in names}
    students = list_students(course)
    rows: list[list[str]] = []
    if kind == "canvas":
        rows.append(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *names])
        rows.append(["    Points Possible", "", "", "", "", *[csv_cell(points[a]) for a in names]])
    else:
        rows.append(["First name", "Last name", "ID number", "Email address", "Username", *names])
    for s in students:
        scores = []
        for a in names:
            sub = grades[a].submissions.get(s["id"])
            scores.append(csv_cell(round(sub.score, 4)) if sub is not None else "")
        if kind == "canvas":
            name = ", ".join(p for p in (s["last_name"], s["first_name"]) if p) or s["id"]
            rows.append([csv_cell(name), "", csv_cell(s["lms_user_id"]), csv_cell(s["id"]), "", *scores])
        else:
            rows.append([csv_cell(s["first_name"]), csv_cell(s["last_name"]), csv_cell(s["lms_user_id"]),
                         csv_cell(s["email"]), csv_cell(s["id"]), *scores])
    return rows


def _points(course: Course, assignment: str, grades) -> float:
    for sub in grades.submissions.values():
        return sub.max_score
    return 0.0


def write_export(course: Course, kind: str, out: Path | None = None, assignments: list[str] | None = None) -> Path:
    """Write the export (default ``COURSE/export-<kind>.csv``) and return its path."""
    rows = export_rows(course, kind, assignments)
    out = Path(out) if out else course.root / f"export-{kind}.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return out
