"""The Break-it lab's results: an edited copy of the shown model and its test-set scores,
computed once per (model, edit) and kept in the session under "lab.result".

The shown model (state.model()) is never changed: `nn_core.edited` copies its parameters
before touching them, and the pretrained default's arrays are read-only besides. The
unedited model's scores come from session/scores.py (shared with Evaluate), so "before" costs
nothing once Evaluate or a finished run has scored the model. Leaves out: the controls
(the page) and making the edited copy the model every page shows (it stays in the lab;
the user can download it and upload it on Train).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from nn_core import MLP, Edit, confusion_matrix, dumps_model, edited, evaluate, rows_per_chunk
from server import resources
from server.samples import test_sample
from session import per_model, scores, state


@dataclass(frozen=True)
class LabResult:
    base: MLP            # the model that was edited (compared by identity)
    edit: Edit
    model: MLP           # the edited copy
    probs: np.ndarray    # (10000, 10) its test-set probabilities
    accuracy: float      # its test accuracy
    mistakes: np.ndarray  # (10,) its wrong answers on each digit's test images


def before() -> scores.TestScores:
    return scores.on_test_set(state.model())


def mistakes(confusion: np.ndarray) -> np.ndarray:
    """(10,) wrong answers on each digit's test images: a confusion row's sum minus its diagonal."""
    return confusion.sum(axis=1) - np.diag(confusion)


def result(edit: Edit) -> LabResult:
    """The edited copy of the shown model and its scores (from the session when unchanged)."""
    base = state.model()
    return per_model.get("lab.result", base, lambda: _result(base, edit), key=edit)


def _result(base: MLP, edit: Edit) -> LabResult:
    data = resources.dataset()
    if edit.is_identity:  # nothing changed: the same scores as the model itself
        test = before()
        twin, probs = base, test.probs
    else:
        twin = edited(base, edit)
        with st.spinner("Scoring the edited network on the test set…"):
            _, probs = evaluate(twin, data.x_test, data.y_test)  # (10000, 784) -> (10000, 10)
        probs = probs.astype(np.float32)
    pred = probs.argmax(axis=1)
    cm = confusion_matrix(data.y_test, pred)
    return LabResult(base, edit, twin, probs, float(np.mean(pred == data.y_test)), mistakes(cm))


def strongest_unit(model: MLP) -> tuple[int, int] | None:
    """(l, j): the unit of the last hidden layer that sends the most on to the output, on the
    fixed 2,000-image sample: the largest mean A[l][:, j] × ||W[l+1][j, :]||. None without a hidden layer."""
    if model.L < 2:
        return None
    l = model.L - 1
    X = test_sample().X                                   # (2000, 784)
    total = np.zeros(model.layer_sizes[l], np.float64)    # (n[l],): the sum of A[l] over the sample
    chunk = rows_per_chunk(model)                         # one chunk's forward cache at a time, not 2,000 rows'
    for i in range(0, len(X), chunk):
        _, cache = model.forward(X[i:i + chunk], check=False)
        total += cache[f"A{l}"].sum(axis=0, dtype=np.float64)
    reach = total / len(X) * np.linalg.norm(model.params[f"W{l + 1}"], axis=1)  # (n[l],)
    return l, int(np.argmax(reach))


def unit_off(model: MLP) -> tuple[int, int, LabResult] | None:
    """(l, j, the result of switching unit j of layer l off) for the question on the page, once
    per model; the same numbers as the page shows when the student switches that unit off."""
    def compute():
        found = strongest_unit(model)
        return None if found is None else (*found, _result(model, Edit(off=(found,))))
    return per_model.get("lab.question", model, compute)


def reset() -> None:
    """A callback: every lab control back to its default (their keys are dropped, so each widget
    starts again from its default value; the kept result stays until the next edit)."""
    for key in [k for k in st.session_state if str(k).startswith("lab.")]:
        del st.session_state[key]


def open_with_unit_off(l: int, j: int) -> None:
    """A callback (from wherever a unit is shown): add hidden unit j of layer l to the lab's
    switched-off units and go to the lab."""
    key = f"lab.off.{l}"
    st.session_state[key] = sorted(set(st.session_state.get(key, [])) | {int(j)})
    state.request_page("app_pages/lab.py")


def model_file(res: LabResult, config: dict) -> bytes:
    """The edited network as a model file: the base's training settings (`config`), the edited
    weights, and the edited network's own test accuracy (the base's training history is left
    out: it belongs to other weights)."""
    return dumps_model(res.model, config, {"test_accuracy": res.accuracy})
