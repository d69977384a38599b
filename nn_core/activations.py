"""Hidden-layer activations g(Z) with their derivatives g'(Z) and their traits, and softmax in steps.

Each activation is a pair of element-wise functions, `forward(Z) -> A` and
`derivative(Z, A) -> g'(Z)` (A is passed so sigmoid and tanh reuse it instead of
recomputing exponentials), and the traits the pages ask instead of matching its name:

    negative_slope  g'(z) for every z < 0 when that is one number (ReLU 0, leaky ReLU 0.01);
                    None where it changes with z (sigmoid, tanh)
    can_die         negative_slope == 0: a unit with Z <= 0 on every input gets no gradient
                    and training cannot bring it back
    flat_word       what a unit whose slope is flat on every input is called: "dead",
                    "leaking", "saturated"
    max_slope       the largest g'(z)
    flat(Z, A)      where a unit is flat: g'(Z) <= FLAT * max_slope, or on the side below
                    zero when that side has one slope. The one definition of a dead,
                    leaking or saturated unit: Weights and Units count with it, and
                    Train's chart of units with Z <= 0 on every example is drawn only
                    where that is the same set (negative_slope is not None)

Adding an activation is two edits: here, its functions and traits, one entry in
ACTIVATIONS; in assets/text, its words (the parts ui/text.py PER_ACTIVATION lists;
tests/test_text.py names any that is missing). Everything else reads ACTIVATIONS: the
config's choices (NAMES), the command line, links, model files, teaching pairs, the pages.
Softmax lives here too, split into the steps a reader can follow: shift by the row maximum,
exponentiate, normalise.
Leaves out: softmax's Jacobian (backprop uses the fused softmax + cross-entropy gradient
A - Y, see `losses.py`) and the sentences about each activation (assets/text).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Iterator

import numpy as np

LEAKY_SLOPE = 0.01  # slope of leaky ReLU for z < 0
FLAT = 0.01         # a slope at most this share of the largest one is "flat": almost no gradient flows
_GRID = np.linspace(-8, 8, 1601, dtype=np.float64)  # includes 0, where sigmoid and tanh are steepest


@dataclass(frozen=True)
class Activation:
    name: str         # the key in ACTIVATIONS, configs, links and model files: "leaky_relu"
    title: str        # how a sentence names it: "leaky ReLU"
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]
    formula: str             # LaTeX of g(z), for display
    derivative_formula: str  # LaTeX of g'(z)
    negative_slope: float | None  # g'(z) for z < 0 when it is one number, else None
    flat_word: str                # a unit flat on every input is ... ("dead", "saturated")

    @property
    def can_die(self) -> bool:
        """Whether a unit can go silent for good: g' = 0 on the whole side below zero."""
        return self.negative_slope == 0

    @cached_property
    def max_slope(self) -> float:
        """The largest g'(z), read off a grid of z in [-8, 8]."""
        return float(np.max(self.derivative(_GRID, self.forward(_GRID))))

    @cached_property
    def flat_slope(self) -> float:
        """Slopes up to this are flat: FLAT of the largest, or the slope below zero when it
        is one number (so a leaky ReLU unit with Z <= 0 counts, whatever its leak)."""
        return max(FLAT * self.max_slope, self.negative_slope or 0.0)

    def flat(self, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        """Where the slope is flat (bool, the shape of Z): g'(Z) <= flat_slope, compared in Z's
        precision (float32's 0.01 is not float64's)."""
        return self.derivative(Z, A) <= np.asarray(self.flat_slope, Z.dtype)


def _relu(Z):
    return np.maximum(Z, 0)


def _relu_grad(Z, A):
    return Z > 0  # the ReLU mask (g'(0) := 0); bool multiplies like 0/1 without a float copy


def _sigmoid(Z):
    # 1/(1+e^-z) written so neither branch overflows: for z<0 use e^z/(1+e^z).
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1 / (1 + E), E / (1 + E))


def _sigmoid_grad(Z, A):
    return A * (1 - A)


def _tanh(Z):
    return np.tanh(Z)


def _tanh_grad(Z, A):
    return 1 - A * A


def leaky_relu(slope: float = LEAKY_SLOPE) -> Activation:
    """Leaky ReLU with this slope below zero: g(z) = z for z > 0, slope * z otherwise."""
    return Activation(
        "leaky_relu", "leaky ReLU",
        lambda Z: np.where(Z > 0, Z, Z * slope),
        lambda Z, A: np.where(Z > 0, 1, slope).astype(Z.dtype),
        rf"\max({slope:g}z, z)", rf"1 \text{{ if }} z>0 \text{{ else }} {slope:g}",
        negative_slope=slope, flat_word="leaking")


ACTIVATIONS: dict[str, Activation] = {g.name: g for g in [
    Activation("relu", "ReLU", _relu, _relu_grad, r"\max(0, z)", r"\mathbb{1}[z > 0]",
               negative_slope=0.0, flat_word="dead"),
    leaky_relu(),
    Activation("sigmoid", "sigmoid", _sigmoid, _sigmoid_grad, r"\frac{1}{1+e^{-z}}", r"g(z)\,(1-g(z))",
               negative_slope=None, flat_word="saturated"),
    Activation("tanh", "tanh", _tanh, _tanh_grad, r"\tanh z", r"1-\tanh^2 z",
               negative_slope=None, flat_word="saturated"),
]}


class _Names(Sequence):
    """The names in ACTIVATIONS, read each time they are asked for: the config's choices,
    so an activation added to the registry is offered and accepted everywhere at once."""

    def __getitem__(self, i):
        return tuple(ACTIVATIONS)[i]

    def __len__(self) -> int:
        return len(ACTIVATIONS)

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(ACTIVATIONS))

    def __contains__(self, name) -> bool:
        return isinstance(name, str) and name in ACTIVATIONS

    def __repr__(self) -> str:
        return repr(tuple(ACTIVATIONS))


NAMES = _Names()


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}") from None


def softmax_steps(Z: np.ndarray) -> dict[str, np.ndarray]:
    """Softmax of each row of Z (m, C), returning every step.

    shifted = Z - max_j Z      (m, C)  same result, no overflow: e^(z - c) / sum e^(z - c)
    exp     = e^shifted        (m, C)  in (0, 1], the largest entry is exactly 1
    sum     = sum_j exp        (m, 1)
    probs   = exp / sum        (m, C)  rows sum to 1
    """
    shifted = Z - Z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    return {"shifted": shifted, "exp": e, "sum": total, "probs": e / total}


def softmax(Z: np.ndarray) -> np.ndarray:
    """The probs of `softmax_steps`, the same numbers, in one array: the steps run in place."""
    e = Z - np.maximum.reduce(Z, axis=1, keepdims=True)  # (m, C) shifted
    np.exp(e, out=e)                                      # exp
    e /= np.add.reduce(e, axis=1, keepdims=True)          # / sum
    return e
