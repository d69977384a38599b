"""The update rule in use, with the numbers of one weight: what the next press of "1 step"
will do to the last weight on the path, W[L][j, k], under the rule chosen on the page.

  SGD        W ← W − α·G
  momentum   v ← μ·v + G;  W ← W − α·v
  Adam       m ← β1·m + (1 − β1)·G;  v ← β2·v + (1 − β2)·G²;  m̂ = m/(1 − β1ᵗ);  v̂ = v/(1 − β2ᵗ)
             W ← W − α·m̂/(√v̂ + ε)
with G = dW, or dW + λ·W under an L2 penalty (whose loss J + λ/2·ΣW² is shown too). G, not g:
g is the activation. Layers and indices as everywhere in the lesson: W2[j, k].
The state (v, m, v, t) is the one the next press goes on from (session/state.next_optimizer),
and the formula is the core's (nn_core/optimizers.py, ε added to √v̂ as written), so the
numbers here are the ones the step will produce, down to gradients as small as ε. Leaves out: the rule's widgets
(views/backprop/step.py).
"""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import streamlit as st

from nn_core import MLP
from session import state
from ui import text
from ui.numbers import adding_up, change, multiplying, sig
from ui.tex import gathered, n
from views.backprop.focus import Focus
from views.backprop.outputs import Outputs
from views.backprop.step import RULES, Settings


def _state_of(opt, table: str, key: str, a: int, b: int) -> float:
    arrays = getattr(opt, table, {})
    return float(arrays[key][a, b]) if key in arrays else 0.0


def preview(model: MLP, grads, focus: Focus, s: Settings) -> dict:
    """The next step's numbers for W[L][j, k] (j, k: the path's last two entries)."""
    L = model.L
    a, b = focus.path[L - 1], focus.path[L]
    key = f"W{L}"
    opt = state.next_optimizer(s.rule, s.l2)
    w, dw = float(model.params[key][a, b]), float(grads[f"d{key}"][a, b])
    G = dw + s.l2 * w  # the gradient the rule uses (G, not g: g is the activation)
    out = {"key": key, "a": a, "b": b, "w": w, "dw": dw, "G": G, "t": opt.t + 1}
    if s.rule == "sgd":
        out["delta"] = -s.lr * G
    elif s.rule == "momentum":
        v0 = _state_of(opt, "v", key, a, b)
        out.update(v0=v0, mu=opt.mu, v=opt.mu * v0 + G)
        out["delta"] = -s.lr * out["v"]
    else:
        t, b1, b2, eps = opt.t + 1, opt.beta1, opt.beta2, opt.eps
        m0, v0 = _state_of(opt, "m", key, a, b), _state_of(opt, "s", key, a, b)
        m1, v1 = b1 * m0 + (1 - b1) * G, b2 * v0 + (1 - b2) * G * G
        mh, vh = m1 / (1 - b1 ** t), v1 / (1 - b2 ** t)
        out.update(b1=b1, b2=b2, eps=eps, m0=m0, v0=v0, m=m1, v=v1, mh=mh, vh=vh, delta=-s.lr * mh / (np.sqrt(vh) + eps))
    return out


def show(model: MLP, now: Outputs, grads, focus: Focus, s: Settings) -> None:
    """now: the example's outputs (float64, with λ/2·ΣW² when λ > 0)."""
    L = model.L
    q = preview(model, grads, focus, s)
    W = rf"W{L}[{q['a']},{q['b']}]"
    lines = []
    a = f"{s.lr:g}"  # the settings as the student chose them, not rounded to 3 digits
    if s.l2:
        J = sig(now.J, tex=True)
        ce, pen = adding_up(J, [now.ce, now.penalty], tex=True)
        half = format(Decimal(repr(s.l2)) / 2, "f")
        S = multiplying(pen, [half, now.sum_sq], tex=True)[1]
        G = sig(q["G"], tex=True)
        dw, lw = adding_up(G, [q["dw"], s.l2 * q["w"]], tex=True)
        w = multiplying(lw, [f"{s.l2:g}", q["w"]], tex=True)[1]
        lines += [r"J = -\log A" + f"{L}[{focus.label}]" + r" + \frac{\lambda}{2}\,\Sigma W^2",
                  rf"J = {ce} + \frac{{{s.l2:g}}}{{2}} \times {S} = {ce} + {pen} = {J}",
                  r"G = dW + \lambda W:\quad " rf"G = {dw} + {s.l2:g} \times {_paren(w)} = {dw} + {_paren(lw)} = {G}"]
    else:
        lines.append(rf"G = dW{L}[{q['a']},{q['b']}] = {n(q['G'])}")
    if s.rule == "sgd":
        d = sig(q["delta"], tex=True)
        fa, fg = multiplying(sig(-q["delta"], tex=True), [a, q["G"]], tex=True)
        lines += [r"W \leftarrow W - \alpha\, G", rf"\Delta {W} = -{fa} \times {_paren(fg)} = {d}"]
    elif s.rule == "momentum":
        lines += [r"v \leftarrow \mu v + G,\qquad W \leftarrow W - \alpha\, v",
                  rf"v = {q['mu']:g} \times {_paren(q['v0'])} + {_paren(q['G'])} = {n(q['v'])}",
                  rf"\Delta {W} = -{a} \times {_paren(q['v'])} = {n(q['delta'])}"]
    else:
        t = q["t"]
        lines += [r"m \leftarrow \beta_1 m + (1-\beta_1)\, G,\qquad v \leftarrow \beta_2 v + (1-\beta_2)\, G^2",
                  r"\hat m = \frac{m}{1-\beta_1^{\,t}},\quad \hat v = \frac{v}{1-\beta_2^{\,t}},\quad "
                  r"W \leftarrow W - \alpha\,\frac{\hat m}{\sqrt{\hat v} + \varepsilon}",
                  rf"m = {q['b1']:g} \times {_paren(q['m0'])} + {1 - q['b1']:.3g} \times {_paren(q['G'])} = {n(q['m'])}",
                  rf"v = {q['b2']:g} \times {_paren(q['v0'])} + {1 - q['b2']:.3g} \times {_paren(q['G'])}^2 = {n(q['v'])}",
                  rf"\hat m = \frac{{{n(q['m'])}}}{{1 - {q['b1']:g}^{{{t}}}}} = {n(q['mh'])},\quad "
                  rf"\hat v = \frac{{{n(q['v'])}}}{{1 - {q['b2']:g}^{{{t}}}}} = {n(q['vh'])}",
                  rf"\Delta {W} = -{a} \times \frac{{{n(q['mh'])}}}{{\sqrt{{{n(q['vh'])}}} + {_power(q['eps'])}}} = "
                  rf"{n(q['delta'])}"]
    before, after, d = change(q["w"], q["w"] + q["delta"], tex=True)
    lines.append(rf"{W}:\ {before} \rightarrow {after}")
    st.latex(gathered(*lines))
    st.caption(text.fill("backprop", f"Update {s.rule}", rule=RULES[s.rule], t=q["t"], L=L, a=q["a"], b=q["b"])
               + (" " + text.section("backprop", "Update l2") if s.l2 else ""))


def _power(v: float) -> str:
    """ε as the core uses it: 1e-08 -> 10^{-8} (other values: 3 significant digits)."""
    e = round(np.log10(v))
    return rf"10^{{{e}}}" if v == 10.0 ** e else n(v)


def _paren(v: float | str) -> str:
    """A number (or one already printed), in brackets if negative (so "× (−0.724)" reads right)."""
    s = v if isinstance(v, str) else n(v)
    return f"({s})" if s.startswith("-") else s
