""""Show why", on demand: the derivations behind the backward equations, each in an expander
next to the equation it explains, with this example's numbers plugged in at the end.

  one_hot   Y is the true digit as a one-hot row, so J = −Σ Y log A = −log A[y]
  softmax   ∂J/∂Z[L] = A[L] − Y from the softmax Jacobian and the cross-entropy
  outer     why dW = Aᵀ dZ (and dA = dZ Wᵀ): the index form, then the transpose
  slope     g′ for the activation in use
The derivations are Markdown with LaTeX in assets/text/backprop.md ("Why ..." parts, braces
doubled for str.format, so they are taken with text.fill).
Leaves out: the equations themselves (views/backprop/equations.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core.activations import Activation
from ui import text
from ui.tex import gathered, n, p


def _render(md: str) -> None:
    """Prose as Markdown, each $$...$$ block as a display equation (centred, one line per
    line break "\\\\" in it, so a long derivation breaks into lines that fit a phone)."""
    for k, part in enumerate(md.split("$$")):
        if k % 2 == 0:
            if part.strip():
                st.markdown(part.strip())
        else:
            st.latex(gathered(*part.split(r"\\")) if r"\\" in part else part)


def one_hot(label: int, L: int) -> None:
    with st.expander("Show why: Y is one-hot, so J = −log A[y]", icon=":material/help:"):
        _render(text.fill("backprop", "Why one-hot"))
        ones = r"\ ".join("1" if k == label else "0" for k in range(10))
        st.latex(rf"Y = [\,{ones}\,]\quad (y = {label})")


def softmax(A: np.ndarray, label: int, L: int) -> None:
    """A: (10,) the output probabilities of this example."""
    with st.expander("Show why: ∂J/∂Z = A − Y (softmax and cross-entropy together)", icon=":material/help:"):
        _render(text.fill("backprop", "Why softmax"))
        y = label
        other = int(next(k for k in np.argsort(-A) if k != y))
        st.markdown(text.fill("backprop", "Why softmax numbers", y=y, k=other))
        st.latex(gathered(rf"\frac{{\partial J}}{{\partial Z_{{{y}}}}} = -\frac{{1}}{{A_{{{y}}}}}\,A_{{{y}}}(1 - A_{{{y}}})"
                          rf" = A_{{{y}}} - 1", rf"= {p(A[y])} - 1 = {n(A[y] - 1)}"))
        st.latex(gathered(rf"\frac{{\partial J}}{{\partial Z_{{{other}}}}} = -\frac{{1}}{{A_{{{y}}}}}\,(-A_{{{y}}}A_{{{other}}})"
                          rf" = A_{{{other}}}", rf"= {p(A[other])}"))


def outer() -> None:
    with st.expander("Show why: dW = Aᵀ dZ and dA = dZ Wᵀ (index form, then the transpose)", icon=":material/help:"):
        _render(text.fill("backprop", "Why outer"))


def slope(g: Activation) -> None:
    with st.expander(f"Show why: the slope g′ of {g.name}", icon=":material/help:"):
        _render(text.for_activation("backprop", "Why slope", g))
