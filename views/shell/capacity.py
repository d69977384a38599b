"""What the server tells a session about itself: the class is full, memory was given back, the
connection came back to a fresh session.

`gate()` runs first in app.py: a new session that arrives while the server is behind (or its
memory is full: server/admission.py) gets only the "full" page, with a button and a timer that
try again; it costs the server one short run. `notes()` shows, once, at the top of a full run,
what session/holdings.py took back from this session and, after a reconnect to a server that
did not have the session any more (server/reconnects.py), that this session is a fresh one.
Leaves out: when the server is full or short of memory (server/admission.py, server/budget.py).
"""
from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from server import admission, budget, reconnects
from session import holdings

FULL_TITLE = "This class is full right now; try again in a minute"
FULL_TEXT = ("So many students are using this server that a new visitor would slow everyone down, so it is not "
             "letting anyone new in for the moment. This page tries again by itself every {every} seconds, or "
             "press Try again. Your teacher can also open another copy of the app.")
RETRY_SECONDS = 30
FRESH = ("The connection to the server was lost, and the server you are on now did not have your session (the one "
         "you were on may have stopped). This is a fresh session: drawings, runs and uploads from before are gone; "
         "a class link you opened still applies.")


def _session_id() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def _why_full() -> str:
    m, sid = admission.monitor(), _session_id()
    if m is None or sid is None or sid in m.admitted:  # AppTest, scripts: no server to fill; or already in
        return ""
    return m.admit(sid, _room())


def _room() -> int | None:
    """Memory a new session could use, after others gave back what they can (None: no budget).
    A new session needs little; only a server already eating into its work reserve is full."""
    b = budget.current()
    if b is None or b.total is None:
        return None
    room = b.room()
    if room < 0:
        b.relieve(-room + budget.SLACK, "a new session")
        room = b.room()
    return room + b.work // 2


def gate() -> None:
    """A new session while the server is full: the "full" page and nothing else (st.stop)."""
    why = _why_full()
    if not why:
        return
    st.title(FULL_TITLE)
    st.info(FULL_TEXT.format(every=RETRY_SECONDS), icon=":material/groups:")
    st.caption(f"For the teacher: {why}.")
    st.button("Try again", type="primary", icon=":material/refresh:", key="capacity.retry")

    @st.fragment(run_every=RETRY_SECONDS)
    def retry() -> None:
        if not _why_full():
            st.rerun(scope="app")
    retry()
    st.stop()


def notes() -> None:
    """Once, where the page starts: a fresh session after a reconnect; memory given back."""
    sid = _session_id()
    if sid is not None and reconnects.came_back(sid):
        st.warning(FRESH, icon=":material/sync_problem:")
    for text in holdings.take_notes():
        st.info(text, icon=":material/memory:")
