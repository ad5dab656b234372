"""Student ids, assignment and file names are data: one validation and one escaping for all of them.

A student id is the name of a folder a student (or an LMS export) chose; a file name is
whatever a student put in their submission. Both leave the kit in many places: the
teacher's terminal and log, the report, ``grades.csv``, paths under ``feedback/`` and
``autograded/``, nbgrader's command lines. This module is the one owner of what may pass:

- :func:`show`: a name (or any line made of untrusted parts) as it may be printed:
  control characters, escape sequences, bidirectional overrides and other invisible
  characters are shown escaped (``\\x1b``, ``\\n``, ``\\u202e``), a backslash as ``\\\\``,
  the length capped. Printable text (``José``, ``李``) stays as it is.
- :func:`csv_cell`: a text cell that a spreadsheet would evaluate (``=``, ``+``, ``-``,
  ``@``, tab, carriage return first, the OWASP "CSV injection" list) gets a leading
  ``'``, so that it reads as text; numbers stay numbers.
- :func:`refusal`: why an id (or assignment name) cannot be graded safely, or None.
  **Refused** (one report line naming the folder, nobody else touched): empty, ``.``,
  ``..``; a ``/``, NUL, newline or any other non-printable character (control
  characters, escape sequences, bidi overrides, zero-width characters); the glob
  metacharacters ``[ ] * ?`` (nbgrader finds a student's files with ``glob``: such an id
  matches other students' files); a leading ``.`` (hidden, skipped by nbgrader) or ``-``
  (read as a command-line option); a backslash; more than :data:`MAX_ID_BYTES` bytes of
  UTF-8. **Allowed, escaped where shown**: everything else, spaces, accents, non-Latin
  scripts, quotes, ``=``/``+``/``@`` (neutralised in CSV by :func:`csv_cell`), HTML
  special characters (escaped by the page that shows them).

Example::

    >>> show("ana\\x1b[2J")
    'ana\\\\x1b[2J'
    >>> csv_cell("=HYPERLINK(1)"), csv_cell("-1.5"), csv_cell(2.5)
    ("'=HYPERLINK(1)", "'-1.5", 2.5)
    >>> refusal("ana[1]")[:40]
    'it has one of the glob characters [ ] * '
    >>> refusal("José") is None
    True
"""
from __future__ import annotations

import unicodedata

MAX_ID_BYTES = 100
SHOW_LIMIT = 80
GLOB = frozenset("[]*?")
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _visible(ch: str) -> bool:
    """Whether a character prints as itself (no control, format, separator other than space, surrogate...)."""
    return ch == " " or (ch.isprintable() and unicodedata.category(ch) not in ("Cf", "Co", "Cs", "Cn"))


def _escaped(ch: str) -> str:
    code = ord(ch)
    if ch == "\\":
        return "\\\\"
    if code <= 0xFF:
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, f"\\x{code:02x}")
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def show_text(text: str) -> str:
    """``text`` with every invisible or control character escaped (no length cap): one line, as it reads.

    Example:
        >>> show_text("line 1\\nline 2: \\x1b[31mred")
        'line 1\\\\nline 2: \\\\x1b[31mred'
    """
    text = str(text)
    if all(_visible(ch) and ch != "\\" for ch in text):
        return text
    return "".join(ch if _visible(ch) and ch != "\\" else _escaped(ch) for ch in text)


def show(name: str, limit: int = SHOW_LIMIT) -> str:
    """A name as it may appear on the teacher's screen, in a log or a report line (escaped, capped).

    Example:
        >>> show("a" * 100)[-5:], len(show("a" * 100))
        ('aa...', 80)
    """
    text = show_text(name)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def show_line(text: str) -> str:
    """A line of the kit's own words with untrusted parts in it, for a terminal or a log: as
    :func:`show_text`, but a backslash stays as it is (the kit's own messages use them rarely,
    and only a control character can change what the terminal shows).

    Example:
        >>> show_line("[1/2] ana\\x1b[1A/mini: 5/5")
        '[1/2] ana\\\\x1b[1A/mini: 5/5'
    """
    text = str(text)
    if all(_visible(ch) for ch in text):
        return text
    return "".join(ch if _visible(ch) else _escaped(ch) for ch in text)


def refusal(name: str, what: str = "student id") -> str | None:
    """Why ``name`` cannot be used as a student id (or assignment name) safely; None when it can.

    Example:
        >>> refusal("ana\\nben")
        'it has a non-printable character (\\\\n)'
        >>> refusal("-rf"), refusal("..")
        ("it starts with '-' (it would read as a command-line option)", 'it is not a folder name')
    """
    if name in ("", ".", "..") or "/" in name or "\0" in name:
        return "it is not a folder name"
    hidden = [ch for ch in name if not _visible(ch)]
    if hidden:
        return f"it has a non-printable character ({_escaped(hidden[0])})"
    if GLOB & set(name):
        return "it has one of the glob characters [ ] * ? (nbgrader would match other students' files with it)"
    if "\\" in name:
        return "it has a backslash"
    if name.startswith("."):
        return "it starts with '.' (a hidden folder)"
    if name.startswith("-"):
        return "it starts with '-' (it would read as a command-line option)"
    if len(name.encode("utf-8", errors="surrogatepass")) > MAX_ID_BYTES:
        return f"it is longer than {MAX_ID_BYTES} bytes"
    return None


def refused_line(folder: str, name: str, what: str = "student id") -> str | None:
    """The report line for a folder whose name is refused as ``what`` (None: the name is fine).

    Example:
        >>> refused_line("submitted/a*", "a*")
        "folder submitted/a* was not graded: its name is not a usable student id: it has one of the glob characters [ ] * ? (nbgrader would match other students' files with it); rename the folder and grade again"
    """
    why = refusal(name, what)
    if why is None:
        return None
    return (f"folder {show(folder, 160)} was not graded: its name is not a usable {what}: {why}; "
            "rename the folder and grade again")


def csv_cell(value):
    """A CSV cell a spreadsheet shows as written: text starting with ``= + - @``, tab, CR or LF
    gets a leading ``'`` (OWASP CSV injection guidance); a number is written plainly (``5`` for 5.0,
    at most 4 decimals); anything else is returned as it is.

    Example:
        >>> csv_cell("=1+1"), csv_cell("ana"), csv_cell(""), csv_cell(None), csv_cell(5.0), csv_cell(2.12345)
        ("'=1+1", 'ana', '', None, '5', '2.1235')
    """
    if isinstance(value, str) and value.startswith(CSV_TRIGGERS):
        return "'" + value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        return str(int(number)) if number.is_integer() else f"{number:.4f}".rstrip("0").rstrip(".")
    return value


__all__ = ["MAX_ID_BYTES", "csv_cell", "refusal", "refused_line", "show", "show_line", "show_text"]
