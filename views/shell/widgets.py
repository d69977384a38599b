"""Widget values a script may have sent, checked before the app uses them.

A person's browser sends only values its widgets offer; a script speaking Streamlit's
protocol can send anything. Values of the wrong kind are dropped before Streamlit reads
them (server/widget_values.py). Of the right kind but not offered: Streamlit 1.67 puts a
selectbox, select slider, segmented control, radio or slider back to its default and drops
a multiselect's entries it does not offer, but an `on_change`/`on_select` callback runs
first and sees the raw value (the preset menu's callback raised KeyError on a preset that
does not exist). So `guarded(callback)` turns a callback's failure on such a value into a
note, and `keep_valid` checks a value the page itself must trust (a multiselect's entries)
before its widget is drawn. Each leaves one plain note: above the widget (`keep_valid`) or
at the top of the next full run (`note`, shown by `show_note` in app.py). It lives with the
shell because every page's parts use it and it draws. The size of what
may be sent at all is Streamlit's `server.maxWidgetStateSize` (.streamlit/config.toml).
Leaves out: what each page does with a valid value.
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Callable

import streamlit as st

from server.widget_values import NOTE, NOTE_KEY

log = logging.getLogger(__name__)
RESET_NOTE = ("This page received a setting that this control does not offer (not from this page, or changed on "
              "the way), so it is back at its default. Nothing else changed.")


def note() -> None:
    st.session_state[NOTE_KEY] = NOTE


def show_note() -> None:
    """The note, once, where the page starts."""
    if st.session_state.get(NOTE_KEY):
        st.warning(st.session_state.pop(NOTE_KEY), icon=":material/block:")


def keep_valid(key: str, valid: Callable[[Any], bool], default: Any) -> bool:
    """Before widget `key` is drawn: a value it could not hold is replaced by `default` (the
    browser is told) and noted. True if the value was fine (or there was none)."""
    if key not in st.session_state:
        return True
    try:
        ok = bool(valid(st.session_state[key]))
    except Exception:
        ok = False
    if not ok:
        st.session_state[key] = default
        st.warning(RESET_NOTE, icon=":material/block:")  # here, above the widget it is about
    return ok


def entries_of(options) -> Callable[[Any], bool]:
    """A multiselect's value is valid when it is a list of distinct options (never more than there are)."""
    allowed = set(options)

    def valid(value: Any) -> bool:
        return isinstance(value, list) and len(value) <= len(allowed) and all(v in allowed for v in value) \
            and len(set(value)) == len(value)
    return valid


def guarded(callback: Callable) -> Callable:
    """A widget callback that, on a value no browser would send, leaves a note instead of a traceback."""
    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except (KeyError, ValueError, TypeError, IndexError, AttributeError):
            log.warning("callback %s refused a widget value", getattr(callback, "__name__", "?"), exc_info=True)
            note()
    return run
