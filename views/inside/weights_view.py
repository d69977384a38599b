"""The Weights page's sections below the first layer's templates: later layers as matrices (the
output layer's sortable by the digit each unit favours), biases, and weight histograms now vs at
initialisation.

Leaves out: the first layer's mosaic (ui/pictures.py) and the snapshot scrubber (the page).
"""
from __future__ import annotations

import streamlit as st

from nn_core import MLP
from ui import charts, questions, text, thin
from views.inside import questions as inside_questions
from views.inside import units as unitview


def later_layers(model: MLP, params: dict) -> None:
    """W2 ... WL as heatmaps (W.T: one row per unit of the layer, one column per unit feeding it)."""
    if model.L < 2:
        return
    st.header("Later layers")
    st.markdown(text.section("weights", "Later"))
    cols = st.columns(min(model.L - 1, 2))
    for k, l in enumerate(range(2, model.L + 1)):
        W = params[f"W{l}"]
        with cols[k % len(cols)]:
            out = "digit" if l == model.L else f"unit of layer {l}"
            order, xtitle = None, f"unit of layer {l - 1}"
            if l == model.L and st.toggle("Sort the units by the digit they favour", key="weights.sort",
                                          disabled=W.shape[0] * W.shape[1] > thin.MAX_SIDE ** 2,
                                          help=text.section("weights", "Sort help")):
                order, groups = unitview.by_favoured_digit(W)  # (n,) unit numbers; units per digit
                xtitle = f"unit of layer {l - 1}, grouped by favoured digit"
            shown = W.T if order is None else W.T[:, order]
            st.plotly_chart(charts.matrix(shown, f"W{l}ᵀ: {W.shape[1]} × {W.shape[0]}", xtitle, out,
                                          colorbar=f"weight W{l}", height=300 if l == model.L else 420,
                                          columns=None if order is None else order.tolist()),
                            alt=f"W{l} as a heatmap: the weight from each unit of layer {l - 1} to each {out}",
                            **charts.PLOT, key=f"weights.W{l}")
            st.caption(text.fill("weights", "Matrix", l=l, prev=l - 1, out=out))
            if order is not None:
                st.caption(text.fill("weights", "Sorted", prev=l - 1, l=l, groups=", ".join(
                    f"{d}: {n}" for d, n in enumerate(groups))))


def biases(model: MLP, params: dict) -> None:
    """Every layer's bias vector as signed bars, one tab per layer."""
    st.header("Biases")
    st.markdown(text.section("weights", "Biases"))
    tabs = st.tabs([f"b{l} ({params[f'b{l}'].size})" for l in range(1, model.L + 1)])
    for l, tab in zip(range(1, model.L + 1), tabs):
        with tab:
            xlabel = "digit" if l == model.L else f"unit of layer {l}"
            b = params[f"b{l}"]
            st.plotly_chart(charts.bars(b, f"b{l}", xlabel, "bias", diverging=True), **charts.PLOT, key=f"weights.b{l}",
                            alt=f"Bias b{l} of each {xlabel}: from {b.min():.3g} to {b.max():.3g}, "
                                f"{int((b > 0).sum())} of {b.size} positive")
            st.caption(text.fill("weights", "Bias chart", l=l))


def initial(model: MLP, snaps: list) -> dict:
    """The weights at initialisation: the run's first snapshot, or the model's own initialisation made again."""
    return snaps[0].params if snaps else MLP(model.layer_sizes, model.activation, model.init, model.seed).params


def spread_question(model: MLP, params: dict, snaps: list, label: str) -> None:
    """Predict first: are W1's weights (`label`) more spread out than at initialisation?"""
    questions.ask(inside_questions.spread(params["W1"], initial(model, snaps)["W1"], label))


def histograms(model: MLP, params: dict, snaps: list, label: str) -> None:
    """Each layer's weights now (`label`) against at initialisation."""
    st.header("Weight distributions, now vs at initialisation")
    st.markdown(text.section("weights", "Histograms"))
    start = initial(model, snaps)
    cols = st.columns(min(model.L, 3))
    for l in range(1, model.L + 1):
        with cols[(l - 1) % len(cols)]:
            st.plotly_chart(charts.histograms(params[f"W{l}"], start[f"W{l}"], f"W{l} ({params[f'W{l}'].size:,} weights)",
                                              now_name=label),
                            alt=f"Histogram of the {params[f'W{l}'].size:,} weights of W{l} {label} (spread "
                                f"{params[f'W{l}'].std():.3g}) and at initialisation ({start[f'W{l}'].std():.3g})",
                            **charts.PLOT, key=f"weights.hist{l}")
    st.caption(text.fill("weights", "Histograms chart", init=model.init, seed=model.seed))
