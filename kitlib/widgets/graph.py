"""A model graph that always draws: ``ModelGraph(model).svg()``.

``keras.utils.plot_model`` needs pydot and the graphviz program and, inside
IPython, only prints a message and returns None when graphviz is missing.
This module extracts the layer graph itself (:func:`graph_of`), lays it out
in pure Python (layers by depth, ordered to limit crossings) and writes SVG;
when the ``dot`` program is installed it is used for the layout instead.  The
boxes show each layer's name, type and output shape; the selected layer is
highlighted.  ``svg()`` always returns a string: for a model it cannot draw
(unbuilt, empty) the SVG says why.

View: :class:`ModelGraph` (CSS class ``kit-graph``): the SVG plus a layer
menu; selecting a layer (in the menu or by a click on its box) highlights it,
shows its details beside the picture (:func:`layer_details`: shapes, parameter
count and arithmetic, configuration) and notifies linked views.

Example::

    from kitlib.widgets import ModelGraph
    graph = ModelGraph(model)
    svg = graph.svg()            # '<svg ...'
    graph.select("conv2d")       # highlighted in the next svg(), its details in graph.details_pane
    graph.details("conv2d")      # {'output_shape': (None, 26, 26, 32), 'params': 320, 'config': {...}, ...}
    graph                        # in a notebook: the widget
"""
from __future__ import annotations

import html
import shutil
import subprocess
from dataclasses import dataclass, field

from kitlib import keras_compat as kc
from kitlib.widgets._base import WidgetView


@dataclass
class LayerGraph:
    """Nodes (one per layer, in model order) and edges ``(from_name, to_name)``."""

    nodes: list = field(default_factory=list)  # dicts: name, type, shape, params
    edges: list = field(default_factory=list)
    note: str = ""


def graph_of(model) -> LayerGraph:
    """The layer graph of ``model`` (Sequential, Functional, nested, unbuilt)."""
    from kitlib.modelinfo import format_shape, layer_nodes, layer_rows

    rows = layer_rows(model)
    graph = LayerGraph(
        nodes=[
            {"name": r["name"], "type": r["type"], "shape": format_shape(r["output_shape"]), "params": r["params"]}
            for r in rows
        ]
    )
    names = {id(layer): layer.name for layer in model.layers}
    nodes = layer_nodes(model)
    if not nodes:
        graph.edges = [(a["name"], b["name"]) for a, b in zip(graph.nodes, graph.nodes[1:])]
        if not getattr(model, "built", False):
            graph.note = "model not built yet: shapes unknown"
        return graph
    seen = set()
    for layer in model.layers:
        for node in nodes.get(id(layer), []):
            for parent in kc.node_parents(node):
                source = names.get(id(kc.node_layer(parent)))
                if source is None:
                    continue
                edge = (source, layer.name)
                if edge not in seen:
                    seen.add(edge)
                    graph.edges.append(edge)
    if model.__class__.__name__ == "Sequential" and not any(n["type"] == "InputLayer" for n in graph.nodes):
        graph.note = "input: " + format_shape(tuple(model.inputs[0].shape)) if model.inputs else ""
    return graph


# A click on a node picks the layer in the widget's own menu (a real <select>, whose change
# ipywidgets sends to the kernel), so the click works without a JupyterLab extension of our own.
# In a static page (no widget around the picture) it does nothing.
PICK_JS = html.escape(
    "var g=this,w=g.closest('.kit-graph'),s=w&&w.querySelector('select');if(!s)return;"
    "var n=g.getAttribute('data-layer');for(var i=0;i<s.options.length;i++){"
    "if(s.options[i].textContent===n){s.selectedIndex=i;s.dispatchEvent(new Event('change',{bubbles:true}));break;}}",
    quote=True,
)


# ---------------------------------------------------------------------------------- pure-Python layout
BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 210, 46, 24, 30, 12


def layout(graph: LayerGraph):
    """Positions ``{name: (x, y)}`` (top-left of each box) and the SVG size.

    Layers go into rows by their longest distance from an input; an input
    that feeds only a late layer (the ``tags`` of a multi-input model) moves
    down to the row just above it.  Inside a row, layers are ordered by the
    mean x position of their parents, which keeps branches side by side.
    """
    parents = {n["name"]: [] for n in graph.nodes}
    children = {n["name"]: [] for n in graph.nodes}
    for a, b in graph.edges:
        if b in parents and a in parents:
            parents[b].append(a)
            children[a].append(b)
    order = [n["name"] for n in graph.nodes]
    depth = {}
    for name in order:  # model.layers is topologically ordered
        depth[name] = 1 + max((depth.get(p, 0) for p in parents[name]), default=-1)
    for name in order:
        if not parents[name] and children[name]:
            depth[name] = max(0, min(depth[c] for c in children[name]) - 1)
    rows: dict[int, list] = {}
    for name in order:
        rows.setdefault(depth[name], []).append(name)
    widest = max((len(v) for v in rows.values()), default=1)
    width = MARGIN * 2 + widest * BOX_W + (widest - 1) * GAP_X
    positions = {}
    for d in sorted(rows):
        members = rows[d]

        def parent_x(n):
            xs = [positions[p][0] for p in parents[n] if p in positions]
            return sum(xs) / len(xs) if xs else order.index(n) * 0.001

        members.sort(key=parent_x)
        row_width = len(members) * BOX_W + (len(members) - 1) * GAP_X
        x0 = (width - row_width) / 2
        for i, name in enumerate(members):
            positions[name] = (x0 + i * (BOX_W + GAP_X), MARGIN + d * (BOX_H + GAP_Y))
    height = MARGIN * 2 + (max(rows, default=0) + 1) * (BOX_H + GAP_Y) - GAP_Y
    return positions, width, height


def _edge_paths(graph: LayerGraph, positions):
    """SVG path data per edge: short edges as curves, edges skipping rows routed along the right side."""
    step = BOX_H + GAP_Y
    paths, extra = [], 0
    for a, b in graph.edges:
        if a not in positions or b not in positions:
            continue
        (xa, ya), (xb, yb) = positions[a], positions[b]
        if yb - ya <= step + 1:
            x1, y1, x2, y2 = xa + BOX_W / 2, ya + BOX_H, xb + BOX_W / 2, yb
            mid = (y1 + y2) / 2
            paths.append(f"M{x1:.1f},{y1:.1f} C{x1:.1f},{mid:.1f} {x2:.1f},{mid:.1f} {x2:.1f},{y2:.1f}")
            continue
        between = [x for name, (x, y) in positions.items() if ya <= y <= yb]
        lane = max(between) + BOX_W + 10 + 7 * extra
        extra += 1
        y1, y2 = ya + BOX_H / 2, yb + BOX_H / 2
        paths.append(
            f"M{xa + BOX_W:.1f},{y1:.1f} L{lane:.1f},{y1:.1f} L{lane:.1f},{y2:.1f} L{xb + BOX_W:.1f},{y2:.1f}"
        )
    return paths, 10 + 7 * extra if extra else 0


_COLOURS = {
    "InputLayer": "#e7f5ff",
    "Dense": "#fff4e6",
    "Conv": "#ebfbee",
    "Pool": "#f3f0ff",
    "Merge": "#fff0f6",
    "Model": "#f8f9fa",
}


def _fill(kind):
    if kind == "InputLayer":
        return _COLOURS["InputLayer"]
    if kind in ("Functional", "Sequential", "Model"):
        return _COLOURS["Model"]
    if "Conv" in kind:
        return _COLOURS["Conv"]
    if "Pool" in kind:
        return _COLOURS["Pool"]
    if kind in ("Add", "Concatenate", "Average", "Multiply", "Subtract", "Maximum", "Minimum"):
        return _COLOURS["Merge"]
    if kind in ("Dense", "EinsumDense"):
        return _COLOURS["Dense"]
    return "#ffffff"


def _short(text, limit=30):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def svg_python(graph: LayerGraph, selected=None) -> str:
    """SVG text of ``graph`` laid out by :func:`layout` (no external program)."""
    esc = html.escape
    if not graph.nodes:
        return _message_svg("empty model: add layers to see the graph")
    positions, width, height = layout(graph)
    edge_paths, lanes = _edge_paths(graph, positions)
    width += lanes
    extra = 18 if graph.note else 0
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='kit-graph-svg' width='{width:.0f}' "
        f"height='{height + extra:.0f}' viewBox='0 0 {width:.0f} {height + extra:.0f}' "
        "font-family='sans-serif' font-size='11'>",
        "<defs><marker id='kit-arrow' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='7' markerHeight='7' "
        "orient='auto'><path d='M0,0 L10,5 L0,10 z' fill='#555'/></marker></defs>",
    ]
    for path in edge_paths:
        out.append(
            f"<path class='kit-edge' d='{path}' fill='none' stroke='#555' stroke-width='1.2' "
            "marker-end='url(#kit-arrow)'/>"
        )
    for node in graph.nodes:
        x, y = positions[node["name"]]
        is_selected = node["name"] == selected
        stroke, stroke_w = ("#1971c2", 3) if is_selected else ("#868e96", 1)
        css = "kit-node kit-node-selected" if is_selected else "kit-node"
        out.append(
            f"<g class='{css}' data-layer='{esc(node['name'])}' style='cursor:pointer' onclick=\"{PICK_JS}\">"
            f"<title>{esc(node['name'])} ({esc(node['type'])}): output {esc(node['shape'])}, {node['params']:,} params</title>"
            f"<rect x='{x:.1f}' y='{y:.1f}' width='{BOX_W}' height='{BOX_H}' rx='6' fill='{_fill(node['type'])}' "
            f"stroke='{stroke}' stroke-width='{stroke_w}'/>"
            f"<text x='{x + BOX_W / 2:.1f}' y='{y + 17:.1f}' text-anchor='middle' font-weight='bold'>"
            f"{esc(_short(node['name'], 32))}</text>"
            f"<text x='{x + BOX_W / 2:.1f}' y='{y + 34:.1f}' text-anchor='middle' fill='#333'>"
            f"{esc(_short(node['type'], 22))} {esc(_short(node['shape'], 34 - min(len(node['type']), 22)))}</text></g>"
        )
    if graph.note:
        out.append(f"<text x='{MARGIN}' y='{height + 12:.0f}' fill='#666'>{esc(graph.note)}</text>")
    out.append("</svg>")
    return "".join(out)


def _message_svg(message: str) -> str:
    esc = html.escape(message)
    width = 12 + 7 * len(message)
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' class='kit-graph-svg' width='{width}' height='40'>"
        f"<text x='6' y='24' font-family='sans-serif' font-size='13' fill='#c92a2a'>{esc}</text></svg>"
    )


# ---------------------------------------------------------------------------------- graphviz
def dot_source(graph: LayerGraph, selected=None) -> str:
    """The graph in the DOT language (for the ``dot`` program)."""

    def q(text):
        return '"' + str(text).replace("\\", "/").replace('"', "'") + '"'

    lines = [
        "digraph model {",
        '  graph [rankdir=TB, nodesep=0.25, ranksep=0.3, bgcolor="transparent"];',
        '  node [shape=box, style="rounded,filled", fontname="sans-serif", fontsize=10];',
        '  edge [color="#555555", arrowsize=0.6];',
    ]
    for node in graph.nodes:
        selected_attrs = ', color="#1971c2", penwidth=3' if node["name"] == selected else ', color="#868e96"'
        label = q(f"{node['name']} · {node['type']}")[:-1] + "\\n" + q(node["shape"])[1:]
        lines.append(
            f"  {q(node['name'])} [label={label}, "
            f"fillcolor={q(_fill(node['type']))}, id={q('kit-node-' + _dot_id(node['name']))}{selected_attrs}];"
        )
    for a, b in graph.edges:
        lines.append(f"  {q(a)} -> {q(b)};")
    lines.append("}")
    return "\n".join(lines)


def svg_graphviz(graph: LayerGraph, selected=None, timeout=20.0):
    """SVG from the ``dot`` program, or None when it is missing or fails."""
    dot = shutil.which("dot")
    if dot is None or not graph.nodes:
        return None
    try:
        done = subprocess.run(
            [dot, "-Tsvg"], input=dot_source(graph, selected).encode(), capture_output=True, timeout=timeout
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    text = done.stdout.decode("utf-8", "replace")
    start = text.find("<svg")
    return _clickable(text[start:], graph) if start >= 0 else None


def _clickable(svg: str, graph: LayerGraph) -> str:
    """Give graphviz's node groups (``<g id="kit-node-NAME" class="node">``) the layer name and the click."""
    import re

    names = {"kit-node-" + _dot_id(n["name"]): n["name"] for n in graph.nodes}

    def mark(match):
        name = names.get(html.unescape(match.group(1)))  # graphviz writes "-" as &#45;
        if name is None:
            return match.group(0)
        return (f'<g id="{match.group(1)}" class="node kit-node" data-layer="{html.escape(name, quote=True)}" '
                f'style="cursor:pointer" onclick="{PICK_JS}">')

    return re.sub(r'<g id="([^"]*)" class="node">', mark, svg)


def _dot_id(name: str) -> str:
    return str(name).replace("\\", "/").replace('"', "'")


# ---------------------------------------------------------------------------------- a node's details
def _plain_value(value):
    """A config value as a student reads it: a serialised Keras object by its class name
    (``GlorotUniform``, a dtype policy by its dtype), lists and tuples element by element."""
    if isinstance(value, dict):
        if "class_name" in value:
            inner = value.get("config") or {}
            if value["class_name"] in ("DTypePolicy", "FloatDTypePolicy") and isinstance(inner, dict):
                return inner.get("name", value["class_name"])
            return value["class_name"]
        return {k: _plain_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain_value(v) for v in value)
    return value


def plain_config(layer) -> dict:
    """``layer.get_config()`` without its name, with Keras' serialised objects by class name.

    A nested model's configuration lists its layers' names instead (the full one is a whole
    model's description). A layer whose ``get_config`` fails gives ``{}`` and a note under
    ``"(config)"``."""
    if hasattr(layer, "layers") and hasattr(layer, "inputs"):
        return {"layers": [inner.name for inner in layer.layers]}
    try:
        config = dict(layer.get_config())
    except Exception as err:  # noqa: BLE001 - a custom layer without a complete get_config
        return {"(config)": f"get_config() failed: {type(err).__name__}"}
    config.pop("name", None)
    return {key: _plain_value(value) for key, value in config.items()}


def layer_details(model, name: str) -> dict:
    """What the details pane shows for the node ``name`` of ``model``'s graph.

    Keys: ``name, type, input_shape, output_shape, params, trainable_params,
    non_trainable_params, param_formula, config`` (see :func:`plain_config`).
    Raises KeyError for a name that is not a layer of ``model``.

    Example::

        layer_details(model, "dense")["params"]   # 330
    """
    from kitlib.modelinfo import layer_rows

    row = next((r for r in layer_rows(model) if r["name"] == name), None)
    if row is None:
        raise KeyError(f"No layer named {name!r} in this model")
    layer = model.get_layer(name)
    trainable = sum(_size(w.shape) for w in layer.trainable_weights) if getattr(layer, "built", False) else 0
    return {
        "name": row["name"],
        "type": row["type"],
        "input_shape": row["input_shape"],
        "output_shape": row["output_shape"],
        "params": row["params"],
        "trainable_params": trainable,
        "non_trainable_params": max(0, (row["params"] or 0) - trainable),
        "param_formula": row["param_formula"],
        "config": plain_config(layer),
    }


def _size(shape) -> int:
    count = 1
    for dim in shape:
        count *= int(dim)
    return count


def details_html(details: dict | None) -> str:
    """The details pane's HTML (CSS class ``kit-graph-details``) for :func:`layer_details`'s dict."""
    from kitlib.modelinfo import format_shape

    esc = html.escape
    if details is None:
        return "<div class='kit-graph-details'><i>Click a layer in the graph to see its details.</i></div>"

    def shape(value):
        return format_shape(value) if value is not None else "unknown (not built)"

    params = f"{details['params']:,}" if details["params"] is not None else "unknown"
    if details["non_trainable_params"]:
        params += f" ({details['trainable_params']:,} trainable, {details['non_trainable_params']:,} not)"
    rows = [
        ("input shape", shape(details["input_shape"])),
        ("output shape", shape(details["output_shape"])),
        ("parameters", params),
    ]
    if details["param_formula"] and details["param_formula"] not in ("0", str(details["params"])):
        rows.append(("arithmetic", details["param_formula"]))
    cell = "padding:1px 8px 1px 0;vertical-align:top;text-align:left"
    wrap = "white-space:pre-wrap;word-break:normal;overflow-wrap:anywhere"
    head = "".join(f"<tr><th style='{cell}'>{esc(k)}</th><td style='{cell};{wrap}'>{esc(str(v))}</td></tr>"
                   for k, v in rows)
    config = "".join(
        f"<tr><td style='{cell};color:#555'>{esc(str(k))}</td><td style='{cell};{wrap}'><code>{esc(repr(v))}</code></td></tr>"
        for k, v in details["config"].items()
    )
    return (
        # line-height: ipywidgets' HTML widget gives each line a control's height (28 px) otherwise
        "<div class='kit-graph-details' style='border-left:3px solid #1971c2;padding:4px 10px;font-size:12px;"
        "line-height:1.4;max-width:100%;box-sizing:border-box'>"
        f"<b>{esc(details['name'])}</b> ({esc(details['type'])})"
        f"<table style='border-collapse:collapse;margin:4px 0'>{head}</table>"
        f"<details open><summary>config</summary><table class='kit-graph-config' "
        f"style='border-collapse:collapse'>{config}</table></details></div>"
    )


# ---------------------------------------------------------------------------------- widget
def _first_layer(graph: LayerGraph):
    """The layer a graph starts on: the first that is not an input (None for an empty graph)."""
    names = [n["name"] for n in graph.nodes if n["type"] != "InputLayer"] or [n["name"] for n in graph.nodes]
    return names[0] if names else None


class ModelGraph(WidgetView):
    """The model's layer graph with shapes; the selected layer is highlighted (CSS class ``kit-graph``).

    Args:
        model: any Keras model (an unbuilt one is drawn as a chain without shapes).
        engine: "auto" (graphviz when the ``dot`` program exists, else pure Python),
            "python" or "graphviz" (falls back to Python when dot fails).

    Public API: ``svg() -> str`` (never None), ``engine_used``, ``select(name)``,
    ``selected``, ``details(name=None) -> dict`` (:func:`layer_details`),
    ``on_select(callback)``.  Child widgets: ``layer_menu`` (Dropdown),
    ``picture`` (HTML holding the SVG), ``details_pane`` (HTML, the selected
    layer's details, beside the picture).
    """

    css_class = "kit-graph"

    def __init__(self, model, engine="auto", selected=None):
        super().__init__()
        import ipywidgets as w

        if engine not in ("auto", "python", "graphviz"):
            raise ValueError(f"engine must be 'auto', 'python' or 'graphviz', got {engine!r}")
        self.model = model
        self.engine = engine
        self.engine_used = None
        self.graph = graph_of(model)
        names = [n["name"] for n in self.graph.nodes]
        self._selected = selected if selected in names else _first_layer(self.graph)
        self.layer_menu = w.Dropdown(options=names, value=self._selected, description="layer")
        self.picture = w.HTML(layout=w.Layout(flex="0 1 auto", min_width="0"))
        self.details_pane = w.HTML(layout=w.Layout(flex="1 1 280px", min_width="240px", max_width="460px"))
        self.layer_menu.observe(self._on_layer, names="value")
        # picture and details side by side; the details go under the picture in a narrow cell
        body = w.HBox([self.picture, self.details_pane],
                      layout=w.Layout(flex_flow="row wrap", align_items="flex-start", width="100%"))
        self.widget = w.VBox([self.layer_menu, body])
        self.widget.add_class(self.css_class)
        self.redraw()

    def svg(self) -> str:
        """SVG text of the graph (graphviz if available and wanted, else pure Python)."""
        text = None
        if self.engine in ("auto", "graphviz"):
            text = svg_graphviz(self.graph, self._selected)
        if text is None:
            text = svg_python(self.graph, self._selected)
            self.engine_used = "python"
        else:
            self.engine_used = "graphviz"
        return text

    def details(self, name=None) -> dict:
        """The details of layer ``name`` (default: the selected one); see :func:`layer_details`."""
        name = self._selected if name is None else name
        if name is None:
            raise KeyError("No layer selected (the model has no layers)")
        return layer_details(self.model, name)

    def selectable_names(self):
        return [n["name"] for n in self.graph.nodes]

    def select(self, name):
        if name not in self.selectable_names():
            raise KeyError(f"No layer named {name!r} in this graph")
        self.layer_menu.value = name

    def refresh(self):
        """Re-read the model (after layers were added) and redraw."""
        self.graph = graph_of(self.model)
        names = self.selectable_names()
        if self._selected not in names:
            self._selected = _first_layer(self.graph)
        self._updating_menu = True
        try:
            self.layer_menu.options = names
            self.layer_menu.value = self._selected
        finally:
            self._updating_menu = False
        self.redraw()

    def _on_layer(self, change):
        if getattr(self, "_updating_menu", False) or change["new"] == self._selected:
            return
        self._selected = change["new"]
        self.redraw()
        if self._selected is not None:
            self._notify(self._selected)

    def redraw(self):
        self.picture.value = f"<div style='overflow:auto;max-height:640px;max-width:100%'>{self.svg()}</div>"
        self.details_pane.value = details_html(self.details() if self._selected is not None else None)

    def _repr_html_(self):
        details = details_html(self.details()) if self._selected is not None else ""
        return (f"<div class='{self.css_class}-static' style='display:flex;flex-wrap:wrap;gap:12px;"
                f"align-items:flex-start'><div>{self.svg()}</div>{details}</div>")

    def __repr__(self):
        return f"ModelGraph({len(self.graph.nodes)} layers, selected={self._selected!r})"
