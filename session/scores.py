"""The shown model's scores on the 10,000 test images, computed once per model.

One forward pass over the test set gives the loss and every probability; the confusion
matrix and the accuracy follow from them. The result is kept in the session
("model.test_scores", session/per_model.py) for the model it belongs to, so the Evaluate page
shares one pass with a finished training run or an upload's check of its claimed score.
Leaves out: the validation set (the trainer scores it).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from nn_core import MLP, confusion_matrix, evaluate
from server import resources
from session import per_model


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
    return per_model.get("model.test_scores", model, lambda: _score(model, spinner))


def _score(model: MLP, spinner: bool) -> TestScores:
    data = resources.dataset()
    if spinner:
        with st.spinner(f"Scoring the {len(data.y_test):,} test images…"):
            loss, probs = evaluate(model, data.x_test, data.y_test)  # one pass over the test set
    else:
        loss, probs = evaluate(model, data.x_test, data.y_test)
    return TestScores(model, float(loss), probs.astype(np.float32), confusion_matrix(data.y_test, probs.argmax(axis=1)))


def measured(model: MLP, metrics: dict) -> tuple[dict, list[str]]:
    """The file's scores with its test accuracy and loss replaced by what the model scores here
    (a file can claim anything), and a note if the claim was off. The pass over the test set
    is kept for the model (`on_test_set`): the Evaluate page does not score it again."""
    test = on_test_set(model, spinner=False)
    claimed = metrics.get("test_accuracy")
    notes = []
    if claimed is not None and abs(claimed - test.accuracy) >= 0.0005:
        notes.append(f"The file says its test accuracy is {claimed:.2%}; measured here it is {test.accuracy:.2%}, "
                     "which is what the app shows.")
    return {**metrics, "test_accuracy": test.accuracy, "test_loss": test.loss}, notes
