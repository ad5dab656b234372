"""The shape of kitlib, read from its source with ``ast`` (no TensorFlow; its cost is measured by
``bench/bench_architecture.py``, not asserted here).

Three rules, each with a failure message that names the module and the import line:

1. no import circles among kitlib's modules, imports inside functions counted;
2. nothing the student's kernel loads reaches the teacher's side (``kitlib.grading``, ``kitlib.cli``,
   ``kitlib.doctor``, ``kitlib.lab``, ``kitlib.mutation``). The student side is derived from the import
   graph: every module reachable from the roots a notebook loads (``kitlib`` with ``setup()``, every
   module of ``kitlib.exercises`` (chapter modules are loaded by file), ``kitlib.widgets``, ``kitlib.data``);
3. private Keras and TensorFlow (``keras.src``, ``keras._tf_keras``, ``tf.keras.__internal__``,
   ``tensorflow.python``, and the private attributes :mod:`kitlib.keras_compat` wraps) appear only in
   ``kitlib/keras_compat.py``.

The tests at the end feed each rule a small synthetic package and show that it fails.

Example (what a rule returns)::

    graph = import_graph(ROOT / "kitlib")
    import_cycles(graph)                 # [] when the package has no circle
"""
from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.fast

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kitlib"

# The teacher's side: never loaded by a student's kernel.
TEACHER_SIDE = ("kitlib.grading", "kitlib.cli", "kitlib.doctor", "kitlib.lab", "kitlib.mutation")
# What a notebook loads: ``import kitlib; kitlib.setup()``, the exercises (chapter modules by file), widgets, data.
STUDENT_ROOTS = ("kitlib", "kitlib.exercises.*", "kitlib.widgets.*", "kitlib.data.*")
# Modules the student side must reach through the graph (a check that the derivation still sees them).
STUDENT_SIDE_EXPECTED = ("kitlib.environment", "kitlib.diagnose", "kitlib.modelinfo", "kitlib.verdicts",
                         "kitlib.keras_compat", "kitlib.exercises.core", "kitlib.exercises.session")

COMPAT_MODULE = "kitlib.keras_compat"
# Private attributes of Keras objects that kitlib.keras_compat wraps (read or written nowhere else).
PRIVATE_KERAS_ATTRIBUTES = frozenset({"_functional", "_nodes_by_depth", "_inbound_nodes", "_keras_history",
                                      "_initializer", "_pending_variables"})
_KERAS_ROOTS = {"keras", "tf_keras", "tensorflow", "tf"}
_PUBLIC_DUNDERS = {"__version__", "__name__", "__file__", "__path__", "__doc__", "__spec__", "__all__"}


# --------------------------------------------------------------------------- reading the source

@dataclass(frozen=True)
class Import:
    """One import statement of a module: what it imports, where, and how it reads."""

    source: str   # the importing module
    target: str   # the imported kitlib module (the deepest one that exists)
    line: int
    text: str     # the statement as written

    def __str__(self) -> str:
        return f"{self.source} line {self.line}: `{self.text}`"


def module_files(package_dir: Path) -> dict[str, Path]:
    """``{dotted module name: file}`` for every ``.py`` file of the package (``__init__`` as the package)."""
    base = package_dir.parent
    out = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(base).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The deepest existing module on the dotted path ``name`` (``a.b.func`` -> ``a.b``)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _statement_text(source_lines: list[str], node: ast.stmt | ast.expr) -> str:
    line = source_lines[node.lineno - 1].strip()
    return line if len(line) <= 120 else line[:117] + "..."


_WANTED = (ast.Import, ast.ImportFrom, ast.Call, ast.Attribute)


@functools.lru_cache(maxsize=None)
def _parsed(path: Path, stamp: int) -> tuple[list[ast.AST], list[str]]:
    source = path.read_text(encoding="utf-8")
    nodes = [n for n in ast.walk(ast.parse(source, filename=str(path))) if isinstance(n, _WANTED)]
    return nodes, source.splitlines()


def parsed(path: Path) -> tuple[list[ast.AST], list[str]]:
    """The nodes the rules look at (imports, calls, attributes) and the module's lines, read and walked
    once per version of the file."""
    return _parsed(path, path.stat().st_mtime_ns)


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """Every kitlib import of ``module``, at any depth (inside functions too), with ``importlib.import_module``
    and ``__import__`` of a literal name."""
    nodes, lines = parsed(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    root = next(iter(modules)).split(".")[0]
    found: list[Import] = []

    def add(name: str, node) -> None:
        target = _resolve(name, modules)
        if target and target != module:
            found.append(Import(module, target, node.lineno, _statement_text(lines, node)))

    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == root:
                    add(alias.name, node)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base.split(".")[0] != root:
                continue
            for alias in node.names:  # `from a import b`: b may be a module or a name in a
                add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base, node)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__") and node.args[0].value.split(".")[0] == root:
                add(node.args[0].value, node)
    return found


def import_graph(package_dir: Path) -> dict[str, list[Import]]:
    """``{module: [its imports of the package's modules]}`` for every module of the package."""
    modules = module_files(package_dir)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


# --------------------------------------------------------------------------- rule 1: no circles

def import_cycles(graph: dict[str, list[Import]]) -> list[list[Import]]:
    """Each import circle once, as the list of imports that close it (strongly connected components,
    one shortest circle per component)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    counter = [0]

    def strongconnect(start: str) -> None:  # Tarjan, iterative (no recursion limit on deep graphs)
        work = [(start, iter(graph.get(start, [])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            advanced = False
            for edge in edges:
                child = edge.target
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, []))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)

    for name in sorted(graph):
        if name not in index:
            strongconnect(name)
    cycles = []
    for component in components:
        self_loop = [e for m in component for e in graph.get(m, []) if e.target == m]
        if len(component) == 1 and not self_loop:
            continue
        seen_edges: set[tuple] = set()
        for start in sorted(component):  # one shortest circle through each member, each circle once
            cycle = _shortest_path(graph, start, {start}, within=component, at_least_one_step=True)
            key = frozenset((e.source, e.target, e.line) for e in cycle)
            if cycle and key not in seen_edges:
                seen_edges.add(key)
                cycles.append(cycle)
    return cycles


def _shortest_path(graph, start: str, goals: set[str], within: set[str] | None = None,
                   at_least_one_step: bool = False) -> list[Import]:
    """The imports of a shortest path from ``start`` to any of ``goals`` (breadth first)."""
    previous: dict[str, Import] = {}
    frontier = [start]
    seen = set() if at_least_one_step else {start}
    while frontier:
        following = []
        for node in frontier:
            for edge in graph.get(node, []):
                if within is not None and edge.target not in within or edge.target in seen:
                    continue
                seen.add(edge.target)
                previous[edge.target] = edge
                if edge.target in goals:
                    path, here = [edge], edge.source
                    while here != start:
                        path.insert(0, previous[here])
                        here = previous[here].source
                    return path
                following.append(edge.target)
        frontier = following
    return []


def describe_cycle(cycle: list[Import]) -> str:
    names = " -> ".join([cycle[0].source] + [e.target for e in cycle])
    return f"import circle {names}:\n" + "\n".join(f"    {edge}" for edge in cycle)


# --------------------------------------------------------------------------- rule 2: the student side

def _matches(module: str, prefixes) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def student_roots(modules, patterns=STUDENT_ROOTS) -> set[str]:
    """The modules a notebook loads directly: ``pkg.*`` is the package and every module under it."""
    roots = set()
    for pattern in patterns:
        if pattern.endswith(".*"):
            roots |= {m for m in modules if _matches(m, [pattern[:-2]])}
        elif pattern in modules:
            roots.add(pattern)
    return roots


def loaded_with(graph: dict[str, list[Import]]) -> dict[str, list[Import]]:
    """The graph with the packages Python runs on the way: importing ``a.b.c`` runs ``a/__init__``
    and ``a/b/__init__`` too."""
    out = {}
    for module, edges in graph.items():
        extra = []
        for edge in edges:
            parts = edge.target.split(".")
            for depth in range(1, len(parts)):
                parent = ".".join(parts[:depth])
                if parent in graph and parent != module:
                    extra.append(Import(module, parent, edge.line, edge.text))
        out[module] = list(edges) + extra
    return out


def student_side(graph: dict[str, list[Import]], patterns=STUDENT_ROOTS, teacher=TEACHER_SIDE) -> set[str]:
    """Every module reachable from the student roots (teacher-side modules exempt as roots only when they
    sit under a root package, which would itself be the error)."""
    loaded = loaded_with(graph)
    seen = set()
    frontier = sorted(student_roots(graph, patterns))
    while frontier:
        module = frontier.pop()
        if module in seen:
            continue
        seen.add(module)
        frontier.extend(e.target for e in loaded.get(module, []))
    return seen


def teacher_reaches(graph: dict[str, list[Import]], patterns=STUDENT_ROOTS, teacher=TEACHER_SIDE) -> list[str]:
    """One message per student-side module that is, or reaches, teacher-side code: the import path."""
    loaded = loaded_with(graph)
    roots = student_roots(graph, patterns)
    problems = []
    for root in sorted(roots):
        if _matches(root, teacher):
            problems.append(f"{root} is teacher-side code inside a student-side package")
            continue
        goals = {m for m in graph if _matches(m, teacher)}
        path = _shortest_path(loaded, root, goals)
        if path:
            problems.append(f"{root} reaches {path[-1].target} (teacher side):\n"
                            + "\n".join(f"    {edge}" for edge in path))
    return problems


# --------------------------------------------------------------------------- rule 3: private Keras

def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def is_private_keras_name(dotted: str) -> bool:
    """``keras.src...``, ``keras._tf_keras``, ``tf.keras.__internal__``, ``tensorflow.python...``: a dotted
    name into Keras or TensorFlow that is not their public API."""
    parts = dotted.split(".")
    if parts[0] not in _KERAS_ROOTS or len(parts) < 2:
        return False
    if parts[0] in ("keras", "tf_keras") and parts[1] == "src":
        return True
    if parts[0] in ("tensorflow", "tf") and parts[1] in ("python", "core", "compiler", "lite", "tsl"):
        return True
    return any(p.startswith("_") and p not in _PUBLIC_DUNDERS for p in parts[1:])


def private_keras_uses(module: str, path: Path) -> list[str]:
    """Every private Keras access of a module, as ``module line N: `text```."""
    nodes, lines = parsed(path)
    found = []
    for node in nodes:
        why = ""
        if isinstance(node, ast.Import):
            why = next((a.name for a in node.names if is_private_keras_name(a.name)), "")
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            why = next((n for n in names if is_private_keras_name(n)), "")
        elif isinstance(node, ast.Attribute):
            if node.attr in PRIVATE_KERAS_ATTRIBUTES:
                why = node.attr
            elif is_private_keras_name(_dotted(node)) and not is_private_keras_name(_dotted(node.value)):
                why = _dotted(node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("getattr", "hasattr", "setattr", "delattr") and len(node.args) >= 2 \
                and isinstance(node.args[1], ast.Constant) and node.args[1].value in PRIVATE_KERAS_ATTRIBUTES:
            why = node.args[1].value
        if why:
            found.append(f"{module} line {node.lineno}: `{_statement_text(lines, node)}` ({why})")
    return found


def private_keras_outside_compat(package_dir: Path, compat: str = COMPAT_MODULE) -> list[str]:
    out = []
    for module, path in module_files(package_dir).items():
        if module != compat:
            out.extend(private_keras_uses(module, path))
    return out


# --------------------------------------------------------------------------- the rules on kitlib

@pytest.fixture(scope="module")
def graph():
    return import_graph(PACKAGE)


def test_the_import_graph_is_read_with_function_level_imports(graph):
    assert len(graph) > 50
    targets = {e.target for e in graph["kitlib.cli"]}
    assert "kitlib.grading.course" in targets      # a module-level import
    assert "kitlib.doctor" in targets              # an import inside main()


def test_kitlib_has_no_import_circles(graph):
    cycles = import_cycles(graph)
    assert not cycles, "\n".join(describe_cycle(c) for c in cycles)


def test_the_student_side_is_derived_from_the_graph(graph):
    side = student_side(graph)
    missing = [m for m in STUDENT_SIDE_EXPECTED if m not in side]
    assert not missing, f"not reached from the student roots any more: {missing}"


def test_nothing_the_students_kernel_loads_reaches_the_teachers_code(graph):
    problems = teacher_reaches(graph)
    assert not problems, "\n".join(problems)


def test_private_keras_appears_only_in_keras_compat():
    uses = private_keras_outside_compat(PACKAGE)
    assert not uses, "private Keras outside kitlib/keras_compat.py:\n" + "\n".join(uses)


def test_keras_compat_is_where_the_private_keras_is():
    """The rule looks for what keras_compat really wraps: if it finds nothing there, it has gone blind."""
    uses = private_keras_uses(COMPAT_MODULE, PACKAGE / "keras_compat.py")
    assert any("keras.src" in u for u in uses) and any("_nodes_by_depth" in u for u in uses), uses


# --------------------------------------------------------------------------- each rule can fail

def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "kitlib"


def test_a_circle_through_a_function_level_import_is_found_and_named(tmp_path):
    package = _package(tmp_path, {
        "kitlib/__init__.py": "",
        "kitlib/a.py": "from kitlib import b\n",
        "kitlib/b.py": "def f():\n    from kitlib.c import g\n    return g\n",
        "kitlib/c.py": "import kitlib.a\n",
        "kitlib/d.py": "from . import a\n",
    })
    cycles = import_cycles(import_graph(package))
    assert len(cycles) == 1
    text = describe_cycle(cycles[0])
    assert "kitlib.a -> kitlib.b -> kitlib.c -> kitlib.a" in text
    assert "kitlib.b line 2: `from kitlib.c import g`" in text
    assert "kitlib.c line 1: `import kitlib.a`" in text


def test_relative_and_importlib_imports_count_and_a_clean_graph_has_no_circle(tmp_path):
    package = _package(tmp_path, {
        "kitlib/__init__.py": "import importlib\ndef f():\n    return importlib.import_module('kitlib.sub.x')\n",
        "kitlib/sub/__init__.py": "from .x import y\n",
        "kitlib/sub/x.py": "from ..leaf import z\ny = 1\n",
        "kitlib/leaf.py": "z = 2\n",
    })
    graph = import_graph(package)
    assert {e.target for e in graph["kitlib"]} == {"kitlib.sub.x"}
    assert {e.target for e in graph["kitlib.sub"]} == {"kitlib.sub.x"}
    assert {e.target for e in graph["kitlib.sub.x"]} == {"kitlib.leaf"}
    assert import_cycles(graph) == []
    package.joinpath("leaf.py").write_text("from kitlib.sub import x\n")
    assert import_cycles(import_graph(package))


def test_a_student_module_that_reaches_grading_is_named_with_its_import_path(tmp_path):
    package = _package(tmp_path, {
        "kitlib/__init__.py": "from kitlib.environment import setup\n",
        "kitlib/environment.py": "def setup():\n    pass\n",
        "kitlib/exercises/__init__.py": "from kitlib.exercises.core import check\n",
        "kitlib/exercises/core.py": "def check():\n    from kitlib import helper\n",
        "kitlib/helper.py": "import kitlib.grading.course\n",
        "kitlib/grading/__init__.py": "",
        "kitlib/grading/course.py": "",
        "kitlib/cli.py": "from kitlib.exercises import core\n",   # teacher -> student: allowed
    })
    graph = import_graph(package)
    problems = teacher_reaches(graph)
    assert problems and all("kitlib.grading.course" in p for p in problems)
    core = next(p for p in problems if p.startswith("kitlib.exercises.core reaches"))
    assert "kitlib.exercises.core line 2: `from kitlib import helper`" in core
    assert "kitlib.helper line 1: `import kitlib.grading.course`" in core
    assert "kitlib.helper" in student_side(graph) and "kitlib.cli" not in student_side(graph)
    package.joinpath("helper.py").write_text("")
    assert teacher_reaches(import_graph(package)) == []


def test_teacher_code_placed_inside_a_student_package_is_named(tmp_path):
    package = _package(tmp_path, {
        "kitlib/__init__.py": "",
        "kitlib/exercises/__init__.py": "",
        "kitlib/exercises/mutate.py": "def main():\n    from kitlib.cli import main\n",
        "kitlib/cli.py": "",
    })
    problems = teacher_reaches(import_graph(package))
    assert any("kitlib.exercises.mutate reaches kitlib.cli" in p and "line 2" in p for p in problems), problems
    problems = teacher_reaches(import_graph(package), teacher=TEACHER_SIDE + ("kitlib.exercises.mutate",))
    assert any("kitlib.exercises.mutate is teacher-side code" in p for p in problems), problems


@pytest.mark.parametrize("code, found", [
    ("from keras.src.backend.common import global_state\n", "keras.src.backend.common"),
    ("import keras\nx = keras.src.ops.node.Node\n", "keras.src"),
    ("import tensorflow as tf\nx = tf.keras.__internal__.utils\n", "tf.keras.__internal__"),
    ("from tensorflow.python.framework import ops\n", "tensorflow.python"),
    ("import keras._tf_keras\n", "keras._tf_keras"),
    ("def f(model):\n    return model._nodes_by_depth\n", "_nodes_by_depth"),
    ("def f(model):\n    return getattr(model, '_functional', None)\n", "_functional"),
    ("def f(v, i):\n    v._initializer = i\n", "_initializer"),
])
def test_private_keras_outside_keras_compat_is_named_with_its_line(tmp_path, code, found):
    package = _package(tmp_path, {"kitlib/__init__.py": "", "kitlib/widgets.py": "\n" + code,
                                  "kitlib/keras_compat.py": code})
    uses = private_keras_outside_compat(package)
    assert len(uses) == 1 and uses[0].startswith("kitlib.widgets line ") and f"({found}" in uses[0], uses


def test_public_keras_and_look_alike_names_are_not_private(tmp_path):
    package = _package(tmp_path, {"kitlib/__init__.py": "", "kitlib/ok.py": (
        "import keras\nimport tensorflow as tf\nfrom keras import layers\n"
        "x = keras.layers.Dense(2, kernel_initializer='ones')\ny = tf.keras.Sequential\n"
        "z = 'kernel_initializer'.endswith(('_initializer',))\nw = tf.config.threading\n")})
    assert private_keras_outside_compat(package) == []
