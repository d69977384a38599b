"""Numerical gradient checking: does backprop agree with finite differences?

For each checked parameter entry theta, the central difference
    (J(theta + h) - J(theta - h)) / (2h)
approximates dJ/dtheta with error O(h^2). Agreement is measured by the relative error of the two gradient vectors
    ||a - n|| / max(||a|| + ||n||, tiny)
which is ~1e-8 in float64 when backprop is right, and ~1 when it is wrong. (For one entry
the norms are absolute values.) `check_weight` keeps its two points J(theta +- h), and
`loss_along` gives J along one entry with every other held fixed: the curve those points
lie on, whose tangent at theta has the backprop gradient as its slope. With an L2 penalty
lam, J is the regularised loss J + (lam/2) sum_l ||W[l]||^2 (weights, not biases), whose
gradient adds lam * W to each weight's.
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
    analytic: float     # backprop's dJ/dtheta (+ lam * theta for a weight under L2)
    numeric: float      # (plus - minus) / 2h
    rel_error: float
    h: float = 0.0
    value: float = 0.0  # theta
    plus: float = 0.0   # J(theta + h), the others fixed
    minus: float = 0.0  # J(theta - h)


def regularised_loss(model: MLP, X: np.ndarray, y: np.ndarray, l2: float = 0.0) -> float:
    """J = mean cross-entropy + (l2/2) sum_l ||W[l]||^2 (the loss the optimizers' L2 descends)."""
    J = model.loss(X, y)
    if l2:
        J += l2 / 2 * sum(float(np.sum(np.asarray(P, np.float64) ** 2)) for k, P in model.params.items()
                          if k.startswith("W"))
    return J


def _entry(model: MLP, key: str, index) -> tuple[np.ndarray, tuple[int, ...]]:
    if key not in model.params:
        raise ValueError(f"unknown parameter {key!r}; have {sorted(model.params)}")
    index = tuple(int(i) for i in np.atleast_1d(index))
    P = model.params[key]
    if len(index) != P.ndim or any(not 0 <= i < n for i, n in zip(index, P.shape)):
        raise ValueError(f"index {index} is outside {key} of shape {P.shape}")
    return P, index


def check_weight(model: MLP, X: np.ndarray, y: np.ndarray, key: str, index: tuple[int, ...],
                 h: float = 1e-5, l2: float = 0.0) -> WeightCheck:
    """Analytic vs central-difference dJ/dtheta for one parameter entry, e.g. ("W1", (400, 3))."""
    P, index = _entry(model, key, index)
    _, cache = model.forward(X)
    analytic = float(model.backward(cache, y)[f"d{key}"][index])
    if l2 and key.startswith("W"):
        analytic += l2 * float(P[index])
    plus, minus = loss_along(model, X, y, key, index, [float(P[index]) + h, float(P[index]) - h], l2)
    numeric = float((plus - minus) / (2 * h))
    return WeightCheck(key, index, analytic, numeric, rel_error(analytic, numeric), h, float(P[index]),
                       float(plus), float(minus))


def loss_along(model: MLP, X: np.ndarray, y: np.ndarray, key: str, index, values, l2: float = 0.0) -> np.ndarray:
    """J with the entry `key`[index] set to each of `values` in turn and every other parameter
    held fixed (n,): the loss along one weight. The model is left as it was."""
    P, index = _entry(model, key, index)
    old = P[index]
    out = np.empty(len(values), np.float64)
    try:
        for n, v in enumerate(values):
            P[index] = v
            out[n] = regularised_loss(model, X, y, l2)
    finally:
        P[index] = old
    return out


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
