"""kitlib.widgets.show_graph: the picture helper the Functional API chapters call (it was a 20-line cell in
three notebooks): plot_model at 144 dpi shown at a readable size, ModelGraph where graphviz is missing."""
from __future__ import annotations

import pytest

from kitlib.widgets import show


def test_display_width_halves_then_shrinks_to_max_height_but_never_below_a_third():
    assert show.display_width(400, 1000) == 200            # half its pixels
    assert show.display_width(400, 2000, max_height=800) == 160   # 800 / 2000 of its pixels
    assert show.display_width(300, 9000) == 100            # never below a third
    assert show.display_width(1, 1) == 1


@pytest.fixture(scope="module")
def small_model():
    import keras

    inputs = keras.Input(shape=(4,))
    return keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Dense(3)(inputs)))


def test_without_graphviz_it_returns_the_kits_model_graph_and_says_so(small_model, monkeypatch, capsys):
    from kitlib.widgets import ModelGraph, show_graph

    monkeypatch.setattr(show, "graphviz_available", lambda: False)
    picture = show_graph(small_model, show_shapes=True)
    assert isinstance(picture, ModelGraph)
    assert picture.svg().lstrip().startswith("<")
    assert "graphviz is not installed" in capsys.readouterr().out


@pytest.mark.skipif(not show.graphviz_available(), reason="pydot and graphviz's dot are not installed")
def test_with_graphviz_it_returns_plot_models_png_at_a_readable_width(small_model, capsys):
    from IPython.display import Image
    from PIL import Image as Picture

    picture = show.show_graph(small_model, show_shapes=True)
    assert isinstance(picture, Image) and picture.filename.endswith(".png")
    with Picture.open(picture.filename) as png:
        width, height = png.size
    assert picture.width == show.display_width(width, height)
    assert capsys.readouterr().out == ""
