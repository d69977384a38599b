"""Widget values a script may have sent, checked before they are used.

A person's browser sends only values its widgets offer; a script speaking Streamlit's
protocol can send any value of any type for any widget. Measured on Streamlit 1.67:
a selectbox, select slider, segmented control, radio or slider given a value it does not
offer shows its default, and a multiselect drops entries it does not offer, but
- an `on_change`/`on_select` callback runs first and sees the raw value (the preset
  menu's callback raised KeyError on a preset that does not exist), and
- a value of another type (text for a slider) raises inside Streamlit: a traceback.
So: `sweep()` (app.py, each run, before any page code) reads every keyed widget's value
and forgets one that cannot be read, which puts that widget back to its default;
`guarded(callback)` turns a callback's failure on such a value into a note; `keep_valid`
checks a value the page itself must trust (a multiselect's entries) before its widget is
drawn. Each leaves one plain note for the person: above the widget (`keep_valid`), or at
the top of the page (`note`, shown by `show_note`).
The size of what may be sent at all is Streamlit's `server.maxWidgetStateSize`
(.streamlit/config.toml). Leaves out: what each page does with a valid value.
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Callable

import streamlit as st

log = logging.getLogger(__name__)
NOTE_KEY = "widgets.note"
NOTE = ("This page received a setting that none of its controls can hold (not from this page, or changed on "
        "the way), so that control is back at its default. Nothing else changed.")


def note() -> None:
    st.session_state[NOTE_KEY] = NOTE


def show_note() -> None:
    """The note, once, where the page starts."""
    if st.session_state.get(NOTE_KEY):
        st.warning(st.session_state.pop(NOTE_KEY), icon=":material/block:")


def sweep() -> None:
    """Forget every keyed widget value that cannot be read (a value of another type than its widget's)."""
    for key in list(st.session_state.keys()):
        try:
            st.session_state[key]
        except Exception:  # Streamlit's own deserialiser refused it
            log.warning("a widget value for %r could not be read; the widget is back at its default", str(key)[:80])
            try:
                del st.session_state[key]
            except Exception:
                pass
            note()


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
        st.warning(NOTE, icon=":material/block:")  # here, above the widget it is about
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
