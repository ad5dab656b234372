"""Deadlines of a term: due dates, per-student extensions and the course's late policy.

- **Due date**: nbgrader's own, ``Assignment.duedate`` in the gradebook
  (``nbgrader db assignment add mini --duedate="2026-12-01 17:00:00 UTC"``, or ``kit due mini
  "2026-12-01 17:00 UTC"``): course metadata, not a source file. Students read it in ``DUE.md`` beside
  the released notebooks and on the course map (:func:`publish_due_date`); on a hub, nbgrader's exchange
  carries the note, and the students' Assignments list keeps a fetched copy's note the release's
  (:func:`refresh_due_note`, :mod:`kitlib.grading.exchange`).
- **Extensions**: ``COURSE/extensions.csv`` (``student_id,assignment,days``), written by
  ``kit extend STUDENT ASSIGNMENT --days N`` or by hand; a student may have one before submitting.
  :func:`apply_deadlines` copies it into nbgrader's ``SubmittedAssignment.extension``, so the
  formgrader and ``nbgrader export`` see the same due date.
- **Late policy**: a course setting in ``nbgrader_config.py``::

      c.KitLatePolicy.penalty_per_day = 10   # percent of the assignment's points, per started day late
      c.KitLatePolicy.max_penalty = 50       # percent, the most a late submission can lose

  :func:`apply_deadlines` (``kit grade``, ``kit report``) computes each submission's lateness from its
  nbgrader timestamp (``timestamp.txt``) and the due date plus extension, and stores the penalty in
  nbgrader's ``late_submission_penalty``: ``grades.csv`` has ``raw_score``, ``late_submission_penalty``
  and ``score``; the report shows the same.

Example::

    policy = LatePolicy.of(Course.open("course"))      # LatePolicy(per_day=10.0, cap=50.0)
    policy.penalty(raw=8, max_score=10, seconds_late=3600)   # 1.0 (10 % of 10 points: one started day)
    grant_extension(course, "ana", "mini", days=2)
    apply_deadlines(course, "mini")                    # {"ana": Lateness(...), ...}
"""
from __future__ import annotations

import csv
import datetime
import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from kitlib.grading.course import Course, CourseError

DUE_NOTE = "DUE.md"  # an assignment's due date, one line, in its release (publish_due_date); kitlib.lab reads it
EXTENSIONS_NAME = "extensions.csv"
EXTENSION_COLUMNS = ["student_id", "assignment", "days"]
DAY = 86400.0


@dataclass(frozen=True)
class LatePolicy:
    """Percent of the assignment's points lost per started day late (``per_day``), at most ``cap`` percent."""

    per_day: float = 0.0
    cap: float = 100.0

    @classmethod
    def of(cls, course: Course) -> "LatePolicy":
        """The course's policy (``c.KitLatePolicy`` in ``nbgrader_config.py``); none: no penalty."""
        from traitlets.config.loader import PyFileConfigLoader

        try:
            config = PyFileConfigLoader("nbgrader_config.py", path=str(course.root)).load_config()
        except Exception as error:  # noqa: BLE001
            raise CourseError(f"{course.config_path} cannot be loaded: {error}") from error
        section = config.get("KitLatePolicy", {})
        try:
            per_day = float(section.get("penalty_per_day", 0) or 0)
            cap = float(section.get("max_penalty", 100) if section.get("max_penalty") is not None else 100)
        except (TypeError, ValueError) as error:
            raise CourseError(f"c.KitLatePolicy in {course.config_path}: numbers are needed ({error})") from error
        if per_day < 0 or not 0 <= cap <= 100:
            raise CourseError(f"c.KitLatePolicy in {course.config_path}: penalty_per_day >= 0 and "
                              "0 <= max_penalty <= 100 (percent)")
        return cls(per_day, cap)

    def penalty(self, raw: float, max_score: float, seconds_late: float) -> float:
        """Points lost: ``per_day`` % of ``max_score`` per started day, at most ``cap`` %, never more than ``raw``.

        Example:
            >>> LatePolicy(10, 50).penalty(raw=8, max_score=10, seconds_late=DAY + 1)
            2.0
            >>> LatePolicy(10, 50).penalty(raw=8, max_score=10, seconds_late=30 * DAY)
            5.0
            >>> LatePolicy(10, 50).penalty(raw=1, max_score=10, seconds_late=30 * DAY)
            1.0
        """
        if seconds_late <= 0 or self.per_day <= 0:
            return 0.0
        days = math.ceil(seconds_late / DAY)
        percent = min(self.cap, self.per_day * days)
        return round(float(min(max(raw, 0.0), max_score * percent / 100.0)), 4)

    def describe(self) -> str:
        if self.per_day <= 0:
            return "no late penalty (c.KitLatePolicy in nbgrader_config.py sets one)"
        return f"Late policy: {self.per_day:g} % of the points per started day late, at most {self.cap:g} %"


# --------------------------------------------------------------------- extensions


def extensions_path(course: Course) -> Path:
    return course.root / EXTENSIONS_NAME


def read_extensions(course: Course) -> dict[tuple[str, str], float]:
    """``(student, assignment) -> days`` from ``COURSE/extensions.csv`` (empty without the file).

    Example::

        read_extensions(course)   # {("ana", "mini"): 2.0}
    """
    path = extensions_path(course)
    if not path.is_file():
        return {}
    found = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                student, assignment = row["student_id"].strip(), row["assignment"].strip()
                days = float(row["days"])
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                raise CourseError(f"{path}, line {number}: needs student_id, assignment and days "
                                  f"(a number): {error}") from error
            if student and assignment and days > 0:
                found[(student, assignment)] = days
    return found


def grant_extension(course: Course, student: str, assignment: str, days: float) -> Path:
    """Record an extension of ``days`` (0 removes it) in ``COURSE/extensions.csv``; returns the file.

    Extensions do not stack: a new one replaces the previous one of that student and assignment."""
    if days < 0 or not math.isfinite(days):
        raise CourseError("--days must be a number >= 0 (0 removes the extension)")
    current = read_extensions(course)
    current.pop((student, assignment), None)
    if days > 0:
        current[(student, assignment)] = float(days)
    path = extensions_path(course)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(EXTENSION_COLUMNS)
        for (s, a), d in sorted(current.items()):
            writer.writerow([s, a, f"{d:g}"])
    tmp.replace(path)
    return path


# --------------------------------------------------------------------- due dates


def parse_due(text: str) -> datetime.datetime:
    """A due date as nbgrader stores it (naive UTC) from what a teacher types.

    Example:
        >>> parse_due("2026-12-01 17:00 UTC")
        datetime.datetime(2026, 12, 1, 17, 0)
        >>> parse_due("2026-12-01T18:00:00+01:00")
        datetime.datetime(2026, 12, 1, 17, 0)
    """
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text)
    except Exception as error:  # noqa: BLE001 - dateutil's own errors vary
        raise CourseError(f"not a date: {text!r} (write e.g. 2026-12-01 17:00 UTC)") from error


def set_due_date(course: Course, assignment: str, when: datetime.datetime | None) -> None:
    """``Assignment.duedate`` in the gradebook (nbgrader's own field; created with the assignment if needed)."""
    from nbgrader.api import Gradebook

    with warnings.catch_warnings(), Gradebook(course.db_url, course.course_id()) as gb:
        warnings.simplefilter("ignore")
        gb.update_or_create_assignment(assignment, duedate=when)


def due_note(when: datetime.datetime | None) -> str | None:
    """The text of ``DUE.md`` for a due date (None: no date, no file).

    Example:
        >>> due_note(datetime.datetime(2026, 12, 1, 17, 0))
        '**Due: 2026-12-01 17:00 UTC** (ask your teacher about an extension before then).\\n'
    """
    if when is None:
        return None
    return f"**Due: {format_due(when)}** (ask your teacher about an extension before then).\n"


def write_due_note(folder: Path, when: datetime.datetime | None) -> Path:
    """Write (or, without a date, remove) ``folder/DUE.md``; the path."""
    path = Path(folder) / DUE_NOTE
    text = due_note(when)
    if text is None:
        path.unlink(missing_ok=True)
    elif not path.is_file() or path.read_text(encoding="utf-8", errors="replace") != text:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return path


def publish_due_date(course: Course, assignment: str, when: datetime.datetime | None = None,
                     *, from_gradebook: bool = False) -> Path | None:
    """Put the due date into the student version: ``release/<assignment>/DUE.md`` (removed without a date).

    The date itself is course metadata (the gradebook's ``Assignment.duedate``), never a source file:
    setting it changes no assignment's digest (``kit grade --resume`` regrades nothing) and no release
    needs generating again. ``kit release`` writes the note into each release it makes
    (``from_gradebook=True``: the gradebook's date), ``kit due`` into the release that is there; ``kit lab``
    refreshes the note in a student's workspace at its next start (the course map shows it), and
    ``nbgrader release_assignment --force`` hands the new note to the exchange. Returns the note's path,
    or None when the assignment has no release yet. A ``source/<assignment>/DUE.md`` written by an
    earlier kit is removed (it made the date part of the source)."""
    legacy = course.source_dir(assignment) / DUE_NOTE
    if legacy.is_file() and legacy.read_text(encoding="utf-8", errors="replace").startswith("**Due: "):
        legacy.unlink()
    if from_gradebook:
        when = due_dates(course).get(assignment)
    release = course.release_dir(assignment)
    if not release.is_dir():
        return None
    return write_due_note(release, when)


def due_dates(course: Course) -> dict[str, datetime.datetime]:
    """``assignment -> due date`` of the assignments that have one (empty without a gradebook)."""
    from nbgrader.api import Gradebook

    if not course.gradebook_path.exists():
        return {}
    with warnings.catch_warnings(), Gradebook(course.db_url, None) as gb:
        warnings.simplefilter("ignore")
        return {a.name: a.duedate for a in gb.assignments if a.duedate is not None}


def format_due(when: datetime.datetime | None) -> str:
    """Example:
        >>> format_due(datetime.datetime(2026, 12, 1, 17, 0))
        '2026-12-01 17:00 UTC'
    """
    return "" if when is None else when.strftime("%Y-%m-%d %H:%M UTC")


def format_late(seconds: float) -> str:
    """Example:
        >>> format_late(90061)
        '1 d 1 h 1 min'
    """
    seconds = int(round(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    return " ".join(p for p in parts if p) or f"{seconds} s"


# --------------------------------------------------------------------- applying them


@dataclass(frozen=True)
class Lateness:
    """One submission against its deadline."""

    seconds_late: float
    extension_days: float
    penalty: float


def apply_deadlines(course: Course, assignment: str, policy: LatePolicy | None = None) -> dict[str, Lateness]:
    """Copy the extensions into the gradebook and store each submission's late penalty (the course's
    policy, on the score as the gradebook holds it now, manual grades included). Returns the lateness
    of every submission of ``assignment``.

    Idempotent: ``kit grade`` and ``kit report`` run it after every change of scores."""
    from nbgrader.api import Gradebook, MissingEntry

    if not course.gradebook_path.exists():
        return {}
    policy = policy or LatePolicy.of(course)
    extensions = read_extensions(course)
    found: dict[str, Lateness] = {}
    with warnings.catch_warnings(), Gradebook(course.db_url, None) as gb:
        warnings.simplefilter("ignore")
        try:
            record = gb.find_assignment(assignment)
        except MissingEntry:
            return {}
        for submission in record.submissions:
            student = submission.student.id
            days = extensions.get((student, assignment), 0.0)
            submission.extension = datetime.timedelta(days=days) if days else None
            gb.db.commit()
            seconds = float(submission.total_seconds_late or 0) if record.duedate else 0.0
            notebooks = list(submission.notebooks)
            raw = sum(float(nb.score or 0) for nb in notebooks)
            penalty = policy.penalty(raw, float(record.max_score or 0), seconds)
            left = penalty
            for nb in notebooks:  # nbgrader keeps the penalty per notebook; the sum is what counts
                share = min(left, float(nb.score or 0))
                nb.late_submission_penalty = share if penalty else None
                left -= share
            gb.db.commit()
            found[student] = Lateness(seconds, days, penalty)
    return found


MAX_DUE_NOTE = 4096  # bytes of a released DUE.md read back (one line is expected)


def released_due_line(released: Path) -> str:
    """The due date line of a release's ``DUE.md`` as plain text ("" without one): what ``nbgrader list``
    adds to an assignment's line.

    Example::

        released_due_line(Path("/srv/nbgrader/exchange/keras-guides/outbound/mini"))
        # 'Due: 2026-12-01 17:00 UTC (ask your teacher about an extension before then).'
    """
    try:
        with open(Path(released) / DUE_NOTE, "rb") as handle:
            text = handle.read(MAX_DUE_NOTE).decode("utf-8", errors="replace")
    except OSError:
        return ""
    lines = text.strip().splitlines()
    return lines[0].replace("**", "").strip()[:200] if lines else ""


def refresh_due_note(released: Path, local: Path) -> str | None:
    """Make the ``DUE.md`` of a student's copy of an assignment (``local``) the one of its release
    (``released``: the exchange's ``outbound/<assignment>``, which ``nbgrader release_assignment --force``
    replaced). nbgrader's fetch never replaces a file a student has, so a date set or changed after the
    student fetched reaches them this way; every other file in ``local`` stays as it is. Without a note in
    the release, a kit note in ``local`` is removed (the date was taken back); a file of the student's own
    called DUE.md is left alone. Returns what was done ("written", "removed") or None.

    Example::

        refresh_due_note(exchange / "keras-guides" / "outbound" / "mini", Path.home() / "keras-guides" / "mini")
    """
    released, local = Path(released), Path(local)
    dest = local / DUE_NOTE
    try:
        with open(released / DUE_NOTE, "rb") as handle:
            data = handle.read(MAX_DUE_NOTE + 1)
    except FileNotFoundError:
        data = None
    if data is None or len(data) > MAX_DUE_NOTE:
        if data is None and dest.is_file() and not dest.is_symlink() \
                and dest.read_bytes()[:MAX_DUE_NOTE].startswith(b"**Due: "):
            dest.unlink()
            return "removed"
        return None
    if dest.is_file() and not dest.is_symlink() and dest.read_bytes() == data:
        return None
    if not local.is_dir() or dest.is_dir():
        return None
    tmp = local / f".{DUE_NOTE}.kit-tmp"
    tmp.write_bytes(data)
    os.replace(tmp, dest)  # replaces a link itself, never what it points at
    return "written"
