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

from exercise_gallery.harness import Kernel, Notebook, Verifier, findings, run_case


def run(part: str, only: str = "") -> list[dict]:
    gallery = importlib.import_module(f"exercise_gallery.{part}")
    hidden = gallery.CHAPTERS.parent.parent / "hidden" / part
    verifier = Verifier(hidden if hidden.is_dir() else None)
    kernel = Kernel()
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
                outcome = run_case(case, notebooks[name], verifier, kernel)
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
    stale = [r for r in rows if r["kind"] == "stale"]
    verdict = {"honest answer refused by check", "honest answer refused by grade cell",
               "honest answer refused by hidden grade cell", "honest answer refused by re-check",
               "honest answer unverifiable at re-check", "honest answer not recorded for the re-check",
               "re-check error", "kit crash", "wrong answer gets full points", "wrong answer passes the visible check",
               "gallery case broken"}
    bad_right = [r for r in right if any(c in verdict for c, _ in r["findings"])]
    full = [r for r in wrong if any(c == "wrong answer gets full points" for c, _ in r["findings"])]
    visible = [r for r in wrong if any(c in ("wrong answer gets full points", "wrong answer passes the visible check")
                                       for c, _ in r["findings"])]
    lines = [f"cases: {len(rows)} ({len(right)} right, {len(wrong)} wrong, {len(stale)} stale) in "
             f"{len({r['exercise'] for r in rows})} exercises",
             f"honest answers judged wrongly somewhere: {len(bad_right)}/{len(right)}",
             f"wrong answers with full points: {len(full)}/{len(wrong)}",
             f"wrong answers passing the visible check: {len(visible)}/{len(wrong)}",
             f"raising answer cells judged wrongly: {len([r for r in stale if r['findings']])}/{len(stale)}"]
    counts = collections.Counter(c for r in rows for c, _ in r["findings"])
    lines.append("findings by class:")
    lines += [f"  {n:4d}  {c}" for c, n in counts.most_common()]
    return "\n".join(lines)


def known_module(rows: list[dict]) -> str:
    """The text of ``known.py``: case id -> the finding classes of every case with findings."""
    lines = ['"""Gallery cases that the checks judge wrongly today (written by exercise_gallery.report --write-known).',
             "",
             "case id -> the finding classes reported. The port to the new framework empties this table.",
             '"""',
             "",
             "KNOWN: dict[str, tuple[str, ...]] = {"]
    for row in rows:
        if row["findings"]:
            classes = tuple(sorted({c for c, _ in row["findings"]}))
            one = f"    {row['id']!r}: {classes!r},"
            if len(one) <= 115:
                lines.append(one)
            else:
                lines += [f"    {row['id']!r}: ("] + [f"        {c!r}," for c in classes] + ["    ),"]
    return "\n".join(lines + ["}"]) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m exercise_gallery.report")
    parser.add_argument("part")
    parser.add_argument("--only", default="")
    parser.add_argument("--json", default="")
    parser.add_argument("--write-known", default="", help="write the KNOWN table of the cases with findings")
    args = parser.parse_args(argv)
    import kitlib

    kitlib.setup(quiet=True)
    rows = run(args.part, args.only)
    print(summary(rows))
    if args.write_known:
        with open(args.write_known, "w", encoding="utf-8") as handle:
            handle.write(known_module(rows))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
