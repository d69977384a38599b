"""Train: every hyperparameter, Start/Pause/Resume/Reset, and live curves."""
import streamlit as st

from links import classroom
from server import resources
from session import state
from ui import questions, text
from views.shell import nav
from views.train import files, live, share, training
from views.train import questions as train_questions

st.title("Train a network", anchor=False)  # (no heading link: one Tab stop fewer before Start)
text.show("train", "Intro")
# The controls come first on the page and in the Tab order (Start is a few key presses from the
# top); the settings below decide what Start does, so the buttons are filled in after them.
controls = st.container(key="train.controls")

settings, main = st.columns([1, 2.2], gap="large")
with settings:
    st.header("Settings")
    config = training.hyperparameter_widgets()
    if not classroom.lesson():
        with st.expander("Share with a class", icon=":material/share:"):
            text.show("train", "Share")
            share.share_panel()

with controls:
    live.buttons(config)

with main:
    live.messages()
    with st.container(key="train.view.live"):
        live.live_view()
    st.header("Check your understanding")
    if not state.running():  # questions on numbers that do not move while they are answered
        history = state.info().get("metrics", {}).get("history")
        n_train = (config.n_train or len(resources.dataset().y_train)) if config else 0
        questions.ask_all(train_questions.questions(config, n_train, history))
    else:
        with st.container(key="train.q.waiting"):
            st.caption(text.section("train", "Questions wait"))
    with st.expander("Save or load a model", icon=":material/save:"):
        text.show("train", "Files")
        files.download_and_upload()

nav.next_page("app_pages/train.py")
