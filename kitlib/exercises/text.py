"""Text fit for a student: Keras' graph reprs, file paths and tracebacks taken out of messages.

A leaf module (it imports nothing of the kit at module level), so that ``core``, ``session`` and the
checks share one spelling of a clean message without importing each other.

Example:
    >>> clean_text("bad <KerasTensor shape=(None, 3), name=x> in /usr/lib/x/y.py")
    'bad a symbolic tensor in a file'
"""
from __future__ import annotations

import re

_PATH = re.compile(r"(?:[A-Za-z]:)?(?:/[\w.@+-]+){2,}/?")
_GRAPH = re.compile(r"<(?:KerasTensor|KerasVariable|Variable|tf\.Tensor|Functional|Sequential|Operation|Node)\b[^>]*>")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def clean_text(text: str, limit: int = 400) -> str:
    """A message fit for a student: no file paths, no Keras graph reprs, no tracebacks, one paragraph.

    Example:
        >>> clean_text("bad <KerasTensor shape=(None, 3), name=x> in /usr/lib/x/y.py")
        'bad a symbolic tensor in a file'
    """
    text = _ANSI.sub("", str(text))
    if "Traceback (most recent call last)" in text:
        text = text.split("Traceback (most recent call last)")[0] or text.strip().splitlines()[-1]
    text = _GRAPH.sub("a symbolic tensor", text)
    text = _PATH.sub("a file", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def explain_error(error: BaseException) -> str:
    """kitlib.diagnose's plain-words explanation of a Keras error, or '' (never raises).

    Example::

        explain_error(ValueError("Input 0 of layer dense is incompatible ..."))   # 'The layer expected ...'
    """
    try:
        from kitlib.diagnose import explain

        why = explain(error)
    except Exception:  # noqa: BLE001 - an explanation is a bonus, never a new failure
        return ""
    if getattr(why, "kind", "unknown") == "unknown":
        return ""
    text = " ".join(x for x in (why.message, why.fix) if x)
    layer = getattr(why, "layer", None) or ""
    try:  # Keras' generated layer names ("dense_7") mean nothing to a student: "the Dense layer"
        from kitlib.diagnose import _type_from_name, plain_layer_names

        text = plain_layer_names(text)
        if re.fullmatch(r"[a-z][a-z0-9_]*_\d+", layer) or layer and _type_from_name(layer) != layer:
            text = re.sub(rf"(?<![\w'\"]){re.escape(layer)}(?![\w'\"])", f"the {_type_from_name(layer)} layer", text)
    except Exception:  # noqa: BLE001
        pass
    return clean_text(text, limit=300)

def error_summary(error: BaseException, limit: int = 240) -> str:
    """'<Error>: <first line>' in the student's terms: an error Keras wrapped as "Exception encountered
    when calling X.call()" unwrapped to its own message, said to come from inside X; Keras' generated
    layer names replaced by the layer's kind (:mod:`kitlib.diagnose` owns both).

    Example:
        >>> error_summary(ValueError("Exception encountered when calling Scale.call().\\n\\nbad\\n\\nArguments received"))
        'ValueError inside Scale.call(): bad'
    """
    called, message = None, str(error)
    try:
        from kitlib.diagnose import plain_layer_names, unwrap_call_error

        called, message = unwrap_call_error(error)
        message = plain_layer_names(message)
    except Exception:  # noqa: BLE001 - a plainer message is a bonus, never a new failure
        pass
    first = clean_text((message.strip().splitlines() or [""])[0], limit=limit)
    name = type(error).__name__ + (f" inside {called}.call()" if called else "")
    return f"{name}: {first}" if first else name
