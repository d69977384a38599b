"""Train one candidate preset with augmentation and/or dropout, the way the Trainer would.

Until the Trainer takes `augment` and `dropout` (the config refactor), this is a training
loop of its own with the Trainer's conventions, so that a config chosen here reproduces
there once integrated:
  * model MLP(layer_sizes, activation, init, seed); optimizer make_optimizer(optimizer, l2, momentum);
  * batch order from default_rng([seed, 1]): a new permutation of the training set each epoch,
    batches perm[pos:pos + B], the last one smaller; lr from learning_rate(schedule, ...) at
    every step over ceil(n / B) * epochs steps; the loss of every batch is computed;
  * augmentation draws from default_rng([seed, 2]), dropout masks from default_rng([seed, 3]);
  * validation (5,000 held-out images, never augmented) after every epoch, timed as part of
    training like the Trainer's `elapsed`; data loading and the test set are not.
The per-step records the Trainer keeps (weight and gradient RMS, dead units) are not kept
here: benchmarks/README.md measures what they add (`--trainer` runs the real Trainer with
augmentation and dropout patched in, for that comparison).

Selection is on validation accuracy: `train` prints and logs validation only and saves the
model; `test` scores saved models on the test set, to be run once the choice is made.

    python scripts/search_preset.py train --name c1 --hidden 512 256 --epochs 16 --shift 2 --rotate 10 ...
    python scripts/search_preset.py test --names c1 c2 ...
    python scripts/search_preset.py race --against best --batch-size 256 ...  # time it beside `best`
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nn_core import MLP, TrainConfig, as_float, evaluate, load_dataset, load_model, save_model  # noqa: E402
from nn_core.augment import Augment  # noqa: E402
from nn_core.losses import cross_entropy_int  # noqa: E402
from nn_core.optimizers import learning_rate, make_optimizer  # noqa: E402

LOG = ROOT / "benchmarks" / "preset_search.jsonl"
MODELS = Path(os.environ.get("SEARCH_MODELS", "/tmp/preset_search"))


def train(config: TrainConfig, aug: Augment, dropout: float, data, trainer: bool = False) -> tuple[MLP, dict]:
    if trainer:
        return train_with_trainer(config, aug, dropout, data)
    model = MLP(config.layer_sizes, config.activation, config.init, config.seed)
    opt = make_optimizer(config.optimizer, config.l2, config.momentum)
    order, aug_rng, drop_rng = (np.random.default_rng([config.seed, k]) for k in (1, 2, 3))
    x, y = data.x_train, data.y_train
    n, B = len(y), config.batch_size or len(y)
    total = math.ceil(n / B) * config.epochs
    X_val, step, elapsed, val_acc, epoch_time = None, 0, 0.0, [], []
    for _ in range(config.epochs):
        t0 = time.perf_counter()
        perm = order.permutation(n)
        for pos in range(0, n, B):
            idx = perm[pos:pos + B]
            X = aug(x[idx], aug_rng) if aug.active else as_float(x[idx], model.dtype)
            probs, cache = model.forward(X, check=False, dropout=dropout, rng=drop_rng)
            cross_entropy_int(cache[f"Z{model.L}"], y[idx], probs)
            grads = model.backward(cache, y[idx], check=False)
            opt.update(model.params, grads, learning_rate(config.schedule, config.lr, step, total))
            step += 1
        if X_val is None:
            X_val = as_float(data.x_val, model.dtype)  # converted once, as the Trainer does
        val_acc.append(float((model.forward(X_val, check=False)[0].argmax(axis=1) == data.y_val).mean()))
        epoch_time.append(time.perf_counter() - t0)
        elapsed += epoch_time[-1]
    return model, {"train_seconds": elapsed, "epoch_seconds": epoch_time, "val_acc": val_acc, "steps": step}


def patched_trainer(config: TrainConfig, aug: Augment, dropout: float, data):
    """The current Trainer, with its per-step records, and augmentation and dropout patched in."""
    from nn_core import Trainer

    class Patched(Trainer):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            self._aug_rng, self._drop_rng = np.random.default_rng([config.seed, 2]), np.random.default_rng([config.seed, 3])
            self._dropping = False
            forward = self.model.forward

            def forward_with_dropout(X, check=True):  # dropout for training batches, never for validation
                if self._dropping and dropout:
                    return forward(X, check, dropout=dropout, rng=self._drop_rng)
                return forward(X, check)
            self.model.forward = forward_with_dropout

        def _batch_gradients(self):
            self._dropping = True
            try:
                return super()._batch_gradients()
            finally:
                self._dropping = False

        def _next_batch(self):
            if self._perm is None:
                self._perm = self.rng.permutation(len(self.data.y_train))
            idx = self._perm[self._pos:self._pos + self.batch_size]
            X = aug(self.data.x_train[idx], self._aug_rng) if aug.active else as_float(self.data.x_train[idx])
            return X, self.data.y_train[idx]

    return Patched(config, data)


def train_with_trainer(config: TrainConfig, aug: Augment, dropout: float, data) -> tuple[MLP, dict]:
    t = patched_trainer(config, aug, dropout, data)
    for _ in t.run(chunk_steps=1000):
        pass
    del t.model.forward  # back to the class's method before saving
    return t.model, {"train_seconds": t.elapsed, "epoch_seconds": list(t.history.epoch_time),
                     "val_acc": list(t.history.val_acc), "steps": t.step_count}


def cmd_train(args) -> None:
    import threadpoolctl
    threadpoolctl.threadpool_limits(args.threads, user_api="blas")
    config = TrainConfig(hidden=tuple(args.hidden), optimizer=args.optimizer, lr=args.lr, schedule=args.schedule,
                         l2=args.l2, batch_size=args.batch_size, epochs=args.epochs, seed=args.seed)
    aug = Augment(shift=args.shift, rotate=args.rotate, scale=args.scale, elastic=args.elastic,
                  elastic_sigma=args.elastic_sigma, thickness=args.thickness)
    data = load_dataset(ROOT / "assets")
    load = os.getloadavg()[0]
    model, result = train(config, aug, args.dropout, data, trainer=args.trainer)
    MODELS.mkdir(parents=True, exist_ok=True)
    full = {**config.to_dict(), "augment": aug.to_dict(), "dropout": args.dropout}
    save_model(MODELS / f"{args.name}.npz", model, full, {"val_accuracy": result["val_acc"][-1]})
    row = {"name": args.name, "date": time.strftime("%Y-%m-%d %H:%M"), "threads": args.threads,
           "loop": "Trainer" if args.trainer else "search", "load_before": round(load, 2),
           "load_after": round(os.getloadavg()[0], 2), "config": full, "augment": aug.describe(),
           "train_seconds": round(result["train_seconds"], 2),
           "epoch_seconds": [round(t, 2) for t in result["epoch_seconds"]],
           "val_acc": [round(a, 4) for a in result["val_acc"]], "note": args.note}
    with open(LOG, "a") as f:
        f.write(json.dumps(row) + "\n")
    print(f"{args.name}: {config.layer_sizes} {aug.describe()}, dropout {args.dropout}: "
          f"val {result['val_acc'][-1]:.4f} (best epoch {max(result['val_acc']):.4f}) in {result['train_seconds']:.1f} s "
          f"[{args.threads} BLAS thread(s), load {load:.2f} -> {os.getloadavg()[0]:.2f}]")


def cmd_race(args) -> None:
    """Today's `best` preset and a candidate through the Trainer, taking turns of ~1 s each, so
    that the machine's load falls on both alike; each one's `elapsed` counts only its own turns."""
    import threadpoolctl
    threadpoolctl.threadpool_limits(args.threads, user_api="blas")
    from nn_core import PRESETS
    config = TrainConfig(hidden=tuple(args.hidden), optimizer=args.optimizer, lr=args.lr, schedule=args.schedule,
                         l2=args.l2, batch_size=args.batch_size, epochs=args.epochs, seed=args.seed)
    aug = Augment(shift=args.shift, rotate=args.rotate, scale=args.scale, elastic=args.elastic,
                  elastic_sigma=args.elastic_sigma, thickness=args.thickness)
    data = load_dataset(ROOT / "assets")
    base = PRESETS[args.against].config
    runners = {args.against: patched_trainer(base, Augment(), 0.0, data),
               "candidate": patched_trainer(config, aug, args.dropout, data)}
    load = os.getloadavg()[0]
    while not all(t.done for t in runners.values()):
        for t in runners.values():
            if not t.done:
                t.run_for(1.0)
    a, b = runners[args.against], runners["candidate"]
    print(f"{args.threads} BLAS thread(s), load {load:.2f} -> {os.getloadavg()[0]:.2f}")
    print(f"{args.against}: {base.epochs} epochs, {a.elapsed:.1f} s, val {a.history.val_acc[-1]:.4f}")
    print(f"candidate ({aug.describe()}, dropout {args.dropout:g}, batch {config.batch_size}, {config.epochs} epochs): "
          f"{b.elapsed:.1f} s, val {b.history.val_acc[-1]:.4f}")
    print(f"candidate / {args.against}: {b.elapsed / a.elapsed:.2f}")


def cmd_test(args) -> None:
    data = load_dataset(ROOT / "assets")
    for name in args.names:
        model, meta = load_model(MODELS / f"{name}.npz")
        _, acc = evaluate(model, data.x_test, data.y_test)
        print(f"{name}: val {meta['metrics']['val_accuracy']:.4f} test {acc:.4f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train")
    t.add_argument("--name", required=True)
    t.add_argument("--trainer", action="store_true", help="run the real Trainer with augmentation/dropout patched in")
    t.add_argument("--note", default="")
    r = sub.add_parser("race", help="time a candidate against a preset, taking turns")
    r.add_argument("--against", default="best")
    for sp in (t, r):
        sp.add_argument("--hidden", type=int, nargs="+", default=[512, 256])
        sp.add_argument("--optimizer", default="adam")
        sp.add_argument("--lr", type=float, default=1e-3)
        sp.add_argument("--schedule", default="cosine")
        sp.add_argument("--l2", type=float, default=0.0)
        sp.add_argument("--batch-size", type=int, default=128)
        sp.add_argument("--epochs", type=int, default=12)
        sp.add_argument("--seed", type=int, default=0)
        sp.add_argument("--dropout", type=float, default=0.0)
        for name in ("shift", "rotate", "scale", "elastic", "thickness"):
            sp.add_argument(f"--{name}", type=float, default=0.0)
        sp.add_argument("--elastic-sigma", type=float, default=4.0)
        sp.add_argument("--threads", type=int, default=1, help="BLAS threads (1 as the app and tests; the CLI uses all)")
    s = sub.add_parser("test")
    s.add_argument("--names", nargs="+", required=True)
    args = ap.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · {os.cpu_count()} cores · "
          f"Python {platform.python_version()} · NumPy {np.__version__}")
    {"train": cmd_train, "race": cmd_race, "test": cmd_test}[args.command](args)


if __name__ == "__main__":
    main()
