"""A full class gets a clear answer: new sessions are turned away while the server is behind.

Two clocks say how far behind the server is, both measured in this process:

    loop   how late Streamlit's event loop runs a callback it scheduled (every PERIOD s): it sends
           every session's messages, so when it is late, everyone waits
    runs   how long script runs wait for the CPU: wall time minus the thread's own CPU time, of
           the runs that ended in the last WINDOW seconds and of those still going (a run that
           waits for Python's lock or a core behind thirty others is behind by that much)

`behind()` is the larger of the two (the loop's 90th percentile, the runs' 75th, over WINDOW s).
While it is over the deployer's `full_lag_ms`, or the memory budget has no room left, a *new*
session is told "This class is full right now; try again in a minute" (views/shell/capacity.py)
instead of adding its first page to the work; sessions already in keep their speed. Each
session is decided once, at its first run (`admit`); one turned away may try again.
This reaches into Streamlit 1.67's AppSession (private API, hooked once per process).
Leaves out: memory (budget.py), the wording (views/shell/capacity.py).
"""
from __future__ import annotations

import collections
import logging
import threading
import time

log = logging.getLogger(__name__)

PERIOD = 0.1    # s between the event loop's probes
WINDOW = 5.0    # s of history behind each figure
MIN_RUNS = 3    # the runs' figure needs this many runs in the window


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


class Monitor:
    def __init__(self, limit_s: float, clock=time.monotonic):
        self.limit_s, self.clock = limit_s, clock
        self._loop_lags: collections.deque = collections.deque()  # (when, lag s)
        self._run_waits: collections.deque = collections.deque()  # (when, wait s)
        self._running: dict[int, tuple[float, float, int]] = {}   # thread -> (wall at start, cpu at start, cpu clock id)
        self._lock = threading.Lock()
        self.admitted: set[str] = set()
        self.refused = 0
        self.last_reason = ""

    # -------------------------------------------------- the event loop's clock
    def start_loop_probe(self, loop) -> None:
        def probe(expected: float) -> None:
            now = loop.time()
            self._add(self._loop_lags, max(0.0, now - expected))
            loop.call_later(PERIOD, probe, loop.time() + PERIOD)
        loop.call_soon_threadsafe(lambda: loop.call_later(PERIOD, probe, loop.time() + PERIOD))

    # -------------------------------------------------- the script threads' clock
    def run_started(self) -> None:
        """In the script thread, as a run starts."""
        tid = threading.get_ident()
        try:
            clock_id = time.pthread_getcpuclockid(tid)
        except (AttributeError, OSError):
            return
        self._running[tid] = (self.clock(), time.clock_gettime(clock_id), clock_id)

    def run_ended(self) -> None:
        """In the script thread, as a run ends (finished, stopped, or replaced by a newer one)."""
        start = self._running.pop(threading.get_ident(), None)
        if start is not None:
            self._add(self._run_waits, self._wait(start))

    def _wait(self, start) -> float:
        wall0, cpu0, clock_id = start
        try:
            cpu = time.clock_gettime(clock_id) - cpu0
        except OSError:  # the thread has ended
            return 0.0
        return max(0.0, self.clock() - wall0 - cpu)

    def _add(self, q: collections.deque, value: float) -> None:
        now = self.clock()
        with self._lock:
            q.append((now, value))
            while q and now - q[0][0] > WINDOW:
                q.popleft()

    # -------------------------------------------------- the figures
    def behind(self) -> tuple[float, float]:
        """(event loop, script runs): seconds behind, over the last WINDOW seconds."""
        now = self.clock()
        with self._lock:
            loop = [v for t, v in self._loop_lags if now - t <= WINDOW]
            runs = [v for t, v in self._run_waits if now - t <= WINDOW]
        runs += [self._wait(s) for s in list(self._running.values())]
        return _quantile(loop, 0.9), (_quantile(runs, 0.75) if len(runs) >= MIN_RUNS else 0.0)

    def full(self, room: int | None = None) -> str:
        """Why a new session would be turned away now ("" if it would not)."""
        loop, runs = self.behind()
        if loop > self.limit_s:
            return f"the server's event loop is {loop:.1f} s behind"
        if runs > self.limit_s:
            return f"pages wait {runs:.1f} s for the processor"
        if room is not None and room < 0:
            return f"the server's memory is full ({-room / 2**20:.0f} MB over)"
        return ""

    def admit(self, session_id: str, room: int | None = None) -> str:
        """Decide once per session: "" (in), or why it was turned away (it may ask again)."""
        if session_id in self.admitted:
            return ""
        why = self.full(room)
        if why:
            self.refused += 1
            if why != self.last_reason:
                log.warning("class full: a new session was turned away: %s", why)
            self.last_reason = why
            return why
        self.admitted.add(session_id)
        self.last_reason = ""
        return ""

    def forget(self, alive: set[str]) -> None:
        self.admitted &= alive

    def figures(self) -> dict:
        loop, runs = self.behind()
        return {"loop_ms": loop * 1000, "runs_ms": runs * 1000, "admitted": len(self.admitted),
                "refused": self.refused}


_monitor: Monitor | None = None
_install_lock = threading.Lock()


def monitor() -> Monitor | None:
    return _monitor


def install(limit_ms: int) -> Monitor | None:
    """Once per server process: the two clocks. None outside a running server."""
    global _monitor
    with _install_lock:
        if _monitor is not None:
            return _monitor
        try:
            from streamlit.runtime import Runtime
            loop = Runtime.instance()._get_async_objs().eventloop
        except Exception:  # AppTest, scripts: no server
            return None
        m = Monitor(limit_ms / 1000)
        m.start_loop_probe(loop)
        _hook_runs(m)
        _monitor = m
    return _monitor


def _hook_runs(m: Monitor) -> None:
    """AppSession._on_scriptrunner_event runs in the script thread as a run starts and stops."""
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.scriptrunner import ScriptRunnerEvent
    original = AppSession._on_scriptrunner_event
    stopped = {ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS, ScriptRunnerEvent.SCRIPT_STOPPED_WITH_COMPILE_ERROR,
               ScriptRunnerEvent.SCRIPT_STOPPED_FOR_RERUN, ScriptRunnerEvent.FRAGMENT_STOPPED_WITH_SUCCESS}

    def on_event(self, sender, event, *args, **kwargs):
        try:
            if event == ScriptRunnerEvent.SCRIPT_STARTED:
                m.run_started()
            elif event in stopped:
                m.run_ended()
        except Exception:  # the clock must never break a run
            log.debug("admission clock failed", exc_info=True)
        return original(self, sender, event, *args, **kwargs)

    if not getattr(original, "_admission_hook", False):
        on_event._admission_hook = True
        AppSession._on_scriptrunner_event = on_event
