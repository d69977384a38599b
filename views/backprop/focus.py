"""Which entries the Backprop page shows, and the one selection that drives every highlight.

A 784-128-10 network has 100,000 weights; a page can show a few. The entries chosen are
the ones that matter for this example:
  the path     one pixel -> one unit of each hidden layer -> one digit: the chain-rule
               picture follows it, and every table highlights its entries
  units        for each hidden layer: the path's unit, the most active units, the unit
               with the largest error |dZ|, and one silent unit (A = 0) if there is one
  pixels       the path's pixel and the inked pixels that feed the path's unit most
  digits       the columns of the output-side tables: the true digit, the prediction,
               the path's digit
The selected unit of layer 1 is path[1]: its template, bias, activation, row of W2, dZ1
and dW1 column are the ones highlighted wherever they appear.
Leaves out: widgets (the page and views/backprop/chain.py choose the selection).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core import MLP

SHOWN_UNITS = 5   # rows of a hidden layer's tables: fits a phone's column
SHOWN_PIXELS = 4


@dataclass(frozen=True)
class Focus:
    label: int                           # the true digit y
    predicted: int                       # argmax of A[L]
    path: tuple[int, ...]                # (pixel, unit of layer 1, ..., unit of layer L-1, digit)
    units: tuple[tuple[int, ...], ...]   # units[l - 1]: the shown units of hidden layer l, ascending
    pixels: tuple[int, ...]              # the shown pixels, ascending
    ink: int                             # how many pixels have ink (x > 0)
    runner_up: int                       # the most probable digit other than the true one

    @property
    def digit(self) -> int:
        return self.path[-1]

    @property
    def unit(self) -> int | None:
        """The selected unit of layer 1 (None for a network without hidden layers)."""
        return self.path[1] if len(self.path) > 2 else None

    def selected(self, l: int) -> int:
        """The path's entry in layer l: 0 the pixel, 1..L-1 a unit, L the digit."""
        return self.path[l]

    def shown(self, l: int, n: int) -> tuple[int, ...]:
        """The shown entries of layer l (0 pixels, L digits: all ten) for a layer of n entries."""
        if l == 0:
            return self.pixels
        if l == len(self.path) - 1:
            return tuple(range(n))
        return self.units[l - 1]

    def columns(self) -> tuple[int, ...]:
        """The digits an output-side table shows as columns: true, predicted, path's digit (or
        the runner-up, so there are always at least two)."""
        return tuple(dict.fromkeys((self.label, self.predicted, self.digit, self.runner_up)))[:3]


def choose(model: MLP, cache: dict[str, np.ndarray], grads: dict[str, np.ndarray], label: int,
           unit: int | None = None, pixel: int | None = None, digit: int | None = None,
           deeper: dict[int, int] | None = None) -> Focus:
    """The focus for one example (cache/grads of a (1, 784) batch). unit, pixel, digit and
    deeper ({layer: unit} for layers 2..L-1) are the user's choices; None picks the entry
    that matters most (the unit with the largest |dZ1|, the inked pixel feeding it most,
    the true digit, the next layer's unit that passes it the most gradient)."""
    L = model.L
    x = cache["A0"][0]
    digit = label if digit is None else int(digit)
    path: list[int] = [0] * (L + 1)
    path[L] = digit
    for l in range(1, L):
        dZ = np.abs(grads[f"dZ{l}"][0])
        chosen = unit if l == 1 else (deeper or {}).get(l)
        if chosen is None or not 0 <= chosen < dZ.size:
            if l == 1:
                chosen = int(dZ.argmax())
            else:  # the unit that carries the most of the previous path unit's gradient
                chosen = int(np.abs(model.params[f"W{l}"][path[l - 1]] * grads[f"dZ{l}"][0]).argmax())
        path[l] = int(chosen)
    first = path[1] if L > 1 else digit
    feed = np.abs(x * model.params["W1"][:, first])  # how much each pixel feeds the path's first unit
    inked = np.flatnonzero(x > 0)
    if pixel is None or not 0 <= pixel < x.size:
        pixel = int(inked[feed[inked].argmax()]) if inked.size else int(feed.argmax())
    path[0] = int(pixel)
    strongest = inked[np.argsort(-feed[inked], kind="stable")] if inked.size else np.argsort(-feed, kind="stable")
    others = [int(i) for i in strongest[:SHOWN_PIXELS] if int(i) != path[0]][:SHOWN_PIXELS - 1]
    pixels = tuple(sorted([path[0], *others]))
    units = []
    for l in range(1, L):
        A, dZ = cache[f"A{l}"][0], np.abs(grads[f"dZ{l}"][0])
        picks = [path[l]] + [int(j) for j in np.argsort(-A, kind="stable")[:2]]
        picks += [int(j) for j in np.argsort(-dZ, kind="stable")[:3]]
        silent = np.flatnonzero(cache[f"Z{l}"][0] <= 0)
        chosen = list(dict.fromkeys(picks))[:SHOWN_UNITS - (1 if silent.size else 0)]
        if silent.size and not any(j in silent for j in chosen):
            chosen.append(int(silent[0]))
        units.append(tuple(sorted(set(chosen))))
    AL = cache[f"A{L}"][0]
    runner_up = next(int(k) for k in np.argsort(-AL, kind="stable") if k != label)
    return Focus(label=int(label), predicted=int(AL.argmax()), path=tuple(path), units=tuple(units), pixels=pixels,
                 ink=int(inked.size), runner_up=runner_up)


def losses(Z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each example's loss −log A[y] (m,), from the logits Z (m, 10) in float64, so it stays
    finite where a float32 probability underflows to 0 (after a huge step)."""
    Z = np.asarray(Z, np.float64)
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_A = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # log softmax, (m, 10)
    return -log_A[np.arange(len(Z)), np.asarray(y)]
