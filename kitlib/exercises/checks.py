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
- graphs (functional models: branches, several inputs and outputs, shared layers):
  :func:`graph_like` with a spec of :func:`N` nodes on :func:`In` inputs;
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

import math

import re
from typing import Any, Callable, Iterable, Mapping, Sequence

from kitlib.exercises.core import MISSING, CheckFailed, Context, digest, expect
from kitlib.exercises.describe import _is_int, canonical_metric, describe_model, plain_shape, what_is

Check = Callable[..., None]
ANY = "<any>"

_KEY_WORDS = {"units": "units", "filters": "filters", "kernel_size": "kernel size", "strides": "strides",
              "padding": "padding", "pool_size": "pool size", "rate": "rate", "axis": "axis",
              "use_bias": "use_bias", "dilation_rate": "dilation rate", "target_shape": "target shape"}


# --------------------------------------------------------------------------- models: recording

def model_record(*, weights: bool = False, probe: Callable[[Any, dict, Context], dict] | None = None,
                 what: str = "your answer", build_for: Iterable | None = None) -> Callable[[Any, Context], dict]:
    """A ``prepare`` that records a model as :func:`~kitlib.exercises.describe.describe_model` describes
    it (with the exercise's given objects for provenance); ``probe(model, record, ctx)`` may add more
    (behaviour on probe inputs). ``build_for``: the task's sample shape; a model left unbuilt (no
    ``keras.Input``) is built for it first, when the task does not ask for a built model itself.

    Example::

        Exercise(..., given=("donor",), prepare=c.model_record(build_for=(784,)))
    """

    def prepare(answer: Any, ctx: Context) -> dict:
        from kitlib.exercises.core import run_student
        from kitlib.exercises.describe import is_keras_model

        if build_for is not None and is_keras_model(answer) and not getattr(answer, "built", False):
            shape = (None, *tuple(build_for))
            run_student(answer.build, shape, where=f"building your model for samples of shape {tuple(build_for)}",
                        hint="The layers do not fit samples of this shape: look at each layer's input.")
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
        batch = inputs[0][0] if inputs[0] else None
        expect(batch is None, f"the input fixes the batch size to {batch}: the model would take batches of exactly "
               f"{batch} samples", "any batch size (None)", batch,
               hint="Leave the batch size out: keras.Input(shape=...) without batch_size= (or batch_shape= with None "
                    "first).")

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


def _count_problem(ops: list, wanted: list, hints: Mapping[str, str]) -> None:
    import difflib

    got_kinds = [op["kind"] for op in ops]
    want_kinds = [w["kind"] for w in wanted]
    matcher = difflib.SequenceMatcher(a=want_kinds, b=got_kinds, autojunk=False)
    more = len(ops) > len(wanted)
    head = (f"your model has {len(ops)} layer{'' if len(ops) == 1 else 's'}, the task asks for {len(wanted)} "
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


# Defaults a task leaves as they are unless its spec names them: a layer without its bias, or one that returns
# its whole sequence or masks zeros, has other weights or another output than the task's.
_LAYER_DEFAULTS = {"use_bias": True, "return_sequences": False, "mask_zero": False}
_DEFAULT_HINTS = {"use_bias": "Leave use_bias out: by default each unit has a bias.",
                  "return_sequences": "Leave return_sequences out: by default the layer returns its last step only.",
                  "mask_zero": "Leave mask_zero out: by default no input value is masked."}


def _defaults_kept(label: str, op: Mapping[str, Any], want: Mapping[str, Any], hints: Mapping[str, str]) -> None:
    """The defaults of :data:`_LAYER_DEFAULTS` the spec does not name are left as they are."""
    for key, default in _LAYER_DEFAULTS.items():
        if key not in want and key in op["config"] and op["config"][key] != default:
            raise CheckFailed(f"{label}: {key} is {op['config'][key]!r}, but the task leaves it at its default",
                              default, op["config"][key], hint=hints.get(key, _DEFAULT_HINTS[key]))


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
    _defaults_kept(f"{where}, {label}", op, want, hints)
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


# --------------------------------------------------------------------------- models: graphs


def In(index: int = 0, shape: Iterable | None = None) -> dict:
    """Input ``index`` of a graph spec (see :func:`graph_like`); ``shape``: one sample's shape, judged.

    Example:
        >>> In(1, shape=(12,))
        {'input': 1, 'shape': (12,)}
    """
    return {"input": index, "shape": None if shape is None else tuple(shape)}


def N(kind: str, *inputs: Mapping[str, Any], activation: str = "linear", **props: Any) -> dict:
    """One node of a graph spec: a layer (or op) of class ``kind`` applied to ``inputs`` (other nodes or
    :func:`In`). ``props``: config values as in :func:`L` (``units``, ``filters``, ``kernel_size``, ...), and

    - ``share``: a label; every node with the same label must be *one* layer object (a shared layer);
      nodes without a common label must be different layer objects when they have weights;
    - ``given`` / ``copy_of`` / ``name`` / ``trainable``: as in :func:`L`; ``nested_in``: the given model
      whose layer this is (a model called like a layer); ``weights``: the weight shapes (``[[1000, 16]]``);
    - ``any_order``: the inputs may come in any order (``Add``, ``Multiply``, ``Average``, ``Maximum``,
      ``Minimum`` always may; say it for a ``Concatenate`` whose order the task leaves open);
    - ``what``: how the task calls this node in messages ("the title's LSTM").

    Example:
        >>> N("Dense", In(0), units=4, activation="relu")["kind"]
        'Dense'
    """
    return {"kind": kind, "activation": activation, "inputs": list(inputs), **props}


_NODE_KEYS = {"kind", "activation", "inputs", "share", "given", "copy_of", "name", "trainable", "nested_in",
              "weights", "any_order", "what"}
_ORDER_FREE = {"Add", "Multiply", "Average", "Maximum", "Minimum"}
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


def _describe_node(node: Mapping[str, Any]) -> str:
    if "input" in node:
        return f"input {node['input'] + 1}"
    return node.get("what") or describe_op({k: v for k, v in node.items() if k != "inputs"})


def _a_node(node: Mapping[str, Any]) -> str:
    """The node with an article, unless the task's own words (``what``) already name it."""
    return _describe_node(node) if node.get("what") else _article(_describe_node(node))


class _GraphMatch:
    """Matches a spec (nodes of :func:`N`) against a record's ops, from the outputs back to the inputs."""

    def __init__(self, record: Mapping[str, Any], hints: Mapping[str, str]):
        self.ops = record["ops"]
        self.input_shapes = [tuple(s[1:]) for s in record.get("inputs") or []]
        self.hints = hints
        self.inputs: dict[int, int] = {}     # spec input -> model input
        self.layers: dict[int, str] = {}     # id(spec node) -> layer name it matched
        self.nodes: list[tuple[Mapping[str, Any], dict]] = []   # (spec node, op) pairs
        self.steps = 0                       # nodes matched so far: the most advanced failure explains best

    def state(self) -> tuple:
        return dict(self.inputs), dict(self.layers), list(self.nodes)

    def restore(self, state: tuple) -> None:
        self.inputs, self.layers, self.nodes = dict(state[0]), dict(state[1]), list(state[2])

    def where(self, parent: Mapping[str, Any] | None, position: int, count: int, top: str) -> str:
        if parent is None:
            return top
        which = "the input" if count == 1 else f"the {_ORDINALS[position] if position < 6 else position + 1} input"
        return f"{which} of {_describe_node(parent)}"

    def match(self, spec: Mapping[str, Any], ref: list, where: str) -> None:
        if "input" in spec:
            self.match_input(spec, ref, where)
            return
        if ref[0] == "input":
            raise CheckFailed(f"{where}: {_a_node(spec)} is missing there: your model takes "
                              f"input {ref[1] + 1} directly", hint=self.hints.get("missing", ""))
        if not isinstance(ref[0], int) or not 0 <= ref[0] < len(self.ops):
            raise CheckFailed(f"{where}: your model's graph could not be followed there",
                              hint="Build the model from keras.Input tensors and Keras layers only.")
        op = self.ops[ref[0]]
        label = describe_op(op)
        if op["kind"] != spec["kind"]:
            raise CheckFailed(f"{where}: your model has {_article(label)} where the task has {_a_node(spec)}",
                              hint=self.hints.get("kind", ""))
        self.steps += 0.25   # partial progress: among failing pairings, the one that got furthest is reported
        for key, value in spec.items():
            if key in _NODE_KEYS:
                continue
            got = op["config"].get(key)
            if not _same_value(key, got, value):
                raise CheckFailed(f"{label} ({where}): the {_KEY_WORDS.get(key, key)}", _plain(value), _plain(got),
                                  hint=self.hints.get(key, ""))
        _defaults_kept(f"{label} ({where})", op, spec, self.hints)
        if "weights" in spec and [list(w) for w in spec["weights"]] != [list(w) for w in op["weights"]]:
            raise CheckFailed(f"{label} ({where}): the shapes of its weights",
                              tuple(tuple(w) for w in spec["weights"]), tuple(tuple(w) for w in op["weights"]),
                              hint=self.hints.get("weights", ""))
        self.steps += 0.25
        activation = spec.get("activation", "linear")
        if activation != ANY and op["activation"] != activation:
            plain = describe_op({**op, "activation": "linear"})
            raise CheckFailed(f"the activation of {plain} ({where})", _act(activation), _act(op["activation"]),
                              hint=self.hints.get("activation", f'Give it activation="{activation}" (or put an '
                                                  f'Activation("{activation}") layer right after it).'
                                                  if activation != "linear" else
                                                  "The task leaves this layer without an activation."))
        if "given" in spec:
            _compare_given(where, label, op, spec["given"], self.hints)
        if "nested_in" in spec and op.get("nested_in") != spec["nested_in"]:
            raise CheckFailed(f"{label} ({where}) is not used through the model {spec['nested_in']}",
                              hint=self.hints.get("nested_in", f"Call {spec['nested_in']} itself on the tensor, "
                                                  f"like a layer: {spec['nested_in']}(x)."))
        if "name" in spec:
            expect(op["name"] == spec["name"], f"the name of {label} ({where})", repr(spec["name"]),
                   repr(op["name"]), hint=f'Pass name="{spec["name"]}" to the layer.')
        if "trainable" in spec:
            frozen = op["frozen"] is not False
            expect(frozen != bool(spec["trainable"]), f"{label} ({where}) is {'frozen' if frozen else 'trainable'}, "
                   f"the task wants it {'trainable' if spec['trainable'] else 'frozen'}",
                   hint=self.hints.get("trainable", ""))
        if op["params"]:
            known = self.layers.get(id(spec))
            if known is not None and known != op["name"]:
                raise CheckFailed(f"{label} ({where}) is another layer than the one the task re-uses there: two "
                                  "layer objects, two sets of weights", hint=self.hints.get("share", ""))
            self.layers[id(spec)] = op["name"]
        self.nodes.append((spec, op))
        self.steps += 0.5
        self.match_inputs(spec, op, where)

    def match_inputs(self, spec: Mapping[str, Any], op: Mapping[str, Any], where: str) -> None:
        import itertools

        wanted, got = spec["inputs"], op["inputs"]
        masking = [o for o in self.ops if (o.get("config") or {}).get("mask_zero")]
        if len(got) > len(wanted) and masking:  # no spec of the course asks for mask_zero=True
            raise CheckFailed(f"{describe_op(op)} ({where}) also receives the mask of {describe_op(masking[0])}: its "
                              "mask_zero is True, but the task leaves it at its default", False, True,
                              hint=self.hints.get("mask_zero", _DEFAULT_HINTS["mask_zero"]))
        if len(wanted) != len(got):
            raise CheckFailed(f"{describe_op(op)} ({where}) takes {len(got)} input{'s' if len(got) != 1 else ''}, "
                              f"the task gives it {len(wanted)}", hint=self.hints.get("inputs", ""))
        orders = [list(range(len(got)))]
        if spec["kind"] in _ORDER_FREE or spec.get("any_order"):
            orders += [list(p) for p in itertools.permutations(range(len(got))) if list(p) != orders[0]][:119]
        # Each pairing is judged whole: every input is matched, a failing one is set aside and the next tried, so
        # the pairing with the fewest inputs off (then the most matched) says what is off, not the pairing whose
        # first input happened to fail latest (add([a, b]) against the task's add([b, a]) with b changed).
        best: tuple[tuple[int, float], CheckFailed] | None = None
        for order in orders:
            saved, steps = self.state(), self.steps
            first: CheckFailed | None = None
            failed = 0
            for position, (child, index) in enumerate(zip(wanted, order)):
                before = self.state()
                try:
                    self.match(child, got[index], self.where(spec, position, len(wanted), where))
                except CheckFailed as error:
                    failed += 1
                    first = first or error
                    self.restore(before)   # its partial progress (self.steps) still counts
            if first is None:
                return
            score = (failed, -(self.steps - steps))
            if best is None or score < best[0]:
                best = (score, first)
            self.restore(saved)
            self.steps = steps
        self.steps = steps - best[0][1]   # the caller weighs this failure by how far its best pairing got
        raise best[1]

    def match_input(self, spec: Mapping[str, Any], ref: list, where: str) -> None:
        want = spec["input"]
        if ref[0] != "input":
            op = self.ops[ref[0]] if isinstance(ref[0], int) and 0 <= ref[0] < len(self.ops) else {"kind": "?"}
            raise CheckFailed(f"{where}: your model has {_article(describe_op(op))} there, the task takes input "
                              f"{want + 1} directly", hint=self.hints.get("extra", "Remove the layer the task "
                                                                                  "does not ask for."))
        got = ref[1]
        bound = self.inputs.get(want)
        if bound is None:
            other = [s for s, m in self.inputs.items() if m == got]
            if other:
                raise CheckFailed(f"{where}: your model reads input {got + 1} again there, where the task reads "
                                  f"input {want + 1}",
                                  hint=self.hints.get("input", f"Connect each keras.Input where the task says: "
                                                               f"input {want + 1} is not used there."))
            self.inputs[want] = got
            self.steps += 1
            if spec.get("shape") is not None and got < len(self.input_shapes):
                have = self.input_shapes[got]
                expect(have == tuple(spec["shape"]), f"the shape of one sample of input {want + 1}",
                       tuple(spec["shape"]), have, hint=self.hints.get("shape", "keras.Input(shape=...) takes "
                                                                                "one sample's shape."))
        elif bound != got:
            raise CheckFailed(f"{where}: your model uses input {got + 1} there, the task uses input {bound + 1}",
                              hint=self.hints.get("input", ""))

    def check_sharing(self) -> None:
        groups: dict[str, set] = {}
        owners: dict[str, list] = {}
        for spec, op in self.nodes:
            if not op["params"]:
                continue
            label = spec.get("share")
            if label is not None:
                groups.setdefault(label, set()).add(op["name"])
            owners.setdefault(op["name"], []).append(spec)
        for label, names in groups.items():
            specs = [s for s, o in self.nodes if s.get("share") == label]
            expect(len(names) == 1, f"the task uses one layer, {_describe_node(specs[0])}, in {len(specs)} places; "
                   f"your model has {len(names)} different layers there (each with its own weights)",
                   hint=self.hints.get("share", "Create the layer once (e.g. shared = layers.Dense(...)) and call "
                                                "that same object on each input."))
        for name, specs in owners.items():
            distinct = {id(s) for s in specs}
            labels = {s.get("share") for s in specs}
            if len(distinct) > 1 and (None in labels or len(labels) > 1):
                raise CheckFailed(f"one layer of your model ({describe_op(specs[0])}) is used where the task has "
                                  f"{len(distinct)} separate layers, each with its own weights",
                                  hint=self.hints.get("distinct", "Create a new layer (or model) for each place."))


def graph_like(outputs: Sequence[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]], *,
               hints: Mapping[str, str] | None = None) -> Check:
    """The model's graph is the spec's: from each output back to the inputs, every node of :func:`N`
    (class, config, activation, provenance, which input it reads, shared or separate layer objects),
    whatever order the layers were created in and however they are spelled (``+`` and ``layers.add``,
    an ``Activation`` layer or the argument, a nested chain model or its layers).

    ``outputs``: the spec's output nodes in order, or a dict by output name (the output layers' names,
    as ``model.output_names`` lists them) when the task names the outputs. ``hints``: advice by mistake
    ("kind", "activation", "missing", "extra", "input", "share", "distinct", "given", or a config key).

    Example::

        enc = N("Dense", In(0, shape=(10,)), units=4, activation="relu", share="enc")
        enc2 = N("Dense", In(1, shape=(10,)), units=4, activation="relu", share="enc")
        c.graph_like([N("Dense", N("Subtract", enc, enc2), units=1, activation="sigmoid")])
    """
    hints = dict(hints or {})

    def check(record):
        refs = list(record.get("output_refs") or [])
        expect(bool(refs), "your model has no outputs that can be followed back to its inputs",
               hint="Build it with keras.Model(inputs, outputs) from keras.Input tensors.")
        if isinstance(outputs, Mapping):
            names = list(record.get("output_names") or [])
            expect(sorted(names) == sorted(outputs), "the names of the model's outputs", sorted(outputs),
                   sorted(names), hint=hints.get("names", 'Name each output layer: layers.Dense(1, name="...").'))
            pairs = [(outputs[n], refs[names.index(n)], f"output {n!r}") for n in sorted(outputs)]
        else:
            expect(len(refs) == len(outputs), "the number of outputs of the model", len(outputs), len(refs),
                   hint=hints.get("outputs", "Pass a list of output tensors to keras.Model(inputs, outputs)."))
            pairs = [(spec, ref, "the output" if len(outputs) == 1 else f"output {i + 1}")
                     for i, (spec, ref) in enumerate(zip(outputs, refs))]
        n_inputs = len(record.get("inputs") or [])
        wanted_inputs = _spec_inputs(list(outputs.values()) if isinstance(outputs, Mapping) else list(outputs))
        expect(n_inputs == len(wanted_inputs), "the number of inputs of the model", len(wanted_inputs), n_inputs,
               hint=hints.get("inputs", "Create one keras.Input per input of the task and pass them all to "
                                        "keras.Model."))
        matcher = _GraphMatch(record, hints)
        for spec, ref, where in pairs:
            matcher.match(spec, ref, where)
        matcher.check_sharing()

    check.__name__ = "graph_like"
    return check


def _spec_inputs(nodes: Sequence[Mapping[str, Any]]) -> set:
    found: set = set()
    seen: set = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if "input" in node:
            found.add(node["input"])
        else:
            stack.extend(node["inputs"])
    return found


# --------------------------------------------------------------------------- "work it out yourself"

def matches_digest(salt: str, right: str, *, what: str, known: Mapping[str, str] | None = None,
                   hint: str = "", parts: Sequence[str] = (), names: Sequence[str] = (), order: str = "",
                   part_hints: Sequence[str] = (), count_hint: str = "") -> Check:
    """The normalised answer's digest is ``right`` (see :func:`kitlib.exercises.core.digest`); a known
    typical wrong answer (by digest) gets its targeted message; anything else ``what`` + ``hint``.
    Nothing here can reveal the answer: the module holds digests only.

    An answer of several parts (a list of numbers or shapes) may also give ``parts``: the digest of each part
    alone, salted with ``f"{salt}:{n}"`` (:func:`part_digests`). A wrong answer of that length is then judged
    part by part (see :func:`_parts_problem`): the right parts in another order, running totals where each
    part counts on its own, or every part that is wrong, named by ``names`` with its ``part_hints`` (where to
    look, never the value); an answer of another length gets ``count_hint`` when given (for answers whose
    length is part of what to find).
    """
    known = dict(known or {})

    def check(record):
        value = digest(record, salt)
        if value == right:
            return
        if value in known:
            raise CheckFailed(known[value])
        if parts and isinstance(record, list) and len(record) == len(parts):
            _parts_problem(record, salt, parts, names, order, part_hints, hint, what)
        if parts and count_hint and isinstance(record, list):
            raise CheckFailed(f"{what}: your list has {len(record)} entr{'y' if len(record) == 1 else 'ies'}, and "
                              f"that is not how many layers are left: {count_hint}", hint=hint)
        raise CheckFailed(what, hint=hint)

    check.__name__ = "matches_digest"
    return check


def part_digests(value: Sequence[Any], salt: str) -> list[str]:
    """The ``parts`` of :func:`matches_digest` for the answer ``value`` (course side: the value is hidden).

    Example:
        >>> len(part_digests([24, 15], "demo"))
        2
    """
    return [digest(part, f"{salt}:{n}") for n, part in enumerate(value)]


def _parts_problem(record: list, salt: str, parts: Sequence[str], names: Sequence[str], order: str,
                   part_hints: Sequence[str], hint: str, what: str) -> None:
    """Raise the message for a wrong answer of ``len(parts)`` parts (see :func:`matches_digest`)."""
    def is_right(part, n):
        return digest(part, f"{salt}:{n}") == parts[n]

    wrong = [n for n, part in enumerate(record) if not is_right(part, n)]
    if not wrong:
        return
    label = [names[n] if n < len(names) else f"entry {n + 1}" for n in range(len(parts))]
    if len(wrong) > 1 and all(any(m != n and is_right(record[m], n) for m in wrong) for n in wrong):
        raise CheckFailed(f"{what}: the right values, but not in the order the task asks" + (f" ({order})" if order else ""),
                          hint=hint)
    if len(wrong) > 1 and all(n == 0 or is_right(record[n], n - 1) for n in wrong) and wrong[0] > 0 or \
            len(parts) > 2 and all(is_right(record[n], n - 1) for n in range(1, len(parts))):
        raise CheckFailed(f"{what}: your values look shifted by one place: the first one should be " + label[0], hint=hint)
    numbers = all(_is_whole(part) for part in record)
    if numbers and wrong[0] > 0 and all(is_right(record[n] - record[n - 1], n) for n in wrong):
        raise CheckFailed(f"{what}: these look like running totals: each number should count " + ("its own part alone"
                          if not names else "what it names alone") + ", without the ones before it", hint=hint)
    details = [label[n] + (f" ({part_hints[n]})" if n < len(part_hints) and part_hints[n] else "") for n in wrong]
    if len(wrong) == len(parts):
        if any(part_hints):  # nothing right: where to look for each part
            raise CheckFailed(f"{what}: none of the {len(parts)} parts is right yet: " + "; ".join(details), hint=hint)
        return  # the exercise's general message
    plural = f"{len(wrong)} of the {len(parts)} parts are" if len(wrong) > 1 else f"1 of the {len(parts)} parts is"
    raise CheckFailed(f"{what}: {plural} not right yet: " + "; ".join(details) + "; the other" +
                      ("s are" if len(parts) - len(wrong) > 1 else " is") + " right", hint=hint)


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def options_by_digest(salt: str, right: Mapping[str, str], feedback: Mapping[str, str], *, what: str,
                      known: Mapping[str, str] | None = None, hint: str = "") -> Check:
    """A read-it answer that is a set of letters (the record of :func:`letters_answer`), judged option by
    option: ``right[letter]`` is the digest of whether the letter belongs to the answer (salted with
    ``f"{salt}:{letter}"``, see :func:`option_digests`). Every option chosen wrongly or missed is named at once,
    as such, with ``feedback[letter]``: what to see in that option, in the student's terms (a text that does not
    say on its own whether the option belongs: the module is public). ``known``
    (digests of whole answers, salted with ``salt``) keeps a targeted message for a typical combination.

    Example::

        options_by_digest("seq04_read_summary", RIGHT, {"a": "the output shape ...", ...}, what="...")
    """
    known = dict(known or {})

    def check(record):
        off = [letter for letter in sorted(right) if digest(letter in record, f"{salt}:{letter}") != right[letter]]
        if not off:
            return
        value = digest(record, salt)
        if value in known:
            raise CheckFailed(known[value])
        parts = [f"{letter} ({'chosen, but it does not belong' if letter in record else 'missing'})"
                 + (f": {feedback[letter]}" if letter in feedback else "") for letter in off]
        count = f"{len(off)} of your choices need" if len(off) > 1 else "1 of your choices needs"
        raise CheckFailed(f"{what}: {count} another look. " + "; ".join(parts), hint=hint)

    check.__name__ = "options_by_digest"
    return check


def option_digests(options: str, answer: Iterable[str], salt: str) -> dict[str, str]:
    """The ``right`` of :func:`options_by_digest` for the set of letters ``answer`` (course side).

    Example:
        >>> sorted(option_digests("ab", {"a"}, "demo"))
        ['a', 'b']
    """
    chosen = set(answer)
    return {letter: digest(letter in chosen, f"{salt}:{letter}") for letter in options}


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
            result["error"] = error_summary(error)
        return result

    return record


def digit_compile_probe(salt: int, what: str = "your answer") -> Callable[[Any, Any], dict]:
    """A ``prepare`` for a compile exercise on a 784-feature, 10-class digit model: which given object the
    answer is and its layers (:func:`kitlib.exercises.describe.describe_model`), then :func:`compile_record` on
    a probe batch of 40 samples in [0, 1) whose integer labels hold every class at least once, drawn from
    ``ctx.rng(salt)`` (the hidden probes' seed changes it).

    Example::

        Exercise("seq05_compile", ..., prepare=digit_compile_probe(5))
    """

    def prepare(model: Any, ctx: Any) -> dict:
        import numpy as np

        from kitlib.exercises.describe import describe_model

        record = describe_model(model, ctx.given, what=what)
        rng = ctx.rng(salt)
        x = rng.uniform(0, 1, size=(40, 784)).astype("float32")
        y = np.concatenate([np.arange(10), rng.integers(0, 10, size=30)]).astype("int64")
        record.update(compile_record(x, y)(model))
        return record

    return prepare


_TELLING = re.compile(r"(Incompatible shapes[^\n]*|must have the same rank[^\n]*|[Ss]hapes? [^\n]{0,40}"
                      r"(?:are )?incompatible[^\n]*|expected [^\n]*dims?[^\n]*|not a valid dtype[^\n]*)")


def error_summary(error: BaseException) -> str:
    """'<Error>: <the line that tells what went wrong>' for an error from inside Keras/TensorFlow
    (a graph error's first line, "Graph execution error:", says nothing)."""
    from kitlib.exercises.core import clean_text

    text = str(error).strip()
    telling = _TELLING.search(text)
    line = telling.group(1) if telling else next((l for l in text.splitlines() if l.strip() and
                                                   "Graph execution error" not in l), "")
    return clean_text(f"{type(error).__name__}: {line.strip()}" if line.strip() else type(error).__name__, limit=200)


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
        weights = settings.get("loss_weights")
        listed = list(weights.values()) if isinstance(weights, dict) else weights if isinstance(weights, list) \
            else [] if weights is None else [weights]
        if any(isinstance(w, bool) or not isinstance(w, (int, float)) for w in listed):
            raise CheckFailed(f"compile() got loss_weights={weights!r}: its third argument by position is "
                              "loss_weights, not metrics", hint='Name the metrics: compile(..., metrics=["accuracy"]).')
        if record["error"]:
            named = settings["metrics"] or []
            if named and not any(m in _ACCURACY_FOR_INTEGERS or m.startswith("custom:") for m in named):
                raise CheckFailed(f"the metrics ({', '.join(named)}) include no accuracy, and they do not work with "
                                  f"integer labels and {n_classes} scores per sample",
                                  hint='Pass metrics=["accuracy"] to compile().')
            culprit = "in one of its metrics" if not loss["custom"] else "(in the loss or in a metric)"
            cause = re.sub(r"^\s*(\w+\.)*\w*(Error|Exception)\s*:\s*", "", str(record["error"]))
            raise CheckFailed(f"evaluating your compiled model on integer labels failed {culprit}: {cause}",
                              hint="Check every metric (and a loss of your own): each must "
                              f'work with integer labels 0-{n_classes - 1}; for the accuracy use "accuracy".')
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
        if metrics is None:  # settings unreadable (a loss or metric Keras cannot serialise): what evaluate() reports
            metrics = [canonical_metric(k) for k in evaluation if k != "loss"]
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
    "ANY", "L", "N", "In", "graph_like", "model_record", "is_model", "built", "input_features", "output_shape",
    "param_count", "model_name",
    "layers_like", "describe_op", "matches_digest", "equals_expected", "compile_record",
    "compiled_for_integer_labels", "arrays_close", "plain_shape", "what_is",
    # legacy, live models
    "shape_tuple", "is_keras_model", "is_built", "total_params", "trainable_params", "layer_count", "layer_types",
    "model_output_shape", "model_input_shape", "equals", "predicts_like", "set_seeded_weights", "as_array",
]


# --- added for Functional chapters 07-11

def calls_layers_itself(what: str = "your model", allowed: Sequence[str] = ()) -> Check:
    """No layer of the model sits in a new nested model (``keras.Sequential([layer])(x)``): the task asks to call
    each layer on the previous tensor yourself. ``allowed``: the given models the task nests (their labels)."""

    def check(record):
        wrapped = [op for op in record.get("ops") or [] if op.get("nested_in") and op["nested_in"] not in allowed]
        expect(not wrapped, f"{what} wraps layers in a container of their own (a nested model, "
               f"{wrapped[0]['nested_in'] if wrapped else ''!r}) and calls that",
               hint="The task asks you to call each layer yourself, each on the previous tensor.")

    check.__name__ = "calls_layers_itself"
    return check


def config_keeps_base(config: Any, what: str) -> None:
    """A custom layer's ``get_config()`` result carries the base layer's keys (``name``, ``trainable``,
    ``dtype``): the sign that it called ``super().get_config()``. Checks a plain dict, raises CheckFailed."""
    expect(isinstance(config, dict), f"{what} should return a dict", None, what_is(config),
           hint="Start from the dict super().get_config() returns and add your own arguments to it.")
    missing = [key for key in ("name", "trainable", "dtype") if key not in config]
    expect(not missing, f"{what} lacks the base layer's settings ({', '.join(missing)}): it does not start from "
           "super().get_config()", hint="Start from the dict super().get_config() returns and add your own "
                                        "arguments to it.")


def choices_by_digest(salt: str, right: Sequence[str], options: Mapping[str, str], look_at: Sequence[str], *,
                      item: str = "situation", items: str = "", hint: str = "",
                      feedback: Sequence[Mapping[str, str]] = ()) -> Check:
    """A read-it answer of one letter per question (the record of :func:`letters_answer` with a count): question ``n``'s
    letter is compared by its own salted digest (``right[n]`` = digest of the letter with ``f"{salt}:{n}"``).
    Every wrong question is named at once, with what the chosen option means and why it does not fit
    (``feedback[n]``: the digest of a wrong letter -> that option's feedback) or, for a letter without
    feedback, ``look_at[n]``, what to look at there (never the right option).

    Example::

        choices_by_digest("fn10_read_strengths", RIGHT, {"a": "less verbose", ...}, ("look at ...", ...))
    """
    from kitlib.exercises.core import digest

    def check(record):
        wrong = [n for n, (letter, want) in enumerate(zip(record, right)) if digest(letter, f"{salt}:{n}") != want]
        if not wrong:
            return
        def why(n: int) -> str:
            known = feedback[n] if n < len(feedback) else {}
            text = known.get(digest(record[n], f"{salt}:{n}"))
            return f": {text}" if text else f", is not what it shows: {look_at[n]}"

        parts = [f"{item} {n + 1}: your letter ({record[n]}), {options[record[n]]}{why(n)}" for n in wrong]
        plural = items or f"{item}s"
        count = f"{len(wrong)} of the {len(right)} {plural} are" if len(wrong) > 1 else \
            f"1 of the {len(right)} {plural} is"
        raise CheckFailed(f"{count} not matched right yet. " + "; ".join(parts), hint=hint)

    check.__name__ = "choices_by_digest"
    return check


def each_part(*checks: Check) -> Check:
    """A prediction of several parts (the record of :func:`numbers_answer` with parts): ``checks[i]`` judges part i
    (e.g. a :func:`matches_digest`); every part that is wrong is named, not only the first.

    Example::

        each_part(matches_digest("x:shape", ...), matches_digest("x:params", ...))
    """

    def check(record):
        problems = []
        for part_check, part in zip(checks, record):
            try:
                part_check(part)
            except CheckFailed as failure:
                problems.append(failure)
        if len(problems) == 1:
            raise problems[0]
        if problems:
            raise CheckFailed(f"{len(problems)} parts are not right yet: " + "; ".join(p.what for p in problems),
                              hint=problems[0].hint)

    check.__name__ = "each_part"
    return check


# --- answers that are letters or whole numbers (the predict-it and read-it items): one reader of each

def letters_answer(options: str, count: int | None = None, *, example: str = "{'a', 'd'}",
                   what: str = "your answer", written: bool = True,
                   at_least_one: bool = False) -> Callable[[Any], list]:
    """A ``prepare`` for multiple choice, letters among ``options`` (any case, spaces around them ignored):

    - ``count=None``: a set of choices (a set, list or tuple) -> the distinct letters, sorted;
      ``at_least_one``: an empty set is a form mistake ("you chose no letter") instead of an answer to judge;
    - ``count=N``: N questions answered in order, one letter each (a tuple or list) -> the letters in order.

    ``written``: a string such as "B, d" is read letter by letter too; False where the task asks for a
    tuple or a set and a string is named as the wrong form.

    Example:
        >>> letters_answer("abcd")("D, a")
        ['a', 'd']
        >>> letters_answer("abcde", 3, example="('b', 'a', 'e')")(("B", "a", "e"))
        ['b', 'a', 'e']
    """
    letters = [o.lower() for o in options]
    consecutive = len(letters) > 2 and all(ord(b) - ord(a) == 1 for a, b in zip(letters, letters[1:]))
    # "a to g", not "a, b, c, ...": a spelled-out run of options would contain any answer in order
    listed = f"{letters[0]} to {letters[-1]}" if consecutive else ", ".join(options)
    form = f"a tuple of {count} letters, one per question" if count else "a set of letters"
    hint = f"Write it like {example}."

    def prepare(answer: Any) -> list:
        if written and isinstance(answer, str):
            items = [ch for ch in answer if ch.isalpha()]
        elif isinstance(answer, (list, tuple)) or count is None and isinstance(answer, (set, frozenset)):
            items = list(answer)
        else:
            raise CheckFailed(f"{what} should be {form}", None, what_is(answer), hint=hint)
        if count:
            expect(len(items) == count, f"{what} should have one letter for each of the {count} questions", count,
                   len(items), hint=hint)
        letters = []
        for number, item in enumerate(items, start=1):
            place = f"the answer to question {number}" if count else "each choice"
            text = item.strip().lower() if isinstance(item, str) else None
            expect(text is not None and len(text) == 1 and text.isalpha(),
                   f"{place} should be one letter, one of the letters {listed}", None,
                   repr(item) if isinstance(item, str) else what_is(item), hint=hint)
            if count:
                expect(text in options, f"{place}, {text!r}, is not among the options: it should be one of the "
                       f"letters {listed}", hint=hint)
            letters.append(text)
        if count:
            return letters
        unknown = sorted(set(letters) - set(options))
        expect(not unknown, f"letters that are not among the options (one of the letters {listed})", None,
               ", ".join(unknown), hint=hint)
        expect(bool(letters) or not at_least_one, "you chose no letter", hint=hint)
        return sorted(set(letters))

    prepare.__name__ = "letters_answer"
    return prepare


def numbers_answer(parts: int | Sequence[str] | None = None, *, example: str = "(10, 20)",
                   what: str = "your answer", values: str = "", names: Sequence[str] = ()) -> Callable[[Any], list]:
    """A ``prepare`` for a prediction of whole numbers (counts: 0 or more) and shapes, checked for its form
    only (how many entries, numbers or shapes), never for its values:

    - ``parts=N``: N whole numbers; ``parts=None``: a list of any number (at least one) of them;
    - ``parts=["shape", "count"]``: one entry per part, a shape (a tuple of whole numbers and None) or a number.

    The record is a list of ints and shape lists. A tuple, a list or a NumPy array is read; a whole number
    may be a Python or NumPy integer, or a float with no fractional part such as 10.0 (a student's
    arithmetic with / gives one). ``values``: what the numbers are, for the messages (e.g. "parameter counts,
    one per layer"); ``names``: what each entry is ("the steps per epoch", ...).

    Example:
        >>> numbers_answer(2)((30, 90.0))
        [30, 90]
        >>> numbers_answer(["shape", "count"], example="((None, 4), 20)")(([None, 4], 20))
        [[None, 4], 20]
    """
    kinds = ["count"] * parts if isinstance(parts, int) else list(parts or [])
    values = values or ("numbers" if set(kinds) <= {"count"} else "shapes" if set(kinds) == {"shape"}
                        else "entries (numbers and shapes)")
    named = f" ({', '.join(names)})" if names else ""
    form = f"a tuple of {len(kinds)} {values}{named}" if parts is not None else "a list of whole numbers"
    hint = f"Write it like {example}."

    def whole(value: Any) -> int | None:
        if _is_int(value):
            return int(value)
        if hasattr(value, "dtype") and getattr(value, "shape", None) == () and value.dtype.kind == "f":
            value = float(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return None

    def prepare(answer: Any) -> list:
        if hasattr(answer, "tolist") and getattr(answer, "ndim", 0) >= 1:
            answer = answer.tolist()
        expect(isinstance(answer, (list, tuple)), f"{what} should be {form}", None, what_is(answer), hint=hint)
        expect(parts is None or len(answer) == len(kinds), f"the number of values: {what} should be {form}",
               len(kinds), len(answer), hint=hint)
        expect(len(answer) > 0, f"{what} should have at least one number", hint=hint)
        record: list = []
        for number, value in enumerate(answer, start=1):
            label = names[number - 1] if len(names) >= number else f"entry {number} of {what}"
            if kinds and kinds[number - 1] == "shape":
                record.append(list(plain_shape(value, label, example)))
                continue
            counted = whole(value)
            expect(counted is not None, f"{label} should be a whole number", None,
                   repr(value) if isinstance(value, (str, float)) else what_is(value), hint=hint)
            expect(counted >= 0, f"{label} should be a number of 0 or more", got=counted, hint=hint)
            record.append(counted)
        return record

    prepare.__name__ = "numbers_answer"
    return prepare
