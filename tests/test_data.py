"""Tests of kitlib.data: loaders, offline substitutes, the network decision, pretrained().

Run with ``.venv/bin/pytest -n0 tests/test_data.py`` (``-m "not slow"`` skips the training tests).
"""
from __future__ import annotations

import hashlib
import pickle
import socket
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import kitlib.data as kd
from kitlib.data import network, substitutes


def _digest(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(str((a.shape, a.dtype.str)).encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def substitute_dir(tmp_path_factory):
    """A substitute cache generated once for this module (offline, empty Keras home)."""
    data_dir = tmp_path_factory.mktemp("kitlib-data")
    keras_home = tmp_path_factory.mktemp("keras-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KITLIB_DATA_DIR", str(data_dir))
        mp.setenv("KERAS_HOME", str(keras_home))
        mp.setenv("KITLIB_OFFLINE", "1")
        kd.load_mnist()
        kd.load_cifar10()
    return data_dir


@pytest.fixture
def offline_env(monkeypatch, substitute_dir, tmp_path):
    """KITLIB_OFFLINE=1, the module's substitute cache, an empty Keras home."""
    monkeypatch.setenv("KITLIB_OFFLINE", "1")
    monkeypatch.setenv("KITLIB_DATA_DIR", str(substitute_dir))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return substitute_dir


@pytest.fixture
def unreachable_network(monkeypatch):
    """Every DNS lookup and connect hangs (until the test ends); the probe cache is cleared."""
    release = threading.Event()
    calls = []

    def hang(*args, **kwargs):
        calls.append(args)
        release.wait(60)
        raise OSError("network unreachable (test)")

    monkeypatch.delenv("KITLIB_OFFLINE", raising=False)
    monkeypatch.setattr(socket, "getaddrinfo", hang)
    monkeypatch.setattr(socket, "create_connection", hang)
    monkeypatch.setattr(socket.socket, "connect", hang)
    network.clear_probe_cache()
    yield calls
    release.set()
    network.clear_probe_cache()


# ---------------------------------------------------------------- import


@pytest.mark.fast
def test_import_does_not_load_tensorflow():
    code = "import sys, kitlib.data; print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------- shapes and dtypes


def test_load_mnist_shapes_and_dtypes(offline_env, capsys):
    (x, y), (xt, yt) = kd.load_mnist()
    assert x.shape == (60000, 28, 28) and xt.shape == (10000, 28, 28)
    assert y.shape == (60000,) and yt.shape == (10000,)
    assert x.dtype == xt.dtype == y.dtype == yt.dtype == np.uint8
    assert set(np.unique(y)) == set(range(10)) and set(np.unique(yt)) == set(range(10))
    assert x.max() == 255 and np.median(x) == 0  # white ink on a black background, like MNIST
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.count("\n") == 1 and "substitute" in captured.out


def test_load_cifar10_shapes_and_dtypes(offline_env, capsys):
    (x, y), (xt, yt) = kd.load_cifar10()
    assert x.shape == (50000, 32, 32, 3) and xt.shape == (10000, 32, 32, 3)
    assert y.shape == (50000, 1) and yt.shape == (10000, 1)
    assert x.dtype == xt.dtype == y.dtype == yt.dtype == np.uint8
    assert set(np.unique(y)) == set(range(10))
    counts = np.bincount(y[:, 0], minlength=10)
    assert counts.min() > 4000  # roughly balanced, like CIFAR-10
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out.count("\n") == 1
    assert len(kd.IMAGE_CLASS_NAMES) == 10 == len(set(kd.IMAGE_CLASS_NAMES))


@pytest.mark.fast
def test_generators_validate_input():
    with pytest.raises(ValueError, match="non-negative integer"):
        substitutes.make_digits(-1)
    with pytest.raises(ValueError, match="non-negative integer"):
        substitutes.make_images(2.5)
    with pytest.raises(ValueError, match="seed"):
        substitutes.make_digits(3, seed=-4)
    assert substitutes.make_digits(0)[0].shape == (0, 28, 28)
    assert substitutes.make_images(0)[1].shape == (0, 1)


# ---------------------------------------------------------------- determinism


def test_generators_are_deterministic_across_processes():
    here = _digest(*substitutes.make_digits(1500, seed=7), *substitutes.make_images(1500, seed=7))
    code = (
        "import hashlib, numpy as np\n"
        "from kitlib.data import substitutes as s\n"
        "h = hashlib.sha256()\n"
        "for a in (*s.make_digits(1500, seed=7), *s.make_images(1500, seed=7)):\n"
        "    h.update(str((a.shape, a.dtype.str)).encode()); h.update(np.ascontiguousarray(a).tobytes())\n"
        "print(h.hexdigest())\n"
    )
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert there.stdout.strip() == here
    assert _digest(*substitutes.make_digits(1500, seed=8)) != _digest(*substitutes.make_digits(1500, seed=7))


def test_blocks_do_not_depend_on_the_total_size():
    big_x, big_y = substitutes.make_digits(2500, seed=3)
    small_x, small_y = substitutes.make_digits(1000, seed=3)
    assert np.array_equal(big_x[:1000], small_x) and np.array_equal(big_y[:1000], small_y)


def test_loader_matches_generator_and_is_stable(offline_env):
    first = _digest(*kd.load_mnist()[1])
    second = _digest(*kd.load_mnist()[1])
    assert first == second == _digest(*substitutes.make_digits(10000, seed=1))


def test_substitute_digits_are_varied():
    x, y = substitutes.make_digits(2000, seed=0)
    for digit in range(10):
        imgs = x[y == digit].astype(np.float32)
        # no two drawings of a digit are the same, and they differ a lot on average
        assert len(np.unique(imgs.reshape(len(imgs), -1), axis=0)) == len(imgs)
        assert imgs.std(axis=0).mean() > 30
    ink = (x > 128).reshape(len(x), -1).sum(axis=1)
    assert ink.std() > 0.2 * ink.mean()  # thin and thick pens


# ---------------------------------------------------------------- no network


@pytest.mark.fast
def test_network_probe_gives_up_within_the_timeout(unreachable_network):
    start = time.monotonic()
    assert network.network_available(timeout=1.0) is False
    assert time.monotonic() - start < 1.5
    assert unreachable_network, "the probe should have tried to connect"
    start = time.monotonic()
    assert network.network_available(timeout=1.0) is False  # cached answer
    assert time.monotonic() - start < 0.1


def test_fallback_without_network_decides_quickly(unreachable_network, substitute_dir, tmp_path,
                                                   monkeypatch, capsys):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty-keras-home"))
    monkeypatch.setenv("KITLIB_DATA_DIR", str(substitute_dir))
    start = time.monotonic()
    (x, y), _ = kd.load_mnist()
    elapsed_mnist = time.monotonic() - start
    assert x.shape == (60000, 28, 28)
    assert elapsed_mnist < 3.0
    start = time.monotonic()
    (x, y), _ = kd.load_cifar10()
    assert time.monotonic() - start < 3.0
    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.strip().splitlines()
    assert len(lines) == 2 and all("offline" in line and "substitute" in line for line in lines)
    assert kd.describe_data_sources() == "MNIST substitute, CIFAR-10 substitute (offline)"


def test_refused_connection_falls_back(monkeypatch, substitute_dir, tmp_path, capsys):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("refused (test)")

    monkeypatch.delenv("KITLIB_OFFLINE", raising=False)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "k"))
    monkeypatch.setenv("KITLIB_DATA_DIR", str(substitute_dir))
    network.clear_probe_cache()
    try:
        (x, _), _ = kd.load_mnist()
    finally:
        network.clear_probe_cache()
    assert x.shape == (60000, 28, 28)
    assert "offline" in capsys.readouterr().out


def test_offline_env_skips_the_probe(offline_env, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("KITLIB_OFFLINE=1 must not touch the network")

    monkeypatch.setattr(socket, "create_connection", boom)
    network.clear_probe_cache()
    assert network.network_available() is False
    kd.load_mnist()


@pytest.mark.fast
def test_status_never_probes_or_generates(monkeypatch, tmp_path):
    def boom(*args, **kwargs):
        raise AssertionError("status must not probe the network or generate data")

    monkeypatch.delenv("KITLIB_OFFLINE", raising=False)
    monkeypatch.setenv("KITLIB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(network, "network_available", boom)
    monkeypatch.setattr(kd, "network_available", boom)
    monkeypatch.setattr(socket, "create_connection", boom)
    monkeypatch.setattr(substitutes, "make_mnist_like", boom)
    network.clear_probe_cache()
    status = kd.data_status()
    assert sorted(status) == ["cifar10", "mnist"]
    assert status["mnist"]["real_cached"] is False and status["mnist"]["substitute_cached"] is False
    assert status["mnist"]["substitute_path"].startswith(str(tmp_path / "data"))
    assert status["mnist"]["keras_home"] == str(tmp_path / "keras")
    assert status["cifar10"]["source"] == "download or substitute"
    assert kd.describe_data_sources() == "MNIST download or substitute, CIFAR-10 download or substitute"
    assert not (tmp_path / "data").exists()


@pytest.mark.fast
@pytest.mark.parametrize("reachable", [True, False])
def test_setup_line_says_which_data_this_session_uses(monkeypatch, tmp_path, reachable):
    """kitlib.setup()'s line (describe_data_sources(probe=True)) settles "download or substitute" with the
    loaders' own probe: the real data (downloaded) where the servers answer, the substitute where not;
    data already cached needs no probe."""
    from kitlib import environment

    calls = []

    def probe(*args, **kwargs):
        calls.append(1)
        network._probe_cache["answer"] = reachable
        return reachable

    monkeypatch.delenv("KITLIB_OFFLINE", raising=False)
    monkeypatch.setenv("KITLIB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(kd, "network_available", probe)
    network.clear_probe_cache()
    try:
        line = environment._data_sources()
    finally:
        network.clear_probe_cache()
    assert calls == [1] and "or" not in line.replace("offline", ""), line
    assert line == ("MNIST download, CIFAR-10 download" if reachable
                    else "MNIST substitute, CIFAR-10 substitute (offline)"), line


# ---------------------------------------------------------------- real data in Keras' cache


def _fake_mnist(keras_home):
    rng = np.random.default_rng(1)
    arrays = {
        "x_train": rng.integers(0, 256, (30, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 30).astype(np.uint8),
        "x_test": rng.integers(0, 256, (7, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 7).astype(np.uint8),
    }
    (keras_home / "datasets").mkdir(parents=True)
    np.savez(keras_home / "datasets" / "mnist.npz", **arrays)
    return arrays


def _fake_cifar(keras_home):
    """CIFAR-10 python batches as Keras 3 extracts them; returns the channels-first pixels."""
    folder = keras_home / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(2)
    batches = []
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = rng.integers(0, 256, (4, 3072), dtype=np.uint8)
        labels = [int(v) for v in rng.integers(0, 10, 4)]
        with open(folder / name, "wb") as handle:
            pickle.dump({b"batch_label": name.encode(), b"labels": labels, b"data": data}, handle)
        batches.append((data, labels))
    return batches


def test_real_mnist_from_keras_cache(monkeypatch, tmp_path, capsys):
    keras_home = tmp_path / "keras"
    arrays = _fake_mnist(keras_home)
    monkeypatch.delenv("KITLIB_OFFLINE", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    monkeypatch.setenv("KITLIB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("no probe needed"))
    (x, y), (xt, yt) = kd.load_mnist()
    assert np.array_equal(x, arrays["x_train"]) and np.array_equal(y, arrays["y_train"])
    assert np.array_equal(xt, arrays["x_test"]) and np.array_equal(yt, arrays["y_test"])
    assert capsys.readouterr().out == ""  # no notice for real data
    assert kd.describe_data_sources().startswith("MNIST real")
    assert kd.data_status()["mnist"]["real_path"] == str(keras_home / "datasets" / "mnist.npz")


def test_real_cifar10_from_keras_cache(monkeypatch, tmp_path):
    keras_home = tmp_path / "keras"
    batches = _fake_cifar(keras_home)
    monkeypatch.delenv("KITLIB_OFFLINE", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("no probe needed"))
    (x, y), (xt, yt) = kd.load_cifar10()
    assert x.shape == (20, 32, 32, 3) and y.shape == (20, 1) and xt.shape == (4, 32, 32, 3)
    assert x.dtype == y.dtype == np.uint8
    first = batches[0][0][0].reshape(3, 32, 32)  # channels first in the file
    assert np.array_equal(x[0], first.transpose(1, 2, 0))
    assert y[:4, 0].tolist() == batches[0][1] and yt[:, 0].tolist() == batches[-1][1]


def test_offline_flag_forces_substitute_even_with_real_cache(monkeypatch, tmp_path, substitute_dir, capsys):
    _fake_mnist(tmp_path / "keras")
    monkeypatch.setenv("KITLIB_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("KITLIB_DATA_DIR", str(substitute_dir))
    (x, _), _ = kd.load_mnist()
    assert x.shape == (60000, 28, 28)
    assert "KITLIB_OFFLINE=1" in capsys.readouterr().out
    assert kd.describe_data_sources() == "MNIST substitute, CIFAR-10 substitute (KITLIB_OFFLINE=1)"


# ---------------------------------------------------------------- damaged cache


def test_corrupt_substitute_cache_is_regenerated(monkeypatch, tmp_path, substitute_dir, capsys):
    monkeypatch.setenv("KITLIB_OFFLINE", "1")
    monkeypatch.setenv("KITLIB_DATA_DIR", str(tmp_path))
    path = kd.substitute_path("mnist")
    path.write_bytes(b"PK\x03\x04 this is not a complete npz file")
    stale = tmp_path / "mnist-substitute-v0.npz"  # left by an older generator
    stale.write_bytes(b"old")
    (x, y), (xt, yt) = kd.load_mnist()
    out = capsys.readouterr().out
    assert "unreadable" in out and "regenerating" in out
    good = substitute_dir / path.name
    with np.load(good) as f:
        assert np.array_equal(x, f["x_train"]) and np.array_equal(yt, f["y_test"])
    assert not list(tmp_path.glob("*.tmp"))  # no temporary files left behind
    assert not stale.exists()
    kd.load_mnist()
    assert "unreadable" not in capsys.readouterr().out


def test_cache_with_wrong_shapes_is_regenerated(monkeypatch, tmp_path, substitute_dir, capsys):
    monkeypatch.setenv("KITLIB_OFFLINE", "1")
    monkeypatch.setenv("KITLIB_DATA_DIR", str(tmp_path))
    small = np.zeros((3, 32, 32, 3), np.uint8)
    np.savez(kd.substitute_path("cifar10"), x_train=small, y_train=np.zeros((3, 1), np.uint8),
             x_test=small, y_test=np.zeros((3, 1), np.uint8))
    # regeneration itself is tested above with MNIST; here the generator hands back the module's set
    with np.load(substitute_dir / kd.substitute_path("cifar10").name) as f:
        good = tuple(f[k] for k in ("x_train", "y_train", "x_test", "y_test"))
    calls = []
    monkeypatch.setitem(kd._SPECS["cifar10"], "make",
                        lambda seed: calls.append(seed) or ((good[0], good[1]), (good[2], good[3])))
    (x, _), _ = kd.load_cifar10()
    assert x.shape == (50000, 32, 32, 3) and calls == [0]
    assert "regenerating" in capsys.readouterr().out
    kd.load_cifar10()  # the rewritten cache is used from now on
    assert calls == [0] and "regenerating" not in capsys.readouterr().out


@pytest.mark.fast
def test_unknown_dataset_name():
    with pytest.raises(ValueError, match="mnist"):
        kd.substitute_path("imagenet")


# ---------------------------------------------------------------- pretrained()


def test_pretrained_without_weights_says_so(monkeypatch, tmp_path, capsys):
    import keras

    monkeypatch.setenv("KITLIB_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert kd.pretrained_weights_available("VGG19") is False
    model = kd.pretrained("VGG19", include_top=False, input_shape=(32, 32, 3), pooling="avg")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "weights=None" in out and "random" in out
    assert model.kitlib_weights is None
    reference = keras.applications.VGG19(weights=None, include_top=False, input_shape=(32, 32, 3), pooling="avg")
    assert model.count_params() == reference.count_params()
    assert model.output_shape == (None, 512)


def _random_weights_model(*args, **kwargs):
    import importlib

    # kitlib.data.pretrained is also the name of the function, so go through the module.
    return importlib.import_module("kitlib.data.pretrained").random_weights_model(*args, **kwargs)


MOBILENET_SMALL = dict(include_top=False, input_shape=(32, 32, 3), alpha=0.25)


def test_random_weights_model_matches_keras_weights_none_build():
    import keras

    keras.backend.clear_session()  # both builds get the same automatic names ("input_layer")
    model = _random_weights_model("MobileNet", seed=3, **MOBILENET_SMALL)
    keras.backend.clear_session()
    reference = keras.applications.MobileNet(weights=None, **MOBILENET_SMALL)
    assert [layer.name for layer in model.layers] == [layer.name for layer in reference.layers]
    assert [layer.output.shape for layer in model.layers] == [layer.output.shape for layer in reference.layers]
    assert [v.path for v in model.variables] == [v.path for v in reference.variables]
    assert [tuple(v.shape) for v in model.variables] == [tuple(v.shape) for v in reference.variables]
    assert model.count_params() == reference.count_params()
    # Random kernels (conv and depthwise) with Keras' variance; zeros/ones initialisers are kept.
    conv = model.get_layer("conv_pw_13").kernel.numpy()
    fan_in, fan_out = conv.shape[-2], conv.shape[-1]
    assert conv.std() == pytest.approx((2 / (fan_in + fan_out)) ** 0.5, rel=0.1)
    assert model.get_layer("conv_dw_1").kernel.numpy().std() > 0
    bn = model.get_layer("conv_pw_13_bn")
    assert np.all(bn.moving_variance.numpy() == 1) and np.all(bn.moving_mean.numpy() == 0)
    features = model(np.random.default_rng(0).random((2, 32, 32, 3)).astype("float32"))
    assert np.asarray(features).std() > 0


def test_random_weights_model_is_deterministic_with_its_seed():
    first = _random_weights_model("MobileNet", seed=7, **MOBILENET_SMALL)
    again = _random_weights_model("MobileNet", seed=7, **MOBILENET_SMALL)
    other = _random_weights_model("MobileNet", seed=8, **MOBILENET_SMALL)
    for a, b, c in zip(first.get_weights(), again.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    kernels = [(a, c) for a, c in zip(first.get_weights(), other.get_weights()) if a.ndim == 4]
    assert kernels and all(not np.array_equal(a, c) for a, c in kernels)


def test_pretrained_offline_uses_the_light_build(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("KITLIB_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    model = kd.pretrained("MobileNet", **MOBILENET_SMALL)
    light = _random_weights_model("MobileNet", **MOBILENET_SMALL)
    for a, b in zip(model.get_weights(), light.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_pretrained_sees_cached_weights(monkeypatch, tmp_path):
    monkeypatch.setenv("KITLIB_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "xception_weights_tf_dim_ordering_tf_kernels_notop.h5").write_bytes(b"x")
    assert kd.pretrained_weights_available("Xception", include_top=False) is True
    assert kd.pretrained_weights_available("Xception", include_top=True) is False


def test_pretrained_rejects_unknown_names():
    with pytest.raises(ValueError, match="VGG19"):
        kd.pretrained("VGG20")


# ---------------------------------------------------------------- learnability


@pytest.mark.slow
def test_guide_mlp_learns_the_digit_substitute(offline_env):
    import keras

    keras.utils.set_random_seed(42)
    (x, y), (xt, yt) = kd.load_mnist()
    x = x.reshape(60000, 784).astype("float32") / 255
    xt = xt.reshape(10000, 784).astype("float32") / 255
    inputs = keras.Input(shape=(784,))
    h = keras.layers.Dense(64, activation="relu")(inputs)
    h = keras.layers.Dense(64, activation="relu")(h)
    model = keras.Model(inputs, keras.layers.Dense(10)(h))
    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.RMSprop(),
        metrics=["accuracy"],
    )
    model.fit(x, y, batch_size=64, epochs=2, validation_split=0.2, verbose=0)
    _, accuracy = model.evaluate(xt, yt, verbose=0)
    print(f"guide MLP test accuracy on the digit substitute: {accuracy:.4f}")
    assert 0.90 <= accuracy < 0.995  # learnable, but not trivially separable


@pytest.mark.slow
def test_small_convnet_learns_the_image_substitute():
    import keras

    keras.utils.set_random_seed(42)
    x, y = substitutes.make_images(5000, seed=0)
    xt, yt = substitutes.make_images(2000, seed=1)
    model = keras.Sequential([
        keras.Input((32, 32, 3)),
        keras.layers.Rescaling(1 / 255),
        keras.layers.Conv2D(16, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(10),
    ])
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  optimizer="adam", metrics=["accuracy"])
    model.fit(x, y, batch_size=64, epochs=3, verbose=0)
    _, accuracy = model.evaluate(xt, yt, verbose=0)
    print(f"small convnet test accuracy on the image substitute: {accuracy:.4f}")
    assert accuracy > 0.3  # chance is 0.1


# ---------------------------------------------------------------- downloads (Keras mocked)


def test_download_is_used_when_the_network_answers(monkeypatch, tmp_path, capsys):
    import keras

    fake = ((np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8)),
            (np.zeros((1, 28, 28), np.uint8), np.zeros(1, np.uint8)))
    seen_timeouts = []

    def fake_load_data():
        seen_timeouts.append(socket.getdefaulttimeout())
        return fake

    monkeypatch.delenv("KITLIB_OFFLINE", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(kd, "network_available", lambda *a, **k: True)
    monkeypatch.setattr(keras.datasets.mnist, "load_data", fake_load_data)
    assert kd.load_mnist() is fake
    assert seen_timeouts == [network.DOWNLOAD_STALL_TIMEOUT]  # a stalled download cannot hang
    assert socket.getdefaulttimeout() is None
    assert capsys.readouterr().out == ""


def test_failed_download_falls_back(monkeypatch, tmp_path, substitute_dir, capsys):
    import keras

    def broken():
        raise TimeoutError("stalled (test)")

    monkeypatch.delenv("KITLIB_OFFLINE", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv("KITLIB_DATA_DIR", str(substitute_dir))
    monkeypatch.setattr(kd, "network_available", lambda *a, **k: True)
    monkeypatch.setattr(keras.datasets.mnist, "load_data", broken)
    (x, _), _ = kd.load_mnist()
    assert x.shape == (60000, 28, 28)
    assert "could not be downloaded (TimeoutError)" in capsys.readouterr().out


def test_damaged_cached_weights_fall_back_to_random(monkeypatch, tmp_path, capfd):
    monkeypatch.setenv("KITLIB_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5").write_bytes(b"not hdf5")
    model = kd.pretrained("VGG19", include_top=False, input_shape=(32, 32, 3))
    assert model.kitlib_weights is None
    out, err = capfd.readouterr()
    assert "could not be loaded" in out and "random weights" in out and out.count("\n") == 1
    assert err == ""


# ---------------------------------------------------------------- atomic cache writes


def test_concurrent_cache_writes_never_expose_partial_files(tmp_path):
    from kitlib.data.cache import save_npz_atomic

    path = tmp_path / "shared.npz"
    arrays = {f"a{i}": np.full((200, 200), i, np.uint8) for i in range(8)}
    errors = []

    def writer():
        for _ in range(5):
            save_npz_atomic(path, **arrays)

    def reader():
        for _ in range(50):
            if path.exists():
                try:
                    with np.load(path) as f:
                        assert f["a7"][0, 0] == 7
                except Exception as exc:  # pragma: no cover - this is the failure being tested
                    errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(3)] + [threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.npz"]


def test_waiting_kernel_reads_what_the_first_one_generated(monkeypatch, tmp_path, substitute_dir):
    """While one kernel holds the generation lock, another waits and then reads its file."""
    from kitlib.data.cache import generation_lock

    monkeypatch.setenv("KITLIB_OFFLINE", "1")
    monkeypatch.setenv("KITLIB_DATA_DIR", str(tmp_path))
    monkeypatch.setitem(kd._SPECS["mnist"], "make", lambda seed: pytest.fail("must not generate again"))
    path = kd.substitute_path("mnist")
    result = {}
    with generation_lock(path) as held:
        assert held
        waiter = threading.Thread(target=lambda: result.update(data=kd.load_mnist()))
        waiter.start()
        time.sleep(0.5)
        assert waiter.is_alive(), "the second loader should wait for the lock"
        # the "first kernel" finishes: its file appears, then the lock is released
        (tmp_path / path.name).write_bytes((substitute_dir / path.name).read_bytes())
    waiter.join(30)
    (x, _), _ = result["data"]
    assert x.shape == (60000, 28, 28)


def test_class_names_follow_the_source(monkeypatch, tmp_path, offline_env):
    kd.load_cifar10()
    assert kd.class_names("cifar10") == kd.IMAGE_CLASS_NAMES
    assert kd.class_names("mnist") == tuple("0123456789")
    _fake_cifar(tmp_path / "real")
    monkeypatch.delenv("KITLIB_OFFLINE")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "real"))
    kd.load_cifar10()
    assert kd.class_names("cifar10") == kd.CIFAR10_CLASS_NAMES
    with pytest.raises(ValueError, match="cifar10"):
        kd.class_names("svhn")
