"""Shared plumbing of the kit's widgets: static fallbacks and linked selection.

Every kitlib widget is a plain Python object holding its logic, plus a
``.widget`` (an ipywidgets container with a stable CSS class).  Displaying the
object shows the live widget in JupyterLab; the same display output also
carries a ``text/html`` fallback, so GitHub, nbviewer, exported HTML and
headless runs (nbval) still show something meaningful.
"""
from __future__ import annotations

import base64
import html


class WidgetView:
    """Base of the kit's views: ``.widget`` + static fallback + selection callbacks.

    Subclasses set ``self.widget`` and implement ``_repr_html_``; views that
    have a notion of a selected layer call ``self._notify(name)`` when the
    user picks one, and implement ``select(name)``.
    """

    css_class = "kit-widget"

    def __init__(self):
        self._select_callbacks = []
        self._selected = None

    # -- display --------------------------------------------------------
    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude, **kwargs) or {})
        try:
            bundle["text/html"] = self._repr_html_()
        except Exception as err:  # noqa: BLE001 - a fallback must never break display
            bundle["text/html"] = f"<pre>{html.escape(type(self).__name__)}: {html.escape(str(err))}</pre>"
        bundle.setdefault("text/plain", repr(self))
        return bundle

    def _repr_html_(self) -> str:  # pragma: no cover - overridden
        return f"<div>{html.escape(type(self).__name__)}</div>"

    # -- linked selection -------------------------------------------------
    @property
    def selected(self):
        """The name of the layer selected in this view (None if none)."""
        return self._selected

    def on_select(self, callback):
        """Call ``callback(layer_name)`` whenever the user selects a layer here."""
        self._select_callbacks.append(callback)
        return callback

    def select(self, name):  # pragma: no cover - overridden
        self._selected = name

    def _notify(self, name):
        for callback in list(self._select_callbacks):
            callback(name)


def link(*views):
    """Link the layer selection of several views (debugger, graph, explorer).

    Choosing a layer in any of them selects it in all the others (names that a
    view does not know are ignored there). They start on the selection of the
    first view that has one.

    Example::

        graph, explorer = ModelGraph(model), LayerOutputExplorer(model, x[:8])
        link(graph, explorer)
    """
    state = {"busy": False}

    def make_handler(source):
        def handler(name):
            if state["busy"]:
                return
            state["busy"] = True
            try:
                for other in views:
                    if other is not source and name in other.selectable_names():
                        other.select(name)
            finally:
                state["busy"] = False

        return handler

    handlers = {id(view): make_handler(view) for view in views}
    for view in views:
        view.on_select(handlers[id(view)])
    start = next((view for view in views if view.selected is not None), None)
    if start is not None:
        handlers[id(start)](start.selected)
    return views


def png_img_tag(png: bytes, alt: str = "", style: str = "") -> str:
    """An ``<img>`` tag with the PNG inlined as base64."""
    data = base64.b64encode(png).decode("ascii")
    return f"<img alt='{html.escape(alt)}' style='{style}' src='data:image/png;base64,{data}'/>"
