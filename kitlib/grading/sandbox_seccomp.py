"""The student kernel's seccomp filter: system calls a notebook never needs are refused.

Submissions graded one after another in a job slot run as the same unprivileged uid, and
some kernel state outlives a process: the uid's **keyrings** (``add_key``/``keyctl``: a key
one submission stores, the next one reads), and a few interfaces that only enlarge what a
kernel bug could reach. The filter, built once per ``kit grade`` run on the teacher's side with
libseccomp (through `pyseccomp <https://pypi.org/project/pyseccomp/>`_, a ctypes binding of the
system's ``libseccomp2``, API-compatible with libseccomp's own Python bindings, which are not on
PyPI), answers ``EPERM`` to:

- kernel keyrings: ``add_key``, ``request_key``, ``keyctl`` (and every kernel gets a fresh,
  empty session keyring before the filter is loaded);
- ``io_uring_setup``/``io_uring_enter``/``io_uring_register``;
- debugging and introspection of other processes: ``ptrace``, ``process_vm_readv``/``writev``,
  ``kcmp``, ``pidfd_getfd``, ``perf_event_open``, ``bpf``, ``userfaultfd``;
- namespaces and mounts: ``unshare``, ``setns``, ``mount``, ``umount2``, ``pivot_root``,
  ``chroot``, the new mount API (``open_tree``, ``move_mount``, ``fsopen``, ``fsconfig``,
  ``fsmount``, ``fspick``, ``mount_setattr``), ``clone`` with any ``CLONE_NEW*`` flag;
  ``clone3`` answers ``ENOSYS`` (its flags are behind a pointer a filter cannot read: the C
  library then falls back to ``clone``, which the filter can read);
- the machine itself: ``kexec_load``, ``kexec_file_load``, ``reboot``, ``init_module``,
  ``finit_module``, ``delete_module``, ``swapon``, ``swapoff``, ``acct``, ``quotactl``,
  ``syslog``, ``settimeofday``, ``clock_settime``, ``adjtimex``, ``clock_adjtime``,
  ``open_by_handle_at``, ``name_to_handle_at``, ``fanotify_init``, ``lookup_dcookie``,
  ``vhangup``.

Foreign system-call ABIs (32-bit calls from a 64-bit process) are killed by libseccomp's
architecture check. The filter is loaded (``prctl(PR_SET_SECCOMP)``, after ``no_new_privs``)
by the trusted launcher as the very last step before the kernel starts, in cold kernels
(:func:`kitlib.grading.sandbox_entry.exec_kernel`, with or without bubblewrap) and warm ones
(:mod:`kitlib.grading.warm`) alike; it is inherited by everything the kernel starts and can
never be removed. The filter is tried once per run in a throw-away process (it must refuse
``keyctl`` and ``io_uring_setup``) before any kernel gets it. Where libseccomp is missing or
the system cannot load the filter, :func:`status` says so (``kit doctor``,
``kit grade``'s first lines) and kernels start without the filter.

Example::

    program = bpf_program()      # bytes: a compiled classic BPF program, or None
    ok, why = status()
"""
from __future__ import annotations

import errno
import functools
import tempfile

DENIED = (
    "add_key", "request_key", "keyctl",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "perf_event_open", "bpf",
    "userfaultfd",
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen", "fsconfig",
    "fsmount", "fspick", "mount_setattr",
    "kexec_load", "kexec_file_load", "reboot", "init_module", "finit_module", "delete_module", "swapon", "swapoff",
    "acct", "quotactl", "quotactl_fd", "syslog", "settimeofday", "clock_settime", "adjtimex", "clock_adjtime",
    "open_by_handle_at", "name_to_handle_at", "fanotify_init", "lookup_dcookie", "vhangup",
)
CLONE_NEW_FLAGS = {"CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000, "CLONE_NEWUTS": 0x04000000,
                   "CLONE_NEWIPC": 0x08000000, "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
                   "CLONE_NEWNET": 0x40000000, "CLONE_NEWTIME": 0x00000080}


@functools.lru_cache(maxsize=1)
def _built() -> tuple[bytes | None, str]:
    try:
        import pyseccomp as seccomp
    except Exception as error:  # noqa: BLE001 - missing package or missing libseccomp.so.2
        return None, f"libseccomp cannot be used ({type(error).__name__}: {error})"
    try:
        f = seccomp.SyscallFilter(seccomp.ALLOW)
        skipped = []
        for name in DENIED:
            try:
                f.add_rule(seccomp.ERRNO(errno.EPERM), name)
            except (OSError, ValueError, RuntimeError):
                skipped.append(name)  # not a system call of this architecture or libseccomp version
        for flag in CLONE_NEW_FLAGS.values():
            f.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
        try:
            f.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
        except (OSError, ValueError, RuntimeError):
            skipped.append("clone3")
        with tempfile.TemporaryFile() as handle:
            f.export_bpf(handle)
            handle.seek(0)
            program = handle.read()
    except Exception as error:  # noqa: BLE001
        return None, f"the seccomp filter could not be built ({type(error).__name__}: {error})"
    if not program or len(program) % 8:
        return None, "libseccomp produced no usable filter"
    note = f" ({', '.join(skipped)} unknown here)" if skipped else ""
    return program, (f"a seccomp filter refuses {len(DENIED) - len(skipped)} system calls a notebook never needs "
                     f"(kernel keyrings, io_uring, ptrace, bpf, perf, userfaultfd, mounts, new namespaces...){note}; "
                     "each kernel also starts with a fresh session keyring")


@functools.lru_cache(maxsize=1)
def _probed() -> tuple[bytes | None, str]:
    """The filter, loaded once in a throw-away process that then tries keyctl and io_uring_setup."""
    import subprocess
    import sys

    from kitlib.grading.sandbox_entry import entry_script

    program, message = _built()
    if program is None:
        return None, message
    try:
        done = subprocess.run([sys.executable, "-I", "-S", entry_script(), "probe-seccomp"], input=program,
                              capture_output=True, timeout=60, cwd="/")
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"the seccomp filter could not be tried ({error})"
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        return None, f"this system does not load the seccomp filter ({why[0][:200]})"
    return program, message


def bpf_program() -> bytes | None:
    """The compiled filter (classic BPF, native byte order), tried on this machine; None where it
    cannot be built or loaded."""
    return _probed()[0]


def status() -> tuple[bool, str]:
    """(whether kernels get the filter, one sentence for ``kit doctor``).

    Example::

        >>> status()                                            # doctest: +SKIP
        (True, 'a seccomp filter refuses 47 system calls a notebook never needs (kernel keyrings, ...')
    """
    program, message = _probed()
    return program is not None, message


__all__ = ["CLONE_NEW_FLAGS", "DENIED", "bpf_program", "status"]
