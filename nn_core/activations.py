"""Hidden-layer activations g(Z) with their derivatives g'(Z), and softmax in steps.

Each activation is a pair of element-wise functions: `forward(Z) -> A` and
`derivative(Z, A) -> g'(Z)` (A is passed so sigmoid and tanh reuse it instead of
recomputing exponentials). Softmax lives here too, split into the steps a reader can
follow: shift by the row maximum, exponentiate, normalise.
Leaves out: softmax's Jacobian (backprop uses the fused softmax + cross-entropy gradient
A - Y, see `losses.py`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

LEAKY_SLOPE = 0.01  # slope of leaky ReLU for z < 0


@dataclass(frozen=True)
class Activation:
    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]
    formula: str  # LaTeX of g(z), for display
    derivative_formula: str  # LaTeX of g'(z)


def _relu(Z):
    return np.maximum(Z, 0)


def _relu_grad(Z, A):
    return Z > 0  # the ReLU mask (g'(0) := 0); bool multiplies like 0/1 without a float copy


def _leaky_relu(Z):
    return np.where(Z > 0, Z, Z * LEAKY_SLOPE)


def _leaky_relu_grad(Z, A):
    return np.where(Z > 0, 1, LEAKY_SLOPE).astype(Z.dtype)


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


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation("relu", _relu, _relu_grad, r"\max(0, z)", r"\mathbb{1}[z > 0]"),
    "leaky_relu": Activation("leaky_relu", _leaky_relu, _leaky_relu_grad,
                             r"\max(0.01z, z)", r"1 \text{ if } z>0 \text{ else } 0.01"),
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_grad, r"\frac{1}{1+e^{-z}}", r"g(z)\,(1-g(z))"),
    "tanh": Activation("tanh", _tanh, _tanh_grad, r"\tanh z", r"1-\tanh^2 z"),
}


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
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
    return softmax_steps(Z)["probs"]
