"""Every reusable check, defined once.

Checks judge *records*: plain data that ``prepare`` made of the answer with
:mod:`kitlib.exercises.describe`. A check is ``check(record)`` or
``check(record, ctx)`` and raises :class:`~kitlib.exercises.core.CheckFailed`
with the mistake in the student's terms. Because records are plain data, the
trusted re-check runs the very same functions on the decoded record.

Building blocks:

- models: :func:`model_record` (a ``prepare``), :func:`L` (one layer of a task's
  spec), :func:`is_model`, :func:`built`, :func:`input_features`,
  :func:`layers_like` (kinds, units/filters/kernels/strides/..., activations,
  names, which given layers, what is frozen, all in one ordered pass),
  :func:`output_shape`, :func:`param_count`;
- "work it out yourself" answers: :func:`matches_digest` compares a salted
  digest of the normalised answer (known typical wrong answers map to targeted
  messages by digest too), :func:`equals_expected` is its course-side twin that
  compares with the plain expected value;
- compile settings: :func:`compile_record` (a ``prepare`` part),
  :func:`compiled_for_integer_labels`;
- numbers: :func:`arrays_close`.

Example::

    from kitlib.exercises import Exercise, checks as c

    spec = [c.L("Dense", units=64, activation="relu"), c.L("Dense", units=10, activation="softmax")]
    Exercise("seq_demo", title="A small classifier", points=1, kind="model", variable="model",
             prepare=c.model_record(), checks=[c.is_model(), c.built(), c.input_features((784,)),
                                               c.layers_like(spec)])
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Sequence

from kitlib.exercises.core import MISSING, CheckFailed, Context, digest, expect
from kitlib.exercises.describe import describe_model, plain_shape, what_is

Check = Callable[..., None]
ANY = "<any>"

_KEY_WORDS = {"units": "units", "filters": "filters", "kernel_size": "kernel size", "strides": "strides",
              "padding": "padding", "pool_size": "pool size", "rate": "rate", "axis": "axis",
              "use_bias": "use_bias", "dilation_rate": "dilation rate", "target_shape": "target shape"}


# --------------------------------------------------------------------------- models: recording

def model_record(*, weights: bool = False, probe: Callable[[Any, dict, Context], dict] | None = None,
                 what: str = "your answer") -> Callable[[Any, Context], dict]:
    """A ``prepare`` that records a model as :func:`~kitlib.exercises.describe.describe_model` describes
    it (with the exercise's given objects for provenance); ``probe(model, record, ctx)`` may add more
    (behaviour on probe inputs).

    Example::

        Exercise(..., given=("donor",), prepare=c.model_record())
    """

    def prepare(answer: Any, ctx: Context) -> dict:
        record = describe_model(answer, ctx.given, weights=weights, what=what)
        if probe is not None:
            record.update(probe(answer, record, ctx))
        return record

    prepare.__name__ = "model_record"
    return prepare


def L(kind: str, activation: str = "linear", **props: Any) -> dict:
    """One layer of a task's spec: its class, its activation ("linear": none; ``ANY``: not judged) and
    any of ``units``, ``filters``, ``kernel_size``, ``strides``, ``padding``, ``pool_size``, ... (only
    what is given is judged), plus ``name``, ``given`` (the label of the given layer it must *be*,
    e.g. "donor.layers[0]", or False: a new layer) and ``trainable`` (True / False).

    Example:
        >>> L("Dense", units=10, activation="softmax")
        {'kind': 'Dense', 'activation': 'softmax', 'units': 10}
    """
    return {"kind": kind, "activation": activation, **props}


def is_model(kind: str | None = None, what: str = "your answer") -> Check:
    """The record is a model's (``kind``: "Sequential" to insist on one); built from Keras' own class."""

    def check(record):
        expect(isinstance(record, dict) and record.get("type") == "model", f"{what} should be a Keras model",
               "a Keras model", "something else")
        if kind == "Sequential":
            expect(record["class"] == "Sequential", f"{what} should be a keras.Sequential model",
                   "keras.Sequential", record["class"], hint="Build it with keras.Sequential([...]).")
        custom = [op["kind"][len("custom:"):] for op in record["ops"] if op["kind"].startswith("custom:")]
        expect(not custom, "your model contains a layer class of your own", "Keras' own layers",
               ", ".join(custom), hint="Use Keras' own layers (keras.layers....) for this exercise.")

    check.__name__ = "is_model"
    return check


def built(hint: str = "Start the model with keras.Input(shape=...).") -> Check:
    def check(record):
        expect(record["built"], "the model should be built: it has no input shape and no weights yet",
               hint=hint)

    check.__name__ = "built"
    return check


def input_features(shape: Iterable, hint: str = "") -> Check:
    """The model takes samples of ``shape`` (one sample, without the batch axis)."""
    want = tuple(shape)

    def check(record):
        inputs = record.get("inputs") or []
        expect(len(inputs) == 1, "the model should have one input", 1, len(inputs))
        got = tuple(inputs[0][1:])
        expect(got == want, "the shape of one input sample", want, got,
               hint=hint or "keras.Input(shape=...) takes the shape of ONE sample, without the batch size.")

    check.__name__ = "input_features"
    return check


def output_shape(shape: Iterable, hint: str = "") -> Check:
    want = tuple(shape)

    def check(record):
        outputs = record.get("outputs") or []
        expect(len(outputs) == 1, "the model should have one output", 1, len(outputs))
        got = tuple(outputs[0])
        expect(got == want, "the model's output shape", want, got, hint=hint)

    check.__name__ = "output_shape"
    return check


def param_count(total: int | None = None, trainable: int | None = None, hint: str = "") -> Check:
    """Parameter counts, as a last check after the structure (a count explains nothing by itself)."""

    def check(record):
        if total is not None:
            expect(record["params"]["total"] == total, "the total number of parameters", total,
                   record["params"]["total"], hint=hint or "Compare model.summary() with the task.")
        if trainable is not None:
            expect(record["params"]["trainable"] == trainable, "the number of trainable parameters", trainable,
                   record["params"]["trainable"], hint=hint or "Check which layers are frozen (layer.trainable).")

    check.__name__ = "param_count"
    return check


def model_name(name: str) -> Check:
    def check(record):
        expect(record["name"] == name, "the model's name", repr(name), repr(record["name"]),
               hint='Pass name="..." to keras.Sequential(...).')

    check.__name__ = "model_name"
    return check


def _act(name: str) -> str:
    return "none (linear)" if name == "linear" else name


def describe_op(op: Mapping[str, Any]) -> str:
    """An op (or a spec entry) in words: "Dense (10 units, softmax)".

    Example:
        >>> describe_op({"kind": "Dense", "units": 10, "activation": "softmax"})
        'Dense (10 units, softmax)'
    """
    config = op.get("config", op)
    parts = []
    for key, fmt in (("units", "{} units"), ("filters", "{} filters"), ("kernel_size", "kernel {}"),
                     ("strides", "strides {}"), ("pool_size", "pool {}")):
        value = config.get(key)
        if value is not None and value != ANY:
            if isinstance(value, (list, tuple)):
                value = "x".join(str(v) for v in value)
            parts.append(fmt.format(value))
    activation = op.get("activation")
    if activation not in (None, ANY, "linear") and op.get("kind") != "Activation":
        parts.append(str(activation))
    kind = op.get("kind", "?")
    if kind == "Activation":
        return f"an Activation ({activation})"
    return f"{kind} ({', '.join(parts)})" if parts else kind


def _norm(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_norm(v) for v in value]
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _same_value(key: str, got: Any, want: Any) -> bool:
    if want == ANY:
        return True
    got, want = _norm(got), _norm(want)
    if key in ("kernel_size", "strides", "pool_size", "dilation_rate") and isinstance(want, int):
        want = [want] * (len(got) if isinstance(got, list) else 1)
    return got == want


def layers_like(spec: Sequence[Mapping[str, Any]], *, hints: Mapping[str, str] | None = None) -> Check:
    """The model's ops match ``spec`` (a list of :func:`L`), in order, with one message per kind of
    mistake: a layer too many or missing, another class, another unit count / filters / kernel /
    strides / padding ..., another activation, a given layer replaced by a new one or a copy, a new
    layer where a given one is asked for, a frozen layer that should learn or the reverse, a name.

    ``hints``: extra advice by mistake: "extra", "missing", "activation", "given", "trainable".
    Layers are counted from 1, without the input; separate activation layers count with the layer
    they follow (``Dense`` + ``Activation("relu")`` is one layer with a ReLU).
    """
    hints = dict(hints or {})
    wanted = [dict(s) for s in spec]

    def check(record):
        ops = record["ops"]
        expect(record.get("chain", True), "your model is not a plain stack of layers",
               hint="Each layer should take the output of the one before it.")
        if len(ops) != len(wanted):
            _count_problem(ops, wanted, hints)
        for position, (op, want) in enumerate(zip(ops, wanted), start=1):
            _compare_op(position, op, want, hints)

    check.__name__ = "layers_like"
    return check


def _signature(entry: Mapping[str, Any]) -> tuple:
    return (entry.get("kind"),)


def _count_problem(ops: list, wanted: list, hints: Mapping[str, str]) -> None:
    import difflib

    got_kinds = [op["kind"] for op in ops]
    want_kinds = [w["kind"] for w in wanted]
    matcher = difflib.SequenceMatcher(a=want_kinds, b=got_kinds, autojunk=False)
    more = len(ops) > len(wanted)
    head = (f"your model has {len(ops)} layers, the task asks for {len(wanted)} "
            "(not counting the input; an activation layer counts with the layer before it)")
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if j2 - j1 > i2 - i1:  # extra ops in the answer
            extra = ops[j1 + (i2 - i1)]
            raise CheckFailed(f"{head}: layer {j1 + (i2 - i1) + 1}, {describe_op(extra)}, is one too many",
                              hint=hints.get("extra", "Remove the layer the task does not ask for."))
        if i2 - i1 > j2 - j1:  # missing ops
            missing = wanted[i1 + (j2 - j1)]
            raise CheckFailed(f"{head}: {_article(describe_op(missing))} is missing at position "
                              f"{i1 + (j2 - j1) + 1}", hint=hints.get("missing", ""))
    raise CheckFailed(head, hint=hints.get("extra" if more else "missing", ""))


def _article(text: str) -> str:
    return ("an " if text[:1].lower() in "aeiou" else "a ") + text


def _compare_op(position: int, op: Mapping[str, Any], want: Mapping[str, Any], hints: Mapping[str, str]) -> None:
    where = f"layer {position}"
    expect(op["kind"] == want["kind"], f"{where} is {_article(op['kind'])}, the task asks for "
           f"{_article(want['kind'])} there", hint=hints.get("kind", ""))
    label = describe_op(op)
    for key, value in want.items():
        if key in ("kind", "activation", "name", "given", "trainable"):
            continue
        got = op["config"].get(key)
        if not _same_value(key, got, value):
            word = _KEY_WORDS.get(key, key)
            raise CheckFailed(f"{where}, {label}: the {word}", _plain(value), _plain(got),
                              hint=hints.get(key, ""))
    activation = want.get("activation", "linear")
    if activation != ANY and op["activation"] != activation:
        raise CheckFailed(f"the activation of {where}, {describe_op({**op, 'activation': 'linear'})}",
                          _act(activation), _act(op["activation"]),
                          hint=hints.get("activation", f'Give it activation="{activation}" (or put an '
                                         f'Activation("{activation}") layer right after it).'
                                         if activation != "linear" else "Leave this layer without an activation."))
    if "given" in want:
        _compare_given(where, label, op, want["given"], hints)
    if "trainable" in want:
        if want["trainable"]:
            expect(op["trainable"] is not False and not op["frozen"], f"{where}, {label}, is frozen: "
                   "its weights would not learn, but the task says this layer should",
                   hint=hints.get("trainable", "Leave layer.trainable = True on it."))
        else:
            expect(op["frozen"] is not False, f"{where}, {label}, is not frozen: its weights would still "
                   "change in training", hint=hints.get("trainable", "Set layer.trainable = False on it "
                                                        "(before compile)."))
    if "name" in want:
        expect(op["name"] == want["name"], f"the name of {where}, {label}", repr(want["name"]), repr(op["name"]),
               hint='Pass name="..." to the layer.')


def _compare_given(where: str, label: str, op: Mapping[str, Any], given: Any, hints: Mapping[str, str]) -> None:
    if given is False:
        expect(op["given"] is None, f"{where}, {label}, is {op['given']} from the notebook, but the task asks "
               "for a new layer here", hint=hints.get("given", "Create a new layer for it."))
        return
    source = given.split(".")[0].split("[")[0]
    if op["given"] == given:
        return
    if op["given"] is not None:
        raise CheckFailed(f"{where}, {label}, is {op['given']}, the task asks for {given} there",
                          hint=hints.get("given", "Keep the layers in their order."))
    if op["copy_of"] == given:
        raise CheckFailed(f"{where}, {label}, is a copy of {given} (same weights, another layer object): "
                          f"the task asks for {source}'s own layer objects",
                          hint=hints.get("given", f"Use the layers of {source} themselves "
                                                  f"({source}.layers[...]), not a clone."))
    raise CheckFailed(f"{where}, {label}, is a new layer with its own weights, not {given}: the task asks for "
                      f"the trained layers of {source}",
                      hint=hints.get("given", f"Take the layers from {source}.layers instead of building "
                                              "new ones (or cloning the model)."))


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    return value


# --------------------------------------------------------------------------- "work it out yourself"

def matches_digest(salt: str, right: str, *, what: str, known: Mapping[str, str] | None = None,
                   hint: str = "") -> Check:
    """The normalised answer's digest is ``right`` (see :func:`kitlib.exercises.core.digest`); a known
    typical wrong answer (by digest) gets its targeted message; anything else ``what`` + ``hint``.
    Nothing here can reveal the answer: the module holds digests only.
    """
    known = dict(known or {})

    def check(record):
        value = digest(record, salt)
        if value == right:
            return
        if value in known:
            raise CheckFailed(known[value])
        raise CheckFailed(what, hint=hint)

    check.__name__ = "matches_digest"
    return check


def equals_expected(what: str, normalise: Callable[[Any], Any] | None = None) -> Check:
    """Course-side twin of :func:`matches_digest`: the record equals the plain expected value of the
    hidden part (``ctx.expected``). Never shows the expected value."""

    def check(record, ctx):
        if ctx.expected is MISSING:
            raise RuntimeError("the course-side expected value is missing")
        want = normalise(ctx.expected) if normalise else ctx.expected
        expect(_canonical(record) == _canonical(want), what)

    check.__name__ = "equals_expected"
    return check


def _canonical(value: Any) -> str:
    from kitlib.exercises.core import canonical

    return canonical(value)


# --------------------------------------------------------------------------- compile settings

def compile_record(x: Any, y: Any) -> Callable[[Any], dict]:
    """Part of a ``prepare``: the model's compile settings and what ``evaluate`` reports on the probe
    batch ``(x, y)``, with the model's raw outputs (logits) on it for the judge's own computations.
    An error of evaluate() is recorded (the judge explains it from the settings)."""

    def record(model: Any) -> dict:
        from kitlib.environment import silenced_stderr_fd
        from kitlib.exercises.core import StudentError
        from kitlib.exercises.describe import describe_compile, model_outputs

        result: dict[str, Any] = {"compile": describe_compile(model), "evaluation": None, "error": None}
        result["outputs"] = model_outputs(model, x)
        result["labels"] = y
        if result["compile"] is None:
            return result
        try:
            with silenced_stderr_fd():
                values = model.evaluate(x, y, verbose=0, return_dict=True)
            result["evaluation"] = {str(k): float(v) for k, v in values.items()}
        except Exception as error:  # noqa: BLE001 - the student's settings make evaluate() fail
            from kitlib.exercises.core import clean_text

            result["error"] = clean_text(f"{type(error).__name__}: {(str(error).strip().splitlines() or [''])[0]}",
                                         limit=200)
        if isinstance(result["error"], StudentError):  # pragma: no cover - kept plain
            result["error"] = str(result["error"])
        return result

    return record


def _sparse_ce(logits, labels, from_logits: bool):
    import numpy as np

    logits = np.asarray(logits, dtype="float64")
    labels = np.asarray(labels).astype(int)
    if from_logits:
        shifted = logits - logits.max(axis=-1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    else:  # as Keras does: outputs clipped to (eps, 1 - eps), then normalised
        p = np.clip(logits, 1e-7, 1 - 1e-7)
        logp = np.log(p) - np.log(p.sum(axis=-1, keepdims=True))
    return float(-logp[np.arange(len(labels)), labels].mean())


_ACCURACY_FOR_INTEGERS = {"accuracy", "sparse_categorical_accuracy"}


def compiled_for_integer_labels(*, outputs: str = "raw scores (logits)", n_classes: int = 10) -> Check:
    """The model is compiled for integer class labels: a sparse categorical cross-entropy that matches
    what the last layer gives (``outputs``: "raw scores (logits)" or "probabilities") and an accuracy
    metric. Judged from the settings *and* from what evaluate() reported against the kit's own
    computation on the recorded outputs, so a correct loss function of one's own passes too."""
    logits_out = outputs.startswith("raw")

    def check(record):
        import numpy as np

        settings = record["compile"]
        expect(settings is not None, "the model is not compiled",
               hint="Call model.compile(optimizer=..., loss=..., metrics=[...]).")
        loss = settings["loss"]
        expect(isinstance(loss, dict) and "name" in loss, "the model should have one loss", hint="Pass one loss.")
        name = loss["name"] or ""
        if name in ("categorical_crossentropy", "categorical_focal_crossentropy"):
            raise CheckFailed(f"the loss: {name} expects one-hot labels (vectors of {n_classes}), but the labels "
                              f"here are integers 0-{n_classes - 1}",
                              hint="Use the sparse version: SparseCategoricalCrossentropy.")
        if name in ("binary_crossentropy", "binary_focal_crossentropy"):
            raise CheckFailed("the loss: binary cross-entropy is for yes/no answers (one output), this task has "
                              f"{n_classes} classes", hint="Use SparseCategoricalCrossentropy.")
        if not loss["custom"] and name != "sparse_categorical_crossentropy":
            raise CheckFailed(f"the loss: {name.replace('_', ' ')} is not a loss for classes with integer labels",
                              hint="Use SparseCategoricalCrossentropy (integer labels, one score per class).")
        if not loss["custom"] and bool(loss["from_logits"]) != logits_out:
            if logits_out:
                raise CheckFailed("the loss treats the model's outputs as probabilities, but the last layer has "
                                  "no softmax: it gives raw scores (logits)",
                                  hint="Pass from_logits=True: keras.losses.SparseCategoricalCrossentropy("
                                       "from_logits=True).")
            raise CheckFailed("the loss treats the model's outputs as raw scores (from_logits=True), but the last "
                              "layer gives probabilities (softmax)", hint="Leave from_logits=False.")
        if record["error"]:
            raise CheckFailed(f"evaluating your compiled model on integer labels failed ({record['error']})",
                              hint="Check the loss and every metric: each must work with integer labels "
                                   f"0-{n_classes - 1}.")
        evaluation = record["evaluation"] or {}
        want = _sparse_ce(record["outputs"], record["labels"], from_logits=logits_out)
        got = evaluation.get("loss")
        if got is None or not abs(got - want) <= 1e-3 * max(1.0, abs(want)):
            probs = _sparse_ce(record["outputs"], record["labels"], from_logits=not logits_out)
            if got is not None and abs(got - probs) <= 1e-3 * max(1.0, abs(probs)) and logits_out:
                raise CheckFailed("your loss treats the model's outputs as probabilities, but they are raw "
                                  "scores (logits)", hint="Compute the cross-entropy with from_logits=True.")
            raise CheckFailed("your loss gives other values than the cross-entropy of integer labels on these "
                              f"{outputs}", hint="Use keras.losses.SparseCategoricalCrossentropy"
                                                 f"(from_logits={logits_out}).")
        metrics = settings["metrics"]
        accuracy = float(np.mean(np.argmax(np.asarray(record["outputs"]), axis=-1) == np.asarray(record["labels"])))
        reported = {k: v for k, v in evaluation.items() if k != "loss"}
        wrong_kind = [m for m in metrics if m in ("categorical_accuracy", "binary_accuracy",
                                                  "top_k_categorical_accuracy")]
        right = [m for m in metrics if m in _ACCURACY_FOR_INTEGERS]
        matching = [k for k, v in reported.items() if abs(v - accuracy) < 1e-6]
        if right and matching or not right and any(m.startswith("custom:") for m in metrics) and matching:
            return
        if wrong_kind:
            raise CheckFailed(f"the metric {wrong_kind[0]} expects one-hot labels, the labels here are integers",
                              hint='Use metrics=["accuracy"]: Keras picks the accuracy that fits the labels.')
        if not metrics:
            raise CheckFailed("no accuracy metric: compile() reports only the loss",
                              hint='Pass metrics=["accuracy"] to compile().')
        if not right:
            raise CheckFailed(f"the metrics ({', '.join(metrics)}) include no accuracy",
                              hint='Pass metrics=["accuracy"] to compile().')
        raise CheckFailed("the accuracy reported by evaluate() is not the share of correct predictions",
                          hint='Use metrics=["accuracy"].')

    check.__name__ = "compiled_for_integer_labels"
    return check


# --------------------------------------------------------------------------- numbers

def arrays_close(got_key: str, want_key: str, what: str, *, atol: float = 1e-4, hint: str = "") -> Check:
    """``record[got_key]`` has the shape and (within ``atol``) the values of ``record[want_key]``
    (the kit's own computation from the given objects). Says how far off, never the values."""

    def check(record):
        import numpy as np

        got, want = np.asarray(record[got_key]), np.asarray(record[want_key])
        expect(got.shape == want.shape, f"{what}: the shape", hint=hint,
               got=tuple(got.shape))
        worst = float(np.max(np.abs(got - want))) if got.size else 0.0
        expect(bool(np.allclose(got, want, atol=atol)), what, hint=hint,
               got=f"values that differ by up to {worst:.3g}")

    check.__name__ = "arrays_close"
    return check


# ============================================================================================ legacy
# Checks on live Keras models, used by Part 2's exercises until they move to records (the functional
# helper ports them). They cannot run in the trusted re-check unless the model itself is recorded.

def _keras():
    import keras

    return keras


def shape_tuple(shape: Any) -> tuple:
    """A shape as a plain tuple of ints and None (TensorShape, list, int all accepted)."""
    if shape is None:
        return None
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    if isinstance(shape, int):
        return (shape,)
    return tuple(None if d is None else int(d) for d in shape)


def is_keras_model(kind: str | None = None) -> Check:
    """Legacy: the answer is a live Keras model (``kind``: "Sequential" or "Functional")."""

    def check(answer):
        keras = _keras()
        expect(isinstance(answer, keras.Model), "your answer should be a Keras model", "a keras.Model",
               type(answer).__name__, hint="Build it with keras.Sequential([...]) or keras.Model(inputs, outputs).")
        if kind == "Sequential":
            expect(isinstance(answer, keras.Sequential), "the model type", "keras.Sequential",
                   type(answer).__name__, hint="Use keras.Sequential([...]).")
        elif kind == "Functional":
            from kitlib.keras_compat import has_graph

            expect(not isinstance(answer, keras.Sequential) and has_graph(answer)
                   or type(answer).__name__ == "Functional",
                   "the model type", "a functional model built with keras.Model(inputs, outputs)",
                   type(answer).__name__, hint="Call layers on keras.Input(...) and wrap with keras.Model.")

    return check


def is_built() -> Check:
    def check(model):
        expect(bool(getattr(model, "built", False)) and len(model.weights) > 0 or not model.layers,
               "the model should be built (have weights)", "a built model", "an unbuilt model",
               hint="Start the model with keras.Input(shape=...) or call it on data once.")

    return check


def total_params(expected: int) -> Check:
    def check(model):
        got = model.count_params() if getattr(model, "built", False) else 0
        expect(got == expected, "total number of parameters", expected, got,
               hint="Compare model.summary() with the target: look at units, kernel sizes and input shape.")

    return check


def trainable_params(expected: int) -> Check:
    def check(model):
        got = int(sum(int(_size(w)) for w in model.trainable_weights))
        expect(got == expected, "number of trainable parameters", expected, got,
               hint="Set layer.trainable = False on the layers that should stay frozen.")

    return check


def _size(weight) -> int:
    size = 1
    for d in weight.shape:
        size *= int(d)
    return size


def layer_count(expected: int) -> Check:
    def check(model):
        got = len(model.layers)
        expect(got == expected, "number of layers in model.layers", expected, got)

    return check


def layer_types(expected: Sequence[str]) -> Check:
    """``model.layers`` are of these classes, in order (class names, e.g. ["Conv2D", "Dense"])."""

    def check(model):
        got = [type(layer).__name__ for layer in model.layers]
        expect(got == list(expected), "the layer types, in order", list(expected), got)

    return check


def model_output_shape(expected: Iterable) -> Check:
    want = shape_tuple(expected)

    def check(model):
        outputs = getattr(model, "outputs", None)
        expect(bool(outputs), "the model's output shape", want, "no output yet",
               hint="Give the model an input shape (keras.Input) so Keras can work out its output.")
        got = shape_tuple(outputs[0].shape)
        expect(got == want, "the model's output shape", want, got)

    return check


def model_input_shape(expected: Iterable) -> Check:
    want = shape_tuple(expected)

    def check(model):
        inputs = getattr(model, "inputs", None)
        expect(bool(inputs), "the model's input shape", want, "no input yet",
               hint="Start with keras.Input(shape=...).")
        got = shape_tuple(inputs[0].shape)
        expect(got == want, "the model's input shape", want, got)

    return check


def equals(expected: Any, what: str = "your answer", hint: str = "") -> Check:
    """Plain equality, with shapes normalised (lists, tuples, TensorShapes compare alike)."""

    def normalise(value):
        if hasattr(value, "as_list") or (isinstance(value, (list, tuple)) and all(
                d is None or isinstance(d, int) for d in value)):
            return shape_tuple(value)
        return value

    def check(answer):
        expect(normalise(answer) == normalise(expected), what, expected, answer, hint=hint)

    return check


def predicts_like(reference: Callable[[Any], Any], inputs: Callable[[], Any], atol: float = 1e-5,
                  what: str = "the model's predictions") -> Check:
    """The model computes what ``reference(x)`` computes, on inputs from ``inputs()``."""

    def check(model):
        import numpy as np

        x = inputs()
        got = np.asarray(model(x, training=False) if not isinstance(x, dict) else model(x))
        want = np.asarray(reference(x))
        expect(got.shape == want.shape, f"{what}: shape", want.shape, got.shape)
        expect(bool(np.allclose(got, want, atol=atol)), what, "the reference values",
               f"values that differ by up to {float(np.max(np.abs(got - want))):.3g}")

    return check


def set_seeded_weights(model: Any, seed: int, scale: float = 0.5) -> Any:
    """Give every weight of ``model`` values drawn from ``numpy.random.default_rng(seed)``; returns the model.

    Probe models built this way are the same in the student's kernel and in the grader's
    trusted process, so the trusted checks can recompute what a probe model outputs.

    Example::

        model = set_seeded_weights(keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)]), seed=1)
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    for weight in model.weights:
        shape = tuple(int(d) for d in weight.shape)
        weight.assign(rng.normal(scale=scale, size=shape).astype("float32"))
    return model


def as_array(value: Any, what: str, expected: str = "a tensor",
             hint: str = "Make sure your code returns its result (return ...).") -> Any:
    """``value`` as a float32 numpy array for a probe record, or a friendly :class:`CheckFailed`.

    Example:
        >>> as_array([1, 2], "the output").dtype
        dtype('float32')
    """
    import numpy as np

    if value is not None:
        try:
            import keras

            return np.asarray(keras.ops.convert_to_numpy(value), dtype="float32")
        except Exception:
            pass
    raise CheckFailed(what, expected, type(value).__name__, hint=hint)


# Old names of the legacy checks (Part 2 calls them c.is_model(...), c.output_shape(...), ...): the
# record checks above take these names; Part 2's module imports the legacy ones through LEGACY.
LEGACY = {"is_model": is_keras_model, "output_shape": model_output_shape, "input_shape": model_input_shape}

__all__ = [
    "ANY", "L", "model_record", "is_model", "built", "input_features", "output_shape", "param_count", "model_name",
    "layers_like", "describe_op", "matches_digest", "equals_expected", "compile_record",
    "compiled_for_integer_labels", "arrays_close", "plain_shape", "what_is",
    # legacy, live models
    "shape_tuple", "is_keras_model", "is_built", "total_params", "trainable_params", "layer_count", "layer_types",
    "model_output_shape", "model_input_shape", "equals", "predicts_like", "set_seeded_weights", "as_array",
]
