"""Evaluate: test accuracy, the confusion matrix (click a cell), per-class accuracy and a
gallery of the most confident mistakes, each one a link to Draw and Backprop."""
import streamlit as st

from session import scores, state
from ui import text
from ui.numbers import percent
from views.inside import evaluate_view
from views.shell import nav

r = scores.on_test_set(state.model())

st.title("How good is it? The test set")
text.show("evaluate", "Intro")
m1, m2, m3 = st.columns(3)
m1.metric("Test accuracy", percent(r.accuracy), help="Share of the test images whose most probable digit is right.")
m2.metric("Mistakes", f"{r.n - r.correct:,} of {r.n:,}")
m3.metric("Test loss J", f"{r.loss:.4f}", help="Mean cross-entropy −log(probability of the true digit).")

st.header("Predict first", anchor=False)
answered = evaluate_view.hardest_question(r)
with st.container(key="eval.view.matrix"):
    evaluate_view.matrix_and_digits(r, reveal=answered)
with st.container(key="eval.view.mistakes"):
    st.header("The most confident mistakes")
    evaluate_view.gallery(r)

nav.next_page("app_pages/evaluate.py")  # on to the pages that look inside
