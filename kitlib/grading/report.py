"""The teacher's report of one assignment: ``COURSE/reports/<assignment>.html``.

Self-contained HTML (plots embedded as base64 PNG): the score distribution,
the share of students who passed each exercise (hardest first), and one line
per problem found in a submission.

Example::

    write_report(Path("course"), "mini", summary.results, isolation="bubblewrap ...")
"""
from __future__ import annotations

import base64
import html
import io
from collections import defaultdict
from pathlib import Path


def pass_shares(results) -> dict[str, float]:
    """Share of submissions (0..1) with full points, per grade cell id.

    Example:
        >>> from kitlib.grading.grade import SubmissionResult, CellResult
        >>> r = SubmissionResult("ana", "mini", [CellResult("nb", "x_test", 1, 1)])
        >>> pass_shares([r])
        {'x_test': 1.0}
    """
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for result in results:
        for cell in result.cells:
            counts[cell.grade_id][1] += 1
            if cell.max_score > 0 and cell.score >= cell.max_score:
                counts[cell.grade_id][0] += 1
    return {gid: passed / total for gid, (passed, total) in counts.items() if total}


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def plots(results) -> tuple[str, str]:
    """(score histogram, pass share bars) as base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scores = [r.score for r in results]
    top = max([r.max_score for r in results] + [1])
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist(scores, bins=min(20, max(5, int(top) + 1)), range=(0, top), color="#4c72b0", edgecolor="white")
    ax.set_xlabel("points")
    ax.set_ylabel("students")
    ax.set_title("Score distribution")
    histogram = _png(fig)
    plt.close(fig)
    shares = sorted(pass_shares(results).items(), key=lambda item: item[1])
    fig, ax = plt.subplots(figsize=(6, 0.4 * max(3, len(shares)) + 1))
    ax.barh([gid for gid, _ in shares], [100 * v for _, v in shares], color="#dd8452")
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of students with full points")
    ax.set_title("Exercises, hardest first")
    bars = _png(fig)
    plt.close(fig)
    return histogram, bars


def write_report(course_dir: Path, assignment: str, results, isolation: str) -> Path:
    """Write and return ``COURSE/reports/<assignment>.html``."""
    out = Path(course_dir) / "reports" / f"{assignment}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    histogram, bars = plots(results)
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(r.student)}</td><td>{r.score:g} / {r.max_score:g}</td><td>{r.seconds:.1f} s</td>"
        f"<td>{len(r.notes)}</td></tr>" for r in results)
    problems = "".join(f"<li><b>{esc(r.student)}</b>: {esc(note)}</li>" for r in results for note in r.notes)
    shares = "".join(f"<tr><td>{esc(gid)}</td><td>{100 * v:.0f} %</td></tr>"
                     for gid, v in sorted(pass_shares(results).items(), key=lambda item: item[1]))
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Report: {esc(assignment)}</title>
<style>body{{font-family:sans-serif;max-width:900px;margin:2em auto}}td,th{{padding:2px 10px;text-align:left}}</style>
</head><body>
<h1>Assignment {esc(assignment)}</h1>
<p>{len(results)} submission(s); mean {sum(r.score for r in results) / max(1, len(results)):.2f} points.
Isolation: {esc(isolation)}</p>
<h2>Score distribution</h2><img alt="score distribution" src="data:image/png;base64,{histogram}">
<h2>Exercises (share of students with full points)</h2><img alt="pass share per exercise" src="data:image/png;base64,{bars}">
<table><tr><th>grade cell</th><th>passed</th></tr>{shares}</table>
<h2>Problems in submissions ({sum(len(r.notes) for r in results)})</h2><ul class="problems">{problems or '<li>none</li>'}</ul>
<h2>Students</h2><table><tr><th>student</th><th>score</th><th>time</th><th>problems</th></tr>{rows}</table>
</body></html>
"""
    out.write_text(page, encoding="utf-8")
    return out
