"""The course gradebook and ``autograded/``: one writer, in the teacher's process.

Submissions are graded elsewhere (in scratch courses, possibly on other machines,
:mod:`kitlib.grading.submission`) and come back as plain :class:`SubmissionResult`
data; :class:`GradebookWriter` alone puts them into ``COURSE/gradebook.db`` (with
nbgrader's own API, so formgrader and the nbgrader commands keep working) and
``COURSE/autograded/<student>/<assignment>/``. This module also makes sure the
gradebook knows an assignment, hands out consistent snapshots of it, and exports
``grades.csv`` with ``nbgrader export``.

Example::

    writer = GradebookWriter(Course.open("course"))
    writer.merge(result)            # one SubmissionResult
    export_csv(Course.open("course"))
"""
from __future__ import annotations

import shutil
import sqlite3
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from kitlib.grading import safefs
from kitlib.grading.course import Course, CourseError, db_url
from kitlib.grading.release import generate
from kitlib.grading.submission import SubmissionResult
from kitlib.grading.worker import Worker, run_app_output


class GradebookError(CourseError):
    """The gradebook could not be read or written (a problem on the teacher's side)."""


def snapshot(src: Path, dst: Path) -> None:
    """A consistent copy of an SQLite gradebook (SQLite's online backup)."""
    with sqlite3.connect(src) as source, sqlite3.connect(dst) as target:
        source.backup(target)


def withhold_hidden_tests(db: Path, assignment: str) -> list[str]:
    """Take the hidden-test regions out of the grade cells that ``db`` (a snapshot) would put back.

    nbgrader's autograde restores every locked cell from the gradebook, hidden tests included, and
    the student's kernel then executes them: a notebook can read what it executes (``In``, an
    input transformer, a trace function) and print it in any encoding. ``kit grade`` gives the
    scratch courses a snapshot whose grade cells have no hidden region (checksums recomputed, so
    nbgrader sees consistent cells); the visible ``grade()`` call makes the hidden part's record
    and the trusted re-check judges it with the course's hidden checks
    (:func:`kitlib.grading.notebook.public_grade_source`). The course's own gradebook keeps the full
    source. Returns the notebook/grade ids whose hidden code is of another form: kept (it must run
    in the kernel), for a line to the teacher."""
    import nbformat
    from nbgrader.api import Gradebook
    from nbgrader.utils import compute_checksum

    from kitlib.grading.notebook import public_grade_source

    kept = []
    with Gradebook(db_url(db), None) as gb:
        for notebook in gb.find_assignment(assignment).notebooks:
            points = {cell.name: cell.max_score for cell in notebook.grade_cells}
            solutions = {cell.name for cell in notebook.solution_cells}
            for cell in notebook.source_cells:
                if cell.name not in points or cell.source is None:
                    continue
                public = public_grade_source(cell.source)
                if public is None:
                    kept.append(f"{notebook.name}/{cell.name}")
                    continue
                if public == cell.source:
                    continue
                node = nbformat.v4.new_code_cell(public) if cell.cell_type == "code" else \
                    nbformat.v4.new_markdown_cell(public)
                node.metadata["nbgrader"] = {"grade": True, "solution": cell.name in solutions,
                                             "locked": bool(cell.locked), "grade_id": cell.name,
                                             "points": points[cell.name]}
                cell.source, cell.checksum = public, compute_checksum(node)
        gb.db.commit()
    return kept


def ensure_assignment(course: Course, assignment: str, scratch: Path, worker: Worker | None = None) -> Path | None:
    """Make sure the course gradebook knows ``assignment`` (creating the gradebook if needed).

    Returns the folder of student versions when it had to generate them, else None."""
    from nbgrader.api import Gradebook, MissingEntry

    if course.gradebook_path.exists():
        with Gradebook(course.db_url, None) as gb:
            try:
                if gb.find_assignment(assignment).notebooks:
                    return None
            except MissingEntry:
                pass
    return generate(course.root, assignment, release_dir=scratch / "db-release", db=True, worker=worker)


class GradebookWriter:
    """The only writer of the course gradebook and ``autograded/`` (one lock, one process)."""

    def __init__(self, course: Course):
        self.course = course
        self.lock = threading.Lock()

    def write_autograded(self, result: SubmissionResult) -> None:
        """Replace ``autograded/<student>/<assignment>/`` by the result's files (never through a link)."""
        root = self.course.root / "autograded"
        root.mkdir(exist_ok=True)
        student_dir = root / result.student
        if student_dir.is_symlink():
            student_dir.unlink()
        student_dir.mkdir(exist_ok=True)
        target = student_dir / result.assignment
        if target.is_symlink() or (target.exists() and not target.is_dir()):
            target.unlink()
        elif target.exists():
            shutil.rmtree(target)
        safefs.write_tree(target, result.autograded)

    def merge(self, result: SubmissionResult) -> None:
        """Record one graded submission: its scores in the gradebook, its files in ``autograded/``."""
        with self.lock:
            self._scores(result)
            self.write_autograded(result)

    def record(self, result: SubmissionResult) -> None:
        """:meth:`merge` that never raises: a step that fails costs only this submission a report line."""
        with self.lock:
            for what, step in (("the gradebook", self._scores), ("autograded/", self.write_autograded)):
                try:
                    step(result)
                except Exception as error:  # noqa: BLE001 - one student's record must not stop the class
                    result.notes.append(f"kit grade could not record this submission in {what} "
                                        f"({type(error).__name__}: {error})")

    def _scores(self, result: SubmissionResult) -> None:
        from nbgrader.api import Gradebook

        from kitlib.grading.roster import name_students

        a, s = result.assignment, result.student
        scores = {(c.notebook, c.grade_id): c for c in result.cells}
        timestamp = None
        if result.timestamp:
            from nbgrader.utils import parse_utc

            try:
                timestamp = parse_utc(result.timestamp)
            except Exception:
                timestamp = None
        with warnings.catch_warnings(), Gradebook(self.course.db_url, None) as gb:
            warnings.simplefilter("ignore")  # SQLAlchemy autoflush notices from nbgrader's own API
            gb.update_or_create_student(s)
            name_students(gb, [s])  # the formgrader shows the id, not "None, None", until a roster names them
            submission = (gb.update_or_create_submission(a, s, timestamp=timestamp) if timestamp
                          else gb.update_or_create_submission(a, s))
            for nb in submission.notebooks:
                for grade in nb.grades:
                    cell = scores.get((nb.name, grade.name))
                    if cell is None:
                        continue
                    grade.auto_score = cell.score
                    grade.needs_manual_grade = cell.needs_manual_grade
            gb.db.commit()


def export_csv(course: Course, worker: Worker | None = None) -> Path:
    """``COURSE/grades.csv`` with nbgrader's CSV export (``nbgrader export``) through
    :class:`kitlib.grading.grades_csv.KitCsvExportPlugin`: nbgrader's columns plus ``status``;
    a missing submission has empty scores, not 0."""
    out = course.grades_csv
    argv = course.nbgrader_args() + [f"--CsvExportPlugin.to={out}",
                                     "--ExportApp.plugin_class=kitlib.grading.grades_csv.KitCsvExportPlugin"]
    rc, text = run_app_output(worker, "export", argv, course.root, course.root / ".kit-export.log")
    if rc != 0 or not out.exists():
        raise GradebookError("nbgrader export failed: " + "\n".join(text.splitlines()[-5:]))
    return out


# --------------------------------------------------------------------- reading: what the teacher decided


@dataclass
class CellGrade:
    """One grade cell as the gradebook holds it: the formgrader's ``manual_score`` overrides ``auto_score``."""

    notebook: str
    grade_id: str
    max_score: float
    auto_score: float | None
    manual_score: float | None
    needs_manual_grade: bool

    @property
    def score(self) -> float:
        return float(self.manual_score if self.manual_score is not None else (self.auto_score or 0.0))


@dataclass
class GradedSubmission:
    """One student's submission of one assignment, read from the gradebook (nbgrader's API)."""

    student: str
    timestamp: object  # datetime (UTC, naive as nbgrader stores it) or None
    seconds_late: float
    extension: object  # timedelta or None
    penalty: float
    cells: dict[tuple[str, str], CellGrade]
    comments: list[tuple[str, str, str]]  # (notebook, cell name, the teacher's or the grader's comment)

    @property
    def raw_score(self) -> float:
        return sum(c.score for c in self.cells.values())

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.cells.values())

    @property
    def score(self) -> float:
        return max(0.0, self.raw_score - self.penalty)


@dataclass
class AssignmentGrades:
    """Everything the gradebook says about one assignment: due date, submissions, the class list."""

    assignment: str
    duedate: object  # datetime or None
    submissions: dict[str, GradedSubmission]
    students: dict[str, dict]  # id -> {first_name, last_name, email, lms_user_id}


def read_grades(course: Course, assignment: str) -> AssignmentGrades:
    """The gradebook's view of ``assignment`` (empty when the gradebook or the assignment is missing).

    Example::

        grades = read_grades(Course.open("course"), "mini")
        grades.submissions["ana"].cells[("mini", "mini_sum_test")].score   # manual_score if the teacher set one
    """
    from nbgrader.api import Gradebook, MissingEntry

    empty = AssignmentGrades(assignment, None, {}, {})
    if not course.gradebook_path.exists():
        return empty
    with warnings.catch_warnings(), Gradebook(course.db_url, None) as gb:
        warnings.simplefilter("ignore")
        students = {s.id: {"first_name": s.first_name or "", "last_name": s.last_name or "",
                           "email": s.email or "", "lms_user_id": s.lms_user_id or ""} for s in gb.students}
        try:
            found = gb.find_assignment(assignment)
        except MissingEntry:
            return AssignmentGrades(assignment, None, {}, students)
        submissions = {}
        for sub in found.submissions:
            cells, comments = {}, []
            for nb in sub.notebooks:
                for grade in nb.grades:
                    cells[(nb.name, grade.name)] = CellGrade(nb.name, grade.name, float(grade.max_score or 0),
                                                             grade.auto_score, grade.manual_score,
                                                             bool(grade.needs_manual_grade))
                for comment in nb.comments:
                    text = comment.manual_comment or comment.auto_comment
                    if text and text.strip() and text.strip() != "No response.":
                        comments.append((nb.name, comment.name, text.strip()))
            submissions[sub.student.id] = GradedSubmission(
                sub.student.id, sub.timestamp, float(sub.total_seconds_late or 0), sub.extension,
                float(sub.late_submission_penalty or 0), cells, comments)
        return AssignmentGrades(assignment, found.duedate, submissions, students)


__all__ = ["AssignmentGrades", "CellGrade", "GradebookError", "GradebookWriter", "GradedSubmission", "db_url",
           "ensure_assignment", "export_csv", "read_grades", "snapshot"]
