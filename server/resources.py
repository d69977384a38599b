"""Read-only things shared by every session: the dataset and the pretrained default model.

Everything here is shared by ALL users, so only immutable data lives here: the uint8
dataset (its arrays are already read-only) and the default model, whose arrays are marked
read-only too, so an accidental in-place update fails loudly instead of changing the model
under everyone's feet. Sessions copy before they modify. The one shared mutable object is
on purpose: the server-wide training slots and their line.

They are made once per process by `shared` (a lock, then a module-level box), not kept in
`st.cache_resource`: any client can send Streamlit's `clear_cache` message (the developer
menu's "Clear cache", hidden here but accepted from a script), which empties every
st.cache_resource for the whole server. Measured before (issue 21): the training slots were
recreated empty (4 runs at once with a cap of 2; 7 after three messages) and MNIST, the
default model and the robustness sets were loaded again each time (210 messages in 40 s:
RSS 701 -> 1,246 MB). Nothing a client sends can reset what `shared` made; `.clear()` is for
tests only.
"""
from __future__ import annotations

import functools
import os
import threading
import time
from pathlib import Path
from typing import Callable, TypeVar

import pandas  # noqa: F401  (imported whole before any session draws: see below)
import streamlit as st
import threadpoolctl

from nn_core import MLP, Dataset, Snapshot, load_dataset, load_model, load_snapshots
from server import admission, budget, health, memory, poll, reconnects, sweeper, uploads, widget_values
from server.limits import Limits, read_limits
from server.slots import TrainingSlots

ASSETS = Path(__file__).resolve().parent.parent / "assets"
# pandas above: Plotly looks pandas up in sys.modules without importing it, so on a fresh server a
# session drawing a chart while another's first run was still importing pandas got "partially
# initialized module 'pandas'" (seen with five sessions starting at once). Every session imports
# this module first, so pandas is whole before any chart.
DEFAULT_MODEL = ASSETS / "default_model.npz"
DEFAULT_SNAPSHOTS = ASSETS / "default_snapshots.npz"  # its training run, for the Weights scrubber
T = TypeVar("T")
_BOXES: list[list] = []  # every shared() box: what the whole process holds (the budget counts it for no session)


def shared(make: Callable[[], T] | None = None, *, ttl: float | None = None):
    """`make()` once per process (again after `ttl` seconds, if given), under a lock: every
    session gets the same object. Used as a decorator; the result has `.clear()` for tests."""
    def wrap(make: Callable[[], T]) -> Callable[[], T]:
        lock, box = threading.Lock(), []  # box: [(value, made at)]
        _BOXES.append(box)

        @functools.wraps(make)
        def get() -> T:
            kept = box[0] if box else None
            if kept is not None and (ttl is None or time.monotonic() - kept[1] < ttl):
                return kept[0]
            with lock:
                if not box or (ttl is not None and time.monotonic() - box[0][1] >= ttl):
                    box[:] = [(make(), time.monotonic())]
                return box[0][0]

        def clear() -> None:
            with lock:
                box.clear()

        get.clear = clear
        return get
    return wrap(make) if make is not None else wrap


def shared_values() -> list:
    """Everything made by `shared` so far (the dataset, the pretrained model, the fixed samples...)."""
    return [box[0][0] for box in list(_BOXES) if box]


@shared
def limit_blas_threads() -> int:
    """One BLAS thread per server process (NN_BLAS_THREADS overrides), applied once.

    A server shares its cores among sessions, and in a classroom demo with the browser
    too. A two-thread matrix product whose second thread loses its core stalls: measured,
    training chunks fell from ~300 to 2-20 steps while the browser redrew the charts.
    """
    n = int(os.environ.get("NN_BLAS_THREADS", "1"))
    threadpoolctl.threadpool_limits(n, user_api="blas")
    return n


@shared
def tune_memory() -> bool:
    """glibc settings that let freed arrays go back to the OS (server/memory.py), applied once."""
    return memory.tune_malloc()


@shared
def guard_doors() -> bool:
    """Once per server process: uploads only through the uploader, and bounded (server/uploads.py);
    widget values of a kind no browser sends dropped (server/widget_values.py); closed sessions'
    memory collected (server/sweeper.py); the memory budget (server/budget.py), the clocks that
    turn new sessions away when the server is behind (server/admission.py), fresh sessions after a
    reconnect noticed (server/reconnects.py), and the numbers at /_stcore/metrics (server/health.py).
    False outside a running server."""
    if st.config.get_option("global.appTest"):  # AppTest: no web server, its own upload manager
        return False
    guarded = uploads.install(max_bytes=uploads.MAX_FILES * limits().max_upload_mb * 1024 * 1024) is not None
    widget_values.install()  # values of a kind no browser sends: dropped before Streamlit reads them
    poll.configure(os.environ.get("NN_POLL_REDIS_URL") or _secret("poll_redis_url"))  # shared by every copy, if set
    budget.install(limits().memory_mb, shared_values)
    admission.install(limits().full_lag_ms)
    reconnects.install()
    health.install(figures)
    return sweeper.start() and guarded


def _secret(name: str) -> str | None:
    try:
        value = st.secrets.get(name)
    except Exception:  # no secrets file, or one that does not parse
        return None
    return str(value) if value else None


def figures() -> dict:
    """The server's numbers (server/health.py serves them): memory, sessions, how far behind, the poll."""
    b, m = budget.current(), admission.monitor()
    memory_figures = b.figures() if b is not None else {}
    return {"memory": memory_figures,
            "admission": {**(m.figures() if m is not None else {}), "live": memory_figures.get("sessions", 0)},
            "poll_available": int(poll.store().available())}


@shared
def dataset() -> Dataset:
    return load_dataset(ASSETS, name="MNIST")


@shared
def default_model() -> tuple[MLP, dict]:
    model, meta = load_model(DEFAULT_MODEL)
    for p in model.params.values():
        p.flags.writeable = False
    return model, meta


@shared
def default_snapshots() -> list[Snapshot]:
    """The pretrained model's snapshots (read-only), or [] if the file is absent or does not fit."""
    try:
        return load_snapshots(DEFAULT_SNAPSHOTS, default_model()[0])
    except ValueError:
        return []


@shared
def limits() -> Limits:
    """The deployer's caps (environment, then secrets, then defaults): a frozen dataclass."""
    try:
        secrets = st.secrets.to_dict()
    except Exception:  # no secrets file, or one that does not parse: defaults (logged in read_limits)
        secrets = {}
    return read_limits(os.environ, secrets)


@shared
def training_slots() -> TrainingSlots:
    """Shared by every session on purpose: at most limits().max_trainings train at once."""
    return TrainingSlots(limits().max_trainings)
