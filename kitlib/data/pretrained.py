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
    parameter count are the same but the weights are random (drawn with a low
    memory peak by :func:`random_weights_model`).  The returned
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
    model = random_weights_model(name, **kwargs)
    model.kitlib_weights = None
    return model


class _OneStepTruncatedNormal:
    """Draws a variable's starting values in one TensorFlow op (no temporary copies).

    Keras' own random initialisers compute a tensor in several steps (draw, scale,
    shift), so the largest weight exists two or three times for a moment, and the
    allocator keeps some of that memory.  This one draws a truncated normal with
    the variance the replaced ``VarianceScaling`` initialiser (Glorot, He, LeCun)
    would give, straight into the variable's buffer.

    Example:
        >>> import keras
        >>> init = _OneStepTruncatedNormal(keras.initializers.GlorotUniform(), seed=(0, 1))
        >>> tuple(init((3, 4)).shape)
        (3, 4)
    """

    def __init__(self, original, seed):
        self.original = original
        self.seed = seed

    def __call__(self, shape, dtype=None):
        import tensorflow as tf

        shape = tuple(int(d) for d in shape)
        fan_in, fan_out = _fans(shape)
        fans = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}
        variance = self.original.scale / max(1.0, fans.get(self.original.mode, fan_in))
        # A normal truncated at 2 sigma has 0.8796 times the sigma of the untruncated one.
        stddev = (variance ** 0.5) / 0.87962566103423978
        dtype = tf.as_dtype(dtype or "float32")
        return tf.raw_ops.StatelessParameterizedTruncatedNormal(
            shape=tf.constant(shape, tf.int64), seed=tf.constant(self.seed, tf.int64),
            means=tf.constant(0.0, dtype), stddevs=tf.constant(stddev, dtype),
            minvals=tf.constant(-2 * stddev, dtype), maxvals=tf.constant(2 * stddev, dtype))


def _fans(shape):
    """(fan_in, fan_out) of a weight shape, counted as Keras counts them."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = 1
    for size in shape[:-2]:
        receptive *= size
    return shape[-2] * receptive, shape[-1] * receptive


def random_weights_model(name: str, seed: int = 0, **kwargs):
    """``keras.applications.<name>(weights=None, **kwargs)``, built with a low memory peak.

    The layers, names, shapes and parameter count are those of Keras' own
    ``weights=None`` build.  Only the random starting values differ: every
    Glorot/He/LeCun-initialised weight is drawn, with the same variance, by
    :class:`_OneStepTruncatedNormal`, seeded by ``seed`` (same seed, same
    weights).  Other initialisers (zeros, ones, ...) are kept.  For VGG19 this
    lowers the peak memory of the build from about 1.4 GB above the imports to
    the size of the weights (575 MB).

    How: the model is built inside ``keras.StatelessScope(initialize_variables=False)``,
    so its variables are only declared; their initialisers are then swapped and a
    second, empty ``StatelessScope`` creates them on exit.

    Example:
        >>> m = random_weights_model("MobileNet", include_top=False, input_shape=(32, 32, 3), alpha=0.25)  # doctest: +SKIP
        >>> m.count_params()  # doctest: +SKIP
        218544
    """
    import keras

    builder = _application(name)
    if keras.backend.backend() != "tensorflow":
        return builder(weights=None, **kwargs)
    with keras.StatelessScope(initialize_variables=False):
        model = builder(weights=None, **kwargs)
    from kitlib.keras_compat import set_variable_initializer, variable_initializer

    for index, variable in enumerate(model.variables):
        original = variable_initializer(variable)
        if isinstance(original, keras.initializers.VarianceScaling):
            set_variable_initializer(variable, _OneStepTruncatedNormal(original, seed=(seed, index)))
    with keras.StatelessScope():
        pass  # leaving a StatelessScope creates the variables declared above
    return model
