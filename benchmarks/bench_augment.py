"""Benchmark: what augmentation and dropout add to a training epoch, measured side by side.

For a base preset (default `augmented`, with its augmentation switched off) and variants of
it (the preset's own distortions; + thickness; the default model's mix; dropout), each
variant is a real `Trainer` of one epoch; they advance in interleaved chunks of CHUNK steps
(A, B, C, ..., A, B, C, ...) until each has done its epoch, so the machine's load hits all
alike. An epoch's time is the Trainer's own `elapsed` (its steps, with every per-step
record, plus the validation pass of 5,000 images, never augmented); `--cpu` counts
CPU seconds of this thread instead of wall time (what a loaded machine inflates least).
Target (issue 13): an epoch with augmentation <= 1.3x one without.

    python -m benchmarks.bench_augment [--preset augmented] [--threads 1 2] [--rounds N] [--cpu]
"""
from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import threadpoolctl

from devtools.paths import ROOT
from nn_core import PRESETS, TrainConfig, Trainer, load_dataset

CHUNK = 50
OFF = {"shift": 0.0, "rotate": 0.0, "scale": 0.0, "elastic": 0.0, "elastic_sigma": 4.0, "thickness": 0.0,
       "dropout": 0.0}
MIXES = {  # name: the settings on top of the base with everything off
    "none": {},
    "augmented preset: shift 2, rotate 10, zoom 0.1, elastic 1": {"shift": 2, "rotate": 10, "scale": 0.1, "elastic": 1},
    "+ thickness 0.3": {"shift": 2, "rotate": 10, "scale": 0.1, "elastic": 1, "thickness": 0.3},
    "default model: shift 1, rotate 10, zoom 0.1, elastic 0.7 σ 6": {"shift": 1, "rotate": 10, "scale": 0.1,
                                                                  "elastic": 0.7, "elastic_sigma": 6},
    "dropout 0.2 only": {"dropout": 0.2},
    "augmented preset + dropout 0.2": {"shift": 2, "rotate": 10, "scale": 0.1, "elastic": 1, "dropout": 0.2},
}


def run(base: TrainConfig, data, rounds: int | None, cpu: bool) -> dict[str, float]:
    clock = time.thread_time if cpu else time.perf_counter
    trainers = {name: Trainer(base.replace(**{**OFF, **mix}, epochs=1), data) for name, mix in MIXES.items()}
    spent = dict.fromkeys(MIXES, 0.0)
    limit = None if rounds is None else rounds * CHUNK
    while not all(t.done or (limit and t.step_count >= limit) for t in trainers.values()):
        for name, t in trainers.items():
            if t.done or (limit and t.step_count >= limit):
                continue
            t0 = clock()
            t.step(CHUNK)
            spent[name] += clock() - t0
    scale = {name: t.steps_per_epoch / t.step_count for name, t in trainers.items()}  # < 1 epoch when --rounds
    return {name: spent[name] * scale[name] for name in MIXES}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="augmented", choices=list(PRESETS))
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--rounds", type=int, help="time only this many chunks per variant (quick look; no validation)")
    ap.add_argument("--cpu", action="store_true", help="CPU seconds of this thread instead of wall seconds")
    args = ap.parse_args()
    data = load_dataset(ROOT / "assets")
    base = PRESETS[args.preset].config
    print(f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · {os.cpu_count()} cores · Python "
          f"{platform.python_version()} · NumPy {np.__version__} · load {os.getloadavg()[0]:.2f}")
    print(f"preset {args.preset} ({'-'.join(map(str, base.layer_sizes))}, batch {base.batch_size}, {base.optimizer}), "
          f"its augmentation off as the base; Trainers in interleaved chunks of {CHUNK} steps; "
          f"{'CPU' if args.cpu else 'wall'} seconds")
    for threads in args.threads:
        with threadpoolctl.threadpool_limits(threads, user_api="blas"):
            times = run(base, data, args.rounds, args.cpu)
        none = times["none"]
        print(f"\n{threads} BLAS thread(s), load {os.getloadavg()[0]:.2f} after")
        print(f"{'variant':62s} {'epoch s':>8s} {'ratio':>6s}")
        for name, t in times.items():
            verdict = "" if name == "none" else ("  <= 1.3: met" if t / none <= 1.3 else "  > 1.3: MISSED")
            print(f"{name:62s} {t:8.2f} {t / none:6.2f}{verdict}", flush=True)


if __name__ == "__main__":
    main()
