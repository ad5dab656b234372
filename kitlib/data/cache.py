"""Where things live on disk: Keras' caches and the kit's substitute cache.

Example::

    >>> from kitlib.data.cache import kitlib_data_dir
    >>> kitlib_data_dir().name
    'kitlib'
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

import numpy as np


def keras_home_candidates() -> list[Path]:
    """Keras' cache roots, as Keras picks them: ``$KERAS_HOME``, else ``~/.keras`` (or ``/tmp/.keras``)."""
    if os.environ.get("KERAS_HOME"):
        return [Path(os.environ["KERAS_HOME"]).expanduser()]
    return [Path("~/.keras").expanduser(), Path("/tmp/.keras")]


def kitlib_data_dir() -> Path:
    """The kit's cache for substitutes: ``$KITLIB_DATA_DIR``, default ``~/.cache/kitlib``."""
    value = os.environ.get("KITLIB_DATA_DIR")
    if value:
        return Path(value).expanduser()
    return Path("~/.cache/kitlib").expanduser()


def find_real_mnist() -> Path | None:
    """Path of a cached ``mnist.npz`` in Keras' cache, or None."""
    for home in keras_home_candidates():
        path = home / "datasets" / "mnist.npz"
        if path.is_file():
            return path
    return None


def find_real_cifar10() -> Path | None:
    """Directory holding the CIFAR-10 python batches in Keras' cache, or None.

    Keras 3 extracts to ``datasets/cifar-10-batches-py-target/cifar-10-batches-py``;
    older Keras used ``datasets/cifar-10-batches-py``.
    """
    for home in keras_home_candidates():
        base = home / "datasets"
        for path in (
            base / "cifar-10-batches-py-target" / "cifar-10-batches-py",
            base / "cifar-10-batches-py",
            base / "cifar-10-batches-py-target",
        ):
            names = ["test_batch"] + [f"data_batch_{i}" for i in range(1, 6)]
            if all((path / name).is_file() for name in names):
                return path
    return None


def save_npz_atomic(path: Path, **arrays) -> None:
    """Write an uncompressed ``.npz`` via a temporary file and ``os.replace``.

    Several kernels may generate the same substitute at once; each writes its
    own temporary file and the last rename wins, so a reader never sees a
    half-written file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
        try:
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; the cache may be shared
        except OSError:
            pass
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@contextlib.contextmanager
def generation_lock(path: Path, wait: float = 60.0):
    """Hold an exclusive lock file beside ``path`` inside the block.

    Kernels that start at the same moment then generate a substitute once:
    the first generates, the others wait and read its file.  Best effort: the
    block runs anyway (yielding False) without ``fcntl`` (Windows), when the
    lock file cannot be created, or after ``wait`` seconds.  The kernel
    releases the lock of a process that dies.

    Example:
        >>> import tempfile, pathlib
        >>> with generation_lock(pathlib.Path(tempfile.mkdtemp()) / "x.npz") as held:
        ...     held in (True, False)
        True
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield False
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield False
        return
    held = False
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = True
                break
            except OSError:
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.1)
        yield held
    finally:
        if held:
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
