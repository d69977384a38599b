"""The example the lesson is about: a picker of instructive test images (wrong, unsure,
confident), the user's drawing with the question "which digit did you mean?", and what
this example wants: for each digit, which way and how much the loss asks its score to move.
A confident example (P above CONFIDENT) says so, with the size of its error A − Y, and offers
the two ways to see learning: pretend it is another digit, or take one the network gets wrong.

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
from ui.numbers import adding_up, multiplying, percent, prob, sig, surprise_of
from views.backprop.outputs import Outputs
from views.shell import widgets

KINDS = {"wrong": "Read wrongly", "unsure": "Unsure", "confident": "Confident", "drawing": "Your drawing"}
PRETEND = "backprop.pretend"  # (test image index, the digit the student pretends it is), or None


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


def pretended(ex: example.Example) -> int | None:
    """The digit the student pretends this test image is (on this page only), or None."""
    kept = st.session_state.get(PRETEND)
    return kept[1] if kept is not None and ex.source == "test" and kept[0] == ex.index else None


def _pretend(index: int, digit: int | None) -> None:
    st.session_state[PRETEND] = None if digit is None else (int(index), int(digit))


def ask_label(ex: example.Example, probs: np.ndarray) -> int | None:
    """The true digit: a test image's label (or the digit the student pretends it is), or for a
    drawing the digit the user says they meant."""
    if ex.label is not None:
        fake = pretended(ex)
        if fake is not None:
            st.button(f"Stop pretending: use its label, {ex.label}", key="backprop.unpretend", icon=":material/undo:",
                      on_click=_pretend, args=(ex.index, None),
                      help=f"The lesson treats this {ex.label} as a {fake}; this puts its real label back.")
            return fake
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


def known_label(ex: example.Example) -> int | None:
    """The true digit without asking (the deeper page): a test image's label or the digit the
    student pretends it is; for a drawing, the digit said on the Backprop page (or None)."""
    if ex.label is not None:
        fake = pretended(ex)
        return int(ex.label) if fake is None else fake
    return example.meant(ex.x)


def compact(ex: example.Example, label: int) -> None:
    """The example in one line (the deeper page): its picture and what it is."""
    true = ex.label if ex.label is not None else label
    what = f"{ex.name.capitalize()}, a {true}" + (f" (the lesson pretends it is a {label})" if label != true else "")
    st.markdown(images.row([images.tile(images.ink(ex.image), what, f"{ex.name}, the digit {true}", size=84)]),
                unsafe_allow_html=True)


def summary(ex: example.Example, now: Outputs, label: int, L: int) -> None:
    """The example's picture and the three numbers the lesson starts from. now: its outputs (float64)."""
    c1, c2 = st.columns([1, 3])
    true = ex.label if ex.label is not None else label
    caption = ex.name.capitalize() + (f", labelled {true}" if ex.source == "test" else f", meant as {label}")
    if label != true:
        caption += f" (pretending it is a {label})"
    c1.markdown(images.tile(images.ink(ex.image), caption, f"{ex.name}, the digit {true}", size=140),
                unsafe_allow_html=True)
    predicted = int(now.p.argmax())
    m = c2.columns(3)
    m[0].metric("Prediction", predicted, help="The digit with the highest probability (argmax of the output).")
    m[1].metric(f"Probability of {label}", percent(now.p[label]), help="The output A at the true digit.")
    m[2].metric("Loss J", sig(now.J), help=f"J = −log A[{label}]" + (" + (λ/2)·ΣW²" if now.l2 else "") +
                f": 0 if the network were sure of {label}, large if it thinks {label} unlikely.")
    J = sig(now.J)
    if now.l2:  # every step of the caption checks with a calculator at the digits shown
        ce, pen = adding_up(J, [now.ce, now.penalty])
        sq = multiplying(pen, [f"{now.l2 / 2:g}", now.sum_sq])[1]
        c2.caption(text.fill("backprop", "Loss caption l2", label=label, p=surprise_of(ce, now.p[label]), ce=ce,
                             l2=f"{now.l2:g}", sq=sq, pen=pen, J=J, L=L))
    else:
        c2.caption(text.fill("backprop", "Loss caption", label=label, p=surprise_of(J, now.p[label]), J=J, L=L))


def confident(ex: example.Example, now: Outputs, label: int) -> None:
    """Above CONFIDENT: say so, with the size of A − Y, and offer the two ways to see learning."""
    if now.p[label] <= example.CONFIDENT:
        return
    cases = example.cases(lesson_start())
    err = now.p.copy()
    err[label] = -now.one_minus           # A − Y, with A[y] − 1 = −(1 − p) computed without cancellation
    size = float(np.sqrt(np.sum(err ** 2)))
    other = int(next(k for k in np.argsort(-now.p) if k != label))
    with st.container(border=True, key="backprop.confident"):
        st.markdown(text.fill("backprop", "Confident", label=label, p=percent(now.p[label]), size=sig(size),
                              one_minus=sig(now.one_minus), other=other))
        c = st.columns(2)
        if ex.source == "drawing":
            c[0].button(f"Pretend you meant {other}", key="backprop.pretend_drawing", icon=":material/swap_horiz:",
                        on_click=widgets.guarded(lambda: example.say_meant(ex.x, other)),
                        help=f"The loss then compares the answer with {other}: A − Y is large, so is every gradient.")
        else:
            c[0].button(f"Pretend it is a {other}", key="backprop.pretend_test", icon=":material/swap_horiz:",
                        on_click=_pretend, args=(ex.index, other),
                        help=f"On this page only, the lesson treats it as a {other}: A − Y is large, so is every gradient.")
        if cases.wrong:
            c[1].button("Take an example the network gets wrong", key="backprop.take_wrong", icon=":material/error:",
                        on_click=widgets.guarded(lambda: example.use_test_image(cases.wrong[0])),
                        help=f"Test image #{cases.wrong[0]}: the model reads it wrongly, so the step has a lot to fix.")


def wants(now: Outputs, label: int, L: int) -> None:
    """For each digit: the push −dZL the loss gives its score (up for the true digit, down for the others)."""
    push = -now.p.copy()
    push[label] = now.one_minus  # −(A − Y) = 1 − p at the true digit
    notes = [f"raise by {sig(v)}" if v > 0 else f"lower by {sig(-v)}" if v < 0 else "no push" for v in push]
    names = [f"{k}{' (true)' if k == label else ''}" for k in range(10)]
    st.markdown(svg.signed_rows(push, names, notes, "What this example asks of each score: " + "; ".join(
        f"{k}: {note}" for k, note in enumerate(notes)), true=[label]), unsafe_allow_html=True)
    wrong = [k for k in np.argsort(-now.p) if k != label][0]
    st.caption(text.fill("backprop", "Wants caption", label=label, up=sig(push[label]), wrong=int(wrong),
                         down=sig(-push[wrong]), p_true=prob(now.p[label]), L=L))
