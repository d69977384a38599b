"""What a stroke changes on Draw, and which parts of the page it reruns.

A stroke arrives as the canvas's new value; its callback (`on_stroke`, run by Streamlit
before anything is drawn) reads the picture (checked from its PNG header first), prepares the
28x28 input and keeps it as the session's example, then reruns only the keyed fragments that
show the drawing (`st.rerun` with their keys), in the order a student reads them: the
prediction and the probabilities first, then the preprocessing strip, the layers and the
questions (FRAGMENTS). The canvas's own fragment (PAD: the canvas and Clear) is not rerun, so
a stroke neither re-sends nor re-renders the canvas; only when the note under it changes (a
refused picture, "your last drawing") is it rerun too. Clear reruns them all with a new
canvas key (an empty canvas); a preprocessing switch reads the same picture again.

Session keys (Draw's own; initialised in session/state.py):
  draw.canvas  the canvas's number: its key is draw.canvas.N, and Clear bumps it
  draw.seen    a fingerprint of the picture last read (a full run reads the canvas only if new)
  draw.steps   the preprocessing strip of the current drawing (markup: steps.py), or None
  draw.note    the note under the canvas: None, ("warning", text) or ("caption", text)
Leaves out: the layout (page.py), the canvas widget and its checks (canvas.py, png.py).
"""
from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from nn_core import MLP, prepare_drawing
from nn_core.preprocess import CANVAS
from session import example, per_model
from ui import text
from views.draw import canvas, steps

PAD = "draw.pad"
FRAGMENTS = ("draw.prediction", "draw.probabilities", "draw.steps", "draw.views")
SWITCHES = ("draw.crop", "draw.fit", "draw.centre")  # the preprocessing steps, each can be switched off


def canvas_key() -> str:
    return f"draw.canvas.{st.session_state['draw.canvas']}"


def forward(model: MLP, ex: example.Example) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """model.forward of the example, (1, 10) probabilities and the cache: once per example and
    model however many parts of the page show it (session/per_model.py keeps the last one)."""
    key = hashlib.sha1(ex.x.tobytes()).digest()
    return per_model.get("draw.forward", model, lambda: model.forward(ex.x.reshape(1, -1)), key=key)


def _note(kind: str | None = None, words: str = "") -> None:
    st.session_state["draw.note"] = None if kind is None else (kind, words)


def read(again: bool = False) -> bool:
    """Take what the canvas holds as the session's drawing: a picture not read before (or, with
    `again`, the same one through the switches' new settings). A picture no canvas sends is
    refused with a note and the last drawing stays; an empty canvas leaves the example alone.
    True when a picture was taken (the parts that show the drawing are then out of date)."""
    try:
        url = canvas.data_url(st.session_state.get(canvas_key()))
        if url is None:  # a new canvas: the example (perhaps the last drawing) stays
            ex = example.current()
            _note("caption", text.section("draw", "Last drawing")) if ex and ex.source == "drawing" else _note()
            return False
        if not again and hash(url) == st.session_state["draw.seen"]:
            return False
        image = canvas.read_png(url, CANVAS)
    except canvas.Refused as e:
        _note("warning", canvas.REFUSED.format(why=e))
        return False
    crop, fit, centre = (bool(st.session_state.get(k, True)) for k in SWITCHES)
    prepared = prepare_drawing(image, crop=crop, fit_box=fit, centre=centre)
    if prepared is None:  # the canvas was wiped with its own toolbar
        example.clear_drawing()
        st.session_state["draw.steps"] = None
    else:
        example.use_drawing(prepared["x"])
        st.session_state["draw.steps"] = steps.markup_of(prepared)
    st.session_state["draw.seen"] = hash(url)
    _note()
    return True


def parts_only() -> bool:
    """Is this run of some fragments alone (not the whole page)?"""
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


def _rerun(note_before) -> None:
    """Rerun the parts that show the drawing (and the canvas's, if its note changed)."""
    pad = [PAD] if st.session_state["draw.note"] != note_before else []
    st.rerun([*FRAGMENTS[:2], *pad, *FRAGMENTS[2:]])  # the answer first


def on_stroke() -> None:
    """The canvas's on_change: a stroke ended (or its toolbar undid or wiped one)."""
    before = st.session_state["draw.note"]
    read()
    if st.session_state["draw.note"] and st.session_state["draw.note"][0] == "warning":
        st.rerun(PAD)  # refused: only the note under the canvas changes
    _rerun(before)


def on_switch() -> None:
    """A preprocessing switch's on_change: the same picture through the new steps."""
    before = st.session_state["draw.note"]
    read(again=True)
    _rerun(before)


def clear() -> None:
    """Clear's on_click: a new, empty canvas (a new key) and no drawing."""
    st.session_state["draw.canvas"] += 1
    example.clear_drawing()
    st.session_state.update({"draw.seen": None, "draw.steps": None, "draw.note": None})
    st.rerun([PAD, *FRAGMENTS])
