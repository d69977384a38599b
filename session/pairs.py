"""A teaching pair (nn_core/pairs.py) trained like any run: in the background, in the line.

Pressing a pair's button (the Compare page) makes its two trainers and asks for the session's
training slot, telling the line the pair's estimated time (both runs, the cost model at this
server's speed: server/estimate.py). With a slot, one `Run` (server/run.py) trains the two one
after the other in a background thread at a low priority, renewing the slot with the time
they still need; without one, the pair waits in line (server/slots.py) and starts on its turn.
The session's tick (views/train/training.py, on every page) keeps the place in line, tells
the run someone is watching, and when both runs have ended keeps them (session/runs.py) and
notes their ids for the Compare page, which shows them the next time it is open. A run that
loses its slot (a tab in the background) carries on when one is free: nothing is lost.

A session trains one thing at a time, on its one slot: a pair is refused while the session's
own run (Train) is active or waiting, and Train's Start waits until the pair has ended.
A pair must fit in the server's memory budget (server/budget.py): the larger of its two runs
(they train one after the other) is admitted before anything is made, else the button is
refused with a message; while it trains it reserves that run's batches.

pairs.job    the PairJob training or waiting, or None
pairs.done   ids of the last pair's two kept runs, until the Compare page has shown them
pairs.note   why the last pair did not start or did not finish, or None
Leaves out: the wording and drawing (views/compare/pairs.py), the runs kept (session/runs.py).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import streamlit as st

from nn_core import PAIRS, Pair, Trainer
from server import budget, estimate, memory, resources
from server.run import Run
from session import holdings, runs, state

TIME_LIMIT = 30.0  # seconds of training per run of a pair at most (each takes about one on a free core)


@dataclass
class PairJob:
    name: str
    trainers: tuple[Trainer, Trainer]
    estimates: tuple[float, float]        # each run's estimated seconds before it starts
    run: Run | None = None                # the thread training them, once the session holds a slot
    queued: bool = False                  # waiting in line for a slot
    kept: list[int] = field(default_factory=list)  # ids of the runs kept so far, when both have ended
    lock: threading.Lock = field(default_factory=threading.Lock)   # held while a chunk trains (run.py)
    # Two script runs of one session can overlap (Streamlit's fast reruns): one starts the
    # thread, one keeps the runs.
    guard: threading.Lock = field(default_factory=threading.Lock)

    @property
    def pair(self) -> Pair:
        return PAIRS[self.name]

    def seconds_left(self) -> float:
        """Training time both runs still need (their ETAs once they run, the estimates before)."""
        return self.run.seconds_left() if self.run is not None else sum(self.estimates)

    def current(self) -> int:
        """0 or 1: the run training now (1 once both are done)."""
        return 0 if not self.trainers[0].done else 1


def job() -> PairJob | None:
    return st.session_state.get("pairs.job")


def active() -> bool:
    """A pair is training or waiting in line."""
    return job() is not None


def training() -> bool:
    j = job()
    return j is not None and not j.queued


def waiting() -> bool:
    j = job()
    return j is not None and j.queued


def busy() -> str:
    """Why a pair cannot start now ("" if it can)."""
    if state.running():
        return "Your run on the Train page is training: pause it there (or let it finish) first."
    if state.queued():
        return "Your run on the Train page is waiting for a training slot: cancel it there first."
    if active():
        return "A teaching pair is already training: it ends by itself in a moment (or cancel it)."
    return ""


def start(name: str) -> None:
    """on_click of a pair's button: train it now if a slot is free, else wait in line."""
    why = busy() if name in PAIRS else "There is no teaching pair of that name."
    st.session_state["pairs.note"] = why or None
    if why:
        return
    data, configs = resources.dataset(), PAIRS[name].configs()
    refusal = holdings.admit(sum(_memory(configs, len(data.y_train))), "pair")  # before anything is made
    if refusal is not None:
        st.session_state["pairs.note"] = holdings.refused(refusal, "the pair did not train")
        return
    trainers = tuple(Trainer(c, data, time_limit=TIME_LIMIT) for c in configs)
    j = PairJob(name, trainers, tuple(estimate.seconds(c, TIME_LIMIT) for c in configs))
    st.session_state["pairs.job"], st.session_state["pairs.done"] = j, None
    if not _go(j):
        _join_line(j)


def _memory(configs, n_data: int) -> tuple[int, int]:
    """(held, work) bytes of the larger of the pair's runs (server/budget.py)."""
    return max((budget.run_bytes(c.layer_sizes, c.batch_size, c.optimizer, c.max_snapshots,
                                 min(c.n_train or n_data, n_data)) for c in configs), key=sum)


def cancel() -> None:
    """Stop the pair (or leave the line): its runs are not kept; nothing else changes."""
    j = job()
    if j is None:
        return
    sid, slots = st.session_state["session.id"], resources.training_slots()
    if j.run is not None:
        j.run.stop(wait=2.0)
        slots.release(sid)
    slots.leave(sid)
    st.session_state["pairs.job"] = None
    holdings.release()
    memory.release()


def _go(j: PairJob) -> bool:
    """Train the pair's runs in the background on this session's slot; False if no slot is free."""
    sid = st.session_state["session.id"]
    with j.guard:
        run = j.run or Run(j.trainers, resources.training_slots(), sid, j.lock, estimates=j.estimates)
        if not run.start():
            return False
        j.run, j.queued = run, False
    n_data = len(resources.dataset().y_train)
    holdings.reserve(_memory([t.config for t in j.trainers], n_data)[1])  # its batches, until it ends
    return True


def _join_line(j: PairJob) -> None:
    j.queued = True
    resources.training_slots().wait(st.session_state["session.id"], j.seconds_left())


def place() -> tuple[int, float]:
    """While waiting: (place in line, 1 = next; estimated seconds until the pair starts)."""
    j, sid, slots = job(), st.session_state["session.id"], resources.training_slots()
    if j is None or not j.queued:
        return 0, 0.0
    return slots.wait(sid, j.seconds_left()), slots.wait_seconds(sid)


def tick() -> None:
    """The session's tick (every page): keep the pair's place in line or tell its run someone
    is watching; start it on its turn; when both runs have ended, keep them and rerun the app."""
    j = job()
    if j is None:
        return
    sid, slots = st.session_state["session.id"], resources.training_slots()
    if j.queued:
        if slots.wait(sid, j.seconds_left()) == 0 and _go(j):
            st.rerun()  # the tick's pace changes with a full run
        return
    run = j.run
    run.seen()
    if run.alive:
        return
    if run.done:
        with j.guard:  # each run is kept once, even by overlapping reruns
            for t, label in list(zip(j.trainers, j.pair.labels))[len(j.kept):]:
                j.kept.append(runs.keep(t, label, pair=j.name).id)
        st.session_state["pairs.done"] = tuple(j.kept)
        st.session_state["pairs.note"] = None
    elif run.why in ("unseen", "slot"):  # the slot lapsed while the tab slept: go on now, or in line
        if not run.start():
            _join_line(j)
        return
    else:  # an error in the app: say so; the runs so far are not kept
        st.session_state["pairs.note"] = f"The teaching pair stopped because of an error in the app ({run.why})."
    st.session_state["pairs.job"] = None
    holdings.release()
    del j, run  # st.rerun raises: a traceback kept by the runtime must not keep the trainers alive
    memory.release()
    st.rerun()


def take_done() -> tuple[int, ...]:
    """The ids of the last finished pair's kept runs, once (then forgotten)."""
    done = st.session_state.get("pairs.done") or ()
    st.session_state["pairs.done"] = None
    return tuple(i for i in done if runs.by_id(i) is not None)
