"""Is the calculus right? Backprop's gradient of one weight against the central difference
(J(w + h) − J(w − h)) / 2h, on a float64 copy of the network (nn_core.check_weight).
It starts at the entry on the path (views/backprop/focus.py); any parameter entry can be chosen.
Leaves out: checking every parameter at once (tests do that: tests/test_model.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP, check_weight
from ui import text
from views.backprop.focus import Focus

STEPS = [1e-7, 1e-6, 1e-5, 1e-4, 1e-3]


@st.fragment
def show(model: MLP, x: np.ndarray, label: int, focus: Focus) -> None:
    """x: (1, 784). A fragment: checking another entry reruns only this section."""
    c1, c2, c3, c4 = st.columns(4)
    L = model.L
    keys = list(model.params)
    key = c1.selectbox("Parameter", keys, index=keys.index(f"W{L}"), key="backprop.check.param",
                       help="Which weight matrix or bias vector the checked entry belongs to.")
    P = model.params[key]
    l = int(key[1:])
    start = (focus.path[l - 1], focus.path[l]) if key.startswith("W") else (focus.path[l],)
    if P.ndim == 2:
        i = c2.number_input("Row i (input)", 0, P.shape[0] - 1, int(start[0]), key=f"backprop.check.i.{key}",
                            help=f"0 to {P.shape[0] - 1}. Starts on the path of the chain-rule picture.")
        j = c3.number_input("Column j (unit)", 0, P.shape[1] - 1, int(start[1]), key=f"backprop.check.j.{key}",
                            help=f"0 to {P.shape[1] - 1}.")
        index = (int(i), int(j))
    else:
        index = (int(c2.number_input("Entry j (unit)", 0, P.shape[0] - 1, int(start[0]), key=f"backprop.check.j.{key}",
                                     help=f"0 to {P.shape[0] - 1}.")),)
    h = c4.select_slider("Step h", STEPS, value=1e-5, key="backprop.check.h", format_func=lambda v: f"{v:.0e}",
                         help="The nudge in the central difference. Too large: the curve bends; too small: rounding.")
    check = check_weight(model.astype(np.float64), x.astype(np.float64), np.array([label]), key, index, h=h)
    name = f"{key}[{', '.join(map(str, index))}]"
    m1, m2, m3 = st.columns(3)
    m1.metric(f"Backprop ∂J/∂{name}", f"{check.analytic:.6e}")
    m2.metric("Finite difference", f"{check.numeric:.6e}")
    m3.metric("Relative error", f"{check.rel_error:.1e}",
              help="|a − n| / (|a| + |n|): below 1e-5 they agree; near 1 backprop would be wrong.")
    if check.analytic == 0 and check.numeric == 0:
        st.info(text.section("backprop", "Check zero"), icon=":material/info:")
    elif check.rel_error < 1e-5:
        st.success(text.fill("backprop", "Check agrees", error=check.rel_error), icon=":material/check_circle:")
    else:
        st.warning(text.for_activation("backprop", "Check differs", model.g, error=check.rel_error),
                   icon=":material/warning:")
