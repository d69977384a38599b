"""What each hidden unit does over a whole dataset, from one forward pass in chunks.

For every hidden layer l and unit j, over m labelled images:

    top_index, top_value  the k images with the largest activation A[l][:, j], largest first
                          ("dataset examples": what excites the unit)
    max, min              its largest and smallest activation
    flat                  share of images on which it is flat (Activation.flat: its slope
                          g'(Z[l][:, j]) at most 1 % of the largest, or on a constant slope below
                          zero; ReLU: Z <= 0, no gradient; leaky ReLU: Z <= 0, 1 % of it;
                          sigmoid: A below ~0.0025 or above ~0.9975; tanh: |A| >= ~0.995).
                          flat == 1: flat on every image, what the activation's flat_word
                          names (a dead ReLU unit, a saturated sigmoid one)
    mean_by_class         (n, C) its mean activation on each class
    box                   (n, C, 5) the 5th, 25th, 50th, 75th and 95th percentiles of its
                          activation on each class, over `sample` (a subset of the images;
                          percentiles need every value at once, the rest is streamed)

`flat_share` measures only `flat`, for pages that need no more (Weights, for a snapshot).

Memory: the chunk's forward cache while it runs, the sample's activations of one layer at a
time, and the results (for 512 units and k = 12: about 0.2 MB a layer).
Leaves out: the output layer (its "units" are the ten digits) and anything per example.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core.data import as_float
from nn_core.model import MLP

QUANTILES = (5, 25, 50, 75, 95)


@dataclass(frozen=True)
class LayerStats:
    top_index: np.ndarray      # (n, k) int32 image indices
    top_value: np.ndarray      # (n, k) float32 their activations, descending
    max: np.ndarray            # (n,)
    min: np.ndarray            # (n,)
    flat: np.ndarray           # (n,) share of images where the slope is flat
    mean_by_class: np.ndarray  # (n, C)
    box: np.ndarray            # (n, C, 5) percentiles QUANTILES over the sample
    n_images: int
    sample_per_class: np.ndarray  # (C,) images of each class in the sample

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.top_index, self.top_value, self.max, self.min, self.flat,
                                      self.mean_by_class, self.box, self.sample_per_class))


def flat_share(model: MLP, images: np.ndarray, chunk: int = 2000) -> dict[int, np.ndarray]:
    """{l: (n,) float32 share of the images on which each unit of hidden layer l is flat}, for
    l = 1..L-1: the `flat` of unit_stats without the rest. images: uint8 (m, 28, 28) or (m, 784)."""
    m = len(images)
    counts = {l: np.zeros(model.layer_sizes[l], np.int64) for l in range(1, model.L)}
    for start in range(0, m, chunk):
        stop = min(start + chunk, m)
        _, cache = model.forward(as_float(images[start:stop], model.dtype).reshape(stop - start, -1))
        for l in counts:
            counts[l] += np.count_nonzero(model.g.flat(cache[f"Z{l}"], cache[f"A{l}"]), axis=0)  # (c, n) -> (n,)
    return {l: (c / max(m, 1)).astype(np.float32) for l, c in counts.items()}


def unit_stats(model: MLP, images: np.ndarray, labels: np.ndarray, sample: np.ndarray, k: int = 12,
               chunk: int = 2000, classes: int = 10) -> dict[int, LayerStats]:
    """{l: LayerStats} for hidden layers l = 1..L-1, over uint8 images (m, 28, 28) or
    (m, 784) with labels (m,); `sample`: sorted indices into them for the percentiles."""
    labels = np.asarray(labels)
    m, L = len(labels), model.L
    sample = np.asarray(sample, np.int64)
    k = min(k, m)
    sizes = model.layer_sizes
    top_v = {l: np.full((k, sizes[l]), -np.inf, np.float32) for l in range(1, L)}
    top_i = {l: np.zeros((k, sizes[l]), np.int64) for l in range(1, L)}
    hi = {l: np.full(sizes[l], -np.inf, np.float32) for l in range(1, L)}
    lo = {l: np.full(sizes[l], np.inf, np.float32) for l in range(1, L)}
    flat = {l: np.zeros(sizes[l], np.int64) for l in range(1, L)}
    sums = {l: np.zeros((classes, sizes[l]), np.float64) for l in range(1, L)}
    picked = {l: [] for l in range(1, L)}
    counts = np.bincount(labels, minlength=classes)[:classes]
    for start in range(0, m, chunk):
        stop = min(start + chunk, m)
        _, cache = model.forward(as_float(images[start:stop], model.dtype).reshape(stop - start, -1))
        Y = np.eye(classes, dtype=np.float32)[labels[start:stop]]  # (c, C) one-hot
        rows = sample[(sample >= start) & (sample < stop)] - start
        for l in range(1, L):
            A, Z = cache[f"A{l}"], cache[f"Z{l}"]  # (c, n) each
            both_v = np.concatenate([top_v[l], A])  # (k + c, n)
            both_i = np.concatenate([top_i[l], np.broadcast_to(np.arange(start, stop)[:, None], A.shape)])
            best = np.argpartition(-both_v, k - 1, axis=0)[:k]  # (k, n) the k largest, unordered
            top_v[l] = np.take_along_axis(both_v, best, axis=0)
            top_i[l] = np.take_along_axis(both_i, best, axis=0)
            np.maximum(hi[l], A.max(axis=0), out=hi[l])
            np.minimum(lo[l], A.min(axis=0), out=lo[l])
            flat[l] += np.count_nonzero(model.g.flat(Z, A), axis=0)
            sums[l] += Y.T @ A  # (C, c) @ (c, n) -> (C, n)
            picked[l].append(A[rows])
    out = {}
    y_sample = labels[sample]
    for l in range(1, L):
        order = np.argsort(-top_v[l], axis=0, kind="stable")
        S = np.concatenate(picked[l])  # (s, n) the sample's activations
        box = np.full((sizes[l], classes, len(QUANTILES)), np.nan, np.float32)
        for c in range(classes):
            if np.any(y_sample == c):
                box[:, c, :] = np.percentile(S[y_sample == c], QUANTILES, axis=0).T  # (5, n) -> (n, 5)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = (sums[l] / counts[:, None]).T.astype(np.float32)  # (n, C)
        out[l] = LayerStats(np.take_along_axis(top_i[l], order, axis=0).T.astype(np.int32),
                            np.take_along_axis(top_v[l], order, axis=0).T.copy(), hi[l], lo[l],
                            (flat[l] / max(m, 1)).astype(np.float32), means, box, m,
                            np.bincount(y_sample, minlength=classes)[:classes])
        picked[l] = None
    return out
