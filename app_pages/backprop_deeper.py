"""Backprop, deeper: the details behind the core lesson, on the same example, path and update
rule. Every equation of the forward and backward pass with its numbers, the selected unit, the
update rule in use (SGD, momentum, Adam; L2) and what the last press did elsewhere, a
mini-batch, the gradient with respect to the pixels, and a gradient check. A tutorial's worth;
each section stands on its own. The sections live in views/backprop/; this page wires them.
"""
import numpy as np
import streamlit as st

from session import example, state
from ui import text
from views.backprop import ask, batch, chain, checks, equations_view, gradcheck, pixels, step, style, unit, update
from views.backprop import example as lesson
from views.backprop import focus as focusing
from views.backprop.outputs import outputs
from views.shell import nav

model = state.model()
L = model.L
style.apply()
st.title("Backpropagation, deeper")
text.show("backprop", "Deeper intro")
st.page_link("app_pages/backprop.py", label="Back to the Backprop lesson (the example, the path, the step)",
             icon=":material/arrow_upward:")
s = step.current("backprop.deeper")

with st.container(key="backprop.view.deeper_example"):
    ex = example.current_or_instructive(lesson.lesson_start())
    label = lesson.known_label(ex)
    if label is None:
        st.info(text.section("backprop", "Deeper needs a digit"), icon=":material/help:")
        st.page_link("app_pages/backprop.py", label="Say which digit you meant on the Backprop page", icon=":material/undo:")
        st.stop()
    lesson.compact(ex, label)
x = ex.x.reshape(1, -1)  # (784,) -> (1, 784): a batch of one
probs, cache = model.forward(x)
now = outputs(cache[f"Z{L}"][0], label, model, s.l2)
grads = model.backward(cache, np.array([label]))
focus = focusing.choose(model, cache, grads, label, **chain.choices(model))

with st.container(key="backprop.view.equations"):
    st.header("1. Every equation, with its numbers")
    text.show("backprop", "Equations")
    silent = checks.silent(model, cache, grads, focus)
    if silent is not None:
        ask.ask_all([silent])
    equations_view.show(model, cache, grads, focus, probs[0])

if L > 1:
    with st.container(key="backprop.view.unit"):
        st.header(f"2. Unit {focus.unit} of layer 1, the one the path goes through")
        unit.card(model, cache, grads, focus)
        st.button(f"Open unit {focus.unit} in the Units explorer", key="backprop.open_unit",
                  icon=":material/open_in_new:", on_click=state.open_unit, args=(1, focus.unit),
                  help="Its weights, the test images that excite it most, its activation by digit, "
                       "its outgoing weights.")

with st.container(key="backprop.view.update"):
    st.header("3. The update rule in use")
    text.show("backprop", "Update")
    s = step.settings("backprop.deeper", trained_note=True)
    now = outputs(cache[f"Z{L}"][0], label, model, s.l2)
    update.show(model, now, grads, focus, s)
    step.buttons(x, np.array([label]), s, f"{ex.name} labelled {label}", key="backprop.deeper")
    with st.container(key="backprop.view.elsewhere"):
        step.elsewhere(model, focus.unit)

with st.container(key="backprop.view.batch"):
    st.header("4. A mini-batch: m examples at once")
    text.show("backprop", "Batch")
    batch.show(model, ex, label, focus, s)

with st.container(key="backprop.view.pixels"):
    st.header("5. One layer further: the pixels")
    text.show("backprop", "Pixels")
    pixels.show(model, ex.x, cache, grads, label)

with st.container(key="backprop.view.check"):
    st.header("6. Is the calculus right? A gradient check")
    text.show("backprop", "Check")
    gradcheck.show(model, x, label, focus)

nav.next_page("app_pages/backprop_deeper.py")
