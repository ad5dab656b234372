"""Verdicts and the printed report of ``kit test-exercises``: :func:`judge` says, per variant, whether
the checks did what they must (references and equivalents pass, wrong answers and mutants fail, the
re-check agrees); :func:`format_report` prints the table per exercise and the final totals line.

Example::

    judge(report, spec)
    print(format_report([report], seconds=12.0))   # ... mutants rejected 23/23 · equivalents accepted ...
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kitlib.mutation.variants import ExerciseReport, Outcome


def _names_property(outcome: Outcome) -> bool:
    text = f"{outcome.message} {outcome.raised}".lower()
    return any(word.lower() in text for word in outcome.variant.keywords)


def judge(report: ExerciseReport, spec: Any) -> None:
    """Set each outcome's verdict ("ok", "FAIL" with why, or "declared")."""
    declared = dict(getattr(spec, "equivalent_mutants", {}) or {})
    for outcome in report.outcomes:
        role, passed = outcome.variant.role, outcome.passed
        recheck_passed = outcome.recheck == "passed"
        problems = []
        if role in ("reference", "other", "equivalent"):
            if not passed:
                problems.append(f"refused: {outcome.message or outcome.status}")
            if outcome.hidden_status and outcome.hidden_status != "passed":
                problems.append(f"hidden part refused: {outcome.message}")
            if not recheck_passed:
                problems.append(f"the re-check refused: {outcome.recheck_message}")
        elif role == "placeholder":
            if outcome.status != "not attempted":
                problems.append(f"not 'not attempted' but {outcome.status}")
        elif role == "wrong":
            if passed:
                problems.append("passed")
            elif outcome.variant.fragment not in f"{outcome.message} {outcome.raised}":
                problems.append(f"message lacks {outcome.variant.fragment!r}: {outcome.message}")
            if passed and recheck_passed:
                problems.append("the re-check passed it too")
        elif role == "mutant":
            if outcome.variant.mutant_id in declared:
                outcome.verdict, outcome.why = "declared", declared[outcome.variant.mutant_id]
                continue
            if passed:
                problems.append("survived")
            if passed and not recheck_passed:
                problems.append("the re-check disagrees with the grade cell")
        if not passed and recheck_passed and role != "placeholder" and outcome.recheck != "missing":
            problems.append("the re-check passed what the grade cell refused")
        outcome.verdict = "FAIL" if problems else "ok"
        outcome.why = "; ".join(problems)


@dataclass
class Totals:
    mutants: int = 0
    rejected: int = 0
    named: int = 0
    declared: int = 0
    equivalents: int = 0
    accepted: int = 0
    failures: int = 0


def totals(reports: list[ExerciseReport]) -> Totals:
    t = Totals()
    for report in reports:
        if report.problem:
            t.failures += 1
        for outcome in report.outcomes:
            role = outcome.variant.role
            if role == "mutant":
                if outcome.verdict == "declared":
                    t.declared += 1
                    continue
                t.mutants += 1
                if not outcome.passed:
                    t.rejected += 1
                    t.named += _names_property(outcome)
            elif role in ("equivalent", "other"):
                t.equivalents += 1
                t.accepted += outcome.passed and outcome.verdict != "FAIL"
            if outcome.verdict == "FAIL":
                t.failures += 1
    return t


def format_report(reports: list[ExerciseReport], seconds: float, verbose: bool = False) -> str:
    lines = []
    for report in reports:
        lines.append(f"\n{report.exercise}  ({report.notebook})")
        if report.problem:
            lines.append(f"  !! {report.problem}")
            continue
        by_role: dict[str, list[Outcome]] = {}
        for outcome in report.outcomes:
            by_role.setdefault(outcome.variant.role, []).append(outcome)
        for role in ("reference", "placeholder", "wrong", "other", "mutant", "equivalent"):
            group = by_role.get(role, [])
            if not group:
                continue
            ok = sum(o.verdict in ("ok", "declared") for o in group)
            extra = ""
            if role == "mutant":
                named = sum(_names_property(o) for o in group if not o.passed and o.verdict != "declared")
                declared = sum(o.verdict == "declared" for o in group)
                extra = f"   named {named}/{len(group) - declared}" + (f"   declared equivalent {declared}"
                                                                         if declared else "")
            lines.append(f"  {role:<11} {ok:>3}/{len(group):<3} ok{extra}")
            for outcome in group:
                if outcome.verdict == "FAIL" or verbose:
                    lines.append(f"      {'FAIL' if outcome.verdict == 'FAIL' else '    '} {outcome.variant.label}: "
                                 f"{outcome.why or outcome.status} | {outcome.message[:160]}")
                elif role == "mutant" and not outcome.passed and not _names_property(outcome) \
                        and outcome.verdict != "declared":
                    lines.append(f"      note {outcome.variant.label}: message does not name it: "
                                 f"{(outcome.message or outcome.raised)[:160]}")
    t = totals(reports)
    lines.append("")
    lines.append(f"mutants rejected {t.rejected}/{t.mutants} · equivalents accepted {t.accepted}/{t.equivalents} · "
                 f"messages naming the mutated property {t.named}/{t.mutants}"
                 + (f" · declared equivalent {t.declared}" if t.declared else "")
                 + f" · {seconds:.0f} s")
    return "\n".join(lines)
