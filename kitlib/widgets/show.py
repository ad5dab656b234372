"""``show_graph(model)``: a model's picture in a notebook, with or without graphviz.

``keras.utils.plot_model`` draws at 200 dpi, which makes a 4-layer model about two screens tall, and
without pydot and the graphviz program it only prints a message and returns None. ``show_graph`` draws
with ``plot_model`` at 144 dpi when it can and shows the picture at half its pixels (sharp on any
screen), shrunk further to at most ``max_height`` pixels tall but never below a third of its pixels
(the text stays readable); without graphviz it returns the kit's :class:`~kitlib.widgets.ModelGraph`.

Example::

    from kitlib.widgets import show_graph
    show_graph(model, show_shapes=True)     # keyword arguments go to keras.utils.plot_model
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile

PLOT_DPI = 144


def display_width(width: int, height: int, max_height: int = 800) -> int:
    """The width (pixels) to show a ``width`` x ``height`` picture at: half its pixels, at most
    ``max_height`` tall, never below a third of its pixels.

    Example:
        >>> display_width(400, 1000)
        200
        >>> display_width(400, 4000)
        133
    """
    scale = max(min(0.5, max_height / max(1, height)), 1 / 3)
    return max(1, round(width * scale))


def graphviz_available() -> bool:
    """Whether ``keras.utils.plot_model`` can draw here (the pydot package and the ``dot`` program)."""
    return importlib.util.find_spec("pydot") is not None and shutil.which("dot") is not None


def show_graph(model, max_height: int = 800, **options):
    """The picture of ``model``: an IPython ``Image`` from ``keras.utils.plot_model`` (``options`` are
    its keyword arguments, e.g. ``show_shapes=True``) when graphviz is installed, else a
    :class:`~kitlib.widgets.ModelGraph` (which always shows the shapes).

    Example::

        show_graph(mnist_model, show_shapes=True)
    """
    if graphviz_available():
        import keras
        from IPython.display import Image
        from PIL import Image as Picture

        path = os.path.join(tempfile.mkdtemp(prefix="kit-graph-"), "model.png")
        keras.utils.plot_model(model, to_file=path, **{"dpi": PLOT_DPI, **options})
        with Picture.open(path) as picture:
            width, height = picture.size
        return Image(filename=path, width=display_width(width, height, max_height))
    print("graphviz is not installed here: drawing with kitlib.widgets.ModelGraph instead")
    from kitlib.widgets.graph import ModelGraph

    return ModelGraph(model)
