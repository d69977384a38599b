"""Section 5: every equation of the forward and backward pass with its numbers, the row /
column form toggle, and the "Show why" derivations next to the equations they explain.
A fragment: switching the notation reruns only this section.
Leaves out: building the equations (views/backprop/equations.py) and the derivations (views/backprop/why.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP
from ui import thin
from views.backprop import equations, why
from views.backprop.focus import Focus


@st.fragment
def show(model: MLP, cache, grads, focus: Focus, probs: np.ndarray) -> None:
    """probs: (10,) the example's output probabilities."""
    L, label = model.L, focus.label
    column = st.toggle("Column form (z = W·a, as in some source notes)", key="backprop.column", persist_state="session",
                       help="Off: row form, as this project's code computes it (Z = A·W + b, W of shape n_in × n_out). "
                            "On: column form (z = W·a + b, W of shape n_out × n_in, vectors as columns). Same numbers.")
    shown = thin.layers_shown(L, key="backprop.all_layers")  # a deep network: the first and last layers
    st.subheader("Forward: from the pixels to the loss")
    for eq in filter(lambda eq: shown(eq.layer), equations.forward(model, cache, focus, column)):
        st.latex(eq.tex)
        st.caption(eq.caption)
    st.subheader("Backward: from the loss to every weight")
    explained = set()
    for eq in filter(lambda eq: shown(eq.layer), equations.backward(model, cache, grads, focus, column)):
        st.latex(eq.tex)
        st.caption(eq.caption)
        if eq.name == f"dZ{L}":
            why.one_hot(label, L)
            why.softmax(probs, label, L)
        elif eq.kind == "dW" and "dW" not in explained:
            why.outer()
        elif eq.kind == "slope" and "slope" not in explained:
            why.slope(model.g)
        explained.add(eq.kind)
