"""Plain values the exercise modules share: ``MISSING`` and the salted digest of an answer.

A leaf module (it imports nothing of the kit), so that ``core`` and ``hidden`` both use it without
importing each other.

Example:
    >>> canonical((None, 4))
    '[null,4]'
    >>> len(digest([None, 4], "demo"))
    32
    >>> bool(MISSING)
    False
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

# "No value here" (no record, no expected value): falsy, and distinct from None, which can be an answer.
MISSING = type("Missing", (), {"__repr__": lambda self: "MISSING", "__bool__": lambda self: False})()

DIGEST_ITERATIONS = 200_000  # about 0.07 s per digest: cheap for one check, slow for trying millions


def canonical(value: Any) -> str:
    """The JSON text a digest is taken of: tuples become lists, sets sorted lists, keys sorted."""

    def plain(v):
        if isinstance(v, (list, tuple)):
            return [plain(i) for i in v]
        if isinstance(v, (set, frozenset)):
            return sorted((plain(i) for i in v), key=lambda i: json.dumps(i, sort_keys=True))
        if isinstance(v, dict):
            return {str(k): plain(i) for k, i in v.items()}
        if hasattr(v, "item") and getattr(v, "shape", None) == ():
            return v.item()
        return v

    return json.dumps(plain(value), sort_keys=True, separators=(",", ":"))


def digest(value: Any, salt: str) -> str:
    """Salted, slow digest of a normalised answer: the student side compares digests, never values.

    Example:
        >>> len(digest([None, 4], "demo"))
        32
    """
    raw = hashlib.pbkdf2_hmac("sha256", canonical(value).encode("utf-8"), f"kitlib:{salt}".encode("utf-8"),
                              DIGEST_ITERATIONS)
    return raw.hex()[:32]
