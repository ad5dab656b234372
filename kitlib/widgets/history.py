"""Training curves while ``fit()`` runs: ``LiveHistory()``, a Keras callback (CSS class ``kit-history``).

Pass it to ``fit(..., callbacks=[LiveHistory()])``.  After every epoch it
redraws one panel per metric (loss, accuracy, ...) with the training curve and
the validation curve (``val_*``) when there is one.  In a notebook it shows a
live widget during training; when training ends, the cell output also holds
the final picture as a plain PNG, so the notebook still shows the curves
after export to HTML, on GitHub, or when executed headless by nbval.
Drawing uses Matplotlib's object API on an Agg canvas (no pyplot, no GUI
backend, nothing written to stderr).

Logic: :class:`HistoryLog` (the numbers) and :func:`plot_history` (PNG bytes).

Example::

    from kitlib.widgets import LiveHistory
    live = LiveHistory()
    model.fit(x, y, epochs=3, validation_split=0.2, verbose=0, callbacks=[live])
    live.history["val_loss"]     # one value per epoch
    live.png()                   # PNG bytes of the final curves (twice the shown size: crisp)
"""
from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass, field

from kitlib.widgets._base import WidgetView, png_img_tag


@dataclass
class HistoryLog:
    """Per-epoch values of every logged metric: ``{"loss": [...], "val_loss": [...], ...}``."""

    values: dict = field(default_factory=dict)

    def record(self, logs):
        for key, value in (logs or {}).items():
            try:
                number = float(value)
            except (TypeError, ValueError):
                continue
            self.values.setdefault(key, []).append(number)

    @property
    def epochs(self) -> int:
        return max((len(v) for v in self.values.values()), default=0)

    def panels(self):
        """Metric names without the ``val_`` prefix, loss first: ``["loss", "accuracy"]``."""
        names = []
        for key in self.values:
            base = key[4:] if key.startswith("val_") else key
            if base not in names and base not in ("learning_rate", "lr"):
                names.append(base)
        return sorted(names, key=lambda n: n != "loss")  # stable: first-seen order after loss


PIXEL_DENSITY = 2  # PNGs are drawn at twice the pixels they are shown at: crisp on high-density screens


def plot_history(log: HistoryLog, title: str | None = None, width=6.4, height=2.8, dpi=80,
                 epochs: int | None = None, density: int = PIXEL_DENSITY) -> bytes:
    """PNG bytes of :func:`history_figure`."""
    figure = history_figure(log, title, width=width, height=height, dpi=dpi, epochs=epochs, density=density)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def history_figure(log: HistoryLog, title: str | None = None, width=6.4, height=2.8, dpi=80,
                   epochs: int | None = None, density: int = PIXEL_DENSITY):
    """A Matplotlib figure (Agg) with one panel per metric: training (solid) and validation (dashed) per epoch.

    Args:
        epochs: the planned number of epochs: the x axis spans them from the start, so the
            panel shows its axes (and "waiting for the first epoch…") before any value exists.
        dpi: dots per inch *as shown*; the PNG has ``density`` times as many pixels (show it at
            ``width * dpi`` CSS pixels: :func:`shown_width`).

    Epoch ticks are whole numbers (1, 2, ...; thinned to at most about 10).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    panels = log.panels() or ["loss"]
    cols = min(len(panels), 3)
    rows = math.ceil(len(panels) / cols)
    figure = Figure(figsize=(width, height * rows), dpi=dpi * density)
    FigureCanvasAgg(figure)
    last = max(log.epochs, int(epochs or 0), 1)
    step = max(1, math.ceil(last / 10))
    for i, name in enumerate(panels):
        ax = figure.add_subplot(rows, cols, i + 1)
        for key, style, label in ((name, "-o", "training"), ("val_" + name, "--s", "validation")):
            series = log.values.get(key)
            if series:
                ax.plot(range(1, len(series) + 1), series, style, markersize=3, label=label)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.set_xlim(0.5, last + 0.5)
        ax.set_xticks(range(1, last + 1, step))
        ax.grid(alpha=0.3)
        if any(log.values.get(k) for k in (name, "val_" + name)):
            ax.legend(fontsize=8)
        else:
            ax.set_yticks([])
            ax.text(0.5, 0.5, "waiting for the first epoch…", ha="center", va="center", transform=ax.transAxes,
                    color="#666666")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def shown_width(png: bytes, density: int = PIXEL_DENSITY) -> int:
    """The CSS width, in pixels, to show a :func:`plot_history` PNG at (its pixel width / density)."""
    return max(1, int.from_bytes(png[16:20], "big") // density)


def _keras_callback_base():
    """keras.callbacks.Callback, with TensorFlow's start-up noise kept off stderr."""
    from kitlib.environment import import_tensorflow_quietly

    _tf, keras = import_tensorflow_quietly()
    return keras.callbacks.Callback


def _make_live_history_class():
    Callback = _keras_callback_base()

    class LiveHistory(Callback, WidgetView):
        """Live loss/metric curves during ``fit()`` that leave a static PNG behind.

        Args:
            title: optional figure title.
            display: show the widget automatically when training starts (in a
                notebook).  With ``display=False`` show it yourself (``live``
                in a cell) or just read ``live.history`` / ``live.png()``.
            every: redraw every this many epochs (the final picture is always drawn).

        Public API: ``history`` (dict of lists), ``png()``, ``widget``
        (ipywidgets VBox with class ``kit-history``), ``image`` (the Image widget).
        """

        css_class = "kit-history"

        def __init__(self, title=None, display=True, every=1):
            Callback.__init__(self)
            WidgetView.__init__(self)
            import ipywidgets as w

            self.title = title
            self.auto_display = display
            self.every = max(1, int(every))
            self.log = HistoryLog()
            self.image = w.Image(format="png")
            self.status = w.HTML("not trained yet")
            self.widget = w.VBox([self.status, self.image])
            self.widget.add_class(self.css_class)
            self._handle = None
            self._png = None
            self._total = None
            self.draws = 0

        @property
        def history(self):
            return self.log.values

        def png(self) -> bytes:
            """PNG bytes of the curves so far (drawn at twice the shown size)."""
            if self._png is None:
                self._png = plot_history(self.log, self.title, epochs=self._total)
            return self._png

        def _redraw(self):
            self._png = plot_history(self.log, self.title, epochs=self._total)
            self.draws += 1
            self.image.value = self._png
            self.image.layout.width = f"{shown_width(self._png)}px"  # not stretched: crisp

        # -- Keras callback hooks ------------------------------------------------------
        def on_train_begin(self, logs=None):
            self._total = (self.params or {}).get("epochs")
            self.status.value = f"training… ({self._total} epochs planned)" if self._total else "training…"
            self._redraw()  # the axes with the planned epochs, before the first epoch ends
            if self.auto_display and self._handle is None:
                self._handle = _display(self._bundle(), display_id=True, metadata=self._metadata())

        def on_epoch_end(self, epoch, logs=None):
            self.log.record(logs)
            total = f"/{self._total}" if getattr(self, "_total", None) else ""
            summary = ", ".join(f"{k} {v[-1]:.4g}" for k, v in self.log.values.items())
            self.status.value = f"epoch {epoch + 1}{total}: {summary}"
            if (epoch + 1) % self.every == 0:
                self._redraw()

        def on_train_end(self, logs=None):
            self._redraw()
            self.status.value = self.status.value.replace("training…", "done")
            if self._handle is not None:
                self._handle.update(self._bundle(), raw=True, metadata=self._metadata())
                self._handle = None  # a later fit() (in another cell) shows its own output

        # -- display -----------------------------------------------------------------------
        def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
            if not self.image.value:  # shown before training: the empty axes, not a broken image
                self._redraw()
            return WidgetView._repr_mimebundle_(self, include=include, exclude=exclude, **kwargs)

        def _bundle(self):
            """Widget view plus the PNG and HTML fallbacks, as one display bundle."""
            bundle = self._repr_mimebundle_()
            bundle["image/png"] = base64.b64encode(self.png()).decode("ascii")
            return bundle

        def _metadata(self):
            """Show the static PNG at its CSS size (it has twice the pixels)."""
            return {"image/png": {"width": shown_width(self.png())}}

        def _repr_html_(self):
            epochs = self.log.epochs
            text = f"{epochs} epoch(s)" if epochs else "not trained yet"
            png = self.png()
            tag = png_img_tag(png, alt="training curves", style=f"width:{shown_width(png)}px;max-width:100%")
            return f"<div class='{self.css_class}-static'><div>{text}</div>{tag}</div>"

        def _repr_png_(self):
            return self.png()

        def __repr__(self):
            return f"LiveHistory({self.log.epochs} epochs, metrics {list(self.log.values)})"

    return LiveHistory


def _display(bundle, display_id=True, metadata=None):
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is None:
            return None
        return display(bundle, raw=True, display_id=display_id, metadata=metadata)
    except ImportError:  # pragma: no cover
        return None


_CLASS = {}


def __getattr__(name):  # PEP 562: build the class (which subclasses keras' Callback) on first use
    if name == "LiveHistory":
        if "LiveHistory" not in _CLASS:
            _CLASS["LiveHistory"] = _make_live_history_class()
        return _CLASS["LiveHistory"]
    raise AttributeError(name)
