"""Benchmark: how honest a run's estimate is, for the teaching pairs and the quicker presets.
For each run, interleaved and repeated: the cost model at this machine's speed
(nn_core.estimate.calibrate, taken just before, as the server's is), then the run itself
through the Trainer on one BLAS thread; their ratio. The line of sessions waiting for a
training slot is told the estimate until a run's own ETA takes over.

    python -m benchmarks.bench_pairs [--runs 3] [--presets fast numpy-ai-32 ...]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
import threadpoolctl

from devtools.paths import ASSETS
from nn_core import PAIRS, PRESETS, Trainer, load_dataset
from nn_core.estimate import PER_LAYER, STEP_RECORDS, calibrate, run_seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--presets", nargs="*", default=["fast", "numpy-ai-32", "multidim-16-16", "configurable"],
                    choices=list(PRESETS), help="presets measured too (whole runs: a few seconds each)")
    args = ap.parse_args()
    threadpoolctl.threadpool_limits(1, user_api="blas")
    data = load_dataset(ASSETS)
    print(f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · {os.cpu_count()} cores · Python "
          f"{platform.python_version()} · NumPy {np.__version__} · load {os.getloadavg()[0]:.2f}")
    runs = [(name, label, config) for name, pair in PAIRS.items() for config, label in zip(pair.configs(), pair.labels)]
    runs += [("preset", name, PRESETS[name].config) for name in args.presets]
    rows: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for _ in range(args.runs):
        for name, label, config in runs:
            speed = calibrate()
            estimate = run_seconds(config, len(data.y_train), len(data.y_val), speed)
            t = Trainer(config, data)
            while not t.done:
                t.run_for(0.25)  # the background run's chunk
            # the model without the trainer's share (STEP_RECORDS, PER_LAYER), as it was before 2026-12-07
            around = speed * t.total_steps * (STEP_RECORDS + (len(config.layer_sizes) - 1) * PER_LAYER)
            rows.setdefault((name, label), []).append((estimate, t.elapsed, estimate - around))
    print(f"load after {os.getloadavg()[0]:.2f}")
    print("| pair | run | estimate (s) | actual (s) | actual / estimate | actual / estimate without the trainer's share |")
    print("|---|---|---|---|---|---|")
    for (name, label), r in rows.items():
        median = lambda values: statistics.median(list(values))  # noqa: E731
        print(f"| {name} | {label} | {median(e for e, _, _ in r):.2f} | {median(a for _, a, _ in r):.2f} | "
              f"{median(a / e for e, a, _ in r):.2f} | {median(a / b for _, a, b in r):.2f} |")

if __name__ == "__main__":
    main()
