"""Helpers for AppTest page tests."""
from __future__ import annotations

from typing import Any


def derived(at, name: str) -> Any | None:
    """What a page computed from the shown model and the session keeps (session/per_model.py),
    or None when nothing of that name is kept."""
    kept = at.session_state["model.derived"].get(name)
    return None if kept is None else kept[2]


def answer(at, key: str, choice: int):
    """Answer question `key` (ui/questions.py) with choice number `choice` as a student does: pick
    it, then press "Check my answer". Returns the verdict shown ("Right: …" or "Not quite: …")."""
    radio = next(r for r in at.radio if r.key.startswith(key + ".") and not r.key.endswith(".done"))
    before = {m.value for m in [*at.success, *at.error]}
    radio.set_value(choice).run()
    check = next(b for b in at.button if b.key == radio.key + ".check")
    check.click().run()
    shown = [m.value for m in [*at.success, *at.error] if m.value.startswith(("Right", "Not quite"))
             and m.value not in before]
    assert len(shown) == 1, shown
    return shown[0]


def rendered_keys(at) -> set[str]:
    """The user keys of everything on the page now: widgets, keyed elements and keyed containers
    (each becomes the CSS class st-key-KEY in the browser)."""
    return {key for node in at._tree for key in [getattr(node, "key", None)] if key}
