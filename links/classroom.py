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
.streamlit/classroom_key next to the app (NN_CLASSROOM_KEY_FILE names another file), made on
first use. It is chosen once per process under a lock, and a new key file is written whole
to a temporary file first, then linked into place (atomic: two sessions, or two server
processes, starting together all end up with the one key on disk; measured before issue 21:
six sessions opening Train on a fresh server signed with an EMPTY key in 3 of 6 rounds, the
file being created but not yet written). A key shorter than MIN_KEY characters (an empty
file, a short secret) is refused with a log line; the log says where the key came from.
A deployment whose files do not persist (Community Cloud) should set the secret, or links
stop working when it restarts.

Every link carries an expiry (the teacher picks it in the share panel; a term by default,
at most a year); an expired link gets its own note and the app without the class settings.

A class link's token also names the class for the class poll (`class_id`: a hash of the
token, so every student who opens the same link is in the same class, and no name is ever
asked). The teacher's own link, `/class?teacher=…`, carries the class link's token and a
second tag made with the same key over "teacher" and that token (`teacher_token`): it opens
the teacher's view of that class's answers (views/teacher/); a token edited anywhere, or
the class link's token with its own tag, opens nothing (`read_teacher`).
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
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import streamlit as st

from links.controls import controls
from links.query import REGISTRY, LinkKey, Refused, register
from nn_core import PRESETS
from server import resources
from ui.plaintext import quote

log = logging.getLogger(__name__)
if not log.handlers:  # the deployer must see where the key came from (Streamlit configures only its own loggers)
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False

MAX_TOKEN = 1500        # characters: a dozen settings fit in ~400; anything longer is refused unread
TAG_BYTES = 12          # HMAC-SHA256, truncated: 96 bits
MIN_KEY = 32            # characters of a key (a made one has 64 hex digits: 256 bits)
KEY_FILE = Path(__file__).resolve().parent.parent / ".streamlit" / "classroom_key"
DAY = 24 * 3600
EXPIRY_DAYS = {"a day": 1, "a week": 7, "a month": 31, "a term": 16 * 7, "a year": 365}  # the share panel's choices
DEFAULT_EXPIRY = "a term"
MAX_DAYS = 366

_key_lock = threading.Lock()
_key_made: list[bytes] = []  # the process's key, once chosen


def _key() -> bytes:
    """The process's signing key: chosen once, under a lock, never empty or short."""
    if _key_made:
        return _key_made[0]
    with _key_lock:
        if not _key_made:
            _key_made.append(_choose_key())
        return _key_made[0]


def _usable(key: object, where: str) -> bytes | None:
    text = str(key).strip() if key is not None else ""
    if not text:
        return None
    if len(text) < MIN_KEY:
        log.warning("class-link key in %s refused: %d characters, at least %d needed", where, len(text), MIN_KEY)
        return None
    return text.encode()


def _choose_key() -> bytes:
    key = _usable(os.environ.get("NN_CLASSROOM_KEY"), "NN_CLASSROOM_KEY")
    if key:
        log.info("class-link key: from the environment (NN_CLASSROOM_KEY)")
        return key
    try:
        secret = st.secrets.get("classroom_key")
    except Exception:  # no secrets file, or one that does not parse
        secret = None
    key = _usable(secret, "the secret classroom_key")
    if key:
        log.info("class-link key: from Streamlit secrets (classroom_key)")
        return key
    path = Path(os.environ.get("NN_CLASSROOM_KEY_FILE") or KEY_FILE)
    try:
        return _key_file(path)
    except OSError as e:
        log.warning("class-link key: cannot keep one in %s (%s); a random key for this process only: "
                    "class links stop working when the server restarts", path, e.strerror or e)
        return secrets.token_hex(32).encode()


def _key_file(path: Path) -> bytes:
    """The key in `path`, or a new one written there atomically (temporary file, then link or rename)."""
    if path.exists():
        key = _usable(path.read_bytes().decode("ascii", "replace"), str(path))
        if key:
            log.info("class-link key: from %s", path)
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".classroom_key.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(key)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():  # empty or short: replaced whole
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if another process made one meanwhile: then that one is the key
            except FileExistsError:
                other = _usable(path.read_bytes().decode("ascii", "replace"), str(path))
                if other:
                    log.info("class-link key: from %s (made by another process just now)", path)
                    return other
                os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    log.info("class-link key: made now and kept in %s", path)
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _tag(body: str) -> str:
    return _b64(hmac.new(_key(), body.encode(), hashlib.sha256).digest()[:TAG_BYTES])


def expiry(days: int, now: float | None = None) -> int:
    """The end (UTC, seconds since 1970) of the day `days` days from now: a link made twice
    the same day is the same link."""
    now = time.time() if now is None else now
    return (int(now) // DAY + int(days) + 1) * DAY - 1


def expiry_text(expires: int) -> str:
    return datetime.fromtimestamp(expires, timezone.utc).strftime("%-d %B %Y")


def make_token(preset: str, fixed: dict[str, str], projector: bool, expires: int | None = None) -> str:
    """The lesson token: preset, fixed settings (link key -> link text), projector mode and
    when it expires (default: a term from today); signed."""
    expires = expiry(EXPIRY_DAYS[DEFAULT_EXPIRY]) if expires is None else int(expires)
    body = _b64(json.dumps({"preset": preset, "fixed": fixed, "projector": bool(projector), "expires": expires},
                           separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_tag(body)}"


def class_id(token: str) -> str:
    """The class a (valid) class-link token names: 16 hex digits of its SHA-256, for the poll."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def _teacher_tag(token: str) -> str:
    return _b64(hmac.new(_key(), b"teacher\x1f" + token.encode(), hashlib.sha256).digest()[:TAG_BYTES])


def teacher_token(token: str) -> str:
    """The teacher's link to the class of class-link token `token`: that token and a teacher tag."""
    return f"{token}.{_teacher_tag(token)}"


def read_teacher(text: str, now: float | None = None) -> tuple[str | None, str | None, str | None]:
    """(class id, the class link's token, None) for a teacher token this server made, else
    (None, None, why not). Never raises."""
    changed = "This teacher link was changed after it was made (or made by another server): it opens no class view."
    if not isinstance(text, str) or len(text) > MAX_TOKEN + 40 or text.count(".") != 2:
        return None, None, changed
    token, tag = text.rsplit(".", 1)
    if not hmac.compare_digest(_teacher_tag(token), tag):
        return None, None, changed
    lesson, why = read_token(token, now)
    if lesson is None:
        return None, None, "This teacher link opens no class view: its class link " + (
            "has expired. Make a new class link (and teacher link) under Share with a class on the Train page."
            if "expired" in why else "is not one this server can read.")
    return class_id(token), token, None


def read_token(token: str, now: float | None = None) -> tuple[dict | None, str | None]:
    """(lesson, None) or (None, why it is not used). A lesson: preset, fixed {widget key: value},
    hidden (the link keys it fixes), projector, expires. Never raises."""
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
            and isinstance(spec.get("projector"), bool) and type(spec.get("expires")) is int):
        return None, "This class link is not one this version of the app understands; its class settings are not used."
    now = time.time() if now is None else now
    if spec["expires"] < now:
        return None, (f"This class link expired on {expiry_text(spec['expires'])}, so its class settings are not "
                      "used. Ask your teacher for a new link.")
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
    return {"preset": spec["preset"], "fixed": fixed, "hidden": sorted(fixed), "projector": spec["projector"],
            "expires": spec["expires"]}, None


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
    st.session_state["class.id"] = class_id(token) if lesson else None
    st.session_state["class.token"] = token if lesson else None
    if lesson and lesson["projector"]:
        st.session_state["view.projector"] = True


def lesson() -> dict | None:
    return st.session_state["class.lesson"]


def this_class() -> str | None:
    """The class this session's link names (for the class poll), or None without a valid class link."""
    return st.session_state["class.id"]


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
