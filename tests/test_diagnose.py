"""kitlib.explain: every covered error is raised for real by Keras, then explained."""
from __future__ import annotations

import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras import layers  # noqa: E402

import kitlib  # noqa: E402
from kitlib.diagnose import Explanation, explain, explaining, lint  # noqa: E402


def raised(fn):
    """Run ``fn`` and return the exception Keras raised (fail when it raises nothing)."""
    try:
        fn()
    except Exception as err:  # noqa: BLE001
        return err
    pytest.fail("Keras raised nothing; the test no longer exercises a real error")


def test_public_entry_point_forwards():
    err = raised(lambda: keras.Input(shape=784))
    why = kitlib.explain(err)
    assert isinstance(why, Explanation)
    assert why.kind == "int_shape"
    assert "(784,)" in why.fix and "trailing comma" in why.message


def test_conv_output_size_zero_or_negative():
    model = keras.Sequential([keras.Input((3, 3, 1))], name="tiny")
    err = raised(lambda: model.add(layers.Conv2D(8, 5, name="big_kernel")))
    why = explain(err, model)
    assert why.kind == "output_size"
    assert why.layer == "big_kernel"
    assert "3x3" in why.message and "5x5" in why.message
    assert "(3 - 5) // 1 + 1 = -1" in why.message
    assert 'padding="same"' in why.fix
    html = why._repr_html_()
    assert "big_kernel" in html and "kit-explain" in html


def test_pooling_output_size_with_strides():
    model = keras.Sequential([keras.Input((4, 4, 1))])
    err = raised(lambda: model.add(layers.MaxPooling2D(5, name="pool")))
    why = explain(err, model)
    assert why.kind == "output_size" and why.layer == "pool"
    assert "(4 - 5) // 5 + 1 = 0" in why.message
    assert "at most 4" in why.fix


def test_rank_too_high_lstm_after_conv():
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 3)])
    err = raised(lambda: model.add(layers.LSTM(4, name="rnn")))
    why = explain(err, model)
    assert (why.kind, why.layer) == ("ndim", "rnn")
    assert "3-D" in why.message and "(None, 26, 26, 8)" in why.message
    assert "Reshape((26, 208))" in why.fix


def test_rank_too_low_conv_on_flat_vectors():
    model = keras.Sequential([keras.Input((784,))])
    err = raised(lambda: model.add(layers.Conv2D(8, 3, name="conv")))
    why = explain(err, model)
    assert (why.kind, why.layer) == ("ndim", "conv")
    assert "Reshape((28, 28, 1))" in why.fix


def test_rank_too_high_for_conv1d_in_functional_api():
    conv = layers.Conv1D(4, 3, name="c1")
    err = raised(lambda: conv(keras.Input((28, 28, 1))))
    why = explain(err, layer=conv)
    assert why.layer == "c1" and why.kind == "ndim"
    assert "3-D input" in why.message and "(None, 28, 28, 1)" in why.message
    assert "Reshape((28, 28))" in why.fix
    assert explain(err).layer is None  # without the layer or a model, nobody can know its name


def test_concatenate_incompatible_shapes():
    a, b = keras.Input((4, 4, 3)), keras.Input((5, 5, 3))
    err = raised(lambda: layers.concatenate([a, b]))
    why = explain(err)
    assert why.kind == "merge"
    assert "axis 1: 4 vs 5" in why.message and "axis 2: 4 vs 5" in why.message
    assert 'padding="same"' in why.fix


def test_add_incompatible_shapes_names_layer_from_model():
    inputs = keras.Input((8, 8, 3))
    branch = layers.Conv2D(16, 3, padding="same")(inputs)
    merge = layers.Add(name="residual")
    err = raised(lambda: merge([branch, inputs]))
    why = explain(err, layer=merge)
    assert why.kind == "merge" and why.layer == "residual"
    assert "(8, 8, 16)" in why.message and "(8, 8, 3)" in why.message
    assert "1x1 Conv2D" in why.fix


def test_add_incompatible_shapes_says_which_axes_differ():
    """Channels point at the filters, height and width at kernel size, strides and padding."""
    inputs = keras.Input((16, 16, 32))
    wide = raised(lambda: layers.add([layers.Conv2D(64, 3, padding="same")(inputs), layers.Conv2D(65, 1)(inputs)]))
    assert "channels differ (64 vs 65)" in explain(wide).message and "filter" in explain(wide).message
    small = raised(lambda: layers.add([layers.Conv2D(64, 3)(inputs), layers.Conv2D(64, 1)(inputs)]))
    message = explain(small).message
    assert "14x14 vs 16x16" in message and "kernel size" in message and "padding" in message


def test_int_instead_of_tuple():
    err = raised(lambda: keras.Input(shape=(784)))  # the classic missing comma
    why = explain(err)
    assert why.kind == "int_shape" and why.fix == "Write keras.Input(shape=(784,))."


def test_layer_used_before_it_has_an_output():
    dense = layers.Dense(3, name="never_called")
    err = raised(lambda: dense.output)
    why = explain(err)
    assert (why.kind, why.layer) == ("no_output", "never_called")
    assert "never_called(x)" in why.fix


def test_sequential_input_attribute():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3)], name="seq_in")
    err = raised(lambda: model.input)
    why = explain(err, model)
    assert (why.kind, why.layer) == ("no_output", "seq_in")
    assert "model.inputs[0]" in why.fix


@pytest.mark.parametrize("action", ["count_params", "kernel", "Model"])
def test_model_not_built(action):
    model = keras.Sequential([layers.Dense(3, name="d")], name="unbuilt")
    actions = {
        "count_params": lambda: model.count_params(),
        "kernel": lambda: model.layers[0].kernel,
        "Model": lambda: keras.Model(model.inputs, model.outputs),
    }
    err = raised(actions[action])
    why = explain(err, model)
    assert why.kind == "not_built"
    assert why.layer == "unbuilt"
    assert "keras.Input(shape=" in why.fix and "build" in why.fix


def test_reshape_wrong_total_size():
    model = keras.Sequential([keras.Input((10,))])
    err = raised(lambda: model.add(layers.Reshape((3, 3), name="rs")))
    why = explain(err, model)
    assert (why.kind, why.layer) == ("reshape", "rs")
    assert "= 10 values" in why.message and "= 9" in why.message
    assert "(2, 5)" in why.fix


def test_data_with_wrong_number_of_features():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, name="head")])
    err = raised(lambda: model.predict(np.zeros((2, 5)), verbose=0))
    why = explain(err, model)
    assert (why.kind, why.layer) == ("features", "head")
    assert "4" in why.message and "(2, 5)" in why.message


def test_duplicate_layer_names():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, name="same")])
    err = raised(lambda: model.add(layers.Dense(3, name="same")))
    why = explain(err, model)
    assert (why.kind, why.layer) == ("duplicate_name", "same")


def test_dense_on_4d_tensor_is_a_warning():
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 3), layers.Dense(10, name="head")])
    findings = lint(model)
    assert [f.layer for f in findings] == ["head"]
    why = explain(None, model)
    assert why.severity == "warning" and why.kind == "dense_nd"
    assert "(None, 26, 26, 8)" in why.message and "(None, 26, 26, 10)" in why.message
    assert "Flatten()" in why.fix
    good = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(10)])
    assert lint(good) == [] and explain(good).severity == "ok"


def test_dense_on_4d_inside_nested_model():
    inner = keras.Sequential([keras.Input((6, 6, 2)), layers.Dense(4, name="inner_head")], name="inner")
    inputs = keras.Input((6, 6, 2))
    outer = keras.Model(inputs, inner(inputs))
    assert [f.layer for f in lint(outer)] == ["inner_head"]


def test_legacy_input_shape_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layers.Dense(3, input_shape=(4,))
    assert caught, "Keras no longer warns about input_shape="
    why = explain(caught[0])
    assert why.kind == "legacy_input_shape" and why.severity == "warning"
    assert "keras.Input(shape=" in why.fix


@pytest.mark.parametrize("attribute", ["output_shape", "input_shape"])
def test_legacy_shape_attributes(attribute):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
    err = raised(lambda: getattr(model.layers[0], attribute))
    why = explain(err, model)
    assert why.kind == "legacy_output_shape"
    side = attribute.split("_")[0]
    assert f"layer.{side}.shape" in why.fix


def test_unknown_error_still_gives_an_explanation():
    why = explain(RuntimeError("something odd"))
    assert why.kind == "unknown" and "something odd" in why.message and why.fix
    assert "something odd" in str(why)


def test_explain_without_anything_is_a_clear_error():
    with pytest.raises(TypeError, match="needs an exception"):
        explain(None)


def test_explaining_context_shows_instead_of_raising(capsys):
    model = keras.Sequential([keras.Input((3, 3, 1))])
    with explaining(model) as result:
        model.add(layers.Conv2D(8, 5))
    assert result.explanation is not None and result.explanation.kind == "output_size"
    out = capsys.readouterr()
    assert "Fix:" in out.out and out.err == ""
    with explaining() as result:
        pass
    assert result.explanation is None


def test_a_misspelt_keyword_is_named_from_the_students_own_line():
    # Python's message names the argument that is missing, not the one written: the line shows kernel=.
    why = explain(raised(lambda: layers.Conv2D(16, kernel=3)))
    assert why.kind == "unknown_argument" and "kernel= is no argument of Conv2D" in why.message
    assert "did you mean kernel_size=" in why.message
    plain = explain(raised(lambda: layers.Conv2D(16)))
    assert plain.kind == "missing_argument" and "needs kernel_size=" in plain.message


@pytest.mark.parametrize("call, words", [
    (lambda: keras.Input(shap=(3,)), ("shap=", "shape=", "keras.Input")),
    (lambda: keras.Model(input=keras.Input((3,)), outputs=None), ("input=", "inputs=", "keras.Model")),
    (lambda: keras.Sequential([layers.Dense(3)], nmae="x"), ("nmae=", "name=", "keras.Sequential")),
    (lambda: layers.Dense(2)(keras.Input((3,)), trainin=True), ("trainin=", "training=")),
])
def test_misspelt_keywords_of_functions_models_and_calls_get_the_likely_name(call, words):
    why = explain(raised(call))
    text = f"{why.message} {why.fix}"
    assert why.kind == "unknown_argument", text
    assert all(word in text for word in words), text
    assert "keras.layers.Sequential" not in text and "keras.layers.Model" not in text


def test_a_misspelt_fit_argument_names_the_method():
    model = keras.Sequential([keras.Input((1,)), layers.Dense(1)])
    model.compile(loss="mse")
    why = explain(raised(lambda: model.fit(np.zeros((2, 1)), np.zeros((2, 1)), epoch=1, verbose=0)))
    assert "epoch=" in why.message and "did you mean epochs=" in why.message and "keras.Model.fit" in why.fix
