"""Command line: `python -m nn_core train | evaluate | predict`.

    python -m nn_core train --preset fast [--hidden 128 64] [--activation relu]
        [--optimizer adam] [--lr 0.001] [--batch-size 64] [--epochs 5] [--seed 0] ...
        [--save model.npz] [--save-snapshots snaps.npz] [--json]
    python -m nn_core evaluate MODEL.npz
    python -m nn_core predict MODEL.npz IMAGE.png

Every hyperparameter of `TrainConfig` is an option of `train`, derived from its spec
(config.py): the flag, the type, the choices, the help text. A progress bar is drawn on
stderr when it is a terminal; `--json` prints one JSON object at the end (missing values
as null, never NaN). Bad arguments, bad files and unwritable paths get a one-line message
and exit code 2.
Leaves out: a deployer's caps (the dashboard's, server/limits.py): the CLI allows what the
config allows.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

from nn_core.config import TrainConfig, specs
from nn_core.data import load_dataset
from nn_core.evaluate import accuracy, evaluate
from nn_core.fields import Spec, parse_text
from nn_core.files.serialize import MAX_PARAMS, load_model, save_model, save_snapshots
from nn_core.metrics import confusion_matrix, per_class_accuracy
from nn_core.model import n_params
from nn_core.presets import PRESETS, get_preset
from nn_core.trainer import Trainer

# The CLI's default data directory: the repository's bundled assets, or $NN_CORE_DATA.
DEFAULT_DATA = Path(os.environ.get("NN_CORE_DATA", Path(__file__).resolve().parent.parent / "assets"))


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit code 2 (argparse prints the whole usage otherwise)
        raise UsageError(message)


def _text_reader(name: str, spec: Spec):
    """argparse `type=`: text -> a value of the field, range-checked. For `sizes`, each
    argument is one or more sizes ('128' or '128,64'), checked one by one."""
    item = Spec("int", "", lo=spec.lo, hi=spec.hi) if spec.kind == "sizes" else spec

    def read(text: str):
        try:
            value = parse_text(spec, text)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
        problems = [item.problem(name, v) for v in (value if spec.kind == "sizes" else [value])]
        if any(problems):
            raise argparse.ArgumentTypeError(next(p for p in problems if p))
        return value

    read.__name__ = name
    return read


def add_config_arguments(parser: argparse.ArgumentParser, config_cls: type = TrainConfig) -> None:
    """One option per field of the config class: --batch-size for batch_size, and so on."""
    for name, spec in specs(config_cls).items():
        help_text = spec.help.replace("%", "%%") + ("" if spec.kind == "choice" else f" Allowed: {spec.range_text()}.")
        kw = {"dest": name, "default": None, "help": help_text}
        if spec.kind == "choice":
            kw["choices"] = list(spec.choices)
        else:
            kw.update(type=_text_reader(name, spec), metavar=name.upper())
            if spec.kind == "sizes":
                kw.update(nargs="+", metavar="N")
        parser.add_argument("--" + name.replace("_", "-"), **kw)


def build_parser(config_cls: type = TrainConfig) -> argparse.ArgumentParser:
    p = _Parser(prog="python -m nn_core", description="Train and use a NumPy MLP on MNIST.")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="directory of MNIST-format IDX files")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="train a model")
    t.add_argument("--preset", default="fast", choices=list(PRESETS), help="starting hyperparameters")
    add_config_arguments(t, config_cls)
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


def config_from(args: argparse.Namespace, config_cls: type = TrainConfig) -> TrainConfig:
    """The preset's config with every option given on the command line."""
    fields = specs(config_cls)
    changes = {k: getattr(args, k) for k in fields if getattr(args, k, None) is not None}
    for k in [k for k in changes if fields[k].kind == "sizes"]:  # --hidden 128 64 or --hidden 128,64
        changes[k] = [size for part in changes[k] for size in part]
    return config_cls.from_dict({**get_preset(args.preset).config.to_dict(), **changes})


def _writable(path: Path | None) -> None:
    """Refuse an output path before training, not after: its directory must exist and be writable."""
    if path is None:
        return
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ValueError(f"cannot write {path}: it is a directory")
    if not folder.is_dir():
        raise ValueError(f"cannot write {path}: no directory {folder}")
    try:  # the real test (permissions alone say nothing for root, or on a read-only mount)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as e:
        raise ValueError(f"cannot write {path}: could not create a file in {folder} ({e.strerror or e})") from None


def _json_safe(value):
    """NaN and infinities become null: the output is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def _bar(fraction: float, width: int = 30) -> str:
    filled = int(round(fraction * width))
    return "[" + "#" * filled + "." * (width - filled) + "]"


def cmd_train(args) -> dict:
    config = config_from(args)
    n = n_params(config.layer_sizes)
    if args.save and n > MAX_PARAMS:  # checked before training: a file the loaders would refuse
        raise ValueError(f"this network has {n:,} weights and biases; model files hold at most {MAX_PARAMS:,} "
                         "(what `evaluate`, `predict` and the app read): train a smaller one, or leave out --save")
    _writable(args.save)
    _writable(args.save_snapshots)
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
    test_loss, probs = evaluate(trainer.model, data.x_test, data.y_test)
    test_acc = accuracy(probs, data.y_test)
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
    loss, probs = evaluate(model, data.x_test, data.y_test)  # one pass over the test set
    acc = accuracy(probs, data.y_test)
    C = model.layer_sizes[-1]
    per_class = per_class_accuracy(confusion_matrix(data.y_test, probs.argmax(axis=1), C))  # NaN: no images
    result = {"model": str(args.model), "architecture": meta["architecture"], "params": model.n_params,
              "test_accuracy": acc, "test_loss": loss, "per_class_accuracy": [float(a) for a in per_class]}
    if not args.json:
        print(f"{model!r}: test accuracy {acc:.4f}, loss {loss:.4f}")
        print("per class: " + "  ".join(f"{c}:{a:.3f}" if a == a else f"{c}:no images" for c, a in enumerate(per_class)))
    return result


def cmd_predict(args) -> dict:
    from PIL import Image, UnidentifiedImageError

    from nn_core.preprocess import prepare_drawing

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
    except (ValueError, OSError) as e:  # bad config, corrupt or unreadable file, unwritable path: one line
        print(f"python -m nn_core: error: {_one_line(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    if getattr(args, "json", False):
        print(json.dumps(_json_safe(result), allow_nan=False))
    return 0


def _one_line(e: Exception) -> str:
    text = str(e) if not isinstance(e, OSError) or not e.filename else f"{e.filename}: {e.strerror}"
    return " ".join(text.split()) or type(e).__name__
