"""A term of a real class on a real JupyterHub, end to end, as course/INSTRUCTORS.md ("Hosting on a
JupyterHub") tells a teacher to set it up.

One hub for the whole module (the ``classroom`` fixture), then the loop (the ``term`` fixture), then
the asserts, each test reading what the loop recorded:

- JupyterHub 6 with the pure-Python ``configurable-http-proxy`` (no node), ``DummyAuthenticator``
  with a password, on free ports of 127.0.0.1 only. As root: ``LocalProcessSpawner`` and real
  accounts made with ``useradd`` (private homes, mode 0700), one instructor and three students;
  otherwise ``SimpleLocalProcessSpawner`` (one account for everybody, so the isolation asserts are
  skipped, saying why).
- nbgrader's exchange: a folder of mode 1777; every user, instructor and students alike, gets
  ``c.Exchange.root`` (and ``path_includes_course``) from ONE shared ``nbgrader_config.py`` in a
  folder named by ``JUPYTER_CONFIG_PATH`` in ``c.Spawner.environment``. Commands the test runs as a
  user get the same environment, as a terminal of that user's server would.
- One environment for everybody, with no instructor material: kitlib installed from a wheel built
  from this repository (the wheel is checked: no ``course/``), and the course's public
  ``nbgrader_config.py`` (the student repository's) for ``binder/student-jupyter``, run as each
  student. The instructor uses the same environment, skips ``student-jupyter`` and so keeps the
  formgrader. (The wheel is installed with ``pip --target`` into a world-readable folder named by
  ``PYTHONPATH``: the suite cannot build a second environment with TensorFlow for every run.)
- Where the suite's own Python lives in a folder other accounts cannot enter (pyenv under a 0700
  ``/root``, as on this project's machines and CI), the hub and everything the users run live in a
  private mount namespace in which only that Python is reachable (:func:`_users_namespace`).
- Two courses (``mini`` and ``mini2``, the mini course of tests/fixtures twice), private folders in
  the instructor's home: ``chmod -R go-rwx``.
- The loop: the instructor releases both (``kit due`` for ``mini``, ``kit release --course``,
  ``nbgrader release_assignment``); ana, in Chromium, logs in, fetches in the Assignments tab, answers,
  Validates, submits; ben (blank) and cleo (one of two right in ``mini``, all right in ``mini2``) fetch
  and submit with nbgrader's commands run as themselves; the instructor moves ``mini``'s due date
  (``kit due``, ``release_assignment --force``), collects, runs ``kit grade --course``, releases
  feedback; ben runs ``nbgrader list`` (the new date in his DUE.md); ana refreshes her Assignments tab
  (the same) and fetches her feedback in the browser, the others with ``nbgrader fetch_feedback`` (each
  gets the summary page too); the
  instructor opens the formgrader in its own tab (``/user/<instructor>/formgrader``: JupyterHub >= 4.1
  forbids framing it in JupyterLab).

Screenshots go to ``$KIT_ARTIFACTS/screenshots/hub-*.png``, the hub's log and the step timings to
``$KIT_ARTIFACTS/hub-*.``.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT / "tests" / "browser"))
import jlab  # noqa: E402  (the browser tests' helpers: JupyterLab driven through its own model)

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PY = Path(sys.executable)
BIN = PY.parent
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
PASSWORD = "kit-" + secrets.token_hex(8)
HIDDEN_SOURCE = "hidden=True"  # the hidden tests of the mini course: grade("mini_sum", total, hidden=True)
START_TIMEOUT = 120

# student -> course -> (answer of mini_sum, answer of mini_words); None keeps the placeholder
ANSWERS = {
    "ana": {"mini": ("total = 2 + 3", 'words = ["keras", "layers"]')},           # in the browser
    "ben": {"mini": (None, None)},                                                # hands in a blank notebook
    "cleo": {"mini": ("total = 5", 'words = ["layers", "keras"]'),               # hidden check: not sorted
             "mini2": ("total = 2 + 3", 'words = ["keras", "layers"]')},
}
EXPECTED = {("ana", "mini"): 5.0, ("ben", "mini"): 0.0, ("cleo", "mini"): 2.0, ("cleo", "mini2"): 5.0}
COURSES = ("mini", "mini2")
DUE_FIRST, DUE_MOVED = "2099-01-15 17:00 UTC", "2099-01-22 17:00 UTC"  # course mini's due date, then a week more
NO_WHEEL: list = []  # why no wheel could be built (offline), if so


# ----------------------------------------------------------------------------- accounts and commands

@dataclass
class Account:
    role: str                  # "teacher", "ana", "ben", "cleo"
    name: str                  # the account (and hub) name: nbgrader's student id
    home: Path

    @property
    def is_student(self) -> bool:
        return self.role != "teacher"


@dataclass
class Classroom:
    base: Path                 # world-readable: exchange, shared config, student environment
    exchange: Path
    shared_config: Path        # JUPYTER_CONFIG_PATH of every user: nbgrader_config.py with the exchange
    student_site: Path         # the student environment's kitlib (installed from the wheel)
    wheel_names: list[str] | None  # None: no wheel could be built (offline)
    accounts: dict[str, Account]
    url: str                   # the hub, http://127.0.0.1:PORT
    hub: subprocess.Popen | None = None
    namespace: subprocess.Popen | None = None  # holds the mount namespace the users' processes run in, if any
    log: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def teacher(self) -> Account:
        return self.accounts["teacher"]

    def course(self, course_id: str) -> Path:
        return self.teacher.home / course_id

    def env(self, account: Account) -> dict:
        """What a process of ``account`` gets: the same as its single-user server (c.Spawner.environment)."""
        env = {
            "HOME": str(account.home), "USER": account.name, "LOGNAME": account.name,
            "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
            "JUPYTER_CONFIG_PATH": str(self.shared_config),
            "KITLIB_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "KIT_EXERCISE_MODULES": "mini_exercises",
        }
        env["PYTHONPATH"] = str(self.student_site)  # the wheel's kitlib and the mini course's exercises
        return env

    def run(self, account: Account, command: list[str], cwd: Path | None = None, check: bool = True,
            timeout: float = 300, extra_env: dict | None = None) -> subprocess.CompletedProcess:
        """Run ``command`` as ``account`` (``runuser`` as root) in ``cwd`` (default: the home)."""
        env = dict(self.env(account), **(extra_env or {}))
        if AS_ROOT:
            full = [*self.enter(cwd or account.home), "runuser", "-u", account.name, "--", "env", "-i",
                    *[f"{k}={v}" for k, v in env.items()], *command]
            env_arg = None
        else:
            full, env_arg = command, env
        done = subprocess.run(full, cwd=str(cwd or account.home), env=env_arg, capture_output=True, text=True,
                              timeout=timeout)
        if check and done.returncode != 0:
            pytest.fail(f"as {account.name} in {cwd or account.home}: {' '.join(command)} -> "
                        f"{done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done

    def enter(self, cwd: Path) -> list[str]:
        """The command prefix that runs a command in ``cwd`` in the users' mount namespace, if any
        (entering a mount namespace moves a process to its root: ``--wd`` brings it back)."""
        return ["nsenter", f"--target={self.namespace.pid}", "--mount", f"--wd={cwd}", "--"] if self.namespace else []

    def nbgrader(self, account: Account, *args: str, cwd: Path | None = None, check: bool = True):
        return self.run(account, [str(BIN / "nbgrader"), *args], cwd=cwd, check=check)

    def kit(self, *args: str, cwd: Path, timeout: float = 600):
        return self.run(self.teacher, [str(PY), "-m", "kitlib.cli", *args], cwd=cwd, timeout=timeout)

    def time(self, step: str, since: float) -> None:
        self.timings[step] = round(time.monotonic() - since, 1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unreadable_by_others(path: Path) -> Path | None:
    """The first folder on the way to ``path`` that other users cannot enter (None: all can)."""
    for folder in [*reversed(path.parents), path]:
        if folder.exists() and folder.is_dir() and not folder.stat().st_mode & stat.S_IXOTH:
            return folder
    return None


def _users_namespace(base: Path) -> subprocess.Popen | None:
    """Every user needs the Python the hub runs (its base installation too) and the instructor this
    checkout. A Python under a private folder (pyenv in /root, mode 0700: this project's machines
    and CI) is a Python only root can run; another account's ``python`` then silently loads the
    system's standard library of another patch release. Rather than opening /root, the hub and
    everything the users run live in a mount namespace of their own in which the private folder is
    an empty tmpfs (0755) with only the needed sub-folders bound back in. Nothing changes outside
    it. Returns the process that holds the namespace (None where every path is reachable already)."""
    needed = [Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), PY.resolve()]
    exposed: dict[Path, set[str]] = {}
    for path in needed:
        blocked = _unreadable_by_others(path)
        if blocked is not None:
            exposed.setdefault(blocked, set()).add(path.relative_to(blocked).parts[0])
    if not exposed:
        return None
    hidden = base / "namespace"
    hidden.mkdir(mode=0o700)
    script = ["set -e"]
    for i, (blocked, children) in enumerate(sorted(exposed.items())):
        real = hidden / str(i)
        real.mkdir()
        script += [f"mount --bind '{blocked}' '{real}'", f"mount -t tmpfs -o mode=0755 kit-hub '{blocked}'"]
        for child in sorted(children):
            script += [f"mkdir -p '{blocked / child}'", f"mount --rbind '{real / child}' '{blocked / child}'"]
    script.append("exec sleep 86400")
    holder = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                               "\n".join(script)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # ready when the holder sleeps
        if holder.poll() is not None:
            pytest.fail(f"could not make the users' mount namespace: {holder.stdout.read().decode()[-2000:]}")
        try:
            if Path(f"/proc/{holder.pid}/cmdline").read_bytes().startswith(b"sleep"):
                return holder
        except OSError:
            pass
        time.sleep(0.1)
    holder.kill()
    pytest.fail("the users' mount namespace was not ready within 30 s")


def _make_accounts(base: Path) -> dict[str, Account]:
    tag = secrets.token_hex(2)
    accounts = {}
    for role in ("teacher", "ana", "ben", "cleo"):
        name = f"kh{tag}{role}"  # unique per run; nbgrader's student id is the account name
        if AS_ROOT:
            # INSTRUCTORS.md: private homes. Debian's useradd makes them 0755 unless HOME_MODE says otherwise.
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--user-group", name],
                           check=True, capture_output=True)
            home = Path(pwd.getpwnam(name).pw_dir)
            home.chmod(0o700)
        else:
            home = base / "home" / name
            home.mkdir(parents=True)
        accounts[role] = Account(role, name, home)
    return accounts


def _kill_processes_of(uids: set[int]) -> None:
    """Stop every process of the test accounts (each one by its id)."""
    import psutil

    procs = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real in uids]
    for proc in procs:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=10)


def _remove_accounts(accounts: dict[str, Account]) -> None:
    if not AS_ROOT:
        return
    uids = set()
    for account in accounts.values():
        try:
            uids.add(pwd.getpwnam(account.name).pw_uid)
        except KeyError:
            pass
    _kill_processes_of(uids)
    for account in accounts.values():
        subprocess.run(["userdel", "--remove", account.name], capture_output=True)
        shutil.rmtree(account.home, ignore_errors=True)


def _student_environment(base: Path, work: Path) -> tuple[Path, list[str] | None]:
    """kitlib as a student gets it: ``pip install`` of a wheel of this repository (never the clone itself)."""
    src = work / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "artifacts", "student", "build", "dist", "*.egg-info", "__pycache__", ".whl", ".gl",
        "release", "submitted", "autograded", "feedback", "reports", "gradebook.db"))
    wheels = work / "wheels"
    site = base / "student-env" / "site"
    # pip's own build (isolated: it gets setuptools>=77 as pyproject.toml asks, from its cache or PyPI)
    built = subprocess.run([str(PY), "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(src)],
                           capture_output=True, text=True, timeout=300)
    if built.returncode == 0:
        (wheel,) = wheels.glob("*.whl")
        names = zipfile.ZipFile(wheel).namelist()
        subprocess.run([str(PY), "-m", "pip", "install", "--no-deps", "--no-compile", "-q", "--target", str(site),
                        str(wheel)], check=True, capture_output=True, timeout=300)
    else:  # offline without pip's cache: the package alone, as the wheel would hold it
        shutil.copytree(ROOT / "kitlib", site / "kitlib", ignore=shutil.ignore_patterns("__pycache__"))
        names = None
        NO_WHEEL.append(built.stderr.strip().splitlines()[-1:] or ["pip wheel failed"])
    shutil.copy2(FIXTURES / "mini_exercises.py", site / "mini_exercises.py")  # the test course's exercises
    # The student repository's course/nbgrader_config.py (INSTRUCTORS.md: the public student release).
    public = base / "student-env" / "course"
    public.mkdir(parents=True)
    shutil.copy2(ROOT / "course" / "nbgrader_config.py", public / "nbgrader_config.py")
    return site, names


def _hub_config(room: Classroom, hub_dir: Path, port: int) -> Path:
    site = str(room.student_site)
    config = f'''
import os
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {_free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{_free_port()}"
# The pure-Python proxy answers a request only once the target has sent all of it, and gives up
# after 20 s unless told otherwise: the spawn page's progress stream (which ends when the server is
# ready) then fails for a server slower than that, and the page never moves on to JupyterLab.
c.ConfigurableHTTPProxy.command = [{str(BIN / "configurable-http-proxy")!r}, "--proxy-timeout={START_TIMEOUT * 1000}"]
c.ConfigurableHTTPProxy.pid_file = {str(hub_dir / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{hub_dir / "jupyterhub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(hub_dir / "cookie_secret")!r}
c.JupyterHub.pid_file = {str(hub_dir / "hub.pid")!r}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {PASSWORD!r}
c.Authenticator.allowed_users = {set(a.name for a in room.accounts.values())!r}
c.JupyterHub.spawner_class = {"localprocess" if AS_ROOT else "simple"!r}
c.Spawner.cmd = [{str(BIN / "jupyterhub-singleuser")!r}]
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = {START_TIMEOUT}
c.Spawner.http_timeout = {START_TIMEOUT}
c.Spawner.args = ["--LabApp.expose_app_in_browser=True"]  # test only: the tests read the notebook model
c.Spawner.environment = {{
    # every user: the shared nbgrader_config.py with c.Exchange.root
    "JUPYTER_CONFIG_PATH": {str(room.shared_config)!r},
    "KITLIB_OFFLINE": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "KIT_EXERCISE_MODULES": "mini_exercises",
    # the environment's kitlib, installed from the wheel (a real hub: in site-packages, no variable)
    "PYTHONPATH": {site!r},
}}
'''
    if not AS_ROOT:
        config += f'c.SimpleLocalProcessSpawner.home_dir_template = {str(room.base / "home" / "{username}")!r}\n'
    path = hub_dir / "jupyterhub_config.py"
    path.write_text(config)
    return path


def _wait_for_hub(room: Classroom) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if room.hub.poll() is not None:
            pytest.fail(f"JupyterHub exited with {room.hub.returncode}:\n{_tail(room.log)}")
        try:
            with urllib.request.urlopen(f"{room.url}/hub/api", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"JupyterHub did not answer within {START_TIMEOUT} s:\n{_tail(room.log)}")
        time.sleep(0.5)


def _tail(path: Path | None, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except (OSError, AttributeError):
        return "(no log)"


def _stop_hub(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # the hub stops the single-user servers (cleanup_servers)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _course_copy(room: Classroom, course_id: str) -> Path:
    """The mini course in the instructor's home, private (INSTRUCTORS.md: chmod -R go-rwx)."""
    course = room.course(course_id)
    shutil.copytree(FIXTURES / "mini_course" / "source", course / "source")
    # A course folder of its own, as a teacher has it: the kit's course configuration, with the mini
    # course's id and short cell limits (the fixture's config loads it from beside kitlib instead).
    (course / "nbgrader_config.py").write_text(
        (ROOT / "course" / "nbgrader_config.py").read_text(encoding="utf-8")
        + f"\n# the test's mini course\nc.CourseDirectory.course_id = {course_id!r}\n"
        "c.ExecutePreprocessor.timeout = 20\nc.Execute.timeout = 20\n", encoding="utf-8")
    if AS_ROOT:
        shutil.chown(course, room.teacher.name, room.teacher.name)
        for path in course.rglob("*"):
            shutil.chown(path, room.teacher.name, room.teacher.name)
    subprocess.run(["chmod", "-R", "go-rwx", str(course)], check=True)
    return course


@pytest.fixture(scope="module")
def classroom(artifacts_dir, tmp_path_factory):
    """Accounts, the student environment, the exchange, the shared config, the hub; courses released."""
    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="kit-hub-", dir="/tmp"))  # not pytest's tmp: that is private to root
    base.chmod(0o755)
    hub_dir = base / "hub"
    hub_dir.mkdir(mode=0o700)
    exchange = base / "exchange"
    exchange.mkdir()
    exchange.chmod(0o1777)  # nbgrader's exchange: everybody writes, sticky bit
    shared = base / "jupyter"
    shared.mkdir()
    (shared / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        "c.Exchange.path_includes_course = True  # two courses may both have an assignment 'mini'\n")
    accounts: dict[str, Account] = {}
    room = None
    try:
        site, wheel_names = _student_environment(base, tmp_path_factory.mktemp("wheel"))
        accounts = _make_accounts(base)
        port = _free_port()
        room = Classroom(base, exchange, shared, site, wheel_names, accounts, f"http://127.0.0.1:{port}")
        room.namespace = _users_namespace(base) if AS_ROOT else None
        room.timings["student environment and accounts"] = round(time.monotonic() - started, 1)

        t0 = time.monotonic()
        config = _hub_config(room, hub_dir, port)
        room.log = artifacts_dir / "hub-jupyterhub.log"
        hub_env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "KIT_", "PYTHONPATH"))}
        hub_env["PATH"] = f"{BIN}:{hub_env.get('PATH', '/usr/bin:/bin')}"
        with open(room.log, "wb") as log:
            room.hub = subprocess.Popen([*room.enter(hub_dir), str(PY), "-m", "jupyterhub", "-f", str(config)],
                                        cwd=hub_dir, env=hub_env, stdout=log, stderr=subprocess.STDOUT)

        # Each user runs the hub's Python with its own standard library (see _users_namespace).
        probe = room.run(accounts["ana"], [str(PY), "-c", "import sys; print(sys.base_prefix)"]).stdout.strip()
        assert probe == sys.base_prefix, f"a student's Python loads another standard library: {probe}"

        # The students' Jupyter (binder/student-jupyter, run by each student): Validate and the
        # Assignments tab, no instructor tools. The course folder it reads is the public one.
        def configure(account: Account) -> None:
            room.run(account, [str(PY), "-m", "kitlib.lab", "configure", "--course",
                               str(base / "student-env" / "course"), "--exchange", str(exchange)])
            if not AS_ROOT:  # one account for all: nbgrader cannot tell students apart by account
                with open(account.home / ".jupyter" / "nbgrader_config.py", "a") as config_file:
                    config_file.write(f"c.CourseDirectory.student_id = {account.name!r}\n")

        # The instructor: both courses, private; the formgrader pointed at the first one.
        for course_id in COURSES:
            _course_copy(room, course_id)
        teacher_jupyter = room.teacher.home / ".jupyter"
        teacher_jupyter.mkdir(mode=0o700, exist_ok=True)
        (teacher_jupyter / "nbgrader_config.py").write_text(
            f"c = get_config()  # noqa: F821\nc.CourseDirectory.root = {str(room.course('mini'))!r}\n")
        if AS_ROOT:
            shutil.chown(teacher_jupyter, room.teacher.name, room.teacher.name)
            shutil.chown(teacher_jupyter / "nbgrader_config.py", room.teacher.name, room.teacher.name)

        def release(course_id: str) -> None:
            course = room.course(course_id)
            if course_id == "mini":  # a due date before the release: the release carries it (DUE.md)
                room.kit("due", "mini", DUE_FIRST, "--course", str(course), cwd=course)
            room.kit("release", "--course", str(course), cwd=course)
            room.nbgrader(room.teacher, "release_assignment", "mini", cwd=course)

        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = [pool.submit(configure, a) for a in accounts.values() if a.is_student]
            jobs += [pool.submit(release, course_id) for course_id in COURSES]
            for job in jobs:
                job.result()
        _wait_for_hub(room)
        room.time("hub start, students' Jupyter, release (2 courses)", t0)
        yield room
    finally:
        if room is not None and room.hub is not None:
            _stop_hub(room.hub)
        _remove_accounts(accounts)
        if room is not None and room.namespace is not None:
            room.namespace.kill()
            room.namespace.wait(timeout=10)
        shutil.rmtree(base, ignore_errors=True)


# ----------------------------------------------------------------------------- the browser

@pytest.fixture(scope="module")
def chromium(playwright_driver):
    if not Path(jlab.CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {jlab.CHROMIUM} (install the Debian package 'chromium'; .ci/run does)")
    browser = playwright_driver.chromium.launch(executable_path=jlab.CHROMIUM, args=jlab.CHROMIUM_ARGS, headless=True)
    try:
        yield browser
    finally:
        browser.close()


def _log_in(browser, room: Classroom, account: Account):
    """A browser context in which ``account`` has logged in on the hub's login page (its server is
    starting; :func:`_wait_for_lab` waits for it)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(f"{room.url}/hub/login", wait_until="domcontentloaded")
    page.fill("#username_input", account.name)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    return context, page


def _wait_for_lab(page, account: Account) -> None:
    """Wait until the hub has sent the page on to the user's JupyterLab, and JupyterLab is up."""
    page.wait_for_url(re.compile(rf"/user/{account.name}/lab"), timeout=START_TIMEOUT * 1000)
    page.wait_for_function(jlab.APP_READY, timeout=START_TIMEOUT * 1000)
    page.evaluate("async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }")


def _shot(page, name: str, artifacts: Path) -> Path:
    folder = artifacts / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"hub-{name}.png"
    page.screenshot(path=str(path))
    return path


def _assignment_list(page):
    page.evaluate("() => window.jupyterapp.commands.execute('nbgrader:open-assignment-list')")
    panel = page.locator("#nbgrader-assignment-list")
    panel.wait_for()
    return panel


def _choose_course(page, panel, course_id: str) -> None:
    dropdown = panel.locator("#course_list_dropdown")
    if dropdown.count() and course_id not in dropdown.inner_text():
        dropdown.click()
    item = panel.locator("#course_list a, #course_list li").filter(has_text=re.compile(rf"^\s*{course_id}\s*$"))
    if item.count():
        item.first.click()
    panel.locator("#released_assignments_list_loading").wait_for(state="hidden")


def _open_from_list(page, panel, path: str) -> None:
    """Downloaded assignments: unfold the assignment, click its notebook (as a student opens it)."""
    fetched = panel.locator("#fetched_assignments_list")
    fetched.locator("a.assignment-notebooks-link").first.click()
    fetched.locator(".assignment-notebooks a", has_text="mini").first.click()
    jlab.wait_for_document(page, path)


def _answer_in_browser(page, answers: tuple[str, str]) -> dict:
    """Type the answers into their cells of the open notebook, save; the notebook as saved."""
    nb = jlab.notebook_json(page)
    ids = [(c.get("metadata", {}).get("nbgrader") or {}).get("grade_id") for c in nb["cells"]]
    for grade_id, code in zip(("mini_sum_answer", "mini_words_answer"), answers):
        typed = jlab.type_into_cell(page, ids.index(grade_id), code)
        assert typed == code, typed
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
    return jlab.notebook_json(page)


_RUNNING_KERNELS = """async () => { const k = window.jupyterapp.serviceManager.kernels;
                                     await k.refreshRunning(); return Array.from(k.running()).length; }"""
_NO_KERNEL_LEFT = """async () => { const k = window.jupyterapp.serviceManager.kernels;
  for (let i = 0; i < 150; i++) { await k.refreshRunning(); if (Array.from(k.running()).length === 0) return 0;
                                  await new Promise(r => setTimeout(r, 200)); }
  return Array.from(k.running()).length; }"""


def _validate(page, shot) -> str:
    """Press the notebook's Validate button; the text of nbgrader's result dialog (``shot`` takes it)."""
    button = page.locator(".jp-NotebookPanel:visible .validate-button")
    button.click()
    dialog = page.locator(".jp-Dialog").filter(has_text="Validation Results")
    dialog.wait_for(timeout=240_000)
    text = dialog.inner_text()
    shot()
    dialog.locator(".jp-mod-accept").click()
    return text


# ----------------------------------------------------------------------------- the loop

def _edit_fetched(path: Path, answers: tuple[str | None, str | None]) -> None:
    """A student's answers written into the fetched notebook (in place: the file stays the student's)."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        grade_id = (cell.metadata.get("nbgrader") or {}).get("grade_id")
        for wanted, code in zip(("mini_sum_answer", "mini_words_answer"), answers):
            if grade_id == wanted and code is not None:
                cell.source = code
    with open(path, "w", encoding="utf-8") as handle:  # keeps owner and mode
        nbformat.write(nb, handle)


def _submitted_timestamps(room: Classroom, course_id: str) -> dict[str, str]:
    """student -> the timestamp nbgrader recorded at submission (course/submitted/<student>/mini/timestamp.txt)."""
    found = {}
    for stamp in (room.course(course_id) / "submitted").glob("*/mini/timestamp.txt"):
        found[stamp.parent.parent.name] = stamp.read_text().strip()
    return found


def _hand_in_by_command(room: Classroom, role: str) -> None:
    """ben or cleo: nbgrader's commands, as himself or herself."""
    for course_id, answers in ANSWERS[role].items():
        account = room.accounts[role]
        room.nbgrader(account, "fetch_assignment", "mini", "--course", course_id)
        _edit_fetched(account.home / course_id / "mini" / "mini.ipynb", answers)
        room.nbgrader(account, "submit", "mini", "--course", course_id)  # from the home: <course>/<assignment>


@pytest.fixture(scope="module")
def term(classroom, chromium, artifacts_dir):
    """The loop, once; every test below reads what it recorded."""
    room = classroom
    acc = room.accounts
    record: dict = {"shots": {}, "started": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)}
    contexts = []
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        # ben and cleo hand in by command while ana works in the browser.
        t_cli = time.monotonic()
        by_command = [pool.submit(_hand_in_by_command, room, role) for role in ("ben", "cleo")]

        # ana, in Chromium: log in, Assignments tab, fetch, open, answer, Validate, submit.
        # (The instructor logs in too, at once: the formgrader's server starts meanwhile.)
        t0 = time.monotonic()
        context, teacher_page = _log_in(chromium, room, room.teacher)
        contexts.append(context)
        context, page = _log_in(chromium, room, acc["ana"])
        contexts.append(context)
        _wait_for_lab(page, acc["ana"])
        room.time("ana: log in, server start, JupyterLab", t0)
        t0 = time.monotonic()
        panel = _assignment_list(page)
        _choose_course(page, panel, "mini")
        released = panel.locator("#released_assignments_list")
        released.get_by_text("mini", exact=True).first.wait_for()
        record["shots"]["assignments-released"] = _shot(page, "01-assignments-released", artifacts_dir)
        released.get_by_role("button", name="Fetch").first.click()
        panel.locator("#fetched_assignments_list").get_by_role("button", name="Submit").first.wait_for()
        notebook = "mini/mini/mini.ipynb"  # path_includes_course: <course>/<assignment>/
        _open_from_list(page, panel, notebook)
        record["ana_saved"] = _answer_in_browser(page, ANSWERS["ana"]["mini"])
        record["ana_validate"] = _validate(page, lambda: record["shots"].update(
            validated=_shot(page, "02-notebook-answered-validated", artifacts_dir)))
        panel = _assignment_list(page)
        panel.locator("#fetched_assignments_list").get_by_role("button", name="Submit").first.click()
        submitted = panel.locator("#submitted_assignments_list")
        submitted.get_by_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")).first.wait_for()
        record["ana_submitted_text"] = submitted.inner_text()
        record["shots"]["assignments-submitted"] = _shot(page, "03-assignments-submitted", artifacts_dir)
        room.time("ana: fetch, open, answer, validate, submit (browser)", t0)
        record["ana_kitlib"] = room.run(acc["ana"], [str(PY), "-c", "import kitlib; print(kitlib.__file__)"]).stdout

        for job in by_command:
            job.result()
        room.time("ben, cleo: fetch and submit, 3 hand-ins (commands, beside ana)", t_cli)
        record["submit_done"] = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)

        record["due_fetched"] = (acc["ana"].home / "mini" / "mini" / "DUE.md").read_text()  # as Fetch brought it

        # The isolation checks run while ana's server and kernel are up.
        t0 = time.monotonic()
        record["isolation"] = _try_to_pry(room) if AS_ROOT else None
        room.time("isolation tries", t0)
        # ana closes the chapter: its kernel stops (kernelShutdown, set by student-jupyter), memory comes back
        record["kernels_before_close"] = page.evaluate(_RUNNING_KERNELS)
        page.evaluate("""() => { for (const w of Array.from(window.jupyterapp.shell.widgets('main')))
                                   if (w.context && w.context.path.endsWith('.ipynb')) w.close(); }""")
        record["kernels_after_close"] = page.evaluate(_NO_KERNEL_LEFT)

        # The instructor: collect, kit grade, release feedback; in each course folder.
        t0 = time.monotonic()

        def collect_grade_release(course_id: str) -> str:
            course = room.course(course_id)
            if course_id == "mini":  # the deadline moves after everyone fetched (INSTRUCTORS.md: Deadlines)
                room.kit("due", "mini", DUE_MOVED, "--course", str(course), cwd=course)
                room.nbgrader(room.teacher, "release_assignment", "mini", "--force", cwd=course)
            room.nbgrader(room.teacher, "collect", "mini", cwd=course)
            graded = room.kit("grade", "--course", str(course), "--jobs", "2", "--timeout", "120", cwd=course)
            room.nbgrader(room.teacher, "release_feedback", "mini", cwd=course)
            return graded.stdout + graded.stderr

        with ThreadPoolExecutor(max_workers=2) as courses:  # two courses, two terminals
            record["grade_output"] = dict(zip(COURSES, courses.map(collect_grade_release, COURSES)))
        room.time("instructor: due date moved (mini), collect, kit grade, release_feedback (2 courses)", t0)

        # Feedback: ana in the browser, ben and cleo by command. The moved due date reaches ben at his next
        # `nbgrader list`, ana at her Assignments tab's next refresh.
        t0 = time.monotonic()

        def ben_lists() -> None:
            listed = room.nbgrader(acc["ben"], "list", "--course", "mini")
            record["due_ben_list"] = listed.stdout + listed.stderr
            record["due_ben_note"] = (acc["ben"].home / "mini" / "mini" / "DUE.md").read_text()

        by_command = [pool.submit(ben_lists)]
        by_command += [pool.submit(lambda r: [room.nbgrader(acc[r], "fetch_feedback", "mini", "--course", course_id)
                                              for course_id in ANSWERS[r]], role) for role in ("ben", "cleo")]
        panel = _assignment_list(page)
        _choose_course(page, panel, "mini")
        panel.locator("#refresh_assignments_list").click()  # the tab's own Refresh: the list runs again
        panel.locator("#released_assignments_list_loading").wait_for(state="hidden")
        note, deadline = acc["ana"].home / "mini" / "mini" / "DUE.md", time.monotonic() + 30
        while DUE_MOVED not in note.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        record["due_ana_note"] = note.read_text()
        submitted = panel.locator("#submitted_assignments_list")
        submitted.get_by_role("button", name="Fetch Feedback").first.click()
        submitted.get_by_text(re.compile("view feedback", re.I)).first.wait_for()
        record["shots"]["assignments-feedback"] = _shot(page, "04-assignments-feedback-fetched", artifacts_dir)
        pages = sorted((acc["ana"].home / "mini" / "mini" / "feedback").glob("*/mini.html"))
        assert pages, list((acc["ana"].home / "mini").rglob("*"))
        relative = pages[-1].relative_to(acc["ana"].home)
        page.goto(f"{room.url}/user/{acc['ana'].name}/files/{relative}", wait_until="load")
        record["shots"]["feedback"] = _shot(page, "05-feedback-ana", artifacts_dir)
        page.goto(f"{room.url}/user/{acc['ana'].name}/files/{relative.parent / 'index.html'}", wait_until="load")
        record["shots"]["feedback-summary"] = _shot(page, "05b-feedback-summary-ana", artifacts_dir)
        for job in by_command:
            job.result()
        room.time("ben lists, feedback fetched (browser + commands)", t0)

        # The formgrader, in its own tab of the instructor's server.
        t0 = time.monotonic()
        _wait_for_lab(teacher_page, room.teacher)
        response = teacher_page.goto(f"{room.url}/user/{room.teacher.name}/formgrader/manage_submissions/mini",
                                     wait_until="load")
        record["formgrader_csp"] = response.headers.get("content-security-policy", "")
        rows = teacher_page.locator("table tbody tr")
        rows.filter(has_text=acc["ana"].name).first.wait_for()
        record["formgrader_rows"] = rows.all_inner_texts()
        record["shots"]["formgrader"] = _shot(teacher_page, "06-formgrader-submissions", artifacts_dir)
        room.time("instructor: formgrader in its own tab", t0)
    except Exception:
        for i, context in enumerate(contexts):
            for j, open_page in enumerate(context.pages):
                _shot(open_page, f"failure-{i}-{j}", artifacts_dir)
        raise
    finally:
        pool.shutdown(wait=True)
        for context in contexts:
            context.close()
        record["timings"] = dict(room.timings)
        (artifacts_dir / "hub-timings.json").write_text(json.dumps(room.timings, indent=1))
    return record


# ----------------------------------------------------------------------------- isolation

def _try_to_pry(room: Classroom) -> dict:
    """What ben can reach of ana's and the instructor's things, tried as ben (every result recorded)."""
    import psutil

    ana, ben, teacher = room.accounts["ana"], room.accounts["ben"], room.accounts["teacher"]
    inbound = room.exchange / "mini" / "inbound"
    tries = {
        "ana's notebook": ["cat", str(ana.home / "mini" / "mini" / "mini.ipynb")],
        "ana's home": ["ls", str(ana.home)],
        "the instructor's course": ["ls", str(room.course("mini"))],
        "the instructor's source notebook": ["cat", str(room.course("mini") / "source" / "mini" / "mini.ipynb")],
        "the instructor's release": ["ls", str(room.course("mini") / "release")],
        "the exchange's inbound (list)": ["ls", str(inbound)],
    }
    uid = pwd.getpwnam(ana.name).pw_uid
    kernels = [p for p in psutil.process_iter(["uids", "cmdline"])
               if p.info["uids"] and p.info["uids"].real == uid and "ipykernel_launcher" in " ".join(p.info["cmdline"] or [])]
    servers = [p for p in psutil.process_iter(["uids", "cmdline"])
               if p.info["uids"] and p.info["uids"].real == uid and "jupyterhub-singleuser" in " ".join(p.info["cmdline"] or [])]
    found = {"kernels": len(kernels), "servers": len(servers)}
    for proc in kernels[:1] + servers[:1]:
        what = "kernel" if proc in kernels else "server"
        tries[f"ana's {what} environment (/proc/PID/environ)"] = ["cat", f"/proc/{proc.pid}/environ"]
        tries[f"ana's {what} open files (/proc/PID/fd)"] = ["ls", f"/proc/{proc.pid}/fd"]
        cmdline = proc.info["cmdline"]
        if what == "kernel" and "-f" in cmdline:
            tries["ana's kernel connection file (its key)"] = ["cat", cmdline[cmdline.index("-f") + 1]]
    results = {}
    for label, command in tries.items():
        done = room.run(ben, command, check=False, cwd=Path("/"))
        results[label] = {"rc": done.returncode, "out": done.stdout[:200], "err": done.stderr.strip()[:200]}
    # ps: command lines of other users' processes are visible unless /proc is mounted with hidepid.
    ps = room.run(ben, ["ps", "-eo", "user:32,args"], check=False, cwd=Path("/"))
    found["ps shows ana's kernel"] = any(line.startswith(ana.name) and "ipykernel" in line
                                         for line in ps.stdout.splitlines())
    found["hidepid"] = _hidepid()
    # ben can still hand in: inbound is write-only for students.
    mode = inbound.stat().st_mode & 0o7777
    found["inbound mode"] = oct(mode)
    found["inbound entries"] = sorted(p.name for p in inbound.iterdir())
    feedback = room.exchange / "mini" / "feedback"
    found["feedback mode"] = oct(feedback.stat().st_mode & 0o7777) if feedback.exists() else None
    found["tries"] = results
    found["teacher"] = teacher.name
    return found


def _hidepid() -> str | None:
    with open("/proc/mounts") as mounts:
        for line in mounts:
            parts = line.split()
            if len(parts) > 3 and parts[1] == "/proc":
                options = [o for o in parts[3].split(",") if o.startswith("hidepid")]
                return options[0] if options else None
    return None


# ----------------------------------------------------------------------------- the asserts

def _gradebook_scores(room: Classroom, course_id: str) -> dict[str, tuple[float, dt.datetime | None]]:
    from nbgrader.api import Gradebook

    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"  # the gradebook runs alembic
    with Gradebook(f"sqlite:///{room.course(course_id) / 'gradebook.db'}") as gb:
        return {s.student.id: (s.score, s.timestamp) for s in gb.assignment_submissions("mini")}


def test_student_environment_has_no_instructor_material(classroom, term):
    """The wheel (what `pip install .` ships) holds kitlib only; the students' kernels import it from there."""
    names = classroom.wheel_names
    if names is None:
        pytest.skip(f"no wheel could be built here (pip: {NO_WHEEL}); kitlib was copied instead")
    assert any(n.startswith("kitlib/") for n in names)
    leaked = [n for n in names if n.startswith("course/") or "/source/" in n or "/hidden/" in n
              or n.endswith(".ipynb")]
    assert not leaked, leaked
    assert term["ana_kitlib"].strip().startswith(str(classroom.student_site)), term["ana_kitlib"]


def test_answered_student_gets_the_points_blank_student_zero(classroom, term):
    assert "Success! Your notebook passes all the tests." in term["ana_validate"], term["ana_validate"]
    acc = classroom.accounts
    for (role, course_id), points in EXPECTED.items():
        scores = _gradebook_scores(classroom, course_id)
        name = acc[role].name
        assert name in scores, (course_id, scores, term["grade_output"][course_id][-2000:])
        assert scores[name][0] == pytest.approx(points), (role, course_id, scores[name])
    # each course holds only its own students
    assert set(_gradebook_scores(classroom, "mini2")) == {acc["cleo"].name}
    assert set(_gradebook_scores(classroom, "mini")) == {acc[r].name for r in ("ana", "ben", "cleo")}
    # kit grade's grades.csv agrees (the blank notebook was handed in: graded, 0 points)
    with open(classroom.course("mini") / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert float(rows[acc["ana"].name]["score"]) == 5.0
    assert float(rows[acc["ben"].name]["score"]) == 0.0 and rows[acc["ben"].name]["status"] == "graded"
    assert float(rows[acc["cleo"].name]["score"]) == 2.0


def test_submission_timestamps_are_the_students_own(classroom, term):
    """nbgrader's timestamp of each hand-in: recorded at submit, carried through collect into the gradebook."""
    for course_id in COURSES:
        stamps = _submitted_timestamps(classroom, course_id)
        scores = _gradebook_scores(classroom, course_id)
        assert set(stamps) == set(scores)
        for student, text in stamps.items():
            when = dt.datetime.strptime(text.replace(" UTC", ""), "%Y-%m-%d %H:%M:%S.%f")
            assert term["started"] <= when <= term["submit_done"], (student, text)
            assert scores[student][1] == when, (student, scores[student][1], text)
    ana_stamp = _submitted_timestamps(classroom, "mini")[classroom.accounts["ana"].name]
    assert ana_stamp.split(".")[0] in term["ana_submitted_text"], term["ana_submitted_text"]


def test_feedback_reaches_each_student_without_hidden_tests(classroom, term):
    """Each student's fetched feedback (Fetch Feedback in the browser for ana, `nbgrader fetch_feedback` for the
    others): the notebook's page and the kit's summary page beside it, their own score, no hidden test; in the
    course with a due date the summary says it and that they handed in on time."""
    acc = classroom.accounts
    for (role, course_id), points in EXPECTED.items():
        pages = sorted((acc[role].home / course_id / "mini" / "feedback").glob("*/*.html"))
        assert pages, f"{role} got no feedback in {course_id}"
        assert sorted(p.name for p in pages) == ["index.html", "mini.html"], (role, course_id, pages)
        text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
        assert HIDDEN_SOURCE not in text and "BEGIN HIDDEN TESTS" not in text, (role, course_id)
        assert re.search(rf"\b{points:g}(\.0)?\s*/\s*5\b", re.sub(r"<[^>]+>", " ", text)), (role, course_id)
        summary = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", pages[0].read_text(encoding="utf-8")))
        assert f"Score: {points:g} / 5" in summary, (role, course_id, summary)
        assert (f"Due: {DUE_MOVED}" in summary and "on time" in summary) == (course_id == "mini"), summary


def test_a_due_date_reaches_students_and_follows_a_change_after_release(term):
    """The release carries the due date (DUE.md in the fetched folder); moved after everyone fetched, it reaches
    ben at his next `nbgrader list` (which prints it) and ana at her Assignments tab's next refresh."""
    assert DUE_FIRST in term["due_fetched"], term["due_fetched"]
    assert f"Due: {DUE_MOVED}" in term["due_ben_list"], term["due_ben_list"]
    assert DUE_MOVED in term["due_ben_note"] and DUE_FIRST not in term["due_ben_note"], term["due_ben_note"]
    assert DUE_MOVED in term["due_ana_note"], term["due_ana_note"]


def test_formgrader_in_its_own_tab_shows_the_same_scores(classroom, term):
    acc = classroom.accounts
    rows = term["formgrader_rows"]
    scores = _gradebook_scores(classroom, "mini")
    for role in ("ana", "ben", "cleo"):
        (row,) = [r for r in rows if acc[role].name in r]
        assert re.search(rf"\b{scores[acc[role].name][0]:g}(\.0)?\s*/\s*5(\.0)?\b", row), (role, row)
        # no class list on this hub: kit grade names each student by their id, never "None, None"
        assert "None" not in row.split(acc[role].name)[0] and row.strip().startswith(acc[role].name), row
    # why its own tab: the hub forbids framing it inside JupyterLab (jupyter/nbgrader#1870)
    assert "frame-ancestors 'none'" in term["formgrader_csp"], term["formgrader_csp"]


def test_closing_a_chapter_stops_its_kernel(term):
    """A student session can afford several chapters: closing one gives its kernel's memory back."""
    assert term["kernels_before_close"] >= 1
    assert term["kernels_after_close"] == 0, term["kernels_after_close"]


@pytest.mark.skipif(not AS_ROOT, reason="one account for every user without root (SimpleLocalProcessSpawner): "
                                        "file and process isolation need an account per user")
def test_a_student_cannot_read_another_students_work_or_the_instructors_course(classroom, term):
    found = term["isolation"]
    tries = found["tries"]
    for label, result in tries.items():
        assert result["rc"] != 0 and not result["out"], f"ben could read {label}: {result}"
        assert "ermission denied" in result["err"] or "Operation not permitted" in result["err"], (label, result)
    assert found["kernels"] >= 1 and "ana's kernel connection file (its key)" in tries, found
    # inbound: write-only for students (sticky, no read): submissions are found only by their
    # unguessable names (student+assignment+timestamp+random), which nobody else can list.
    assert found["inbound mode"] == oct(0o2733) or found["inbound mode"] == oct(0o733), found["inbound mode"]
    for entry in found["inbound entries"]:
        assert re.fullmatch(r"[^+]+\+mini\+[^+]+\+[A-Za-z0-9_-]{12}", entry), entry
    if found["hidepid"]:
        assert not found["ps shows ana's kernel"]
