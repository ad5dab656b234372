"""kitlib.exercises.given_state.changes: what a task itself does to a kept given object is not reported,
and the advice fits a task that works with the given object itself (no TensorFlow: plain fingerprints)."""
from __future__ import annotations

import pytest

from kitlib.exercises.given_state import changes, fingerprint

pytestmark = pytest.mark.fast

BEFORE = {"id": 1, "type": "Functional", "weights": "w0", "trainable": [True, True], "compiled": True,
          "optimizer": 11, "steps": 0}


def test_compiling_again_is_reported_unless_the_task_asks_for_it():
    after = dict(BEFORE, optimizer=12)
    assert "compiled again" in changes("model_sm", BEFORE, after)[0]
    assert changes("model_sm", BEFORE, after, allowed=("compiled",), itself=True) == []


def test_training_after_an_allowed_compile_is_still_named():
    after = dict(BEFORE, optimizer=12, steps=3, weights="w1")
    found = changes("model_sm", BEFORE, after, allowed=("compiled",), itself=True)
    assert found[0].startswith("the given `model_sm` was trained again (its optimizer took 3 more steps)")


def test_a_model_never_compiled_then_compiled_and_trained_is_named_trained():
    before = dict(BEFORE, compiled=False, optimizer=None, steps=None)
    after = dict(BEFORE, optimizer=12, steps=2, weights="w1")
    assert "was trained" in changes("m_a", before, after, itself=True)[0]


def test_weights_and_flags_of_a_given_object_used_itself():
    assert "weights of the given `m_a` changed" in changes("m_a", BEFORE, dict(BEFORE, weights="w1"), itself=True)[0]
    frozen = changes("query_embedding", BEFORE, dict(BEFORE, trainable=[True, False]), itself=True)[0]
    assert "frozen" in frozen and "new object" not in frozen


def test_the_advice_depends_on_whether_the_task_asks_for_a_new_object():
    moved = dict(BEFORE, id=2)
    assert "work on a new object" in changes("base", BEFORE, moved)[0]
    own = changes("model_sm", BEFORE, moved, allowed=("compiled",), itself=True)[0]
    assert "assigned `model_sm` again" in own and "notebook's own `model_sm`" in own
    assert "new object" not in own


def test_a_big_array_is_fingerprinted_from_a_sample_that_still_sees_a_change():
    np = pytest.importorskip("numpy")
    big = np.zeros((4096, 1024), dtype="float32")   # 4 M values: sampled by rows
    before = fingerprint(big)["values"]
    assert fingerprint(big.copy())["values"] == before
    big += 0.5   # what training or set_weights does: every row changes
    assert fingerprint(big)["values"] != before
    assert fingerprint(np.zeros((4096, 1024), dtype="float64"))["values"] != before   # dtype counts
    assert fingerprint(np.zeros(3_000_000))["values"] != fingerprint(np.ones(3_000_000))["values"]   # long 1-D
