"""Search for presets with augmentation and dropout: train candidates, log them, race them.

Every candidate trains through the real `Trainer` (its TrainConfig carries the augmentation
and dropout settings), so a config chosen here is exactly what the preset will run. The log
(benchmarks/preset_search.jsonl) also holds earlier rows made before the Trainer took these
settings ("loop": "search"): a loop of its own with the Trainer's conventions (same model,
optimizer, batch order from default_rng([seed, 1]), augmentation from [seed, 2], dropout
masks from [seed, 3], validation timed as part of training), with the same results.

Selection is on validation accuracy: `train` prints and logs validation only and saves the
model; `test` scores saved models on the test set, to be run once the choice is made.

    python -m scripts.search_preset train --name c1 --hidden 512 256 --epochs 16 --shift 2 --rotate 10 ...
    python -m scripts.search_preset test --names c1 c2 ...
    python -m scripts.search_preset race --against best --batch-size 256 ...  # time it beside `best`

A candidate is a preset (`--preset`, default `best`) with any of TrainConfig's fields changed:
the options are derived from the config's specs exactly as `python -m nn_core train`'s are
(nn_core/cli.py), so a new hyperparameter is an option here too, checked the same way.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from devtools.paths import ROOT
from nn_core import MLP, PRESETS, TrainConfig, Trainer, accuracy, evaluate, load_dataset, load_model, save_model
from nn_core.cli import add_config_arguments, config_from

LOG = ROOT / "benchmarks" / "preset_search.jsonl"
MODELS = Path(os.environ.get("SEARCH_MODELS", "/tmp/preset_search"))


def config_of(args) -> TrainConfig:
    """The preset's config with every option given (the CLI's rule, nn_core/cli.py)."""
    return config_from(args)


def train(config: TrainConfig, data) -> tuple[MLP, dict]:
    t = Trainer(config, data)
    for _ in t.run(chunk_steps=1000):
        pass
    return t.model, {"train_seconds": t.elapsed, "epoch_seconds": list(t.history.epoch_time),
                     "val_acc": list(t.history.val_acc), "steps": t.step_count}


def cmd_train(args) -> None:
    import threadpoolctl
    threadpoolctl.threadpool_limits(args.threads, user_api="blas")
    config = config_of(args)
    data = load_dataset(ROOT / "assets")
    load = os.getloadavg()[0]
    model, result = train(config, data)
    MODELS.mkdir(parents=True, exist_ok=True)
    save_model(MODELS / f"{args.name}.npz", model, config.to_dict(), {"val_accuracy": result["val_acc"][-1]})
    row = {"name": args.name, "date": time.strftime("%Y-%m-%d %H:%M"), "threads": args.threads,
           "loop": "Trainer", "load_before": round(load, 2),
           "load_after": round(os.getloadavg()[0], 2), "config": config.to_dict(), "augment": config.augment.describe(),
           "train_seconds": round(result["train_seconds"], 2),
           "epoch_seconds": [round(t, 2) for t in result["epoch_seconds"]],
           "val_acc": [round(a, 4) for a in result["val_acc"]], "note": args.note}
    with open(LOG, "a") as f:
        f.write(json.dumps(row) + "\n")
    print(f"{args.name}: {config.layer_sizes} {config.augment.describe()}, dropout {config.dropout}: "
          f"val {result['val_acc'][-1]:.4f} (best epoch {max(result['val_acc']):.4f}) in {result['train_seconds']:.1f} s "
          f"[{args.threads} BLAS thread(s), load {load:.2f} -> {os.getloadavg()[0]:.2f}]")


def cmd_race(args) -> None:
    """Today's `best` preset and a candidate through the Trainer, taking turns of ~1 s each, so
    that the machine's load falls on both alike; each one's `elapsed` counts only its own turns."""
    import threadpoolctl
    threadpoolctl.threadpool_limits(args.threads, user_api="blas")
    config = config_of(args)
    data = load_dataset(ROOT / "assets")
    base = PRESETS[args.against].config
    runners = {args.against: Trainer(base, data), "candidate": Trainer(config, data)}
    load = os.getloadavg()[0]
    while not all(t.done for t in runners.values()):
        for t in runners.values():
            if not t.done:
                t.run_for(1.0)
    a, b = runners[args.against], runners["candidate"]
    print(f"{args.threads} BLAS thread(s), load {load:.2f} -> {os.getloadavg()[0]:.2f}")
    print(f"{args.against}: {base.epochs} epochs, {a.elapsed:.1f} s, val {a.history.val_acc[-1]:.4f}")
    print(f"candidate ({config.augment.describe()}, dropout {config.dropout:g}, batch {config.batch_size}, {config.epochs} epochs): "
          f"{b.elapsed:.1f} s, val {b.history.val_acc[-1]:.4f}")
    print(f"candidate / {args.against}: {b.elapsed / a.elapsed:.2f}")


def cmd_test(args) -> None:
    data = load_dataset(ROOT / "assets")
    for name in args.names:
        model, meta = load_model(MODELS / f"{name}.npz")
        _, probs = evaluate(model, data.x_test, data.y_test)
        acc = accuracy(probs, data.y_test)
        print(f"{name}: val {meta['metrics']['val_accuracy']:.4f} test {acc:.4f}")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m scripts.search_preset", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train")
    t.add_argument("--name", required=True)
    t.add_argument("--note", default="")
    r = sub.add_parser("race", help="time a candidate against a preset, taking turns")
    r.add_argument("--against", default="best", choices=list(PRESETS))
    for sp in (t, r):
        sp.add_argument("--preset", default="best", choices=list(PRESETS), help="the candidate's starting settings")
        add_config_arguments(sp)  # one option per TrainConfig field, from its spec
        sp.add_argument("--threads", type=int, default=1, help="BLAS threads (1 as the app and tests; the CLI uses all)")
    s = sub.add_parser("test")
    s.add_argument("--names", nargs="+", required=True)
    return ap


def main() -> None:
    ap = parser()
    args = ap.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · {os.cpu_count()} cores · "
          f"Python {platform.python_version()} · NumPy {np.__version__}")
    {"train": cmd_train, "race": cmd_race, "test": cmd_test}[args.command](args)


if __name__ == "__main__":
    main()
