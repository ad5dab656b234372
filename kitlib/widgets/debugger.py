"""A safe ``add()`` / ``pop()`` / ``summary()`` loop: ``SequentialDebugger(input_shape)``.

In Keras 3 a failed ``model.add(layer)`` leaves the bad layer inside the
model, so every later ``add()`` fails the same way until ``pop()``.  The
debugger makes ``add`` transactional: the layer is first tried on a copy,
symbolically, on the current output shape; only when that works is it added
to the real model (and if even that fails, it is removed again).  ``.model``
is therefore always a valid ``keras.Sequential``.

Logic: :class:`DebuggerCore` (no widgets).  View: :class:`SequentialDebugger`
(CSS class ``kit-debugger``): an add-layer form (layer type + its main
arguments), Add and Undo buttons, the summary table with the last change
highlighted (headed by the model's input, then each layer's output shape,
parameter arithmetic, activation memory and MACs), and the error panel with the explanation.

Example::

    from keras import layers
    from kitlib.widgets import SequentialDebugger
    dbg = SequentialDebugger((28, 28, 1))
    dbg.add(layers.Conv2D(8, 3))           # True
    dbg.add(layers.Conv2D(8, 30))          # False: dbg.error explains why
    dbg.rows[-1]["param_formula"]          # '3*3*1*8 + 8 = 80'
    dbg                                    # in a notebook: the widget
"""
from __future__ import annotations

import ast
import html
import warnings

from kitlib import keras_compat as kc
from kitlib.widgets._base import WidgetView

# The form's layer types and the arguments it pre-fills for each (editable text).
LAYER_TEMPLATES = {
    "Dense": "units=10, activation='relu'",
    "Conv2D": "filters=32, kernel_size=3, activation='relu', padding='valid'",
    "MaxPooling2D": "pool_size=2",
    "AveragePooling2D": "pool_size=2",
    "GlobalMaxPooling2D": "",
    "GlobalAveragePooling2D": "",
    "Flatten": "",
    "Dropout": "rate=0.5",
    "Reshape": "target_shape=(28, 28, 1)",
    "Conv2DTranspose": "filters=16, kernel_size=3, activation='relu'",
    "UpSampling2D": "size=2",
    "BatchNormalization": "",
    "Conv1D": "filters=32, kernel_size=3, activation='relu'",
    "LSTM": "units=32",
    "GRU": "units=32",
    "Embedding": "input_dim=1000, output_dim=64",
    "Activation": "activation='softmax'",
}


def parse_arguments(text: str):
    """``"32, 3, activation='relu'"`` -> ``([32, 3], {"activation": "relu"})`` (literals only).

    Raises ValueError with a readable message for anything that is not a
    comma-separated list of Python literals / ``name=literal`` pairs.
    """
    text = (text or "").strip()
    if not text:
        return [], {}
    try:
        call = ast.parse(f"f({text})", mode="eval").body
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    except (SyntaxError, ValueError) as err:
        raise ValueError(
            f"Could not read the arguments {text!r}: write them as in Python, "
            "e.g. filters=32, kernel_size=3, activation='relu'"
        ) from err
    if any(k is None for k in kwargs):
        raise ValueError("**kwargs are not supported in the form; write each argument as name=value.")
    return args, kwargs


def _clone(layer):
    """A fresh copy of ``layer`` from its config (None when the layer cannot be copied)."""
    try:
        return type(layer).from_config(layer.get_config())
    except Exception:  # noqa: BLE001 - custom layers without a complete get_config
        return None


def _symbolic_trial(layer, tensor):
    """Call ``layer`` on a symbolic ``tensor`` without allocating its weights.

    Inside a ``keras.StatelessScope(initialize_variables=False)`` the weights a
    layer creates in ``build`` stay uninitialised (no backend memory, no random
    numbers drawn); Keras registers them for a later initialisation, so they are
    taken off that list again.  The trial layer is thrown away afterwards.
    """
    import keras

    try:
        scope = keras.StatelessScope(initialize_variables=False)
    except (AttributeError, TypeError):  # pragma: no cover - older Keras: plain trial
        return layer(tensor)
    try:
        with scope:
            return layer(tensor)
    except ValueError as err:
        if "stateless scope" not in str(err):
            raise
        # a layer that builds weights from concrete values: try a fresh copy for real
        fresh = _clone(layer) or layer
        return fresh(tensor)
    finally:
        kc.forget_uninitialized(layer.weights)


class DebuggerCore:
    """The logic of the debugger: a Sequential model that only ever accepts layers that work.

    Attributes:
        model: the live ``keras.Sequential`` (always valid: built, with an Input).
        error: the :class:`kitlib.diagnose.Explanation` of the last refused layer, or None.
        warning: an Explanation of a suspicious but accepted step (Dense on a 4-D
            tensor, ``input_shape=`` passed to a layer), or None.
        changed: names of the rows the last step added (for highlighting).
        history: a log of the steps, e.g. ``["add conv2d", "refused conv2d_1", "pop conv2d"]``.
    """

    def __init__(self, input_shape, name=None):
        import keras

        if isinstance(input_shape, int) or not isinstance(input_shape, (tuple, list)):
            raise ValueError(
                f"input_shape must be a tuple such as (28, 28, 1) or (784,), got {input_shape!r}. "
                "A single number needs a trailing comma: (784,)."
            )
        if any(d is not None and (not isinstance(d, int) or d <= 0) for d in input_shape):
            raise ValueError(f"input_shape must hold positive integers (or None), got {tuple(input_shape)}.")
        self.input_shape = tuple(input_shape)
        self.model = keras.Sequential([keras.Input(shape=self.input_shape)], name=name)
        self.error = None
        self.warning = None
        self.changed = []
        self.history = []

    @property
    def output_shape(self):
        """The current model's output shape (the input shape when no layer was added yet)."""
        if self.model.layers:
            return tuple(self.model.outputs[0].shape)
        return (None,) + self.input_shape

    @property
    def rows(self):
        """One dict per layer (see :func:`kitlib.modelinfo.layer_rows`)."""
        from kitlib.modelinfo import layer_rows

        return layer_rows(self.model)

    def _refuse(self, err, layer):
        from kitlib.diagnose import explain

        self.error = explain(err, self.model, layer=layer)
        if self.error.layer is None:
            self.error.layer = getattr(layer, "name", None)
        self.changed = []
        self.history.append(f"refused {getattr(layer, 'name', layer)}")
        return False

    def add(self, layer) -> bool:
        """Try ``layer`` on a copy first; add it only if it works.  Returns True when added."""
        import keras
        from kitlib.diagnose import explain, lint

        self.error = None
        self.warning = None
        if not isinstance(layer, keras.layers.Layer) or type(layer).__name__ == "InputLayer":
            from kitlib.diagnose import Explanation

            is_input = type(layer).__name__ == "InputLayer" or kc.is_symbolic_tensor(layer)
            self.error = Explanation(
                "not_a_layer",
                None,
                "The debugger already starts with keras.Input(shape=...); an Input cannot be added again."
                if is_input
                else f"Only Keras layers can be added, got {type(layer).__name__}: {layer!r}.",
                "Add a layer object, e.g. dbg.add(keras.layers.Dense(10)); the input shape is given "
                "when the debugger is created.",
            )
            self.changed = []
            self.history.append(f"refused {type(layer).__name__}")
            return False
        caught = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            trial = _clone(layer)
            if trial is not None:
                try:
                    _symbolic_trial(trial, keras.Input(batch_shape=self.output_shape))
                except Exception as err:  # noqa: BLE001 - every failure is explained
                    return self._refuse(err, layer)
            before = list(self.model.layers)
            try:
                self.model.add(layer)
            except Exception as err:  # noqa: BLE001
                if len(self.model.layers) > len(before) and self.model.layers[-1] is layer:
                    self.model.pop()  # Keras 3 keeps the failed layer: take it out again
                return self._refuse(err, layer)
        legacy = [w for w in caught if "input_shape" in str(w.message) or "input_dim" in str(w.message)]
        if legacy:
            self.warning = explain(legacy[0], self.model, layer=layer)
        findings = [f for f in lint(self.model) if f.layer == layer.name]
        if findings:
            self.warning = findings[0]
        self.changed = [layer.name]
        self.history.append(f"add {layer.name}")
        return True

    def add_by_type(self, layer_type: str, arguments: str = "") -> bool:
        """Build a layer from the form's text (``"Conv2D"``, ``"filters=8, kernel_size=3"``) and add it."""
        import keras

        self.error = None
        cls = getattr(keras.layers, layer_type, None)
        if cls is None or not isinstance(cls, type):
            return self._refuse(ValueError(f"keras.layers has no layer type {layer_type!r}"), None)
        kwargs = {}
        try:
            args, kwargs = parse_arguments(arguments)
            with warnings.catch_warnings(record=True):
                warnings.simplefilter("always")
                layer = cls(*args, **kwargs)
        except Exception as err:  # noqa: BLE001 - wrong arguments are explained like any error
            from kitlib.diagnose import Explanation, unknown_argument

            named = unknown_argument(cls, kwargs, err) if kwargs else None
            if named is not None:  # a misspelt keyword: name the one the layer's signature has
                named.layer = None
                self.error = named
                self.changed = []
                self.history.append(f"refused {layer_type}({arguments})")
                return False
            self.error = Explanation(
                "arguments",
                None,
                f"{layer_type}({arguments}) could not be created: {err}",
                f"Check the argument names and values of keras.layers.{layer_type}.",
                original=str(err),
            )
            self.changed = []
            self.history.append(f"refused {layer_type}({arguments})")
            return False
        return self.add(layer)

    def pop(self):
        """Remove the last layer (returns it, or None when only the Input is left)."""
        self.error = None
        self.warning = None
        if not self.model.layers:
            from kitlib.diagnose import Explanation

            self.error = Explanation(
                "pop_empty",
                None,
                "There is no layer to remove: the model holds only its Input. On a plain keras.Sequential, "
                "pop() here would remove the Input itself and then fail with IndexError (list index out of "
                "range), leaving a model with no input shape; the debugger keeps the Input and changes nothing.",
                "Add a layer first (with the form above, or the debugger's add(layer)); pop() takes back the last "
                "layer added.",
                severity="warning",
            )
            self.changed = []
            self.history.append("pop refused: no layer left")
            return None
        layer = self.model.pop()
        self.changed = []
        self.history.append(f"pop {layer.name}")
        return layer


class SequentialDebugger(WidgetView):
    """The add/pop/summary debugger as a widget (CSS class ``kit-debugger``).

    Public API: ``add(layer) -> bool``, ``pop()``, ``model``, ``rows``,
    ``error``, ``warning``; plus ``select(name)`` / ``on_select(callback)`` to
    link the summary with an explorer or a graph (:func:`kitlib.widgets.link`).

    Child widgets: ``type_menu`` (Dropdown of layer types), ``args_text``
    (Text, the layer's main arguments), ``add_button``, ``pop_button``,
    ``summary`` (HTML table), ``error_panel`` (HTML), ``layer_menu`` (Dropdown
    to select a layer row).

    With ``samples=`` (a few inputs, e.g. ``x_train[:4]``) the debugger also
    shows a :class:`~kitlib.widgets.LayerOutputExplorer` under the summary: it
    follows the selected row and is rebuilt after every add/pop (``.explorer``).
    """

    css_class = "kit-debugger"

    def __init__(self, input_shape, name=None, layers=(), samples=None):
        super().__init__()
        import ipywidgets as w

        self.core = DebuggerCore(input_shape, name=name)
        self.type_menu = w.Dropdown(options=list(LAYER_TEMPLATES), value="Conv2D", description="layer")
        self.args_text = w.Text(
            value=LAYER_TEMPLATES["Conv2D"], description="arguments", layout=w.Layout(width="460px", max_width="100%")
        )
        self.add_button = w.Button(description="add()", button_style="primary", icon="plus")
        self.pop_button = w.Button(description="pop()", icon="undo")
        self.layer_menu = w.Dropdown(options=[], description="select")
        # never wider than the cell: a table wider than what is left scrolls inside it, not past its edge
        self.summary = w.HTML(layout=w.Layout(max_width="100%", min_width="0"))
        self.error_panel = w.HTML(layout=w.Layout(max_width="100%", min_width="0"))
        self.type_menu.observe(self._on_type, names="value")
        self.add_button.on_click(self._on_add)
        self.pop_button.on_click(self._on_pop)
        self.layer_menu.observe(self._on_layer, names="value")
        # in a narrow cell (the file browser open) the buttons go to a second line, not past the edge
        form = w.HBox([self.type_menu, self.args_text, self.add_button, self.pop_button],
                      layout=w.Layout(flex_flow="row wrap", max_width="100%"))
        self.samples = samples
        self.explorer = None
        self.explorer_box = w.VBox()
        self._explored_model = None
        if samples is not None:
            import numpy as np

            got = tuple(np.shape(samples)[1:])
            if got != self.core.input_shape:
                raise ValueError(
                    f"samples must have shape (n, {', '.join(map(str, self.core.input_shape))}) to match "
                    f"input_shape {self.core.input_shape}; got samples of shape {np.shape(samples)}."
                )
        self.widget = w.VBox([form, self.error_panel, self.summary, self.layer_menu, self.explorer_box])
        self.widget.add_class(self.css_class)
        for layer in layers:
            self.core.add(layer)
        self.redraw()

    # -- public API ------------------------------------------------------------------
    @property
    def model(self):
        return self.core.model

    @property
    def rows(self):
        return self.core.rows

    @property
    def error(self):
        return self.core.error

    @property
    def warning(self):
        return self.core.warning

    def add(self, layer) -> bool:
        ok = self.core.add(layer)
        self.redraw()
        return ok

    def pop(self):
        layer = self.core.pop()
        self.redraw()
        return layer

    def selectable_names(self):
        return [layer.name for layer in self.model.layers]

    def select(self, name):
        if name in self.selectable_names():
            self.layer_menu.value = name

    # -- view ------------------------------------------------------------------------
    def _on_type(self, change):
        self.args_text.value = LAYER_TEMPLATES.get(change["new"], "")

    def _on_add(self, _button):
        self.core.add_by_type(self.type_menu.value, self.args_text.value)
        self.redraw()

    def _on_pop(self, _button):
        self.pop()

    def _on_layer(self, change):
        if getattr(self, "_updating_menu", False):
            return
        if change["new"] and change["new"] != self._selected:
            self._selected = change["new"]
            self._draw_summary()
            if self.explorer is not None and self.explorer.selected != self._selected:
                self.explorer.select(self._selected)
            self._notify(self._selected)

    def _update_explorer(self):
        """Rebuild the embedded explorer when the model's layers changed (only with samples=)."""
        if self.samples is None:
            return
        from kitlib.widgets.explorer import LayerOutputExplorer

        signature = tuple(id(layer) for layer in self.model.layers)
        if signature == self._explored_model:
            return
        self._explored_model = signature
        if not signature:
            self.explorer = None
            self.explorer_box.children = ()
            return
        self.explorer = LayerOutputExplorer(self.model, self.samples, layer=self._selected)
        self.explorer.on_select(self.select)
        self.explorer_box.children = (self.explorer.widget,)

    def _draw_summary(self):
        from kitlib.modelinfo import ModelInfo

        info = ModelInfo(self.model)
        self.summary.value = info.to_html(changed=self.core.changed, selected=self._selected, **self._table_form())

    def _table_form(self):
        """Like Keras' summary, no input column (each row's input is the output of the row above),
        headed by the model's input: eight columns did not fit a cell with the file browser open."""
        return {"input_column": False, "model_input": (None,) + self.core.input_shape}

    def redraw(self):
        """Refresh the summary, the error panel and the layer menu after a step."""
        names = self.selectable_names()
        if self.core.changed and self.core.changed[-1] in names:
            self._selected = self.core.changed[-1]  # follow the layer just added
        if self._selected not in names:  # popped: the layer above it, which is now the last
            self._selected = names[-1] if names else None
        # New options make the Dropdown jump to its first entry and report that as a choice:
        # keep the selection decided above while the menu is rebuilt.
        self._updating_menu = True
        try:
            if tuple(self.layer_menu.options) != tuple(names):
                self.layer_menu.options = names
            if self.layer_menu.value != self._selected:
                self.layer_menu.value = self._selected
        finally:
            self._updating_menu = False
        self._draw_summary()
        self.error_panel.value = self._panel_html()
        self._update_explorer()

    def _panel_html(self):
        parts = []
        if self.core.error is not None:
            parts.append(self.core.error.to_html())
        if self.core.warning is not None:
            parts.append(self.core.warning.to_html())
        if not parts and self.core.history:
            last = self.core.history[-1]
            parts.append(f"<div class='kit-debugger-status'>✔ {html.escape(last)}: output {self.core.output_shape}</div>")
        return "".join(parts)

    def _repr_html_(self):
        from kitlib.modelinfo import ModelInfo

        return (
            f"<div class='{self.css_class}-static'><b>Sequential debugger</b> — input "
            f"{(None,) + self.core.input_shape}{self._panel_html()}"
            f"{ModelInfo(self.model).to_html(changed=self.core.changed, selected=self._selected, **self._table_form())}</div>"
        )

    def __repr__(self):
        return f"SequentialDebugger({len(self.model.layers)} layers, output {self.core.output_shape})"
