"""Compare's "one digit through two models": the digit shown on Draw through model A and
model B (kept runs or the model every page shows): the ten probabilities side by side and
every hidden layer's activations.

Leaves out: the forward pass (nn_core) and the bar pictures (ui/charts/svg.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from session import example, runs, state
from ui import charts, pictures, text
from ui.charts import svg
from ui.numbers import percent
from ui.pictures import html

SHOWN = "shown"  # the choice meaning "the model every page shows"


def section(kept: list, run_name) -> None:
    """Models A and B (`kept` runs or the shown model, named by `run_name`) on the digit shown."""
    choices = [SHOWN] + [r.id for r in kept if r.model is not None]
    if st.session_state.get("compare.a") not in choices:  # first visit, or its run was forgotten
        st.session_state["compare.a"] = choices[-2] if len(choices) > 2 else SHOWN
    if st.session_state.get("compare.b") not in choices:
        st.session_state["compare.b"] = choices[-1]
    ca, cb = st.columns(2)
    ida = ca.selectbox("Model A", choices, key="compare.a", format_func=run_name,
                       help="A kept run's final weights, or the model every page shows.")
    idb = cb.selectbox("Model B", choices, key="compare.b", format_func=run_name,
                       help="A kept run's final weights, or the model every page shows.")
    ex = example.current_or_first_test_image()
    models = [state.model() if i == SHOWN else runs.by_id(i).model for i in (ida, idb)]
    passes = [m.forward(ex.x.reshape(1, -1)) for m in models]  # (1, 784) -> (1, 10) probabilities and every layer
    probs = [p[0][0] for p in passes]
    st.caption(text.section("compare", "Side by side"))
    pic, words = st.columns([1, 4])
    with pic:
        st.image(pictures.grey(ex.image, 112), width=112,
                 alt=f"The digit shown: {ex.name}{f', a {ex.label}' if ex.label is not None else ''}")
    with words:
        truth = f" It is a **{ex.label}**." if ex.label is not None else ""
        reads = [f"{'AB'[i]} reads **{int(p.argmax())}** ({percent(float(p.max()))})" for i, p in enumerate(probs)]
        st.markdown(f"{ex.name.capitalize()}: " + " · ".join(reads) + "." + truth)
        st.page_link("app_pages/draw.py", label="Draw another digit, or pick a test image", icon=":material/draw:")
    st.plotly_chart(charts.compare_bars(probs[0], probs[1], "Probability of each digit", "digit", "probability",
                                        names=("A", "B"), height=260,
                                        styles=(charts.compare.run_style(0), charts.compare.run_style(1))),
                    key="compare.chart.probs", **charts.PLOT)
    st.caption(text.section("compare", "Side by side probabilities"))
    for i, col in enumerate(st.columns(2)):
        m, cache = models[i], passes[i][1]
        with col:
            st.subheader(f"{'AB'[i]}: {'-'.join(map(str, m.layer_sizes))}, {m.activation}")
            charts_html = []
            for l in range(1, m.L):
                A = cache[f"A{l}"].ravel()  # (n[l],)
                top = np.argsort(-A, kind="stable")[:8]
                charts_html.append(svg.bars(A, f"A{l} = {m.activation}(Z{l})", f"unit of layer {l}", f"A{l}",
                                            name=f"A{l}", summary=f"Largest: unit {int(top[0])}, "
                                            f"{A[top[0]]:.3g}; {int((A > 0).sum())} of {A.size} above 0."))
            html("".join(charts_html) if charts_html else "<p>No hidden layer.</p>")

