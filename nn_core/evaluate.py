"""Scoring a model on a labelled set of images: one forward pass, chunk by chunk.

`evaluate` returns the mean cross-entropy and the output probabilities (m, C); accuracy,
predictions, the confusion matrix and mistakes all follow from the probabilities
(`accuracy` here, the rest in metrics.py), so a page or the CLI never needs a second pass.
Images are uint8 and become floats one chunk at a time, and a chunk has as many rows as
fit in CHUNK_BYTES of forward cache (`rows_per_chunk`): the cache holds every Z and A, so a
row of the largest allowed network (784-512-512-512-512-10) costs 23 KB in float32 and a
fixed 5,000-row chunk was 113 MB (226 MB in float64); three sessions scoring at once then
took the server from 248 to 1,271 MB (issue 21).
Leaves out: training (trainer.py), and anything about one example (model.forward).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from nn_core.data import as_float
from nn_core.losses import cross_entropy_int
from nn_core.model import MLP

CHUNK_BYTES = 8 * 2**20  # forward-cache bytes of one chunk (every Z and A of its rows)
MAX_ROWS = 5000          # a small network's chunk: enough rows that NumPy's per-call cost does not show


def rows_per_chunk(model: MLP, per_unit: int = 0, budget: int = CHUNK_BYTES) -> int:
    """Rows whose forward cache (A0 and every Z, A: sum of 2 n_l numbers a row) fits in `budget`
    bytes; `per_unit`: further bytes a row costs per hidden unit (a caller's own temporaries)."""
    n = model.layer_sizes
    per_row = model.dtype.itemsize * (2 * n[0] + 2 * sum(n[1:])) + per_unit * sum(n[1:-1])  # as_float copy + A0
    return int(np.clip(budget // max(per_row, 1), 16, MAX_ROWS))


def evaluate(model: MLP, images: np.ndarray, labels: np.ndarray, chunk: int | None = None,
             each_cache: Callable[[dict[str, np.ndarray]], None] | None = None) -> tuple[float, np.ndarray]:
    """Mean cross-entropy J and the probabilities A[L] (m, C) of `model` on uint8 images
    (m, 28, 28) or (m, 784) with int labels (m,). `each_cache`, if given, sees each chunk's
    forward cache (the trainer reads its hidden layers' Z for the dead units). `chunk`: rows a
    pass (default: what fits in CHUNK_BYTES for this model)."""
    m = len(labels)
    chunk = chunk or rows_per_chunk(model)
    if m == 0:
        return float("nan"), np.zeros((0, model.layer_sizes[-1]), model.dtype)
    total, probs = 0.0, np.empty((m, model.layer_sizes[-1]), model.dtype)
    for i in range(0, m, chunk):
        y = labels[i:i + chunk]
        A, cache = model.forward(as_float(images[i:i + chunk], model.dtype), check=False)  # (c, 784) -> (c, C)
        total += cross_entropy_int(cache[f"Z{model.L}"], y, A) * len(y)
        probs[i:i + len(y)] = A
        if each_cache is not None:
            each_cache(cache)
    return total / m, probs


def probabilities(model: MLP, X: np.ndarray, chunk: int | None = None) -> np.ndarray:
    """A[L] (m, C) of float inputs X (m, 784), chunk by chunk (the forward cache of one chunk at a time)."""
    chunk = chunk or rows_per_chunk(model)
    out = np.empty((len(X), model.layer_sizes[-1]), model.dtype)
    for i in range(0, len(X), chunk):
        out[i:i + chunk] = model.forward(X[i:i + chunk])[0]  # (c, 784) -> (c, C)
    return out


def accuracy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose most probable class is the label."""
    return float((probs.argmax(axis=1) == labels).mean()) if len(labels) else float("nan")
