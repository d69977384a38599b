"""Memory back after sessions close: a slow timer that ends expired sessions and collects.

With `runner.postScriptGC = false` (the training thread's time, .streamlit/config.toml)
nothing runs Python's full collection after a script run, and a closed session is cyclic
garbage (its script's globals, widget callbacks, the session state holding its model and
caches all refer to one another): Python's generational collector reaches the oldest
generation only after many new allocations, so on a quiet server that garbage stays.
Measured before issue 21: 314 MB of a closed session's uploads still held 13 minutes later.
Also, Streamlit keeps a disconnected session for server.disconnectedSessionTTL (120 s) so
a phone can reconnect, then drops it from a TTL cache without ending it (its uploaded files
stay in the upload manager) and only when something next writes to that cache.

Every SWEEP seconds a daemon thread (started once per process, `start`) asks the server's
event loop to expire the disconnected sessions whose time is up and end them (AppSession.
shutdown: uploads, media, session caches), forgets what server/uploads.py knew of sessions
that are gone, and when any session went away since the last sweep runs gc.collect() and
returns the freed heap to the OS (memory.release). A collection takes ~0.1-0.3 s with the
GIL held, so it runs only when sessions have gone, at most once per sweep. `last` holds the
latest sweep's figures (tests and benchmarks read them). Leaves out: the live sessions'
memory (issue 20's budget).
"""
from __future__ import annotations

import gc
import logging
import threading
import time

from server import admission, memory, uploads

log = logging.getLogger(__name__)

SWEEP = 10.0  # s between sweeps

_started = threading.Lock()
_thread: threading.Thread | None = None
last: dict = {}


def _runtime():
    from streamlit.runtime import Runtime
    return Runtime.instance()


def _expire_on_loop(rt) -> list[str]:
    """On the server's event loop: end disconnected sessions whose reconnect time is up."""
    mgr = rt._session_mgr
    storage = getattr(getattr(mgr, "_session_storage", None), "_cache", None)
    ended = []
    if storage is None or not hasattr(storage, "expire"):
        return ended
    with getattr(mgr, "_storage_lock", threading.Lock()):
        expired = storage.expire()
    for sid, info in expired:
        try:
            info.session.shutdown()
        except Exception:  # one session that cannot end must not stop the others
            log.warning("could not end expired session %s", str(sid)[:8], exc_info=True)
        ended.append(sid)
    return ended


def sweep_once(rt, known: set[str]) -> set[str]:
    """One sweep; returns the session ids alive now."""
    loop = rt._get_async_objs().eventloop
    done = threading.Event()
    box: list = []

    def on_loop():
        try:
            box.append(_expire_on_loop(rt))
        finally:
            done.set()
    loop.call_soon_threadsafe(on_loop)
    done.wait(30)
    alive = {info.session.id for info in rt._session_mgr.list_sessions()}
    manager = rt.uploaded_file_mgr
    for sid in set(getattr(manager, "file_storage", {})) - alive:  # files of sessions that are gone
        manager.remove_session_files(sid)
    guard = uploads.guard()
    for sid in (guard.sessions() if guard else set()) - alive:
        uploads.forget(sid)
    m = admission.monitor()
    if m is not None:
        m.forget(alive)
    gone = known - alive
    if gone:
        t0 = time.monotonic()
        found = gc.collect()
        memory.release()
        last.update(gone=len(gone), collected=found, seconds=time.monotonic() - t0, alive=len(alive))
        log.info("%d session(s) gone: gc found %d objects in %.2f s; %d alive", len(gone), found,
                 last["seconds"], len(alive))
    return alive


def _run() -> None:
    known: set[str] = set()
    while True:
        time.sleep(SWEEP)
        try:
            rt = _runtime()
        except RuntimeError:  # the server has stopped
            return
        try:
            known = sweep_once(rt, known)
        except Exception:  # a sweep that fails is tried again next time
            log.warning("session sweep failed", exc_info=True)


def start() -> bool:
    """Start the sweeper once per server process (False outside a running server)."""
    global _thread
    if _thread is not None:
        return True
    with _started:
        if _thread is None:
            try:
                _runtime()
            except Exception:  # AppTest, scripts: no server, nothing to sweep
                return False
            _thread = threading.Thread(target=_run, name="session-sweeper", daemon=True)
            _thread.start()
    return True
