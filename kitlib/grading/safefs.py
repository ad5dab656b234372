"""Files nobody trusts: submissions, and what a kernel leaves in its box.

Every read here opens relative to a folder descriptor, one path component at a time,
with ``O_NOFOLLOW`` (a symbolic link is refused, never followed), looks at the file
with ``lstat`` before opening it (FIFOs, sockets and devices are refused without being
opened: opening some devices has effects), checks it again with ``fstat`` after
opening (the same inode, a regular file, one hard link: a hard link could point at any
file of the same file system), and reads at most the cap plus one byte. Writes go only
into folders the grader made, with ``O_EXCL | O_NOFOLLOW``.

Example::

    files, notes = read_tree(open_dir(course_root, "submitted", "ana", "mini"),
                             max_files=200, max_total=300 << 20, max_file=100 << 20, max_depth=4)
    write_tree(scratch / "submitted", files)
"""
from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY
SKIPPED_DIRS = (".ipynb_checkpoints", "__pycache__")


class Refused(Exception):
    """An untrusted file or folder the grader will not read (the message says why, in plain words)."""


def show(name: str) -> str:
    """A file name as it may appear in a report line (:func:`kitlib.grading.names.show`:
    control and invisible characters escaped, length capped)."""
    from kitlib.grading.names import show as show_name

    return show_name(name)


def kind(mode: int) -> str:
    """What a file of this mode is, in words."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _check_name(name: str) -> None:
    if name in ("", ".", "..") or "/" in name or "\0" in name:
        raise Refused(f"{show(name)} is not a usable file name")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise Refused(f"{show(name)} has control characters in its name")


def open_dir_at(dir_fd: int, relative: str) -> int:
    """Open the folder ``relative`` (slash-separated) under ``dir_fd``, never following a link."""
    fd = os.dup(dir_fd)
    try:
        for part in [p for p in relative.split("/") if p]:
            _check_name(part)
            try:
                child = os.open(part, DIR_FLAGS, dir_fd=fd)
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENOTDIR):
                    try:
                        mode = os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode
                        raise Refused(f"{show(part)} is {kind(mode)}, not a folder") from None
                    except OSError:
                        pass
                raise Refused(f"{show(part)} cannot be opened ({error.strerror})") from None
            os.close(fd)
            fd = child
        return fd
    except BaseException:
        os.close(fd)
        raise


def open_dir(base: Path, *parts: str) -> int:
    """Open ``base`` (trusted: the grader's own path) and then ``parts`` without following links."""
    fd = os.open(str(base), os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        return open_dir_at(fd, "/".join(parts))
    finally:
        os.close(fd)


def _open_regular(dir_fd: int, name: str, max_bytes: int, allow_links: bool = False) -> tuple[int, os.stat_result]:
    _check_name(name)
    try:
        before = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except OSError as error:
        raise Refused(f"{show(name)} cannot be read ({error.strerror})") from None
    if not stat.S_ISREG(before.st_mode):
        raise Refused(f"{show(name)} is {kind(before.st_mode)}; only regular files are read")
    if before.st_nlink > 1 and not allow_links:
        raise Refused(f"{show(name)} has {before.st_nlink - 1} other hard link(s); such files are not read")
    if before.st_size > max_bytes:
        raise Refused(f"{show(name)} is {before.st_size / 2**20:.1f} MB, over the {max_bytes / 2**20:g} MB limit")
    try:
        fd = os.open(name, FILE_FLAGS, dir_fd=dir_fd)
    except OSError as error:
        raise Refused(f"{show(name)} cannot be opened ({error.strerror})") from None
    after = os.fstat(fd)
    if (after.st_ino, after.st_dev) != (before.st_ino, before.st_dev) or not stat.S_ISREG(after.st_mode):
        os.close(fd)
        raise Refused(f"{show(name)} changed while it was being read")
    return fd, after


def _read_capped(fd: int, name: str, max_bytes: int) -> bytes:
    chunks, total = [], 0
    while True:
        chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise Refused(f"{show(name)} grew past the {max_bytes / 2**20:g} MB limit while it was read")


def read_regular(dir_fd: int, name: str, max_bytes: int, allow_links: bool = False) -> bytes:
    """The bytes of regular file ``name`` in folder ``dir_fd`` (see the module docstring)."""
    fd, _ = _open_regular(dir_fd, name, max_bytes, allow_links)
    try:
        return _read_capped(fd, name, max_bytes)
    finally:
        os.close(fd)


def read_regular_at(dir_fd: int, relative: str, max_bytes: int) -> bytes:
    """:func:`read_regular` of a slash-separated path under ``dir_fd`` (each folder opened safely)."""
    folder, _, name = relative.rpartition("/")
    fd = open_dir_at(dir_fd, folder) if folder else os.dup(dir_fd)
    try:
        return read_regular(fd, name, max_bytes, allow_links=True)
    finally:
        os.close(fd)


def _entries(dir_fd: int) -> list[str]:
    with os.scandir(dir_fd) as it:
        return sorted(entry.name for entry in it)


def walk_files(dir_fd: int, notes: list[str], *, max_files: int, max_total: int, max_file: int, max_depth: int,
               max_file_for=None, skip_dirs: tuple[str, ...] = (), allow_links: bool = False,
               verb: str = "ignored"):
    """Yield ``(relative path, bytes)`` for the regular files under ``dir_fd``: the one walker of every untrusted
    tree (:func:`read_tree`, :func:`copy_tree`), so that one set of rules holds everywhere.

    Each name is checked, each entry ``lstat``-ed before anything is opened; folders are opened with
    :func:`open_dir_at` (a link is refused) down to ``max_depth``, files read with :func:`read_regular`
    (capped at ``max_file``, or ``max_file_for(relative path)``, and at what is left of ``max_total``). At most
    ``max_files`` files come out. Whatever is refused gets one line in ``notes``, ending in ``verb``
    ("ignored", "not copied"); folders named in ``skip_dirs`` are passed over without a note. ``allow_links``:
    hard links are read too (in a tree the grader's own sandbox wrote, where they cannot point outside it).

    Example::

        notes = []
        for relative, data in walk_files(fd, notes, max_files=10, max_total=1 << 20, max_file=1 << 16, max_depth=2):
            print(relative, len(data))
    """
    state = {"total": 0, "count": 0}

    def walk(fd: int, prefix: str, depth: int):
        for name in _entries(fd):
            rel = f"{prefix}{name}"
            try:
                _check_name(name)
                mode = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
            except Refused as why:
                notes.append(f"{why}: {verb}")
                continue
            except OSError:
                notes.append(f"{show(rel)} could not be read: {verb}")
                continue
            if stat.S_ISDIR(mode):
                if name in skip_dirs:
                    continue
                if depth >= max_depth:
                    notes.append(f"folder {show(rel)} is nested too deep: {verb}")
                    continue
                try:
                    child = open_dir_at(fd, name)
                except Refused as why:
                    notes.append(f"{why}: {verb}")
                    continue
                try:
                    if (yield from walk(child, rel + "/", depth + 1)) is False:
                        return False
                finally:
                    os.close(child)
                continue
            if state["count"] >= max_files:
                notes.append(f"more than {max_files} files: {show(rel)} and the rest {verb}")
                return False
            cap = min(max_file_for(rel) if max_file_for else max_file, max_total - state["total"])
            try:
                data = read_regular(fd, name, max(cap, 0), allow_links=allow_links)
            except Refused as why:
                notes.append(f"{prefix and show(prefix)}{why}: {verb}")
                continue
            state["total"] += len(data)
            state["count"] += 1
            yield rel, data
        return True

    yield from walk(dir_fd, "", 0)


def read_tree(dir_fd: int, *, max_files: int, max_total: int, max_file: int, max_depth: int,
              max_file_for=None) -> tuple[dict[str, bytes], list[str]]:
    """Regular files under ``dir_fd`` (relative path -> bytes) and one note per thing refused
    (:func:`walk_files`; notebook checkpoints and caches are passed over).

    ``max_file_for(relative_path)`` may give a different cap per file (notebooks)."""
    notes: list[str] = []
    files = dict(walk_files(dir_fd, notes, max_files=max_files, max_total=max_total, max_file=max_file,
                            max_depth=max_depth, max_file_for=max_file_for, skip_dirs=SKIPPED_DIRS))
    return files, notes


def _safe_parts(relative: str) -> list[str]:
    parts = [p for p in relative.split("/") if p]
    for part in parts:
        _check_name(part)
    if not parts:
        raise Refused("an empty path")
    return parts


def write_tree(target: Path, files: dict[str, bytes]) -> list[str]:
    """Create ``target`` (its parent is the grader's) and write ``files`` into it, never
    through a link, never over an existing file; returns the paths that could not be
    written (a name clash between a file and a folder, say)."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    skipped: list[str] = []
    root = os.open(str(target), os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        for relative, data in files.items():
            try:
                parts = _safe_parts(relative)
            except Refused:
                skipped.append(relative)
                continue
            fd = os.dup(root)
            try:
                for part in parts[:-1]:
                    try:
                        os.mkdir(part, 0o755, dir_fd=fd)
                    except FileExistsError:
                        pass
                    child = os.open(part, DIR_FLAGS, dir_fd=fd)
                    os.close(fd)
                    fd = child
                out = os.open(parts[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                              0o644, dir_fd=fd)
                try:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(out, view):]
                finally:
                    os.close(out)
            except OSError:
                skipped.append(relative)
            finally:
                os.close(fd)
    finally:
        os.close(root)
    return skipped


def copy_tree(src_fd: int, target: Path, *, max_files: int, max_total: int, max_file: int,
              max_depth: int) -> tuple[list[str], list[str]]:
    """Copy the regular files under ``src_fd`` into ``target`` (:func:`walk_files`, one file in memory at a
    time, capped; hard links copied: the tree is a finished sandbox's own); (copied, notes)."""
    copied: list[str] = []
    notes: list[str] = []
    Path(target).mkdir(parents=True, exist_ok=True)
    for rel, data in walk_files(src_fd, notes, max_files=max_files, max_total=max_total, max_file=max_file,
                                max_depth=max_depth, allow_links=True, verb="not copied"):
        if write_tree(Path(target), {rel: data}):
            notes.append(f"{show(rel)} could not be written: not copied")
        else:
            copied.append(rel)
    return copied, notes


def write_json_atomic(path: Path, data) -> None:
    """Write JSON to ``path`` via a temporary file in the same (grader-owned) folder."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, path)
