"""Datasets for the course: real MNIST / CIFAR-10 when available, kit-made substitutes otherwise.

``load_mnist()`` and ``load_cifar10()`` return exactly what
``keras.datasets.mnist.load_data()`` / ``keras.datasets.cifar10.load_data()``
return.  They use the real data when it is in Keras' cache (``$KERAS_HOME`` or
``~/.keras``, sub-folder ``datasets``) or can be downloaded; otherwise they
print one line on stdout and return a substitute that the kit draws itself
(:mod:`kitlib.data.substitutes`), deterministic and cached in
``$KITLIB_DATA_DIR`` (default ``~/.cache/kitlib``).  Whether the network is
reachable is decided within about 1.5 s, once per process; ``KITLIB_OFFLINE=1``
skips the probe and always uses the substitutes.

Importing this module does not import TensorFlow.

Example::

    >>> from kitlib.data import load_mnist  # doctest: +SKIP
    >>> (x_train, y_train), (x_test, y_test) = load_mnist()  # doctest: +SKIP
    >>> x_train.shape, y_train.dtype  # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'))
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from . import substitutes
from .cache import (
    find_real_cifar10,
    find_real_mnist,
    generation_lock,
    keras_home_candidates,
    kitlib_data_dir,
    save_npz_atomic,
)
from .network import _probe_cache, clear_probe_cache, download_timeout, network_available, offline_forced
from .pretrained import pretrained, pretrained_weights_available
from .substitutes import DIGIT_CLASS_NAMES, IMAGE_CLASS_NAMES, make_digits, make_images

__all__ = [
    "load_mnist",
    "load_cifar10",
    "describe_data_sources",
    "data_status",
    "pretrained",
    "pretrained_weights_available",
    "network_available",
    "substitute_path",
    "make_digits",
    "make_images",
    "DIGIT_CLASS_NAMES",
    "IMAGE_CLASS_NAMES",
    "CIFAR10_CLASS_NAMES",
    "class_names",
]

#: CIFAR-10's own class names (for the real data).
CIFAR10_CLASS_NAMES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)

# Bump a version when its generator changes, so old caches are not reused.
_SPECS = {
    "mnist": {
        "title": "MNIST",
        "file": "mnist-substitute-v4.npz",
        "shapes": ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,)),
        "make": substitutes.make_mnist_like,
        "what": "generated handwritten-style digits 0-9",
    },
    "cifar10": {
        "title": "CIFAR-10",
        "file": "cifar10-substitute-v4.npz",
        "shapes": ((50000, 32, 32, 3), (50000, 1), (10000, 32, 32, 3), (10000, 1)),
        "make": substitutes.make_cifar10_like,
        "what": "generated colour images of 10 shape/texture classes "
                "(kitlib.data.IMAGE_CLASS_NAMES)",
    },
}
_KEYS = ("x_train", "y_train", "x_test", "y_test")
_last_source: dict = {}  # dataset -> "real" or "substitute", set by the loaders
_SEED = 0


def substitute_path(dataset: str) -> Path:
    """Where the substitute for ``dataset`` ("mnist" or "cifar10") is cached."""
    return kitlib_data_dir() / _spec(dataset)["file"]


def _spec(dataset):
    if dataset not in _SPECS:
        raise ValueError(f"unknown dataset {dataset!r}; use 'mnist' or 'cifar10'")
    return _SPECS[dataset]


def _read_substitute(dataset, path):
    spec = _spec(dataset)
    with np.load(path, allow_pickle=False) as f:
        arrays = [np.asarray(f[k]) for k in _KEYS]
    for a, shape in zip(arrays, spec["shapes"]):
        if a.shape != shape or a.dtype != np.uint8:
            raise ValueError(f"{a.shape} {a.dtype} instead of {shape} uint8")
    return arrays


def _remove_older_versions(dataset, current):
    """Delete substitutes cached by earlier versions of the generator (best effort)."""
    keep = {current.name, current.name + ".lock"}
    for old in current.parent.glob(f"{dataset}-substitute-v*.npz*"):
        if old.name not in keep and not old.name.endswith(".tmp"):
            try:
                old.unlink()
            except OSError:
                pass


def _file_id(path):
    try:
        st = path.stat()
        return (st.st_ino, st.st_size, st.st_mtime_ns)
    except OSError:
        return None


def _substitute(dataset, reason):
    spec = _spec(dataset)
    path = substitute_path(dataset)
    print(f"kitlib: real {spec['title']} {reason}; using the kit's substitute instead: {spec['what']} "
          f"(same shapes and dtypes).")
    bad = None
    if path.exists():
        try:
            xtr, ytr, xte, yte = _read_substitute(dataset, path)
            return (xtr, ytr), (xte, yte)
        except Exception as exc:  # damaged or foreign file
            bad = _file_id(path)
            print(f"kitlib: the cached substitute {path} is unreadable ({type(exc).__name__}); "
                  f"regenerating it.")
    with generation_lock(path):
        # another kernel may have written the file while this one waited for the lock
        if path.exists() and _file_id(path) != bad:
            try:
                xtr, ytr, xte, yte = _read_substitute(dataset, path)
                return (xtr, ytr), (xte, yte)
            except Exception:
                pass
        (xtr, ytr), (xte, yte) = spec["make"](_SEED)
        try:
            save_npz_atomic(path, x_train=xtr, y_train=ytr, x_test=xte, y_test=yte)
            _remove_older_versions(dataset, path)
        except OSError as exc:
            print(f"kitlib: could not cache the substitute in {path.parent} ({exc.strerror or exc}); "
                  f"it will be generated again next time.")
    return (xtr, ytr), (xte, yte)


def _load(dataset, find_real, read_real, keras_loader_name):
    data = _load_from_best_source(dataset, find_real, read_real, keras_loader_name)
    _last_source[dataset] = data[0]
    return data[1]


def _load_from_best_source(dataset, find_real, read_real, keras_loader_name):
    title = _spec(dataset)["title"]
    if offline_forced():
        return "substitute", _substitute(dataset, "is switched off (KITLIB_OFFLINE=1)")
    found = find_real()
    if found is not None:
        try:
            return "real", read_real(found)
        except Exception as exc:
            print(f"kitlib: the cached {title} in {found} is unreadable ({type(exc).__name__}).")
    if network_available():
        try:
            import keras

            with download_timeout():
                return "real", getattr(keras.datasets, keras_loader_name).load_data()
        except Exception as exc:
            return "substitute", _substitute(dataset, f"could not be downloaded ({type(exc).__name__})")
    return "substitute", _substitute(dataset, "is not in Keras' cache and cannot be downloaded (offline)")


def class_names(dataset: str = "cifar10") -> tuple:
    """Names of the ten labels of what the loader returned (or would return) in this process.

    For CIFAR-10 these are :data:`CIFAR10_CLASS_NAMES` for the real data and
    :data:`IMAGE_CLASS_NAMES` for the substitute; for MNIST the digits "0".."9".
    Before the first load it goes by :func:`data_status` (no probe).

    Example:
        >>> class_names("mnist")[:3]
        ('0', '1', '2')
    """
    _spec(dataset)
    if dataset == "mnist":
        return DIGIT_CLASS_NAMES
    source = _last_source.get(dataset) or data_status()[dataset]["source"]
    return CIFAR10_CLASS_NAMES if source in ("real", "download") else IMAGE_CLASS_NAMES


def load_mnist():
    """MNIST as ``keras.datasets.mnist.load_data()`` returns it, or the kit's substitute.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: x uint8 (60000, 28, 28) and
        (10000, 28, 28), y uint8 (60000,) and (10000,), digits 0..9.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_mnist()  # doctest: +SKIP
    """
    from .real import read_mnist_npz

    return _load("mnist", find_real_mnist, read_mnist_npz, "mnist")


def load_cifar10():
    """CIFAR-10 as ``keras.datasets.cifar10.load_data()`` returns it, or the kit's substitute.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: x uint8 (50000, 32, 32, 3)
        and (10000, 32, 32, 3), y uint8 (50000, 1) and (10000, 1).  The
        substitute's classes are named in :data:`IMAGE_CLASS_NAMES`, the real
        ones in :data:`CIFAR10_CLASS_NAMES`.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_cifar10()  # doctest: +SKIP
    """
    from .real import read_cifar10_dir

    return _load("cifar10", find_real_cifar10, read_cifar10_dir, "cifar10")


def _source(dataset, real_path):
    if offline_forced():
        return "substitute"
    if real_path is not None:
        return "real"
    if _probe_cache.get("answer") is False:
        return "substitute"
    if _probe_cache.get("answer") is True:
        return "download"
    return "download or substitute"


def data_status() -> dict:
    """What each loader would use, from the caches alone (no network probe, no generation).

    Returns:
        ``{"mnist": {...}, "cifar10": {...}}``; each entry has ``title``
        ("MNIST", "CIFAR-10"), ``real_cached`` (bool), ``real_path`` (str or
        None), ``substitute_cached`` (bool), ``substitute_path`` (str),
        ``source`` ("real", "substitute", "download" or "download or
        substitute"), ``offline_forced`` (bool: ``KITLIB_OFFLINE`` is set) and
        ``keras_home`` (str: where Keras keeps its downloads).

    Example:
        >>> sorted(data_status())
        ['cifar10', 'mnist']
        >>> data_status()["mnist"]["title"]
        'MNIST'
    """
    status = {}
    forced = offline_forced()
    keras_home = str(keras_home_candidates()[0])
    for dataset, finder in (("mnist", find_real_mnist), ("cifar10", find_real_cifar10)):
        real = finder()
        sub = substitute_path(dataset)
        status[dataset] = {
            "title": _spec(dataset)["title"],
            "real_cached": real is not None,
            "real_path": str(real) if real is not None else None,
            "substitute_cached": sub.is_file(),
            "substitute_path": str(sub),
            "source": _source(dataset, real),
            "offline_forced": forced,
            "keras_home": keras_home,
        }
    return status


def describe_data_sources(probe: bool = False) -> str:
    """A short phrase for ``kitlib.setup()``'s status line, e.g. ``"MNIST real, CIFAR-10 substitute (offline)"``.

    Looks only at the caches, ``KITLIB_OFFLINE`` and an earlier probe answer; it never generates data.
    ``probe=True`` (``kitlib.setup()``): where a dataset is neither cached nor ruled offline, first run
    the loaders' own bounded network probe (:func:`network_available`, at most about 1.5 s, its answer
    kept for the session), so the phrase says what this session will use: "download" (the real data)
    or "substitute", never "download or substitute". Without ``probe`` it never touches the network.

    Example:
        >>> isinstance(describe_data_sources(), str)
        True
    """
    status = data_status()
    if probe and any(entry["source"] == "download or substitute" for entry in status.values()):
        network_available()
        status = data_status()
    text = ", ".join(f"{entry['title']} {entry['source']}" for entry in status.values())
    if offline_forced():
        text += " (KITLIB_OFFLINE=1)"
    elif _probe_cache.get("answer") is False and "substitute" in text:
        text += " (offline)"
    return text
