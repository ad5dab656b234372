"""Offline substitutes for MNIST and CIFAR-10 that the kit draws itself.

Both generators are vectorised NumPy and deterministic: the same ``(n, seed)``
gives the same bytes on the same machine.

* :func:`make_digits` draws handwritten-looking digits 0-9 (28x28 grey, white
  strokes on black like MNIST).  Each class has a few stroke templates (e.g. a
  "4" with an open or a closed top, a "7" with or without a cross bar).  Every
  sample gets its own slant, rotation, scale, aspect, position, a smooth random
  warp of the pen path ("elastic" jitter), a random pen thickness and ink
  strength, and a little noise.
* :func:`make_images` draws small colour pictures (32x32x3) of ten classes of
  shapes and textures (:data:`IMAGE_CLASS_NAMES`) with random colours, sizes,
  positions and angles on cluttered backgrounds.

Example::

    >>> from kitlib.data.substitutes import make_digits, make_images
    >>> x, y = make_digits(8, seed=0)
    >>> x.shape, x.dtype, y.shape
    ((8, 28, 28), dtype('uint8'), (8,))
    >>> x, y = make_images(8, seed=0)
    >>> x.shape, y.shape
    ((8, 32, 32, 3), (8, 1))
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

__all__ = [
    "make_digits",
    "make_images",
    "make_mnist_like",
    "make_cifar10_like",
    "DIGIT_CLASS_NAMES",
    "IMAGE_CLASS_NAMES",
]

DIGIT_CLASS_NAMES = tuple(str(d) for d in range(10))

#: What :func:`make_images` draws for labels 0..9 (honest names, not CIFAR's).
IMAGE_CLASS_NAMES = (
    "disc",
    "square",
    "triangle",
    "ring",
    "plus sign",
    "horizontal stripes",
    "vertical stripes",
    "checkerboard",
    "diagonal stripes",
    "polka dots",
)

_CHUNK = 1000  # samples per block: small temporaries stay in malloc's heap (fewer page faults)


# --------------------------------------------------------------------------
# Digits
# --------------------------------------------------------------------------

def _arc(cx, cy, rx, ry, a0, a1, n=40):
    """Points on an elliptic arc; angles in degrees, 0 = right, 90 = down (y grows downward)."""
    t = np.radians(np.linspace(a0, a1, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _line(*points, n=20):
    pts = np.asarray(points, dtype=float)
    out = [pts[0][None]]
    for p, q in zip(pts[:-1], pts[1:]):
        s = np.linspace(0.0, 1.0, n)[1:, None]
        out.append(p + s * (q - p))
    return np.concatenate(out)


def _cat(*parts):
    return np.concatenate(parts)


def _digit_templates():
    """Stroke templates per digit, in a unit box (x right, y down).

    Each template is a list of strokes; each stroke an (m, 2) array of points.
    """
    t = {}
    t[0] = [
        [_arc(0.5, 0.5, 0.30, 0.48, -90, 280)],
        [_arc(0.5, 0.5, 0.36, 0.46, -100, 265)],
    ]
    t[1] = [
        [_line((0.5, 0.0), (0.5, 1.0))],
        [_line((0.3, 0.2), (0.55, 0.0), (0.55, 1.0))],
        [_line((0.32, 0.18), (0.52, 0.0), (0.52, 1.0)), _line((0.3, 1.0), (0.75, 1.0))],
    ]
    t[2] = [
        [_cat(_arc(0.5, 0.3, 0.3, 0.28, 190, 360), _line((0.8, 0.3), (0.2, 1.0), (0.85, 1.0)))],
        [_cat(_arc(0.48, 0.28, 0.3, 0.26, 180, 380), _line((0.74, 0.42), (0.2, 0.98)),
              _arc(0.38, 0.85, 0.18, 0.15, 180, 90)[::-1][:1], _line((0.2, 0.98), (0.85, 0.95)))],
    ]
    t[3] = [
        [_cat(_arc(0.48, 0.26, 0.28, 0.24, 200, 450), _arc(0.48, 0.73, 0.32, 0.26, -90, 160))],
        [_line((0.2, 0.0), (0.8, 0.0), (0.45, 0.42)), _arc(0.45, 0.7, 0.35, 0.28, -90, 160)],
    ]
    t[4] = [
        [_line((0.62, 0.0), (0.12, 0.66), (0.88, 0.66)), _line((0.66, 0.3), (0.66, 1.0))],
        [_line((0.22, 0.0), (0.2, 0.6), (0.85, 0.6)), _line((0.72, 0.0), (0.72, 1.0))],
    ]
    t[5] = [
        [_line((0.8, 0.0), (0.3, 0.0), (0.26, 0.44)), _arc(0.48, 0.68, 0.32, 0.3, 220, 500)[:-8]],
        [_cat(_line((0.28, 0.0), (0.24, 0.45)), _arc(0.47, 0.68, 0.3, 0.3, 220, 495)[:-8]),
         _line((0.28, 0.0), (0.82, 0.02))],
    ]
    t[6] = [
        [_cat(_arc(0.75, 0.62, 0.52, 0.62, 250, 180)[::-1][::-1], _arc(0.5, 0.72, 0.28, 0.27, 180, 540))],
        [_cat(_line((0.7, 0.0), (0.25, 0.6)), _arc(0.5, 0.72, 0.27, 0.26, 200, 560))],
    ]
    t[7] = [
        [_line((0.15, 0.0), (0.85, 0.0), (0.38, 1.0))],
        [_line((0.15, 0.05), (0.85, 0.0), (0.45, 1.0)), _line((0.38, 0.5), (0.8, 0.5))],
        [_line((0.15, 0.15), (0.2, 0.0), (0.85, 0.0), (0.5, 1.0))],
    ]
    t[8] = [
        [_arc(0.5, 0.26, 0.24, 0.24, 90, 450), _arc(0.5, 0.73, 0.3, 0.26, -90, 270)],
        [_cat(_arc(0.5, 0.26, 0.24, 0.24, 90, 360), _line((0.74, 0.26), (0.2, 0.73)),
              _arc(0.5, 0.73, 0.3, 0.26, 180, 360)[1:], _line((0.8, 0.73), (0.26, 0.26)))],
    ]
    t[9] = [
        [_cat(_arc(0.5, 0.3, 0.27, 0.28, 0, 360), _line((0.77, 0.3), (0.72, 1.0)))],
        [_cat(_arc(0.5, 0.3, 0.27, 0.28, 0, 360), _line((0.77, 0.3), (0.5, 1.0)))],
    ]
    return t


def _resample(strokes, n_points):
    """Spread ``n_points`` evenly (by arc length) over all strokes of a template."""
    lengths = [float(np.sum(np.linalg.norm(np.diff(s, axis=0), axis=1))) for s in strokes]
    total = sum(lengths)
    counts = [max(2, int(round(n_points * L / total))) for L in lengths]
    counts[-1] += n_points - sum(counts)
    out = []
    for s, c in zip(strokes, counts):
        seg = np.linalg.norm(np.diff(s, axis=0), axis=1)
        cum = np.concatenate([[0.0], np.cumsum(seg)])
        u = np.linspace(0.0, cum[-1], c)
        out.append(np.stack([np.interp(u, cum, s[:, 0]), np.interp(u, cum, s[:, 1])], axis=1))
    return np.concatenate(out)


_N_PEN = 96  # pen positions per digit
_TEMPLATE_CACHE: dict = {}


def _template_table():
    if "table" not in _TEMPLATE_CACHE:
        raw = _digit_templates()
        points, labels = [], []
        for digit in range(10):
            for strokes in raw[digit]:
                points.append(_resample(strokes, _N_PEN))
                labels.append(digit)
        _TEMPLATE_CACHE["table"] = (np.stack(points).astype(np.float32), np.asarray(labels))
    return _TEMPLATE_CACHE["table"]


def _blur3(img):
    """Separable [1, 2, 1]/4 blur over the last two axes (zero padding)."""
    p = np.pad(img, ((0, 0), (1, 1), (0, 0)))
    img = 0.25 * p[:, :-2] + 0.5 * p[:, 1:-1] + 0.25 * p[:, 2:]
    p = np.pad(img, ((0, 0), (0, 0), (1, 1)))
    return 0.25 * p[:, :, :-2] + 0.5 * p[:, :, 1:-1] + 0.25 * p[:, :, 2:]


def _dilate3(img):
    """3x3 grey-level dilation (maximum filter) over the last two axes."""
    p = np.pad(img, ((0, 0), (1, 1), (0, 0)))
    img = np.maximum(np.maximum(p[:, :-2], p[:, 1:-1]), p[:, 2:])
    p = np.pad(img, ((0, 0), (0, 0), (1, 1)))
    return np.maximum(np.maximum(p[:, :, :-2], p[:, :, 1:-1]), p[:, :, 2:])


def _digit_block(n, rng):
    table, template_labels = _template_table()
    labels = rng.integers(0, 10, n)
    # pick one of the templates of each sample's class
    idx = np.empty(n, dtype=np.int64)
    for d in range(10):
        choices = np.flatnonzero(template_labels == d)
        sel = labels == d
        idx[sel] = rng.choice(choices, size=int(sel.sum()))
    pts = table[idx].astype(np.float64) - 0.5  # (n, P, 2), centred

    f32 = lambda a: np.asarray(a, dtype=np.float64)[:, None]
    # smooth random warp of the pen path ("elastic" jitter): two low-frequency waves per axis
    for axis in (0, 1):
        for _ in range(2):
            amp = f32(rng.normal(0.0, 0.04, n))
            fx, fy = f32(rng.uniform(1.0, 4.0, n)), f32(rng.uniform(1.0, 4.0, n))
            ph = f32(rng.uniform(0, 2 * np.pi, n))
            pts[:, :, axis] += amp * np.sin(fx * pts[:, :, 0] * np.pi + fy * pts[:, :, 1] * np.pi + ph)
    # affine: aspect, scale, slant (shear), rotation
    height = f32(rng.uniform(15.0, 21.0, n))
    width = height * f32(rng.uniform(0.7, 1.1, n))
    x = pts[:, :, 0] * width
    y = pts[:, :, 1] * height
    slant = f32(rng.normal(0.0, 0.22, n))
    x = x - slant * y
    ang = f32(rng.normal(0.0, 0.13, n))
    c, s = np.cos(ang), np.sin(ang)
    x, y = c * x - s * y, s * x + c * y
    x = x + 13.5 + f32(rng.normal(0.0, 1.2, n))
    y = y + 13.5 + f32(rng.normal(0.0, 1.2, n))
    # small per-point tremor
    x = x + rng.normal(0.0, 0.15, x.shape)
    y = y + rng.normal(0.0, 0.15, y.shape)

    # bilinear splat of the pen positions onto a 28x28 grid
    x = np.clip(x, 0.0, 26.999)
    y = np.clip(y, 0.0, 26.999)
    x0 = np.floor(x).astype(np.int64)
    y0 = np.floor(y).astype(np.int64)
    fx_, fy_ = x - x0, y - y0
    base = (np.arange(n, dtype=np.int64) * 784)[:, None]
    canvas = np.zeros(n * 784, dtype=np.float64)
    for dy, wy in ((0, 1 - fy_), (1, fy_)):
        for dx, wx in ((0, 1 - fx_), (1, fx_)):
            flat = base + (y0 + dy) * 28 + (x0 + dx)
            canvas += np.bincount(flat.ravel(), weights=(wx * wy).ravel(), minlength=n * 784)
    img = canvas.reshape(n, 28, 28).astype(np.float32)

    # pen thickness: blur once or twice, dilate heavy pens, then saturate the ink
    img = _blur3(img)
    thick = rng.random(n) < 0.5
    img[thick] = _blur3(img[thick])
    heavy = rng.random(n) < 0.2
    img[heavy] = _dilate3(img[heavy])
    gain = rng.uniform(1.8, 6.0, n).astype(np.float32)[:, None, None]
    img = 1.0 - np.exp(-gain * img)
    img = np.clip((img - 0.12) * (1 / 0.88), 0.0, None)  # clean black background, like MNIST
    ink = rng.uniform(0.75, 1.0, n).astype(np.float32)[:, None, None]
    img = img * ink
    # noise on the ink and a few faint specks
    noise = np.frombuffer(rng.bytes(img.size), np.uint8).reshape(img.shape).astype(np.float32)
    noise -= np.float32(127.5)
    noise *= np.float32(0.07 / 127.5)  # uniform +-0.07 (sd 0.04) on the ink only
    img += noise * (img > 0.05)
    flat = img.reshape(-1)  # a view: about 1.5 faint specks per image
    spots = rng.integers(0, flat.size, int(round(0.002 * flat.size)))
    flat[spots] += rng.uniform(0.1, 0.5, spots.size).astype(np.float32)
    img = np.clip(img * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return img, labels.astype(np.uint8)


def make_digits(n: int, seed: int = 0):
    """Draw ``n`` handwritten-looking digits.

    Args:
        n: number of images (>= 0).
        seed: any integer; the same ``(n, seed)`` gives the same arrays.

    Returns:
        ``(x, y)``: ``x`` uint8 ``(n, 28, 28)`` (0 = background, 255 = ink),
        ``y`` uint8 ``(n,)`` with digits 0..9.

    Example:
        >>> x, y = make_digits(4, seed=1); x.shape, y.dtype
        ((4, 28, 28), dtype('uint8'))
    """
    return _generate(_digit_block, n, seed, 0xD161, (28, 28), ())


# --------------------------------------------------------------------------
# Colour images
# --------------------------------------------------------------------------

def _random_colours(rng, n):
    """Random RGB colours in [0, 1] from random hue, saturation and value; float32 (n, 3)."""
    hue = rng.random(n, dtype=np.float32)
    sat = rng.uniform(0.35, 1.0, n).astype(np.float32)
    val = rng.uniform(0.3, 1.0, n).astype(np.float32)
    k = (np.array([5.0, 3.0, 1.0], np.float32)[None, :] + hue[:, None] * 6.0) % 6.0
    return val[:, None] - val[:, None] * sat[:, None] * np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0)


def _composite(base, alphas, colours):
    """Paint layers over a base colour: the result of blending them bottom to top.

    Instead of blending full RGB images layer by layer, each layer's final
    weight is worked out on one grey plane (its opacity times what the layers
    above leave visible), and one batched matrix product mixes the colours.

    Args:
        base: (n, 3) colour under everything.
        alphas: list of (n, 32, 32) opacities, bottom layer first.
        colours: list of (n, 3) colours, one per layer.

    Returns:
        float32 (n, 3, 1024): channels first, pixels flattened.
    """
    n = base.shape[0]
    weights = np.empty((n, len(alphas) + 1, 1024), np.float32)
    visible = np.ones((n, 1024), np.float32)
    for i in range(len(alphas), 0, -1):  # top layer first
        a = alphas[i - 1].reshape(n, 1024)
        np.multiply(a, visible, out=weights[:, i])
        visible -= weights[:, i]  # visible *= (1 - a)
    weights[:, 0] = visible
    stacked = np.stack([base] + list(colours), axis=2).astype(np.float32)  # (n, 3, layers)
    return np.matmul(stacked, weights)


def _image_block(n, rng):
    f32 = np.float32
    labels = rng.integers(0, 10, n)
    g = np.arange(32, dtype=f32) + f32(0.5)
    Y, X = np.meshgrid(g, g, indexing="ij")  # (32, 32)

    def col(lo, hi):  # one random number per sample, broadcastable over the image
        return rng.uniform(lo, hi, n).astype(f32)[:, None, None]

    # Layers from bottom to top, each an opacity plane (n, 32, 32) and one colour
    # per image; composited at the end (see _composite).
    alphas, colours = [], []
    # background: a random two-colour gradient ...
    bg0, bg1 = _random_colours(rng, n), _random_colours(rng, n)
    gdir = col(0, 2 * np.pi)
    alphas.append(np.clip((np.cos(gdir) * (X - 16) + np.sin(gdir) * (Y - 16)) / f32(45.0) + f32(0.5), 0, 1))
    colours.append(bg1)
    # ... with clutter: soft blobs of random colours
    for _ in range(2):
        bx, by, r = col(0, 32), col(0, 32), col(2, 6)
        alphas.append(np.exp(-((X - bx) ** 2 + (Y - by) ** 2) / (2 * r * r)) * col(0.2, 0.7))
        colours.append(_random_colours(rng, n))
    # ... and a thin stroke of random colour across part of the picture (two images in three)
    ax_, ay_, bx_, by_ = col(0, 32), col(0, 32), col(0, 32), col(0, 32)
    sx, sy = bx_ - ax_, by_ - ay_
    t = np.clip(((X - ax_) * sx + (Y - ay_) * sy) / (sx * sx + sy * sy + f32(1e-3)), 0, 1)
    ex, ey = X - ax_ - t * sx, Y - ay_ - t * sy
    d = np.sqrt(ex * ex + ey * ey)
    present = (rng.random(n) < 2 / 3).astype(f32)[:, None, None]
    alphas.append(np.clip(col(0.6, 1.6) - d, 0, 1) * present)
    colours.append(_random_colours(rng, n))

    # foreground geometry: centre, size, angle (shapes turn freely; textures
    # keep roughly their orientation, +-15 degrees, so the stripe classes differ)
    cx, cy, size = col(11, 21), col(11, 21), col(6.0, 11.0)
    theta = col(-np.pi, np.pi)
    small = rng.normal(0.0, 0.15, n).astype(f32)[:, None, None]
    period = col(4.0, 7.0)  # texture period in pixels
    dx, dy = X - cx, Y - cy

    dist = np.empty((n, 32, 32), dtype=f32)
    for k in range(10):
        sel = np.flatnonzero(labels == k)
        if sel.size == 0:
            continue
        s_, dx_, dy_ = size[sel], dx[sel], dy[sel]
        if k <= 4:
            c, s = np.cos(theta[sel]), np.sin(theta[sel])
            u_, v_ = c * dx_ + s * dy_, c * dy_ - s * dx_
        else:
            c, s = np.cos(small[sel]), np.sin(small[sel])
            u_, v_ = c * dx_ + s * dy_, c * dy_ - s * dx_
            p_ = period[sel]
            box = np.maximum(np.abs(u_), np.abs(v_)) - s_ * f32(1.15)  # the textured patch
        if k == 0:  # disc
            d = np.sqrt(dx_ * dx_ + dy_ * dy_) - s_
        elif k == 1:  # square
            d = np.maximum(np.abs(u_), np.abs(v_)) - s_ * f32(0.85)
        elif k == 2:  # triangle: intersection of three half-planes
            d = np.full_like(u_, -np.inf)
            for a in (np.pi / 2, np.pi / 2 + 2 * np.pi / 3, np.pi / 2 + 4 * np.pi / 3):
                d = np.maximum(d, f32(np.cos(a)) * u_ + f32(np.sin(a)) * v_)
            d -= s_ * f32(0.55)
        elif k == 3:  # ring
            d = np.abs(np.sqrt(dx_ * dx_ + dy_ * dy_) - s_ * f32(0.8)) - np.maximum(f32(1.2), s_ * f32(0.18))
        elif k == 4:  # plus sign
            w = np.maximum(f32(1.3), s_ * f32(0.28))
            au, av = np.abs(u_), np.abs(v_)
            d = np.minimum(np.maximum(au - s_, av - w), np.maximum(au - w, av - s_))
        elif k == 5:  # horizontal stripes
            d = np.maximum(box, -np.sin(f32(2 * np.pi) * v_ / p_) * p_ / 6)
        elif k == 6:  # vertical stripes
            d = np.maximum(box, -np.sin(f32(2 * np.pi) * u_ / p_) * p_ / 6)
        elif k == 7:  # checkerboard
            d = np.maximum(box, -np.sin(f32(2 * np.pi) * u_ / p_) * np.sin(f32(2 * np.pi) * v_ / p_) * p_ / 4)
        elif k == 8:  # diagonal stripes
            d = np.maximum(box, -np.sin(f32(2 * np.pi / 1.41) * (u_ + v_) / p_) * p_ / 6)
        else:  # polka dots on a square lattice
            fu = u_ / p_ - np.round(u_ / p_)
            fv = v_ / p_ - np.round(v_ / p_)
            d = np.maximum(box, (np.sqrt(fu * fu + fv * fv) - f32(0.28)) * p_)
        dist[sel] = d
    alphas.append(np.clip(f32(0.5) - dist, 0.0, 1.0))  # anti-aliased edge
    # foreground colour; flipped when its brightness is too close to the background's
    fg = _random_colours(rng, n)
    low = np.abs(fg.mean(axis=1) - (bg0.mean(axis=1) + bg1.mean(axis=1)) / 2) < 0.25
    fg[low] = 1.0 - fg[low]
    colours.append(fg)
    img = _composite(bg0, alphas, colours)  # (n, 3, 1024), 0..1
    # uniform sensor noise of -8..+7 grey levels, from random bytes (cheaper than floats)
    noise = np.frombuffer(rng.bytes(img.size), np.uint8).reshape(img.shape) >> 4
    img *= f32(255.0)
    img += noise
    img -= f32(7.5)  # centres the noise; the remaining +0.5 rounds to nearest
    np.clip(img, 0, 255, out=img)
    img = img.astype(np.uint8).transpose(0, 2, 1).reshape(n, 32, 32, 3)
    return np.ascontiguousarray(img), labels.astype(np.uint8)[:, None]


def make_images(n: int, seed: int = 0):
    """Draw ``n`` small colour images of the ten classes in :data:`IMAGE_CLASS_NAMES`.

    Args:
        n: number of images (>= 0).
        seed: any integer; the same ``(n, seed)`` gives the same arrays.

    Returns:
        ``(x, y)``: ``x`` uint8 ``(n, 32, 32, 3)``, ``y`` uint8 ``(n, 1)``
        (shaped like CIFAR-10's labels).

    Example:
        >>> x, y = make_images(4, seed=1); x.shape, y.shape
        ((4, 32, 32, 3), (4, 1))
    """
    return _generate(_image_block, n, seed, 0xC1FA, (32, 32, 3), (1,))


def _generate(block_fn, n, seed, tag, x_shape, y_shape):
    """Run ``block_fn`` over blocks of ``_CHUNK`` samples, on up to two threads.

    Every block has its own generator seeded by ``(seed, tag, block index)``,
    so the result does not depend on the number of threads.  NumPy releases
    the GIL inside its array loops, so two threads use two cores.
    """
    n = _check_n(n)
    seed = _check_seed(seed)
    x = np.empty((n,) + x_shape, np.uint8)
    y = np.empty((n,) + y_shape, np.uint8)
    starts = list(range(0, n, _CHUNK))

    def run(i):
        start = starts[i]
        stop = min(n, start + _CHUNK)
        xb, yb = block_fn(stop - start, np.random.default_rng([seed, tag, i]))
        x[start:stop] = xb
        y[start:stop] = yb

    workers = max(1, min(2, os.cpu_count() or 1, len(starts)))
    if workers == 1:
        for i in range(len(starts)):
            run(i)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, range(len(starts))))
    return x, y


def _check_seed(seed):
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def _check_n(n):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    return int(n)


def make_mnist_like(seed: int = 0):
    """The full MNIST-shaped substitute: 60000 training and 10000 test digits.

    Returns ``((x_train, y_train), (x_test, y_test))`` like ``keras.datasets.mnist.load_data()``.
    """
    return make_digits(60000, seed), make_digits(10000, seed + 1)


def make_cifar10_like(seed: int = 0):
    """The full CIFAR-10-shaped substitute: 50000 training and 10000 test images.

    Returns ``((x_train, y_train), (x_test, y_test))`` like ``keras.datasets.cifar10.load_data()``.
    """
    return make_images(50000, seed), make_images(10000, seed + 1)
