"""Break a trained network on purpose: a copy with units switched off, biases removed,
weights scaled or made noisy, and the softmax at another temperature.

`edited(model, edit)` never changes `model`: it copies the parameters and changes the copy,
so the result is an ordinary MLP (it runs through the one forward pass, and saves and loads
like any model file). What each edit does to the copy, in this order:

    scale[l] = s      W[l] <- s W[l]
    noise[l] = r      W[l] <- W[l] + r rms(W[l]) N(0, 1), one generator per layer seeded by
                      (seed, l): the same edit gives the same network
    no_bias  l        b[l] <- 0
    off (l, j)        W[l+1][j, :] <- 0: hidden unit j of layer l still computes A[l][j] but
                      sends nothing on, as if A[l][j] were 0 (for ReLU exactly "switched off")
    temperature T     W[L] <- W[L] / T, b[L] <- b[L] / T, so softmax(Z[L]) becomes
                      softmax(Z[L] / T): T > 1 softens the probabilities, T < 1 sharpens them,
                      and the most probable digit never changes
Leaves out: pruning by magnitude, editing single weights, and retraining after the edit.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core.model import MLP


@dataclass(frozen=True)
class Edit:
    off: tuple[tuple[int, int], ...] = ()      # (layer l, unit j) of hidden units switched off
    no_bias: tuple[int, ...] = ()              # layers whose biases are set to 0
    scale: tuple[tuple[int, float], ...] = ()  # (layer l, factor s): W[l] <- s W[l]
    noise: tuple[tuple[int, float], ...] = ()  # (layer l, r): noise of r times the layer's weight RMS
    temperature: float = 1.0
    seed: int = 0

    @property
    def is_identity(self) -> bool:
        return (not self.off and not self.no_bias and all(s == 1 for _, s in self.scale)
                and all(r == 0 for _, r in self.noise) and self.temperature == 1)

    def describe(self) -> list[str]:
        """One plain line per edit (what a file's header or a page says was done)."""
        lines = []
        by_layer: dict[int, list[int]] = {}
        for l, j in self.off:
            by_layer.setdefault(l, []).append(j)
        lines += [f"layer {l}: {len(js)} unit{'s' if len(js) > 1 else ''} switched off ({_runs(js)})"
                  for l, js in sorted(by_layer.items())]
        lines += [f"layer {l}: biases b{l} set to 0" for l in sorted(self.no_bias)]
        lines += [f"layer {l}: weights W{l} times {s:g}" for l, s in self.scale if s != 1]
        lines += [f"layer {l}: noise of {r:g} x RMS added to W{l} (seed {self.seed})" for l, r in self.noise if r]
        if self.temperature != 1:
            lines.append(f"softmax temperature {self.temperature:g}")
        return lines


def _runs(js: list[int]) -> str:
    """Sorted unit numbers with runs of three or more written as a range: "0–59, 61"."""
    js = sorted(set(js))
    parts, start = [], 0
    for i in range(1, len(js) + 1):
        if i == len(js) or js[i] != js[i - 1] + 1:
            run = js[start:i]
            parts += [f"{run[0]}–{run[-1]}"] if len(run) >= 3 else [str(j) for j in run]
            start = i
    return ", ".join(parts)


def check_edit(model: MLP, edit: Edit) -> None:
    """ValueError naming the first edit that does not fit the model."""
    L = model.L
    for l, j in edit.off:
        if not 1 <= l < L or not 0 <= j < model.layer_sizes[l]:
            raise ValueError(f"no hidden unit {j} in layer {l} of {model!r}")
    for l in edit.no_bias:
        if not 1 <= l <= L:
            raise ValueError(f"no layer {l} in {model!r}")
    for what, pairs in (("scale", edit.scale), ("noise", edit.noise)):
        for l, v in pairs:
            if not 1 <= l <= L:
                raise ValueError(f"{what}: no layer {l} in {model!r}")
            if not np.isfinite(v) or (what == "noise" and v < 0):
                raise ValueError(f"{what} of layer {l} must be a finite number{' >= 0' if what == 'noise' else ''}, got {v}")
    if not np.isfinite(edit.temperature) or edit.temperature <= 0:
        raise ValueError(f"the temperature must be a positive number, got {edit.temperature}")


def edited(model: MLP, edit: Edit) -> MLP:
    """A copy of `model` with `edit` applied (model itself is never changed)."""
    check_edit(model, edit)
    twin = model.copy()  # fresh arrays: a read-only shared model stays as it is
    P = twin.params
    for l, s in edit.scale:
        P[f"W{l}"] *= P[f"W{l}"].dtype.type(s)
    for l, r in edit.noise:
        if r:
            W = P[f"W{l}"]
            rms = float(np.sqrt(np.mean(np.square(W, dtype=np.float64))))
            W += (r * rms * np.random.default_rng([edit.seed, l]).standard_normal(W.shape)).astype(W.dtype)
    for l in edit.no_bias:
        P[f"b{l}"][:] = 0
    for l, j in edit.off:
        P[f"W{l + 1}"][j, :] = 0  # (n[l], n[l+1]): row j is everything unit j sends on
    if edit.temperature != 1:
        L = twin.L
        for k in (f"W{L}", f"b{L}"):
            P[k] /= P[k].dtype.type(edit.temperature)
    return twin
