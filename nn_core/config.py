"""Hyperparameters as one frozen dataclass, and the named presets.

A `TrainConfig` is built by the dashboard and the CLI, validated on construction, and
saved with the weights. `from_dict` rejects unknown keys, so a typo in a saved file or a
URL never passes silently.
Presets reproduce the networks of the five source documents, plus `fast` (the dashboard's
default) and `best` (highest accuracy within a minute of CPU training).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from .activations import ACTIVATIONS
from .model import INITS
from .optimizers import OPTIMIZERS, SCHEDULES

N_INPUTS, N_CLASSES = 784, 10


@dataclass(frozen=True)
class TrainConfig:
    hidden: tuple[int, ...] = (128,)  # hidden layer sizes; 784 inputs and 10 outputs are fixed by MNIST
    activation: str = "relu"          # hidden non-linearity g; without one, layers collapse into one linear map
    init: str = "he"                  # initial weight scale; wrong scales make signals vanish or explode
    optimizer: str = "adam"           # update rule: sgd, momentum or adam
    lr: float = 1e-3                  # learning rate alpha: step size along -gradient
    schedule: str = "constant"        # constant, or cosine decay to 1 % of lr by the last step
    momentum: float = 0.9             # mu for the momentum optimizer: how much past gradients persist
    l2: float = 0.0                   # lambda of the L2 penalty (lambda/2)||W||^2; shrinks weights, fights overfitting
    batch_size: int = 64              # examples per gradient step; 0 = full batch (all training images)
    epochs: int = 5                   # passes over the training set
    n_train: int = 0                  # training images used; 0 = all of them (55,000 for MNIST)
    seed: int = 0                     # one seed fixes initial weights and batch order: same seed, same run
    max_snapshots: int = 24           # parameter copies kept for scrubbing back through training

    def __post_init__(self):
        object.__setattr__(self, "hidden", tuple(self.hidden))
        problems = list(_problems(self))
        if problems:
            raise ValueError("invalid training config: " + "; ".join(problems))

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return (N_INPUTS, *self.hidden, N_CLASSES)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["hidden"] = list(self.hidden)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown config keys {sorted(unknown)}; known keys are {sorted(known)}")
        return cls(**d)

    def replace(self, **changes) -> "TrainConfig":
        """A copy with some fields changed, validated like a new config."""
        return dataclasses.replace(self, **changes)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and abs(v) != float("inf")


def _problems(c: TrainConfig):
    if not c.hidden or not all(_is_int(h) and 1 <= h <= 4096 for h in c.hidden):
        yield f"hidden must be 1 or more sizes in 1..4096, got {list(c.hidden)}"
    if len(c.hidden) > 8:
        yield f"at most 8 hidden layers, got {len(c.hidden)}"
    if c.activation not in ACTIVATIONS:
        yield f"activation must be one of {sorted(ACTIVATIONS)}, got {c.activation!r}"
    if c.init not in INITS:
        yield f"init must be one of {list(INITS)}, got {c.init!r}"
    if c.optimizer not in OPTIMIZERS:
        yield f"optimizer must be one of {list(OPTIMIZERS)}, got {c.optimizer!r}"
    if c.schedule not in SCHEDULES:
        yield f"schedule must be one of {list(SCHEDULES)}, got {c.schedule!r}"
    if not (_is_num(c.lr) and 0 < c.lr <= 100):
        yield f"lr must be a number in (0, 100], got {c.lr!r}"
    if not (_is_num(c.momentum) and 0 <= c.momentum < 1):
        yield f"momentum must be in [0, 1), got {c.momentum!r}"
    if not (_is_num(c.l2) and 0 <= c.l2 <= 1):
        yield f"l2 must be in [0, 1], got {c.l2!r}"
    if not (_is_int(c.batch_size) and c.batch_size >= 0):
        yield f"batch_size must be an integer >= 0 (0 = full batch), got {c.batch_size!r}"
    if not (_is_int(c.epochs) and 1 <= c.epochs <= 10000):
        yield f"epochs must be an integer in 1..10000, got {c.epochs!r}"
    if not (_is_int(c.n_train) and c.n_train >= 0):
        yield f"n_train must be an integer >= 0 (0 = all), got {c.n_train!r}"
    if not (_is_int(c.seed) and 0 <= c.seed < 2**32):
        yield f"seed must be an integer in 0..2**32-1, got {c.seed!r}"
    if not (_is_int(c.max_snapshots) and 2 <= c.max_snapshots <= 1000):
        yield f"max_snapshots must be in 2..1000, got {c.max_snapshots!r}"


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    source: str        # which source document it reproduces (or "ours")
    description: str
    config: TrainConfig = field(default_factory=TrainConfig)


PRESETS: dict[str, Preset] = {p.name: p for p in [
    Preset("fast", "Fast (dashboard default)", "ours",
           "784-128-10 ReLU, Adam with cosine decay: about 97.9 % test accuracy in about 5 seconds.",
           TrainConfig(hidden=(128,), optimizer="adam", lr=2e-3, schedule="cosine", batch_size=64, epochs=5)),
    Preset("best", "Best within a minute", "ours",
           "784-512-256-10 ReLU, Adam with cosine decay and a little L2: above 98.3 % test accuracy.",
           TrainConfig(hidden=(512, 256), optimizer="adam", lr=1e-3, schedule="cosine", l2=1e-5,
                       batch_size=128, epochs=12)),
    Preset("numpy-ai-32", "MNIST AI using NumPy (784-32-10)", "000",
           "Two layers: W1 is 32x784 with ReLU, W2 10x32 with softmax; plain gradient descent "
           "W <- W - alpha dW on mini-batches.",
           TrainConfig(hidden=(32,), optimizer="sgd", lr=0.1, batch_size=32, epochs=10)),
    Preset("column-10", "NN with math and NumPy (784-10-10, full batch)", "001",
           "The column-layout derivation Z = W X + b: 10 ReLU units, weights and biases drawn "
           "from U(-0.5, 0.5), full-batch gradient descent with alpha = 0.1 for 500 iterations.",
           TrainConfig(hidden=(10,), init="uniform", optimizer="sgd", lr=0.1, batch_size=0, epochs=500)),
    Preset("hidden-128", "Digit recognizer with 128 hidden units", "002",
           "784-128-10 with ReLU and softmax, learning rate 0.1, 500 epochs of full-batch "
           "gradient descent (m = batch size = the whole training set).",
           TrainConfig(hidden=(128,), optimizer="sgd", lr=0.1, batch_size=0, epochs=500)),
    Preset("multidim-16-16", "Network as a multidimensional equation (784-16-16-10)", "003",
           "Two hidden ReLU layers of 16: 13,002 parameters; categorical cross-entropy and "
           "gradient descent on mini-batches.",
           TrainConfig(hidden=(16, 16), optimizer="sgd", lr=0.1, batch_size=32, epochs=10)),
    Preset("configurable", "Configurable layers (ReLU/sigmoid, He/Xavier, mini-batches)", "004",
           "Configurable hidden sizes (here 128-64), ReLU with He initialisation (sigmoid pairs "
           "with Xavier), mini-batch gradient descent with alpha = 0.1.",
           TrainConfig(hidden=(128, 64), optimizer="sgd", lr=0.1, batch_size=64, epochs=10)),
]}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; choose one of {list(PRESETS)}") from None
