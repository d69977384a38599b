"""The Train page's main column: Start/Pause/Resume/Reset, the line for a training slot, the
run's messages, and the live view (progress, metrics, training curves) refreshed by a fragment
while the run trains.

Leaves out: the buttons' callbacks and the tick (training.py), the settings (settings.py).
"""
from __future__ import annotations

import streamlit as st

from session import state
from ui import charts, text
from ui.numbers import percent
from views.train import curves, training


def buttons(config) -> None:
    """Start, Pause, Resume, Reset (in the current container); `config`: the settings' TrainConfig or None."""
    t, running, waiting = state.trainer(), state.running(), state.queued()
    paused = t is not None and not running and not t.done and t.step_count > 0
    pair = training.pair_busy()  # a teaching pair (Compare) holds the session's slot
    b = st.columns([1, 1, 1, 1, 2.6])
    b[0].button("Start", type="primary", icon=":material/play_arrow:",
                disabled=config is None or running or waiting or bool(pair),
                on_click=training.start, args=(config,), width="stretch",
                help="Start a new run with the settings below (a paused run is discarded).")
    b[1].button("Pause", icon=":material/pause:", disabled=not running, on_click=training.pause, width="stretch",
                help="Stop after the current chunk; nothing is lost.")
    b[2].button("Resume", icon=":material/resume:", disabled=not paused or waiting or bool(pair),
                on_click=training.resume, width="stretch",
                help="Carry on exactly where the run was paused.")
    b[3].button("Reset", icon=":material/restart_alt:", disabled=t is None or running, on_click=training.reset,
                width="stretch", help="Throw the current run away (the model other pages show is kept).")


def _line_view() -> None:
    st.info(training.line_note(), icon=":material/hourglass_top:")


def messages() -> None:
    """Use a paused model, the line for a slot, the run's error or notice."""
    t, running, waiting = state.trainer(), state.running(), state.queued()
    paused = t is not None and not running and not t.done and t.step_count > 0
    pair = training.pair_busy()
    if paused:
        st.button("Use the paused model now", icon=":material/input:", on_click=training.use_paused_model,
                  help="Make the paused model the one every page shows, without finishing the run.")
    if pair:
        st.info(pair, icon=":material/hourglass_top:")
    if waiting:
        st.fragment(_line_view, run_every=training.LINE_SECONDS)()
        st.button("Cancel", icon=":material/close:", on_click=training.leave_line, key="train.cancel_wait",
                  help="Leave the line for a training slot. Your settings (and a paused run) are kept.")
    if st.session_state["train.error"]:
        st.error(st.session_state["train.error"], icon=":material/warning:")
    if st.session_state["train.notice"]:
        st.success(st.session_state["train.notice"], icon=":material/check_circle:")


def _live_view() -> None:
    waiting = state.queued()
    t = state.trainer()
    if t is None and waiting:
        return
    if t is None:
        st.info(text.section("train", "Before start"), icon=":material/info:")
        history = state.info().get("metrics", {}).get("history")
        if history and history.get("val_acc"):
            st.plotly_chart(charts.epoch_history(history), **charts.PLOT, key="train.chart.previous")
            st.caption(text.section("train", "Previous run"))  # no file name here: it is user text
        return
    p, live = t.progress(), state.running()
    eta = f" · about {p.eta:.0f} s left" if live and p.step else ""
    st.progress(p.fraction, text=f"step {p.step:,} of {p.total_steps:,} · epoch "
                                 f"{p.current_epoch} of {p.epochs} · "
                                 f"{p.elapsed:.1f} s of training{eta}")
    H = t.history.consistent()  # a tick may be appending in an overlapping run
    m = st.columns(4)
    m[0].metric("Loss (last batch)", f"{H.step_loss[-1]:.3g}" if H.n_steps else "–",
                help="Cross-entropy of the most recent mini-batch.")
    m[1].metric("Validation accuracy", percent(H.val_acc[-1]) if H.val_acc else "after epoch 1",
                help="On the 5,000 held-out images, after the last finished epoch.")
    m[2].metric("Epoch", f"{p.current_epoch} / {p.epochs}",
                help=f"Passes over the training set; {t.steps_per_epoch:,} steps each.")
    m[3].metric("Steps per second", f"{p.step / p.elapsed:.0f}" if p.elapsed else "–",
                help="Gradient steps per second of training time.")
    if not H.n_steps:
        return
    g = t.model.g
    figs = charts.training_curves(H, t.steps_per_epoch, live, dead_title=curves.dead_title(g))
    captions = {"loss": "Loss", "accuracy": "Accuracy", "norms": "Norms"}  # train.md
    for row in (("loss", "accuracy"), ("norms", "dead")):
        for col, name in zip(st.columns(2), row):
            if name in figs:
                col.plotly_chart(figs[name], **charts.PLOT, key=f"train.chart.{name}",
                                 alt=f"Training curve: {figs[name].layout.title.text or name} against the epoch "
                                     "(the latest numbers are in the metrics above)")
                col.caption(text.for_activation("train", "Dead", g) if name == "dead"
                            else text.section("train", captions[name]))
            elif name == "dead" and H.dead:  # no chart for this activation: say why
                col.info(text.for_activation("train", "Dead", g), icon=":material/info:")
    if not live:
        st.caption(text.section("train", "Zoom"))


def live_view() -> None:
    """Progress, metrics and curves of the run; redrawn every VIEW_SECONDS while it trains."""
    st.fragment(_live_view, run_every=training.VIEW_SECONDS if state.running() else None)()
