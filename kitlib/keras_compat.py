"""Every access the kit makes to private Keras 3 internals, in one small, tested place.

The kit needs a few things Keras has no public API for: the call graph of a
model (which layer call feeds which), the call records of a shared layer, the
pending-variable list of a ``StatelessScope`` and a variable's initialiser.
Each accessor below names the private attribute it reads, falls back to a safe
answer where that is possible, and has its own test in
``tests/test_keras_compat.py``, so a Keras minor release that moves one of
them breaks one tested function here instead of a student's chapter.

Graph vocabulary (Keras 3): a *node* is one call of a layer on symbolic
tensors (``keras.src.ops.node.Node``); a model built from ``keras.Input`` keeps
its nodes grouped by depth. Nodes are only ever handled through the functions
here (``node_layer``, ``node_inputs``, ``node_outputs``, ``node_parents``).

Example::

    from kitlib import keras_compat as kc
    for node in kc.graph_nodes(model):               # inputs first
        print(kc.node_layer(node).name, [t.shape for t in kc.node_outputs(node)])
"""
from __future__ import annotations

__all__ = [
    "graph_owner",
    "has_graph",
    "graph_nodes",
    "layer_call_nodes",
    "node_layer",
    "node_inputs",
    "node_outputs",
    "node_parents",
    "is_symbolic_tensor",
    "forget_uninitialized",
    "variable_initializer",
    "set_variable_initializer",
]


# --------------------------------------------------------------------------- the call graph
def graph_owner(model):
    """The object holding ``model``'s functional graph, or None when it has none.

    A Functional model holds its own graph; a built ``keras.Sequential`` keeps
    one in ``model._functional`` (None until it is built); a subclassed model
    has none.

    Example::

        graph_owner(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]))  # a Functional
    """
    functional = getattr(model, "_functional", None)  # private: built Sequential's graph
    if functional is not None and hasattr(functional, "_nodes_by_depth"):
        return functional
    if hasattr(model, "_nodes_by_depth"):  # private: a Functional model's graph
        return model
    return None


def has_graph(model) -> bool:
    """True for a model built from ``keras.Input`` (Functional, or a built Sequential).

    Example::

        has_graph(keras.Model(inputs, outputs))   # True
        has_graph(MySubclassedModel())            # False
    """
    return graph_owner(model) is not None


def graph_nodes(model) -> list:
    """The call nodes of ``model``'s graph, inputs first (empty for a model without a graph).

    Example::

        [node_layer(n).name for n in graph_nodes(model)]   # ['input_layer', 'dense', ...]
    """
    owner = graph_owner(model)
    if owner is None:
        return []
    by_depth = getattr(owner, "_nodes_by_depth", None) or {}  # private: {depth: [Node, ...]}
    return [node for depth in sorted(by_depth, reverse=True) for node in by_depth[depth]]


def layer_call_nodes(layer) -> list:
    """Every call node of ``layer`` in the order the calls were made (all models it is in).

    Example::

        len(layer_call_nodes(shared_embedding))   # 2 after two calls
    """
    return list(getattr(layer, "_inbound_nodes", None) or [])  # private: the layer's call records


def node_layer(node):
    """The layer (operation) that made the call ``node``.

    Example::

        node_layer(graph_nodes(model)[-1]) is model.layers[-1]   # True
    """
    return node.operation


def node_inputs(node) -> list:
    """The symbolic tensors the call ``node`` received (a list).

    Example::

        [t.shape for t in node_inputs(node)]   # [(None, 784)]
    """
    return list(node.input_tensors or [])


def node_outputs(node) -> list:
    """The symbolic tensors the call ``node`` produced (a list).

    Example::

        node_outputs(node)[0].shape            # (None, 64)
    """
    return list(node.output_tensors or [])


def node_parents(node) -> list:
    """The nodes whose outputs feed ``node`` (empty for an input).

    Example::

        [node_layer(p).name for p in node_parents(node)]   # ['input_layer']
    """
    return list(node.parent_nodes or [])


def is_symbolic_tensor(value) -> bool:
    """True for a symbolic tensor such as ``keras.Input(...)`` or a layer's output on one.

    Example::

        is_symbolic_tensor(keras.Input((3,)))   # True
        is_symbolic_tensor(np.zeros(3))         # False
    """
    import keras

    tensor_type = getattr(keras, "KerasTensor", None)
    if tensor_type is not None and isinstance(value, tensor_type):
        return True
    return hasattr(value, "_keras_history")  # private: older Keras 3 releases' marker


# --------------------------------------------------------------------------- variables
def forget_uninitialized(variables) -> int:
    """Drop ``variables`` from the list that a ``StatelessScope(initialize_variables=False)``
    keeps for a later initialisation; returns how many were dropped.

    A layer called inside such a scope only declares its weights; Keras records
    them so that they are created when the scope ends. A trial layer that is
    thrown away should not be created later: this takes its weights off the list.
    When the private list is not where it is expected, nothing is dropped (it
    costs only memory).

    Example::

        with keras.StatelessScope(initialize_variables=False):
            layer(keras.Input((3,)))
        forget_uninitialized(layer.weights)   # 2 (kernel and bias)
    """
    try:
        from keras.src.backend.common import global_state  # private module

        pending = global_state.get_global_attribute("uninitialized_variables")
    except (ImportError, AttributeError, TypeError):
        return 0
    if not isinstance(pending, list) or not pending:
        return 0
    ours = {id(v) for v in variables}
    kept = [v for v in pending if id(v) not in ours]
    dropped = len(pending) - len(kept)
    pending[:] = kept
    return dropped


def variable_initializer(variable):
    """The initialiser a ``keras.Variable`` was declared with (None when unknown).

    Example::

        variable_initializer(Dense(2).build((None, 3)) or layer.kernel)   # a GlorotUniform
    """
    return getattr(variable, "_initializer", None)  # private: kept until the value is created


def set_variable_initializer(variable, initializer) -> None:
    """Replace the initialiser of a variable that was declared but not yet created
    (inside ``StatelessScope(initialize_variables=False)``); its value comes from
    ``initializer`` when Keras creates it.

    Raises:
        AttributeError: the Keras release keeps the initialiser elsewhere
            (the caller then keeps Keras' own initialiser).

    Example::

        set_variable_initializer(model.variables[0], keras.initializers.Zeros())
    """
    if not hasattr(variable, "_initializer"):
        raise AttributeError(f"{type(variable).__name__} has no _initializer in this Keras release")
    variable._initializer = initializer  # private
