"""Test-wide settings for every test file and for the kernels nbval starts.

- The suite never reaches the network: ``KITLIB_OFFLINE=1`` makes kitlib.data
  use its own deterministic substitutes without probing, so every machine
  runs the notebooks on the same data.
- Quiet TensorFlow in every child process (kernels inherit this environment).
- ``KIT_ARTIFACTS``: where tests keep screenshots and reports for people to look at.
- nbval turns each notebook cell into a test item, and the cells of one notebook
  share one kernel: they must run in order on one xdist worker. The suite runs
  with ``--dist loadfile`` (a file's tests go to one worker), which also keeps
  the tests that share a module-scoped fixture (a JupyterLab server, a grading
  run) together. (``python3 dev.py test`` adds ``-n 2 --dist loadfile``; ``xdist_group`` marks are
  not honoured with ``loadfile``: there are none.)
- ``--fast`` (``python3 dev.py test --fast``): only the tests marked ``fast`` (no TensorFlow, no
  servers), from the files that carry the mark, no notebooks; a fast test that imports TensorFlow or
  Keras (even through kitlib) fails loudly and stops the run.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent

os.environ.setdefault("KITLIB_OFFLINE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's frozen-modules notice on stderr
os.environ.setdefault("KIT_ARTIFACTS", str(ROOT / "artifacts"))


HEAVY = ("tensorflow", "keras")  # what a fast test must not import


def pytest_addoption(parser):
    parser.addoption("--fast", action="store_true", default=False,
                     help="only the tests marked fast (no TensorFlow, no servers); fail if one imports TensorFlow")


def pytest_configure(config):
    if config.getoption("--fast") and not config.option.markexpr:
        config.option.markexpr = "fast"


def pytest_ignore_collect(collection_path, config):
    """In the fast tier, skip notebooks and test files without a fast mark (importing them may import TensorFlow)."""
    if not config.getoption("--fast") or collection_path.is_dir():
        return None
    if collection_path.suffix == ".ipynb":
        return True
    if collection_path.suffix == ".py" and collection_path.name.startswith("test_"):
        return "mark.fast" not in collection_path.read_text(encoding="utf-8", errors="replace") or None
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if type(item).__module__.startswith("nbval"):
            item.add_marker(pytest.mark.slow)
    if config.getoption("--fast"):
        _fail_if_heavy(config, "collecting the fast tests (a test module imports it at its top)")


def _heavy_loaded() -> list[str]:
    return [name for name in HEAVY if name in sys.modules]


def _fail_if_heavy(config, where: str) -> None:
    loaded = _heavy_loaded()
    if loaded:
        pytest.exit(f"fast tier: {where} imported {', '.join(loaded)}. A test marked fast must need no "
                    f"TensorFlow: remove its fast mark or the import.", returncode=3)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """In the fast tier, a test after which TensorFlow or Keras is loaded fails, by name, and ends the run."""
    yield
    if item.config.getoption("--fast"):
        _fail_if_heavy(item.config, f"the fast test {item.nodeid}")


@pytest.fixture
def exercise_registry(monkeypatch):
    """An empty registry of exercises for one test, in place of the course's (grade/check/hint look ids up
    there), in a session without nbgrader, kit grade or self-study settings; yields ``add(*exercises)``."""
    from kitlib.exercises import core, session, tutor

    registry = core.Registry(modules=())
    registry._exercises = {}

    def add(*exercises):
        for exercise in exercises:
            registry._exercises[exercise.id] = exercise
        registry._originals = {e.id: core._fingerprint(e) for e in registry._exercises.values()}

    monkeypatch.setattr(core, "REGISTRY", registry)
    for name in ("NBGRADER_EXECUTION", "KIT_ANSWER_DIR", "KIT_SOLUTIONS"):
        monkeypatch.delenv(name, raising=False)
    session.reset()
    tutor.reset()
    yield add
    session.reset()
    tutor.reset()


@pytest.fixture(scope="session")
def playwright_driver():
    """The one Playwright driver of a test process, shared by every browser test (the JupyterLab tests, the
    hub loop, the formgrader, the hostile pages). Playwright's sync API refuses a second driver while one
    runs in the same thread, so a module that started its own failed whenever pytest-xdist happened to put
    it in a process after the session-scoped JupyterLab browser."""
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = Path(os.environ["KIT_ARTIFACTS"])
    path.mkdir(parents=True, exist_ok=True)
    return path
