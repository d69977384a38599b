"""Files a session may keep on the server: only through the Train page's uploader, and few.

Streamlit keeps every file PUT to /_stcore/upload_file/<session>/<file id> in the server's
memory (its MemoryUploadedFileManager) until the session ends, for any file id the client
makes up, whether or not the page has an uploader. Measured before issue 21: 30 PUTs of
10 MB from a script were all accepted in 2 s, RSS 231 -> 534 MB.

`install()` (once per process, from app.py) wraps the runtime's manager:
- upload URLs (the browser's file_urls_request) are issued only to a session whose page has
  drawn an uploader in the last WINDOW seconds (`allow`, called where the uploader is drawn),
  and only the newest MAX_FILES of them are valid;
- a PUT is kept only for a file id issued to that session and not used yet, while the
  session holds fewer than MAX_FILES files and `max_bytes` in all; anything else is answered
  403 and dropped (Streamlit has read it by then, up to maxUploadSize, and frees it at once);
- a file's name is cleaned of control characters before anything shows it.
The uploader replaces its file (the new one is sent before the old one is deleted), so
MAX_FILES = 2. A file read by the Train page is dropped at once (`drop`). Leaves out: what a file may contain (nn_core/files), closed sessions' files
(server/sweeper.py).
"""
from __future__ import annotations

import logging
import threading
import time
import unicodedata

log = logging.getLogger(__name__)

MAX_FILES = 2        # files one session may hold at once
WINDOW = 15 * 60     # s after the uploader was last drawn that the session may still upload


class Refused(Exception):
    """An upload the app does not take (HTTP 403 where the web server knows HTTPException)."""


def _refusal(why: str) -> Exception:
    try:
        from starlette.exceptions import HTTPException
        return HTTPException(status_code=403, detail=why)
    except ImportError:  # another web server: any exception refuses the upload
        return Refused(why)


def clean_name(name: object, limit: int = 200) -> str:
    """A file name without control characters (NUL, newlines, bidi overrides), one line."""
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in str(name))
    return " ".join(text.split())[:limit] or "unnamed file"


class Guard:
    """Who may upload what; wraps one UploadedFileManager (thread-safe)."""

    def __init__(self, manager, max_bytes: int, clock=time.monotonic):
        self.manager, self.max_bytes, self.clock = manager, max_bytes, clock
        self._lock = threading.Lock()
        self._allowed: dict[str, float] = {}       # session -> when its uploader was last drawn
        self._issued: dict[str, list[str]] = {}    # session -> file ids issued and not yet used, oldest first
        self._get_upload_urls, self._add_file = manager.get_upload_urls, manager.add_file
        self.refused = 0

    # -------------------------------------------------- what the page says
    def allow(self, session_id: str) -> None:
        with self._lock:
            self._allowed[session_id] = self.clock()

    def forget(self, session_id: str) -> None:
        with self._lock:
            self._allowed.pop(session_id, None)
            self._issued.pop(session_id, None)

    def sessions(self) -> set[str]:
        with self._lock:
            return set(self._allowed) | set(self._issued)

    def _may_upload(self, session_id: str) -> bool:
        seen = self._allowed.get(session_id)
        return seen is not None and self.clock() - seen < WINDOW

    # -------------------------------------------------- the manager's two doors
    def get_upload_urls(self, session_id: str, file_names):
        with self._lock:
            if not self._may_upload(session_id):
                log.warning("upload URLs refused: session %s shows no uploader", session_id[:8])
                self.refused += 1
                return []
            names = list(file_names)[:MAX_FILES]
        infos = self._get_upload_urls(session_id, names) if names else []
        with self._lock:  # only the newest MAX_FILES ids stay valid: an upload given up leaves no slot taken
            issued = self._issued.setdefault(session_id, [])
            issued += [i.file_id for i in infos]
            del issued[:-MAX_FILES]
        return infos

    def add_file(self, session_id: str, file) -> None:
        with self._lock:
            issued = self._issued.get(session_id, [])
            held = self.manager.file_storage.get(session_id, {}) if hasattr(self.manager, "file_storage") else {}
            others = [f for fid, f in held.items() if fid != file.file_id]
            why = ("no uploader asked for this file" if file.file_id not in issued or not self._may_upload(session_id)
                   else f"this session already holds {len(others)} files" if len(others) >= MAX_FILES
                   else "too many bytes for one session" if sum(len(f.data) for f in others) + len(file.data)
                   > self.max_bytes else None)
            if why is None:
                issued.remove(file.file_id)
        if why is not None:
            self.refused += 1
            log.warning("upload refused for session %s: %s", session_id[:8], why)
            raise _refusal(why)
        self._add_file(session_id, file._replace(name=clean_name(file.name)))


_guard: Guard | None = None
_lock = threading.Lock()


def install(max_bytes: int) -> Guard | None:
    """Wrap the running server's upload manager (once per process); None outside a server."""
    global _guard
    if _guard is not None:
        return _guard
    with _lock:
        if _guard is None:
            try:
                from streamlit.runtime import Runtime
                manager = Runtime.instance().uploaded_file_mgr
            except Exception:  # no runtime (AppTest, scripts): nothing to guard
                return None
            guard = Guard(manager, max_bytes)
            manager.get_upload_urls, manager.add_file = guard.get_upload_urls, guard.add_file
            _guard = guard
    return _guard


def guard() -> Guard | None:
    return _guard


def allow(session_id: str) -> None:
    """Called where the uploader is drawn: this session may upload for the next WINDOW seconds."""
    if _guard is not None:
        _guard.allow(session_id)


def forget(session_id: str) -> None:
    if _guard is not None:
        _guard.forget(session_id)


def drop(file_id: str) -> None:
    """In a session's script: forget a file it has read (the uploader's value becomes a deleted
    file; the bytes are freed now, not when the session ends)."""
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        ctx = get_script_run_ctx()
        if ctx is not None:
            Runtime.instance().uploaded_file_mgr.remove_file(ctx.session_id, file_id)
    except Exception:  # AppTest, scripts: nothing kept
        log.debug("could not drop upload %s", file_id, exc_info=True)
