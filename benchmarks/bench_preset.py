"""Benchmark: a preset trained by the command line, as a user runs it, several times.

    python -m benchmarks.bench_preset augmented --runs 3 [--threads 2] [--target 0.987 --seconds 60] [CLI options]

Each run is `python -m nn_core train --preset NAME --json` in a fresh process. Per run it
prints the CLI's own `train_seconds` (wall time inside training) and test accuracy, the
process's CPU seconds (user + system, from the operating system: the figure that a loaded
machine inflates least), the 1-minute load average before and after, and the BLAS threads
(OPENBLAS_NUM_THREADS, or all cores when not set, as the CLI runs by default).
Leaves out: the dashboard's training (bench_dashboard.py) and the epoch cost of
augmentation alone (bench_augment.py).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

from devtools.paths import ROOT


def one_run(name: str, threads: int | None, extra: list[str]) -> dict:
    env = dict(os.environ)
    if threads:
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = str(threads)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "nn_core", "train", "--preset", name, "--json", *extra],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = json.loads(out.stdout)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"train_seconds": r["train_seconds"], "test_accuracy": r["test_accuracy"], "val_accuracy": r["val_accuracy"],
            "cpu_seconds": cpu, "process_seconds": wall, "load_before": load, "load_after": os.getloadavg()[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("preset")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="BLAS threads (0: the CLI's default, all cores)")
    ap.add_argument("--target", type=float, default=0.987, help="test accuracy to reach")
    ap.add_argument("--seconds", type=float, default=60.0, help="within this many seconds of training")
    args, extra = ap.parse_known_args()  # any other option goes to the CLI, e.g. --epochs 10 --rotate 10
    threads = args.threads or os.cpu_count()
    print(f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · {os.cpu_count()} cores · "
          f"Python {platform.python_version()} · preset {args.preset} {' '.join(extra)} · {threads} BLAS thread(s)")
    print(f"{'run':>3s} {'train s':>8s} {'CPU s':>7s} {'process s':>9s} {'test acc':>8s} {'val acc':>8s} {'load':>11s}")
    for i in range(args.runs):
        r = one_run(args.preset, args.threads or None, extra)
        met = r["test_accuracy"] >= args.target and r["train_seconds"] <= args.seconds
        print(f"{i + 1:3d} {r['train_seconds']:8.1f} {r['cpu_seconds']:7.1f} {r['process_seconds']:9.1f} "
              f"{r['test_accuracy']:8.4f} {r['val_accuracy']:8.4f} {r['load_before']:5.2f}->{r['load_after']:<5.2f}"
              f"  {'met' if met else 'MISSED'} (>= {args.target:.1%} in <= {args.seconds:g} s)", flush=True)


if __name__ == "__main__":
    main()
