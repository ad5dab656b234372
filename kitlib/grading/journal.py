"""The resume journal of ``kit grade``: what this run has already merged, safe on disk.

``COURSE/.kit-grade-journal.jsonl`` holds one JSON line per record, appended and
``fsync``'d before ``kit grade`` goes on, so that a run interrupted at any moment
(Ctrl-C, a crash, a reboot) can be finished with ``kit grade ... --resume``:

- ``{"type": "run", "run": id, "started": ..., "assignments": [...]}`` starts a run
  (a new run moves the previous journal to ``.kit-grade-journal.prev.jsonl``);
- ``{"type": "resume", "run": id, ...}`` marks each resumed attempt of that run;
- ``{"type": "merged", "student", "assignment", "key", "result": {...}, ...}``: one
  submission was merged into the gradebook and ``autograded/`` (written *after* the
  merge, so a record always means "in the gradebook"; a crash between the two only
  grades that submission again, and merging is idempotent).

``key`` is :func:`content_key`: a digest of the submission's files and of the
assignment as the course defines it (config, source folder, hidden checks), so a
submission whose files changed since, or an assignment whose checks changed, is graded
again. ``result`` is the :class:`~kitlib.grading.submission.SubmissionResult` without its
files (they are in ``autograded/`` already), so the class-wide report of a resumed run
is the same as that of an uninterrupted one. A record with ``"retry": true`` (a zero
given because the grading machines failed, not because of the student) is graded again
by ``--resume``.

Example::

    journal = Journal.start(course, ["mini"])              # a new run
    journal.record(result, key=content_key(submission, assignment_version(course, "mini")))
    journal = Journal.resume(course, ["mini"])             # after an interruption
    journal.done("ana", "mini", key)                       # the recorded SubmissionResult, or None
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
import uuid
from pathlib import Path

from kitlib.grading.course import Course
from kitlib.grading.submission import CellResult, Submission, SubmissionResult

JOURNAL_NAME = ".kit-grade-journal.jsonl"
PREVIOUS_NAME = ".kit-grade-journal.prev.jsonl"


# --------------------------------------------------------------------- content digests

def _tree_digest(h, folder: Path, label: str) -> None:
    """Feed every regular file under ``folder`` (relative path, content digest) into ``h``."""
    h.update(f"[{label}]".encode())
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if ".ipynb_checkpoints" in rel.parts or "__pycache__" in rel.parts:
            continue
        if path.is_symlink() or not path.is_file():
            continue
        h.update(rel.as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())


def assignment_version(course: Course, assignment: str) -> str:
    """A digest of what defines ``assignment``'s grading in the course: ``nbgrader_config.py``,
    the whole ``source/<assignment>/`` folder and ``hidden/<assignment>/``.

    Independent of the gradebook and of generated files, so it is the same in every run
    until the teacher changes the assignment."""
    h = hashlib.sha256()
    h.update(course.config_path.read_bytes() if course.config_path.is_file() else b"")
    _tree_digest(h, course.source_dir(assignment), "source")
    _tree_digest(h, course.hidden_dir(assignment), "hidden")
    return h.hexdigest()


def submission_digest(submission: Submission) -> str:
    """A digest of one submission as the grader reads it (file names, contents, intake notes)."""
    h = hashlib.sha256()
    h.update(f"{submission.student}\0{submission.assignment}\0".encode())
    for name in sorted(submission.files):
        h.update(name.encode() + b"\0" + hashlib.sha256(submission.files[name]).digest())
    for note in submission.notes:
        h.update(b"note\0" + note.encode())
    return h.hexdigest()


def content_key(submission: Submission, version: str) -> str:
    """The journal's key of a submission: its content and the assignment's version."""
    return hashlib.sha256((submission_digest(submission) + version).encode()).hexdigest()


# --------------------------------------------------------------------- results as plain JSON

def result_record(result: SubmissionResult) -> dict:
    """``result`` as JSON-ready data, without the autograded files."""
    data = dataclasses.asdict(result)
    data.pop("autograded", None)
    return data


def result_from_record(data: dict) -> SubmissionResult:
    """The inverse of :func:`result_record` (fields this kit does not know are ignored)."""
    cell_fields = {f.name for f in dataclasses.fields(CellResult)}
    result_fields = {f.name for f in dataclasses.fields(SubmissionResult)}
    cells = [CellResult(**{k: v for k, v in cell.items() if k in cell_fields}) for cell in data.get("cells", [])]
    values = {k: v for k, v in data.items() if k in result_fields and k not in ("cells", "autograded")}
    return SubmissionResult(cells=cells, **values)


# --------------------------------------------------------------------- the journal file

def _read_records(path: Path) -> list[dict]:
    """Every complete record of the file (a line cut short by a crash is skipped)."""
    records = []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return records
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Journal:
    """Append-only, fsync'd record of one ``kit grade`` run (see the module docstring)."""

    def __init__(self, course: Course, run: str, recorded: dict[tuple[str, str], dict]):
        self.course = course
        self.path = course.root / JOURNAL_NAME
        self.run = run
        self.recorded = recorded  # (student, assignment) -> the last "merged" record of this run
        self._handle = None

    # -- opening
    @classmethod
    def start(cls, course: Course, assignments: list[str]) -> "Journal":
        """A new run: the previous journal (if any) becomes ``.kit-grade-journal.prev.jsonl``."""
        path = course.root / JOURNAL_NAME
        if path.exists():
            os.replace(path, course.root / PREVIOUS_NAME)
        journal = cls(course, uuid.uuid4().hex[:12], {})
        journal._append({"type": "run", "run": journal.run, "started": _now(), "assignments": list(assignments)})
        _fsync_dir(course.root)
        return journal

    @classmethod
    def resume(cls, course: Course, assignments: list[str]) -> "Journal":
        """Continue the journal's last run (a new run when there is none)."""
        records = _read_records(course.root / JOURNAL_NAME)
        starts = [i for i, r in enumerate(records) if r.get("type") == "run" and r.get("run")]
        if not starts:
            return cls.start(course, assignments)
        first = starts[-1]
        run = records[first]["run"]
        recorded: dict[tuple[str, str], dict] = {}
        for record in records[first + 1:]:
            if record.get("type") == "merged" and record.get("run") == run:
                recorded[(str(record.get("student")), str(record.get("assignment")))] = record
        journal = cls(course, run, recorded)
        journal._append({"type": "resume", "run": run, "started": _now(), "assignments": list(assignments),
                         "recorded": len(recorded)})
        return journal

    # -- reading
    def done(self, student: str, assignment: str, key: str) -> SubmissionResult | None:
        """The recorded result when this submission, with this content, is already merged."""
        record = self.recorded.get((student, assignment))
        if record is None or record.get("key") != key or record.get("retry"):
            return None
        try:
            return result_from_record(record["result"])
        except (KeyError, TypeError, ValueError):
            return None  # a record this kit cannot read back: grade again

    # -- writing
    def record(self, result: SubmissionResult, key: str, worker: str = "", retry: bool = False) -> None:
        """Append (and fsync) the record of one merged submission."""
        record = {"type": "merged", "run": self.run, "student": result.student, "assignment": result.assignment,
                  "key": key, "worker": worker, "t": _now(), "result": result_record(result)}
        if retry:
            record["retry"] = True
        self._append(record)
        self.recorded[(result.student, result.assignment)] = record

    def _append(self, record: dict) -> None:
        if self._handle is None:
            self._handle = open(self.path, "ab")
            if self._handle.tell() > 0 and not _ends_with_newline(self.path):
                self._handle.write(b"\n")  # the last line was cut short by a crash: start a fresh one
        self._handle.write(json.dumps(record, sort_keys=True).encode("utf-8") + b"\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


__all__ = ["JOURNAL_NAME", "Journal", "assignment_version", "content_key", "result_from_record",
           "result_record", "submission_digest"]
