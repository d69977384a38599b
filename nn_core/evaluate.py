"""Scoring a model on a labelled set of images: one forward pass, chunk by chunk.

`evaluate` returns the mean cross-entropy and the output probabilities (m, C); accuracy,
predictions, the confusion matrix and mistakes all follow from the probabilities
(`accuracy` here, the rest in metrics.py), so a page or the CLI never needs a second pass.
Images are uint8 and become floats one chunk at a time: 10,000 test images as float32
would be 31 MB at once, a chunk of them a third of that.
Leaves out: training (trainer.py), and anything about one example (model.forward).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from nn_core.data import as_float
from nn_core.losses import cross_entropy_int
from nn_core.model import MLP

CHUNK = 5000  # images per forward pass


def evaluate(model: MLP, images: np.ndarray, labels: np.ndarray, chunk: int = CHUNK,
             each_cache: Callable[[dict[str, np.ndarray]], None] | None = None) -> tuple[float, np.ndarray]:
    """Mean cross-entropy J and the probabilities A[L] (m, C) of `model` on uint8 images
    (m, 28, 28) or (m, 784) with int labels (m,). `each_cache`, if given, sees each chunk's
    forward cache (the trainer reads its hidden layers' Z for the dead units)."""
    m = len(labels)
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


def accuracy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose most probable class is the label."""
    return float((probs.argmax(axis=1) == labels).mean()) if len(labels) else float("nan")
