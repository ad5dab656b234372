"""The course directory: one owner for where everything of an nbgrader course lives.

Like nbgrader's ``coursedir.py``: every other module asks a :class:`Course` for
paths (source, release, submitted, autograded, feedback, reports, the
instructor-only ``hidden/`` folder), for the assignments that exist, for the
gradebook URL, for the values of the course's ``nbgrader_config.py`` that the
kit needs, and for whether the released student version is up to date.
It only reads; it never writes into the course.

Example::

    from kitlib.grading.course import Course
    course = Course.open("course")          # CourseError if nbgrader_config.py is missing
    course.assignments()                    # ['functional_api', 'sequential_model']
    course.assignments(order=["sequential_model", "functional_api"])   # teaching order first
    course.submitted_dir("ana", "sequential_model")
    course.db_url                           # 'sqlite:////.../course/gradebook.db'
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

CONFIG_NAME = "nbgrader_config.py"
GRADEBOOK_NAME = "gradebook.db"
DEFAULT_CELL_TIMEOUT = 30.0


class CourseError(RuntimeError):
    """The teacher's course folder is not usable as it is (the message says why and what to do)."""


COURSE_ENV = "KIT_COURSE"

NO_COURSE_HELP = ("run kit from the course folder (the one that holds nbgrader_config.py: cd ~/course), "
                  "or pass --course DIR, or set KIT_COURSE=DIR")


def _configured_root(folder: Path) -> Path | None:
    """``c.CourseDirectory.root`` of the nbgrader config files nbgrader itself reads from ``folder``
    (``folder/nbgrader_config.py`` and the Jupyter config path, ``~/.jupyter`` ...), or None."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

    root = None
    for where in [*reversed(jupyter_config_path()), str(folder)]:  # nbgrader: the current folder wins
        for name, loader in ((CONFIG_NAME, PyFileConfigLoader), ("nbgrader_config.json", JSONFileConfigLoader)):
            if not (Path(where) / name).is_file():
                continue
            try:
                config = loader(name, path=where).load_config()
            except Exception as error:  # a config nbgrader cannot load either: say which
                raise CourseError(f"{Path(where) / name} cannot be loaded: {error}") from error
            value = config.get("CourseDirectory", {}).get("root")
            if isinstance(value, str) and value:
                root = Path(where, value) if not Path(value).is_absolute() else Path(value)
    return root


def find_course(explicit=None, cwd=None, environ=None) -> Path:
    """The course ``kit`` acts on, found the way nbgrader finds it, or :class:`CourseError`.

    In this order: ``explicit`` (``--course DIR``); ``$KIT_COURSE``; the current folder when it holds
    ``nbgrader_config.py`` (its ``c.CourseDirectory.root`` when that names another folder); the
    ``c.CourseDirectory.root`` of the teacher's own nbgrader config (``~/.jupyter/nbgrader_config.py``,
    as on a JupyterHub). Never a course the teacher did not point at (not the kit's repository).

    Example::

        find_course("course")                 # PosixPath('/home/me/kit/course')
        find_course(cwd="/home/me/course")    # the folder with nbgrader_config.py
        find_course(cwd="/tmp")               # CourseError: no course here ... --course DIR
    """
    environ = os.environ if environ is None else environ
    cwd = Path(cwd or os.getcwd()).resolve()
    if explicit is not None:
        return (cwd / Path(explicit).expanduser()).resolve()
    if environ.get(COURSE_ENV):
        return (cwd / Path(environ[COURSE_ENV]).expanduser()).resolve()
    root = _configured_root(cwd)
    if root is not None:
        return root.resolve()
    if (cwd / CONFIG_NAME).is_file():
        return cwd
    hint = ""
    for parent in cwd.parents:
        if (parent / CONFIG_NAME).is_file():
            hint = f" (the folder above, {parent}, is one: cd {parent}, or pass --course {parent})"
            break
    else:
        below = sorted(p.parent for p in cwd.glob(f"*/{CONFIG_NAME}"))
        if below:
            hint = f" ({below[0]} is one: cd {below[0]}, or pass --course {below[0]})"
    raise CourseError(f"no nbgrader course in {cwd}{hint}: {NO_COURSE_HELP}")


def missing_instructor_material(path) -> str | None:
    """Why the course folder ``path`` cannot serve ``kit lab`` / ``release`` / ``grade`` /
    ``test-exercises``: it has its ``nbgrader_config.py`` but no assignment in ``source/``, as in a
    student copy of the course (the Binder image removes the instructor material on purpose). None
    when it has assignments, or when it is no course folder at all (the command's own error says so).

    Example::

        missing_instructor_material("course")   # None in the kit's repository
    """
    root = Path(path).resolve()
    if not (root / CONFIG_NAME).is_file() or Course(root).assignments():
        return None
    return (f"{root / 'source'} holds no instructor notebooks. A student copy of the course (the Binder "
            f"image) has none on purpose: its notebooks are in {root.parent / 'student'} (START_HERE.md); "
            "release, grade and test the course from the teacher's copy (or restore course/source "
            "with git checkout, or pass --course DIR)")


def db_url(path: Path) -> str:
    """The SQLAlchemy URL nbgrader uses for a gradebook file.

    Example:
        >>> db_url(Path("/c/gradebook.db"))
        'sqlite:////c/gradebook.db'
    """
    return f"sqlite:///{path}"


def _visible_dirs(folder: Path) -> Iterable[Path]:
    """Sub-folders that are not hidden or private (``.x``, ``_x``); never follows a link."""
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir()
            if not p.name.startswith((".", "_")) and not p.is_symlink() and p.is_dir()]


@dataclass(frozen=True)
class Course:
    """An nbgrader course folder (``root`` holds ``nbgrader_config.py``, ``source/``, ...)."""

    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root))

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path) -> "Course":
        """The course at ``path`` (resolved), or :class:`CourseError` when it is not one."""
        root = Path(path).resolve()
        if not (root / CONFIG_NAME).is_file():
            raise CourseError(f"{root} is not a course folder: {CONFIG_NAME} is missing "
                              "(pass the folder that holds it with --course DIR)")
        return cls(root)

    # ------------------------------------------------------------------ paths
    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def gradebook_path(self) -> Path:
        return self.root / GRADEBOOK_NAME

    @property
    def db_url(self) -> str:
        return db_url(self.gradebook_path)

    @property
    def grades_csv(self) -> Path:
        return self.root / "grades.csv"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    def source_dir(self, assignment: str) -> Path:
        return self.root / "source" / assignment

    def release_dir(self, assignment: str) -> Path:
        return self.root / "release" / assignment

    def submitted_dir(self, student: str, assignment: str) -> Path:
        return self.root / "submitted" / student / assignment

    def autograded_dir(self, student: str, assignment: str) -> Path:
        return self.root / "autograded" / student / assignment

    def feedback_dir(self, student: str, assignment: str) -> Path:
        return self.root / "feedback" / student / assignment

    def hidden_dir(self, assignment: str) -> Path:
        """Instructor-only exercise data (hidden checks...): never released, never in a sandbox."""
        return self.root / "hidden" / assignment

    @property
    def probe_secret_path(self) -> Path:
        return self.root / "hidden" / ".probe-secret"

    def probe_secret(self, create: bool = False) -> bytes | None:
        """The course's secret for ``KIT_PROBE_SEED`` (instructor-only, never released);
        made on first use when ``create``. None when there is none."""
        path = self.probe_secret_path
        try:
            return path.read_bytes().strip() or None
        except FileNotFoundError:
            if not create:
                return None
        import secrets

        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        return path.read_bytes().strip()

    def nbgrader_args(self) -> list[str]:
        """The nbgrader options that point an app at this course and its gradebook."""
        return [f"--CourseDirectory.root={self.root}", f"--CourseDirectory.db_url={self.db_url}"]

    # ------------------------------------------------------------------ contents
    def assignments(self, order: Iterable[str] = ()) -> list[str]:
        """Assignment names: folders of ``source/`` that hold notebooks (not ``.x`` / ``_x``).

        Names listed in ``order`` come first, in that order; the others follow by name.

        Example::

            Course(root).assignments(order=["sequential_model", "functional_api"])
        """
        names = [p.name for p in _visible_dirs(self.root / "source") if any(p.glob("*.ipynb"))]
        order = list(order)
        return sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n))

    def require(self, wanted: Iterable[str] | None) -> list[str]:
        """The assignments asked for (all when none), or :class:`CourseError` naming unknown ones."""
        known = self.assignments()
        wanted = list(wanted or [])
        unknown = [a for a in wanted if a not in known]
        if unknown:
            raise CourseError(f"unknown assignment(s) {', '.join(unknown)}; "
                              f"{self.root / 'source'} has: {', '.join(known) or 'none'}")
        return wanted or known

    def students(self, assignment: str) -> list[str]:
        """Students with an entry ``submitted/<student>/<assignment>`` (``.x`` names excepted).

        An entry that is not a plain folder (a link, a FIFO...) still counts: the intake
        refuses it with a report line, so the student is graded 0 instead of forgotten."""
        root = self.root / "submitted"
        if not root.is_dir():
            return []
        found = []
        for student in root.iterdir():
            if student.name.startswith("."):
                continue
            try:
                os.lstat(student / assignment)
            except OSError:
                continue
            found.append(student.name)
        return sorted(found)

    def source_notebooks(self, assignment: str) -> list[str]:
        return sorted(p.name for p in self.source_dir(assignment).glob("*.ipynb"))

    def settings(self) -> dict:
        """Values of the course's nbgrader config that the kit needs (per-cell timeout)."""
        from traitlets.config.loader import PyFileConfigLoader

        try:
            config = PyFileConfigLoader(CONFIG_NAME, path=str(self.root)).load_config()
        except Exception as error:
            raise CourseError(f"{self.config_path} cannot be loaded: {error}") from error
        timeout = None
        for section in ("Execute", "ExecutePreprocessor"):
            if section in config and "timeout" in config[section]:
                timeout = config[section]["timeout"]
                break
        return {"cell_timeout": float(timeout or DEFAULT_CELL_TIMEOUT)}

    def course_id(self) -> str:
        """``c.CourseDirectory.course_id`` of the course's config (nbgrader's default when unset): the
        gradebook records every assignment under it."""
        from traitlets.config.loader import PyFileConfigLoader

        try:
            config = PyFileConfigLoader(CONFIG_NAME, path=str(self.root)).load_config()
        except Exception as error:
            raise CourseError(f"{self.config_path} cannot be loaded: {error}") from error
        value = config.get("CourseDirectory", {}).get("course_id")
        return value if isinstance(value, str) and value else "default_course"

    def current_release(self, assignment: str) -> Path | None:
        """``release/<assignment>`` when it is up to date, else None.

        Up to date: it has the same notebooks as ``source/<assignment>`` and each is newer
        than every file of the source folder and than the course's ``nbgrader_config.py``.
        ``kit lab`` releases again when it is not; ``kit grade`` repairs submissions against
        it instead of generating the blank student versions again.
        """
        source, release = self.source_dir(assignment), self.release_dir(assignment)
        try:
            wanted = sorted(p.name for p in source.glob("*.ipynb"))
            released = sorted(release.glob("*.ipynb"))
            if not wanted or [p.name for p in released] != wanted:
                return None
            inputs = [p for p in source.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts]
            inputs.append(self.config_path)
            newest_input = max(p.stat().st_mtime for p in inputs if p.exists())
            if min(p.stat().st_mtime for p in released) < newest_input:
                return None
        except (OSError, ValueError):
            return None
        return release


def current_release(course_dir: Path, assignment: str) -> Path | None:
    """:meth:`Course.current_release` for a folder (kept for callers that hold a path)."""
    return Course(Path(course_dir)).current_release(assignment)
