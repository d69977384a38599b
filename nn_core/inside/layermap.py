"""A map of each layer: its activations on a fixed sample, projected to 2-D by PCA.

Axes are fitted once (on one model's activations) and then reused for any other set of
activations of the same layer, e.g. the snapshots of the run that led to the model, so
that a point moving between snapshots means its activations moved, not the axes.

    balanced_sample(labels, per_class, seed)  indices of a fixed, class-balanced sample
    layer_outputs(model, X)                   {"A0": X, "A1": .., "A{L-1}": .., "Z{L}": logits}
    fit_axes(A)                               Axes: the mean and the top two principal directions
    Axes.project(A)                           (m, n) -> (m, 2)
    Axes.captured(A)                          share of A's own variance the two axes keep

PCA here is the SVD of the covariance matrix C = Xcᵀ Xc / m (n x n, symmetric): for a
sample of m = 2,000 rows and n <= 784 columns it costs a fifth of the SVD of Xc itself
and gives the same directions. Signs are fixed (each axis's largest loading positive),
so two fits of similar data do not come out mirrored.
Leaves out: non-linear maps (t-SNE, UMAP: their axes mean nothing from one fit to the
next) and anything about drawing the map (the UI's charts).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core.evaluate import rows_per_chunk
from nn_core.model import MLP


def balanced_sample(labels: np.ndarray, per_class: int, seed: int = 0) -> np.ndarray:
    """Sorted indices of `per_class` examples of every class (all of a class that has fewer),
    drawn without replacement by a generator seeded with `seed`: the same sample every time."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    picked = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        picked.append(rng.choice(members, size=min(per_class, len(members)), replace=False))
    return np.sort(np.concatenate(picked)) if picked else np.zeros(0, np.int64)


def layer_names(model: MLP) -> list[str]:
    """What can be mapped: the pixels A0, each hidden layer's activations, the logits Z[L]."""
    return ["A0"] + [f"A{l}" for l in range(1, model.L)] + [f"Z{model.L}"]


def layer_outputs(model: MLP, X: np.ndarray) -> dict[str, np.ndarray]:
    """One forward pass of X (m, 784); every mapped layer's values, named as in `layer_names`."""
    _, cache = model.forward(X)  # (m, 784) -> (m, 10), and every Z and A
    return {name: cache[name] for name in layer_names(model)}


def layer_output(model: MLP, X: np.ndarray, name: str) -> np.ndarray:
    """One mapped layer's values for X (m, 784), a chunk of rows at a time (only that layer is kept)."""
    chunk = rows_per_chunk(model)
    parts = [model.forward(X[i:i + chunk])[1][name] for i in range(0, len(X), chunk)]  # (c, n) each
    return np.concatenate(parts) if len(parts) != 1 else parts[0]


@dataclass(frozen=True)
class Axes:
    mean: np.ndarray       # (n,) the fitted activations' mean
    V: np.ndarray          # (n, 2) the two principal directions, as columns
    explained: np.ndarray  # (2,) share of the fitted activations' total variance along each axis
    total: float           # the fitted activations' total variance (sum over the n columns)

    def project(self, A: np.ndarray) -> np.ndarray:
        """(m, n) -> (m, 2): coordinates on the fitted axes (centred on the fitted mean)."""
        return ((np.asarray(A, np.float64) - self.mean) @ self.V).astype(np.float32)  # (m, n) @ (n, 2) -> (m, 2)

    def captured(self, A: np.ndarray) -> float:
        """Share of A's own total variance (around its own mean) that lies along the two axes:
        `explained.sum()` for the activations the axes were fitted on, less for others."""
        A = np.asarray(A, np.float64)
        Ac = A - A.mean(axis=0)
        total = float((Ac * Ac).sum())
        if total == 0:
            return 0.0
        P = Ac @ self.V  # (m, n) @ (n, 2) -> (m, 2)
        return float((P * P).sum()) / total


def fit_axes(A: np.ndarray) -> Axes:
    """The mean and top two principal directions of A (m, n), n >= 1 (one column gives a
    second axis of zeros: there is nothing else to show)."""
    A = np.asarray(A, np.float64)
    m, n = A.shape
    mean = A.mean(axis=0)
    Ac = A - mean
    C = Ac.T @ Ac / max(m, 1)  # (n, m) @ (m, n) -> (n, n) covariance
    U, s, _ = np.linalg.svd(C, hermitian=True)  # C = U diag(s) Uᵀ, s the variances along U's columns
    V = np.zeros((n, 2))
    k = min(2, n)
    V[:, :k] = U[:, :k]
    for j in range(k):  # a fixed sign: the largest loading positive
        if V[np.abs(V[:, j]).argmax(), j] < 0:
            V[:, j] *= -1
    total = float(s.sum())
    explained = np.zeros(2)
    if total > 0:
        explained[:k] = s[:k] / total
    return Axes(mean, V, explained, total)
