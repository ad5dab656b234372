"""Every HTML page the kit writes is inert: no student markup runs, nothing is fetched.

A feedback page shows what a student's notebook produced (HTML outputs, Markdown cells,
SVG, tracebacks), and the teacher opens it, or hands it to other people's browsers. Two
layers, each enough against the attacks the hostile gallery knows:

- **Sanitising** with `nh3 <https://nh3.readthedocs.io>`_ (the Python binding of the Rust
  ``ammonia`` sanitiser; chosen over bleach, which is deprecated by its maintainers and
  several times slower on the megabyte pages a flood of output makes): the page body is
  parsed by an HTML5 parser and rebuilt from an allow-list of tags (text, tables, lists,
  code, images) and attributes (``class``, ``id``, ``href``, ``src``, ``alt``, ``title``,
  table spans) and MathML (formulas, :func:`latex_to_mathml`; presentation elements, no link or
  style attribute). Gone with their content: ``script``, ``style``, ``iframe``, ``object``,
  ``svg``, ``form``, ``meta``, ``link``, ``base``; gone: every event handler,
  ``style`` attribute, ``javascript:``/``data:`` link, and every image that is not a
  ``data:image/...`` URL (no request leaves the page). SVG outputs become
  ``<img src="data:image/svg+xml;base64,...">``: a browser draws an SVG image without
  running its scripts or loading anything it names (:func:`inert_svg_outputs`).
- **Content-Security-Policy** (:func:`csp_meta`), first in ``<head>``:
  ``default-src 'none'`` (no script, frame, font, connection, object), ``img-src data:``,
  ``style-src`` only the page's own style blocks and style attributes by their SHA-256
  hashes, ``form-action 'none'``, ``base-uri 'none'``. Should a future template or a
  sanitiser bug let markup through, the browser still runs and fetches nothing.

Example::

    page = inert_page(nbconvert_html, title="mini")   # a feedback page, sanitised, with its CSP
    report = add_csp(report_html)                     # a page of the kit's own (escaped) text
"""
from __future__ import annotations

import base64
import hashlib
import html
import re

TAGS = {"a", "abbr", "b", "bdi", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
        "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong",
        "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
        "wbr", "main", "section", "article", "header", "footer", "label"}
ATTRIBUTES = {"*": {"class", "id", "title", "lang", "dir"}, "a": {"href"}, "img": {"src", "alt", "width", "height"},
              "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"}, "ol": {"start"}}
# MathML (formulas of Markdown cells, drawn by the browser without a script: :func:`latex_to_mathml`):
# presentation elements only, none of the attributes that can link or style (href, style, xlink:*), no
# maction or annotation-xml (which can hold HTML).
MATHML_TAGS = {"math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "mfrac", "msqrt", "mroot", "msub", "msup",
               "msubsup", "munder", "mover", "munderover", "mmultiscripts", "mprescripts", "none", "mtable", "mtr",
               "mtd", "mstyle", "menclose", "mpadded", "mphantom", "merror"}
MATHML_ATTRIBUTES = {
    "math": {"display"}, "mstyle": {"displaystyle", "scriptlevel", "mathcolor"},
    "mo": {"form", "stretchy", "fence", "separator", "accent", "largeop", "movablelimits", "lspace", "rspace",
           "minsize", "maxsize", "mathvariant"},
    "mi": {"mathvariant"}, "mn": {"mathvariant"}, "mtext": {"mathvariant"}, "ms": {"mathvariant"},
    "mover": {"accent"}, "munder": {"accentunder"}, "munderover": {"accent", "accentunder"},
    "menclose": {"notation"}, "mspace": {"width", "height", "depth"}, "mfrac": {"linethickness"},
    "mpadded": {"width", "height", "depth", "lspace", "voffset"},
    "mtable": {"columnalign", "rowalign", "columnspacing", "rowspacing"},
    "mtd": {"columnspan", "rowspan", "columnalign", "rowalign"}, "mtr": {"columnalign", "rowalign"},
}
TAGS |= MATHML_TAGS
ATTRIBUTES.update(MATHML_ATTRIBUTES)
CLEAN_CONTENT = {"script", "style", "iframe", "object", "embed", "svg", "template", "noscript", "frameset",
                 "frame", "applet", "form", "select", "textarea", "button", "title", "head", "noembed", "xmp",
                 "plaintext", "video", "audio", "canvas"}
IMAGE_DATA = re.compile(r"^data:image/(png|jpe?g|gif|webp|bmp|svg\+xml);base64,[A-Za-z0-9+/=\s]*$", re.IGNORECASE)
LINK = re.compile(r"^(https?:|mailto:|#)", re.IGNORECASE)

CSP = ("default-src 'none'; img-src data:; style-src {styles}; form-action 'none'; base-uri 'none'; "
       "frame-src 'none'; object-src 'none'; script-src 'none'")


def _attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's attribute filter: links to the web or the page itself only, images from data: only."""
    if name == "href":
        return value if LINK.match(value.strip()) else None
    if name == "src":
        return value if tag == "img" and IMAGE_DATA.match(value.strip()) else None
    return value


MAX_FORMULA = 4000  # characters of one formula converted (a longer one is shown as its source)


def latex_to_mathml(tex: str, display: bool = False) -> str:
    r"""A LaTeX formula as MathML (``latex2mathml``), which the browser draws without any script; the
    formula's source, escaped and between its dollars, where it cannot be converted (or the library is
    missing). What comes out goes through :func:`clean_html` with the page, like any student markup.

    Example:
        >>> latex_to_mathml("x^2")[:6], "<msup><mi>x</mi><mn>2</mn></msup>" in latex_to_mathml("x^2")
        ('<math ', True)
        >>> latex_to_mathml("x^", display=True)   # not a formula the converter can read: its source
        '$$x^$$'
    """
    fence = "$$" if display else "$"
    try:
        if len(tex) > MAX_FORMULA:
            raise ValueError("too long to convert")
        from latex2mathml.converter import convert

        return convert(tex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any failure (a formula it cannot read, no library): the source
        return f"{fence}{html.escape(tex, quote=False)}{fence}"


def clean_html(fragment: str) -> str:
    """Student-produced HTML as inert HTML (see the module docstring).

    Example:
        >>> clean_html('<b onclick="x()">hi</b><script>alert(1)</script><a href="javascript:x">j</a>')
        '<b>hi</b><a rel="noopener noreferrer nofollow">j</a>'
        >>> clean_html('<img src="http://evil/x.png"><img src="data:image/png;base64,AAAA">')
        '<img><img src="data:image/png;base64,AAAA">'
    """
    import nh3

    return nh3.clean(fragment, tags=TAGS, clean_content_tags=CLEAN_CONTENT, attributes=ATTRIBUTES,
                     attribute_filter=_attribute, url_schemes={"http", "https", "mailto", "data"},
                     strip_comments=True, link_rel="noopener noreferrer nofollow")


_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def csp_meta(page: str) -> str:
    """The ``<meta http-equiv="Content-Security-Policy">`` for a page of the kit's own: scripts,
    frames, fonts, connections and forms nowhere; images from ``data:`` only; style only the
    ``<style>`` blocks and ``style="..."`` attributes the page holds now (by hash).

    Example:
        >>> print(csp_meta("<style>p { color: red }</style>")[:79])
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src
    """
    hashes = [_hash(m.group(1)) for m in _STYLE_BLOCK.finditer(page)]
    attrs = [html.unescape(m.group(1) if m.group(1) is not None else m.group(2)) for m in _STYLE_ATTR.finditer(page)]
    if attrs:
        hashes += ["'unsafe-hashes'"] + [_hash(a) for a in attrs]
    policy = CSP.format(styles=" ".join(dict.fromkeys(hashes)) or "'none'")
    return f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy, quote=False)}">'


def add_csp(page: str) -> str:
    """``page`` with :func:`csp_meta` as the first element of its ``<head>`` (call it last: the
    hashes cover the styles the page has now). For the report and any page the kit draws itself.

    Example:
        >>> add_csp("<html><head><title>r</title></head><body>x</body></html>")[:60]
        '<html><head><meta http-equiv="Content-Security-Policy" conte'
    """
    meta = csp_meta(page)
    match = re.search(r"<head\b[^>]*>", page, re.IGNORECASE)
    if match:
        return page[:match.end()] + meta + page[match.end():]
    return f"<!DOCTYPE html>\n<html><head>{meta}</head><body>{page}</body></html>"


_CSS_URL = re.compile(r"""url\(\s*(?!['"]?data:)[^)]*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)


def inert_css(css: str) -> str:
    """A style sheet that fetches nothing: every ``url(...)`` but ``data:`` ones becomes ``none``,
    every ``@import`` goes (the template's fonts would otherwise be asked for, in vain).

    Example:
        >>> inert_css("@import 'x.css'; a { background: url(http://h/x.png) } b { src: url(data:,) }")
        ' a { background: none } b { src: url(data:,) }'
    """
    return _CSS_URL.sub("none", _CSS_IMPORT.sub("", css))


def inert_page(page: str, title: str, extra_head: str = "") -> str:
    """A generated page (nbconvert's) rebuilt inert: its ``<style>`` blocks (the template's, which no
    student can write into) kept, everything else of its head dropped (scripts, MathJax, the
    notebook's own title), its body sanitised (:func:`clean_html`), the CSP first in the head.

    Example:
        >>> page = inert_page("<html><head><script>x()</script><style>p{}</style></head>"
        ...                   "<body class='a'><p onmouseover='x()'>hi</p></body></html>", "mini")
        >>> "<script" in page, "<p>hi</p>" in page, "Content-Security-Policy" in page
        (False, True, True)
    """
    lower = page.lower()
    body_at = lower.find("<body")
    head = page[:body_at] if body_at >= 0 else ""
    body = page[body_at:] if body_at >= 0 else page
    body = re.sub(r"^<body\b[^>]*>", "", body, flags=re.IGNORECASE)
    body = re.sub(r"</body\s*>\s*</html\s*>\s*$", "", body, flags=re.IGNORECASE)
    styles = "\n".join(f"<style>{inert_css(m.group(1))}</style>" for m in _STYLE_BLOCK.finditer(head))
    rebuilt = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
               f"{styles}\n{extra_head}</head>\n<body>\n{clean_html(body)}\n</body>\n</html>\n")
    return add_csp(rebuilt)


def inert_svg_outputs(nb) -> None:
    """Every ``image/svg+xml`` output of ``nb`` becomes an ``<img>`` of it (a data: URL), in place:
    drawn, never run."""
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data") if isinstance(output, dict) else None
            if not isinstance(data, dict) or "image/svg+xml" not in data:
                continue
            svg = data.pop("image/svg+xml")
            svg = "".join(svg) if isinstance(svg, list) else str(svg)
            url = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode()
            data.setdefault("text/html", f'<img src="{url}" alt="SVG image">')  # (HTML comes first anyway)


# File types a browser would open as a live document (pages, SVG, XML with style sheets, PDF...):
# never put into feedback/ as they are.
LIVE_SUFFIXES = {".html", ".htm", ".xhtml", ".xht", ".shtml", ".shtm", ".svg", ".svgz", ".xml", ".xsl", ".xslt",
                 ".mht", ".mhtml", ".maff", ".pdf", ".swf", ".js", ".mjs", ".css", ".php", ".jsp", ".asp",
                 ".hta", ".xul", ".rdf", ".wml", ".vtt", ".webmanifest", ".appcache", ".url", ".desktop",
                 ".webloc", ".lnk", ".eml"}
INERT_SUFFIXES = {".txt", ".csv", ".tsv", ".py", ".json", ".md", ".npy", ".npz", ".png", ".jpg", ".jpeg", ".gif",
                  ".webp", ".bmp", ".h5", ".hdf5", ".keras", ".pkl", ".pickle", ".dat", ".bin", ".log", ".yaml",
                  ".yml", ".ipynb", ".zip", ".gz", ".tar", ".parquet", ".wav", ".mp3"}


def live_file(name: str) -> bool:
    """Whether a file of this name could render as a live page in a browser (everything not
    known to be data counts as live: a browser may sniff a file without a known type).

    Example:
        >>> live_file("notes.html"), live_file("data.csv"), live_file("README"), live_file("x.SVG")
        (True, False, True, True)
    """
    lower = name.lower()
    dot = lower.rfind(".")
    suffix = lower[dot:] if dot > 0 else ""
    return suffix not in INERT_SUFFIXES


__all__ = ["add_csp", "clean_html", "csp_meta", "inert_css", "inert_page", "inert_svg_outputs", "live_file"]
