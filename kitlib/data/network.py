"""A bounded, cached probe of whether the dataset/weight servers are reachable.

Example::

    >>> from kitlib.data.network import network_available
    >>> isinstance(network_available(timeout=0.5), bool)
    True
"""
from __future__ import annotations

import contextlib
import os
import socket
import threading

#: Hosts that Keras downloads datasets and weights from (first one answering wins).
PROBE_HOSTS = (("storage.googleapis.com", 443), ("www.cs.toronto.edu", 443))
DEFAULT_TIMEOUT = 1.5
#: Seconds without data after which a download counts as stalled.
DOWNLOAD_STALL_TIMEOUT = 30.0

_probe_cache: dict = {}


def offline_forced() -> bool:
    """True when ``KITLIB_OFFLINE`` is set to a true value (1, true, yes, on)."""
    return os.environ.get("KITLIB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def _try_connect(results, timeout):
    for host, port in PROBE_HOSTS:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                results.append(True)
                return
        except (OSError, ValueError):
            continue
    results.append(False)


def network_available(timeout: float = DEFAULT_TIMEOUT, *, refresh: bool = False) -> bool:
    """Whether Keras' download servers answer, decided within about ``timeout`` seconds.

    The probe runs in a daemon thread, so a hanging DNS lookup or connect cannot
    block the caller longer than ``timeout``.  The answer is cached for the rest
    of the process (pass ``refresh=True`` to probe again).  With
    ``KITLIB_OFFLINE=1`` the answer is ``False`` without any probe.

    Args:
        timeout: seconds to wait at most (> 0).
        refresh: ignore the cached answer.

    Example:
        >>> network_available(timeout=1.0) in (True, False)
        True
    """
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if offline_forced():
        return False
    if not refresh and "answer" in _probe_cache:
        return _probe_cache["answer"]
    results: list = []
    worker = threading.Thread(target=_try_connect, args=(results, timeout), daemon=True)
    worker.start()
    worker.join(timeout)
    answer = bool(results and results[0])
    _probe_cache["answer"] = answer
    return answer


@contextlib.contextmanager
def download_timeout(seconds: float = DOWNLOAD_STALL_TIMEOUT):
    """Inside the block, a socket that receives nothing for ``seconds`` raises instead of hanging.

    Keras downloads with ``urllib`` and no timeout of its own, so a stalled
    connection would otherwise block a notebook cell for ever.
    """
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def clear_probe_cache() -> None:
    """Forget the cached probe answer (the next call probes again)."""
    _probe_cache.clear()
