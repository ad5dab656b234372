"""Run a gallery and print its findings, grouped by class, with counts.

    cd WORKTREE && KITLIB_OFFLINE=1 PYTHONPATH=$PWD:tests python -m exercise_gallery.report functional_api \
        [--only fn05] [--json findings.json]
"""
from __future__ import annotations

import argparse
import collections
import importlib
import json
import sys
import time

from exercise_gallery.harness import Notebook, Verifier, findings, run_case


def run(part: str, only: str = "") -> list[dict]:
    gallery = importlib.import_module(f"exercise_gallery.{part}")
    hidden = gallery.CHAPTERS.parent.parent / "hidden" / part
    verifier = Verifier(hidden if hidden.is_dir() else None)
    notebooks: dict[str, Notebook] = {}
    rows = []
    try:
        for case in gallery._all_cases():
            if only and not case.exercise.startswith(tuple(only.split(","))):
                continue
            name = gallery.notebook_of(case.exercise)
            if name not in notebooks:
                notebooks.clear()  # one notebook's context at a time (VGG19 is big)
                notebooks[name] = Notebook(gallery.CHAPTERS / name, gallery.SKIP)
            started = time.time()
            try:
                outcome = run_case(case, notebooks[name], verifier)
                found = findings(case, outcome)
                stages = {k: (getattr(outcome, k).status if getattr(outcome, k) else None)
                          for k in ("check", "grade_visible", "grade_hidden", "recheck")}
                message = outcome.check.text
            except Exception as error:  # the case itself is broken: say so loudly
                found = [("gallery case broken", f"{type(error).__name__}: {error}"[:300])]
                stages, message = {}, ""
            rows.append({"id": case.id, "exercise": case.exercise, "kind": case.kind, "variant": case.variant,
                         "findings": found, "stages": stages, "message": message,
                         "seconds": round(time.time() - started, 1)})
            status = "ok" if not found else "; ".join(f"{c}: {d}" for c, d in found)
            print(f"{case.id:60s} {rows[-1]['seconds']:5.1f}s  {status}", flush=True)
    finally:
        verifier.close()
    return rows


def summary(rows: list[dict]) -> str:
    right = [r for r in rows if r["kind"] == "right"]
    wrong = [r for r in rows if r["kind"] == "wrong"]
    verdict = {"honest answer refused by check", "honest answer refused by grade cell",
               "honest answer refused by hidden grade cell", "honest answer refused by re-check",
               "honest answer unverifiable at re-check", "honest answer not recorded for the re-check",
               "re-check error", "kit crash", "wrong answer gets full points", "wrong answer passes the visible check",
               "gallery case broken"}
    bad_right = [r for r in right if any(c in verdict for c, _ in r["findings"])]
    full = [r for r in wrong if any(c == "wrong answer gets full points" for c, _ in r["findings"])]
    visible = [r for r in wrong if any(c in ("wrong answer gets full points", "wrong answer passes the visible check")
                                       for c, _ in r["findings"])]
    lines = [f"cases: {len(rows)} ({len(right)} right, {len(wrong)} wrong) in "
             f"{len({r['exercise'] for r in rows})} exercises",
             f"honest answers judged wrongly somewhere: {len(bad_right)}/{len(right)}",
             f"wrong answers with full points: {len(full)}/{len(wrong)}",
             f"wrong answers passing the visible check: {len(visible)}/{len(wrong)}"]
    counts = collections.Counter(c for r in rows for c, _ in r["findings"])
    lines.append("findings by class:")
    lines += [f"  {n:4d}  {c}" for c, n in counts.most_common()]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m exercise_gallery.report")
    parser.add_argument("part")
    parser.add_argument("--only", default="")
    parser.add_argument("--json", default="")
    args = parser.parse_args(argv)
    import kitlib

    kitlib.setup(quiet=True)
    rows = run(args.part, args.only)
    print(summary(rows))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
