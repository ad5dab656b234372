"""Interactive views of the kit (ipywidgets 8), each a thin view over a plain, testable class.

- :class:`SequentialDebugger` (``kit-debugger``): transactional ``add()`` / ``pop()``
  with a summary table (shapes, parameter arithmetic, memory, MACs) and explained errors.
- :class:`LayerOutputExplorer` (``kit-explorer``): one layer's outputs for a few
  samples, views chosen by rank, paged channels, statistics, cached per layer.
- :class:`ModelGraph` (``kit-graph``): the layer graph as SVG, with or without graphviz.
- :class:`LiveHistory` (``kit-history``): a Keras callback drawing training curves.
- :func:`show_graph`: a model's picture (``plot_model`` when graphviz is there, else ModelGraph).
- :func:`link`: selecting a layer in one view shows it in the others.

The names in brackets are the CSS classes of each widget's outer box (stable,
for browser tests and styling).  Every widget also has a static HTML/PNG
fallback for exported notebooks.

Example::

    import kitlib; kitlib.setup()
    from kitlib.widgets import ModelGraph, LayerOutputExplorer, link
    graph, explorer = ModelGraph(model), LayerOutputExplorer(model, x_test[:8])
    link(graph, explorer)
"""
from __future__ import annotations

from kitlib.widgets._base import link
from kitlib.widgets.debugger import DebuggerCore, SequentialDebugger
from kitlib.widgets.explorer import ActivationSource, LayerOutputExplorer
from kitlib.widgets.graph import ModelGraph, graph_of
from kitlib.widgets.show import show_graph

__all__ = [
    "SequentialDebugger",
    "LayerOutputExplorer",
    "ModelGraph",
    "LiveHistory",
    "link",
    "DebuggerCore",
    "ActivationSource",
    "graph_of",
    "show_graph",
]


def __getattr__(name):  # LiveHistory subclasses keras' Callback: import Keras only when asked
    if name == "LiveHistory":
        from kitlib.widgets import history

        return history.LiveHistory
    raise AttributeError(f"module 'kitlib.widgets' has no attribute {name!r}")
