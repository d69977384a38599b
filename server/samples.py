"""The fixed sample of test images that Robustness and the hidden-layer map measure on:
PER_DIGIT images of each digit (2,000 in all), the same for every model and session.

Drawn once per server by a seeded generator (nn_core.inside.layermap.balanced_sample) and kept
read-only, once per process (server.resources.shared: no client's clear_cache resets it), so every session measures on the same images and a map's
points are the same images from one snapshot to the next. Leaves out: what is measured.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core import as_float
from nn_core.inside.layermap import balanced_sample
from server import resources

PER_DIGIT = 200


@dataclass(frozen=True)
class Sample:
    index: np.ndarray  # (2000,) test-image numbers, increasing
    X: np.ndarray      # (2000, 784) float32 in [0, 1], read-only
    y: np.ndarray      # (2000,) labels


@resources.shared
def test_sample() -> Sample:
    data = resources.dataset()
    index = balanced_sample(data.y_test, PER_DIGIT, seed=0)
    X = as_float(data.x_test[index])
    X.flags.writeable = False
    return Sample(index, X, data.y_test[index])
