"""What a session computes from the shown model, kept until the model changes: one cache.

    value = per_model.get("units.stats", model, lambda: unit_stats(model, ...))
    value = per_model.get("lab.result", model, compute, key=edit)   # one variant kept

Every entry sits in one dict of the session ("model.derived"): name -> (model, key, value).
An entry is returned only for the very model (and key) it was computed for; a new key
replaces the entry of that name, so each name keeps one variant. When the shown model
changes (session/state.py), `drop_all` empties the dict: nothing derived from the old model
keeps it alive, whichever page computed it. There is no list of names to keep up to date.
Entries are recomputable, so a server short of memory may drop them too (session/holdings.py)
and the pages compute them again when next shown; `nbytes` says what they hold. Computing one
takes one of the server's few work slots (server/budget.py `working`), so thirty sessions
opening a page together hold the temporaries of two passes, not thirty.
Leaves out: what is computed (the pages' parts in views/, and session/scores.py).
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

import numpy as np
import streamlit as st

from server import budget

KEY = "model.derived"
T = TypeVar("T")


def _cache() -> dict[str, tuple[Any, Any, Any]]:
    if KEY not in st.session_state:
        st.session_state[KEY] = {}
    return st.session_state[KEY]


def get(name: str, model: Any, compute: Callable[[], T], key: Any = None) -> T:
    """The value named `name` for `model` (and `key`): kept, or computed now and kept."""
    cache = _cache()
    kept = cache.get(name)
    if kept is not None and kept[0] is model and kept[1] == key:
        return kept[2]
    with budget.working():  # a few passes at once in the whole server, however many sessions ask
        value = compute()
    cache[name] = (model, key, value)
    return value


def peek(name: str, model: Any, key: Any = None) -> Any | None:
    """The kept value, or None when there is none for this model and key (nothing is computed)."""
    kept = _cache().get(name)
    return kept[2] if kept is not None and kept[0] is model and kept[1] == key else None


def drop_all(keep_model: Any = None) -> None:
    """Forget every entry (except those computed for `keep_model`)."""
    cache = _cache()
    for name in [n for n, (m, _, _) in cache.items() if m is not keep_model or keep_model is None]:
        del cache[name]


def names() -> list[str]:
    return sorted(_cache())


def nbytes() -> int:
    """Bytes held in NumPy arrays by the entries (found one level into tuples, dicts and objects)."""
    seen: set[int] = set()
    entries = list(_cache().values())

    def size(v: Any, depth: int = 0) -> int:
        if any(v is m for m, _, _ in entries):  # the model itself is the session's, not the cache's
            return 0
        if isinstance(v, np.ndarray):
            if id(v) in seen or v.base is not None and id(v.base) in seen:
                return 0
            seen.add(id(v))
            return v.nbytes
        if depth > 3:
            return 0
        if isinstance(v, dict):
            return sum(size(x, depth + 1) for x in v.values())
        if isinstance(v, (list, tuple)):
            return sum(size(x, depth + 1) for x in v)
        if hasattr(v, "__dict__") and not isinstance(v, type):
            return sum(size(x, depth + 1) for x in vars(v).values())
        return 0

    return sum(size(value) for _, _, value in entries)
