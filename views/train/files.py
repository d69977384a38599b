"""Model download and upload for the Train page, with a clear message for every bad file.

An upload is held to the deployer's caps (server/limits.py) before anything of it is built:
the loader gets them as its budget, and a file over one is refused with a message that
names the cap. A refused file changes nothing: the model, the run and the drawing stay.
A float64 model is converted to the app's compute dtype (float32) as it is adopted, with a
note: every page then costs what a float32 model costs (measured before issue 21: three
sessions opening Evaluate with the largest float64 model took the server to 1,271 MB).
An upload must also fit in the server's memory budget (session/holdings.py): when it does
not, the student reads why and what to do. Once read, the file leaves Streamlit's upload
manager (the model is what the session keeps): 4.8 MB a session for the largest model.
An accepted one is scored on the test set once (session/scores.py keeps it for Evaluate).
The download's bytes are built when its button is pressed, not on every rerun of Train.
"""
from __future__ import annotations

import logging
from typing import Callable

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from nn_core import MLP, dumps_model, load_model
from nn_core.files.header import TooLarge, shown_int
from server import budget, resources, uploads
from session import holdings, scores, state
from ui import metadata
from ui.text import quote
from views.shell import widgets

log = logging.getLogger(__name__)
UNCHANGED = "The current model is unchanged."
COMPUTE_DTYPE = np.float32  # what the app trains and computes in


def model_file(model: MLP, info: dict) -> Callable[[], bytes]:
    """What the download button calls when it is pressed, and only then: the .npz of `model`.
    Streamlit runs it in a worker thread, outside the session, so it holds the model and its
    header itself (until the session's next full run replaces the button)."""
    config, metrics = info.get("config") or {}, info.get("metrics") or {}
    return lambda: dumps_model(model, config, metrics)


def check_upload(data: bytes, limits) -> tuple:
    """(model, meta) of an uploaded file within the caps; ValueError with the reason otherwise."""
    try:
        model, meta = load_model(data, max_hidden=limits.max_hidden, max_layers=limits.max_layers,
                                 max_params=limits.max_params)
    except TooLarge as e:
        raise ValueError(f"this server allows at most {e.limit:,} {e.what}; the file has {shown_int(e.found)}") from None
    except ValueError as e:
        raise ValueError(str(e).removeprefix("uploaded file: ")) from None
    if model.layer_sizes[0] != 784 or model.layer_sizes[-1] != 10:
        raise ValueError(f"it maps {model.layer_sizes[0]} inputs to {model.layer_sizes[-1]} classes; "
                         "MNIST needs 784 inputs and 10 classes")
    if model.dtype != COMPUTE_DTYPE:
        was = model.dtype.name
        model = model.astype(COMPUTE_DTYPE)
        meta = {**meta, "notes": list(meta.get("notes", [])) + [
            f"The file's weights are {was}; the app computes in {model.dtype.name}, so they were rounded to "
            f"{model.dtype.name} (about 7 significant digits)."]}
    return model, meta


@widgets.guarded
def _on_upload() -> None:
    f = st.session_state.get("upload.model")
    st.session_state["upload.error"] = st.session_state["upload.ok"] = None
    if f is None or not hasattr(f, "getvalue"):  # nothing, or a file already read and dropped
        return
    name, limits = metadata.file_name(f.name), resources.limits()
    if f.size > limits.max_upload_mb * 1024 * 1024:
        st.session_state["upload.error"] = (f"{quote(name)} is {f.size / 1e6:.1f} MB; model files here are at most "
                                            f"{limits.max_upload_mb} MB. {UNCHANGED}")
        return
    with budget.working():  # reading a model and scoring it: one of the server's few work slots
        _read_upload(f, name, limits)


def _read_upload(f, name: str, limits) -> None:
    refusal = holdings.admit(2 * f.size, "upload")  # the file's arrays while it is read, then the model
    if refusal is not None:
        uploads.drop(f.file_id)
        st.session_state["upload.error"] = holdings.refused(
            refusal, f"{quote(name)} was not loaded", "A model with fewer or narrower hidden layers needs less.") + \
            f" {UNCHANGED}"
        return
    try:
        data = f.getvalue()
        uploads.drop(f.file_id)  # read: the server need not keep the file (the model is what it keeps)
        model, meta = check_upload(data, limits)
        del data
    except ValueError as e:
        st.session_state["upload.error"] = f"Could not use {quote(name)}: {e}. {UNCHANGED}"
        return
    except Exception:  # a loader bug must not cost the visitor the session: say so, log it, keep the model
        log.exception("unexpected error loading an uploaded model")
        st.session_state["upload.error"] = f"Could not use {quote(name)}: it could not be read. {UNCHANGED}"
        return
    metrics, notes = scores.measured(model, meta["metrics"])
    state.adopt_uploaded(model, {**meta, "metrics": metrics, "notes": meta["notes"] + notes}, name)
    st.session_state["upload.ok"] = f"Loaded {quote(name)}: {model!r}. Every page now shows this model."


def download_and_upload() -> None:
    model = state.model()
    name = "-".join(map(str, model.layer_sizes))
    limits = resources.limits()
    st.download_button("Download the current model (.npz)", model_file(model, state.info()),
                       file_name=f"mlp-{name}.npz",
                       mime="application/octet-stream", icon=":material/download:", on_click="ignore",
                       help="Weights plus a JSON header (architecture, settings, scores). Load it here later, "
                            "or with `python -m nn_core evaluate FILE`.")
    ctx = get_script_run_ctx()
    if ctx is not None:
        uploads.allow(ctx.session_id)  # this session shows an uploader: it may upload (server/uploads.py)
    st.file_uploader("Upload a model (.npz)", type=["npz"], key="upload.model", on_change=_on_upload,
                     help=f"A model saved by this app or by `python -m nn_core train --save`. At most "
                          f"{limits.max_upload_mb} MB, {limits.max_layers} hidden layers of at most "
                          f"{limits.max_hidden} units; it is checked before use and cannot run code.")
    if st.session_state["upload.error"]:
        st.error(st.session_state["upload.error"], icon=":material/error:")
    if st.session_state["upload.ok"]:
        st.success(st.session_state["upload.ok"], icon=":material/check_circle:")
        metadata.show_notes(state.info().get("notes") or [])
