"""The Robustness page's measurements, computed once per model and kept in the session.

The fixed sample of ui/samples.py (200 test images of each digit, the same for every
model) is perturbed at each strength of CURVES, one kind at a time, and
scored: the accuracy-vs-strength curves ("robust.curves", once per model, ~40 forward
passes of 2,000 images). The page's own combination of perturbations is scored on the same
sample ("robust.point", once per model and setting). The confidence threshold uses the
whole clean test set's probabilities (ui/scores.py, shared with Evaluate).
Leaves out: the perturbations themselves (nn_core/perturb.py) and the controls (the page).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP, Perturbation, perturb

from .samples import PER_DIGIT as SAMPLE_PER_DIGIT
from .samples import test_sample as sample

# kind: (what the slider says, the strengths measured, how a strength becomes a Perturbation)
CURVES = {
    "noise": ("noise (standard deviation)", np.array([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0]),
              lambda v: Perturbation(noise=float(v))),
    "rotation": ("rotation (degrees, anticlockwise)", np.array([-90, -60, -45, -30, -15, 0, 15, 30, 45, 60, 90]),
                 lambda v: Perturbation(rotation=float(v))),
    "shift": ("shift to the right (pixels)", np.arange(-8, 9, 2), lambda v: Perturbation(dx=float(v))),
    "thickness": ("stroke thickness (3×3 steps)", np.array([-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3]),
                  lambda v: Perturbation(thickness=float(v))),
}


def accuracy(model: MLP, X: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(model.predict(X) == y))


def curves(model: MLP) -> dict[str, np.ndarray]:
    """{kind: (k,) accuracy on the sample at each of CURVES[kind]'s strengths}, once per model."""
    kept = st.session_state.get("robust.curves")
    if kept is not None and kept[0] is model:
        return kept[1]
    s = sample()
    with st.spinner("Measuring accuracy under each perturbation…"):
        out = {kind: np.array([accuracy(model, perturb(s.X, make(v)), s.y) for v in strengths])
               for kind, (_, strengths, make) in CURVES.items()}
    st.session_state["robust.curves"] = (model, out)
    return out


def on_sample(model: MLP, p: Perturbation) -> np.ndarray:
    """(2000, 10) the sample's probabilities under the combined perturbation p (kept per setting)."""
    kept = st.session_state.get("robust.point")
    if kept is not None and kept[0] is model and kept[1] == p:
        return kept[2]
    probs = model.forward(perturb(sample().X, p))[0]  # (2000, 784) -> (2000, 10)
    st.session_state["robust.point"] = (model, p, probs)
    return probs
