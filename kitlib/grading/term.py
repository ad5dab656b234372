"""The term's commands: ``kit report``, ``kit students``, ``kit due``, ``kit extend``, ``kit export``.

Thin: each reads its arguments, calls the module that owns the concept and prints one line per outcome.

- ``kit report [ASSIGNMENT ...]``: the reports and ``grades.csv`` again from the gradebook, without
  grading (after manual grades and comments in the formgrader, an extension, a new late policy);
- ``kit students import ROSTER.csv`` / ``kit students list`` (:mod:`kitlib.grading.roster`);
- ``kit due ASSIGNMENT "2026-12-01 17:00 UTC"`` and ``kit extend STUDENT ASSIGNMENT --days N``
  (:mod:`kitlib.grading.deadlines`);
- ``kit export canvas|moodle [--out FILE]`` (:mod:`kitlib.grading.lms_export`).

Example::

    kit students import roster.csv && kit due mini "2026-12-01 17:00 UTC" && kit extend ana mini --days 2
    kit grade && kit report && kit export canvas
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

from kitlib.grading.course import Course, CourseError


def _fail(command: str, error) -> int:
    print(f"kit {command}: {error}", file=sys.stderr)
    return 1


def rebuild(course: Course, assignments: list[str] | None = None) -> list[Path]:
    """Late penalties, every report and ``grades.csv`` from the gradebook as it is now; the reports written."""
    from kitlib.grading.deadlines import apply_deadlines
    from kitlib.grading.gradebook import export_csv, read_grades
    from kitlib.grading.report import build_report, load_store

    wanted = course.require(assignments)
    if course.gradebook_path.exists():  # students nbgrader enrolled without a name (collect, the formgrader)
        from nbgrader.api import Gradebook

        from kitlib.grading.roster import name_students

        with warnings.catch_warnings(), Gradebook(course.db_url, None) as gb:
            warnings.simplefilter("ignore")
            name_students(gb)
    written = []
    for assignment in wanted:
        if not read_grades(course, assignment).submissions and not load_store(course.root, assignment)["results"]:
            continue
        apply_deadlines(course, assignment)
        written.append(build_report(course.root, assignment))
    if course.gradebook_path.exists():
        export_csv(course)
    return written


def run_report(args) -> int:
    try:
        course = Course.open(args.course)
        written = rebuild(course, list(args.assignments or []))
    except CourseError as error:
        return _fail("report", error)
    if not written:
        return _fail("report", "no assignment has graded submissions yet: run kit grade first")
    for path in written:
        print(f"kit report: {path}")
    print(f"kit report: grades: {course.grades_csv}")
    return 0


def run_students(args) -> int:
    from kitlib.grading.roster import import_roster, list_students

    try:
        course = Course.open(args.course)
        if args.action == "import":
            if not args.roster:
                return _fail("students", "kit students import ROSTER.csv: name the roster file")
            summary = import_roster(course, Path(args.roster))
            for line in summary.refused:
                print(f"kit students: {args.roster}, {line}", file=sys.stderr)
            print(f"kit students: {summary.added} added, {summary.updated} updated, "
                  f"{len(summary.refused)} refused, in {course.gradebook_path}")
            return 1 if summary.refused else 0
        students = list_students(course)
    except CourseError as error:
        return _fail("students", error)
    if not students:
        print("kit students: the class list is empty (kit students import ROSTER.csv)")
        return 0
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["id", "first_name", "last_name", "email", "lms_user_id"])
    from kitlib.grading.names import csv_cell

    for s in students:
        writer.writerow([csv_cell(s[k]) for k in ("id", "first_name", "last_name", "email", "lms_user_id")])
    return 0


def run_due(args) -> int:
    from kitlib.grading.deadlines import format_due, parse_due, publish_due_date, set_due_date

    try:
        course = Course.open(args.course)
        course.require([args.assignment])
        when = None if args.when.lower() in ("none", "") else parse_due(args.when)
        set_due_date(course, args.assignment, when)
        note = publish_due_date(course, args.assignment, when)
    except CourseError as error:
        return _fail("due", error)
    print(f"kit due: {args.assignment} is due {format_due(when) or 'whenever (no due date)'} "
          "(in the gradebook; no source file changes)")
    if note is None:
        print(f"kit due: the next kit release of {args.assignment} carries it to the students (DUE.md)")
    else:
        print(f"kit due: {note} updated; students get it at kit lab's next start; with nbgrader's exchange, "
              f"run `nbgrader release_assignment {args.assignment} --force`: students who fetched already get "
              "it at their Assignments tab's next list (or `nbgrader list`), the others with the notebooks")
    return 0


def run_extend(args) -> int:
    from kitlib.grading.deadlines import grant_extension

    try:
        course = Course.open(args.course)
        course.require([args.assignment])
        path = grant_extension(course, args.student, args.assignment, float(args.days))
    except (CourseError, ValueError) as error:
        return _fail("extend", error)
    what = f"{float(args.days):g} day(s)" if float(args.days) else "no extension"
    print(f"kit extend: {args.student}, {args.assignment}: {what} (in {path}; kit grade / kit report apply it)")
    return 0


def run_export(args) -> int:
    from kitlib.grading.lms_export import write_export

    try:
        course = Course.open(args.course)
        out = write_export(course, args.format, Path(args.out) if args.out else None,
                           list(args.assignments or []) or None)
    except CourseError as error:
        return _fail("export", error)
    print(f"kit export: {out}")
    return 0


def add_parsers(sub) -> None:
    """The term's sub-commands of ``kit`` (:func:`kitlib.cli.build_parser`)."""
    course_help = "the course directory (default: the folder kit runs in)"
    report = sub.add_parser("report", help="rebuild the reports and grades.csv from the gradebook (no grading)")
    report.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    report.add_argument("--course", type=Path, default=None, help=course_help)

    students = sub.add_parser("students", help="the class list: import a roster CSV, or list it")
    students.add_argument("action", choices=["import", "list"])
    students.add_argument("roster", nargs="?", default=None, metavar="ROSTER.csv")
    students.add_argument("--course", type=Path, default=None, help=course_help)

    due = sub.add_parser("due", help='set an assignment\'s due date ("2026-12-01 17:00 UTC"; "none" removes it)')
    due.add_argument("assignment", metavar="ASSIGNMENT")
    due.add_argument("when", metavar="DATE")
    due.add_argument("--course", type=Path, default=None, help=course_help)

    extend = sub.add_parser("extend", help="give one student more days for one assignment (0 removes it)")
    extend.add_argument("student", metavar="STUDENT")
    extend.add_argument("assignment", metavar="ASSIGNMENT")
    extend.add_argument("--days", type=float, required=True)
    extend.add_argument("--course", type=Path, default=None, help=course_help)

    export = sub.add_parser("export", help="grades as a CSV that Canvas or Moodle imports")
    export.add_argument("format", choices=["canvas", "moodle"])
    export.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    export.add_argument("--out", default=None, help="the file to write (default: COURSE/export-FORMAT.csv)")
    export.add_argument("--course", type=Path, default=None, help=course_help)


RUNNERS = {"report": run_report, "students": run_students, "due": run_due, "extend": run_extend,
           "export": run_export}
