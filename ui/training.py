"""Training in the dashboard: Start/Pause/Resume/Reset, and the tick that watches a run.

The controls are buttons with on_click callbacks that flip session state and start or
stop the session's `Run` (run.py): a background thread that trains while the run is
active, whichever page is open. The fragment in app.py calls `tick()` every TICK_SECONDS
while a run is active: it tells the run someone is watching, refreshes the sidebar, and
when the thread has ended publishes the result (the finished model, the divergence, the
time limit, a lost slot) and reruns the page. A run holds one of the server's training
slots (ui/limits.py) and stops after the server's limit per run, keeping its model.
With BACKGROUND off (the AppTests), each tick trains one chunk itself instead, so a test
knows exactly how far a run got.
Leaves out: the settings widgets and the link (settings.py).
"""
from __future__ import annotations

import dataclasses
import threading

import streamlit as st

from nn_core import PRESETS, Trainer, TrainConfig

from . import memory, resources, state
from .estimate import duration
from .run import Run
from .settings import DEFAULT_PRESET, hyperparameter_widgets  # noqa: F401 (the Train page's settings column)

BACKGROUND = True     # train in a thread (run.py); off: each tick trains CHUNK_SECONDS itself
CHUNK_SECONDS = 0.5   # foreground mode: training per tick
TICK_SECONDS = 0.25   # the sidebar's progress refresh while a run is active (background mode)
VIEW_SECONDS = 0.5    # live chart redraw period on the Train page (<= 2 redraws/s)


# ------------------------------------------------------------------ controls (on_click callbacks)
def _lock() -> threading.Lock:
    return st.session_state["train.lock"]


def _busy_message() -> str:
    n = resources.limits().max_trainings
    return (f"The server is busy: {n} training run{'s are' if n > 1 else ' is'} already going (this server allows "
            f"{n} at once, so that the app stays quick for everyone). Try again shortly; your settings are kept.")


def _go(t: Trainer) -> bool:
    """Run t: in the background (a new Run) or by the ticks; False, with the busy note, if no slot is free."""
    slots, sid = resources.training_slots(), st.session_state["session.id"]
    run = Run(t, slots, sid, _lock()) if BACKGROUND else None
    if not (run.start() if run else slots.acquire(sid)):
        st.session_state["train.error"] = _busy_message()
        return False
    st.session_state["train.run"] = run
    st.session_state["train.running"] = True
    st.session_state["train.error"] = None
    return True


def _halt(release: bool = True) -> None:
    """Stop the session's run: its thread ends after its chunk (waited for, up to 2 s)."""
    run = st.session_state["train.run"]
    if run is not None:
        run.stop(wait=2.0)
    st.session_state["train.run"] = None
    st.session_state["train.running"] = False
    if release:
        resources.training_slots().release(st.session_state["session.id"])


def start(config: TrainConfig) -> None:
    slots, sid = resources.training_slots(), st.session_state["session.id"]
    if not slots.acquire(sid):  # before anything changes: a paused run stays if the server is busy
        st.session_state["train.error"] = _busy_message()
        return
    _halt(release=False)  # a paused run is discarded; the slot just taken is kept for the new one
    n_params = sum(a * b + b for a, b in zip(config.layer_sizes[:-1], config.layer_sizes[1:]))
    config = dataclasses.replace(config, max_snapshots=resources.limits().max_snapshots(n_params))
    with _lock():
        t = Trainer(config, resources.dataset(), time_limit=60 * resources.limits().max_run_minutes)
        st.session_state["train.trainer"] = t
        preset = st.session_state.get("preset", DEFAULT_PRESET)
        same = dataclasses.replace(PRESETS[preset].config, max_snapshots=config.max_snapshots) == config
        st.session_state["train.preset"] = preset if same else "custom"
        st.session_state["train.notice"] = None
        st.session_state["train.link_notes"] = []
    _go(t)


def pause() -> None:
    _halt()


def resume() -> None:
    t = state.trainer()
    if t is not None and not t.done:
        _go(t)


def reset() -> None:
    _halt()
    with _lock():
        st.session_state["train.trainer"] = None
        st.session_state["train.error"] = None
        st.session_state["train.notice"] = None
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
LOST_SLOT = ("This tab was in the background long enough to lose its training slot, and other runs have taken "
             "every slot since. Nothing is lost: press Resume to carry on when one is free.")


def _train_here(t: Trainer) -> bool:
    """Foreground mode: one chunk in this tick; False if the session lost its slot."""
    lock = _lock()
    if not lock.acquire(blocking=False):  # an overlapping rerun of this session is training
        return True
    try:
        if not resources.training_slots().renew(st.session_state["session.id"]):
            return False
        t.run_for(CHUNK_SECONDS)
        return True
    finally:
        lock.release()


def tick() -> None:
    """Watch the active run; when it has ended, publish the result and rerun the page."""
    t, run = state.trainer(), st.session_state["train.run"]
    if t is None or not state.running():
        return
    if run is None:
        lost = not _train_here(t)
    else:
        run.seen()
        if run.alive:
            return
        if run.why == "unseen" and not t.done and run.start():  # the tab is back before anyone took its slot
            return
        lost = not t.done
    if not lost and not t.done:
        return
    _halt()
    if lost:
        st.session_state["train.error"] = LOST_SLOT if run is None or run.why in ("slot", "unseen") else (
            f"Training stopped because of an error in the app ({run.why}); the run so far is kept.")
    elif t.status == "diverged":
        st.session_state["train.error"] = t.message
    else:
        state.adopt_trained(t, _run_name(t))
        acc = state.info()["metrics"]["test_accuracy"]
        st.session_state["train.notice"] = (
            f"Training finished: test accuracy {acc:.2%} after {duration(t.elapsed)} of training. This model is "
            "now the one every page shows." if t.status == "done" else
            f"Training stopped after {duration(t.elapsed)}, this server's limit per run, at step "
            f"{t.step_count:,} of {t.total_steps:,}. The model trained so far (test accuracy {acc:.2%}) is now "
            "the one every page shows.")
    # st.rerun raises; a traceback kept by the runtime would keep this frame, and with it
    # the whole finished run, alive (measured: ~20 MB per run): drop the references first.
    del t, run
    memory.release()  # the run's batches and activations are garbage now
    st.rerun()  # a full rerun removes the fragment timers and refreshes the page
