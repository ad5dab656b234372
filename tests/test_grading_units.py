"""Fast unit tests of the grading pieces (no notebook is executed)."""
from __future__ import annotations

import copy
import json
import os
import subprocess
from pathlib import Path

import nbformat
import pytest

from kitlib.grading import feedback, release, report, sandbox, sanitize

pytestmark = pytest.mark.fast

FIXTURE_NB = Path(__file__).parent / "fixtures" / "mini_course" / "source" / "mini" / "mini.ipynb"


def source_nb():
    return nbformat.read(str(FIXTURE_NB), as_version=4)


def blank_nb():
    """What generate_assignment makes of the fixture (solutions and hidden tests gone)."""
    nb = source_nb()
    for cell in nb.cells:
        text = release.strip_regions(cell.source, release.BEGIN_HIDDEN, release.END_HIDDEN)
        if release.BEGIN_SOLUTION in text:
            text = release.strip_regions(text, release.BEGIN_SOLUTION, release.END_SOLUTION) + "# YOUR CODE HERE"
        cell.source = text.rstrip("\n")
    return nb


def cell(nb, gid):
    return next(c for c in nb.cells if (c.metadata.get("nbgrader") or {}).get("grade_id") == gid)


# ---------------------------------------------------------------- release leak check

def test_clean_release_has_no_leaks():
    assert release.find_leaks(source_nb(), blank_nb(), "mini") == []


def test_surviving_solution_and_hidden_test_are_leaks():
    leaked = blank_nb()
    cell(leaked, "mini_sum_answer").source += "\ntotal = 2 + 3"
    cell(leaked, "mini_words_test").source += '\ngrade("mini_words", words, hidden=True)'
    kinds = sorted(leak.kind for leak in release.find_leaks(source_nb(), leaked, "mini"))
    assert kinds == ["hidden test", "solution"]


def test_leftover_marker_is_a_leak():
    leaked = blank_nb()
    cell(leaked, "mini_sum_test").source += "\n### BEGIN HIDDEN TESTS"
    assert any(leak.kind == "marker" for leak in release.find_leaks(source_nb(), leaked, "mini"))


def test_release_rejects_unknown_assignment(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    with pytest.raises(release.ReleaseError, match="unknown assignment"):
        release.release_assignments(tmp_path, ["nope"])


def test_release_rejects_folder_without_config(tmp_path):
    with pytest.raises(release.ReleaseError, match="nbgrader_config.py is missing"):
        release.release_assignments(tmp_path)


# ---------------------------------------------------------------- sanitize

def test_read_submitted_rejects_bad_json_and_non_notebooks(tmp_path):
    bad = tmp_path / "a.ipynb"
    bad.write_text("{ nope")
    assert "not valid JSON" in sanitize.read_submitted(bad)[1]
    bad.write_text(json.dumps({"cells": "x"}))
    assert "not a Jupyter notebook" in sanitize.read_submitted(bad)[1]
    bad.write_text(json.dumps([1, 2]))
    assert sanitize.read_submitted(bad)[0] is None


def test_honest_notebook_needs_no_repair():
    repaired, notes = sanitize.repair_notebook(blank_nb(), blank_nb())
    assert notes == []
    assert [c.source for c in repaired.cells] == [c.source for c in blank_nb().cells]


def test_instructor_version_is_not_reported_as_edited():
    assert sanitize.repair_notebook(source_nb(), blank_nb())[1] == []


def test_deleted_grade_cell_is_restored_in_place():
    nb = blank_nb()
    position = nb.cells.index(cell(nb, "mini_sum_test"))
    del nb.cells[position]
    repaired, notes = sanitize.repair_notebook(nb, blank_nb())
    assert any("mini_sum_test was deleted" in n for n in notes)
    assert sanitize._grade_id(repaired.cells[position]) == "mini_sum_test"


def test_duplicated_locked_cell_is_dropped_and_split_answer_kept():
    nb = blank_nb()
    test = cell(nb, "mini_words_test")
    nb.cells.insert(nb.cells.index(test), copy.deepcopy(test))
    answer = cell(nb, "mini_sum_answer")
    half = copy.deepcopy(answer)
    half.source = "total = total + 3"
    nb.cells.insert(nb.cells.index(answer) + 1, half)
    repaired, notes = sanitize.repair_notebook(nb, blank_nb())
    ids = [sanitize._grade_id(c) for c in repaired.cells]
    assert ids.count("mini_words_test") == 1 and ids.count("mini_sum_answer") == 1
    assert "total = total + 3" in [c.source for c in repaired.cells]
    assert len([n for n in notes if "more than once" in n]) == 2


def test_retyped_cells_get_their_type_back():
    nb = blank_nb()
    for gid in ("mini_sum_test", "mini_words_answer"):
        old = cell(nb, gid)
        nb.cells[nb.cells.index(old)] = nbformat.v4.new_markdown_cell(old.source, metadata=old.metadata)
    repaired, notes = sanitize.repair_notebook(nb, blank_nb())
    assert cell(repaired, "mini_sum_test").cell_type == "code"
    assert cell(repaired, "mini_words_answer").cell_type == "code"
    assert len([n for n in notes if "changed from code to markdown" in n]) == 2
    nbformat.validate(repaired)


def test_edited_test_cell_is_reported():
    nb = blank_nb()
    cell(nb, "mini_sum_test").source = "print('fine')"
    assert any("mini_sum_test was edited" in n for n in sanitize.repair_notebook(nb, blank_nb())[1])


# ---------------------------------------------------------------- feedback

def test_hide_hidden_tests_strips_source_and_tracebacks():
    nb = source_nb()
    test = cell(nb, "mini_sum_test")
    test.outputs = [nbformat.v4.new_output("error", ename="NameError", evalue="name 'x' is not defined",
                                           traceback=['grade("mini_sum", total, hidden=True)', "NameError"])]
    out, _ = feedback.HideHiddenTests().preprocess(nb, {})
    text = json.dumps(out)
    assert "hidden=True" not in text and "HIDDEN" not in text
    assert cell(out, "mini_sum_test").outputs[0]["traceback"] == ["NameError: name 'x' is not defined"]


# ---------------------------------------------------------------- sandbox, report

def test_availability_answers_three_fields():
    ok, message, fix = sandbox.availability()
    assert isinstance(ok, bool) and message and isinstance(fix, str)
    assert ok or fix


ALLOWED_KERNEL_ENV = {"NBGRADER_EXECUTION", "KIT_ANSWER_DIR", "KIT_PROBE_SEED", "HOME", "PATH", "LANG", "KITLIB_OFFLINE",
                      "TF_CPP_MIN_LOG_LEVEL", "KERAS_HOME", "KITLIB_DATA_DIR", "KIT_EXERCISE_MODULES", "TMPDIR",
                      "KIT_SANDBOX"}


def _plan(tmp_path, use_bwrap=True, **kw):
    paths = sandbox.SandboxPaths(tmp_path / "work" / "sandbox", tmp_path / "boxes" / "b")
    return sandbox.plan_kernel(paths, sandbox.Limits(), sandbox.sandbox_uid(0), use_bwrap=use_bwrap, **kw)


def test_kernel_sandbox_mounts_an_allow_list_and_nothing_writable_of_the_host(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_SECRET_TOKEN", "s3cr3t")
    plan = _plan(tmp_path)
    argv = plan["bwrap"]
    pairs = list(zip(argv, argv[1:], argv[2:]))
    assert "--unshare-net" in argv and "--unshare-pid" in argv and "--die-with-parent" in argv
    assert ("--ro-bind", "/", "/") not in pairs and "--bind" not in argv  # nothing of the host is writable
    mounted = {dest for flag, _, dest in pairs if flag in ("--ro-bind", "--bind")}
    repo = sandbox.kit_root()
    assert str(repo / "kitlib") in mounted and str(repo) not in mounted  # the package, not the repository
    assert not any(m.startswith(str(repo / "course")) or m.startswith(str(repo / "tests")) for m in mounted)
    box = argv.index(sandbox.BOX)
    assert argv[box - 1] == "--tmpfs" and argv[box - 3] == "--size"  # the only writable place is size-limited
    if sandbox._is_root():
        assert ("--cap-drop", "ALL", "--cap-add") in pairs
        assert plan["launch"]["uid"] == sandbox.sandbox_uid(0) != 0
    else:
        assert "--unshare-user" in argv
    env = plan["launch"]["env"]
    assert set(env) <= ALLOWED_KERNEL_ENV and "s3cr3t" not in json.dumps(plan)
    assert env["HOME"] == sandbox.BOX and env["KIT_ANSWER_DIR"].startswith(sandbox.BOX)


def test_kernel_and_launchers_run_isolated_python_outside_student_folders(tmp_path):
    plan = _plan(tmp_path)
    assert plan["launch"]["kernel_argv"][1] == "-I"
    assert plan["launcher"][1:3] == ["-I", "-S"] and plan["launcher"][3].endswith("sandbox_entry.py")
    assert "--chdir" in plan["bwrap"] and plan["bwrap"][plan["bwrap"].index("--chdir") + 1] == "/"
    sandbox.write_kernelspec(tmp_path / "jupyter", Path(tmp_path / "plan.json"))
    spec = json.loads((tmp_path / "jupyter" / "kernels" / "kit-sandbox" / "kernel.json").read_text())
    assert spec["argv"][1:3] == ["-I", "-S"] and spec["env"] == {}


def test_extra_exercise_modules_are_mounted_alone(tmp_path, monkeypatch):
    folder = tmp_path / "mods"
    folder.mkdir()
    (folder / "my_course_checks.py").write_text("EXERCISES = []\n")
    (folder / "secret_solutions.ipynb").write_text("{}")
    monkeypatch.setenv("KIT_EXERCISE_MODULES", "my_course_checks")
    monkeypatch.setenv("PYTHONPATH", str(folder))
    args = sandbox.exercise_module_mounts()
    assert args == ["--ro-bind", str(folder / "my_course_checks.py"), "/kit/modules/my_course_checks.py"]


def test_open_parents_makes_mount_points_reachable_for_the_unprivileged_user():
    argv = sandbox.open_parents(["bwrap", "--ro-bind", "/a/b/c", "/a/b/c", "--perms", "1777", "--size", "5",
                                 "--tmpfs", "/tmp", "--ro-bind", "/x", "/tmp/p/q", "--", "cmd"])
    assert argv == ["bwrap", "--perms", "0755", "--dir", "/a", "--perms", "0755", "--dir", "/a/b",
                    "--ro-bind", "/a/b/c", "/a/b/c", "--perms", "1777", "--size", "5", "--tmpfs", "/tmp",
                    "--perms", "0755", "--dir", "/tmp/p", "--ro-bind", "/x", "/tmp/p/q", "--", "cmd"]


def test_pass_shares():
    from kitlib.grading.grade import CellResult, SubmissionResult

    results = [SubmissionResult("a", "m", [CellResult("nb", "x", 2, 2), CellResult("nb", "y", 1, 0)]),
               SubmissionResult("b", "m", [CellResult("nb", "x", 2, 1), CellResult("nb", "y", 1, 1)])]
    assert report.pass_shares(results) == {"x": 0.5, "y": 0.5}


def test_availability_without_bwrap_says_so_and_how_to_fix(monkeypatch):
    monkeypatch.setattr(sandbox, "_which", lambda name: None)
    ok, message, fix = sandbox.availability.__wrapped__()
    assert not ok and "not installed" in message and "bubblewrap" in fix


# ---------------------------------------------------------------- start-up cost

def test_grader_processes_skip_the_slow_iri_grammar_and_still_validate_notebooks():
    import subprocess
    import sys

    code = ("from kitlib.grading import skip_slow_optional_imports\n"
            "skip_slow_optional_imports()\n"
            "import sys, nbformat, jsonschema\n"
            f"nb = nbformat.read({str(FIXTURE_NB)!r}, as_version=4)\n"
            "nbformat.validate(nb)\n"
            "broken = nbformat.v4.new_notebook(); broken.cells.append({'cell_type': 'code'})\n"
            "try:\n    nbformat.validate(broken)\nexcept nbformat.ValidationError:\n    print('invalid caught')\n"
            "print('loaded' if sys.modules.get('rfc3987_syntax') else 'skipped')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["invalid", "caught", "skipped"]


# ---------------------------------------------------------------- blank versions

def test_current_release_is_reused_only_while_newer_than_every_source(tmp_path):
    import os
    import time

    from kitlib.grading.release import current_release

    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    source, release = tmp_path / "source" / "mini", tmp_path / "release" / "mini"
    source.mkdir(parents=True)
    (source / "mini.ipynb").write_text("{}")
    (source / "data.csv").write_text("1,2\n")
    assert current_release(tmp_path, "mini") is None  # nothing released yet
    release.mkdir(parents=True)
    (release / "mini.ipynb").write_text("{}")
    past = time.time() - 60
    for path in (source / "mini.ipynb", source / "data.csv", tmp_path / "nbgrader_config.py"):
        os.utime(path, (past, past))
    assert current_release(tmp_path, "mini") == release
    (source / "data.csv").write_text("3,4\n")  # the teacher changed a source file since kit release
    assert current_release(tmp_path, "mini") is None
    os.utime(source / "data.csv", (past, past))
    (source / "extra.ipynb").write_text("{}")  # a notebook the release does not have
    os.utime(source / "extra.ipynb", (past, past))
    assert current_release(tmp_path, "mini") is None


def test_isolation_findings_say_what_is_missing_and_how_to_fix_it(monkeypatch):
    import functools

    from kitlib.grading import cgroups

    monkeypatch.setattr(sandbox, "availability", functools.lru_cache(maxsize=1)(
        lambda: (False, "bubblewrap (bwrap) is not installed", "sudo apt-get install -y bubblewrap")))
    monkeypatch.setattr(sandbox, "cgroup_support", lambda: cgroups.CgroupSupport(
        None, {}, "no cgroup file system is mounted", "mount cgroup2 at /sys/fs/cgroup"))
    rows = {area: (status, detail, fix) for area, status, detail, fix in sandbox.findings()}
    status, detail, fix = rows["grading isolation"]
    assert status == "warn" and "can read every file" in detail and "apt-get install -y bubblewrap" in fix
    status, detail, fix = rows["grading limits"]
    assert status == "warn" and "fall back" in detail and "cgroup2" in fix
    assert "per process" in sandbox.Limits().describe(sandboxed=False, cgroups=False)[0]


def test_cgroup_detection_reads_v1_and_v2_layouts(tmp_path):
    from kitlib.grading import cgroups

    v2 = tmp_path / "v2"
    (v2 / "user.slice" / "me").mkdir(parents=True)
    (v2 / "user.slice" / "me" / "cgroup.controllers").write_text("cpu memory pids\n")
    (tmp_path / "mountinfo").write_text(f"30 1 0:26 / {v2} rw,nosuid - cgroup2 cgroup2 rw\n")
    (tmp_path / "cgroup").write_text("0::/user.slice/me\n")
    found = cgroups.detect(str(tmp_path / "mountinfo"), str(tmp_path / "cgroup"))
    assert found.version == "v2" and found.parents["memory"] == v2 / "user.slice" / "me"
    (v2 / "user.slice" / "me" / "cgroup.controllers").write_text("cpu\n")
    missing = cgroups.detect(str(tmp_path / "mountinfo"), str(tmp_path / "cgroup"))
    assert not missing.ok and "memory" in missing.message and missing.fix
    (tmp_path / "mountinfo").write_text("")
    assert "no cgroup" in cgroups.detect(str(tmp_path / "mountinfo"), str(tmp_path / "cgroup")).message


def test_untrusted_reads_refuse_links_specials_hard_links_and_big_files(tmp_path):
    import os

    from kitlib.grading import safefs

    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "ok.txt").write_text("fine")
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", folder / "link.txt")
    os.link(tmp_path / "secret.txt", folder / "hard.txt")
    os.mkfifo(folder / "pipe.ipynb")
    os.symlink(".", folder / "loop")
    (folder / "big.bin").write_bytes(b"x" * 2048)
    (folder / "deep").mkdir()
    (folder / "deep" / "data.csv").write_text("1,2")
    fd = safefs.open_dir(folder)
    try:
        files, notes = safefs.read_tree(fd, max_files=10, max_total=10_000, max_file=1024, max_depth=2)
    finally:
        os.close(fd)
    assert files == {"ok.txt": b"fine", "deep/data.csv": b"1,2"}
    text = " ".join(notes)
    for words in ("link.txt is a symbolic link", "hard link", "pipe.ipynb is a FIFO", "loop is a symbolic link",
                  "big.bin is 0.0 MB, over the"):
        assert words in text, (words, notes)
    with pytest.raises(safefs.Refused, match="symbolic link"):
        safefs.open_dir(tmp_path, "sub", "loop")


def _tmpfs_tmp_before_mounts_below_tmp(argv: list[str]) -> bool:
    """True when the private /tmp is mounted before (so: under) every mount that lies below /tmp."""
    tmp = next(i for i, arg in enumerate(argv) if arg == "--tmpfs" and argv[i + 1] == "/tmp")
    below = [i for i, arg in enumerate(argv) if arg in ("--ro-bind", "--bind") and argv[i + 2].startswith("/tmp/")]
    return bool(below) and all(tmp < i for i in below)


def test_a_kit_living_below_tmp_is_not_hidden_by_the_private_tmp(tmp_path, monkeypatch):
    # A fresh clone in CI may live in /tmp: the kit, its virtualenv and the exercise modules are
    # then mounted below /tmp, and the sandbox's own /tmp must not cover them.
    from kitlib.grading import warm

    clone = Path("/tmp/kit-clone-for-test")
    monkeypatch.setattr(sandbox, "kit_root", lambda: clone)
    plan = _plan(tmp_path)
    assert _tmpfs_tmp_before_mounts_below_tmp(plan["bwrap"])
    tool = sandbox.tool_argv([tmp_path], "kitlib.grading.verify", [], None, use_bwrap=True)
    assert _tmpfs_tmp_before_mounts_below_tmp(tool)
    assert _tmpfs_tmp_before_mounts_below_tmp(warm.zygote_argv(tmp_path / "sockets"))


def test_private_tmp_then_allow_list_really_shows_a_kit_below_tmp(tmp_path, monkeypatch):
    if not sandbox.availability()[0]:
        pytest.skip("bubblewrap cannot start a sandbox here")
    clone = tmp_path / "clone"  # pytest's tmp_path is below /tmp
    (clone / "kitlib").mkdir(parents=True)
    (clone / "kitlib" / "marker.txt").write_text("the kit is visible")
    monkeypatch.setattr(sandbox, "kit_root", lambda: clone)
    argv = sandbox.open_parents([sandbox._which("bwrap"), *sandbox._privilege_args(), "--die-with-parent",
                                 *sandbox.private_tmp(1 << 20), *sandbox.read_only_mounts(), "--proc", "/proc",
                                 "--dev", "/dev", "--", "/bin/sh", "-c",
                                 f"cat {clone}/kitlib/marker.txt && touch /tmp/written && echo ' ok'"])
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["the", "kit", "is", "visible", "ok"], done.stderr


def test_copy_tree_copies_regular_files_only_within_the_caps(tmp_path):
    from kitlib.grading import safefs

    # The answers of a finished sandbox: links and special files are left behind, hard links inside
    # the box's own file system are copied (they cannot point outside it), the caps hold.
    box = tmp_path / "box"
    (box / "deep" / "deeper").mkdir(parents=True)
    (box / "a.json").write_text("{}")
    os.link(box / "a.json", box / "a-again.json")
    os.symlink(tmp_path / "elsewhere", box / "link.json")
    os.mkfifo(box / "pipe.json")
    (box / "big.json").write_bytes(b"x" * 4096)
    (box / "deep" / "b.json").write_text("[]")
    (box / "deep" / "deeper" / "c.json").write_text("1")
    fd = safefs.open_dir(box)
    try:
        copied, notes = safefs.copy_tree(fd, tmp_path / "out", max_files=10, max_total=10_000, max_file=1024,
                                         max_depth=1)
    finally:
        os.close(fd)
    assert sorted(copied) == ["a-again.json", "a.json", "deep/b.json"]
    assert (tmp_path / "out" / "deep" / "b.json").read_text() == "[]"
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*")
                  if p.is_file()) == ["a-again.json", "a.json", "deep/b.json"]
    text = " ".join(notes)
    for words in ("link.json is a symbolic link", "pipe.json is a FIFO", "big.json", "deep/deeper",
                  "not copied"):
        assert words in text, (words, notes)
    fd = safefs.open_dir(box)
    try:
        copied, notes = safefs.copy_tree(fd, tmp_path / "out2", max_files=1, max_total=10_000, max_file=1024,
                                         max_depth=1)
    finally:
        os.close(fd)
    assert copied == ["a-again.json"] and any("more than 1 files" in n for n in notes)


def _processes_of(uid: int) -> int:
    """Processes of ``uid``, zombies included (they count against its process limit)."""
    import os

    found = 0
    for entry in os.scandir("/proc"):
        try:
            found += entry.name.isdigit() and os.stat(entry.path).st_uid == uid
        except OSError:
            continue
    return found


def test_kill_uid_ends_an_orphaned_fork_bomb_and_waits_until_its_processes_are_reaped():
    # Without bubblewrap and cgroups the slot's uid is the only boundary between one notebook and
    # the next one of the same slot: after kill_uid, nothing of the uid may be left, not even
    # zombies waiting for init (they still count against the next notebook's process limit).
    import os
    import resource
    import time

    if not sandbox._is_root():
        pytest.skip("kill_uid acts only as root")
    uid = sandbox.sandbox_uid(977)
    if os.fork() == 0:  # the bomb's parent leaves at once: the bomb is an orphan, as a kernel's leftovers are
        try:
            if os.fork() == 0:
                os.setgid(uid)
                os.setuid(uid)
                resource.setrlimit(resource.RLIMIT_NPROC, (48, 48))
                while True:
                    try:
                        os.fork()
                    except OSError:
                        time.sleep(0.01)
        finally:
            os._exit(0)
    os.wait()
    try:
        deadline = time.monotonic() + 10
        while _processes_of(uid) < 48 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _processes_of(uid) >= 48, "the fork bomb did not reach its limit"
        assert sandbox.kill_uid(uid) >= 48
        assert _processes_of(uid) == 0
    finally:
        for _ in range(5):
            if not _processes_of(uid):
                break
            sandbox.kill_uid(uid)


# ---------------------------------------------------------------- hidden tests never reach the kernel

VISIBLE = 'from kitlib.exercises import grade\ngrade("mini_sum", total)\n'


def _hidden(code: str) -> str:
    return f"{VISIBLE}### BEGIN HIDDEN TESTS\n{code}\n### END HIDDEN TESTS\n"


@pytest.mark.parametrize("code", [
    'grade("mini_sum", total, hidden=True)',
    "# the hidden probes\ngrade('mini_sum', total, hidden=True)",
    'import kitlib.exercises as kx\nkx.grade("mini_sum", total, hidden=True)'[len("import kitlib.exercises as kx\n"):],
    "",
])
def test_a_hidden_region_that_repeats_the_visible_call_is_taken_out(code):
    from kitlib.grading.notebook import public_grade_source

    assert public_grade_source(_hidden(code)) == VISIBLE


@pytest.mark.parametrize("code", [
    "assert total == 5",
    'grade("mini_sum", total)',                          # no hidden=True: not the hidden part
    'grade("mini_sum", other, hidden=True)',             # another answer than the visible call's
    'grade("mini_words", total, hidden=True)',           # another exercise
    'grade("mini_sum", total, hidden=True, scale=2)',    # another argument
    'grade("mini_sum", total, hidden=True)\nprint(total)',
    "grade(",                                            # no Python
])
def test_any_other_hidden_code_is_kept(code):
    from kitlib.grading.notebook import public_grade_source

    assert public_grade_source(_hidden(code)) is None
    assert public_grade_source(VISIBLE) == VISIBLE  # no hidden region: nothing to do


def test_the_grading_snapshot_holds_no_hidden_source_and_consistent_checksums(tmp_path, monkeypatch):
    import sys

    from nbgrader.api import Gradebook
    from nbgrader.utils import compute_checksum

    from kitlib.grading.course import db_url
    from kitlib.grading.gradebook import withhold_hidden_tests

    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))  # alembic
    db = tmp_path / "gradebook.db"
    kept_code = _hidden("assert total == 5")
    with Gradebook(db_url(db), "course") as gb:
        gb.add_assignment("mini")
        gb.add_notebook("mini", "mini")
        for name, source in (("mini_sum_test", _hidden('grade("mini_sum", total, hidden=True)')),
                             ("other_test", kept_code)):
            gb.update_or_create_grade_cell(name, "mini", "mini", max_score=2, cell_type="code")
            gb.update_or_create_source_cell(name, "mini", "mini", source=source, cell_type="code", locked=True,
                                            checksum="stale")
        gb.update_or_create_source_cell("mini_sum_answer", "mini", "mini", source="total = 2 + 3",
                                        cell_type="code", locked=False, checksum="x")
    assert withhold_hidden_tests(db, "mini") == ["mini/other_test"]
    with Gradebook(db_url(db), None) as gb:
        cells = {c.name: c for c in gb.find_notebook("mini", "mini").source_cells}
        public = cells["mini_sum_test"]
        assert public.source == VISIBLE and "hidden" not in public.source.lower()
        node = nbformat.v4.new_code_cell(VISIBLE)
        node.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": "mini_sum_test",
                                     "points": 2}
        assert public.checksum == compute_checksum(node)  # what nbgrader's OverwriteCells checks against
        assert cells["other_test"].source == kept_code and cells["other_test"].checksum == "stale"
        assert cells["mini_sum_answer"].source == "total = 2 + 3"

