"""The course-side part of exercises: hidden checks and the instructor's test data.

Everything that would reveal more than the task text lives with the
instructor's course, never in the package students install:
``COURSE/hidden/<assignment>/<chapter>.py`` (the chapter named like its
notebook), a plain Python module that defines ``HIDDEN``, a list of
:class:`Hidden`::

    from kitlib.exercises import checks as c
    from kitlib.exercises.hidden import Hidden

    HIDDEN = [
        Hidden("seq04_predict_shape",
               expected=(None, 15, 15, 32),               # the plain answer: digests are made of it
               checks=[c.equals_expected("the output shape")],
               wrong_answers=[("predicted_shape = (None, 16, 16, 32)", "height and width")],
               other_solutions=["predicted_shape = [None, 15, 15, 32]"]),
    ]

It is loaded only where the course is: by the trusted re-check (``kit grade``
passes the folder in the verify request), ``kit test-exercises`` and the kit's
tests, and by the instructor's own notebooks in ``COURSE/source/<assignment>/``
(``grade(..., hidden=True)`` then runs the hidden checks too). ``kit release``
never releases it and refuses a release whose student-side files contain any of it.

Example::

    specs = load(Path("course/hidden"))     # {"seq04_predict_shape": Hidden(...), ...}
"""
from __future__ import annotations

import importlib.util
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from kitlib.exercises.core import MISSING


class HiddenError(RuntimeError):
    """A hidden module cannot be loaded (message names the file and the reason)."""


@dataclass
class Hidden:
    """The instructor-only part of one exercise.

    Args:
        exercise: the exercise id.
        checks: trusted checks, ``check(record)`` or ``check(record, ctx)``: they judge the same record
            as the visible checks (made with hidden probes in the hidden part of the grade cell).
        expected: the plain expected value of a "work it out yourself" exercise (``ctx.expected``).
        wrong_answers: ``(code, fragment)``: code that replaces ``# YOUR CODE HERE`` in the student
            version, and a fragment of the message it must produce (typical mistakes).
        other_solutions: other correct answers (code for the same place): they must pass.
        equivalent_mutants: ``{mutant id: reason}``: generated mutants that are still correct answers.
    """

    exercise: str
    checks: Sequence[Callable[..., None]] = ()
    expected: Any = MISSING
    wrong_answers: Sequence[tuple[str, str]] = ()
    other_solutions: Sequence[str] = ()
    equivalent_mutants: Mapping[str, str] = field(default_factory=dict)


_CACHE: dict[tuple, dict[str, Hidden]] = {}


def modules_in(directory: Path) -> list[Path]:
    """The hidden modules under ``directory``: ``COURSE/hidden`` (``*/*.py``) or one assignment's folder (``*.py``)."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    files = sorted(p for p in directory.glob("*.py") if not p.name.startswith("_"))
    files += sorted(p for p in directory.glob("*/*.py") if not p.name.startswith("_")
                    and not p.parent.name.startswith((".", "_")))
    return files


def load(directory: Path | str | None) -> dict[str, Hidden]:
    """``{exercise id: Hidden}`` from the modules under ``directory`` (cached per file state)."""
    if not directory:
        return {}
    files = modules_in(Path(directory))
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    if key in _CACHE:
        return _CACHE[key]
    found: dict[str, Hidden] = {}
    for path in files:
        for spec in _load_module(path):
            if spec.exercise in found:
                raise HiddenError(f"{path.name}: hidden part of {spec.exercise!r} is defined twice")
            found[spec.exercise] = spec
    _CACHE[key] = found
    return found


def _load_module(path: Path) -> list[Hidden]:
    name = "kit_hidden_" + re.sub(r"\W", "_", f"{path.parent.name}_{path.stem}")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover
        raise HiddenError(f"{path}: not a Python module")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # noqa: BLE001 - the teacher needs the file and the reason
        raise HiddenError(f"{path}: {type(error).__name__}: {error}") from error
    entries = getattr(module, "HIDDEN", None)
    if not isinstance(entries, (list, tuple)) or not all(isinstance(e, Hidden) for e in entries):
        raise HiddenError(f"{path}: define HIDDEN = [Hidden(...), ...]")
    return list(entries)


def course_hidden_dir(course_dir: Path) -> Path:
    """``COURSE/hidden``."""
    return Path(course_dir) / "hidden"


def instructor_dir() -> Path | None:
    """The hidden folder reachable from an instructor's notebook: ``$KIT_HIDDEN_DIR``, or
    ``COURSE/hidden/<assignment>`` when the working folder is ``COURSE/source/<assignment>``."""
    env = os.environ.get("KIT_HIDDEN_DIR")
    if env:
        return Path(env)
    try:
        cwd = Path.cwd()
    except OSError:
        return None
    if cwd.parent.name == "source":
        candidate = cwd.parent.parent / "hidden" / cwd.name
        if candidate.is_dir():
            return candidate
    return None


def instructor_spec(exercise_id: str) -> Hidden | None:
    """The hidden part of ``exercise_id`` when the course's hidden folder is reachable, else None.

    A broken hidden module is the instructor's to fix; a student never has one, so it is raised.
    """
    directory = instructor_dir()
    return load(directory).get(exercise_id) if directory else None


def probe_secret(course_dir: Path) -> bytes:
    """The course's secret for :func:`kitlib.exercises.probe_seed`: ``COURSE/hidden/.probe-secret``,
    created (random, owner-only) on first use. Never released."""
    path = course_hidden_dir(course_dir) / ".probe-secret"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode("ascii")


__all__ = ["Hidden", "HiddenError", "load", "modules_in", "course_hidden_dir", "instructor_dir",
           "instructor_spec", "probe_secret"]
