"""Cross-entropy for a softmax output, and label handling.

J = -(1/m) sum_i sum_j Y_ij log A_ij, with A = softmax(Z). It is computed from the logits
Z with log-softmax (log A = Z - max - log sum e^(Z - max)), so it stays finite even when a
probability underflows to 0 (logits of +-1e4). Its gradient with respect to the logits is
the famous dJ/dZ = (A - Y) / m.
Leaves out: the L2 penalty (the optimizer adds lambda W to each weight gradient, see
optimizers.py), label smoothing, and losses for other outputs (squared error, sigmoid).
"""
from __future__ import annotations

import numpy as np


def labels_to_onehot(y: np.ndarray, n_classes: int, m: int | None = None, dtype=np.float32) -> np.ndarray:
    """Int labels (m,) or one-hot (m, C) -> validated one-hot (m, C)."""
    y = np.asarray(y)
    if y.ndim == 1:
        if m is not None and len(y) != m:
            raise ValueError(f"got {len(y)} labels for {m} examples")
        if not np.issubdtype(y.dtype, np.integer):
            if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
                raise ValueError("integer class labels expected, got non-integer values")
            y = y.astype(np.int64)
        if len(y) and (y.min() < 0 or y.max() >= n_classes):
            raise ValueError(f"labels must be in 0..{n_classes - 1}, got values in {y.min()}..{y.max()}")
        Y = np.zeros((len(y), n_classes), dtype=dtype)
        Y[np.arange(len(y)), y] = 1
        return Y
    if y.ndim == 2:
        if y.shape[1] != n_classes or (m is not None and y.shape[0] != m):
            raise ValueError(f"one-hot labels must have shape ({m}, {n_classes}), got {y.shape}")
        if not np.all((y == 0) | (y == 1)) or not np.all(y.sum(axis=1) == 1):
            raise ValueError("one-hot labels must be 0/1 with exactly one 1 per row")
        return y.astype(dtype, copy=False)
    raise ValueError(f"labels must be int (m,) or one-hot (m, C), got shape {y.shape}")


def log_softmax(Z: np.ndarray) -> np.ndarray:
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def cross_entropy(Z: np.ndarray, Y: np.ndarray) -> float:
    """Mean cross-entropy of logits Z (m, C) against one-hot Y (m, C)."""
    return float(-(Y * log_softmax(Z)).sum() / Z.shape[0])


def cross_entropy_int(Z: np.ndarray, y: np.ndarray, A: np.ndarray | None = None,
                      rows: np.ndarray | None = None) -> float:
    """Same as `cross_entropy` for int labels (m,), without building Y (training hot path).

    When the softmax output A is at hand and no true-class probability underflowed,
    -mean(log A[i, y_i]) is the same number for a fraction of the cost; otherwise the
    log-softmax of the logits keeps it finite. rows: np.arange(m), if the caller keeps one.
    """
    m = len(y)
    rows = np.arange(m) if rows is None else rows
    if A is not None:
        p = A[rows, y]  # (m,) the probability of each true class
        if np.minimum.reduce(p) > 1e-30:  # (ufunc reductions: p.min() and .sum() are Python wrappers of them)
            return -float(np.add.reduce(np.log(p))) / m
    return -float(np.add.reduce(log_softmax(Z)[rows, y])) / m
