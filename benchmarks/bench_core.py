"""Benchmark: what does exposing every intermediate cost? And how fast do presets learn?

1. Epoch time of `nn_core.Trainer` vs a minimal inline NumPy loop of the same network
   (784-128-10 ReLU, same batches, same data conversion, same optimizer), at batch 64
   and 256. The two are interleaved in chunks of 50 steps in one process and timed in
   CPU seconds of this thread (one BLAS thread, as the app uses), so a busy machine hits
   both alike; the headline is the median ratio of neighbouring chunks.
   Target: <= 1.10 at batch 64 with SGD.
2. The same against PyTorch on the CPU (one thread, SGD), if torch is installed (it is
   never a project requirement). Target: <= 0.7.
3. Time to accuracy for the `fast` and `best` presets (test accuracy, training seconds).
4. Memory of a long run's per-step history (nn_core/history.py): its bound and a run that
   passes it.

    python -m benchmarks.bench_core [--epochs 3] [--skip-presets]
"""
from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import threadpoolctl

from devtools.paths import ROOT
from nn_core import MLP, PRESETS, History, TrainConfig, Trainer, accuracy, as_float, evaluate, load_dataset


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
            lr_t = lr * np.sqrt(1 - 0.999 ** a["t"]) / (1 - 0.9 ** a["t"])  # both corrections as scalars:
            eps_t = 1e-8 * np.sqrt(1 - 0.999 ** a["t"])                       # Adam's formula exactly
            for k, g in grads.items():
                mk, sk = a["m"][k], a["s"][k]
                mk *= 0.9
                mk += 0.1 * g
                sk *= 0.999
                sk += 0.001 * (g * g)
                P[k] -= lr_t * mk / (np.sqrt(sk) + eps_t)


class TorchLoop:
    """The same network, batches and plain SGD in PyTorch on the CPU (one thread), written
    the way its tutorials do: nn.Linear layers, F.cross_entropy, autograd, optim.SGD."""

    def __init__(self, data, batch: int, lr: float, seed: int = 0):
        import torch
        torch.set_num_threads(1)
        self.torch, self.F = torch, torch.nn.functional
        self.x, self.y, self.batch = data.x_train, data.y_train, batch
        init = MLP((784, 128, 10), seed=seed).params
        self.net = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
        with torch.no_grad():  # the same starting weights (nn.Linear keeps W as (out, in))
            for layer, l in ((self.net[0], 1), (self.net[2], 2)):
                layer.weight.copy_(torch.from_numpy(init[f"W{l}"].T.copy()))
                layer.bias.copy_(torch.from_numpy(init[f"b{l}"]))
        self.opt = torch.optim.SGD(self.net.parameters(), lr=lr)
        self.rng = np.random.default_rng(1)
        self.perm, self.pos = self.rng.permutation(len(self.y)), 0

    def step(self, n: int) -> None:
        torch, F = self.torch, self.F
        for _ in range(n):
            if self.pos >= len(self.y):
                self.perm, self.pos = self.rng.permutation(len(self.y)), 0
            idx = self.perm[self.pos:self.pos + self.batch]
            self.pos += self.batch
            X = torch.from_numpy(self.x[idx].reshape(len(idx), -1)).float().div_(255)
            y = torch.from_numpy(self.y[idx].astype(np.int64))
            loss = F.cross_entropy(self.net(X), y)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()


def compare_torch(data, batch: int, epochs: int, chunk: int = 50) -> tuple[float, float, float] | None:
    """CPU seconds per epoch of nn_core and PyTorch (SGD), and the median chunk ratio;
    None when torch is not installed (it is never a requirement of the project)."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return None
    cfg = TrainConfig(hidden=(128,), optimizer="sgd", lr=0.1, batch_size=batch, epochs=epochs + 1)
    trainer, other = Trainer(cfg, data), TorchLoop(data, batch, 0.1)
    trainer.step(chunk)
    other.step(chunk)
    return _interleave(trainer, other, trainer.steps_per_epoch * epochs, epochs, chunk)


def _interleave(trainer, other, steps: int, epochs: int, chunk: int) -> tuple[float, float, float]:
    core_t = other_t = 0.0
    ratios = []
    done = 0
    while done < steps:
        n = min(chunk, steps - done)
        t0 = time.thread_time()
        trainer.step(n)
        t1 = time.thread_time()
        other.step(n)
        t2 = time.thread_time()
        core_t += t1 - t0
        other_t += t2 - t1
        ratios.append((t1 - t0) / (t2 - t1))
        done += n
    return core_t / epochs, other_t / epochs, float(np.median(ratios))


def compare(data, batch: int, optimizer: str, epochs: int, chunk: int = 50) -> tuple[float, float, float]:
    """CPU seconds per epoch (nn_core, minimal) and the median of the per-chunk ratios.
    CPU time of this thread (one BLAS thread), not wall time: on a shared machine a
    process waiting for a core is not computing. The loops alternate in chunks of `chunk`
    steps, so what remains of the noise (caches, frequency) hits both; the median ratio of
    neighbouring chunks is what it distorts least. nn_core's epoch-end validation and
    snapshots fall inside its chunks and are counted."""
    lr = 0.1 if optimizer == "sgd" else 1e-3
    cfg = TrainConfig(hidden=(128,), optimizer=optimizer, lr=lr, batch_size=batch, epochs=epochs + 1)
    trainer = Trainer(cfg, data)
    minimal = MinimalLoop(data, batch, optimizer, lr)
    trainer.step(chunk)  # warm up caches and BLAS threads; not counted
    minimal.step(chunk)
    return _interleave(trainer, minimal, trainer.steps_per_epoch * epochs, epochs, chunk)


def history_memory(steps: int = 1_719_000) -> None:
    """The per-step history of the largest run the default caps allow (4 hidden layers:
    5 weight matrices, 19 series) over issue 9's 11-hour run (4x512, batch 16, 500 epochs:
    3,438 steps an epoch), appended synthetically: its size against the unbounded record."""
    import tracemalloc

    from nn_core.history import MAX_POINTS
    W, Z = [f"W{l}" for l in range(1, 6)], [f"Z{l}" for l in range(1, 5)]
    tracemalloc.start()
    H = History(W, Z)
    for s in range(1, steps + 1):
        H.append_step(s, 0.1, 0.9, 1e-3, s * 0.01, [0.05] * 5, [0.01] * 5, [0.1] * 4)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    series = 5 + 3 * 5 - 1
    print(f"\nhistory of {steps:,} steps, {series} series: {H.n_steps:,} records of {H.stride} steps each, "
          f"{H.nbytes() / 1e6:.2f} MB held (bound {series} x {MAX_POINTS:,} x 8 B = {series * MAX_POINTS * 8 / 1e6:.2f} MB;"
          f" peak while appending {peak / 1e6:.2f} MB); unbounded it would be {series * steps * 8 / 1e6:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=4, help="measured epochs per configuration")
    ap.add_argument("--skip-presets", action="store_true")
    ap.add_argument("--only-history", action="store_true", help="only the history memory figure")
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads (the app uses 1 per server process)")
    args = ap.parse_args()
    threadpoolctl.threadpool_limits(args.threads, user_api="blas")
    if args.only_history:
        return history_memory()
    data = load_dataset(ROOT / "assets")
    print(f"# {time.strftime('%Y-%m-%d')} · {platform.processor() or platform.machine()} · "
          f"python {platform.python_version()} · numpy {np.__version__}")
    print("\n| network | optimizer | batch | nn_core epoch (s) | minimal loop epoch (s) | ratio of totals | median ratio |")
    print("|---|---|---|---|---|---|---|")
    for optimizer in ("sgd", "adam"):
        for batch in (64, 256):
            core, mini, median = compare(data, batch, optimizer, args.epochs)
            print(f"| 784-128-10 | {optimizer} | {batch} | {core:.3f} | {mini:.3f} | {core / mini:.3f} | {median:.3f} |",
                  flush=True)
    print("\n| network | optimizer | batch | nn_core epoch (s) | PyTorch CPU epoch (s) | ratio of totals | median ratio |")
    print("|---|---|---|---|---|---|---|")
    for batch in (64, 256):
        result = compare_torch(data, batch, args.epochs)
        if result is None:
            print("| 784-128-10 | sgd | - | - | torch not installed | - | - |")
            break
        import torch
        core, other, median = result
        print(f"| 784-128-10 | sgd | {batch} | {core:.3f} | {other:.3f} (torch {torch.__version__}) | "
              f"{core / other:.3f} | {median:.3f} |", flush=True)
    if args.skip_presets:
        return history_memory()
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
    history_memory()


if __name__ == "__main__":
    main()
