"""One test per accessor of kitlib.keras_compat: the kit's only contact with private Keras internals.

When a Keras release moves one of these internals, the matching test here fails
(and names the accessor), instead of a widget or a check in a student's chapter.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras import layers  # noqa: E402

from kitlib import keras_compat as kc  # noqa: E402


def functional_with_shared_layer():
    """Two inputs through one shared Dense, concatenated: a shared layer has two calls."""
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    shared = layers.Dense(3, name="shared")
    merged = layers.Concatenate(name="merge")([shared(a), shared(b)])
    return keras.Model([a, b], layers.Dense(1, name="out")(merged)), shared


class Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, x):
        return self.dense(x)


def test_graph_owner_and_has_graph():
    functional, _ = functional_with_shared_layer()
    assert kc.graph_owner(functional) is functional
    sequential = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    owner = kc.graph_owner(sequential)
    assert owner is not None and owner is not sequential
    assert [layer.name for layer in owner.layers][-1] == sequential.layers[-1].name
    assert kc.has_graph(functional) and kc.has_graph(sequential)
    assert not kc.has_graph(keras.Sequential([layers.Dense(2)]))  # unbuilt: no graph yet
    subclassed = Subclassed()
    subclassed(np.zeros((1, 3), "float32"))
    assert not kc.has_graph(subclassed) and kc.graph_owner(subclassed) is None


def test_graph_nodes_are_every_call_inputs_first():
    model, _ = functional_with_shared_layer()
    nodes = kc.graph_nodes(model)
    names = [kc.node_layer(n).name for n in nodes]
    assert sorted(names) == sorted(["a", "b", "shared", "shared", "merge", "out"])
    assert set(names[:2]) == {"a", "b"} and names[-1] == "out"
    assert kc.graph_nodes(keras.Sequential([layers.Dense(2)])) == []


def test_layer_call_nodes_in_call_order():
    model, shared = functional_with_shared_layer()
    calls = kc.layer_call_nodes(shared)
    assert len(calls) == 2
    first_input = kc.node_inputs(calls[0])[0]
    assert first_input is model.inputs[0]
    assert kc.layer_call_nodes(layers.Dense(2)) == []  # never called


def test_node_layer_inputs_outputs_parents():
    model, _ = functional_with_shared_layer()
    by_name = {kc.node_layer(n).name: n for n in kc.graph_nodes(model)}
    out = by_name["out"]
    assert kc.node_layer(out) is model.get_layer("out")
    assert tuple(kc.node_inputs(out)[0].shape) == (None, 6)
    assert kc.node_outputs(out)[0] is model.outputs[0]
    assert [kc.node_layer(p).name for p in kc.node_parents(out)] == ["merge"]
    assert kc.node_parents(by_name["a"]) == []


def test_is_symbolic_tensor():
    assert kc.is_symbolic_tensor(keras.Input((3,)))
    assert kc.is_symbolic_tensor(layers.Dense(2)(keras.Input((3,))))
    assert not kc.is_symbolic_tensor(np.zeros(3))
    assert not kc.is_symbolic_tensor(layers.Dense(2))


def test_forget_uninitialized_takes_only_the_given_variables_off_the_list():
    keep, trial = layers.Dense(2), layers.Dense(3)
    with keras.StatelessScope(initialize_variables=False):
        keep.build((None, 4))
        trial.build((None, 4))
        assert kc.forget_uninitialized(trial.weights) == 2
        assert kc.forget_uninitialized(trial.weights) == 0
    with keras.StatelessScope():
        pass  # leaving an initialising scope creates the variables still on the list
    # (``_value`` is Keras' private storage: read here only to see what was created)
    assert keep.kernel._value is not None
    assert trial.kernel._value is None


def test_variable_initializer_read_and_replace_before_creation():
    layer = layers.Dense(2, kernel_initializer="glorot_uniform")
    with keras.StatelessScope(initialize_variables=False):
        layer.build((None, 3))
        kernel = layer.kernel
        assert isinstance(kc.variable_initializer(kernel), keras.initializers.GlorotUniform)
        kc.set_variable_initializer(kernel, keras.initializers.Constant(0.5))
    with keras.StatelessScope():
        pass
    assert np.allclose(layer.kernel.numpy(), 0.5)
    with pytest.raises(AttributeError):
        kc.set_variable_initializer(object(), keras.initializers.Zeros())
    assert kc.variable_initializer(object()) is None
