"""Equivalence operators: each yields :class:`~kitlib.mutation.edits.Change` s that write the reference
solution in another spelling Keras treats as the same (an activation as a separate layer, ``keras.Input``
as ``input_shape=``, a list as ``add()`` calls, "accuracy" as "acc", variables renamed, ...): every one
must pass.

Example::

    from kitlib.mutation.edits import Context, generate
    from kitlib.mutation.equivalents import EQUIVALENCE_OPERATORS
    generate("m = keras.layers.Dense(3, activation='relu')", Context("model", "m", {}), EQUIVALENCE_OPERATORS)
"""
from __future__ import annotations

import ast
from typing import Iterator

from kitlib.mutation.edits import (_activation_of, _answer_value, _at, _body_edit, Change, _const_int, Context,
    _final_name, _is_input_call, _is_layer_call, _kw, _nodes, _parse, _replace_at, _statement_lists)


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
