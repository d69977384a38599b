"""Numerical gradient checking: does backprop agree with finite differences?

For each checked parameter entry theta, the central difference
    (J(theta + h) - J(theta - h)) / (2h)
approximates dJ/dtheta with error O(h^2). Agreement is measured by the relative error of the two gradient vectors
    ||a - n|| / max(||a|| + ||n||, tiny)
which is ~1e-8 in float64 when backprop is right, and ~1 when it is wrong. (For one entry
the norms are absolute values.)
Use a float64 model: float32 rounding alone gives relative errors near 1e-3.
Leaves out: checking every weight of a big layer (a sample of entries is enough to catch
a wrong formula) and second derivatives.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core.model import MLP


def rel_error(a: np.ndarray | float, b: np.ndarray | float) -> float:
    """||a - b|| / (||a|| + ||b||), 0 when both are 0."""
    a, b = np.ravel(a).astype(np.float64), np.ravel(b).astype(np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


@dataclass(frozen=True)
class WeightCheck:
    key: str
    index: tuple[int, ...]
    analytic: float
    numeric: float
    rel_error: float


def check_weight(model: MLP, X: np.ndarray, y: np.ndarray, key: str, index: tuple[int, ...],
                 h: float = 1e-5) -> WeightCheck:
    """Analytic vs central-difference dJ/dtheta for one parameter entry, e.g. ("W1", (400, 3))."""
    if key not in model.params:
        raise ValueError(f"unknown parameter {key!r}; have {sorted(model.params)}")
    index = tuple(int(i) for i in np.atleast_1d(index))
    P = model.params[key]
    if len(index) != P.ndim or any(not 0 <= i < n for i, n in zip(index, P.shape)):
        raise ValueError(f"index {index} is outside {key} of shape {P.shape}")
    _, cache = model.forward(X)
    analytic = float(model.backward(cache, y)[f"d{key}"][index])
    numeric = _central_difference(model, X, y, P, index, h)
    return WeightCheck(key, index, analytic, numeric, rel_error(analytic, numeric))


def _central_difference(model: MLP, X, y, P: np.ndarray, index, h: float) -> float:
    old = P[index]
    try:
        P[index] = old + h
        plus = model.loss(X, y)
        P[index] = old - h
        minus = model.loss(X, y)
    finally:
        P[index] = old
    return (plus - minus) / (2 * h)


def check_gradients(model: MLP, X: np.ndarray, y: np.ndarray, h: float = 1e-5,
                    n_per_param: int | None = 20, seed: int = 0) -> dict[str, float]:
    """Relative error of every parameter's gradient, on n_per_param random entries each
    (all entries when None). Returns {"W1": err, "b1": err, ...}."""
    rng = np.random.default_rng(seed)
    _, cache = model.forward(X)
    grads = model.backward(cache, y)
    errors = {}
    for key, P in model.params.items():
        flat = np.arange(P.size) if n_per_param is None or n_per_param >= P.size \
            else rng.choice(P.size, n_per_param, replace=False)
        idx = [np.unravel_index(i, P.shape) for i in flat]
        numeric = np.array([_central_difference(model, X, y, P, i, h) for i in idx])
        analytic = np.array([grads[f"d{key}"][i] for i in idx])
        errors[key] = rel_error(analytic, numeric)
    return errors
