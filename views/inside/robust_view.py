"""The Robustness page's sections: the perturbation controls, the current example and the fixed
sample before -> after, accuracy against each change, and answering only when sure.

Leaves out: the measurements, once per model (robust.py), and the threshold's arithmetic
(nn_core/inside/selective.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import DONT_KNOW, MLP, Perturbation, answers, coverage_curve, perturb
from server import resources, samples
from session import scores
from ui import charts, pictures, questions, text
from ui.numbers import change, percent
from views.inside import questions as inside_questions
from views.inside import robust

THRESHOLDS = np.linspace(0, 1, 201)


def controls(n: int) -> Perturbation:
    """The five sliders (in the current column); `n`: images in the fixed sample."""
    st.caption(text.fill("robust", "Controls", n=n, per=samples.PER_DIGIT))
    noise = st.slider("Noise (standard deviation)", 0.0, 1.0, 0.0, 0.05, key="robust.noise",
                      help="Adds Gaussian noise of this standard deviation to every pixel (pixels run from 0 "
                           "to 1), then clips to 0..1. The noise pattern is fixed, so the same value always "
                           "gives the same images.")
    rotation = st.slider("Rotation (degrees)", -90, 90, 0, 5, key="robust.rotation",
                         help="Turns the image about its centre; positive is anticlockwise.")
    dx = st.slider("Shift right (pixels)", -8, 8, 0, 1, key="robust.dx",
                   help="Moves the image right (negative: left). MNIST digits are centred, and the network "
                        "never saw one off-centre.")
    dy = st.slider("Shift down (pixels)", -8, 8, 0, 1, key="robust.dy", help="Moves the image down (negative: up).")
    thickness = st.slider("Stroke thickness", -2.0, 3.0, 0.0, 0.5, key="robust.thickness",
                          help="Positive: thicker strokes (each step a 3×3 maximum filter, dilation). Negative: "
                               "thinner (a 3×3 minimum filter, erosion). Half steps blend two steps.")
    return Perturbation(thickness=thickness, rotation=rotation, dx=dx, dy=dy, noise=noise)


def example_and_sample(model: MLP, ex, p: Perturbation, sample) -> tuple[np.ndarray, np.ndarray]:
    """The example as it is and changed, its probabilities, and the sample's accuracy before ->
    after (in the current column). Returns (the changed example's (10,) probabilities, the
    changed sample's (n, 10) probabilities)."""
    n = len(sample.y)
    x_after = perturb(ex.x.reshape(1, -1), p)  # (1, 784)
    p_before = model.forward(ex.x.reshape(1, -1))[0][0]  # (1, 784) -> (10,)
    p_after = model.forward(x_after)[0][0]
    a, c = st.columns([1, 1])
    pair = np.round(np.stack([ex.image, x_after.reshape(28, 28)]) * 255).astype(np.uint8)  # (2, 28, 28)
    a.image(pictures.digit_sheet(pair, ["", ""], cols=2, scale=4, gap=8), width=232,
            caption="left: as it is · right: changed",
            alt=f"The current example ({ex.name}) as it is, left, and changed, right")
    k0, k1 = int(p_before.argmax()), int(p_after.argmax())
    truth = f" (it is a {ex.label})" if ex.label is not None else ""
    c.markdown(f"Reads **{k0}** ({percent(p_before[k0])}) → **{k1}** ({percent(p_after[k1])}){truth}")
    st.plotly_chart(charts.compare_bars(p_before, p_after, "", "digit", "probability", names=("as it is", "changed"),
                                        height=250), key="robust.probs", **charts.PLOT)
    st.caption(text.fill("robust", "Example", name=ex.name, L=model.L))
    probs_changed = robust.on_sample(model, p)
    clean = robust.accuracy(model, sample.X, sample.y)
    changed = float(np.mean(probs_changed.argmax(axis=1) == sample.y))
    m1, m2 = st.columns(2)
    was, now, points = change(clean, changed, 100, probability=True)
    m1.metric("Sample accuracy, changed", f"{now} %",
              delta=None if p.is_identity else f"{points.replace('−', '-')} points",
              delta_color="off",  # the arrow says which way: blue and red mean a sign, green a true digit
              help="Change from the same images unchanged, in percentage points.")
    m2.metric("Sample accuracy, unchanged", f"{was} %")
    st.caption(text.fill("robust", "Sample accuracy", n=n))
    return p_after, probs_changed


def rotation_question(model: MLP) -> None:
    """Predict first: from which rotation is accuracy below the line (the rotation curve's own numbers)?"""
    n, measured = robust.curves(model)
    questions.ask(inside_questions.rotation(robust.CURVES["rotation"][1], measured["rotation"], n))


def curves(model: MLP, p: Perturbation) -> None:
    """Accuracy against each kind of change, with the current setting marked."""
    n_curves, measured = robust.curves(model)
    now = {"noise": p.noise, "rotation": p.rotation, "shift": p.dx, "shift_down": p.dy, "thickness": p.thickness}
    cols = st.columns(2)
    for i, (kind, (what, strengths, _)) in enumerate(robust.CURVES.items()):
        acc = measured[kind]
        with cols[i % 2]:
            st.plotly_chart(charts.with_point(strengths, acc, (now[kind], float(np.interp(now[kind], strengths, acc))),
                                              what.split(" (")[0].capitalize(), what, "accuracy", "now"),
                            key=f"robust.curve.{kind}", **charts.PLOT)
    st.caption(text.fill("robust", "Curves", n=n_curves, per=n_curves // 10))


def threshold(model: MLP, p: Perturbation, p_after: np.ndarray, probs_changed: np.ndarray, sample) -> None:
    """The "I don't know" threshold on the test set, its operating point, and the changed sample."""
    data, n = resources.dataset(), len(sample.y)
    st.markdown(text.section("robust", "Threshold"))
    test = scores.on_test_set(model)
    t = st.slider("Confidence threshold t", 0.0, 1.0, 0.9, 0.01, key="robust.threshold",
                  help="The network answers an image only if its largest probability is at least t. 0: it always "
                       "answers; 1: only when completely sure.")
    curve = coverage_curve(test.probs, data.y_test, np.append(THRESHOLDS, t))
    i = int(np.searchsorted(curve.thresholds, t))  # the operating point's row (t is one of the thresholds)
    left, right = st.columns([2, 3], gap="large")
    with left:
        N = len(data.y_test)
        st.metric("Answered (coverage)", percent(curve.coverage[i]), help=f"{curve.answered[i]:,} of the {N:,} test images.")
        acc_text = "none answered" if np.isnan(curve.accuracy[i]) else percent(curve.accuracy[i])
        st.metric("Accuracy on the answered", acc_text, help=f"All {N:,}, always answering: {percent(test.accuracy)}.")
        st.metric('"I don\'t know"', f"{N - curve.answered[i]:,}", help="Test images below the threshold.")
        st.metric("Mistakes left", f"{curve.mistakes[i]:,}", help=f"Always answering: {N - test.correct:,}.")
        ans = int(answers(p_after.reshape(1, -1), t)[0])
        st.markdown(f"The changed example: **{'I don’t know' if ans == DONT_KNOW else ans}** "
                    f"(p_max = {percent(p_after.max())})")
    with right:
        ok = ~np.isnan(curve.accuracy)
        st.plotly_chart(charts.with_point(curve.coverage[ok], curve.accuracy[ok], (curve.coverage[i], curve.accuracy[i]),
                                          "Accuracy against coverage", "coverage (share answered)",
                                          "accuracy on the answered", f"t = {t:.2f}", y_range=None, height=320,
                                          tickformat=".1%"),
                        key="robust.coverage", **charts.PLOT)
        st.caption(text.fill("robust", "Coverage chart", n=N))
    changed_curve = coverage_curve(probs_changed, sample.y, [t])
    acc_changed = "none" if np.isnan(changed_curve.accuracy[0]) else percent(changed_curve.accuracy[0])
    if not p.is_identity:
        st.markdown(text.fill("robust", "Changed threshold", n=n, coverage=percent(changed_curve.coverage[0]),
                              accuracy=acc_changed, dont_know=int(n - changed_curve.answered[0])))
