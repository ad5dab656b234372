"""Chapter B9 · Extend the API using custom layers (``09_custom_layers.ipynb``).

Class answers are probed in the kernel (the student's code only through ``run_student``) on inputs and
inner layers the kit makes: fixed ones for the self-check, others drawn from the hidden probe seed for
grading. The record holds plain outputs and the kit's own expected values; the judge compares them.

- ``fn09_scale_layer``: ``Scale`` on inputs of several widths (5 and 3 for the self-check): one trainable
  factor per feature (a hard-coded width is found), the identity at the start, ``inputs * factors`` once
  the factors are set, rebuilt by ``from_config``.
- ``fn09_wrapper_config``: ``Residual(inner)`` around kit-made Dense layers (Dense(3) and a Dense with
  another activation): ``inputs + inner(inputs)`` for the layer it is given, a JSON config, and the same
  output after saving and loading a model that uses it (a ``from_config`` that builds a fixed layer
  instead of deserializing the stored one is found by the second inner layer).
"""
from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from kitlib.exercises.core import CheckFailed, Context, Exercise, StudentError, expect, run_student
from kitlib.exercises.describe import to_array
from kitlib.exercises.functional_api._forms import error_text, expect_class


def _close(got: Any, want: Any) -> bool:
    import numpy as np

    got, want = np.asarray(got), np.asarray(want)
    return got.shape == want.shape and bool(np.allclose(got, want, atol=1e-4))


# --------------------------------------------------------------------------- Scale


def scale_widths(seed: int | None) -> list:
    if seed is None:
        return [5, 3]
    import numpy as np

    rng = np.random.default_rng([int(seed), 9])
    return [int(rng.integers(2, 9)), int(rng.integers(2, 9))]


def scale_record(cls: Any, ctx: Context) -> dict:
    """Prepare: Scale used on inputs of each probe width, fresh and with its factors set to 1..n."""
    import keras
    import numpy as np

    expect_class(cls, "Scale")
    probes = []
    for number, width in enumerate(scale_widths(ctx.seed)):
        where = f"Scale() on inputs of {width} features"
        hint = "One factor per input feature: add_weight(shape=(input_shape[-1],), initializer=\"ones\") in build()."
        layer = run_student(cls, where="Scale()", hint="Accept **kwargs in __init__ and pass them to super().__init__.")
        inputs = keras.Input(shape=(width,))
        model = keras.Model(inputs, run_student(layer, inputs, where=where, hint=hint))
        x = ctx.rng(10 + number).normal(size=(3, width)).astype("float32")
        probe = {"width": width, "x": x, "params": int(model.count_params()),
                 "weights": [[int(d) for d in w.shape] for w in layer.weights],
                 "trainable": len(layer.trainable_weights), "fresh": None, "scaled": None, "factors": None,
                 "rebuilt": None}
        probe["fresh"] = to_array(run_student(model, x, where=where, hint=hint), "Scale's output")
        if layer.weights and tuple(layer.weights[0].shape) == (width,):
            factors = np.arange(1, width + 1, dtype="float32")
            layer.weights[0].assign(factors)
            probe["factors"] = factors
            probe["scaled"] = to_array(run_student(model, x, where=where, hint=hint), "Scale's output")
        try:
            clone = run_student(lambda: cls.from_config(layer.get_config()),
                                where="Scale.from_config(layer.get_config())")
            probe["rebuilt"] = "ok" if isinstance(clone, cls) else "not a Scale"
        except StudentError as failure:
            probe["rebuilt"] = error_text(failure.error)
        probes.append(probe)
    return {"probes": probes}


def scale_behaves(record: dict) -> None:
    for probe in record["probes"]:
        width, x = probe["width"], probe["x"]
        where = f"Scale() on inputs of {width} features"
        expect(probe["params"] == width, f"{where} should have {width} parameters, one factor per feature", width,
               probe["params"], hint="add_weight(shape=(input_shape[-1],), ...): the number of features comes from "
                                     "the input, not from a fixed number.")
        expect(probe["trainable"] == 1, f"{where}: the factors should be one trainable weight", 1, probe["trainable"],
               hint="add_weight(..., trainable=True) (the default).")
        expect(_close(probe["fresh"], x), f"{where}: a new layer should leave its input unchanged (the factors start "
               "at one)", hint="initializer=\"ones\".")
        expect(probe["scaled"] is not None, f"{where}: the layer's weight should hold one factor per feature",
               hint="add_weight(shape=(input_shape[-1],), ...).")
        factors = probe["factors"]
        if not _close(probe["scaled"], x * factors):
            if _close(probe["scaled"], x + factors - 1) or _close(probe["scaled"], x + factors):
                raise CheckFailed(f"{where}: call() adds the factors; the task multiplies each feature by its factor",
                                  hint="return inputs * self.<your weight>.")
            raise CheckFailed(f"{where}: with the factors set to 1, 2, 3, ... the output is not inputs * factors",
                              hint="return inputs * self.<your weight>.")
        if probe["rebuilt"] != "ok":
            raise CheckFailed(f"Scale.from_config(layer.get_config()) failed ({probe['rebuilt']})",
                              hint="Accept **kwargs in __init__ and pass them to super().__init__(**kwargs).")


# --------------------------------------------------------------------------- Residual(inner)


def inner_layers(seed: int | None) -> list:
    """(units, activation, kernel seed) of the Dense layers the probe wraps; units = the input width."""
    if seed is None:
        return [(3, None, 20), (3, "tanh", 22)]
    import numpy as np

    rng = np.random.default_rng([int(seed), 19])
    return [(int(rng.integers(2, 6)), str(rng.choice(["tanh", "sigmoid", "relu"])), int(seed) % 1000 + 30 + i)
            for i in range(2)]


def _seeded_dense(units: int, activation: str | None, seed: int) -> Any:
    import keras

    from kitlib.exercises.checks import set_seeded_weights

    layer = keras.layers.Dense(units, activation=activation)
    layer.build((None, units))
    return set_seeded_weights(layer, seed)


def _dense_name(units: int, activation: str | None) -> str:
    return f"Dense({units}{', activation=' + repr(activation) if activation else ''})"


def wrapper_record(cls: Any, ctx: Context) -> dict:
    """Prepare: Residual around kit-made Dense layers: its output, its config, and a save / load round trip."""
    import keras

    expect_class(cls, "Residual")
    probes = []
    for number, (units, activation, seed) in enumerate(inner_layers(ctx.seed)):
        name = f"Residual({_dense_name(units, activation)})"
        x = ctx.rng(40 + number).normal(size=(2, units)).astype("float32")
        inner = _seeded_dense(units, activation, seed)
        expected = x + to_array(inner(x))
        layer = run_student(cls, inner, where=name, hint="def __init__(self, inner, **kwargs): store the layer.")
        probe = {"name": name, "output": to_array(run_student(layer, x, where=f"{name} on a batch"), f"{name}'s output"),
                 "expected": expected, "keeps_inner": any(v is inner for v in vars(layer).values()),
                 "config": None, "reloaded": None}
        try:
            config = run_student(layer.get_config, where=f"{name}.get_config()")
            json.dumps(config)
            probe["config"] = "ok"
        except StudentError as failure:
            probe["config"] = "error: " + error_text(failure.error)
        except (TypeError, ValueError):
            probe["config"] = "not json"
        if probe["config"] == "ok":
            inputs = keras.Input(shape=(units,))
            model = keras.Model(inputs, run_student(lambda: cls(_seeded_dense(units, activation, seed))(inputs),
                                                    where=f"{name} in a model"))
            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, "residual.keras")
                try:
                    run_student(model.save, path, where="saving a model that uses your Residual layer")
                    restored = run_student(keras.models.load_model, path, custom_objects={cls.__name__: cls},
                                           where="loading that model back")
                    probe["reloaded"] = to_array(restored(x), "the reloaded model's output")
                except StudentError as failure:  # Keras' own text names its internals: the type says enough
                    probe["reloaded"] = "error: " + type(failure.error).__name__
        probes.append(probe)
    return {"probes": probes}


def wrapper_behaves(record: dict) -> None:
    for probe in record["probes"]:
        name = probe["name"]
        if not _close(probe["output"], probe["expected"]):
            if not probe["keeps_inner"]:
                raise CheckFailed(f"{name} does not use the layer it is given: its output is not inputs + "
                                  "inner(inputs) for that layer", hint="Store the layer you are given: self.inner = "
                                                                       "inner, and call it in call().")
            raise CheckFailed(f"{name} on a batch: the output is not inputs + inner(inputs)",
                              hint="call(): return inputs + self.inner(inputs).")
        if probe["config"] == "not json":
            raise CheckFailed(f"{name}.get_config() should return plain data, but it holds the layer object itself",
                              hint="Store keras.layers.serialize(self.inner) in the config.")
        if probe["config"] != "ok":
            raise CheckFailed(f"{name}.get_config() failed ({probe['config'][7:]})",
                              hint="Write get_config(): {**super().get_config(), \"inner\": "
                                   "keras.layers.serialize(self.inner)}.")
        reloaded = probe["reloaded"]
        if isinstance(reloaded, str):
            raise CheckFailed(f"saving and loading a model that uses {name} failed ({reloaded[7:]}): Keras could not "
                              "rebuild your layer from its config",
                              hint="Write a @classmethod from_config(cls, config) that turns config[\"inner\"] back "
                                   "into a layer with keras.layers.deserialize before calling cls(...).")
        expect(_close(reloaded, probe["output"]), f"the reloaded {name} computes something else than before saving",
               hint="from_config must rebuild the inner layer that was stored (keras.layers.deserialize(config["
                    "\"inner\"])), not make a new one: its weights are then restored.")


EXERCISES = [
    Exercise(
        "fn09_scale_layer",
        title="A custom layer with one weight per feature",
        points=2,
        kind="class",
        variable="Scale",
        prepare=scale_record,
        checks=[scale_behaves],
        unrecordable="a class Scale(layers.Layer)",
    ),
    Exercise(
        "fn09_wrapper_config",
        title="Make a layer that wraps a layer serializable",
        points=2,
        kind="class",
        variable="Residual",
        prepare=wrapper_record,
        checks=[wrapper_behaves],
        unrecordable="a class Residual(layers.Layer)",
    ),
]
