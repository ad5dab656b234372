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


def test_a_model_repaired_in_place_must_keep_its_own_first_layer_object():
    before = dict(BEFORE, layers=[101, 102])  # stuck: its Conv2D, then the layer of a failed add()
    kept = dict(BEFORE, layers=[101, 201, 202])  # popped the failed layer, added two: the first is its own
    assert changes("stuck", before, kept, only=("first_layer",), itself=True) == []
    replaced = changes("stuck", before, dict(BEFORE, layers=[301, 201, 202]), only=("first_layer",), itself=True)
    assert "first layer is missing" in replaced[0] and "removed" in replaced[0]
    emptied = changes("stuck", before, dict(BEFORE, layers=[]), only=("first_layer",), itself=True)
    assert "removed" in emptied[0]
    moved = changes("stuck", before, dict(BEFORE, layers=[201, 101]), only=("first_layer",), itself=True)
    assert "moved" in moved[0]
    # Not compared unless named: a task that keeps a model's weights may well rebuild its layer list.
    assert changes("base", before, dict(BEFORE, layers=[301]), itself=True) == []


def test_a_folder_is_fingerprinted_by_its_files_and_only_its_name_counts_under_the_folder_aspect(tmp_path):
    import os

    (tmp_path / "sub").mkdir()
    (tmp_path / "a.keras").write_bytes(b"12345")
    (tmp_path / "sub" / "b.h5").write_bytes(b"1")
    os.symlink(tmp_path / "a.keras", tmp_path / "link.keras")
    before = fingerprint(tmp_path)
    assert set(before["files"]) == {"a.keras", "sub/b.h5"} and before["files"]["a.keras"][1] == 5
    (tmp_path / "c.keras").write_bytes(b"xy")
    after = fingerprint(tmp_path)
    assert set(after["files"]) - set(before["files"]) == {"c.keras"}
    assert changes("save_dir", before, after, only=("folder",), itself=True) == []  # writing into it is the task
    other = fingerprint(tmp_path / "sub")
    assert "`save_dir` now names another object" in changes("save_dir", before, other, only=("folder",),
                                                              itself=True)[0]
    assert fingerprint(tmp_path / "nothing")["files"] is None
