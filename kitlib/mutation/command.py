"""``kit test-exercises`` (:func:`run_test_exercises`) and ``python -m kitlib.mutation`` (:func:`main`):
``worker NOTEBOOK OUT`` (one notebook's variants, for :func:`kitlib.mutation.runner.run_course`) and
``digest SALT VALUE`` (the salted digest a predict-it exercise stores).

Example::

    python -m kitlib.mutation digest demo_predict_shape "(None, 7, 7, 3)"
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

from kitlib.mutation.mutants import MIN_MUTANTS
from kitlib.mutation.report import Progress, format_report, too_few_mutants, totals
from kitlib.mutation.runner import run_course, run_worker


def run_test_exercises(args: argparse.Namespace) -> int:
    """``kit test-exercises [ASSIGNMENT ...] [--course DIR] [--jobs N] [--only ID] [--no-mutants]``.

    Exits 1 when a check misbehaves (see :func:`kitlib.mutation.report.judge`) or, with mutants, when an
    exercise gets fewer than :data:`~kitlib.mutation.mutants.MIN_MUTANTS` semantic mutants (listed above
    the totals line)."""
    start = time.monotonic()
    jobs = args.jobs or min(2, os.cpu_count() or 1)
    with Progress() as progress:
        reports = run_course(Path(args.course), list(args.assignments or []), jobs=jobs,
                             only=set(args.only) if args.only else None, mutants=not args.no_mutants,
                             progress=progress)
    seconds = time.monotonic() - start
    minimum = 0 if args.no_mutants else MIN_MUTANTS
    print(format_report(reports, seconds, verbose=args.verbose, minimum=minimum))
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in reports], indent=1), encoding="utf-8")
    t = totals(reports)
    return 1 if t.failures or not reports or too_few_mutants(reports, minimum) else 0


USAGE = """usage: python -m kitlib.mutation worker NOTEBOOK OUT [--hidden DIR] [--seed N] [--only ID] [--no-mutants]
       python -m kitlib.mutation digest SALT VALUE   (VALUE: a Python literal)
(the teacher's command is `kit test-exercises`)"""


def main(argv: list[str] | None = None) -> int:
    """``python -m kitlib.mutation worker ...`` / ``digest ...``; anything else: the usage, exit status 2."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["worker"]:
        parser = argparse.ArgumentParser(prog="python -m kitlib.mutation worker")
        parser.add_argument("worker")
        parser.add_argument("notebook", type=Path)
        parser.add_argument("out", type=Path)
        parser.add_argument("--hidden", type=Path, default=None)
        parser.add_argument("--seed", type=int, default=1234)
        parser.add_argument("--only", action="append", default=None)
        parser.add_argument("--no-mutants", action="store_true")
        args = parser.parse_args(argv)
        with open(args.out, "w", encoding="utf-8") as out:  # one JSON line per exercise, as it finishes

            def emit(report: dict) -> None:
                out.write(json.dumps(report) + "\n")
                out.flush()

            run_worker(args.notebook, args.hidden, args.seed, set(args.only) if args.only else None,
                       not args.no_mutants, emit=emit)
            emit({"done": True})
        sys.stdout.flush()
        os._exit(0)  # skip TensorFlow's slow teardown
    if argv[:1] == ["digest"] and len(argv) == 3:
        from kitlib.exercises.values import digest

        print(digest(ast.literal_eval(argv[2]), argv[1]))
        return 0
    print(USAGE, file=sys.stderr)
    return 2
