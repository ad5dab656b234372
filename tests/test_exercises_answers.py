"""Round trips of kitlib.exercises.answers: the no-pickle export that kit grade's trusted re-check reads.

Keras is imported only inside the tests that need it; models are a few Dense layers.
"""
from __future__ import annotations

import json
import math
import pickle

import pytest

from kitlib.exercises import answers


def round_trip(value, tmp_path, exercise_id="ex", **options):
    kind = answers.encode(value, tmp_path, exercise_id, **options)
    return kind, answers.decode(tmp_path, exercise_id)


def _keras():
    keras = pytest.importorskip("keras")
    return keras, keras.layers


def _params(model):
    return model.count_params()


# ---------------------------------------------------------------- plain values (kind "json")

@pytest.mark.fast
@pytest.mark.parametrize("value", [None, 3, 2.5, float("inf"), "x", (None, 4), [1, (2, 3)], {"a": (1,)}, True])
def test_plain_answers_round_trip(tmp_path, value):
    assert answers.encode(value, tmp_path, "ex") == "json"
    assert answers.decode(tmp_path, "ex") == value


@pytest.mark.fast
def test_sets_and_deep_plain_nesting_round_trip(tmp_path):
    value = {"s": {1, "a", (2, 3)}, "f": frozenset({4, 5}), "l": [(1, [None, {"k": -math.inf}])], "e": set()}
    kind, back = round_trip(value, tmp_path)
    assert kind == "json" and back == value
    assert type(back["s"]) is set and type(back["f"]) is frozenset and type(back["l"][0]) is tuple


@pytest.mark.fast
def test_nan_comes_back_as_nan(tmp_path):
    kind, back = round_trip([float("nan")], tmp_path)
    assert kind == "json" and math.isnan(back[0])


@pytest.mark.fast
def test_numpy_scalars_come_back_as_python_values(tmp_path):
    np = pytest.importorskip("numpy")
    kind, back = round_trip({"n": np.int64(3), "x": np.float32(0.5), "b": np.bool_(True)}, tmp_path)
    assert kind == "json" and back == {"n": 3, "x": 0.5, "b": True}
    assert type(back["n"]) is int and type(back["b"]) is bool


@pytest.mark.fast
def test_numpy_answer_round_trips_without_pickle(tmp_path):
    np = pytest.importorskip("numpy")
    assert answers.encode(np.arange(6).reshape(2, 3), tmp_path, "ex") == "npy"
    assert answers.decode(tmp_path, "ex").tolist() == [[0, 1, 2], [3, 4, 5]]
    assert answers.decode(tmp_path, "ex").shape == (2, 3)


@pytest.mark.fast
def test_arrays_inside_containers_become_side_files(tmp_path):
    np = pytest.importorskip("numpy")
    value = {"w": [np.ones((2, 2), dtype="float32"), (np.arange(3), 7)]}
    kind, back = round_trip(value, tmp_path)
    assert kind == "bundle"
    assert back["w"][0].dtype == np.float32 and back["w"][0].tolist() == [[1, 1], [1, 1]]
    assert back["w"][1][0].tolist() == [0, 1, 2] and back["w"][1][1] == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ex.json", "ex.part0.npy", "ex.part1.npy"]


@pytest.mark.fast
def test_no_pickle_is_written(tmp_path, monkeypatch):
    np = pytest.importorskip("numpy")

    def refuse(*args, **kwargs):
        raise AssertionError("pickle used")

    monkeypatch.setattr(pickle, "dump", refuse)
    monkeypatch.setattr(pickle, "dumps", refuse)
    assert answers.encode({"a": np.zeros(2), "s": {1}}, tmp_path, "ex") == "bundle"
    assert answers.decode(tmp_path, "ex")["a"].tolist() == [0, 0]


# ---------------------------------------------------------------- what stays unsupported

@pytest.mark.fast
@pytest.mark.parametrize("make", [lambda: (lambda: 1), lambda: type("Custom", (), {}),
                                  lambda: object(), lambda: {1: "int key"}, lambda: [1, print]])
def test_code_answers_are_not_exported(tmp_path, make):
    assert answers.encode(make(), tmp_path, "ex") == "unsupported"
    with pytest.raises(answers.Unsupported):
        answers.decode(tmp_path, "ex")


@pytest.mark.fast
def test_object_arrays_are_not_exported(tmp_path):
    np = pytest.importorskip("numpy")
    assert answers.encode([np.array([{"a": 1}], dtype=object)], tmp_path, "ex") == "unsupported"
    with pytest.raises(answers.Unsupported, match="dtype=object"):
        answers.decode(tmp_path, "ex")


@pytest.mark.fast
def test_a_failure_part_way_leaves_no_answer_that_decodes(tmp_path):
    np = pytest.importorskip("numpy")
    assert answers.encode([np.zeros(3)], tmp_path, "ex") == "bundle"      # an earlier, good answer
    assert answers.encode([np.ones(3), np.ones(2), lambda: 0], tmp_path, "ex") == "unsupported"
    with pytest.raises(answers.Unsupported, match="function"):
        answers.decode(tmp_path, "ex")
    assert not [p for p in tmp_path.iterdir() if "staging" in p.name or p.name.startswith(".")]


@pytest.mark.fast
def test_too_deep_nesting_is_unsupported(tmp_path):
    value: list = []
    for _ in range(100):
        value = [value]
    assert answers.encode(value, tmp_path, "ex") == "unsupported"


# ---------------------------------------------------------------- hostile answer folders

def _write_meta(tmp_path, meta, exercise_id="ex"):
    (tmp_path / f"{exercise_id}.json").write_text(json.dumps(meta) if not isinstance(meta, str) else meta)


@pytest.mark.fast
@pytest.mark.parametrize("meta", [
    {"kind": "bundle", "value": {"__npy__": 0}},                         # side file missing
    {"kind": "bundle", "value": {"__npy__": "../../etc/passwd"}},        # a path instead of a number
    {"kind": "bundle", "value": {"__npy__": -1}},
    {"kind": "bundle", "value": {"__model__": {"saved": 3, "member": None}}, "models": []},
    {"kind": "bundle", "value": {"__pickle__": "x"}},                    # unknown tag
    {"kind": "json", "value": {"a": 1, "b": 2}},                         # an untagged dict
    {"kind": "json", "value": {"__float__": "1e999999"}},
    {"kind": "json", "value": {"__set__": [[1]]}},                       # unhashable set item
    {"kind": "keras-config", "models": [{"format": "config", "file": "../x"}]},
    {"kind": "pickle"},
    "[1, 2]",
    "{" * 100000,
])
def test_hostile_records_raise_unsupported(tmp_path, meta):
    _write_meta(tmp_path, meta)
    with pytest.raises(answers.Unsupported):
        answers.decode(tmp_path, "ex")


@pytest.mark.fast
def test_huge_nesting_in_a_record_is_refused(tmp_path):
    value: object = 1
    for _ in range(200):
        value = {"__tuple__": [value]}
    _write_meta(tmp_path, {"kind": "json", "value": value})
    with pytest.raises(answers.Unsupported, match="deep"):
        answers.decode(tmp_path, "ex")


@pytest.mark.fast
def test_symlinks_out_of_the_folder_are_not_followed(tmp_path):
    np = pytest.importorskip("numpy")
    outside = tmp_path / "outside"
    outside.mkdir()
    np.save(outside / "secret.npy", np.arange(3), allow_pickle=False)
    folder = tmp_path / "answers"
    folder.mkdir()
    _write_meta(folder, {"kind": "bundle", "value": [{"__npy__": 0}]})
    (folder / "ex.part0.npy").symlink_to(outside / "secret.npy")
    with pytest.raises(answers.Unsupported):
        answers.decode(folder, "ex")
    (outside / "ex.json").write_text(json.dumps({"kind": "json", "value": 1}))
    (folder / "ex.json").unlink()
    (folder / "ex.json").symlink_to(outside / "ex.json")
    with pytest.raises(answers.Unsupported):
        answers.decode(folder, "ex")


@pytest.mark.fast
@pytest.mark.parametrize("bad_id", ["../ex", "a/b", "..", ".hidden", ""])
def test_unsafe_exercise_ids_are_refused(tmp_path, bad_id):
    with pytest.raises(answers.Unsupported):
        answers.decode(tmp_path, bad_id)
    with pytest.raises(answers.Unsupported):
        answers.encode(1, tmp_path, bad_id)


# ---------------------------------------------------------------- Keras leaves

def _dense(keras, layers, name="m", units=(4, 2)):
    inp = keras.Input(shape=(3,), name=f"{name}_in")
    x = inp
    for i, n in enumerate(units):
        x = layers.Dense(n, name=f"{name}_d{i}")(x)
    return keras.Model(inp, x, name=name)


def test_a_single_model_round_trips_with_weights(tmp_path):
    keras, layers = _keras()
    import numpy as np

    model = _dense(keras, layers)
    kind, back = round_trip(model, tmp_path)
    assert kind == "keras" and back.name == "m" and _params(back) == _params(model)
    x = np.ones((1, 3), dtype="float32")
    assert np.allclose(back.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_big_model_is_exported_as_architecture_only(tmp_path):
    keras, layers = _keras()
    model = _dense(keras, layers, units=(8, 2))
    kind, back = round_trip(model, tmp_path, max_model_bytes=64)
    assert kind == "keras-config"
    meta = json.loads((tmp_path / "ex.json").read_text())
    assert meta["weights_exported"] is False and meta["weights_not_exported"] == ["m"]
    assert back.name == "m" and _params(back) == _params(model)
    assert tuple(back.input_shape) == (None, 3) and tuple(back.output_shape) == (None, 2)
    assert not list(tmp_path.glob("*.keras"))


def test_a_big_model_inside_a_bundle(tmp_path):
    keras, layers = _keras()
    small, big = _dense(keras, layers, "small", (1,)), _dense(keras, layers, "big", (16, 16))
    limit = 4 * (small.count_params() + 1)
    kind, back = round_trip({"small": small, "big": big}, tmp_path, max_model_bytes=limit)
    assert kind == "bundle"
    assert json.loads((tmp_path / "ex.json").read_text())["weights_not_exported"] == ["big"]
    assert [_params(back[k]) for k in ("small", "big")] == [_params(small), _params(big)]


def test_models_in_containers_keep_names_shapes_and_params(tmp_path):
    keras, layers = _keras()
    a = _dense(keras, layers, "a")
    b = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(2)], name="b")
    kind, back = round_trip({"pair": (a, [b, 1.5]), "again": a}, tmp_path)
    assert kind == "bundle"
    got_a, (got_b, number) = back["pair"][0], back["pair"][1]
    assert (got_a.name, got_b.name, number) == ("a", "b", 1.5)
    assert _params(got_a) == _params(a) and _params(got_b) == _params(b)
    assert tuple(got_b.input_shape) == (None, 5) and back["again"] is got_a


def test_shared_graph_models_come_back_sharing_inputs_and_layers(tmp_path):
    keras, layers = _keras()
    inp = keras.Input(shape=(6,), name="pixels")
    code = layers.Dense(2, name="code")(layers.Dense(4, name="squeeze")(inp))
    rebuilt = layers.Dense(6, name="rebuild")(code)
    encoder, autoencoder = keras.Model(inp, code, name="encoder"), keras.Model(inp, rebuilt, name="autoencoder")
    autoencoder.compile(optimizer="adam", loss="mse")
    kind, (enc, auto) = round_trip((encoder, autoencoder), tmp_path)
    assert kind == "bundle" and (enc.name, auto.name) == ("encoder", "autoencoder")
    assert enc.inputs[0] is auto.inputs[0]
    for layer in enc.layers:
        assert any(layer is other for other in auto.layers), layer.name
    assert (_params(enc), _params(auto)) == (_params(encoder), _params(autoencoder))
    assert tuple(enc.output_shape) == (None, 2) and tuple(auto.output_shape) == (None, 6)
    assert auto.compiled and not enc.compiled
    assert len(list(tmp_path.glob("*.keras"))) == 1


def test_models_that_do_not_share_inputs_come_back_unshared(tmp_path):
    keras, layers = _keras()
    first, second = _dense(keras, layers, "first"), _dense(keras, layers, "second")
    kind, (a, b) = round_trip([first, second], tmp_path)
    assert kind == "bundle" and a.inputs[0] is not b.inputs[0]
    assert not any(la is lb for la in a.layers for lb in b.layers)
    assert len(list(tmp_path.glob("*.keras"))) == 2


def test_models_with_custom_layers_or_lambdas_are_unsupported(tmp_path):
    keras, layers = _keras()

    class Twice(layers.Layer):
        def call(self, x):
            return 2 * x

    inp = keras.Input(shape=(3,))
    assert answers.encode(keras.Model(inp, Twice()(inp)), tmp_path, "ex") == "unsupported"
    with pytest.raises(answers.Unsupported, match="Twice"):
        answers.decode(tmp_path, "ex")
    lam = keras.Model(inp, layers.Lambda(lambda x: x + 1)(inp))
    assert answers.encode([lam], tmp_path, "ex") == "unsupported"
    with pytest.raises(answers.Unsupported, match="Lambda"):
        answers.decode(tmp_path, "ex")

    def custom_activation(x):
        return x

    odd = keras.Model(inp, layers.Dense(2, activation=custom_activation)(inp))
    assert answers.encode(odd, tmp_path, "ex") == "unsupported"


def test_keras_tensor_round_trips(tmp_path):
    keras, layers = _keras()
    tensor = layers.Dense(5)(keras.Input(shape=(None, 3), name="seq"))
    kind, back = round_trip({"t": tensor}, tmp_path)
    assert kind == "bundle" and isinstance(back["t"], keras.KerasTensor)
    assert tuple(back["t"].shape) == (None, None, 5) and back["t"].dtype == tensor.dtype
    assert back["t"].name == tensor.name


def test_history_of_a_real_fit_round_trips(tmp_path):
    keras, layers = _keras()
    import numpy as np

    model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    history = model.fit(np.zeros((4, 2)), np.zeros((4, 1)), epochs=1, batch_size=2, verbose=0)
    kind, back = round_trip(history, tmp_path)
    assert kind == "bundle" and isinstance(back, keras.callbacks.History)
    assert back.epoch == history.epoch == [0]
    assert set(back.history) == set(history.history) == {"loss", "mae"}
    assert back.history["loss"] == pytest.approx([float(v) for v in history.history["loss"]])
    assert back.params == history.params


@pytest.mark.fast
def test_keras_is_not_needed_for_plain_answers():
    import subprocess
    import sys

    code = ("import sys, tempfile; from kitlib.exercises import answers; d = tempfile.mkdtemp();"
            "answers.encode({'a': {1, 2}}, d, 'ex'); answers.decode(d, 'ex');"
            "sys.exit(1 if 'keras' in sys.modules or 'tensorflow' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
