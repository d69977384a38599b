"""Data augmentation: new training digits from old ones, drawn afresh for every batch.

Every image gets its own random distortion, with the strengths of an `Augment`, and no
Python loop runs over the images (the operations are in `warp.py`). For image i:

    theta_i ~ U(-rotate, rotate) degrees,  s_i ~ U(1 - scale, 1 + scale),
    t_i ~ U(-shift, shift)^2 pixels,       a_i ~ U(-thickness, thickness)

1. Stroke thickness: X <- X + |a| (max3x3(X) - X) for a > 0 (strokes about a pixel thicker
   each side at a = 1), X + |a| (min3x3(X) - X) for a < 0 (thinner).
2. Geometry, in ONE bilinear resampling: output pixel p reads the input at
       p_in = R(theta)^T (p - c - t) / s + c + d(p),      c = (13.5, 13.5),
   the inverse of rotating by theta about the middle, zooming by s and moving by t, plus an
   elastic displacement d = elastic * G N G^T (Simard, Steinkraus and Platt 2003: white
   noise N smoothed by a Gaussian of width elastic_sigma, so neighbouring pixels move
   together; scaled so `elastic` is its RMS in pixels).
The five numbers per image are always drawn, in this order (then the elastic noise), so
switching one transform on or off leaves the others' draws unchanged; one seed, one batch.

Leaves out: shear and flips (a flipped 2 is no 2), pixel noise and blur, random erasing,
and re-centring by mass afterwards (shifted digits are what a careless drawing looks like
before the Draw page's preprocessing; the network sees those only when trained on them).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np

from nn_core.augment.warp import BLOCK, SIDE, _field, _padded, _scratch, _thicken_into, _warp_into, affine_matrices

LIMITS = {"shift": (0, 14), "rotate": (0, 180), "scale": (0, 0.9), "elastic": (0, 8),
          "elastic_sigma": (0.5, 14), "thickness": (0, 1)}


@dataclass(frozen=True)
class Augment:
    """Strengths of each random distortion; 0 switches it off (the default: no augmentation)."""

    shift: float = 0.0          # pixels: translation per axis ~ U(-shift, shift); drawings are rarely centred to the pixel
    rotate: float = 0.0         # degrees: rotation ~ U(-rotate, rotate); people slant their digits
    scale: float = 0.0          # zoom ~ U(1 - scale, 1 + scale); digits come in different sizes
    elastic: float = 0.0        # pixels: RMS of the smooth displacement field; wobbly strokes (Simard 2003)
    elastic_sigma: float = 4.0  # pixels: how far the elastic field stays coherent (Simard used 4)
    thickness: float = 0.0      # 0..1: fraction of a 1-pixel dilation or erosion ~ U(-t, t); brushes differ

    def __post_init__(self):
        problems = []
        for f in fields(self):
            v, (lo, hi) = getattr(self, f.name), LIMITS[f.name]
            if not (isinstance(v, (int, float)) and not isinstance(v, bool) and lo <= v <= hi):
                problems.append(f"{f.name} must be a number in [{lo}, {hi}], got {v!r}")
        if problems:
            raise ValueError("invalid augmentation: " + "; ".join(problems))

    @property
    def active(self) -> bool:
        """Whether anything changes the images (elastic_sigma alone does not)."""
        return any((self.shift, self.rotate, self.scale, self.elastic, self.thickness))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Augment":
        unknown = set(d) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown augmentation keys {sorted(unknown)}; known: {[f.name for f in fields(cls)]}")
        return cls(**d)

    def describe(self) -> str:
        """In words, e.g. 'shift ±2 px, rotate ±10°, zoom ±10 %', or 'none'."""
        parts = [f"shift ±{self.shift:g} px" * bool(self.shift), f"rotate ±{self.rotate:g}°" * bool(self.rotate),
                 f"zoom ±{self.scale * 100:g} %" * bool(self.scale),
                 f"elastic {self.elastic:g} px (σ {self.elastic_sigma:g} px)" * bool(self.elastic),
                 f"thickness ±{self.thickness:g}" * bool(self.thickness)]
        return ", ".join(p for p in parts if p) or "none"

    def __call__(self, images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A randomly distorted copy of a batch.

        images: uint8 (0..255) or float (0..1), (m, 28, 28) or (m, 784); never changed.
        Returns float32 (m, 784) in [0, 1]; with every strength 0, exactly images / 255.
        """
        X = _check(images)
        m = X.shape[0]
        u = rng.uniform(-1.0, 1.0, (5, m))  # theta, zoom, tx, ty, thickness: always drawn, in this order
        geometric = bool(self.rotate or self.scale or self.shift or self.elastic)
        M = affine_matrices(self.rotate * u[0], 1 + self.scale * u[1], self.shift * u[2], self.shift * u[3])
        out = np.empty((m, SIDE * SIDE), np.float32)
        for i in range(0, m, BLOCK):  # blocks bound the work arrays; within a block all images at once
            j = min(i + BLOCK, m)
            P = _padded(j - i)
            inside = P[:, 1:SIDE + 1, 1:SIDE + 1]    # (b, 28, 28) view inside the zero border
            inside[...] = X[i:j]
            if X.dtype == np.uint8:
                inside *= np.float32(1 / 255)
            if self.thickness:
                T = _scratch("T", inside.shape, np.float32)
                _thicken_into(T, inside, self.thickness * u[4, i:j])
                inside[...] = T
            if geometric:
                d = _field(j - i, self.elastic, self.elastic_sigma, rng,
                           _scratch("D", (SIDE, 2 * (j - i) * SIDE), np.float32)) if self.elastic else None
                _warp_into(out[i:j], P, M[i:j], d)
            else:
                out[i:j] = inside.reshape(j - i, -1)
        return out


def _check(images) -> np.ndarray:
    """The batch as (m, 28, 28), uint8 or float in [0, 1]; anything else is a ValueError."""
    a = np.asarray(images)
    if a.ndim not in (2, 3) or a.shape[1:] not in ((SIDE * SIDE,), (SIDE, SIDE)):
        raise ValueError(f"images must have shape (m, 28, 28) or (m, 784), got {a.shape}")
    if a.dtype != np.uint8:
        if not np.issubdtype(a.dtype, np.floating):
            raise ValueError(f"images must be uint8 (0..255) or float (0..1), got dtype {a.dtype}")
        if a.size and not (np.isfinite(a).all() and a.min() >= 0 and a.max() <= 1):
            raise ValueError("float images must be finite and in [0, 1]")
    return a.reshape(-1, SIDE, SIDE)
