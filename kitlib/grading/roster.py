"""The class list: the gradebook's own student table (nbgrader's), filled from a roster CSV.

``kit students import roster.csv`` reads the columns a registrar's or an LMS's export has (names are
matched loosely: ``id`` / ``student_id`` / ``username``, ``first_name`` / ``First name``, ``last_name``,
``email``, ``lms_user_id`` / ``lms id`` / ``sis id``) and creates or updates each student with
nbgrader's API, like ``nbgrader db student import``; both fill the same table, which the formgrader
shows. ``kit students list`` prints it. ``kit grade`` then names the enrolled students without a
submission and the folders of ``submitted/`` that are not on the list (:func:`check_submitted`).

Example::

    import_roster(Course.open("course"), Path("roster.csv"))   # ImportSummary(added=30, updated=0, ...)
    list_students(Course.open("course"))                        # [{"id": "ana", "first_name": ..., ...}]
"""
from __future__ import annotations

import csv
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from kitlib.grading.course import Course, CourseError

FIELDS = ("id", "first_name", "last_name", "email", "lms_user_id")
ALIASES = {
    "id": ("id", "student_id", "student id", "username", "user", "login", "login id", "student"),
    "first_name": ("first_name", "first name", "firstname", "given name", "given_name"),
    "last_name": ("last_name", "last name", "lastname", "surname", "family name", "family_name"),
    "email": ("email", "e-mail", "email address", "mail"),
    "lms_user_id": ("lms_user_id", "lms id", "lms_id", "lms user id", "sis user id", "sis_user_id", "sis id",
                    "id number", "idnumber", "canvas id"),
}
# Ids nbgrader and the file system handle safely (the folder names of submitted/<student>/).
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")


def shown_name(text: str) -> str:
    """A folder or student name as a terminal line may show it: control characters and escape sequences
    escaped (``\\x1b``), never interpreted. (Integrator: issue 21's names/escaping module owns this.)

    Example:
        >>> shown_name("ana\\x1b[2J\\nbob")
        'ana\\\\x1b[2J\\\\nbob'
    """
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(text))


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    refused: list[str] = field(default_factory=list)  # "line N: why"


def _columns(header: list[str]) -> dict[str, str]:
    """Roster field -> the CSV column that holds it."""
    found = {}
    normal = {h: " ".join(h.strip().lower().replace("_", " ").split()) for h in header}
    for name, aliases in ALIASES.items():
        wanted = {" ".join(a.replace("_", " ").split()) for a in aliases}
        for column, norm in normal.items():
            if norm in wanted and name not in found and column not in found.values():
                found[name] = column
    return found


def read_roster(path: Path) -> tuple[list[dict], list[str]]:
    """(students as dicts of :data:`FIELDS`, refused lines) from a roster CSV; CourseError without an id column."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CourseError(f"{path} cannot be read as a UTF-8 CSV file: {error}") from error
    reader = csv.DictReader(text.splitlines())
    columns = _columns(reader.fieldnames or [])
    if "id" not in columns:
        raise CourseError(f"{path}: no student id column (one of: id, student_id, username); "
                          f"its columns are: {', '.join(reader.fieldnames or []) or 'none'}")
    students, refused, seen = [], [], set()
    for number, row in enumerate(reader, start=2):
        record = {name: (row.get(column) or "").strip() for name, column in columns.items()}
        sid = record.get("id", "")
        if not sid:
            continue
        if not SAFE_ID.match(sid):
            refused.append(f"line {number}: the id {sid!r} is not one nbgrader can use as a folder name "
                           "(letters, digits, . _ @ + -)")
            continue
        if sid in seen:
            refused.append(f"line {number}: {sid} is listed twice (the first line counts)")
            continue
        seen.add(sid)
        students.append({name: record.get(name, "") for name in FIELDS})
    return students, refused


def import_roster(course: Course, path: Path) -> ImportSummary:
    """Create or update every student of the roster in the course gradebook (nbgrader's student table).

    A field the roster leaves empty keeps its value in the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    students, refused = read_roster(path)
    summary = ImportSummary(refused=refused)
    with warnings.catch_warnings(), Gradebook(course.db_url, None) as gb:
        warnings.simplefilter("ignore")
        for record in students:
            values = {k: v for k, v in record.items() if k != "id" and v}
            try:
                gb.find_student(record["id"])
                summary.updated += 1
            except MissingEntry:
                summary.added += 1
            gb.update_or_create_student(record["id"], **values)
    return summary


def name_students(gb, ids=None) -> list[str]:
    """Give each student of ``gb`` (an open nbgrader ``Gradebook``) who has no name at all their id as
    last name (first name empty); the ids named.

    nbgrader's autograde and collect enrol a submitter without a name, and the formgrader then lists them
    as "None, None"; with the id as name it lists "ana, ". A student with any name (a roster's) keeps it;
    a roster imported later replaces the id. ``ids``: only these students (default: all).

    Example::

        with Gradebook(course.db_url, None) as gb:
            name_students(gb)   # ["ana", "ben"] on a class graded before any roster was imported
    """
    named = []
    wanted = None if ids is None else set(ids)
    for student in gb.students:
        if wanted is not None and student.id not in wanted:
            continue
        if not (student.first_name or "").strip() and not (student.last_name or "").strip():
            student.last_name, student.first_name = student.id, ""
            named.append(student.id)
    if named:
        gb.db.commit()
    return named


def list_students(course: Course) -> list[dict]:
    """The gradebook's students (id, names, email, LMS id), by id ([] without a gradebook)."""
    from nbgrader.api import Gradebook

    if not course.gradebook_path.exists():
        return []
    with warnings.catch_warnings(), Gradebook(course.db_url, None) as gb:
        warnings.simplefilter("ignore")
        return sorted(({"id": s.id, "first_name": s.first_name or "", "last_name": s.last_name or "",
                        "email": s.email or "", "lms_user_id": s.lms_user_id or ""} for s in gb.students),
                      key=lambda s: s["id"])


@dataclass
class SubmittedCheck:
    """What ``submitted/`` holds against the class list, for the assignments being graded."""

    missing: dict[str, list[str]]  # assignment -> enrolled students without a submission
    unknown: list[str]  # folders of students who are not on the class list (when there is one)
    no_assignment: list[tuple[str, list[str]]]  # (folder, what it holds) with none of the course's assignments


def check_submitted(course: Course, assignments: list[str]) -> SubmittedCheck:
    """Compare ``submitted/`` with the class list before grading (grading adds every submitter to it).

    Example::

        check = check_submitted(course, ["mini"])
        check.missing["mini"], check.unknown, check.no_assignment
    """
    enrolled = {s["id"] for s in list_students(course)}
    root = course.root / "submitted"
    folders = sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) if root.is_dir() else []
    known = set(course.assignments())
    missing = {a: sorted(enrolled - set(course.students(a))) for a in assignments}
    no_assignment = []
    for folder in folders:
        path = root / folder
        if path.is_symlink() or not path.is_dir():
            continue  # not a folder: the intake refuses it with its own report line
        try:
            inside = sorted(p.name for p in path.iterdir())
        except OSError:
            inside = []
        if not any(name in known for name in inside):
            no_assignment.append((folder, inside))
    stray = {folder for folder, _ in no_assignment}
    unknown = [f for f in folders if enrolled and f not in enrolled and f not in stray]
    return SubmittedCheck(missing, unknown, no_assignment)
