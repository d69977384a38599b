"""The backward pass one layer further than learning needs: the gradient with respect to the
pixels, and nudging an input until the network reads another digit.

    dJ/dX = dZ[1] W[1]^T          (m, n1) @ (n1, 784) -> (m, 784)

says how the loss would change if each pixel got a little brighter. `nudge` follows it:
a few signed-gradient steps on J_k = -log A[L][k] (the loss if the digit were k), each
moving only the handful of pixels with the largest gradient, until the prediction is k.
It is a targeted adversarial example in the style of the fast gradient sign method,
restricted to few pixels so the change stays small and can be counted.
Leaves out: batches of inputs to nudge, other distance measures, defences.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core.model import MLP


def input_gradient(model: MLP, X: np.ndarray, y: np.ndarray, cache: dict | None = None) -> np.ndarray:
    """dJ/dX (m, 784) of the mean cross-entropy of X (m, 784) with labels y (m,). cache: the
    forward pass of X if it has run already (then only the backward pass runs)."""
    if cache is None:
        _, cache = model.forward(X)
    return pixel_gradient(model, model.backward(cache, y))


def pixel_gradient(model: MLP, grads: dict[str, np.ndarray]) -> np.ndarray:
    """dJ/dX (m, 784) from the gradients of a backward pass: dZ1 W1^T."""
    return grads["dZ1"] @ model.params["W1"].T  # (m, n1) @ (n1, 784) -> (m, 784)


@dataclass(frozen=True)
class Nudge:
    x: np.ndarray              # (784,) the nudged input, in [0, 1]
    target: int
    steps: int                 # signed-gradient steps taken
    reached: bool              # the network now reads `target`
    probs_before: np.ndarray   # (10,) on the original input
    probs_after: np.ndarray    # (10,) on the nudged input

    def change(self, x0: np.ndarray) -> np.ndarray:
        return self.x - np.ravel(x0)

    def pixels_changed(self, x0: np.ndarray) -> int:
        return int(np.count_nonzero(np.abs(self.change(x0)) > 1e-6))


def nudge(model: MLP, x: np.ndarray, target: int, step: float = 0.25, pixels: int = 8,
          max_steps: int = 40, cache: dict | None = None) -> Nudge:
    """Move `pixels` pixels per step by `step` (clipped to [0, 1]) against dJ_target/dx, the
    ones with the largest |gradient| that can still move that way, until the network reads
    `target` or `max_steps` steps are spent. cache: the forward pass of x (1, 784), if it has
    run already. One forward pass per step: its cache gives the next step's gradient."""
    if not 0 <= int(target) < model.layer_sizes[-1]:
        raise ValueError(f"target must be a class 0..{model.layer_sizes[-1] - 1}, got {target}")
    if step <= 0 or pixels < 1 or max_steps < 0:
        raise ValueError("step must be > 0, pixels >= 1 and max_steps >= 0")
    x0 = np.asarray(x, np.float64).reshape(1, -1)
    xt = x0.astype(model.dtype)
    y = np.array([int(target)])
    if cache is None:
        _, cache = model.forward(xt)
    before = cache[f"A{model.L}"][0]
    probs, steps = before, 0
    while int(probs.argmax()) != target and steps < max_steps:
        g = input_gradient(model, xt, y, cache)[0]  # (784,)
        movable = ((g > 0) & (xt[0] > 0)) | ((g < 0) & (xt[0] < 1))  # can still go against the gradient
        if not movable.any():
            break
        strength = np.where(movable, np.abs(g), -1.0)
        chosen = np.argsort(-strength, kind="stable")[:pixels]
        chosen = chosen[strength[chosen] > 0]
        xt = xt.copy()
        xt[0, chosen] = np.clip(xt[0, chosen] - step * np.sign(g[chosen]), 0, 1)
        probs, cache = model.forward(xt)
        probs = probs[0]
        steps += 1
    return Nudge(xt[0].astype(np.float32), int(target), steps, int(probs.argmax()) == target, before, probs)
