"""The Train page's estimate of a run's time, and its warning when the run would outlast
this server's limit per run (`max_run_minutes`).

The cost model is nn_core/estimate.py; its one machine-dependent number comes from a
0.1 s calibration, shared by every session and repeated every 10 minutes (a shared
server's speed changes with its load).
Leaves out: the time left of a running run (the progress bar's ETA does that).
"""
from __future__ import annotations

import streamlit as st

from nn_core import TrainConfig
from nn_core.estimate import calibrate, run_seconds
from server import resources
from server.limits import Limits


@resources.shared(ttl=600)
def speed() -> float:
    """This server's speed relative to the cost model's machine (2.0 = twice as slow)."""
    return calibrate()


def duration(seconds: float) -> str:
    """40 s, 12 min, 3.5 h: the unit a person would use."""
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def estimate_note(config: TrainConfig, limits: Limits) -> float:
    """Show the estimated training time (a warning if over the limit); returns the seconds."""
    data = resources.dataset()
    seconds = run_seconds(config, len(data.y_train), len(data.y_val), speed())
    cap = limits.max_run_minutes * 60
    if seconds > cap:
        st.warning(f"This run would take about {duration(seconds)} of training. This server stops a run after "
                   f"{duration(cap)} (its limit per run) and keeps the model trained so far. Fewer epochs, fewer "
                   "training images, a larger batch or a smaller network finish in time.", icon=":material/timer:")
    else:
        st.caption(f"Estimated training time: about {duration(seconds)} (this server's limit per run: "
                   f"{duration(cap)}).")
    return seconds
