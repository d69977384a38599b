"""Evaluate: test accuracy, the confusion matrix (click a cell), per-class accuracy and a
gallery of the most confident mistakes, each one a link to Draw and Backprop."""
import numpy as np
import streamlit as st

from nn_core import confident_mistakes, confusion_matrix, evaluate, per_class_accuracy
from ui import charts, example, pictures, resources, state, text

PLOT = charts.PLOT
GALLERY = 24
PER_ROW = 6
ANY = "any"


def results() -> dict:
    """The current model's scores on the test set, computed once per model and kept in the session."""
    model = state.model()
    cached = st.session_state["eval.result"]
    if cached is not None and cached["model"] is model:
        return cached
    data = resources.dataset()
    with st.spinner("Scoring the 10,000 test images…"):
        loss, probs = evaluate(model, data.x_test, data.y_test)  # one pass over the test set
    cm = confusion_matrix(data.y_test, probs.argmax(axis=1))
    cached = {"model": model, "loss": loss, "probs": probs.astype(np.float32), "cm": cm,
              "accuracy": float(np.trace(cm) / cm.sum())}
    st.session_state["eval.result"] = cached
    return cached


def _on_cell() -> None:
    points = st.session_state["eval.matrix"].selection.points
    if points:
        t, p = int(points[0]["y"]), int(points[0]["x"])
        st.session_state["eval.true"], st.session_state["eval.pred"] = t, p


def _open(i: int, page: str) -> None:
    example.use_test_image(i)
    st.session_state["draw.source"] = "test"
    st.session_state["draw.index"] = i
    st.session_state["eval.goto"] = page


if target := st.session_state["eval.goto"]:  # set by a gallery button's callback
    st.session_state["eval.goto"] = None
    st.switch_page(target)

data = resources.dataset()
r = results()
cm, probs = r["cm"], r["probs"]
n = int(cm.sum())

st.title("How good is it? The test set")
text.show("evaluate", "Intro")
m1, m2, m3 = st.columns(3)
m1.metric("Test accuracy", f"{r['accuracy']:.2%}", help="Share of the test images whose most probable digit is right.")
m2.metric("Mistakes", f"{n - int(np.trace(cm)):,} of {n:,}")
m3.metric("Test loss J", f"{r['loss']:.4f}", help="Mean cross-entropy −log(probability of the true digit).")

c1, c2 = st.columns([1.15, 1])
with c1:
    st.subheader("Confusion matrix")
    st.markdown(text.section("evaluate", "Matrix"))
    t_sel, p_sel = st.session_state.get("eval.true", ANY), st.session_state.get("eval.pred", ANY)
    selected = (t_sel, p_sel) if ANY not in (t_sel, p_sel) else None
    st.plotly_chart(charts.confusion(cm, selected), key="eval.matrix", on_select=_on_cell, selection_mode="points",
                    **PLOT)
    st.caption(f"confusion[i, j] = the number of test images of digit i predicted as j; the {n:,} squares' counts "
               "sum to the test-set size. Colour on a log scale (ColorBrewer Blues) so that single mistakes show.")
with c2:
    st.subheader("Accuracy per digit")
    acc = per_class_accuracy(cm)
    st.plotly_chart(charts.bars(acc, "", "true digit", "fraction correct", labels=[str(i) for i in range(10)],
                                highlight=int(np.nanargmin(acc)), y_range=(max(0.0, float(np.nanmin(acc)) - 0.05), 1.0),
                                height=420), key="eval.per_class", **PLOT)
    st.caption("confusion[i, i] / Σⱼ confusion[i, j]: of the test images of each digit, the share read correctly "
               f"(recall). The hardest digit, {int(np.nanargmin(acc))}, is orange. The y axis starts at "
               f"{max(0.0, float(np.nanmin(acc)) - 0.05):.0%}.")

st.subheader("The most confident mistakes")
st.markdown(text.section("evaluate", "Gallery"))
choices = [ANY] + list(range(10))
f1, f2, f3 = st.columns([1, 1, 1])
true_class = f1.selectbox("True digit", choices, key="eval.true",
                          format_func=lambda v: "any" if v == ANY else str(v),
                          help="Show only mistakes on this digit. Clicking a confusion-matrix square sets both filters.")
pred_class = f2.selectbox("Predicted as", choices, key="eval.pred",
                          format_func=lambda v: "any" if v == ANY else str(v),
                          help="Show only mistakes where the network said this digit.")


def _show_all() -> None:
    st.session_state["eval.true"] = st.session_state["eval.pred"] = ANY


f3.button("Show all mistakes", on_click=_show_all, key="eval.all", icon=":material/filter_alt_off:",
          help="Clear both filters.", disabled=true_class == ANY and pred_class == ANY)
idx = confident_mistakes(probs, data.y_test, None if true_class == ANY else true_class,
                         None if pred_class == ANY else pred_class)
what = ("mistakes" if true_class == ANY and pred_class == ANY else
        f"{'images of ' + str(true_class) if true_class != ANY else 'images'}"
        f"{' read as ' + str(pred_class) if pred_class != ANY else ' read wrongly'}")
with st.container(key="eval.gallery"):
    if true_class != ANY and true_class == pred_class:
        st.info(f"That square is the diagonal: the {int(cm[true_class, true_class]):,} images of {true_class} read "
                "correctly. Pick a square off the diagonal to see mistakes.", icon=":material/info:")
    elif len(idx) == 0:
        st.info("No mistakes of this kind on the test set.", icon=":material/celebration:")
    else:
        st.markdown(f"**{len(idx):,} {what}**" + (f", the {GALLERY} most confident shown" if len(idx) > GALLERY else ""))
        for row in range(0, min(len(idx), GALLERY), PER_ROW):
            cols = st.columns(PER_ROW)
            for col, i in zip(cols, idx[row:row + PER_ROW]):
                i, y = int(i), int(data.y_test[i])
                p = probs[i]
                with col:
                    st.image(pictures.digit_card(data.x_test[i], p, y), width=140,
                             caption=f"#{i:,}: a {y}, read as {int(p.argmax())} ({p.max():.0%}); "
                                     f"P({y}) = {p[y]:.1%}")
                    st.button("Draw", key=f"eval.draw.{i}", on_click=_open, args=(i, "app_pages/draw.py"),
                              icon=":material/draw:", width="stretch",
                              help=f"Open test image #{i} on the Draw page: its layers one by one.")
                    st.button("Backprop", key=f"eval.bp.{i}", on_click=_open, args=(i, "app_pages/backprop.py"),
                              icon=":material/undo:", width="stretch",
                              help=f"Open test image #{i} on the Backprop page: its gradients.")
