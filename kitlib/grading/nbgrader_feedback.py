"""nbgrader's own Generate Feedback makes the kit's feedback: no hidden test ever leaves the course.

The formgrader's **Generate Feedback** button runs nbgrader's ``GenerateFeedback`` converter in the
formgrader's server, and ``nbgrader generate_feedback`` runs it from a terminal; stock, both put the
hidden tests into ``feedback/`` (jupyter/nbgrader#917), which **Release Feedback** then hands out.
nbgrader reads its preprocessors from the course's ``nbgrader_config.py`` (the formgrader loads the
config of ``CourseDirectory.root`` too), so the course sets them to the kit's
(:data:`FEEDBACK_PREPROCESSORS`): the same ones ``kit grade`` uses
(:mod:`kitlib.grading.feedback`), plus :class:`WithholdMarkers`, the last guard against a hidden-test
marker a notebook printed into its own outputs.

The names are plain strings: the config file imports nothing of the kit (the students' Validate
button reads the same file), and where the kit is not importable nbgrader's Generate Feedback fails
instead of falling back to its leaking default.

Example (``course/nbgrader_config.py``)::

    c.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades",
        "kitlib.grading.feedback.HideHiddenTests",
        "kitlib.grading.feedback.HideTeacherPaths",
        "kitlib.grading.nbgrader_feedback.WithholdMarkers",
        "kitlib.grading.feedback.InertSvg",
        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    ]
    c.GenerateFeedback.exporter_class = "kitlib.grading.feedback.InertHTMLExporter"

    feedback_config_problem("course")   # None: Generate Feedback is safe in this course
"""
from __future__ import annotations

from pathlib import Path

from nbconvert.preprocessors import Preprocessor

from kitlib.grading.feedback import EXPORTER, PREPROCESSORS
from kitlib.grading.notebook import BEGIN_HIDDEN, END_HIDDEN

#: What nbgrader's GenerateFeedback runs in a kit course (names, so the config imports nothing): the
#: same list as kit grade's feedback, and the exporter that makes every page inert.
FEEDBACK_PREPROCESSORS = PREPROCESSORS
FEEDBACK_EXPORTER = EXPORTER
REQUIRED = ("kitlib.grading.feedback.HideHiddenTests",)
WITHHELD = "[kit: this output was withheld from the feedback: it showed a hidden-test marker]"


class WithholdMarkers(Preprocessor):
    """Replace every output that shows a hidden-test marker (a notebook can print one) by a note,
    and drop any hidden region left in a cell's source (a cell that lost its nbgrader metadata)."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.enabled = True

    @staticmethod
    def _leaks(text) -> bool:
        text = text if isinstance(text, str) else "".join(text) if isinstance(text, list) else str(text)
        return BEGIN_HIDDEN in text or END_HIDDEN in text

    def preprocess_cell(self, cell, resources, index):
        from kitlib.grading.notebook import strip_regions

        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        if self._leaks(source):
            cell.source = strip_regions(source, BEGIN_HIDDEN, END_HIDDEN)
        if cell.get("cell_type") != "code":
            return cell, resources
        kept = []
        for output in cell.get("outputs", []):
            parts = [output.get("text", ""), output.get("evalue", ""), output.get("traceback", [])]
            parts += list((output.get("data") or {}).values())
            if any(self._leaks(part) for part in parts):
                output = {"output_type": "stream", "name": "stdout", "text": WITHHELD + "\n"}
                from nbformat import from_dict

                output = from_dict(output)
            kept.append(output)
        cell["outputs"] = kept
        return cell, resources


def configured_preprocessors(course_root) -> list[str] | None:
    """``c.GenerateFeedback.preprocessors`` of the course's ``nbgrader_config.py`` (None: not set)."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(Path(course_root))).load_config()
    section = config.get("GenerateFeedback", {})
    if "preprocessors" not in section:
        return None
    return [p if isinstance(p, str) else f"{p.__module__}.{p.__qualname__}" for p in section["preprocessors"]]


def configured_exporter(course_root) -> str | None:
    """``c.GenerateFeedback.exporter_class`` of the course's ``nbgrader_config.py``, as a name (None: not set)."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(Path(course_root))).load_config()
    exporter = config.get("GenerateFeedback", {}).get("exporter_class")
    if exporter is None or isinstance(exporter, str):
        return exporter
    return f"{exporter.__module__}.{exporter.__qualname__}"


def feedback_config_problem(course_root) -> str | None:
    """Why nbgrader's Generate Feedback (formgrader button, ``nbgrader generate_feedback``) would hand out
    the hidden tests in this course, or None when it makes the kit's feedback.

    Example::

        feedback_config_problem("course")   # None
    """
    try:
        names = configured_preprocessors(course_root)
    except Exception as error:  # noqa: BLE001 - an unloadable config: nbgrader fails the same way
        return f"nbgrader_config.py cannot be loaded ({type(error).__name__}: {error})"
    if names is None:
        return ("nbgrader_config.py leaves nbgrader's Generate Feedback at its default, which shows the hidden "
                "tests (formgrader button and `nbgrader generate_feedback`); make feedback with `kit grade` only, "
                "or set c.GenerateFeedback.preprocessors as course/nbgrader_config.py of the kit does")
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        return (f"c.GenerateFeedback.preprocessors lacks {', '.join(missing)}: nbgrader's Generate Feedback would "
                "show the hidden tests")
    if configured_exporter(course_root) != FEEDBACK_EXPORTER:
        return (f"c.GenerateFeedback.exporter_class is not {FEEDBACK_EXPORTER}: nbgrader's Generate Feedback would "
                "write pages that run what a student's outputs and Markdown hold; set it as course/nbgrader_config.py "
                "of the kit does")
    return None


def use_kit_feedback(c) -> None:
    """Set ``c.GenerateFeedback.preprocessors`` to the kit's (for a course config written by hand)."""
    c.GenerateFeedback.preprocessors = list(FEEDBACK_PREPROCESSORS)
    c.GenerateFeedback.exporter_class = FEEDBACK_EXPORTER
