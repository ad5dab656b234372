"""The trusted re-check: verdicts in a forked, limited child, and the warm server kit grade keeps per slot."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from kitlib.exercises.core import REGISTRY, Exercise, expect
from kitlib.exercises import answers
from kitlib.grading import sandbox, verify
from kitlib.grading.grade import Verifier

FIXTURES = Path(__file__).parent / "fixtures"


def _is_seven(answer):
    expect(answer == 7, "the answer", 7, answer)


def _spins(answer):
    while True:
        pass


@pytest.fixture
def exercises():
    """Two throw-away exercises registered for this test only."""
    known = REGISTRY._load()
    added = {"vt_seven": Exercise("vt_seven", title="Seven", points=1, checks=[_is_seven]),
             "vt_spin": Exercise("vt_spin", title="Spin", points=1, checks=[_spins])}
    known.update(added)
    yield added
    for key in added:
        known.pop(key, None)


def test_child_gives_the_same_verdicts_as_in_process(tmp_path, exercises):
    answers.encode(7, tmp_path, "vt_seven")
    in_process = verify.recheck(tmp_path, ["vt_seven", "vt_missing"])
    assert in_process["vt_seven"]["status"] == "passed"
    assert in_process["vt_missing"]["status"] == "missing"
    assert verify.recheck_in_child(tmp_path, ["vt_seven", "vt_missing"], 4096, 60) == in_process
    answers.encode(8, tmp_path, "vt_seven")
    assert verify.recheck_in_child(tmp_path, ["vt_seven"], 4096, 60)["vt_seven"]["status"] == "failed"


def test_a_check_that_never_ends_is_stopped_by_the_cpu_limit(tmp_path, exercises):
    answers.encode(1, tmp_path, "vt_spin")
    verdict = verify.recheck_in_child(tmp_path, ["vt_spin"], 4096, 1)["vt_spin"]
    assert verdict["status"] == "error" and "stopped" in verdict["message"]


def test_unexportable_answer_is_unverifiable(tmp_path, exercises):
    assert answers.encode(lambda: 7, tmp_path, "vt_seven") == "unsupported"
    assert verify.recheck(tmp_path, ["vt_seven"])["vt_seven"]["status"] == "unverifiable"


def test_warm_server_answers_many_requests_and_restarts_after_a_kill(tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_EXERCISE_MODULES", "mini_exercises")
    monkeypatch.setenv("PYTHONPATH", str(FIXTURES) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    good, bad = tmp_path / "good", tmp_path / "bad"
    answers.encode(5, good, "mini_sum")
    answers.encode(4, bad, "mini_sum")
    # kit grade gives the server a CPU hard limit below the children's default: they must fit under it
    server = Verifier(tmp_path, [], sandbox.Limits(cpu_seconds=100), use_bwrap=sandbox.availability()[0])
    try:
        assert server.check(good, ["mini_sum"])["mini_sum"]["status"] == "passed"
        assert server.check(bad, ["mini_sum"])["mini_sum"]["status"] == "failed"
        first = server.proc.pid
        assert server.check(good, ["mini_sum"])["mini_sum"]["status"] == "passed"
        assert server.proc.pid == first  # warm: one server for all requests
        server.close(kill=True)
        assert server.check(good, ["mini_sum"])["mini_sum"]["status"] == "passed"  # started again
    finally:
        server.close()


# ------------------------------------------------------------------ records, hidden parts and evidence

def _hidden_course(tmp_path):
    folder = tmp_path / "hidden" / "part"
    folder.mkdir(parents=True)
    (folder / "vt.py").write_text(
        "from kitlib.exercises.core import expect\n"
        "from kitlib.exercises.hidden import Hidden\n"
        "def no_floats(record):\n"
        "    expect(isinstance(record, int), 'a whole number', 'int', type(record).__name__)\n"
        "HIDDEN = [Hidden('vt_seven', checks=[no_floats])]\n")
    return tmp_path / "hidden"


def test_hidden_checks_run_only_in_the_recheck_and_failures_say_it_disagreed(tmp_path, exercises):
    hidden_dir = _hidden_course(tmp_path)
    answers.encode(7.0, tmp_path / "a", "vt_seven", kit={"version": 2, "hidden": False, "seed": None,
                                                         "kernel": "passed", "evidence": []})
    assert verify.recheck(tmp_path / "a", ["vt_seven"])["vt_seven"]["status"] == "passed"
    verdict = verify.recheck(tmp_path / "a", ["vt_seven"], hidden=hidden_dir)["vt_seven"]
    assert verdict["status"] == "failed" and verdict["message"].startswith("re-check disagreed: ")
    assert "a whole number" in verdict["message"] and "tampering" not in verdict["message"]


def test_tampering_is_named_only_with_evidence(tmp_path, exercises):
    answers.encode(8, tmp_path, "vt_seven", kit={"evidence": ["the checks of vt_seven were replaced"]})
    verdict = verify.recheck(tmp_path, ["vt_seven"])["vt_seven"]
    assert verdict["status"] == "failed" and verdict["message"].startswith("tampering: the checks of vt_seven")
    assert verdict["evidence"] == ["the checks of vt_seven were replaced"]


def test_hidden_records_made_with_another_seed_are_refused(tmp_path, exercises):
    answers.encode(7, tmp_path, "vt_seven")
    answers.encode(7, tmp_path, "vt_seven.hidden", kit={"hidden": True, "seed": 5})
    assert verify.recheck(tmp_path, ["vt_seven"], seed=5)["vt_seven"]["status"] == "passed"
    verdict = verify.recheck(tmp_path, ["vt_seven"], seed=6)["vt_seven"]
    assert verdict["status"] == "failed" and "tampering" in verdict["message"]


def test_the_server_reads_hidden_and_seed_from_the_request(tmp_path, monkeypatch):
    import json
    import subprocess

    monkeypatch.setenv("KIT_EXERCISE_MODULES", "mini_exercises")
    env = dict(os.environ, PYTHONPATH=str(FIXTURES) + os.pathsep + str(Path(__file__).resolve().parent.parent))
    hidden_dir = tmp_path / "hidden" / "mini"
    hidden_dir.mkdir(parents=True)
    (hidden_dir / "mini.py").write_text(
        "from kitlib.exercises.core import expect\nfrom kitlib.exercises.hidden import Hidden\n"
        "HIDDEN = [Hidden('mini_sum', checks=[lambda r: expect(r != 5, 'not five')])]\n")
    answers.encode(5, tmp_path / "a", "mini_sum")
    server = subprocess.Popen([sys.executable, "-m", "kitlib.grading.verify", "--serve"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert json.loads(server.stdout.readline()) == {"ready": True}
        for hidden, status in ((None, "passed"), (str(tmp_path / "hidden"), "failed")):
            server.stdin.write(json.dumps({"dir": str(tmp_path / "a"), "ids": ["mini_sum"], "hidden": hidden,
                                           "seed": 3}) + "\n")
            server.stdin.flush()
            assert json.loads(server.stdout.readline())["mini_sum"]["status"] == status
    finally:
        server.stdin.close()
        server.wait(timeout=60)
