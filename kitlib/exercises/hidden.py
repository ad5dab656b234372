"""The course-side part of exercises: hidden checks and the instructor's test data.

Everything that would reveal more than the task text lives with the
instructor's course, never in the package students install:
``COURSE/hidden/<assignment>/<chapter>.py`` (the chapter named like its
notebook), a plain Python module that defines ``HIDDEN``, a list of
:class:`Hidden`::

    from kitlib.exercises import checks as c
    from kitlib.exercises.hidden import Hidden

    HIDDEN = [
        Hidden("demo_predict_shape",
               expected=(None, 7, 7, 3),                  # the plain answer: digests are made of it
               checks=[c.equals_expected("the output shape")],
               wrong_answers=[("predicted_shape = (None, 8, 8, 3)", "height and width")],
               other_solutions=["predicted_shape = [None, 7, 7, 3]"]),
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from kitlib.exercises.values import MISSING


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
        explanation: the worked solution's explanation (why the reference solution is right, and
            the idea behind it), shown with the solution in self-study mode only.
    """

    exercise: str
    checks: Sequence[Callable[..., None]] = ()
    expected: Any = MISSING
    wrong_answers: Sequence[tuple[str, str]] = ()
    other_solutions: Sequence[str] = ()
    equivalent_mutants: Mapping[str, str] = field(default_factory=dict)
    explanation: str = ""


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


def planted_wrong_answers(exercise: Any, directory: Path | str | None) -> list[tuple[str, str]]:
    """The typical mistakes planted for ``exercise``: ``(code, message fragment)`` pairs from its
    course-side hidden part under ``directory`` (``COURSE/hidden``), then any the exercise itself
    declares (test courses whose exercises have no hidden part).

    Example::

        planted_wrong_answers(get("seq04_repair"), "course/hidden")[0]   # ("model = ...", "padding")
    """
    spec = load(directory).get(exercise.id)
    return list(getattr(spec, "wrong_answers", ())) + list(getattr(exercise, "wrong_answers", ()))


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


__all__ = ["Hidden", "HiddenError", "Secret", "load", "modules_in", "course_hidden_dir", "instructor_dir",
           "instructor_spec", "secrets", "student_side_files", "find_secrets", "value_spellings"]


# --------------------------------------------------------------------------- what must stay hidden

@dataclass
class Secret:
    """Text that must never be in a released file or in the package students install."""

    exercise: str
    kind: str  # "reference solution", "other solution", "planted wrong answer", "hidden check", "expected value"
    text: str  # normalised (see :func:`normalise_text`)


DISTINCTIVE = 24  # a whole answer shorter than this (after normalising) is too common to call a leak
DISTINCTIVE_LINE = 40  # a single line of an answer must be this long, and not in the course's public text


def normalise_text(text: str) -> str:
    """Whitespace collapsed and quotes unified, so that a leak is found however it is formatted.

    Example:
        >>> normalise_text('a  = "x"')
        "a = 'x'"
    """
    return " ".join(str(text).replace('"', "'").split())


def _code_secrets(exercise: str, kind: str, code: str, public: str) -> list[Secret]:
    """The whole snippet, and its long lines that the course's public text does not contain too."""
    out = []
    whole = normalise_text(code)
    if len(whole) >= DISTINCTIVE and whole not in public:
        out.append(Secret(exercise, kind, whole))
    for line in (normalise_text(line) for line in str(code).splitlines()):
        if len(line) >= DISTINCTIVE_LINE and not line.startswith("#") and line != whole and line not in public:
            out.append(Secret(exercise, kind, line))
    return out


def public_text(course_dir: Path) -> str:
    """The course's notebooks as students get them (solutions and hidden tests removed), normalised
    line by line and cell by cell: what is written there is no secret (a debug item's given broken code
    is also its typical wrong answer)."""
    import json

    lines: set[str] = set()
    for path in sorted((Path(course_dir) / "source").glob("*/*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook.get("cells", []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            source = re.sub(r"### BEGIN (SOLUTION|HIDDEN TESTS).*?### END (SOLUTION|HIDDEN TESTS)", "", source,
                            flags=re.S)
            lines |= {normalise_text(line) for line in source.splitlines()}
            lines.add(normalise_text(source))  # a call written over several lines is public as one line too
    return "\n".join(sorted(lines))


def value_spellings(value: Any) -> set[str]:
    """Ways a literal answer can be written down (repr, JSON, tuples as lists, sets in any order).

    Example:
        >>> sorted(value_spellings((None, 3)))[:2]
        ['(None, 3)', '[None, 3]']
    """
    from itertools import permutations

    from kitlib.exercises.values import canonical

    forms: set[str] = {repr(value), canonical(value)}

    def as_lists(v):
        return [as_lists(i) for i in v] if isinstance(v, (list, tuple)) else v

    def as_tuples(v):
        return tuple(as_tuples(i) for i in v) if isinstance(v, (list, tuple)) else v

    if isinstance(value, (list, tuple)):
        forms |= {repr(as_lists(value)), repr(as_tuples(value))}
        items = [repr(v) for v in value]
        forms.add(", ".join(items))
        # A set of choices is recorded sorted, and then any order spells it; letters in another order
        # (one answer per question) are another answer, which only its own order gives away.
        if all(isinstance(v, str) for v in value) and len(value) <= 6 and list(value) == sorted(value):
            for order in permutations(value):
                forms.add(", ".join(repr(v) for v in order))
                forms.add("{" + ", ".join(repr(v) for v in order) + "}")
    return {normalise_text(f) for f in forms if len(normalise_text(f)) >= 8}


def secrets(course_dir: Path, assignment: str) -> list[Secret]:
    """Everything of ``assignment`` that only the instructor may see: the source notebooks' solution
    regions, and from its hidden modules the planted wrong answers, the other solutions, the expected
    values and the hidden checks written there."""
    import inspect
    import json

    course_dir = Path(course_dir)
    public = public_text(course_dir)
    found: list[Secret] = []
    for path in sorted((course_dir / "source" / assignment).glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook.get("cells", []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            grade_id = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id") or path.stem
            for region in re.findall(r"### BEGIN SOLUTION[^\n]*\n(.*?)### END SOLUTION", source, re.S):
                found += _code_secrets(grade_id.replace("_answer", ""), "reference solution", region, public)
    for spec in load(course_hidden_dir(course_dir) / assignment).values():
        for code, _fragment in spec.wrong_answers:
            found += _code_secrets(spec.exercise, "planted wrong answer", code, public)
        for code in spec.other_solutions:
            found += _code_secrets(spec.exercise, "other solution", code, public)
        if spec.expected is not MISSING:
            found += [Secret(spec.exercise, "expected value", text) for text in value_spellings(spec.expected)]
        for check in spec.checks:
            module = getattr(check, "__module__", "") or ""
            if module.startswith("kit_hidden_"):  # written in the hidden module itself, not a kitlib check
                try:
                    found += _code_secrets(spec.exercise, "hidden check", inspect.getsource(check), public)
                except (OSError, TypeError):
                    pass
    unique: dict[tuple, Secret] = {}
    for secret in found:
        unique.setdefault((secret.kind, secret.text), secret)
    return list(unique.values())


def student_side_files(root: Path) -> list[Path]:
    """The text files of a released folder or an installed package that a leak search reads."""
    suffixes = {".py", ".ipynb", ".json", ".txt", ".md", ".html", ".css", ".js", ".cfg", ".toml", ".yaml", ".yml"}
    return sorted(p for p in Path(root).rglob("*") if p.is_file() and p.suffix in suffixes
                  and "__pycache__" not in p.parts)


def _strings_in(value: Any) -> list[str]:
    """Every string of a JSON value; a list of strings (a notebook cell's lines) joined."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        if value and all(isinstance(v, str) for v in value):
            return ["".join(value)]
        return [s for v in value for s in _strings_in(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_strings_in(v)]]
    return []


def file_text(path: Path) -> str:
    """A file's text for the leak search, with the text inside it that escapes would hide: a
    notebook's cell sources and the strings of its outputs, every string of a .json file, the string
    constants of a .py file (``"encode = layers.Dense(4, activation=\\"relu\\")"`` in a hint)."""
    import ast
    import json
    import warnings

    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        try:
            notebook = json.loads(text)
        except ValueError:
            return text
        parts = []
        for cell in notebook.get("cells", []):
            source = cell.get("source", "")
            parts.append("".join(source) if isinstance(source, list) else str(source))
            parts.append(json.dumps(cell.get("outputs", [])))
            parts += _strings_in(cell.get("outputs", []))
        return "\n".join(parts)
    parts = [text]
    if path.suffix == ".json":
        try:
            parts += _strings_in(json.loads(text))
        except ValueError:
            pass
    elif path.suffix == ".py":
        try:
            with warnings.catch_warnings():  # invalid escapes in someone's file are not ours to report
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
        except (SyntaxError, ValueError):
            tree = None
        parts += [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                  and isinstance(node.value, str)] if tree else []
    return "\n".join(parts)


def find_secrets(files: list[Path], found: list[Secret], base: Path | None = None) -> list[tuple[str, Secret]]:
    """(file, secret) for every secret found in ``files``."""
    hits = []
    for path in files:
        text = normalise_text(file_text(path))
        for secret in found:
            if secret.text in text:
                hits.append((str(path.relative_to(base)) if base else str(path), secret))
    return hits
