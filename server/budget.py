"""The server's memory budget: what the process may use, what its sessions hold, what they give back.

The budget (`total`) is the deployer's `memory_mb` (NN_MEMORY_MB, or `memory_mb` in the secrets'
[limits] table), which wins, or else the container's memory limit read from its cgroup (v2's
memory.max, v1's memory.limit_in_bytes, the lowest along this process's cgroup path), or else
none (a developer's machine: nothing is refused, the figures are still measured).

    total      the budget
    work       kept free for work in progress: the page runs (at most WORK_SLOTS at once in the
               process, `working()`: app.py runs each page in one; a page's pass over the test set
               works in 8 MB chunks), the messages being sent; a training run's batches are
               reserved with the run (`reserve`)
    limit      total - work: what the process's resident memory (RSS, measured) may reach
    base       RSS - held: the process's own (libraries, the dataset, the pretrained model,
               Streamlit, freed memory not yet returned)
    held       what sessions hold, measured by walking each session's state (session/holdings.py)
    share      limit - base: what sessions may hold now

`admit(cost)` says whether something new fits (an upload, a training run, a teaching pair):
when it does not, sessions give memory back first, and only if that is not enough is the
action refused (`Refusal`, with the numbers for the message). A watch thread gives memory
back whenever RSS is over `limit`. Giving back starts with garbage (Python's full collection,
which `runner.postScriptGC = false` leaves to chance, then the freed heap back to the OS:
memory.py), then goes in a fixed order, each step over all sessions, least recently used first,
until enough is free: their undo history, then their kept runs' weights, then their per-model
caches (all recomputable or optional: session/holdings.py does each step and leaves the session
a note). Each give-back is a log line; `figures()` has the numbers
(served at /_stcore/metrics, server/health.py).
Leaves out: which keys of a session are which (session/holdings.py), new sessions when the
server is full (admission.py).
"""
from __future__ import annotations

import contextlib
import gc
import logging
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from server import memory
from server.sizes import Sizer

log = logging.getLogger(__name__)
if not log.handlers:  # the deployer reads these lines (Streamlit configures only its own loggers)
    _h = logging.StreamHandler()
    _h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_h)
    log.setLevel(logging.INFO)
    log.propagate = False

MB = 2**20
WORK_MIN, WORK_SHARE = 48 * MB, 0.10  # work = max(48 MB, 10 % of the budget)
SLACK = 16 * MB          # giving back goes this far below the limit, so it does not run at every watch
WATCH = 2.0              # s between two looks at RSS
QUIET = 30.0             # s before trying again when the last give-back found nothing
PENDING = 10.0           # s an admitted cost counts against the room before it shows in RSS
WORK_SLOTS = 2           # page runs at once in the process, at most (a page for the largest model allocates 12-48 MB)
PER_SLOT = 48 * MB       # and one slot per the most a page run allocates: budgets under 960 MB run one page at a time
                         # (at 32 MB a slot, a 690 MB budget ran two: RSS peaked 70-80 MB over its limit, once OOM-killed)
UNLIMITED = 2**60        # cgroup v1 writes "no limit" as a number near 2^63


# ------------------------------------------------------------------ what the box allows
def cgroup_limit(cgroup_file: str = "/proc/self/cgroup", root: str = "/sys/fs/cgroup") -> int | None:
    """The memory limit of this process's cgroup (the lowest on its path), v2 or v1; None if none."""
    try:
        lines = Path(cgroup_file).read_text().splitlines()
    except OSError:
        return None
    found = []
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":  # v2: one hierarchy, memory.max
            base, name = Path(root), "memory.max"
        elif "memory" in controllers.split(","):  # v1: the memory controller's own hierarchy
            base, name = Path(root) / "memory", "memory.limit_in_bytes"
        else:
            continue
        here = base / path.lstrip("/")
        if not here.is_dir():  # a container's own namespace: its root is the process's cgroup
            here = base
        for d in [here, *here.parents]:
            if d == base.parent:
                break
            try:
                raw = (d / name).read_text().strip()
            except OSError:
                continue
            if raw != "max" and raw.isdigit() and int(raw) < UNLIMITED:
                found.append(int(raw))
    return min(found) if found else None


def read_total(memory_mb: int = 0, cgroup: Callable[[], int | None] = cgroup_limit) -> tuple[int | None, str]:
    """(budget in bytes or None, where it came from): the setting wins over the cgroup."""
    if memory_mb:
        return memory_mb * MB, "memory_mb setting"
    limit = cgroup()
    return (limit, "container memory limit (cgroup)") if limit else (None, "none set")


def rss() -> int:
    """This process's resident memory, bytes (Linux /proc; 0 elsewhere)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# ------------------------------------------------------------------ what a training run costs
OPTIMIZER_COPIES = {"sgd": 0, "momentum": 1, "adam": 2}  # arrays the size of the parameters an update rule keeps


def run_bytes(layer_sizes, batch_size: int, optimizer: str, max_snapshots: int, n_train: int,
              itemsize: int = 4) -> tuple[int, int]:
    """(held, work) bytes of a Trainer (nn_core/trainer.py): what it keeps while it lives (the model,
    its last good copy, the optimizer's state, its snapshots, the batch order, the history) and what
    one step allocates and frees (the forward cache and gradients of a chunk of at most CHUNK rows:
    about 2 x 784 + 7 x (the units of every later layer) numbers a row, measured with tracemalloc
    in tests/test_budget.py; at least one evaluation chunk)."""
    from nn_core import n_params
    from nn_core.evaluate import CHUNK_BYTES
    from nn_core.trainer import CHUNK
    n = list(layer_sizes)
    P = n_params(n) * itemsize
    held = P * (2 + OPTIMIZER_COPIES.get(optimizer, 2) + max(1, max_snapshots)) + 8 * n_train + 2 * MB
    rows = min(batch_size or n_train, CHUNK)
    work = max(rows * itemsize * (2 * n[0] + 7 * sum(n[1:])), CHUNK_BYTES)
    return held, work


# ------------------------------------------------------------------ sessions, as the budget sees them
@dataclass
class Parts:
    """What a session holds, by part (bytes). `session/holdings.py` fills it in."""
    by_part: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_part.values())


Measure = Callable[[object, Sizer], Parts]          # (AppSession, sizer) -> its parts
Step = Callable[[object, Callable[[], Sizer]], int]  # (AppSession, new sizer) -> bytes let go


@dataclass(frozen=True)
class Refusal:
    """Why something new does not fit: the numbers a message needs."""
    what: str        # "upload", "run", "pair"
    cost: int        # bytes it needs
    room: int        # bytes free after giving back
    total: int       # the budget
    sessions: int    # sessions on the server

    @property
    def cost_mb(self) -> int:
        return max(1, round(self.cost / MB))


class Budget:
    def __init__(self, total: int | None, source: str = "", sessions: Callable[[], list] = list,
                 shared: Callable[[], Iterable] = tuple, measure: Measure | None = None,
                 steps: list[tuple[str, Step]] | None = None, rss: Callable[[], int] = rss,
                 clock=time.monotonic):
        self.total, self.source = total, source
        self.work = max(WORK_MIN, int(WORK_SHARE * total)) if total else 0
        self._sessions, self._shared, self._rss, self.clock = sessions, shared, rss, clock
        self.measure, self.steps = measure, list(steps or [])
        self.last_used: dict[str, float] = {}
        self.reserved: dict[str, int] = {}           # session -> bytes reserved for its run's work
        self.pending: dict[str, tuple[int, float]] = {}  # session -> (bytes just admitted, until when)
        self.given = Counter()                       # part -> bytes given back so far
        self.given_times = Counter()                 # part -> sessions that gave it
        self.refused = Counter()                     # what -> refusals
        self._lock = threading.Lock()                # one give-back at a time
        self._admit_lock = threading.Lock()          # one admission at a time (check, then count it)
        self._fruitless: tuple[float, int] | None = None  # (when, RSS) of the last give-back that found nothing

    # -------------------------------------------------- the numbers
    @property
    def limit(self) -> int | None:
        return self.total - self.work if self.total else None

    def room(self) -> int | None:
        """Bytes that something new may still use (None: no budget)."""
        if not self.total:
            return None
        return self.limit - self._rss() - sum(self.reserved.values()) - self._pending()

    def _pending(self) -> int:
        """What was admitted in the last PENDING seconds and may not show in RSS yet (two sessions
        asking at once must not both get the same room)."""
        now = self.clock()
        for sid in [s for s, (_, until) in self.pending.items() if until < now]:
            self.pending.pop(sid, None)
        return sum(n for n, _ in list(self.pending.values()))

    def shared_sizer(self) -> Sizer:
        """A walk that counts nothing the whole process shares (the dataset, the pretrained model...)."""
        s = Sizer()
        s.mark(*self._shared())
        return s

    def holdings(self) -> dict[str, Parts]:
        """session id -> what it holds, each buffer counted once, shared things not at all."""
        if self.measure is None:
            return {}
        sizer, out = self.shared_sizer(), {}
        for session in self._by_age():
            try:
                out[session.id] = self.measure(session, sizer)
            except Exception:  # a session ending meanwhile: skip it this time
                log.debug("could not measure session %s", session.id[:8], exc_info=True)
        return out

    def figures(self) -> dict:
        """What the health endpoint and the log show (bytes)."""
        held = self.holdings()
        by_part = Counter()
        for p in held.values():
            by_part.update(p.by_part)
        now = self._rss()
        total_held = sum(by_part.values())
        f = {"total": self.total or 0, "source": self.source, "work": self.work, "limit": self.limit or 0,
             "rss": now, "held": total_held, "base": now - total_held, "sessions": len(held),
             "shared": Sizer().held(*self._shared()),
             "reserved": sum(self.reserved.values()),
             "share": (self.limit - (now - total_held)) if self.total else 0,
             "held_by_part": dict(by_part), "given_back": dict(self.given),
             "gave_sessions": dict(self.given_times), "refused": dict(self.refused)}
        return f

    # -------------------------------------------------- sessions, least recently used first
    def touch(self, session_id: str) -> None:
        """A person did something in this session (its own timers do not count)."""
        self.last_used[session_id] = self.clock()

    def _by_age(self) -> list:
        sessions = list(self._sessions())
        alive = {s.id for s in sessions}
        for sid in [s for s in {*self.last_used, *self.reserved, *self.pending} if s not in alive]:  # gone
            self.last_used.pop(sid, None)
            self.reserved.pop(sid, None)
            self.pending.pop(sid, None)
        return sorted(sessions, key=lambda s: self.last_used.get(s.id, 0.0))

    # -------------------------------------------------- reserving and refusing
    def reserve(self, session_id: str, nbytes: int) -> None:
        """Work a session's run will do beyond what it holds (its batches), until `release`."""
        self.reserved[session_id] = int(nbytes)
        self.pending.pop(session_id, None)

    def release(self, session_id: str) -> None:
        self.reserved.pop(session_id, None)

    def admit(self, cost: int, session_id: str = "", what: str = "upload") -> Refusal | None:
        """None if `cost` bytes fit (after giving back, if needed); else a Refusal."""
        with self._admit_lock:
            room = self.room()
            if room is None:
                return None
            if cost > room:
                self.give_back(cost - room, reason=f"{what} of {cost / MB:.0f} MB")
                room = self.room()
            if cost <= room:
                self.pending[session_id] = (cost, self.clock() + PENDING)
                return None
        self.refused[what] += 1
        n = len(list(self._sessions()))
        log.warning("memory: refused %s of %.0f MB: %.0f MB free of a %.0f MB budget (RSS %.0f MB, %d sessions)",
                    "an upload" if what == "upload" else f"a {what}", cost / MB, max(0, room) / MB, self.total / MB, self._rss() / MB, n)
        return Refusal(what, cost, max(0, room), self.total, n)

    # -------------------------------------------------- giving back
    def give_back(self, need: int, reason: str = "over the limit") -> int:
        """Garbage first (Python's full collection, the freed heap back to the OS), then the steps in
        order, each over the sessions least recently used first, until `need` bytes are let go.
        Returns the bytes let go: what RSS fell by in the collection, plus what the steps took (as
        measured before they let it go; the collection after them returns it)."""
        if need <= 0:
            return 0
        with self._lock:
            before = self._rss()
            gc.collect()
            memory.release()
            collected = max(0, before - self._rss())
            self.given["garbage"] += collected
            freed, parts = collected, Counter()
            sessions = self._by_age() if self.steps and freed < need else []
            for name, step in self.steps if sessions else []:
                for session in sessions:
                    if freed >= need:
                        break
                    try:
                        n = step(session, self.shared_sizer)
                    except Exception:  # a session ending meanwhile
                        log.debug("could not give back %s of %s", name, session.id[:8], exc_info=True)
                        continue
                    if n > 0:
                        freed += n
                        parts[name] += n
                        self.given[name] += n
                        self.given_times[name] += 1
                if freed >= need:
                    break
            if parts:
                gc.collect()
                memory.release()
            after = self._rss()
        log.info("memory: %s: %.0f MB asked; garbage %.0f MB%s; RSS %.0f -> %.0f MB (limit %.0f of a %.0f MB budget)",
                 reason, need / MB, collected / MB,
                 "".join(f", {k} {v / MB:.1f} MB" for k, v in parts.items()) or ", nothing else to give",
                 before / MB, after / MB, (self.limit or 0) / MB, (self.total or 0) / MB)
        return freed

    def relieve(self, need: int, reason: str) -> int:
        """`give_back`, unless the last try found nothing and RSS has not grown by SLACK since, nor
        QUIET seconds passed (each try runs Python's full collection: 0.1-0.3 s of the GIL)."""
        now, rss_now = self.clock(), self._rss()
        if self._fruitless is not None:
            at, level = self._fruitless
            if now - at < QUIET and rss_now < level + SLACK:
                return 0
        freed = self.give_back(need, reason=reason)
        self._fruitless = (now, rss_now) if freed == 0 else None
        return freed

    def watch_once(self) -> int:
        """Give memory back if RSS is over the limit (down to SLACK below it). Returns bytes let go."""
        if not self.total:
            return 0
        over = self._rss() + sum(self.reserved.values()) - self.limit
        return self.relieve(over + SLACK, "RSS over the limit") if over > 0 else 0


# ------------------------------------------------------------------ work in progress, bounded
_work = threading.BoundedSemaphore(WORK_SLOTS)
_depth = threading.local()


def slots_for(work: int | None) -> int:
    """Page runs at once: WORK_SLOTS, fewer when the work reserve is small (none: WORK_SLOTS)."""
    return WORK_SLOTS if not work else max(1, min(WORK_SLOTS, work // PER_SLOT))


@contextlib.contextmanager
def working(timeout: float = 120.0):
    """Around a page's run (app.py) and a pass over many images (session/per_model.py): at most
    WORK_SLOTS at once in the process, so their temporaries stay within `work` however many
    sessions open a page together (the others wait their turn: on one or two cores they would
    not finish sooner side by side). A fragment's rerun (a stroke, a training tick) takes none.
    Re-entrant in a thread. A pass that takes a slot while RSS is over the limit first has memory
    given back (the watch thread looks only every WATCH seconds: in a 400 MB budget, pages opened
    in between stacked their caches on top of each other and RSS peaked 51 MB over the budget)."""
    depth, sem = getattr(_depth, "n", 0), _work
    got = depth > 0 or sem.acquire(timeout=timeout)  # after `timeout`, go on anyway (and say so)
    if not got:
        log.warning("memory: a page pass waited %.0f s for a work slot; running it anyway", timeout)
    if depth == 0 and _budget is not None:
        try:
            _budget.watch_once()
        except Exception:  # the pass goes on; the watch thread tries again
            log.warning("memory: giving back before a page pass failed", exc_info=True)
    _depth.n = depth + 1
    try:
        yield
    finally:
        _depth.n = depth
        if depth == 0 and got:
            sem.release()


# ------------------------------------------------------------------ the process's budget
_budget: Budget | None = None
_install_lock = threading.Lock()


def current() -> Budget | None:
    return _budget


_parts: dict = {}  # measure and steps, from session/holdings.py (server/ does not import session/)


def parts(measure: Measure, steps: list[tuple[str, Step]]) -> None:
    """How to measure a session and what it can give back (registered by session/, once)."""
    _parts.update(measure=measure, steps=steps)
    if _budget is not None:
        _budget.measure, _budget.steps = measure, list(steps)


def install(memory_mb: int, shared: Callable[[], Iterable]) -> Budget:
    """Once per server process: the budget, the session hooks and the watch thread."""
    global _budget
    with _install_lock:
        if _budget is not None:
            return _budget
        total, source = read_total(memory_mb)
        b = Budget(total, source, sessions=_live_sessions, shared=shared, measure=_parts.get("measure"),
                   steps=_parts.get("steps"))
        global _work
        _work = threading.BoundedSemaphore(slots_for(b.work))
        _hook_last_used(b)
        threading.Thread(target=_watch, args=(b,), name="memory-budget", daemon=True).start()
        if total:
            log.info("memory: budget %.0f MB (%s): RSS may reach %.0f MB, %.0f MB kept for work in progress "
                     "(%d page run%s at once); RSS now %.0f MB", total / MB, source, b.limit / MB, b.work / MB,
                     slots_for(b.work), "s" if slots_for(b.work) > 1 else "", rss() / MB)
        else:
            log.info("memory: no budget (no memory_mb setting, no container limit); nothing is refused")
        _budget = b
    return _budget


def _live_sessions() -> list:
    from streamlit.runtime import Runtime
    return [info.session for info in Runtime.instance()._session_mgr.list_sessions()]


def _hook_last_used(b: Budget) -> None:
    """AppSession.request_rerun (private API of Streamlit 1.67): a rerun a person asked for marks
    the session used; the auto reruns of its timers (training ticks) do not."""
    from streamlit.runtime.app_session import AppSession
    original = AppSession.request_rerun

    def request_rerun(self, client_state, *args, **kwargs):
        if client_state is None or not client_state.is_auto_rerun:
            b.touch(self.id)
        return original(self, client_state, *args, **kwargs)

    if not getattr(AppSession.request_rerun, "_budget_hook", False):
        request_rerun._budget_hook = True
        AppSession.request_rerun = request_rerun


def _watch(b: Budget) -> None:
    while True:
        time.sleep(WATCH)
        try:
            b.watch_once()
        except Exception:  # a failed look is tried again next time
            log.warning("memory budget watch failed", exc_info=True)
