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
    """``COURSE/grades.csv`` with nbgrader's own CSV export (``nbgrader export``)."""
    out = course.grades_csv
    argv = course.nbgrader_args() + [f"--CsvExportPlugin.to={out}"]
    rc, text = run_app_output(worker, "export", argv, course.root, course.root / ".kit-export.log")
    if rc != 0 or not out.exists():
        raise GradebookError("nbgrader export failed: " + "\n".join(text.splitlines()[-5:]))
    return out


__all__ = ["GradebookError", "GradebookWriter", "db_url", "ensure_assignment", "export_csv", "snapshot"]
