"""The Train page's estimate of a run's time, and its warning when the run would outlast
this server's limit per run (`max_run_minutes`).

The estimate is the cost model's (nn_core/estimate.py) at this server's speed
(server/estimate.py: a 0.1 s calibration shared by every session, repeated every 10 minutes).
Leaves out: the time left of a running run (the progress bar's ETA does that).
"""
from __future__ import annotations

import streamlit as st

from nn_core import TrainConfig
from server import estimate
from server.limits import Limits
from ui.numbers import duration


def estimate_note(config: TrainConfig, limits: Limits) -> float:
    """Show the estimated training time (a warning if over the limit); returns the seconds."""
    seconds = estimate.seconds(config)
    cap = limits.max_run_minutes * 60
    if seconds > cap:
        st.warning(f"This run would take about {duration(seconds)} of training. This server stops a run after "
                   f"{duration(cap)} (its limit per run) and keeps the model trained so far. Fewer epochs, fewer "
                   "training images, a larger batch or a smaller network finish in time.", icon=":material/timer:")
    else:
        st.caption(f"Estimated training time: about {duration(seconds)} (this server's limit per run: "
                   f"{duration(cap)}).")
    return seconds
