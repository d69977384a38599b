"""Helpers for AppTest page tests."""
from __future__ import annotations

from typing import Any


def derived(at, name: str) -> Any | None:
    """What a page computed from the shown model and the session keeps (session/per_model.py),
    or None when nothing of that name is kept."""
    kept = at.session_state["model.derived"].get(name)
    return None if kept is None else kept[2]
