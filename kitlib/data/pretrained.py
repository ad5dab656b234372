"""``keras.applications`` models with ImageNet weights when they can be had, random ones otherwise.

Example::

    >>> from kitlib.data import pretrained  # doctest: +SKIP
    >>> base = pretrained("Xception", include_top=False, pooling="avg")  # doctest: +SKIP
    >>> base.kitlib_weights  # "imagenet", or None when offline  # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path

from .cache import keras_home_candidates
from .network import download_timeout, network_available, offline_forced

# Weight file names Keras stores in ~/.keras/models: (with top, without top).
WEIGHT_FILES = {
    "Xception": ("xception_weights_tf_dim_ordering_tf_kernels.h5",
                 "xception_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    "VGG16": ("vgg16_weights_tf_dim_ordering_tf_kernels.h5",
              "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    "VGG19": ("vgg19_weights_tf_dim_ordering_tf_kernels.h5",
              "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    "ResNet50": ("resnet50_weights_tf_dim_ordering_tf_kernels.h5",
                 "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    "InceptionV3": ("inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
                    "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"),
}


def _application(name):
    import keras

    builder = getattr(keras.applications, name, None) if isinstance(name, str) else None
    if builder is None or not callable(builder) or not name[:1].isupper():
        known = sorted(n for n in dir(keras.applications) if n[:1].isupper() and callable(getattr(keras.applications, n)))
        raise ValueError(f"unknown keras.applications model {name!r}; choose one of: {', '.join(known)}")
    return builder


def cached_weights_path(name: str, include_top: bool = True) -> Path | None:
    """Path of the cached ImageNet weights file for ``name`` (see :data:`WEIGHT_FILES`), or None."""
    files = WEIGHT_FILES.get(name)
    if files is None:
        return None
    fname = files[0] if include_top else files[1]
    for home in keras_home_candidates():
        path = home / "models" / fname
        if path.is_file() and path.stat().st_size > 0:
            return path
    return None


def pretrained_weights_available(name: str, include_top: bool = True) -> bool:
    """Whether :func:`pretrained` would load real ImageNet weights for ``name``.

    True when the weights file is in Keras' cache, or when the download servers
    answer (decided within about 1.5 s, never with ``KITLIB_OFFLINE=1``).

    Example:
        >>> pretrained_weights_available("VGG19") in (True, False)
        True
    """
    if cached_weights_path(name, include_top) is not None:
        return True
    if offline_forced():
        return False
    return network_available()


def _short(exc, limit=80):
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def pretrained(name: str, **kwargs):
    """Build ``keras.applications.<name>(**kwargs)`` with ImageNet weights if possible.

    With the weights neither cached nor downloadable, the model is built with
    ``weights=None`` and one line on stdout says that the architecture and the
    parameter count are the same but the weights are random.  The returned
    model carries ``model.kitlib_weights``: ``"imagenet"`` or ``None``.

    Args:
        name: a ``keras.applications`` model name, e.g. ``"Xception"`` or ``"VGG19"``.
        **kwargs: passed through (``include_top``, ``pooling``, ``input_shape``, ...).
            An explicit ``weights=`` is respected as given.

    Example:
        >>> base = pretrained("VGG19", include_top=False, input_shape=(64, 64, 3))  # doctest: +SKIP
    """
    builder = _application(name)
    if "weights" in kwargs:
        model = builder(**kwargs)
        model.kitlib_weights = kwargs["weights"]
        return model
    include_top = kwargs.get("include_top", True)
    cached = cached_weights_path(name, include_top)
    if cached is not None or (not offline_forced() and network_available()):
        # A cached file is loaded by path: Keras would otherwise re-download a
        # file whose checksum differs, which offline would fail or hang.
        try:
            if cached is not None:
                model = builder(weights=str(cached), **kwargs)
            else:
                with download_timeout():
                    model = builder(weights="imagenet", **kwargs)
            model.kitlib_weights = "imagenet"
            return model
        except Exception as exc:  # damaged file, download failed half-way, ...
            reason = f"the ImageNet weights could not be loaded ({type(exc).__name__}: {_short(exc)})"
    else:
        reason = "the ImageNet weights are not cached and cannot be downloaded (offline)"
    print(f"kitlib: {name}: {reason}; built with weights=None - same architecture and "
          f"parameter count, but random weights.")
    model = builder(weights=None, **kwargs)
    model.kitlib_weights = None
    return model
