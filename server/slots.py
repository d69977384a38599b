"""The server-wide training slots, and the line of sessions waiting for one.

At most `capacity` sessions train at once (the deployer's `max_trainings`). A session
holds a slot from Start/Resume until it pauses, finishes or resets; its run renews the
slot as it trains, so the slot of a session whose browser went away is free again
`lease` seconds after the last renewal.

A session that presses Start while every slot is taken joins a line instead of being
told to try again: first come, first served. Its page renews its place on each tick, so
a closed tab leaves the line `lease` seconds later; Cancel, Pause or Reset leave it at
once. When a slot frees, it goes to the first in line, never to a newcomer, and that
session's own tick starts its run. The wait is estimated from what the runs ahead still
have to do: each holder reports its remaining seconds when it renews, each waiting
session its estimated run time when it joins (a run stops at the server's limit per run,
so the wait is bounded).
Leaves out: what a session does when its turn comes (training.py) and all wording.
"""
from __future__ import annotations

import heapq
import threading
import time
from dataclasses import dataclass

LEASE_SECONDS = 15.0  # a slot or a place in line not renewed for this long is given up


@dataclass
class _Entry:
    renewed: float   # clock() of the last renewal
    seconds: float   # holder: training time left; waiting: the run's estimated time


class TrainingSlots:
    def __init__(self, capacity: int, lease: float = LEASE_SECONDS, clock=time.monotonic):
        self.capacity, self.lease, self.clock = capacity, lease, clock
        self._held: dict[str, _Entry] = {}
        self._line: dict[str, _Entry] = {}  # insertion order is the order of the line
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        for d in (self._held, self._line):
            for sid in [s for s, e in d.items() if now - e.renewed > self.lease]:
                del d[sid]

    def _free(self) -> int:
        return self.capacity - len(self._held)

    # ------------------------------------------------------------------ holding a slot
    def acquire(self, session: str, seconds: float = 0.0) -> bool:
        """Take a slot (or renew one held): only if one is free and nobody is waiting ahead."""
        with self._lock:
            now = self.clock()
            self._expire(now)
            if session in self._held:
                self._held[session] = _Entry(now, seconds)
                return True
            ahead = [s for s in self._line if s != session]
            if session in self._line:
                ahead = ahead[:list(self._line).index(session)]
            if self._free() > len(ahead):
                self._line.pop(session, None)
                self._held[session] = _Entry(now, seconds)
                return True
            return False

    def renew(self, session: str, seconds: float = 0.0) -> bool:
        """Called as a run trains, with the training time it has left: refreshes its lease.
        A lease that expired meanwhile (a tab the browser throttled) is taken again only if
        a slot is free and nobody waits; False means the run must stop."""
        return self.acquire(session, seconds)

    def release(self, session: str) -> None:
        with self._lock:
            self._held.pop(session, None)

    def in_use(self) -> int:
        with self._lock:
            self._expire(self.clock())
            return len(self._held)

    # ------------------------------------------------------------------ the line
    def wait(self, session: str, seconds: float) -> int:
        """Join the line (or keep one's place and renew it). 0: a slot is now this session's
        (it left the line); n >= 1: its place in the line."""
        with self._lock:
            now = self.clock()
            self._expire(now)
            if session in self._held:
                return 0
            if session in self._line:
                self._line[session].renewed = now
            else:
                self._line[session] = _Entry(now, seconds)
            place = list(self._line).index(session)  # people ahead
            if self._free() > place:
                del self._line[session]
                self._held[session] = _Entry(now, seconds)
                return 0
            return place + 1

    def leave(self, session: str) -> None:
        with self._lock:
            self._line.pop(session, None)

    def waiting(self) -> int:
        with self._lock:
            self._expire(self.clock())
            return len(self._line)

    def wait_seconds(self, session: str) -> float:
        """Estimated seconds until `session` gets a slot: the holders' time left, then each
        run ahead of it in the line taking the first slot that frees. 0 if not in line."""
        with self._lock:
            now = self.clock()
            if session not in self._line:
                return 0.0
            free_at = [max(0.0, e.seconds - (now - e.renewed)) for e in self._held.values()]
            free_at += [0.0] * max(0, self._free())
            heapq.heapify(free_at)
            for sid, e in self._line.items():
                if sid == session:
                    break
                heapq.heappush(free_at, heapq.heappop(free_at) + e.seconds)
            return free_at[0] if free_at else 0.0
