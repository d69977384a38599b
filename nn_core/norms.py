"""Each layer's weight size, ||W||^2, recorded every step without reading W again.

The training record shows the RMS of every weight matrix after every step. Reading a
784 x 128 matrix for it costs as much as a tenth of a small mini-batch step, so for
plain gradient descent the trainer updates ||W||^2 from numbers the step already has.
For W' = W - lr g with g = dW + lam W (the L2 penalty):

    ||W'||^2 = ||W||^2 - 2 lr <W, g> + lr^2 ||g||^2
    <W, g>   = <W, dW> + lam ||W||^2
    ||g||^2  = ||dW||^2 + 2 lam <W, dW> + lam^2 ||W||^2

and <W, dW> comes from the layer's own forward and backward arrays, (m, n) instead of
(n_in, n): since dW = A^T dZ and A W = Z - b,

    <W, dW> = <W, A^T dZ> = <A W, dZ> = <Z, dZ> - <b, db>.

||dW||^2 is one dot product the gradient RMS needs anyway. Float rounding makes the
running value drift slowly, so the trainer recomputes it exactly now and then (`exact`).
Leaves out: momentum and Adam, whose step is not along g (the trainer reads W for them).
"""
from __future__ import annotations

import math

import numpy as np


def sq(a: np.ndarray) -> float:
    """||a||^2 as a BLAS dot of the flat view (no temporary array)."""
    v = a.ravel()
    return float(np.dot(v, v))


def z_dz(cache: dict[str, np.ndarray], grads: dict[str, np.ndarray], L: int) -> list[float]:
    """<Z[l], dZ[l]> for l = 1..L: (m, n[l]) dot products from one forward/backward pass."""
    return [float(np.dot(cache[f"Z{l}"].ravel(), grads[f"dZ{l}"].ravel())) for l in range(1, L + 1)]


class WeightNorms:
    """||W[l]||^2 of each layer, carried through plain gradient-descent steps."""

    def __init__(self, L: int, l2: float = 0.0):
        self.L, self.l2 = L, l2
        self.squares: list[float] | None = None

    def exact(self, params: dict[str, np.ndarray]) -> list[float]:
        """Read every W (after an update) and restart from the exact values."""
        self.squares = [sq(params[f"W{l}"]) for l in range(1, self.L + 1)]
        return self.squares

    def after_step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray], zdz: list[float],
                   grad_squares: list[float], lr: float) -> list[float]:
        """||W'||^2 after W' = W - lr (dW + l2 W); params are the biases BEFORE the update
        (called first, then the update), zdz the batch's sum of <Z, dZ> weighted like dW."""
        lam, new = self.l2, []
        for l, (s, zd, q) in enumerate(zip(self.squares, zdz, grad_squares), start=1):
            b, db = params[f"b{l}"], grads[f"db{l}"]
            a = zd - float(np.dot(b, db))                     # <W, dW>
            wg, gg = a + lam * s, q + 2 * lam * a + lam * lam * s
            new.append(max(s - 2 * lr * wg + lr * lr * gg, 0.0))
        self.squares = new
        return new


def rms(squares: list[float], sizes: list[int]) -> list[float]:
    return [math.sqrt(s / n) for s, n in zip(squares, sizes)]
