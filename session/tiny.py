"""The warm-up's tiny network (nn_core/tiny.py), one per session: its weights and the presses
taken on it, with their undo. It is its own model: the one every other page shows never changes
here.

tiny.model   the tiny MLP now (nn_core.tiny.start() until the first press)
tiny.presses TinyStep records of the presses on it, newest last (at most MAX_UNDO; 16 numbers each)
Leaves out: what the page draws (views/backprop/tiny.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from nn_core import MLP, make_optimizer
from nn_core.tiny import IMAGES, LABELS, start

MAX_UNDO = 50


@dataclass(frozen=True)
class TinyStep:
    model: MLP      # the model before the press
    index: int      # the example it stepped on (0..3)
    lr: float
    steps: int


def model() -> MLP:
    if st.session_state["tiny.model"] is None:
        st.session_state["tiny.model"] = start()
    return st.session_state["tiny.model"]


def presses() -> list[TinyStep]:
    return list(st.session_state["tiny.presses"])


def apply_step(index: int, lr: float, steps: int = 1) -> None:
    """`steps` SGD steps, W <- W - lr * dW for every parameter, on example `index` alone."""
    index = int(index)
    if not 0 <= index < len(LABELS):
        raise ValueError(f"the tiny examples are numbered 0 to {len(LABELS) - 1}, got {index}")
    before = model()
    after = before.copy()
    opt = make_optimizer("sgd")
    X, y = IMAGES[index:index + 1], LABELS[index:index + 1]  # (1, 4), (1,)
    for _ in range(int(steps)):
        _, cache = after.forward(X)
        opt.update(after.params, after.backward(cache, y), float(lr))
    st.session_state["tiny.presses"] = (presses() + [TinyStep(before, index, float(lr), int(steps))])[-MAX_UNDO:]
    st.session_state["tiny.model"] = after


def undo() -> None:
    undo = presses()
    if undo:
        st.session_state["tiny.model"] = undo[-1].model
        st.session_state["tiny.presses"] = undo[:-1]


def reset() -> None:
    """Back to the starting weights, nothing to undo."""
    st.session_state["tiny.model"] = start()
    st.session_state["tiny.presses"] = []


def probabilities(m: MLP) -> np.ndarray:
    """(4, 2): the network's probabilities on the four images."""
    return m.forward(IMAGES)[0]
