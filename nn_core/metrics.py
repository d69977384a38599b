"""What a classifier gets right and wrong: the confusion matrix and its mistakes.

confusion[i, j] = number of examples whose true class is i and predicted class is j,
so each row sums to the count of class i, the diagonal holds the correct answers and the
whole matrix sums to the number of examples.
Leaves out: scoring itself (evaluate.py gives the probabilities these start from),
precision/recall/F1 beyond per-class accuracy, and calibration.
"""
from __future__ import annotations

import numpy as np


def _labels(y: np.ndarray, n_classes: int, name: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise ValueError(f"{name} must be a 1-D array of integer classes, got shape {y.shape} dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{name} must lie in 0..{n_classes - 1}, got {y.min()}..{y.max()}")
    return y.astype(np.int64)


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """(C, C) int64 counts: rows are true classes, columns predicted ones."""
    t, p = _labels(y_true, n_classes, "y_true"), _labels(y_pred, n_classes, "y_pred")
    if len(t) != len(p):
        raise ValueError(f"y_true and y_pred differ in length ({len(t)} vs {len(p)})")
    return np.bincount(t * n_classes + p, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def per_class_accuracy(confusion: np.ndarray) -> np.ndarray:
    """(C,) recall of each class: diagonal / row sum (NaN for a class with no examples)."""
    confusion = np.asarray(confusion)
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(confusion) / np.maximum(totals, 1), np.nan)


def confident_mistakes(probs: np.ndarray, y_true: np.ndarray, true_class: int | None = None,
                       predicted: int | None = None, limit: int | None = None) -> np.ndarray:
    """Indices of misclassified examples, most confident wrong answer first.

    Optionally only those of one true class and/or one predicted class (a confusion cell).
    """
    probs = np.asarray(probs)
    if probs.ndim != 2:
        raise ValueError(f"probs must be (m, C), got shape {probs.shape}")
    y = _labels(y_true, probs.shape[1], "y_true")
    if len(y) != len(probs):
        raise ValueError(f"probs and y_true differ in length ({len(probs)} vs {len(y)})")
    pred = probs.argmax(axis=1)
    wrong = pred != y
    if true_class is not None:
        wrong &= y == true_class
    if predicted is not None:
        wrong &= pred == predicted
    idx = np.nonzero(wrong)[0]
    order = np.argsort(-probs[idx, pred[idx]], kind="stable")
    return idx[order][:limit]
