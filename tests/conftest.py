"""Test-wide settings shared by every test file and by the kernels nbval starts.

- The suite never reaches the network: ``KITLIB_OFFLINE=1`` makes kitlib.data
  use cached real data or its own substitutes without probing.
- Quiet TensorFlow for every child process (kernels inherit this environment).
- ``KIT_ARTIFACTS``: where tests keep screenshots and reports for people to look at.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

os.environ.setdefault("KITLIB_OFFLINE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's frozen-modules notice on stderr
os.environ.setdefault("KIT_ARTIFACTS", str(ROOT / "artifacts"))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = Path(os.environ["KIT_ARTIFACTS"])
    path.mkdir(parents=True, exist_ok=True)
    return path
