"""Tiny network: the warm-up before the Backprop lesson. A 4-2-2 network on 2x2-pixel strokes
(vertical or horizontal), drawn whole with every value and every gradient of one example, the
same equations and the same buttons (1 step, 10 steps, Undo) as the big lesson, on its own
network (session/tiny.py): the model every other page shows is not touched.
"""
import numpy as np
import streamlit as st

from nn_core import MLP
from session import tiny
from ui import text
from views.backprop import ask, style, tiny_graph
from views.backprop import tiny as warmup
from views.backprop.focus import losses
from views.shell import nav

CLASSES, IMAGES, LABELS = warmup.CLASSES, warmup.IMAGES, warmup.LABELS  # nn_core/tiny.py, through the view

style.apply()
st.title("A network you can see whole")
text.show("backprop", "Tiny intro")
model = tiny.model()

with st.container(key="tiny.view.example"):
    index = warmup.pick(tiny.probabilities(model))
x, label = IMAGES[index:index + 1], int(LABELS[index])  # (1, 4), the true class
probs, cache = model.forward(x)
grads = model.backward(cache, np.array([label]))


def loss(m: MLP, i: int) -> float:
    """The loss of image i under m, from its logits (float64)."""
    return float(losses(m.forward(IMAGES[i:i + 1])[1]["Z2"], [int(LABELS[i])])[0])


left, right = st.columns([5, 4], gap="large")
with left, st.container(key="tiny.view.graph"):
    st.markdown(tiny_graph.picture(model, cache, grads, label, CLASSES, loss(model, index)), unsafe_allow_html=True)
    st.caption(text.section("backprop", "Tiny graph caption"))
with right, st.container(key="tiny.view.step"):
    st.header("One step, every number")
    text.show("backprop", "Tiny step")
    ask.ask_all(warmup.questions(model, cache, grads, index))
    warmup.controls(index)

with st.container(key="tiny.view.result"):
    warmup.result(model, index, loss)

with st.container(key="tiny.view.equations"):
    st.header("The same equations as the big lesson")
    text.show("backprop", "Tiny equations")
    warmup.show_equations(model, cache, grads, warmup.focus(model, cache, grads, label))

nav.next_page("app_pages/tiny.py")
