"""Command line: `python -m nn_core train | evaluate | predict`.

    python -m nn_core train --preset fast [--hidden 128 64] [--activation relu]
        [--optimizer adam] [--lr 0.001] [--batch-size 64] [--epochs 5] [--seed 0]
        [--save model.npz] [--save-snapshots snaps.npz] [--json]
    python -m nn_core evaluate MODEL.npz
    python -m nn_core predict MODEL.npz IMAGE.png

A progress bar is drawn on stderr when it is a terminal. `--json` prints one JSON object
at the end. Bad arguments get a one-line message and exit code 2.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

from .config import PRESETS, TrainConfig, get_preset
from .data import load_dataset
from .serialize import load_model, save_model, save_snapshots
from .trainer import Trainer, evaluate, score

# The CLI's default data directory: the repository's bundled assets, or $NN_CORE_DATA.
DEFAULT_DATA = Path(os.environ.get("NN_CORE_DATA", Path(__file__).resolve().parent.parent / "assets"))


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit code 2 (argparse prints the whole usage otherwise)
        raise UsageError(message)


def _positive_int(s: str) -> int:
    v = int(s)
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {v}")
    return v


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m nn_core", description="Train and use a NumPy MLP on MNIST.")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="directory of MNIST-format IDX files")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="train a model")
    t.add_argument("--preset", default="fast", choices=list(PRESETS), help="starting hyperparameters")
    t.add_argument("--hidden", type=_positive_int, nargs="+", help="hidden layer sizes, e.g. 128 64")
    t.add_argument("--activation", choices=["relu", "leaky_relu", "sigmoid", "tanh"])
    t.add_argument("--init", choices=["he", "xavier", "uniform"])
    t.add_argument("--optimizer", choices=["sgd", "momentum", "adam"])
    t.add_argument("--lr", type=float, help="learning rate")
    t.add_argument("--schedule", choices=["constant", "cosine"])
    t.add_argument("--l2", type=float, help="L2 penalty lambda")
    t.add_argument("--batch-size", type=int, help="examples per step (0 = full batch)")
    t.add_argument("--epochs", type=_positive_int)
    t.add_argument("--n-train", type=int, help="training images to use (0 = all)")
    t.add_argument("--seed", type=int)
    t.add_argument("--save", type=Path, help="write the trained model here (.npz)")
    t.add_argument("--save-snapshots", type=Path, metavar="PATH",
                   help="also write the run's parameter snapshots (start and each epoch) here (.npz)")
    t.add_argument("--json", action="store_true", help="print one JSON object with the results")

    e = sub.add_parser("evaluate", help="test accuracy of a saved model")
    e.add_argument("model", type=Path)
    e.add_argument("--json", action="store_true")

    r = sub.add_parser("predict", help="classify an image file (a drawing or a 28x28 digit)")
    r.add_argument("model", type=Path)
    r.add_argument("image", type=Path)
    r.add_argument("--json", action="store_true")
    return p


def _config_from(args) -> TrainConfig:
    changes = {"hidden": tuple(args.hidden) if args.hidden else None, "activation": args.activation,
               "init": args.init, "optimizer": args.optimizer, "lr": args.lr, "schedule": args.schedule,
               "l2": args.l2, "batch_size": args.batch_size, "epochs": args.epochs,
               "n_train": args.n_train, "seed": args.seed}
    return get_preset(args.preset).config.replace(**{k: v for k, v in changes.items() if v is not None})


def _bar(fraction: float, width: int = 30) -> str:
    filled = int(round(fraction * width))
    return "[" + "#" * filled + "." * (width - filled) + "]"


def cmd_train(args) -> dict:
    config = _config_from(args)
    data = load_dataset(args.data)
    trainer = Trainer(config, data)
    tty = sys.stderr.isatty()
    for p in trainer.run(chunk_steps=max(1, trainer.steps_per_epoch // 50)):
        if tty:
            val = f" val {trainer.history.val_acc[-1]:.4f}" if trainer.history.val_acc else ""
            sys.stderr.write(f"\r{_bar(p.fraction)} {p.step}/{p.total_steps} epoch {p.epoch}"
                             f" loss {p.loss:.4f}{val} {p.elapsed:.1f}s eta {p.eta:.0f}s ")
            sys.stderr.flush()
    if tty:
        sys.stderr.write("\n")
    if trainer.status == "diverged":
        print(trainer.message, file=sys.stderr)
    test_loss, test_acc = evaluate(trainer.model, data.x_test, data.y_test)
    H = trainer.history
    result = {
        "preset": args.preset, "config": config.to_dict(), "status": trainer.status,
        "params": trainer.model.n_params, "steps": trainer.step_count,
        "train_seconds": round(trainer.elapsed, 3),
        "epoch_seconds": [round(t, 3) for t in H.epoch_time],
        "train_accuracy": H.train_acc[-1] if H.train_acc else None,
        "val_accuracy": H.val_acc[-1] if H.val_acc else None,
        "test_accuracy": test_acc, "test_loss": test_loss,
    }
    if args.save:
        metrics = {k: result[k] for k in ("val_accuracy", "test_accuracy", "test_loss", "train_seconds", "steps")}
        metrics["history"] = H.epoch_summary()
        save_model(args.save, trainer.model, config.to_dict(), metrics)
        result["saved"] = str(args.save)
    if args.save_snapshots:
        save_snapshots(args.save_snapshots, trainer.snapshots)
        result["snapshots"] = len(trainer.snapshots)
    if not args.json:
        print(f"{trainer.model!r}: test accuracy {test_acc:.4f}, validation {result['val_accuracy']}, "
              f"{result['train_seconds']:.1f} s of training" + (f", saved to {args.save}" if args.save else ""))
    return result


def cmd_evaluate(args) -> dict:
    model, meta = load_model(args.model)
    data = load_dataset(args.data)
    loss, pred = score(model, data.x_test, data.y_test)  # one pass over the test set
    acc = float((pred == data.y_test).mean())
    per_class = [float((pred[data.y_test == c] == c).mean()) for c in range(model.layer_sizes[-1])]
    result = {"model": str(args.model), "architecture": meta["architecture"], "params": model.n_params,
              "test_accuracy": acc, "test_loss": loss, "per_class_accuracy": per_class}
    if not args.json:
        print(f"{model!r}: test accuracy {acc:.4f}, loss {loss:.4f}")
        print("per class: " + "  ".join(f"{c}:{a:.3f}" for c, a in enumerate(per_class)))
    return result


def cmd_predict(args) -> dict:
    from PIL import Image, UnidentifiedImageError

    from .preprocess import prepare_drawing

    model, _ = load_model(args.model)
    try:
        with Image.open(args.image) as img:
            pixels = np.asarray(img.convert("RGBA" if "A" in img.getbands() else "L"))
    except (OSError, UnidentifiedImageError) as e:
        raise ValueError(f"{args.image}: not a readable image ({e})") from None
    steps = prepare_drawing(pixels)
    if steps is None:
        raise ValueError(f"{args.image}: the image is blank; nothing to classify")
    probs = model.predict_proba(steps["x"][None, :])[0]
    digit = int(probs.argmax())
    result = {"image": str(args.image), "prediction": digit, "confidence": float(probs[digit]),
              "probabilities": [round(float(p), 6) for p in probs]}
    if not args.json:
        print(f"{digit}  ({probs[digit]:.1%} confident)")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        result = {"train": cmd_train, "evaluate": cmd_evaluate, "predict": cmd_predict}[args.command](args)
    except UsageError as e:
        print(f"python -m nn_core: error: {e}", file=sys.stderr)
        return 2
    except ValueError as e:  # bad config, corrupt model or data file: a clear one-line message
        print(f"python -m nn_core: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    if getattr(args, "json", False):
        print(json.dumps(result))
    return 0
