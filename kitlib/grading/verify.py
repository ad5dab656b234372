"""The trusted re-check: run an exercise's checks on exported answers in a fresh process.

``python -m kitlib.grading.verify ANSWER_DIR ID [ID ...]`` prints one JSON
object: ``{id: {"status": "passed" | "failed" | "missing" | "unverifiable",
"message": str}}``. No student code runs here: answers are read with
:func:`kitlib.grading.answers.decode` (no pickle, Keras ``safe_mode``).

Example::

    recheck(Path("answers"), ["mini_sum"])   # {'mini_sum': {'status': 'passed', 'message': '...'}}
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from kitlib.grading.answers import Unsupported, decode


def recheck(directory: Path, exercise_ids: list[str]) -> dict[str, dict[str, str]]:
    """Verdict per exercise id (see module docstring)."""
    from kitlib.exercises.core import REGISTRY

    results: dict[str, dict[str, str]] = {}
    for exercise_id in exercise_ids:
        if not (Path(directory) / f"{exercise_id}.json").is_file():
            results[exercise_id] = {"status": "missing", "message": "no answer was recorded by the grade cell"}
            continue
        try:
            exercise = REGISTRY.get(exercise_id)
        except KeyError as error:
            results[exercise_id] = {"status": "unverifiable", "message": str(error)}
            continue
        try:
            subject = decode(directory, exercise_id)
        except Unsupported as why:
            results[exercise_id] = {"status": "unverifiable", "message": f"answer not exportable ({why})"}
            continue
        except Exception as error:  # e.g. a model with a custom layer defined in the notebook
            results[exercise_id] = {"status": "unverifiable",
                                    "message": f"recorded answer not readable outside the notebook: "
                                               f"{type(error).__name__}: {error}"[:300]}
            continue
        feedback = exercise.evaluate_prepared(subject, hidden=True)
        results[exercise_id] = {"status": "passed" if feedback.passed else "failed",
                                "message": " ".join(line.strip() for line in feedback.lines())[:400]}
    return results


def main(argv: list[str]) -> int:
    directory, ids = Path(argv[0]), argv[1:]
    print(json.dumps(recheck(directory, ids)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
