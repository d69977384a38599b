"""Benchmark: what does exposing every intermediate cost? And how fast do presets learn?

1. Epoch time of `nn_core.Trainer` vs a minimal inline NumPy loop of the same network
   (784-128-10 ReLU, same batches, same data conversion, same optimizer), at batch 64
   and 256. The two are interleaved epoch by epoch in one process, so machine noise hits
   both alike; the figure is the median ratio. Target: <= 1.15 at batch 64.
2. Time to accuracy for the `fast` and `best` presets (test accuracy, training seconds).

    python benchmarks/bench_core.py [--epochs 3] [--skip-presets]
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nn_core import MLP, PRESETS, Trainer, TrainConfig, accuracy, as_float, evaluate, load_dataset  # noqa: E402


class MinimalLoop:
    """The textbook loop, nothing recorded: forward, backward, update."""

    def __init__(self, data, batch: int, optimizer: str, lr: float, seed: int = 0):
        self.x, self.y, self.batch, self.lr = data.x_train, data.y_train, batch, lr
        self.params = {k: v.copy() for k, v in MLP((784, 128, 10), seed=seed).params.items()}
        self.adam = None if optimizer == "sgd" else {
            "t": 0, "m": {k: np.zeros_like(v) for k, v in self.params.items()},
            "s": {k: np.zeros_like(v) for k, v in self.params.items()}}
        self.rng = np.random.default_rng(1)
        self.perm, self.pos = self.rng.permutation(len(self.y)), 0

    def step(self, n: int) -> None:
        P, lr = self.params, self.lr
        W1, b1, W2, b2 = P["W1"], P["b1"], P["W2"], P["b2"]
        for _ in range(n):
            if self.pos >= len(self.y):
                self.perm, self.pos = self.rng.permutation(len(self.y)), 0
            idx = self.perm[self.pos:self.pos + self.batch]
            self.pos += self.batch
            X = as_float(self.x[idx])
            yb = self.y[idx]
            m = len(yb)
            Z1 = X @ W1 + b1
            A1 = np.maximum(Z1, 0)
            Z2 = A1 @ W2 + b2
            E = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
            dZ2 = E / E.sum(axis=1, keepdims=True)  # A2, turned into dZ2 in place
            dZ2[np.arange(m), yb] -= 1
            dZ2 /= m
            dW2 = A1.T @ dZ2
            db2 = dZ2.sum(axis=0)
            dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
            dW1 = X.T @ dZ1
            db1 = dZ1.sum(axis=0)
            grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
            if self.adam is None:
                for k, g in grads.items():
                    P[k] -= lr * g
                continue
            a = self.adam
            a["t"] += 1
            lr_t = lr * np.sqrt(1 - 0.999 ** a["t"]) / (1 - 0.9 ** a["t"])
            for k, g in grads.items():
                mk, sk = a["m"][k], a["s"][k]
                mk *= 0.9
                mk += 0.1 * g
                sk *= 0.999
                sk += 0.001 * (g * g)
                P[k] -= lr_t * mk / (np.sqrt(sk) + 1e-8)


def compare(data, batch: int, optimizer: str, epochs: int, chunk: int = 100) -> tuple[float, float]:
    """Seconds per epoch (nn_core, minimal). The loops alternate in chunks of `chunk` steps,
    so slow spells of a shared machine hit both; nn_core's epoch-end validation and
    snapshots fall inside its chunks and are counted."""
    lr = 0.1 if optimizer == "sgd" else 1e-3
    cfg = TrainConfig(hidden=(128,), optimizer=optimizer, lr=lr, batch_size=batch, epochs=epochs + 1)
    trainer = Trainer(cfg, data)
    minimal = MinimalLoop(data, batch, optimizer, lr)
    trainer.step(chunk)  # warm up caches and BLAS threads; not counted
    minimal.step(chunk)
    core_t = mini_t = 0.0
    steps = trainer.steps_per_epoch * epochs
    done = 0
    while done < steps:
        n = min(chunk, steps - done)
        t0 = time.perf_counter()
        trainer.step(n)
        t1 = time.perf_counter()
        minimal.step(n)
        t2 = time.perf_counter()
        core_t += t1 - t0
        mini_t += t2 - t1
        done += n
    return core_t / epochs, mini_t / epochs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=4, help="measured epochs per configuration")
    ap.add_argument("--skip-presets", action="store_true")
    args = ap.parse_args()
    data = load_dataset(ROOT / "assets")
    print(f"# {time.strftime('%Y-%m-%d')} · {platform.processor() or platform.machine()} · "
          f"python {platform.python_version()} · numpy {np.__version__}")
    print("\n| network | optimizer | batch | nn_core epoch (s) | minimal loop epoch (s) | ratio |")
    print("|---|---|---|---|---|---|")
    for optimizer in ("sgd", "adam"):
        for batch in (64, 256):
            core, mini = compare(data, batch, optimizer, args.epochs)
            print(f"| 784-128-10 | {optimizer} | {batch} | {core:.3f} | {mini:.3f} | {core / mini:.3f} |", flush=True)
    if args.skip_presets:
        return
    print("\n| preset | network | params | train seconds | val accuracy | test accuracy |")
    print("|---|---|---|---|---|---|")
    for name in ("fast", "best"):
        trainer = Trainer(PRESETS[name].config, data)
        for _ in trainer.run(chunk_steps=500):
            pass
        _, probs = evaluate(trainer.model, data.x_test, data.y_test)
        test_acc = accuracy(probs, data.y_test)
        arch = "-".join(map(str, trainer.model.layer_sizes))
        print(f"| {name} | {arch} | {trainer.model.n_params:,} | {trainer.elapsed:.1f} | "
              f"{trainer.history.val_acc[-1]:.4f} | {test_acc:.4f} |", flush=True)


if __name__ == "__main__":
    main()
