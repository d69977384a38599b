"""Benchmark: what does counting flat (dead, leaking, saturated) units cost the Weights page?

Weights once counted dead first-layer units on the fixed 2,000-image sample (one matrix
product Z1 = X W1 + b1, ReLU only), while Units counted them on the 10,000 test images; both
pages now use one definition (Activation.flat) on the 10,000 test images
(nn_core.inside.unitstats.flat_share: one forward pass in chunks, every activation). This
times the two side by side in one process (interleaved, best of --runs), for the default
model and the largest model the caps allow (784-512x4-10), and the Units page's full
statistics (unit_stats) for scale. One BLAS thread, as the app uses.

    python -m benchmarks.bench_flat [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import threadpoolctl

from devtools.paths import ASSETS
from nn_core import MLP, as_float, load_dataset, load_model
from nn_core.inside.layermap import balanced_sample
from nn_core.inside.unitstats import flat_share, unit_stats


def best(f, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    threadpoolctl.threadpool_limits(1, user_api="blas")
    data = load_dataset(ASSETS)
    index = balanced_sample(data.y_test, 200, seed=0)
    X = as_float(data.x_test[index])  # (2000, 784) the old sample, as server/samples.py keeps it
    print(f"{platform.processor() or platform.machine()}, load average {os.getloadavg()[0]:.1f}, best of {args.runs}")
    print("| model | before: Z1 on 2,000 (ms) | now: flat_share on 10,000 (ms) | ratio | unit_stats (ms) |")
    print("|---|---|---|---|---|")
    for name, model in [("784-128-10 (default)", load_model(ASSETS / "default_model.npz")[0]),
                        ("784-512x4-10 (largest)", MLP([784, *[512] * 4, 10], seed=0))]:
        before = now = 0.0
        for _ in range(2):  # interleaved: a busy machine slows both alike
            before = best(lambda: np.flatnonzero((X @ model.params["W1"] + model.params["b1"]).max(0) <= 0), args.runs)
            now = best(lambda: flat_share(model, data.x_test), args.runs)
        stats = best(lambda: unit_stats(model, data.x_test, data.y_test, index), max(1, args.runs // 2))
        print(f"| {name} | {before * 1e3:.1f} | {now * 1e3:.0f} | {now / before:.1f} | {stats * 1e3:.0f} |")


if __name__ == "__main__":
    main()
