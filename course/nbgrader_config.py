"""nbgrader configuration of the Keras guides course.

Used by the stock ``nbgrader`` commands, the formgrader, and ``kit release`` /
``kit grade`` (which run from this folder or from a copy passed as --course).
"""
import os

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "keras-guides"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")
# Data caches and helper files that may sit beside the notebooks are not submissions.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.keras", "*.weights.h5"]

# Keras training cells take longer than nbgrader's default 30 s per cell.
c.ExecutePreprocessor.timeout = 300
c.Execute.timeout = 300
c.Execute.kernel_name = "python3"  # ### AUTOTEST only knows python/python3/ir
c.Execute.interrupt_on_timeout = True

# The student version keeps running past an unanswered exercise: the answer
# cell keeps its `answer = None` placeholder and the self-check says
# "not attempted yet" instead of the whole notebook stopping at an error.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Second line of defence behind kitlib.setup(): drop TensorFlow / absl log
# lines that reach stderr, so they cannot zero a correct grade cell.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = (
    r"(?s)^(\s*(WARNING: All log messages before absl::InitializeLog\(\)[^\n]*"
    r"|[IWE]\d{4} [0-9:. ]+\d+ [\w./-]+:\d+\][^\n]*"
    r"|[^\n]*(cuda|cuInit|cuDNN|cuFFT|cuBLAS|oneDNN|TensorRT|cpu_feature_guard)[^\n]*"
    r"|To enable the following instructions:[^\n]*)\s*)+$"
)


# nbgrader's own Generate Feedback (the formgrader's button, `nbgrader generate_feedback`) makes the
# kit's feedback: hidden tests withheld, the grader's paths shortened (kitlib.grading.nbgrader_feedback).
# Names only: this file imports nothing of the kit (the students' Validate button reads it too); where
# the kit is not installed, Generate Feedback fails instead of showing the hidden tests.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "kitlib.grading.feedback.HideHiddenTests",
    "kitlib.grading.feedback.HideTeacherPaths",
    "kitlib.grading.nbgrader_feedback.WithholdMarkers",
    "kitlib.grading.feedback.InertSvg",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# ... and its pages inert (student markup sanitised, no script, a strict Content-Security-Policy).
c.GenerateFeedback.exporter_class = "kitlib.grading.feedback.InertHTMLExporter"

# nbgrader's exchange carries what the kit adds (kitlib.grading.exchange): Release Feedback (the formgrader's
# button, `nbgrader release_feedback`) writes each student's feedback summary page again from the gradebook and
# hands it out with the notebooks' pages; Fetch Feedback brings it to the student (feedback/<time>/index.html);
# the students' Assignments tab (and `nbgrader list`) keeps the DUE.md of a fetched assignment the one of the
# release, so a due date moved after the release reaches them (`kit due`, then `nbgrader release_assignment
# --force`). Names only, like the feedback settings above, and only where this Python has a kit with those
# classes (looked up, not imported): elsewhere every nbgrader command would fail on the names, where stock
# nbgrader's exchange only lacks the summary page and the moved date.
import importlib.util  # noqa: E402


def _kit_has(module: str) -> bool:
    spec = importlib.util.find_spec(module.split(".")[0])
    return bool(spec and spec.submodule_search_locations) and \
        os.path.isfile(os.path.join(list(spec.submodule_search_locations)[0], *module.split(".")[1:]) + ".py")


if _kit_has("kitlib.grading.exchange"):
    c.ExchangeFactory.release_feedback = "kitlib.grading.exchange.ReleaseFeedback"
    c.ExchangeFactory.fetch_feedback = "kitlib.grading.exchange.FetchFeedback"
    c.ExchangeFactory.list = "kitlib.grading.exchange.ListAssignments"
