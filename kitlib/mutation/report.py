"""Verdicts and the printed report of ``kit test-exercises``: :func:`judge` says, per variant, whether
the checks did what they must (references and equivalents pass, wrong answers and mutants fail, the
re-check agrees); :func:`format_report` prints the table per exercise and the final totals line.

While a run goes on, :class:`Progress` prints one line per exercise as it finishes, with an estimate of
the time left (a live bar under the lines on a terminal, plain lines otherwise).

Example::

    judge(report, spec)
    print(format_report([report], seconds=12.0))   # ... mutants rejected 23/23 · equivalents accepted ...
"""
from __future__ import annotations

from dataclasses import dataclass
import sys
import time
from typing import Any, Callable, TextIO

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


def semantic_mutants(report: ExerciseReport) -> int:
    """The exercise's mutants that are wrong answers (those not declared equivalent)."""
    return sum(o.variant.role == "mutant" and o.verdict != "declared" for o in report.outcomes)


def too_few_mutants(reports: list[ExerciseReport], minimum: int) -> list[tuple[str, int]]:
    """(exercise, semantic mutants) of each exercise with fewer than ``minimum`` (a failed notebook aside).

    Example:
        >>> too_few_mutants([ExerciseReport("seq01_chain_layers", "01_when_to_use.ipynb")], 6)
        [('seq01_chain_layers', 0)]
    """
    return [(r.exercise, semantic_mutants(r)) for r in reports
            if not r.problem and semantic_mutants(r) < minimum]


def format_report(reports: list[ExerciseReport], seconds: float, verbose: bool = False, minimum: int = 0) -> str:
    """The table per exercise, the exercises with fewer than ``minimum`` semantic mutants, the totals line."""
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
    few = too_few_mutants(reports, minimum)
    if few:
        lines.append("")
        lines.append(f"fewer than {minimum} semantic mutants: "
                     + ", ".join(f"{exercise} ({count})" for exercise, count in few))
    lines.append("")
    lines.append(f"mutants rejected {t.rejected}/{t.mutants} · equivalents accepted {t.accepted}/{t.equivalents} · "
                 f"messages naming the mutated property {t.named}/{t.mutants}"
                 + (f" · declared equivalent {t.declared}" if t.declared else "")
                 + f" · {seconds:.0f} s")
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


class Progress:
    """One line per exercise as its notebook's worker finishes it, with an ETA.

    On a terminal (``rich``) the lines scroll above a live bar; otherwise (a pipe, a log, CI) they are
    plain lines, flushed one by one. The printed report and its final totals line come after.

    Example:
        >>> import io
        >>> clock = iter([0.0, 10.0]).__next__
        >>> out = io.StringIO()
        >>> with Progress(out, clock=clock) as progress:
        ...     progress.start(total=2, notebooks=1, jobs=2)
        ...     progress.finished(ExerciseReport("seq03_weight_shapes", "03_input_shape.ipynb"))
        >>> print(out.getvalue().splitlines()[-1])
        [1/2] seq03_weight_shapes (03_input_shape.ipynb)  mutants rejected 0/0 · equivalents accepted 0/0 · 0.0 s · ETA 10 s
    """

    def __init__(self, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic,
                 live: bool | None = None):
        self.stream = stream if stream is not None else sys.stdout
        self.clock = clock
        self.live = self.stream.isatty() if live is None else live
        self.total = self.done = 0
        self.started = 0.0
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def start(self, total: int, notebooks: int, jobs: int) -> None:
        """The run begins: ``total`` exercises in ``notebooks`` notebooks, ``jobs`` at a time."""
        self.total, self.done, self.started = total, 0, self.clock()
        self._print(f"kit test-exercises: {total} exercise{'s' * (total != 1)} in {notebooks} "
                    f"notebook{'s' * (notebooks != 1)}, {jobs} at a time")
        if self.live and total:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn

            self._bar = Bar(TextColumn("exercises"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[eta]}"), console=Console(file=self.stream),
                            transient=True)
            self._task = self._bar.add_task("exercises", total=total, eta="")
            self._bar.start()

    def eta(self) -> str:
        """'ETA 1 min 20 s' from the pace so far ('' before the first exercise, 'done' after the last)."""
        if not self.done:
            return ""
        if self.done >= self.total:
            return "done"
        elapsed = self.clock() - self.started
        return f"ETA {_duration(elapsed / self.done * (self.total - self.done))}"

    def line(self, report: ExerciseReport) -> str:
        """The progress line of one finished exercise."""
        head = f"[{self.done}/{self.total}] {report.exercise} ({report.notebook})"
        eta = self.eta()
        if report.problem:
            return f"{head}  {report.problem[:160]}" + (f" · {eta}" if eta else "")
        t = totals([report])
        seconds = sum(o.seconds for o in report.outcomes)
        problems = sum(o.verdict == "FAIL" for o in report.outcomes)
        parts = [f"mutants rejected {t.rejected}/{t.mutants}", f"equivalents accepted {t.accepted}/{t.equivalents}"]
        if problems:
            parts.append(f"{problems} problem{'s' * (problems != 1)} (below)")
        parts.append(f"{seconds:.1f} s")
        if eta:
            parts.append(eta)
        return f"{head}  " + " · ".join(parts)

    def finished(self, report: ExerciseReport) -> None:
        self.done += 1
        text = self.line(report)
        self._print(text)
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, eta=self.eta())

    def _print(self, text: str) -> None:
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            print(text, file=self.stream, flush=True)
