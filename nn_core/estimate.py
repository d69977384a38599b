"""How long a training run will take, before it starts: a cost model of one step.

The time of a run is, per step, a fixed overhead, the forward and backward passes (their
matrix products cost about `m x n_weights` multiply-adds), the distortions of each image
and the dropout masks when they are on, the update of every parameter (more for Adam
than for SGD), and what the trainer does around them (its per-step records: loss, RMS of
every layer's weights and gradients, dead units; Python around each layer); per epoch,
one forward pass over the validation images. The constants were fitted on the machine in
benchmarks/README.md (single BLAS thread); `calibrate()` times a small reference run of
the passes and updates here and returns how much faster or slower this machine is, so one
number adapts the model to any server.
Accuracy: within about 30 % on the quicker presets and the teaching pairs, up to 50 % short
for sigmoid units (their exponentials are not counted); measured side by side by
benchmarks/bench_pairs.py, figures in benchmarks/README.md. Good enough to warn that a run
will take hours, and to tell the line of waiting sessions about how long, not to plan seconds.
Leaves out: the test-set evaluation after a run and the dashboard's drawing between chunks.
"""
from __future__ import annotations

import math
import time

from nn_core.config import TrainConfig

STEP_OVERHEAD = 40e-6          # s per step: Python and small arrays of the passes and the update
PER_EXAMPLE_WEIGHT = 62e-12    # s per (example x weight): forward + backward products
PER_EXAMPLE_UNIT = 4e-9        # s per (example x unit): activations, softmax, masks
PER_PARAM = {"sgd": 0.5e-9, "momentum": 1.2e-9, "adam": 4.5e-9}  # s per parameter per update
PER_VAL_EXAMPLE_WEIGHT = 25e-12  # s per (validation image x weight): a forward pass
# Augmentation and dropout, per training image (bench_augment.py, 1 BLAS thread, 2026-12-01):
PER_WARPED_IMAGE = 12e-6       # s: shift/rotate/zoom, one bilinear resampling
PER_ELASTIC_IMAGE = 2.5e-6     # s: its smooth random field
PER_THICKENED_IMAGE = 9e-6     # s: 3x3 dilation or erosion
PER_DROPPED_UNIT = 4e-9        # s per (example x hidden unit): drawing and applying the mask
# The trainer around the passes (bench_pairs.py, 2026-12-07): its per-step records, and Python
# around each layer. Small networks are mostly this: a 784-64-10 step is ~0.5 ms, not 0.3.
STEP_RECORDS = 150e-6          # s per step
PER_LAYER = 40e-6              # s per step and layer


def step_seconds(config: TrainConfig, m: int) -> float:
    """Seconds of one gradient step of the trainer on m images (at speed 1)."""
    L = len(config.layer_sizes) - 1
    return _pass_seconds(config, m) + STEP_RECORDS + L * PER_LAYER


def _pass_seconds(config: TrainConfig, m: int) -> float:
    """Seconds of the forward and backward passes and the update alone (what `calibrate` times)."""
    sizes = config.layer_sizes
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    params = weights + sum(sizes[1:])
    per_image = weights * PER_EXAMPLE_WEIGHT + sum(sizes[1:]) * PER_EXAMPLE_UNIT
    if config.shift or config.rotate or config.scale or config.elastic:
        per_image += PER_WARPED_IMAGE + (PER_ELASTIC_IMAGE if config.elastic else 0.0)
    per_image += PER_THICKENED_IMAGE if config.thickness else 0.0
    per_image += sum(sizes[1:-1]) * PER_DROPPED_UNIT if config.dropout else 0.0
    return STEP_OVERHEAD + m * per_image + params * PER_PARAM[config.optimizer]


def run_seconds(config: TrainConfig, n_available: int, n_val: int = 5000, speed: float = 1.0) -> float:
    """Estimated seconds of training for `config` on a training set of n_available images
    (config.n_train of them, if set) with n_val validation images; `speed` from calibrate()."""
    n = min(config.n_train, n_available) if config.n_train else n_available
    m = n if config.batch_size == 0 else min(config.batch_size, n)
    steps = math.ceil(n / m) * config.epochs
    sizes = config.layer_sizes
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    per_epoch = n_val * weights * PER_VAL_EXAMPLE_WEIGHT
    return speed * (steps * step_seconds(config, m) + config.epochs * per_epoch)


def calibrate(repeats: int = 3) -> float:
    """This machine's time for a reference workload over the model's (1.0 = as fitted;
    2.0 = twice as slow). About 0.1 s: 60 SGD and Adam steps of 784-128-10 on random data."""
    import numpy as np

    from nn_core.model import MLP
    from nn_core.optimizers import make_optimizer

    rng = np.random.default_rng(0)
    X = rng.random((64, 784), dtype=np.float32)
    y = rng.integers(0, 10, 64)
    ratios = []
    for optimizer in ("sgd", "adam"):
        config = TrainConfig(hidden=(128,), optimizer=optimizer)
        model, opt = MLP(config.layer_sizes), make_optimizer(optimizer)
        best = math.inf
        for _ in range(repeats):
            t0 = time.perf_counter()
            for _ in range(10):
                _, cache = model.forward(X, check=False)
                opt.update(model.params, model.backward(cache, y, check=False), 1e-3)
            best = min(best, (time.perf_counter() - t0) / 10)
        ratios.append(best / _pass_seconds(config, 64))
    return float(np.mean(ratios))
