"""The teacher's view of a class: how the class answered each lesson question so far, live,
ready for a projector. Opened only by the teacher's own link (/class?teacher=…)."""
import streamlit as st

from views.shell import projector
from views.teacher import board

st.title("Your class's answers", anchor=False)
projector.switch("teacher.projector")
found = board.read_link()
if found is None:
    st.stop()
class_id, token = found
with st.expander("The class's link", icon=":material/link:"):
    board.class_links(token)
board.controls()
board.board(class_id)
