"""Sessions that came back to a server that no longer had them.

When its connection drops, Streamlit's frontend reconnects and names the session it had (the
third entry of the websocket's subprotocols). A server that still keeps that session (a closed
tab's is kept for server.disconnectedSessionTTL) gives it back whole; one that does not (the copy
it was on stopped and the proxy sent the browser to another, or the session expired) starts a
fresh one. `install()` wraps the session manager's connect_session (private API of Streamlit
1.67) to remember those fresh sessions, so the app can say so once (`came_back`): "this is a
fresh session", and the class link in the address still applies.
Leaves out: the wording (views/shell/capacity.py), the proxy (deploy/).
"""
from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)

_fresh: dict[str, str] = {}  # new session id -> the id the browser asked for
_lock = threading.Lock()
_installed = False


def came_back(session_id: str) -> bool:
    """True once for a session the browser reconnected to a server that did not have its old one."""
    with _lock:
        return _fresh.pop(session_id, None) is not None


def install() -> bool:
    global _installed
    with _lock:
        if _installed:
            return True
        try:
            from streamlit.runtime import Runtime
            mgr = Runtime.instance()._session_mgr
        except Exception:  # no server
            return False
        original = mgr.connect_session

        def connect_session(*args, existing_session_id=None, **kwargs):
            sid = original(*args, existing_session_id=existing_session_id, **kwargs)
            if existing_session_id and sid != existing_session_id:
                log.info("a browser asked for session %s, which this server does not have: session %s is new",
                         existing_session_id[:8], sid[:8])
                with _lock:
                    _fresh[sid] = existing_session_id
                    while len(_fresh) > 1000:  # never shown (the tab closed at once): bounded anyway
                        _fresh.pop(next(iter(_fresh)))
            return sid

        mgr.connect_session = connect_session
        _installed = True
    return True
