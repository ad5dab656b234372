"""Fast PNG pictures of activations, drawn with NumPy + Pillow (no pyplot, nothing on stderr).

Three views, chosen by the rank of one sample's activation:

- rank 3 ``(height, width, channels)``: :func:`feature_grid`, one tile per
  channel, paged (``"channels 17-32 of 64"``), per-channel or shared colour scale;
- rank 2 ``(time steps, features)``: :func:`sequence_heatmap` (features paged);
- rank 1 ``(units,)``: :func:`vector_bars` (units paged, or the top-k classes
  of a classifier's output).

Higher ranks (3-D convolutions) are folded into rank 3 by :func:`as_view_array`.
Each function returns ``(png_bytes, caption)``.

Beside them: :func:`input_picture` (the sample fed to the model, as the picture
it is: grey or colour image, sequence, vector) and :func:`colour_bar` (the colour
scale of the maps: which colour is which value).

Example::

    png, caption = feature_grid(np.random.rand(26, 26, 64), page=1)
    caption   # 'channels 17-32 of 64'
"""
from __future__ import annotations

import io
import math

import numpy as np

_CMAP_CACHE = {}


def _lut(name: str = "viridis") -> np.ndarray:
    """A 256x3 uint8 colour table from matplotlib's colour map (cached)."""
    if name not in _CMAP_CACHE:
        from matplotlib import colormaps

        _CMAP_CACHE[name] = (colormaps[name](np.linspace(0, 1, 256))[:, :3] * 255).astype(np.uint8)
    return _CMAP_CACHE[name]


def _to_png(rgb: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _normalise(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    span = hi - lo
    if not np.isfinite(span) or span <= 0:
        return np.zeros(values.shape, dtype=np.uint8)
    scaled = (values - lo) * (255.0 / span)
    return np.clip(np.nan_to_num(scaled), 0, 255).astype(np.uint8)


def _draw_text(rgb: np.ndarray, items) -> np.ndarray:
    """Write small labels ``[(x, y, text), ...]`` onto an RGB image (Pillow's built-in font)."""
    from PIL import Image, ImageDraw

    image = Image.fromarray(rgb, "RGB")
    draw = ImageDraw.Draw(image)
    for x, y, text in items:
        draw.text((x, y), text, fill=(20, 20, 20))
    return np.asarray(image)


def page_range(total: int, page: int, per_page: int):
    """Clamp ``page`` and return ``(page, start, stop, pages)`` for ``total`` items."""
    pages = max(1, math.ceil(total / per_page))
    page = min(max(int(page), 0), pages - 1)
    start = page * per_page
    return page, start, min(start + per_page, total), pages


def as_view_array(sample: np.ndarray) -> np.ndarray:
    """Fold one sample's activation to rank <= 3 (depth of 3-D maps stacked on the height)."""
    arr = np.asarray(sample)
    if arr.ndim == 0:
        return arr.reshape(1)
    while arr.ndim > 3:
        arr = arr.reshape((arr.shape[0] * arr.shape[1],) + arr.shape[2:])
    return arr


def _block_mean(img: np.ndarray, factor: int) -> np.ndarray:
    """Shrink a 2-D map by an integer ``factor`` (mean of each factor x factor block; edges padded)."""
    if factor <= 1:
        return img
    h, w = img.shape
    ph, pw = -h % factor, -w % factor
    if ph or pw:
        img = np.pad(img, ((0, ph), (0, pw)), mode="edge")
    return img.reshape(img.shape[0] // factor, factor, img.shape[1] // factor, factor).mean(axis=(1, 3))


def tile_scale(size: int, smallest: int = 56, largest: int = 112) -> tuple[int, int]:
    """``(zoom, shrink)`` integer factors that bring a map of ``size`` pixels between ``smallest``
    and ``largest`` (zoom by repeating pixels, shrink by block means): integer factors keep every
    map pixel a crisp square.

    Example::

        tile_scale(26)    # (3, 1): 78 px
        tile_scale(224)   # (1, 2): 112 px
    """
    size = max(int(size), 1)
    if size < smallest:
        return int(math.ceil(smallest / size)), 1
    if size > largest:
        return 1, int(math.ceil(size / largest))
    return 1, 1


def feature_grid(fmap, page=0, per_page=16, scale="channel", cmap="viridis", cols=8):
    """Channels of an ``(H, W, C)`` feature map as a tiled image, channels numbered from 0.

    Args:
        fmap: one sample's activation, shape (height, width, channels).
        page: which group of ``per_page`` channels (clamped to the valid range).
        scale: "channel" (each tile uses its own min..max) or "shared" (one
            min..max over all channels, so brightness compares across tiles).
        cols: tiles per row (16 channels: two rows of 8).

    Each tile is 56-112 px: small maps are enlarged by an integer factor (nearest
    neighbour), large ones shrunk by an integer factor (block means), so the
    picture stays crisp when shown at its own size and 16 channels fit in
    about 950 x 260 px.

    Returns:
        ``(png_bytes, caption)``; caption like ``"channels 16-31 of 64"``.
    """
    fmap = np.asarray(fmap, dtype=np.float32)
    if fmap.ndim != 3:
        raise ValueError(f"feature_grid needs (height, width, channels), got shape {fmap.shape}")
    h, w, c = fmap.shape
    page, start, stop, pages = page_range(c, page, per_page)
    chosen = fmap[:, :, start:stop]
    zoom, shrink = tile_scale(max(h, w))
    th, tw = -(-h // shrink) * zoom, -(-w // shrink) * zoom
    count = stop - start
    cols = min(cols, count)
    rows = math.ceil(count / cols)
    gap, label = 4, 12
    canvas = np.full((rows * (th + gap + label) + gap, cols * (tw + gap) + gap, 3), 255, np.uint8)
    lut = _lut(cmap)
    if scale == "shared":
        lo, hi = float(np.min(fmap)), float(np.max(fmap))
    labels = []
    for i in range(count):
        channel = _block_mean(chosen[:, :, i], shrink)
        if scale != "shared":
            lo, hi = float(channel.min()), float(channel.max())
        img = lut[_normalise(channel, lo, hi)]
        if zoom > 1:
            img = img.repeat(zoom, axis=0).repeat(zoom, axis=1)
        r, q = divmod(i, cols)
        y = gap + r * (th + gap + label) + label
        x = gap + q * (tw + gap)
        canvas[y : y + th, x : x + tw] = img
        labels.append((x, y - label, f"{start + i}" + (" (all 0)" if hi == lo == 0 else "")))
    canvas = _draw_text(canvas, labels)
    caption = f"channels {start}-{stop - 1} of {c}" + (f" (page {page + 1}/{pages})" if pages > 1 else "")
    if zoom > 1:
        caption += f", {h}x{w} maps drawn {zoom}x"
    elif shrink > 1:
        caption += f", {h}x{w} maps drawn at 1/{shrink}"
    return _to_png(canvas), caption


def sequence_heatmap(seq, page=0, per_page=64, cmap="viridis", cell=6, scale="shared"):
    """A ``(time steps, features)`` activation as a heatmap: time left to right, features top to bottom."""
    seq = np.asarray(seq, dtype=np.float32)
    if seq.ndim != 2:
        raise ValueError(f"sequence_heatmap needs (time steps, features), got shape {seq.shape}")
    steps, features = seq.shape
    page, start, stop, pages = page_range(features, page, per_page)
    part = seq[:, start:stop].T  # features x time
    if scale == "channel":
        lo = part.min(axis=1, keepdims=True)
        hi = part.max(axis=1, keepdims=True)
        span = np.where(hi > lo, hi - lo, 1.0)
        idx = np.clip((part - lo) / span * 255, 0, 255).astype(np.uint8)
    else:
        idx = _normalise(part, float(seq.min()), float(seq.max()))
    zoom_x = max(1, int(math.ceil(360 / max(steps, 1))))
    zoom_y = max(1, min(cell, int(math.ceil(240 / max(part.shape[0], 1)))))
    img = _lut(cmap)[idx].repeat(zoom_y, axis=0).repeat(zoom_x, axis=1)
    caption = f"{steps} time steps x features {start}-{stop - 1} of {features}"
    return _to_png(np.ascontiguousarray(img)), caption


def vector_bars(vec, page=0, per_page=64, top_k=None, width=520, height=170):
    """Bars for a ``(units,)`` activation, labelled: unit numbers (from 0) under the bars, the value
    scale on the left; ``top_k``: the k largest values, sorted, with class index and value
    (a classifier's output)."""
    vec = np.asarray(vec, dtype=np.float32).reshape(-1)
    n = vec.size
    if top_k:
        k = min(int(top_k), n)
        order = np.argsort(-vec, kind="stable")[:k]
        values, names = vec[order], [str(int(i)) for i in order]
        caption = f"top {k} of {n} outputs (class index and value)"
    else:
        page, start, stop, pages = page_range(n, page, per_page)
        values, names = vec[start:stop], [str(i) for i in range(start, stop)]
        caption = f"units {start}-{stop - 1} of {n}"
    count = len(values)
    lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
    span = hi - lo or 1.0
    left = 44
    top_pad, bottom_pad = 8, 28 if top_k else 16
    plot_h = height - top_pad - bottom_pad
    plot_w = width - left - 4
    canvas = np.full((height, width, 3), 255, np.uint8)
    zero_y = top_pad + int(round(hi / span * plot_h))
    canvas[zero_y, left:] = (160, 160, 160)
    canvas[top_pad : top_pad + plot_h + 1, left - 1] = (160, 160, 160)
    slot = plot_w / max(count, 1)
    bar = max(1, int(slot * 0.8))
    labels = [(2, top_pad - 4, _short_number(hi)), (2, zero_y - 5, "0")]
    if lo < 0:
        labels.append((2, top_pad + plot_h - 8, _short_number(lo)))
    every = max(1, int(math.ceil(24 / slot)))  # a unit number every ~24 px
    for i, v in enumerate(values):
        x0 = left + int(i * slot + (slot - bar) / 2)
        y = top_pad + int(round((hi - v) / span * plot_h))
        y0, y1 = sorted((y, zero_y))
        colour = (31, 119, 180) if v >= 0 else (214, 39, 40)
        canvas[y0 : max(y1, y0 + 1), x0 : x0 + bar] = colour
        if top_k:  # class index, and the value under it
            labels.append((x0, height - 26, f"#{names[i]}"))
            labels.append((x0, height - 13, f"{v:.2f}"[: max(3, int(slot // 6))]))
        elif i % every == 0:
            labels.append((x0, height - 13, names[i]))
    canvas = _draw_text(canvas, labels)
    return _to_png(canvas), caption


def _short_number(value: float) -> str:
    """A value in at most 6 characters, for an axis label."""
    text = f"{value:.3g}"
    return text if len(text) <= 6 else f"{value:.1e}"


def colour_range(values, scale="channel"):
    """The values the ends of the colour scale stand for: ``(lo, hi)`` over ``values`` for a
    "shared" scale, None for a per-channel one (each map is stretched to its own min..max)."""
    if scale != "shared":
        return None
    values = np.asarray(values, dtype=np.float32)
    return float(np.min(values)), float(np.max(values))


def colour_bar(value_range=None, width=320, cmap="viridis", height=12):
    """The colour scale of the maps as a PNG: the colour map left (low) to right (high), labelled.

    Args:
        value_range: ``(lo, hi)`` of a shared scale (labelled with the numbers at both ends and the
            middle), or None for a per-channel scale (labelled "each map's min" ... "its max").

    Returns:
        ``(png_bytes, caption)``.
    """
    width = max(int(width), 120)
    lut = _lut(cmap)
    left, right, label_h = 4, 4, 14
    bar_w = width - left - right
    canvas = np.full((height + label_h + 2, width, 3), 255, np.uint8)
    index = np.linspace(0, 255, bar_w).round().astype(np.uint8)
    canvas[1 : 1 + height, left : left + bar_w] = lut[index][None, :, :]
    canvas[1 : 1 + height, left - 1] = canvas[1 : 1 + height, left + bar_w] = (120, 120, 120)
    y = height + 3
    if value_range is None:
        low, high = "each map's min", "its max"
        caption = "colour scale: each map stretched to its own min (dark) .. max (bright)"
        items = [(left, y, low), (width - right - 6 * len(high), y, high)]
    else:
        lo, hi = value_range
        mid = (lo + hi) / 2
        texts = [_short_number(lo), _short_number(mid), _short_number(hi)]
        items = [(left, y, texts[0]), (left + bar_w // 2 - 3 * len(texts[1]), y, texts[1]),
                 (width - right - 6 * len(texts[2]), y, texts[2])]
        caption = f"colour scale: {texts[0]} (dark) .. {texts[2]} (bright), the same for every map"
    return _to_png(_draw_text(canvas, items)), caption


def input_picture(sample, size=(96, 192)):
    """One input sample as the picture it is: ``(png_bytes, caption)``.

    ``(height, width, 1)`` is drawn as a grey image, ``(height, width, 3)`` as a colour image (both stretched to the sample's own
    min..max, enlarged by an integer factor to ``size``); other rank-3 inputs as a feature grid,
    ``(time steps, features)`` as a heatmap, vectors as bars.
    """
    arr = np.asarray(sample)
    if arr.ndim == 3 and arr.shape[-1] in (1, 3):
        h, w, c = arr.shape
        values = arr.astype(np.float32)
        lo, hi = float(values.min()), float(values.max())
        img = _normalise(values, lo, hi)
        img = np.repeat(img, 3, axis=-1) if c == 1 else img
        zoom, shrink = tile_scale(max(h, w), *size)
        if shrink > 1:
            img = np.stack([_block_mean(img[:, :, k].astype(np.float32), shrink) for k in range(3)], -1)
            img = img.round().astype(np.uint8)
        if zoom > 1:
            img = img.repeat(zoom, axis=0).repeat(zoom, axis=1)
        kind = "grey" if c == 1 else "colour"
        caption = f"{h}x{w} {kind} image, values {_short_number(lo)} to {_short_number(hi)}"
        return _to_png(np.ascontiguousarray(img)), caption
    arr = as_view_array(arr)
    if arr.ndim == 3:
        return feature_grid(arr, per_page=4, cols=2)
    if arr.ndim == 2:
        return sequence_heatmap(arr)
    return vector_bars(arr, width=260, height=120)
