"""``python3 dev.py test --fast`` (conftest.py's ``--fast``): only tests marked fast, from the files that carry
the mark, no notebooks; a fast test that loads TensorFlow or Keras stops the run by name.

Each case runs pytest on a small folder with a copy of the suite's conftest.py (no TensorFlow needed: a
stand-in module in ``sys.modules`` is what the guard sees)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.fast


def _run(folder: Path, files: dict[str, str]) -> subprocess.CompletedProcess:
    shutil.copy(ROOT / "conftest.py", folder / "conftest.py")
    (folder / "pytest.ini").write_text("[pytest]\nmarkers =\n    fast: no TensorFlow\n    slow: slow\n")
    for name, text in files.items():
        (folder / name).write_text(text)
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")  # the conftest is all this needs: a quick start
    return subprocess.run([sys.executable, "-m", "pytest", "--fast", "-q", "-p", "no:cacheprovider", str(folder)],
                          cwd=folder, capture_output=True, text=True, timeout=120, env=env)


def test_only_marked_tests_of_marked_files_run_and_notebooks_are_skipped(tmp_path):
    done = _run(tmp_path, {
        "test_a.py": "import pytest\n\n@pytest.mark.fast\ndef test_fast():\n    pass\n\ndef test_slow():\n    pass\n",
        "test_b.py": "raise RuntimeError('a file without the fast mark is not even imported')\n",
        "nb.ipynb": "{}",
    })
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 1 deselected" in done.stdout


def test_a_fast_test_that_loads_tensorflow_stops_the_run_by_name(tmp_path):
    done = _run(tmp_path, {
        "test_a.py": ("import sys, types\nimport pytest\n\npytestmark = pytest.mark.fast\n\n"
                      "def test_loads_tf():\n    sys.modules['tensorflow'] = types.ModuleType('tensorflow')\n\n"
                      "def test_after():\n    pass\n"),
    })
    assert done.returncode == 3, done.stdout + done.stderr
    text = done.stdout + done.stderr
    assert "fast tier: the fast test test_a.py::test_loads_tf imported tensorflow" in text
    assert "2 passed" not in text  # the run stopped before test_after


def test_a_fast_file_that_imports_tensorflow_at_its_top_stops_the_run(tmp_path):
    done = _run(tmp_path, {
        "test_a.py": ("import sys, types\nimport pytest\nsys.modules['keras'] = types.ModuleType('keras')\n"
                      "pytestmark = pytest.mark.fast\n\ndef test_x():\n    pass\n"),
    })
    assert done.returncode == 3 and "collecting the fast tests" in done.stdout + done.stderr, done.stdout
