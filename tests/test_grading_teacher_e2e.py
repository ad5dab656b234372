"""What the teacher gets from one real ``kit grade`` run on a course with planted mistakes:
live progress (in a log and in a terminal), the report (titles, hardest first, grouped common
mistakes, missed exercises, blank submission), grades.csv (missing is not zero) and the
students' feedback HTML (wrapping, no teacher paths, no hidden tests), checked as text and in
Chromium (screenshots in ``$KIT_ARTIFACTS`` or ``artifacts/``).

The course is the mini course of tests/fixtures with chapter and exercise headings as the real
notebooks have them. One grading run serves the whole module; a second, one-submission run checks
the terminal display under a pseudo-TTY.
"""
from __future__ import annotations

import copy
import csv
import html
import os
import pty
import re
import select
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PY = sys.executable
ARTIFACTS = Path(os.environ.get("KIT_ARTIFACTS", ROOT / "artifacts"))

pytestmark = pytest.mark.slow

CHAPTER = "M1 · A mini chapter"
SUM_TITLE = "Exercise 1 · Add two numbers"
WORDS_TITLE = "Exercise 2 · Two sorted words"
LONG = "y" * 160 + " " + "x" * 160

# student -> (answer of mini_sum, answer of mini_words); None keeps the placeholder
PLANTED = {
    "ana": ("total = 2 + 3", 'words = ["keras", "layers"]'),
    "ben": ("total = 4", 'words = ["keras", "layers"]'),
    "cleo": ("total = 6", 'words = ["layers", "keras"]'),
    "dan": ('total = "5"', 'words = ["keras"]'),
    "eve": ("total = 1", f'words = ["{LONG.split()[0]}", "{LONG.split()[1]}"]'),
    "finn": (None, None),
    "gus": ("import json\ntotal = json.loads('{')", "words = undefined_name"),
}


ROSTER = """Student ID,First name,Last name,Email,SIS User ID
ana,Ana,Lopez,ana@example.org,S001
ben,Ben,Okafor,ben@example.org,S002
cleo,Cleo,Martin,cleo@example.org,S003
dan,Dan,Ito,dan@example.org,S004
eve,Eve,"=HYPERLINK(""http://x"")",eve@example.org,S005
finn,Finn,Berg,finn@example.org,S006
hal,Hal,Nord,hal@example.org,S008
"""
DUE = "2020-01-01 00:00 UTC"


def kit_env() -> dict:
    env = dict(os.environ)
    env["KIT_EXERCISE_MODULES"] = "mini_exercises"
    env["PYTHONPATH"] = str(FIXTURES) + os.pathsep + str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PATH"] = str(Path(PY).parent) + os.pathsep + env.get("PATH", "")
    env.pop("KIT_PROGRESS", None)
    return env


def titled_course(tmp: Path) -> Path:
    """The mini course with a chapter heading and exercise headings like the real notebooks'."""
    course = tmp / "course"
    shutil.copytree(FIXTURES / "mini_course", course)
    path = course / "source" / "mini" / "mini.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nb.cells[0].source = f"# {CHAPTER}\nA tiny assignment for the grading tests."
    for cell in nb.cells:
        gid = (cell.metadata.get("nbgrader") or {}).get("grade_id")
        if gid == "mini_sum_task":
            cell.source = f"## {SUM_TITLE}\nSet `total` to 2 + 3."
        elif gid == "mini_words_task":
            cell.source = f"## {WORDS_TITLE}\nTwo words, sorted."
    nbformat.write(nb, str(path))
    return course


def submit(course: Path, released, student: str, sum_code, words_code) -> None:
    nb = copy.deepcopy(released)
    for cell in nb.cells:
        gid = (cell.metadata.get("nbgrader") or {}).get("grade_id")
        if gid == "mini_sum_answer" and sum_code is not None:
            cell.source = sum_code
        if gid == "mini_words_answer" and words_code is not None:
            cell.source = words_code
    folder = course / "submitted" / student / "mini"
    folder.mkdir(parents=True)
    nbformat.write(nb, str(folder / "mini.ipynb"))
    # what nbgrader's submit writes beside the notebook (and collect keeps): Release Feedback needs it
    (folder / "submission_secret.txt").write_text(os.urandom(16).hex())


def read_lines_with_times(proc, fd, limit: float, raw: list | None = None) -> list[tuple[float, str]]:
    """Lines (split at CR and LF) with their arrival time since start; ``raw`` gets the bytes as they came."""
    start, buffer, lines = time.monotonic(), b"", []
    while time.monotonic() - start < limit:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            if raw is not None:
                raw.append(data)
            buffer += data
            *complete, buffer = re.split(rb"[\r\n]", buffer)
            lines += [(time.monotonic() - start, l.decode("utf-8", "replace")) for l in complete if l.strip()]
        elif proc.poll() is not None:
            break
    if buffer.strip():
        lines.append((time.monotonic() - start, buffer.decode("utf-8", "replace")))
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return lines


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("teacher")
    course = titled_course(tmp)
    done = subprocess.run([PY, "-m", "kitlib.cli", "release", "--course", str(course)], capture_output=True,
                          text=True, env=kit_env(), timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    released = nbformat.read(str(course / "release" / "mini" / "mini.ipynb"), as_version=4)
    for student, (sum_code, words_code) in PLANTED.items():
        submit(course, released, student, sum_code, words_code)
    # The term's bookkeeping, by the kit's commands run from inside the course (no --course):
    # a class list without gus (his folder is unknown) and with hal (enrolled, submits nothing),
    # a due date in the past, a late policy, ben late by 1.5 days, cleo late by 1 day with 2 days' extension,
    # and a folder of submitted/ that holds no assignment of the course.
    (tmp / "roster.csv").write_text(ROSTER, encoding="utf-8")
    with (course / "nbgrader_config.py").open("a") as handle:
        handle.write("\nc.KitLatePolicy.penalty_per_day = 10\nc.KitLatePolicy.max_penalty = 50\n")
    for args in (["students", "import", str(tmp / "roster.csv")], ["due", "mini", DUE],
                 ["extend", "cleo", "mini", "--days", "2"]):
        done = subprocess.run([PY, "-m", "kitlib.cli", *args], capture_output=True, text=True, env=kit_env(),
                              cwd=course, timeout=120)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        assert done.stderr.startswith(f"kit {args[0]}: course {course.resolve()}\n"), done.stderr
    (course / "submitted" / "ben" / "mini" / "timestamp.txt").write_text("2020-01-02 12:00:00 UTC")
    (course / "submitted" / "cleo" / "mini" / "timestamp.txt").write_text("2020-01-02 00:00:00 UTC")
    (course / "submitted" / "zed" / "homework").mkdir(parents=True)
    # A copy with one submission, graded again under a pseudo-terminal (test_progress_in_a_terminal).
    tty_course = tmp / "tty" / "course"
    shutil.copytree(course, tty_course, ignore=shutil.ignore_patterns("submitted"))
    shutil.copytree(course / "submitted" / "ben", tty_course / "submitted" / "ben")
    proc = subprocess.Popen([PY, "-m", "kitlib.cli", "grade", "--course", str(course), "--jobs", "2",
                             "--timeout", "120"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=kit_env())
    lines = read_lines_with_times(proc, proc.stdout.fileno(), limit=900)
    return {"course": course, "lines": lines, "rc": proc.returncode, "tmp": tmp, "tty_course": tty_course}


def output(graded) -> str:
    return "\n".join(line for _, line in graded["lines"])


def test_grade_succeeds(graded):
    assert graded["rc"] == 0, output(graded)[-4000:]



# ---------------------------------------------------------------- progress


def test_progress_in_a_log_starts_at_once_and_follows_every_notebook(graded):
    lines = graded["lines"]
    assert lines[0][1] == f"kit grade: course {graded['course'].resolve()}", lines[:3]  # the course, named first
    first_time, first = lines[1]
    assert first_time < 10 and first.startswith("kit grade: started at"), lines[:3]
    text = output(graded)
    n = len(PLANTED)
    for done in range(1, n + 1):
        assert f"  notebook {done}/{n}: " in text, text
        assert f"[{done}/{n}] " in text
    notebook_lines = [line for _, line in lines if line.startswith("  notebook ")]
    assert all(re.search(r"mini\.ipynb executed in \d+\.\d s · ETA \d+:\d\d$", line) for line in notebook_lines)
    assert "\x1b[" not in text and "━" not in text  # plain lines in a log


def test_progress_in_a_terminal(graded):
    leader, follower = pty.openpty()
    env = dict(kit_env(), TERM="xterm-256color", COLUMNS="120", LINES="30")
    proc = subprocess.Popen([PY, "-m", "kitlib.cli", "grade", "--course", str(graded["tty_course"]), "--jobs", "1",
                             "--timeout", "120"], stdin=follower, stdout=follower, stderr=follower, env=env,
                            close_fds=True)
    os.close(follower)
    raw: list[bytes] = []
    lines = read_lines_with_times(proc, leader, limit=600, raw=raw)
    os.close(leader)
    screen = "\n".join(line for _, line in lines)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "kit-grade-terminal.typescript").write_bytes(b"".join(raw))  # replay: cat it in a terminal
    assert proc.returncode == 0, screen[-3000:]
    assert lines[0][0] < 10, lines[:3]
    assert "━" in screen and "notebooks" in screen and "submissions" in screen and "ETA" in screen
    assert re.search(r"1/1", screen)
    assert "[1/1] ben/mini: 3/5" in screen
    assert "\x1b[" in screen  # drawn in place, not one line per refresh


# ---------------------------------------------------------------- the report


def report_text(graded) -> str:
    page = (graded["course"] / "reports" / "mini.html").read_text()
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def exercise_rows(graded) -> list[str]:
    page = (graded["course"] / "reports" / "mini.html").read_text()
    rows = re.findall(r'<tr class="exercise">(.*?)</tr>', page, flags=re.S)
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", row))) for row in rows]


def test_report_names_exercises_by_chapter_and_title_hardest_first(graded):
    rows = exercise_rows(graded)
    assert len(rows) == 2
    assert f"{CHAPTER} · {SUM_TITLE}" in rows[0] and "14 % (1/7)" in rows[0]  # only ana passed
    assert f"{CHAPTER} · {WORDS_TITLE}" in rows[1] and "29 % (2/7)" in rows[1]  # ana and ben


def test_report_counts_the_most_common_mistakes(graded):
    sum_row, words_row = exercise_rows(graded)
    assert "43 % the total (3 of 7)" in sum_row  # ben 4, cleo 6, eve 1: one mistake, three students
    assert "14 % type of the total (1 of 7)" in sum_row
    assert "14 % the answer cell raised JSONDecodeError" in sum_row  # gus: the cause, not NameError
    assert "14 % did not attempt it (1 of 7)" in sum_row  # finn
    assert sum_row.index("43 %") < sum_row.index("type of the total")  # most common first
    assert "29 % order of the words (2 of 7)" in words_row  # cleo, eve: the hidden check's message
    assert "14 % number of words (1 of 7)" in words_row
    assert "the answer cell raised NameError: name 'undefined_name' is not defined" in words_row


def test_report_lists_missed_exercises_per_student(graded):
    page = (graded["course"] / "reports" / "mini.html").read_text()

    def missed(student):
        row = re.search(rf'<tr class="student" id="student-{student}">(.*?)</tr>', page, flags=re.S).group(1)
        return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", row)))

    assert "none" in missed("ana") and "Exercise" not in missed("ana")
    assert SUM_TITLE in missed("ben") and WORDS_TITLE not in missed("ben")
    assert "the total: expected 5, got 4" in missed("ben")
    assert SUM_TITLE in missed("dan") and WORDS_TITLE in missed("dan")
    assert "blank submission: nothing attempted" in missed("finn") and SUM_TITLE not in missed("finn")  # one line


def test_blank_submission_is_a_problem_line_and_a_missing_one_is_named(graded):
    page = (graded["course"] / "reports" / "mini.html").read_text()
    assert re.search(r"<li><b>finn</b>: blank submission: none of the 2 exercises was attempted", page)
    assert '<span class="missing">hal</span>' in page


def test_histogram_in_whole_points(graded):
    page = (graded["course"] / "reports" / "mini.html").read_text()
    bars = dict(re.findall(r"<title>(\d+) point\(s\): (\d+) student\(s\)</title>", page))
    assert bars == {"0": "5", "2": "1", "5": "1"}  # ana 5, ben 3 - 1 late, everyone else 0


# ---------------------------------------------------------------- grades.csv


def test_grades_csv_tells_a_missing_submission_from_a_zero(graded):
    with open(graded["course"] / "grades.csv", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames, {r["student_id"]: r for r in reader}
    assert columns[:11] == ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                            "raw_score", "late_submission_penalty", "score", "max_score"]
    assert columns[11:] == ["status"]
    assert (rows["hal"]["score"], rows["hal"]["raw_score"], rows["hal"]["status"]) == ("", "", "missing")
    assert (rows["finn"]["score"], rows["finn"]["status"]) == ("0.0", "graded")
    assert rows["ana"]["score"] == "5.0" and rows["hal"]["max_score"] == "5.0"


# ---------------------------------------------------------------- feedback


def teacher_paths(graded) -> list[str]:
    return [p for p in {sys.prefix, sys.base_prefix, str(Path.home()), str(graded["course"]), str(ROOT),
                        "/tmp/kit-grade"} if len(p) > 1]


def test_feedback_has_no_teacher_paths_and_no_hidden_tests(graded):
    pages = sorted((graded["course"] / "feedback").glob("*/mini/mini.html"))
    assert len(pages) == len(PLANTED)
    for path in pages:
        text = path.read_text()
        assert not [p for p in teacher_paths(graded) if p in text], path
        assert "HIDDEN TESTS" not in text and "hidden=True" not in text, path
    gus = (graded["course"] / "feedback" / "gus" / "mini" / "mini.html").read_text()
    assert "json/decoder.py" in gus and "JSONDecodeError" in gus  # the traceback stays useful


def test_feedback_names_each_exercise_and_sums_up_the_assignment(graded):
    """nbgrader's "Test cell" links carry the exercise titles; each student gets one summary page (inert,
    every exercise by title with its points, linked to its notebook's page), and the report links it."""
    feedback = graded["course"] / "feedback"
    ben = (feedback / "ben" / "mini" / "mini.html").read_text(encoding="utf-8")
    assert ">Test cell<" not in ben and f">{SUM_TITLE}</a>" in ben and f">{WORDS_TITLE}</a>" in ben
    assert '<html lang="en">' in ben
    for student in PLANTED:
        summary = feedback / student / "mini" / "index.html"
        assert summary.is_file(), student
        page = summary.read_text(encoding="utf-8")
        assert "Content-Security-Policy" in page and "<script" not in page.lower() and '<html lang="en">' in page
    ana = page_text(feedback / "ana" / "mini" / "index.html")
    assert "Score: 5 / 5" in tidy(ana) and f"{CHAPTER} · {SUM_TITLE}" in ana and "✔ passed" in ana
    dan = page_text(feedback / "dan" / "mini" / "index.html")
    assert dan.count("✘ look at it again") == 2 and "Score: 0 / 5" in tidy(dan)
    assert 'href="mini.html#mini_sum_test"' in (feedback / "dan" / "mini" / "index.html").read_text()
    report = (graded["course"] / "reports" / "mini.html").read_text(encoding="utf-8")
    assert 'href="../feedback/ana/mini/index.html"' in report


# ---------------------------------------------------------------- by eye, in Chromium


@pytest.fixture(scope="module")
def chromium(playwright_driver):
    executable = os.environ.get("KIT_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable} (the Debian package 'chromium')")
    browser = playwright_driver.chromium.launch(executable_path=executable, headless=True,
                                                args=["--no-sandbox", "--disable-gpu"])
    try:
        yield browser
    finally:
        browser.close()


def open_page(chromium, path: Path, width: int):
    page = chromium.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    return page


def overflowing(page) -> list[str]:
    """Text blocks wider than their box (text that runs off instead of wrapping)."""
    return page.evaluate("""() => [...document.querySelectorAll('pre, li, td, p')]
        .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
        .map(e => e.textContent.slice(0, 80))
        .concat(document.documentElement.scrollWidth > window.innerWidth + 1 ? ['<the page scrolls sideways>'] : [])""")


def test_report_in_chromium(graded, chromium):
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    shutil.copy2(graded["course"] / "reports" / "mini.html", ARTIFACTS / "teacher-report-mini.html")
    for width in (1200, 700):
        page = open_page(chromium, graded["course"] / "reports" / "mini.html", width)
        try:
            first = page.locator("table.exercises tr.exercise").first
            assert SUM_TITLE in first.inner_text() and CHAPTER in first.inner_text()
            assert page.locator("svg.histogram rect").count() == 3
            assert page.get_by_text("blank submission").first.is_visible()
            assert overflowing(page) == []
            page.screenshot(path=str(shots / f"teacher-report-{width}px.png"), full_page=True)
        finally:
            page.close()


def test_feedback_in_chromium(graded, chromium):
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    for student in ("eve", "gus"):
        path = graded["course"] / "feedback" / student / "mini" / "mini.html"
        shutil.copy2(path, ARTIFACTS / f"teacher-feedback-{student}.html")
        page = open_page(chromium, path, 900)
        try:
            text = page.inner_text("body")
            assert not [p for p in teacher_paths(graded) if p in text]
            assert overflowing(page) == [], student
            page.screenshot(path=str(shots / f"teacher-feedback-{student}.png"), full_page=True)
        finally:
            page.close()
    summary = open_page(chromium, graded["course"] / "feedback" / "ben" / "mini" / "index.html", 900)
    try:
        assert overflowing(summary) == []
        summary.screenshot(path=str(shots / "teacher-feedback-summary-ben.png"), full_page=True)
    finally:
        summary.close()
    eve = open_page(chromium, graded["course"] / "feedback" / "eve" / "mini" / "mini.html", 900)
    try:
        message = eve.locator("pre", has_text="order of the words").last
        box = message.bounding_box()
        assert box["height"] > 60 and box["width"] <= 900  # the 330-character message wrapped onto lines
        assert "ExerciseNotPassed" not in eve.inner_text("body")  # the friendly text alone
    finally:
        eve.close()


# ---------------------------------------------------------------- the term: class list, deadlines, gradebook


def tidy(text: str) -> str:
    """Report text as read: no space before , : ) and after (."""
    return re.sub(r"\(\s+", "(", re.sub(r"\s+([,:)])", r"\1", text))


def page_text(path: Path) -> str:
    """What a reader sees of an HTML page (highlighted code splits ``hidden=True`` into spans)."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


def test_grade_names_missing_unknown_and_stray_folders(graded):
    text = output(graded)
    assert "mini: 1 enrolled student(s) without a submission: hal" in text
    assert "submitted/gus is not on the class list" in text
    assert "submitted/zed holds no assignment of this course (homework)" in text
    summary = tidy(report_text(graded).split("Who needs help with what")[0])
    assert "No submission (1): hal" in summary and "Not on the class list (1; graded, check the names): folder gus" \
        in summary
    assert "Folders of submitted/ with no assignment of this course (1): zed (homework)" in summary


def test_late_policy_and_extension_in_grades_csv_and_report(graded):
    with (graded["course"] / "grades.csv").open(newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    ben, cleo = rows["ben"], rows["cleo"]
    # 1.5 days late: two started days at 10 % of 5 points
    assert (ben["raw_score"], ben["late_submission_penalty"], ben["score"]) == ("3.0", "1.0", "2.0"), ben
    assert ben["duedate"].startswith("2020-01-01 00:00:00")
    assert float(cleo["late_submission_penalty"] or 0) == 0.0  # late by 1 day, with 2 days' extension
    assert rows["ana"]["late_submission_penalty"] in ("0.0", "")
    assert rows["eve"]["last_name"] == "'=HYPERLINK(\"http://x\")"  # a formula from the roster stays text
    page = (graded["course"] / "reports" / "mini.html").read_text()
    row = re.search(r'<tr class="student" id="student-ben">(.*?)</tr>', page, flags=re.S).group(1)
    assert "2 / 5" in row and "3 − 1 late" in row
    assert "Late (1): ben 1 d 12 h late (−1)" in tidy(report_text(graded))


def test_report_opens_with_the_summary_and_links_each_student(graded):
    page = (graded["course"] / "reports" / "mini.html").read_text()
    assert page.index('id="summary"') < page.index("Exercises, hardest first") < page.index("<details class=\"isolation\"")
    summary = tidy(report_text(graded).split("Exercises, hardest first")[0])
    assert "Full marks (1): ana" in summary and "Blank submission, nothing attempted (1): finn" in summary
    help_ = summary.split("Who needs help with what")[1]
    assert f"{SUM_TITLE} (5): ben, cleo, dan, eve, gus" in help_
    assert f"{WORDS_TITLE} (4): cleo, dan, eve, gus" in help_
    assert "finn" not in help_  # a blank submission is one line, not every exercise
    row = re.search(r'<tr class="student" id="student-ana">(.*?)</tr>', page, flags=re.S).group(1)
    hrefs = re.findall(r'href="([^"]+)"', row)
    assert "../feedback/ana/mini/index.html" in hrefs and "../autograded/ana/mini/mini.ipynb" in hrefs  # its summary
    for href in hrefs:  # relative links that work from disk
        assert (graded["course"] / "reports" / html.unescape(href)).resolve().is_file(), href
    assert "Ana Lopez" in row


def test_generate_feedback_of_nbgrader_withholds_hidden_tests(graded):
    """``nbgrader generate_feedback`` (the CLI, in the course folder) and the formgrader's Generate Feedback
    (nbgrader's API as the formgrader's server calls it) make the kit's feedback: no hidden test."""
    course = graded["tmp"] / "nbgrader-feedback" / "course"
    shutil.copytree(graded["course"], course)
    shutil.rmtree(course / "feedback")
    done = subprocess.run(["nbgrader", "generate_feedback", "mini", "--force"], cwd=course, env=kit_env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    pages = sorted((course / "feedback").glob("*/mini/*.html"))
    assert len(pages) == len(PLANTED)
    for path in pages:
        text = page_text(path)
        assert "hidden=True" not in text and "HIDDEN TESTS" not in text, path
        raw = path.read_text(encoding="utf-8")  # and inert, like kit grade's pages: no script, a strict policy
        assert "<script" not in raw.lower() and 'http-equiv="Content-Security-Policy"' in raw, path
    shutil.rmtree(course / "feedback" / "eve")
    api = ("from nbgrader.apps.baseapp import NbGrader\nfrom nbgrader.apps.api import NbGraderAPI\n"
           "from nbgrader.auth import Authenticator\n"
           "app = NbGrader(); app.initialize([])\n"
           "api = NbGraderAPI(app.coursedir, Authenticator(parent=app), parent=app)\n"
           "result = api.generate_feedback('mini', 'eve'); print(result['success'], result.get('error', ''))\n")
    done = subprocess.run([PY, "-c", api], cwd=course, env=kit_env(), capture_output=True, text=True, timeout=600)
    assert done.stdout.startswith("True"), done.stdout + done.stderr
    eve = page_text(course / "feedback" / "eve" / "mini" / "mini.html")
    assert "hidden=True" not in eve and "HIDDEN TESTS" not in eve
    # nbgrader's default preprocessors would show the hidden tests of an autograded notebook: under kit grade
    # the kernel ran the grade cells without them (gradebook.withhold_hidden_tests), so there are none to show,
    # while the course's own gradebook (formgrader, the next kit grade) keeps them
    done = subprocess.run(["nbgrader", "generate_feedback", "mini", "--force", "--student", "ana",
                           '--GenerateFeedback.preprocessors=["nbgrader.preprocessors.GetGrades"]'],
                          cwd=course, env=kit_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "hidden=True" not in page_text(course / "feedback" / "ana" / "mini" / "mini.html")
    assert "hidden=True" not in (course / "autograded" / "ana" / "mini" / "mini.ipynb").read_text()
    with sqlite3.connect(course / "gradebook.db") as db:
        kept = [row[0] for row in db.execute("SELECT source FROM source_cell WHERE name = 'mini_sum_test'")]
    assert kept and "hidden=True" in kept[0]


def test_manual_grade_and_comment_reach_report_and_grades_csv(graded):
    """A manual score and a comment set in the gradebook (as the formgrader does) show after ``kit report``."""
    from nbgrader.api import Gradebook

    course = graded["tmp"] / "manual" / "course"
    shutil.copytree(graded["course"], course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.find_grade("mini_words_test", "mini", "mini", "dan").manual_score = 3.0
        gb.find_comment("mini_words_answer", "mini", "mini", "dan").manual_comment = "One word short: see the task."
        gb.db.commit()
    done = subprocess.run([PY, "-m", "kitlib.cli", "report"], cwd=course, env=kit_env(), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.startswith(f"kit report: course {course.resolve()}")
    page = (course / "reports" / "mini.html").read_text()
    row = re.search(r'<tr class="student" id="student-dan">(.*?)</tr>', page, flags=re.S).group(1)
    assert "3 / 5" in row and "graded by hand" in row and "One word short: see the task." in row
    assert WORDS_TITLE not in row  # the hand-given full points take it off the missed list
    with (course / "grades.csv").open(newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert rows["dan"]["score"] == "3.0" and rows["ben"]["score"] == "2.0"  # the late penalty stays


def test_export_for_canvas_and_moodle(graded):
    course = graded["course"]
    for kind in ("canvas", "moodle"):
        out = graded["tmp"] / f"{kind}.csv"
        done = subprocess.run([PY, "-m", "kitlib.cli", "export", kind, "--out", str(out)], cwd=course,
                              env=kit_env(), capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        rows = list(csv.reader(out.open(newline="")))
        if kind == "canvas":
            assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "mini"]
            assert rows[1][0].strip() == "Points Possible" and rows[1][5] == "5"
            people = {r[3]: r for r in rows[2:]}
            assert people["ana"][:3] == ["Lopez, Ana", "", "S001"] and people["ana"][5] == "5"
            assert people["ben"][5] == "2"  # after the late penalty
            assert people["hal"][5] == ""  # no submission: left empty, not 0
            assert people["eve"][0].startswith("'=")  # a formula from the roster stays text
        else:
            assert rows[0] == ["First name", "Last name", "ID number", "Email address", "Username", "mini"]
            people = {r[4]: r for r in rows[1:]}
            assert people["ana"] == ["Ana", "Lopez", "S001", "ana@example.org", "ana", "5"]
            assert people["eve"][1].startswith("'=")


def test_report_meets_wcag_aa_in_axe_core(graded, chromium):
    """axe-core (the axe-playwright-python package ships it) finds no serious or critical issue."""
    import json

    import axe_playwright_python

    axe = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    context = chromium.new_context(bypass_csp=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        page.goto((graded["course"] / "reports" / "mini.html").as_uri())
        page.evaluate(axe)
        result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
        bad = [{"id": v["id"], "impact": v["impact"], "nodes": [n["html"][:120] for n in v["nodes"][:3]]}
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == [], json.dumps(bad, indent=1)
        assert result["passes"], "axe ran no check"
    finally:
        context.close()


# ---------------------------------------------------------------- the formgrader, clicked


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def formgrader(graded):
    """A teacher's Jupyter server over a copy of the graded course, nbgrader's formgrader on, with an exchange
    (``c.Exchange.root`` from the teacher's Jupyter config, as INSTRUCTORS.md's hub recipe sets it)."""
    import json
    import secrets
    import signal
    import urllib.request

    base = graded["tmp"] / "formgrader"
    course, exchange, config = base / "course", base / "exchange", base / "jupyter-config"
    shutil.copytree(graded["course"], course)
    exchange.mkdir(parents=True)
    config.mkdir()
    (config / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n")
    (config / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": True}}}))
    token, port = secrets.token_hex(16), _free_port()
    env = dict(kit_env(), JUPYTER_CONFIG_DIR=str(config), JUPYTER_RUNTIME_DIR=str(base / "runtime"))
    command = [PY, "-m", "jupyter", "server", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
               "--ServerApp.port_retries=0", f"--ServerApp.root_dir={course}", f"--IdentityProvider.token={token}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = base / "server.log"
    with log.open("wb") as handle:  # the formgrader loads the course's config from the server's folder
        process = subprocess.Popen(command, cwd=course, env=env, stdout=handle, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                request = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
                json.loads(urllib.request.urlopen(request, timeout=5).read())
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
                time.sleep(0.5)
        yield {"url": url, "token": token, "course": course, "exchange": exchange, "log": log}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _formgrader_click(page, student: str, column: str, done: str) -> str:
    """Click a submission's icon in the formgrader's Manage Submissions table; the text of nbgrader's dialog."""
    row = page.locator("tr", has=page.locator("td.student-id", has_text=re.compile(f"^\\s*{student}\\s*$")))
    row.locator(f"td.{column} a").click()
    dialog = page.locator(".modal-dialog:visible")
    dialog.wait_for(timeout=300_000)
    text = dialog.inner_text()
    assert done in text, text
    dialog.get_by_role("button", name="Close").last.click()
    dialog.wait_for(state="hidden")
    page.locator(".modal-backdrop").wait_for(state="detached")
    return text


def test_formgrader_generate_and_release_feedback_publish_the_kits_feedback(graded, formgrader, chromium):
    """In Chromium, the formgrader (nbgrader's own page, in its own tab): Generate Feedback, then Release
    Feedback for one submission. What reaches the exchange is the kit's feedback: titles, no hidden test,
    no live markup, a Content-Security-Policy."""
    from kitlib.grading.release import protected_lines

    student = "ben"  # one answer wrong; handed in with a timestamp, as nbgrader's collect leaves it
    course, exchange = formgrader["course"], formgrader["exchange"]
    shutil.rmtree(course / "feedback" / student)
    context = chromium.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    try:
        # The teacher logs in with the server's token (the cookie then carries the formgrader's own requests)
        # and opens the formgrader in its own tab, as kit doctor and INSTRUCTORS.md tell them to.
        page.goto(f"{formgrader['url']}/login?next=%2Fformgrader%2Fmanage_submissions%2Fmini")
        page.locator("#password_input").fill(formgrader["token"])
        page.locator("#password_input").press("Enter")
        page.wait_for_url(re.compile(r"/formgrader/manage_submissions/mini$"))
        page.locator("td.student-id", has_text=student).first.wait_for(timeout=60_000)
        shots = ARTIFACTS / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "formgrader-manage-submissions.png"), full_page=True)
        # no roster name for gus: the formgrader shows his id (kit grade named him), never "None, None"
        names = page.locator("td.student-name").all_inner_texts()
        assert "None" not in " ".join(names) and "gus," in [n.strip() for n in names], names
        generated = _formgrader_click(page, student, "generate-feedback", "Successfully generated feedback")
        assert "HIDDEN" not in generated
        _formgrader_click(page, student, "release-feedback", "Successfully released feedback")
        page.screenshot(path=str(shots / "formgrader-feedback-released.png"), full_page=True)
    finally:
        context.close()
    from nbgrader.utils import notebook_hash

    from kitlib.grading.course import Course
    from kitlib.grading.gradebook import read_grades

    released = sorted((exchange / "mini" / "feedback").glob("*.html"))
    secret = (course / "submitted" / student / "mini" / "submission_secret.txt").read_text()
    # one notebook's page and the summary page (Generate Feedback had deleted it: Release wrote it again)
    assert sorted(p.name for p in released) == sorted(f"{notebook_hash(secret=secret, notebook_id=n)}.html"
                                                      for n in ("mini", "index")), released
    page_path = exchange / "mini" / "feedback" / f"{notebook_hash(secret=secret, notebook_id='mini')}.html"
    raw = page_path.read_text(encoding="utf-8")
    text = page_text(page_path)
    source = nbformat.read(str(course / "source" / "mini" / "mini.ipynb"), as_version=4)
    hidden = [line for cell in source.cells for kind, line in protected_lines(cell) if kind == "hidden test"]
    assert hidden, "the mini course has hidden tests: the check below could not fail"
    assert not [line for line in hidden if line in text], "a hidden test was released"
    assert "HIDDEN TESTS" not in text and "hidden=True" not in text
    assert 'http-equiv="Content-Security-Policy"' in raw and '<html lang="en">' in raw
    from test_grading_hostile import live_markup  # the hostile-gallery test's scan: one owner

    assert live_markup(raw.split("<body", 1)[1]) == []
    assert f">{SUM_TITLE}</a>" in raw and f">{WORDS_TITLE}</a>" in raw and ">Test cell<" not in raw
    assert "total = 4" in text  # the student's own answer is there

    # The summary page: from the gradebook as it is now, titles, no hidden test, nothing of the student's markup.
    summary_path = exchange / "mini" / "feedback" / f"{notebook_hash(secret=secret, notebook_id='index')}.html"
    summary_raw, summary = summary_path.read_text(encoding="utf-8"), tidy(page_text(summary_path))
    score = read_grades(Course.open(course), "mini").submissions[student].score
    assert f"Score: {score:g} / 5" in summary and f"{CHAPTER} · {SUM_TITLE}" in summary_raw, summary
    assert not [line for line in hidden if line in summary] and "hidden=True" not in summary_raw
    assert 'http-equiv="Content-Security-Policy"' in summary_raw
    assert live_markup(summary_raw.split("<body", 1)[1], own_page=True) == []  # links only to the pages beside it
    assert "total = 4" not in summary  # the student's answers stay on the notebook's page

    # ben fetches it with nbgrader's own command, from his cache of the submission (as `nbgrader submit` left it)
    from nbgrader.tests import run_nbgrader

    home, cache = formgrader["course"].parent / "ben-home", formgrader["course"].parent / "ben-cache"
    stamp = (course / "submitted" / student / "mini" / "timestamp.txt").read_text().strip()
    shutil.copytree(course / "submitted" / student / "mini", cache / "mini" / f"{student}+mini+{stamp}")
    home.mkdir()
    (home / "nbgrader_config.py").write_text(
        f"c = get_config()\nload_subconfig({str(course / 'nbgrader_config.py')!r})\n"
        f"c.Exchange.root = {str(exchange)!r}\nc.Exchange.cache = {str(cache)!r}\n"
        f"c.CourseDirectory.student_id = {student!r}\n")
    here = os.getcwd()
    os.chdir(home)
    try:
        run_nbgrader(["fetch_feedback", "mini", "--course", "mini"])
    finally:
        os.chdir(here)
    fetched = home / "mini" / "feedback" / stamp
    assert sorted(p.name for p in fetched.iterdir()) == ["index.html", "mini.html"]
    assert (fetched / "index.html").read_text(encoding="utf-8") == summary_raw
