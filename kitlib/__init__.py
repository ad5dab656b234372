"""kitlib: the helper library of the Keras teaching kit.

The first code cell of every course notebook is::

    import kitlib; kitlib.setup()

Importing ``kitlib`` is cheap: TensorFlow and Keras are imported only when a
helper needs them (``kitlib.setup()`` does, on purpose, with their start-up
noise silenced).

Public entry points:

- ``kitlib.setup()``: quiet, seeded, reproducible notebook start-up.
- ``kitlib.data``: MNIST / CIFAR-10 loaders with offline substitutes, and
  ``keras.applications`` models with ImageNet weights when available.
- ``kitlib.exercises``: exercises whose checks serve the student's self-check,
  the nbgrader grade cells and the kit's tests.
- ``kitlib.explain(error, model=None)``: a Keras error explained in a
  learner's terms.
- ``kitlib.widgets``: the interactive views (debugger, explorer, graph, live
  training plot).
"""
from __future__ import annotations

import importlib

from kitlib import environment
from kitlib.version import __version__

__all__ = ["setup", "explain", "data", "exercises", "widgets", "__version__"]

_LAZY_SUBMODULES = {"data", "exercises", "widgets", "grading", "diagnose", "modelinfo", "doctor"}


def setup(seed: int = environment.DEFAULT_SEED, *, quiet: bool = False) -> None:
    """Prepare a notebook (:func:`kitlib.environment.setup`: quiet TensorFlow, seeds, plot style) and let
    ``check``/``grade`` recognise an answer left over from a failed answer cell
    (:mod:`kitlib.exercises.session`, in IPython only).

    Example::

        import kitlib; kitlib.setup()      # the first code cell of every notebook
    """
    environment.setup(seed, quiet=True)
    from kitlib.exercises import session

    session.install()
    if not quiet:
        print(environment.status_line())


def explain(error, model=None):
    """Explain a Keras error in plain words; see ``kitlib.diagnose.explain``."""
    from kitlib.diagnose import explain as _explain

    return _explain(error, model=model)


def __getattr__(name):  # PEP 562: import heavy submodules on first use only
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"kitlib.{name}")
    raise AttributeError(f"module 'kitlib' has no attribute {name!r}")
