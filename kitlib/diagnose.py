"""Keras errors explained in a learner's terms: ``kitlib.explain(error, model=None)``.

Keras 3 error messages are written for library developers ("Computed output
size would be zero or negative", "expected min_ndim=4, found ndim=2").  This
module recognises the errors a student meets while building Sequential and
Functional models, redoes the shape arithmetic, names the offending layer and
proposes a concrete fix.  It also flags mistakes Keras does not raise for (a
Dense applied to a 4-D feature map) and legacy Keras 2 habits.

Covered (``Explanation.kind``):

- ``output_size``: a convolution or pooling window larger than its input.
- ``ndim``: wrong input rank (e.g. an LSTM after a Conv2D, a Conv2D on flat vectors).
- ``features``: data with another number of features than the model was built for.
- ``merge``: Concatenate / Add / ... on incompatible shapes.
- ``int_shape``: ``keras.Input(shape=784)`` instead of ``shape=(784,)``.
- ``no_output``: ``layer.output`` / ``model.input`` of something never called.
- ``not_built``: weights or parameter counts of a model without a known input shape.
- ``reshape``: a Reshape whose target does not hold the same number of values.
- ``duplicate_name``: two layers with the same name in one model.
- ``unknown_argument``: a keyword the layer does not take (``kernel=`` for ``kernel_size=``),
  with the likely intended one from the layer's own signature (also for ``keras.Input``, ``keras.Model``,
  ``fit``/``compile`` and a layer call, and for Python's "missing ... argument" when the student's own line
  shows the misspelt keyword).
- ``missing_argument``: a class called without an argument it needs.
- ``dense_nd`` (warning): a Dense layer on a 4-D tensor (forgotten Flatten).
- ``legacy_input_shape`` / ``legacy_output_shape``: Keras 2 habits.
- ``unknown``: anything else (the cleaned original message, with general advice).

Example::

    import keras, kitlib
    model = keras.Sequential([keras.Input((3, 3, 1))])
    try:
        model.add(keras.layers.Conv2D(8, 5))
    except ValueError as err:
        why = kitlib.explain(err, model)
    why.layer     # 'conv2d'
    why.message   # 'The feature map entering conv2d is 3x3 but the kernel is 5x5 ...'
    why.fix       # 'Use padding="same" in conv2d ...'
    why           # in a notebook: a coloured HTML box
"""
from __future__ import annotations

import ast
import contextlib
import difflib
import functools
import html
import inspect
import math
import re
import warnings
from dataclasses import dataclass, field

__all__ = ["Explanation", "explain", "lint", "explaining"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Explanation:
    """What went wrong, where, and what to do.

    Attributes:
        kind: a short identifier of the recognised problem (see the module docstring).
        layer: the offending layer's name, or None when it cannot be known.
        message: what went wrong, in plain words, with the shape arithmetic.
        fix: a concrete suggestion.
        severity: "error" or "warning" ("ok" when a lint found nothing).
        original: the original Keras message, cleaned of terminal colour codes.
    """

    kind: str
    layer: str | None
    message: str
    fix: str
    severity: str = "error"
    original: str = ""
    details: dict = field(default_factory=dict)

    def __str__(self) -> str:
        where = f" in layer '{self.layer}'" if self.layer else ""
        return f"{self.severity.upper()}{where}: {self.message}\nFix: {self.fix}"

    def to_html(self) -> str:
        colour = {"error": "#e03131", "warning": "#f08c00"}.get(self.severity, "#2f9e44")
        title = {"error": "What went wrong", "warning": "Watch out", "ok": "All good"}.get(self.severity, "Note")
        where = f" in layer <code>{html.escape(self.layer)}</code>" if self.layer else ""
        original = (
            f"<details><summary>Original Keras message</summary><pre style='white-space:pre-wrap'>"
            f"{html.escape(self.original)}</pre></details>"
            if self.original
            else ""
        )
        return (
            f"<div class='kit-explain kit-explain-{self.severity}' style='border-left:4px solid {colour};"
            f"padding:6px 10px;margin:4px 0;background:#fafafa;line-height:1.45'>"
            f"<b style='color:{colour}'>{title}</b>{where}<br>{html.escape(self.message)}"
            f"<br><b>Try:</b> {html.escape(self.fix)}{original}</div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


# --------------------------------------------------------------------------- helpers
def _clean(text: str) -> str:
    """Strip colour codes and Keras' 'Exception encountered when calling' frame."""
    text = _ANSI.sub("", str(text))
    inner = re.search(r"Exception encountered when calling [\w.]+\(\)\.\s*\n\s*\n(.*?)(\n\s*\nArguments received|$)", text, re.S)
    if inner:
        return inner.group(1).strip()
    return text.strip()


def _calling_type(text: str):
    match = re.search(r"Exception encountered when calling (\w+)\.call\(\)", _ANSI.sub("", text))
    return match.group(1) if match else None


def unwrap_call_error(error) -> tuple[str | None, str]:
    """``(class called, message)`` of an error Keras re-raised as "Exception encountered when calling
    X.call()" (the student's own layer or model raised inside it); ``(None, message)`` otherwise.

    Keras 3 re-raises the same exception type with the original message wrapped between that line
    and an "Arguments received by ..." listing (no ``__cause__``): this takes the original back out.

    Example:
        >>> unwrap_call_error(TypeError("Exception encountered when calling Scale.call().\\n\\nbad operand\\n\\n"
        ...                             "Arguments received by Scale.call():\\n  • x=1"))
        ('Scale', 'bad operand')
    """
    text = _ANSI.sub("", str(error))
    called = _calling_type(text)
    if not called:
        return None, text.strip()
    inner = _clean(text)
    # A layer called on symbolic inputs: "Could not automatically infer the output shape / dtype of
    # 'scale' (of type Scale). ... Error encountered:\n\n<the error of its call()>".
    found = re.search(r"Could not automatically infer the output shape.*?Error encountered:\s*(.+)", inner, re.S)
    return called, (found.group(1).strip() if found else inner)


_AUTO_NAME = re.compile(r"""(?i)\b(layer|model|operation|functional|sequential)\s*[:=]?\s*["'`]([a-z][a-z0-9]*(?:_[a-z0-9]+)*?)(_\d+)?["'`]""")


def plain_layer_names(text: str) -> str:
    """Keras' generated names ("layer 'dense_7'") replaced by the layer's kind ("a Dense layer"), so that
    a message never quotes a name the student did not write.

    Example:
        >>> plain_layer_names("Input 0 of layer 'dense_7' is incompatible")
        'Input 0 of a Dense layer is incompatible'
        >>> plain_layer_names("layer 'encoder' of model 'functional_4'")
        "layer 'encoder' of a Functional model"
    """
    def kind(match):
        noun, base, suffix = match.group(1), match.group(2), match.group(3)
        guess = _type_from_name(base)
        if not suffix and guess == base and base not in ("functional", "sequential"):
            return match.group(0)  # a name the student gave: keep it
        if base in ("functional", "sequential") or noun.lower() in ("functional", "sequential"):
            phrase = f"a {(base if base in ('functional', 'sequential') else noun.lower()).title()} model"
        else:
            if guess == base:  # 'my_block_2' -> 'MyBlock'
                guess = "".join(part[:1].upper() + part[1:] for part in base.split("_"))
            article = "an" if guess[:1].lower() in "aeiou" else "a"
            phrase = f"{article} {guess} {noun.lower()}"
        return phrase[:1].upper() + phrase[1:] if noun[:1].isupper() else phrase
    return _AUTO_NAME.sub(kind, text)


def _parse_tuple(text: str):
    """'(None, 3, 3, 1)', '[None 4 4 1]' or '[1 1]' -> tuple (None kept)."""
    text = text.strip()
    if text.startswith("[") and "," not in text:
        text = "(" + ",".join(text[1:-1].split()) + ",)"
    text = text.replace("[", "(").replace("]", ")")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    if isinstance(value, int):
        return (value,)
    return tuple(value)


def _field(text: str, name: str):
    """Value of ``name=...`` in Keras' "Received: `a=(..)`, `b=...`" lists."""
    match = re.search(rf"{re.escape(name)}=(\([^)]*\)|\[[^\]]*\]|[\w.]+)", text)
    return match.group(1) if match else None


def _x(dims) -> str:
    return "x".join("?" if d is None else str(d) for d in dims)


def _all_layers(model):
    """Layers of ``model`` and of the models nested inside it, outermost first."""
    if model is None:
        return []
    found = []
    stack = list(getattr(model, "layers", []) or [])
    while stack:
        layer = stack.pop(0)
        found.append(layer)
        stack.extend(getattr(layer, "layers", []) or [])
    return found


def _find_layer(model, name=None, kind=None, predicate=None):
    """The last layer of ``model`` matching name / class name / predicate (None if none)."""
    candidates = _all_layers(model)
    for layer in reversed(candidates):
        if name is not None and layer.name != name:
            continue
        if kind is not None and type(layer).__name__ != kind:
            continue
        if predicate is not None and not predicate(layer):
            continue
        return layer
    return None


def _type_from_name(name: str) -> str:
    """'conv2d_3' -> 'Conv2D'-ish guess for messages when no model is at hand."""
    base = re.sub(r"_\d+$", "", name)
    known = {
        "conv1d": "Conv1D", "conv2d": "Conv2D", "conv3d": "Conv3D", "lstm": "LSTM", "gru": "GRU",
        "simple_rnn": "SimpleRNN", "dense": "Dense", "max_pooling2d": "MaxPooling2D",
        "max_pooling1d": "MaxPooling1D", "average_pooling2d": "AveragePooling2D",
        "global_average_pooling2d": "GlobalAveragePooling2D", "global_max_pooling2d": "GlobalMaxPooling2D",
        "conv2d_transpose": "Conv2DTranspose", "embedding": "Embedding", "flatten": "Flatten",
    }
    return known.get(base, base)


_EXPECTED_LAYOUT = {
    3: "(batch, time steps, features)",
    4: "(batch, height, width, channels)",
    5: "(batch, depth, height, width, channels)",
    2: "(batch, features)",
}


# --------------------------------------------------------------------------- recognisers
def _output_size(text, model, layer_obj):
    if "output size would be zero or negative" not in text:
        return None
    shape = _parse_tuple(_field(text, "inputs shape") or _field(text, "inputs.shape") or "()") or ()
    kernel = _field(text, "kernel shape")
    pool = _field(text, "pool_size")
    strides = _parse_tuple(_field(text, "strides") or "(1,)") or (1,)
    dilation = _parse_tuple(_field(text, "dilation_rate") or "(1,)") or (1,)
    padding = (_field(text, "padding") or "valid").strip("`'\"")
    spatial = list(shape[1:-1])
    if kernel:
        kernel_shape = _parse_tuple(kernel) or ()
        window = list(kernel_shape[: len(spatial)])
        what, kind = "kernel", None
        filters = kernel_shape[-1] if kernel_shape else None
    else:
        window = list(_parse_tuple(pool or "()") or ())
        what, kind, filters = "pooling window", None, None
    window = window or [None] * len(spatial)
    strides = list(strides) * (len(spatial) // len(strides) if len(strides) < len(spatial) else 1)
    dilation = list(dilation) * (len(spatial) // len(dilation) if len(dilation) < len(spatial) else 1)

    def match(layer):
        size = getattr(layer, "kernel_size", None) or getattr(layer, "pool_size", None)
        if size is None or tuple(size) != tuple(window):
            return False
        return filters is None or getattr(layer, "filters", filters) == filters

    layer = layer_obj or _find_layer(model, predicate=match)
    name = layer.name if layer is not None else None
    kind = type(layer).__name__ if layer is not None else (_calling_type(text) or ("Conv" if kernel else "Pooling"))
    sums = []
    for size, k, s, d in zip(spatial, window, strides, dilation):
        if size is None or k is None:
            continue
        span = d * (k - 1) + 1
        out = (size - span) // s + 1
        span_text = f"{span}" if d == 1 else f"{d}*({k}-1)+1"
        sums.append(f"({size} - {span_text}) // {s} + 1 = {out}")
    who = f"{name} ({kind})" if name else f"this {kind} layer"
    message = (
        f"The feature map entering {who} is {_x(spatial)} but its {what} is {_x(window)}: "
        f"with padding='{padding}' the output size is "
        + (_join_sums(sums) if sums else "zero or negative")
        + ", so nothing would be left."
    )
    fits = min((d for d in spatial if d), default=None)
    smaller = f" or a {what} of at most {fits}" if fits else ""
    if what == "kernel":
        fix = (
            f'Use padding="same" in {name or "this layer"} (keeps {_x(spatial)}){smaller}; '
            "or remove a pooling/strided layer before it, or feed larger inputs."
        )
    else:
        fix = (
            f"Use a smaller pool_size{smaller.replace(' or a pooling window of', ':')}, "
            'padding="same", or fewer pooling layers before it.'
        )
    return Explanation("output_size", name, message, fix, details={"input": shape, "window": tuple(window)})


def _join_sums(sums):
    distinct = list(dict.fromkeys(sums))
    if len(distinct) == 1 and len(sums) > 1:
        return f"{distinct[0]} on each axis"
    return "; ".join(distinct)


def _ndim(text, model, layer_obj):
    match = re.search(
        r"of layer '([^']+)' is incompatible with the layer: expected (min_|max_)?ndim=(\d+), found ndim=(\d+)"
        r"(?:\. Full shape received: (\([^)]*\)))?",
        text,
    )
    if not match:
        return None
    name, bound, expected, found, full = match.groups()
    expected, found = int(expected), int(found)
    shape = _parse_tuple(full) if full else None
    layer = layer_obj or _find_layer(model, name=name)
    kind = type(layer).__name__ if layer is not None else _type_from_name(name)
    needed = expected
    word = {None: "", "min_": "at least ", "max_": "at most "}[bound]
    layout = _EXPECTED_LAYOUT.get(needed, f"{needed}-D")
    got = f"a {found}-D tensor of shape {shape}" if shape else f"a {found}-D tensor"
    message = f"{name} ({kind}) expects {word}{needed}-D input {layout}, but it received {got}."
    fix = _rank_fix(shape, found, needed, name)
    return Explanation("ndim", name, message, fix, details={"expected": needed, "found": found, "shape": shape})


def _rank_fix(shape, found, needed, name):
    dims = list(shape[1:]) if shape else None
    if found > needed:
        if needed == 2:
            return f"Add layers.Flatten() (or a GlobalAveragePooling layer) before {name}."
        if dims and None not in dims:
            merged = dims[: needed - 2] + [math.prod(dims[needed - 2 :])]
            return (
                f"Add layers.Reshape({tuple(merged)}) before {name} to merge the last axes "
                f"({_x(dims)} -> {_x(merged)}), or pool the extra axes away (e.g. GlobalAveragePooling2D, then a Dense)."
            )
        return f"Reshape or pool the input of {name} down to {needed} axes."
    if dims and None not in dims:
        flat = math.prod(dims)
        side = math.isqrt(flat)
        if found == 2 and needed == 4 and side * side == flat:
            return (
                f"Add layers.Reshape(({side}, {side}, 1)) before {name}: the flat vector of {flat} values "
                f"becomes a {side}x{side} image with one channel."
            )
        if needed - found == 1:
            return f"Add layers.Reshape({tuple(dims) + (1,)}) before {name} to add a channel axis."
        return f"Reshape the input of {name} to {needed} axes, e.g. layers.Reshape({tuple(dims) + (1,) * (needed - found)})."
    return f"Give {name} a {needed}-D input ({_EXPECTED_LAYOUT.get(needed, '')})."


def _kernel_rank(text, model, layer_obj):
    match = re.search(
        r"Kernel shape must have the same length as input, but received kernel of shape (\([^)]*\)) "
        r"and input of shape (\([^)]*\))",
        text,
    )
    if not match:
        return None
    kernel, shape = _parse_tuple(match.group(1)), _parse_tuple(match.group(2))
    needed, found = len(kernel), len(shape)
    spatial = needed - 2
    layer = layer_obj or _find_layer(
        model, predicate=lambda l: getattr(l, "kernel_size", None) is not None and len(l.kernel_size) == spatial
        and tuple(l.kernel_size) == tuple(kernel[:spatial])
    )
    name = layer.name if layer is not None else None
    kind = type(layer).__name__ if layer is not None else f"Conv{spatial}D"
    who = f"{name} ({kind})" if name else f"This {kind} layer"
    message = (
        f"{who} has a {spatial}-D kernel {_x(kernel[:spatial])}, so it expects {needed}-D input "
        f"{_EXPECTED_LAYOUT.get(needed, '')}, but it received a {found}-D tensor of shape {shape}."
    )
    return Explanation("ndim", name, message, _rank_fix(shape, found, needed, name or "it"),
                       details={"expected": needed, "found": found, "shape": shape})


def _features(text, model, layer_obj):
    match = re.search(
        r"of layer '([^']+)' is incompatible with the layer: expected axis (-?\d+) of input shape to have value (\d+), "
        r"but received input with shape (\([^)]*\))",
        text,
    )
    if not match:
        return None
    name, axis, expected, shape = match.groups()
    shape = _parse_tuple(shape)
    got = shape[int(axis)] if shape else "?"
    message = (
        f"{name} was built for inputs with {expected} values on axis {axis}, but received data of shape "
        f"{shape} ({got} values)."
    )
    fix = (
        f"Feed data with {expected} features per sample, or build the model for the data: "
        f"keras.Input(shape={tuple(shape[1:]) if shape else '(...)'})."
    )
    return Explanation("features", name, message, fix, details={"expected": int(expected), "got": got})


def _merge(text, model, layer_obj):
    concat = re.search(r"`Concatenate` layer requires inputs with matching shapes except for the concatenation axis", text)
    elemwise = re.search(r"Inputs have incompatible shapes\. Received shapes (\([^)]*\)) and (\([^)]*\))", text)
    if not (concat or elemwise):
        return None
    if concat:
        shapes_text = _field(text, "input_shape") or ""
        match = re.search(r"input_shape=(\[.*\])", text)
        try:
            shapes = [tuple(s) for s in ast.literal_eval(match.group(1))] if match else []
        except (ValueError, SyntaxError):
            shapes = []
        layer = layer_obj or _find_layer(model, kind="Concatenate")
        axis = getattr(layer, "axis", -1) if layer is not None else -1
        rank = len(shapes[0]) if shapes else 0
        axis_index = axis % rank if rank else axis
        diffs = []
        for i in range(1, rank):
            if i == axis_index:
                continue
            values = {s[i] for s in shapes}
            if len(values) > 1:
                diffs.append(f"axis {i}: {' vs '.join(str(s[i]) for s in shapes)}")
        name = layer.name if layer is not None else None
        message = (
            f"Concatenate glues tensors together along axis {axis}, so every other axis must agree; "
            f"{' and '.join(map(str, shapes)) or shapes_text} differ on " + ("; ".join(diffs) or "their shapes") + "."
        )
        fix = (
            'Make the branches produce the same sizes: padding="same" in their convolutions, the same pooling, '
            "or a Cropping2D/ZeroPadding2D/Resizing layer; or reduce each branch to a vector "
            "(GlobalAveragePooling2D / Flatten) before concatenating."
        )
        return Explanation("merge", name, message, fix, details={"shapes": shapes, "axis": axis})
    first, second = _parse_tuple(elemwise.group(1)), _parse_tuple(elemwise.group(2))
    layer = layer_obj or _find_layer(
        model, predicate=lambda l: type(l).__name__ in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
    )
    name = layer.name if layer is not None else None
    kind = type(layer).__name__ if layer is not None else "An element-wise merge (add, average, multiply, ...)"
    message = (
        f"{kind} combines its inputs value by value, so their shapes must be equal (or broadcastable), "
        f"but got {first} and {second} (per sample)."
    )
    message += _which_axes_differ(first, second)
    fix = (
        "Make both branches the same size: project the shorter one with a Dense(n) (vectors) or a 1x1 Conv2D(n) "
        '(feature maps), and keep spatial sizes equal with padding="same".'
    )
    return Explanation("merge", name, message, fix, details={"shapes": [first, second]})


def _which_axes_differ(first, second) -> str:
    """What differs between two per-sample shapes of a merge, in terms of the layers that set it."""
    if not (isinstance(first, tuple) and isinstance(second, tuple)) or len(first) != len(second) or not first:
        return ""
    parts = []
    if len(first) >= 2 and first[:-1] != second[:-1]:
        sizes = " vs ".join("x".join(str(d) for d in s[:-1]) for s in (first, second))
        parts.append(f"height and width differ ({sizes}): a convolution's kernel size, strides and padding set "
                     "its output size")
    if first[-1] != second[-1]:
        what = "the channels differ" if len(first) >= 2 else "the number of features differs"
        parts.append(f"{what} ({first[-1]} vs {second[-1]}): a layer gives one per unit or filter")
    return (" " + "; ".join(parts)[:1].upper() + "; ".join(parts)[1:] + ".") if parts else ""


def _int_shape(text, model, layer_obj):
    match = re.search(r"Cannot convert '(\d+)' to a shape", text)
    if not match:
        return None
    n = match.group(1)
    message = (
        f"A shape must be a tuple, but got the single number {n}. In Python ({n}) is just the number {n}; "
        f"a tuple with one element needs a trailing comma: ({n},)."
    )
    return Explanation("int_shape", None, message, f"Write keras.Input(shape=({n},)).")


def _no_output(text, model, layer_obj):
    match = re.search(r"The layer (\S+) has never been called and thus has no defined (input|output)", text)
    if not match:
        return None
    name, what = match.groups()
    is_model = (model is not None and getattr(model, "name", None) == name) or name.startswith(("sequential", "functional"))
    if is_model:
        message = (
            f"{name} has no single `.{what}` yet: a Sequential model's layers are connected internally, "
            f"so `model.{what}` is not defined even when it starts with keras.Input."
        )
        fix = f"Use the lists model.{what}s[0] (or model.layers[i].{what}); if the model has no keras.Input, add one first."
    else:
        message = (
            f"Layer {name} was never called on a tensor, so it has no `.{what}` yet: a layer only gets "
            f"an {what} when it is used, e.g. y = layer(x) with x = keras.Input(shape=...)."
        )
        fix = f"Call {name} on a tensor first (x = keras.Input(shape=(...)); y = {name}(x)), or use it inside a built model."
    return Explanation("no_output", name, message, fix)


def _not_built(text, model, layer_obj):
    patterns = (
        r"on layer '([^']+)', but the layer isn't built",
        r"Sequential model '([^']+)' has no defined inputs yet",
        r"You must build the layer before accessing",
        r"model (?:'([^']+)' )?(?:has not yet been built|is not built)",
        r"This model has not yet been built",
    )
    for pattern in patterns:
        match = re.search(pattern, text)
        if match:
            name = match.group(1) if match.groups() else None
            name = name or (getattr(model, "name", None) if model is not None else None)
            message = (
                f"{name or 'The model'} is not built: Keras does not know the input shape yet, so the layers "
                "have no weights, no parameter counts and no output shapes."
            )
            fix = (
                "Start the model with keras.Input(shape=(...)) (Keras 3 style), or call "
                "model.build((None, n_features)), or call the model once on a batch of data."
            )
            return Explanation("not_built", name, message, fix)
    return None


def _reshape(text, model, layer_obj):
    match = re.search(r"total size of the tensor must be unchanged\. Received: input_shape=(\([^)]*\)), target_shape=(\([^)]*\))", text)
    if not match:
        return None
    source, target = _parse_tuple(match.group(1)), _parse_tuple(match.group(2))
    have = math.prod(d for d in source if d is not None)
    want = math.prod(target)
    layer = layer_obj or _find_layer(model, kind="Reshape", predicate=lambda l: tuple(l.target_shape) == tuple(target))
    name = layer.name if layer is not None else None
    options = [(a, have // a) for a in range(2, int(math.isqrt(have)) + 1) if have % a == 0][-2:]
    suggestion = f", e.g. {options[-1]}" if options else ""
    message = (
        f"Reshape only rearranges values: the input {source} holds {' x '.join(map(str, source))} = {have} values "
        f"per sample but the target {target} needs {' x '.join(map(str, target))} = {want}."
    )
    fix = f"Choose a target shape whose product is {have}{suggestion}, or put -1 on one axis to let Keras compute it."
    return Explanation("reshape", name, message, fix, details={"have": have, "want": want})


def _duplicate_name(text, model, layer_obj):
    match = re.search(r"unique names\. Name '([^']+)'", text) or re.search(r'name "([^"]+)" is used \d+ times', text)
    if not match:
        return None
    name = match.group(1)
    message = f"Two layers in one model are called '{name}'; names identify layers (get_layer, summary, saving)."
    return Explanation("duplicate_name", name, message, f"Give each layer its own name=..., or leave name out and let Keras number them.")


def _legacy_output_shape(text, model, layer_obj):
    match = re.search(r"'(\w+)' object has no attribute '(output_shape|input_shape)'", text)
    if not match:
        return None
    kind, attr = match.groups()
    side = attr.split("_")[0]
    message = (
        f"`{attr}` was a Keras 2 attribute; Keras 3 layers ({kind}) no longer have it. "
        f"The shape lives on the symbolic tensor: layer.{side}.shape."
    )
    fix = f"Use layer.{side}.shape (e.g. model.get_layer('name').{side}.shape), or kitlib.modelinfo.layer_rows(model) for every layer."
    return Explanation("legacy_output_shape", None, message, fix)


def _legacy_input_shape(text, model, layer_obj):
    if "Do not pass an `input_shape`/`input_dim` argument to a layer" not in text:
        return None
    message = (
        "Passing input_shape= (or input_dim=) to a layer is a Keras 2 habit; Keras 3 still accepts it "
        "but warns (on stderr, which costs points in graded cells)."
    )
    fix = "Start the model with keras.Input(shape=(...)) and drop input_shape= from the layer."
    return Explanation("legacy_input_shape", layer_obj.name if layer_obj is not None else None, message, fix, severity="warning")


# --------------------------------------------------------------------------- unknown keyword arguments
def accepted_arguments(cls) -> list[str]:
    """The keyword arguments ``cls(...)`` names in its signature, its own first, then its bases'
    (while each ``__init__`` passes ``**kwargs`` on).

    Example::

        accepted_arguments(keras.layers.Conv2D)[:3]   # ['filters', 'kernel_size', 'strides']
    """
    names: list[str] = []
    for klass in getattr(cls, "__mro__", (cls,)):
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        try:
            parameters = list(inspect.signature(init).parameters.values())
        except (TypeError, ValueError):
            break
        for p in parameters[1:]:  # skip self
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name not in names:
                names.append(p.name)
        if not any(p.kind == p.VAR_KEYWORD for p in parameters):
            break  # nothing is passed further up
    return names


def likely_argument(word: str, names) -> list[str]:
    """The arguments among ``names`` that ``word`` was probably meant to be, best first: close
    spellings (difflib), else the names that contain it as a word (``size`` -> ``pool_size``)."""
    names = list(names)
    close = difflib.get_close_matches(word, names, n=3, cutoff=0.6)
    if close:
        return close
    lowered = word.lower()
    return [n for n in names if lowered in n.lower().split("_") or n.lower().startswith(lowered)][:3]


def unknown_argument(cls, keywords, error=None) -> Explanation | None:
    """Explain the keywords of ``cls(**keywords)`` that ``cls`` does not take (None when all are known).

    ``keywords`` are the names passed (a dict or names).  A keyword counts as unknown when no
    ``__init__`` along ``cls``'s bases names it; when ``error`` (what the call raised) is given, only
    if the error is about arguments (Keras still takes a few legacy keywords such as ``input_shape``
    through ``**kwargs``; these are left to Keras' own message).

    Example::

        unknown_argument(keras.layers.Conv2D, {"filters": 8, "kernel": 3}).message
        # "Conv2D has no argument kernel=: did you mean kernel_size=? ..."
    """
    known = accepted_arguments(cls) or list(_OWN_ARGUMENTS.get(getattr(cls, "__name__", ""), ()))
    unknown = [k for k in keywords if k not in known]
    if error is not None:
        text = _clean(str(error))
        about_arguments = "keyword argument" in text or "required positional argument" in text
        mentioned = [k for k in unknown if f"'{k}'" in text]
        if not about_arguments:
            return None
        unknown = mentioned or (unknown if "required positional argument" in text else [])
    if not unknown or not known:
        return None
    name = getattr(cls, "__name__", str(cls))
    parts, guesses = [], {}
    for word in unknown:
        likely = likely_argument(word, known)
        guesses[word] = likely
        if likely:
            others = f" (or {', '.join(m + '=' for m in likely[1:])})" if len(likely) > 1 else ""
            parts.append(f"{word}=: did you mean {likely[0]}={others}?")
        else:
            parts.append(f"{word}=: no argument of {name} is spelled like it")
    plural = "arguments" if len(unknown) > 1 else "an argument"
    message = f"{name} does not take {plural} called " + "; ".join(parts)
    where = _public_name(cls)
    fix = (f"Use the argument names of {where}: {', '.join(known[:8])}"
           f"{', ...' if len(known) > 8 else ''} (help({where}) lists them all).")
    return Explanation("unknown_argument", None, message, fix, original=_clean(str(error)) if error else "",
                       details={"unknown": unknown, "suggestions": guesses})


# Classes whose __init__ takes only *args/**kwargs in Keras 3: the arguments they document.
_OWN_ARGUMENTS = {"Model": ("inputs", "outputs", "name", "trainable"), "Functional": ("inputs", "outputs", "name")}
# Keyword arguments a student writes when calling Keras (a layer or model call, fit, compile, evaluate,
# predict, Input): the candidates for a misspelt keyword whose callee the error does not name.
_CALL_ARGUMENTS = ("training", "mask", "inputs", "outputs", "shape", "batch_size", "epochs", "verbose",
                   "validation_split", "validation_data", "callbacks", "shuffle", "steps_per_epoch", "optimizer",
                   "loss", "metrics", "loss_weights", "name", "dtype", "x", "y", "sample_weight", "initial_epoch",
                   "return_state", "initial_state", "from_logits")


def _public_name(obj) -> str:
    """``keras.layers.Dense``, ``keras.Sequential``, ``keras.Input``: where a student finds ``obj``."""
    name = getattr(obj, "__name__", str(obj))
    try:
        import keras

        if getattr(keras, name, None) is obj:
            return f"keras.{name}"
        if getattr(keras.layers, name, None) is obj:
            return f"keras.layers.{name}"
    except ImportError:  # pragma: no cover
        pass
    return name


def _student_line(error) -> str:
    """The source line of the student's own code where ``error`` arose: the last frame of the traceback
    outside installed libraries (a notebook cell, a student's file); '' when unknown."""
    import traceback

    try:
        frames = traceback.extract_tb(error.__traceback__)
    except Exception:  # noqa: BLE001
        return ""
    libraries = _library_dirs()
    for frame in reversed(frames):
        path = frame.filename or ""
        if path.startswith(libraries) or "site-packages" in path or "dist-packages" in path:
            continue
        return (frame.line or "").strip()
    return ""


@functools.lru_cache(maxsize=1)
def _library_dirs() -> tuple[str, ...]:
    """kitlib's own folder and the interpreter's library folders (asked once, on the first explanation)."""
    import os
    import sysconfig

    paths = sysconfig.get_paths()
    dirs = {os.path.dirname(os.path.abspath(__file__))}  # kitlib itself
    dirs |= {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if paths.get(key)}
    return tuple(d.rstrip(os.sep) + os.sep for d in dirs)



def _written_keywords(line: str) -> list[str]:
    """The keyword names written in the calls of one source line (``f(a, kernel=3)`` -> ``['kernel']``)."""
    try:
        tree = ast.parse(line.strip().rstrip("\\"), mode="exec")
        return [k.arg for node in ast.walk(tree) if isinstance(node, ast.Call) for k in node.keywords if k.arg]
    except SyntaxError:
        return re.findall(r"[(,]\s*([A-Za-z_]\w*)\s*=(?!=)", line)


def _resolve(name: str):
    """A public Keras class or function by the name an error gives (``Conv2D``, ``Input``, ``Model``)."""
    try:
        import keras
    except ImportError:  # pragma: no cover
        return None
    return getattr(keras.layers, name, None) or getattr(keras, name, None)


def _signature_names(fn) -> list[str]:
    try:
        return [p.name for p in inspect.signature(fn).parameters.values()
                if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    except (TypeError, ValueError):
        return []


def _argument_slip(error) -> Explanation | None:
    """A call with a misspelt or missing keyword argument, named from the student's own line when Python's
    message leaves it out: ``Conv2D(16, kernel=3)`` raises "missing ... argument: 'kernel_size'" (kernel= is
    then the slip), ``keras.Input(shap=...)`` and ``model.fit(..., epoch=1)`` name a function or method,
    ``layer(x, trainin=True)`` names nothing."""
    if not isinstance(error, TypeError):
        return None
    text = _clean(str(error))
    line = _student_line(error)
    missing = re.search(r"(\w+)\.__init__\(\) missing \d+ required positional arguments?: (.+)$", text.splitlines()[0]
                        if text else "")
    if missing:
        cls_name, needed = missing.group(1), re.findall(r"'(\w+)'", missing.group(2))
        cls = _resolve(cls_name)
        accepted = accepted_arguments(cls) if cls is not None else []
        written = [k for k in _written_keywords(line) if k not in accepted]
        slips = {w: likely_argument(w, needed) for w in written}
        slips = {w: m for w, m in slips.items() if m}
        where = _public_name(cls) if cls is not None else cls_name
        listing = ", ".join(f"{n}=" for n in needed)
        if slips:
            word, meant = next(iter(slips.items()))
            message = (f"{cls_name} needs {listing}, which the call does not give: {word}= is no argument of "
                       f"{cls_name}; did you mean {meant[0]}=?")
        else:
            message = f"{cls_name} needs {listing} (no default value), and the call does not give it."
        return Explanation("unknown_argument" if slips else "missing_argument", None, message,
                           f"Give {cls_name} every argument it needs by its own name (help({where}) lists them).",
                           original=text, details={"missing": needed, "suggestions": slips})
    unexpected = re.search(r"(?:(\w+)(?:\.(\w+))?\(\) )?got an unexpected keyword argument '(\w+)'", text)
    if not unexpected:
        return None
    owner, method, word = unexpected.groups()
    if method == "__init__":
        return None  # Sequential.__init__(): a class, which _unknown_argument explains
    target = None
    if owner and method:  # TensorFlowTrainer.fit(): the method of keras.Model
        model_class = _resolve("Model")
        target = getattr(model_class, method, None) if model_class is not None else None
        shown = f"{method}()"
    elif owner:
        target = _resolve(owner)
        shown = f"{owner}()"
    else:
        shown = "the call"
    if isinstance(target, type):
        return unknown_argument(target, [word], error)
    names = _signature_names(target) if target is not None else []
    likely = likely_argument(word, names or _CALL_ARGUMENTS)
    message = f"{shown} does not take an argument called {word}="
    message += f": did you mean {likely[0]}=?" if likely else ""
    where = f"help(keras.Model.{method})" if method else (f"help({_public_name(target)})" if target is not None
                                                            else "help() of what you called")
    return Explanation("unknown_argument", None, message, f"Check the argument's spelling ({where} lists them).",
                       original=text, details={"unknown": [word], "suggestions": {word: likely}})


def _unknown_argument(text, model, layer_obj):
    """Keras' "Unrecognized keyword arguments passed to Dense: {'activations': 'relu'}" and Python's
    "Conv2D.__init__() got an unexpected keyword argument 'kernel'", for a keras.layers class."""
    match = re.search(r"Unrecognized keyword arguments? passed to (\w+): \{(.*)\}", text, re.S)
    if match:
        cls_name, words = match.group(1), re.findall(r"'(\w+)':", match.group(2))
    else:
        match = re.search(r"(\w+)\.__init__\(\) got an unexpected keyword argument '(\w+)'", text)
        if not match:
            return None
        cls_name, words = match.group(1), [match.group(2)]
    cls = type(layer_obj) if layer_obj is not None and type(layer_obj).__name__ == cls_name else None
    if cls is None:
        cls = _resolve(cls_name)
    if not isinstance(cls, type) or not words:
        return None
    return unknown_argument(cls, words)


_RECOGNISERS = (
    _output_size,
    _ndim,
    _kernel_rank,
    _features,
    _merge,
    _int_shape,
    _no_output,
    _not_built,
    _reshape,
    _duplicate_name,
    _unknown_argument,
    _legacy_output_shape,
    _legacy_input_shape,
)


# --------------------------------------------------------------------------- lint
def lint(model) -> list[Explanation]:
    """Problems Keras does not raise for, found by looking at a built model.

    Today: a Dense layer applied to a tensor with 4 or more axes (it maps only
    the last axis and keeps every position: usually a forgotten Flatten).

    Example::

        findings = lint(model)   # [] when nothing looks suspicious
    """
    from kitlib.modelinfo import format_shape, layer_rows

    findings = []
    for row in layer_rows(model):
        shape = row["input_shape"]
        if row["type"] == "Dense" and isinstance(shape, tuple) and len(shape) >= 4:
            positions = _x(shape[1:-1])
            message = (
                f"{row['name']} (Dense) received {format_shape(shape)}: a Dense layer maps only the last axis "
                f"({shape[-1]} -> {row['output_shape'][-1]}) and keeps all {positions} positions, so its output is "
                f"{format_shape(row['output_shape'])} instead of one vector per sample. Keras raises no error."
            )
            fix = f"Add layers.Flatten() (or GlobalAveragePooling2D()) before {row['name']}."
            findings.append(Explanation("dense_nd", row["name"], message, fix, severity="warning"))
    for sub in getattr(model, "layers", []):
        if hasattr(sub, "layers") and hasattr(sub, "inputs"):
            findings.extend(lint(sub))  # nested models
    return findings


# --------------------------------------------------------------------------- entry point
def explain(error, model=None, *, layer=None) -> Explanation:
    """Explain a Keras error (or warning) in plain words, with the shape arithmetic and a fix.

    Args:
        error: an exception, a warning (``warnings.WarningMessage`` or ``Warning``),
            the text of a message, or None / a model to look for silent mistakes
            (see :func:`lint`).
        model: the model being built, if any; it lets ``explain`` name the layer.
            In Keras 3 a failed ``Sequential.add`` leaves the bad layer inside the
            model, so passing the model finds it.
        layer: the layer that failed, when the caller knows it (the debugger does).

    Returns:
        An :class:`Explanation` (never None).

    Example::

        try:
            keras.Input(shape=784)
        except ValueError as err:
            print(kitlib.explain(err).fix)   # Write keras.Input(shape=(784,)).
    """
    if error is None or (model is None and hasattr(error, "layers") and hasattr(error, "weights")):
        target = model if error is None else error
        if target is None:
            raise TypeError("explain() needs an exception, a warning, or a model to check.")
        findings = lint(target)
        if findings:
            return findings[0]
        return Explanation("ok", None, "No silent mistakes found in this model.", "Nothing to fix.", severity="ok")
    if isinstance(error, (list, tuple)) and error:
        error = error[0]
    if isinstance(error, warnings.WarningMessage):
        error = error.message
    text = str(error) if not isinstance(error, str) else error
    cleaned = _clean(text)
    if isinstance(error, BaseException):
        try:
            slip = _argument_slip(error)
        except Exception:  # noqa: BLE001 - an explanation is a bonus, never a new failure
            slip = None
        if slip is not None:
            return slip
    for recognise in _RECOGNISERS:
        found = recognise(cleaned, model, layer)
        if found is not None:
            if found.layer is None and layer is not None:
                found.layer = layer.name
            found.original = cleaned
            if isinstance(error, Warning) and found.severity == "error":
                found.severity = "warning"
            return found
    kind = type(error).__name__ if not isinstance(error, str) else "Error"
    first = cleaned.splitlines()[0] if cleaned else kind
    message = f"Keras reported: {first}"
    fix = (
        "Check the shapes step by step: print model.summary() (or kitlib.modelinfo.ModelInfo(model)) "
        "and compare each layer's input with what it expects."
    )
    return Explanation(
        "unknown",
        layer.name if layer is not None else None,
        message,
        fix,
        severity="warning" if isinstance(error, Warning) else "error",
        original=cleaned,
    )


@contextlib.contextmanager
def explaining(model=None, show=True):
    """Run a block; if Keras raises, show the explanation instead of a traceback.

    Example::

        with explaining(model) as result:
            model.add(keras.layers.Conv2D(8, 5))
        result.explanation   # None when the block succeeded

    The exception is swallowed on purpose (a teaching cell keeps running);
    the explanation is displayed as HTML in a notebook, printed elsewhere.
    """
    holder = _Result()
    try:
        yield holder
    except Exception as err:  # noqa: BLE001 - we explain any error, that is the point
        holder.explanation = explain(err, model)
        if show:
            _show(holder.explanation)


class _Result:
    explanation: Explanation | None = None


def _show(explanation: Explanation) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:  # HTML in a notebook, the text in a terminal IPython
            display({"text/plain": str(explanation), "text/html": explanation.to_html()}, raw=True)
            return
    except ImportError:  # pragma: no cover
        pass
    print(explanation)
