"""Per-layer facts about any Keras 3 model: shapes, parameters with their arithmetic, memory, MACs.

``model.summary()`` in Keras 3 shows output shapes and parameter counts, but no
input shapes, no arithmetic behind the counts, no activation memory and no
compute cost, and it cannot be turned into data.  This module gives one plain
dict per layer, usable by the widgets, by exercise checks and by tests:

    name, type, input_shape, output_shape, params, param_formula,
    activation_bytes, macs

- ``input_shape`` / ``output_shape``: a tuple such as ``(None, 40, 40, 32)``
  (``None`` is the batch axis), a list of tuples for layers with several
  inputs or outputs, or ``None`` when the model is not built yet.
- ``param_formula``: the weights' shapes multiplied out, e.g.
  ``"3*3*1*8 + 8 = 80"`` for a Conv2D(8, 3) on one channel (kernel + bias).
- ``activation_bytes``: bytes of the layer's output for ONE sample
  (``None`` when a dimension is unknown, e.g. a sequence of any length).
- ``macs``: multiply-accumulate operations for one sample (0 for layers that
  only move, pool or activate values; ``None`` when unknown).

Example::

    import keras
    from kitlib.modelinfo import layer_rows
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3)])
    layer_rows(model)[0]["param_formula"]   # '3*3*1*8 + 8 = 80'
    layer_rows(model)[0]["output_shape"]    # (None, 26, 26, 8)
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

from kitlib import keras_compat as kc

ROW_KEYS = (
    "name",
    "type",
    "input_shape",
    "output_shape",
    "params",
    "param_formula",
    "activation_bytes",
    "macs",
)

__all__ = [
    "ROW_KEYS",
    "ModelInfo",
    "layer_rows",
    "layer_nodes",
    "format_shape",
    "format_bytes",
    "param_formula",
    "layer_macs",
]


# --------------------------------------------------------------------------- graph access
def layer_nodes(model) -> dict:
    """Map ``id(layer)`` -> list of the layer's call nodes that belong to ``model``'s graph.

    A layer that was called in several models (or rebuilt several times, as a
    Sequential does on every ``add()``) has nodes from all of them; only the
    nodes of this model's graph describe what the layer does *here*.
    Returns an empty dict for models without a graph (unbuilt Sequential,
    subclassed models). Nodes are read through :mod:`kitlib.keras_compat`.
    """
    found: dict[int, list] = {}
    for node in kc.graph_nodes(model):  # inputs first
        found.setdefault(id(kc.node_layer(node)), []).append(node)
    for nodes in found.values():  # a shared layer: its calls in the order they were made
        calls = kc.layer_call_nodes(kc.node_layer(nodes[0]))
        nodes.sort(key=lambda n: next((i for i, m in enumerate(calls) if m is n), len(calls)))
    return found


def _shape_of(tensors) -> Any:
    shapes = [tuple(t.shape) for t in tensors]
    if not shapes:
        return None
    return shapes[0] if len(shapes) == 1 else shapes


def _merge_node_shapes(values):
    """One shape if all calls agree, else a list of the distinct ones (shared layers)."""
    distinct = []
    for value in values:
        if value not in distinct:
            distinct.append(value)
    if not distinct:
        return None
    return distinct[0] if len(distinct) == 1 else distinct


def format_shape(shape) -> str:
    """``(None, 28, 28, 1)`` -> ``'(None, 28, 28, 1)'``; lists joined with ``', '``; None -> ``'?'``."""
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return ", ".join(format_shape(s) for s in shape)
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def format_bytes(n) -> str:
    """Human-readable bytes: ``format_bytes(5408*4) == '21.1 KiB'``; None -> ``'?'``."""
    if n is None:
        return "?"
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"  # pragma: no cover


# --------------------------------------------------------------------------- parameters
def _count(shape) -> int:
    return int(math.prod(int(d) for d in shape)) if len(shape) else 1


def param_formula(layer) -> str:
    """The parameter count of ``layer`` written as arithmetic over its weight shapes.

    Dense(64) on 784 features: ``'784*64 + 64 = 50240'``; Conv2D(8, 3) on one
    channel: ``'3*3*1*8 + 8 = 80'``; LSTM(32) on 64 features:
    ``'4*(64*32 + 32*32 + 32) = 12416'``.  A layer without weights gives
    ``'0'``; an unbuilt layer gives ``'? (not built)'``.  Layers with many
    weights (nested models) are summarised as ``'sum of 12 weights = 18672'``.
    """
    if not getattr(layer, "built", False) and not layer.weights:
        return "0" if _has_no_weights_by_design(layer) else "? (not built)"
    weights = layer.weights
    if not weights:
        return "0"
    total = sum(_count(w.shape) for w in weights)
    kind = type(layer).__name__
    gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}.get(kind)
    if gates and len(weights) in (2, 3):
        shapes = [tuple(w.shape) for w in weights]
        units = shapes[0][1] // gates
        parts = [f"{shapes[0][0]}*{units}", f"{shapes[1][0]}*{units}"]
        if len(shapes) == 3:
            parts.append(str(_count(shapes[2]) // gates))  # GRU's reset_after bias is 2*units
        return f"{gates}*({' + '.join(parts)}) = {total}" if gates > 1 else f"{' + '.join(parts)} = {total}"
    if len(weights) > 6:
        return f"sum of {len(weights)} weights = {total}"
    terms = ["*".join(str(int(d)) for d in w.shape) if len(w.shape) else "1" for w in weights]
    if len(terms) == 1 and "*" not in terms[0]:
        return terms[0]
    return f"{' + '.join(terms)} = {total}"


def _has_no_weights_by_design(layer) -> bool:
    name = type(layer).__name__
    weightless = (
        "InputLayer", "Flatten", "Reshape", "Dropout", "Activation", "ReLU", "Softmax",
        "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
        "AveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
        "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
        "UpSampling1D", "UpSampling2D", "UpSampling3D", "Concatenate", "Add", "Average",
        "Multiply", "Subtract", "Maximum", "Minimum", "ZeroPadding2D", "Cropping2D", "Permute",
        "RepeatVector", "Rescaling", "SpatialDropout2D", "GaussianNoise",
    )
    return name in weightless


def _layer_params(layer) -> int:
    try:
        return int(layer.count_params()) if layer.weights else 0
    except ValueError:  # unbuilt
        return 0


# --------------------------------------------------------------------------- MACs
def _known(shape) -> bool:
    return shape is not None and not isinstance(shape, list) and all(d is not None for d in shape[1:])


def layer_macs(layer, input_shape, output_shape):
    """Multiply-accumulates for one sample, from the layer's config and its shapes.

    Dense: positions x inputs x units.  ConvND: output positions x kernel size x
    input channels / groups x filters.  Transposed conv: input positions x kernel
    x in x out.  Depthwise / separable convolutions, LSTM / GRU / SimpleRNN
    (timesteps x gates x (inputs + units) x units), nested models (sum of their
    layers).  Layers that only pool, reshape or activate: 0.  Unknown sizes: None.
    """
    kind = type(layer).__name__
    if hasattr(layer, "layers") and hasattr(layer, "inputs"):
        try:
            inner = layer_rows(layer)
        except Exception:  # pragma: no cover - defensive for exotic models
            return None
        values = [r["macs"] for r in inner]
        return None if any(v is None for v in values) else int(sum(values))
    if kind == "Embedding" or _has_no_weights_by_design(layer):
        return 0
    if not layer.weights:
        return 0 if getattr(layer, "built", False) else None
    if not (_known(input_shape) and _known(output_shape)):
        return None
    ins, outs = input_shape[1:], output_shape[1:]
    if kind == "Dense":
        return int(math.prod(ins[:-1]) * ins[-1] * outs[-1])
    if kind in ("Conv1D", "Conv2D", "Conv3D"):
        kernel = math.prod(layer.kernel_size)
        groups = getattr(layer, "groups", 1) or 1
        return int(math.prod(outs[:-1]) * kernel * (ins[-1] // groups) * outs[-1])
    if kind in ("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"):
        return int(math.prod(ins[:-1]) * math.prod(layer.kernel_size) * ins[-1] * outs[-1])
    if kind in ("DepthwiseConv1D", "DepthwiseConv2D"):
        return int(math.prod(outs[:-1]) * math.prod(layer.kernel_size) * outs[-1])
    if kind in ("SeparableConv1D", "SeparableConv2D"):
        depth = ins[-1] * layer.depth_multiplier
        return int(math.prod(outs[:-1]) * (math.prod(layer.kernel_size) * depth + depth * outs[-1]))
    gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}.get(kind)
    if gates:
        steps, features, units = ins[0], ins[-1], layer.units
        return int(steps * gates * (features + units) * units)
    if kind == "BatchNormalization" or kind == "LayerNormalization":
        return int(math.prod(ins))
    # A custom layer with weights: assume each weight is used once per output position.
    return None


# --------------------------------------------------------------------------- rows
def _activation_bytes(layer, shape):
    if shape is None:
        return None
    shapes = shape if isinstance(shape, list) else [shape]
    try:
        import numpy as np

        itemsize = np.dtype(getattr(layer, "compute_dtype", None) or "float32").itemsize
    except TypeError:  # pragma: no cover - exotic dtype policy
        itemsize = 4
    total = 0
    for s in shapes:
        if any(d is None for d in s[1:]):
            return None
        total += math.prod(s[1:]) * itemsize
    return int(total)


def layer_rows(model, expand_nested: bool = False) -> list[dict]:
    """One dict per layer of ``model`` with the keys of :data:`ROW_KEYS`.

    Works for Sequential (built or not), Functional, nested, multi-input and
    multi-output models, shared layers (one row; several shapes as a list when
    the calls differ) and custom layers.  A Functional model lists its
    InputLayer rows like Keras' summary; a Sequential does not.

    With ``expand_nested=True`` the rows of a nested model follow its own
    row, named ``"outer/inner"`` (their params are part of the outer row's, so
    do not add them up twice).

    Example::

        rows = layer_rows(model)
        [(r["name"], r["output_shape"], r["params"]) for r in rows]
    """
    nodes = layer_nodes(model)
    rows = []
    for layer in model.layers:
        layer_node_list = nodes.get(id(layer), [])
        if layer_node_list:
            input_shape = _merge_node_shapes([_shape_of(kc.node_inputs(n)) for n in layer_node_list])
            output_shape = _merge_node_shapes([_shape_of(kc.node_outputs(n)) for n in layer_node_list])
        else:
            input_shape = output_shape = None
        if type(layer).__name__ == "InputLayer":
            input_shape = tuple(layer.batch_shape) if getattr(layer, "batch_shape", None) else input_shape
            output_shape = input_shape if output_shape is None else output_shape
        rows.append(
            {
                "name": layer.name,
                "type": type(layer).__name__,
                "input_shape": input_shape,
                "output_shape": output_shape,
                "params": _layer_params(layer),
                "param_formula": param_formula(layer),
                "activation_bytes": _activation_bytes(layer, output_shape),
                "macs": _macs_of_calls(layer, layer_node_list, input_shape, output_shape),
            }
        )
        if expand_nested and hasattr(layer, "layers") and hasattr(layer, "inputs"):
            for inner in layer_rows(layer, expand_nested=True):
                rows.append({**inner, "name": f"{layer.name}/{inner['name']}"})
    return rows


def _macs_of_calls(layer, node_list, input_shape, output_shape):
    """MACs for one sample through one call of the layer (a shared layer: its first call)."""
    if hasattr(layer, "layers") and hasattr(layer, "inputs"):
        return layer_macs(layer, None, None)  # nested model: sum over its own layers
    if node_list:
        input_shape = _shape_of(kc.node_inputs(node_list[0]))
        output_shape = _shape_of(kc.node_outputs(node_list[0]))
    if isinstance(output_shape, list) or isinstance(input_shape, list):
        return 0 if not layer.weights else None
    return layer_macs(layer, input_shape, output_shape)


@dataclass
class ModelInfo:
    """A model's rows plus totals, with text and HTML views.

    Example::

        info = ModelInfo(model)
        info.total_params, info.trainable_params
        print(info.to_text())
        info            # in a notebook: an HTML table
    """

    model: Any
    expand_nested: bool = False
    rows: list = field(init=False)

    def __post_init__(self):
        self.rows = layer_rows(self.model, expand_nested=self.expand_nested)

    @property
    def built(self) -> bool:
        return bool(getattr(self.model, "built", False)) and all(r["output_shape"] is not None for r in self.rows)

    @property
    def total_params(self) -> int:
        return int(sum(_count(w.shape) for w in self.model.weights))

    @property
    def trainable_params(self) -> int:
        return int(sum(_count(w.shape) for w in self.model.trainable_weights))

    def to_text(self) -> str:
        header = ("layer", "type", "input", "output", "params", "formula", "act./sample", "MACs")
        table = [header] + [
            (
                r["name"],
                r["type"],
                format_shape(r["input_shape"]),
                format_shape(r["output_shape"]),
                f"{r['params']:,}",
                r["param_formula"],
                format_bytes(r["activation_bytes"]),
                "?" if r["macs"] is None else f"{r['macs']:,}",
            )
            for r in self.rows
        ]
        widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
        lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in table]
        lines.insert(1, "-" * len(lines[0]))
        lines.append(f"Total params: {self.total_params:,} (trainable {self.trainable_params:,})")
        return "\n".join(lines)

    def to_html(self, highlight=(), selected=None, changed=(), input_column=True, model_input=None) -> str:
        """An HTML table; ``highlight``/``changed``: row names to mark; ``selected``: one name.

        Every cell is padded and kept on one line (numbers right-aligned, the formula in its own
        monospace column), so neighbouring columns never run together, in a widget as in a page.
        Only a long formula may take two lines, broken before its ``= total`` (a narrow cell: the
        file browser open beside the notebook), never inside a term.

        ``input_column=False`` leaves out the input shapes, like Keras' own summary (in a Sequential
        model each layer's input is the output of the row above); ``model_input``, a shape, then
        heads the table as an ``input`` row, so the shapes read from the input down.
        """
        esc = html.escape
        cell = "padding:3px 6px;border-bottom:1px solid #e9ecef;white-space:nowrap;vertical-align:top"
        number = cell + ";text-align:right;font-variant-numeric:tabular-nums"
        columns = [("layer", "left"), ("type", "left"), ("input", "left"), ("output", "left"),
                   ("params", "right"), ("formula", "left"), ("act./sample", "right"), ("MACs", "right")]
        if not input_column:
            columns = [c for c in columns if c[0] != "input"]
        head = "".join(
            f"<th style='{cell};text-align:{align};border-bottom:2px solid #adb5bd'>{h}</th>" for h, align in columns
        )
        body = []
        if model_input is not None:
            blanks = "".join(f"<td style='{cell}'></td>" for _ in range(len(columns) - 3))
            body.append(
                f"<tr class='kit-input-row'><td style='{cell}'><i>input</i></td><td style='{cell}'>Input</td>"
                f"<td style='{cell}'><b>{esc(format_shape(tuple(model_input)))}</b></td>{blanks}</tr>"
            )
        for r in self.rows:
            classes = []
            if r["name"] in highlight or r["name"] in changed:
                classes.append("kit-changed")
            if r["name"] == selected:
                classes.append("kit-selected")
            style = ""
            if "kit-changed" in classes:
                style = ' style="background:#fff3bf"'
            if "kit-selected" in classes:
                style = ' style="background:#d0ebff"'
            source = f"<td style='{cell}'>{esc(format_shape(r['input_shape']))}</td>" if input_column else ""
            body.append(
                f'<tr class="{" ".join(classes)}"{style}>'
                f"<td style='{cell}'><code>{esc(r['name'])}</code></td><td style='{cell}'>{esc(r['type'])}</td>"
                f"{source}"
                f"<td style='{cell}'><b>{esc(format_shape(r['output_shape']))}</b></td>"
                f"<td style='{number}'>{r['params']:,}</td>"
                f"<td style='{cell};white-space:normal;color:#495057'><code>{_formula_html(r['param_formula'])}</code></td>"
                f"<td style='{number}'>{esc(format_bytes(r['activation_bytes']))}</td>"
                f"<td style='{number}'>{'?' if r['macs'] is None else format(r['macs'], ',')}</td></tr>"
            )
        foot = (
            f"<tr><td colspan='{len(columns)}' style='{cell}'>Total params: <b>{self.total_params:,}</b> "
            f"(trainable {self.trainable_params:,})"
            + ("" if self.built or (model_input is not None and not self.rows)  # only the input: nothing unknown
               else " &mdash; <i>model not built yet: shapes unknown</i>")
            + "</td></tr>"
        )
        return (
            "<div style='overflow-x:auto;max-width:100%;line-height:1.4'>"
            "<table class='kit-summary' style='border-collapse:collapse;font-size:12px'>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}{foot}</tbody></table></div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


def _formula_html(formula: str) -> str:
    """A parameter formula as HTML that may break only before its last ``= total``.

    Example:
        >>> _formula_html("3*3*1*8 + 8 = 80")
        "<span style='white-space:nowrap'>3*3*1*8 + 8</span> <span style='white-space:nowrap'>= 80</span>"
    """
    terms, sep, total = str(formula).rpartition(" = ")
    if not sep:
        return f"<span style='white-space:nowrap'>{html.escape(str(formula))}</span>"
    return (f"<span style='white-space:nowrap'>{html.escape(terms)}</span> "
            f"<span style='white-space:nowrap'>= {html.escape(total)}</span>")
