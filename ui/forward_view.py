"""One example's forward pass on screen (the Draw page): the prediction in large type, the
ten probabilities, and every layer: the input, Z and A of each hidden layer, the most
active first-layer units as templates, the logits and the three softmax steps.

Every view is drawn from one forward pass that the caller has already run
(`probs, cache = model.forward(x)`), so a stroke costs one pass, not one per view.
The words are in assets/text/draw.md. Leaves out: the backward pass (ui/equations.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP, softmax_steps

from . import charts, text

TOP_UNITS = 8
DIGITS = [str(i) for i in range(10)]


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
    probs = np.ravel(probs)
    st.plotly_chart(charts.bars(probs, "", "digit", "probability", labels=DIGITS, highlight=int(np.argmax(probs)),
                                height=height, y_range=(0, 1)), key=key, **charts.PLOT)
    st.caption(text.section("draw", "Probabilities") if label is None else
               text.fill("draw", "Probabilities labelled", label=label))


def layers(model: MLP, cache: dict[str, np.ndarray], key: str) -> None:
    """Every layer of one example: cache is model.forward's for a (1, 784) batch."""
    x = cache["A0"].ravel()  # (784,)
    L, g = model.L, model.activation
    st.subheader("The input A0 = x")
    c1, c2 = st.columns([1, 2])
    with c1:
        st.plotly_chart(charts.pixels(x.reshape(28, 28), height=280), key=f"{key}.x", **charts.PLOT)
    with c2:
        st.markdown(text.fill("draw", "Input", sizes=" → ".join(map(str, model.layer_sizes)), g=g))
    for l in range(1, L):
        _hidden_layer(model, cache, l, key)
    _output_layer(model, cache, key)


def _hidden_layer(model: MLP, cache: dict[str, np.ndarray], l: int, key: str) -> None:
    Z, A = cache[f"Z{l}"].ravel(), cache[f"A{l}"].ravel()  # (n,) each
    n, g = Z.size, model.activation
    top = np.argsort(-A, kind="stable")[:min(TOP_UNITS, n)]
    st.subheader(f"Hidden layer {l}: {n} units")
    st.plotly_chart(charts.bar_panels([
        {"values": Z, "title": f"Z{l} = A{l - 1} W{l} + b{l}: weighted sums", "xtitle": f"unit of layer {l}",
         "ytitle": f"Z{l}", "diverging": True},
        {"values": A, "title": f"A{l} = {g}(Z{l}): activations", "xtitle": f"unit of layer {l}",
         "ytitle": f"A{l}", "highlight": top}], height=300), key=f"{key}.ZA{l}", **charts.PLOT)
    facts = {"l": l, "prev": l - 1, "n_in": model.layer_sizes[l - 1], "n": n, "top": len(top),
             "nonpositive": int((Z <= 0).sum()), "positive": int((Z > 0).sum())}
    st.caption(text.fill("draw", "Layer", **facts) + " " + text.fill("draw", f"Layer {g}", **facts))
    if l == 1:
        W1 = model.params["W1"][:, top]
        x = cache["A0"].reshape(-1, 1)  # (1, 784) -> (784, 1): one pixel per row of W1
        tiles = np.concatenate([W1, W1 * x], axis=1)  # (784, 2k): the templates, then what x makes of them
        labels = [f"unit {j}: template W1[:, {j}]" for j in top] + \
                 [f"unit {j}: x ⊙ W1[:, {j}], sums to Z1 − b1 = {Z[j] - model.params['b1'][j]:.3f}" for j in top]
        st.plotly_chart(charts.templates(tiles, cols=len(top), colorbar="weight (× pixel)", labels=labels,
                                         title=f"The {len(top)} most active units: template (top), "
                                               "template × your pixels (bottom)", height=330),
                        key=f"{key}.top", **charts.PLOT)
        st.caption(text.section("draw", "Templates"))


def _output_layer(model: MLP, cache: dict[str, np.ndarray], key: str) -> None:
    L = model.L
    Z, steps = cache[f"Z{L}"], softmax_steps(cache[f"Z{L}"])
    st.subheader(f"Output layer: logits Z{L}, then softmax")
    st.plotly_chart(charts.bar_panels([
        {"values": Z, "title": f"Z{L}: logits", "xtitle": "digit", "ytitle": f"Z{L}", "labels": DIGITS,
         "diverging": True},
        {"values": steps["shifted"], "title": "1. shift: z − max z", "xtitle": "digit", "ytitle": "z − max z",
         "labels": DIGITS, "diverging": True},
        {"values": steps["exp"], "title": "2. exponentiate", "xtitle": "digit", "ytitle": "e^(z − max z)",
         "labels": DIGITS, "highlight": int(Z.argmax())},
        {"values": steps["probs"], "title": f"3. normalise: A{L}", "xtitle": "digit", "ytitle": f"A{L}",
         "labels": DIGITS, "highlight": int(Z.argmax()), "y_range": (0, 1)}], height=300),
        key=f"{key}.output", **charts.PLOT)
    st.caption(text.fill("draw", "Output", L=L, prev=L - 1, sum=float(steps["sum"].ravel()[0])))
