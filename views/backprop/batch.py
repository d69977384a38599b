"""A mini-batch: the same equations for m examples stacked as rows of X (m, 784).

Where the 1/m lives and what the sums are over, with the batch's numbers:
  J        = −(1/m) Σᵢ log A[L][i, yᵢ]           the mean of the m losses
  dZ[L]    = (A[L] − Y) / m                       each row divided by m
  db[L]    = Σᵢ dZ[L][i, :]                       a sum over the rows: the mean of the m errors
  dW[l]    = A[l−1]ᵀ dZ[l] = (1/m) Σᵢ (outer product of example i)
The last one is shown twice: for one weight of the last layer as a sum of m products, and
for the selected unit's 784 first-layer weights as m pictures and their average. The
batch is this example and m − 1 test images of its digit and of the one it is confused with. Leaves out: the step
controls (views/backprop/step.py provides them).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP, as_float
from server import resources
from session import example
from ui import images, text
from ui.numbers import adding_up, sig, surprise_of
from ui.tex import array, gathered, n, p, shape
from views.backprop import step
from views.backprop.focus import Focus
from views.backprop.focus import losses as each_loss

M_CHOICES = [4, 5, 6, 7, 8]


def batch_of(ex: example.Example, label: int, other: int, m: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(X (m, 784), y (m,), names): this example first, then test images of its digit and of
    `other` (the digit it is confused with), taken in turn: a batch where the same units
    fire for several examples, so their gradients can add up or cancel."""
    data = resources.dataset()
    y_all = data.y_test[:example.POOL]
    pools = [[int(i) for i in np.flatnonzero(y_all == d) if i != ex.index] for d in (other, label)]
    others = [i for pair in zip(*pools) for i in pair][:m - 1]
    X = np.concatenate([ex.x.reshape(1, -1), as_float(data.x_test[others])])  # (m, 784)
    y = np.array([label] + [int(data.y_test[i]) for i in others])
    return X, y, [ex.name] + [f"test image #{i}" for i in others]


def equations(model: MLP, cache, grads, y: np.ndarray, focus: Focus) -> tuple[str, str, str]:
    """The batch's J, dZ[L] (column k, with db[L][k]) and dW[L][j, k] as LaTeX tables
    (cache and grads of the (m, 784) batch; j, k: the path's last two entries)."""
    L, m = model.L, len(y)
    P = cache[f"A{L}"]
    A = f"A{L}"
    losses = each_loss(cache[f"Z{L}"], y)
    J = gathered(rf"J = -\frac{{1}}{{m}}\sum_{{i=1}}^{{m}} \log {A}[i,\,y_i]",
                 array(["i", "y_i", rf"{A}[i,\,y_i]", rf"-\log {A}[i,\,y_i]"],
                       [[str(i + 1), str(y[i]), _p_for(n(losses[i]), np.exp(-losses[i])), n(losses[i])] for i in range(m)], "r|rrr",
                       footer=[["", "", rf"J = \frac{{1}}{{{m}}}\textstyle\sum", n(losses.mean())]]))
    k = focus.digit
    dZ = grads[f"dZ{L}"]  # (m, 10), already divided by m
    Y = np.eye(10)[y]
    db = n(float(np.sum(dZ[:, k], dtype=np.float64)))
    dzs = adding_up(db, [float(v) for v in dZ[:, k]], tex=True)  # each row, with the digits the sum needs
    dz = gathered(rf"{shape(f'dZ{L}', (m, 10))} = \frac{{1}}{{m}}\left({A} - Y\right),\qquad "
                  rf"{shape(f'db{L}', (1, 10))} = \textstyle\sum_{{i=1}}^{{m}} dZ{L}[i,:]",
                  rf"\text{{column }} k = {k}:",
                  array(["i", rf"{A}[i,k]", r"Y[i,k]", rf"dZ{L}[i,k] = \frac{{{A}[i,k] - Y[i,k]}}{{{m}}}"],
                        [[str(i + 1), p(P[i, k]), str(int(Y[i, k])), dzs[i]] for i in range(m)], "r|rrr",
                        footer=[["", "", rf"db{L}[{k}] = \textstyle\sum", db]]))
    j = focus.path[L - 1]
    Ap = cache[f"A{L - 1}"][:, j]                      # (m,) each example's input to the weight
    err = m * dZ[:, k]                                 # (m,) each example's own error A - Y (no 1/m)
    prev = "x" if L == 1 else f"A{L - 1}"
    dw = gathered(rf"dW{L}[{j},{k}] = \frac{{1}}{{m}}\sum_{{i=1}}^{{m}} {prev}[i,{j}]\,"
                  rf"({A}[i,{k}] - Y[i,{k}])",
                  array(["i", rf"{prev}[i,{j}]", rf"{A}[i,{k}] - Y[i,{k}]", r"\text{product}"],
                        [[str(i + 1), n(Ap[i]), n(err[i]), n(Ap[i] * err[i])] for i in range(m)], "r|rrr",
                        footer=[["", "", rf"\frac{{1}}{{{m}}}\textstyle\sum", n(grads[f"dW{L}"][j, k])]]))
    return J, dz, dw


@st.fragment
def show(model: MLP, ex: example.Example, label: int, focus: Focus, s: step.Settings) -> None:
    """The section, as a fragment: another m reruns only it (a step on the batch, the whole page)."""
    other = focus.predicted if focus.predicted != label else focus.runner_up
    m = st.select_slider("Examples in the batch, m", M_CHOICES, value=4, key="backprop.m",
                         help=f"This example and m − 1 test images of {label} and of {other} (the digit it is most "
                              "confused with), stacked as the rows of X.")
    X, y, names = batch_of(ex, label, other, m)
    m = len(y)
    _, cache = model.forward(X)  # (m, 784) -> (m, 10)
    grads = model.backward(cache, y)
    L = model.L
    st.markdown(images.row([images.tile(images.ink(X[i].reshape(28, 28)), f"{i + 1}: label {y[i]}", f"{names[i]}, a {y[i]}",
                                        size=64, selected=i == 0) for i in range(m)]), unsafe_allow_html=True)
    J, dz, dw = equations(model, cache, grads, y, focus)
    st.latex(J)
    st.caption(text.fill("backprop", "Batch J", m=m))
    st.latex(dz)
    st.caption(text.fill("backprop", "Batch dZ", m=m, k=focus.digit, L=L))
    st.latex(dw)
    st.caption(text.fill("backprop", "Batch dW", m=m, j=focus.path[L - 1], k=focus.digit, L=L,
                         prev=f"A{L - 1}" if L > 1 else "x"))
    _pictures(model, grads, focus, X, m)
    step.buttons(X, y, s, f"this batch of {m}", key="backprop.batch", whole_page=True)


def _pictures(model: MLP, grads, focus: Focus, X: np.ndarray, m: int) -> None:
    """dW1[:, j] as the average of the m examples' own pictures (x_i times their own error)."""
    L = model.L
    unit = focus.path[1]
    delta = m * grads["dZ1"][:, unit]                  # (m,) each example's own error of unit j
    per = X * delta[:, None]                           # (m, 784): each example's outer-product column
    avg = grads["dW1"][:, unit]
    vmax = images.vmax_of(per, avg)
    name = "digit" if L == 1 else "unit"
    tiles = [images.tile(images.diverging(per[i].reshape(28, 28), vmax), f"{i + 1}: x × {sig(delta[i])}",
                         f"example {i + 1}'s gradient for {name} {unit}", size=72) for i in range(m)]
    tiles.append(images.tile(images.diverging(avg.reshape(28, 28), vmax), f"average = dW1[:, {unit}]",
                             f"the batch's gradient for {name} {unit}: the average", size=72, marked=True))
    st.markdown(images.row(tiles, images.legend(vmax, "gradient", text.section("backprop", "Gradient legend"))), unsafe_allow_html=True)
    silent = int(np.count_nonzero(delta == 0))
    st.caption(text.fill("backprop", "Batch pictures", m=m, unit=unit, name=name) +
               (" " + text.fill("backprop", "Batch silent", unit=unit, silent=silent, m=m) if silent else ""))


def _p_for(loss: str, prob: float) -> str:
    """A[i, yᵢ] with the digits it takes for −log of it to be the loss printed beside it (0.4803
    beside 0.733: −log 0.480 is 0.734), in TeX like p(). prob = exp(−loss) in float64: the
    float32 output is 7 digits, too few for −log of it to give a loss of 1.9e−5 to 3 digits."""
    return surprise_of(loss, prob, tex=True)
