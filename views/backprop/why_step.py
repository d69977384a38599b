"""Why the step moved the answer: the change of each score (logit) split into its parts.

The output layer computes ZL = A(L−1)·WL + bL (row form, one example). A press changes WL,
bL and, through the earlier layers, A(L−1). Before (0) and after (1):

    ΔZL = A(L−1)₀·ΔWL        through the changed WL   (the old inputs times the weights' change)
        + ΔbL                through the changed bL
        + ΔA(L−1)·WL₁        through the changed A(L−1): the rest, from every earlier layer

an identity (A₁W₁ + b₁ − A₀W₀ − b₀, regrouped), so the three parts add up to the change exactly,
and the table prints them so that they add up as printed (ui/numbers.adding_up). For one SGD
step on one example without L2, ΔWL[:, k] = −α·A(L−1)₀ᵀ·dZL[k], so the first part is
−α·dZL[k]·‖A(L−1)₀‖² and the second −α·dZL[k]: both have the sign the loss asked for. The
third need not: the step also moved W1, b1, ..., so the hidden units changed, and a digit that
shares them with the true digit can rise although its own gradient said "down".
For momentum and Adam the same parts are shown for the step they took (Adam's first step moves
every weight by about α: A(L−1)₀·ΔWL[:, k] ≈ −α·sign(dZL[k])·ΣA(L−1)₀).
All numbers come from a float64 forward pass of both models (views/backprop/outputs.py), so the
parts and the change are computed from the same logits.
Leaves out: the step itself (views/backprop/step.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from nn_core import MLP
from ui import tables, text
from ui.numbers import adding_up, change, multiplying, sig
from views.backprop.outputs import forward64


@dataclass(frozen=True)
class Parts:
    """The change of every logit of one example and its three parts, (C,) each, float64."""
    before: np.ndarray
    after: np.ndarray
    via_W: np.ndarray
    via_b: np.ndarray
    via_A: np.ndarray     # zeros for a network without hidden layers (the input does not change)
    sq_norm: float        # ‖A(L−1)₀‖²
    l1_norm: float        # ΣA(L−1)₀ (≥ 0 for ReLU; Adam's first step)

    @property
    def change(self) -> np.ndarray:
        return self.after - self.before


def parts(before: MLP, after: MLP, x: np.ndarray) -> Parts:
    """Split ZL(after) − ZL(before) on the example x (784,) into its three parts."""
    L = before.L
    f0, f1 = forward64(before, x), forward64(after, x)
    A0, A1 = f0[f"A{L - 1}"], f1[f"A{L - 1}"]  # (n,) the last hidden layer (or the input) before and after
    W0, W1 = (m.params[f"W{L}"].astype(np.float64) for m in (before, after))
    b0, b1 = (m.params[f"b{L}"].astype(np.float64) for m in (before, after))
    return Parts(f0[f"Z{L}"], f1[f"Z{L}"], A0 @ (W1 - W0), b1 - b0, (A1 - A0) @ W1,
                 float(A0 @ A0), float(np.abs(A0).sum()))


def rows(p: Parts, hidden: bool) -> list[list[str]]:
    """Per digit: before → after, the change (after − before as printed), and its parts printed
    so that they add up to the change as printed."""
    out = []
    for k in range(len(p.before)):
        b, a, d = change(p.before[k], p.after[k])
        split = adding_up(d, [p.via_W[k], p.via_b[k]] + ([p.via_A[k]] if hidden else []))
        # before and after on one line, or two on a phone (the span may wrap where the cell may not)
        out.append([str(k), tables.Html(f'<span style="white-space:normal">{b}&nbsp;→ {a}</span>'), d, *split])
    return out


def against(p: Parts, dZ: np.ndarray, label: int) -> int | None:
    """The digit whose score rose most although the loss asked it down (dZ > 0), if any."""
    rose = [k for k in range(len(dZ)) if k != label and dZ[k] > 0 and p.change[k] > 0]
    return max(rose, key=lambda k: p.change[k]) if rose else None


def error(p: Parts, label: int) -> np.ndarray:
    """dZL = AL − Y of the example before the press (C,), float64."""
    e = np.exp(p.before - p.before.max())
    dZ = e / e.sum()
    dZ[label] -= 1.0
    return dZ


def show(p: Parts, label: int, L: int, last) -> None:
    """The table, the rule for the true digit written out with its numbers, and why a score can
    rise against its own gradient. last: the press (session/state.OneStep)."""
    hidden = L > 1
    dZ = error(p, label)
    prev = f"A{L - 1}" if hidden else "x"
    header = ["digit", f"Z{L} before → after", "change", f"via W{L}", f"+ via b{L}"] + ([f"+ via {prev}"] if hidden else [])
    st.markdown(tables.table(header, rows(p, hidden), true=[int(label)], css_class="nn-why",
                             caption=f"Why each score Z{L} moved: its change = via W{L} + via b{L}"
                                     + (f" + via {prev}" if hidden else "")), unsafe_allow_html=True)
    one_sgd = last.rule in ("sgd", "momentum") and last.steps == 1 and len(last.y) == 1 and not last.l2 \
        and (last.rule == "sgd" or last.optimizer.t == 1)
    k = int(label)
    _, _, d = change(p.before[k], p.after[k])
    w_part, b_part = adding_up(d, [p.via_W[k], p.via_b[k]] + ([p.via_A[k]] if hidden else []))[:2]
    if one_sgd:  # the rule, with this step's numbers: −α·dZ·‖A‖² and −α·dZ
        a = f"{last.lr:g}"
        f_dz, f_sq = multiplying(w_part, [a, float(-dZ[k]), p.sq_norm])[1:]
        g_dz = multiplying(b_part, [a, float(-dZ[k])])[1]
        st.markdown(text.fill("backprop", "Why rule sgd", L=L, prev=prev, k=k, a=a, dz=_negated(f_dz), sq=f_sq,
                              w=w_part, dzb=_negated(g_dz), b=b_part))
    elif last.rule == "adam" and last.optimizer.t == 1 and last.steps == 1 and len(last.y) == 1:
        st.markdown(text.fill("backprop", "Why rule adam", L=L, prev=prev, k=k, a=f"{last.lr:g}",
                              l1=sig(p.l1_norm), w=w_part))
    else:
        st.markdown(text.fill("backprop", "Why rule general", L=L, prev=prev, k=k, w=w_part, b=b_part,
                              steps=last.steps, rule=last.rule))
    odd = against(p, dZ, label) if hidden else None
    if odd is not None:
        _, _, dd = change(p.before[odd], p.after[odd])
        wp, bp, ap = adding_up(dd, [p.via_W[odd], p.via_b[odd], p.via_A[odd]])
        st.caption(text.fill("backprop", "Why against", k=odd, d=dd, dz=sig(dZ[odd]), w=wp, b=bp, a=ap, L=L, prev=prev))
    else:
        st.caption(text.fill("backprop", "Why none against", L=L))


def _negated(s: str) -> str:
    """The printed −dZ turned into dZ, digit for digit, in brackets when negative ("0.520" ->
    "(−0.520)"), so "−α × dZ" reads with the same digits as α × (−dZ)."""
    t = s[1:] if s.startswith("−") else "−" + s
    return f"({t})" if t.startswith("−") else t
