"""The chain rule along one path, as a picture: pixel -> W1 -> Z1 -> g -> A1 -> ... -> softmax -> J.

Top to bottom, one box per quantity on the path with its forward value; between boxes, the
operation that leads down (× a weight, g, softmax, −log) and, on the right, the local
derivative the gradient is multiplied by on its way up; beside each box the gradient of J
with respect to it. Where many paths meet (a unit feeds ten digits; a pixel feeds every
unit), the box says the full gradient and this path's share of it. The numbers are the
equations' numbers (views/backprop/equations.py), formatted the same way (ui/numbers.py).
The path is chosen with the controls here (pixel, unit of each hidden layer, digit) or by
clicking a unit in the chart of layer 1's errors; empty controls follow the example
(views/backprop/focus.py). Leaves out: the unit's own card (views/backprop/unit.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from nn_core import MLP
from ui import charts, colors, text
from ui.charts.svg import drawing, label
from ui.numbers import adding_up, prob, sig, surprise_of
from views.backprop import kept
from views.backprop.focus import Focus
from views.shell import widgets

WIDTH, BOX, GAP = 440, 28, 46


@widgets.guarded
def _clicked() -> None:
    points = st.session_state["backprop.units"].selection.points
    if points:
        st.session_state["backprop.unit"] = int(points[0]["x"])


PATH_KEYS = ("backprop.pixel", "backprop.unit", "backprop.digit")


def controls(model: MLP) -> None:
    """Pixel, unit and digit of the path; empty means: the one that matters most here. Kept for
    the deeper page (views/backprop/kept.py)."""
    L = model.L
    for key in PATH_KEYS + tuple(f"backprop.unit.{l}" for l in range(2, L)):
        kept.restore(key, key)  # the deeper page has no widgets of these: the same names serve
    keep_in_range(model)
    c = st.columns(3)
    c[0].number_input("Pixel i", 0, 783, value=None, key="backprop.pixel", placeholder="auto",
                      help="0 to 783 (row × 28 + column). Empty: the inked pixel that feeds the unit most.")
    if L > 1:
        c[1].number_input("Unit j of layer 1", 0, model.layer_sizes[1] - 1, value=None, key="backprop.unit",
                          placeholder="auto", help="Empty: the unit with the largest error |dZ1| on this digit. "
                                                   "Or click a unit in the chart of errors.")
    c[2].selectbox("Digit k", list(range(10)), index=None, key="backprop.digit", placeholder="the true digit",
                   help="The output the path ends in. Empty: the true digit.")
    if L > 2:
        with st.expander("Units of the deeper layers on the path"):
            for l in range(2, L):
                st.number_input(f"Unit of layer {l}", 0, model.layer_sizes[l] - 1, value=None, key=f"backprop.unit.{l}",
                                placeholder="auto", help="Empty: the unit that passes the path's gradient on most.")
    for key in PATH_KEYS + tuple(f"backprop.unit.{l}" for l in range(2, L)):
        if key in st.session_state:
            kept.keep(key, st.session_state[key])


def keep_in_range(model: MLP) -> None:
    """A unit chosen for a bigger model than the one now shown goes back to automatic."""
    for key, n in [("backprop.unit", model.layer_sizes[1] if model.L > 1 else 0)] + \
            [(f"backprop.unit.{l}", model.layer_sizes[l]) for l in range(2, model.L)]:
        v = st.session_state.get(key)
        if v is not None and not 0 <= v < n:
            st.session_state[key] = None
            kept.keep(key, None)


def choices(model: MLP) -> dict:
    """The user's path choices, for focus.choose (None: automatic), on either page."""
    get = lambda key: kept.get(key, key=key)  # noqa: E731
    return {"unit": get("backprop.unit"), "pixel": get("backprop.pixel"), "digit": get("backprop.digit"),
            "deeper": {l: get(f"backprop.unit.{l}") for l in range(2, model.L) if get(f"backprop.unit.{l}") is not None}}


def units_chart(cache, grads, focus: Focus) -> None:
    """Layer 1's errors dZ1, one marker per unit; clicking one selects it."""
    dZ, A = grads["dZ1"][0], cache["A1"][0]
    H = dZ.size
    fill = np.where(dZ >= 0, colors.POSITIVE, colors.NEGATIVE).tolist()  # the sign of dZ1
    sizes = np.full(H, 7 if H > 128 else 9)
    j = focus.unit
    fill[j], sizes[j] = colors.SELECTED, 16  # the unit you selected
    trace = {"type": "scatter", "mode": "markers", "x": np.arange(H), "y": dZ.astype(np.float32),
             "customdata": A.astype(np.float32), "marker": {"color": fill, "size": sizes, "line": {"width": 0}},
             "hovertemplate": "unit %{x}: dZ1 = %{y:.3g}, A1 = %{customdata:.3g}<extra></extra>"}
    layout = charts.spec.axes(charts.spec.base_layout("Layer 1's errors dZ1 on this digit: click a unit", 260,
                                                      showlegend=False, clickmode="event+select", hovermode="closest"),
                              "unit j", "dZ1[j]", live=True)
    layout["margin"] = {"l": 10, "r": 10, "t": 40, "b": 10}
    st.plotly_chart(charts.spec.figure([trace], layout), key="backprop.units", on_select=_clicked,
                    selection_mode="points", **charts.PLOT)
    st.caption(text.fill("backprop", "Units chart", j=j))


@dataclass
class Rung:
    box: str          # the quantity and its forward value
    grad: str = ""    # dJ/d(quantity)
    note: str = ""    # where many paths meet: this path's share; or what the quantity is
    op: str = ""      # the operation leading down to the next rung (forward)
    local: str = ""   # the local derivative the gradient is multiplied by on its way up


def picture(model: MLP, cache, grads, focus: Focus, now) -> str:
    """The path as a vertical SVG ladder (see the module docstring). now: the example's outputs
    (views/backprop/outputs.py: the probability and J in float64, J with λ/2·ΣW² when λ > 0)."""
    L, P = model.L, model.params
    path = focus.path
    i, k, y = path[0], path[-1], focus.label
    x = cache["A0"][0]
    dA0 = grads["dZ1"][0] @ P["W1"].T  # (n1,) @ (n1, 784) -> (784,): dJ/dx, every unit's share added up
    mine0 = float(grads["dZ1"][0][path[1]] * P["W1"][i, path[1]])
    rungs = [Rung(f"x[{i}] = {sig(x[i])}", f"∂J/∂x[{i}] = {sig(dA0[i])}",
                  f"row {i // 28}, col {i % 28}; via {'unit' if L > 1 else 'digit'} {path[1]}: {sig(mine0)}")]
    for l in range(1, L + 1):
        a, b = path[l - 1], path[l]
        prev = "x" if l == 1 else f"A{l - 1}"
        Zl, dZl = cache[f"Z{l}"][0], grads[f"dZ{l}"][0]
        w = sig(P[f"W{l}"][a, b])
        rungs[-1].op = f"× W{l}[{a},{b}] = {w}, + the other inputs, + b{l}[{b}]"
        rungs[-1].local = f"× W{l}[{a},{b}] = {w}"
        dw = sig(grads[f"dW{l}"][a, b])
        rungs.append(Rung(f"Z{l}[{b}] = {sig(Zl[b])}", f"dZ{l}[{b}] = {sig(dZl[b])}",
                          f"dW{l}[{a},{b}] = {prev}[{a}]·dZ{l}[{b}] = {dw}"))
        if l < L:
            slope = float(np.asarray(model.g.derivative(Zl[b:b + 1], cache[f"A{l}"][0][b:b + 1]), np.float64)[0])
            rungs[-1].op, rungs[-1].local = model.activation, f"× g′(Z{l}[{b}]) = {sig(slope)}"
            nxt = path[l + 1]
            mine = float(grads[f"dZ{l + 1}"][0][nxt] * P[f"W{l + 1}"][b, nxt])
            rungs.append(Rung(f"A{l}[{b}] = {sig(cache[f'A{l}'][0][b])}", f"dA{l}[{b}] = {sig(grads[f'dA{l}'][0][b])}",
                              f"sum of {model.layer_sizes[l + 1]} paths; via {'digit' if l + 1 == L else 'unit'} "
                              f"{nxt}: {sig(mine)}"))
    rungs[-1].op, rungs[-1].local = "softmax", f"softmax and −log: A{L}[{k}] − Y[{k}]"
    ce, pen = adding_up(sig(now.J), [now.ce, now.penalty])
    # the true digit's probability with the digits −log needs to give the J below (0.6376, not 0.638: −log 0.638 = 0.449)
    p_k = surprise_of(ce if now.l2 else sig(now.J), now.p[k]) if k == y else prob(now.p[k])
    rungs.append(Rung(f"A{L}[{k}] = {p_k}", note=f"Y[{k}] = {int(k == y)}: "
                      + ("the true digit" if k == y else f"the true digit is {y}")))
    rungs[-1].op = f"J = −log A{L}[{y}]" + (" + (λ/2)·ΣW²" if now.l2 else "")
    rungs.append(Rung(f"J = {sig(now.J)}", "∂J/∂J = 1", f"= {ce} (−log A{L}[{y}]) + {pen} (L2)" if now.l2 else ""))
    return _draw(rungs, f"The chain rule along the path pixel {i} → " +
                 "".join(f"unit {u} → " for u in path[1:-1]) + f"digit {k}: " +
                 "; ".join(f"{r.box}, {r.grad}" for r in rungs))


def _draw(rungs: list[Rung], title: str) -> str:
    """Both layouts; the page's style shows the tall one on a narrow screen (assets/app.css,
    .nn-chain): a phone keeps its labels at >= 12 px instead of shrinking the wide one."""
    return (f'<div class="nn-chain"><div class="nn-chain-wide">{_wide(rungs, title)}</div>'
            f'<div class="nn-chain-tall">{_tall(rungs, title)}</div></div>')


def _wide(rungs: list[Rung], title: str) -> str:
    """Boxes down the left with the forward operations between them (solid arrows down);
    gradients on the right with the local derivatives between them (dashed arrows up). Black
    and grey only: blue and red mean a sign everywhere else."""
    body, y = [], 6
    left, bw, right = 6, 176, 200
    for n, r in enumerate(rungs):
        body.append(f'<rect x="{left}" y="{y}" width="{bw}" height="{BOX}" rx="6" fill="{colors.PANEL}" '
                    f'stroke="{colors.EDGE}"/>')
        body.append(label(left + 8, y + 19, r.box, 14, weight="bold"))
        if r.grad:
            body.append(label(right, y + 19, r.grad, 14, weight="bold"))
        if r.note:
            body.append(label(right, y + BOX + 13, r.note, 11.5, color=colors.FAINT_TEXT))
        if n + 1 < len(rungs):
            y0, y1 = y + BOX, y + BOX + GAP
            ax = left + 18
            body.append(f'<line x1="{ax}" y1="{y0}" x2="{ax}" y2="{y1 - 6}" stroke="{colors.INK}" stroke-width="2"/>')
            body.append(f'<path d="M{ax - 5},{y1 - 8} L{ax + 5},{y1 - 8} L{ax},{y1} z" fill="{colors.INK}"/>')
            first, _, rest = r.op.partition(", ")
            body.append(label(ax + 10, y0 + 20, first, 12.5))
            if rest:
                body.append(label(ax + 10, y0 + 35, rest, 11))
            if r.local:
                bx = right - 10
                body.append(f'<line x1="{bx}" y1="{y1}" x2="{bx}" y2="{y0 + 6}" stroke="{colors.INK}" stroke-width="2" '
                            'stroke-dasharray="5 3"/>')
                body.append(f'<path d="M{bx - 5},{y0 + 8} L{bx + 5},{y0 + 8} L{bx},{y0} z" fill="{colors.INK}"/>')
                body.append(label(right, y0 + 34, r.local, 12.5, color=colors.FAINT_TEXT))
        y += BOX + GAP
    return drawing(WIDTH, y - GAP + 8, body, title, max_width=600)


TALL_WIDTH, LINE = 300, 17  # drawn at most TALL_WIDTH px wide: on a phone 1 unit >= ~1 px, so 13 stays >= 12 px


def _tall(rungs: list[Rung], title: str) -> str:
    """One column for a phone: each box, its gradient and note under it, then the operation down
    (solid arrow) and the local derivative up (dashed) beside one arrow."""
    body, y, left = [], 6, 4
    for n, r in enumerate(rungs):
        body.append(f'<rect x="{left}" y="{y}" width="{TALL_WIDTH - 2 * left}" height="{BOX}" rx="6" '
                    f'fill="{colors.PANEL}" stroke="{colors.EDGE}"/>')
        body.append(label(left + 8, y + 19, r.box, 14, weight="bold"))
        y += BOX
        for text_, size, color, weight in ((r.grad, 14, colors.INK, "bold"), (r.note, 13, colors.FAINT_TEXT, "normal")):
            if text_:
                y += LINE
                body.append(label(left + 8, y, text_, size, color=color, weight=weight))
        if n + 1 < len(rungs):
            lines = [(t, c) for t, c in ((r.op.partition(", ")[0], colors.INK), (r.op.partition(", ")[2], colors.INK),
                                         (("up: " + r.local) if r.local else "", colors.FAINT_TEXT)) if t]
            y0, y1 = y + 6, y + 6 + max(36, LINE * len(lines) + 10)
            ax = left + 14
            body.append(f'<line x1="{ax}" y1="{y0}" x2="{ax}" y2="{y1 - 6}" stroke="{colors.INK}" stroke-width="2"/>')
            body.append(f'<path d="M{ax - 5},{y1 - 8} L{ax + 5},{y1 - 8} L{ax},{y1} z" fill="{colors.INK}"/>')
            for m, (t, c) in enumerate(lines):
                body.append(label(ax + 14, y0 + 14 + m * LINE, t, 13, color=c))
            y = y1
        else:
            y += 6
    return drawing(TALL_WIDTH, y + 4, body, title, max_width=TALL_WIDTH)
