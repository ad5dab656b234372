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
  run) together. (``xdist_group`` marks are not honoured by pytest 9 with
  pytest-xdist 3.8: do not rely on them.)
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent

os.environ.setdefault("KITLIB_OFFLINE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's frozen-modules notice on stderr
os.environ.setdefault("KIT_ARTIFACTS", str(ROOT / "artifacts"))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if type(item).__module__.startswith("nbval"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = Path(os.environ["KIT_ARTIFACTS"])
    path.mkdir(parents=True, exist_ok=True)
    return path
