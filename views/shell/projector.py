"""Projector mode, for a classroom's projector: every text at least 18 px (chart ticks and
the pictures' labels too), captions at 7:1 or more, thicker lines. The switch tops the sidebar
(the first thing a teacher at the front finds) and the teacher's view; `?projector=1` in any
page's link (or a class link made with it) turns it on for that session.
Leaves out: the styles themselves (assets/projector.css).
"""
from __future__ import annotations

from functools import lru_cache

import streamlit as st

from links.query import LinkKey, Refused, register
from server.resources import ASSETS
from views.shell import widgets

ON, OFF = {"1", "on", "true", "yes"}, {"0", "off", "false", "no"}


def _read(text: str, limits) -> tuple[bool, None]:
    t = text.strip().lower()
    if t not in ON | OFF:
        raise Refused("is not 1 or 0")
    return t in ON, None


register(LinkKey("projector", _read, lambda on, limits: "1" if on else "0"))


@lru_cache(maxsize=1)
def _css() -> str:
    return (ASSETS / "projector.css").read_text(encoding="utf-8")


def read_once() -> None:
    """At a session's first run: `projector=1` in the link turns projector mode on."""
    if st.session_state["view.projector_read"]:
        return
    st.session_state["view.projector_read"] = True
    text = st.query_params.get("projector")
    if text is not None and text.strip().lower() in ON:
        st.session_state["view.projector"] = True


def styles() -> None:
    """The styles, when projector mode is on (app.py, on every run of every page)."""
    if st.session_state["view.projector"]:
        st.html(f"<style>{_css()}</style>")


SWITCHES = ("view.projector_switch", "teacher.projector")  # the sidebar's, the teacher view's


@widgets.guarded
def _flip(key: str) -> None:
    on = bool(st.session_state[key])
    st.session_state["view.projector"] = on
    for other in SWITCHES:  # the other switch on screen shows the same
        if other != key and other in st.session_state:
            st.session_state[other] = on


def switch(key: str = SWITCHES[0]) -> None:
    """The switch. Its state lives in view.projector, not in the widget's key: a page without
    the widget would otherwise lose it (Streamlit drops the state of widgets not drawn)."""
    if st.session_state.get(key) != st.session_state["view.projector"]:
        st.session_state[key] = st.session_state["view.projector"]  # (a link or the other switch changed it)
    st.toggle("Projector mode", key=key, on_change=_flip, args=(key,))
    # its help as a caption, not a tooltip: a tooltip is one more Tab stop before every page's content
    st.caption("Text of 18 px and up, darker captions, thicker lines (`?projector=1` in a link).")
