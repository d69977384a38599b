"""Projector mode: larger text, darker captions, chart ticks >= 14 px and thicker lines, for
a classroom's projector. A switch at the foot of every page (views/shell/nav.py); `?projector=1` in any page's link (or
a class link made with it) turns it on for that session.
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


@widgets.guarded
def _flip() -> None:
    st.session_state["view.projector"] = st.session_state["view.projector_switch"]


def switch() -> None:
    """The switch. Its state lives in view.projector, not in the widget's key: a page that stops
    before its foot would otherwise lose it (Streamlit drops the state of widgets not drawn)."""
    st.toggle("Projector mode", value=st.session_state["view.projector"], key="view.projector_switch",
              on_change=_flip)
    # its help as a caption, not a tooltip: a tooltip is one more Tab stop before every page's content
    st.caption("Larger text, darker captions and thicker chart lines, for a projector (or `?projector=1` "
               "at the end of a link).")
