"""The unit explorer's numbers: every hidden unit's statistics over the 10,000 test images
(nn_core/inside/unitstats.py), computed once per model and kept in the session ("units.stats"),
and what a unit's "flat" share means in words for the model's activation.

Memory: ~0.2 MB per 512-unit layer (12 top images, 10 x 5 percentiles, means per unit).
Leaves out: the controls and charts (the page, ui/charts).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP
from nn_core.inside.unitstats import LayerStats, unit_stats
from server import resources
from server.samples import test_sample
from session import per_model
from ui.numbers import percent

TOP = 12  # test images kept per unit, most exciting first


def stats(model: MLP) -> dict[int, LayerStats]:
    """{l: LayerStats} of every hidden layer of `model` over the test set (from the session when kept)."""
    def measure() -> dict[int, LayerStats]:
        data = resources.dataset()
        with st.spinner(f"Measuring every unit on the {len(data.y_test):,} test images…"):
            return unit_stats(model, data.x_test, data.y_test, test_sample().index, k=TOP)
    return per_model.get("units.stats", model, measure)


def verdict(activation: str, flat: float) -> tuple[str, str]:
    """(short label: dead, saturated or alive; what it means, to follow "unit j is LABEL: ") for a unit whose slope g'(Z) is flat on `flat` of the images."""
    share = percent(flat)
    if flat >= 1.0:
        if activation in ("relu",):
            return "dead", ("Z ≤ 0 on every test image, so A = 0 and g'(Z) = 0 always. It sends nothing on "
                            "and no gradient reaches its weights: training cannot revive it.")
        return "saturated", (f"its {activation} is flat on every test image, so no gradient flows back through "
                             "it and it barely learns.")
    if activation == "relu":
        return "alive", f"active (Z > 0) on {percent(1 - flat)} of the test images, off (Z ≤ 0) on {share}."
    if activation == "leaky_relu":
        return "alive", f"on its negative side (slope {0.01:g}) on {share} of the test images, active on the rest."
    return "alive", f"saturated (flat {activation}) on {share} of the test images, responsive on the rest."


def dead_units(st_layer: LayerStats) -> np.ndarray:
    """Units flat on every test image."""
    return np.flatnonzero(st_layer.flat >= 1.0)


def dead_on_sample(params: dict, activation: str) -> np.ndarray | None:
    """First-layer units whose ReLU gives 0 on every image of the fixed 2,000-image test
    sample, for these weights (a snapshot's too); None for activations that cannot die."""
    if activation != "relu":
        return None
    Z1 = test_sample().X @ params["W1"] + params["b1"]  # (2000, 784) @ (784, n1) -> (2000, n1)
    return np.flatnonzero(Z1.max(axis=0) <= 0)


def by_favoured_digit(W: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The units of the last hidden layer grouped by the digit each sends its largest weight to.
    W: (n, 10) the output layer's weights. Returns the unit numbers in display order (n,):
    digit 0's units first, each group strongest weight first; and how many units favour each digit."""
    favoured = W.argmax(axis=1)                                  # (n,) the digit of each unit's largest weight
    strength = W[np.arange(len(W)), favoured]                    # (n,) that weight
    order = np.lexsort((np.arange(len(W)), -strength, favoured))  # by digit, then strongest, then unit number
    return order, np.bincount(favoured, minlength=W.shape[1]).tolist()
