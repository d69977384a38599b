"""A run's estimated training time on this server: the cost model (nn_core/estimate.py) at the
speed this server has now.

The one machine-dependent number comes from a 0.1 s calibration shared by every session and
repeated every 10 minutes (a shared server's speed changes with its load). The Train page
shows the estimate before a run starts, and the line of sessions waiting for a training slot
(slots.py) is told it until a run's own ETA takes over (run.py).
Leaves out: how an estimate is worded (views/train/estimate.py).
"""
from __future__ import annotations

from nn_core import TrainConfig
from nn_core.estimate import calibrate, run_seconds
from server import resources


@resources.shared(ttl=600)  # once per process, outside the caches a client may clear
def speed() -> float:
    """This server's speed relative to the cost model's machine (2.0 = twice as slow)."""
    return calibrate()


def seconds(config: TrainConfig, cap: float | None = None) -> float:
    """Estimated seconds of training for `config` on the bundled data, at most `cap` (a run's
    time limit) if given."""
    data = resources.dataset()
    s = run_seconds(config, len(data.y_train), len(data.y_val), speed())
    return s if cap is None else min(cap, s)
