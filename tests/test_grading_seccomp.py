"""The student kernel's seccomp filter and fresh keyring (kitlib.grading.sandbox_seccomp, sandbox_entry.confine).

A process confined as a kernel is: its keyring calls, io_uring and new namespaces are refused, while
what a notebook does (threads, subprocesses, fork, NumPy) still works; without the filter the same
uid's keyring really is a channel between processes (the reason for the filter). The kernels of a
``kit grade`` run are checked in the hostile gallery (tests/test_grading_hostile.py)."""
from __future__ import annotations

import platform
import secrets
import subprocess
import sys
import textwrap

import pytest

from kitlib.grading import sandbox, sandbox_seccomp

pytestmark = pytest.mark.skipif(platform.machine() != "x86_64", reason="system call numbers below are x86_64's")

PROBE = textwrap.dedent("""
    import ctypes, errno, json, os, subprocess, sys, threading
    sys.path.insert(0, {kit!r})
    from kitlib.grading import sandbox_entry
    plan = json.loads(sys.argv[1])
    sandbox_entry.confine(plan)
    libc = ctypes.CDLL(None, use_errno=True)
    def call(number, *args):
        result = libc.syscall(number, *args)
        return result if result != -1 else -ctypes.get_errno()
    out = {{}}
    out["add_key"] = call(248, b"user", plan["desc"].encode(), b"secret", 6, ctypes.c_int(-4))   # @u
    if not plan["seccomp"]:  # (unconfined: the calls below would really happen)
        print(json.dumps(out))
        sys.exit(0)
    out["io_uring_setup"] = call(425, 1, ctypes.create_string_buffer(120))
    out["unshare_user"] = call(272, 0x10000000)
    out["ptrace"] = call(101, 0, 0, 0, 0)
    t = threading.Thread(target=lambda: None); t.start(); t.join()
    out["thread"] = True
    out["subprocess"] = subprocess.run(["/bin/echo", "ok"], capture_output=True, text=True).stdout.strip()
    pid = os.fork()
    if pid == 0:
        os._exit(7)
    out["fork"] = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    import numpy
    out["numpy"] = float(numpy.arange(4).sum())
    print(json.dumps(out))
""")


def confined(program: bytes | None, desc: str) -> dict:
    import json

    plan = {"seccomp": program.hex() if program else None, "desc": desc}
    done = subprocess.run([sys.executable, "-c", PROBE.format(kit=str(sandbox.kit_root())), json.dumps(plan)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def search_user_keyring(desc: str) -> int:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    found = libc.syscall(250, 10, ctypes.c_int(-4), b"user", desc.encode(), 0)  # KEYCTL_SEARCH in @u
    if found > 0:
        libc.syscall(250, 3, found)  # KEYCTL_REVOKE: leave nothing behind
    return found


def test_filter_is_built_and_tried_here():
    ok, message = sandbox_seccomp.status()
    assert ok, message
    assert "keyrings" in message and "io_uring" in message


def test_confined_process_cannot_reach_keyrings_io_uring_or_namespaces_but_works():
    desc = f"kit-seccomp-{secrets.token_hex(4)}"
    out = confined(sandbox_seccomp.bpf_program(), desc)
    assert out["add_key"] == -1 and out["io_uring_setup"] == -1  # EPERM
    assert out["unshare_user"] == -1 and out["ptrace"] == -1
    assert out["thread"] and out["subprocess"] == "ok" and out["fork"] == 7 and out["numpy"] == 6.0
    assert search_user_keyring(desc) < 0  # nothing stored for the next process of the uid


def test_without_the_filter_the_uid_keyring_is_a_channel():
    desc = f"kit-seccomp-{secrets.token_hex(4)}"
    out = confined(None, desc)
    if out["add_key"] < 0:
        pytest.skip(f"this machine refuses add_key already (errno {-out['add_key']})")
    assert search_user_keyring(desc) > 0  # what the filter closes: another process of the uid finds it


def test_the_kernel_plan_carries_the_filter(tmp_path):
    paths = sandbox.SandboxPaths(tmp_path / "sandbox", tmp_path / "box")
    plan = sandbox.plan_kernel(paths, sandbox.Limits(), None, use_bwrap=False)
    assert bytes.fromhex(plan["launch"]["seccomp"]) == sandbox_seccomp.bpf_program()
    assert any(area == "grading system calls" and status == "ok" for area, status, _, _ in sandbox.findings())
