"""Tests of kitlib.modelinfo on every model of the two guides (numbers from shared/reference/keras-guides.md).

The builders below reproduce the guides' architectures; other test modules of
the widgets import them (``from test_modelinfo import build_...``).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras import layers, ops  # noqa: E402

from kitlib.modelinfo import ROW_KEYS, ModelInfo, format_bytes, format_shape, layer_rows, param_formula  # noqa: E402


# ----------------------------------------------------------------------------- guide models
def build_a1():
    model = keras.Sequential(
        [layers.Dense(2, activation="relu"), layers.Dense(3, activation="relu"), layers.Dense(4)]
    )
    y = model(ops.ones((3, 3)))
    return model, y


def build_a4(stage=3):
    model = keras.Sequential([keras.Input(shape=(250, 250, 3))])
    model.add(layers.Conv2D(32, 5, strides=2, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(3))
    if stage >= 2:
        model.add(layers.Conv2D(32, 3, activation="relu"))
        model.add(layers.Conv2D(32, 3, activation="relu"))
        model.add(layers.MaxPooling2D(3))
        model.add(layers.Conv2D(32, 3, activation="relu"))
        model.add(layers.Conv2D(32, 3, activation="relu"))
        model.add(layers.MaxPooling2D(2))
    if stage >= 3:
        model.add(layers.GlobalMaxPooling2D())
        model.add(layers.Dense(10))
    return model


def build_a6():
    return keras.Sequential(
        [
            keras.Input(shape=(250, 250, 3)),
            layers.Conv2D(32, 5, strides=2, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
        ]
    )


def build_mlp():
    return keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(10),
        ]
    )


def build_b1():
    inputs = keras.Input(shape=(784,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")


def build_encoder():
    encoder_input = keras.Input(shape=(28, 28, 1), name="img")
    x = layers.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    encoder_output = layers.GlobalMaxPooling2D()(x)
    return encoder_input, encoder_output


def _decoder_layers(x):
    x = layers.Reshape((4, 4, 1))(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers.UpSampling2D(3)(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    return layers.Conv2DTranspose(1, 3, activation="relu")(x)


def build_b4():
    encoder_input, encoder_output = build_encoder()
    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    autoencoder = keras.Model(encoder_input, _decoder_layers(encoder_output), name="autoencoder")
    return encoder, autoencoder


def build_b5():
    encoder_input, encoder_output = build_encoder()
    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    decoder_input = keras.Input(shape=(16,), name="encoded_img")
    decoder = keras.Model(decoder_input, _decoder_layers(decoder_input), name="decoder")
    autoencoder_input = keras.Input(shape=(28, 28, 1), name="img")
    encoded = encoder(autoencoder_input)
    decoded = decoder(encoded)
    autoencoder = keras.Model(autoencoder_input, decoded, name="autoencoder")
    return encoder, decoder, autoencoder


def build_ensemble():
    def get_model():
        inputs = keras.Input(shape=(128,))
        return keras.Model(inputs, layers.Dense(1)(inputs))

    members = [get_model() for _ in range(3)]
    inputs = keras.Input(shape=(128,))
    outputs = layers.average([m(inputs) for m in members])
    return keras.Model(inputs=inputs, outputs=outputs)


def build_ticket_model():
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(12,), name="tags")
    title_features = layers.LSTM(128)(layers.Embedding(10000, 64)(title_input))
    body_features = layers.LSTM(32)(layers.Embedding(10000, 64)(body_input))
    x = layers.concatenate([title_features, body_features, tags_input])
    priority = layers.Dense(1, name="priority")(x)
    department = layers.Dense(4, name="department")(x)
    return keras.Model(
        inputs=[title_input, body_input, tags_input],
        outputs={"priority": priority, "department": department},
    )


def build_toy_resnet():
    inputs = keras.Input(shape=(32, 32, 3), name="img")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    block_1_output = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_1_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_2_output = layers.add([x, block_1_output])
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_2_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_3_output = layers.add([x, block_2_output])
    x = layers.Conv2D(64, 3, activation="relu")(block_3_output)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs, outputs, name="toy_resnet")


def build_shared_embedding():
    shared = layers.Embedding(1000, 128)
    text_a = keras.Input(shape=(None,), dtype="int32")
    text_b = keras.Input(shape=(None,), dtype="int32")
    return keras.Model([text_a, text_b], [shared(text_a), shared(text_b)]), shared


class CustomDense(layers.Layer):
    """The guide's custom layer: y = x @ w + b (written for these tests)."""

    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def build_custom_dense_model():
    inputs = keras.Input((4,))
    return keras.Model(inputs, CustomDense(10)(inputs))


class StepRNN(layers.Layer):
    """A hand-written RNN over the time axis (the guide's mix-and-match example, our own code)."""

    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.projection_1 = layers.Dense(units, activation="tanh")
        self.projection_2 = layers.Dense(units, activation="tanh")
        self.classifier = layers.Dense(1)

    def call(self, inputs):
        steps = []
        state = ops.zeros((inputs.shape[0], self.units))
        for t in range(inputs.shape[1]):
            state = self.projection_1(inputs[:, t, :]) + self.projection_2(state)
            steps.append(state)
        return self.classifier(ops.stack(steps, axis=1))


def build_mix_and_match():
    inputs = keras.Input(batch_shape=(16, 10, 5))
    x = layers.Conv1D(32, 3)(inputs)
    return keras.Model(inputs, StepRNN()(x))


@pytest.fixture(scope="module")
def vgg19():
    keras.backend.clear_session()
    return keras.applications.VGG19(weights=None)


# ----------------------------------------------------------------------------- helpers
def rows_by_type(model, kind):
    return [r for r in layer_rows(model) if r["type"] == kind]


def assert_rows_match_model(model):
    """Every row has the keys; the rows' params add up to the model's count."""
    rows = layer_rows(model)
    assert rows, "no rows"
    for r in rows:
        assert tuple(r) == ROW_KEYS
        formula_total = r["param_formula"].rsplit("=", 1)[-1].strip()
        assert formula_total == str(r["params"]), r
    assert sum(r["params"] for r in rows) == model.count_params()
    return rows


# ----------------------------------------------------------------------------- guide A
def test_a1_three_dense_layers_built_by_calling():
    model, y = build_a1()
    assert tuple(y.shape) == (3, 4)
    rows = assert_rows_match_model(model)
    assert [r["params"] for r in rows] == [8, 9, 16]
    assert model.count_params() == 33
    assert rows[0]["param_formula"] == "3*2 + 2 = 8"
    assert rows[0]["input_shape"] == (3, 3) and rows[-1]["output_shape"] == (3, 4)
    assert rows[2]["macs"] == 3 * 4


def test_a2_pop_and_a3_input_first():
    model, _ = build_a1()
    model.pop()
    assert len(model.layers) == 2
    small = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)])
    assert [r["output_shape"] for r in layer_rows(small)] == [(None, 2)]
    assert layer_rows(small)[0]["param_formula"] == "4*2 + 2 = 10"
    built_on_data = keras.Sequential([layers.Dense(2), layers.Dense(3), layers.Dense(4)])
    built_on_data(np.ones((1, 4), dtype="float32"))
    assert sum(r["params"] for r in layer_rows(built_on_data)) == 35


def test_a3_unbuilt_sequential_has_unknown_shapes():
    model = keras.Sequential([layers.Dense(2), layers.Dense(3)])
    rows = layer_rows(model)
    assert [r["output_shape"] for r in rows] == [None, None]
    assert [r["params"] for r in rows] == [0, 0]
    assert rows[0]["param_formula"] == "? (not built)"
    assert rows[0]["activation_bytes"] is None and rows[0]["macs"] is None
    info = ModelInfo(model)
    assert not info.built and "not built" in info.to_html()


def test_a4_debugging_workflow_numbers():
    model = build_a4(stage=1)
    rows = assert_rows_match_model(model)
    assert rows[-1]["output_shape"] == (None, 40, 40, 32)
    assert model.count_params() == 11_680
    assert rows[0]["input_shape"] == (None, 250, 250, 3)
    assert rows[0]["param_formula"] == "5*5*3*32 + 32 = 2432"
    assert rows[0]["activation_bytes"] == 123 * 123 * 32 * 4
    assert rows[0]["macs"] == 123 * 123 * 5 * 5 * 3 * 32
    model = build_a4(stage=2)
    assert layer_rows(model)[-1]["output_shape"] == (None, 4, 4, 32)
    assert model.count_params() == 48_672
    model = build_a4(stage=3)
    rows = assert_rows_match_model(model)
    assert model.count_params() == 49_002
    assert rows[-1]["output_shape"] == (None, 10)
    assert rows[-2]["macs"] == 0  # GlobalMaxPooling2D only compares values


def test_a6_feature_extraction_shapes():
    model = build_a6()
    rows = assert_rows_match_model(model)
    assert [r["output_shape"][1:] for r in rows] == [(123, 123, 32), (121, 121, 32), (119, 119, 32)]
    assert model.count_params() == 20_928


def test_a7_mlp_and_frozen_layers():
    model = build_mlp()
    assert_rows_match_model(model)
    for layer in model.layers[:-1]:
        layer.trainable = False
    info = ModelInfo(model)
    assert (info.total_params, info.trainable_params) == (27_562, 330)
    assert "27,562" in info.to_text()


def test_a7_xception_base_without_weights():
    base = keras.applications.Xception(weights=None, include_top=False, pooling="avg")
    rows = assert_rows_match_model(base)
    assert base.count_params() == 20_861_480
    assert rows[-1]["output_shape"] == (None, 2048)
    separable = [r for r in rows if r["type"] == "SeparableConv2D"]
    # include_top=False accepts any image size: spatial sizes, memory and MACs are unknown
    assert rows[0]["output_shape"] == (None, None, None, 3)
    assert separable and all(r["macs"] is None and r["activation_bytes"] is None for r in separable)
    sized = keras.Sequential([keras.Input((8, 8, 4)), layers.SeparableConv2D(6, 3)])
    # depthwise 6*6 positions * 3*3 * 4 channels, then pointwise 6*6 * 4 * 6
    assert layer_rows(sized)[0]["macs"] == 36 * 9 * 4 + 36 * 4 * 6
    assert any(r["type"] == "Add" for r in rows)


# ----------------------------------------------------------------------------- guide B
def test_b1_mnist_model():
    model = build_b1()
    rows = assert_rows_match_model(model)
    assert rows[0]["type"] == "InputLayer" and rows[0]["output_shape"] == (None, 784)
    assert rows[1]["param_formula"] == "784*64 + 64 = 50240"
    assert model.count_params() == 55_050


def test_b4_encoder_and_autoencoder():
    encoder, autoencoder = build_b4()
    assert encoder.count_params() == 18_672 and autoencoder.count_params() == 28_241
    rows = assert_rows_match_model(autoencoder)
    assert rows[-1]["output_shape"] == (None, 28, 28, 1)
    transposed = [r for r in rows if r["type"] == "Conv2DTranspose"]
    first = transposed[0]  # (4,4,1) -> (6,6,16), kernel 3x3
    assert first["macs"] == 4 * 4 * 3 * 3 * 1 * 16


def test_b5_nested_models_and_ensemble():
    encoder, decoder, autoencoder = build_b5()
    assert decoder.count_params() == 9_569
    rows = assert_rows_match_model(autoencoder)
    assert autoencoder.count_params() == 28_241
    assert [r["type"] for r in rows] == ["InputLayer", "Functional", "Functional"]
    assert rows[1]["output_shape"] == (None, 16) and rows[2]["output_shape"] == (None, 28, 28, 1)
    assert rows[1]["param_formula"].endswith("= 18672")
    assert rows[1]["macs"] == sum(r["macs"] for r in layer_rows(encoder))
    expanded = layer_rows(autoencoder, expand_nested=True)
    inner = [r for r in expanded if r["name"].startswith(encoder.name + "/")]
    assert len(inner) == len(encoder.layers)
    assert sum(r["params"] for r in inner) == 18_672
    assert inner[-1]["output_shape"] == (None, 16)
    assert "/" in ModelInfo(autoencoder, expand_nested=True).to_text()
    ensemble = build_ensemble()
    rows = assert_rows_match_model(ensemble)
    assert ensemble.count_params() == 387
    assert rows[-1]["type"] == "Average" and rows[-1]["input_shape"] == [(None, 1)] * 3


def test_b6a_ticket_model_multi_input_multi_output():
    model = build_ticket_model()
    rows = assert_rows_match_model(model)
    assert model.count_params() == 1_392_097
    by_name = {r["name"]: r for r in rows}
    assert by_name["title"]["output_shape"] == (None, None)
    concat = rows_by_type(model, "Concatenate")[0]
    assert concat["output_shape"] == (None, 172)
    assert concat["input_shape"] == [(None, 128), (None, 32), (None, 12)]
    lstm = rows_by_type(model, "LSTM")
    assert lstm[0]["param_formula"] == "4*(64*128 + 128*128 + 128) = 98816"
    assert lstm[0]["macs"] is None  # unknown sequence length
    embedding = rows_by_type(model, "Embedding")[0]
    assert embedding["param_formula"] == "10000*64 = 640000"
    assert embedding["activation_bytes"] is None
    assert by_name["department"]["output_shape"] == (None, 4)


def test_b6b_toy_resnet():
    model = build_toy_resnet()
    rows = assert_rows_match_model(model)
    assert model.count_params() == 223_242
    adds = rows_by_type(model, "Add")
    assert len(adds) == 2 and adds[0]["input_shape"] == [(None, 9, 9, 64)] * 2


def test_b7_shared_layer_has_one_row():
    model, shared = build_shared_embedding()
    rows = assert_rows_match_model(model)
    assert model.count_params() == 128_000
    embedding_rows = [r for r in rows if r["name"] == shared.name]
    assert len(embedding_rows) == 1
    assert embedding_rows[0]["output_shape"] == (None, None, 128)


def test_b8_vgg19(vgg19):
    rows = assert_rows_match_model(vgg19)
    assert vgg19.count_params() == 143_667_240
    assert len(rows) == 26
    assert rows[0]["output_shape"] == (None, 224, 224, 3)
    assert rows[-1]["output_shape"] == (None, 1000)
    assert rows[1]["param_formula"] == "3*3*3*64 + 64 = 1792"
    assert rows[1]["activation_bytes"] == 224 * 224 * 64 * 4
    assert rows[-1]["macs"] == 4096 * 1000


def test_b9_custom_layer():
    model = build_custom_dense_model()
    rows = assert_rows_match_model(model)
    assert model.count_params() == 50
    assert rows[1]["type"] == "CustomDense" and rows[1]["param_formula"] == "4*10 + 10 = 50"
    assert rows[1]["output_shape"] == (None, 10)
    assert rows[1]["macs"] is None  # kitlib cannot know what a custom call() computes


def test_b11_mix_and_match():
    model = build_mix_and_match()
    rows = assert_rows_match_model(model)
    assert model.count_params() == 2_657
    assert rows[-1]["output_shape"] == (16, 8, 1)
    assert rows[1]["param_formula"] == "3*5*32 + 32 = 512"


# ----------------------------------------------------------------------------- formatting
def test_formatting_helpers():
    assert format_shape((None, 28, 28, 1)) == "(None, 28, 28, 1)"
    assert format_shape((None,)) == "(None,)"
    assert format_shape(None) == "?"
    assert format_shape([(None, 1), (None, 2)]) == "(None, 1), (None, 2)"
    assert format_bytes(100) == "100 B" and format_bytes(2048) == "2.0 KiB" and format_bytes(None) == "?"
    assert param_formula(layers.Flatten()) == "0"
    no_bias = keras.Sequential([keras.Input((3,)), layers.Dense(2, use_bias=False)])
    assert param_formula(no_bias.layers[0]) == "3*2 = 6"
