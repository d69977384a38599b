"""The JSON header of a model file, checked against a schema before anything is built from it.

Two levels of trust:
- `parse_header(text, ...)`: the parts the loader builds the model from (format, version,
  architecture, checksum). Anything off is a ValueError, and the architecture is held to
  the caller's caps (`TooLarge` names the cap) before any array is read or allocated.
- `clean_metadata(header)`: the parts that only describe the model (its training settings,
  scores, per-epoch history). Each is kept if well-formed and dropped otherwise, with a
  note in plain words; this never raises.
Before `json.loads` sees the text, a pre-scan (C-speed `str.count`s) bounds its length,
its number of lists and objects (so also its depth: json recurses once per level) and its
number of values (so the objects it builds take at most a few MB).
Leaves out: the arrays themselves (serialize.py checks them against the architecture).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

from nn_core.activations import ACTIVATIONS
from nn_core.config import check_config
from nn_core.model import INITS, n_params

FORMAT = "nn_core.mlp"
VERSION = 1
MAX_HEADER_CHARS = 4_000_000   # the CLI's longest run (10,000 epochs, 8 hidden layers) saves ~2.7 million
MAX_CONTAINERS = 256           # lists and objects; a header has ~20 (one list per history series)
MAX_VALUES = 250_000           # commas; a 10,000-epoch history has ~80,000 numbers
MAX_DEPTH = 6                  # header > metrics > history > val_dead > Z1 > values
MAX_EPOCHS = 10_000            # TrainConfig's own bound
SHA256 = re.compile(r"[0-9a-f]{64}")
DTYPES = ("float32", "float64")
# Per-epoch series of a saved history (History.epoch_summary()), with the range of each value
CURVES = {"train_loss": (0.0, math.inf), "val_loss": (0.0, math.inf),
          "train_acc": (0.0, 1.0), "val_acc": (0.0, 1.0)}              # the loss/accuracy chart needs all four
EXTRA_SERIES = {"epoch_step": "steps at each epoch end", "epoch_time": "time per epoch"}
# Scores, and what a user is told when one is dropped
SCORES = {"test_accuracy": ("test accuracy", 0.0, 1.0), "val_accuracy": ("validation accuracy", 0.0, 1.0),
          "train_accuracy": ("training accuracy", 0.0, 1.0), "test_loss": ("test loss", 0.0, math.inf),
          "val_loss": ("validation loss", 0.0, math.inf), "train_seconds": ("training time", 0.0, math.inf),
          "steps": ("step count", 0, math.inf)}


def shown_int(n: int, digits: int = 15) -> str:
    """A whole number from a file, for a message: 1,234 as such, a longer one by its size
    (a header can hold a 4,000-digit size: printed whole, its message was 5,300 characters)."""
    if abs(n) < 10 ** digits:
        return f"{n:,}"
    about = int(abs(n).bit_length() * 0.30103) + 1  # log10(2): digits, without making the digits
    return f"{'-' if n < 0 else ''}a number of about {about:,} digits"


class TooLarge(ValueError):
    """A size over one of the caps; `cap` is its name (max_hidden, ...), `what` says what it counts."""

    def __init__(self, name: str, cap: str, what: str, limit: int, found: int):
        self.cap, self.what, self.limit, self.found = cap, what, limit, found
        super().__init__(f"{name}: {shown_int(found)} {what}; at most {limit:,} are allowed ({cap})")


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v, lo=-math.inf, hi=math.inf) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and lo <= v <= hi


def _depth(v, limit: int) -> int:
    """Nesting depth of parsed JSON, stopping once it passes limit (the pre-scan bounds it anyway)."""
    if limit < 0 or not isinstance(v, (dict, list)):
        return 0
    items = v.values() if isinstance(v, dict) else v
    return 1 + max((_depth(x, limit - 1) for x in items if isinstance(x, (dict, list))), default=0)


def loads(text: str, name: str, max_chars: int = MAX_HEADER_CHARS):
    """json.loads after the pre-scan; ValueError for anything too long, deep, many or malformed."""
    if len(text) > max_chars:
        raise ValueError(f"{name}: the header is {len(text):,} characters; at most {max_chars:,} are read")
    containers = text.count("[") + text.count("{")
    if containers > MAX_CONTAINERS:
        raise ValueError(f"{name}: the header has {containers:,} lists or objects; a model's has about 20, "
                         f"at most {MAX_CONTAINERS} are read")
    if text.count(",") >= MAX_VALUES:
        raise ValueError(f"{name}: the header has more than {MAX_VALUES:,} values; at most that many are read")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError, MemoryError) as e:  # JSONDecodeError, too-long integers
        raise ValueError(f"{name}: the header is not valid JSON ({str(e)[:120]})") from None
    if _depth(value, MAX_DEPTH) > MAX_DEPTH:
        raise ValueError(f"{name}: the header is nested more than {MAX_DEPTH} levels deep")
    return value


def parse_header(text: str, name: str = "model file", *, max_hidden: int, max_layers: int, max_params: int,
                 max_chars: int = MAX_HEADER_CHARS) -> dict:
    """The header as a dict with a checked `architecture` (layer_sizes as ints, activation, init,
    seed, dtype) and `sha256`; `config` and `metrics` are passed on unchecked for clean_metadata."""
    meta = loads(text, name, max_chars)
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValueError(f"{name}: not an {FORMAT} model file")
    version = meta.get("version")
    if not _is_int(version) or not 1 <= version <= VERSION:
        shown = shown_int(version) if _is_int(version) else "(not a number)"
        raise ValueError(f"{name}: format version {shown} is not supported (this program reads 1..{VERSION})")
    arch = _architecture(meta.get("architecture"), name, max_hidden, max_layers, max_params)
    sha = meta.get("sha256")
    if not isinstance(sha, str) or not SHA256.fullmatch(sha):
        raise ValueError(f"{name}: the header has no valid weights checksum")
    return {"format": FORMAT, "version": version, "architecture": arch, "sha256": sha,
            "config": meta.get("config"), "metrics": meta.get("metrics"),
            "unknown": sorted(k for k in meta if k not in ("format", "version", "architecture", "sha256",
                                                           "config", "metrics"))}


def _architecture(arch, name: str, max_hidden: int, max_layers: int, max_params: int) -> dict:
    if not isinstance(arch, dict) or "layer_sizes" not in arch:
        raise ValueError(f"{name}: the header has no architecture (layer_sizes)")
    unknown = set(arch) - {"layer_sizes", "activation", "init", "seed", "dtype"}
    if unknown:
        raise ValueError(f"{name}: the architecture has unknown entries ({len(unknown)} of them)")
    sizes = arch["layer_sizes"]
    if not isinstance(sizes, list) or len(sizes) < 2:
        raise ValueError(f"{name}: layer_sizes must be a list of at least 2 sizes")
    if len(sizes) - 2 > max_layers:
        raise TooLarge(name, "max_layers", "hidden layers", max_layers, len(sizes) - 2)
    if not all(_is_int(n) and n >= 1 for n in sizes):
        raise ValueError(f"{name}: layer_sizes must be whole numbers >= 1")
    if sizes[1:-1] and max(sizes[1:-1]) > max_hidden:
        raise TooLarge(name, "max_hidden", "units in a hidden layer", max_hidden, max(sizes[1:-1]))
    if n_params(sizes) > max_params:
        raise TooLarge(name, "max_params", "weights and biases", max_params, n_params(sizes))
    activation, init = arch.get("activation", "relu"), arch.get("init", "he")
    seed, dtype = arch.get("seed", 0), arch.get("dtype", "float32")
    if not isinstance(activation, str) or activation not in ACTIVATIONS:  # a list is not even hashable
        raise ValueError(f"{name}: unknown activation; this program knows {', '.join(sorted(ACTIVATIONS))}")
    if not isinstance(init, str) or init not in INITS:
        raise ValueError(f"{name}: unknown initialisation; this program knows {', '.join(INITS)}")
    if not _is_int(seed) or not 0 <= seed < 2**64:
        raise ValueError(f"{name}: the seed must be a whole number in 0..2**64-1")
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise ValueError(f"{name}: the weights' dtype must be float32 or float64")
    return {"layer_sizes": list(sizes), "activation": activation, "init": init, "seed": seed, "dtype": dtype}


# ---------------------------------------------------------------------- metadata
@dataclass(frozen=True)
class Metadata:
    """What a file says about its model, each part well-formed or absent, and what was dropped."""

    config: dict = field(default_factory=dict)     # TrainConfig.to_dict(), or {} if absent or invalid
    metrics: dict = field(default_factory=dict)    # only well-formed scores and a complete history
    notes: tuple[str, ...] = ()                    # plain sentences: what was left out and why


def train_config(d) -> tuple[dict, str | None]:
    """The one place an untrusted dict becomes training settings: (TrainConfig.to_dict(), None),
    or ({}, the reason)."""
    if not isinstance(d, dict):
        return {}, "they are not a table of settings"
    config, problems = check_config(d)
    if config is None:
        return {}, "; ".join(problems)[:300]
    return config.to_dict(), None


def clean_metadata(header: dict) -> Metadata:
    """Config and metrics of a header that passed parse_header (or any dict: this never raises)."""
    notes: list[str] = []
    arch = header.get("architecture") if isinstance(header.get("architecture"), dict) else {}
    config = header.get("config")
    if config in (None, {}):
        config = {}
    else:
        config, why = train_config(config)
        if why:
            notes.append(f"The file's training settings are not valid ({why}), so they are not shown.")
        elif arch and (tuple(config["hidden"]) != tuple(arch.get("layer_sizes", [0, 0])[1:-1])
                       or config["activation"] != arch.get("activation") or config["init"] != arch.get("init")):
            notes.append("The file's training settings describe a different network than its weights, so "
                         "they are not shown.")
            config = {}
    metrics = header.get("metrics")
    if metrics in (None, {}):
        return Metadata(config, {}, tuple(notes))
    if not isinstance(metrics, dict):
        notes.append("The file's scores are not a table of numbers, so none is shown.")
        return Metadata(config, {}, tuple(notes))
    clean, unknown = {}, 0
    for key, value in metrics.items():
        if key == "history":
            history = _history(value, len(arch.get("layer_sizes", [])) - 2, notes)
            if history is not None:
                clean["history"] = history
        elif key in SCORES:
            what, lo, hi = SCORES[key]
            ok = value is None or (_is_num(value, lo, hi) and (key != "steps" or _is_int(value)))
            if ok:
                clean[key] = value
            else:
                notes.append(f"The file's {what} is not a number in the expected range, so it is not shown.")
        else:
            unknown += 1
    if unknown:
        notes.append(f"{unknown} of the file's scores are unknown to this program and were ignored.")
    return Metadata(config, clean, tuple(notes))


def _history(h, hidden_layers: int, notes: list[str]) -> dict | None:
    """A per-epoch history with the four curves of equal length, or None (and a note)."""
    incomplete = "The file's training history is incomplete or malformed, so it is not shown."
    if not isinstance(h, dict):
        notes.append(incomplete)
        return None
    curves = [h.get(k) for k in CURVES]
    if not all(isinstance(c, list) for c in curves):
        notes.append(incomplete)
        return None
    n = len(curves[0])
    if n > MAX_EPOCHS or any(len(c) != n for c in curves) or not all(
            _is_num(v, *CURVES[k]) for k, c in zip(CURVES, curves) for v in c):
        notes.append(incomplete)
        return None
    out = {k: list(c) for k, c in zip(CURVES, curves)}
    for key, what in EXTRA_SERIES.items():
        s = h.get(key)
        if s is None:
            continue
        if isinstance(s, list) and len(s) == n and all(
                _is_int(v) and v >= 0 if key == "epoch_step" else _is_num(v, 0.0) for v in s):
            out[key] = list(s)
        else:
            notes.append(f"The {what} in the file's training history is malformed, so it is not shown.")
    dead = h.get("val_dead")
    if dead is not None:
        names = {f"Z{l}" for l in range(1, hidden_layers + 1)}
        if isinstance(dead, dict) and set(dead) <= names and all(
                isinstance(s, list) and len(s) == n and all(_is_num(v, 0.0, 1.0) for v in s) for s in dead.values()):
            out["val_dead"] = {k: list(s) for k, s in dead.items()}
        else:
            notes.append("The dead-unit record in the file's training history is malformed, so it is not shown.")
    unknown = set(h) - set(CURVES) - set(EXTRA_SERIES) - {"val_dead"}
    if unknown:
        notes.append(f"{len(unknown)} series of the file's training history are unknown to this program and "
                     "were ignored.")
    return out
