"""Show one input flowing forward through the network: every layer's Z and A, the units that
fired most as templates, the softmax steps and the prediction. Used by the Draw page."""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP, softmax_steps

from . import charts

PLOT = charts.PLOT
TOP_UNITS = 8


def prediction(probs: np.ndarray, label: int | None = None) -> None:
    """The predicted digit in large type with its confidence (and the true label, if known)."""
    probs = np.ravel(probs)
    k = int(probs.argmax())
    verdict = ""
    if label is not None:
        verdict, color = ("correct", "#009E73") if k == label else (f"wrong: it is a {label}", "#D55E00")
        verdict = f'<div style="font-size:1.2rem;font-weight:600;color:{color}">{verdict}</div>'
    with st.container(key="prediction"):
        st.markdown(f'<div style="line-height:1"><span style="font-size:1rem;color:#555">The network reads</span>'
                    f'<div class="predicted-digit" style="font-size:7rem;font-weight:700;color:#0072B2">{k}</div>'
                    f'<div class="confidence" style="font-size:1.3rem">{probs[k]:.1%} sure</div>{verdict}</div>',
                    unsafe_allow_html=True)


def probabilities(probs: np.ndarray, key: str, label: int | None = None, height: int = 260) -> None:
    st.plotly_chart(charts.bars(probs, "", "digit", "probability", labels=[str(i) for i in range(10)],
                                highlight=int(np.argmax(probs)), height=height, y_range=(0, 1)), key=key, **PLOT)
    st.caption("The softmax of the last layer: one probability per digit, summing to 1. The orange bar is the "
               "prediction (the largest)." + (f" The true digit is {label}." if label is not None else ""))


def layers(model: MLP, x: np.ndarray, key: str) -> None:
    """Every layer for the input x (784,): Z and A per hidden layer, top templates, logits, softmax."""
    probs, cache = model.forward(x.reshape(1, -1))
    L, g = model.L, model.activation
    st.subheader("The input A0 = x")
    c1, c2 = st.columns([1, 2])
    with c1:
        st.plotly_chart(charts.pixels(x.reshape(28, 28), height=280), key=f"{key}.x", **PLOT)
    with c2:
        st.markdown(f"The picture becomes a row of **784 numbers** between 0 (black) and 1 (white), read row by "
                    f"row: x[0] is the top-left pixel, x[783] the bottom-right. Everything the network does next "
                    f"is arithmetic on these numbers. Hover a pixel to see its index and value.\n\n"
                    f"This network: **{' → '.join(map(str, model.layer_sizes))}**, {g} hidden units, softmax output.")
    for l in range(1, L):
        Z, A = cache[f"Z{l}"].ravel(), cache[f"A{l}"].ravel()
        n = Z.size
        top = np.argsort(-A, kind="stable")[:min(TOP_UNITS, n)]
        st.subheader(f"Hidden layer {l}: {n} units")
        silent = int((A <= 0).sum())
        st.plotly_chart(charts.bar_panels([
            {"values": Z, "title": f"Z{l} = A{l - 1} W{l} + b{l}: weighted sums", "xtitle": f"unit of layer {l}",
             "ytitle": f"Z{l}", "diverging": True},
            {"values": A, "title": f"A{l} = {g}(Z{l}): activations", "xtitle": f"unit of layer {l}",
             "ytitle": f"A{l}", "highlight": top}], height=300), key=f"{key}.ZA{l}", **PLOT)
        st.caption(f"Left: Z{l} = A{l - 1} W{l} + b{l}, one number per unit: (1 × {model.layer_sizes[l - 1]}) · "
                   f"({model.layer_sizes[l - 1]} × {n}) + ({n}) → (1 × {n}); blue positive, red negative. Right: "
                   f"A{l} = {g}(Z{l}); {silent} of {n} units are silent (A = 0) for this input, and the {len(top)} "
                   "that fired most are orange.")
        if l == 1:
            W1 = model.params["W1"][:, top]
            tiles = np.concatenate([W1, W1 * x.reshape(-1, 1)], axis=1)  # templates, then what x makes of them
            labels = [f"unit {j}: template W1[:, {j}]" for j in top] + \
                     [f"unit {j}: x ⊙ W1[:, {j}], sums to Z1 − b1 = {Z[j] - model.params['b1'][j]:.3f}" for j in top]
            st.plotly_chart(charts.templates(tiles, cols=len(top), colorbar="weight (× pixel)", labels=labels,
                                             title=f"The {len(top)} most active units: template (top), "
                                                   "template × your pixels (bottom)",
                                             height=330),
                            key=f"{key}.top", **PLOT)
            st.caption("Top row: each unit's 784 weights W1[:, j] as 28×28 (blue: ink here raises Z1ⱼ; red: "
                       "lowers it). Bottom row: the same weights times this input's pixels, x ⊙ W1[:, j]; its sum "
                       "plus the bias b1ⱼ is the unit's Z1ⱼ. Units are ordered by A1, highest first.")
    Z, steps = cache[f"Z{L}"], softmax_steps(cache[f"Z{L}"])
    digits = [str(i) for i in range(10)]
    st.subheader(f"Output layer: logits Z{L}, then softmax")
    st.plotly_chart(charts.bar_panels([
        {"values": Z, "title": f"Z{L}: logits", "xtitle": "digit", "ytitle": f"Z{L}", "labels": digits,
         "diverging": True},
        {"values": steps["shifted"], "title": "1. shift: z − max z", "xtitle": "digit", "ytitle": "z − max z",
         "labels": digits, "diverging": True},
        {"values": steps["exp"], "title": "2. exponentiate", "xtitle": "digit", "ytitle": "e^(z − max z)",
         "labels": digits, "highlight": int(Z.argmax())},
        {"values": steps["probs"], "title": f"3. normalise: A{L}", "xtitle": "digit", "ytitle": f"A{L}",
         "labels": digits, "highlight": int(Z.argmax()), "y_range": (0, 1)}], height=300),
        key=f"{key}.output", **PLOT)
    st.caption(f"From left to right. Z{L} = A{L - 1} W{L} + b{L}: one score per digit, any real number. "
               "1. Subtracting the largest logit changes nothing in the result and keeps e^z from overflowing; the "
               "winner is now exactly 0. 2. e^(z − max z) is positive, and exactly 1 for the winner. "
               f"3. A{L} = e^(z − max z) / Σ e^(z − max z): each bar divided by their sum, "
               f"{float(steps['sum'].ravel()[0]):.4f}. These probabilities sum to 1.")
    return probs
