"""The shown model's scores on the 10,000 test images, computed once per model.

One forward pass over the test set gives the loss and every probability; the confusion
matrix and the accuracy follow from them. The result is kept in the session
("model.test_scores") for the model it belongs to, so the Evaluate page and a finished
training run share one pass. Leaves out: the validation set (the trainer scores it).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from nn_core import MLP, confusion_matrix, evaluate

from . import resources


@dataclass(frozen=True)
class TestScores:
    model: MLP              # the model they belong to (compared by identity)
    loss: float             # mean cross-entropy over the test set
    probs: np.ndarray       # (10000, 10) float32 output probabilities
    confusion: np.ndarray   # (10, 10) confusion[true, predicted] counts

    @property
    def n(self) -> int:
        return int(self.confusion.sum())

    @property
    def correct(self) -> int:
        return int(np.trace(self.confusion))

    @property
    def accuracy(self) -> float:
        return self.correct / self.n


def on_test_set(model: MLP, spinner: bool = True) -> TestScores:
    """The scores of `model`: from the session if they are its, else computed (and kept)."""
    kept = st.session_state["model.test_scores"]
    if kept is not None and kept.model is model:
        return kept
    data = resources.dataset()
    if spinner:
        with st.spinner(f"Scoring the {len(data.y_test):,} test images…"):
            loss, probs = evaluate(model, data.x_test, data.y_test)  # one pass over the test set
    else:
        loss, probs = evaluate(model, data.x_test, data.y_test)
    kept = TestScores(model, float(loss), probs.astype(np.float32), confusion_matrix(data.y_test, probs.argmax(axis=1)))
    st.session_state["model.test_scores"] = kept
    return kept
