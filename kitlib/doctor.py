"""``kit doctor``: can this machine run the course? Every problem comes with its fix.

Each check is a small function returning :class:`Finding` objects, so tests can
drive them one by one. ``status`` is "ok", "warn" (the course runs, with a
caveat, e.g. substitutes instead of real datasets) or "fail" (the course cannot
run as intended); ``kit doctor`` exits 1 when anything fails.

Example::

    from kitlib.doctor import diagnose
    for finding in diagnose():
        print(finding.line())
"""
from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable

from kitlib.version import installed_version

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
PIP = "python -m pip install"


@dataclass
class Finding:
    """One line of the doctor's report."""

    area: str
    status: str  # "ok" | "warn" | "fail"
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = {"ok": "✔", "warn": "!", "fail": "✘"}[self.status]
        text = f"{mark} {self.area}: {self.detail}"
        if self.fix and self.status != "ok":
            text += f"\n    fix: {self.fix}"
        return text




def _major_minor(version: str) -> tuple[int, int]:
    parts = re.findall(r"\d+", version)
    return (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0)


def check_python() -> list[Finding]:
    v = sys.version_info
    text = f"{v.major}.{v.minor}.{v.micro} ({sys.executable})"
    if (v.major, v.minor) < (3, 10):
        return [Finding("Python", "fail", text + ": the kit needs 3.10 or newer",
                        "install Python >= 3.10, then `python3 dev.py lab`")]
    return [Finding("Python", "ok", text)]


def check_keras() -> list[Finding]:
    findings = []
    tf_version = installed_version("tensorflow") or installed_version("tensorflow-cpu")
    keras_version = installed_version("keras")
    if tf_version is None:
        findings.append(Finding("TensorFlow", "fail", "not installed", f'{PIP} "tensorflow>=2.16"'))
    elif _major_minor(tf_version) < (2, 16):
        findings.append(Finding("TensorFlow", "fail", f"{tf_version}: Keras 3 needs TensorFlow >= 2.16",
                                f'{PIP} -U "tensorflow>=2.16"'))
    else:
        findings.append(Finding("TensorFlow", "ok", tf_version))
    if keras_version is None or _major_minor(keras_version)[0] < 3:
        findings.append(Finding("Keras", "fail", f"{keras_version or 'not installed'}: the course needs Keras 3",
                                f'{PIP} -U "keras>=3"'))
        return findings
    try:
        from kitlib.environment import import_tensorflow_quietly

        _, keras = import_tensorflow_quietly()
        backend = keras.backend.backend()
    except Exception as error:  # a broken install: say what broke
        findings.append(Finding("Keras", "fail", f"{keras_version} is installed but does not import: {error}",
                                f"{PIP} --force-reinstall tensorflow keras"))
        return findings
    findings.append(Finding("Keras", "ok", f"{keras_version}, {backend} backend"))
    return findings


def check_jupyter() -> list[Finding]:
    findings = []
    lab = installed_version("jupyterlab")
    if lab is None or _major_minor(lab)[0] != 4:
        findings.append(Finding("JupyterLab", "fail", f"{lab or 'not installed'}: the course needs JupyterLab 4",
                                f'{PIP} "jupyterlab>=4,<5"'))
    else:
        findings.append(Finding("JupyterLab", "ok", lab))
    widgets = installed_version("ipywidgets")
    lab_widgets = installed_version("jupyterlab_widgets")
    if widgets is None or lab_widgets is None:
        findings.append(Finding("ipywidgets", "fail",
                                f"ipywidgets {widgets or 'missing'}, jupyterlab_widgets {lab_widgets or 'missing'}",
                                f'{PIP} "ipywidgets>=8,<9"'))
        return findings
    problem = widgets_mismatch(widgets, lab_widgets)
    if problem:
        findings.append(Finding("ipywidgets", "fail", problem,
                                f'{PIP} -U "ipywidgets>=8,<9" "jupyterlab_widgets>=3,<4"'))
    else:
        findings.append(Finding("ipywidgets", "ok", f"{widgets} with jupyterlab_widgets {lab_widgets} (they match)"))
    return findings


def widgets_mismatch(widgets: str, lab_widgets: str, requirement: str | None = None) -> str:
    """Why ipywidgets and jupyterlab_widgets do not work together ('' when they do).

    ipywidgets pins the front-end package it was built with (``jupyterlab_widgets~=3.0.x``);
    a different one shows "Error displaying widget: model not found" in the browser.
    """
    if _major_minor(widgets)[0] != 8:
        return f"ipywidgets {widgets}: the kit's widgets need ipywidgets 8"
    if _major_minor(lab_widgets)[0] != 3:
        return f"jupyterlab_widgets {lab_widgets} does not match ipywidgets {widgets} (needs 3.x)"
    if requirement is None:
        requirement = next((r for r in (metadata.requires("ipywidgets") or [])
                            if r.replace("-", "_").startswith("jupyterlab_widgets")), "")
    try:
        from packaging.requirements import Requirement

        spec = Requirement(requirement).specifier if requirement else None
    except Exception:
        spec = None
    if spec is not None and lab_widgets not in spec:
        return f"jupyterlab_widgets {lab_widgets} does not match ipywidgets {widgets}, which asks for {spec}"
    return ""


def _jupyter(*args: str, timeout: float = 30) -> str:
    try:
        result = subprocess.run([sys.executable, "-m", "jupyter", *args], capture_output=True, text=True,
                                timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"(could not run jupyter {' '.join(args)}: {error})"
    return _ANSI.sub("", result.stdout + result.stderr)


STUDENT_SERVER_EXTENSIONS = ("nbgrader.server_extensions.assignment_list",
                             "nbgrader.server_extensions.validate_assignment")


def check_nbgrader() -> list[Finding]:
    version = installed_version("nbgrader")
    if version is None or _major_minor(version)[:2] != (0, 9):
        return [Finding("nbgrader", "fail", f"{version or 'not installed'}: the course needs nbgrader 0.9.x",
                        f'{PIP} "nbgrader>=0.9,<0.10"')]
    findings = [Finding("nbgrader", "ok", version)]
    labext = _jupyter("labextension", "list")
    if re.search(r"@jupyter/nbgrader\s+v\S+\s+enabled", labext):
        findings.append(Finding("nbgrader lab extension", "ok", "@jupyter/nbgrader enabled"))
    else:
        findings.append(Finding("nbgrader lab extension", "fail", "@jupyter/nbgrader is not enabled in JupyterLab",
                                "jupyter labextension enable @jupyter/nbgrader"))
    serverext = _jupyter("server", "extension", "list")
    for name in STUDENT_SERVER_EXTENSIONS:
        if re.search(re.escape(name) + r"\s+enabled", serverext):
            findings.append(Finding("nbgrader server extension", "ok", f"{name} enabled"))
        else:
            findings.append(Finding("nbgrader server extension", "fail", f"{name} is not enabled",
                                    f"jupyter server extension enable --sys-prefix {name}"))
    return findings


def check_graphviz() -> list[Finding]:
    findings = []
    if installed_version("pydot") is None:
        findings.append(Finding("pydot", "warn", "not installed: keras.utils.plot_model cannot draw; "
                                "the kit's ModelGraph still works", f"{PIP} pydot"))
    else:
        findings.append(Finding("pydot", "ok", installed_version("pydot")))
    dot = shutil.which("dot")
    if dot is None:
        findings.append(Finding("graphviz", "warn", "the `dot` program is missing: plot_model returns nothing; "
                                "the kit's ModelGraph draws the graphs instead",
                                "sudo apt-get install graphviz  (macOS: brew install graphviz; conda: conda install graphviz)"))
        return findings
    try:
        out = subprocess.run([dot, "-V"], capture_output=True, text=True, timeout=10)
        findings.append(Finding("graphviz", "ok", (out.stderr or out.stdout).strip() or dot))
    except (OSError, subprocess.TimeoutExpired) as error:
        findings.append(Finding("graphviz", "warn", f"`dot` is there but does not run: {error}",
                                "reinstall graphviz (sudo apt-get install --reinstall graphviz)"))
    return findings


DATASET_NAMES = {"mnist": "MNIST", "cifar10": "CIFAR-10"}


def check_data() -> list[Finding]:
    try:
        from kitlib.data import data_status
    except ImportError as error:
        return [Finding("datasets", "fail", f"kitlib.data does not import: {error}", "reinstall the kit")]
    findings = []
    for key, info in data_status().items():
        name = DATASET_NAMES.get(key, key)
        if info.get("real_cached"):
            findings.append(Finding(f"dataset {name}", "ok", f"real data cached at {info.get('real_path', '?')}"))
        else:
            where = info.get("substitute_path", "")
            made = "already generated" if info.get("substitute_cached") else "generated on first use (a few seconds)"
            findings.append(Finding(
                f"dataset {name}", "warn",
                f"real data not cached: the course uses the kit's substitute ({made}{', ' + str(where) if where else ''})",
                f"to use the real data, run once with network access: "
                f"python -c \"import keras; keras.datasets.{key}.load_data()\""))
    return findings


def check_isolation() -> list[Finding]:
    """How ``kit grade`` isolates student code here: the sandbox, per-submission limits, the user."""
    try:
        from kitlib.grading.sandbox import findings
    except ImportError:
        return [Finding("grading isolation", "warn", "kitlib.grading is not installed", "reinstall the kit")]
    return [Finding(area, status, detail, fix) for area, status, detail, fix in findings()]


def check_requirements(dist: str = "keras-teaching-kit") -> list[Finding]:
    """Is every run-time requirement of the installed kit here? ``pip install --no-deps`` of the kit (as on
    a JupyterHub whose environment comes from ``binder/requirements.txt``) skips them, and a missing one
    breaks a later step (without nh3, ``kit grade`` writes no feedback). A requirement counts as here when
    its distribution is installed or its module imports under that name (``tensorflow-cpu`` provides
    ``tensorflow``). A kit run from a source tree without installed metadata has nothing to check."""
    try:
        requires = metadata.requires(dist) or []
    except metadata.PackageNotFoundError:
        return []
    missing = []
    for line in requires:
        spec, _, marker = line.partition(";")
        if "extra" in marker:
            continue
        name = re.split(r"[\s<>=!~\[(]", spec.strip(), maxsplit=1)[0]
        if installed_version(name) is None and importlib.util.find_spec(name.replace("-", "_").lower()) is None:
            missing.append(spec.strip().replace(" ", ""))
    if not missing:
        return [Finding("kit requirements", "ok", f"every run-time requirement of {dist} is installed")]
    return [Finding("kit requirements", "fail",
                    f"{dist} needs {', '.join(missing)}, not installed in {sys.prefix} "
                    "(a `pip install --no-deps` of the kit skips them)",
                    f"{sys.executable} -m pip install " + " ".join(f"'{m}'" for m in missing))]


def check_course(course_dir: Path | None) -> list[Finding]:
    from kitlib.grading.course import Course, CourseError, find_course, missing_instructor_material

    try:
        course = Course.open(Path(course_dir) if course_dir else find_course())
    except CourseError as error:
        where = f"no nbgrader course at {course_dir}" if course_dir else str(error).partition(": run")[0]
        return [Finding("course", "fail", where,
                        "run kit from the course folder (cd ~/course), or pass --course DIR, or set KIT_COURSE")]
    names = course.assignments()
    count = sum(len(course.source_notebooks(n)) for n in names)
    missing = missing_instructor_material(course.root)
    if missing:  # a student copy (Binder) runs its notebooks without them: a warning, not a failure
        detail, _, fix = missing.partition(". ")
        return [Finding("course", "warn", detail, fix)]
    return [Finding("course", "ok", f"{course.root}: {', '.join(names)} ({count} notebooks)"), *check_formgrader(course)]


def check_formgrader(course) -> list[Finding]:
    """Is nbgrader's Generate Feedback safe in this course (the kit's feedback, no hidden tests)? And where
    the formgrader works: in its own browser tab (JupyterHub >= 4.1 forbids framing it, jupyter/nbgrader#1870)."""
    from kitlib.grading.nbgrader_feedback import feedback_config_problem

    problem = feedback_config_problem(course.root)
    tab = ("open the formgrader in its own browser tab (JupyterLab: Nbgrader > Formgrader opens one; "
           "or go to <your server>/formgrader): on JupyterHub >= 4.1 it is blank inside JupyterLab")
    if problem:
        return [Finding("formgrader", "fail", problem,
                        "copy the c.GenerateFeedback.preprocessors lines of the kit's course/nbgrader_config.py "
                        "into this course's nbgrader_config.py (course/INSTRUCTORS.md, Generate feedback)")]
    found = [Finding("formgrader", "ok", "Generate Feedback gives the kit's feedback (hidden tests withheld); " + tab)]
    from kitlib.grading.exchange import exchange_config_problem

    stock = exchange_config_problem(course.root)
    if stock:
        found.append(Finding("exchange", "warn", stock, "copy the c.ExchangeFactory lines of the kit's "
                             "course/nbgrader_config.py into this course's nbgrader_config.py"))
    return found


CHECKS: tuple[Callable[[], list[Finding]], ...] = (
    check_python, check_requirements, check_keras, check_jupyter, check_nbgrader, check_graphviz, check_data,
    check_isolation,
)


def diagnose(course_dir: Path | None = None) -> list[Finding]:
    """Run every check; never raises (a crashing check becomes a failing finding)."""
    findings: list[Finding] = []
    for check in CHECKS + (lambda: check_course(course_dir),):
        try:
            findings.extend(check())
        except Exception as error:
            name = getattr(check, "__name__", "check").replace("check_", "")
            findings.append(Finding(name, "fail", f"the check itself failed: {type(error).__name__}: {error}",
                                    "report this to the kit's maintainers"))
    return findings


def run_doctor(args) -> int:
    findings = diagnose(getattr(args, "course", None))
    if getattr(args, "json", False):
        print(json.dumps([asdict(f) for f in findings], indent=2))
    else:
        for finding in findings:
            print(finding.line())
        fails = sum(f.status == "fail" for f in findings)
        warns = sum(f.status == "warn" for f in findings)
        verdict = "the course cannot run: fix the ✘ lines" if fails else "the course can run"
        print(f"\n{verdict} ({fails} problem(s), {warns} warning(s)).")
    return 1 if any(f.status == "fail" for f in findings) else 0
