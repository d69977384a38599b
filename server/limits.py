"""Caps for a shared server, set by whoever deploys the app, (the training slots they allow are in slots.py).

Each cap comes from, in order: the environment (NN_MAX_HIDDEN, ...), Streamlit secrets
(a `[limits]` table in .streamlit/secrets.toml, e.g. `max_hidden = 256`), or the default.
The defaults fit Streamlit Community Cloud's smallest tier (690 MB, shared cores): about
250 MB for the server with the dataset, plus at most two concurrent training runs of the
largest allowed network with their snapshots (see benchmarks/README.md for the figures).
A run stops after max_run_minutes of training (a classroom lesson's worth), so that one
visitor cannot hold a training slot for hours; its history is bounded too (nn_core/history.py).

A value that is not a positive whole number is ignored (the default is used) and logged
for the deployer; users never see a traceback for it.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, fields

from nn_core import n_params

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Limits:
    max_hidden: int = 512          # units per hidden layer
    max_layers: int = 4            # hidden layers
    max_epochs: int = 500          # passes over the training set
    max_train: int = 55_000        # training images
    max_trainings: int = 2         # training runs advancing at the same time on this server
    max_upload_mb: int = 10        # model files (Streamlit's own cap is server.maxUploadSize)
    snapshot_mb: int = 24          # parameter snapshots kept per training run, in MB
    max_run_minutes: int = 5       # training time of one run; then it stops, keeping its model
    max_params: int = 0            # weights and biases of an uploaded model; 0: the most max_hidden/max_layers allow
    memory_mb: int = 0             # the server's memory budget (server/budget.py); 0: the container's limit, if any
    full_lag_ms: int = 1000        # a new session is told the class is full while work waits longer than this (admission.py)

    def __post_init__(self):
        if self.max_params == 0:  # 1,195,018 for 4 hidden layers of 512
            object.__setattr__(self, "max_params", n_params([784, *[self.max_hidden] * self.max_layers, 10]))

    def max_snapshots(self, n_params: int, bytes_per_param: int = 4) -> int:
        """How many snapshots of an n_params network fit in snapshot_mb (2 to 24)."""
        per = max(1, n_params * bytes_per_param)
        return int(max(2, min(24, self.snapshot_mb * 1024 * 1024 // per)))


def read_limits(environ=None, secrets=None) -> Limits:
    environ = os.environ if environ is None else environ
    table = {}
    try:
        table = dict((secrets or {}).get("limits", {}))
    except Exception:  # a secrets file that does not parse: defaults, and a line in the log
        log.warning("could not read [limits] from Streamlit secrets; using defaults", exc_info=True)
    values = {}
    for f in fields(Limits):
        raw = environ.get(f"NN_{f.name.upper()}", table.get(f.name))
        if raw is None:
            continue
        try:
            value = int(str(raw).strip())
            if value < 1:
                raise ValueError
        except ValueError:
            log.warning("ignoring %s=%r: not a positive whole number; using %s", f.name, raw, f.default)
            continue
        values[f.name] = value
    return Limits(**values)
