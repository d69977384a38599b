"""The example the lesson is about: a picker of instructive test images (wrong, unsure,
confident), the user's drawing with the question "which digit did you mean?", and what
this example wants: for each digit, which way and how much the loss asks its score to move.

The cases come from the model as it was before the lesson's steps (the oldest model Undo
can bring back), so the list does not move while the student steps on one of them.
Leaves out: the step itself (views/backprop/step.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP
from server import resources
from session import example, state
from ui import images, text
from ui.charts import svg
from ui.numbers import percent, prob, sig
from views.backprop.focus import losses
from views.shell import widgets

KINDS = {"wrong": "Read wrongly", "unsure": "Unsure", "confident": "Confident", "drawing": "Your drawing"}


def lesson_start() -> MLP:
    """The model before the steps taken here (what Undo would go back to), else the current one."""
    undo = state.steps_to_undo()
    return undo[0].model if undo else state.model()


@widgets.guarded
def _choose_kind(cases: example.Cases) -> None:
    kind = st.session_state["backprop.kind"]
    if kind == "drawing":
        example.use_last_drawing()
    elif kind in ("wrong", "unsure", "confident") and getattr(cases, kind):
        example.use_test_image(getattr(cases, kind)[0])


@widgets.guarded
def _choose_case() -> None:
    i = st.session_state["backprop.case"]
    if i is not None:
        example.use_test_image(int(i))


def _describe(cases: example.Cases, i: int) -> str:
    y = int(resources.dataset().y_test[i])
    p = cases.probs[i]
    read = f"read as {int(p.argmax())}" if int(p.argmax()) != y else "read right"
    return f"#{i}: a {y}, {read}, P({y}) = {percent(p[y])}"


def pick() -> example.Example:
    """The kind and case controls; returns the example to use (drawing or test image)."""
    start = lesson_start()
    cases = example.cases(start)
    ex = example.current_or_instructive(start)
    kinds = [k for k in KINDS if (k == "drawing" and example.last_drawing() is not None)
             or (k != "drawing" and getattr(cases, k))]
    now = "drawing" if ex.source == "drawing" else cases.kind(ex.index)
    st.session_state["backprop.kind"] = now if now in kinds else None  # follow the example, wherever it was chosen
    st.segmented_control("Kind of example", kinds, format_func=KINDS.get, key="backprop.kind",
                         on_change=_choose_kind, args=(cases,),
                         help=text.fill("backprop", "Kinds help", pool=len(cases.probs), unsure=percent(example.UNSURE),
                                        confident=percent(example.CONFIDENT)))
    if now in ("wrong", "unsure", "confident"):
        pool = getattr(cases, now)
        st.session_state["backprop.case"] = ex.index
        st.selectbox("Test image", pool, key="backprop.case", on_change=_choose_case,
                     format_func=lambda i: _describe(cases, i),
                     help="Each of these, with the probability the model gave the true digit "
                          + ("before your steps." if state.steps_to_undo() else "."))
        data = resources.dataset()
        tiles = [images.tile(images.ink(data.x_test[i].reshape(28, 28) / 255), f"#{i}: {data.y_test[i]}→"
                             f"{int(cases.probs[i].argmax())}", f"test image {i}, a {data.y_test[i]}",
                             size=56, selected=i == ex.index) for i in pool]
        st.markdown(images.row(tiles), unsafe_allow_html=True)
    elif ex.source == "test":
        st.caption(text.fill("backprop", "Other test image", index=ex.index))
    return ex


def ask_label(ex: example.Example, probs: np.ndarray) -> int | None:
    """The true digit: a test image's label, or for a drawing the digit the user says they meant."""
    if ex.label is not None:
        return int(ex.label)
    st.session_state["backprop.meant"] = example.meant(ex.x)  # kept across pages and test images
    label = st.segmented_control("Which digit did you mean?", list(range(10)), key="backprop.meant",
                                 on_change=widgets.guarded(lambda: example.say_meant(ex.x, st.session_state["backprop.meant"])),
                                 help="The loss, and so every gradient, depends on the true digit: for a drawing "
                                      "only you know it.")
    if label is None:
        st.info(text.fill("backprop", "Ask label", predicted=int(probs.argmax()),
                          p=percent(probs.max())), icon=":material/help:")
    return label


def summary(ex: example.Example, probs: np.ndarray, logits: np.ndarray, label: int) -> None:
    """The example's picture and the three numbers the lesson starts from (probs, logits: (10,))."""
    c1, c2 = st.columns([1, 3])
    caption = ex.name.capitalize() + (f", labelled {label}" if ex.source == "test" else f", meant as {label}")
    c1.markdown(images.tile(images.ink(ex.image), caption, f"{ex.name}, the digit {label}", size=140),
                unsafe_allow_html=True)
    predicted = int(probs.argmax())
    m = c2.columns(3)
    m[0].metric("Prediction", predicted, help="The digit with the highest probability (argmax of the output).")
    m[1].metric(f"Probability of {label}", percent(probs[label]), help="The output A[L] at the true digit.")
    m[2].metric("Loss J", sig(losses(logits[None], [label])[0]),
                help=f"J = −log A[L][{label}]: 0 if the network were sure of {label}, large if it thinks {label} unlikely.")
    c2.caption(text.fill("backprop", "Loss caption", label=label, p=prob(probs[label])))


def wants(probs: np.ndarray, dZ: np.ndarray, label: int) -> None:
    """For each digit: the push −dZ[L] the loss gives its score (up for the true digit, down for the others)."""
    push = -np.asarray(dZ, np.float64)  # (10,) the direction of steepest descent for each logit
    notes = [f"raise by {sig(v)}" if v > 0 else f"lower by {sig(-v)}" if v < 0 else "no push" for v in push]
    names = [f"{k}{' (true)' if k == label else ''}" for k in range(10)]
    st.markdown(svg.signed_rows(push, names, notes, "What this example asks of each score: " + "; ".join(
        f"{k}: {note}" for k, note in enumerate(notes)), true=[label]), unsafe_allow_html=True)
    wrong = [k for k in np.argsort(-probs) if k != label][0]
    st.caption(text.fill("backprop", "Wants caption", label=label, up=sig(push[label]), wrong=int(wrong),
                         down=sig(-push[wrong]), p_true=prob(probs[label])))
