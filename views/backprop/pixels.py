"""One layer further: the gradient with respect to the pixels, and how little it takes to
fool the network.

  dJ/dx = dZ1 W1ᵀ   (1, n1) @ (n1, 784) -> (1, 784), shown as a 28x28 map: which pixels
                     would change the answer, and which way
  nudge towards k   a few signed-gradient steps on the handful of pixels that matter most
                     (nn_core.nudge), until the network reads k; with the count of pixels
                     changed and how far
Leaves out: the math (nn_core/inside/saliency.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP, nudge
from nn_core.inside.saliency import pixel_gradient
from ui import images, text
from ui.numbers import percent, sig

PIXELS_PER_STEP = [2, 4, 8, 16]
STEP = 0.25        # brightness change of a chosen pixel per step (pixels are 0..1)
MAX_STEPS = 40


@st.fragment
def show(model: MLP, x: np.ndarray, cache: dict, grads: dict, label: int) -> None:
    """The section, as a fragment: another target digit reruns only it. cache, grads: the
    page's forward and backward pass of x (1, 784) with its label (no second pass here)."""
    gradient_map(model, x, grads, label)
    nudge_view(model, x, cache, label)


def gradient_map(model: MLP, x: np.ndarray, grads: dict, label: int) -> None:
    """x: (784,). The map of dJ/dx beside the input."""
    g = pixel_gradient(model, grads)[0]  # (1, n1) @ (n1, 784) -> (784,)
    vmax = images.vmax_of(g)
    top = np.argsort(-np.abs(g), kind="stable")[:3]
    tiles = [images.tile(images.ink(x.reshape(28, 28)), "the input x", "the input digit", size=140),
             images.tile(images.diverging(g.reshape(28, 28), vmax), "dJ/dx = dZ1 W1ᵀ", "the gradient of the loss "
                         "with respect to each pixel: red where more ink would lower the loss, blue where it would raise it",
                         size=140)]
    st.markdown(images.row(tiles, images.legend(vmax, "∂J/∂x", text.section("backprop", "Pixel legend"))), unsafe_allow_html=True)
    st.caption(text.fill("backprop", "Pixel map", label=label, top=", ".join(
        f"{i} (row {i // 28}, col {i % 28}: {sig(g[i])})" for i in top)))


def nudge_view(model: MLP, x: np.ndarray, cache: dict, label: int) -> None:
    """Controls for the target digit and pixels per step, then before / after / change."""
    probs = cache[f"A{model.L}"][0]  # (10,)
    predicted = int(probs.argmax())
    decoy = next(int(k) for k in np.argsort(-probs) if k not in (predicted, label))  # a wrong digit it might read
    c1, c2 = st.columns([3, 1])
    target = c1.segmented_control("Nudge towards digit", list(range(10)), default=decoy, key="backprop.target",
                                  help="The digit the pixels are pushed towards. It starts at the wrong digit the "
                                       "network finds most likely after its prediction.")
    per = c2.selectbox("Pixels per step", PIXELS_PER_STEP, index=2, key="backprop.per_step",
                       help=f"How many pixels each step may change, each by ±{STEP} of full brightness.")
    if target is None:
        return
    if target == predicted:
        st.info(text.fill("backprop", "Nudge already", k=target), icon=":material/info:")
        return
    r = nudge(model, x, int(target), step=STEP, pixels=int(per), max_steps=MAX_STEPS, cache=cache)
    d = r.change(x)
    changed, total = r.pixels_changed(x), float(np.abs(d).sum())
    vmax = images.vmax_of(d)
    tiles = [images.tile(images.ink(x.reshape(28, 28)), f"before: read as {predicted}", "the input", size=120),
             images.tile(images.ink(r.x.reshape(28, 28)), f"after: read as {int(r.probs_after.argmax())}",
                         "the nudged input", size=120),
             images.tile(images.diverging(d.reshape(28, 28), vmax), f"change ({changed} pixels)",
                         "the change: blue pixels brighter, red darker", size=120)]
    st.markdown(images.row(tiles, images.legend(vmax, "brightness change", text.section("backprop", "Change legend"))), unsafe_allow_html=True)
    part = "Nudge reached" if r.reached else "Nudge not reached"
    st.caption(text.fill("backprop", part, k=target, steps=f"{r.steps} step{'s' if r.steps != 1 else ''}", changed=changed, per=per, step=STEP,
                         total=sig(total), ink=sig(float(np.abs(x).sum())), p0=percent(r.probs_before[target]),
                         p1=percent(r.probs_after[target]), max=MAX_STEPS))
