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

_CHUNK = 5000  # samples per vectorised block (bounds memory)


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
            amp = f32(rng.normal(0.0, 0.035, n))
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
    ang = f32(rng.normal(0.0, 0.12, n))
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

    # pen thickness: blur once or twice, dilate thick pens, then saturate the ink
    img = _blur3(img)
    thick = rng.random(n) < 0.5
    img[thick] = _blur3(img[thick])
    heavy = rng.random(n) < 0.3
    img[heavy] = _dilate3(img[heavy])
    gain = rng.uniform(2.5, 7.0, n).astype(np.float32)[:, None, None]
    img = 1.0 - np.exp(-gain * img)
    ink = rng.uniform(0.75, 1.0, n).astype(np.float32)[:, None, None]
    img = img * ink
    # noise on the ink and a few faint specks
    img += rng.normal(0.0, 0.04, img.shape).astype(np.float32) * (img > 0.05)
    specks = rng.random(img.shape, dtype=np.float32) < 0.004
    img += specks * rng.uniform(0.1, 0.5, img.shape).astype(np.float32)
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
    n = _check_n(n)
    rng = np.random.default_rng([int(seed), 0xD161])
    xs, ys = [], []
    for start in range(0, n, _CHUNK):
        x, y = _digit_block(min(_CHUNK, n - start), rng)
        xs.append(x)
        ys.append(y)
    if not xs:
        return np.zeros((0, 28, 28), np.uint8), np.zeros((0,), np.uint8)
    return np.concatenate(xs), np.concatenate(ys)


# --------------------------------------------------------------------------
# Colour images
# --------------------------------------------------------------------------

def _random_colours(rng, n):
    """Random saturated-ish RGB colours in [0, 1], shape (n, 3)."""
    hue = rng.random(n)
    sat = rng.uniform(0.35, 1.0, n)
    val = rng.uniform(0.3, 1.0, n)
    k = (np.array([5.0, 3.0, 1.0])[None, :] + hue[:, None] * 6.0) % 6.0
    rgb = val[:, None] - val[:, None] * sat[:, None] * np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0)
    return rgb


def _image_block(n, rng):
    labels = rng.integers(0, 10, n)
    g = np.arange(32, dtype=np.float32) + 0.5
    Y, X = np.meshgrid(g, g, indexing="ij")  # (32, 32)
    col = lambda a: np.asarray(a, dtype=np.float32)[:, None, None]

    # background: a random colour gradient plus blotchy clutter
    bg0, bg1 = _random_colours(rng, n), _random_colours(rng, n)
    gdir = rng.uniform(0, 2 * np.pi, n)
    tgrad = ((np.cos(gdir)[:, None, None] * (X - 16) + np.sin(gdir)[:, None, None] * (Y - 16)) / 45.0 + 0.5)
    tgrad = np.clip(tgrad, 0, 1).astype(np.float32)[..., None]
    img = (bg0[:, None, None, :] * (1 - tgrad) + bg1[:, None, None, :] * tgrad).astype(np.float32)
    for _ in range(3):  # clutter: soft blobs of random colour
        cx, cy = col(rng.uniform(0, 32, n)), col(rng.uniform(0, 32, n))
        r = col(rng.uniform(2, 6, n))
        a = np.exp(-((X - cx) ** 2 + (Y - cy) ** 2) / (2 * r * r)) * col(rng.uniform(0.2, 0.7, n))
        img = img * (1 - a[..., None]) + _random_colours(rng, n)[:, None, None, :] * a[..., None]

    # foreground geometry
    cx = col(rng.uniform(11, 21, n))
    cy = col(rng.uniform(11, 21, n))
    size = col(rng.uniform(6.0, 11.0, n))
    theta = rng.uniform(-np.pi, np.pi, n)
    u = np.cos(theta)[:, None, None] * (X - cx) + np.sin(theta)[:, None, None] * (Y - cy)
    v = -np.sin(theta)[:, None, None] * (X - cx) + np.cos(theta)[:, None, None] * (Y - cy)
    # textures keep roughly their orientation (+-15 degrees) so the three stripe classes differ
    small = rng.normal(0.0, 0.15, n)
    us = np.cos(small)[:, None, None] * (X - cx) + np.sin(small)[:, None, None] * (Y - cy)
    vs = -np.sin(small)[:, None, None] * (X - cx) + np.cos(small)[:, None, None] * (Y - cy)
    period = col(rng.uniform(4.0, 7.0, n))
    box = np.maximum(np.abs(us) - size * 1.15, np.abs(vs) - size * 1.15)  # texture patch

    dist = np.empty((n, 32, 32), dtype=np.float32)
    rad = np.sqrt((X - cx) ** 2 + (Y - cy) ** 2)
    for k in range(10):
        sel = labels == k
        if not sel.any():
            continue
        s_, u_, v_, us_, vs_, p_, rad_, box_ = (a[sel] for a in (size, u, v, us, vs, period, rad, box))
        if k == 0:  # disc
            d = rad_ - s_
        elif k == 1:  # square
            d = np.maximum(np.abs(u_), np.abs(v_)) - s_ * 0.85
        elif k == 2:  # triangle: three half-planes
            d = np.full_like(u_, -np.inf)
            for a in (np.pi / 2, np.pi / 2 + 2 * np.pi / 3, np.pi / 2 + 4 * np.pi / 3):
                d = np.maximum(d, np.cos(a) * u_ + np.sin(a) * v_)
            d = d - s_ * 0.55
        elif k == 3:  # ring
            d = np.abs(rad_ - s_ * 0.8) - np.maximum(1.2, s_ * 0.18)
        elif k == 4:  # plus sign
            w = np.maximum(1.3, s_ * 0.28)
            d = np.minimum(np.maximum(np.abs(u_) - s_, np.abs(v_) - w),
                           np.maximum(np.abs(u_) - w, np.abs(v_) - s_))
        elif k == 5:  # horizontal stripes
            d = np.maximum(box_, -np.sin(2 * np.pi * vs_ / p_) * p_ / 6)
        elif k == 6:  # vertical stripes
            d = np.maximum(box_, -np.sin(2 * np.pi * us_ / p_) * p_ / 6)
        elif k == 7:  # checkerboard
            d = np.maximum(box_, -np.sin(2 * np.pi * us_ / p_) * np.sin(2 * np.pi * vs_ / p_) * p_ / 4)
        elif k == 8:  # diagonal stripes
            d = np.maximum(box_, -np.sin(2 * np.pi * (us_ + vs_) / (p_ * 1.41)) * p_ / 6)
        else:  # polka dots on a lattice
            fu = us_ / p_ - np.round(us_ / p_)
            fv = vs_ / p_ - np.round(vs_ / p_)
            d = np.maximum(box_, (np.sqrt(fu * fu + fv * fv) - 0.28) * p_)
        dist[sel] = d
    alpha = np.clip(0.5 - dist, 0.0, 1.0)[..., None]
    # foreground colour: contrast with the local background guaranteed by a value flip
    fg = _random_colours(rng, n)
    bg_mean = img.mean(axis=(1, 2))
    low = np.abs(fg.mean(axis=1) - bg_mean.mean(axis=1)) < 0.25
    fg[low] = np.clip(1.0 - fg[low], 0.0, 1.0)
    img = img * (1 - alpha) + fg[:, None, None, :].astype(np.float32) * alpha
    img += rng.normal(0.0, 0.03, img.shape).astype(np.float32)
    img = np.clip(img * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return img, labels.astype(np.uint8)[:, None]


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
    n = _check_n(n)
    rng = np.random.default_rng([int(seed), 0xC1FA])
    xs, ys = [], []
    for start in range(0, n, _CHUNK):
        x, y = _image_block(min(_CHUNK, n - start), rng)
        xs.append(x)
        ys.append(y)
    if not xs:
        return np.zeros((0, 32, 32, 3), np.uint8), np.zeros((0, 1), np.uint8)
    return np.concatenate(xs), np.concatenate(ys)


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
