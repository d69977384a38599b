"""Benchmark: what augmentation and dropout add to a training epoch, measured side by side.

For each variant (no augmentation; shift/rotate/zoom; + elastic, the `best` candidate's
mix; + thickness; the augmented default candidate's mix; dropout) a model of its own trains on the same
batches, in interleaved chunks of CHUNK steps (A, B, C, ..., A, B, C, ...) until each has
done one epoch's worth of steps, so machine load hits all alike. An epoch's time is the
sum of its steps plus one validation pass (5,000 images, never augmented). The step is the
Trainer's math (forward with the loss, backward, Adam) without its per-step records.
Target (issue 13): an epoch with augmentation <= 1.3x one without, for 784-512-256-10.

    python benchmarks/bench_augment.py [--threads 1 2] [--hidden 512 256] [--batch-size 128]
"""
from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import threadpoolctl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nn_core import MLP, as_float, load_dataset, make_optimizer  # noqa: E402
from nn_core.augment import Augment  # noqa: E402
from nn_core.losses import cross_entropy_int  # noqa: E402

CHUNK = 50
GEOMETRY = Augment(shift=2, rotate=10, scale=0.1)
VARIANTS = {  # name: (augmentation, dropout)
    "none": (Augment(), 0.0),
    "shift 2, rotate 10, scale 0.1": (GEOMETRY, 0.0),
    "+ elastic 1 px (the `best` candidate)": (Augment(shift=2, rotate=10, scale=0.1, elastic=1.0), 0.0),
    "+ elastic 1 px + thickness 0.3": (Augment(shift=2, rotate=10, scale=0.1, elastic=1.0, thickness=0.3), 0.0),
    "rotate 10, elastic 0.7 px σ 6 (default cand.)": (Augment(rotate=10, elastic=0.7, elastic_sigma=6), 0.0),
    "dropout 0.2 only": (Augment(), 0.2),
    "shift/rotate/scale + dropout 0.2": (GEOMETRY, 0.2),
}


def run(sizes: tuple[int, ...], B: int, data, rounds: int | None = None) -> dict[str, float]:
    n = len(data.y_train)
    steps = math.ceil(n / B) if rounds is None else rounds * CHUNK
    order = np.random.default_rng([0, 1]).permutation(n)
    state = {k: (MLP(sizes, seed=0), make_optimizer("adam"), np.random.default_rng(2), np.random.default_rng(3))
             for k in VARIANTS}
    spent = dict.fromkeys(VARIANTS, 0.0)
    for start in range(0, steps, CHUNK):
        for name, (aug, p) in VARIANTS.items():
            model, opt, aug_rng, drop_rng = state[name]
            t0 = time.perf_counter()
            for s in range(start, min(start + CHUNK, steps)):
                idx = order[(s * B) % n:(s * B) % n + B]
                X = aug(data.x_train[idx], aug_rng) if aug.active else as_float(data.x_train[idx])
                probs, cache = model.forward(X, check=False, dropout=p, rng=drop_rng)
                cross_entropy_int(cache[f"Z{model.L}"], data.y_train[idx], probs)
                opt.update(model.params, model.backward(cache, data.y_train[idx], check=False), 1e-3)
            spent[name] += time.perf_counter() - t0
    X_val = as_float(data.x_val)
    t0 = time.perf_counter()
    state["none"][0].forward(X_val, check=False)
    val = time.perf_counter() - t0
    scale = math.ceil(n / B) / steps  # a full epoch's steps when only some were timed
    return {name: t * scale + val for name, t in spent.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--hidden", type=int, nargs="+", default=[512, 256])
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--rounds", type=int, help="time only this many chunks per variant (quick look)")
    args = ap.parse_args()
    sizes = (784, *args.hidden, 10)
    data = load_dataset(ROOT / "assets")
    print(f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · {os.cpu_count()} cores · Python "
          f"{platform.python_version()} · NumPy {np.__version__} · load {os.getloadavg()[0]:.2f}")
    print(f"network {'-'.join(map(str, sizes))}, batch {args.batch_size}, Adam; interleaved chunks of {CHUNK} steps")
    for threads in args.threads:
        with threadpoolctl.threadpool_limits(threads, user_api="blas"):
            times = run(sizes, args.batch_size, data, args.rounds)
        base = times["none"]
        print(f"\n{threads} BLAS thread(s), load {os.getloadavg()[0]:.2f} after")
        print(f"{'variant':46s} {'epoch s':>8s} {'ratio':>6s}")
        for name, t in times.items():
            verdict = "" if name == "none" else ("  <= 1.3: met" if t / base <= 1.3 else "  > 1.3: MISSED")
            print(f"{name:46s} {t:8.2f} {t / base:6.2f}{verdict}")


if __name__ == "__main__":
    main()
