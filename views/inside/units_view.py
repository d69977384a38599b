"""The Units page's four views of one hidden unit j of layer l: its incoming weights, the test
images that excite it most, its activation by digit, and its outgoing weights.

Leaves out: the unit's statistics, once per model (units.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP
from server import resources
from ui import charts, pictures, questions, text
from views.inside import questions as inside_questions


def digit_question(stats, l: int, j: int) -> None:
    """Predict first: which digit makes unit j of layer l most active (the means its chart shows)?"""
    q = inside_questions.digit(stats.mean_by_class[j], l, j)
    if q is not None:
        questions.ask(q)
    else:
        with st.container(key="units.q.digit"):
            st.caption(f"Unit {j} answers every digit alike: pick another unit to predict which digit it likes best.")


def four_views(model: MLP, stats, l: int, j: int) -> None:
    """`stats`: the LayerStats of layer l (units.stats(model)[l])."""
    data, L = resources.dataset(), model.L
    left, right = st.columns(2, gap="large")
    with left:
        st.header("What comes in")
        W, b = model.params[f"W{l}"][:, j], float(model.params[f"b{l}"][j])
        if l == 1:
            zmax = float(np.percentile(np.abs(model.params["W1"]), 99.5)) or 1.0
            st.plotly_chart(charts.templates(W.reshape(784, 1), cols=1, colorbar="weight W1", zmax=zmax, first_unit=j,
                                             height=300), key="units.incoming", **charts.PLOT)
            st.caption(text.fill("units", "Incoming first", j=j, bias=b))
        else:
            st.plotly_chart(charts.bars(W, "", f"unit of layer {l - 1}", f"weight W{l}", diverging=True,
                                        height=280), key="units.incoming", **charts.PLOT)
            st.caption(text.fill("units", "Incoming deeper", n=len(W), l=l, prev=l - 1, j=j, bias=b))
    with right:
        st.header("What excites it most")
        top = stats.top_index[j]
        images = data.x_test[top].reshape(-1, 28, 28)
        st.image(pictures.digit_sheet(images, [str(d) for d in data.y_test[top]], cols=6, scale=3), width="stretch",
                 alt=f"The {len(top)} test images that excite unit {j} of layer {l} most, strongest first: digits "
                     + ", ".join(str(d) for d in data.y_test[top]))
        st.caption(text.fill("units", "Top images", k=len(top), n=stats.n_images, l=l, j=j,
                             hi=float(stats.top_value[j, 0]), lo=float(stats.top_value[j, -1])))

    left, right = st.columns(2, gap="large")
    with left:
        st.header("How it answers each digit")
        st.plotly_chart(charts.quantile_boxes(stats.box[j], stats.mean_by_class[j], "", f"activation A{l}[{j}]"),
                        key="units.bydigit", **charts.PLOT)
        st.caption(text.fill("units", "By digit", l=l, j=j))
    with right:
        st.header("What goes out")
        out = model.params[f"W{l + 1}"][j]  # (n[l+1],) the row of everything unit j sends on
        if l + 1 == L:
            st.plotly_chart(charts.bars(out, "", "digit", f"weight W{L}", labels=[str(d) for d in range(10)],
                                        diverging=True, height=280), key="units.outgoing", **charts.PLOT)
            st.caption(text.fill("units", "Outgoing last", L=L, l=l, j=j))
        else:
            st.plotly_chart(charts.bars(out, "", f"unit of layer {l + 1}", f"weight W{l + 1}", diverging=True, height=280),
                            key="units.outgoing", **charts.PLOT)
            st.caption(text.fill("units", "Outgoing deeper", n=len(out), l=l, j=j, next=l + 1))
