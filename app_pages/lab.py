"""Break-it lab: switch units off, zero biases, scale or add noise to weights, change the
softmax temperature; test accuracy and one digit's probabilities before -> after."""
import streamlit as st

from session import example, state
from ui import text
from views.inside import lab_view
from views.shell import nav

model = state.model()
ex = example.current_or_first_test_image()

st.title("Break it: what happens when parts of the network fail?")
text.show("lab", "Intro")

st.header("Predict first", anchor=False)
lab_view.unit_question(model)
left, right = st.columns([2, 3], gap="large")
with left, st.container(key="lab.view.controls"):
    edit, summary = lab_view.controls(model, ex)
with right, st.container(key="lab.view.results"):
    lab_view.results(model, ex, edit, summary)

nav.next_page("app_pages/lab.py")
