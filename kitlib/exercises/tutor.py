"""Getting unstuck in the student's kernel: hints in stages and, in self-study courses, worked solutions.

``hint(id)`` shows the next hint of an exercise (``Exercise.hints``: 2-3 stages, from "where to
look" to "which API and why"); called again it shows the next one, and after the last it says so and
lists them all again. ``solution(id)`` shows the worked solution and its explanation, but only

- in a **self-study** release: ``kit release --self-study`` (or ``mode = "self-study"`` in
  ``course/kit.toml``) writes :data:`SOLUTIONS_FILE` next to the notebooks; a graded release (the
  default) has no such file and ``kit release``'s leak check refuses one holding any solution, so no
  solution text is reachable there;
- once the student has made an attempt: this session checked an answer to that exercise (``check``
  or the grade cell, passed or not; see :func:`note_attempt`).

The state (hints shown, attempts seen) lives in this process: a restarted kernel starts again, which
costs a student nothing. Plain functions (:func:`next_hint`, :func:`worked_solution`) return a
:class:`Note`; :func:`hint` and :func:`solution` display it. Nothing here imports Keras or the
teacher's code.

Example::

    from kitlib.exercises import hint, solution
    hint("seq03_weight_shapes")       # Hint 1 of 3 · Predict the weight shapes: ...
    hint("seq03_weight_shapes")       # Hint 2 of 3 ...
    solution("seq03_weight_shapes")   # graded course: "Worked solutions are not available in this course"
"""
from __future__ import annotations

import difflib
import html
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kitlib.exercises.attempts import _SHOWN, attempted, hints_used, note_attempt, reset, tip  # noqa: F401 - re-exported

SOLUTIONS_FILE = "kit-solutions.json"  # written by kit release --self-study next to the notebooks
SOLUTIONS_FORMAT = "kitlib-solutions/1"

@dataclass
class Note:
    """What :func:`hint` or :func:`solution` shows: a heading, paragraphs, an optional code block.

    ``kind``: "hint", "last hint", "no more hints", "no hints", "solution", "locked", "unavailable",
    "unknown" (an exercise id that does not exist).
    """

    kind: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    code: str = ""

    def __str__(self) -> str:
        lines = [self.heading] + [f"  {p}" for p in self.paragraphs]
        if self.code:
            lines += ["", *("    " + line for line in self.code.splitlines())]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = {"solution": "#1a7f37", "unknown": "#b35900", "locked": "#57606a",
                  "unavailable": "#57606a"}.get(self.kind, "#0969da")
        wrap = "white-space:pre-wrap;word-break:normal;overflow-wrap:break-word"
        body = "".join(f"<div style='{wrap};margin-top:2px'>{html.escape(p)}</div>" for p in self.paragraphs)
        if self.code:
            body += (f"<pre style='margin:6px 0 0 0;padding:6px;background:rgba(127,127,127,.1);{wrap}'>"
                     f"{html.escape(self.code)}</pre>")
        return (f"<div class='kit-{self.kind.replace(' ', '-')}' style='border-left:4px solid {colour};"
                f"padding:4px 10px;margin:4px 0;max-width:100%;box-sizing:border-box'>"
                f"<b style='color:{colour};{wrap}'>{html.escape(self.heading)}</b>{body}</div>")

    def _repr_pretty_(self, printer, cycle):  # terminals and nbval
        printer.text(str(self))


# --------------------------------------------------------------------------- looking exercises up

def _lookup(exercise_id: Any):
    """(exercise, None) or (None, the Note saying the id is unknown, with the closest ids)."""
    from kitlib.exercises.core import REGISTRY

    exercises = {e.id: e for e in REGISTRY.all()}
    if isinstance(exercise_id, str) and exercise_id in exercises:
        return exercises[exercise_id], None
    text = str(exercise_id)
    close = difflib.get_close_matches(text, list(exercises), n=4, cutoff=0.5)
    if not close:  # same chapter prefix ("seq03_..."): the ids of that chapter
        prefix = text.split("_")[0] + "_"
        close = sorted(e for e in exercises if e.startswith(prefix))[:6]
    paragraphs = [f"Did you mean {', '.join(repr(c) for c in close)}?" if close else
                  "The exercise id is the word in quotes in the exercise's check cell, e.g. grade(\"seq03_weight_shapes\", ...)."]
    return None, Note("unknown", f"There is no exercise {text!r}.", paragraphs)


# --------------------------------------------------------------------------- hints

def next_hint(exercise_id: str) -> Note:
    """The next hint of ``exercise_id`` (and count it), or a note that there are no more.

    Example::

        next_hint("seq03_weight_shapes").heading   # 'Hint 1 of 3 · Predict the weight shapes'
    """
    exercise, unknown = _lookup(exercise_id)
    if unknown is not None:
        return unknown
    hints = [str(h) for h in (exercise.hints or ())]
    if not hints:
        return Note("no hints", f"{exercise.title} has no hints.",
                    ["Read the task again and the message of its check cell: it names what to look at."])
    shown = _SHOWN.get(exercise.id, 0)
    if shown >= len(hints):
        listing = [f"{number}. {text}" for number, text in enumerate(hints, start=1)]
        return Note("no more hints", f"No more hints for {exercise.title}: you have seen all {len(hints)}.",
                    listing + ["Still stuck? Run the check cell again: its message names the first thing to fix."])
    _SHOWN[exercise.id] = shown + 1
    stage = shown + 1
    kind = "last hint" if stage == len(hints) else "hint"
    paragraphs = [hints[shown]]
    if stage < len(hints):
        paragraphs.append(f'Run hint("{exercise.id}") again for the next hint.')
    else:
        paragraphs.append("That was the last hint.")
    return Note(kind, f"Hint {stage} of {len(hints)} · {exercise.title}", paragraphs)


def hint(exercise_id: str) -> None:
    """Show the next hint of an exercise (see :func:`next_hint`); works in any kernel and headless.

    Example::

        hint("seq03_weight_shapes")
    """
    _show(next_hint(exercise_id))


def hint_button(exercise_id: str):
    """A thin ipywidgets view of :func:`next_hint`: a button that shows the next hint below itself.

    Example::

        hint_button("seq03_weight_shapes")   # in a notebook cell: [Show a hint] -> Hint 1 of 3 ...
    """
    import ipywidgets as widgets
    from IPython.display import HTML

    exercise, unknown = _lookup(exercise_id)
    if unknown is not None:
        return widgets.HTML(unknown._repr_html_())
    button = widgets.Button(description="Show a hint", icon="lightbulb-o",
                            tooltip=f'the same as hint("{exercise.id}")')
    shown = widgets.Output()

    def on_click(_):
        note = next_hint(exercise.id)
        with shown:
            from IPython.display import display

            display(HTML(note._repr_html_()))
        if note.kind in ("last hint", "no more hints", "no hints"):
            button.description, button.disabled = "No more hints", True
        else:
            button.description = "Next hint"

    button.on_click(on_click)
    return widgets.VBox([button, shown])


# --------------------------------------------------------------------------- worked solutions

def solutions_file(start: Path | str | None = None) -> Path | None:
    """The self-study release's :data:`SOLUTIONS_FILE`: ``$KIT_SOLUTIONS`` or the one next to the notebook
    (the kernel's working folder). None in a graded course."""
    env = os.environ.get("KIT_SOLUTIONS")
    if env:
        return Path(env) if Path(env).is_file() else None
    try:
        here = Path(start) if start else Path.cwd()
    except OSError:
        return None
    candidate = here / SOLUTIONS_FILE
    return candidate if candidate.is_file() else None


def _load_solutions(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != SOLUTIONS_FORMAT:
        return {}
    exercises = data.get("exercises")
    return exercises if isinstance(exercises, dict) else {}


def worked_solution(exercise_id: str, start: Path | str | None = None) -> Note:
    """The worked solution of ``exercise_id`` as a :class:`Note`, or why it is not shown.

    Not shown: in a graded course (no solutions file), before an attempt of that exercise was checked
    in this session, or for an exercise the release has no solution for.
    """
    exercise, unknown = _lookup(exercise_id)
    if unknown is not None:
        return unknown
    path = solutions_file(start)
    if path is None:
        more = [f'Stuck? hint("{exercise.id}") gives hints in stages.'] if exercise.hints else []
        return Note("unavailable", "Worked solutions are not available in this course.",
                    ["Your teacher grades the exercises, so the solutions are not part of the notebooks you have."]
                    + more)
    entry = _load_solutions(path).get(exercise.id)
    if not isinstance(entry, dict) or not str(entry.get("solution", "")).strip():
        return Note("unavailable", f"This release has no worked solution for {exercise.title}.",
                    ["Ask your teacher for a newer release of the course."])
    if not attempted(exercise.id):
        more = f' Stuck? hint("{exercise.id}") gives hints first.' if exercise.hints else ""
        return Note("locked", f"The worked solution of {exercise.title} opens after your first attempt.",
                    ["Write your answer in the exercise cell, run it, then run its check cell (whatever it "
                     f'says). Then solution("{exercise.id}") shows the worked solution.{more}'])
    paragraphs = []
    explanation = str(entry.get("explanation") or "").strip()
    if explanation:
        paragraphs.append(explanation)
    paragraphs.append("Compare it with your own answer: other correct answers exist. The check cell accepts "
                      "any of them.")
    return Note("solution", f"Worked solution · {exercise.title}", paragraphs, code=str(entry["solution"]).strip())


def solution(exercise_id: str) -> None:
    """Show the worked solution of an exercise (see :func:`worked_solution`).

    Example::

        solution("seq03_weight_shapes")
    """
    _show(worked_solution(exercise_id))


def _show(note: Note) -> None:
    from kitlib.exercises.core import _display  # the one way the kernel shows what the kit says

    _display(note)
