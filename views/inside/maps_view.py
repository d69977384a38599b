"""What a selection on the hidden-layer map holds: one clicked test image (with Open in Draw),
or a box's or lasso's average image, digit mix and a few members.

Leaves out: the map itself (maps.py, ui/charts/inside.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from session import example
from ui import charts, pictures, questions, text
from views.inside import maps
from views.inside import questions as inside_questions


def overlap_question(P: np.ndarray, y: np.ndarray, where: str) -> None:
    """Predict first: which two digits overlap most on the map about to be drawn (P: (m, 2), y: (m,))?"""
    q = inside_questions.overlap(P, y, where)
    if q is not None:
        questions.ask(q)
    else:
        with st.container(key="layermap.q.overlap"):
            st.caption("The map has too few digits to ask which overlap.")


def selection(event, sample) -> None:
    """`event`: the map's selection event; `sample`: the fixed sample the map shows."""
    rows = maps.selected_rows(event, sample.y)
    if len(rows) == 0:
        st.info(text.section("layermap", "No selection"), icon=":material/ads_click:")
    elif len(rows) == 1:  # a click on one point: that test image
        k, d = int(sample.index[rows[0]]), int(sample.y[rows[0]])
        one, words = st.columns([1, 4])
        one.image(pictures.grey(sample.X[rows[0]].reshape(28, 28), 140), width=140, caption=f"test image #{k:,}",
                  alt=f"Test image #{k:,}, a {d}")
        with words:
            st.markdown(text.fill("layermap", "One point", k=k, d=d))
            st.button(f"Open test image #{k:,} in Draw", key="layermap.open", icon=":material/open_in_new:",
                      on_click=example.open_test_image, args=(k, "app_pages/draw.py"),
                      help="Follow it through every layer of the network, and draw beside it.")
    else:
        st.markdown(text.fill("layermap", "Selection", count=len(rows)))
        mean, mix, members = st.columns([1, 2, 2])
        with mean:
            st.image(pictures.grey(sample.X[rows].mean(axis=0).reshape(28, 28), 140), width=140,
                     caption=f"average of {len(rows):,} images",
                     alt=f"The average image of the {len(rows):,} selected test images")
        with mix:
            counts = np.bincount(sample.y[rows], minlength=10)
            st.plotly_chart(charts.bars(counts, "", "true digit", "images selected", labels=[str(d) for d in range(10)],
                                        marked=int(counts.argmax()), height=240), key="layermap.mix", **charts.PLOT)
        with members:
            few = rows[np.linspace(0, len(rows) - 1, min(12, len(rows))).astype(int)]  # spread over the selection
            images = np.round(sample.X[few].reshape(-1, 28, 28) * 255).astype(np.uint8)
            st.image(pictures.digit_sheet(images, [str(d) for d in sample.y[few]], cols=6, scale=2), width="stretch",
                     caption="test images " + ", ".join(f"#{k}" for k in sample.index[few][:6]) + ("…" if len(few) > 6 else ""),
                     alt=f"{len(few)} of the selected test images, digits " + ", ".join(str(d) for d in sample.y[few]))
