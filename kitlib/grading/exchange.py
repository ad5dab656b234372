"""nbgrader's exchange carries what the kit adds to an assignment: the feedback summary page and the due date.

nbgrader's own exchange (the *Assignments* tab, ``nbgrader release_feedback`` / ``fetch_feedback`` /
``list``) moves files keyed by notebook, and its fetch never replaces a file a student already has. Three
small subclasses, named in the course's ``nbgrader_config.py`` (so every ``nbgrader`` command, the
formgrader's buttons and the students' *Assignments* tab use them; the config imports nothing)::

    c.ExchangeFactory.release_feedback = "kitlib.grading.exchange.ReleaseFeedback"
    c.ExchangeFactory.fetch_feedback = "kitlib.grading.exchange.FetchFeedback"
    c.ExchangeFactory.list = "kitlib.grading.exchange.ListAssignments"

- :class:`ReleaseFeedback` (the teacher's side: ``nbgrader release_feedback``, the formgrader's *Release
  Feedback*): each student's summary page (``feedback/<student>/<assignment>/index.html``,
  :func:`kitlib.grading.feedback.write_summaries`) is written again from the gradebook first, so manual
  grades and a *Generate Feedback* of the formgrader (which deletes the folder) never leave it stale or
  missing, and files a browser would open as live pages that nbgrader copied in from the submission are
  removed; then nbgrader hands out every page of the folder, the summary included.
- :class:`FetchFeedback` (the student's side: *Fetch Feedback*, ``nbgrader fetch_feedback``): nbgrader
  fetches one page per notebook the student handed in; this also fetches the summary page, released under
  the same kind of key (the submission's secret and the page's name), as ``feedback/<timestamp>/index.html``
  beside them.
- :class:`ListAssignments` (the student's side: the *Assignments* tab, ``nbgrader list``): for every
  assignment the student has fetched, the ``DUE.md`` of their copy is made the one the exchange holds now
  (:func:`kitlib.grading.deadlines.refresh_due_note`): a due date set or moved after the release reaches
  students who fetched before, once the teacher ran ``kit due`` and ``nbgrader release_assignment
  --force``. ``nbgrader list`` also prints each assignment's due date.

nbgrader's exchange has no channel to one student before they hand in (the release is the same for
everybody), so a per-student extension shows to that student only in their feedback summary page.
"""
from __future__ import annotations

import glob
import os
from pathlib import Path

from nbgrader.exchange.default.fetch_feedback import ExchangeFetchFeedback
from nbgrader.exchange.default.list import ExchangeList
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.utils import notebook_hash

SUMMARY_NAME = "index"  # the summary page's name without .html (kitlib.grading.report.SUMMARY_PAGE)
CONFIG = {  # what course/nbgrader_config.py sets (kit doctor checks it)
    "release_feedback": "kitlib.grading.exchange.ReleaseFeedback",
    "fetch_feedback": "kitlib.grading.exchange.FetchFeedback",
    "list": "kitlib.grading.exchange.ListAssignments",
}


class ReleaseFeedback(ExchangeReleaseFeedback):
    """nbgrader's release of feedback, each student's summary page written fresh from the gradebook first."""

    def copy_files(self):
        try:
            for line in refresh_summaries(Path(self.coursedir.root), self.coursedir.assignment_id,
                                          self.coursedir.student_id or "*"):
                self.log.warning(line)
        except Exception as error:  # noqa: BLE001 - the pages per notebook still go out; say why the summary may not
            self.log.error("kit: the feedback summary pages could not be written (%s: %s); releasing the pages "
                           "that are there", type(error).__name__, error)
        super().copy_files()


def refresh_summaries(course_root: Path, assignment: str, student: str = "*") -> list[str]:
    """Before a release of ``assignment``'s feedback (``student``: one id, or ``*`` for all): in every
    student's feedback folder, the files a browser would open as live pages that are not the kit's
    (nbgrader's *Generate Feedback* copies the submission's other files in) are removed, and the summary
    page is written again from the gradebook (removed where it cannot be: never an old or foreign one).
    Returns lines for the log (a student whose summary could not be written, files removed)."""
    from kitlib.grading.course import Course
    from kitlib.grading.feedback import remove_live_files, write_summaries
    from kitlib.grading.names import refusal
    from kitlib.grading.report import SUMMARY_PAGE

    course = Course.open(course_root)
    pages = {f"{Path(name).stem}.html" for name in course.source_notebooks(assignment)}
    feedback = course.root / "feedback"
    students = sorted(p.name for p in feedback.iterdir() if (p / assignment).is_dir()) \
        if student == "*" and feedback.is_dir() else [student]
    lines, problems = [], {}
    ready = []
    for name in students:
        folder = course.feedback_dir(name, assignment)
        if refusal(name) is not None or not folder.is_dir() or folder.is_symlink():
            continue
        summary = folder / SUMMARY_PAGE
        if summary.is_symlink() or summary.exists():
            summary.unlink()
        lines += [f"kit: feedback of {name}: {note}" for note in remove_live_files(folder, keep=pages)]
        ready.append(name)
    write_summaries(course, assignment, ready, problems)
    lines += [f"kit: feedback of {name}: {note}" for name, notes in sorted(problems.items()) for note in notes]
    return lines


class FetchFeedback(ExchangeFetchFeedback):
    """nbgrader's fetch of feedback, with the summary page (``index.html``) beside the notebooks' pages."""

    def init_src(self):
        super().init_src()
        fetched = {(notebook, timestamp) for notebook, timestamp, _ in self.feedback_files}
        assignment = self.coursedir.assignment_id or "*"
        for submission in sorted(glob.glob(os.path.join(self.cache_path, f"*+{assignment}+*"))):
            parts = os.path.basename(submission).split("+")
            secret_path = os.path.join(submission, "submission_secret.txt")
            if len(parts) != 3 or not os.path.isfile(secret_path) or (SUMMARY_NAME, parts[2]) in fetched:
                continue  # nbgrader's older submissions (no secret) have per-notebook pages only
            with open(secret_path) as handle:
                secret = handle.read()
            page = os.path.join(self.outbound_path, f"{notebook_hash(secret=secret, notebook_id=SUMMARY_NAME)}.html")
            if os.path.isfile(page):
                self.feedback_files.append((SUMMARY_NAME, parts[2], page))
                self.log.info("Found the feedback summary of '%s/%s' submitted at %s",
                              self.coursedir.course_id, parts[1], parts[2])


class ListAssignments(ExchangeList):
    """nbgrader's list of assignments; a fetched copy's ``DUE.md`` follows the release's, and ``nbgrader
    list`` prints the due date."""

    def _released(self, info) -> Path:
        return Path(self.root) / info["course_id"] / "outbound" / info["assignment_id"]

    def parse_assignments(self):
        from kitlib.grading.deadlines import refresh_due_note

        assignments = super().parse_assignments()
        if self.inbound or self.cached or self.remove:
            return assignments
        for info in assignments:
            if info.get("status") != "fetched":
                continue
            try:
                done = refresh_due_note(self._released(info), Path(info["path"]))
            except OSError as error:  # the list itself must never fail over the note
                self.log.warning("kit: the due date of %s could not be updated (%s)", info["assignment_id"], error)
                continue
            if done:
                self.log.info("kit: the due date of %s/%s updated (DUE.md %s)", info["course_id"],
                              info["assignment_id"], done)
        return assignments

    def format_outbound_assignment(self, info):
        from kitlib.grading.deadlines import released_due_line

        due = released_due_line(self._released(info))
        return super().format_outbound_assignment(info) + (f" · {due}" if due else "")


def exchange_config_problem(course_root) -> str | None:
    """What of nbgrader's exchange the course's ``nbgrader_config.py`` leaves stock (:data:`CONFIG`), as one
    line, or None when it names the kit's classes.

    Example::

        exchange_config_problem("course")   # None
    """
    from traitlets.config.loader import PyFileConfigLoader

    try:
        section = PyFileConfigLoader("nbgrader_config.py", path=str(Path(course_root))).load_config() \
            .get("ExchangeFactory", {})
    except Exception as error:  # noqa: BLE001 - an unloadable config: nbgrader fails the same way
        return f"nbgrader_config.py cannot be loaded ({type(error).__name__}: {error})"
    named = {key: value if isinstance(value, str) else f"{value.__module__}.{value.__qualname__}"
             for key, value in section.items()}
    missing = [f"c.ExchangeFactory.{key}" for key, name in CONFIG.items() if named.get(key) != name]
    if not missing:
        return None
    return (f"{', '.join(missing)} not set to the kit's: nbgrader's exchange then hands students no feedback "
            "summary page and no due date moved after the release")
