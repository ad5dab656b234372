"""checks.graph_like: functional graphs judged from describe_model records, whatever the spelling.

Each case builds a small Keras model and checks that the spec accepts the spellings Keras treats as the same
(``+`` / ``layers.add`` / ``keras.ops.add``, an activation layer or the argument, a shared Sequential,
inputs and concatenation in another order) and names each mistake: an activation, a missing shared layer,
an input read twice, another merge, another layer, an input shape.
"""
from __future__ import annotations

import pytest

from kitlib.exercises import checks as c
from kitlib.exercises.checks import N, In
from kitlib.exercises.core import CheckFailed
from kitlib.exercises.describe import describe_model


@pytest.fixture(scope="module")
def K():
    import kitlib

    kitlib.setup(quiet=True)
    import keras
    from keras import layers

    return keras, layers


def verdict(check, model) -> str:
    try:
        check(describe_model(model, {}))
    except CheckFailed as failure:
        return failure.text()
    return "passed"


def siamese_spec():
    left = N("Dense", In(0, shape=(10,)), units=4, activation="relu", share="encoder")
    right = N("Dense", In(1, shape=(10,)), units=4, activation="relu", share="encoder")
    return c.graph_like([N("Dense", N("Subtract", left, right, any_order=True), units=1, activation="sigmoid")])


def test_a_shared_encoder_in_every_spelling_passes(K):
    keras, layers = K
    spec = siamese_spec()
    a, b = keras.Input((10,)), keras.Input((10,))
    encode = layers.Dense(4, activation="relu")
    assert verdict(spec, keras.Model([a, b], layers.Dense(1, activation="sigmoid")(encode(b) - encode(a)))) == "passed"
    shared = keras.Sequential([layers.Dense(4), layers.ReLU()])
    out = layers.Activation("sigmoid")(layers.Dense(1)(keras.ops.subtract(shared(a), shared(b))))
    assert verdict(spec, keras.Model([a, b], out)) == "passed"


@pytest.mark.parametrize("mistake, words", [
    ("two encoders", "2 different layers"),
    ("no sigmoid", "activation"),
    ("add", "Add where the task has a Subtract"),
    ("same input twice", "reads input 1 again"),
])
def test_graph_mistakes_are_named(K, mistake, words):
    keras, layers = K
    a, b = keras.Input((10,)), keras.Input((10,))
    encode = layers.Dense(4, activation="relu")
    head = layers.Dense(1, activation="sigmoid")
    model = {
        "two encoders": lambda: keras.Model([a, b], head(layers.subtract([layers.Dense(4, activation="relu")(a),
                                                                           layers.Dense(4, activation="relu")(b)]))),
        "no sigmoid": lambda: keras.Model([a, b], layers.Dense(1)(layers.subtract([encode(a), encode(b)]))),
        "add": lambda: keras.Model([a, b], head(layers.add([encode(a), encode(b)]))),
        "same input twice": lambda: keras.Model([a, b], head(layers.subtract([encode(a), encode(a)]))),
    }[mistake]()
    assert words in verdict(siamese_spec(), model)


def test_named_outputs_any_concatenation_order_and_input_shapes(K):
    keras, layers = K
    trunk = N("Concatenate", N("LSTM", N("Embedding", In(0, shape=(None,)), output_dim=16, weights=[[1000, 16]]),
                                units=8, activation=c.ANY), In(1, shape=(12,)), any_order=True)
    spec = c.graph_like({"priority": N("Dense", trunk, units=1), "department": N("Dense", trunk, units=4)})
    title, tags = keras.Input((None,)), keras.Input((12,))
    x = layers.concatenate([tags, layers.LSTM(8)(layers.Embedding(1000, 16)(title))])
    ok = keras.Model([tags, title], [layers.Dense(4, name="department")(x), layers.Dense(1, name="priority")(x)])
    assert verdict(spec, ok) == "passed"
    reordered = keras.Model([title, tags], {"priority": layers.Dense(1, name="priority")(x),
                                        "department": layers.Dense(4, name="department")(x)})
    assert verdict(spec, reordered) == "passed"  # the order of keras.Model's inputs is free too
    fixed = keras.Input((10,))
    y = layers.concatenate([layers.LSTM(8)(layers.Embedding(1000, 16)(fixed)), tags])
    short = keras.Model([fixed, tags], [layers.Dense(1, name="priority")(y), layers.Dense(4, name="department")(y)])
    assert "the shape of one sample of input 1" in verdict(spec, short)
    swapped = keras.Model([title, tags], [layers.Dense(1, name="department")(x), layers.Dense(4, name="priority")(x)])
    assert "units" in verdict(spec, swapped)


def test_projection_shortcut(K):
    keras, layers = K
    block = In(0, shape=(16, 16, 32))
    main = N("Conv2D", N("Conv2D", block, filters=64, kernel_size=3, padding="same", activation="relu"),
             filters=64, kernel_size=3, padding="same", activation="relu")
    spec = c.graph_like([N("Add", main, N("Conv2D", block, filters=64, kernel_size=1))])
    i = keras.Input((16, 16, 32))
    y = layers.Conv2D(64, 3, padding="same", activation="relu")(i)
    y = layers.Conv2D(64, 3, padding="same", activation="relu")(y)
    assert verdict(spec, keras.Model(i, layers.Conv2D(64, 1)(i) + y)) == "passed"
    assert verdict(spec, keras.Model(i, keras.ops.add(y, layers.Conv2D(64, (1, 1))(i)))) == "passed"
    assert "activation" in verdict(spec, keras.Model(i, layers.add([y, layers.Conv2D(64, 1, activation="relu")(i)])))
    assert "Average" in verdict(spec, keras.Model(i, layers.average([y, layers.Conv2D(64, 1)(i)])))
    assert "takes input 1 directly" in verdict(spec, keras.Model(i, layers.add([y, layers.Conv2D(64, 1)(y)])))


def test_a_change_on_the_other_pairing_of_an_addition_is_named(K):
    """add([shortcut, main]) against the task's add([main, shortcut]): the main branch's change (use_bias=False)
    is named, not a kernel-size mismatch of pairing the shortcut with the main branch."""
    keras, layers = K
    block = In(0, shape=(16, 16, 32))
    main = N("Conv2D", N("Conv2D", block, filters=64, kernel_size=3, padding="same", activation="relu"),
             filters=64, kernel_size=3, padding="same", activation="relu")
    spec = c.graph_like([N("Add", main, N("Conv2D", block, filters=64, kernel_size=1))])
    i = keras.Input((16, 16, 32))
    y = layers.Conv2D(64, 3, padding="same", activation="relu")(i)
    y = layers.Conv2D(64, 3, padding="same", activation="relu", use_bias=False)(y)
    message = verdict(spec, keras.Model(i, layers.add([layers.Conv2D(64, 1)(i), y])))
    assert "use_bias" in message and "kernel size" not in message, message


def test_output_refs_point_at_folded_ops(K):
    keras, layers = K
    i = keras.Input((3,))
    record = describe_model(keras.Model(i, [layers.Activation("softmax")(layers.Dense(2)(i)), i]), {})
    assert [op["kind"] for op in record["ops"]] == ["Dense"]
    assert record["output_refs"] == [[0, 0], ["input", 0]]
