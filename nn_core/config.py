"""Hyperparameters as one frozen dataclass: the single place they are defined.

Each field of `TrainConfig` has a default, a "why" comment, and a `Spec` (fields.py): its
type and range, its choices, its help text, its URL key and how the dashboard shows it.
The command line, the dashboard's widgets and the link keys are all derived from these
specs, so a new hyperparameter is one new field here.
A `TrainConfig` is validated on construction and saved with the weights. `check_config`
turns an untrusted dict (a model file's header, a link) into a config or a list of
problems; `TrainConfig.from_dict` is the same but raises `ConfigError` (a ValueError).
Leaves out: the named presets (presets.py) and a deployer's caps (server/limits.py).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from nn_core.activations import NAMES as ACTIVATION_NAMES
from nn_core.augment.distort import LIMITS as AUGMENT_LIMITS
from nn_core.augment.distort import Augment
from nn_core.fields import Spec, param, show
from nn_core.model import INITS
from nn_core.optimizers import OPTIMIZERS, SCHEDULES

N_INPUTS, N_CLASSES = 784, 10

LR_STEPS = (0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)


def _aug(name: str, help: str, label: str, steps: tuple, link: str = "") -> Spec:
    """The spec of one augmentation strength: its range is augment.py's, 0 (if allowed) is off."""
    lo, hi = AUGMENT_LIMITS[name]
    return Spec("float", help + " A new draw for every image of every batch; validation and test images are "
                "never changed.", label=label, lo=lo, hi=hi, widget="steps", steps=steps,
                zero="off" if lo == 0 else "", link=link or name, group="augment", half=True)


class ConfigError(ValueError):
    """A config that cannot be built; `problems` lists every reason, one sentence each."""

    def __init__(self, problems: list[str]):
        super().__init__("invalid training config: " + "; ".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class TrainConfig:
    # hidden layer sizes; 784 inputs and 10 outputs are fixed by MNIST
    hidden: tuple[int, ...] = param((128,), Spec(
        "sizes", "Units in each hidden layer, separated by commas: `128` is one hidden layer, `128, 64` two. "
        "Input (784 pixels) and output (10 digits) are fixed.",
        label="Hidden layer sizes", lo=1, hi=4096, max_len=8, widget="sizes", link="hidden"))
    # hidden non-linearity g; without one, layers collapse into one linear map
    activation: str = param("relu", Spec(
        "choice", "The non-linearity after each hidden layer's weighted sum: A = g(Z). Without one, "
        "stacked layers collapse into a single linear map.",
        label="Activation g", choices=ACTIVATION_NAMES, widget="select", link="activation", half=True))
    # initial weight scale; wrong scales make signals vanish or explode
    init: str = param("he", Spec(
        "choice", "He: W ~ N(0, 2/n_in), suited to ReLU. Xavier: N(0, 1/n_in), for sigmoid/tanh. "
        "Uniform: U(-0.5, 0.5), the naive start of the column-layout source document.",
        label="Initialisation", choices=INITS, widget="select", link="init", half=True))
    # update rule
    optimizer: str = param("adam", Spec(
        "choice", "SGD: W ← W − α·dW. Momentum: follow a running sum of past gradients. "
        "Adam: per-weight step sizes from running gradient statistics.",
        label="Optimizer", choices=OPTIMIZERS, widget="select", link="optimizer", half=True))
    # a constant step, or a decaying one that settles into a minimum
    schedule: str = param("constant", Spec(
        "choice", "Constant keeps α fixed; cosine lowers it smoothly to 1 % of α by the last step.",
        label="Schedule", choices=SCHEDULES, widget="select", link="schedule", half=True))
    # learning rate alpha: step size along -gradient
    lr: float = param(1e-3, Spec(
        "float", "Step size along the negative gradient. Too small: slow. Too large (try 10): "
        "the loss explodes and training stops, keeping the last good weights.",
        label="Learning rate α", lo=0, lo_open=True, hi=100, widget="steps", steps=LR_STEPS, link="lr"))
    # mu for the momentum optimizer: how much past gradients persist
    momentum: float = param(0.9, Spec(
        "float", "μ of the momentum optimizer: the fraction of the running gradient sum kept each step.",
        lo=0, hi=1, hi_open=True))
    # examples per gradient step; 0 = full batch (all training images)
    batch_size: int = param(64, Spec(
        "int", "Examples averaged into each gradient step. Full batch (0) uses every training image "
        "for each step, as two of the source documents do.",
        label="Batch size m", lo=0, widget="select", steps=(0, 16, 32, 64, 128, 256, 512), zero="full batch",
        link="batch", half=True))
    # passes over the training set
    epochs: int = param(5, Spec(
        "int", "Passes over the training set.", label="Epochs", lo=1, hi=10000, widget="number", link="epochs",
        half=True))
    # lambda of the L2 penalty (lambda/2)||W||^2; shrinks weights, fights overfitting
    l2: float = param(0.0, Spec(
        "float", "Adds λ/2·‖W‖² to the loss, i.e. λ·W to each weight gradient: keeps weights small.",
        label="L2 penalty λ", lo=0, hi=1, widget="steps", steps=(0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2), zero="off",
        link="l2"))
    # training images used; 0 = all of them (55,000 for MNIST)
    n_train: int = param(0, Spec(
        "int", "How many of the 55,000 training images to learn from (5,000 more are held out for "
        "validation, 10,000 for the test); 0 = all.",
        label="Training images", lo=0, widget="steps", steps=(500, 1000, 2000, 5000, 10000, 20000, 55000),
        zero="all", link="n_train"))
    # one seed fixes initial weights and batch order: same seed, same run
    seed: int = param(0, Spec(
        "int", "Fixes the initial weights and the order of the batches: same seed, same run.",
        label="Seed", lo=0, hi=2**32 - 1, widget="number", link="seed"))
    # --- augmentation (augment.py) and dropout (model.py): all off by default, so a config
    # without them trains exactly as before they existed. Only training batches change.
    # random shift per axis, in pixels; drawings are rarely centred to the pixel
    shift: float = param(0.0, _aug("shift", "Moves each training image by a random amount of up to this many "
                                   "pixels, across and down.", "Shift (px)", (0, 1, 2, 3, 4)))
    # random rotation about the middle, in degrees; people slant their digits
    rotate: float = param(0.0, _aug("rotate", "Turns each training image by a random angle of up to ± this many "
                                    "degrees about the middle.", "Rotation (°)", (0, 5, 10, 15, 20, 30)))
    # random zoom between 1 - scale and 1 + scale; digits come in different sizes
    scale: float = param(0.0, _aug("scale", "Zooms each training image by a random factor between 1 − s and "
                                   "1 + s (0.1: up to 10 % smaller or larger).", "Zoom ± s",
                                   (0, 0.05, 0.1, 0.15, 0.2, 0.3)))
    # RMS of a smooth random displacement field, in pixels (Simard et al. 2003); wobbly strokes
    elastic: float = param(0.0, _aug("elastic", "Bends the strokes: every pixel moves along a smooth random field "
                                     "with this root-mean-square displacement in pixels (Simard et al. 2003).",
                                     "Elastic (px)", (0, 0.5, 0.7, 1, 1.5, 2, 3)))
    # how far the elastic field stays coherent; only matters when elastic > 0
    elastic_sigma: float = param(4.0, _aug("elastic_sigma", "Width of the smoothing of the elastic field: pixels "
                                           "closer than about σ move together. Large σ: gentle bends; small σ: "
                                           "wobbly strokes. Only used when elastic distortion is on.",
                                           "Elastic σ (px)", (2, 3, 4, 5, 6, 8), link="sigma"))
    # fraction of a 1-pixel dilation (thicker) or erosion (thinner); brushes differ
    thickness: float = param(0.0, _aug("thickness", "Makes each training image's strokes randomly thicker or "
                                       "thinner, by up to this fraction of one pixel on each side.",
                                       "Thickness", (0, 0.1, 0.2, 0.3, 0.5, 1)))
    # p of inverted dropout on every hidden layer during training; fights co-adapted units
    dropout: float = param(0.0, Spec(
        "float", "While training, each hidden unit is switched off with probability p for each image, and the "
        "others are scaled by 1/(1 − p); at test time every unit works. Makes units useful on their own.",
        label="Dropout p", lo=0, hi=1, hi_open=True, widget="steps", steps=(0, 0.1, 0.2, 0.3, 0.5), zero="off",
        link="dropout", group="augment", half=True))
    # parameter copies kept for scrubbing back through training (the dashboard sets it from its memory budget)
    max_snapshots: int = param(24, Spec(
        "int", "Parameter snapshots kept for scrubbing back through training.", lo=2, hi=1000))

    def __post_init__(self):
        if isinstance(self.hidden, list):
            object.__setattr__(self, "hidden", tuple(self.hidden))
        fields = specs(type(self))
        problems = [p for name, spec in fields.items() if (p := spec.problem(name, getattr(self, name)))]
        if problems:
            raise ConfigError(problems)
        for name, spec in fields.items():  # e.g. lr=1 -> 1.0: equal configs compare and save alike
            object.__setattr__(self, name, spec.normal(getattr(self, name)))

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return (N_INPUTS, *self.hidden, N_CLASSES)

    @property
    def augment(self) -> Augment:
        """The random distortions of a training batch (augment.py); inactive when all are 0."""
        return Augment(self.shift, self.rotate, self.scale, self.elastic, self.elastic_sigma, self.thickness)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["hidden"] = list(self.hidden)
        return d

    @classmethod
    def from_dict(cls, d: Any) -> "TrainConfig":
        """A config from an untrusted dict; missing keys take their defaults. Raises ConfigError."""
        config, problems = check_config(d, cls)
        if problems:
            raise ConfigError(problems)
        return config

    def replace(self, **changes) -> "TrainConfig":
        """A copy with some fields changed, validated like a new config."""
        return dataclasses.replace(self, **changes)


def specs(cls: type = TrainConfig) -> dict[str, Spec]:
    """Field name -> Spec of a config class, in the order the fields are declared (the
    dashboard's order). A subclass with more fields has more specs."""
    return {f.name: f.metadata["spec"] for f in dataclasses.fields(cls)}


def check_config(d: Any, cls: type = TrainConfig) -> tuple[TrainConfig | None, list[str]]:
    """An untrusted dict (a file's JSON header, a link's values) -> (config, []) or (None, problems).

    Every problem is found, not only the first: unknown keys, wrong types, values out of
    range, choices not offered. Missing keys take their defaults. Never raises: anything
    that is not a dict of the right shape is a problem.
    """
    if not isinstance(d, dict):
        return None, [f"a training config must be a JSON object, got {show(d)}"]
    fields = specs(cls)
    unknown = [k for k in d if k not in fields]
    problems = [f"unknown config keys {show(sorted(map(str, unknown)))}; known keys are {', '.join(fields)}"] \
        if unknown else []
    problems += [p for k, spec in fields.items() if k in d and (p := spec.problem(k, d[k]))]
    if problems:
        return None, problems
    try:
        return cls(**{k: fields[k].normal(v) for k, v in d.items()}), []
    except ValueError as e:  # a rule across fields (none today); kept so this never raises
        return None, getattr(e, "problems", [str(e)])
