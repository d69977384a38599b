"""Robustness: noise, rotation, shift and stroke thickness on the current example and the
test set; accuracy-vs-perturbation curves; an "I don't know" threshold with its
coverage-vs-accuracy curve and operating point."""
import streamlit as st

from session import example, state
from ui import text
from views.inside import robust, robust_view
from views.shell import nav

model = state.model()
ex = example.current_or_first_test_image()
sample = robust.sample()

st.title("Robustness: when does the network stop reading?")
text.show("robust", "Intro")

with st.container(key="robust.view.change"):
    st.header("Change the digits")
    controls, shown = st.columns([2, 3], gap="large")
    with controls:
        p = robust_view.controls(len(sample.y))
    with shown:
        p_after, probs_changed = robust_view.example_and_sample(model, ex, p, sample)

st.header("Predict first", anchor=False)
robust_view.rotation_question(model)
with st.container(key="robust.view.curves"):
    st.header("Accuracy against each change")
    robust_view.curves(model, p)

with st.container(key="robust.view.threshold"):
    st.header('"I don\'t know": answering only when sure')
    robust_view.threshold(model, p, p_after, probs_changed, sample)

nav.next_page("app_pages/robust.py")
