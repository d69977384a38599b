"""The loss along one weight: "gradient", "learning rate" and "gradient check" as one picture.

For the weight the lesson follows (the chain-rule path's last one, WL[j, k]), J as a function of
that weight alone, every other parameter held where it is (nn_core.loss_along, on a float64 copy):

  the curve     J(w') for w' around the current value w (with λ/2·ΣW² when λ > 0)
  the tangent   at w, with slope G = dJ/dw, backprop's number (dW, + λ·w under L2)
  the check     the gradient check's two points J(w − h) and J(w + h) (nn_core.check_weight):
                the slope of the chord between them is the finite difference
  the step      the next press's Δw (the rule in use: −α·G for SGD) as an arrow along the
                tangent; the tangent predicts J + G·Δw, the curve says J(w + Δw)
  after a press the curve before it (dashed) and the point where the weight was (hollow): the
                point moved along the weight by the press's Δw, and the whole curve moved too,
                because every other weight moved as well

Three views: near the step (the span a few steps cover; h is the power of ten that keeps the
check's points apart on screen; after a press, where the weight was on today's curve: the point
moved along it), the last press (the curve before it, dashed, and now: the whole curve moved,
because every other weight moved too) and wide (the logit moves by ±3: the curve's bend shows).
Leaves out: the gradient check of any other parameter (views/backprop/gradcheck.py).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import streamlit as st

from nn_core import MLP, check_weight, loss_along
from ui import colors, text
from ui.charts import curve
from ui.charts.svg import table as hidden_table
from ui.numbers import change, sig
from views.backprop.focus import Focus

POINTS = 61
ZOOMS = {"near": "Near the step", "press": "The last press", "wide": "Wide: the bend"}


@dataclass(frozen=True)
class Along:
    key: str                  # "W2"
    index: tuple[int, int]    # (j, k)
    w: float                  # the weight now
    G: float                  # backprop's dJ/dw now (+ λ·w under L2)
    h: float
    minus: float              # J(w − h), the others fixed
    plus: float               # J(w + h)
    J: float                  # J(w)
    delta: float              # the next press's Δw under the rule in use
    J_step: float             # J(w + Δw) on the curve (this weight alone)
    xs: np.ndarray            # (POINTS,) the weight values drawn
    Js: np.ndarray            # (POINTS,) J along them
    before: tuple[float, float, np.ndarray, float, float] | None = None  # before the last press: its w, J(w), J along
    #          xs, J at today's w with every other weight as it was then, and J at its w with every other weight as now

    @property
    def numeric(self) -> float:
        """The gradient check's finite difference (J(w + h) − J(w − h)) / 2h."""
        return (self.plus - self.minus) / (2 * self.h)

    @property
    def name(self) -> str:
        return f"{self.key}[{self.index[0]}, {self.index[1]}]"


def _power_of_ten(v: float) -> float:
    return 10.0 ** round(math.log10(v)) if v > 0 else 1e-3


def compute(model: MLP, x: np.ndarray, label: int, focus: Focus, delta: float, l2: float,
            zoom: str = "near", before: MLP | None = None) -> Along:
    """x: (784,). delta: the next press's Δw (views/backprop/update.preview). before: the model
    before the last press on this example (None if there was none)."""
    L = model.L
    key, index = f"W{L}", (focus.path[L - 1], focus.path[L])
    X, y = np.asarray(x, np.float64).reshape(1, -1), np.array([label])
    m64 = model.astype(np.float64)
    w = float(m64.params[key][index])
    w0 = float(before.params[key][index]) if before is not None else w
    a = float(abs(np.asarray(m64.forward(X)[1][f"A{L - 1}"])[0, index[0]]))  # the weight's input
    R = max(3 * abs(delta), 1.5 * abs(w - w0), 1e-4 * max(1.0, abs(w)))
    if zoom == "wide":
        R = max(R, 3 / a if a > 0 else 1.0)
    h = _power_of_ten(R / 4)
    check = check_weight(m64, X, y, key, index, h=h, l2=l2)
    lo, hi = min(w - R, w0 - R / 4), max(w + R, w0 + R / 4)
    xs = np.linspace(lo, hi, POINTS)
    Js, (J, J_step) = loss_along(m64, X, y, key, index, xs, l2), loss_along(m64, X, y, key, index, [w, w + delta], l2)
    past = None
    if before is not None:
        b64 = before.astype(np.float64)
        J0, alone = loss_along(b64, X, y, key, index, [w0, w], l2)
        today = loss_along(m64, X, y, key, index, [w0], l2)[0]
        past = (w0, float(J0), loss_along(b64, X, y, key, index, xs, l2), float(alone), float(today))
    return Along(key, index, w, check.analytic, h, check.minus, check.plus, float(J), float(delta), float(J_step),
                 xs, Js, past)


def zoom_control(pressed: bool) -> str:
    views = [v for v in ZOOMS if pressed or v != "press"]
    if st.session_state.get("backprop.along.zoom") not in views:
        st.session_state["backprop.along.zoom"] = "near"
    return st.segmented_control("View", views, format_func=ZOOMS.get, key="backprop.along.zoom", required=True,
                                help="Near the step: the span a few presses move the weight (the curve looks straight, "
                                     "as its tangent). The last press: the curve before it and now. Wide: the score "
                                     "moves by ±3, and the curve bends.") or "near"


def show(a: Along, rule: str, lr: float, l2: float, view: str = "near") -> None:
    """The chart, its legend and caption, and its numbers as a (hidden) table."""
    tangent = lambda v: a.J + a.G * (v - a.w)  # noqa: E731
    lo, hi = float(a.xs[0]), float(a.xs[-1])
    c = curve.Chart(f"J along {a.name}, every other weight fixed", f"the weight {a.name}",
                    "loss J" + (" (with λ/2·ΣW²)" if l2 else ""))
    press = a.before is not None and view == "press"
    if press:
        c.lines.append(curve.Line(a.xs, a.before[2], "J along it before the last press", colors.BEFORE["color"], "7 5", 2))
    c.lines.append(curve.Line(a.xs, a.Js, "J along it now", colors.INK, "", 2.5))
    c.lines.append(curve.Line(np.array([lo, hi]), np.array([tangent(lo), tangent(hi)]),
                              f"tangent at w: slope G = {sig(a.G)} (backprop)", colors.DATA, "2 3", 1.5))
    if a.delta:
        c.arrows.append(curve.Arrow(a.w, a.J, a.w + a.delta, tangent(a.w + a.delta),
                                    f"next step Δw = {sig(a.delta)} ({'−α·G' if rule == 'sgd' else 'the ' + rule + ' step'})"))
    c.marks.append(curve.Mark(a.w - a.h, a.minus, f"gradient check: J(w ± h), h = {a.h:g}", "square", False, colors.INK, 4.5))
    c.marks.append(curve.Mark(a.w + a.h, a.plus, "", "square", False, colors.INK, 4.5))
    if a.before is not None:  # where the weight was: on the old curve (the last press), or on today's (near, wide)
        w0, J0 = (a.before[0], a.before[1]) if press else (a.before[0], a.before[4])
        c.marks.append(curve.Mark(w0, J0, "where the weight was before the last press", "circle", False, colors.INK))
        c.arrows.append(curve.Arrow(w0, J0, a.w, a.J, "the last press", colors.BEFORE["color"], "4 3"))
    c.marks.append(curve.Mark(a.w, a.J, "where it is now", "circle", True, colors.INK))
    numbers = [["w", sig(a.w, digits=6)], ["J(w)", sig(a.J, digits=6)], ["G, backprop", sig(a.G, digits=6)],
               ["h", f"{a.h:g}"], ["J(w − h)", sig(a.minus, digits=9)], ["J(w + h)", sig(a.plus, digits=9)],
               ["(J(w + h) − J(w − h)) / 2h", sig(a.numeric, digits=6)], ["Δw", sig(a.delta, digits=6)],
               ["J(w + Δw)", sig(a.J_step, digits=6)], ["J + G·Δw (tangent)", sig(a.J + a.G * a.delta, digits=6)]]
    summary = "; ".join(f"{k} = {v}" for k, v in numbers)
    st.markdown(curve.render(c, summary, (lo, hi)) + hidden_table(f"The loss along {a.name}", ["quantity", "value"], numbers),
                unsafe_allow_html=True)
    drop_tangent, drop_curve = a.G * a.delta, a.J_step - a.J
    st.caption(text.fill("backprop", "Along caption", w=a.name, G=sig(a.G), h=f"{a.h:g}", numeric=sig(a.numeric),
                         dw=sig(a.delta), pred=sig(drop_tangent), real=sig(drop_curve)))
    if a.before is not None:
        w0, w1 = sig(a.before[0], digits=6), sig(a.w, digits=6)
        J0, J1, dJ = change(a.before[1], a.J)
        st.caption(text.fill("backprop", "Along after", w0=w0, w=w1, J0=J0, J=J1, alone=sig(a.before[3] - a.before[1]), real=dJ))
