"""What each session holds, by part, and the parts it gives back when the server is short of memory.

The server's budget (server/budget.py) calls these for every session, from its own thread, on
Streamlit's SessionState of that session (not `st.session_state`, which is the running script's):

    measure(session, sizer)  bytes by part, each buffer once, in this order (a buffer two parts
                             share counts for the first): model (the shown one), trainer (the run),
                             snapshots, undo, runs (kept runs' weights), caches (session/per_model.py),
                             uploads (files in Streamlit's upload manager), media (its pictures and
                             downloads in Streamlit's media storage), other (everything else
                             the session's state and its widgets' callbacks reach: Streamlit 1.67
                             keeps a widget's callbacks, and the page globals they capture, until
                             its key is used again)
    STEPS                    what can be given back, in the order the budget uses them: the undo
                             history, the kept runs' final weights, the per-model caches. Each step
                             replaces the key's value (never adds a key: another thread may be
                             reading the dict) and leaves a note for the student where something
                             they could see went (the caches are computed again when next shown).

The notes wait in NOTES_KEY until the session's next full run shows them (views/shell/capacity.py).
Leaves out: the budget's numbers and when to give back (server/budget.py).
"""
from __future__ import annotations

import dataclasses
import threading
from typing import Any, Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from server import budget
from server.budget import MB, Parts, Refusal
from server.sizes import Sizer

NOTES_KEY = "memory.notes"
MISSING = object()
ORDER = [("model", ("model.current", "model.info")), ("trainer", ("train.trainer", "train.run")),
         ("snapshots", ("model.snapshots",)), ("undo", ("model.undo",)), ("runs", ("runs.kept",)),
         ("caches", ("model.derived",))]
UNDO_NOTE = ("To keep this server within its memory, the undo history of your gradient steps on Backprop "
             "({n} press{es}) was let go, with the before → after view of the last press. The model every page "
             "shows is unchanged; Undo works again from your next press.")
RUNS_NOTE = ("To keep this server within its memory, the final weights of {n} of your kept runs ({names}) were let "
             "go. Compare still shows their curves and settings; to put their answers side by side or show one "
             "everywhere again, train it again.")


# ------------------------------------------------------------------ this session asks for memory
def _sid() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def admit(cost: int, what: str) -> Refusal | None:
    """In this session's script: None if `cost` bytes fit in the server's budget (others may give
    memory back first), else why not. Always None without a budget (AppTest, a developer's machine)."""
    b = budget.current()
    return b.admit(cost, _sid(), what) if b is not None else None


def reserve(nbytes: int) -> None:
    """This session's run will allocate `nbytes` on top of what it holds, until `release`."""
    b = budget.current()
    if b is not None:
        b.reserve(_sid(), nbytes)


def release() -> None:
    b = budget.current()
    if b is not None:
        b.release(_sid())


def refused(r: Refusal, outcome: str, instead: str = "") -> str:
    """The plain message for a refusal: what did not happen, why, and what the student can do."""
    free = f"{r.room / MB:.0f} MB are free" if r.room >= MB else "none is free"
    again = "Try again in a few minutes, when others have finished."
    return (f"This server is short of memory right now ({r.sessions} session{'s' if r.sessions != 1 else ''} "
            f"share it), so {outcome}: it needs about {r.cost_mb} MB and {free}. "
            + (f"{instead} Or t{again[1:]}" if instead else again))


# ------------------------------------------------------------------ reading another session's state
def _state(session) -> Any:
    return session.session_state  # AppSession -> its SessionState


def get(session, key: str, default: Any = None) -> Any:
    ss = _state(session)
    for d in (ss._new_session_state, ss._old_state):
        value = d.get(key, MISSING)
        if value is not MISSING:
            return value
    return default


def _lock(session):
    runner = getattr(session, "_scriptrunner", None)
    safe = getattr(runner, "_session_state", None)
    return getattr(safe, "_lock", None) or threading.RLock()


BUSY = 0.2  # s: how long giving back waits for another session's state before passing it by


def replace(session, key: str, value: Any, note_text: str = "") -> bool:
    """Set an existing key of another session's state (and leave it a note), under its script's
    lock; False if the key is absent or the session is busy. Busy means its script holds the lock
    (Streamlit holds it while a widget's callback runs), and that callback may itself be waiting
    for the budget this thread is giving back for: waiting on it would deadlock both sessions
    (seen with 30 students pressing Start together). A busy session is in use anyway, not the
    least recently used: it is passed by, and gives back another time."""
    ss, lock = _state(session), _lock(session)
    if not lock.acquire(timeout=BUSY):
        return False
    try:
        for d in (ss._new_session_state, ss._old_state):
            if key in d:
                d[key] = value  # same size: a reader iterating the dict is not disturbed
                if note_text:
                    _add_note(ss, note_text)
                return True
        return False
    finally:
        lock.release()


def _add_note(ss, text: str) -> None:
    for d in (ss._new_session_state, ss._old_state):
        notes = d.get(NOTES_KEY, MISSING)
        if isinstance(notes, list):
            if text not in notes:
                d[NOTES_KEY] = notes + [text]
            return


def take_notes() -> list[str]:
    """This session's notes (in its own script run), emptied: each is shown once."""
    notes = list(st.session_state.get(NOTES_KEY) or [])
    if notes:
        st.session_state[NOTES_KEY] = []
    return notes


# ------------------------------------------------------------------ what a session holds
def _everything(session) -> list:
    """Every value the session's state reaches directly, and its widgets' metadata (callbacks)."""
    ss = _state(session)
    ws = ss._new_widget_state
    return [list(ss._new_session_state.values()), list(ss._old_state.values()),
            list(ws.states.values()), list(ws.widget_metadata.values())]


def upload_bytes(session) -> int:
    """Files of this session in Streamlit's upload manager."""
    try:
        from streamlit.runtime import Runtime
        files = getattr(Runtime.instance().uploaded_file_mgr, "file_storage", {}).get(session.id, {})
        return sum(len(f.data) for f in list(files.values()))
    except Exception:  # no runtime (tests): nothing uploaded
        return 0


def media_bytes(session) -> int:
    """Pictures and downloads of this session's last run in Streamlit's media storage (private API)."""
    try:
        from streamlit.runtime import Runtime
        mgr = Runtime.instance().media_file_mgr
        ids = list(getattr(mgr, "_files_by_session_and_coord", {}).get(session.id, {}).values())
        files = getattr(mgr._storage, "_files_by_id", {})
        return sum(len(files[i].content) for i in ids if i in files)
    except Exception:  # no runtime, or another storage
        return 0


def measure(session, sizer: Sizer) -> Parts:
    parts = {name: sizer.held(*[get(session, k) for k in keys]) for name, keys in ORDER}
    parts["uploads"] = upload_bytes(session)
    parts["media"] = media_bytes(session)
    parts["other"] = sizer.held(*_everything(session))
    return Parts(parts)


def _others_marked(session, new_sizer: Callable[[], Sizer], but: str) -> Sizer:
    """A walk that has already counted every part but `but` (and what the process shares)."""
    sizer = new_sizer()
    for name, keys in ORDER:
        if name != but:
            sizer.mark(*[get(session, k) for k in keys])
    mine = {k for name, keys in ORDER if name == but for k in keys}
    ss = _state(session)
    sizer.mark([v for k, v in {**ss._old_state, **ss._new_session_state}.items() if k not in mine],
               list(ss._new_widget_state.states.values()), list(ss._new_widget_state.widget_metadata.values()))
    return sizer


# ------------------------------------------------------------------ giving back, in order
def give_undo(session, new_sizer: Callable[[], Sizer]) -> int:
    undo = get(session, "model.undo")
    if not isinstance(undo, list) or not undo:
        return 0
    n = _others_marked(session, new_sizer, "undo").held(undo)
    return n if replace(session, "model.undo", [], UNDO_NOTE.format(n=len(undo), es="" if len(undo) == 1 else "es")) else 0


def give_runs(session, new_sizer: Callable[[], Sizer]) -> int:
    kept, shown = get(session, "runs.kept"), get(session, "model.current")
    if not isinstance(kept, list):
        return 0
    going = [r for r in kept if getattr(r, "model", None) is not None and r.model is not shown]
    if not going:
        return 0
    n = _others_marked(session, new_sizer, "runs").held([r.model for r in going])
    names = ", ".join(f"“{r.name}”" for r in going[:3]) + (" and more" if len(going) > 3 else "")
    kept_now = [dataclasses.replace(r, model=None) if r in going else r for r in kept]
    return n if replace(session, "runs.kept", kept_now, RUNS_NOTE.format(n=len(going), names=names)) else 0


def give_caches(session, new_sizer: Callable[[], Sizer]) -> int:
    derived = get(session, "model.derived")
    if not isinstance(derived, dict) or not derived:
        return 0
    n = _others_marked(session, new_sizer, "caches").held(derived)
    return n if replace(session, "model.derived", {}) else 0  # computed again when next needed: no note


STEPS = [("undo", give_undo), ("runs", give_runs), ("caches", give_caches)]
