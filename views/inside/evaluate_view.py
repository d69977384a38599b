"""The Evaluate page's sections: the confusion matrix (a click on a square filters the gallery)
beside accuracy per digit, and the gallery of the most confident mistakes, each with Draw and
Backprop buttons.

Leaves out: scoring the test set, once per model (session/scores.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import confident_mistakes, per_class_accuracy
from server import resources
from session import example
from session.scores import TestScores
from ui import charts, pictures, questions, text
from ui.charts import svg
from ui.numbers import percent
from views.inside import questions as inside_questions
from views.shell import widgets

GALLERY = 24
PER_ROW = 6
ANY = "any"


@widgets.guarded
def _on_cell() -> None:
    points = st.session_state["eval.matrix"].selection.points
    if points:
        t, p = int(points[0]["y"]), int(points[0]["x"])
        if not (0 <= t < 10 and 0 <= p < 10):
            raise ValueError("not a cell of the matrix")
        st.session_state["eval.true"], st.session_state["eval.pred"] = t, p


def _show_all() -> None:
    st.session_state["eval.true"] = st.session_state["eval.pred"] = ANY


def hardest_question(r: TestScores) -> bool:
    """Predict first: which digit is read wrongly most often (from the matrix's own rows)?
    True once the student has answered (the accuracy per digit, which shows it, may appear)."""
    return questions.ask(inside_questions.hardest(per_class_accuracy(r.confusion))) is not None


def matrix_and_digits(r: TestScores, reveal: bool = True) -> None:
    """The confusion matrix and accuracy per digit, side by side, each with its numbers as a
    table; the accuracy per digit (the question's answer at a glance) only once `reveal`."""
    cm, n = r.confusion, r.n
    c1, c2 = st.columns([1.15, 1])
    with c1:
        st.header("Confusion matrix")
        st.markdown(text.section("evaluate", "Matrix"))
        t_sel, p_sel = st.session_state.get("eval.true", ANY), st.session_state.get("eval.pred", ANY)
        selected = (t_sel, p_sel) if ANY not in (t_sel, p_sel) else None
        st.plotly_chart(charts.confusion(cm, selected), key="eval.matrix", on_select=_on_cell, selection_mode="points",
                        alt=f"Confusion matrix of the {n:,} test images: rows the true digit, columns the prediction",
                        **charts.PLOT)
        st.html(svg.table("Confusion matrix: test images of each true digit (rows) by predicted digit (columns)",
                          ["true \\ predicted"] + [str(d) for d in range(10)],
                          [[str(t)] + [f"{c:,}" for c in row] for t, row in enumerate(cm)]))
        st.caption(text.fill("evaluate", "Matrix chart", squares=cm.size, n=n))
    with c2:
        st.header("Accuracy per digit")
        if not reveal:
            st.info("Each digit's accuracy appears here once you have answered the question above "
                    "(the matrix's rows hold the same counts).", icon=":material/quiz:")
            return
        acc = per_class_accuracy(cm)
        hardest, y_min = int(np.nanargmin(acc)), max(0.0, float(np.nanmin(acc)) - 0.05)
        st.plotly_chart(charts.bars(acc, "", "true digit", "fraction correct", labels=[str(i) for i in range(10)],
                                    marked=hardest, y_range=(y_min, 1.0), height=420), key="eval.per_class",
                        alt=f"Accuracy per true digit; the hardest is {hardest}", **charts.PLOT)
        st.html(svg.table("Share of the test images of each digit read correctly", ["digit", "accuracy"],
                          [[str(d), percent(a)] for d, a in enumerate(acc)]))
        st.caption(text.fill("evaluate", "Per digit chart", hardest=hardest, y_min=percent(y_min, 2)))


def gallery(r: TestScores) -> None:
    """The most confident mistakes, filtered by true and predicted digit."""
    data, cm, probs = resources.dataset(), r.confusion, r.probs
    st.markdown(text.section("evaluate", "Gallery"))
    choices = [ANY] + list(range(10))
    f1, f2, f3 = st.columns([1, 1, 1])
    shown = {v: "any" if v == ANY else str(v) for v in choices}  # a dict, not a lambda (see units.py)
    true_class = f1.selectbox("True digit", choices, key="eval.true", format_func=shown.get,
                              help="Show only mistakes on this digit. Clicking a confusion-matrix square sets both filters.")
    pred_class = f2.selectbox("Predicted as", choices, key="eval.pred", format_func=shown.get,
                              help="Show only mistakes where the network said this digit.")
    f3.button("Show all mistakes", on_click=_show_all, key="eval.all", icon=":material/filter_alt_off:",
              help="Clear both filters.", disabled=true_class == ANY and pred_class == ANY)
    idx = confident_mistakes(probs, data.y_test, None if true_class == ANY else true_class,
                             None if pred_class == ANY else pred_class)
    what = ("mistakes" if true_class == ANY and pred_class == ANY else
            f"{'images of ' + str(true_class) if true_class != ANY else 'images'}"
            f"{' read as ' + str(pred_class) if pred_class != ANY else ' read wrongly'}")
    with st.container(key="eval.gallery"):
        if true_class != ANY and true_class == pred_class:
            st.info(text.fill("evaluate", "Diagonal", count=int(cm[true_class, true_class]), digit=true_class),
                    icon=":material/info:")
        elif len(idx) == 0:
            st.info(text.section("evaluate", "No mistakes"), icon=":material/celebration:")
        else:
            st.markdown(f"**{len(idx):,} {what}**" + (f", the {GALLERY} most confident shown" if len(idx) > GALLERY else ""))
            for row in range(0, min(len(idx), GALLERY), PER_ROW):
                for col, i in zip(st.columns(PER_ROW), idx[row:row + PER_ROW]):
                    i, y = int(i), int(data.y_test[i])
                    p = probs[i]
                    with col:
                        st.image(pictures.digit_card(data.x_test[i], p, y), width="stretch",  # shrinks with its column
                                 alt=f"Test image #{i:,}: a handwritten {y}, read as {int(p.argmax())} ({percent(p.max())} sure); "
                                     f"below it, bars of the ten probabilities",
                                 caption=f"#{i:,}: a {y}, read as {int(p.argmax())} ({percent(p.max())}); P({y}) = {percent(p[y])}")
                        st.button("Draw", key=f"eval.draw.{i}", on_click=example.open_test_image,
                                  args=(i, "app_pages/draw.py"), icon=":material/draw:", width="stretch",
                                  help=f"Open test image #{i} on the Draw page: its layers one by one.")
                        st.button("Backprop", key=f"eval.bp.{i}", on_click=example.open_test_image,
                                  args=(i, "app_pages/backprop.py"), icon=":material/undo:", width="stretch",
                                  help=f"Open test image #{i} on the Backprop page: its gradients.")
