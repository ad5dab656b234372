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
    score: float  # the final score (late penalty taken off)
    max_score: float
    seconds: float
    missed: list[tuple[ExerciseInfo, str]]  # (exercise, the first thing to fix or its status)
    problems: list[str]
    blank: bool = False  # nothing attempted: one line, not every exercise
    raw_score: float | None = None  # before the late penalty
    penalty: float = 0.0
    late: str = ""  # "2 d 3 h late (extension 1 d)" or ""
    comments: list[str] = field(default_factory=list)  # the teacher's comments from the formgrader
    manual: bool = False  # a score was set by hand in the formgrader
    name: str = ""  # "Ana Lopez" from the class list
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, relative href)


@dataclass
class AssignmentSummary:
    assignment: str
    exercises: list[ExerciseSummary]  # hardest first
    students: list[StudentSummary]  # by student id
    scores: list[float]
    max_score: float
    missing: list[str] = field(default_factory=list)  # enrolled in the gradebook, nothing submitted
    unknown: list[str] = field(default_factory=list)  # submitted/ folders of students not on the class list
    no_assignment: list[str] = field(default_factory=list)  # submitted/ folders with no assignment of the course
    duedate: str = ""
    policy: str = ""
    refused: dict[str, list[str]] = field(default_factory=dict)  # folders not graded (names.refusal): their lines

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

    refused: dict[str, list[str]] = {}
    for result in results:
        if getattr(result, "refused", False):  # a folder whose name is no usable id: a problem line, no student
            refused[result.student] = list(result.notes)
            continue
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
                                       [] if blank else sorted(missed, key=lambda m: m[0].order), notes,
                                       blank=bool(blank)))
    for key, entry in exercises.items():
        entry.mistakes = group_mistakes(messages[key])
    ordered = sorted(exercises.values(), key=lambda e: (e.share, e.info.order))
    counted = [r for r in results if r.student not in refused]
    top = max([r.max_score for r in counted] + [0])
    graded = {r.student for r in counted}
    return AssignmentSummary(assignment, ordered, sorted(students, key=lambda s: s.student),
                             [r.score for r in counted], top, sorted(set(missing) - graded), refused=refused)


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
.gid{color:#57606a}
a{color:#0550ae;text-decoration:underline} a:focus{outline:2px solid #0550ae;outline-offset:1px}
.summary li,.help li{margin:.3em 0} .links{font-size:.9em} .comments li{color:#1f2328;font-style:italic}
table{border-collapse:collapse;width:100%} td,th{padding:6px 10px;text-align:left;vertical-align:top}
tr+tr td{border-top:1px solid #eaeef2} th{border-bottom:2px solid #d0d7de}
.exercise .label{font-weight:600} .chapter{color:#57606a;font-weight:400}
.share{white-space:nowrap;width:11em}
.bar{display:inline-block;width:6em;height:.8em;background:#eaeef2;vertical-align:middle;margin-right:.4em}
.bar>span{display:block;height:100%;background:#2da44e}
ul{margin:.2em 0;padding-left:1.2em} li{margin:.15em 0;overflow-wrap:anywhere}
.mistakes li .pct{font-weight:600;display:inline-block;min-width:3.2em}
.mistakes .example{color:#57606a} .mistakes li.not-attempted{color:#57606a}
.missed li{font-size:.92em} .reason{color:#57606a}
.problems li{overflow-wrap:anywhere} .none{color:#57606a}
svg.histogram{max-width:100%;height:auto} svg.histogram text{font-size:12px;fill:#57606a;font-family:inherit}
details summary{cursor:pointer;color:#0550ae;text-decoration:underline}
details.isolation{margin-top:2em}
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


# --------------------------------------------------------------------- bounded notes


def _shape(line: str) -> str:
    """A line with its particulars (numbers, quoted text, paths, ids after "folder") blanked: lines of one shape
    are one kind of note ("skipped folder 'x1'", "skipped folder 'x2'")."""
    line = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "'…'", line)
    line = re.sub(r"(?:[\w.-]*/)+[\w.-]+", "…/…", line)
    line = re.sub(r"\d+(?:\.\d+)?", "N", line)
    return re.sub(r"\b(folder|entry|link)\s+(?!'…')\S+", r"\1 …", line)


def condense(lines: list[str], limit: int = 8, per_kind: int = 3) -> list[str]:
    """At most ``limit`` lines: equal lines merged with a count, and of many lines of one kind the first
    ``per_kind`` and "N more like this" (a flood of 3,000 folders is 4 lines, not 3,000).

    Example:
        >>> condense(["late", "late", "blank"])
        ['late (×2)', 'blank']
        >>> condense([f"skipped folder x{i}" for i in range(3000)])[-1]
        '… and 2,997 more like this (skipped folder …)'
    """
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    kinds: dict[str, list[str]] = {}
    for line in counts:
        kinds.setdefault(_shape(line), []).append(line)
    out: list[str] = []
    for kind, members in kinds.items():
        for line in members[:per_kind]:
            out.append(line + (f" (×{counts[line]:,})" if counts[line] > 1 else ""))
        if len(members) > per_kind:
            out.append(f"… and {len(members) - per_kind:,} more like this ({kind[:80]})")
    if len(out) > limit:
        rest = len(out) - (limit - 1)
        out = out[:limit - 1] + [f"… and {rest:,} more note(s)"]
    return out


# --------------------------------------------------------------------- the gradebook's word


def apply_gradebook(summary: AssignmentSummary, grades, names: dict | None = None) -> AssignmentSummary:
    """Scores as the gradebook holds them (the formgrader's manual grades override the autograder's),
    the late penalty, and the teacher's comments; a student graded only in the gradebook gets a row."""
    from kitlib.grading.deadlines import format_due, format_late

    if grades is None:
        return summary
    rows = {s.student: s for s in summary.students}
    for student, sub in grades.submissions.items():
        row = rows.get(student)
        if row is None:
            row = StudentSummary(student, 0.0, sub.max_score, 0.0, [], ["graded outside kit grade (nbgrader)"])
            summary.students.append(row)
        row.raw_score = sub.raw_score
        row.penalty = sub.penalty
        row.score = sub.score
        row.max_score = sub.max_score or row.max_score
        row.manual = any(c.manual_score is not None for c in sub.cells.values())
        if row.manual:
            for cell in sub.cells.values():
                if cell.manual_score is None:
                    continue
                row.missed = [(info, reason) for info, reason in row.missed
                              if not (info.notebook == cell.notebook and info.grade_id == cell.grade_id
                                      and cell.manual_score >= cell.max_score > 0)]
        row.comments = [text for _nb, _cell, text in sub.comments]
        if sub.seconds_late > 0:
            extension = sub.extension.total_seconds() / 86400 if sub.extension else 0
            row.late = f"{format_late(sub.seconds_late)} late" + (f" (extension {extension:g} d)" if extension else "")
    summary.students.sort(key=lambda s: s.student)
    summary.scores = [s.score for s in summary.students]
    summary.max_score = max([s.max_score for s in summary.students] + [summary.max_score])
    summary.duedate = format_due(grades.duedate)
    for row in summary.students:
        info = (names or grades.students).get(row.student) or {}
        row.name = " ".join(p for p in (info.get("first_name", ""), info.get("last_name", "")) if p)
        row.name = "" if row.name == row.student else row.name  # no roster: the id stands in for the name
    return summary


SUMMARY_PAGE = "index.html"  # a student's feedback summary page, beside the pages per notebook (kitlib.grading.feedback)


def student_links(course_dir: Path, student: str, assignment: str) -> list[tuple[str, str]]:
    """(label, href relative to ``reports/``) of the student's feedback (its summary page where there is
    one, else its pages per notebook) and notebooks that exist."""
    from urllib.parse import quote

    links = []
    for label, folder, pattern in (("feedback", "feedback", "*.html"), ("graded notebook", "autograded", "*.ipynb"),
                                   ("submission", "submitted", "*.ipynb")):
        where = Path(course_dir) / folder / student / assignment
        try:
            files = sorted(p.name for p in where.glob(pattern)) if where.is_dir() and not where.is_symlink() else []
        except OSError:
            files = []
        if folder == "feedback" and SUMMARY_PAGE in files:
            files = [SUMMARY_PAGE]
        for name in files[:4]:
            href = "../" + "/".join(quote(part, safe="") for part in (folder, student, assignment, name))
            links.append((f"{label} {Path(name).stem}" if len(files) > 1 else label, href))
    return links


# --------------------------------------------------------------------- the page


def render_report(summary: AssignmentSummary, isolation: str) -> str:
    """The report page (HTML) of :func:`summarise`'s result: the summary first (who passed, who needs
    help with what), then the exercises, the distribution, the problems and one row per student."""
    from urllib.parse import quote

    esc = html.escape
    total = len(summary.students)
    mean = sum(summary.scores) / total if total else 0.0

    def who(students) -> str:
        return ", ".join(f'<a href="#student-{quote(s, safe="")}">{esc(s)}</a>' for s in students)

    NOBODY = '<span class="none">nobody</span>'
    full = [s.student for s in summary.students if s.max_score > 0 and s.score >= s.max_score]
    blank = [s.student for s in summary.students if s.blank]
    late = [s for s in summary.students if s.late]
    help_rows = []
    for e in summary.exercises:
        missed = sorted({s.student for s in summary.students if not s.blank
                         for info, _ in s.missed if (info.notebook, info.grade_id) == (e.info.notebook, e.info.grade_id)})
        if missed:
            help_rows.append(f'<li><span class="label">{esc(e.info.title)}</span> '
                             f'<span class="meta">({len(missed)})</span>: {who(missed)}</li>')
    summary_items = [
        f"<li><b>{total}</b> submission(s) graded, mean <b>{mean:.1f}</b> of {summary.max_score:g} points"
        + (f"; due {esc(summary.duedate)}" if summary.duedate else "") + "</li>",
        f"<li>Full marks ({len(full)}): {who(full) or NOBODY}</li>",
    ]
    if blank:
        summary_items.append(f"<li>Blank submission, nothing attempted ({len(blank)}): {who(blank)}</li>")
    if late:
        summary_items.append(f"<li>Late ({len(late)}): " + ", ".join(
            f'<a href="#student-{quote(s.student, safe="")}">{esc(s.student)}</a> {esc(s.late)}'
            + (f" (−{s.penalty:g})" if s.penalty else "") for s in late) + "</li>")
    if summary.missing:
        summary_items.append(f'<li>No submission ({len(summary.missing)}): '
                             f'<span class="missing">{", ".join(esc(s) for s in summary.missing)}</span></li>')
    if summary.unknown:
        shown = condense([f"folder {s}" for s in summary.unknown], limit=6)
        summary_items.append(f"<li>Not on the class list ({len(summary.unknown)}; graded, check the names): "
                             f"{esc('; '.join(shown))}</li>")
    if summary.no_assignment:
        shown = condense(summary.no_assignment, limit=6)
        summary_items.append(f"<li>Folders of submitted/ with no assignment of this course "
                             f"({len(summary.no_assignment):,}): {esc('; '.join(shown))}</li>")
    if summary.policy:
        summary_items.append(f'<li class="meta">{esc(summary.policy)}</li>')

    exercise_rows = "".join(
        f'<tr class="exercise"><td>{_exercise_label_html(e.info)}</td>'
        f'<td class="share"><span class="bar" aria-hidden="true"><span style="width:{100 * e.share:.0f}%"></span></span>'
        f'{_pct(e.share)} <span class="meta">({e.passed}/{e.submissions})</span></td>'
        f'<td>{_mistakes_html(e, e.submissions)}</td></tr>' for e in summary.exercises)
    student_rows = []
    for s in summary.students:
        if s.blank:
            missed = '<span class="reason">blank submission: nothing attempted</span>'
        elif s.missed:
            missed = "".join(f'<li><span class="chapter">{esc(info.chapter)} · </span>{esc(info.title)} '
                             f'<span class="reason">— {_short(reason)}</span></li>' for info, reason in s.missed)
            missed = f'<ul class="missed">{missed}</ul>'
        else:
            missed = '<span class="none">none</span>'
        if s.comments:
            missed += '<ul class="comments">' + "".join(
                f"<li>Comment: {_short(c, 400)}</li>" for c in s.comments[:5]) + "</ul>"
        flag = f'<br><span class="meta">{len(s.problems)} problem(s) below</span>' if s.problems else ""
        name = f'<br><span class="meta">{esc(s.name)}</span>' if s.name else ""
        links = " · ".join(f'<a href="{esc(href)}">{esc(label)}</a>' for label, href in s.links)
        links = f'<br><span class="links">{links}</span>' if links else ""
        score = f"{s.score:g} / {s.max_score:g}"
        if s.penalty:
            score += f'<br><span class="meta">{s.raw_score:g} − {s.penalty:g} late</span>'
        if s.late and not s.penalty:
            score += f'<br><span class="meta">{esc(s.late)}</span>'
        if s.manual:
            score += '<br><span class="meta">graded by hand</span>'
        student_rows.append(f'<tr class="student" id="student-{esc(quote(s.student, safe=""))}">'
                            f'<td><b>{esc(s.student)}</b>{name}{flag}{links}</td>'
                            f'<td>{score}</td><td>{missed}</td>'
                            f'<td class="meta">{s.seconds:.1f} s</td></tr>')
    problem_items = []
    for student, notes in sorted(summary.refused.items()):
        for note in condense(notes):
            problem_items.append(f"<li><b>{esc(student)}</b>: {esc(note)}</li>")
    for s in summary.students:
        for note in condense(s.problems):
            problem_items.append(f"<li><b>{esc(s.student)}</b>: {esc(note)}</li>")
    count = sum(1 for s in summary.students if s.problems) + len(summary.refused)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Report: {esc(summary.assignment)}</title><style>{CSS}</style></head><body><main>
<h1>Assignment {esc(summary.assignment)}</h1>
<h2 id="summary">Summary</h2>
<ul class="summary">{"".join(summary_items)}</ul>
<h3>Who needs help with what</h3>
<ul class="help">{"".join(help_rows) or '<li class="none">nobody missed an exercise</li>'}</ul>
<h2>Exercises, hardest first</h2>
<table class="exercises"><tr><th scope="col">exercise</th><th scope="col">passed</th><th scope="col">most common mistakes</th></tr>
{exercise_rows or '<tr><td colspan="3" class="none">no graded exercise</td></tr>'}</table>
<h2>Score distribution</h2>
{score_histogram_svg(summary.scores, summary.max_score)}
<h2>Problems in submissions ({count})</h2>
<ul class="problems">{"".join(problem_items) or '<li class="none">none</li>'}</ul>
<h2>Students</h2>
<table class="students"><tr><th scope="col">student</th><th scope="col">score</th><th scope="col">exercises missed</th><th scope="col">time</th></tr>
{''.join(student_rows)}</table>
<details class="isolation"><summary>How the submissions were run (sandbox and limits)</summary>
<p class="meta">{esc(isolation or "not recorded")}</p></details>
</main></body></html>
"""


def enrolled_without_submission(course_dir: Path, assignment: str) -> list[str]:
    """Students of the course gradebook with no submission of ``assignment`` ([] without a gradebook)."""
    from kitlib.grading.course import Course
    from kitlib.grading.gradebook import read_grades

    try:
        grades = read_grades(Course(Path(course_dir)), assignment)
    except Exception:  # an unreadable gradebook costs this line of the report, nothing else
        return []
    return sorted(set(grades.students) - set(grades.submissions))


# --------------------------------------------------------------------- what kit grade found, kept for kit report

STORE = ".kit"  # COURSE/reports/.kit/<assignment>.json


def _store_path(course_dir: Path, assignment: str) -> Path:
    return Path(course_dir) / "reports" / STORE / f"{assignment}.json"


def save_results(course_dir: Path, assignment: str, results, isolation: str | None = None,
                 unknown: list[str] | None = None, no_assignment: list[str] | None = None) -> dict:
    """Keep what ``kit grade`` found (the check messages, notes; scores live in the gradebook) so that
    ``kit report`` draws the report again without grading; this run's students replace their old entries."""
    import json

    from kitlib.grading.journal import result_record

    path = _store_path(course_dir, assignment)
    stored = load_store(course_dir, assignment)
    for result in results:
        if getattr(result, "refused", False):  # never a student of the gradebook: only its report line is kept
            stored.setdefault("refused", {})[result.student] = list(result.notes)
            continue
        stored["results"][result.student] = result_record(result)
    if isolation is not None:
        stored["isolation"] = isolation
    if unknown is not None:
        stored["unknown"] = list(unknown)
    if no_assignment is not None:
        stored["no_assignment"] = list(no_assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(stored), encoding="utf-8")
    tmp.replace(path)
    return stored


def load_store(course_dir: Path, assignment: str) -> dict:
    import json

    empty = {"results": {}, "isolation": "", "unknown": [], "no_assignment": []}
    try:
        data = json.loads(_store_path(course_dir, assignment).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return empty
    return {**empty, **data} if isinstance(data, dict) else empty


def build_report(course_dir: Path, assignment: str, isolation: str | None = None) -> Path:
    """Draw ``COURSE/reports/<assignment>.html`` from what ``kit grade`` kept and what the gradebook holds now
    (manual grades, comments, late penalties); ``kit report`` and ``kit grade`` both end here."""
    from kitlib.grading.course import Course
    from kitlib.grading.deadlines import LatePolicy
    from kitlib.grading.gradebook import read_grades
    from kitlib.grading.journal import result_from_record

    course_dir = Path(course_dir)
    course = Course(course_dir)
    stored = load_store(course_dir, assignment)
    results = []
    for record in stored["results"].values():
        try:
            results.append(result_from_record(record))
        except Exception:  # noqa: BLE001 - a damaged entry: the gradebook still gives the scores
            continue
    try:
        grades = read_grades(course, assignment)
    except Exception:  # noqa: BLE001 - an unreadable gradebook: the autograder's scores
        grades = None
    catalog = exercise_catalog((course_dir / "source" / assignment).glob("*.ipynb"))
    missing = sorted(set(grades.students) - set(grades.submissions)) if grades else []
    summary = summarise(assignment, results, catalog, missing)
    summary.refused.update({str(k): [str(n) for n in v] for k, v in (stored.get("refused") or {}).items()})
    apply_gradebook(summary, grades)
    for row in summary.students:
        row.links = student_links(course_dir, row.student, assignment)
    summary.unknown = list(stored.get("unknown") or [])
    summary.no_assignment = list(stored.get("no_assignment") or [])
    try:
        summary.policy = LatePolicy.of(course).describe()
    except Exception:  # noqa: BLE001
        summary.policy = ""
    out = course_dir / "reports" / f"{assignment}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    page = render_report(summary, isolation if isolation is not None else stored.get("isolation", ""))
    out.write_text(add_csp(page), encoding="utf-8")  # last: the policy hashes the page's own styles
    return out


def write_report(course_dir: Path, assignment: str, results, isolation: str) -> Path:
    """Keep ``results`` (:func:`save_results`) and write ``COURSE/reports/<assignment>.html`` (:func:`build_report`)."""
    save_results(course_dir, assignment, list(results), isolation)
    return build_report(course_dir, assignment, isolation)
