"""The numbers the lesson prints about the output, in float64, so the ones printed side by side
never contradict each other.

The network runs in float32: a probability near 1 keeps only about seven digits, so 1 − p
read off it can come out larger than J = −log p (the issue's "J = 9.98e-5 beside
1 − p = 9.99e-5", impossible since −log p ≥ 1 − p). Here both come from the logits in
float64: with s = Σ_{k≠y} e^(Z[k] − Z[y]),

    1 − p = s / (1 + s)        J = log(1 + s) = log1p(s)      (when y is the largest logit)

so J ≥ 1 − p holds in the numbers, and rounding (monotone) keeps it on screen. With an L2
penalty λ the loss the steps descend is J + (λ/2)·Σ‖W‖² (weights, not biases): `Outputs.J`
includes it, `Outputs.ce` is the cross-entropy alone.

`forward64` runs a model on one example in float64 (from its float32 weights): the before
and after of a step are compared there, so a change and the parts it is split into are
computed from the same numbers (views/backprop/why_step.py).
Leaves out: the float32 cache the equations show (the code's own numbers).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core import MLP


@dataclass(frozen=True)
class Outputs:
    Z: np.ndarray        # (C,) the logits, float64
    p: np.ndarray        # (C,) softmax(Z), float64
    label: int
    one_minus: float     # 1 − p[label], not computed as 1 − p (no cancellation)
    ce: float            # −log p[label]
    penalty: float       # (λ/2)·Σ‖W‖², 0 without L2
    l2: float
    sum_sq: float        # Σ‖W‖² over the weight matrices (0 when λ = 0: not needed)

    @property
    def J(self) -> float:
        return self.ce + self.penalty


def outputs(Z: np.ndarray, label: int, model: MLP | None = None, l2: float = 0.0) -> Outputs:
    """The output numbers of one example from its logits Z (C,) (any float type)."""
    Z = np.asarray(Z, np.float64).ravel()
    y = int(label)
    e = np.exp(Z - Z[y])                  # e^(Z[k] − Z[y]); entry y is exactly 1
    s = float(e.sum() - 1.0) if Z[y] < Z.max() else float(np.delete(e, y).sum())
    if Z[y] < Z.max():                    # y not the largest: shift by the largest to stay finite
        M = Z.max()
        ez = np.exp(Z - M)
        p = ez / ez.sum()
        ce = float(np.log(ez.sum()) - (Z[y] - M))
        one_minus = float(np.delete(ez, y).sum() / ez.sum())
    else:
        p = e / (1.0 + s)
        ce = float(np.log1p(s))
        one_minus = s / (1.0 + s)
    sum_sq = float(sum(np.sum(np.asarray(P, np.float64) ** 2) for k, P in model.params.items()
                       if k.startswith("W"))) if (l2 and model is not None) else 0.0
    return Outputs(Z, p, y, one_minus, ce, l2 / 2 * sum_sq, float(l2), sum_sq)


def forward64(model: MLP, x: np.ndarray) -> dict[str, np.ndarray]:
    """Every Z and A of one example (784,) in float64 from the model's weights: {A0, Z1, A1, ..., ZL, AL}."""
    A = np.asarray(x, np.float64).reshape(-1)
    out = {"A0": A}
    for l in range(1, model.L + 1):
        Z = A @ model.params[f"W{l}"].astype(np.float64) + model.params[f"b{l}"]  # (n[l-1],) @ (n[l-1], n[l]) -> (n[l],)
        if l < model.L:
            A = np.asarray(model.g.forward(Z), np.float64)
        else:
            e = np.exp(Z - Z.max())
            A = e / e.sum()
        out[f"Z{l}"], out[f"A{l}"] = Z, A
    return out
