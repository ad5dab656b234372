"""Chapter B9 · Extend the API using custom layers (``09_custom_layers.ipynb``).

Class answers are probed in the kernel (the student's code only through ``run_student``) on inputs and
inner layers the kit makes: fixed ones for the self-check, others drawn from the hidden probe seed for
grading. The record holds plain outputs and the kit's own expected values; the judge compares them.

- ``fn09_scale_layer``: ``Scale`` on inputs of several widths and ranks ((None, 5) and (None, 4, 3) for the
  self-check): one trainable
  factor per feature (a hard-coded width is found), the identity at the start, ``inputs * factors`` once
  the factors are set, rebuilt by ``from_config``.
- ``fn09_wrapper_config``: ``Residual(inner)`` around kit-made layers of two types (Dense(3), a Dense with
  another activation, a Conv1D on sequences): ``inputs + inner(inputs)`` for the layer it is given, a JSON
  config that starts from ``super().get_config()`` (the base keys), and the same
  output after saving and loading a model that uses it (a ``from_config`` that builds a fixed layer
  instead of deserializing the stored one is found by the second inner layer).
- ``fn09_predict_params`` (predict): the parameters and weight variables of a model with the notebook's
  CustomDense, one of them called twice; a salted digest with messages for the usual slips (a layer called
  twice counted twice, the bias forgotten).
- ``fn09_fix_offset`` (debug): the notebook's ``BrokenOffset`` hard-codes its size in ``build`` and drops
  the base layer's settings in ``get_config``; the repaired ``Offset`` is probed on inputs of rank 2 and 3
  and several widths, with the ``scale`` default the task names and another scale, its config checked for
  the base keys (name, trainable, dtype: the sign of ``super().get_config()``) and rebuilt by ``from_config``.
"""
from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.core import CheckFailed, Context, Exercise, StudentError, expect, run_student
from kitlib.exercises.describe import to_array, what_is
from kitlib.exercises.functional_api._forms import error_text, expect_class


def _close(got: Any, want: Any) -> bool:
    import numpy as np

    got, want = np.asarray(got), np.asarray(want)
    return got.shape == want.shape and bool(np.allclose(got, want, atol=1e-4))


# --------------------------------------------------------------------------- Scale


def scale_widths(seed: int | None) -> list:
    """The probes' sample shapes: rank 1 and rank 2 samples (batches of rank 2 and 3), several widths."""
    if seed is None:
        return [(5,), (4, 3)]
    import numpy as np

    rng = np.random.default_rng([int(seed), 9])
    return [(int(rng.integers(2, 9)),), (int(rng.integers(2, 5)), int(rng.integers(2, 9)))]


def scale_record(cls: Any, ctx: Context) -> dict:
    """Prepare: Scale used on inputs of each probe width, fresh and with its factors set to 1..n."""
    import keras
    import numpy as np

    expect_class(cls, "Scale")
    probes = []
    for number, sample in enumerate(scale_widths(ctx.seed)):
        width = sample[-1]
        where = f"Scale() on inputs of {width} features" + (f" (samples of shape {sample})" if len(sample) > 1 else "")
        hint = "One factor per input feature: add_weight(shape=(input_shape[-1],), initializer=\"ones\") in build()."
        layer = run_student(cls, where="Scale()", hint="Accept **kwargs in __init__ and pass them to super().__init__.")
        inputs = keras.Input(shape=sample)
        x = ctx.rng(10 + number).normal(size=(3, *sample)).astype("float32")
        try:
            model = keras.Model(inputs, run_student(layer, inputs, where=where, hint=hint))
        except StudentError as failure:  # judged after the weights' shapes, which name the usual cause
            probes.append({"width": width, "where": where, "x": x, "error": f"{where} raised "
                           f"{error_text(failure.error)}", "weights": [[int(d) for d in w.shape] for w in layer.weights]})
            continue
        probe = {"width": width, "where": where, "x": x, "params": int(model.count_params()), "error": None,
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
        where = probe["where"]
        if probe.get("error"):
            weights = probe["weights"]
            expect(not weights or weights == [[width]], f"{where}: the layer's weight has the shape "
                   f"{tuple(weights[0]) if weights else None}, not one factor per feature ({width},)",
                   hint="add_weight(shape=(input_shape[-1],), ...): the features are the last axis, whatever the "
                        "rank, and their number comes from the input.")
            raise CheckFailed(probe["error"], hint="One factor per feature of the last axis: add_weight(shape=("
                                                   "input_shape[-1],), initializer=\"ones\") in build().")
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
    """(kind, units, activation, kernel seed) of the layers the probe wraps: Dense layers and a Conv1D with
    padding="same" (another layer type, on sequences); units = the input's last axis."""
    if seed is None:
        return [("Dense", 3, None, 20), ("Dense", 3, "tanh", 22), ("Conv1D", 2, "relu", 24)]
    import numpy as np

    rng = np.random.default_rng([int(seed), 19])
    found = [("Dense", int(rng.integers(2, 6)), str(rng.choice(["tanh", "sigmoid", "relu"])), int(seed) % 1000 + 30 + i)
             for i in range(2)]
    return found + [("Conv1D", int(rng.integers(2, 5)), str(rng.choice(["tanh", "relu"])), int(seed) % 1000 + 33)]


def _seeded_inner(kind: str, units: int, activation: str | None, seed: int) -> Any:
    import keras

    from kitlib.exercises.checks import set_seeded_weights

    if kind == "Conv1D":
        layer = keras.layers.Conv1D(units, 3, padding="same", activation=activation)
        layer.build((None, 4, units))
    else:
        layer = keras.layers.Dense(units, activation=activation)
        layer.build((None, units))
    return set_seeded_weights(layer, seed)


def _inner_name(kind: str, units: int, activation: str | None) -> str:
    more = ", 3, padding='same'" if kind == "Conv1D" else ""
    return f"{kind}({units}{more}{', activation=' + repr(activation) if activation else ''})"


def _sample(kind: str, units: int) -> tuple:
    return (4, units) if kind == "Conv1D" else (units,)


def wrapper_record(cls: Any, ctx: Context) -> dict:
    """Prepare: Residual around kit-made layers of two types: its output, its config (the base keys), and a
    save / load round trip."""
    import keras

    expect_class(cls, "Residual")
    probes = []
    for number, (kind, units, activation, seed) in enumerate(inner_layers(ctx.seed)):
        name = f"Residual({_inner_name(kind, units, activation)})"
        x = ctx.rng(40 + number).normal(size=(2, *_sample(kind, units))).astype("float32")
        inner = _seeded_inner(kind, units, activation, seed)
        expected = x + to_array(inner(x))
        layer = run_student(cls, inner, where=name, hint="def __init__(self, inner, **kwargs): store the layer.")
        keeps = any(v is inner for v in vars(layer).values())
        try:
            output = to_array(run_student(layer, x, where=f"{name} on a batch"), f"{name}'s output")
        except StudentError as failure:  # judged in probe order: an earlier probe may name the cause
            probes.append({"name": name, "error": f"{name} on a batch raised {error_text(failure.error)}",
                           "keeps_inner": keeps})
            continue
        try:  # name= and the base layer's other settings reach Layer only through **kwargs
            named = run_student(cls, _seeded_inner(kind, units, activation, seed), name="kit_named",
                                where=f"{name[:-1]}, name='kit_named')").name == "kit_named"
        except StudentError:
            named = False
        probe = {"name": name, "output": output, "error": None,
                 "expected": expected, "keeps_inner": keeps, "named": named,
                 "config": None, "reloaded": None, "base_keys": []}
        try:
            config = run_student(layer.get_config, where=f"{name}.get_config()")
            json.dumps(config)
            probe["config"] = "ok"
            probe["base_keys"] = [key for key in ("name", "trainable", "dtype") if key in config]
        except StudentError as failure:
            probe["config"] = "error: " + error_text(failure.error)
        except (TypeError, ValueError):
            probe["config"] = "not json"
        if probe["config"] == "ok":
            inputs = keras.Input(shape=_sample(kind, units))
            model = keras.Model(inputs, run_student(lambda: cls(_seeded_inner(kind, units, activation, seed))(inputs),
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
        if probe.get("error"):
            expect(probe["keeps_inner"], f"{name} does not use the layer it is given (it keeps no reference to it), "
                   f"and {probe['error'].split(' raised ', 1)[0]} raised an error",
                   hint="Store the layer you are given: self.inner = inner, and call it in call().")
            raise CheckFailed(probe["error"], hint="call(): return inputs + self.inner(inputs), for whatever layer "
                                                   "Residual is given.")
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
        missing = [key for key in ("name", "trainable", "dtype") if key not in probe["base_keys"]]
        expect(not missing, f"{name}.get_config() lacks the base layer's settings ({', '.join(missing)}): it does not "
               "start from super().get_config()", hint="Take the dict super().get_config() returns and add the "
                                                        "serialized inner layer to it.")
        expect(probe.get("named", True), f"a name given to Residual(..., name=...) is lost: __init__ does not pass "
               "its **kwargs on to super().__init__", hint="def __init__(self, inner, **kwargs): "
                                                           "super().__init__(**kwargs), then store inner.")
        reloaded = probe["reloaded"]
        if isinstance(reloaded, str):
            raise CheckFailed(f"saving and loading a model that uses {name} failed ({reloaded[7:]}): Keras could not "
                              "rebuild your layer from its config",
                              hint="Write a @classmethod from_config(cls, config) that turns config[\"inner\"] back "
                                   "into a layer with keras.layers.deserialize before calling cls(...).")
        expect(_close(reloaded, probe["output"]), f"the reloaded {name} computes something else than before saving",
               hint="from_config must rebuild the inner layer that was stored (keras.layers.deserialize(config["
                    "\"inner\"])), not make a new one: its weights are then restored.")


# --------------------------------------------------------------------------- predict: CustomDense called twice

SALT_PARAMS = "fn09_predict_params"
KNOWN_PARAMS = {
    "7cd1f117259e900711efd7a67c0b12b8": "you counted the layer `first` once per call: build runs once, on the first "
    "call, so a layer called twice has one set of weights (the number of parameters and of weights count them once)",
    "f8496f5e751f0cce3d268d995f7f16a7": "the number of parameters counts `first` once per call: build runs once, so "
    "a layer called twice has one set of weights",
    "57857e561f25c85a8d4c2095e498c7b2": "the number of weight variables counts `first` once per call: build runs once, "
    "so a layer called twice makes its w and b once",
    "d21adf7b9f87b22f3439f3e23f32ffa9": "the number of weight variables counts variables (tensors such as w and b), "
    "not the numbers inside them",
    "c87dddf78f75e61977b8b0365266d62c": "the number of weight variables: each CustomDense's build makes two of them, "
    "w and b",
    "cba4169ea0c0cfb29a28062b8c3d1338": "CustomDense has a bias b (one number per unit) besides its kernel w: the "
    "number of parameters counts both",
    "b0519a98b29d2e66189cc560e32f497d": "the number of parameters of the whole model counts the second CustomDense(2) "
    "too",
}
PARAMS = c.matches_digest(SALT_PARAMS, "30744fcdc5ef06b4cf2426a4d8034cab", known=KNOWN_PARAMS,
                          what="the numbers are not right yet",
                          # each number alone (part_digests of the answer): a swapped pair, or the one that is wrong
                          parts=("063b439c19a55621d733fd9f930eab35", "aa99236c19660176f41e294b253c0315"),
                          names=("the number of parameters", "the number of weight variables"),
                          order="number of parameters, then number of weight variables",
                          part_hints=("w and b of each layer object, counted once",
                                      "the variables each layer object's build makes"),
                          hint="For each layer object: build makes w (input features x units) and b (units) once.")


# --------------------------------------------------------------------------- debug: Offset


def offset_probes(seed: int | None) -> list:
    """(input shape, scale or None for the default) of the probes: ranks 2 and 3, several widths."""
    if seed is None:
        return [((3, 6), None), ((2, 4, 5), 0.5), ((2, 3), 2.0)]
    import numpy as np

    rng = np.random.default_rng([int(seed), 29])
    width = lambda: int(rng.integers(2, 9))  # noqa: E731
    return [((2, width()), None), ((2, int(rng.integers(2, 5)), width()), float(rng.choice([0.5, 2.0, -1.0]))),
            ((int(rng.integers(1, 3)), 2, 2, width()), None)]


def offset_record(cls: Any, ctx: Context) -> dict:
    """Prepare: Offset on each probe: its weights, its output fresh and with the offsets set to 1..n, its
    config (plain data only) and what ``from_config`` makes of it."""
    import numpy as np

    expect_class(cls, "Offset")
    probes = []
    for number, (shape, scale) in enumerate(offset_probes(ctx.seed)):
        args = "" if scale is None else f"scale={scale}"
        name = f"Offset({args})"
        where = f"{name} on inputs of shape {shape}"
        x = ctx.rng(90 + number).normal(size=shape).astype("float32")
        kwargs = {"name": f"kit_offset_{number}"} if scale is None else {"scale": scale, "name": f"kit_offset_{number}"}
        layer = run_student(cls, where=name, hint="def __init__(self, scale=1.0, **kwargs): pass **kwargs on to "
                                                  "super().__init__.", **kwargs)
        probe = {"name": name, "where": where, "shape": list(shape), "scale": 1.0 if scale is None else scale,
                 "x": x, "error": None, "weights": [], "fresh": None, "shifted": None, "offsets": None,
                 "config": None, "config_error": None, "rebuilt": None}
        try:
            probe["fresh"] = to_array(run_student(layer, x, where=where), f"what {where} returned")
        except StudentError as failure:
            probe["error"] = f"{where} raised {error_text(failure.error)}"
        probe["weights"] = [[int(d) for d in w.shape] for w in layer.weights]
        probe["trainable"] = [bool(getattr(w, "trainable", True)) for w in layer.weights]
        if probe["error"] is None and probe["weights"] == [[shape[-1]]]:
            offsets = np.arange(1, shape[-1] + 1, dtype="float32")
            layer.weights[0].assign(offsets)
            probe["offsets"] = offsets
            probe["shifted"] = to_array(run_student(layer, x, where=where), f"what {where} returned")
        try:
            config = run_student(layer.get_config, where=f"{name}.get_config()")
            probe["config"] = json.loads(json.dumps(config)) if isinstance(config, dict) else what_is(config)
            clone = run_student(lambda: cls.from_config(config), where=f"Offset.from_config({name}.get_config())")
            probe["rebuilt"] = {"name": getattr(clone, "name", None), "scale": getattr(clone, "scale", None)
                                if isinstance(getattr(clone, "scale", None), (int, float)) else None}
        except StudentError as failure:
            probe["config_error"] = f"{failure.where} raised {error_text(failure.error)}"
        except (TypeError, ValueError):
            probe["config"] = "not json"
        probes.append(probe)
    return {"probes": probes}


def offset_behaves(record: dict) -> None:
    for probe in record["probes"]:
        where, shape, width = probe["where"], tuple(probe["shape"]), probe["shape"][-1]
        weights = probe["weights"]
        if weights and weights != [[width]]:
            raise CheckFailed(f"{where}: the layer's weights have the shapes {weights}, not one offset per feature "
                              f"({width},): the size must come from the input, its last axis",
                              hint="In build, shape=(input_shape[-1],): the last axis is the features, whatever "
                                   "the rank.")
        if probe["error"]:
            raise CheckFailed(probe["error"], hint="One offset per feature of the last axis, created in build from "
                                                   "input_shape.")
        expect(weights == [[width]], f"{where} should have one weight of shape ({width},): one offset per feature",
               f"[[{width}]]", str(weights), hint="In build, add_weight with the shape (input_shape[-1],): one "
                                                 "offset per feature.")
        expect(all(probe.get("trainable", [True])), f"{where}: the offset is not trainable, so training would never "
               "change it; the task's offset is learned", hint="Leave trainable out of add_weight (its default is "
                                                               "True), as BrokenOffset does.")
        expect(_close(probe["fresh"], probe["x"]), f"{where}: a new layer should leave its input unchanged (the "
               "offsets start at zero)", hint="initializer=\"zeros\", as in BrokenOffset.")
        import numpy as np

        x, offsets, scale = np.asarray(probe["x"]), np.asarray(probe["offsets"]), probe["scale"]
        got = np.asarray(probe["shifted"])
        if not _close(got, x + scale * offsets):
            default = probe["name"] == "Offset()"
            if _close(got, x + offsets) and not default:
                raise CheckFailed(f"{where}: with the offsets set to 1, 2, 3, ... the output is inputs + offsets: "
                                  "the scale is left out", hint="return inputs + self.scale * self.<your weight>.")
            if default and got.shape == x.shape:
                ratio = (got - x)[..., 0].ravel()[0] / offsets[0]
                if np.allclose(got, x + ratio * offsets, atol=1e-4):
                    raise CheckFailed(f"{where}: without a scale argument the layer should use the default scale "
                                      "1.0, as BrokenOffset does", hint="def __init__(self, scale=1.0, **kwargs).")
            raise CheckFailed(f"{where}: with the offsets set to 1, 2, 3, ... the output is not inputs + scale * "
                              "offsets", hint="return inputs + self.scale * self.<your weight>.")
        if probe["config_error"]:
            raise CheckFailed(probe["config_error"], hint="get_config starts from super().get_config() and adds "
                                                          "scale; from_config is then the base class's.")
        config = probe["config"]
        expect(config != "not json", f"{probe['name']}.get_config() should return plain data (numbers, strings)",
               hint="Store self.scale, a number, in the config.")
        c.config_keeps_base(config, f"{probe['name']}.get_config()")
        expect(config.get("scale") == scale, f"{probe['name']}.get_config() should hold the scale", scale,
               config.get("scale"), hint="Add \"scale\": self.scale to the config.")
        rebuilt = probe["rebuilt"] or {}
        expect(rebuilt.get("name") == config.get("name") and rebuilt.get("scale") == scale,
               f"Offset.from_config({probe['name']}.get_config()) does not give back a layer with the same name "
               "and scale", hint="Keep the constructor's arguments (scale, **kwargs) and the config's keys the same.")


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
        activity="build",
        hints=("CustomDense in the notebook has the three parts: __init__, build with add_weight, call.",
               "In build, input_shape[-1] is the number of features: add_weight with that shape and the \"ones\" "
               "initializer gives one trainable factor per feature; call multiplies the inputs by it."),
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
        activity="build",
        hints=("Start from NoConfigResidual in the notebook: it has __init__ and call already, and fails at "
               "get_config.",
               "get_config returns super().get_config() plus the inner layer as plain data "
               "(keras.layers.serialize); the classmethod from_config turns that entry back into a layer with "
               "keras.layers.deserialize and then calls cls(**config)."),
    ),
    Exercise(
        "fn09_predict_params",
        title="Predict the weights of a layer called twice",
        points=1,
        kind="literal",
        variable="predicted_weights",
        prepare=c.numbers_answer(2, example="(123, 4)", what="predicted_weights"),
        checks=[PARAMS],
        unrecordable="a tuple of two whole numbers, e.g. (123, 4)",
        activity="predict",
        hints=("Look at CustomDense.build: which weights does it make, of which shapes, and when does it run?",
               "build runs once per layer object, on its first call, so a layer called twice keeps one w and one b; "
               "count w (input features x units) and b (units) for each layer object."),
    ),
    Exercise(
        "fn09_fix_offset",
        title="Repair a custom layer's build and get_config",
        points=2,
        kind="class",
        variable="Offset",
        prepare=offset_record,
        checks=[offset_behaves],
        unrecordable="a class Offset(layers.Layer)",
        activity="debug",
        hints=("Run the cell with BrokenOffset and read both symptoms: the inputs of 6 features, and the name "
               "after from_config.",
               "build receives input_shape: the number of features is its last entry. get_config must start from "
               "the base layer's own config, super().get_config(), and add scale to it."),
    ),
]
