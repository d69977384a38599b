"""Read-only things shared by every session: the dataset and the pretrained default model.

`st.cache_resource` objects are shared by ALL users, so only immutable data lives here:
the uint8 dataset (its arrays are already read-only) and the default model, whose arrays
are marked read-only too, so an accidental in-place update fails loudly instead of
changing the model under everyone's feet. Sessions copy before they modify. The one
shared mutable object is on purpose: the server-wide count of running trainings.
"""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
import threadpoolctl

from nn_core import MLP, Dataset, Snapshot, load_dataset, load_model, load_snapshots
from server import memory
from server.limits import Limits, read_limits
from server.slots import TrainingSlots

ASSETS = Path(__file__).resolve().parent.parent / "assets"
DEFAULT_MODEL = ASSETS / "default_model.npz"
DEFAULT_SNAPSHOTS = ASSETS / "default_snapshots.npz"  # its training run, for the Weights scrubber


@st.cache_resource(show_spinner=False)
def limit_blas_threads() -> int:
    """One BLAS thread per server process (NN_BLAS_THREADS overrides), applied once.

    A server shares its cores among sessions, and in a classroom demo with the browser
    too. A two-thread matrix product whose second thread loses its core stalls: measured,
    training chunks fell from ~300 to 2-20 steps while the browser redrew the charts.
    """
    n = int(os.environ.get("NN_BLAS_THREADS", "1"))
    threadpoolctl.threadpool_limits(n, user_api="blas")
    return n


@st.cache_resource(show_spinner=False)
def tune_memory() -> bool:
    """glibc settings that let freed arrays go back to the OS (server/memory.py), applied once."""
    return memory.tune_malloc()


@st.cache_resource(show_spinner="Loading MNIST…")
def dataset() -> Dataset:
    return load_dataset(ASSETS, name="MNIST")


@st.cache_resource(show_spinner=False)
def default_model() -> tuple[MLP, dict]:
    model, meta = load_model(DEFAULT_MODEL)
    for p in model.params.values():
        p.flags.writeable = False
    return model, meta


@st.cache_resource(show_spinner=False)
def default_snapshots() -> list[Snapshot]:
    """The pretrained model's snapshots (read-only), or [] if the file is absent or does not fit."""
    try:
        return load_snapshots(DEFAULT_SNAPSHOTS, default_model()[0])
    except ValueError:
        return []


@st.cache_resource(show_spinner=False)
def limits() -> Limits:
    """The deployer's caps (environment, then secrets, then defaults): a frozen dataclass."""
    try:
        secrets = st.secrets.to_dict()
    except Exception:  # no secrets file, or one that does not parse: defaults (logged in read_limits)
        secrets = {}
    return read_limits(os.environ, secrets)


@st.cache_resource(show_spinner=False)
def training_slots() -> TrainingSlots:
    """Shared by every session on purpose: at most limits().max_trainings train at once."""
    return TrainingSlots(limits().max_trainings)
