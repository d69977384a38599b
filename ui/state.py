"""Everything a browser session owns, under namespaced keys, initialised in one place.

model.current   the MLP every page shows (starts as the shared, read-only pretrained model)
model.info      dict: name, source, config, metrics (test_accuracy, history of epochs), and for an
                uploaded file notes (what of its header was left out or measured again)
model.snapshots parameter snapshots of its training run (empty for loaded models)
train.trainer   the Trainer of the run in progress (or finished), or None
train.running   True while the training fragment should advance it
train.error     a message for the Train page (divergence, bad settings), or None
train.notice    a success message for the Train page, or None
train.preset    the preset a run started from, or "custom" if its settings were changed
session.id      a random id: this session's slot in the server-wide training limit
train.link_notes messages about settings in the page's link that were clamped or ignored
train.lock      held while a chunk trains or a run is replaced (reruns of a session can overlap)
upload.error, upload.ok   the outcome of the last model upload
example.*       the digit shown on Draw and Backprop (ui/example.py)
draw.canvas     the canvas generation: Clear bumps it, and a new key is an empty canvas
backprop.undo   models before each one-example gradient step, for Undo
eval.*          the test-set scores of the current model, and a pending page switch
Training never replaces model.current until it finishes; then `adopt_trained` does.
"""
from __future__ import annotations

import threading
import uuid

import streamlit as st

from nn_core import MLP, Trainer, evaluate

from . import resources

DEFAULTS = {  # a value, or a factory called once per session (each session its own list, lock)
    "session.id": lambda: uuid.uuid4().hex,  # names this session's slot in the global training limit
    "model.current": None,
    "model.info": None,
    "model.snapshots": list,
    "train.trainer": None,
    "train.running": False,
    "train.error": None,
    "train.notice": None,
    "train.preset": "custom",
    "train.lock": threading.Lock,
    "train.link_notes": list,   # messages about settings in the link that were changed or ignored
    "upload.error": None,
    "upload.ok": None,
    "example.x": None,          # the digit Draw and Backprop show: see ui/example.py
    "example.source": None,
    "example.index": None,
    "example.label": None,
    "draw.canvas": 0,           # bumped by Clear: a new canvas key is an empty canvas
    "backprop.undo": list,      # (model, info) before each one-example step, newest last
    "eval.result": None,        # the test-set scores of the model they were computed for
    "eval.goto": None,          # the page a gallery button asked for (switched to on the next run)
}


def init() -> None:
    """Fill in every key this session does not have yet (called once per run by app.py)."""
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = value() if callable(value) else value
    if st.session_state["model.current"] is None:
        use_default_model()


def use_default_model() -> None:
    model, meta = resources.default_model()
    st.session_state["model.current"] = model
    st.session_state["model.info"] = {
        "name": "Pretrained (fast preset)", "source": "assets/default_model.npz",
        "config": meta.get("config", {}), "metrics": meta.get("metrics", {}),
    }
    st.session_state["model.snapshots"] = resources.default_snapshots()


def model() -> MLP:
    return st.session_state["model.current"]


def info() -> dict:
    return st.session_state["model.info"]


def trainer() -> Trainer | None:
    return st.session_state["train.trainer"]


def running() -> bool:
    return bool(st.session_state["train.running"])


def adopt_trained(t: Trainer, name: str) -> None:
    """Make a finished (or paused) run's model the one every page shows."""
    data = resources.dataset()
    test_loss, test_acc = evaluate(t.model, data.x_test, data.y_test)
    model = t.model.copy()  # the trainer may resume; the shown model must not move
    st.session_state["model.current"] = model
    st.session_state["model.info"] = {
        "name": name, "source": f"trained in this session ({t.step_count:,} steps)",
        "config": t.config.to_dict(),
        "metrics": {"test_accuracy": test_acc, "test_loss": test_loss,
                    "val_accuracy": t.history.val_acc[-1] if t.history.val_acc else None,
                    "history": t.history.epoch_summary(), "train_seconds": t.elapsed},
    }
    st.session_state["model.snapshots"] = list(t.snapshots)


def adopt_uploaded(model: MLP, meta: dict, filename: str) -> None:
    st.session_state["model.current"] = model
    st.session_state["model.info"] = {"name": filename, "source": "uploaded file",
                                      "config": meta.get("config", {}), "metrics": meta.get("metrics", {}),
                                      "notes": list(meta.get("notes", []))}  # what the loader left out
    st.session_state["model.snapshots"] = []
