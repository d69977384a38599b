"""Draw: the user's digit (or a test image) through preprocessing and every layer."""
import streamlit as st

from session import example
from ui import questions, readout, text
from views.draw import canvas, page
from views.shell import nav

SOURCES = {"draw": "Draw a digit", "test": "Pick a test image"}

if (opened := example.take_opened()) is not None:  # a test image another page opened here
    st.session_state["draw.source"], st.session_state["draw.index"] = "test", opened

st.title("Your digit, through the network")
text.show("draw", "Intro")
source = st.segmented_control("Input", list(SOURCES), format_func=SOURCES.get, key="draw.source", required=True,
                              default="draw", persist_state="session",
                              help="Draw your own digit with the mouse, or take one of the 10,000 test images "
                                   "(their true labels are known).")
readout.enable()  # hover and tap read-outs of the charts below
questions.enable_in_browser()  # the questions at the foot answer in the browser
if source == "test":
    page.test_image()
else:
    canvas.send_strokes_on_release()
    page.drawing_page()
nav.next_page("app_pages/draw.py")  # Backprop: how the network would learn from this digit
