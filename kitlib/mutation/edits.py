"""The AST toolkit the mutation and equivalence operators share: one :class:`Change` (an edit of the
reference solution's tree), the :class:`Context` the operators see, and :func:`generate`, which applies
every operator of a list and keeps the changes that give new, compilable code.

Example::

    from kitlib.mutation.edits import Context, generate
    from kitlib.mutation.mutants import MUTANT_OPERATORS
    ctx = Context("model", "model", {})
    for change, code in generate("model = keras.Sequential([keras.layers.Dense(4, activation='relu')])",
                                 ctx, MUTANT_OPERATORS):
        print(change.description)          # "activation 'relu' -> 'tanh'", ...
"""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from typing import Callable, Iterator


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


def _activation_of(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute) and _final_name(node.value) == "activations":
        return node.attr
    return None


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


def _answer_value(tree: ast.Module, variable: str) -> tuple[int, ast.AST] | None:
    """(index of the last assignment to ``variable``, its value node) in the tree."""
    found = None
    for index, node in enumerate(_nodes(tree)):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == variable for t in node.targets):
            found = (index, node.value)
    return found


def generate(solution: str, ctx: Context, operators: list) -> list[tuple[Change, str]]:
    """(change, new solution code) for each applicable change of ``operators``; duplicates and no-ops dropped."""
    try:
        tree = ast.parse(solution)
    except SyntaxError:
        return []
    original = ast.unparse(tree)
    seen = {original}
    out = []
    descriptions: dict[str, int] = {}
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
            descriptions[change.description] = descriptions.get(change.description, 0) + 1
            if descriptions[change.description] > 1:  # the same edit at another place: its own id
                change = copy.copy(change)
                change.description = f"{change.description} (#{descriptions[change.description]})"
            out.append((change, code))
    return out


def mutant_id(change: Change) -> str:
    """The id a hidden part uses to declare a mutant equivalent: its description."""
    return change.description
