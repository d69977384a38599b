"""Answering only when sure: a confidence threshold below which the network says "I don't know".

The network answers an image if its largest probability p_max reaches the threshold t, and
abstains otherwise. For a set of images with labels:

    coverage(t)  = (# images with p_max >= t) / (# images)
    accuracy(t)  = (# answered and right) / (# answered)        (NaN when nothing is answered)
    mistakes(t)  = # answered and wrong

Raising t can only remove images from the answered set, so coverage and mistakes never go
up as t goes up; accuracy usually rises but need not at every step (the test checks what
is guaranteed). Leaves out: calibration (temperature fitting) and per-class thresholds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DONT_KNOW = -1  # the answer of an abstaining network


def answers(probs: np.ndarray, threshold: float) -> np.ndarray:
    """(m, C) probabilities -> (m,) the most probable class, or DONT_KNOW where p_max < threshold."""
    probs = np.asarray(probs)
    return np.where(probs.max(axis=1) >= threshold, probs.argmax(axis=1), DONT_KNOW)


@dataclass(frozen=True)
class Coverage:
    thresholds: np.ndarray  # (k,) increasing
    coverage: np.ndarray    # (k,) share of images answered
    accuracy: np.ndarray    # (k,) share of the answered that are right (NaN if none)
    answered: np.ndarray    # (k,) images answered
    mistakes: np.ndarray    # (k,) images answered wrongly


def coverage_curve(probs: np.ndarray, labels: np.ndarray, thresholds: np.ndarray) -> Coverage:
    """Coverage and accuracy of the answered images at each threshold (sorted first), from one
    sort of the confidences: answered(t) = m - #(p_max < t)."""
    probs, labels = np.asarray(probs), np.asarray(labels)
    if probs.ndim != 2 or len(probs) != len(labels):
        raise ValueError(f"probs must be (m, C) for m labels, got {probs.shape} and {labels.shape}")
    t = np.sort(np.asarray(thresholds, np.float64))
    conf = probs.max(axis=1).astype(np.float64)
    right = probs.argmax(axis=1) == labels
    order = np.argsort(conf, kind="stable")
    conf_sorted, right_sorted = conf[order], right[order]
    m = len(conf)
    below = np.searchsorted(conf_sorted, t, side="left")  # images with p_max < t
    right_above = np.concatenate([np.cumsum(right_sorted[::-1])[::-1], [0]])  # right among order[i:]
    answered = m - below
    correct = right_above[below]
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracy = np.where(answered > 0, correct / np.maximum(answered, 1), np.nan)
    coverage = answered / m if m else np.zeros_like(t)
    return Coverage(t, coverage, accuracy, answered, answered - correct)
