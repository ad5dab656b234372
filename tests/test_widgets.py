"""Headless tests of kitlib.widgets: the logic classes and the views driven through their child widgets.

ipywidgets 8 swallows exceptions raised in ``on_click`` callbacks: outside a
kernel it only logs them on the 'traitlets' logger (CallbackDispatcher in
ipywidgets/widgets/widget.py).  The autouse fixture below turns every such
log record into a test failure, and also fails a test that writes to stderr
or emits a warning from Keras.
"""
from __future__ import annotations

import importlib.util
import logging
import os
import re
import sys
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras import layers  # noqa: E402

import kitlib.widgets as kw  # noqa: E402
from kitlib.modelinfo import ROW_KEYS, layer_rows  # noqa: E402
from kitlib.widgets import LayerOutputExplorer, LiveHistory, ModelGraph, SequentialDebugger, link  # noqa: E402
from kitlib.widgets.explorer import ActivationSource  # noqa: E402
from kitlib.widgets.graph import graph_of, svg_python  # noqa: E402


def _text(markup: str) -> str:
    """The text of an HTML fragment (tags removed)."""
    return re.sub(r"<[^>]+>", "", markup)


def _load_guide_models():
    """The guide model builders live in test_modelinfo.py; load them by path (no package needed)."""
    path = Path(__file__).with_name("test_modelinfo.py")
    spec = importlib.util.spec_from_file_location("_kit_guide_models", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("_kit_guide_models", module)
    spec.loader.exec_module(module)
    return module


guide = _load_guide_models()
PNG = b"\x89PNG\r\n\x1a\n"


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def strict_widgets(capfd, monkeypatch):
    """Fail on swallowed widget-callback exceptions, on Keras warnings and on stderr output."""
    from IPython import get_ipython
    from traitlets.log import get_logger

    handler = _Collect()
    # ipywidgets reports a callback's exception in one of two ways: with an IPython shell in the
    # process (an earlier test may have made one) it calls the shell's showtraceback(), otherwise
    # it logs through traitlets' logger, or a running Application's logger once one exists.
    # Listen on all three.
    loggers = {logging.getLogger("traitlets"), get_logger()}
    for logger in loggers:
        logger.addHandler(handler)
    shell = get_ipython()
    if shell is not None:
        def record_traceback(*args, **kwargs):
            handler.emit(logging.LogRecord("ipython", logging.ERROR, __file__, 0,
                                           "Exception in callback (shown by IPython)", None, sys.exc_info()))
        monkeypatch.setattr(shell, "showtraceback", record_traceback)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield handler
    for logger in loggers:
        logger.removeHandler(handler)
    failures = [r.getMessage() + ("\n" + logging.Formatter().formatException(r.exc_info) if r.exc_info else "") for r in handler.records]
    assert not failures, "exception swallowed by an ipywidgets callback:\n" + "\n".join(failures)
    noisy = [
        str(w.message)
        for w in caught
        if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))
        and ("keras" in str(w.filename) or "kitlib" in str(w.filename))
    ]
    assert not noisy, f"warnings emitted: {noisy}"
    assert capfd.readouterr().err == "", "something was written to stderr"


def test_swallowed_callback_exception_is_caught_by_the_fixture(strict_widgets):
    import ipywidgets as w

    button = w.Button()
    button.on_click(lambda _b: 1 / 0)
    button.click()  # ipywidgets logs the ZeroDivisionError instead of raising it
    assert strict_widgets.records and "Exception in callback" in strict_widgets.records[0].getMessage()
    strict_widgets.records.clear()  # this test wanted the record; the others must not have one


# --------------------------------------------------------------------------------- debugger
def model_signature(model):
    return [(l.name, type(l).__name__) for l in model.layers], model.count_params()


def test_debugger_builds_guide_a4_through_the_form():
    dbg = SequentialDebugger((250, 250, 3))
    assert "kit-debugger" in dbg.widget._dom_classes
    steps = [
        ("Conv2D", "32, 5, strides=2, activation='relu'"),
        ("Conv2D", "32, 3, activation='relu'"),
        ("MaxPooling2D", "3"),
    ]
    for kind, args in steps:
        dbg.type_menu.value = kind
        dbg.args_text.value = args
        dbg.add_button.click()
        assert dbg.error is None, dbg.error
    assert dbg.rows[-1]["output_shape"] == (None, 40, 40, 32)
    assert dbg.model.count_params() == 11_680
    assert "kit-changed" in dbg.summary.value and "5*5*3*32 + 32 = 2432" in _text(dbg.summary.value)
    for kind, args in [("Conv2D", "32, 3, activation='relu'")] * 2 + [("MaxPooling2D", "3")] + [
        ("Conv2D", "32, 3, activation='relu'")
    ] * 2 + [("MaxPooling2D", "2"), ("GlobalMaxPooling2D", ""), ("Dense", "10")]:
        dbg.type_menu.value = kind
        dbg.args_text.value = args
        dbg.add_button.click()
    assert len(dbg.model.layers) == 11 and dbg.model.count_params() == 49_002
    assert [tuple(r) for r in dbg.rows] == [ROW_KEYS] * 11


def test_failed_add_leaves_model_unchanged_and_explains():
    dbg = SequentialDebugger((28, 28, 1))
    assert dbg.add(layers.Conv2D(8, 3, name="c1"))
    assert dbg.add(layers.MaxPooling2D(2))
    before = model_signature(dbg.model)
    bad = layers.Conv2D(4, 20, name="too_big")
    assert dbg.add(bad) is False
    assert model_signature(dbg.model) == before
    assert dbg.error.layer == "too_big" and "13x13" in dbg.error.message and "20x20" in dbg.error.message
    assert "too_big" in dbg.error_panel.value and "padding" in dbg.error_panel.value
    # Keras 3 alone would keep the bad layer and refuse every later add; the debugger does not.
    assert dbg.add(layers.Flatten())
    assert dbg.error is None
    out = dbg.model(np.zeros((2, 28, 28, 1), "float32"))
    assert tuple(out.shape) == (2, 13 * 13 * 8)


def test_failed_add_on_real_model_is_rolled_back():
    """A failure only the real model sees (a duplicate name) is undone too."""
    dbg = SequentialDebugger((4,))
    assert dbg.add(layers.Dense(3, name="same"))
    assert dbg.add(layers.Dense(3, name="same")) is False
    assert [l.name for l in dbg.model.layers] == ["same"]
    assert dbg.error.kind == "duplicate_name"
    assert dbg.add(layers.Dense(2))


def test_debugger_pop_undo_and_rows():
    dbg = SequentialDebugger((784,))
    dbg.add(layers.Dense(32, activation="relu"))
    dbg.add(layers.Dense(10))
    assert dbg.rows[1]["param_formula"] == "32*10 + 10 = 330"
    assert dbg.rows[0]["activation_bytes"] == 32 * 4 and dbg.rows[0]["macs"] == 784 * 32
    dbg.pop_button.click()
    assert len(dbg.model.layers) == 1 and dbg.core.history[-1].startswith("pop")
    assert dbg.pop().name.startswith("dense")
    assert dbg.pop() is None  # only the Input left: nothing to remove, no crash
    assert dbg.rows == [] and dbg.model.weights == []
    # ... and it says so: what Keras itself would do there, and what to do instead
    assert dbg.error is not None and dbg.error.severity == "warning"
    assert "only its Input" in dbg.error.message and "IndexError" in dbg.error.message
    assert "only its Input" in dbg.error_panel.value
    assert "not built" not in dbg.summary.value  # the input's shape is known: nothing is unknown
    dbg.pop_button.click()  # the button the same way
    assert dbg.add(layers.Dense(5))
    assert dbg.error is None and dbg.rows[0]["input_shape"] == (None, 784)  # the Input was kept


@pytest.mark.parametrize(
    "layer_type, arguments, wrong, meant",
    [
        ("Conv2D", "filters=8, kernel=3", "kernel", "kernel_size"),     # Keras says: kernel_size missing
        ("Dense", "units=4, activations='relu'", "activations", "activation"),  # Keras: unrecognized
        ("MaxPooling2D", "pool=2", "pool", "pool_size"),
        ("Conv2D", "filters=8, kernel_size=3, stride=2", "stride", "strides"),
        ("Dropout", "rate=0.5, seeds=1", "seeds", "seed"),
        ("LSTM", "unit=4", "unit", "units"),
        ("Embedding", "input_dim=10, output_dim=4, mask_zeros=True", "mask_zeros", "mask_zero"),
        ("Dense", "units=4, use_bais=False", "use_bais", "use_bias"),
    ],
)
def test_debugger_names_the_intended_keyword(layer_type, arguments, wrong, meant):
    """A keyword the layer does not take is named with the one its signature has (not a fixed table)."""
    dbg = SequentialDebugger((8, 8, 3) if layer_type in ("Conv2D", "MaxPooling2D") else (6, 4))
    dbg.type_menu.value = layer_type
    dbg.args_text.value = arguments
    dbg.add_button.click()
    assert dbg.error is not None and dbg.error.kind == "unknown_argument", dbg.error
    assert dbg.error.details["unknown"] == [wrong]
    assert dbg.error.details["suggestions"][wrong][0] == meant
    assert f"{wrong}=: did you mean {meant}=" in dbg.error.message
    assert f"did you mean {meant}=" in dbg.error_panel.value
    assert len(dbg.model.layers) == 0


def test_unknown_keyword_without_a_close_name_lists_the_arguments():
    from kitlib.diagnose import accepted_arguments, unknown_argument

    why = unknown_argument(layers.Dense, {"units": 3, "colour": "red"})
    assert why.details["unknown"] == ["colour"] and why.details["suggestions"]["colour"] == []
    assert "units" in why.fix and "did you mean" not in why.message
    # legacy keywords Keras still takes through **kwargs are left to Keras when the error is another one
    assert unknown_argument(layers.Dense, {"units": -1, "input_shape": (3,)},
                            ValueError("Received an invalid value for `units`")) is None
    assert unknown_argument(layers.Dense, {"units": 3}) is None
    assert {"name", "dtype", "trainable"} <= set(accepted_arguments(layers.Conv2D))  # the bases' too
    # a word that is part of one argument's name: size -> pool_size
    assert unknown_argument(layers.MaxPooling2D, {"size": 2}).details["suggestions"]["size"][0] == "pool_size"


def test_explain_names_the_intended_keyword_from_keras_error():
    """The same for an error raised in the student's own code (kitlib.explain / explaining())."""
    with pytest.raises(ValueError) as caught:
        layers.Dense(4, activations="relu")
    from kitlib.diagnose import explain

    why = explain(caught.value)
    assert why.kind == "unknown_argument" and "did you mean activation=" in why.message


def test_debugger_warns_about_dense_on_feature_maps():
    dbg = SequentialDebugger((28, 28, 1))
    dbg.add(layers.Conv2D(8, 3))
    assert dbg.add(layers.Dense(10, name="head")) is True  # Keras accepts it ...
    assert dbg.warning is not None and dbg.warning.layer == "head"  # ... the debugger warns
    assert "Flatten" in dbg.error_panel.value


def test_debugger_bad_inputs_are_clear():
    with pytest.raises(ValueError, match=r"\(784,\)"):
        SequentialDebugger(784)
    dbg = SequentialDebugger((4,))
    assert dbg.add("Dense(3)") is False and "Only Keras layers" in dbg.error.message
    assert dbg.add(keras.Input((4,))) is False and "cannot be added again" in dbg.error.message
    dbg.type_menu.value = "Dense"
    dbg.args_text.value = "units=="
    dbg.add_button.click()
    assert dbg.error is not None and "could not be created" in dbg.error.message
    dbg.args_text.value = "units=-3"
    dbg.add_button.click()
    assert dbg.error is not None and len(dbg.model.layers) == 0


def test_debugger_static_fallback():
    dbg = SequentialDebugger((8,), layers=[layers.Dense(4)])
    bundle = dbg._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "<table" in bundle["text/html"] and "8*4 + 4 = 36" in _text(bundle["text/html"])


# --------------------------------------------------------------------------------- explorer
@pytest.fixture(scope="module")
def conv_model():
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(64, 3, activation="relu", name="c64"),
            layers.MaxPooling2D(2, name="pool"),
            layers.Conv2D(8, 3, activation="relu", name="c8"),
            layers.Flatten(name="flat"),
            layers.Dense(10, activation="softmax", name="probs"),
        ]
    )


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).random((5, 28, 28, 1), dtype=np.float32)


def test_explorer_layer_names_shapes_and_values(conv_model, images):
    explorer = LayerOutputExplorer(conv_model, images)
    assert "kit-explorer" in explorer.widget._dom_classes
    assert explorer.layer_names == ["c64", "pool", "c8", "flat", "probs"]
    for row in layer_rows(conv_model):
        assert explorer.activations(row["name"], 4).shape == row["output_shape"][1:]
    reference = keras.Model(conv_model.inputs, conv_model.get_layer("c8").output)([images])
    np.testing.assert_allclose(explorer.activations("c8", 2), np.asarray(reference)[2], rtol=1e-5, atol=1e-5)


def test_explorer_paging_reaches_every_channel(conv_model, images):
    explorer = LayerOutputExplorer(conv_model, images)
    explorer.render("c64", sample=0, page=1)
    assert explorer.last_caption.startswith("channels 16-31 of 64")
    seen = []
    explorer.select("c64")
    while True:
        first, last = map(int, re.search(r"channels (\d+)-(\d+) of 64", explorer.caption.value).groups())
        seen.extend(range(first, last + 1))
        if explorer.next_button.disabled:
            break
        explorer.next_button.click()
    assert seen == list(range(64))  # numbered from 0, like filter 0 in the chapters
    explorer.prev_button.click()
    assert "channels 32-47 of 64" in explorer.caption.value


def test_explorer_views_by_rank_and_static_fallback(conv_model, images):
    explorer = LayerOutputExplorer(conv_model, images)
    assert explorer.render("c64").startswith(PNG) and explorer.source.view_kind("c64") == "grid"
    assert explorer.render("flat").startswith(PNG) and explorer.last_caption == "units 0-63 of 968"
    assert explorer.render("probs").startswith(PNG) and explorer.last_caption.startswith("top 10 of 10")
    shared = explorer.render("c64", page=0)
    explorer.scale_toggle.value = "shared"
    assert explorer.render("c64", page=0) != shared  # another colour scale, another picture
    html = explorer._repr_html_()
    assert "data:image/png;base64," in html and "range [" in html


def test_explorer_computes_each_layer_once(conv_model, images):
    explorer = LayerOutputExplorer(conv_model, images)
    explorer.select("c64")
    explorer.select("c8")
    count = explorer.source.computations
    for sample in range(5):
        explorer.sample_slider.value = sample
    explorer.next_button.click()
    explorer.scale_toggle.value = "shared"
    explorer.select("c64")
    explorer.select("c8")
    assert explorer.source.computations == count == 2


def test_explorer_cache_budget_bounds_memory(conv_model, images):
    sizes = {name: np.prod(r["output_shape"][1:]) * 4 * len(images) for name, r in ((r["name"], r) for r in layer_rows(conv_model))}
    biggest = max(sizes.values())
    explorer = LayerOutputExplorer(conv_model, images, cache_bytes=1)  # hold one layer at a time
    for name in explorer.layer_names:
        explorer.select(name)
        assert len(explorer.source._cache) == 1
    assert explorer.source.peak_bytes == biggest


def test_explorer_statistics_find_dead_channels(images):
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(4, 3, activation="relu", name="c")])
    kernel, bias = model.layers[0].get_weights()
    bias[1] = -1000.0  # channel 2 can never fire
    model.layers[0].set_weights([kernel, bias])
    explorer = LayerOutputExplorer(model, images)
    stats = explorer.stats("c")
    assert stats["dead_channels"] == 1 and stats["channels"] == 4
    assert stats["zero_share"] >= 0.25 and stats["min"] == 0.0
    assert "1 of 4 channels are zero" in explorer.caption.value


def test_explorer_multi_input_multi_output_sequences():
    model = guide.build_ticket_model()
    rng = np.random.default_rng(1)
    samples = {
        "title": rng.integers(0, 10000, (3, 7)),
        "body": rng.integers(0, 10000, (3, 11)),
        "tags": rng.integers(0, 2, (3, 12)).astype("float32"),
    }
    explorer = LayerOutputExplorer(model, samples)
    embeddings = [n for n in explorer.layer_names if explorer.source.layer_type(n) == "Embedding"]
    assert explorer.activations(embeddings[0], 1).shape == (7, 64)
    assert explorer.source.view_kind(embeddings[0]) == "sequence"
    assert explorer.render(embeddings[0]).startswith(PNG) and "7 time steps" in explorer.last_caption
    assert explorer.activations("department", 0).shape == (4,)
    assert explorer.activations("priority", 2).shape == (1,)
    as_list = LayerOutputExplorer(model, [samples["title"], samples["body"], samples["tags"]])
    np.testing.assert_allclose(as_list.activations("department", 1), explorer.activations("department", 1), atol=1e-6)
    with pytest.raises(ValueError, match="3 input"):
        LayerOutputExplorer(model, [samples["title"]])


def test_explorer_nested_models_reach_inner_layers():
    encoder, decoder, autoencoder = guide.build_b5()
    x = np.random.default_rng(2).random((2, 28, 28, 1), dtype=np.float32)
    explorer = LayerOutputExplorer(autoencoder, x)
    inner = [n for n in explorer.layer_names if n.startswith(encoder.name + "/")]
    assert len(inner) == len(encoder.layers)
    conv_name = encoder.layers[2].name  # the second Conv2D
    got = explorer.activations(f"{encoder.name}/{conv_name}", 1)
    want = keras.Model(encoder.inputs, encoder.layers[2].output)([x])
    np.testing.assert_allclose(got, np.asarray(want)[1], atol=1e-5)
    decoder_inner = f"{decoder.name}/{decoder.layers[-1].name}"
    np.testing.assert_allclose(explorer.activations(decoder_inner, 0), np.asarray(autoencoder(x))[0], atol=1e-5)


def test_explorer_shared_layer_calls_and_unbuilt_model():
    model, shared = guide.build_shared_embedding()
    a = np.array([[1, 2, 3]])
    b = np.array([[4, 5, 6]])
    explorer = LayerOutputExplorer(model, [a, b])
    assert shared.name in explorer.layer_names and f"{shared.name}@2" in explorer.layer_names
    np.testing.assert_allclose(explorer.activations(f"{shared.name}@2", 0), np.asarray(shared(b))[0], atol=1e-6)
    with pytest.raises(ValueError, match="keras.Input"):
        LayerOutputExplorer(keras.Sequential([layers.Dense(2)]), np.zeros((1, 3)))
    built_on_data = keras.Sequential([layers.Dense(2), layers.Dense(3, name="last")])
    built_on_data(np.ones((1, 4), "float32"))  # guide A3: built by a first call, no keras.Input
    assert LayerOutputExplorer(built_on_data, np.ones((2, 4), "float32")).activations("last", 1).shape == (3,)

    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(3)

        def call(self, x):
            return self.dense(x)

    subclassed = Subclassed()
    subclassed(np.ones((1, 4), "float32"))
    with pytest.raises(ValueError, match="subclassed model"):
        LayerOutputExplorer(subclassed, np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match=r"expects samples of shape \(None,\)"):
        LayerOutputExplorer(model, [np.zeros((1, 3, 2)), b])


# --------------------------------------------------------------------------------- graph
@pytest.mark.parametrize(
    "builder",
    ["build_b1", "build_toy_resnet", "build_ticket_model", "build_ensemble", "build_custom_dense_model", "build_a6"],
)
def test_graph_svg_without_graphviz_shows_every_layer(builder, monkeypatch):
    model = getattr(guide, builder)()
    monkeypatch.setattr("kitlib.widgets.graph.shutil.which", lambda _name: None)
    graph = ModelGraph(model)
    svg = graph.svg()
    assert graph.engine_used == "python" and svg.startswith("<svg")
    for row in layer_rows(model):
        assert f"data-layer='{row['name']}'" in svg
    last = layer_rows(model)[-1]
    assert last["output_shape"] is not None and str(last["output_shape"][-1]) in svg


def test_graph_edges_of_residual_and_selection():
    model = guide.build_toy_resnet()
    g = graph_of(model)
    adds = [r["name"] for r in layer_rows(model) if r["type"] == "Add"]
    assert len([e for e in g.edges if e[1] == adds[0]]) == 2
    graph = ModelGraph(model, engine="python")
    assert "kit-graph" in graph.widget._dom_classes
    graph.layer_menu.value = adds[0]
    svg = graph.svg()
    assert f"class='kit-node kit-node-selected' data-layer='{adds[0]}'" in svg
    assert svg.count("kit-node-selected") == 1


@pytest.mark.skipif(not __import__("shutil").which("dot"), reason="graphviz 'dot' not installed")
def test_graph_uses_graphviz_when_present():
    model = guide.build_b1()
    graph = ModelGraph(model, selected=model.layers[1].name)
    svg = graph.svg()
    assert graph.engine_used == "graphviz" and "<svg" in svg
    assert model.layers[1].name in svg and "(None, 64)" in svg
    assert "#1971c2" in svg  # the selected layer's outline


def test_graph_never_returns_none():
    assert "empty model" in ModelGraph(keras.Sequential()).svg()
    unbuilt = ModelGraph(keras.Sequential([layers.Dense(2), layers.Dense(1)]), engine="python")
    svg = unbuilt.svg()
    assert "not built" in svg and svg.count("data-layer=") == 2
    assert "<svg" in ModelGraph(guide.build_b1(), engine="graphviz")._repr_html_()
    assert svg_python(graph_of(guide.build_b1())).endswith("</svg>")


# --------------------------------------------------------------------------------- linking
def test_linked_views(conv_model, images):
    graph = ModelGraph(conv_model, engine="python")
    explorer = LayerOutputExplorer(conv_model, images)
    link(graph, explorer)
    graph.layer_menu.value = "c8"
    assert explorer.selected == "c8" and "c8" in explorer.caption.value
    explorer.layer_menu.value = "pool"
    assert graph.selected == "pool" and "kit-node-selected' data-layer='pool'" in graph.picture.value


def test_debugger_summary_selection_drives_explorer(images):
    dbg = SequentialDebugger((28, 28, 1), layers=[layers.Conv2D(4, 3, name="first"), layers.Conv2D(2, 3, name="second")])
    explorer = LayerOutputExplorer(dbg.model, images)
    link(dbg, explorer)
    dbg.layer_menu.value = "first"
    assert explorer.selected == "first"
    assert "kit-selected" in dbg.summary.value


# --------------------------------------------------------------------------------- live history
def test_live_history_records_and_leaves_png(capfd):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).random((40, 4), dtype=np.float32)
    y = np.arange(40) % 3
    live = LiveHistory(display=False)
    assert isinstance(live, keras.callbacks.Callback) and "kit-history" in live.widget._dom_classes
    model.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0, callbacks=[live])
    assert [len(live.history[k]) for k in ("loss", "val_loss", "accuracy", "val_accuracy")] == [3, 3, 3, 3]
    assert live.draws == 5  # the empty axes at the start, every epoch, then the final picture
    assert live.png().startswith(PNG) and live.image.value == live.png()
    assert "epoch 3/3" in live.status.value
    bundle = live._bundle()
    assert {"image/png", "text/html", "application/vnd.jupyter.widget-view+json"} <= set(bundle)
    assert "3 epoch(s)" in live._repr_html_()
    assert kw.LiveHistory is LiveHistory


class ConstantBias(layers.Layer):
    """A custom layer whose weight starts from a concrete array (not an initializer callable)."""

    def build(self, input_shape):
        self.bias = self.add_weight(shape=(input_shape[-1],), initializer=np.ones(input_shape[-1], "float32"))

    def call(self, inputs):
        return inputs + self.bias


def test_debugger_accepts_custom_layers():
    dbg = SequentialDebugger((6,))
    assert dbg.add(guide.CustomDense(3)), dbg.error
    assert dbg.add(ConstantBias()), dbg.error
    assert dbg.rows[0]["param_formula"] == "6*3 + 3 = 21" and dbg.rows[1]["params"] == 3
    np.testing.assert_allclose(np.asarray(dbg.model.layers[1].bias), np.ones(3))


def test_debugger_with_samples_embeds_a_following_explorer(images):
    dbg = SequentialDebugger((28, 28, 1), samples=images[:2])
    assert dbg.explorer is None  # nothing to show before the first layer
    dbg.add(layers.Conv2D(20, 3, activation="relu", name="conv_a"))
    dbg.add(layers.MaxPooling2D(2, name="pool_a"))
    assert dbg.explorer.selected == "pool_a" and dbg.explorer_box.children == (dbg.explorer.widget,)
    dbg.layer_menu.value = "conv_a"
    assert dbg.explorer.selected == "conv_a" and "channels 0-15 of 20" in dbg.explorer.caption.value
    dbg.explorer.layer_menu.value = "pool_a"  # and back: the summary follows the explorer
    assert dbg.selected == "pool_a"
    assert dbg.add(layers.Conv2D(4, 30)) is False  # a refused layer keeps the explorer as it was
    assert dbg.explorer.layer_names == ["conv_a", "pool_a"]
    dbg.pop_button.click()
    assert dbg.explorer.layer_names == ["conv_a"]
    with pytest.raises(ValueError, match=r"samples must have shape \(n, 28, 28, 1\)"):
        SequentialDebugger((28, 28, 1), samples=np.zeros((2, 28, 28)))


@pytest.mark.parametrize(
    "input_shape, kind",
    [
        ((8, 8, 3), "Conv2D"),
        ((8, 8, 3), "MaxPooling2D"),
        ((8, 8, 3), "AveragePooling2D"),
        ((8, 8, 3), "GlobalMaxPooling2D"),
        ((8, 8, 3), "GlobalAveragePooling2D"),
        ((8, 8, 3), "Flatten"),
        ((8, 8, 3), "Conv2DTranspose"),
        ((8, 8, 3), "UpSampling2D"),
        ((8, 8, 3), "BatchNormalization"),
        ((784,), "Reshape"),
        ((16,), "Dense"),
        ((16,), "Dropout"),
        ((16,), "Activation"),
        ((10, 4), "Conv1D"),
        ((10, 4), "LSTM"),
        ((10, 4), "GRU"),
        ((10,), "Embedding"),
    ],
)
def test_every_form_template_is_accepted_on_a_fitting_input(input_shape, kind):
    """The form's default arguments build a working layer (no false refusal from the trial)."""
    from kitlib.widgets.debugger import LAYER_TEMPLATES

    dbg = SequentialDebugger(input_shape)
    dbg.type_menu.value = kind
    assert dbg.args_text.value == LAYER_TEMPLATES[kind]
    dbg.add_button.click()
    assert dbg.error is None, dbg.error
    assert len(dbg.model.layers) == 1 and dbg.rows[0]["type"] == kind
    assert dbg.rows[0]["param_formula"].rsplit("= ", 1)[-1] == str(dbg.rows[0]["params"])


# --------------------------------------------------------------------------------- what a student sees
def test_feature_grid_fits_and_stays_crisp():
    from kitlib.widgets.explorer import png_size
    from kitlib.widgets.images import feature_grid, tile_scale

    rng = np.random.default_rng(0)
    small, _ = feature_grid(rng.random((26, 26, 64)))
    assert png_size(small) == (4 + 8 * (78 + 4), 4 + 2 * (78 + 4 + 12))  # 16 maps: two rows of eight
    big, caption = feature_grid(rng.random((224, 224, 64)))
    width, height = png_size(big)
    assert width <= 950 and height <= 260 and "drawn at 1/2" in caption
    assert tile_scale(3) == (19, 1) and tile_scale(80) == (1, 1) and tile_scale(500) == (1, 5)
    # integer zoom: every map pixel is a uniform zoom x zoom square
    from PIL import Image
    import io

    fmap = rng.random((4, 4, 1)).astype("float32")
    png, _ = feature_grid(fmap)
    zoom = tile_scale(4)[0]
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    tile = pixels[4 + 12 : 4 + 12 + 4 * zoom, 4 : 4 + 4 * zoom]
    blocks = tile.reshape(4, zoom, 4, zoom, 3)
    assert (blocks == blocks[:, :1, :, :1, :]).all()


def test_vector_bars_are_labelled():
    from PIL import Image
    import io

    from kitlib.widgets.images import vector_bars

    png, caption = vector_bars(np.linspace(-1, 2, 32))
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    assert caption == "units 0-31 of 32"
    assert (pixels[-14:, 44:] < 100).any(), "no unit numbers under the bars"
    assert (pixels[:, :40] < 100).any(), "no value scale on the left"


def test_explorer_shows_pictures_at_their_own_size_and_only_useful_controls(conv_model, images):
    from kitlib.widgets.explorer import png_size

    explorer = LayerOutputExplorer(conv_model, images)
    width, height = png_size(explorer.image.value)
    assert explorer.image.layout.width == f"{width}px" and explorer.image.layout.height == f"{height}px"
    assert "image-rendering:pixelated" in explorer.caption.value
    assert explorer.scale_toggle.layout.display == "" and explorer.next_button.layout.display == ""
    assert explorer.next_button.description == "channels ▶"
    explorer.select("c8")  # 8 channels: one page, no paging buttons; the colour scale still matters
    assert explorer.next_button.layout.display == "none" and explorer.scale_toggle.layout.display == ""
    explorer.select("probs")  # a Dense layer: no channel controls at all
    assert explorer.paging.layout.display == "none" and explorer.scale_toggle.layout.display == "none"
    explorer.select("flat")  # 968 units: paged by units, no colour scale
    assert explorer.next_button.layout.display == "" and explorer.next_button.description == "units ▶"
    assert explorer.scale_toggle.layout.display == "none"


def test_explorer_statistics_follow_the_sample(conv_model, images):
    explorer = LayerOutputExplorer(conv_model, images)
    captions = []
    for sample in (0, 3):
        explorer.sample_slider.value = sample
        s = explorer.source.sample_stats("c64", sample)
        assert f"sample {sample}: range [{s['min']:.3g}, {s['max']:.3g}]" in explorer.caption.value
        values = explorer.activations("c64", sample)
        assert s["max"] == pytest.approx(float(values.max())) and s["mean"] == pytest.approx(float(values.mean()))
        captions.append(explorer.caption.value)
    assert captions[0] != captions[1]


def test_debugger_selection_stays_where_the_student_put_it():
    dbg = SequentialDebugger((28, 28, 1), layers=[layers.Conv2D(4, 3, name="a"), layers.Conv2D(4, 3, name="b"),
                                                  layers.Conv2D(4, 3, name="c")])
    assert dbg.selected == "c" and dbg.layer_menu.value == "c"
    dbg.layer_menu.value = "b"
    assert dbg.add(layers.Conv2D(4, 30)) is False  # refused: the selection stays
    assert dbg.selected == "b" and dbg.layer_menu.value == "b"
    dbg.pop()  # pops c: b is still there, still selected (not the first layer)
    assert dbg.selected == "b" and dbg.layer_menu.value == "b" and "kit-selected" in dbg.summary.value
    dbg.pop()  # pops b, the selected one: the new last layer
    assert dbg.selected == "a" and dbg.layer_menu.value == "a"
    assert dbg.add(layers.Dense(3, name="dense_on_maps"))  # accepted with a warning: the new layer
    assert dbg.warning is not None
    assert dbg.selected == "dense_on_maps" and dbg.layer_menu.value == "dense_on_maps"
    row = dbg.summary.value.split("dense_on_maps")[0].rsplit("<tr", 1)[0]
    assert "kit-selected" not in row  # only one row is selected


def test_summary_columns_are_separated():
    dbg = SequentialDebugger((250, 250, 3), layers=[layers.Conv2D(32, 5, strides=2)])
    table = dbg.summary.value
    assert table.count("padding:3px 6px") >= 8 and "white-space:nowrap" in table
    assert ">2,432<" in table and "5*5*3*32 + 32 = 2432" in _text(table)
    # a long formula may take two lines, but only before its total, never inside a term
    assert "<span style='white-space:nowrap'>5*5*3*32 + 32</span> <span style='white-space:nowrap'>= 2432</span>" in table


def test_graph_starts_on_a_layer_and_its_nodes_are_clickable(conv_model):
    graph = ModelGraph(conv_model, engine="python")
    assert graph.selected == "c64" and graph.layer_menu.value == "c64"
    assert None not in graph.layer_menu.options
    svg = graph.svg()
    assert svg.count("onclick=") == len(conv_model.layers) and "data-layer='pool'" in svg
    functional = guide.build_b1()
    assert ModelGraph(functional, engine="python").selected == functional.layers[1].name  # not the input
    with pytest.raises(KeyError):
        graph.select(None)


@pytest.mark.skipif(not __import__("shutil").which("dot"), reason="graphviz 'dot' not installed")
def test_graphviz_nodes_are_clickable_too(conv_model):
    graph = ModelGraph(conv_model, engine="graphviz")
    svg = graph.svg()
    assert graph.engine_used == "graphviz"
    assert svg.count("onclick=") == len(conv_model.layers) and 'data-layer="pool"' in svg


def test_link_starts_the_views_on_one_layer(conv_model, images):
    graph = ModelGraph(conv_model, engine="python")
    explorer = LayerOutputExplorer(conv_model, images, layer="c8")
    link(explorer, graph)
    assert graph.selected == "c8" and explorer.selected == "c8"


def test_live_history_shows_planned_epochs_before_the_first_one():
    from kitlib.widgets.history import HistoryLog, history_figure, plot_history, shown_width

    figure = history_figure(HistoryLog(), epochs=12)
    ax = figure.axes[0]
    assert ax.get_xlim() == (0.5, 12.5)
    assert list(ax.get_xticks()) == [1, 3, 5, 7, 9, 11]  # whole epochs, at most about 10 ticks
    log = HistoryLog()
    log.record({"loss": 1.0})
    assert list(history_figure(log, epochs=3).axes[0].get_xticks()) == [1, 2, 3]
    png = plot_history(log, epochs=3)
    assert int.from_bytes(png[16:20], "big") == 2 * shown_width(png) == 2 * 512

    live = LiveHistory(display=False)
    bundle = live._repr_mimebundle_()  # shown before fit(): the empty axes, not an empty image
    assert bytes(live.image.value).startswith(PNG) and "text/html" in bundle
    live.set_params({"epochs": 4, "steps": 1, "verbose": 0})
    live.on_train_begin()
    assert bytes(live.image.value).startswith(PNG) and "4 epochs planned" in live.status.value
    assert live.image.layout.width == f"{shown_width(bytes(live.image.value))}px"


# --------------------------------------------------------------------------------- graph: a node's details
@pytest.mark.parametrize("builder", ["build_b1", "build_toy_resnet", "build_ensemble", "build_custom_dense_model"])
def test_graph_details_of_every_node_match_keras(builder):
    """The details pane's logic, for every node id of the guide models: Keras' own numbers."""
    from kitlib.widgets.graph import layer_details

    model = getattr(guide, builder)()
    graph = ModelGraph(model, engine="python")
    for node in graph.graph.nodes:
        name = node["name"]
        details = graph.details(name)
        layer = model.get_layer(name)
        row = next(r for r in layer_rows(model) if r["name"] == name)
        assert details == layer_details(model, name)
        assert details["name"] == name and details["type"] == type(layer).__name__
        assert details["output_shape"] == row["output_shape"] and details["input_shape"] == row["input_shape"]
        assert details["params"] == layer.count_params()
        assert details["trainable_params"] + details["non_trainable_params"] == layer.count_params()
        if hasattr(layer, "layers") and hasattr(layer, "inputs"):
            assert details["config"] == {"layers": [inner.name for inner in layer.layers]}
        else:
            assert set(details["config"]) == set(layer.get_config()) - {"name"}
    with pytest.raises(KeyError):
        graph.details("no_such_layer")


def test_graph_details_are_readable_and_follow_the_selection():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((28, 28, 1), name="image")
    x = layers.Conv2D(16, 3, activation="relu", name="conv")(inputs)
    x = layers.BatchNormalization(name="norm")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(10, name="head")(x)
    model = keras.Model(inputs, outputs)
    graph = ModelGraph(model, engine="python")
    conv = graph.details("conv")
    assert conv["output_shape"] == (None, 26, 26, 16) and conv["params"] == 3 * 3 * 1 * 16 + 16
    assert conv["config"]["kernel_size"] == (3, 3) and conv["config"]["activation"] == "relu"
    assert conv["config"]["kernel_initializer"] == "GlorotUniform"  # a class name, not a serialised dict
    norm = graph.details("norm")
    assert (norm["trainable_params"], norm["non_trainable_params"]) == (32, 32)  # gamma, beta / moving stats
    # the pane shows the selected layer, and follows a new selection (a click picks it in the menu)
    assert graph.selected == "conv" and "<b>conv</b> (Conv2D)" in graph.details_pane.value
    assert "(None, 26, 26, 16)" in graph.details_pane.value and "160" in graph.details_pane.value
    graph.layer_menu.value = "norm"
    pane = graph.details_pane.value
    assert "<b>norm</b> (BatchNormalization)" in pane and "32 trainable, 32 not" in pane
    assert "kernel_size" not in pane and "momentum" in pane
    graph.select("image")
    assert "(None, 28, 28, 1)" in graph.details_pane.value
    assert "kit-graph-details" in graph._repr_html_()  # the static fallback shows them too
    assert "Click a layer" in __import__("kitlib.widgets.graph", fromlist=["x"]).details_html(None)


# --------------------------------------------------------------------------------- explorer: input and colour scale
def _pixels(png):
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_explorer_shows_the_input_sample_beside_the_maps(conv_model, images):
    explorer = LayerOutputExplorer(conv_model, images, layer="c64")
    explorer.sample_slider.value = 3
    png, caption = explorer.source.render_input(3)
    assert explorer.input_image.value == png and "sample 3" in explorer.input_caption.value
    assert "28x28 grey image" in caption
    pixels = _pixels(png)
    zoom = pixels.shape[0] // 28
    assert pixels.shape == (28 * zoom, 28 * zoom, 3) and zoom >= 3  # enlarged by a whole factor
    sample = images[3, :, :, 0]
    lo, hi = sample.min(), sample.max()
    expected = np.clip((sample - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(pixels[::zoom, ::zoom, 0], expected)  # the sample itself, in grey
    assert (pixels[..., 0] == pixels[..., 1]).all()
    # the two sit side by side in one row (wrapping under each other only in a narrow cell)
    assert explorer.pictures.children[0].children[1] is explorer.input_image
    assert explorer.image in explorer.pictures.children[1].children
    explorer.sample_slider.value = 0
    assert explorer.input_image.value == explorer.source.render_input(0)[0] != png


def test_explorer_input_picture_by_kind():
    from kitlib.widgets.images import input_picture

    rgb = np.zeros((8, 8, 3), np.float32)
    rgb[..., 0] = 1.0  # pure red
    pixels = _pixels(input_picture(rgb)[0])
    assert "colour image" in input_picture(rgb)[1] and tuple(pixels[0, 0]) == (255, 0, 0)
    assert "time steps" in input_picture(np.random.default_rng(0).random((20, 5)))[1]
    assert "units" in input_picture(np.arange(784, dtype=np.float32))[1]
    assert "channels" in input_picture(np.ones((6, 6, 8)))[1]


def test_explorer_colour_scale_matches_the_maps(conv_model, images):
    from kitlib.widgets.images import _lut

    explorer = LayerOutputExplorer(conv_model, images, layer="c8")
    lut = _lut("viridis")
    # per-channel scale (the default): the bar says each map has its own range
    assert explorer.source.colour_scale("c8", 1, "channel") is None
    assert "its own" in explorer.colorbar_caption.value and explorer.colorbar.layout.display == ""
    # shared: the ends are the sample's min and max, and the brightest map pixel has the bar's top colour
    explorer.sample_slider.value = 1
    explorer.scale_toggle.value = "shared"
    values = explorer.activations("c8", 1)
    lo, hi = explorer.source.colour_scale("c8", 1, "shared")
    assert (lo, hi) == (float(values.min()), float(values.max())) and hi > lo
    assert f"{hi:.3g}" in explorer.colorbar_caption.value
    bar = _pixels(explorer.colorbar.value)
    row = bar[6]
    coloured = [tuple(p) for p in row if tuple(p) not in ((255, 255, 255), (120, 120, 120))]
    assert coloured[0] == tuple(lut[0]) and coloured[-1] == tuple(lut[255])  # dark = low, bright = high
    y, x, channel = np.unravel_index(np.argmax(values), values.shape)
    grid = _pixels(explorer.image.value)
    zoom = 6  # 11x11 maps drawn 6x (tile_scale)
    top, left = 4 + 12 + y * zoom, 4 + channel * (11 * zoom + 4) + x * zoom
    assert tuple(grid[top, left]) == tuple(lut[255])
    # a layer drawn as bars has a value axis, not a colour scale
    explorer.select("probs")
    assert explorer.colour_bar("probs", 0) is None and explorer.colorbar.layout.display == "none"
    with pytest.raises(ValueError):
        explorer.source.colour_scale("probs", 0)
    static = explorer._repr_html_()
    assert "input sample" in static


def test_debugger_table_reads_from_the_input_down_without_an_input_column():
    dbg = SequentialDebugger((28, 28, 1), layers=[layers.Conv2D(8, 3), layers.Flatten()])
    table = dbg.summary.value
    header = table.split("</thead>")[0]
    assert ">input<" not in header and ">output<" in header and ">formula<" in header
    first_row = table.split("<tbody>")[1].split("</tr>")[0]
    assert "kit-input-row" in first_row and "(None, 28, 28, 1)" in first_row
    assert "colspan='7'" in table  # the total row spans the seven columns
    from kitlib.modelinfo import ModelInfo

    assert ">input<" in ModelInfo(dbg.model).to_html()  # the plain table keeps its input column
