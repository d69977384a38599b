"""The runs a session keeps to compare: each ended run's settings, curves and final weights.

A run is kept when it ends (finished, stopped at the server's limit per run, or diverged),
whether it was started on the Train page or by a teaching pair (nn_core/pairs.py) on the
Compare page. A session keeps its newest MAX_RUNS runs and at most RUNS_BYTES of their
weights: past that, the oldest runs lose their weights first (their curves, a few tens of
kB each, stay), then the oldest runs go. The curves are copied out of the trainer's
History (downsampled to CURVE_POINTS), so a kept run does not keep its trainer alive.

runs.kept     list of KeptRun, oldest first
runs.next_id  the id the next kept run gets (ids never repeat within a session)

Teaching pairs train in the background like any run, in the line (session/pairs.py); both of
their runs are kept here when they end.
Leaves out: how the runs are drawn (ui/charts/compare.py) and worded (assets/text/compare.md).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import streamlit as st

from nn_core import MLP, PAIRS, TrainConfig, Trainer
from nn_core.history import downsample, ema
from session import state

MAX_RUNS = 6                # runs a session keeps
RUNS_BYTES = 48 * 2**20     # and no more than this in their weights (a session's share)
CURVE_POINTS = 400          # points kept of each per-step curve


@dataclass(frozen=True)
class KeptRun:
    id: int
    name: str
    config: TrainConfig
    status: str                   # "done", "stopped" (the server's limit per run) or "diverged"
    message: str                  # why a run that did not finish stopped ("" if it finished)
    steps: int                    # gradient steps taken
    seconds: float                # training time
    steps_per_epoch: int
    val_acc: tuple[float, ...]    # validation accuracy after each epoch
    val_loss: tuple[float, ...]
    loss_x: np.ndarray            # (k,) float32, in epochs
    loss: np.ndarray              # (k,) float32, training loss, smoothed over about a tenth of an epoch
    grad_rms: dict                # "W1" -> median RMS of dW1 over the run's steps
    model: MLP | None             # final weights (None once dropped for memory)
    pair: str = ""                # the teaching pair it belongs to ("" for a run from Train)

    @property
    def nbytes(self) -> int:
        return 0 if self.model is None else sum(p.nbytes for p in self.model.params.values())

    @property
    def final_val_acc(self) -> float | None:
        return self.val_acc[-1] if self.val_acc else None


def from_trainer(t: Trainer, name: str, run_id: int, model: MLP | None = None, pair: str = "") -> KeptRun:
    """What a kept run needs of a trainer that has ended (`model`: its final weights, if
    already copied elsewhere; else the trainer's own, which nothing trains any more)."""
    H = t.history.consistent()
    x = np.asarray(H.step, np.float32) / max(1, t.steps_per_epoch)
    loss = ema(H.step_loss, min(1.0, 10 / max(1, t.steps_per_epoch))) if H.n_steps else np.zeros(0, np.float32)
    loss_x, loss = downsample(x, loss, CURVE_POINTS) if H.n_steps else (x, loss)
    grads = {k: float(np.median(np.asarray(v))) for k, v in H.grad_rms.items() if len(v)}
    return KeptRun(run_id, name, t.config, t.status if t.status in ("done", "diverged") else "stopped",
                   "" if t.status == "done" else (t.message or ""), t.step_count, float(t.elapsed),
                   t.steps_per_epoch, tuple(float(a) for a in H.val_acc), tuple(float(v) for v in H.val_loss),
                   loss_x, loss, grads, model if model is not None else t.model, pair)


def within_budget(runs: list[KeptRun], max_runs: int = MAX_RUNS, max_bytes: int = RUNS_BYTES) -> list[KeptRun]:
    """The newest max_runs runs; the oldest lose their weights until the rest fit in max_bytes."""
    runs = list(runs)[-max_runs:]
    i = 0
    while sum(r.nbytes for r in runs) > max_bytes and i < len(runs):
        if runs[i].model is not None:
            runs[i] = dataclasses.replace(runs[i], model=None)
        i += 1
    return runs


# ------------------------------------------------------------------ the session's runs
def kept() -> list[KeptRun]:
    return list(st.session_state.get("runs.kept", []))


def by_id(run_id) -> KeptRun | None:
    return next((r for r in kept() if r.id == run_id), None)


def keep(t: Trainer, name: str, model: MLP | None = None, pair: str = "") -> KeptRun:
    """Keep an ended run (newest last) and return it."""
    run_id = int(st.session_state.get("runs.next_id", 1))
    st.session_state["runs.next_id"] = run_id + 1
    run = from_trainer(t, name, run_id, model, pair)
    st.session_state["runs.kept"] = within_budget(kept() + [run])
    return run


def forget_all() -> None:
    st.session_state["runs.kept"] = []


def show_everywhere(run_id: int) -> None:
    """Make a kept run's final model the one every page shows."""
    run = by_id(run_id)
    if run is not None and run.model is not None:
        name = f"{run.name} ({PAIRS[run.pair].title})" if run.pair else run.name
        state.adopt_kept(run.model, name, run.config.to_dict(), run.final_val_acc)
