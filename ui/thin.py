"""What is drawn of a big model: a few MB per page at most, whatever the deployer's caps allow.

A 512-unit first layer as one mosaic of templates is 430,000 heatmap cells (~7 MB of figure
for the browser); a 512 x 512 matrix is 262,144 cells on ~600 screen pixels, less than a
pixel each. So the first layer is shown MAX_TEMPLATES units at a time (`unit_window`, a
control a page shows only for layers wider than that), and a matrix of more than MAX_SIDE²
cells is pooled into blocks (`pool_max_abs`): each cell is the block's weight of
largest magnitude, with its sign, so the strong connections stay visible (a mean would
wash positive and negative weights out). A network of more than two hidden layers has its
equations shown for the first and last layers unless the reader asks for every layer
(`layers_shown`): 4 hidden layers are 33 equations and 15 charts, most of the page's
rendering time. Leaves out: the charts themselves (charts.py).
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import streamlit as st

MAX_TEMPLATES = 128  # first-layer units drawn at once: the default model's 128 all fit
MAX_SIDE = 128       # cells per side of a pooled matrix: ~5 screen pixels each


def pool_max_abs(W: np.ndarray, max_side: int = MAX_SIDE) -> tuple[np.ndarray, int, int]:
    """(P, kr, kc): W (r, c) itself if it has at most max_side**2 cells, else pooled into blocks
    of kr x kc so that neither side exceeds max_side; each entry of P (ceil(r/kr), ceil(c/kc))
    is its block's entry of largest |value|."""
    W = np.asarray(W, np.float32)
    r, c = W.shape
    kr, kc = max(1, math.ceil(r / max_side)), max(1, math.ceil(c / max_side))
    if r * c <= max_side * max_side or kr == kc == 1:
        return W, 1, 1
    R, C = math.ceil(r / kr), math.ceil(c / kc)
    padded = np.zeros((R * kr, C * kc), np.float32)  # zeros never win against a real weight
    padded[:r, :c] = W
    blocks = padded.reshape(R, kr, C, kc).transpose(0, 2, 1, 3).reshape(R, C, kr * kc)  # (R, C, kr*kc)
    pick = np.abs(blocks).argmax(axis=2)
    return np.take_along_axis(blocks, pick[..., None], axis=2)[..., 0], kr, kc


def unit_window(n_units: int, key: str, label: str = "Units shown") -> range:
    """All units if there are at most MAX_TEMPLATES; otherwise a control to pick a block of them
    (with a note saying why), and that block."""
    if n_units <= MAX_TEMPLATES:
        return range(n_units)
    starts = list(range(0, n_units, MAX_TEMPLATES))
    name = {s: f"{s}–{min(s + MAX_TEMPLATES, n_units) - 1}" for s in starts}
    why = (f"This layer has {n_units:,} units; {MAX_TEMPLATES} are drawn at a time so the page stays quick on "
           "any device. Pick which ones.")
    if len(starts) <= 8:  # every block as a button: easy to see and to tap
        start = st.segmented_control(label, starts, format_func=name.get, key=key, default=0, required=True,
                                     help=why)
    else:
        start = st.select_slider(label, starts, format_func=name.get, key=key, help=why)
    st.caption(f"Showing units {name[start]} of {n_units:,}: at most {MAX_TEMPLATES} at a time.")
    return range(start, min(start + MAX_TEMPLATES, n_units))


def layers_shown(L: int, key: str) -> Callable[[int], bool]:
    """Which equations (by their layer l = 1..L) to show for a network of L weight layers: all
    of them, or, beyond two hidden layers and unless a toggle asks for all, layers 1 and L."""
    if L <= 3:
        return lambda layer: True
    every = st.toggle("Every layer's equations", value=False, key=key,
                      help=f"This network has {L - 1} hidden layers. Off: the first and the last layer, which "
                           f"show every kind of step; layers 2 to {L - 1} repeat the same equations. On: all of "
                           "them (a long page, slower to draw).")
    if not every:
        st.caption(f"Showing layers 1 and {L}; layers 2 to {L - 1} follow the same equations (switch on "
                   "every layer to see them).")
    return lambda layer: every or layer in (1, L)
