"""Normalise before judging: answers turned into plain descriptions by kit code.

Checks never look at a student's objects directly; ``prepare`` turns the answer
into plain data with the functions here, and the checks compare that data with
what the task says. Spellings that Keras treats as the same become the same
description:

- a model is a list of *ops* (a graph with input references for functional
  models): ``Dense(..., activation="relu")``, ``Dense`` + ``Activation("relu")``,
  ``Dense`` + ``ReLU()`` and ``Dense`` + ``keras.ops.relu`` are one op with
  ``activation == "relu"``; "linear" activations disappear; nested chains
  (a Sequential inside a Sequential) are flattened; ``keras.Input`` and
  ``input_shape=`` give the same ``inputs``; ``add()`` and a list give the same
  ops; automatic names are kept but never compared unless a task names layers;
  ``+`` and ``layers.add`` are both ``Add``;
- compile settings: losses and metrics by canonical name ("acc" and
  "accuracy" are ``accuracy``; ``SparseCategoricalCrossentropy`` and
  ``"sparse_categorical_crossentropy"`` are one loss) with ``from_logits``;
- provenance: every op says whether its layer *is* one of the notebook's given
  objects (``"donor.layers[0]"``) or a copy with the same weights;
- trainability is effective: an op is trainable when its weights are among the
  model's ``trainable_weights`` (a frozen nested model freezes its layers).

Example::

    desc = describe_model(model, {"donor": donor})
    [(op["kind"], op["activation"], op["given"]) for op in desc["ops"]]
    # [('Dense', 'relu', 'donor.layers[0]'), ..., ('Dense', 'softmax', None)]
"""
from __future__ import annotations

import hashlib
import re
from typing import Any, Mapping, Sequence

from kitlib.exercises.core import CheckFailed, run_student

# Layers whose activation is applied to their output (an Activation layer right after them can be
# folded into them). Recurrent layers are not here: their activation acts inside the cell.
FOLDABLE = {"Dense", "EinsumDense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
            "Conv3DTranspose", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D"}
COMMUTATIVE = {"Add", "Multiply", "Average", "Maximum", "Minimum"}
_ACTIVATION_ALIASES = {"swish": "silu", "hard_swish": "hard_silu", "none": "linear", "identity": "linear"}
# keras.ops operations that are activations (``keras.ops.relu(x)`` in a functional graph)
_ACTIVATION_OPS = {"Relu": "relu", "Relu6": "relu6", "Sigmoid": "sigmoid", "Tanh": "tanh", "Softmax": "softmax",
                   "Softplus": "softplus", "Softsign": "softsign", "Silu": "silu", "Gelu": "gelu", "Elu": "elu",
                   "Selu": "selu", "LeakyRelu": "leaky_relu", "HardSigmoid": "hard_sigmoid", "LogSoftmax":
                   "log_softmax", "Exp": "exponential"}
_IGNORED_CONFIG = {"name", "trainable", "dtype", "activation", "seed", "autocast", "input_dim", "input_shape",
                   "batch_input_shape", "batch_size", "build_config", "quantization_config", "lora_rank",
                   "lora_alpha", "activity_regularizer", "gradient_checkpointing"}
_LOSS_ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error", "mape": "mean_absolute_percentage_error",
                 "msle": "mean_squared_logarithmic_error", "kld": "kl_divergence", "kullback_leibler_divergence":
                 "kl_divergence", "logcosh": "log_cosh", "huber_loss": "huber", "crossentropy": "crossentropy"}
_METRIC_ALIASES = {"acc": "accuracy", "ce": "crossentropy", "mse": "mean_squared_error",
                   "mae": "mean_absolute_error", "mape": "mean_absolute_percentage_error",
                   "msle": "mean_squared_logarithmic_error", "top_k_categorical_accuracy":
                   "top_k_categorical_accuracy"}


def _keras():
    from kitlib.environment import quiet_environment, silenced_stderr_fd

    quiet_environment()
    with silenced_stderr_fd():
        import keras
    return keras


def snake(name: str) -> str:
    """``SparseCategoricalCrossentropy`` -> ``sparse_categorical_crossentropy``.

    Example:
        >>> snake("MeanSquaredError")
        'mean_squared_error'
    """
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(name))
    return name.lower()


# --------------------------------------------------------------------------- what is it?

def what_is(value: Any) -> str:
    """A student's value in words: "None", "a list of 3 items", "a Keras layer (Dense)" ...

    Example:
        >>> what_is([1, 2, 3])
        'a list of 3 items'
    """
    if value is None:
        return "None"
    if isinstance(value, bool):
        return f"a bool ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return "a string"
    for kind, name in ((list, "list"), (tuple, "tuple"), (set, "set"), (frozenset, "set"), (dict, "dict")):
        if isinstance(value, kind):
            return f"a {name} of {len(value)} item{'s' if len(value) != 1 else ''}"
    cls = type(value)
    module = cls.__module__ or ""
    if module.startswith("keras") or any(c.__module__.startswith("keras") for c in cls.__mro__[1:]):
        names = [c.__name__ for c in cls.__mro__]
        if "KerasTensor" in names:
            return "a symbolic tensor (KerasTensor: a placeholder without values)"
        if "Model" in names:
            return f"a Keras model ({cls.__name__})"
        if "Layer" in names:
            return f"a Keras layer ({cls.__name__})"
        if "History" in names:
            return "a training History"
        return f"a Keras object ({cls.__name__})"
    if module.startswith("numpy") and hasattr(value, "shape"):
        return f"a NumPy array of shape {tuple(value.shape)}"
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"a tensor of shape {tuple(int(d) if d is not None else None for d in value.shape)}"
    if isinstance(value, type):
        return f"a class ({value.__name__})"
    if callable(value):
        return "a function"
    return f"a {cls.__name__}"


def is_keras_model(value: Any) -> bool:
    return any(c.__name__ == "Model" and c.__module__.startswith("keras") for c in type(value).__mro__)


def is_keras_layer(value: Any) -> bool:
    return any(c.__name__ == "Layer" and c.__module__.startswith("keras") for c in type(value).__mro__)


def is_symbolic(value: Any) -> bool:
    return any(c.__name__ == "KerasTensor" for c in type(value).__mro__)


def _own_class(obj: Any) -> bool:
    """Whether ``obj``'s class is Keras' own (not a subclass written in the notebook)."""
    return (type(obj).__module__ or "").startswith("keras")


# --------------------------------------------------------------------------- plain values

def plain_shape(value: Any, what: str = "your answer", example: str = "(None, 32)") -> tuple:
    """A shape as a tuple of ints and None (tuple, list, TensorShape accepted), or :class:`CheckFailed`.

    Example:
        >>> plain_shape([None, 4])
        (None, 4)
    """
    if hasattr(value, "as_list"):
        value = value.as_list()
    if isinstance(value, (list, tuple)) and all(d is None or _is_int(d) for d in value):
        return tuple(None if d is None else int(d) for d in value)
    if isinstance(value, (list, tuple)):
        odd = [(n, d) for n, d in enumerate(value, start=1) if not (d is None or _is_int(d))]
        if odd and all(isinstance(d, float) for _, d in odd):  # 15.5: a size divided, not rounded down
            raise CheckFailed(f"{what} should be a shape of whole numbers: entry {odd[0][0]} is {odd[0][1]!r}, and a "
                              "size counts whole positions (the formulas round down with //)",
                              hint=f"Write it like {example}.")
    raise CheckFailed(f"{what} should be a shape: a tuple of whole numbers (None for the batch axis)",
                      None, what_is(value), hint=f"Write it like {example}.")


def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return type(value).__module__.startswith("numpy") and getattr(value, "dtype", None) is not None \
        and value.dtype.kind in "iu" and getattr(value, "shape", None) == ()


def to_array(value: Any, what: str = "your answer", expected: str = "a NumPy array or a tensor of numbers",
             hint: str = "") -> Any:
    """``value`` (a NumPy array, a tensor, a nested list of numbers) as a float32 NumPy array, or a
    :class:`CheckFailed` that says what it is instead.

    Example:
        >>> to_array([[1, 2]]).shape
        (1, 2)
    """
    import numpy as np

    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise CheckFailed(f"{what} should be numbers", expected, what_is(value), hint=hint)
    if is_symbolic(value):
        raise CheckFailed(f"{what} is a symbolic tensor", expected, "a KerasTensor (a placeholder without values)",
                          hint="layer.output only describes an output. Wrap it in keras.Model(...) and call "
                               "that model (or its predict) on the data to get the numbers.")
    if isinstance(value, (list, tuple)) and value and all(
            hasattr(v, "shape") and len(getattr(v, "shape", ())) > 1 for v in value):
        raise CheckFailed(f"{what} is {what_is(value)} of arrays", expected, what_is(value),
                          hint=hint or "Give one array: pick the one the task asks for.")
    if is_keras_model(value) or is_keras_layer(value) or callable(value) and not hasattr(value, "shape"):
        raise CheckFailed(f"{what} should be numbers", expected, what_is(value), hint=hint)
    try:
        if not type(value).__module__.startswith("numpy") and hasattr(value, "shape"):
            keras = _keras()
            value = keras.ops.convert_to_numpy(value)
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise ValueError("not numbers")
        return array.astype("float32")
    except CheckFailed:
        raise
    except Exception:  # noqa: BLE001 - e.g. ragged lists
        raise CheckFailed(f"{what} should be numbers", expected, what_is(value), hint=hint) from None


def fingerprint(arrays: Sequence[Any]) -> str:
    """A short hash of arrays (dtype, shape and bytes): equal weights, equal fingerprint."""
    import numpy as np

    h = hashlib.sha256()
    for array in arrays:
        a = np.ascontiguousarray(np.asarray(array))
        h.update(f"{a.dtype.str}{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()[:20]


def _weights_of(layer: Any) -> list:
    import numpy as np

    return [np.asarray(w.numpy() if hasattr(w, "numpy") else w) for w in layer.weights]


# --------------------------------------------------------------------------- given objects

class GivenIndex:
    """Where an object comes from among the notebook's given objects: by identity, or as a copy
    with the same weights.

    Example::

        index = GivenIndex({"donor": donor})
        index.label(donor.layers[0])       # 'donor.layers[0]'
        index.copy_of(cloned_layer)        # 'donor.layers[0]' when its weights are the same
    """

    def __init__(self, given: Mapping[str, Any] | None):
        self.given = dict(given or {})
        self.by_id: dict[int, str] = {}
        self._by_print: dict[str, str] | None = None
        self._layers: list[tuple[str, Any]] = []
        for name, obj in self.given.items():
            self._add(obj, name, 0)

    def _add(self, obj: Any, label: str, depth: int) -> None:
        if id(obj) in self.by_id or depth > 2:
            return
        if is_keras_model(obj):
            self.by_id[id(obj)] = label
            for i, layer in enumerate(obj.layers):
                self._add(layer, f"{label}.layers[{i}]", depth + 1)
        elif is_keras_layer(obj):
            self.by_id[id(obj)] = label
            self._layers.append((label, obj))
        elif isinstance(obj, (list, tuple)) and obj and all(is_keras_layer(o) for o in obj):
            for i, layer in enumerate(obj):
                self._add(layer, f"{label}[{i}]", depth + 1)

    def label(self, obj: Any) -> str | None:
        return self.by_id.get(id(obj))

    def copy_of(self, layer: Any) -> str | None:
        if not getattr(layer, "weights", None):
            return None
        if self._by_print is None:
            self._by_print = {}
            for label, given_layer in self._layers:
                if given_layer.weights:
                    self._by_print.setdefault(fingerprint(_weights_of(given_layer)), label)
        return self._by_print.get(fingerprint(_weights_of(layer)))


# --------------------------------------------------------------------------- layers and activations

def activation_name(activation: Any) -> str:
    """The canonical name of an activation given as a string, a Keras function, a serialised dict,
    or None; "custom:<name>" for a function of the notebook's own.

    Example:
        >>> activation_name(None), activation_name("Swish")
        ('linear', 'silu')
    """
    if activation is None:
        return "linear"
    if isinstance(activation, dict):
        config = activation.get("config")
        activation = config.get("name") if isinstance(config, dict) else config or activation.get("class_name")
    if isinstance(activation, str):
        name = activation.strip().lower()
        return _ACTIVATION_ALIASES.get(name, name)
    name = getattr(activation, "__name__", None) or type(activation).__name__
    module = getattr(activation, "__module__", "") or ""
    if module.startswith("keras"):
        return _ACTIVATION_ALIASES.get(name.lower(), name.lower())
    return f"custom:{name}"


_KNOWN_ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "softplus", "softsign",
                      "gelu", "silu", "leaky_relu", "relu6", "exponential", "hard_sigmoid", "log_softmax")


def identify_activation(fn: Any) -> str | None:
    """The Keras activation a function of one's own computes (``lambda z: tf.nn.relu(z)`` -> "relu"), found by
    running it on a probe batch; None when it computes none of them (or raises).

    Example::

        identify_activation(lambda z: keras.activations.softmax(z))   # 'softmax'
    """
    import numpy as np

    keras = _keras()
    probe = np.linspace(-3.0, 3.0, 14, dtype="float32").reshape(2, 7)
    try:
        got = np.asarray(keras.ops.convert_to_numpy(run_student(fn, keras.ops.convert_to_tensor(probe),
                                                                where="the activation function")))
    except Exception:  # noqa: BLE001 - whatever it does, it is not a Keras activation
        return None
    if got.shape != probe.shape:
        return None
    for name in _KNOWN_ACTIVATIONS:
        want = probe if name == "linear" else np.asarray(keras.ops.convert_to_numpy(
            keras.activations.get(name)(keras.ops.convert_to_tensor(probe))))
        if np.allclose(got, want, atol=1e-5):
            return name
    return None


def _resolved(name: str, fn: Any) -> str:
    """A "custom:..." activation resolved by what it computes."""
    if name.startswith("custom:") and callable(fn):
        return identify_activation(fn) or name
    return name


def _activation_layer(layer: Any) -> str | None:
    """The activation an activation-only layer applies ("relu" for ReLU()), None for other layers.
    A Lambda layer that computes a Keras activation counts as one."""
    kind = type(layer).__name__
    if kind == "Lambda" and _own_class(layer):
        return identify_activation(layer)
    if not _own_class(layer):
        return None
    if kind == "Activation":
        fn = getattr(layer, "activation", None)
        return _resolved(activation_name(fn), fn)
    if kind not in ("ReLU", "Softmax", "LeakyReLU", "ELU"):
        return None
    try:
        config = layer.get_config()
    except Exception:  # noqa: BLE001 - cannot happen for these classes; be safe
        return None
    if kind == "ReLU":
        if config.get("max_value") in (None, 0) and not config.get("negative_slope") and not config.get("threshold"):
            return "relu"
        if config.get("max_value") == 6 and not config.get("negative_slope") and not config.get("threshold"):
            return "relu6"
        return (f"relu(max_value={config.get('max_value')}, negative_slope={config.get('negative_slope')}, "
                f"threshold={config.get('threshold')})")
    if kind == "Softmax":
        return "softmax" if config.get("axis", -1) in (-1, [-1]) else f"softmax(axis={config.get('axis')})"
    if kind == "LeakyReLU":
        slope = config.get("negative_slope", config.get("alpha", 0.3))
        return "leaky_relu" if abs(float(slope) - 0.2) < 1e-9 else f"leaky_relu({float(slope):g})"
    if kind == "ELU":
        return "elu" if float(config.get("alpha", 1.0)) == 1.0 else f"elu({config.get('alpha')})"
    return None


def _plain_config(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain_config(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain_config(v) for k, v in value.items()}
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    return str(value)


def layer_config(layer: Any) -> dict:
    """A layer's configuration without names, dtypes, initialisers, regularisers and constraints.

    Example::

        layer_config(layers.Conv2D(8, 3))   # {'filters': 8, 'kernel_size': [3, 3], 'strides': [1, 1], ...}
    """
    config = config_of(layer)
    return {k: _plain_config(v) for k, v in config.items()
            if k not in _IGNORED_CONFIG and not k.endswith(("_initializer", "_regularizer", "_constraint"))
            and not isinstance(v, dict)}


def _op_of(layer: Any, index: GivenIndex, trainable_ids: set, weights: bool) -> dict:
    kind = type(layer).__name__
    own = _own_class(layer)
    activation = _activation_layer(layer)
    is_operation = not is_keras_layer(layer)
    if is_operation and own and kind in _ACTIVATION_OPS:
        activation = _ACTIVATION_OPS[kind]
    variables = list(getattr(layer, "weights", []) or [])
    if activation is None:
        has_slot = "activation" in layer_config_keys(layer)
        fn = getattr(layer, "activation", None)
        op_activation = _resolved(activation_name(fn), fn) if has_slot else "linear"
    else:
        op_activation = activation
    op: dict[str, Any] = {
        "kind": "Activation" if activation is not None else (kind if own else f"custom:{kind}"),
        "keras": own,
        "config": {} if activation is not None else layer_config(layer),
        "activation": op_activation,
        "name": getattr(layer, "name", kind),
        "activation_layer": None,
        "params": int(sum(_size(v) for v in variables)),
        "weights": [[int(d) for d in v.shape] for v in variables],
        "trainable": (all(id(v) in trainable_ids for v in variables) if variables else None),
        "frozen": (not any(id(v) in trainable_ids for v in variables) if variables else None),
        "given": index.label(layer),
        "copy_of": None,
    }
    if op["given"] is None and variables:
        op["copy_of"] = index.copy_of(layer)
    if weights:
        op["values"] = [w.astype("float32") for w in _weights_of(layer)]
    return op


def layer_config_keys(layer: Any) -> set:
    return set(config_of(layer))


def config_of(layer: Any) -> dict:
    """``layer.get_config()``; for a layer whose activation is a function Keras cannot serialise (a lambda
    written in a cell), the config with that activation left out; {} when there is none at all."""
    try:
        return dict(layer.get_config())
    except Exception:  # noqa: BLE001 - e.g. an unserialisable activation, or a layer without get_config
        pass
    activation = getattr(layer, "activation", None)
    if activation is None or not _own_class(layer):
        return {}
    keras = _keras()
    try:
        layer.activation = keras.activations.linear
        config = dict(layer.get_config())
        config["activation"] = "custom"
        return config
    except Exception:  # noqa: BLE001
        return {}
    finally:
        layer.activation = activation


def _size(variable: Any) -> int:
    size = 1
    for d in variable.shape:
        size *= int(d)
    return size


# --------------------------------------------------------------------------- models

def describe_model(model: Any, given: Mapping[str, Any] | None = None, *, weights: bool = False,
                   what: str = "your answer") -> dict:
    """The plain description of a Keras model (see the module docstring), or :class:`CheckFailed`
    when ``model`` is not one.

    Keys: ``class`` ("Sequential", "Functional" or the subclass' name), ``keras_class``, ``name``,
    ``built``, ``inputs`` / ``outputs`` (shapes as lists, None for the batch), ``ops`` (each with
    ``kind``, ``config``, ``activation``, ``name``, ``params``, ``weights`` (shapes), ``trainable``,
    ``frozen``, ``given``, ``copy_of``, ``inputs`` (references ``["input", i]`` or ``[op, tensor]``)
    and with ``weights=True`` ``values``), ``chain`` (a plain stack), ``params`` (total, trainable),
    ``given`` (the model *is* a given object), ``compile`` (:func:`describe_compile`), and for a graph
    ``output_refs`` (the reference of each output, like an op's inputs) and ``output_names``.
    """
    if not is_keras_model(model):
        hint = "Build it with keras.Sequential([...]) or keras.Model(inputs, outputs)."
        if is_keras_layer(model):
            hint = "A layer is not a model: put it in keras.Sequential([...]) with the other layers."
        raise CheckFailed(f"{what} should be a Keras model", "a Keras model", what_is(model), hint=hint)
    index = GivenIndex(given)
    trainable_ids = {id(v) for v in model.trainable_weights}
    ops, inputs, outputs, output_refs = _graph(model, index, trainable_ids, weights)
    # Markers for the outputs go through the folding with the ops, so that they point at what stands
    # for each output afterwards (a Dense + Activation output is the folded Dense).
    marks = [{"kind": "__output__", "activation": "linear", "name": "", "inputs": [ref]} for ref in output_refs]
    ops = _fold_activations(ops + marks)
    output_refs = [mark["inputs"][0] for mark in ops[len(ops) - len(marks):]]
    ops = ops[:len(ops) - len(marks)]
    built = bool(getattr(model, "built", False)) and (inputs is not None)
    variables = _unique(list(model.weights))
    return {
        "type": "model",
        "class": "Sequential" if _is_sequential(model) else type(model).__name__,
        "keras_class": _own_class(model),
        "name": model.name,
        "built": built,
        "inputs": inputs or [],
        "outputs": outputs or [],
        "output_refs": output_refs,
        "output_names": _output_names(model, len(output_refs)),
        "ops": ops,
        "chain": _is_chain(ops),
        "params": {"total": int(sum(_size(v) for v in variables)),
                   "trainable": int(sum(_size(v) for v in _unique(list(model.trainable_weights))))},
        "given": index.label(model),
        "compile": describe_compile(model),
    }


def _output_names(model: Any, count: int) -> list:
    """The model's output names (the output layers' names; sorted keys for dict outputs), or []."""
    try:
        names = [str(n) for n in model.output_names]
    except Exception:  # noqa: BLE001 - an unbuilt model has none
        return []
    return names if len(names) == count else []


def _unique(items: list) -> list:
    seen, out = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            out.append(item)
    return out


def _is_sequential(model: Any) -> bool:
    return any(c.__name__ == "Sequential" and c.__module__.startswith("keras") for c in type(model).__mro__)


def _shape(tensor: Any) -> list:
    return [None if d is None else int(d) for d in tensor.shape]


def _graph(model: Any, index: GivenIndex, trainable_ids: set, weights: bool):
    """(ops, input shapes or None, output shapes or None, output references) of a model, nested chains
    expanded."""
    from kitlib import keras_compat as kc

    if not kc.has_graph(model):  # an unbuilt Sequential or a subclassed model: its layers, in order
        ops = []
        for layer in model.layers:
            ops += _expand(layer, index, trainable_ids, weights,
                           [["input", 0]] if not ops else [[len(ops) - 1, 0]], base=len(ops))
        inputs = None
        try:
            if getattr(model, "inputs", None):
                inputs = [_shape(t) for t in model.inputs]
        except Exception:  # noqa: BLE001 - unbuilt models raise here
            inputs = None
        return ops, inputs, None, []
    owner = kc.graph_owner(model)
    nodes = kc.graph_nodes(model)
    model_inputs = list(owner.inputs)
    refs: dict[int, list] = {id(t): ["input", i] for i, t in enumerate(model_inputs)}
    ops: list[dict] = []
    for node in nodes:
        layer = kc.node_layer(node)
        if type(layer).__name__ == "InputLayer":
            continue
        inputs = [refs.get(id(t), ["unknown", 0]) for t in kc.node_inputs(node)]
        new = _expand(layer, index, trainable_ids, weights, inputs, base=len(ops))
        ops += new
        for t_index, tensor in enumerate(kc.node_outputs(node)):
            refs[id(tensor)] = [len(ops) - 1, t_index]
    return (ops, [_shape(t) for t in model_inputs], [_shape(t) for t in owner.outputs],
            [refs.get(id(t), ["unknown", 0]) for t in owner.outputs])


def _expand(layer: Any, index: GivenIndex, trainable_ids: set, weights: bool, inputs: list, base: int = 0) -> list:
    """The ops of one graph node: a nested chain model gives its own ops, anything else one op."""
    if is_keras_model(layer) and _nested_chain(layer):
        ops: list[dict] = []
        label = index.label(layer)
        for inner in layer.layers:
            if type(inner).__name__ == "InputLayer":
                continue
            refs = inputs if not ops else [[base + len(ops) - 1, 0]]
            for op in _expand(inner, index, trainable_ids, weights, refs, base + len(ops)):
                op["nested_in"] = op.get("nested_in") or label or layer.name
                ops.append(op)
        return ops
    op = _op_of(layer, index, trainable_ids, weights)
    op["inputs"] = inputs
    return [op]


def _nested_chain(model: Any) -> bool:
    """A model used as a layer that is a plain stack (so its layers can be listed in its place)."""
    from kitlib import keras_compat as kc

    if _is_sequential(model):
        return True
    if type(model).__name__ != "Functional" or len(model.inputs) != 1 or len(model.outputs) != 1:
        return False
    nodes = [n for n in kc.graph_nodes(model) if type(kc.node_layer(n)).__name__ != "InputLayer"]
    previous = None
    for node in nodes:
        parents = kc.node_parents(node)
        if len(parents) != 1 or len(kc.node_inputs(node)) != 1:
            return False
        if previous is not None and parents[0] is not previous:
            return False
        previous = node
    return True


def _fold_activations(ops: list[dict]) -> list[dict]:
    """Merge an activation op into the op it follows (when that op is foldable, linear and feeds
    only it); drop linear activations; input references follow the ops that remain."""
    users: dict[int, int] = {}
    for op in ops:
        for ref in op["inputs"]:
            if isinstance(ref[0], int):
                users[ref[0]] = users.get(ref[0], 0) + 1
    out: list[dict] = []
    where: dict[int, list] = {}  # old op index -> reference to what now stands for its output

    def resolve(ref: list) -> list:
        if not isinstance(ref[0], int) or ref[0] not in where:
            return ref
        target = where[ref[0]]
        return [target[0], ref[1]] if isinstance(target[0], int) and ref[1] else target

    for i, op in enumerate(ops):
        inputs = [resolve(r) for r in op["inputs"]]
        if op["kind"] == "Activation" and len(inputs) == 1:
            source, old_source = inputs[0], op["inputs"][0][0]
            if op["activation"] == "linear":
                where[i] = source
                continue
            if (isinstance(source[0], int) and source[1] == 0 and out[source[0]]["kind"] in FOLDABLE
                    and out[source[0]]["activation"] == "linear" and users.get(old_source, 0) == 1):
                out[source[0]]["activation"] = op["activation"]
                out[source[0]]["activation_layer"] = op["name"]
                where[i] = source
                continue
        new = dict(op)
        new["inputs"] = sorted(inputs, key=lambda r: (str(r[0]), r[1])) if op["kind"] in COMMUTATIVE else inputs
        out.append(new)
        where[i] = [len(out) - 1, 0]
    return out


def _is_chain(ops: list[dict]) -> bool:
    for i, op in enumerate(ops):
        want = [["input", 0]] if i == 0 else [[i - 1, 0]]
        if op["inputs"] != want:
            return False
    return True


# --------------------------------------------------------------------------- compile settings

def canonical_loss(loss: Any) -> dict:
    """``{"name", "from_logits", "custom"}`` of a loss given as a string, a Loss object or a function.

    Example:
        >>> canonical_loss("mse")
        {'name': 'mean_squared_error', 'from_logits': False, 'custom': False}
    """
    if loss is None:
        return {"name": None, "from_logits": None, "custom": False}
    if isinstance(loss, str):
        name = snake(loss) if any(ch.isupper() for ch in loss) else loss.lower()
        return {"name": _LOSS_ALIASES.get(name, name), "from_logits": False, "custom": False}
    if _own_class(loss) and hasattr(loss, "get_config"):  # a Keras Loss object
        try:
            config = loss.get_config()
        except Exception:  # noqa: BLE001
            config = {}
        name = snake(type(loss).__name__)
        if name == "loss_function_wrapper":
            name = getattr(getattr(loss, "fn", None), "__name__", name)
        return {"name": _LOSS_ALIASES.get(name, name), "from_logits": bool(config.get("from_logits", False)),
                "custom": False}
    name = getattr(loss, "__name__", None) or type(loss).__name__
    if (getattr(loss, "__module__", "") or "").startswith("keras"):  # a Keras loss function
        return {"name": _LOSS_ALIASES.get(name, name), "from_logits": False, "custom": False}
    return {"name": f"custom:{name}", "from_logits": None, "custom": True}


def canonical_metric(metric: Any) -> str:
    """A metric's canonical name ("acc" -> "accuracy", SparseCategoricalAccuracy() ->
    "sparse_categorical_accuracy"), "custom:<name>" for the notebook's own.

    Example:
        >>> canonical_metric("acc"), canonical_metric({"class_name": "SparseCategoricalAccuracy"})
        ('accuracy', 'sparse_categorical_accuracy')
    """
    if isinstance(metric, str):
        name = snake(metric) if any(ch.isupper() for ch in metric) else metric.lower()
        return _METRIC_ALIASES.get(name, name)
    if isinstance(metric, dict):  # a serialised metric (Model.get_compile_config())
        if metric.get("class_name") == "function":
            return canonical_metric(str(metric.get("config")))
        name = snake(metric.get("class_name", "custom"))
        return _METRIC_ALIASES.get(name, name) if str(metric.get("module") or "keras").startswith("keras") \
            else f"custom:{name}"
    if _own_class(metric):  # a Keras Metric object
        if type(metric).__name__ == "MeanMetricWrapper":
            return canonical_metric(getattr(getattr(metric, "_fn", None), "__name__", "mean_metric_wrapper"))
        return _METRIC_ALIASES.get(snake(type(metric).__name__), snake(type(metric).__name__))
    name = getattr(metric, "__name__", None) or type(metric).__name__
    if (getattr(metric, "__module__", "") or "").startswith("keras"):  # a Keras metric function
        return _METRIC_ALIASES.get(name, name)
    return f"custom:{name}"


def describe_compile(model: Any) -> dict | None:
    """``{"optimizer", "loss", "metrics"}`` of a compiled model (None when it is not compiled).

    ``loss`` is :func:`canonical_loss` (a dict of them for several outputs), ``metrics`` a list of
    canonical metric names (a dict of lists for several outputs), or None when the compile settings
    cannot be read (then only what ``evaluate()`` reports tells them: Keras 3 keeps the metrics of an
    earlier ``compile()`` running, so those are no evidence of what the last ``compile()`` asked for).
    """
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        return None
    loss = getattr(model, "loss", None)
    if isinstance(loss, dict):
        losses: Any = {str(k): canonical_loss(v) for k, v in loss.items()}
    elif isinstance(loss, (list, tuple)):
        losses = [canonical_loss(v) for v in loss]
    else:
        losses = canonical_loss(loss)
    try:
        compile_config = model.get_compile_config() or {}
        metrics_config = compile_config.get("metrics")
        loss_weights = _plain_config(compile_config.get("loss_weights"))
        readable = True
    except Exception:  # noqa: BLE001 - a loss or metric that cannot be serialised (e.g. a functools.partial)
        metrics_config, loss_weights, readable = None, None, False  # the judge reads the metrics from evaluate()

    def names(value):
        if value is None:
            return []
        if isinstance(value, dict) and "class_name" not in value:
            return {str(k): names(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            out = []
            for v in value:
                n = names(v)
                out += n if isinstance(n, list) else [n]
            return out
        return [canonical_metric(value)]

    optimizer = model.optimizer
    return {"optimizer": snake(type(optimizer).__name__), "loss": losses,
            "metrics": names(metrics_config) if readable else None, "loss_weights": loss_weights,
            "optimizer_steps": int(_numpy(getattr(optimizer, "iterations", 0)))}


def _numpy(value: Any) -> Any:
    import numpy as np

    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value)


# --------------------------------------------------------------------------- behaviour

def model_outputs(model: Any, x: Any, what: str = "your model") -> Any:
    """``model(x)`` as float32 NumPy (a list of them for several outputs); the model's own errors are
    the student's (:class:`~kitlib.exercises.core.StudentError`)."""
    shape = getattr(x, "shape", None)
    where = f"{what}, called on a batch of shape {tuple(shape)}" if shape is not None else what
    result = run_student(model, x, training=False, where=where)
    if isinstance(result, dict):
        return {k: to_array(v, f"{what}'s output {k!r}") for k, v in result.items()}
    if isinstance(result, (list, tuple)):
        return [to_array(v, f"{what}'s output {i}") for i, v in enumerate(result)]
    return to_array(result, f"{what}'s output")


__all__ = ["describe_model", "describe_compile", "canonical_loss", "canonical_metric", "activation_name",
           "layer_config", "GivenIndex", "fingerprint", "to_array", "plain_shape", "what_is", "model_outputs",
           "is_keras_model", "is_keras_layer", "is_symbolic", "snake"]
