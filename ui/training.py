"""Training in the dashboard: the Start/Pause/Resume/Reset controls and the per-tick chunk.

The controls are buttons with on_click callbacks that only flip session state; the
training itself advances in `tick()`, called by the fragment in app.py every TICK_SECONDS
while a run is active, so it goes on whichever page is open. Each tick trains a
time-boxed chunk. A run holds one of the server's training slots (ui/limits.py) while it
runs, and stops after the server's limit per run, keeping its model.
Leaves out: the settings widgets and the link (settings.py).
"""
from __future__ import annotations

import dataclasses
import threading

import streamlit as st

from nn_core import PRESETS, Trainer, TrainConfig

from . import memory, resources, state
from .estimate import duration
from .settings import DEFAULT_PRESET, hyperparameter_widgets  # noqa: F401 (the Train page's settings column)

CHUNK_SECONDS = 0.5   # training per tick; longer keeps more speed, shorter answers clicks sooner
TICK_SECONDS = 0.1    # fragment timer: shorter than a chunk, so the next tick is always queued
VIEW_SECONDS = 0.5    # live chart redraw period on the Train page (<= 2 redraws/s)


# ------------------------------------------------------------------ controls (on_click callbacks)
def _lock() -> threading.Lock:
    return st.session_state["train.lock"]


def _busy_message() -> str:
    n = resources.limits().max_trainings
    return (f"The server is busy: {n} training run{'s are' if n > 1 else ' is'} already going (this server allows "
            f"{n} at once, so that the app stays quick for everyone). Try again shortly; your settings are kept.")


def start(config: TrainConfig) -> None:
    slots, sid = resources.training_slots(), st.session_state["session.id"]
    if not slots.acquire(sid):
        st.session_state["train.error"] = _busy_message()
        return
    n_params = sum(a * b + b for a, b in zip(config.layer_sizes[:-1], config.layer_sizes[1:]))
    config = dataclasses.replace(config, max_snapshots=resources.limits().max_snapshots(n_params))
    with _lock():
        st.session_state["train.trainer"] = Trainer(config, resources.dataset(),
                                                    time_limit=60 * resources.limits().max_run_minutes)
        preset = st.session_state.get("preset", DEFAULT_PRESET)
        same = dataclasses.replace(PRESETS[preset].config, max_snapshots=config.max_snapshots) == config
        st.session_state["train.preset"] = preset if same else "custom"
        st.session_state["train.running"] = True
        st.session_state["train.error"] = None
        st.session_state["train.notice"] = None
        st.session_state["train.link_notes"] = []


def pause() -> None:
    st.session_state["train.running"] = False
    resources.training_slots().release(st.session_state["session.id"])


def resume() -> None:
    t = state.trainer()
    if t is None or t.done:
        return
    if not resources.training_slots().acquire(st.session_state["session.id"]):
        st.session_state["train.error"] = _busy_message()
        return
    st.session_state["train.error"] = None
    st.session_state["train.running"] = True


def reset() -> None:
    with _lock():
        st.session_state["train.trainer"] = None
        st.session_state["train.running"] = False
        st.session_state["train.error"] = None
        st.session_state["train.notice"] = None
    resources.training_slots().release(st.session_state["session.id"])
    memory.release()


def use_paused_model() -> None:
    t = state.trainer()
    if t is not None and t.step_count:
        state.adopt_trained(t, f"{_run_name(t)} (paused at step {t.step_count:,})")
        st.session_state["train.notice"] = "The paused model is now the one every page shows."


def _run_name(t: Trainer) -> str:
    preset = st.session_state["train.preset"]
    return f"{'-'.join(map(str, t.model.layer_sizes))} {t.config.activation} ({preset})"


# ------------------------------------------------------------------ the tick
def tick() -> None:
    """Advance the active run by one time-boxed chunk; on the last one, publish the result."""
    t = state.trainer()
    if t is None or not state.running():
        return
    lock = _lock()
    if not lock.acquire(blocking=False):  # an overlapping rerun of this session is training
        return
    sid = st.session_state["session.id"]
    try:
        if not resources.training_slots().renew(sid):  # the lease ran out and others took every slot
            st.session_state["train.running"] = False
            st.session_state["train.error"] = (
                "This tab was in the background long enough to lose its training slot, and other runs have "
                "taken every slot since. Nothing is lost: press Resume to carry on when one is free.")
            finished = True
        else:
            t.run_for(CHUNK_SECONDS)
            finished = t.done
        if t.done:
            st.session_state["train.running"] = False
            resources.training_slots().release(sid)
            if t.status == "diverged":
                st.session_state["train.error"] = t.message
            else:
                state.adopt_trained(t, _run_name(t))
                acc = state.info()["metrics"]["test_accuracy"]
                st.session_state["train.notice"] = (
                    f"Training finished: test accuracy {acc:.2%}. This model is now the one every page shows."
                    if t.status == "done" else
                    f"Training stopped after {duration(t.elapsed)}, this server's limit per run, at step "
                    f"{t.step_count:,} of {t.total_steps:,}. The model trained so far (test accuracy {acc:.2%}) "
                    "is now the one every page shows.")
    finally:
        lock.release()
    if finished:
        # st.rerun raises; a traceback kept by the runtime would keep this frame, and with it
        # the whole finished run, alive (measured: ~20 MB per run): drop the reference first.
        del t
        memory.release()  # the run's batches and activations are garbage now
        st.rerun()  # a full rerun removes the fragment timers and refreshes the page
