"""The teacher's report of one assignment: ``COURSE/reports/<assignment>.html``.

What a teacher needs to decide what to teach again, in one self-contained page
(no script, no external file):

- every exercise as "chapter · exercise title", read from the notebook's own
  headings (:func:`exercise_catalog`), hardest first, with the share of
  students who passed it and **the most common mistakes**: the check messages
  students got, grouped by their stable part (:func:`mistake_key`) and counted;
- the score distribution in whole points;
- per student, the score and the exercises missed;
- one line per problem found in a submission (repairs, time limits, a blank
  submission: never silence), and who is enrolled but submitted nothing.

The check messages come from the autograded notebooks' grade cells and from
the trusted re-check (:mod:`kitlib.grading.messages`); the grader stores them
on each :class:`~kitlib.grading.submission.CellResult` (``status``, ``problems``).

Example::

    path = write_report(Path("course"), "mini", summary.results, isolation="bubblewrap ...")
    # course/reports/mini.html
"""
from __future__ import annotations

import html
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kitlib.grading.htmlsafe import add_csp
from kitlib.grading.messages import NOT_ATTEMPTED, mistake_key, mistake_what
from kitlib.grading.notebook import cell_source, grade_id, nbgrader_meta

# --------------------------------------------------------------------- exercise titles


@dataclass(frozen=True)
class ExerciseInfo:
    """Where a grade cell sits in the course, in the words of the notebook's own headings.

    Example:
        >>> ExerciseInfo("07_transfer", "seq07_freeze_test", "A7 · Transfer learning", "Exercise 1 · Freeze").label
        'A7 · Transfer learning · Exercise 1 · Freeze'
    """

    notebook: str
    grade_id: str
    chapter: str
    title: str
    order: int = 0  # position in the assignment (notebook order, then cell order)

    @property
    def label(self) -> str:
        return f"{self.chapter} · {self.title}" if self.chapter else self.title


_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")


def _clean_heading(text: str) -> str:
    """Heading text without Markdown or HTML mark-up: links keep their text."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(\*\*|__|`|~~)", "", text)
    text = re.sub(r"(?<!\w)[*_](\S(?:.*?\S)?)[*_](?!\w)", r"\1", text)
    return " ".join(text.split())


def headings(markdown: str) -> list[tuple[int, str]]:
    """``(level, text)`` of the headings in a Markdown cell (ATX ``#`` and Setext underlines).

    Example:
        >>> headings("# A7 · Transfer\\nText\\n## Exercise 1 · **Freeze**")
        [(1, 'A7 · Transfer'), (2, 'Exercise 1 · Freeze')]
    """
    found, fenced, previous = [], False, ""
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            previous = ""
            continue
        if fenced:
            continue
        match = _HEADING.match(line)
        if match:
            found.append((len(match.group(1)), _clean_heading(match.group(2))))
        elif _SETEXT.match(line) and previous.strip():
            found.append((1 if line.strip()[0] == "=" else 2, _clean_heading(previous)))
        previous = line
    return [(level, text) for level, text in found if text]


def notebook_exercises(nb, notebook: str, start: int = 0) -> list[ExerciseInfo]:
    """The grade cells of one notebook with their chapter and exercise titles.

    The chapter is the notebook's first heading (else the notebook's name); the
    exercise title is the nearest heading above the exercise's answer cell (the
    solution cell closest above the grade cell, else the grade cell itself).
    Without such a heading below the chapter's, the grade cell id stands in.
    """
    cells = list(nb.get("cells", []))
    chapter, chapter_at = "", -1
    for index, cell in enumerate(cells):
        if cell.get("cell_type") == "markdown" and headings(cell_source(cell)):
            chapter, chapter_at = headings(cell_source(cell))[0][1], index
            break
    chapter = chapter or notebook
    found = []
    previous_grade = -1
    for index, cell in enumerate(cells):
        gid = grade_id(cell)
        if not nbgrader_meta(cell).get("grade") or gid is None:
            continue
        anchor = index
        for back in range(index - 1, previous_grade, -1):
            if nbgrader_meta(cells[back]).get("solution") and cells[back].get("cell_type") == "code":
                anchor = back
                break
        title = ""
        for back in range(anchor - 1, -1, -1):
            if cells[back].get("cell_type") != "markdown":
                continue
            marks = headings(cell_source(cells[back]))
            if back == chapter_at:
                marks = marks[1:]  # the chapter heading itself is no exercise title
            if marks:
                title = marks[-1][1]
                break
            if back <= chapter_at:
                break
        found.append(ExerciseInfo(notebook, gid, chapter, title or gid,
                                  start + len(found)))
        previous_grade = index
    return found


def exercise_catalog(notebook_paths) -> dict[tuple[str, str], ExerciseInfo]:
    """``(notebook, grade id) -> ExerciseInfo`` for the notebooks of an assignment (in name order).

    Unreadable notebooks are skipped: their grade cells then show their ids.
    """
    import nbformat

    catalog: dict[tuple[str, str], ExerciseInfo] = {}
    for path in sorted(Path(p) for p in notebook_paths):
        try:
            nb = nbformat.read(str(path), as_version=4)
        except Exception:
            continue
        for info in notebook_exercises(nb, path.stem, start=len(catalog)):
            catalog[(info.notebook, info.grade_id)] = info
    return catalog


# --------------------------------------------------------------------- grouping mistakes


@dataclass
class Mistake:
    """One group of equal mistakes in one exercise."""

    key: str
    what: str  # the most frequent wording of the stable part
    example: str  # the most frequent full message
    students: set[str] = field(default_factory=set)

    def share(self, total: int) -> float:
        return len(self.students) / total if total else 0.0


def group_mistakes(messages: list[tuple[str, str]]) -> list[Mistake]:
    """``(student, message)`` pairs -> groups, most students first (ties: alphabetical).

    A student counts once per group, however many times the message came.
    """
    students: dict[str, set[str]] = defaultdict(set)
    whats: dict[str, Counter] = defaultdict(Counter)
    texts: dict[str, Counter] = defaultdict(Counter)
    for student, message in messages:
        key = NOT_ATTEMPTED if message == NOT_ATTEMPTED else mistake_key(message)
        students[key].add(student)
        whats[key][message if key == NOT_ATTEMPTED else mistake_what(message)] += 1
        texts[key][message] += 1
    groups = [Mistake(key, whats[key].most_common(1)[0][0], texts[key].most_common(1)[0][0], members)
              for key, members in students.items()]
    return sorted(groups, key=lambda g: (-len(g.students), g.key == NOT_ATTEMPTED, g.key))


# --------------------------------------------------------------------- the whole assignment


def _passed(cell) -> bool:
    return cell.max_score > 0 and cell.score >= cell.max_score


def pass_shares(results) -> dict[str, float]:
    """Share of submissions (0..1) with full points, per grade cell id.

    Example:
        >>> from kitlib.grading.submission import SubmissionResult, CellResult
        >>> r = SubmissionResult("ana", "mini", [CellResult("nb", "x_test", 1, 1)])
        >>> pass_shares([r])
        {'x_test': 1.0}
    """
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for result in results:
        for cell in result.cells:
            counts[cell.grade_id][1] += 1
            if _passed(cell):
                counts[cell.grade_id][0] += 1
    return {gid: passed / total for gid, (passed, total) in counts.items() if total}


@dataclass
class ExerciseSummary:
    info: ExerciseInfo
    max_score: float
    submissions: int = 0
    passed: int = 0
    mistakes: list[Mistake] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.passed / self.submissions if self.submissions else 0.0


@dataclass
class StudentSummary:
    student: str
    score: float
    max_score: float
    seconds: float
    missed: list[tuple[ExerciseInfo, str]]  # (exercise, the first thing to fix or its status)
    problems: list[str]


@dataclass
class AssignmentSummary:
    assignment: str
    exercises: list[ExerciseSummary]  # hardest first
    students: list[StudentSummary]  # by student id
    scores: list[float]
    max_score: float
    missing: list[str] = field(default_factory=list)  # enrolled in the gradebook, nothing submitted

    @property
    def problems(self) -> list[tuple[str, str]]:
        return [(s.student, p) for s in self.students for p in s.problems]


def untouched_problem(result) -> str | None:
    """A problem line when a submission that ran attempted no exercise at all (all grade
    cells "not attempted"); None otherwise. An empty or unreadable submission already has
    its own note from the grader."""
    statuses = [c.status for c in result.cells if c.max_score > 0]
    if statuses and all(s == NOT_ATTEMPTED for s in statuses):
        return (f"blank submission: none of the {len(statuses)} exercises was attempted "
                "(every answer is still the placeholder); graded 0")
    return None


def summarise(assignment: str, results, catalog: dict[tuple[str, str], ExerciseInfo],
              missing: list[str] = ()) -> AssignmentSummary:
    """Everything the report shows, from the results of one assignment, its exercise catalogue and
    the enrolled students who submitted nothing."""
    exercises: dict[tuple[str, str], ExerciseSummary] = {}
    messages: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    students = []

    def info_of(cell) -> ExerciseInfo:
        key = (cell.notebook, cell.grade_id)
        if key not in catalog:
            catalog[key] = ExerciseInfo(cell.notebook, cell.grade_id, cell.notebook, cell.grade_id,
                                        len(catalog) + 1000)
        return catalog[key]

    for result in results:
        missed = []
        for cell in result.cells:
            if cell.max_score <= 0:
                continue
            info = info_of(cell)
            entry = exercises.setdefault((cell.notebook, cell.grade_id), ExerciseSummary(info, cell.max_score))
            entry.submissions += 1
            if _passed(cell):
                entry.passed += 1
                continue
            problems = list(cell.problems)
            status = cell.status
            if status == NOT_ATTEMPTED:
                messages[(cell.notebook, cell.grade_id)].append((result.student, NOT_ATTEMPTED))
            for problem in dict.fromkeys(problems):
                messages[(cell.notebook, cell.grade_id)].append((result.student, problem))
            reason = problems[0] if problems else (status or ("partial credit" if cell.score > 0 else "no points"))
            missed.append((info, reason))
        notes = list(result.notes)
        blank = untouched_problem(result)
        if blank and not notes:
            notes.append(blank)
        students.append(StudentSummary(result.student, result.score, result.max_score, result.seconds,
                                       sorted(missed, key=lambda m: m[0].order), notes))
    for key, entry in exercises.items():
        entry.mistakes = group_mistakes(messages[key])
    ordered = sorted(exercises.values(), key=lambda e: (e.share, e.info.order))
    top = max([r.max_score for r in results] + [0])
    graded = {r.student for r in results}
    return AssignmentSummary(assignment, ordered, sorted(students, key=lambda s: s.student),
                             [r.score for r in results], top, sorted(set(missing) - graded))


# --------------------------------------------------------------------- drawing


def score_histogram_svg(scores: list[float], max_score: float, width: int = 640, height: int = 220) -> str:
    """Inline SVG bar chart: students per whole point (a score counts at its floor: 3.5 -> 3).

    Example:
        >>> "<svg" in score_histogram_svg([0, 2, 2, 5], 5)
        True
    """
    top = max(1, int(math.ceil(max(max_score, max(scores, default=0)))))
    counts = Counter(min(top, max(0, int(math.floor(s + 1e-9)))) for s in scores)
    peak = max(counts.values(), default=0) or 1
    left, bottom, right, up = 44, 36, 12, 14
    plot_w, plot_h = width - left - right, height - bottom - up
    slot = plot_w / (top + 1)
    bar = max(2.0, slot * 0.8)
    parts = [f'<svg class="histogram" role="img" aria-label="students per score" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">']
    y_step = max(1, int(math.ceil(peak / 5)))
    for value in range(0, peak + 1, y_step):
        y = up + plot_h - plot_h * value / peak
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')
    x_step = max(1, int(math.ceil((top + 1) / 25)))
    for point in range(top + 1):
        x = left + slot * point + (slot - bar) / 2
        count = counts.get(point, 0)
        h = plot_h * count / peak
        if count:
            parts.append(f'<rect x="{x:.1f}" y="{up + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="#4c72b0"><title>{point} point(s): {count} student(s)</title></rect>')
        if point % x_step == 0 or point == top:
            parts.append(f'<text x="{left + slot * point + slot / 2:.1f}" y="{up + plot_h + 16}" '
                         f'text-anchor="middle">{point}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle">points</text>')
    parts.append(f'<text x="12" y="{up + plot_h / 2:.1f}" text-anchor="middle" '
                 f'transform="rotate(-90 12 {up + plot_h / 2:.1f})">students</text></svg>')
    return "".join(parts)


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;
 color:#1f2328;line-height:1.45}
h1{margin-bottom:.2em} h2{margin-top:1.8em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
.meta{color:#57606a} code,.gid{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85em}
.gid{color:#6e7781}
table{border-collapse:collapse;width:100%} td,th{padding:6px 10px;text-align:left;vertical-align:top}
tr+tr td{border-top:1px solid #eaeef2} th{border-bottom:2px solid #d0d7de}
.exercise .label{font-weight:600} .chapter{color:#57606a;font-weight:400}
.share{white-space:nowrap;width:11em}
.bar{display:inline-block;width:6em;height:.8em;background:#eaeef2;vertical-align:middle;margin-right:.4em}
.bar>span{display:block;height:100%;background:#2da44e}
ul{margin:.2em 0;padding-left:1.2em} li{margin:.15em 0;overflow-wrap:anywhere}
.mistakes li .pct{font-weight:600;display:inline-block;min-width:3.2em}
.mistakes .example{color:#57606a} .mistakes li.not-attempted{color:#6e7781}
.missed li{font-size:.92em} .reason{color:#57606a}
.problems li{overflow-wrap:anywhere} .none{color:#57606a}
svg.histogram{max-width:100%;height:auto} svg.histogram text{font-size:12px;fill:#57606a;font-family:inherit}
details summary{cursor:pointer;color:#0969da}
"""


def _short(text: str, limit: int = 180) -> str:
    """Escaped ``text``, cut at ``limit`` characters; the whole text stays in a tooltip."""
    if len(text) <= limit:
        return html.escape(text)
    return f'<span title="{html.escape(text)}">{html.escape(text[:limit - 1].rstrip())}…</span>'


def _pct(share: float) -> str:
    return f"{100 * share:.0f} %"


def _mistakes_html(entry: ExerciseSummary, total: int, shown: int = 4) -> str:
    esc = html.escape
    if not entry.mistakes:
        if entry.passed == entry.submissions:
            return '<span class="none">everyone passed</span>'
        return '<span class="none">no check message recorded</span>'
    items = []
    for group in entry.mistakes:
        count = len(group.students)
        if group.key == NOT_ATTEMPTED:
            items.append(f'<li class="not-attempted"><span class="pct">{_pct(group.share(total))}</span> '
                         f'did not attempt it ({count} of {total})</li>')
            continue
        example = ""
        detail = group.example.strip()
        if detail.startswith(group.what):
            detail = detail[len(group.what):].lstrip(":. ")
        if detail:
            example = f' <span class="example">e.g. {_short(detail)}</span>'
        items.append(f'<li><span class="pct">{_pct(group.share(total))}</span> {_short(group.what)} '
                     f'({count} of {total}){example}</li>')
    head, rest = items[:shown], items[shown:]
    more = (f'<details><summary>{len(rest)} more</summary><ul class="mistakes">{"".join(rest)}</ul></details>'
            if rest else "")
    return f'<ul class="mistakes">{"".join(head)}</ul>{more}'


def _exercise_label_html(info: ExerciseInfo) -> str:
    esc = html.escape
    chapter = f'<span class="chapter">{esc(info.chapter)} · </span>' if info.chapter else ""
    return (f'{chapter}<span class="label">{esc(info.title)}</span> '
            f'<span class="gid">{esc(info.notebook)}/{esc(info.grade_id)}</span>')


def render_report(summary: AssignmentSummary, isolation: str) -> str:
    """The report page (HTML) of :func:`summarise`'s result."""
    esc = html.escape
    total = len(summary.students)
    mean = sum(summary.scores) / total if total else 0.0
    exercise_rows = "".join(
        f'<tr class="exercise"><td>{_exercise_label_html(e.info)}</td>'
        f'<td class="share"><span class="bar"><span style="width:{100 * e.share:.0f}%"></span></span>'
        f'{_pct(e.share)} <span class="meta">({e.passed}/{e.submissions})</span></td>'
        f'<td>{_mistakes_html(e, e.submissions)}</td></tr>' for e in summary.exercises)
    student_rows = []
    for s in summary.students:
        if s.missed:
            missed = "".join(f'<li><span class="chapter">{esc(info.chapter)} · </span>{esc(info.title)} '
                             f'<span class="reason">— {_short(reason)}</span></li>' for info, reason in s.missed)
            missed = f'<ul class="missed">{missed}</ul>'
        else:
            missed = '<span class="none">none</span>'
        flag = f'<br><span class="meta">{len(s.problems)} problem(s) below</span>' if s.problems else ""
        student_rows.append(f'<tr class="student" id="student-{esc(s.student)}"><td><b>{esc(s.student)}</b>{flag}</td>'
                            f'<td>{s.score:g} / {s.max_score:g}</td><td>{missed}</td>'
                            f'<td class="meta">{s.seconds:.1f} s</td></tr>')
    problems = "".join(f"<li><b>{esc(student)}</b>: {esc(note)}</li>" for student, note in summary.problems)
    missing = (f'<h2>No submission ({len(summary.missing)})</h2><p class="missing">'
               f'{", ".join(esc(s) for s in summary.missing)}</p>' if summary.missing else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Report: {esc(summary.assignment)}</title><style>{CSS}</style></head><body>
<h1>Assignment {esc(summary.assignment)}</h1>
<p class="meta">{total} submission(s) graded{f", {len(summary.missing)} without a submission" if summary.missing else ""};
mean {mean:.1f} of {summary.max_score:g} points;
{len(summary.problems)} problem(s) in submissions. Isolation: {esc(isolation)}</p>
<h2>Exercises, hardest first</h2>
<table class="exercises"><tr><th>exercise</th><th>passed</th><th>most common mistakes</th></tr>
{exercise_rows or '<tr><td colspan="3" class="none">no graded exercise</td></tr>'}</table>
<h2>Score distribution</h2>
{score_histogram_svg(summary.scores, summary.max_score)}
<h2>Problems in submissions ({len(summary.problems)})</h2>
<ul class="problems">{problems or '<li class="none">none</li>'}</ul>
{missing}
<h2>Students</h2>
<table class="students"><tr><th>student</th><th>score</th><th>exercises missed</th><th>time</th></tr>
{''.join(student_rows)}</table>
</body></html>
"""


def enrolled_without_submission(course_dir: Path, assignment: str) -> list[str]:
    """Students of the course gradebook with no submission of ``assignment`` ([] without a gradebook)."""
    from kitlib.grading.course import db_url

    path = Path(course_dir) / "gradebook.db"
    if not path.exists():
        return []
    import warnings

    from nbgrader.api import Gradebook

    try:
        with warnings.catch_warnings(), Gradebook(db_url(path), None) as gb:
            warnings.simplefilter("ignore")
            submitted = {s.student.id for s in gb.find_assignment(assignment).submissions}
            return sorted(s.id for s in gb.students if s.id not in submitted)
    except Exception:  # an unreadable gradebook costs this line of the report, nothing else
        return []


def write_report(course_dir: Path, assignment: str, results, isolation: str) -> Path:
    """Write and return ``COURSE/reports/<assignment>.html``; titles come from ``COURSE/source/<assignment>``,
    the students without a submission from the gradebook."""
    course_dir = Path(course_dir)
    out = course_dir / "reports" / f"{assignment}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    catalog = exercise_catalog((course_dir / "source" / assignment).glob("*.ipynb"))
    summary = summarise(assignment, list(results), catalog, enrolled_without_submission(course_dir, assignment))
    out.write_text(add_csp(render_report(summary, isolation)), encoding="utf-8")  # inert page (htmlsafe)
    return out
