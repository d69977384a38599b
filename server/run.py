"""One session's training run, advanced by a background thread while the session watches.

Training used to advance only inside the page's timer ticks: each tick trained half a
second, then waited for the browser to ask for the next one. Measured with the browser on
the same two cores, those round trips cost 24-93 % on top of the training itself (2 s
ticks: 5 %, but then every click waited up to 2 s). Here a thread trains short chunks back
to back and the page only looks.

The thread never touches Streamlit. Before each chunk it renews the session's training
slot (server/limits.py) and it trains under the session's lock, so Start/Reset callbacks wait
at most one chunk. It ends when the run is stopped (Pause, Reset, a new Start), when the
trainer is done (finished, diverged, time limit), when the slot is lost to other runs, or
when no tick of the session's page has called `seen` for `lease` seconds: a closed tab
stops its run, as the slot lease always did. Whoever watches reads `why` once `alive` is
False. The thread frees the slot when it ends by itself; whoever stops it frees it (and
may already have taken it again for the next run, which the old thread must not undo).
The thread runs at a lower priority than the server's others (`lower_priority`). A run may
hold several trainers, trained one after the other on the one slot (a teaching pair,
session/pairs.py); the line is told the time they all still need.
Leaves out: what the pages show about it (views/train/training.py, views/compare/pairs.py).
"""
from __future__ import annotations

import math
import os
import sys
import threading
import time
from typing import Sequence

from nn_core import Trainer
from server.slots import LEASE_SECONDS, TrainingSlots

CHUNK_SECONDS = 0.25  # training between two looks at the flags: how long a Pause or Reset waits


def lower_priority(nice: int | None = None) -> bool:
    """Make the calling thread yield the CPU to the server's other threads: on a shared
    core, a stroke on Draw should not wait behind someone's training. Linux schedules
    threads one by one, so this thread alone gets `nice` (NN_TRAIN_NICE, default 10: about
    a tenth of a contended core, all of an idle one). False where not supported."""
    nice = int(os.environ.get("NN_TRAIN_NICE", "10")) if nice is None else nice
    if not nice or not hasattr(os, "setpriority") or not sys.platform.startswith("linux"):
        return False
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
        return True
    except (OSError, ValueError):
        return False


def seconds_left(t: Trainer, estimate: float | None = None) -> float:
    """The training time a run still needs: its ETA, at most what its time limit leaves. Before
    its first step, when there is no ETA yet: `estimate` (the cost model's, nn_core/estimate.py)
    if given, else what the limit leaves. 0 once it is done."""
    if t.done:
        return 0.0
    p = t.progress()
    left = p.eta if math.isfinite(p.eta) else estimate if estimate is not None and not p.step else math.inf
    if t.time_limit is not None:
        left = min(left, max(0.0, t.time_limit - t.elapsed))
    return left if math.isfinite(left) else 0.0


class Run:
    """Trains one trainer, or several one after the other on the same slot (a teaching pair),
    in a background thread. `estimates`: each trainer's estimated seconds, what the line is
    told for a trainer that has not taken a step yet."""

    def __init__(self, trainer: Trainer | Sequence[Trainer], slots: TrainingSlots, session: str,
                 lock: threading.Lock, chunk: float = CHUNK_SECONDS, lease: float = LEASE_SECONDS,
                 clock=time.monotonic, estimates: Sequence[float] | None = None):
        self.trainers = [trainer] if isinstance(trainer, Trainer) else list(trainer)
        self.estimates = list(estimates) if estimates is not None else [None] * len(self.trainers)
        self.slots, self.session, self.lock = slots, session, lock
        self.chunk, self.lease, self.clock = chunk, lease, clock
        self.why = ""  # "stopped", "done", "slot" (taken by others), "unseen" (no tick for `lease` s)
        self.last_seen = clock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def trainer(self) -> Trainer:
        """The trainer being trained now (the first not done; the last once all are)."""
        return next((t for t in self.trainers if not t.done), self.trainers[-1])

    @property
    def done(self) -> bool:
        return all(t.done for t in self.trainers)

    def seconds_left(self) -> float:
        """What the run still needs: the current trainer's time left and the estimates of the rest."""
        return sum(seconds_left(t, e) for t, e in zip(self.trainers, self.estimates))

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> bool:
        """Take a training slot and train in the background; False if the server is busy."""
        if self.alive:
            return True
        if not self.slots.acquire(self.session, self.seconds_left()):
            return False
        self.why, self.last_seen = "", self.clock()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=f"train-{self.session[:8]}", daemon=True)
        self._thread.start()
        return True

    def stop(self, wait: float = 0.0) -> None:
        """Ask the thread to end after its chunk (and wait up to `wait` seconds for it)."""
        self._stop.set()
        if wait and self._thread is not None and self._thread is not threading.current_thread():
            with self.lock:  # a chunk in progress ends first; after it the thread trains no more
                pass
            self._thread.join(wait)

    def seen(self) -> None:
        """Called by each tick of the session's page: someone is still watching."""
        self.last_seen = self.clock()

    def _reason_to_end(self) -> str:
        if self._stop.is_set():
            return "stopped"
        if self.done:
            return "done"
        if self.clock() - self.last_seen > self.lease:
            return "unseen"
        if not self.slots.renew(self.session, self.seconds_left()):
            return "slot"
        if self._stop.is_set():  # stopped while renewing: give back what renew may have taken again
            self.slots.release(self.session)
            return "stopped"
        return ""

    def _loop(self) -> None:
        lower_priority()
        try:
            while not (why := self._reason_to_end()):
                with self.lock:
                    if self._stop.is_set():  # stopped while this thread waited for the lock
                        why = "stopped"
                        break
                    self.trainer.run_for(self.chunk)
            self.why = why
        except Exception as e:  # a bug must not end the thread silently and keep the slot
            self.why = f"error: {e!r}"
        finally:
            if self.why != "stopped":  # whoever stopped it frees the slot (and may already hold a new one)
                self.slots.release(self.session)
