"""The warm-up page's parts: the four tiny images to pick from, the learning rate, "1 step" /
"10 steps" / Undo (session/tiny.py steps its own network), what the last press did, and the
equations of the big lesson with the tiny network's numbers (views/backprop/equations.py,
every entry shown: there are only 16 weights).
Leaves out: the picture (views/backprop/tiny_graph.py) and the math (nn_core/tiny.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core.tiny import CLASSES, IMAGES, LABELS, NAMES
from session import tiny
from ui import images, tables, text
from ui.numbers import change, percent, sig
from ui.questions import Question
from views.backprop import equations
from views.backprop.focus import Focus

LEARNING_RATES = [0.01, 0.03, 0.1, 0.3, 1.0]
DEFAULT_LR = 0.1  # one press moves the wrongly read stroke by tens of points, two presses flip it


def _tile(i: int, p: np.ndarray, size: int, selected: bool = False) -> str:
    img = IMAGES[i].reshape(2, 2).repeat(14, 0).repeat(14, 1)  # 2x2 -> 28x28, sharp squares
    return images.tile(images.ink(img), f"{NAMES[i]}: P({CLASSES[LABELS[i]]}) = {percent(p[LABELS[i]])}",
                       f"a 2 by 2 image of a {CLASSES[LABELS[i]]} stroke, the {NAMES[i]}", size=size, selected=selected)


def pick(probs: np.ndarray) -> int:
    """The example to follow (0..3), and the four images with how the network reads each now."""
    index = st.segmented_control("Example", range(len(LABELS)), default=1, key="tiny.example", required=True,
                                 format_func=lambda i: f"{NAMES[i]} ({CLASSES[LABELS[i]]})",
                                 help="Which of the four images the picture follows and the steps step on.")
    index = 1 if index is None else int(index)
    st.markdown(images.row([_tile(i, probs[i], 64, i == index) for i in range(len(LABELS))]), unsafe_allow_html=True)
    return index


def focus(model, cache, grads, label: int) -> Focus:
    """Every entry of the tiny network (what views/backprop/focus.py chooses among for the big one)."""
    A2 = cache["A2"][0]
    unit = int(np.abs(grads["dZ1"][0]).argmax())
    pixel = int(np.flatnonzero(cache["A0"][0] > 0)[0])
    return Focus(label=label, predicted=int(A2.argmax()), path=(pixel, unit, label), units=(tuple(range(2)),),
                 pixels=tuple(range(4)), ink=int(np.count_nonzero(cache["A0"][0])), runner_up=1 - label)


def questions(model, cache, grads, index: int) -> list[Question]:
    """Which way the weight with the largest gradient moves, and whether one press flips the answer
    (an SGD step on a copy, from these gradients, at the α the buttons use)."""
    lr = float(st.session_state.get("tiny.lr", DEFAULT_LR))
    label = int(LABELS[index])
    trial = model.copy()
    trial.params = {k: v - lr * grads[f"d{k}"] for k, v in model.params.items()}  # W ← W − α·dW, the next press
    p0, p1 = cache["A2"][0], trial.forward(IMAGES[index:index + 1])[0][0]
    j, k = np.unravel_index(int(np.abs(grads["dW2"]).argmax()), grads["dW2"].shape)
    dw = float(grads["dW2"][j, k])
    b, a, _ = change(p0[label], p1[label], 100, probability=True)
    return [
        Question("tiny.q.move", f"Which way will **W2[{j},{k}]** move with the next press of **1 step**?",
                 ("up", "down", "it stays"), 0 if dw < 0 else 1 if dw > 0 else 2,
                 f"dW2[{j},{k}] = A1[{j}]·dZ2[{k}] = {sig(dw)}, and a step moves against it: ΔW = −α·dW."),
        Question("tiny.q.flips", f"After one press of **1 step** (α = {lr:g}), will the network read the {NAMES[index]} "
                 f"as {CLASSES[label]}?", ("yes", "no"), 0 if int(p1.argmax()) == label else 1,
                 f"P({CLASSES[label]}) goes from {b} % to {a} %.")]


def controls(index: int) -> float:
    """α, and 1 step, 10 steps, Undo, Reset (the starting weights)."""
    lr = st.select_slider("Learning rate α", LEARNING_RATES, value=DEFAULT_LR, key="tiny.lr", format_func=lambda v: f"{v:g}",
                          help="How far each step moves every weight against its gradient (SGD: W ← W − α·dW).")
    b = [c for _ in range(2) for c in st.columns(2)]  # two rows of two: four in the page's narrower column cut "1 step" to "1 st…"
    for col, n in zip(b[:2], (1, 10)):
        col.button(f"{n} step{'s' if n > 1 else ''}", key=f"tiny.step{n}", type="primary" if n == 1 else "secondary",
                   icon=":material/arrow_downward:", on_click=tiny.apply_step, args=(index, lr, n), width="stretch",
                   help=f"{n} SGD step{'s' if n > 1 else ''} with α = {lr:g} on the {NAMES[index]} alone.")
    undo = tiny.presses()
    b[2].button("Undo", key="tiny.undo", icon=":material/undo:", on_click=tiny.undo, disabled=not undo, width="stretch",
                help="Put back the weights from before the last press." if undo else "Nothing to undo yet.")
    b[3].button("Reset", key="tiny.reset", icon=":material/restart_alt:", on_click=tiny.reset,
                disabled=not undo, width="stretch", help="The starting weights, nothing to undo.")
    return float(lr)


def result(model, index: int, losses) -> None:
    """What the last press did: the followed example's loss and the four images' probabilities.
    losses(model, i): the loss of image i (float64, from the logits)."""
    undo = tiny.presses()
    if not undo:
        st.info(text.section("backprop", "Tiny no step yet"), icon=":material/arrow_downward:")
        return
    last, before = undo[-1], undo[-1].model
    st.subheader(f"Before → after the last press: {last.steps} step{'s' if last.steps > 1 else ''}, α = {last.lr:g}, "
                 f"on the {NAMES[last.index]}")
    P0, P1 = tiny.probabilities(before), tiny.probabilities(model)
    probs, loss = [], []
    for i in range(len(LABELS)):
        # the name may wrap (a table cell may not): "right column (vertical)" on two lines on a phone
        name = tables.Html(f'<span style="white-space:normal">{NAMES[i]} ({CLASSES[LABELS[i]]})</span>')
        b, a, d = change(P0[i, LABELS[i]], P1[i, LABELS[i]], 100, probability=True)
        probs.append([name, f"{b} %", f"{a} %", d])
        loss.append([name, *change(losses(before, i), losses(model, i))])
    # two tables of four columns side by side (one under the other on a phone): eight in one
    # were 656 px wide, cut off on a 390 px phone; the highlighted row is the one stepped on
    left, right = st.columns(2, gap="medium")
    left.markdown(tables.table(["image", "before", "after", "change (points)"], probs, highlight=[last.index],
                               caption="P(true class) of each image"), unsafe_allow_html=True)
    right.markdown(tables.table(["image", "before", "after", "change"], loss, highlight=[last.index],
                                caption="The loss J of each image"), unsafe_allow_html=True)
    st.caption(text.section("backprop", "Tiny table caption"))


def show_equations(model, cache, grads, f: Focus) -> None:
    """The big lesson's equations with the tiny network's numbers: forward left, backward right."""
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("**Forward**")
        for eq in equations.forward(model, cache, f):
            st.latex(eq.tex)
    with right:
        st.markdown("**Backward**")
        for eq in equations.backward(model, cache, grads, f):
            st.latex(eq.tex)
