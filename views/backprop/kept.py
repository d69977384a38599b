"""Widget values the lesson's two pages share (the update rule, α, λ, the path's pixel, unit and
digit), kept while the student moves between them.

Streamlit forgets a widget's value once a run goes by without it (another page), so each such
widget is drawn with `restore(key, name)` before it and `keep(name, value)` after it: the value
lives under `name` in the page's own store "backprop.kept" and comes back the next time either
page draws its widget. The two pages' widgets have keys of their own ("backprop.lr" and
"backprop.deeper.lr"): a widget never starts from another page's stale state.
Leaves out: widgets only one page has (they keep their values as widgets do).
"""
from __future__ import annotations

from typing import Any

import streamlit as st

STORE = "backprop.kept"


def restore(key: str, name: str, default: Any = None) -> None:
    """Before the widget `key` is drawn: give it the value kept under `name` (or `default` the first time)."""
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(STORE, {}).get(name, default)


def keep(name: str, value: Any) -> None:
    """After a widget is drawn: remember its value under `name` for the other page."""
    kept = dict(st.session_state.get(STORE, {}))
    if kept.get(name, object()) != value:
        kept[name] = value
        st.session_state[STORE] = kept


def get(name: str, default: Any = None, key: str | None = None) -> Any:
    """A kept value, whichever page set it: the widget `key`'s own value first, while it is alive
    (it is newer than the store at the start of a run that changed it)."""
    if key is not None and key in st.session_state:
        return st.session_state[key]
    return st.session_state.get(STORE, {}).get(name, default)
