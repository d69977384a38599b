"""Compare runs: every ended run of the session, their curves overlaid, one digit through two
models, and teaching pairs that train two runs one setting apart."""
import numpy as np
import streamlit as st

from nn_core import PAIRS, specs
from session import example, runs, state
from ui import charts, pictures, text
from ui.charts import svg
from ui.numbers import percent
from views.compare import pairs as pair_view
from views.draw import forward as forward_view
from views.shell import nav

SHOWN = "shown"  # the side-by-side choice meaning "the model every page shows"
FIELDS = specs()

st.title("Compare runs: what did one setting change?", anchor=False)
text.show("compare", "Intro")

# ------------------------------------------------------------------ teaching pairs (before the widgets they set)
st.header("Teaching pairs")
st.caption(text.section("compare", "Pairs"))
pair_view.chosen()  # a pair that has ended since the page was last drawn: its two runs on every view
pair_view.buttons()  # trained in the background, in the line (session/pairs.py)

kept = runs.kept()
if not kept:
    st.info(text.section("compare", "Empty"), icon=":material/info:")
    st.page_link("app_pages/train.py", label="Train a network", icon=":material/model_training:")
    nav.next_page("app_pages/compare.py")
    st.stop()


NAMES = {SHOWN: "The model every page shows", **{r.id: charts.compare.label(r) + (
    f" ({PAIRS[r.pair].title})" if r.pair else "") for r in kept}}
run_name = NAMES.__getitem__  # a plain dict: widgets format their options without the session


# ------------------------------------------------------------------ curves overlaid
st.header("Your runs")
ids = [r.id for r in kept]
chosen = [i for i in st.session_state.get("compare.shown", ids[-2:]) if i in ids]
st.session_state["compare.shown"] = chosen or ids[-2:]
picked = st.multiselect("Runs on the charts", ids, key="compare.shown", format_func=run_name,
                        max_selections=runs.MAX_RUNS, placeholder="pick one or more runs",
                        help="Every run this session trained (newest last, at most six). Each keeps its colour and "
                             "marker shape on every chart.")
shown = [r for r in kept if r.id in picked]
if not shown:
    st.info("Pick at least one run to see its curves.", icon=":material/info:")
else:
    differ = [k for k in FIELDS if k != "max_snapshots" and len({str(getattr(r.config, k)) for r in shown}) > 1]
    header = ["Run", *(FIELDS[k].label or k for k in differ), "Val. accuracy", "Steps, time", "Ended"]
    rows = [[charts.compare.label(r), *(str(getattr(r.config, k)) for k in differ),
             percent(r.final_val_acc) if r.final_val_acc is not None else "no epoch ended",
             f"{r.steps:,} in {r.seconds:.1f} s", "finished" if r.status == "done" else r.status] for r in shown]
    forward_view.html(f'<div class="nn-run-table">{svg.table("The runs on the charts", header, rows, hidden=False)}'
                      "</div>")  # run names are ours (presets, pairs), never user text
    st.caption(text.section("compare", "Runs") + (" Every setting is the same in these runs." if len(shown) > 1
                                                  and not differ else ""))
    for r in shown:
        if r.message:
            st.caption(f"{run_name(r.id)}: {r.message}")
    pairs = {r.pair for r in shown}
    if len(shown) == 2 and len(pairs) == 1 and "" not in pairs:
        st.success(text.section("compare", f"Pair {pairs.pop()}"), icon=":material/lightbulb:")
    c1, c2 = st.columns(2)
    c1.plotly_chart(charts.compare.accuracy(shown), key="compare.chart.accuracy", **charts.PLOT)
    c1.caption(text.section("compare", "Accuracy"))
    c2.plotly_chart(charts.compare.loss(shown), key="compare.chart.loss", **charts.PLOT)
    c2.caption(text.section("compare", "Loss"))
    st.plotly_chart(charts.compare.gradients(shown), key="compare.chart.gradients", **charts.PLOT)
    st.caption(text.section("compare", "Gradients"))

with st.expander("Use a kept run, or forget them all", icon=":material/settings_backup_restore:"):
    usable = [r.id for r in kept if r.model is not None]
    if usable:
        pick = st.selectbox("Run", usable, index=len(usable) - 1, format_func=run_name, key="compare.use",
                            help="Its final weights become the model that Draw, Backprop, Evaluate and every other "
                                 "page show.")
        st.button("Show this run's model on every page", key="compare.use_button", icon=":material/input:",
                  on_click=runs.show_everywhere, args=(pick,), help="The model shown now is replaced (nothing else "
                  "changes: the runs stay here).")
    st.button("Forget every kept run", key="compare.forget", icon=":material/delete:", on_click=runs.forget_all,
              help="Frees this session's memory. The model every page shows stays.")

# ------------------------------------------------------------------ one digit, two models
st.header("One digit through two models")
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
                                    names=("A", "B"), height=260, colors=(charts.OKABE_ITO[0], charts.OKABE_ITO[1])),
                key="compare.chart.probs", **charts.PLOT)
st.caption(text.section("compare", "Side by side probabilities") + " A is blue, B orange (hatched).")
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
        forward_view.html("".join(charts_html) if charts_html else "<p>No hidden layer.</p>")

nav.next_page("app_pages/compare.py")
