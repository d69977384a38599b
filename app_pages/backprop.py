"""Backprop: the core lesson on one example, for one sitting. The example (one the network gets
wrong or is unsure of), what it wants from each score, the chain rule along one path, one step
and its effect, why each score moved, and the loss along the one weight the lesson follows.
Every equation, the other update rules, a mini-batch, the pixels and the gradient check are on
"Backprop, deeper" (app_pages/backprop_deeper.py); the warm-up on a network you can see whole is
"Tiny network" (app_pages/tiny.py). The sections live in views/backprop/; this page wires them.
"""
import numpy as np
import streamlit as st

from session import state
from ui import text
from views.backprop import along, ask, chain, checks, step, style, update, why_step
from views.backprop import example as lesson
from views.backprop import focus as focusing
from views.backprop.outputs import outputs
from views.shell import nav

model = state.model()
L = model.L
style.apply()
st.title("Backpropagation on one digit")
text.show("backprop", "Intro")
s = step.current()  # the rule, α and λ as last set (their widgets are in section 4)

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
    now = outputs(cache[f"Z{L}"][0], label, model, s.l2)
    lesson.summary(ex, now, label, L)
    lesson.confident(ex, now, label)
grads = model.backward(cache, np.array([label]))
focus = focusing.choose(model, cache, grads, label, **chain.choices(model))

with st.container(key="backprop.view.wants"):
    st.header("2. What this example wants")
    text.show("backprop", "Wants")
    left, right = st.columns([2, 3], gap="large")  # the question first (above it on a phone)
    with left:
        ask.ask_all([checks.pushed(now, focus, L)], first=1)
    with right:
        lesson.wants(now, label, L)

with st.container(key="backprop.view.chain"):
    st.header("3. The chain rule along one path")
    text.show("backprop", "Chain")
    chain.controls(model)
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.markdown(chain.picture(model, cache, grads, focus, now), unsafe_allow_html=True)
        st.caption(text.section("backprop", "Chain caption"))
    with right:
        if L > 1:
            chain.units_chart(cache, grads, focus)

with st.container(key="backprop.view.step"):
    st.header("4. Take a step")
    text.show("backprop", "Step")
    s = step.settings("backprop", trained_note=False)
    trial = checks.trial(model, grads, ex.x, label, s)
    qs = checks.questions(model, grads, focus, s, ex.x, trial, now)
    st.markdown("**Predict, then press a step to check**")
    ask.ask_all([qs["move"], qs["flips1"], qs["flips10"], qs["rises"]], columns=2, first=2)
    step.buttons(x, np.array([label]), s, f"{ex.name} labelled {label}")

last = step.last_press(model)
st.header("5. What the step did, and why")
left, right = st.columns([2, 3], gap="large")
with left, st.container(key="backprop.view.result"):
    step.result(model, ex.x, label)
if last is not None:
    with right, st.container(key="backprop.view.why"):
        st.markdown(text.fill("backprop", "Why", L=L, prev=f"A{L - 1}" if L > 1 else "x"))
        why_step.show(why_step.parts(last.model, model, ex.x), label, L, last)

with st.container(key="backprop.view.weight"):
    st.header("6. The loss along one weight")
    st.markdown(text.fill("backprop", "Along", L=L))
    preview = update.preview(model, grads, focus, s)
    same = last is not None and len(last.y) == 1 and np.array_equal(last.X[0], ex.x)
    left, right = st.columns([2, 3], gap="large")  # the question first (above the chart on a phone)
    with right:
        view = along.zoom_control(same)
    curve = along.compute(model, ex.x, label, focus, preview["delta"], s.l2, view, last.model if same else None)
    with left:
        ask.ask_all([checks.loss_question(curve, s, trial, now, ex.x, label, model.n_params)], first=6)
    with right:
        along.show(curve, s.rule, s.lr, s.l2, view)

with st.container(key="backprop.view.deeper"):
    st.markdown(text.section("backprop", "Go deeper"))
    st.page_link("app_pages/backprop_deeper.py", label="Backprop, deeper: every equation, the other update rules, "
                 "a mini-batch, the pixels, a gradient check", icon=":material/arrow_downward:")
    st.page_link("app_pages/tiny.py", label="Tiny network: the same step on a network you can see whole",
                 icon=":material/hub:")

nav.next_page("app_pages/backprop.py")  # Train: many steps on many examples
