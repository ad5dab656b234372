"""The trusted re-check's judgement: decoded records judged with the visible and the hidden checks.

:mod:`kitlib.grading.verify` runs this in a fresh, limited process (the warm
server of ``kit grade``); ``kit test-exercises`` and the kit's tests call it
directly. It never runs student code: records are read with
:func:`kitlib.exercises.answers.decode` and judged by the exercise's own checks
plus the course-side :class:`~kitlib.exercises.hidden.Hidden` checks.

Verdicts per exercise id: ``{"status": "passed" | "failed" | "missing" |
"unverifiable" | "error", "message": str, "evidence": [str, ...]}``.

- "passed": every record of the grade cell (the visible one and the one made
  with hidden probes) passes the visible and the hidden checks;
- "failed": the message starts with "re-check disagreed: " and says why in the
  student's terms (a given object changed or re-used, as the grade cell saw and recorded it,
  included: see :mod:`kitlib.exercises.given_state`); "tampering: " only with evidence (kitlib objects replaced in
  the notebook, or hidden probes recorded with another seed than ``kit grade``
  gave), listed in ``evidence``;
- "missing": no record (the grade cell did not record: it did not run, or
  ``grade`` itself was replaced, which the message then says);
- "unverifiable": the answer could not be recorded, or its record cannot be
  read (sent to manual grading);
- "error": the re-check itself failed (a kit problem, never the student's).

Example::

    recheck(Path("answers"), ["seq02_new_head"], hidden_dir=Path("course/hidden"), seed=1234)
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from kitlib.exercises import answers, core
from kitlib.exercises.core import Exercise, Feedback


def _message(feedback: Feedback) -> str:
    return " ".join(p.text() for p in feedback.problems) or feedback.status


def recheck(directory: Path, exercise_ids: list[str], hidden_dir: Path | str | None = None,
            seed: int | None = None) -> dict[str, dict[str, Any]]:
    """Verdict per exercise id (see the module docstring)."""
    from kitlib.exercises.hidden import load

    specs = load(hidden_dir) if hidden_dir else {}
    return {eid: _verdict(Path(directory), eid, specs.get(eid), seed) for eid in exercise_ids}


def _verdict(directory: Path, exercise_id: str, spec: Any, seed: int | None) -> dict[str, Any]:
    names = [n for n in (exercise_id, f"{exercise_id}.hidden") if (directory / f"{n}.json").is_file()]
    if not names:
        return {"status": "missing", "evidence": [],
                "message": "no answer was recorded by the grade cell (it did not run, or grade() was replaced)"}
    try:
        exercise = core.REGISTRY.get(exercise_id)
    except KeyError as error:
        return {"status": "unverifiable", "message": str(error), "evidence": []}
    evidence: list[str] = []
    problems: list[str] = []
    for name in names:
        try:
            meta = answers.read_meta(directory, name)
            record = answers.decode(directory, name)
        except answers.Unsupported as why:
            return {"status": "unverifiable", "message": f"the answer could not be recorded ({why})",
                    "evidence": evidence}
        except Exception as error:  # noqa: BLE001 - e.g. a model with a layer defined in the notebook
            return {"status": "unverifiable", "evidence": evidence,
                    "message": f"the recorded answer cannot be read outside the notebook ({type(error).__name__})"}
        evidence += [e for e in (meta.get("evidence") or []) if isinstance(e, str) and e not in evidence]
        hidden = name.endswith(".hidden")
        recorded_seed = meta.get("seed") if isinstance(meta.get("seed"), int) else None
        if hidden and seed is not None and recorded_seed is not None and recorded_seed != seed:
            evidence.append(f"the hidden probes were recorded with seed {recorded_seed}, not the one kit grade gave")
            problems.append("the hidden probes were not the ones kit grade chose")
            continue
        given = _given_problem(exercise, meta.get("given"))
        if given:
            problems.append(given)
            continue
        feedback = _judge(exercise, record, hidden, recorded_seed if hidden else None, spec)
        if feedback.kit_problem:
            return {"status": "error", "message": f"the re-check could not judge the answer: {_message(feedback)}",
                    "evidence": evidence}
        if not feedback.passed:
            problems.append(_message(feedback))
    if problems:
        head = "tampering: " + "; ".join(evidence) + "; re-check: " if evidence else "re-check disagreed: "
        return {"status": "failed", "message": (head + problems[0])[:600], "evidence": evidence}
    return {"status": "passed", "message": "re-check passed", "evidence": evidence}


def _given_problem(exercise: Exercise, seen: Any) -> str | None:
    """The given-object problem the grade cell saw (:func:`kitlib.exercises.given_state.problem` on the data it
    recorded, judged again here). The data comes from the student's kernel: it can only add the problem the
    kernel check also found; a record without it, or with a forged "unchanged", is judged on its answer alone,
    as before the data was recorded."""
    if not (exercise.keep_given or exercise.new_object):
        return None
    from kitlib.exercises import given_state

    return given_state.problem(exercise.variable or "your answer", seen, exercise.keep_given, exercise.new_object,
                               exercise.given_may_change, exercise.keep_aspects)


def _judge(exercise: Exercise, record: Any, hidden: bool, seed: int | None, spec: Any) -> Feedback:
    if exercise.legacy or exercise.prepare is None:
        # Exercises written before records (and test fixtures): the record is the answer itself.
        return exercise.evaluate_prepared(record, hidden=True, seed=seed, spec=spec)
    return exercise.evaluate_prepared(record, hidden=hidden, seed=seed, spec=spec)


def needs_keras(directory: Path, exercise_ids: list[str]) -> bool:
    """Whether judging these answers imports Keras (a model or tensor in a record, or a check that says so)."""
    import json

    for exercise_id in exercise_ids:
        try:
            if core.REGISTRY.get(exercise_id).judge_needs_keras or core.REGISTRY.get(exercise_id).legacy:
                if (Path(directory) / f"{exercise_id}.json").is_file():
                    return True
        except KeyError:
            pass
        for name in (exercise_id, f"{exercise_id}.hidden"):
            meta = Path(directory) / f"{name}.json"
            try:
                if meta.stat().st_size > 2**20:
                    return True
                data = json.loads(meta.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            kind = data.get("kind") if isinstance(data, dict) else None
            if kind in ("keras", "keras-config") or kind == "bundle" and data.get("models"):
                return True
            if kind == "bundle" and "__keras_tensor__" in json.dumps(data.get("value")) \
                    or kind == "bundle" and "__history__" in json.dumps(data.get("value")):
                return True
    return False
