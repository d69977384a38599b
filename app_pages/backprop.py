"""Backprop: a lesson on one example. An example the network gets wrong or is unsure of,
what it wants from each output, a step you can see (and undo), the chain rule along one
path, every equation with numbers that add up, the update rule in use, a mini-batch, the
gradient one layer further (the pixels), and a gradient check. The sections live in
views/backprop/; this page wires them in lesson order."""
import numpy as np
import streamlit as st

from session import state
from ui import questions, text
from views.backprop import batch, chain, checks, equations_view, gradcheck, pixels, step, style, unit, update
from views.backprop import example as lesson
from views.backprop import focus as focusing
from views.shell import nav

model = state.model()
L = model.L
style.apply()
st.title("Backpropagation on one digit")
text.show("backprop", "Intro")

example_view = st.container(key="backprop.view.example")
with example_view:
    st.header("1. The example")
    ex = lesson.pick()
x = ex.x.reshape(1, -1)  # (784,) -> (1, 784): a batch of one
probs, cache = model.forward(x)
with example_view:
    label = lesson.ask_label(ex, probs[0])
    if label is None:
        st.stop()
    lesson.summary(ex, probs[0], cache[f"Z{L}"][0], label)
grads = model.backward(cache, np.array([label]))
focus = focusing.choose(model, cache, grads, label, **chain.choices(model))

with st.container(key="backprop.view.wants"):
    st.header("2. What this example wants")
    text.show("backprop", "Wants")
    lesson.wants(probs[0], grads[f"dZ{L}"][0], label)

with st.container(key="backprop.view.step"):
    st.header("3. Take a step, and see what it changes")
    text.show("backprop", "Step")
    settings = step.settings()
    with st.container(border=True, key="backprop.questions"):
        st.markdown("**Predict, then press a step to check**")
        questions.ask_all(checks.questions(model, cache, grads, focus, settings, ex.x))
    step.buttons(x, np.array([label]), settings, f"{ex.name} labelled {label}")
    step.result(model, focus.unit)

with st.container(key="backprop.view.chain"):
    st.header("4. The chain rule along one path")
    text.show("backprop", "Chain")
    chain.controls(model)
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.markdown(chain.picture(model, cache, grads, focus), unsafe_allow_html=True)
        st.caption(text.section("backprop", "Chain caption"))
    with right:
        if L > 1:
            chain.units_chart(cache, grads, focus)
            unit.card(model, cache, grads, focus)
            st.button(f"Open unit {focus.unit} in the Units explorer", key="backprop.open_unit",
                      icon=":material/open_in_new:", on_click=state.open_unit, args=(1, focus.unit),
                      help="Its weights, the test images that excite it most, its activation by digit, "
                           "its outgoing weights.")

with st.container(key="backprop.view.equations"):
    st.header("5. Every equation, with its numbers")
    text.show("backprop", "Equations")
    equations_view.show(model, cache, grads, focus, probs[0])

with st.container(key="backprop.view.update"):
    st.header("6. The update rule in use")
    text.show("backprop", "Update")
    update.show(model, cache, grads, focus, settings)

with st.container(key="backprop.view.batch"):
    st.header("7. A mini-batch: m examples at once")
    text.show("backprop", "Batch")
    batch.show(model, ex, label, focus, settings)

with st.container(key="backprop.view.pixels"):
    st.header("8. One layer further: the pixels")
    text.show("backprop", "Pixels")
    pixels.show(model, ex.x, cache, grads, label)

with st.container(key="backprop.view.check"):
    st.header("9. Is the calculus right? A gradient check")
    text.show("backprop", "Check")
    gradcheck.show(model, x, label, focus)

nav.next_page("app_pages/backprop.py")  # Train: many steps on many examples
