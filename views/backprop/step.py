"""A step you can see: the learning rate, the update rule, "1 step" / "10 steps" / Undo, and
what the last press did: the loss and every probability before -> after, each change exactly
the printed after minus the printed before (ui/numbers.change); on the deeper page, the
first-layer units whose weights moved most as 28x28 pictures, and what the step did to other
test images (a step on one example is overfitting it).

The rule, α and λ are kept across the lesson's two pages (views/backprop/kept.py). The steps go
through session/state.apply_step (the shown model changes on every page; Undo puts the previous
one back). Leaves out: why each score moved (views/backprop/why_step.py) and the equations of
the update rule (views/backprop/update.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from nn_core import MLP, as_float
from server import resources
from session import example, state
from ui import images, tables, text
from ui.numbers import change, percent, sig
from views.backprop import kept
from views.backprop.focus import losses
from views.backprop.outputs import forward64, outputs

RULES = {"sgd": "SGD", "momentum": "Momentum (μ = 0.9)", "adam": "Adam"}
LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
DEFAULT_LR = 0.001   # one step on one example moves its probability by several points, 10 by tens
L2S = [0.0, 1e-4, 1e-3, 1e-2, 1e-1]
MOVED = 4            # first-layer units shown whose weights moved most
SAMPLE = 500         # test images scored before and after a step
NEIGHBOURS = 6       # the most similar test images shown


@dataclass(frozen=True)
class Settings:
    rule: str
    lr: float
    l2: float


DEFAULTS = {"rule": "sgd", "lr": DEFAULT_LR, "l2": 0.0}


def current(prefix: str = "backprop") -> Settings:
    """The rule, α and λ as last set on either page (before their widgets are drawn on this run)."""
    get = lambda name: kept.get(name, DEFAULTS[name], key=f"{prefix}.{name}")  # noqa: E731
    return Settings(get("rule"), float(get("lr")), float(get("l2")))


def settings(prefix: str = "backprop", trained_note: bool = True) -> Settings:
    """The update rule, learning rate α and L2 penalty λ for the steps on the lesson's pages, as
    widgets keyed `prefix`.rule, .lr, .l2 ("backprop" on the core page, "backprop.deeper" on the
    other), sharing their values through views/backprop/kept.py."""
    c1, c2, c3 = st.columns([1.2, 2, 1.3])
    for name, default in DEFAULTS.items():
        kept.restore(f"{prefix}.{name}", name, default)
    rule = c1.selectbox("Update rule", list(RULES), format_func=RULES.get, key=f"{prefix}.rule",
                        help="SGD: W ← W − α·G, with G = dW (+ λ·W under L2). Momentum and Adam keep a running "
                             "state that goes on from press to press (their equations: Backprop, deeper).")
    lr = c2.select_slider("Learning rate α", LEARNING_RATES, key=f"{prefix}.lr", format_func=lambda v: f"{v:g}",
                          help="How far each step moves against the gradient. On one example a step of "
                               "0.001 is already visible; 0.1 makes this digit right at once and other digits wrong.")
    l2 = c3.select_slider("L2 penalty λ", L2S, key=f"{prefix}.l2", format_func=lambda v: "off" if v == 0 else f"{v:g}",
                          help="Adds λ/2·ΣW² to the loss J, so λ·W to every weight's gradient: the step also "
                               "shrinks every weight towards 0.")
    for name, value in (("rule", rule), ("lr", lr), ("l2", l2)):
        kept.keep(name, value)
    cfg = state.info().get("config") or {}
    trained = text.fill("backprop", "Trained with", rule=cfg.get("optimizer", "?"), lr=cfg.get("lr", "?")) \
        if cfg.get("optimizer") and trained_note else ""
    st.caption(text.fill("backprop", "Rule caption", rule=RULES[rule]) + " " + trained)
    return Settings(rule, float(lr), float(l2))


def buttons(X: np.ndarray, y: np.ndarray, s: Settings, what: str, key: str = "backprop",
            whole_page: bool = False) -> None:
    """1 step, 10 steps and Undo, stepping on the examples X (m, 784) with labels y.
    whole_page: the buttons sit in a fragment, and a press reruns the whole page (every
    section shows the model, which has changed)."""
    undo = state.steps_to_undo()
    b = st.columns(3)
    pressed = False
    for col, n in zip(b[:2], (1, 10)):
        pressed |= col.button(f"{n} step{'s' if n > 1 else ''}", type="primary" if n == 1 else "secondary",
                   icon=":material/arrow_downward:", on_click=state.apply_step, args=(X, y, s.lr, n, s.rule, s.l2),
                   key=f"{key}.step{n}", width="stretch",
                   help=f"{n} step{'s' if n > 1 else ''} of {RULES[s.rule]} with α = {s.lr:g} on {what}. "
                        "Every page then shows the changed model.")
    pressed |= b[2].button("Undo", icon=":material/undo:", on_click=state.undo_step, disabled=not undo,
                           key=f"{key}.undo", width="stretch",
                           help="Put back the weights from before the last press." if undo else "Nothing to undo yet.")
    if pressed and whole_page:
        st.rerun(scope="app")


def _probability_rows(p0: np.ndarray, p1: np.ndarray) -> list[list[str]]:
    """digit, before %, after %, change in percentage points: the change is after − before as printed."""
    rows = []
    for k in range(len(p0)):
        b, a, d = change(p0[k], p1[k], 100, probability=True)
        rows.append([str(k), f"{b} %", f"{a} %", d])
    return rows


def last_press(model: MLP):
    """The last press on the shown model (None before any): the OneStep record."""
    undo = state.steps_to_undo()
    return undo[-1] if undo else None


def result(model: MLP, x: np.ndarray, label: int) -> None:
    """What the last press did to this example (x: (784,)): its loss, and every probability."""
    last = last_press(model)
    if last is None:
        st.info(text.section("backprop", "No step yet"), icon=":material/arrow_downward:")
        return
    before = last.model
    L = model.L
    y, m = last.y, len(last.y)
    on = "this example" if m == 1 and np.array_equal(last.X[0], x) else \
        f"one example (label {y[0]})" if m == 1 else f"a mini-batch of {m}"
    st.markdown(f"**Before → after the last press:** {last.steps} step{'s' if last.steps > 1 else ''} of "
                f"{RULES[last.rule]}, α = {last.lr:g}{f', λ = {last.l2:g}' if last.l2 else ''}, on {on}")
    f0, f1 = forward64(before, x), forward64(model, x)
    o0 = outputs(f0[f"Z{L}"], label, before, last.l2)
    o1 = outputs(f1[f"Z{L}"], label, model, last.l2)
    jb, ja, jd = change(o0.J, o1.J)
    st.markdown(tables.table(["", "before", "after", "change"], [[f"loss J{' (with L2)' if last.l2 else ''}", jb, ja, jd]],
                             caption="The loss of this example"), unsafe_allow_html=True)
    with st.container(key="backprop.table"):
        st.markdown(tables.table(["digit", "before", "after", "change (points)"],
                                 _probability_rows(o0.p, o1.p), true=[int(label)],
                                 caption=f"Probabilities A{L} of this example"), unsafe_allow_html=True)
        if m > 1:
            P0, P1 = before.forward(last.X)[0], model.forward(last.X)[0]
            rows = [[f"{k + 1}: {y[k]}", *(f"{v} %" if i < 2 else v for i, v in enumerate(
                change(P0[k, y[k]], P1[k, y[k]], 100, probability=True)))] for k in range(m)]
            st.markdown(tables.table(["example: label", "before", "after", "change (points)"], rows,
                                     caption="Each example of the batch: the probability of its label"),
                        unsafe_allow_html=True)
    st.caption(text.fill("backprop", "Table caption", L=L))
    if m == 1 and o0.p[label] > example.CONFIDENT:  # a tiny change needs its reason beside it, not only in section 1
        err = o0.p.copy()
        err[label] = -o0.one_minus  # A − Y before the press
        st.info(text.fill("backprop", "Confident result", label=label, p=percent(o0.p[label]),
                          size=sig(float(np.sqrt(np.sum(err ** 2))))), icon=":material/info:")


def elsewhere(model: MLP, selected_unit: int | None) -> None:
    """The deeper page's view of the last press: the first-layer units that moved most, and
    what it did to other test images."""
    last = last_press(model)
    if last is None:
        st.info(text.section("backprop", "No step yet deeper"), icon=":material/arrow_downward:")
        return
    _moved(last.model, model, selected_unit, last.rule)
    _others(last.model, model, last.X[0])


def _moved(before: MLP, after: MLP, selected_unit: int | None, rule: str) -> None:
    """The first-layer units whose 784 weights moved most: template before, and the change."""
    W0, delta = before.params["W1"], after.params["W1"] - before.params["W1"]  # (784, H)
    norms = np.linalg.norm(delta, axis=0)
    units = [int(j) for j in np.argsort(-norms, kind="stable")[:MOVED]]
    wmax, dmax = images.vmax_of(W0[:, units]), images.vmax_of(delta[:, units])
    name = "digit" if after.L == 1 else "unit"
    st.markdown(f"**First-layer weights that moved most** ({name}s {', '.join(map(str, units))})")
    rel = float(norms[units[0]] / (np.linalg.norm(W0[:, units[0]]) or 1))
    tiles = [images.tile(images.diverging(W0[:, j].reshape(28, 28), wmax), f"{name} {j}: W1 before",
                         f"weights of {name} {j} before the step", size=84, selected=j == selected_unit) for j in units]
    st.markdown(images.row(tiles, images.legend(wmax, "weight")), unsafe_allow_html=True)
    tiles = [images.tile(images.diverging(delta[:, j].reshape(28, 28), dmax), f"{name} {j}: change",
                         f"change of the weights of {name} {j}", size=84, selected=j == selected_unit) for j in units]
    st.markdown(images.row(tiles, images.legend(dmax, "change", text.section("backprop", "Weight change legend"))), unsafe_allow_html=True)
    st.caption(text.fill("backprop", f"Moved {rule}", unit=units[0], rel=percent(rel)))


def _others(before: MLP, after: MLP, x: np.ndarray) -> None:
    """What the step did to other test images: a fixed sample, and the most similar ones."""
    data = resources.dataset()
    Xs, ys = as_float(data.x_test[:SAMPLE]), data.y_test[:SAMPLE]
    (P0, C0), (P1, C1) = before.forward(Xs), after.forward(Xs)  # (SAMPLE, 10) each
    r0, r1 = P0.argmax(1) == ys, P1.argmax(1) == ys
    Z = f"Z{after.L}"
    J0, J1 = float(losses(C0[Z], ys).mean()), float(losses(C1[Z], ys).mean())
    jb, ja, jd = change(J0, J1)
    st.markdown("**What it did to other test images**")
    st.caption(text.fill("backprop", "Others caption", n=SAMPLE, right0=int(r0.sum()), right1=int(r1.sum()),
                         broke=int((r0 & ~r1).sum()), fixed=int((~r0 & r1).sum()), j0=jb, j1=ja, dj=jd))
    sim = Xs @ x / (np.linalg.norm(Xs, axis=1) * (np.linalg.norm(x) or 1) + 1e-12)  # cosine similarity
    near = [int(i) for i in np.argsort(-sim, kind="stable") if sim[i] < 0.9999][:NEIGHBOURS]
    rows = []
    for i in near:
        pb, pa, pd = change(P0[i, ys[i]], P1[i, ys[i]], 100, probability=True)
        pic = tables.Html(images.tile(images.ink(Xs[i].reshape(28, 28)), "", f"test image {i}, a {ys[i]}", size=36))
        # before and after on two lines: seven digits each when the change is tiny, too wide for a phone in one
        rows.append([pic, f"#{i}: {ys[i]}", tables.Html(f"{pb}&nbsp;→<br>{pa}"), pd, f"{P0[i].argmax()} → {P1[i].argmax()}"])
    st.markdown(tables.table(["", "image", "P(label) %", "change", "read as"], rows, align="llrrr",
                             caption="The most similar test images"), unsafe_allow_html=True)
