"""Fixed perturbations of a batch of digits, for measuring how robust a network is.

Every image of the batch gets the SAME change of the same strength (unlike random
augmentation for training, where each image draws its own): the result depends only on
the strengths and, for noise, on a seed. X is (m, 784) with values in [0, 1], row by row
of a 28 x 28 field; pixel centres at integer (x, y), x to the right, y down, the middle
at c = (13.5, 13.5).

    thicken(X, t)        strokes thicker (t > 0) or thinner (t < 0): |t| steps of a 3x3 grey
                         dilation (max) or erosion (min); a fractional step blends
                         X + f (max3x3(X) - X)
    rotate(X, degrees)   about c, anticlockwise on screen for degrees > 0
    shift(X, dx, dy)     dx pixels right, dy pixels down (fractions allowed)
    noise(X, std, seed)  X + std * N(0, 1), clipped to [0, 1]; the same seed gives the same
                         noise pattern at every std, so a curve over std is smooth
    perturb(X, p)        a Perturbation's four steps in that order: thickness, rotation,
                         shift, noise

Rotation and shift resample bilinearly: output pixel p reads the input at
p_in = R(θ)ᵀ (p - c - t) + c (the inverse of rotating by θ about c, then moving by t), from
its four neighbours; anything outside the field reads 0.
Leaves out: random draws per image (nn_core/augment/distort.py does those for training), zoom,
elastic distortion and blur.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SIDE = 28
CENTRE = (SIDE - 1) / 2
_Y, _X = np.divmod(np.arange(SIDE * SIDE), SIDE)  # (784,) row and column of each pixel


@dataclass(frozen=True)
class Perturbation:
    """Strengths; zero everywhere leaves the images unchanged."""
    thickness: float = 0.0  # 3x3 dilation steps (> 0) or erosion steps (< 0)
    rotation: float = 0.0   # degrees, anticlockwise on screen
    dx: float = 0.0         # pixels to the right
    dy: float = 0.0         # pixels down
    noise: float = 0.0      # standard deviation of added Gaussian noise (pixel values are 0..1)
    seed: int = 0           # the noise pattern

    @property
    def is_identity(self) -> bool:
        return not (self.thickness or self.rotation or self.dx or self.dy or self.noise)


def _check(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, np.float32)
    if X.ndim != 2 or X.shape[1] != SIDE * SIDE:
        raise ValueError(f"X must have shape (m, {SIDE * SIDE}), got {X.shape}")
    return X


def _filter3(X: np.ndarray, reduce) -> np.ndarray:
    """max or min over each pixel's 3x3 neighbourhood (outside the field counts as 0)."""
    m = len(X)
    P = np.zeros((m, SIDE + 2, SIDE + 2), np.float32)
    P[:, 1:-1, 1:-1] = X.reshape(m, SIDE, SIDE)
    out = P[:, :SIDE, :SIDE].copy()
    for dy in range(3):
        for dx in range(3):
            reduce(out, P[:, dy:dy + SIDE, dx:dx + SIDE], out=out)
    return out.reshape(m, SIDE * SIDE)


def thicken(X: np.ndarray, t: float) -> np.ndarray:
    X = _check(X).copy()
    reduce = np.maximum if t > 0 else np.minimum
    whole, frac = divmod(abs(float(t)), 1.0)
    for _ in range(int(whole)):
        X = _filter3(X, reduce)
    if frac > 1e-9:
        X += np.float32(frac) * (_filter3(X, reduce) - X)
    return X


def _resample(X: np.ndarray, degrees: float, tx: float, ty: float) -> np.ndarray:
    """Bilinear: output pixel p reads the input at R(θ)ᵀ (p - c - t) + c (zero outside)."""
    X = _check(X)
    m = len(X)
    th = math.radians(degrees)
    cos, sin = math.cos(th), math.sin(th)
    u, v = _X - CENTRE - tx, _Y - CENTRE - ty  # (784,) each
    # R rotates anticlockwise on screen (y points down): [[cos, sin], [-sin, cos]]; Rᵀ undoes it
    xs, ys = cos * u - sin * v + CENTRE, sin * u + cos * v + CENTRE
    x0, y0 = np.floor(xs).astype(np.int64), np.floor(ys).astype(np.int64)
    fx, fy = (xs - x0).astype(np.float32), (ys - y0).astype(np.float32)
    P = np.zeros((m, (SIDE + 2) * (SIDE + 2)), np.float32)  # one zero border all round
    P.reshape(m, SIDE + 2, SIDE + 2)[:, 1:-1, 1:-1] = X.reshape(m, SIDE, SIDE)
    out = np.zeros((m, SIDE * SIDE), np.float32)
    for oy, wy in ((0, 1 - fy), (1, fy)):
        for ox, wx in ((0, 1 - fx), (1, fx)):
            cx, cy = x0 + ox, y0 + oy
            inside = (cx >= 0) & (cx < SIDE) & (cy >= 0) & (cy < SIDE)
            idx = np.where(inside, (cy + 1) * (SIDE + 2) + cx + 1, 0)  # outside: the border's corner, a 0
            out += P[:, idx] * (wx * wy * inside)  # (m, 784) gathered, times (784,) weights
    return out


def rotate(X: np.ndarray, degrees: float) -> np.ndarray:
    return _resample(X, degrees, 0.0, 0.0)


def shift(X: np.ndarray, dx: float, dy: float) -> np.ndarray:
    return _resample(X, 0.0, dx, dy)


def noise(X: np.ndarray, std: float, seed: int = 0) -> np.ndarray:
    X = _check(X)
    N = np.random.default_rng(seed).standard_normal(X.shape, dtype=np.float32)
    return np.clip(X + np.float32(std) * N, 0.0, 1.0)


def perturb(X: np.ndarray, p: Perturbation) -> np.ndarray:
    """X (m, 784) -> (m, 784): thickness, then rotation and shift (one resampling), then noise."""
    X = _check(X)
    if p.thickness:
        X = thicken(X, p.thickness)
    if p.rotation or p.dx or p.dy:
        X = _resample(X, p.rotation, p.dx, p.dy)
    if p.noise:
        X = noise(X, p.noise, p.seed)
    return X
