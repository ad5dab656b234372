"""Notebook start-up: ``kitlib.setup()``.

nbgrader gives a grade cell zero points as soon as anything reaches stderr, and
TensorFlow writes C++ log lines to stderr while it loads. ``setup()`` therefore
imports TensorFlow itself, with file descriptor 2 pointed at ``/dev/null`` for
the duration of the import and device discovery, after setting the logging
environment variables that TensorFlow and absl read.

Example::

    import kitlib; kitlib.setup()
    # kitlib 0.1.0 | TensorFlow 2.21.0, Keras 3.15.1 (tensorflow backend) | seed 42 | data: real MNIST ...
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings

DEFAULT_SEED = 42

# Environment read by TensorFlow / absl at import time.
_QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "ABSL_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",  # also removes the round-off notice; results stay deterministic
    "GRPC_VERBOSITY": "ERROR",
    "KMP_WARNINGS": "0",
}

# Warnings that say nothing useful to a learner (matched against the message).
HARMLESS_WARNINGS = (
    r".*input structure.*does not match.*",
    r".*is deprecated and will be removed.*tf\.compat.*",
    r".*`build\(\)` was called on layer.*",
    r".*Compiled the loaded model, but the compiled metrics have yet to be built.*",
    r".*The structure of `inputs` doesn't match the expected structure.*",
    r".*np\.find_common_type is deprecated.*",
    r".*Skipping variable loading for optimizer.*",
)

_state = {"seed": DEFAULT_SEED}


@contextlib.contextmanager
def silenced_stderr_fd():
    """Point file descriptor 2 at /dev/null inside the block (C++ log lines included)."""
    try:
        sys.stderr.flush()
    except Exception:  # pragma: no cover - a closed stream is fine
        pass
    try:
        saved = os.dup(2)
    except OSError:  # no fd 2 at all: nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def quiet_environment() -> None:
    """Set the variables TensorFlow reads at import (no effect once it is loaded)."""
    for key, value in _QUIET_ENV.items():
        os.environ.setdefault(key, value)


def _show_warning_on_stdout(message, category, filename, lineno, file=None, line=None):
    """Print a warning as one readable line on stdout instead of stderr."""
    text = str(message).strip().splitlines()[0] if str(message).strip() else category.__name__
    print(f"⚠ {category.__name__}: {text}", file=sys.stdout)


def install_warning_policy() -> None:
    """Keep warnings visible for learners but off stderr; drop known-harmless ones."""
    warnings.showwarning = _show_warning_on_stdout
    for pattern in HARMLESS_WARNINGS:
        warnings.filterwarnings("ignore", message=pattern)
    for name in ("tensorflow", "absl", "h5py", "matplotlib", "PIL"):
        logging.getLogger(name).setLevel(logging.ERROR)


def import_tensorflow_quietly():
    """Import TensorFlow and Keras and initialise devices without stderr noise."""
    quiet_environment()
    with silenced_stderr_fd():
        import tensorflow as tf
        import keras

        tf.config.list_physical_devices()
        tf.constant(0.0) + 1.0  # first op: the CUDA probe logs here, not in a graded cell
        try:
            import absl.logging

            absl.logging.set_verbosity(absl.logging.ERROR)
        except ImportError:  # pragma: no cover
            pass
    tf.get_logger().setLevel(logging.ERROR)
    return tf, keras


def reset_keras(seed: int = DEFAULT_SEED) -> None:
    """Seed Python, NumPy and the backend and reset Keras' name counters."""
    import keras

    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)


def set_matplotlib_defaults() -> None:
    import matplotlib

    if "ipykernel" not in sys.modules and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    matplotlib.rcParams.update(
        {
            "figure.figsize": (6.0, 3.6),
            "figure.dpi": 90,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "image.cmap": "viridis",
        }
    )


def setup(seed: int = DEFAULT_SEED, *, quiet: bool = False) -> None:
    """Prepare a notebook: quiet TensorFlow, seed everything, reset names, set plot style.

    Call it in the first code cell. It may be called again (e.g. after
    "Restart kernel"); every call re-seeds and resets Keras' name counters, so
    the cells below it give the same numbers on every run.

    Args:
        seed: the seed for Python, NumPy and TensorFlow.
        quiet: if True, print nothing.

    Returns None on purpose, so the first cell shows the line once (no ``Out[1]``);
    ``status_line()`` gives the same line as a string.

    Example:
        >>> import kitlib; kitlib.setup(quiet=True)
        >>> kitlib.environment.status_line().startswith("kitlib")
        True
    """
    install_warning_policy()
    import_tensorflow_quietly()
    reset_keras(seed)
    set_matplotlib_defaults()
    _state["seed"] = seed
    if not quiet:
        print(status_line())


def status_line() -> str:
    """The one-line summary ``setup()`` prints: versions, seed, data sources."""
    import keras
    import tensorflow as tf

    seed = _state["seed"]
    return (
        f"kitlib {_version()} | TensorFlow {tf.__version__}, Keras {keras.__version__} "
        f"({keras.backend.backend()} backend) | seed {seed} | data: {_data_sources()}"
    )


def _data_sources() -> str:
    try:
        from kitlib.data import describe_data_sources
    except ImportError as error:  # a broken install must not stop the notebook here
        return f"unknown ({error})"
    return describe_data_sources(probe=True)  # say what this session uses, not what it might


def _version() -> str:
    from kitlib.version import __version__

    return __version__
