"""Benchmark: how honest a teaching pair's estimate is. For each run of each pair, interleaved
and repeated: the cost model at this machine's speed (nn_core.estimate.calibrate, taken just
before, as the server's is), then the run itself on one BLAS thread; their ratio. The line of
sessions waiting for a training slot is told the estimate until a run's own ETA takes over.

    python -m benchmarks.bench_pairs [--runs 3]
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
from nn_core import PAIRS, Trainer, load_dataset
from nn_core.estimate import calibrate, run_seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    threadpoolctl.threadpool_limits(1, user_api="blas")
    data = load_dataset(ASSETS)
    print(f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · {os.cpu_count()} cores · Python "
          f"{platform.python_version()} · NumPy {np.__version__} · load {os.getloadavg()[0]:.2f}")
    rows: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(args.runs):
        for name, pair in PAIRS.items():
            for config, label in zip(pair.configs(), pair.labels):
                speed = calibrate()
                estimate = run_seconds(config, len(data.y_train), len(data.y_val), speed)
                t = Trainer(config, data)
                while not t.done:
                    t.run_for(0.25)  # the background run's chunk
                rows.setdefault((name, label), []).append((estimate, t.elapsed))
    print(f"load after {os.getloadavg()[0]:.2f}")
    print("| pair | run | estimate (s) | actual (s) | actual / estimate (median) |")
    print("|---|---|---|---|---|")
    for (name, label), r in rows.items():
        ratio = statistics.median(a / e for e, a in r)
        estimate, actual = statistics.median(e for e, _ in r), statistics.median(a for _, a in r)
        print(f"| {name} | {label} | {estimate:.2f} | {actual:.2f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
