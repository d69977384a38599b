"""Image operations for a whole batch of 28x28 digits at once: resampling through per-image
affine maps plus a displacement field (bilinear), smooth random displacement fields, and
grey-level dilation and erosion. `augment.py` draws the random parameters; the math of
each operation is in its docstring.

Coordinates: pixel centres sit at integer (x, y), x to the right, y down; c = (13.5, 13.5)
is the middle of the field. Batches are (m, 28, 28) float32 in [0, 1].
Speed: the work arrays of a batch are kept between calls (per thread, `_scratch`) because
a fresh array of a few hundred KB costs a page fault per 4 KB on first touch, which here
cost more than the arithmetic: the resampling of 128 images took 3.5 ms with fresh arrays
and 1.1 ms with kept ones. Large batches go through in blocks of BLOCK images.
Leaves out: other interpolations (nearest, bicubic), antialiasing when shrinking a lot (a
zoom of 0.5 would alias; augmentation zooms by 10-20 %), and edge modes other than zero.
"""
from __future__ import annotations

import threading

import numpy as np

SIDE = 28                 # MNIST field
CENTRE = (SIDE - 1) / 2   # 13.5: rotation and zoom happen about the middle of the field
PADDED = SIDE + 3         # one zero row/column before the field, two after: every clipped coordinate has its 4 neighbours
BLOCK = 256               # images processed at once: bounds the kept work arrays to ~10 MB
_GRID = np.stack([np.tile(np.arange(SIDE), SIDE), np.repeat(np.arange(SIDE), SIDE),
                  np.ones(SIDE * SIDE)]).astype(np.float32)  # (3, 784): x, y, 1 of each output pixel, row by row
_local = threading.local()


def _scratch(name: str, shape: tuple[int, ...], dtype, zero: bool = False) -> np.ndarray:
    """A work array kept between calls in this thread (its contents are whatever was left)."""
    bufs = _local.__dict__.setdefault("bufs", {})
    a = bufs.get(name)
    if a is None or a.shape != shape or a.dtype != dtype:
        a = bufs[name] = (np.zeros if zero else np.empty)(shape, dtype)
    return a


def affine_matrices(theta_deg, zoom, tx, ty) -> np.ndarray:
    """Per-image 2x3 matrices M (m, 2, 3), p_in = M [x_out, y_out, 1], for the forward map
        p_out = s R (p_in - c) + c + t,   R = [[cos θ, sin θ], [-sin θ, cos θ]]
    (rotate by θ degrees anticlockwise on screen, zoom by s about c, then move by t):
        M = [ R^T / s  |  c - R^T (c + t) / s ].
    Arguments are scalars or (m,) arrays."""
    theta, s, tx, ty = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (theta_deg, zoom, tx, ty)))
    theta = np.radians(theta)
    cos, sin = np.cos(theta) / s, np.sin(theta) / s  # R^T / s = [[cos, -sin], [sin, cos]] / s
    ox, oy = CENTRE + tx, CENTRE + ty
    M = np.stack([np.stack([cos, -sin, CENTRE - (cos * ox - sin * oy)], -1),
                  np.stack([sin, cos, CENTRE - (sin * ox + cos * oy)], -1)], -2)
    return M.reshape(-1, 2, 3)


def warp(X: np.ndarray, M: np.ndarray, displacement: np.ndarray | None = None) -> np.ndarray:
    """Bilinear resampling of each image at p_in = M_i [p_out; 1] + d_i(p_out).

    The value at p_in = (x0 + fx, y0 + fy) comes from its four neighbouring pixels,
        v = (1-fy) [(1-fx) v00 + fx v01] + fy [(1-fx) v10 + fx v11],
    read by index arithmetic on the flattened, zero-padded batch: anything outside the field
    reads 0. X (m, 28, 28) float in [0, 1]; M (m, 2, 3); displacement (2, m, 28, 28) pixels
    (dx, dy) or None. Returns a new float32 (m, 28, 28) array.
    """
    m = X.shape[0]
    out = np.empty((m, SIDE * SIDE), np.float32)
    for i in range(0, m, BLOCK):  # within a block all images at once
        j = min(i + BLOCK, m)
        P = _padded(j - i)
        P[:, 1:SIDE + 1, 1:SIDE + 1] = X[i:j]
        _warp_into(out[i:j], P, M[i:j], None if displacement is None else displacement[:, i:j])
    return out.reshape(m, SIDE, SIDE)


def _padded(m: int) -> np.ndarray:
    """The kept (m, 31, 31) input array; its border is zero and stays zero (only the inside is written)."""
    return _scratch("P", (m, PADDED, PADDED), np.float32, zero=True)


def _warp_into(out: np.ndarray, P: np.ndarray, M: np.ndarray, displacement) -> None:
    """out (m, 784) <- P (m, 31, 31, the images inside a zero border) sampled through M (+ displacement)."""
    m, n = P.shape[0], SIDE * SIDE
    Mt = _scratch("M", (2, m, 3), np.float32)
    Mt[...] = M.transpose(1, 0, 2)                      # all the x rows of M, then all the y rows
    Q = _scratch("Q", (2 * m, n), np.float32)
    np.matmul(Mt.reshape(2 * m, 3), _GRID, out=Q)       # (2m, 3) @ (3, 784) -> (2m, 784): qx rows, then qy rows
    if displacement is not None:
        Q.reshape(2, m, SIDE, SIDE)[...] += displacement
    np.clip(Q, -1, SIDE, out=Q)                         # further out reads the zero border all the same
    Q += 1                                              # padded coordinates, in [0, 29]
    F = _scratch("F", (2 * m, n), np.float32)
    np.floor(Q, out=F)
    Q -= F                                              # fractions: fx in the first m rows, fy in the last m
    # Flat index of the top-left neighbour: image * 31^2 + y0 * 31 + x0 (exact in float32: < 2^24).
    F[m:] *= PADDED
    F[m:] += F[:m]
    F[m:] += (np.arange(m, dtype=np.float32) * (PADDED * PADDED))[:, None]
    idx = _scratch("idx", (m, n), np.intp)
    idx[...] = F[m:]
    flat = P.reshape(-1)
    V = _scratch("V", (4, m, n), np.float32)
    v00, v01, v10, v11 = V
    np.take(flat, idx, out=v00, mode="clip")           # mode="clip" writes straight into out (indices are in range)
    idx += 1
    np.take(flat, idx, out=v01, mode="clip")
    idx += PADDED
    np.take(flat, idx, out=v11, mode="clip")
    idx -= 1
    np.take(flat, idx, out=v10, mode="clip")
    fx, fy = Q[:m], Q[m:]
    v01 -= v00
    v01 *= fx
    v01 += v00                                         # top row: v00 + fx (v01 - v00)
    v11 -= v10
    v11 *= fx
    v11 += v10                                         # bottom row: v10 + fx (v11 - v10)
    np.subtract(v11, v01, out=out)
    out *= fy
    out += v01                                         # top + fy (bottom - top)
    np.clip(out, 0, 1, out=out)                        # rounding can leave -1e-8 or 1 + 1e-7


def gaussian_rows(sigma: float) -> np.ndarray:
    """G (28, k): G[i, j] ~ exp(-(i - x_j)^2 / 2 sigma^2) for k noise points x_j about sigma
    apart, each row of unit length, so that G N G^T of unit-variance white noise N (k, k) has
    variance exactly 1 at every pixel, near the border too. Noise finer than sigma is smoothed
    away anyway (a sum of Gaussians sigma apart ripples by ~1e-4): drawing it on the coarse
    grid gives the same kind of field from 1/12 of the random numbers (sigma = 4: 8 x 8 per
    axis and image instead of 28 x 28), and half the time of points sigma/2 apart."""
    k = max(2, int(np.ceil((SIDE - 1) / max(sigma, 1.0))) + 1)
    i, x = np.arange(SIDE)[:, None], np.linspace(0, SIDE - 1, k)[None, :]
    G = np.exp(-((i - x) ** 2) / (2 * sigma * sigma))
    return (G / np.linalg.norm(G, axis=1, keepdims=True)).astype(np.float32)


def elastic_field(m: int, rms: float, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Smooth random displacements (2, m, 28, 28) in pixels (dx, then dy), RMS `rms` per axis:
    d = rms * G N G^T for uniform noise N of unit variance (Simard, Steinkraus and Platt 2003)."""
    return _field(m, rms, sigma, rng, np.empty((SIDE, 2 * m * SIDE), np.float32))


def _field(m: int, rms: float, sigma: float, rng: np.random.Generator, out: np.ndarray) -> np.ndarray:
    """The same into out (28, 2m * 28). The noise is laid out (k_y, 2m, k_x) so that both
    smoothing products are single matrix products with no transposes: along x, then along y."""
    G = gaussian_rows(sigma)
    k = G.shape[1]
    N = rng.random((k * 2 * m, k), dtype=np.float32)   # (k_y * 2m, k_x), U(0, 1)
    N -= 0.5
    N *= np.float32(12 ** 0.5 * rms)                   # U(-a, a) with variance rms^2
    D = (N @ G.T).reshape(k, 2 * m * SIDE)             # (k_y * 2m, k_x) @ (k_x, 28) -> (k_y, 2m * 28): along x
    np.matmul(G, D, out=out)                           # (28, k_y) @ (k_y, 2m * 28) -> (28, 2m * 28): along y
    return out.reshape(SIDE, 2, m, SIDE).transpose(1, 2, 0, 3)  # (y, 2, m, x) -> (2, m, y, x), a view


def thicken(X: np.ndarray, amount) -> np.ndarray:
    """Image i moves amount[i] of the way to its 3x3 grey-level dilation (amount > 0: strokes
    about a pixel thicker on each side) or |amount[i]| of the way to its erosion (amount < 0):
        X' = X + |a| (max3x3(X) - X),   or   X + |a| (min3x3(X) - X).
    X (m, 28, 28) float in [0, 1], amount scalar or (m,) in [-1, 1]. A new float32 array."""
    out = np.empty(X.shape, np.float32)
    _thicken_into(out, X, np.broadcast_to(np.asarray(amount, np.float32), X.shape[:1]))
    return out


def _thicken_into(out: np.ndarray, X: np.ndarray, amount: np.ndarray) -> None:
    """One dilation serves both directions: min3x3(X) = 1 - max3x3(1 - X), so images to be
    thinned are flipped (Y = 1 - X), dilated and flipped back. The border is left out of
    each 3x3 neighbourhood."""
    m = X.shape[0]
    a = amount.astype(np.float32)[:, None, None]              # (m, 1, 1)
    s = np.where(a < 0, np.float32(-1), np.float32(1))        # +1 thicken, -1 thin
    flip = (1 - s) / 2                                        # 0 or 1
    Y = _scratch("Y", (m, SIDE, SIDE), np.float32)
    np.multiply(X, s, out=Y)
    Y += flip                                                 # X, or 1 - X
    H = _scratch("H", (m, SIDE, SIDE), np.float32)
    H[...] = Y
    np.maximum(H[:, :, 1:], Y[:, :, :-1], out=H[:, :, 1:])    # with the left neighbour
    np.maximum(H[:, :, :-1], Y[:, :, 1:], out=H[:, :, :-1])   # with the right one
    out[...] = H
    np.maximum(out[:, 1:], H[:, :-1], out=out[:, 1:])         # with the row above
    np.maximum(out[:, :-1], H[:, 1:], out=out[:, :-1])        # with the row below
    out *= s
    out += flip                                               # max3x3(X), or 1 - max3x3(1 - X)
    out -= X
    out *= np.abs(a)
    out += X                                                  # X + |a| (target - X)
