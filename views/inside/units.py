"""The unit explorer's numbers: every hidden unit's statistics over the 10,000 test images
(nn_core/inside/unitstats.py), computed once per model and kept in the session ("units.stats"),
and what a unit's "flat" share means in words for the model's activation (its traits and its
parts of assets/text/units.md). Weights counts flat first-layer units with the same definition
on the same images (`flat_first_layer`), so both pages give the same number.

Memory: ~0.2 MB per 512-unit layer (12 top images, 10 x 5 percentiles, means per unit).
Leaves out: the controls and charts (the page, ui/charts).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP, rows_per_chunk
from nn_core.activations import Activation
from nn_core.inside.unitstats import LayerStats, flat_share, unit_stats
from server import resources
from server.samples import test_sample
from session import per_model
from ui import text

TOP = 12  # test images kept per unit, most exciting first
# bytes a row of a chunk costs per hidden unit beyond the forward cache: the running top-12's
# candidates (float32 values, int64 rows, argpartition's int64 order) and g'(Z)
UNIT_BYTES = 40


def stats(model: MLP) -> dict[int, LayerStats]:
    """{l: LayerStats} of every hidden layer of `model` over the test set (from the session when kept)."""
    def measure() -> dict[int, LayerStats]:
        data = resources.dataset()
        with st.spinner(f"Measuring every unit on the {len(data.y_test):,} test images…"):
            return unit_stats(model, data.x_test, data.y_test, test_sample().index, k=TOP,
                              chunk=rows_per_chunk(model, per_unit=UNIT_BYTES))
    return per_model.get("units.stats", model, measure)


def verdict(g: Activation, flat: float, m: int) -> tuple[str, str, bool]:
    """(label, what it means, whether to warn) for a unit of activation g that is flat
    (Activation.flat) on the share `flat` of m test images, to read "unit j is LABEL: MEANING".
    The label is g's word for a flat unit (dead, leaking, saturated) or "alive"; the meaning is
    g's own part of assets/text/units.md."""
    off = round(flat * m)  # flat is a count over m images, stored as a share
    if off >= m:
        return g.flat_word, text.for_activation("units", "Flat", g, m=f"{m:,}"), True
    return "alive", text.for_activation("units", "Some", g, m=f"{m:,}", on=f"{m - off:,}", off=f"{off:,}"), False


def dead_units(st_layer: LayerStats) -> np.ndarray:
    """Units flat on every test image."""
    return np.flatnonzero(st_layer.flat >= 1.0)


def flat_first_layer(model: MLP, params: dict, key) -> tuple[np.ndarray, int]:
    """(the first-layer units flat on every test image, how many test images) for `params`:
    the model's own or a snapshot's (`key` tells snapshots apart). The same units and images
    as the Units page: its kept statistics when they are there, else flat_share of a model
    with these weights (one forward pass over the test set: ~0.1 s for 784-128-10, ~0.7 s
    for 784-512-256-10 on a loaded machine), kept for each snapshot already shown (a few
    unit numbers each), so scrubbing back is free."""
    data = resources.dataset()
    if params is model.params and (kept := per_model.peek("units.stats", model)) is not None:
        return dead_units(kept[1]), kept[1].n_images
    shown = per_model.get("weights.flat", model, dict)  # key -> (n_flat,) unit numbers
    if key not in shown:
        twin = model if params is model.params else MLP(model.layer_sizes, model.activation, model.init,
                                                        model.seed, model.dtype, params=params)
        shown[key] = np.flatnonzero(flat_share(twin, data.x_test, chunk=rows_per_chunk(twin))[1] >= 1.0)
    return shown[key], len(data.y_test)


def flat_note(model: MLP, params: dict, key, label: str) -> str:
    """Weights' sentence on the flat first-layer units of `params` (the weights `label` names)."""
    dead, m = flat_first_layer(model, params, key)
    n, word = params["W1"].shape[1], model.g.flat_word
    if not len(dead):
        return text.fill("weights", "None dead", n=n, label=label, word=word, m=f"{m:,}")
    shown = ", ".join(map(str, dead[:40])) + (f" and {len(dead) - 40} more" if len(dead) > 40 else "")
    return text.fill("weights", "Dead", count=len(dead), n=n, label=label, units=shown, word=word,
                     Word=word.capitalize(), why=text.for_activation("units", "Flat", model.g, m=f"{m:,}"))


def by_favoured_digit(W: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The units of the last hidden layer grouped by the digit each sends its largest weight to.
    W: (n, 10) the output layer's weights. Returns the unit numbers in display order (n,):
    digit 0's units first, each group strongest weight first; and how many units favour each digit."""
    favoured = W.argmax(axis=1)                                  # (n,) the digit of each unit's largest weight
    strength = W[np.arange(len(W)), favoured]                    # (n,) that weight
    order = np.lexsort((np.arange(len(W)), -strength, favoured))  # by digit, then strongest, then unit number
    return order, np.bincount(favoured, minlength=W.shape[1]).tolist()
