"""Class links: a teacher fixes a preset and some settings, hides their controls, and shares one link.

The Train page's "Share with a class" panel writes a link such as
`/train?lesson=eyJ….Qk3…&projector=1`. Its `lesson` token carries the preset, the settings
it fixes (as the Train page's link texts) and projector mode, and ends in an HMAC tag made
with this server's key, so a student who edits the token (to unhide a setting or change a
fixed one) gets a plain note that the link was changed and the app without the class
settings, never a changed lesson. While a lesson is on, its fixed settings have no widget
and no link key can change them (a `lr=10` added to the link is reported and ignored);
the other settings stay the student's to change.
The key: NN_CLASSROOM_KEY, or `classroom_key` in Streamlit secrets, or a random key kept in
.streamlit/classroom_key next to the app (made on first use). A deployment whose files
do not persist (Community Cloud) should set the secret, or links stop working when it restarts.
Leaves out: projector mode's looks (projector.py), reading the other link keys (links.py).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

import streamlit as st

from links.controls import controls
from links.query import REGISTRY, LinkKey, Refused, register
from nn_core import PRESETS
from server import resources
from ui.plaintext import quote

log = logging.getLogger(__name__)

MAX_TOKEN = 1500        # characters: a dozen settings fit in ~400; anything longer is refused unread
TAG_BYTES = 12          # HMAC-SHA256, truncated: 96 bits
KEY_FILE = Path(__file__).resolve().parent.parent / ".streamlit" / "classroom_key"


@lru_cache(maxsize=1)
def _key() -> bytes:
    env = os.environ.get("NN_CLASSROOM_KEY")
    if env:
        return env.encode()
    try:
        secret = st.secrets.get("classroom_key")
    except Exception:  # no secrets file, or one that does not parse
        secret = None
    if secret:
        return str(secret).encode()
    try:
        if KEY_FILE.exists():
            return KEY_FILE.read_bytes().strip()
        KEY_FILE.parent.mkdir(exist_ok=True)
        key = secrets.token_hex(32).encode()
        fd = os.open(KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
        return key
    except OSError:
        log.warning("cannot keep a classroom key in %s; class links last until the server restarts", KEY_FILE)
        return secrets.token_hex(32).encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _tag(body: str) -> str:
    return _b64(hmac.new(_key(), body.encode(), hashlib.sha256).digest()[:TAG_BYTES])


def make_token(preset: str, fixed: dict[str, str], projector: bool) -> str:
    """The lesson token: preset, fixed settings (link key -> link text), projector mode; signed."""
    body = _b64(json.dumps({"preset": preset, "fixed": fixed, "projector": bool(projector)},
                           separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_tag(body)}"


def read_token(token: str) -> tuple[dict | None, str | None]:
    """(lesson, None) or (None, why it is not used). A lesson: preset, fixed {widget key: value},
    hidden (the link keys it fixes), projector. Never raises."""
    changed = "This class link was changed after it was made (or made by another server)"
    if not isinstance(token, str) or len(token) > MAX_TOKEN or token.count(".") != 1:
        return None, f"{changed}, so its class settings are not used."
    body, tag = token.split(".")
    if not hmac.compare_digest(_tag(body), tag):
        return None, f"{changed}, so its class settings are not used."
    try:
        spec = json.loads(_unb64(body))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None, f"{changed}, so its class settings are not used."
    if not (isinstance(spec, dict) and spec.get("preset") in PRESETS and isinstance(spec.get("fixed"), dict)
            and isinstance(spec.get("projector"), bool)):
        return None, "This class link is not one this version of the app understands; its class settings are not used."
    limits = resources.limits()
    keys = {c.key for c in controls(limits)}
    fixed: dict[str, Any] = {}
    for key, text in spec["fixed"].items():
        if key not in keys or not isinstance(text, str):
            return None, f"This class link fixes {quote(key)}, which this version of the app does not have."
        try:
            value, _ = REGISTRY[key].read(text, limits)  # a cap lowered since: the nearest allowed value
        except Refused as e:
            return None, f"This class link's {key}={quote(text)} {e} on this server; its class settings are not used."
        fixed[key] = value
    return {"preset": spec["preset"], "fixed": fixed, "hidden": sorted(fixed), "projector": spec["projector"]}, None


# ------------------------------------------------------------------ the session's lesson
def read_once() -> None:
    """At a session's first run: the link's lesson (if any) becomes the session's."""
    if st.session_state["class.read"]:
        return
    st.session_state["class.read"] = True
    token = st.query_params.get("lesson")
    if token is None:
        return
    lesson, why = read_token(token)
    st.session_state["class.lesson"] = lesson
    st.session_state["class.note"] = why
    if lesson and lesson["projector"]:
        st.session_state["view.projector"] = True


def lesson() -> dict | None:
    return st.session_state["class.lesson"]


def fixed_values() -> dict[str, Any]:
    """The settings this session's lesson fixes (widget key -> value); {} without a lesson."""
    return lesson()["fixed"] if lesson() else {}


def labels(keys) -> list[str]:
    """The Train page's labels of these settings (link keys), in the page's order."""
    return [c.label.lower() for c in controls(resources.limits()) if c.key in keys]


def link_notes(query: dict[str, list[str]]) -> list[str]:
    """Notes for link keys that try to change a setting the lesson fixes."""
    fixed = fixed_values()
    return [f"The link's {k}={quote(v[-1] if v else '')} is not used: this class link fixes {k}."
            for k, v in query.items() if k in fixed or (k == "preset" and lesson())]


# `lesson` and `projector` are read here and in projector.py; known to the Train page's link reader
register(LinkKey("lesson", lambda text, limits: (text[:MAX_TOKEN], None), lambda v, limits: v))
