"""Model download and upload for the Train page, with a clear message for every bad file."""
from __future__ import annotations

import streamlit as st

from nn_core import dumps_model, load_model

from . import resources, state
from .text import quote


def model_bytes() -> bytes:
    info = state.info()
    return dumps_model(state.model(), info.get("config") or {}, info.get("metrics") or {})


def _on_upload() -> None:
    f = st.session_state.get("upload.model")
    st.session_state["upload.error"] = st.session_state["upload.ok"] = None
    if f is None:
        return
    limit = resources.limits().max_upload_mb
    if f.size > limit * 1024 * 1024:
        st.session_state["upload.error"] = (f"{quote(f.name)} is {f.size / 1e6:.1f} MB; model files here are at most "
                                            f"{limit} MB. The current model is unchanged.")
        return
    try:
        model, meta = load_model(f.getvalue())
        if model.layer_sizes[0] != 784 or model.layer_sizes[-1] != 10:
            raise ValueError(f"it maps {model.layer_sizes[0]} inputs to {model.layer_sizes[-1]} classes; "
                             "MNIST needs 784 inputs and 10 classes")
    except ValueError as e:
        msg = str(e).removeprefix("uploaded file: ")
        st.session_state["upload.error"] = f"Could not use {quote(f.name)}: {msg}. The current model is unchanged."
        return
    state.adopt_uploaded(model, meta, f.name)
    st.session_state["upload.ok"] = f"Loaded {quote(f.name)}: {model!r}. Every page now shows this model."


def download_and_upload() -> None:
    name = "-".join(map(str, state.model().layer_sizes))
    st.download_button("Download the current model (.npz)", model_bytes(), file_name=f"mlp-{name}.npz",
                       mime="application/octet-stream", icon=":material/download:", on_click="ignore",
                       help="Weights plus a JSON header (architecture, settings, scores). Load it here later, "
                            "or with `python -m nn_core evaluate FILE`.")
    st.file_uploader("Upload a model (.npz)", type=["npz"], key="upload.model", on_change=_on_upload,
                     help=f"A model saved by this app or by `python -m nn_core train --save`. At most "
                          f"{resources.limits().max_upload_mb} MB; it is checked before use and cannot run code.")
    if st.session_state["upload.error"]:
        st.error(st.session_state["upload.error"], icon=":material/error:")
    if st.session_state["upload.ok"]:
        st.success(st.session_state["upload.ok"], icon=":material/check_circle:")
