#!/usr/bin/env python3
"""The kit's two set-up commands, with nothing but Python 3 and git needed.

    python3 dev.py lab     # the student view of the course in JupyterLab
    python3 dev.py test    # the complete test suite (2 processes: -n 2 --dist loadfile)
    python3 dev.py test --fast   # only the tests that need no TensorFlow and no servers (under 2 minutes)

Each creates (once) and fills a virtual environment in ``.venv`` from
``pyproject.toml``. A second run only checks a stamp and starts at once.
Extra arguments are passed on: ``python3 dev.py test -k data``,
``python3 dev.py lab --no-browser``.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("KIT_VENV", ROOT / ".venv"))
STAMP = VENV / ".kit-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _fingerprint(extras: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(extras.encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure_environment(extras: str) -> None:
    """Create .venv and install the kit (editable) with ``extras``, unless already done."""
    wanted = _fingerprint(extras)
    if PYTHON.exists() and STAMP.exists() and wanted in STAMP.read_text().split():
        return
    if sys.version_info < (3, 10):
        sys.exit(f"The kit needs Python >= 3.10; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating the virtual environment {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    print("Installing the kit and its dependencies (first run: a few minutes) ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check"]
    quiet = [] if os.environ.get("KIT_VERBOSE_INSTALL") else ["-q"]
    subprocess.run(pip + ["install", *quiet, "--upgrade", "pip"], check=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run(pip + ["install", *quiet, "-e", target], check=True, cwd=ROOT)
    previous = STAMP.read_text().split() if STAMP.exists() else []
    STAMP.write_text("\n".join(previous + [wanted]) + "\n")


def run(argv: list[str]) -> int:
    if not argv or argv[0] not in ("lab", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "lab":
        ensure_environment("")
        course = [] if any(a == "--course" or a.startswith("--course=") for a in rest) else ["--course", "course"]
        return subprocess.call([str(BIN / "kit"), "lab", *course, *rest], cwd=ROOT)  # kit never guesses the course
    ensure_environment("test,cluster,hub")  # a real Dask cluster and a real JupyterHub, on 127.0.0.1
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.call([str(PYTHON), "-m", "pytest", *pytest_args(rest)], cwd=ROOT, env=env)


def pytest_args(rest: list[str]) -> list[str]:
    """pytest's arguments: the full suite in 2 processes, a file's tests on one (``--dist loadfile``: a
    notebook's cells share one kernel); ``--fast`` in one process (conftest.py's fast tier).
    An ``-n`` of your own wins.

    Example:
        >>> pytest_args(["-k", "data"])
        ['-n', '2', '--dist', 'loadfile', '-k', 'data']
        >>> pytest_args(["--fast"])
        ['--fast']
    """
    if "--fast" in rest or any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in rest):
        return list(rest)
    return ["-n", "2", "--dist", "loadfile", *rest]


if __name__ == "__main__":
    try:
        sys.exit(run(sys.argv[1:]))
    except subprocess.CalledProcessError as failure:
        sys.exit(f"dev.py: a set-up step failed ({' '.join(map(str, failure.cmd))}); see the output above.")
    except KeyboardInterrupt:
        sys.exit(130)
