"""The update rule in use, with the numbers of one weight: what the next press of "1 step"
will do to the last weight on the path, W[L][j, k], under the rule chosen on the page.

  SGD        W ← W − α·g
  momentum   v ← μ·v + g;  W ← W − α·v
  Adam       m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  m̂ = m/(1 − β1ᵗ);  v̂ = v/(1 − β2ᵗ)
             W ← W − α·m̂/(√v̂ + ε)
with g = dW, or dW + λ·W under an L2 penalty (whose loss J + λ/2·Σ‖W‖² is shown too).
The state (v, m, v, t) is the one the next press goes on from (session/state.next_optimizer),
and the formula is the core's (nn_core/optimizers.py, ε added to √v̂ as written), so the
numbers here are the ones the step will produce, down to gradients as small as ε. Leaves out: the rule's widgets
(views/backprop/step.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP
from session import state
from ui import text
from ui.numbers import change
from ui.tex import gathered, n
from views.backprop.focus import Focus, losses
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
    g = dw + s.l2 * w
    out = {"key": key, "a": a, "b": b, "w": w, "dw": dw, "g": g, "t": opt.t + 1}
    if s.rule == "sgd":
        out["delta"] = -s.lr * g
    elif s.rule == "momentum":
        v0 = _state_of(opt, "v", key, a, b)
        out.update(v0=v0, mu=opt.mu, v=opt.mu * v0 + g)
        out["delta"] = -s.lr * out["v"]
    else:
        t, b1, b2, eps = opt.t + 1, opt.beta1, opt.beta2, opt.eps
        m0, v0 = _state_of(opt, "m", key, a, b), _state_of(opt, "s", key, a, b)
        m1, v1 = b1 * m0 + (1 - b1) * g, b2 * v0 + (1 - b2) * g * g
        mh, vh = m1 / (1 - b1 ** t), v1 / (1 - b2 ** t)
        out.update(b1=b1, b2=b2, eps=eps, m0=m0, v0=v0, m=m1, v=v1, mh=mh, vh=vh, delta=-s.lr * mh / (np.sqrt(vh) + eps))
    return out


def show(model: MLP, cache, grads, focus: Focus, s: Settings) -> None:
    L = model.L
    q = preview(model, grads, focus, s)
    W = rf"W^{{[{L}]}}_{{{q['a']},{q['b']}}}"
    lines = []
    if s.l2:
        J = float(losses(cache[f"Z{L}"], [focus.label])[0])
        S = float(sum(np.sum(model.params[f"W{l}"].astype(np.float64) ** 2) for l in range(1, L + 1)))
        lines += [r"J_{\text{reg}} = J + \frac{\lambda}{2}\sum_l \lVert W^{[l]} \rVert^2 = "
                  rf"{n(J)} + \frac{{{s.l2:g}}}{{2}} \times {n(S)} = {n(J + s.l2 / 2 * S)}",
                  r"g = dW + \lambda W:\quad " rf"g = {n(q['dw'])} + {s.l2:g} \times {_paren(q['w'])} = {n(q['g'])}"]
    else:
        lines.append(rf"g = dW:\quad g = dW^{{[{L}]}}_{{{q['a']},{q['b']}}} = {n(q['g'])}")
    a = f"{s.lr:g}"  # the settings as the student chose them, not rounded to 3 digits
    if s.rule == "sgd":
        lines += [r"W \leftarrow W - \alpha\, g", rf"\Delta {W} = -{a} \times {_paren(q['g'])} = {n(q['delta'])}"]
    elif s.rule == "momentum":
        lines += [r"v \leftarrow \mu v + g,\qquad W \leftarrow W - \alpha\, v",
                  rf"v = {q['mu']:g} \times {_paren(q['v0'])} + {_paren(q['g'])} = {n(q['v'])}",
                  rf"\Delta {W} = -{a} \times {_paren(q['v'])} = {n(q['delta'])}"]
    else:
        t = q["t"]
        lines += [r"m \leftarrow \beta_1 m + (1-\beta_1)\, g,\qquad v \leftarrow \beta_2 v + (1-\beta_2)\, g^2",
                  r"\hat m = \frac{m}{1-\beta_1^{\,t}},\quad \hat v = \frac{v}{1-\beta_2^{\,t}},\quad "
                  r"W \leftarrow W - \alpha\,\frac{\hat m}{\sqrt{\hat v} + \varepsilon}",
                  rf"m = {q['b1']:g} \times {_paren(q['m0'])} + {1 - q['b1']:.3g} \times {_paren(q['g'])} = {n(q['m'])}",
                  rf"v = {q['b2']:g} \times {_paren(q['v0'])} + {1 - q['b2']:.3g} \times {_paren(q['g'])}^2 = {n(q['v'])}",
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


def _paren(v: float) -> str:
    """A number, in brackets if negative (so "× (−0.724)" reads right)."""
    s = n(v)
    return f"({s})" if s.startswith("-") else s
