"""Compare runs: every ended run of the session, their curves overlaid, one digit through two
models, and teaching pairs that train two runs one setting apart."""
import streamlit as st

from nn_core import PAIRS
from session import runs
from ui import charts, questions, text
from views.compare import curves, pairs, side_by_side
from views.compare import questions as compare_questions
from views.shell import nav

st.title("Compare runs: what did one setting change?", anchor=False)
text.show("compare", "Intro")

with st.container(key="compare.view.pairs"):
    st.header("Teaching pairs")  # before the widgets a finished pair sets
    st.caption(text.section("compare", "Pairs"))
    pairs.chosen()  # a pair that has ended since the page was last drawn: its two runs on every view
    pairs.buttons()  # trained in the background, in the line (session/pairs.py)

kept = runs.kept()
names = {side_by_side.SHOWN: "The model every page shows", **{r.id: charts.compare.label(r) + (
    f" ({PAIRS[r.pair].title})" if r.pair else "") for r in kept}}
run_name = names.__getitem__  # a plain dict: widgets format their options without the session

st.header("Predict first", anchor=False)
q = compare_questions.gradients(curves.on_charts(kept), run_name) if kept else None
answered = questions.ask(q) if q is not None else None
if q is None:
    with st.container(key="compare.q.gradients"):
        st.caption(text.section("compare", "Question waits"))

if not kept:
    st.info(text.section("compare", "Empty"), icon=":material/info:")
    st.page_link("app_pages/train.py", label="Train a network", icon=":material/model_training:")
    nav.next_page("app_pages/compare.py")
    st.stop()

with st.container(key="compare.view.runs"):
    st.header("Your runs")
    curves.section(kept, run_name, reveal=q is None or answered is not None)

st.header("One digit through two models")
side_by_side.section(kept, run_name)

nav.next_page("app_pages/compare.py")
