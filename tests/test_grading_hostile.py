"""The hostile-submission gallery: one ``kit grade --jobs 2`` run over a class of attacks (issue 14).

Every class of attack gets a student of its own next to honest students graded at the same
time. For each: the submission is graded (zero where it cheats), the report has a line,
nothing outside it is read or changed (canaries planted in the instructor's files, another
student's notebook, the teacher's private folder and the grader's environment never appear
in anything the run produced; hashes of the course source, release, gradebook tables, every
submission folder, the kit and its caches are unchanged), honest students keep full marks,
and no process of it survives the run.

Light mini course (tests/fixtures/mini_course, no TensorFlow); one run serves the module.
"""
from __future__ import annotations

import copy
import csv
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from kitlib.grading import sandbox

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PY = sys.executable

pytestmark = [pytest.mark.slow]

if not sandbox.availability()[0]:  # pragma: no cover - the CI machine has bubblewrap
    pytestmark.append(pytest.mark.skip(reason="bubblewrap cannot start here: " + sandbox.availability()[1]))

RUN = secrets.token_hex(4)
CANARY_SOURCE = f"kit-canary-source-{RUN}"      # in the instructor's solution (source notebook, gradebook)
CANARY_HIDDEN = f"kit-canary-hidden-{RUN}"      # in the course's instructor-only hidden/ folder
CANARY_PEER = f"kit-canary-peer-{RUN}"          # in an honest student's notebook
CANARY_PRIVATE = f"kit-canary-private-{RUN}"    # in a teacher's folder elsewhere on the machine
CANARY_ENV = f"kit-canary-env-{RUN}"            # in the grader's environment
CANARIES = (CANARY_SOURCE, CANARY_HIDDEN, CANARY_PEER, CANARY_PRIVATE, CANARY_ENV)
XOR_KEY = b"kit-xor-" + RUN.encode()            # capture_executed's home-made cipher
MARKER = f"kit-hostile-{RUN}"                   # in the command line of every process an attack starts

SUM_OK = "total = 2 + 3"
WORDS_OK = 'words = ["keras", "layers"]'
MEMORY_MB = 768
PROCESSES = 96
DISK_MB = 192


CACHES: dict[str, Path] = {}  # KITLIB_DATA_DIR / KERAS_HOME of the gallery's runs (test-owned copies)


def kit_env() -> dict:
    env = dict(os.environ)
    for name, path in CACHES.items():
        env[name] = str(path)
    env["KIT_EXERCISE_MODULES"] = "mini_exercises"
    env["PYTHONPATH"] = str(FIXTURES) + os.pathsep + env.get("PYTHONPATH", "")
    env["PATH"] = str(Path(PY).parent) + os.pathsep + env.get("PATH", "")
    env["KIT_TEST_GRADER_SECRET"] = CANARY_ENV
    return env


def kit(*args, timeout=1200) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "kitlib.cli", *args], capture_output=True, text=True, env=kit_env(),
                          timeout=timeout)


def answer(nb, gid: str, code: str):
    for cell in nb.cells:
        if (cell.metadata.get("nbgrader") or {}).get("grade_id") == gid:
            cell.source = code
            return nb
    raise KeyError(gid)


def solved(released, sum_code=SUM_OK, words_code=WORDS_OK, extra_cells=()):
    nb = copy.deepcopy(released)
    answer(nb, "mini_sum_answer", sum_code)
    answer(nb, "mini_words_answer", words_code)
    for code in extra_cells:
        nb.cells.append(nbformat.v4.new_code_cell(code))
    return nb


# --------------------------------------------------------------------- the attacks, one class each

def attacks(released, course: Path, private: Path, peer_notebook: Path, port: int = 9) -> dict[str, dict]:
    """student -> {"nb": notebook or None, "files": {name: bytes}, "setup": callable(folder) or None}.

    ``port``: the test's HTTP listener on 127.0.0.1, which every markup attack tries to reach
    from the teacher's browser."""
    # The probe searches for the canaries' common prefix, built at run time, so that its own
    # source (kept in its autograded notebook) holds no canary.
    walk_probe = (
        "import os, socket\n"
        f"canaries = ['kit-' + 'canary-' + kind + '-{RUN}' for kind in ('source', 'hidden', 'peer', 'private', 'env')]\n"
        f"places = {[str(course), str(private), str(peer_notebook.parent)]!r}\n"
        "found = []\n"
        "for key, value in os.environ.items():\n"
        "    if any(c in value for c in canaries): found.append('env ' + key)\n"
        "for pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
        "    for name in ('environ', 'cmdline'):\n"
        "        try:\n"
        "            data = open(f'/proc/{pid}/{name}', 'rb').read()\n"
        "            if any(c.encode() in data for c in canaries): found.append(f'/proc/{pid}/{name}')\n"
        "        except OSError: pass\n"
        "for rel in ('../gradebook.db', '../../gradebook.db', '../../../gradebook.db', '../../../../source',\n"
        "            '../mini.ipynb', '../../autograded', '/proc/self/cwd/../../gradebook.db'):\n"
        "    if os.path.exists(rel): found.append('relative ' + rel)\n"
        "for place in places:\n"
        "    if os.path.exists(place): found.append('visible ' + place)\n"
        "for root, dirs, files in os.walk('/'):\n"
        "    dirs[:] = [d for d in dirs if os.path.join(root, d) not in ('/proc', '/sys', '/usr', '/dev', '/home/student')\n"
        "               and 'site-packages' not in root and 'python3.11' not in root]\n"
        "    for name in files:\n"
        "        path = os.path.join(root, name)\n"
        "        try:\n"
        "            with open(path, 'rb') as handle: data = handle.read(1 << 20)\n"
        "        except OSError: continue\n"
        "        if any(c.encode() in data for c in canaries): found.append('file ' + path)\n"
        "reached = []\n"
        "for target in ('/run/dbus/system_bus_socket', '/var/run/docker.sock', '/tmp/.X11-unix/X0',\n"
        "               '\\0/tmp/.X11-unix/X0'):\n"
        "    try:\n"
        "        s = socket.socket(socket.AF_UNIX); s.settimeout(1); s.connect(target); reached.append(target)\n"
        "    except OSError: pass\n"
        "for host, port in (('127.0.0.1', 22), ('10.0.0.1', 80), ('pypi.org', 443)):\n"
        "    try:\n"
        "        socket.create_connection((host, port), timeout=1); reached.append(f'{host}:{port}')\n"
        "    except OSError: pass\n"
        "for var, name in (('KITLIB_DATA_DIR', 'mnist-substitute-v4.npz'), ('KERAS_HOME', 'keras.json')):\n"
        "    try:\n"
        "        open(os.path.join(os.environ.get(var, '/nonexistent'), name), 'wb').write(b'poisoned')\n"
        "        reached.append('wrote ' + var)\n"
        "    except OSError: pass\n"
        "print('FOUND' if found else 'NOTHING-FOUND', found, 'REACHED' if reached else 'NOTHING-REACHED', reached)\n"
        + SUM_OK)
    runtime_links = (  # an extra cell after the grade cells: replace the recorded answers by links and FIFOs
        "import os, socket\n"
        "answers = os.environ['KIT_ANSWER_DIR']\n"
        "for name in os.listdir(answers):\n"
        "    if name.startswith('mini_words'):\n"
        "        os.remove(os.path.join(answers, name))\n"
        "os.symlink('/kit/connection.json', os.path.join(answers, 'mini_words.json'))\n"
        "os.mkfifo(os.path.join(answers, 'mini_words.npy'))\n"
        "s = socket.socket(socket.AF_UNIX); s.bind(os.path.join(answers, 'mini_words.sock'))\n"
        "os.link(os.path.join(answers, 'mini_sum.json'), os.path.join(answers, 'hard.json'))\n"
        "os.symlink('/', 'root'); os.symlink('.', 'loop'); os.mkfifo('mini.ipynb'); os.mkfifo('pipe')\n"
        "try:\n"
        "    os.mknod('dev', 0o600 | 0o020000, os.makedev(1, 3))\n"
        "except OSError as error:\n"
        "    print('mknod refused', error.errno)\n")
    outlive = (
        "import os, subprocess, sys, threading, time\n"
        # (GNU sleep refuses a second, non-numeric argument and exits at once, printing to stderr: the
        # marker goes to a shell that stays, and no stray stderr line can land in the grade cell below)
        f"subprocess.Popen(['/bin/sh', '-c', 'sleep 3600; echo {MARKER}'], start_new_session=True)\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        f"        os.execv('/bin/sh', ['/bin/sh', '-c', 'sleep 3600; echo {MARKER}'])\n"
        "    os._exit(0)\n"
        "threading.Thread(target=time.sleep, args=(3600,), daemon=False).start()\n"
        "try:\n"
        "    os.kill(os.getppid(), 9)\n"
        "except OSError:\n"
        "    pass\n"
        + SUM_OK)
    fork_bomb = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    while True:\n"
        "        try:\n"
        "            os.fork()\n"
        "        except OSError:\n"
        "            time.sleep(0.01)\n"
        "time.sleep(3)\n"
        + SUM_OK)
    cpu_bomb = (
        "import os, time\n"
        "for _ in range(48):\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        end = time.time() + 60\n"
        "        while time.time() < end:\n"
        "            pass\n"
        "        os._exit(0)\n"
        "time.sleep(6)\n"
        + SUM_OK)
    memory_bomb = (
        "import os, time\n"
        "children = []\n"
        "for _ in range(3):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        f"        block = bytearray({MEMORY_MB // 2} * 1024 * 1024)\n"
        "        for i in range(0, len(block), 4096): block[i] = 1\n"
        "        time.sleep(2)\n"
        "        os._exit(0)\n"
        "    children.append(pid)\n"
        "for pid in children:\n"
        "    os.waitpid(pid, 0)\n"
        "try:\n"
        "    with open('/dev/shm/fill', 'wb') as handle:\n"
        "        for _ in range(1000): handle.write(b'x' * (1 << 20))\n"
        "except OSError as error:\n"
        "    print('shm full', error.errno)\n"
        + SUM_OK)
    flood = (
        "import os\n"
        "from IPython.display import display, Image\n"
        "print('y' * (12 * 1024 * 1024))\n"
        "png = b'\\x89PNG\\r\\n\\x1a\\n' + os.urandom(3 * 1024 * 1024)\n"
        "for _ in range(12):\n"
        "    display(Image(data=png, format='png'))\n"
        "try:\n"
        "    with open('big.bin', 'wb') as handle:\n"
        "        for _ in range(4096): handle.write(b'z' * (1 << 20))\n"
        "except OSError as error:\n"
        "    print('disk full', error.errno)\n"
        + SUM_OK)
    shadow_files = {
        "kitlib/__init__.py": b"print('shadow kitlib imported')\n",
        "kitlib/exercises.py": b"def grade(*args, **kwargs):\n    print('\\u2714 passed')\n",
        "json.py": b"raise SystemExit('shadow json imported')\n",
        "sitecustomize.py": b"open('/tmp/sitecustomize-ran', 'w').write('x')\n",
        "ipykernel_launcher.py": b"raise SystemExit('shadow launcher')\n",
        "ipython_kernel_config.py": b"c = get_config()\nc.InteractiveShellApp.exec_lines = ['print(\"config ran\")']\n",
        "usercustomize.py": b"raise SystemExit('shadow usercustomize')\n",
    }

    subs: dict[str, dict] = {}

    def add(student, nb=None, files=None, setup=None):
        subs[student] = {"nb": nb, "files": files or {}, "setup": setup}

    # links, hard links, special files in the submission
    add("link_notebook_peer", setup=lambda f: os.symlink(peer_notebook, f / "mini.ipynb"))
    add("link_notebook_source", setup=lambda f: os.symlink(course / "source" / "mini" / "mini.ipynb",
                                                           f / "mini.ipynb"))
    add("link_folder", setup="folder-link")
    add("hardlink_source", setup=lambda f: os.link(course / "source" / "mini" / "mini.ipynb", f / "mini.ipynb"))

    def special(folder: Path):
        os.symlink(".", folder / "loop")
        os.symlink("/", folder / "root")
        os.symlink("/dev/zero", folder / "zero.csv")
        os.mkfifo(folder / "pipe.csv")
        os.mkfifo(folder / "other.ipynb")
        os.mknod(folder / "null.dev", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(folder / "listen.sock"))
        sock.close()

    add("special_files", solved(released), setup=special)
    add("fifo_notebook", setup=lambda f: os.mkfifo(f / "mini.ipynb"))
    # links, FIFOs, sockets created by the kernel at run time
    add("runtime_links", solved(released, extra_cells=[runtime_links]))
    # files that shadow modules, next to a notebook that cheats through the shadow
    add("shadow_modules", solved(released, sum_code="total = 4", words_code="words = ['z', 'a']"), shadow_files)
    # processes that outlive the notebook (and try to kill the grader)
    add("outlive", solved(released, sum_code=outlive))
    # CPU, fork and memory bombs split across processes, each next to an honest student graded at the same time
    add("bomb_cpu", solved(released, sum_code=cpu_bomb, extra_cells=["import time\ntime.sleep(6)"] * 3))
    add("bomb_cpu_peer", solved(released))
    add("bomb_fork", solved(released, sum_code=fork_bomb))
    add("bomb_fork_peer", solved(released))
    add("bomb_memory", solved(released, sum_code=memory_bomb))
    add("bomb_memory_peer", solved(released))
    # output floods in bytes (one long line, big images, a big file in the working folder)
    add("flood_bytes", solved(released, sum_code=flood))
    # reading the environment, /proc, relative paths, the whole file system; host sockets, network
    add("read_everything", solved(released, sum_code=walk_probe))
    # malformed notebooks
    add("malformed_json", files={"mini.ipynb": b'{"cells": [' * 5000})
    add("malformed_nbformat3", files={"mini.ipynb": json.dumps(
        {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}).encode()})
    add("malformed_types", files={"mini.ipynb": json.dumps(
        {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": 7},
         "cells": [{"cell_type": "code", "source": 12, "metadata": {"nbgrader": "x"}, "outputs": None}]}).encode()})
    add("malformed_huge", setup=lambda f: _huge(f / "mini.ipynb", 110 * 2**20))
    # forged nbgrader metadata: a bonus grade cell, points on an answer cell, a wrong answer
    forged = solved(released, sum_code="total = 4")
    for cell in forged.cells:
        meta = cell.metadata.get("nbgrader") or {}
        if meta.get("grade_id") == "mini_sum_answer":
            meta.update({"grade": True, "points": 100, "locked": False})
        if meta.get("grade_id") == "mini_sum_test":
            cell.source = "pass"
            meta["checksum"] = "0" * 32
    bonus = nbformat.v4.new_code_cell("pass")
    bonus.metadata["nbgrader"] = {"grade_id": "bonus_test", "grade": True, "points": 50, "solution": False,
                                  "locked": True, "schema_version": 3}
    garbage = nbformat.v4.new_markdown_cell("hello")
    garbage.metadata["nbgrader"] = ["not", "a", "dict"]
    forged.cells += [bonus, garbage]
    forged.metadata["kernelspec"] = {"name": "evil", "display_name": "evil", "language": "python"}
    add("forged_metadata", forged)
    # hidden-test markers printed in an output and in a cell without metadata: that feedback is withheld
    marker = solved(released, extra_cells=["print('### BEGIN HIDDEN TESTS')\nprint('### END HIDDEN TESTS')",
                                           "# ### BEGIN HIDDEN TESTS\nx = 1\n# ### END HIDDEN TESTS"])
    add("hidden_marker", marker)

    # ---- issue 21: ids and names as data, markup carriers, kernel-state channels, self-reading
    for student in HONEST_IDS:
        add(student, solved(released))
    for student in REFUSED_IDS:
        add(student, solved(released))
    here = f"http://127.0.0.1:{port}"
    markup_code = (
        "from IPython.display import HTML, SVG, Markdown, Javascript, display\n"
        f"P = {here!r}\n"
        "display(HTML(\"<script>window.__pwned = 'script'; document.title = 'pwned'</script>\"))\n"
        "display(HTML('<img src=x onerror=\"window.__pwned = 1\">'))\n"
        "display(HTML('<a id=kitjs href=\"javascript:window.__pwned = 2\">click me</a>'))\n"
        "display(HTML('<iframe srcdoc=\"<script>parent.__pwned = 3</script>\"></iframe>'))\n"
        "display(HTML(f'<meta http-equiv=\"refresh\" content=\"0;url={P}/refresh\">'))\n"
        "display(HTML(f'<style>@import url({P}/import.css); body {{ background: url({P}/bg.png) }}</style>'))\n"
        "display(HTML(f'<div style=\"background-image: url({P}/inline.png)\">styled</div>'))\n"
        "display(HTML(f'<form action=\"{P}/form\" method=post><input name=a value=b><button id=kitform>go</button></form>'))\n"
        "display(HTML('<a id=kitdata href=\"data:text/html,<script>alert(1)</script>\">data link</a>'))\n"
        "display(HTML(f'<img src=\"{P}/img.png\"><link rel=stylesheet href=\"{P}/link.css\"><object data=\"{P}/obj\"></object>'))\n"
        "display(HTML(f'<video src=\"{P}/v.mp4\" autoplay></video><embed src=\"{P}/e\"><base href=\"{P}/\">'))\n"
        "display(SVG('<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"window.__pwned = 4\"><script>window.__pwned = 5'\n"
        "            '</script><image href=\"' + P + '/svgimg.png\"/><circle r=\"5\"/></svg>'))\n"
        "display(Markdown(f'[md link](javascript:window.__pwned=6) ![md image]({P}/md.png) '\n"
        "                 '<img src=x onerror=\"window.__pwned = 7\">'))\n"
        "display(Javascript('window.__pwned = 8'))\n"
        "print('HONEST-OUTPUT: my sum is ready')\n"
        + SUM_OK)
    markup = solved(released, sum_code=markup_code)
    markup.cells.append(nbformat.v4.new_markdown_cell(
        f"# My notes\n\n[click](javascript:window.__pwned=9) [web]({here}/mdlink) ![pic]({here}/mdcell.png)\n\n"
        "<script>window.__pwned = 10</script><img src=x onerror=\"window.__pwned = 11\">\n\n"
        f"<iframe src=\"{here}/frame\"></iframe><svg onload=\"window.__pwned = 12\"></svg>\n\n"
        # formulas are drawn as MathML now (no MathJax): LaTeX and raw MathML that try to link, style or run
        "The loss is $$L = \\frac{1}{n}\\sum_i (y_i - \\hat{y}_i)^2$$ and $\\href{javascript:window.__pwned=15}{go}$ "
        f"$\\style{{background:url({here}/mathstyle.png)}}{{s}}$ $\\text{{<img src=x onerror=\"window.__pwned=16\">}}$ "
        "<math><mi href=\"javascript:window.__pwned=17\" id=kitmath>m</mi><maction actiontype=\"statusline\">a</maction>"
        "<annotation-xml encoding=\"text/html\"><img src=x onerror=\"window.__pwned=18\"></annotation-xml></math>"))
    page = f"<html><body><script>window.__pwned = 13; fetch('{here}/file')</script></body></html>".encode()
    add("markup_carriers", markup, {"page.html": page, "notes.htm": page, "drawing.svg":
                                     b'<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned = 14"/>',
                                     "doc.xhtml": page, "sub/deeper.html": page, "data.csv": b"a,b\n1,2\n"})
    store = (
        "import ctypes, time\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "def call(*args):\n"
        "    result = libc.syscall(*args)\n"
        "    return result if result != -1 else -ctypes.get_errno()\n"
        f"desc = b'kit-channel-{RUN}'\n"
        f"secret = b'kit-' + b'channel-secret-{RUN}'\n"
        "stored = [call(248, b'user', desc, secret, len(secret), ctypes.c_int(ring)) for ring in (-4, -3, -5)]\n"
        "ring = call(425, 4, ctypes.create_string_buffer(120))\n"
        "print('KEYRING-STORE', stored, 'IO_URING', ring, 'UNSHARE', call(272, 0x10000000))\n"
        "time.sleep(4)\n"
        + SUM_OK)
    search = (
        "import ctypes, time\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        f"desc = b'kit-channel-{RUN}'\n"
        "found, text = -1, b''\n"
        "for _ in range(15):\n"
        "    for ring in (-4, -3, -5):\n"
        "        key = libc.syscall(250, 10, ctypes.c_int(ring), b'user', desc, 0)\n"
        "        if key > 0:\n"
        "            buf = ctypes.create_string_buffer(256)\n"
        "            size = libc.syscall(250, 11, key, buf, 256)\n"
        "            found, text = key, buf.raw[:max(size, 0)]\n"
        "    if found > 0:\n"
        "        break\n"
        "    time.sleep(0.2)\n"
        "print('KEYRING-READ', 'FOUND ' + text.decode() if found > 0 else 'NOTHING')\n"
        + SUM_OK)
    add("channel_keyring_1", solved(released, sum_code=store))
    add("channel_keyring_2", solved(released, sum_code=search))
    spy = ("import base64, codecs, zlib\n"
           "cells = [c for c in In if 'hidden' in c]\n"
           "for c in cells:\n"
           "    print(base64.b64encode(c.encode()).decode())\n"
           "    print(c.encode().hex())\n"
           "    print(codecs.encode(c, 'rot13'))\n"
           "    print(c[::-1])\n"
           "    print(base64.b64encode(zlib.compress(c.encode())).decode())\n"
           "import glob\n"
           "for path in glob.glob('/**/*.ipynb', recursive=True) + glob.glob('*.ipynb'):\n"
           "    try:\n"
           "        print(path, base64.b64encode(open(path, 'rb').read()).decode())\n"
           "    except OSError:\n"
           "        pass\n"
           "print('SPY-DONE')\n")
    add("self_reading", solved(released, extra_cells=[spy]))
    # Capture what the kernel executes as it executes it (an input transformer, a pre_run_cell hook, a
    # trace function, IPython's history and line cache), print it later under a home-made cipher that no
    # guard can know: the hidden tests' source must never be there to capture (test_hidden_source_...).
    hook = (
        "import linecache, sys, threading\n"
        "CAPTURED = []\n"
        "shell = get_ipython()\n"
        "shell.events.register('pre_run_cell', lambda info: CAPTURED.append(info.raw_cell))\n"
        "shell.input_transformers_post.append(lambda lines: CAPTURED.append(''.join(lines)) or lines)\n"
        "def tracer(frame, event, arg):\n"
        "    name = frame.f_code.co_filename\n"
        "    if name.startswith('<') or 'ipykernel' in name:\n"
        "        CAPTURED.append(''.join(linecache.getlines(name, frame.f_globals)))\n"
        "    return None\n"
        "sys.settrace(tracer)\n"
        "threading.settrace(tracer)\n"
        + SUM_OK)
    leak = (
        "import linecache, sys\n"
        "sys.settrace(None)\n"
        "CAPTURED += list(In) + list(_ih)\n"
        "CAPTURED += [''.join(entry[2]) for name, entry in list(linecache.cache.items())\n"
        "             if len(entry) > 2 and (name.startswith('<') or 'ipykernel' in name)]\n"
        f"key = {XOR_KEY!r}\n"
        "blob = '\\n'.join(dict.fromkeys(CAPTURED)).encode()\n"
        "print('CAPTURED', bytes(b ^ key[i % len(key)] for i, b in enumerate(blob)).hex())\n")
    add("capture_executed", solved(released, sum_code=hook, extra_cells=[leak]))
    # an honest-looking answer that passes the visible check and fails a hidden one: the hidden part
    # still costs the point, though its source never reached the kernel
    add("hidden_check_fails", solved(released, words_code='words = ["layers", "keras"]'))
    # an endless loop: stopped once it spent the per-cell limit in CPU time of its own (the hogs and bombs
    # graded beside it do not count), 0 for that exercise with a line; the next exercise still counts
    add("endless_loop", solved(released, sum_code="while True:\n    pass"))
    # slow on the teacher's side: tens of thousands of cells (refused before they cost minutes)
    add("huge_cells", solved(released, extra_cells=[f"x{i} = {i}" for i in range(30_000)]))
    return subs


# Ids a file system and nbgrader take: graded as anyone (shown escaped, CSV cells neutralised).
HONEST_IDS = ["=1+2", "@here", "josé 李 o'brien", "<img src=x onerror=window.__pwned=99>"]
# Ids that are refused with one report line (kitlib.grading.names.refusal); nobody else is touched.
REFUSED_IDS = ["nl\nid", "honest_*", "glob[ab]", "esc\x1b[2J\x1b[Hforged 5 of 5", "-rf", "bidi\u202eexe.txt",
               "x" * 120, "tab\tid"]


def _huge(path: Path, size: int) -> None:
    with open(path, "wb") as handle:
        handle.write(b'{"cells": [], "x": "')
        handle.truncate(size)


HONEST = ["honest_a", "honest_m", "honest_z", "bomb_cpu_peer", "bomb_fork_peer", "bomb_memory_peer", *HONEST_IDS]

# student -> (expected score, words that must be in one of its report lines)
EXPECTED = {
    "link_notebook_peer": (0, "symbolic link"),
    "link_notebook_source": (0, "symbolic link"),
    "link_folder": (0, "symbolic link"),
    "hardlink_source": (0, "hard link"),
    "special_files": (5, "FIFO"),
    "fifo_notebook": (0, "FIFO"),
    "runtime_links": (2, "points withdrawn"),
    "shadow_modules": (0, "has the name of the Python module"),
    "outlive": (5, "still running"),
    # A bomb's own processes starve its kernel: its cells are no longer cut at T s of wall clock (the per-cell
    # limit is its own CPU time), so on a busy machine the bomb may reach the submission's --timeout instead.
    "bomb_cpu": (None, ("still running", "whole submission ran past")),
    "bomb_fork": (None, ("process limit", "whole submission ran past")),
    "bomb_memory": (None, "memory limit"),
    "flood_bytes": (5, "truncated"),
    "read_everything": (5, None),
    "malformed_json": (0, "not valid JSON"),
    "malformed_nbformat3": (0, "not a Jupyter notebook"),
    "malformed_types": (0, "not a valid notebook"),
    "malformed_huge": (0, "over the 100 MB limit"),
    "forged_metadata": (3, "bonus_test"),
    "hidden_marker": (5, "withheld"),
    "markup_carriers": (5, "left out of the feedback"),
    "channel_keyring_1": (5, None),
    "channel_keyring_2": (5, None),
    "self_reading": (5, None),
    "capture_executed": (5, None),
    "endless_loop": (3, "CPU time limit"),
    "hidden_check_fails": (2, None),
    "huge_cells": (0, "cells, more than"),
}
ALSO_IN_REPORT = {  # further lines a class must produce
    "special_files": ["symbolic link", "device file", "socket"],
    "flood_bytes": ["working space"],
    "runtime_links": ["not copied"],
}


# --------------------------------------------------------------------- snapshots

def tree_hash(path: Path) -> str:
    """A hash of a folder's names, types, modes and contents, links and special files included."""
    h = hashlib.sha256()
    if not os.path.lexists(path):
        return "absent"
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(dirs + files):
            full = os.path.join(root, name)
            st = os.lstat(full)
            h.update(f"{os.path.relpath(full, path)}|{stat.S_IFMT(st.st_mode)}|{stat.S_IMODE(st.st_mode)}".encode())
            if stat.S_ISLNK(st.st_mode):
                h.update(os.readlink(full).encode())
            elif stat.S_ISREG(st.st_mode):
                h.update(f"|{st.st_nlink}|".encode())
                with open(full, "rb") as handle:
                    h.update(hashlib.sha256(handle.read()).digest())
    return h.hexdigest()


INSTRUCTOR_TABLES = ("assignment", "notebook", "base_cell", "grade_cells", "solution_cells", "source_cell",
                     "task_cells")


def gradebook_snapshot(db: Path) -> dict:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        tables = sorted(r[0] for r in conn.execute("select name from sqlite_master"))
        rows = {}
        for table in INSTRUCTOR_TABLES:
            if table in tables:
                rows[table] = hashlib.sha256(repr(sorted(map(repr, conn.execute(f"select * from {table}")))).encode()
                                             ).hexdigest()
    return {"tables": tables, "instructor_rows": rows}


def snapshot(course: Path, private: Path) -> dict:
    return {
        "source": tree_hash(course / "source"),
        "release": tree_hash(course / "release"),
        "hidden": tree_hash(course / "hidden"),
        "config": tree_hash(course / "nbgrader_config.py"),
        "submitted": tree_hash(course / "submitted"),
        "private": tree_hash(private),
        "kitlib": tree_hash(ROOT / "kitlib"),
        "fixtures": tree_hash(FIXTURES),
        "kitlib_cache": tree_hash(CACHES["KITLIB_DATA_DIR"]),
        "keras_cache": tree_hash(CACHES["KERAS_HOME"]),
        "gradebook": gradebook_snapshot(course / "gradebook.db"),
    }


def processes_with(marker: str) -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if marker.encode() in handle.read():
                    found.append(entry)
        except OSError:
            continue
    return found


def cgroups_left() -> list[str]:
    """kit grade run cgroups whose run (process) is gone: left behind."""
    from kitlib.grading import cgroups

    support = cgroups.detect()
    left = []
    for path in set(support.parents.values()):
        for child in path.iterdir():
            pid = child.name.removeprefix("kit-grade-")
            if child.is_dir() and child.name.startswith("kit-grade-") and pid.isdigit() and \
                    not Path(f"/proc/{pid}").exists():
                left.append(str(child))
    return left


# --------------------------------------------------------------------- the shared run

class Listener:
    """An HTTP listener on 127.0.0.1 that records every request (the markup attacks' target)."""

    def __init__(self):
        import http.server
        import threading

        seen = self.requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self):
                seen.append(f"{self.command} {self.path}")
                self.send_response(204)
                self.end_headers()

            do_GET = do_POST = do_HEAD = do_OPTIONS = _record

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="module")
def gallery(tmp_path_factory, listener):
    tmp = tmp_path_factory.mktemp("hostile")
    # The kit's caches for this run: copies the test owns (the sandbox mounts them read-only), so that
    # their hashes cannot change through another test filling the real caches at the same time.
    for name, sub in (("KITLIB_DATA_DIR", "kitlib_cache"), ("KERAS_HOME", "keras_home")):
        CACHES[name] = tmp / sub
        CACHES[name].mkdir()
    (CACHES["KITLIB_DATA_DIR"] / "mnist-substitute-v4.npz").write_bytes(os.urandom(4096))
    (CACHES["KERAS_HOME"] / "keras.json").write_text('{"backend": "tensorflow"}')
    course = tmp / "course"
    shutil.copytree(FIXTURES / "mini_course", course)
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text().replace("timeout = 20", "timeout = 8"))
    source = course / "source" / "mini" / "mini.ipynb"
    nb = nbformat.read(str(source), as_version=4)
    for cell in nb.cells:  # a canary in the instructor's solution: it reaches the gradebook, never a student
        if "### BEGIN SOLUTION" in cell.source:
            cell.source = cell.source.replace("### END SOLUTION", f"# {CANARY_SOURCE}\n### END SOLUTION")
    nbformat.write(nb, str(source))
    hidden = course / "hidden" / "mini"
    hidden.mkdir(parents=True)
    (hidden / "notes.txt").write_text(CANARY_HIDDEN)
    from kitlib.grading.course import Course
    from kitlib.grading.submission import probe_seed_function

    if probe_seed_function() is not None:  # kit grade makes it on first use; made now, the hashes stay equal
        Course(course).probe_secret(create=True)
    private = tmp / "teacher_private"
    private.mkdir()
    (private / "exam_solutions.txt").write_text(CANARY_PRIVATE)
    done = kit("release", "--course", str(course))
    assert done.returncode == 0, done.stderr
    released = nbformat.read(str(course / "release" / "mini" / "mini.ipynb"), as_version=4)

    root = course / "submitted"
    for student in ("honest_a", "honest_m", "honest_z"):
        folder = root / student / "mini"
        folder.mkdir(parents=True)
        nbformat.write(solved(released, sum_code=f"{SUM_OK}  # {CANARY_PEER}"), str(folder / "mini.ipynb"))
    peer_notebook = root / "honest_a" / "mini" / "mini.ipynb"
    subs = attacks(released, course, private, peer_notebook, listener.port)
    for student, spec in subs.items():
        folder = root / student / "mini"
        if spec["setup"] == "folder-link":
            (root / student).mkdir(parents=True)
            os.symlink(root / "honest_a" / "mini", folder)
            continue
        folder.mkdir(parents=True)
        if spec["nb"] is not None:
            nbformat.write(spec["nb"], str(folder / "mini.ipynb"))
        for name, data in spec["files"].items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
        if callable(spec["setup"]):
            spec["setup"](folder)

    before = snapshot(course, private)
    started = time.monotonic()
    run = kit("grade", "--course", str(course), "--jobs", "2", "--timeout", "120", "--memory-mb", str(MEMORY_MB),
              "--processes", str(PROCESSES), "--disk-mb", str(DISK_MB))
    seconds = time.monotonic() - started
    time.sleep(0.5)
    print(f"\nhostile gallery: kit grade --jobs 2 graded {len(subs) + 3} submissions in {seconds:.1f} s")
    return {"course": course, "private": private, "run": run, "seconds": seconds, "before": before,
            "after": snapshot(course, private), "survivors": processes_with(MARKER), "cgroups": cgroups_left(),
            "students": sorted((set(subs) | {"honest_a", "honest_m", "honest_z"}) - set(REFUSED_IDS)),
            "keys": [line for line in Path("/proc/keys").read_text().splitlines() if f"kit-channel-{RUN}" in line]
            if Path("/proc/keys").exists() else []}


def scores(course: Path) -> dict[str, float]:
    """student id -> raw score, from grades.csv (a cell a spreadsheet would evaluate is read back as written)."""
    with open(course / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(handle)}
    return {key[1:] if key.startswith("'") else key: value for key, value in rows.items()}


def report_lines(course: Path, student: str) -> list[str]:
    import html

    report = (course / "reports" / "mini.html").read_text()
    return [line for line in report.split("<li>") if line.startswith(f"<b>{html.escape(student)}</b>")]


# --------------------------------------------------------------------- the checks

def test_run_completes_for_the_whole_class(gallery):
    run = gallery["run"]
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert set(scores(gallery["course"])) == set(gallery["students"])
    feedback = gallery["course"] / "feedback"
    for student in HONEST:
        assert (feedback / student / "mini" / "mini.html").is_file(), student


@pytest.mark.parametrize("student", HONEST)
def test_honest_students_graded_at_the_same_time_keep_full_marks(gallery, student):
    assert scores(gallery["course"])[student] == 5, gallery["run"].stdout[-4000:]
    assert not report_lines(gallery["course"], student)


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_attack_is_graded_with_a_report_line(gallery, student):
    expected, words = EXPECTED[student]
    got = scores(gallery["course"])[student]
    if expected is not None:
        assert got == expected, "\n".join(report_lines(gallery["course"], student))
    else:
        assert 0 <= got <= 5
    lines = report_lines(gallery["course"], student)
    if words is not None:
        choices = (words,) if isinstance(words, str) else words
        assert any(word.lower() in line.lower() for line in lines for word in choices), lines
    for more in ALSO_IN_REPORT.get(student, []):
        assert any(more.lower() in line.lower() for line in lines), (more, lines)


def test_nothing_outside_a_submission_changed(gallery):
    before, after = gallery["before"], gallery["after"]
    for key in before:
        assert after[key] == before[key], key


def test_no_canary_reaches_anything_the_run_produced(gallery):
    course = gallery["course"]
    produced = [course / "autograded", course / "feedback", course / "reports", course / "grades.csv"]
    texts = [gallery["run"].stdout, gallery["run"].stderr]
    for place in produced:
        paths = [place] if place.is_file() else [p for p in place.rglob("*") if p.is_file()]
        for path in paths:
            if path.parts[-3:-2] == ("honest_a",) or path.parts[-3:-2] == ("honest_m",) or \
                    path.parts[-3:-2] == ("honest_z",):
                continue  # the honest students' own notebooks hold their own comment
            texts.append(path.read_bytes().decode("utf-8", errors="replace"))
    blob = "\n".join(texts)
    for canary in CANARIES:
        assert canary not in blob, canary


def test_the_kernel_found_and_reached_nothing(gallery):
    nb = nbformat.read(str(gallery["course"] / "autograded" / "read_everything" / "mini" / "mini.ipynb"),
                       as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "NOTHING-FOUND" in text and "NOTHING-REACHED" in text, text[:3000]


def test_no_process_or_cgroup_survives(gallery):
    assert gallery["survivors"] == []
    assert gallery["cgroups"] == []


def test_outputs_are_capped_in_bytes(gallery):
    course = gallery["course"]
    limits = sandbox.Limits()
    notebook = course / "autograded" / "flood_bytes" / "mini" / "mini.ipynb"
    assert notebook.stat().st_size < (limits.output_total_mb + 2) * 2**20
    assert not (course / "autograded" / "flood_bytes" / "mini" / "big.bin").exists()
    html = course / "feedback" / "flood_bytes" / "mini" / "mini.html"
    assert html.stat().st_size < (limits.output_total_mb + 4) * 2**20


def test_refused_feedback_costs_only_its_own_student(gallery):
    course = gallery["course"]
    assert not list((course / "feedback" / "hidden_marker").rglob("*.html"))
    assert (course / "feedback" / "special_files" / "mini" / "mini.html").is_file()


def test_gallery_time_is_recorded(gallery, artifacts_dir):
    out = artifacts_dir / "hostile_gallery.json"
    out.write_text(json.dumps({"submissions": len(gallery["students"]), "seconds": round(gallery["seconds"], 1),
                               "command": "kit grade --jobs 2 --timeout 120"}, indent=1))
    assert gallery["seconds"] > 0


# --------------------------------------------------------------------- issue 21: data, markup, channels

def test_refused_ids_get_one_report_line_and_touch_nobody(gallery):
    from kitlib.grading.names import show

    course, run = gallery["course"], gallery["run"]
    report = (course / "reports" / "mini.html").read_text()
    graded = scores(course)
    for student in REFUSED_IDS:
        assert student not in graded
        assert sum(show(f"submitted/{student}/mini", 160) in line and "was not graded" in line
                   for line in report.split("<li>")) == 1, student
        assert not (course / "feedback" / student).exists() and not (course / "autograded" / student).exists()
    for student in HONEST:
        assert (course / "feedback" / student / "mini" / "mini.html").is_file(), student


def test_ids_reach_terminal_and_csv_as_data(gallery):
    run, course = gallery["run"], gallery["course"]
    assert "\x1b" not in run.stdout + run.stderr and "\u202e" not in run.stdout + run.stderr
    assert "esc\\x1b[2J\\x1b[Hforged 5 of 5" in run.stdout
    assert not any(line.startswith("forged") or line.startswith("id") for line in run.stdout.splitlines())
    with open(course / "grades.csv", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "'=1+2" in cells and "'@here" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_no_channel_between_submissions(gallery):
    course = gallery["course"]

    def printed(student):
        nb = nbformat.read(str(course / "autograded" / student / "mini" / "mini.ipynb"), as_version=4)
        return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))

    store, read = printed("channel_keyring_1"), printed("channel_keyring_2")
    assert "KEYRING-STORE [-1, -1, -1] IO_URING -1 UNSHARE -1" in store, store  # EPERM, everywhere
    assert "KEYRING-READ NOTHING" in read, read
    assert f"channel-secret-{RUN}" not in read
    assert gallery["keys"] == []  # nothing stored in the slot uids' keyrings on this machine


def _everything_written_for(course: Path, student: str) -> str:
    """Every file the run wrote for ``student`` (autograded notebook, feedback pages), as text."""
    texts = []
    for part in ("autograded", "feedback"):
        for path in sorted((course / part / student).rglob("*")):
            if path.is_file():
                texts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(texts)


HIDDEN_SOURCE = ('grade("mini_sum", total, hidden=True)', 'grade("mini_words", words, hidden=True)',
                 "BEGIN HIDDEN TESTS")


def test_hidden_source_never_reaches_the_kernel_however_it_is_captured(gallery):
    """The kernel executed the grade cells without their hidden regions: what it captured while
    executing (hooks, trace, history, line cache), decoded with the notebook's own key, holds the
    visible grade lines and nothing of the hidden ones, and no file of the run does either."""
    course = gallery["course"]
    nb = nbformat.read(str(course / "autograded" / "capture_executed" / "mini" / "mini.ipynb"), as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    found = re.search(r"CAPTURED ([0-9a-f]+)", printed)
    assert found, printed[-2000:]
    blob = bytes.fromhex(found.group(1))
    captured = bytes(b ^ XOR_KEY[i % len(XOR_KEY)] for i, b in enumerate(blob)).decode("utf-8", errors="replace")
    assert 'grade("mini_sum", total)' in captured and 'grade("mini_words", words)' in captured  # it did capture
    assert "pre_run_cell" in captured
    for secret in HIDDEN_SOURCE:
        assert secret not in captured
    for student in ("capture_executed", "self_reading", "honest_a"):
        written = _everything_written_for(course, student)
        assert written and not any(secret in written for secret in HIDDEN_SOURCE), student
    page = (course / "feedback" / "self_reading" / "mini" / "mini.html").read_text()
    assert "SPY-DONE" in page  # the spy ran, and had nothing hidden to show
    graded = {(c.metadata.get("nbgrader") or {}).get("grade_id"): c.source for c in nb.cells}
    assert graded["mini_sum_test"].strip() == 'from kitlib.exercises import grade\ngrade("mini_sum", total)'


def test_hidden_checks_still_cost_points_without_their_source_in_the_kernel(gallery):
    course = gallery["course"]
    nb = nbformat.read(str(course / "autograded" / "hidden_check_fails" / "mini" / "mini.ipynb"), as_version=4)
    words = next(c for c in nb.cells if (c.metadata.get("nbgrader") or {}).get("grade_id") == "mini_words_test")
    assert "hidden" not in words.source.lower()
    shown = json.dumps(words.outputs)
    assert "order of the words" in shown  # the hidden check's message, from the visible call's hidden part
    page = (course / "feedback" / "hidden_check_fails" / "mini" / "mini.html").read_text()
    assert "order of the words" in page


OWN_LINKS = re.compile(r"^(\.\./(feedback|autograded|submitted)/[^:?]+\.(html|ipynb)|[\w%.-]+\.html)(#[\w%.-]*)?$")


def live_markup(body: str, own_page: bool = False) -> list[str]:
    """Elements and attributes of an HTML body that could run, fetch or navigate (``own_page``: a page
    the kit draws itself, the report or a feedback summary, may hold its own SVG chart, style attributes
    and relative links to the course's pages and notebooks (:data:`OWN_LINKS`), under its CSP)."""
    from html.parser import HTMLParser

    found = []

    class Scan(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in ("script", "iframe", "frame", "svg", "form", "meta", "object", "embed", "base", "link",
                       "style", "video", "audio", "source", "input", "button", "template", "maction", "semantics",
                       "annotation", "annotation-xml") and not (own_page and tag == "svg"):
                found.append(tag)  # MathML's presentation elements are drawn, never run: formulas may stay
            for name, value in attrs:
                value = (value or "").strip().lower()
                if name in ("href", "src") and tag not in ("a", "img"):
                    found.append(f"{tag} {name}")  # (MathML elements can link in some browsers)
                if name.startswith("on") or name in ("srcdoc", "action", "formaction", "xlink:href") or \
                        (name == "style" and not own_page):
                    found.append(f"{tag} {name}")
                if name in ("href", "src") and not value.startswith(("http:", "https:", "mailto:", "#")) and not \
                        (name == "src" and tag == "img" and value.startswith("data:image/")) and not \
                        (own_page and tag == "a" and name == "href" and OWN_LINKS.match(value)):
                    found.append(f"{tag} {name}={value[:40]}")
                if name == "src" and value.startswith("http"):
                    found.append(f"{tag} {name}={value[:40]}")

    Scan().feed(body)
    return found


def kit_pages(course: Path) -> list[Path]:
    return sorted(p for p in (course / "feedback").rglob("*") if p.is_file() and p.suffix.lower() in
                  (".html", ".htm", ".xhtml", ".svg")) + sorted((course / "reports").glob("*.html"))


def test_no_live_file_in_feedback_and_every_page_has_the_policy(gallery):
    course = gallery["course"]
    folder = course / "feedback" / "markup_carriers" / "mini"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) in \
        (["data.csv", "index.html", "mini.html"], ["index.html", "mini.html"])
    pages = kit_pages(course)
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(errors="replace")
        assert page.suffix == ".html" and page.stem in ("mini", "index"), page  # the kit's own pages only
        assert "Content-Security-Policy" in text and "default-src 'none'" in text, page
        body = text.split("<body", 1)[1]
        assert live_markup(body, own_page=page.parent.name == "reports" or page.stem == "index") == [], page
    page = (folder / "mini.html").read_text()
    assert "HONEST-OUTPUT: my sum is ready" in page and "My notes" in page and "styled" in page
    assert "<mfrac>" in page and "<munder>" in page  # the formula, drawn as MathML
    assert "maction" not in page and "annotation-xml" not in page and "mathstyle.png" not in page


def test_pages_in_chromium_run_nothing_and_request_nothing(gallery, listener, artifacts_dir, playwright_driver):
    """Every feedback page and the report, opened in headless Chromium: no attack's sentinel is set,
    the title stays the kit's, no request leaves the page (the listener and Chromium's own log),
    links clicked go nowhere; and the honest content reads well (a screenshot of one hostile page)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    chromium = os.environ.get("KIT_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        pytest.skip(f"no Chromium at {chromium}")
    course = gallery["course"]
    pages = kit_pages(course)
    requests: list[str] = []
    playwright = playwright_driver
    browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=[
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
    try:
        context = browser.new_context(viewport={"width": 1000, "height": 900})
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        for path in pages:
            page.goto(path.as_uri(), wait_until="load")
            title = page.title()
            if path.parent.parent.name == "markup_carriers" and path.name == "mini.html":
                shot = artifacts_dir / "screenshots" / "hostile_markup_feedback.png"
                shot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shot), full_page=False)
                assert "HONEST-OUTPUT" in page.inner_text("body")
                for selector in ("#kitjs", "#kitdata", "#kitform", "#kitmath"):  # what the attacks hoped to be clicked
                    link = page.query_selector(selector)
                    if link is not None and link.is_visible():
                        try:
                            link.click(timeout=1000, no_wait_after=True)
                        except playwright_api.Error:
                            pass
                page.wait_for_timeout(500)  # (a meta refresh, an onload, a late image)
            assert page.evaluate("() => window.__pwned === undefined"), path
            assert page.title() == title and "pwned" not in title, path
            assert page.url == path.as_uri() or page.url.startswith(path.as_uri() + "#"), (path, page.url)
    finally:
        browser.close()
    own = {p.as_uri() for p in pages}
    assert [url for url in requests if url not in own and not url.startswith("data:")] == []
    assert listener.requests == []


# --------------------------------------------------------------------- where the mechanisms are missing

@pytest.fixture(scope="module")
def degraded(tmp_path_factory, monkeypatch_module):
    """kit grade without bubblewrap and without cgroups: limits, the slot's uid, outputs caps only."""
    import functools

    from kitlib.grading import grade as grade_mod
    from kitlib.grading import cgroups

    for key, value in kit_env().items():
        monkeypatch_module.setenv(key, value)
    monkeypatch_module.setattr(sandbox, "availability", functools.lru_cache(maxsize=1)(
        lambda: (False, "bubblewrap disabled for this test", "sudo apt-get install -y bubblewrap")))
    monkeypatch_module.setattr(sandbox, "cgroup_support", lambda: cgroups.CgroupSupport(
        None, {}, "cgroups disabled for this test", "enable them"))
    tmp = tmp_path_factory.mktemp("degraded")
    course = tmp / "course"
    shutil.copytree(FIXTURES / "mini_course", course)
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text().replace("timeout = 20", "timeout = 8"))
    assert kit("release", "--course", str(course)).returncode == 0
    released = nbformat.read(str(course / "release" / "mini" / "mini.ipynb"), as_version=4)
    subs = attacks(released, course, tmp, course / "submitted" / "honest_a" / "mini" / "mini.ipynb")
    chosen = {"honest_a": solved(released), "honest_b": solved(released), "outlive": subs["outlive"]["nb"],
              "bomb_fork": subs["bomb_fork"]["nb"]}
    for student, nb in chosen.items():
        folder = course / "submitted" / student / "mini"
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / "mini.ipynb"))
    # On a busy machine (issue 21: every kernel of this mode once ended "the kernel died" under load 6-10):
    # CPU hogs beside the grader, each ending by itself.
    from test_grading_warm import cpu_hogs

    with cpu_hogs(2 * (os.cpu_count() or 1), seconds=300):
        summary = grade_mod.grade_course(course, ["mini"], jobs=2, timeout=120,
                                         limits=sandbox.Limits(cpu_seconds=125, memory_mb=2048, processes=PROCESSES))
    time.sleep(0.5)
    return {"summary": summary, "course": course, "survivors": processes_with(MARKER)}


@pytest.fixture(scope="module")
def monkeypatch_module():
    patcher = pytest.MonkeyPatch()
    yield patcher
    patcher.undo()


def test_without_bubblewrap_or_cgroups_kit_grade_says_so_and_still_grades(degraded):
    summary = degraded["summary"]
    assert "WARNING" in summary.isolation and "chmod -R go-rwx" in summary.isolation
    results = {r.student: r for r in summary.results}
    assert results["honest_a"].score == 5 and results["honest_b"].score == 5, (results["honest_a"].notes,
                                                                               results["honest_b"].notes)
    assert not results["honest_a"].notes and not results["honest_b"].notes
    assert any("still running" in note for note in results["outlive"].notes), results["outlive"].notes
    assert results["outlive"].score == 5, results["outlive"].notes
    assert degraded["survivors"] == []  # without a PID namespace: the slot's uid is killed out
