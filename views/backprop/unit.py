"""Everything about the selected unit of layer 1 in one place: its template W1[:, j], its
bias, its weighted sum and activation on this digit, the slope g′, its error dA1 and dZ1,
its gradient dW1[:, j] as a picture, and its row of W2 with the gradient of each weight.
The same unit is highlighted in every table of the page (views/backprop/focus.py).
Leaves out: choosing the unit (views/backprop/chain.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP
from ui import images, tables, text
from ui.numbers import sig
from views.backprop.focus import Focus

OUT_ROWS = 10  # rows of the next layer's weights shown (all ten digits for a one-hidden-layer net)


def card(model: MLP, cache, grads, focus: Focus) -> None:
    j = focus.unit
    if j is None:  # no hidden layer: the first layer's weights are the digit templates
        return
    W1, b1 = model.params["W1"], model.params["b1"]
    Z, A = float(cache["Z1"][0, j]), float(cache["A1"][0, j])
    slope = float(np.asarray(model.g.derivative(cache["Z1"][0, j:j + 1], cache["A1"][0, j:j + 1]), np.float64)[0])
    dZ, dA = float(grads["dZ1"][0, j]), float(grads["dA1"][0, j])
    st.markdown(f"**Unit {j} of layer 1**")
    wmax, gmax = images.vmax_of(W1[:, j]), images.vmax_of(grads["dW1"][:, j])
    tiles = [images.tile(images.diverging(W1[:, j].reshape(28, 28), wmax), f"template W1[:, {j}]",
                         f"the 784 weights of unit {j}", size=112),
             images.tile(images.ink(cache["A0"][0].reshape(28, 28)), "the input x", "the input digit", size=112),
             images.tile(images.diverging(grads["dW1"][:, j].reshape(28, 28), gmax), f"dW1[:, {j}] = x · {sig(dZ)}",
                         f"the gradient of unit {j}'s weights: the input times dZ1[{j}]", size=112)]
    st.markdown(images.row(tiles, images.legend(wmax, "weight") + images.legend(gmax, "gradient", text.section("backprop", "Gradient legend"))),
                unsafe_allow_html=True)
    rows = [["bias b1[j]", sig(b1[j])], ["weighted sum Z1[j]", sig(Z)], [f"activation A1[j] = {model.activation}(Z1[j])", sig(A)],
            ["slope g′(Z1[j])", sig(slope)], ["error arriving dA1[j]", sig(dA)], ["its error dZ1[j] = dA1[j] · g′", sig(dZ)]]
    st.markdown(tables.table(["on this digit", "value"], rows, caption=f"Unit {j}, j = {j}"), unsafe_allow_html=True)
    _outgoing(model, cache, grads, focus, j, A)
    st.caption(text.fill("backprop", "Unit caption", j=j, dZ=sig(dZ)))


def _outgoing(model: MLP, cache, grads, focus: Focus, j: int, A: float) -> None:
    """Row j of W2: the unit's weights to the next layer, with their errors and gradients."""
    W2, dZ2, dW2 = model.params["W2"][j], grads["dZ2"][0], grads["dW2"][j]
    n = W2.size
    shown = list(range(n)) if n <= OUT_ROWS else sorted(np.argsort(-np.abs(dW2), kind="stable")[:OUT_ROWS].tolist())
    what = "digit" if model.L == 2 else "unit of layer 2"
    rows = [[str(k), sig(W2[k]), sig(dZ2[k]), sig(dW2[k])] for k in shown]
    mark = [r for r, k in enumerate(shown) if k == focus.selected(2)]
    st.markdown(tables.table([what, f"W2[{j}, k]", "dZ2[k]", f"dW2[{j}, k] = {sig(A)} · dZ2[k]"], rows, highlight=mark,
                             caption=f"Row {j} of W2: where unit {j} sends its activation"
                                     + ("" if n <= OUT_ROWS else f" (the {OUT_ROWS} of {n} with the largest gradient)")),
                unsafe_allow_html=True)
