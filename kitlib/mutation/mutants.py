"""Mutation operators: each yields :class:`~kitlib.mutation.edits.Change` s that turn the reference
solution into a plausible wrong answer (an activation changed, a size +-1, a layer dropped, a loss
swapped, a save step skipped, a given object swapped or changed first, a default changed, the file format
swapped, layers wrapped in a new container; in function and class answers an operator, a comparison, a
constant, a return, a ``get_config`` key or ``**kwargs`` changed, ...: :func:`operators_in_use`, all on by
default; every exercise must get :data:`MIN_MUTANTS` of them). Each change carries the words a good
rejection message uses (``keywords``), so ``kit test-exercises`` can tell whether the message names
the mutated property.

Example::

    from kitlib.mutation.edits import Context, generate
    from kitlib.mutation.mutants import MUTANT_OPERATORS
    [c.kind for c, _ in generate("m = keras.layers.Dense(3)", Context("model", "m", {}), MUTANT_OPERATORS)]
"""
from __future__ import annotations

import ast
import copy
from typing import Callable, Iterator

from kitlib.mutation.edits import (_activation_of, _answer_value, _at, _body_edit, Change, _const_int, Context,
    _final_name, _int_node, _is_layer_call, _kw, _nodes, _parse, _replace_at, _statement_lists)


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


def mutants_slices(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    nodes = _nodes(tree)
    subscripted = {id(n.value) for n in nodes if isinstance(n, ast.Subscript)}
    for index, node in enumerate(nodes):
        if isinstance(node, ast.Attribute) and node.attr == "layers" and isinstance(node.ctx, ast.Load) \
                and id(node) not in subscripted and ast.unparse(node) not in ("keras.layers", "tf.keras.layers"):
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
            lower, upper = node.slice.lower, node.slice.upper
            if node.slice.step is None and (lower is None) != (upper is None):
                bound = _const_int(lower if upper is None else upper)
                if bound is not None:  # [:k] -> [k:] (the other part) and [:] (every element)
                    other = ast.Slice(lower=None, upper=copy.deepcopy(lower)) if upper is None else \
                        ast.Slice(lower=copy.deepcopy(upper), upper=None)
                    yield Change("slice", f"{ast.unparse(node)} -> {where}[{ast.unparse(other)}] (the other part)",
                                 words, _at(index, lambda n, o=other: setattr(n, "slice", copy.deepcopy(o))))
                    yield Change("slice", f"{ast.unparse(node)} -> {where}[:] (every one)", words,
                                 _at(index, lambda n: setattr(n, "slice", ast.Slice())))
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
    for node in _nodes(tree):  # for layer in model.layers[...]: layer.trainable = ... -> model.trainable = ...
        if not (isinstance(node, ast.For) and isinstance(node.target, ast.Name)):
            continue
        owner = node.iter.value if isinstance(node.iter, ast.Subscript) else node.iter
        if not (isinstance(owner, ast.Attribute) and owner.attr == "layers"):
            continue
        model = ast.unparse(owner.value)
        for position, statement in enumerate(node.body):
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                    and isinstance(statement.targets[0], ast.Attribute) and statement.targets[0].attr == "trainable" \
                    and isinstance(statement.targets[0].value, ast.Name) \
                    and statement.targets[0].value.id == node.target.id:
                text = ast.unparse(statement)
                code = f"{model}.trainable = {ast.unparse(statement.value)}"

                def whole(t, text=text, code=code):
                    for _, name, block in _statement_lists(t):
                        for p, st in enumerate(block):
                            if isinstance(st, ast.For) and any(ast.unparse(b) == text for b in st.body):
                                block[p] = ast.parse(code).body[0]
                                return

                yield Change("trainable", f"the whole {model} set instead of the loop's layers: {code}",
                             TRAINABLE_WORDS, whole)


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


# --------------------------------------------------------------------------- the classes of issue 20
# Given objects changed or re-used, a default changed, the file format swapped, the layers wrapped in a
# container instead of called.

GIVEN_WORDS = ("given", "left as it was", "unchanged", "changed", "new", "same object", "copy", "trained",
               "weights", "compile", "trainable", "frozen")
FORMAT_WORDS = ("format", ".keras", ".h5", "file")
CONTAINER_WORDS = ("sequential", "container", "wrap", "yourself", "call the layers", "layers")


def _models_read(tree: ast.Module, ctx: Context) -> list[str]:
    """The given models the solution reads (not a function's own parameter of the same name)."""
    used = {n.id for n in _nodes(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    parameters = {a.arg for n in _nodes(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda)) for a in n.args.args}
    return [name for name, kind in sorted(ctx.given.items())
            if kind == "model" and name in used and name not in parameters]


def mutants_given_changed(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """A given model changed before the solution uses it: its weights moved (as by training it again),
    recompiled, or frozen."""
    for name in _models_read(tree, ctx):
        edits = [
            (f"{name}.set_weights([w + 0.01 for w in {name}.get_weights()])",
             f"given {name} changed first: its weights moved (trained again)"),
            (f"{name}.compile(optimizer='sgd', loss='mse')", f"given {name} recompiled first (sgd, mse)"),
            (f"{name}.trainable = False", f"given {name} frozen first (trainable = False)"),
        ]
        for code, text in edits:
            def put_first(t, code=code):
                t.body[:0] = ast.parse(code).body

            yield Change("given-changed", text, GIVEN_WORDS + (name,), put_first)


def mutants_reused(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """A new object the task asks for replaced by the given one: ``clone_model(m)`` -> ``m`` itself, and a
    fresh factory call (``make_x()``) -> the given model of the same notebook when there is one."""
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Call) and _final_name(node.func) == "clone_model" and node.args:
            source = ast.unparse(node.args[0])
            yield Change("reused", f"clone_model({source}) -> {source} itself (the same object, not a new one)",
                         GIVEN_WORDS + (source,), _replace_at(index, source))
    models = [name for name, kind in sorted(ctx.given.items()) if kind == "model"]
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.startswith("make_") \
                and not node.args and not node.keywords and models:
            yield Change("reused", f"{node.func.id}() -> the given {models[0]} (re-used, not a new model)",
                         GIVEN_WORDS + (models[0],), _replace_at(index, models[0]))


_DEFAULT_SWAPS = {"Dense": ("use_bias", False), "Conv1D": ("use_bias", False), "Conv2D": ("use_bias", False),
                  "LSTM": ("return_sequences", True), "GRU": ("return_sequences", True),
                  "Embedding": ("mask_zero", True), "Flatten": ("data_format", "channels_first")}
_DEFAULT_WORDS = {"use_bias": ("bias", "parameter", "weights"), "return_sequences": ("sequence", "shape", "output"),
                  "mask_zero": ("mask", "zero"), "data_format": ("channel", "format", "shape")}


def mutants_defaults(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """A default the task leaves as it is changed on a layer (``use_bias=False``, ``return_sequences=True``, ...),
    and ``fit``'s ``batch_size`` / ``epochs`` / ``validation_split`` moved when the solution names them."""
    for index, node in enumerate(_nodes(tree)):
        if not isinstance(node, ast.Call):
            continue
        name = _final_name(node.func)
        if name in _DEFAULT_SWAPS and _kw(node, _DEFAULT_SWAPS[name][0]) is None and _is_layer_call(node):
            keyword, value = _DEFAULT_SWAPS[name]
            yield Change("default", f"{name}({keyword}={value!r}) instead of the default",
                         _DEFAULT_WORDS[keyword] + ("default",),
                         _at(index, lambda n, k=keyword, v=value: n.keywords.append(ast.keyword(arg=k,
                                                                                             value=ast.Constant(v)))))
        if name == "fit":
            for keyword, words, default in (("batch_size", ("batch",), 32), ("epochs", ("epoch",), 1),
                                            ("validation_split", ("validation",), 0.0)):
                found = _kw(node, keyword)
                if found is None or (isinstance(found.value, ast.Constant) and found.value.value == default):
                    continue  # dropping a keyword that spells the default out changes nothing
                removed = f"fit without {keyword}= (the default)"

                def drop(n, k=keyword):
                    n.keywords = [x for x in n.keywords if x.arg != k]

                yield Change("default", removed, words + ("default", keyword), _at(index, drop))


def mutants_file_format(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """The file format the task names swapped: a ``.keras`` file name as ``.h5`` and back."""
    swaps = {".keras": ".h5", ".h5": ".keras", ".weights.h5": ".h5"}
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for old in sorted(swaps, key=len, reverse=True):
                if node.value.endswith(old) and len(node.value) > len(old):
                    new = node.value[: -len(old)] + swaps[old]
                    yield Change("format", f"file {node.value!r} -> {new!r}", FORMAT_WORDS,
                                 _at(index, lambda n, new=new: setattr(n, "value", new)))
                    break


def mutants_container(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """Explicit layer calls wrapped in a new container: ``layers.Dense(4)(x)`` -> ``keras.Sequential([layers.Dense(4)])(x)``
    (the first such call), and a loop's ``layer(x)`` -> ``keras.Sequential([layer])(x)``."""
    loop_names = {n.target.id for n in _nodes(tree) if isinstance(n, ast.For) and isinstance(n.target, ast.Name)}
    for index, node in enumerate(_nodes(tree)):
        if not isinstance(node, ast.Call) or len(node.args) != 1:
            continue
        inner = node.func
        if (isinstance(inner, ast.Call) and _is_layer_call(inner)) or \
                (isinstance(inner, ast.Name) and inner.id in loop_names):
            label = ast.unparse(inner)[:40]

            def wrap(n):
                n.func = ast.Call(func=_parse("keras.Sequential"), args=[ast.List(elts=[n.func], ctx=ast.Load())],
                                  keywords=[])

            yield Change("container", f"{label}(...) wrapped in a new keras.Sequential", CONTAINER_WORDS,
                         _at(index, wrap))
            return


REQUIREMENT_OPERATORS = [mutants_given_changed, mutants_reused, mutants_defaults, mutants_file_format,
                         mutants_container]


# --------------------------------------------------------------------------- code inside functions and classes
# A function's or a layer class's answer has few layer calls for the operators above: these edit the code
# itself (an operator, a constant, a return, a get_config entry, an argument passed on, a comparison).

CODE_WORDS = FUNCTION_WORDS + ("output", "input", "weight", "raise", "error", "return")
CONFIG_WORDS = ("get_config", "config", "from_config", "super", "name", "argument", "keyword", "kwargs")
_ARITHMETIC_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Add, ast.Div: ast.Mult,
                     ast.FloorDiv: ast.Mult, ast.Pow: ast.Mult}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Pow: "**"}
_COMPARE_FLIPS = {ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.Gt: ast.LtE, ast.LtE: ast.Gt, ast.Eq: ast.NotEq,
                  ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
# A string the code passes, swapped for the sibling a student confuses it with.
_STRING_SIBLINGS = {"ones": "zeros", "zeros": "ones", "glorot_uniform": "zeros", "he_normal": "zeros",
                    "int32": "float32", "float32": "int32", "config.json": "metadata.json",
                    "metadata.json": "config.json", "channels_last": "channels_first"}
# A function swapped for its sibling (the same arguments, another result).
_CALL_SIBLINGS = {"zeros_like": "ones_like", "ones_like": "zeros_like", "zeros": "ones", "ones": "zeros",
                  "stack": "concatenate", "concatenate": "stack", "sum": "mean", "mean": "sum", "max": "min",
                  "min": "max", "add": "subtract", "subtract": "add", "multiply": "add", "Add": "Subtract",
                  "Subtract": "Add", "Multiply": "Add", "cumsum": "cumprod", "loads": "dumps"}
# Keywords whose dropping other operators cover, or that never change what a call does.
_KEEP_KEYWORDS = {"name", "verbose", "activation", "metrics", "padding", "units", "filters", "kernel_size",
                  "from_logits", "strides", "pool_size", "axis", "use_bias", "return_sequences", "mask_zero",
                  "data_format", "batch_size", "epochs", "validation_split", "compile", "inputs", "outputs"}
_MODEL_USES = {"layers", "save", "get_layer", "inputs", "outputs", "input", "output", "fit", "compile", "predict",
               "get_weights", "set_weights", "summary", "trainable_weights", "weights", "evaluate"}


def _in_functions(tree: ast.Module) -> set[int]:
    """The ids of every node inside a function or method body (its defaults included)."""
    inside: set[int] = set()
    for node in _nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.Lambda)):
            for child in ast.walk(node):
                if child is not node:
                    inside.add(id(child))
    return inside


def _functions(tree: ast.Module) -> list[tuple[int, ast.FunctionDef]]:
    return [(i, n) for i, n in enumerate(_nodes(tree)) if isinstance(n, ast.FunctionDef)]


def _parameters(function: ast.FunctionDef) -> list[str]:
    names = [a.arg for a in function.args.posonlyargs + function.args.args]
    return names[1:] if names[:1] in (["self"], ["cls"]) else names


def mutants_arithmetic(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """An arithmetic operator in a function's body swapped (``+`` -> ``-``, ``*`` -> ``+``, ``/`` -> ``*``)."""
    inside = _in_functions(tree)
    for index, node in enumerate(_nodes(tree)):
        if not (isinstance(node, ast.BinOp) and id(node) in inside and type(node.op) in _ARITHMETIC_SWAPS):
            continue
        if any(isinstance(side, (ast.List, ast.Tuple, ast.JoinedStr, ast.Dict))
               or isinstance(side, ast.Constant) and isinstance(side.value, str) for side in (node.left, node.right)):
            continue  # a list or a path joined: no arithmetic
        other = _ARITHMETIC_SWAPS[type(node.op)]
        text = f"{ast.unparse(node)[:40]}: {_SYMBOL[type(node.op)]} -> {_SYMBOL[other]}"
        yield Change("arithmetic", text, CODE_WORDS, _at(index, lambda n, o=other: setattr(n, "op", o())))


def mutants_comparison(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """A comparison in a function's body flipped (``<`` -> ``>=``, ``==`` -> ``!=``, ``in`` -> ``not in``), and
    the condition of a comprehension (anywhere) negated: ``[... if isinstance(l, X)]`` -> ``if not ...``."""
    inside = _in_functions(tree)
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.comprehension) and node.ifs and not isinstance(node.ifs[0], ast.Compare):
            def negate(n):
                n.ifs[0] = ast.UnaryOp(op=ast.Not(), operand=n.ifs[0])

            yield Change("comparison", f"if {ast.unparse(node.ifs[0])[:40]}: condition negated", CODE_WORDS
                         + LAYER_WORDS, _at(index, negate))
        if isinstance(node, ast.Compare) and id(node) in inside and type(node.ops[0]) in _COMPARE_FLIPS:
            def flip(n):
                n.ops[0] = _COMPARE_FLIPS[type(n.ops[0])]()

            yield Change("comparison", f"{ast.unparse(node)[:40]}: comparison flipped", CODE_WORDS, _at(index, flip))


def mutants_constants(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """A constant in a function's body (or a parameter's default) changed: a number (an index +-1, another
    factor), or a string swapped for its sibling (``"ones"`` -> ``"zeros"``, ``"int32"`` -> ``"float32"``).
    Strings with a sibling are changed anywhere in the solution."""
    inside = _in_functions(tree)
    for index, node in enumerate(_nodes(tree)):
        if not isinstance(node, ast.Constant):
            continue
        value = node.value
        if isinstance(value, str) and value in _STRING_SIBLINGS:
            other = _STRING_SIBLINGS[value]
            yield Change("constant", f"{value!r} -> {other!r}", CODE_WORDS + (value, other, "initial", "dtype"),
                         _at(index, lambda n, o=other: setattr(n, "value", o)))
        elif id(node) in inside and isinstance(value, (int, float)) and not isinstance(value, bool):
            new = value + 1 if isinstance(value, int) else (value * 2 if value else 1.0)
            yield Change("constant", f"constant {value!r} -> {new!r} (in {_owner_name(tree, node)})",
                         CODE_WORDS + ("default", "scale", "factor"), _at(index, lambda n, v=new: setattr(n, "value", v)))


def _owner_name(tree: ast.Module, target: ast.AST) -> str:
    """The innermost function that holds ``target`` (its name), for the mutant's label."""
    found = "the code"
    for node in _nodes(tree):
        if isinstance(node, ast.FunctionDef) and any(child is target for child in ast.walk(node)):
            found = node.name
    return found


def mutants_returns(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """A function's ``return`` forgotten (it returns None), or its result replaced by its first argument
    (returned unchanged), or an outer call around the result dropped (``json.loads(x)`` -> ``x``)."""
    for f_index, function in _functions(tree):
        parameters = _parameters(function)
        returns = [n for n in ast.walk(function) if isinstance(n, ast.Return) and n.value is not None]
        for ret in returns:
            index = next(i for i, n in enumerate(_nodes(tree)) if n is ret)
            yield Change("return", f"{function.name}: `return` forgotten (returns None)", CODE_WORDS + ("none",),
                         _replace_statement(ret, lambda r: ast.Expr(value=r.value)))
            if parameters and not (isinstance(ret.value, ast.Name) and ret.value.id == parameters[0]):
                yield Change("return", f"{function.name}: returns its argument {parameters[0]} unchanged",
                             CODE_WORDS, _at(index, lambda n, p=parameters[0]: setattr(n, "value", ast.Name(p, ast.Load()))))
            value = ret.value
            if isinstance(value, ast.Call) and len(value.args) == 1 and not value.keywords \
                    and isinstance(value.args[0], ast.Call) and not _is_layer_call(value):
                yield Change("return", f"{function.name}: {ast.unparse(value.func)}(...) around the result dropped",
                             CODE_WORDS, _at(index, lambda n: setattr(n, "value", n.value.args[0])))


def _replace_statement(target: ast.stmt, make: Callable[[ast.stmt], ast.stmt]) -> Callable[[ast.Module], None]:
    """Replace the statement that unparses like ``target`` (the first such) in its block."""
    text = ast.unparse(target)

    def apply(tree: ast.Module) -> None:
        for _, name, block in _statement_lists(tree):
            for position, statement in enumerate(block):
                if ast.unparse(statement) == text:
                    block[position] = make(statement)
                    return

    return apply


def mutants_config(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """``get_config``: ``super().get_config()`` not called (``{}`` instead), each key it adds dropped;
    ``**kwargs`` not passed on (to ``super().__init__``)."""
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_config" \
                and isinstance(node.func.value, ast.Call) and _final_name(node.func.value.func) == "super":
            yield Change("config", "super().get_config() not called (its name, trainable, dtype lost)", CONFIG_WORDS,
                         _replace_at(index, "{}"))
        if isinstance(node, ast.Call) and any(k.arg is None for k in node.keywords):
            label = ast.unparse(node.func)[:40]
            yield Change("config", f"{label}(...): **kwargs not passed on", CONFIG_WORDS,
                         _at(index, lambda n: setattr(n, "keywords", [k for k in n.keywords if k.arg is not None])))
    for f_index, function in _functions(tree):
        if function.name != "get_config":
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Dict):
                index = next(i for i, n in enumerate(_nodes(tree)) if n is node)
                for position, key in enumerate(node.keys):
                    if isinstance(key, ast.Constant):
                        def drop(n, p=position):
                            del n.keys[p], n.values[p]

                        yield Change("config", f"get_config: key {key.value!r} dropped",
                                     CONFIG_WORDS + (str(key.value),), _at(index, drop))
            if isinstance(node, ast.Call) and _final_name(node.func) == "update":
                text = ast.unparse(node)

                def drop_update(tree_, text=text):
                    for _, name, block in _statement_lists(tree_):
                        for position, statement in enumerate(block):
                            if isinstance(statement, ast.Expr) and ast.unparse(statement.value) == text:
                                block[position] = ast.Pass()
                                return

                yield Change("config", f"get_config: {text[:40]} dropped", CONFIG_WORDS, drop_update)


def mutants_keywords(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """A keyword argument dropped (its default used instead): ``compile(optimizer=...)``,
    ``Input(dtype=...)``, ``add_weight(initializer=...)``, ... (not those other operators cover)."""
    for index, node in enumerate(_nodes(tree)):
        if not isinstance(node, ast.Call):
            continue
        name = _final_name(node.func)
        for keyword in node.keywords:
            if keyword.arg is None or keyword.arg in _KEEP_KEYWORDS or (name == "Input" and keyword.arg in ("shape", "batch_shape")):
                continue
            if keyword.arg == "trainable" and isinstance(keyword.value, ast.Constant) and keyword.value.value is True:
                continue  # the default spelled out

            def drop(n, k=keyword.arg):
                n.keywords = [x for x in n.keywords if x.arg != k]

            yield Change("keyword", f"{name}(...) without {keyword.arg}= (its default)",
                         (keyword.arg, "default") + _KEYWORD_WORDS.get(keyword.arg, ()), _at(index, drop))


_KEYWORD_WORDS = {"optimizer": ("optimizer", "adam", "rmsprop", "sgd"), "loss": LOSS_WORDS,
                  "dtype": ("dtype", "integer", "int", "float"), "initializer": ("initial", "start", "ones", "zeros"),
                  "shape": ("shape", "weight", "one factor", "feature"), "trainable": TRAINABLE_WORDS}


def mutants_shared(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """A layer object called twice (shared) replaced, at its second call, by a new layer of the same
    configuration: two layers with their own weights instead of one shared layer."""
    made: dict[str, ast.Call] = {}
    for node in _nodes(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and _is_layer_call(node.value):
            made[node.targets[0].id] = node.value
    calls: dict[str, list[int]] = {}
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in made:
            calls.setdefault(node.func.id, []).append(index)
    for name, indexes in sorted(calls.items()):
        if len(indexes) >= 2:
            constructor = ast.unparse(made[name])
            yield Change("shared", f"{name} not shared: its second call uses a new {constructor[:40]}",
                         ("share", "same layer", "one layer", "weights", "own"),
                         _at(indexes[1], lambda n, c=constructor: setattr(n, "func", _parse(c))))


def mutants_attributes(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """A layer's ``.output`` read as its ``.input`` (the tensor before the layer instead of after); a named
    layer (``get_layer("fc2")``) replaced by the model's last layer."""
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Attribute) and node.attr == "output" and isinstance(node.ctx, ast.Load) \
                and isinstance(node.value, (ast.Call, ast.Name, ast.Subscript)):
            yield Change("attribute", f"{ast.unparse(node)[:40]} -> .input (the layer's input, not its output)",
                         ("output", "input", "layer", "shape", "values", "features"),
                         _at(index, lambda n: setattr(n, "attr", "input")))
        if not (isinstance(node, ast.Attribute) and node.attr == "output" and isinstance(node.value, ast.Call)
                and _final_name(node.value.func) == "get_layer"):
            continue
        owner = ast.unparse(node.value.func.value)
        named = ast.unparse(node.value)
        for step, where in ((-1, "before"), (1, "after")):
            neighbour = f"{owner}.layers[{owner}.layers.index({named}) {'-' if step < 0 else '+'} 1]"
            yield Change("attribute", f"{named[:40]} -> the layer {where} it", ("output", "layer", "shape", "values",
                                                                                  "features", "named"),
                         _at(index, lambda n, e=neighbour: setattr(n, "value", _parse(e))))
        yield Change("attribute", f"{ast.unparse(node.value)[:40]} -> {owner}.layers[-1] (the last layer, not the "
                         "named one)", ("output", "layer", "shape", "values", "features", "last"),
                         _at(index, lambda n, o=owner: setattr(n, "value", _parse(f"{o}.layers[-1]"))))


def mutants_file_mode(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """A file the code only reads opened for writing: ``open(p)`` / ``ZipFile(p)`` -> mode ``"w"`` (the given
    file overwritten)."""
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Call) and _final_name(node.func) in ("open", "ZipFile") and len(node.args) == 1 \
                and _kw(node, "mode") is None:
            yield Change("given-changed", f"{ast.unparse(node)[:40]} opened for writing (the file overwritten)",
                         CODE_WORDS + ("file", "archive", "changed"),
                         _at(index, lambda n: n.args.append(ast.Constant("w"))))


def mutants_call_siblings(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """A function swapped for its sibling: ``zeros_like`` -> ``ones_like``, ``stack`` -> ``concatenate``,
    ``sum`` -> ``mean``, ``layers.Add`` -> ``layers.Subtract``, ``json.loads`` -> ``json.dumps``, ..."""
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _CALL_SIBLINGS \
                and not (node.func.attr in ("add",) and len(node.args) == 1 and not isinstance(node.args[0], ast.List)):
            other = _CALL_SIBLINGS[node.func.attr]
            yield Change("call", f"{ast.unparse(node.func)} -> {other}", CODE_WORDS + ("shape", "sum", "values"),
                         _at(index, lambda n, o=other: setattr(n.func, "attr", o)))


def mutants_argument_changed(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """A model a function is given (a parameter it uses as a model) changed by the function before use:
    its weights moved, recompiled, or frozen; and a clone that carries the given model's weights over."""
    for f_index, function in _functions(tree):
        parameters = set(_parameters(function))
        as_model = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr in _MODEL_USES:
                as_model.add(node.value.id)
            if isinstance(node, ast.Call) and _final_name(node.func) == "clone_model" and node.args \
                    and isinstance(node.args[0], ast.Name):
                as_model.add(node.args[0].id)
        for name in sorted(as_model & parameters):
            for code, text in ((f"{name}.set_weights([w + 0.01 for w in {name}.get_weights()])",
                                f"{function.name} changes the weights of the {name} it is given"),
                               (f"{name}.compile(optimizer='sgd', loss='mse')",
                                f"{function.name} recompiles the {name} it is given"),
                               (f"{name}.trainable = False", f"{function.name} freezes the {name} it is given")):
                def put_first(t, code=code, fname=function.name):
                    for node in _nodes(t):
                        if isinstance(node, ast.FunctionDef) and node.name == fname:
                            node.body[:0] = ast.parse(code).body
                            return

                yield Change("given-changed", text, GIVEN_WORDS + (name,), put_first)
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Call) and _final_name(node.func) == "clone_model" and node.args \
                and isinstance(node.args[0], ast.Name):
            source = node.args[0].id
            carried = (f"(lambda kit_copy: (kit_copy.set_weights({source}.get_weights()), kit_copy)[1])"
                       f"({ast.unparse(node)})")
            yield Change("given-changed", f"clone_model({source}) with {source}'s weights copied in",
                         GIVEN_WORDS + ("fresh", "same weights", source), _replace_at(index, carried))


_CLASS_SIBLINGS = {"MaxPooling2D": "AveragePooling2D", "AveragePooling2D": "MaxPooling2D",
                   "MaxPooling1D": "AveragePooling1D", "AveragePooling1D": "MaxPooling1D",
                   "GlobalMaxPooling2D": "GlobalAveragePooling2D", "GlobalAveragePooling2D": "GlobalMaxPooling2D",
                   "GlobalMaxPooling1D": "GlobalAveragePooling1D", "GlobalAveragePooling1D": "GlobalMaxPooling1D",
                   "LSTM": "GRU", "GRU": "LSTM", "Conv2D": "Dense", "Dense": "Conv2D"}


def mutants_layer_class(tree: ast.Module, ctx: Context) -> Iterator[Change]:
    """A layer class named but not called (``isinstance(layer, layers.MaxPooling2D)``) swapped for a sibling
    (``AveragePooling2D``): another set of layers picked."""
    called = {id(n.func) for n in _nodes(tree) if isinstance(n, ast.Call)}
    for index, node in enumerate(_nodes(tree)):
        name = _final_name(node) if isinstance(node, (ast.Attribute, ast.Name)) else ""
        if name in _CLASS_SIBLINGS and id(node) not in called and isinstance(node.ctx, ast.Load):
            other = _CLASS_SIBLINGS[name]
            yield Change("layer-class", f"{ast.unparse(node)} -> {other} (another kind of layer picked)",
                         LAYER_WORDS + ("output", "pool", "kind", other),
                         _at(index, lambda n, o=other: setattr(n, "attr", o) if isinstance(n, ast.Attribute)
                             else setattr(n, "id", o)))


CODE_OPERATORS = [mutants_arithmetic, mutants_comparison, mutants_constants, mutants_returns, mutants_config,
                  mutants_keywords, mutants_shared, mutants_attributes, mutants_call_siblings,
                  mutants_argument_changed, mutants_file_mode, mutants_layer_class]

MIN_MUTANTS = 6  # semantic mutants each exercise gets at least (``kit test-exercises`` lists those below)


def operators_in_use(setting: str | None = None) -> list:
    """The mutation operators ``kit test-exercises`` applies: all of them (:data:`MUTANT_OPERATORS`,
    :data:`REQUIREMENT_OPERATORS`, :data:`CODE_OPERATORS`); ``$KIT_MUTATION_OPERATORS=basic`` (or
    ``setting``) keeps the first list only, e.g. to compare with an older run.

    Example:
        >>> operators_in_use("basic") == MUTANT_OPERATORS
        True
    """
    import os

    setting = os.environ.get("KIT_MUTATION_OPERATORS", "") if setting is None else setting
    if setting.strip().lower() == "basic":
        return list(MUTANT_OPERATORS)
    return MUTANT_OPERATORS + REQUIREMENT_OPERATORS + CODE_OPERATORS
