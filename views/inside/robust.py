"""The Robustness page's measurements, computed once per model and kept in the session.

The curves ("robust.curves", once per model) score part of the fixed sample of
server/samples.py perturbed at each of CURVES' 38 strengths, one kind at a time (the perturbed
images are made once per server and shared: `perturbed_sets`, out of the caches a client can clear): the first
`curve_per_digit(model)` images of each digit, 100 for the default model and fewer (down
to 20) for a model whose forward pass costs more, so that the ~38 passes stay within about
CURVE_BUDGET multiply-adds (a few seconds at most on a shared core). The page's own combination of perturbations is scored on the same
sample ("robust.point", once per model and setting). The confidence threshold uses the
whole clean test set's probabilities (session/scores.py, shared with Evaluate).
Leaves out: the perturbations themselves (nn_core/inside/perturb.py) and the controls (the page).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP, Perturbation, as_float, perturb, probabilities
from server import resources
from server.samples import test_sample as sample
from session import per_model

CURVE_BUDGET = 5e9  # multiply-adds for all the curves of one model (the default model: 100 images a digit)
# kind: (what the slider says, the strengths measured, how a strength becomes a Perturbation)
CURVES = {
    "noise": ("noise (standard deviation)", np.array([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0]),
              lambda v: Perturbation(noise=float(v))),
    "rotation": ("rotation (degrees, anticlockwise)", np.array([-90, -60, -45, -30, -15, 0, 15, 30, 45, 60, 90]),
                 lambda v: Perturbation(rotation=float(v))),
    "shift": ("shift to the right (pixels)", np.arange(-8, 9, 2), lambda v: Perturbation(dx=float(v))),
    "shift_down": ("shift down (pixels)", np.arange(-8, 9, 2), lambda v: Perturbation(dy=float(v))),
    "thickness": ("stroke thickness (3×3 steps)", np.array([-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3]),
                  lambda v: Perturbation(thickness=float(v))),
}


def accuracy(model: MLP, X: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(probabilities(model, X).argmax(axis=1) == y))  # a chunk of rows at a time


def curve_per_digit(model: MLP) -> int:
    """Images of each digit the curves are measured on: 100, or fewer (at least 20) for a
    model whose 38 forward passes would cost more than CURVE_BUDGET multiply-adds."""
    macs = sum(a * b for a, b in zip(model.layer_sizes[:-1], model.layer_sizes[1:]))  # per image
    strengths = sum(len(v[1]) for v in CURVES.values())
    return int(np.clip(CURVE_BUDGET / (strengths * macs * 10), 20, 100))


def curve_rows(per_digit: int) -> np.ndarray:
    """Rows of the sample: the first `per_digit` of each digit (a fixed subset)."""
    y = sample().y
    return np.sort(np.concatenate([np.flatnonzero(y == d)[:per_digit] for d in range(10)]))


@resources.shared
def perturbed_sets() -> dict[str, np.ndarray]:
    """{kind: (k, 1000, 784) uint8} the curves' images (100 of each digit) at every strength,
    made once per server and shared read-only by every session and model (38 MB): a model
    then costs only its forward passes. Stored as 0..255 like the test set itself."""
    X = sample().X[curve_rows(100)]  # (1000, 784)
    out = {}
    for kind, (_, strengths, make) in CURVES.items():
        sets = np.stack([np.round(perturb(X, make(v)) * 255).astype(np.uint8) for v in strengths])
        sets.flags.writeable = False
        out[kind] = sets
    return out


def curves(model: MLP) -> tuple[int, dict[str, np.ndarray]]:
    """(images measured, {kind: (k,) accuracy at each of CURVES[kind]'s strengths}), once per model."""
    return per_model.get("robust.curves", model, lambda: _curves(model))


def _curves(model: MLP) -> tuple[int, dict[str, np.ndarray]]:
    per = curve_per_digit(model)
    keep = np.flatnonzero(np.isin(curve_rows(100), curve_rows(per)))  # positions within the 1,000
    y = sample().y[curve_rows(per)]
    with st.spinner("Measuring accuracy under each perturbation…"):
        sets = perturbed_sets()  # made once per server (a few seconds, the first time)
        out = {kind: np.array([accuracy(model, as_float(images[keep]), y) for images in sets[kind]])
               for kind in CURVES}
    return len(y), out


def on_sample(model: MLP, p: Perturbation) -> np.ndarray:
    """(2000, 10) the sample's probabilities under the combined perturbation p (kept per setting)."""
    return per_model.get("robust.point", model, lambda: probabilities(model, perturb(sample().X, p)), key=p)  # (2000, 784) -> (2000, 10)
