"""Benchmark: the trainer's per-step bookkeeping, before and after a change, in one run.

Two worker processes, one importing `nn_core` from another revision (`--before`, extracted
with `git archive`) and one from this checkout, each with a `Trainer` and the minimal inline
loop of bench_core.py (784-128-10, same batches, one BLAS thread). The parent hands out
chunks of `--chunk` steps in turn, before / after, Trainer / inline loop, the order rotated
each round, so the machine's load hits all four alike. Each worker times its chunks in CPU
seconds of its thread (`thread_time`) and in wall seconds. Printed per optimizer and batch:
Trainer / inline loop for each revision (median of neighbouring chunks, and of totals),
after / before of the Trainer alone; then whether the two revisions recorded the same
per-step curves (largest relative difference of every series, same steps and batches).

    python -m benchmarks.bench_bookkeeping [--before REV] [--epochs 3] [--chunk 50]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from devtools.paths import ROOT

BEFORE = "f2026f5"  # house before issue 19 §6 (the trainer's bookkeeping per statistic)
SERIES = ("step_loss", "step_acc", "step_lr", "weight_rms", "grad_rms", "dead")


def worker() -> None:
    """Run in a child: reads commands from stdin, answers one line each on stdout."""
    import threadpoolctl

    threadpoolctl.threadpool_limits(1, user_api="blas")
    from benchmarks.bench_core import MinimalLoop
    from nn_core import TrainConfig, Trainer, load_dataset

    data = load_dataset(ROOT / "assets")
    trainer = minimal = None
    for line in sys.stdin:
        cmd, *args = line.split()
        if cmd == "setup":
            optimizer, batch, epochs = args[0], int(args[1]), int(args[2])
            lr = 0.1 if optimizer == "sgd" else 1e-3
            cfg = TrainConfig(hidden=(128,), optimizer=optimizer, lr=lr, batch_size=batch, epochs=epochs + 1)
            trainer, minimal = Trainer(cfg, data), MinimalLoop(data, batch, optimizer, lr)
            trainer.step(50)  # warm caches; not counted
            minimal.step(50)
            print(trainer.steps_per_epoch, flush=True)
        elif cmd in ("trainer", "minimal"):
            run = trainer if cmd == "trainer" else minimal
            w0, c0 = time.perf_counter(), time.thread_time()
            run.step(int(args[0]))
            print(time.thread_time() - c0, time.perf_counter() - w0, flush=True)
        elif cmd == "dump":
            H = trainer.history
            out = {k: np.asarray(getattr(H, k)) for k in ("step", "step_loss", "step_acc", "step_lr")}
            for k in ("weight_rms", "grad_rms", "dead"):
                out.update({f"{k}:{n}": np.asarray(v) for n, v in getattr(H, k).items()})
            np.savez(args[0], **out)
            print("ok", flush=True)


class Worker:
    def __init__(self, name: str, source: Path):
        """source: a directory holding the `nn_core` to import (first on the path)."""
        env = {**os.environ, "PYTHONPATH": f"{source}{os.pathsep}{ROOT}", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self.name = name
        self.proc = subprocess.Popen([sys.executable, "-c", "from benchmarks.bench_bookkeeping import worker; worker()"],
                                     cwd=source, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, line: str) -> list[str]:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            raise RuntimeError(f"worker {self.name} ended")
        return answer.split()

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def measure(workers: dict[str, Worker], optimizer: str, batch: int, epochs: int, chunk: int) -> dict:
    steps = {name: int(w.ask(f"setup {optimizer} {batch} {epochs}")[0]) for name, w in workers.items()}
    total = steps["after"] * epochs
    jobs = [(name, kind) for name in workers for kind in ("trainer", "minimal")]
    cpu = {job: [] for job in jobs}
    wall = {job: [] for job in jobs}
    done, r = 0, 0
    while done < total:
        n = min(chunk, total - done)
        for job in jobs[r % 4:] + jobs[:r % 4]:  # rotate who goes first
            c, w = map(float, workers[job[0]].ask(f"{job[1]} {n}"))
            cpu[job].append(c)
            wall[job].append(w)
        done, r = done + n, r + 1
    return {"cpu": cpu, "wall": wall, "steps_per_epoch": steps["after"]}


def curves_differ(workers: dict[str, Worker], tmp: Path) -> dict[str, float]:
    """Largest relative difference of each per-step series between the two revisions."""
    files = {}
    for name, w in workers.items():
        files[name] = tmp / f"{name}.npz"
        w.ask(f"dump {files[name]}")
    a, b = np.load(files["before"]), np.load(files["after"])
    if sorted(a.files) != sorted(b.files):
        return {"series": float("inf")}
    out = {}
    for k in a.files:
        x, y = a[k], b[k]
        out[k] = float("inf") if x.shape != y.shape else float(np.max(np.abs(x - y) / np.maximum(np.abs(x), 1e-12),
                                                                       initial=0.0))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--before", default=BEFORE, help="git revision whose nn_core is 'before'")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--chunk", type=int, default=50)
    ap.add_argument("--configs", default="sgd/64,sgd/256,adam/64,adam/256")
    args = ap.parse_args()
    load = os.getloadavg()
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · python {platform.python_version()} · "
          f"numpy {np.__version__} · before = {args.before} · load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        old = tmp / "before"
        old.mkdir()
        archive = subprocess.run(["git", "archive", args.before, "nn_core"], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        workers = {"before": Worker("before", old), "after": Worker("after", ROOT)}
        try:
            print("\n| optimizer | batch | Trainer / inline, before (median; totals) | after (median; totals) |"
                  " after / before, Trainer CPU (median; totals) | same, wall | same curves (largest rel. diff) |")
            print("|---|---|---|---|---|---|---|")
            for config in args.configs.split(","):
                optimizer, batch = config.split("/")
                res = measure(workers, optimizer, int(batch), args.epochs, args.chunk)
                cpu, wall = res["cpu"], res["wall"]

                def ratio(t, a, b):
                    med = statistics.median(x / y for x, y in zip(t[a], t[b]))
                    return f"{med:.3f}; {sum(t[a]) / sum(t[b]):.3f}"
                diff = curves_differ(workers, tmp)
                worst = max(diff.values())
                print(f"| {optimizer} | {batch} | {ratio(cpu, ('before', 'trainer'), ('before', 'minimal'))} | "
                      f"**{ratio(cpu, ('after', 'trainer'), ('after', 'minimal'))}** | "
                      f"{ratio(cpu, ('after', 'trainer'), ('before', 'trainer'))} | "
                      f"{ratio(wall, ('after', 'trainer'), ('before', 'trainer'))} | "
                      f"{worst:.1e} ({max(diff, key=diff.get)}) |", flush=True)
        finally:
            for w in workers.values():
                w.close()
    load = os.getloadavg()
    print(f"\nload average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
