"""``kit test-exercises``: mutation testing of a course's exercises, for the kit's tests and for teachers.

For every exercise of the chosen assignments it grades, through the notebook's own grade cell,
its recording (``grade``), and the trusted re-check (:mod:`kitlib.exercises.trusted`) with the
course's hidden parts:

- the reference solution (the source notebook's solution region): must pass;
- the untouched student version: must be "not attempted";
- the planted wrong answers of the hidden part: must fail, with their message fragment;
- other correct solutions of the hidden part: must pass;
- *mutants*: the reference solution changed by AST operators (an activation changed, dropped or
  added; units / filters / kernel / strides / pool size / input shape +-1; padding; axis; a given
  model swapped for a fresh ``clone_model`` copy or given data for other data; ``trainable``
  flipped; a layer dropped or repeated, ``pop()`` dropped or repeated; a loss or metric swapped for
  a sibling, ``from_logits`` flipped; a save or a load step skipped; an element of a literal answer
  changed, dropped or added; a function's loop shortened or its result replaced): must be rejected,
  with a message that names the mutated property, unless the hidden part declares the mutant
  equivalent with a reason (``Hidden.equivalent_mutants``);
- *equivalents*: the reference written in another spelling Keras treats as the same (an
  ``activation=`` argument as a separate ``Activation`` / ``ReLU`` / ``Softmax`` layer or as a
  ``keras.activations`` function; ``keras.Input`` as ``input_shape=``; a list as ``add()`` calls
  and back; layer and model names added; "accuracy" as "acc"; an optimizer string as its class; a
  loss object wrapped in a function of one's own; ``load_model`` / ``save`` through
  ``keras.saving``; ``inputs[0]`` as ``inputs``; a literal as a list or a tuple; variables
  renamed; an array answer as a tensor): must pass.

Every variant must also get the same verdict from the trusted re-check as from the grade cell
(parity: an honest answer never loses its points at grading).

Kernels are shared: each notebook runs once, in an IPython shell; at every answer cell the
process forks once per variant (after fork, TensorFlow runs functions eagerly: its thread pools
do not survive fork()). Notebooks run in parallel, ``--jobs`` at a time.

Prints a table per exercise and ``mutants rejected X/Y · equivalents accepted A/B · messages naming
the mutated property M/Y``; exits 1 when a mutant survives, an equivalent or another correct
solution is refused, a wrong answer passes, the reference fails, or the re-check disagrees with an
accepted answer.

Example::

    kit test-exercises sequential_model --course course
    python -m kitlib.exercises.mutate digest demo_predict_shape "(None, 7, 7, 3)"
"""
from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

SOLUTION = re.compile(r"[ \t]*### BEGIN SOLUTION[^\n]*\n(?P<body>.*?)[ \t]*### END SOLUTION[^\n]*\n?", re.S)
STUB = "# YOUR CODE HERE"
CHILD_TIMEOUT = 120.0

# --------------------------------------------------------------------------- variants


@dataclass
class Variant:
    """One answer tried on an exercise. ``role``: reference, placeholder, wrong, other, mutant, equivalent."""

    role: str
    label: str
    code: str
    fragment: str = ""
    keywords: tuple = ()
    mutant_id: str = ""


@dataclass
class Outcome:
    """What the notebook and the re-check said about one variant."""

    variant: Variant
    status: str = "error"          # the grade cell's verdict: passed / not yet / not attempted / error
    message: str = ""
    hidden_status: str = ""        # the hidden part of the grade cell (kernel side)
    recheck: str = ""              # the trusted re-check's status
    recheck_message: str = ""
    raised: str = ""               # the answer cell's own error, if any
    seconds: float = 0.0
    verdict: str = ""              # ok / FAIL / declared (set by judge())
    why: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass
class ExerciseReport:
    exercise: str
    notebook: str
    outcomes: list[Outcome] = field(default_factory=list)
    problem: str = ""              # set-up failure


def solution_region(source: str) -> str:
    """The code inside the solution markers of an answer cell ('' when there are none)."""
    match = SOLUTION.search(source)
    return match["body"] if match else ""


def student_version(source: str) -> str:
    """The answer cell as students get it: the solution region replaced by the stub."""
    return SOLUTION.sub(STUB + "\n", source)


def exercise_cells(notebook: dict) -> dict[str, dict[str, Any]]:
    """``{exercise id: {"answer": source, "test": source, "index": answer cell index}}`` in notebook order."""
    found: dict[str, dict[str, Any]] = {}
    for index, cell in enumerate(notebook.get("cells", [])):
        grade_id = (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id") or ""
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        for suffix in ("answer", "test"):
            if grade_id.endswith("_" + suffix):
                entry = found.setdefault(grade_id[: -len(suffix) - 1], {})
                entry[suffix] = source
                if suffix == "answer":
                    entry["index"] = index
    return {k: v for k, v in found.items() if "answer" in v and "test" in v}


# --------------------------------------------------------------------------- AST helpers

def _final_name(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


_LAYER_NAMES: set[str] | None = None


def layer_names() -> set[str]:
    """Class names of Keras' layers (``Dense``, ``Conv2D``, ...)."""
    global _LAYER_NAMES
    if _LAYER_NAMES is None:
        try:
            from kitlib.exercises.describe import _keras

            keras = _keras()
            _LAYER_NAMES = {n for n in dir(keras.layers) if n[:1].isupper()} - {"Input", "InputLayer", "InputSpec"}
        except Exception:  # noqa: BLE001 - without Keras: the common ones
            _LAYER_NAMES = {"Dense", "Conv1D", "Conv2D", "Conv3D", "MaxPooling2D", "AveragePooling2D", "Flatten",
                            "GlobalMaxPooling2D", "GlobalAveragePooling2D", "Dropout", "Activation", "ReLU",
                            "Softmax", "Embedding", "LSTM", "GRU", "Concatenate", "Add"}
    return _LAYER_NAMES


def _is_layer_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _final_name(node.func) in layer_names()


def _is_input_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _final_name(node.func) == "Input"


def _kw(call: ast.Call, name: str) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg == name), None)


def _const_int(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and _const_int(node.operand) is not None:
        return -_const_int(node.operand)
    return None


def _int_node(value: int) -> ast.AST:
    return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(-value)) if value < 0 else ast.Constant(value)


def _parse(expr: str) -> ast.AST:
    return ast.parse(expr, mode="eval").body


@dataclass
class Change:
    """One AST edit: ``apply(tree)`` edits a copy of the solution's tree in place."""

    kind: str
    description: str
    keywords: tuple
    apply: Callable[[ast.Module], None]


def _nodes(tree: ast.AST) -> list[ast.AST]:
    return list(ast.walk(tree))


def _at(index: int, edit: Callable[[ast.AST], None]) -> Callable[[ast.Module], None]:
    def apply(tree: ast.Module) -> None:
        edit(_nodes(tree)[index])

    return apply


def _body_edit(index: int, field_name: str, position: int,
               edit: Callable[[list, int], None]) -> Callable[[ast.Module], None]:
    def apply(tree: ast.Module) -> None:
        parent = tree if index < 0 else _nodes(tree)[index]
        edit(getattr(parent, field_name), position)

    return apply


def _statement_lists(tree: ast.Module) -> Iterator[tuple[int, str, list]]:
    """(node index or -1 for the module, field, statement list) of every block."""
    yield -1, "body", tree.body
    for index, node in enumerate(_nodes(tree)):
        if node is tree:
            continue
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield index, name, block


@dataclass
class Context:
    """What the operators know: the exercise's kind, answer variable and given objects' kinds."""

    kind: str
    variable: str
    given: dict[str, str]  # name -> "model" | "array" | "other"


# --------------------------------------------------------------------------- mutation operators

_ACTIVATION_SWAP = {"relu": "tanh", "tanh": "relu", "sigmoid": "softmax", "softmax": "sigmoid", "elu": "relu",
                    "selu": "relu", "gelu": "relu", "silu": "relu", "swish": "relu", "softplus": "relu",
                    "leaky_relu": "relu", "linear": "relu", "exponential": "relu", "relu6": "relu"}
_WITH_ACTIVATION = ("Dense", "Conv1D", "Conv2D", "Conv3D", "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose")
_INT_ARGS = {"Dense": ("units",), "Conv1D": ("filters", "kernel_size"), "Conv2D": ("filters", "kernel_size"),
             "Conv3D": ("filters", "kernel_size"), "SeparableConv2D": ("filters", "kernel_size"),
             "Conv2DTranspose": ("filters", "kernel_size"), "MaxPooling2D": ("pool_size",),
             "AveragePooling2D": ("pool_size",), "MaxPooling1D": ("pool_size",), "AveragePooling1D": ("pool_size",),
             "LSTM": ("units",), "GRU": ("units",), "SimpleRNN": ("units",), "Embedding": ("input_dim", "output_dim")}
_INT_KEYWORDS = {"units": ("unit",), "filters": ("filter",), "kernel_size": ("kernel",), "strides": ("stride",),
                 "pool_size": ("pool",), "input_dim": ("input",), "output_dim": ("output",),
                 "shape": ("input", "sample", "shape"), "input_shape": ("input", "sample", "shape")}
_LOSS_SIBLINGS = {"SparseCategoricalCrossentropy": "CategoricalCrossentropy",
                  "CategoricalCrossentropy": "SparseCategoricalCrossentropy",
                  "BinaryCrossentropy": "CategoricalCrossentropy", "MeanSquaredError": "MeanAbsoluteError",
                  "MeanAbsoluteError": "MeanSquaredError", "sparse_categorical_crossentropy": "categorical_crossentropy",
                  "categorical_crossentropy": "sparse_categorical_crossentropy",
                  "binary_crossentropy": "categorical_crossentropy", "mse": "mae", "mae": "mse"}
_METRIC_SIBLINGS = {"accuracy": "categorical_accuracy", "acc": "categorical_accuracy",
                    "sparse_categorical_accuracy": "categorical_accuracy", "categorical_accuracy": "accuracy",
                    "SparseCategoricalAccuracy": "CategoricalAccuracy", "mae": "mse", "mse": "mae"}
LOSS_WORDS = ("loss", "from_logits", "one-hot", "cross-entropy", "probabilities", "raw scores")
METRIC_WORDS = ("metric", "accuracy")
LAYER_WORDS = ("layer",)
SAVE_WORDS = ("save", "load", "file", "compile settings", "optimizer state", "weights")
TRAINABLE_WORDS = ("frozen", "trainable", "learn")
LITERAL_WORDS = ("axis", "axes", "channel", "height", "width", "batch", "kernel", "bias", "entry", "shape",
                 "scenario", "letter", "number")
FUNCTION_WORDS = ("value", "shape", "returned", "raised", "called the model")


def _activation_of(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute) and _final_name(node.value) == "activations":
        return node.attr
    return None


def mutants_activation(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    for index, node in enumerate(_nodes(tree)):
        if not isinstance(node, ast.Call):
            continue
        name = _final_name(node.func)
        keyword = _kw(node, "activation")
        if name in _WITH_ACTIVATION or (keyword is not None and _is_layer_call(node)):
            current = _activation_of(keyword.value) if keyword is not None else None
            if keyword is not None and current is None and not (isinstance(keyword.value, ast.Constant)
                                                                and keyword.value.value is None):
                continue
            current = current or "linear"
            other = _ACTIVATION_SWAP.get(current, "relu")

            def swap(n, other=other):
                k = _kw(n, "activation")
                if k is None:
                    n.keywords.append(ast.keyword(arg="activation", value=ast.Constant(other)))
                else:
                    k.value = ast.Constant(other)

            yield Change("activation", f"{name}: activation {current} -> {other}", ("activation",), _at(index, swap))
            if current != "linear":
                yield Change("activation", f"{name}: activation {current} dropped", ("activation",),
                             _at(index, lambda n: setattr(n, "keywords", [k for k in n.keywords
                                                                          if k.arg != "activation"])))
        elif name == "Activation" and node.args and _activation_of(node.args[0]):
            current = _activation_of(node.args[0])
            other = _ACTIVATION_SWAP.get(current, "relu")
            yield Change("activation", f"Activation {current} -> {other}", ("activation",),
                         _at(index, lambda n, other=other: n.args.__setitem__(0, ast.Constant(other))))


def mutants_ints(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    for index, node in enumerate(_nodes(tree)):
        if not isinstance(node, ast.Call):
            continue
        name = _final_name(node.func)
        sites: list[tuple[str, Callable[[ast.Call], ast.AST], Callable[[ast.Call, ast.AST], None]]] = []
        for position, prop in enumerate(_INT_ARGS.get(name, ())):
            if position < len(node.args):
                sites.append((prop, lambda n, p=position: n.args[p],
                              lambda n, v, p=position: n.args.__setitem__(p, v)))
        for keyword in node.keywords:
            if keyword.arg in ("units", "filters", "kernel_size", "strides", "pool_size", "input_dim", "output_dim") \
                    or keyword.arg in ("shape", "input_shape") and (name == "Input" or _is_layer_call(node)):
                sites.append((keyword.arg, lambda n, a=keyword.arg: _kw(n, a).value,
                              lambda n, v, a=keyword.arg: setattr(_kw(n, a), "value", v)))
        for prop, get, put in sites:
            value = get(node)
            elements = value.elts if isinstance(value, (ast.Tuple, ast.List)) else [value]
            for e_index, element in enumerate(elements):
                number = _const_int(element)
                if number is None:
                    continue
                for delta in (1, -1):
                    new = number + delta
                    if new < 1:
                        continue

                    def edit(n, get=get, put=put, e_index=e_index, new=new):
                        v = get(n)
                        if isinstance(v, (ast.Tuple, ast.List)):
                            v.elts[e_index] = _int_node(new)
                        else:
                            put(n, _int_node(new))

                    yield Change("ints", f"{name}: {prop} {number} -> {new}", _INT_KEYWORDS.get(prop, (prop,)),
                                 _at(index, edit))


def mutants_padding(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    for index, node in enumerate(_nodes(tree)):
        if not isinstance(node, ast.Call):
            continue
        name = _final_name(node.func)
        if not (name.startswith("Conv") or "Pooling" in name and "Global" not in name):
            continue
        keyword = _kw(node, "padding")
        if keyword is not None and isinstance(keyword.value, ast.Constant):
            other = "valid" if keyword.value.value == "same" else "same"
            yield Change("padding", f"{name}: padding {keyword.value.value} -> {other}", ("padding",),
                         _at(index, lambda n, o=other: setattr(_kw(n, "padding"), "value", ast.Constant(o))))
        elif keyword is None:
            yield Change("padding", f"{name}: padding same added", ("padding",),
                         _at(index, lambda n: n.keywords.append(ast.keyword(arg="padding",
                                                                           value=ast.Constant("same")))))


def mutants_axis(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Call) and _kw(node, "axis") is not None:
            number = _const_int(_kw(node, "axis").value)
            if number is None:
                continue
            other = number - 1 if number != 0 else 1
            yield Change("axis", f"{_final_name(node.func)}: axis {number} -> {other}", ("axis",),
                         _at(index, lambda n, o=other: setattr(_kw(n, "axis"), "value", _int_node(o))))


def mutants_given(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """A given model replaced by a fresh ``clone_model`` copy (new weights), given data by other data,
    everywhere the solution reads it."""
    used = {n.id for n in _nodes(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    parameters = {a.arg for n in _nodes(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda)) for a in n.args.args}
    for name, kind in sorted(ctx.given.items()):
        if name not in used or name in parameters:  # a function's own parameter only shadows the notebook's object
            continue
        if kind == "model":
            first, words, text = f"kit_fresh_{name} = keras.models.clone_model({name})", (name,), \
                f"{name} -> a fresh clone_model copy"
        elif kind == "array":
            first, words, text = f"kit_fresh_{name} = {name}[::-1]", (name, "images", "data"), \
                f"{name} -> other data ({name}[::-1])"
        else:
            continue

        def swap(t, name=name, first=first):
            for n in _nodes(t):
                if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load):
                    n.id = f"kit_fresh_{name}"
            t.body[:0] = ast.parse(first).body

        yield Change("given", text, words, swap)


def _replace_at(index: int, expression: str) -> Callable[[ast.Module], None]:
    """Replace the node at ``index`` (an expression) by ``expression``, in its parent."""

    def apply(tree: ast.Module) -> None:
        nodes = _nodes(tree)
        target = nodes[index]
        new = _parse(expression)
        for parent in nodes:
            for name, value in ast.iter_fields(parent):
                if value is target:
                    setattr(parent, name, new)
                    return
                if isinstance(value, list):
                    for i, item in enumerate(value):
                        if item is target:
                            value[i] = new
                            return

    return apply


def mutants_slices(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    nodes = _nodes(tree)
    subscripted = {id(n.value) for n in nodes if isinstance(n, ast.Subscript)}
    for index, node in enumerate(nodes):
        if isinstance(node, ast.Attribute) and node.attr == "layers" and isinstance(node.ctx, ast.Load) \
                and id(node) not in subscripted:
            for text, expression in (("the last layer left out", "[:-1]"), ("the first layer left out", "[1:]"),
                                     ("the layers in reverse order", "[::-1]")):
                yield Change("slice", f"{ast.unparse(node)}{expression}: {text}",
                             LAYER_WORDS + FUNCTION_WORDS + ("output",), _replace_at(index, ast.unparse(node) + expression))
    for index, node in enumerate(nodes):
        if not isinstance(node, ast.Subscript):
            continue
        base = node.value
        on_layers = isinstance(base, ast.Attribute) and base.attr == "layers"
        on_data = isinstance(base, ast.Name) and ctx.given.get(base.id) == "array"
        if not (on_layers or on_data):
            continue
        words = LAYER_WORDS if on_layers else (base.id, "images", "data")
        where = "layers" if on_layers else base.id
        if isinstance(node.slice, ast.Slice):
            for bound in ("lower", "upper"):
                number = _const_int(getattr(node.slice, bound)) if getattr(node.slice, bound) is not None else None
                if number is None:
                    continue
                for delta in (1, -1):
                    new = number + delta
                    if new == 0 and bound == "upper":
                        continue

                    def edit(n, bound=bound, new=new):
                        setattr(n.slice, bound, _int_node(new))

                    yield Change("slice", f"{where}[...]: {bound} bound {number} -> {new}", words, _at(index, edit))
        else:
            number = _const_int(node.slice)
            if number is not None:
                new = number + 1 if number >= 0 else number - 1
                yield Change("slice", f"{where}[{number}] -> [{new}]", words,
                             _at(index, lambda n, new=new: setattr(n, "slice", _int_node(new))))


def mutants_trainable(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "trainable"
                                                for t in node.targets):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, bool):
                value = node.value.value
                yield Change("trainable", f"trainable = {value} -> {not value}", TRAINABLE_WORDS,
                             _at(index, lambda n, v=value: setattr(n, "value", ast.Constant(not v))))


def mutants_layers(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """A layer dropped or repeated (list elements, add() statements), pop() dropped or repeated."""
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.List):
            for position, element in enumerate(node.elts):
                if _is_layer_call(element) or isinstance(element, ast.Starred):
                    label = ast.unparse(element)[:40]

                    def drop(n, p=position):
                        del n.elts[p]

                    def repeat(n, p=position):
                        n.elts.insert(p + 1, copy.deepcopy(n.elts[p]))

                    yield Change("layers", f"layer dropped: {label}", LAYER_WORDS, _at(index, drop))
                    if _is_layer_call(element):
                        yield Change("layers", f"layer repeated: {label}", LAYER_WORDS, _at(index, repeat))
    for block_index, name, block in _statement_lists(tree):
        for position, statement in enumerate(block):
            call = statement.value if isinstance(statement, ast.Expr) else None
            if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
                continue
            if call.func.attr == "add" and call.args and _is_layer_call(call.args[0]) or call.func.attr == "pop":
                label = ast.unparse(statement)[:50]

                def drop(block_list, p):
                    del block_list[p]
                    if not block_list:
                        block_list.append(ast.Pass())

                def repeat(block_list, p):
                    block_list.insert(p + 1, copy.deepcopy(block_list[p]))

                yield Change("layers", f"statement dropped: {label}", LAYER_WORDS,
                             _body_edit(block_index, name, position, drop))
                yield Change("layers", f"statement repeated: {label}", LAYER_WORDS,
                             _body_edit(block_index, name, position, repeat))


def mutants_compile(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    for index, node in enumerate(_nodes(tree)):
        if not isinstance(node, ast.Call):
            continue
        name = _final_name(node.func)
        if name in _LOSS_SIBLINGS and name[:1].isupper():
            other = _LOSS_SIBLINGS[name]
            yield Change("loss", f"loss {name} -> {other}", LOSS_WORDS,
                         _at(index, lambda n, o=other: setattr(n.func, "attr", o) if isinstance(n.func, ast.Attribute)
                             else setattr(n.func, "id", o)))
        keyword = _kw(node, "from_logits")
        if keyword is not None and isinstance(keyword.value, ast.Constant):
            value = keyword.value.value
            yield Change("loss", f"from_logits {value} -> {not value}", LOSS_WORDS,
                         _at(index, lambda n, v=value: setattr(_kw(n, "from_logits"), "value", ast.Constant(not v))))
        if name != "compile":
            continue
        loss = _kw(node, "loss")
        if loss is not None and isinstance(loss.value, ast.Constant) and loss.value.value in _LOSS_SIBLINGS:
            other = _LOSS_SIBLINGS[loss.value.value]
            yield Change("loss", f"loss {loss.value.value!r} -> {other!r}", LOSS_WORDS,
                         _at(index, lambda n, o=other: setattr(_kw(n, "loss"), "value", ast.Constant(o))))
        metrics = _kw(node, "metrics")
        if metrics is not None:
            yield Change("metric", "metrics dropped", METRIC_WORDS,
                         _at(index, lambda n: setattr(n, "keywords", [k for k in n.keywords if k.arg != "metrics"])))
            if isinstance(metrics.value, (ast.List, ast.Tuple)):
                for position, element in enumerate(metrics.value.elts):
                    text = element.value if isinstance(element, ast.Constant) else _final_name(
                        getattr(element, "func", element))
                    if text in _METRIC_SIBLINGS:
                        other = _METRIC_SIBLINGS[text]
                        replacement = f"'{other}'" if isinstance(element, ast.Constant) else f"keras.metrics.{other}()"

                        def edit(n, p=position, r=replacement):
                            _kw(n, "metrics").value.elts[p] = _parse(r)

                        yield Change("metric", f"metric {text} -> {other}", METRIC_WORDS, _at(index, edit))


def mutants_saving(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    saved: dict[str, str] = {}
    for node in _nodes(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "save" \
                and node.args:
            saved[ast.unparse(node.args[0])] = ast.unparse(node.func.value)
    for block_index, name, block in _statement_lists(tree):
        for position, statement in enumerate(block):
            call = statement.value if isinstance(statement, ast.Expr) else None
            if isinstance(call, ast.Call) and _final_name(call.func) in ("save", "save_model", "save_weights"):
                def drop(block_list, p):
                    del block_list[p]
                    if not block_list:
                        block_list.append(ast.Pass())

                yield Change("saving", f"save step skipped: {ast.unparse(statement)[:50]}", SAVE_WORDS,
                             _body_edit(block_index, name, position, drop))
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Call) and _final_name(node.func) == "load_model" and node.args:
            source = saved.get(ast.unparse(node.args[0]))
            if source:
                yield Change("saving", f"load step skipped: {source} used instead", SAVE_WORDS,
                             _replace_at(index, source))
            yield Change("saving", "load_model(..., compile=False)", SAVE_WORDS,
                         _at(index, lambda n: n.keywords.append(ast.keyword(arg="compile",
                                                                           value=ast.Constant(False)))))


def _answer_value(tree: ast.Module, variable: str) -> tuple[int, ast.AST] | None:
    """(index of the last assignment to ``variable``, its value node) in the tree."""
    found = None
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == variable for t in node.targets):
            found = (index, node.value)
    return found


def mutants_literal(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    if ctx.kind != "literal":
        return
    answer = _answer_value(tree, ctx.variable)
    if answer is None:
        return
    assign_index, value = answer
    nodes = _nodes(tree)
    for node in _nodes(value):
        number = _const_int(node)
        node_index = next(i for i, n in enumerate(nodes) if n is node)
        if number is not None:
            for delta in (1, -1):
                if number + delta < 0:
                    continue
                yield Change("literal", f"element {number} -> {number + delta}", LITERAL_WORDS,
                             _replace_at(node_index, repr(number + delta)))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) == 1 \
                and node.value.isalpha():
            other = chr((ord(node.value.lower()) - ord("a") + 1) % 7 + ord("a"))
            yield Change("literal", f"letter {node.value!r} -> {other!r}", LITERAL_WORDS,
                         _replace_at(node_index, repr(other)))
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and node.elts:
            for position in range(len(node.elts)):
                def drop(n, p=position):
                    del n.elts[p]

                yield Change("literal", f"element {ast.unparse(node.elts[position])} dropped", LITERAL_WORDS,
                             _at(node_index, drop))
            if node is value:
                def add(n):
                    n.elts.append(copy.deepcopy(n.elts[-1]) if not isinstance(n, ast.Set) else ast.Constant("a"))

                added = ("(a)",) if isinstance(node, ast.Set) else ()
                yield Change("literal", "an element added", LITERAL_WORDS + added, _at(node_index, add))


def mutants_function(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    if ctx.kind != "function":
        return
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, (ast.FunctionDef, ast.Lambda)) and len(node.args.args) >= 2:
            model, data = node.args.args[0].arg, node.args.args[1].arg
            for inner_index, inner in enumerate(_nodes(tree)):
                if isinstance(inner, ast.Return) and inner.value is not None and any(n is inner for n in ast.walk(node)):
                    yield Change("function", f"returns {data} unchanged", FUNCTION_WORDS,
                                 _at(inner_index, lambda n, d=data: setattr(n, "value", ast.Name(d, ast.Load()))))
                if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.args \
                        and any(n is inner for n in ast.walk(node)) and inner.func.id not in (model,) \
                        and inner.func.id not in ("len", "range", "reversed", "enumerate", "list", "print"):
                    yield Change("function", f"calls {model} instead of {inner.func.id}", FUNCTION_WORDS,
                                 _at(inner_index, lambda n, m=model: setattr(n, "func", ast.Name(m, ast.Load()))))


MUTANT_OPERATORS = [mutants_activation, mutants_ints, mutants_padding, mutants_axis, mutants_given, mutants_slices,
                    mutants_trainable, mutants_layers, mutants_compile, mutants_saving, mutants_literal,
                    mutants_function]


# --------------------------------------------------------------------------- equivalence operators

_SPELLED_LAYER = {"relu": "keras.layers.ReLU()", "softmax": "keras.layers.Softmax()"}


def _activation_layer_code(name: str, style: int) -> str:
    if style == 1 and name in _SPELLED_LAYER:
        return _SPELLED_LAYER[name]
    return f"keras.layers.Activation({name!r})"


def equivalents_activation(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.List):
            for position, element in enumerate(node.elts):
                keyword = _kw(element, "activation") if _is_layer_call(element) else None
                name = _activation_of(keyword.value) if keyword is not None else None
                if not name or name == "linear":
                    continue
                for style in (0, 1):
                    def split(n, p=position, name=name, style=style):
                        n.elts[p].keywords = [k for k in n.elts[p].keywords if k.arg != "activation"]
                        n.elts.insert(p + 1, _parse(_activation_layer_code(name, style)))

                    yield Change("activation", f"activation {name} as a separate "
                                 f"{'ReLU/Softmax' if style else 'Activation'} layer", (), _at(index, split))
    for block_index, field_name, block in _statement_lists(tree):
        for position, statement in enumerate(block):
            call = statement.value if isinstance(statement, ast.Expr) else None
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "add"
                    and call.args and _is_layer_call(call.args[0])):
                continue
            keyword = _kw(call.args[0], "activation")
            name = _activation_of(keyword.value) if keyword is not None else None
            if not name or name == "linear":
                continue
            owner = ast.unparse(call.func.value)

            def split(block_list, p, name=name, owner=owner):
                block_list[p].value.args[0].keywords = [k for k in block_list[p].value.args[0].keywords
                                                        if k.arg != "activation"]
                block_list.insert(p + 1, ast.parse(f"{owner}.add({_activation_layer_code(name, 0)})").body[0])

            yield Change("activation", f"activation {name} as an add(Activation) step", (),
                         _body_edit(block_index, field_name, position, split))
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.keyword) and node.arg == "activation" and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str) and node.value.value not in ("linear",):
            yield Change("activation", f"activation={node.value.value!r} as keras.activations.{node.value.value}", (),
                         _at(index, lambda n: setattr(n, "value", _parse(f"keras.activations.{n.value.value}"))))


def equivalents_input(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.List) and len(node.elts) >= 2 and _is_input_call(node.elts[0]) \
                and _is_layer_call(node.elts[1]):
            shape = _kw(node.elts[0], "shape") or (node.elts[0].args and ast.keyword("shape", node.elts[0].args[0]))
            if not shape:
                continue

            def move(n):
                first = n.elts.pop(0)
                value = (_kw(first, "shape") or ast.keyword("shape", first.args[0])).value
                n.elts[0].keywords.append(ast.keyword(arg="input_shape", value=value))

            yield Change("input", "keras.Input(shape=...) as input_shape= on the first layer", (), _at(index, move))


def equivalents_list_add(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """``m = keras.Sequential([a, b])`` <-> ``m = keras.Sequential(); m.add(a); m.add(b)``."""
    for block_index, field_name, block in _statement_lists(tree):
        for position, statement in enumerate(block):
            if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.Call)
                    and _final_name(statement.value.func) == "Sequential"):
                continue
            call, target = statement.value, statement.targets[0].id
            if call.args and isinstance(call.args[0], (ast.List, ast.BinOp)):
                def to_adds(block_list, p, target=target):
                    assign = block_list[p]
                    parts = _list_parts(assign.value.args[0])
                    if parts is None:
                        return
                    assign.value.args = []
                    steps = []
                    for kind, node in parts:
                        code = (f"{target}.add({ast.unparse(node)})" if kind == "item"
                                else f"for _kit_layer in {ast.unparse(node)}:\n    {target}.add(_kit_layer)")
                        steps += ast.parse(code).body
                    block_list[p + 1:p + 1] = steps

                if _list_parts(call.args[0]) is not None:
                    yield Change("list", "the layer list as add() calls", (),
                                 _body_edit(block_index, field_name, position, to_adds))
            elif not call.args:
                adds = 0
                for later in block[position + 1:]:
                    c = later.value if isinstance(later, ast.Expr) else None
                    if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "add" \
                            and ast.unparse(c.func.value) == target and len(c.args) == 1:
                        adds += 1
                    else:
                        break
                if adds:
                    def to_list(block_list, p, adds=adds):
                        items = [block_list[p + 1 + i].value.args[0] for i in range(adds)]
                        block_list[p].value.args = [ast.List(elts=items, ctx=ast.Load())]
                        del block_list[p + 1:p + 1 + adds]

                    yield Change("list", "add() calls as one layer list", (),
                                 _body_edit(block_index, field_name, position, to_list))


def _list_parts(node: ast.AST) -> list | None:
    if isinstance(node, ast.List):
        parts = []
        for element in node.elts:
            parts.append(("many", element.value) if isinstance(element, ast.Starred) else ("item", element))
        return parts
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _list_parts(node.left), _list_parts(node.right)
        if left is None:
            left = [("many", node.left)]
        if right is None:
            right = [("many", node.right)]
        return left + right
    return None


def equivalents_names(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    calls = [i for i, n in enumerate(_nodes(tree)) if isinstance(n, ast.Call) and _is_layer_call(n)
             and _kw(n, "name") is None]
    if calls:
        def name_all(t):
            nodes = _nodes(t)
            for number, i in enumerate(calls):
                nodes[i].keywords.append(ast.keyword(arg="name", value=ast.Constant(f"kit_named_{number}")))

        yield Change("names", "every layer given a name", (), name_all)


def equivalents_compile(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    aliases = {"accuracy": "acc", "acc": "accuracy"}
    optimizers = {"adam": "Adam", "rmsprop": "RMSprop", "sgd": "SGD"}
    for index, node in enumerate(_nodes(tree)):
        if not (isinstance(node, ast.Call) and _final_name(node.func) == "compile"):
            continue
        metrics = _kw(node, "metrics")
        if metrics is not None and isinstance(metrics.value, (ast.List, ast.Tuple)):
            for position, element in enumerate(metrics.value.elts):
                if isinstance(element, ast.Constant) and element.value in aliases:
                    def alias(n, p=position):
                        e = _kw(n, "metrics").value.elts[p]
                        e.value = aliases[e.value]

                    yield Change("compile", f"metric {element.value!r} as {aliases[element.value]!r}", (),
                                 _at(index, alias))
        optimizer = _kw(node, "optimizer")
        if optimizer is not None and isinstance(optimizer.value, ast.Constant) and optimizer.value.value in optimizers:
            cls = optimizers[optimizer.value.value]
            yield Change("compile", f"optimizer {optimizer.value.value!r} as keras.optimizers.{cls}()", (),
                         _at(index, lambda n, cls=cls: setattr(_kw(n, "optimizer"), "value",
                                                               _parse(f"keras.optimizers.{cls}()"))))
        loss = _kw(node, "loss")
        if loss is not None and not isinstance(loss.value, ast.Lambda):
            yield Change("compile", "the loss wrapped in a function of one's own", (),
                         _at(index, lambda n: setattr(_kw(n, "loss"), "value", _wrapped_loss(_kw(n, "loss").value))))


def _wrapped_loss(loss: ast.expr) -> ast.expr:
    """``loss`` as a function of one's own; a dict or list of losses (one per output) wraps each of them."""
    if isinstance(loss, ast.Dict):
        return ast.Dict(keys=loss.keys, values=[_wrapped_loss(v) for v in loss.values])
    if isinstance(loss, (ast.List, ast.Tuple)):
        return type(loss)(elts=[_wrapped_loss(v) for v in loss.elts], ctx=ast.Load())
    return _parse(f"lambda y_true, y_pred: keras.losses.get({ast.unparse(loss)})(y_true, y_pred)")


def equivalents_saving(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Call) and _final_name(node.func) == "load_model" \
                and ast.unparse(node.func) != "keras.saving.load_model":
            yield Change("saving", "keras.saving.load_model", (),
                         _at(index, lambda n: setattr(n, "func", _parse("keras.saving.load_model"))))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "save" \
                and node.args and len(node.args) == 1:
            owner = ast.unparse(node.func.value)
            yield Change("saving", f"keras.saving.save_model({owner}, ...)", (),
                         _at(index, lambda n, o=owner: (setattr(n, "func", _parse("keras.saving.save_model")),
                                                        n.args.insert(0, _parse(o)))))


def equivalents_inputs(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "inputs" \
                and _const_int(node.slice) == 0:
            yield Change("inputs", f"{ast.unparse(node)} as {ast.unparse(node.value)}", (),
                         _replace_at(index, ast.unparse(node.value)))


def equivalents_literal(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    if ctx.kind != "literal":
        return
    answer = _answer_value(tree, ctx.variable)
    if answer is None:
        return
    _, value = answer
    nodes = _nodes(tree)
    value_index = next(i for i, n in enumerate(nodes) if n is value)
    if isinstance(value, ast.Tuple):
        yield Change("literal", "the tuple as a list", (),
                     _replace_at(value_index, "[" + ", ".join(ast.unparse(e) for e in value.elts) + "]"))
    if isinstance(value, ast.List):
        yield Change("literal", "the list as a tuple", (),
                     _replace_at(value_index, "(" + ", ".join(ast.unparse(e) for e in value.elts) + ",)"))
    if isinstance(value, ast.Set):
        items = sorted(ast.unparse(e) for e in value.elts)
        yield Change("literal", "the set as a sorted list", (), _replace_at(value_index, "[" + ", ".join(items) + "]"))
        yield Change("literal", "the set as a list in another order", (),
                     _replace_at(value_index, "[" + ", ".join(reversed(items)) + "]"))


def equivalents_rename(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    stored = {n.id for n in _nodes(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    stored |= {a.arg for n in _nodes(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda)) for a in n.args.args}
    stored -= {ctx.variable, *ctx.given}
    # Names that callers pass by keyword are an interface, not local names: the parameters of methods
    # (Keras and the checks call call(inputs, repeats=3), cls(**config)) and parameters with defaults.
    for node in _nodes(tree):
        if isinstance(node, ast.ClassDef):
            stored -= {a.arg for f in node.body if isinstance(f, ast.FunctionDef)
                       for a in f.args.args + f.args.kwonlyargs}
        if isinstance(node, ast.FunctionDef):
            stored -= {a.arg for a in node.args.args[len(node.args.args) - len(node.args.defaults):]}
    if not stored:
        return

    def rename(t):
        for n in _nodes(t):
            if isinstance(n, ast.Name) and n.id in stored:
                n.id = f"kit_{n.id}"
            elif isinstance(n, ast.arg) and n.arg in stored:
                n.arg = f"kit_{n.arg}"

    yield Change("rename", f"local names renamed ({', '.join(sorted(stored))})", (), rename)


def equivalents_tensor(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    if ctx.kind == "array":
        def append(t):
            t.body += ast.parse(f"{ctx.variable} = keras.ops.convert_to_tensor({ctx.variable})").body

        yield Change("tensor", "the array as a tensor", (), append)


EQUIVALENCE_OPERATORS = [equivalents_activation, equivalents_input, equivalents_list_add, equivalents_names,
                         equivalents_compile, equivalents_saving, equivalents_inputs, equivalents_literal,
                         equivalents_rename, equivalents_tensor]


def generate(solution: str, ctx: Context, operators: list) -> list[tuple[Change, str]]:
    """(change, new solution code) for each applicable change of ``operators``; duplicates and no-ops dropped."""
    try:
        tree = ast.parse(solution)
    except SyntaxError:
        return []
    original = ast.unparse(tree)
    seen = {original}
    out = []
    for operator in operators:
        for change in operator(tree, ctx):
            mutated = copy.deepcopy(tree)
            try:
                change.apply(mutated)
                ast.fix_missing_locations(mutated)
                code = ast.unparse(mutated)
                compile(code, "<variant>", "exec")
            except Exception:  # noqa: BLE001 - an operator that does not fit this code
                continue
            if code in seen:
                continue
            seen.add(code)
            out.append((change, code))
    return out


def mutant_id(change: Change) -> str:
    """The id a hidden part uses to declare a mutant equivalent: its description."""
    return change.description


# --------------------------------------------------------------------------- running a notebook

def _kind_of(value: Any) -> str:
    from kitlib.exercises.describe import is_keras_model

    if is_keras_model(value):
        return "model"
    if type(value).__module__.startswith("numpy") and hasattr(value, "shape"):
        return "array"
    return "other"


def answer_variable(exercise: Any, grade_cell: str) -> str:
    """The answer cell's variable: the exercise's ``variable``, else what its grade cell passes to grade()."""
    if exercise.variable:
        return exercise.variable
    match = re.search(rf"""grade\(\s*["']{re.escape(exercise.id)}["']\s*,\s*(\w+)""", grade_cell)
    return match.group(1) if match else ""


def variants_for(exercise: Any, cells: dict, spec: Any, given: dict[str, str], mutants: bool = True) -> list[Variant]:
    answer = cells["answer"]
    solution = solution_region(answer)
    student = student_version(answer)
    ctx = Context(exercise.kind, answer_variable(exercise, cells["test"]), given)

    def with_code(code: str) -> str:
        return student.replace(STUB, code.rstrip("\n"), 1)

    variants = [Variant("reference", "reference solution", answer), Variant("placeholder", "student version", student)]
    for number, (code, fragment) in enumerate(getattr(spec, "wrong_answers", ()) or (), start=1):
        variants.append(Variant("wrong", f"wrong answer {number}", with_code(code), fragment=fragment))
    for number, code in enumerate(getattr(spec, "other_solutions", ()) or (), start=1):
        variants.append(Variant("other", f"other solution {number}", with_code(code)))
    if mutants and solution.strip():
        for change, code in generate(solution, ctx, MUTANT_OPERATORS):
            variants.append(Variant("mutant", change.description, with_code(code), keywords=change.keywords,
                                    mutant_id=mutant_id(change)))
        for change, code in generate(solution, ctx, EQUIVALENCE_OPERATORS):
            variants.append(Variant("equivalent", change.description, with_code(code)))
    return variants


def given_kinds(exercise: Any, solution: str, namespace: dict) -> dict[str, str]:
    """The notebook objects a solution uses and does not assign itself (models, arrays), with their kinds:
    the exercise's given objects and any other model or array of the notebook it reads."""
    try:
        tree = ast.parse(solution)
    except SyntaxError:
        return {}
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    names = (set(exercise.given) | set(exercise.optional_given) | read) - assigned - {exercise.variable}
    return {n: _kind_of(namespace[n]) for n in sorted(names) if n in namespace
            and _kind_of(namespace[n]) in ("model", "array")}


class NotebookRun:
    """One notebook, executed once in an IPython shell; each exercise's variants run in forks of it."""

    def __init__(self, path: Path, hidden_dir: Path | None, seed: int, only: set[str] | None, mutants: bool):
        self.path, self.hidden_dir, self.seed, self.only, self.mutants = path, hidden_dir, seed, only, mutants
        self.scratch = Path(tempfile.mkdtemp(prefix="kit_mutate_"))

    def run(self) -> list[ExerciseReport]:
        import nbformat
        from IPython.core.interactiveshell import InteractiveShell

        from kitlib.exercises import core, hidden, session

        notebook = nbformat.read(str(self.path), as_version=4)
        exercises = exercise_cells(notebook)
        by_index = {entry["index"]: eid for eid, entry in exercises.items()}
        tests = {entry["test"] for entry in exercises.values()}
        specs = hidden.load(self.hidden_dir) if self.hidden_dir else {}
        shell = InteractiveShell.instance()
        session.install(shell)
        os.environ.pop("NBGRADER_EXECUTION", None)
        os.environ.pop("KIT_ANSWER_DIR", None)
        os.environ["KIT_HIDDEN_DIR"] = str(self.scratch / "no-hidden")  # the kernel never sees the hidden part
        os.environ["MPLBACKEND"] = "Agg"
        reports: list[ExerciseReport] = []
        broken = ""
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            if index in by_index:
                eid = by_index[index]
                entry = exercises[eid]
                report = ExerciseReport(eid, self.path.name)
                if self.only is None or eid in self.only:
                    if broken:
                        report.problem = broken
                    else:
                        try:
                            exercise = core.REGISTRY.get(eid)
                        except KeyError:
                            report.problem = "no exercise with this id is registered"
                        else:
                            given = given_kinds(exercise, solution_region(entry["answer"]), shell.user_ns)
                            for variant in variants_for(exercise, entry, specs.get(eid), given, self.mutants):
                                report.outcomes.append(self.fork(shell, eid, entry["test"], variant))
                    reports.append(report)
                _quiet_run(shell, student_version(entry["answer"]))
                continue
            if cell.source in tests:
                continue
            result = _quiet_run(shell, cell.source)
            if not result.success and not broken:
                error = result.error_in_exec or result.error_before_exec
                broken = f"the notebook's cell {index + 1} failed: {type(error).__name__}: {error}"[:300]
        return reports

    def fork(self, shell: Any, exercise_id: str, grade_cell: str, variant: Variant) -> Outcome:
        outcome = Outcome(variant)
        answers_dir = self.scratch / f"{exercise_id}-{abs(hash(variant.code)) % 10**12}"
        read_end, write_end = os.pipe()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the child: one variant
            code = 0
            try:
                os.close(read_end)
                result = self._child(shell, exercise_id, grade_cell, variant, answers_dir)
                data = json.dumps(result).encode("utf-8")
                while data:
                    data = data[os.write(write_end, data):]
            except BaseException:  # noqa: BLE001
                code = 1
            finally:
                os._exit(code)
        os.close(write_end)
        chunks, deadline = [], time.monotonic() + CHILD_TIMEOUT
        with os.fdopen(read_end, "rb") as pipe:
            while True:
                ready, _, _ = select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    os.kill(pid, signal.SIGKILL)
                    outcome.message = f"the variant ran past {CHILD_TIMEOUT:g} s"
                    break
                chunk = os.read(pipe.fileno(), 65536)
                if not chunk:
                    break
                chunks.append(chunk)
        os.waitpid(pid, 0)
        outcome.seconds = round(time.monotonic() - start, 2)
        try:
            data = json.loads(b"".join(chunks).decode("utf-8"))
        except ValueError:
            outcome.message = outcome.message or "the variant's process died without a result"
            return outcome
        for key, value in data.items():
            setattr(outcome, key, value)
        return outcome

    def _child(self, shell: Any, exercise_id: str, grade_cell: str, variant: Variant, answers_dir: Path) -> dict:
        from kitlib.exercises import core, trusted

        _after_fork()
        os.environ["KIT_ANSWER_DIR"] = str(answers_dir)
        os.environ["KIT_PROBE_SEED"] = str(self.seed)
        seen: list[tuple[Any, bool]] = []
        core.add_listener(lambda feedback, hidden: seen.append((feedback, hidden)))
        result = _quiet_run(shell, variant.code)
        raised = ""
        error = result.error_in_exec or result.error_before_exec
        if error is not None:
            raised = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
        grade = _quiet_run(shell, grade_cell)
        visible = [f for f, hidden in seen if not hidden]
        hidden = [f for f, hidden in seen if hidden]
        out: dict[str, Any] = {"raised": raised[:300]}
        if visible:
            out["status"], out["message"] = visible[-1].status, " ".join(p.text() for p in visible[-1].problems)
        else:
            grade_error = grade.error_in_exec or grade.error_before_exec
            out["status"] = "error"
            out["message"] = f"the grade cell raised {type(grade_error).__name__}: {grade_error}"[:300] \
                if grade_error else "the grade cell gave no verdict"
        if hidden:
            out["hidden_status"] = hidden[-1].status
            if out["status"] == "passed" and hidden[-1].status != "passed":
                out["message"] = " ".join(p.text() for p in hidden[-1].problems)
        verdicts = trusted.recheck(answers_dir, [exercise_id], hidden_dir=self.hidden_dir, seed=self.seed)
        out["recheck"] = verdicts[exercise_id]["status"]
        out["recheck_message"] = verdicts[exercise_id]["message"]
        return out


def _after_fork() -> None:
    """In a forked child: TensorFlow's thread pools are gone, so tf.functions must run eagerly."""
    import warnings

    warnings.filterwarnings("ignore", message=".*run_functions_eagerly.*")
    warnings.filterwarnings("ignore", message=".*experimental_run_functions_eagerly.*")
    if "tensorflow" in sys.modules:
        sys.modules["tensorflow"].config.run_functions_eagerly(True)


def _quiet_run(shell: Any, source: str) -> Any:
    """Run a cell with its printed output (and displays) thrown away."""
    from kitlib.environment import silenced_stderr_fd

    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        sys.stdout.flush()
        os.dup2(devnull, 1)
        with silenced_stderr_fd():
            return shell.run_cell(source, store_history=False, silent=False)
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


# --------------------------------------------------------------------------- verdicts and the report

def _names_property(outcome: Outcome) -> bool:
    text = f"{outcome.message} {outcome.raised}".lower()
    return any(word.lower() in text for word in outcome.variant.keywords)


def judge(report: ExerciseReport, spec: Any) -> None:
    """Set each outcome's verdict ("ok", "FAIL" with why, or "declared")."""
    declared = dict(getattr(spec, "equivalent_mutants", {}) or {})
    for outcome in report.outcomes:
        role, passed = outcome.variant.role, outcome.passed
        recheck_passed = outcome.recheck == "passed"
        problems = []
        if role in ("reference", "other", "equivalent"):
            if not passed:
                problems.append(f"refused: {outcome.message or outcome.status}")
            if outcome.hidden_status and outcome.hidden_status != "passed":
                problems.append(f"hidden part refused: {outcome.message}")
            if not recheck_passed:
                problems.append(f"the re-check refused: {outcome.recheck_message}")
        elif role == "placeholder":
            if outcome.status != "not attempted":
                problems.append(f"not 'not attempted' but {outcome.status}")
        elif role == "wrong":
            if passed:
                problems.append("passed")
            elif outcome.variant.fragment not in f"{outcome.message} {outcome.raised}":
                problems.append(f"message lacks {outcome.variant.fragment!r}: {outcome.message}")
            if passed and recheck_passed:
                problems.append("the re-check passed it too")
        elif role == "mutant":
            if outcome.variant.mutant_id in declared:
                outcome.verdict, outcome.why = "declared", declared[outcome.variant.mutant_id]
                continue
            if passed:
                problems.append("survived")
            if passed and not recheck_passed:
                problems.append("the re-check disagrees with the grade cell")
        if not passed and recheck_passed and role != "placeholder" and outcome.recheck != "missing":
            problems.append("the re-check passed what the grade cell refused")
        outcome.verdict = "FAIL" if problems else "ok"
        outcome.why = "; ".join(problems)


@dataclass
class Totals:
    mutants: int = 0
    rejected: int = 0
    named: int = 0
    declared: int = 0
    equivalents: int = 0
    accepted: int = 0
    failures: int = 0


def totals(reports: list[ExerciseReport]) -> Totals:
    t = Totals()
    for report in reports:
        if report.problem:
            t.failures += 1
        for outcome in report.outcomes:
            role = outcome.variant.role
            if role == "mutant":
                if outcome.verdict == "declared":
                    t.declared += 1
                    continue
                t.mutants += 1
                if not outcome.passed:
                    t.rejected += 1
                    t.named += _names_property(outcome)
            elif role in ("equivalent", "other"):
                t.equivalents += 1
                t.accepted += outcome.passed and outcome.verdict != "FAIL"
            if outcome.verdict == "FAIL":
                t.failures += 1
    return t


def format_report(reports: list[ExerciseReport], seconds: float, verbose: bool = False) -> str:
    lines = []
    for report in reports:
        lines.append(f"\n{report.exercise}  ({report.notebook})")
        if report.problem:
            lines.append(f"  !! {report.problem}")
            continue
        by_role: dict[str, list[Outcome]] = {}
        for outcome in report.outcomes:
            by_role.setdefault(outcome.variant.role, []).append(outcome)
        for role in ("reference", "placeholder", "wrong", "other", "mutant", "equivalent"):
            group = by_role.get(role, [])
            if not group:
                continue
            ok = sum(o.verdict in ("ok", "declared") for o in group)
            extra = ""
            if role == "mutant":
                named = sum(_names_property(o) for o in group if not o.passed and o.verdict != "declared")
                declared = sum(o.verdict == "declared" for o in group)
                extra = f"   named {named}/{len(group) - declared}" + (f"   declared equivalent {declared}"
                                                                         if declared else "")
            lines.append(f"  {role:<11} {ok:>3}/{len(group):<3} ok{extra}")
            for outcome in group:
                if outcome.verdict == "FAIL" or verbose:
                    lines.append(f"      {'FAIL' if outcome.verdict == 'FAIL' else '    '} {outcome.variant.label}: "
                                 f"{outcome.why or outcome.status} | {outcome.message[:160]}")
                elif role == "mutant" and not outcome.passed and not _names_property(outcome) \
                        and outcome.verdict != "declared":
                    lines.append(f"      note {outcome.variant.label}: message does not name it: "
                                 f"{(outcome.message or outcome.raised)[:160]}")
    t = totals(reports)
    lines.append("")
    lines.append(f"mutants rejected {t.rejected}/{t.mutants} · equivalents accepted {t.accepted}/{t.equivalents} · "
                 f"messages naming the mutated property {t.named}/{t.mutants}"
                 + (f" · declared equivalent {t.declared}" if t.declared else "")
                 + f" · {seconds:.0f} s")
    return "\n".join(lines)


# --------------------------------------------------------------------------- running a course

def course_notebooks(course_dir: Path, assignments: list[str]) -> list[Path]:
    source = Path(course_dir) / "source"
    known = sorted(p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))) \
        if source.is_dir() else []
    unknown = [a for a in assignments if a not in known]
    if unknown:
        raise SystemExit(f"kit test-exercises: unknown assignment(s) {', '.join(unknown)}; "
                         f"{source} has: {', '.join(known) or 'none'}")
    chosen = assignments or known
    return [p for a in chosen for p in sorted((source / a).glob("*.ipynb"))]


def fork_safe_tensorflow() -> None:
    """Start TensorFlow with one intra-op and one inter-op thread, before any operation runs.

    TensorFlow's thread pools do not survive fork(): a forked child that needs a pool thread waits
    forever. With one thread per pool, eager operations in a child run in the calling thread (and
    ``_after_fork`` makes tf.functions eager). Notebooks run a little slower; forks then work.
    """
    from kitlib.environment import quiet_environment, silenced_stderr_fd

    quiet_environment()
    with silenced_stderr_fd():
        import tensorflow as tf

        tf.config.threading.set_inter_op_parallelism_threads(1)
        tf.config.threading.set_intra_op_parallelism_threads(1)


def run_worker(path: Path, hidden_dir: Path | None, seed: int, only: set[str] | None, mutants: bool) -> list[dict]:
    """Run one notebook's exercises (in this process) and return the reports as plain data."""
    from kitlib.exercises import hidden

    fork_safe_tensorflow()
    runner = NotebookRun(path, hidden_dir, seed, only, mutants)
    try:
        reports = runner.run()
    finally:
        import shutil

        shutil.rmtree(runner.scratch, ignore_errors=True)  # the variants' recorded answers
    specs = hidden.load(hidden_dir) if hidden_dir else {}
    out = []
    for report in reports:
        judge(report, specs.get(report.exercise))
        out.append(asdict(report))
    return out


def _from_dict(data: dict) -> ExerciseReport:
    report = ExerciseReport(data["exercise"], data["notebook"], problem=data.get("problem", ""))
    for item in data["outcomes"]:
        variant = Variant(**{**item["variant"], "keywords": tuple(item["variant"]["keywords"])})
        outcome = Outcome(variant)
        for key, value in item.items():
            if key != "variant":
                setattr(outcome, key, value)
        report.outcomes.append(outcome)
    return report


def run_course(course_dir: Path, assignments: list[str], jobs: int = 1, only: set[str] | None = None,
               mutants: bool = True, seed: int = 1234) -> list[ExerciseReport]:
    """Every notebook of the assignments in its own worker process, ``jobs`` at a time."""
    from kitlib.exercises.hidden import course_hidden_dir

    notebooks = course_notebooks(course_dir, assignments)
    if only:  # only the notebooks that hold the chosen exercises
        import nbformat

        notebooks = [p for p in notebooks if set(exercise_cells(nbformat.read(str(p), as_version=4))) & set(only)]
    hidden_dir = course_hidden_dir(course_dir)
    pending = list(notebooks)
    attempts: dict[Path, int] = {}
    running: list[tuple[subprocess.Popen, Path, Path]] = []
    results: dict[Path, list[dict]] = {}
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    while pending or running:
        while pending and len(running) < max(1, jobs):
            path = pending.pop(0)
            attempts[path] = attempts.get(path, 0) + 1
            out = Path(tempfile.mkstemp(prefix="kit_mutate_", suffix=".json")[1])
            argv = [sys.executable, "-m", "kitlib.exercises.mutate", "worker", str(path), str(out),
                    "--hidden", str(hidden_dir), "--seed", str(seed)] + (["--no-mutants"] if not mutants else [])
            for eid in sorted(only or ()):
                argv += ["--only", eid]
            running.append((subprocess.Popen(argv, env=env, cwd=str(path.parent), stdout=subprocess.DEVNULL,
                                             stderr=subprocess.PIPE), path, out))
        time.sleep(0.2)
        for proc, path, out in list(running):
            if proc.poll() is None:
                continue
            running.remove((proc, path, out))
            stderr = proc.stderr.read() or b""
            try:
                results[path] = json.loads(out.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                if attempts[path] < 2:  # a worker killed from outside (e.g. memory pressure): once more
                    pending.append(path)
                    continue
                tail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
                why = f"exit status {proc.returncode}" + (f": {' | '.join(tail)}" if tail else "")
                results[path] = [asdict(ExerciseReport("(notebook)", path.name,
                                                       problem=f"the worker failed twice ({why})"[:400]))]
            finally:
                out.unlink(missing_ok=True)
    return [_from_dict(d) for path in notebooks for d in results.get(path, [])]


def run_test_exercises(args: argparse.Namespace) -> int:
    """``kit test-exercises [ASSIGNMENT ...] [--course DIR] [--jobs N] [--only ID] [--no-mutants]``."""
    start = time.monotonic()
    jobs = args.jobs or min(2, os.cpu_count() or 1)
    reports = run_course(Path(args.course), list(args.assignments or []), jobs=jobs,
                         only=set(args.only) if args.only else None, mutants=not args.no_mutants)
    seconds = time.monotonic() - start
    print(format_report(reports, seconds, verbose=args.verbose))
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in reports], indent=1), encoding="utf-8")
    t = totals(reports)
    return 1 if t.failures or not reports else 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["worker"]:
        parser = argparse.ArgumentParser(prog="python -m kitlib.exercises.mutate worker")
        parser.add_argument("worker")
        parser.add_argument("notebook", type=Path)
        parser.add_argument("out", type=Path)
        parser.add_argument("--hidden", type=Path, default=None)
        parser.add_argument("--seed", type=int, default=1234)
        parser.add_argument("--only", action="append", default=None)
        parser.add_argument("--no-mutants", action="store_true")
        args = parser.parse_args(argv)
        results = run_worker(args.notebook, args.hidden, args.seed, set(args.only) if args.only else None,
                             not args.no_mutants)
        args.out.write_text(json.dumps(results), encoding="utf-8")
        sys.stdout.flush()
        os._exit(0)  # skip TensorFlow's slow teardown
    if argv[:1] == ["digest"]:
        from kitlib.exercises.core import digest

        if len(argv) != 3:
            print("usage: python -m kitlib.exercises.mutate digest SALT VALUE   (VALUE: a Python literal)")
            return 2
        print(digest(ast.literal_eval(argv[2]), argv[1]))
        return 0
    from kitlib.cli import main as kit

    return kit(["test-exercises", *argv])


if __name__ == "__main__":
    sys.exit(main())
