"""The kit's version, in a module of its own so that ``kitlib.environment`` reads it without importing ``kitlib``,
and the installed version of any distribution (``kit doctor``, the grading cluster's version check).

Example:
    >>> from kitlib.version import __version__
    >>> __version__.count(".")
    2
"""
from __future__ import annotations

from importlib import metadata

__version__ = "0.1.0"


def installed_version(dist: str) -> str | None:
    """The installed version of the distribution ``dist``, or None when it is not installed.

    Example:
        >>> installed_version("no-such-distribution-of-the-kit") is None
        True
    """
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None
