"""Layer outputs of any Keras 3 model, one layer at a time: ``LayerOutputExplorer(model, samples)``.

Logic: :class:`ActivationSource` computes what one layer outputs for a small
set of samples.  It builds a feature model per layer the Keras 3 way
(``keras.Model(inputs=model.inputs, outputs=<that layer's tensor>)``, inputs
given as the model's own list, so no input-structure warning), computes each
layer once per sample set and keeps the results in a cache bounded in bytes:
it never computes or holds the activations of all layers at once (the
pattern of older tools that breaks on VGG-sized models).  Layers of nested
models are reachable as ``"outer/inner"``; a shared layer's second call as
``"name@2"``.

View: :class:`LayerOutputExplorer`, a thin ipywidgets view (CSS class
``kit-explorer``): a layer menu, a sample slider, page buttons, a colour-scale
switch, the input sample beside the layer's picture (chosen by rank, see
:mod:`kitlib.widgets.images`), the colour bar under the maps, and statistics of the sample shown (value range, mean, share of zeros) and the channels that
are zero for every sample (dead ReLUs).

Example::

    from kitlib.widgets import LayerOutputExplorer
    explorer = LayerOutputExplorer(model, x_test[:8])
    explorer.layer_names                   # ['conv2d', 'max_pooling2d', ...]
    explorer.activations("conv2d", 0)      # numpy array, e.g. (26, 26, 32)
    png = explorer.render("conv2d", sample=0, page=1)   # channels 16-31 (numbered from 0)
    explorer                               # in a notebook: the widget
"""
from __future__ import annotations

import html
from collections import OrderedDict

import numpy as np

from kitlib import keras_compat as kc
from kitlib.widgets._base import WidgetView, png_img_tag
from kitlib.widgets import images

DEFAULT_CACHE_BYTES = 32 * 1024 * 1024


def _is_model(layer) -> bool:
    return hasattr(layer, "layers") and hasattr(layer, "inputs") and hasattr(layer, "outputs")


class ActivationSource:
    """Per-layer activations of ``model`` for a fixed sample set, computed lazily and cached.

    Args:
        model: a built Keras model (Sequential or Functional, possibly nested,
            with one or several inputs).
        samples: the inputs, as the model takes them: an array ``(n, ...)``, a
            list of arrays (several inputs), or a dict keyed by input name.
        cache_bytes: memory budget of the cache.  The cache holds whole layers
            (all samples of the set); when a new layer does not fit, the least
            recently used layers are dropped.  A layer larger than the budget is
            held alone.  So the explorer holds at most
            ``max(cache_bytes, one layer's activations)``.

    Attributes:
        computations: how many times a layer was actually computed (tests and
            benchmarks use it to check the cache).
        peak_bytes: the most bytes the cache ever held.
    """

    def __init__(self, model, samples, cache_bytes: int | None = DEFAULT_CACHE_BYTES):
        if getattr(model, "built", False) and not _inputs_of(model) and not kc.has_graph(model):
            raise ValueError(
                f"{type(model).__name__} is a subclassed model: it has no graph of layers that the explorer "
                "could cut at a layer. Rebuild it with the Functional API or as a Sequential model."
            )
        if not getattr(model, "built", False) or not _inputs_of(model):
            raise ValueError(
                "The model is not built yet, so its layers have no outputs to show. "
                "Start it with keras.Input(shape=(...)) or call it once on data."
            )
        self.model = model
        self.inputs = self._standardise(samples)
        self.n_samples = int(self.inputs[0].shape[0])
        if self.n_samples == 0:
            raise ValueError("samples is empty: pass at least one sample, e.g. x_test[:8].")
        self.cache_bytes = DEFAULT_CACHE_BYTES if cache_bytes is None else int(cache_bytes)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._fns: dict[str, object] = {}
        self._stats: dict[str, dict] = {}
        self.computations = 0
        self.peak_bytes = 0
        self._targets = self._collect_targets()
        self.layer_names = list(self._targets)
        self._kinds = {name: t[2] for name, t in self._targets.items()}

    # -- set-up -----------------------------------------------------------------
    def _standardise(self, samples):
        names = [t.name for t in _inputs_of(self.model)]
        if isinstance(samples, dict):
            missing = [n for n in names if n not in samples]
            if missing:
                raise ValueError(f"samples is missing the input(s) {missing}; the model's inputs are {names}.")
            arrays = [np.asarray(samples[n]) for n in names]
        elif isinstance(samples, (list, tuple)):
            arrays = [np.asarray(s) for s in samples]
        else:
            arrays = [np.asarray(samples)]
        if len(arrays) != len(names):
            raise ValueError(
                f"The model has {len(names)} input(s) {names} but {len(arrays)} array(s) were given; "
                "pass a list (or a dict keyed by input name) with one array per input."
            )
        sizes = {a.shape[0] if a.ndim else 0 for a in arrays}
        if len(sizes) != 1:
            raise ValueError(f"All inputs need the same number of samples, got {sorted(sizes)}.")
        for array, tensor in zip(arrays, _inputs_of(self.model)):
            expected = tuple(tensor.shape[1:])
            got = tuple(array.shape[1:])
            if len(expected) != len(got) or any(e is not None and e != g for e, g in zip(expected, got)):
                raise ValueError(
                    f"Input '{tensor.name}' expects samples of shape {expected} (batch first), got {got}. "
                    "Pass an array of shape (n_samples, " + ", ".join(map(str, expected)) + ")."
                )
        return arrays

    def _collect_targets(self):
        """name -> (path of nested models, output tensor, layer type) for every reachable layer output."""
        from kitlib.modelinfo import layer_nodes

        targets: dict[str, tuple] = OrderedDict()

        def walk(model, prefix, chain):
            nodes = layer_nodes(model)
            for layer in model.layers:
                calls = nodes.get(id(layer), [])
                for index, node in enumerate(calls):
                    name = prefix + layer.name + (f"@{index + 1}" if index else "")
                    outputs = kc.node_outputs(node)
                    tensor = outputs[0] if outputs else None
                    if tensor is None:
                        continue
                    targets[name] = (chain, tensor, type(layer).__name__, model)
                    if _is_model(layer) and index == 0 and _inputs_of(layer):
                        walk(layer, name + "/", chain + [(model, node, layer)])

        walk(self.model, "", [])
        return {name: (chain, tensor, kind) for name, (chain, tensor, kind, _) in targets.items()}

    # -- computing --------------------------------------------------------------
    def _function(self, name):
        """A callable computing the layer's output from the model's inputs (built once per layer)."""
        if name in self._fns:
            return self._fns[name]
        import keras

        chain, tensor, _ = self._targets[name]
        if not chain:
            feature = keras.Model(inputs=list(_inputs_of(self.model)), outputs=tensor)

            def fn(arrays, feature=feature):
                return feature(arrays, training=False)

        else:
            # outer model -> the nested model's input(s) -> ... -> the inner layer's output
            steps = []
            for outer, node, _inner in chain:
                steps.append(keras.Model(inputs=list(_inputs_of(outer)), outputs=kc.node_inputs(node)))
            inner_model = chain[-1][2]
            last = keras.Model(inputs=list(_inputs_of(inner_model)), outputs=tensor)
            steps.append(last)

            def fn(arrays, steps=steps):
                values = arrays
                for step in steps[:-1]:
                    out = step(values, training=False)
                    values = list(out) if isinstance(out, (list, tuple)) else [out]
                return steps[-1](values, training=False)

        self._fns[name] = fn
        return fn

    def layer_batch(self, name: str) -> np.ndarray:
        """The layer's output for every sample of the set (computed once, then cached)."""
        if name not in self._targets:
            raise KeyError(f"No layer named {name!r}; choose one of: {', '.join(self.layer_names)}")
        if name in self._cache:
            self._cache.move_to_end(name)
            return self._cache[name]
        from keras import ops

        fn = self._function(name)
        chunks = []
        batch = 64
        for start in range(0, self.n_samples, batch):
            part = [a[start : start + batch] for a in self.inputs]
            out = fn(part)
            if isinstance(out, (list, tuple)):
                out = out[0]
            elif isinstance(out, dict):
                out = next(iter(out.values()))
            chunks.append(np.asarray(ops.convert_to_numpy(out)))
        value = chunks[0] if len(chunks) == 1 else np.concatenate(chunks)
        self.computations += 1
        self._store(name, value)
        return value

    def _store(self, name, value):
        while self._cache and self.held_bytes + value.nbytes > self.cache_bytes:
            self._cache.popitem(last=False)
        self._cache[name] = value
        self.peak_bytes = max(self.peak_bytes, self.held_bytes)
        _return_freed_memory()  # the forward pass freed its intermediate tensors: give them back

    @property
    def held_bytes(self) -> int:
        """Bytes of activations held in the cache right now."""
        return int(sum(v.nbytes for v in self._cache.values()))

    def activations(self, name: str, sample: int = 0) -> np.ndarray:
        """The layer's output for one sample (batch axis removed)."""
        sample = int(sample)
        if not 0 <= sample < self.n_samples:
            raise IndexError(f"sample must be between 0 and {self.n_samples - 1}, got {sample}")
        return self.layer_batch(name)[sample]

    def layer_type(self, name: str) -> str:
        return self._kinds[name]

    def stats(self, name: str) -> dict:
        """Value range and share of zeros of the layer over the sample set.

        Keys: ``min, max, mean, zero_share`` (fraction of exact zeros) and, for
        feature maps and sequences, ``dead_channels``: channels that are zero
        for every sample (a ReLU that never fires).
        """
        if name in self._stats:
            return dict(self._stats[name])
        batch = self.layer_batch(name)
        values = batch.astype(np.float32, copy=False)
        result = {
            "min": float(values.min()),
            "max": float(values.max()),
            "mean": float(values.mean()),
            "zero_share": float(np.mean(values == 0)),
            "dead_channels": None,
            "channels": None,
        }
        if values.ndim >= 3:
            axes = tuple(range(values.ndim - 1))
            alive = np.any(values != 0, axis=axes)
            result["dead_channels"] = int(np.sum(~alive))
            result["channels"] = int(alive.size)
        self._stats[name] = result  # a few numbers per layer: kept even when the activations are evicted
        return dict(result)

    def sample_stats(self, name: str, sample: int) -> dict:
        """Value range, mean and share of zeros of the layer's output for one sample.

        Keys: ``min, max, mean, zero_share``.
        """
        values = np.asarray(self.activations(name, sample), dtype=np.float32)
        return {
            "min": float(values.min()),
            "max": float(values.max()),
            "mean": float(values.mean()),
            "zero_share": float(np.mean(values == 0)),
        }

    def is_classifier_output(self, name: str) -> bool:
        """True for a model output with 2..1000 units (shown as top-k bars)."""
        chain, tensor, _ = self._targets[name]
        if chain or len(tensor.shape) != 2:
            return False
        outputs = [id(t) for t in _outputs_of(self.model)]
        return id(tensor) in outputs and tensor.shape[-1] is not None and 2 <= tensor.shape[-1] <= 1000

    def view_kind(self, name: str) -> str:
        """'grid' (images), 'sequence', or 'vector', chosen by the rank of one sample's output."""
        rank = len(self._targets[name][1].shape) - 1
        if rank >= 3:
            return "grid"
        if rank == 2:
            return "sequence"
        return "vector"

    def render(self, name, sample=0, page=0, scale="channel", per_page=16, top_k=10):
        """PNG bytes and caption for one layer, one sample, one page: ``(png, caption)``."""
        arr = images.as_view_array(self.activations(name, sample))
        kind = self.view_kind(name)
        if arr.ndim == 3:
            return images.feature_grid(arr, page=page, per_page=per_page, scale=scale)
        if arr.ndim == 2:
            return images.sequence_heatmap(arr, page=page, scale="channel" if scale == "channel" else "shared")
        if kind == "vector" and self.is_classifier_output(name):
            return images.vector_bars(arr, top_k=top_k)
        return images.vector_bars(arr, page=page)

    def input_sample(self, sample: int = 0, which: int = 0) -> np.ndarray:
        """Sample ``sample`` of the model's input number ``which`` (as given, batch axis removed)."""
        sample = int(sample)
        if not 0 <= sample < self.n_samples:
            raise IndexError(f"sample must be between 0 and {self.n_samples - 1}, got {sample}")
        return self.inputs[which][sample]

    def input_names(self) -> list:
        return [t.name for t in _inputs_of(self.model)]

    def render_input(self, sample=0, which=0):
        """PNG bytes and caption of the input sample itself: ``(png, caption)`` (see :func:`images.input_picture`)."""
        return images.input_picture(self.input_sample(sample, which))

    def colour_scale(self, name, sample=0, scale="channel"):
        """What the colours of the layer's picture mean: ``(lo, hi)`` for a shared scale, None for a
        per-channel one; raises ValueError for a layer drawn as bars (no colours to explain)."""
        if self.view_kind(name) == "vector":
            raise ValueError(f"{name} is drawn as bars with a value axis: it has no colour scale")
        return images.colour_range(self.activations(name, sample), scale)

    def pages(self, name, per_page=16) -> int:
        """How many pages the layer's view has."""
        shape = self._targets[name][1].shape
        last = shape[-1] or 1
        kind = self.view_kind(name)
        if kind == "vector" and self.is_classifier_output(name):
            return 1
        size = per_page if kind == "grid" else 64
        return max(1, -(-int(last) // size))


def _return_freed_memory():
    """Give freed heap memory back to the OS (glibc ``malloc_trim``; a no-op elsewhere).

    A forward pass allocates and frees tens of MB per layer; glibc keeps such
    freed blocks in the process, so without a trim the resident memory grows
    towards the sum of all layers even though the explorer holds only one.
    """
    global _malloc_trim
    if _malloc_trim is None:
        try:
            import ctypes

            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim = None


# Browsers smooth an image they scale (a high-density screen doubles it): keep map pixels square.
_PIXELATED = "<style>.kit-explorer .widget-image{image-rendering:pixelated}</style>"


def png_size(png: bytes) -> tuple[int, int]:
    """``(width, height)`` of PNG bytes, read from the header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 24:
        raise ValueError("not a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _size_image(image, width: int, height: int) -> None:
    """Show an Image widget at the picture's own size (narrower only when the cell is narrower)."""
    layout = image.layout
    layout.width, layout.height = f"{width}px", f"{height}px"
    layout.max_width, layout.object_fit, layout.align_self = "100%", "contain", "flex-start"


def _inputs_of(model):
    try:
        return list(model.inputs or [])
    except (AttributeError, ValueError):
        return []


def _outputs_of(model):
    try:
        return list(model.outputs or [])
    except (AttributeError, ValueError):
        return []


class LayerOutputExplorer(WidgetView):
    """Browse what each layer outputs, for a handful of samples (CSS class ``kit-explorer``).

    Args:
        model: a built Keras model (Sequential, Functional, nested, several inputs).
        samples: a few input samples (e.g. ``x_test[:8]``; a list or dict for several inputs).
        layer: the layer to show first (default: the first layer with an output to show).
        cache_bytes: memory budget of the activation cache (see :class:`ActivationSource`).

    Public API: ``layer_names``, ``activations(layer, sample)``,
    ``render(layer, sample=0, page=0) -> PNG bytes``, ``select(layer)``,
    ``selected``, ``on_select(callback)``, ``stats(layer)``.

    Child widgets (for tests and for arranging): ``layer_menu`` (Dropdown),
    ``sample_slider`` (IntSlider), ``prev_button`` / ``next_button`` (pages),
    ``scale_toggle`` ("channel" / "shared"), ``image`` (Image, the layer's output;
    CSS class ``kit-explorer-maps``), ``input_image`` (``kit-explorer-input-image``, the
    sample fed to the model, left of the maps) with ``input_caption``, ``colorbar``
    (``kit-explorer-colorbar``, the maps' colour scale, hidden for bars) with ``colorbar_caption``, ``caption`` (HTML with the page text and statistics).
    """

    css_class = "kit-explorer"

    def __init__(self, model, samples, layer=None, cache_bytes=DEFAULT_CACHE_BYTES, per_page=16):
        super().__init__()
        import ipywidgets as w

        self.source = ActivationSource(model, samples, cache_bytes=cache_bytes)
        self.per_page = per_page
        self.page = 0
        self.last_caption = ""
        names = self.source.layer_names
        shown = [n for n in names if self.source.layer_type(n) != "InputLayer"] or names
        start = layer if layer is not None else shown[0]
        if start not in names:
            raise KeyError(f"No layer named {start!r}; choose one of: {', '.join(names)}")
        self._selected = start
        self.layer_menu = w.Dropdown(options=names, value=start, description="layer")
        self.sample_slider = w.IntSlider(
            value=0, min=0, max=self.source.n_samples - 1, description="sample",
            disabled=self.source.n_samples == 1,
        )
        self.prev_button = w.Button(description="◀ channels", layout=w.Layout(width="120px"))
        self.next_button = w.Button(description="channels ▶", layout=w.Layout(width="120px"))
        self.scale_toggle = w.ToggleButtons(options=["channel", "shared"], value="channel", description="scale",
                                            tooltips=["each map its own colour range",
                                                      "one colour range for all maps: compare brightness"])
        self.image = w.Image(format="png")
        self.caption = w.HTML()
        self.input_image = w.Image(format="png")
        self.input_caption = w.HTML()
        self.colorbar = w.Image(format="png")
        self.colorbar_caption = w.HTML()
        for image, css in ((self.image, "kit-explorer-maps"), (self.input_image, "kit-explorer-input-image"),
                           (self.colorbar, "kit-explorer-colorbar")):
            image.add_class(css)  # stable names for pages and tests: which picture is which
        self.layer_menu.observe(self._on_layer, names="value")
        self.sample_slider.observe(self._on_change, names="value")
        self.scale_toggle.observe(self._on_change, names="value")
        self.prev_button.on_click(lambda _b: self.set_page(self.page - 1))
        self.next_button.on_click(lambda _b: self.set_page(self.page + 1))
        controls = w.HBox([self.layer_menu, self.sample_slider])
        self.paging = w.HBox([self.prev_button, self.next_button, self.scale_toggle])
        # the input sample left of the layer's output, the colour scale under the maps;
        # in a cell too narrow for both side by side the input goes above
        self.source_box = source_box = w.VBox([self.input_caption, self.input_image],
                                              layout=w.Layout(flex="0 0 auto", margin="0 16px 0 0"))
        output_box = w.VBox([self.image, self.colorbar, self.colorbar_caption],
                            layout=w.Layout(flex="0 1 auto", min_width="0", max_width="100%"))
        self.pictures = w.HBox([source_box, output_box],
                               layout=w.Layout(flex_flow="row wrap", align_items="flex-start", width="100%"))
        self.widget = w.VBox([controls, self.paging, self.caption, self.pictures])
        self.widget.add_class(self.css_class)
        self.redraw()

    # -- logic facade (public API) -----------------------------------------------
    @property
    def layer_names(self):
        return list(self.source.layer_names)

    def activations(self, layer, sample=0):
        return self.source.activations(layer, sample)

    def stats(self, layer):
        return self.source.stats(layer)

    def render(self, layer, sample=0, page=0) -> bytes:
        """PNG bytes of the layer's view for one sample and page (the caption goes to ``last_caption``)."""
        png, caption = self.source.render(layer, sample, page, scale=self.scale_toggle.value, per_page=self.per_page)
        self.last_caption = caption
        return png

    def selectable_names(self):
        return self.source.layer_names

    def select(self, name):
        """Show ``name`` (also called by linked views)."""
        if name not in self.source.layer_names:
            raise KeyError(f"No layer named {name!r}; choose one of: {', '.join(self.source.layer_names)}")
        self.layer_menu.value = name  # triggers _on_layer

    def set_page(self, page):
        pages = self.source.pages(self._selected, self.per_page)
        self.page = min(max(int(page), 0), pages - 1)
        self.redraw()

    # -- view ------------------------------------------------------------------------
    def _on_layer(self, change):
        self._selected = change["new"]
        self.page = 0
        self.redraw()
        self._notify(self._selected)

    def _on_change(self, _change):
        self.redraw()

    def redraw(self):
        name = self._selected
        png = self.render(name, self.sample_slider.value, self.page)
        self.image.value = png
        width, height = png_size(png)
        # shown at its own size (integer-scaled maps stay crisp), never stretched to the cell's width
        _size_image(self.image, width, height)
        self._show_controls(name)
        self.caption.value = _PIXELATED + self._caption_html(name)
        sample = self.sample_slider.value
        source, source_caption = self.source.render_input(sample)
        self.input_image.value = source
        _size_image(self.input_image, *png_size(source))
        # as wide as the picture (its caption wraps under it), so that it fits beside the maps
        self.source_box.layout.width = f"{max(png_size(source)[0], 120)}px"
        self.input_caption.value = (f"<div class='kit-explorer-input' style='white-space:normal;line-height:1.3'>"
                                    f"<b>input</b> · sample {sample}<br><small>{html.escape(source_caption)}</small></div>")
        bar = self.colour_bar(name, sample, width=min(width, 360))
        if bar is None:
            self.colorbar.layout.display = self.colorbar_caption.layout.display = "none"
        else:
            self.colorbar.value, bar_caption = bar
            _size_image(self.colorbar, *png_size(bar[0]))
            self.colorbar.layout.display = self.colorbar_caption.layout.display = ""
            self.colorbar_caption.value = f"<small class='kit-explorer-scale'>{html.escape(bar_caption)}</small>"

    def colour_bar(self, layer, sample=0, width=320):
        """``(png, caption)`` of the colour scale of the layer's picture with the current scale
        switch, or None for a layer drawn as bars."""
        if self.source.view_kind(layer) == "vector":
            return None
        return images.colour_bar(self.source.colour_scale(layer, sample, self.scale_toggle.value), width=width)

    def _show_controls(self, name):
        """Only the controls that do something for this layer: paging where there are pages (named
        after what they page), the colour-scale switch for maps and sequences."""
        kind = self.source.view_kind(name)
        pages = self.source.pages(name, self.per_page)
        what = {"grid": "channels", "sequence": "features"}.get(kind, "units")
        self.prev_button.description, self.next_button.description = f"◀ {what}", f"{what} ▶"
        self.prev_button.disabled = self.page <= 0
        self.next_button.disabled = self.page >= pages - 1
        shown = "" if pages > 1 else "none"
        self.prev_button.layout.display = self.next_button.layout.display = shown
        self.scale_toggle.layout.display = "" if kind in ("grid", "sequence") else "none"
        self.paging.layout.display = "none" if shown == "none" and kind == "vector" else ""

    def _caption_html(self, name):
        sample = self.sample_slider.value
        s = self.source.sample_stats(name, sample)
        shape = tuple(self.source.layer_batch(name).shape[1:])
        dead = ""
        whole = self.source.stats(name)
        if whole["dead_channels"]:
            dead = (f" · <b>{whole['dead_channels']} of {whole['channels']} channels are zero for every sample "
                    f"of the {self.source.n_samples}</b>")
        return (
            f"<div class='kit-explorer-caption'><code>{html.escape(name)}</code> "
            f"({html.escape(self.source.layer_type(name))}) output {shape} · "
            f"{html.escape(self.last_caption)} · sample {sample}: range [{s['min']:.3g}, {s['max']:.3g}], "
            f"mean {s['mean']:.3g}, zeros {100 * s['zero_share']:.0f}%{dead}</div>"
        )

    def _repr_html_(self):
        name = self._selected
        sample = self.sample_slider.value
        png = self.render(name, sample, self.page)
        source, _ = self.source.render_input(sample)
        bar = self.colour_bar(name, sample, width=min(png_size(png)[0], 360))
        crisp = "image-rendering:pixelated;max-width:100%"
        scale = f"<br>{png_img_tag(bar[0], alt='colour scale', style=crisp)}<br><small>{html.escape(bar[1])}</small>" if bar else ""
        return (
            f"<div class='{self.css_class}-static'>{self._caption_html(name)}"
            f"<div style='display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start'>"
            f"<div><b>input</b> · sample {sample}<br>{png_img_tag(source, alt='input sample', style=crisp)}</div>"
            f"<div>{png_img_tag(png, alt=f'outputs of {name}', style=crisp)}{scale}</div></div></div>"
        )

    def __repr__(self):
        return f"LayerOutputExplorer({len(self.source.layer_names)} layers, {self.source.n_samples} samples, showing {self._selected!r})"
