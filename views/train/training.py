"""Training in the dashboard: Start/Pause/Resume/Reset, and the tick that watches a run.

The controls are buttons with on_click callbacks that flip session state and start or
stop the session's `Run` (run.py): a background thread that trains while the run is
active, whichever page is open. The fragment in app.py calls `tick()` every TICK_SECONDS
while a run is active: it tells the run someone is watching, refreshes the sidebar, and
when the thread has ended publishes the result (the finished model, the divergence, the
time limit, a lost slot) and reruns the page. A run holds one of the server's training
slots (server/limits.py) and stops after the server's limit per run, keeping its model. It
must fit in the server's memory budget too (server/budget.py): a run that does not is refused
with a message before anything changes, and a running one reserves its batches' memory. The
same tick watches a teaching pair (session/pairs.py), which holds the session's slot while
it trains: Start and Resume wait for it.
With BACKGROUND off (the AppTests), each tick trains one chunk itself instead, so a test
knows exactly how far a run got.
Leaves out: the settings widgets and the link (settings.py).
"""
from __future__ import annotations

import dataclasses
import threading

import streamlit as st

from nn_core import PRESETS, TrainConfig, Trainer, n_params
from server import budget, estimate, memory, resources
from server.run import Run, seconds_left
from session import holdings, pairs, runs, state
from ui.numbers import duration, ordinal, percent
from views.train.settings import DEFAULT_PRESET, hyperparameter_widgets  # noqa: F401 (the Train page's settings column)

BACKGROUND = True     # train in a thread (run.py); off: each tick trains CHUNK_SECONDS itself
CHUNK_SECONDS = 0.5   # foreground mode: training per tick
TICK_SECONDS = 0.25   # the sidebar's progress refresh while a run is active (background mode)
LINE_SECONDS = 1.0    # a waiting session's tick: keeps its place in line, starts the run on its turn
VIEW_SECONDS = 0.5    # live chart redraw period on the Train page (<= 2 redraws/s)


# ------------------------------------------------------------------ controls (on_click callbacks)
def _lock() -> threading.Lock:
    return st.session_state["train.lock"]


def _seconds(config: TrainConfig) -> float:
    """A run's estimated training time, at most the server's limit per run."""
    return estimate.seconds(config, 60.0 * resources.limits().max_run_minutes)


def _memory(config: TrainConfig) -> tuple[int, int]:
    """(held, work) bytes of a run of `config` on this server (server/budget.py)."""
    n_train = min(config.n_train or len(resources.dataset().y_train), len(resources.dataset().y_train))
    return budget.run_bytes(config.layer_sizes, config.batch_size, config.optimizer, config.max_snapshots, n_train)


def _too_big(cost: int) -> bool:
    """The run does not fit in the server's memory now: say why (train.error) and return True."""
    refusal = holdings.admit(cost, "run")
    if refusal is None:
        return False
    st.session_state["train.error"] = holdings.refused(
        refusal, "this run did not start", "A smaller network, or a smaller batch (a full batch needs the most), "
                                           "needs less.")
    return True


def _go(t: Trainer) -> bool:
    """Run t: in the background (a new Run) or by the ticks; False if no slot is free (or someone waits)."""
    slots, sid = resources.training_slots(), st.session_state["session.id"]
    run = Run(t, slots, sid, _lock(), estimates=[_seconds(t.config)]) if BACKGROUND else None
    if not (run.start() if run else slots.acquire(sid, seconds_left(t))):
        return False
    holdings.reserve(_memory(t.config)[1])  # its batches, until the run stops
    st.session_state["train.run"] = run
    st.session_state["train.running"] = True
    st.session_state["train.error"] = None
    return True


def _join_line(action: str, config: TrainConfig | None, seconds: float) -> None:
    """Every slot is taken: wait in line; the tick starts the run when its turn comes."""
    st.session_state["train.queued"] = {"action": action, "config": config, "seconds": seconds}
    st.session_state["train.error"] = None
    st.session_state["train.notice"] = None
    resources.training_slots().wait(st.session_state["session.id"], seconds)


def line_note() -> str:
    """Where this session stands in line, and about how long until its run starts."""
    slots, sid = resources.training_slots(), st.session_state["session.id"]
    place = slots.wait(sid, st.session_state["train.queued"]["seconds"])
    if place == 0:
        return "A training slot is free: your run is starting."
    n, wait = resources.limits().max_trainings, slots.wait_seconds(sid)
    when = f"in about {duration(wait)}" if wait >= 1 else "any moment now"
    return (f"Every training slot on this server is in use ({n} run{'s' if n > 1 else ''} at once, so that the app "
            f"stays quick for everyone). You are **{ordinal(place)} in line**: your run starts by itself {when}. "
            "Keep this tab open (any page will do); Cancel leaves the line. Your settings are kept.")


def leave_line() -> None:
    """Cancel: give up the place in line (the settings and any paused run are kept)."""
    st.session_state["train.queued"] = None
    if not pairs.active():  # the session's place in line (or slot) is its teaching pair's
        resources.training_slots().leave(st.session_state["session.id"])


def _halt(release: bool = True) -> None:
    """Stop the session's run: its thread ends after its chunk (waited for, up to 2 s)."""
    run = st.session_state["train.run"]
    if run is not None:
        run.stop(wait=2.0)
    st.session_state["train.run"] = None
    st.session_state["train.running"] = False
    if pairs.active():  # the pair holds the session's slot and its memory reservation
        return
    holdings.release()
    if release:
        resources.training_slots().release(st.session_state["session.id"])


PAIR_BUSY = ("A teaching pair is {doing} on the Compare page, and this session trains one thing at a time: your "
             "run can start as soon as the pair ends (or is cancelled there).")


def pair_busy() -> str:
    """Why Start and Resume wait ("" when they need not): the session's teaching pair holds its slot."""
    if not pairs.active():
        return ""
    return PAIR_BUSY.format(doing="waiting in line for a training slot" if pairs.waiting() else "training")


def _refused_for_a_pair() -> bool:
    why = pair_busy()  # (the page disables Start and Resume; a press sent before that is refused here)
    if why:
        st.session_state["train.error"] = why + " Your settings and any paused run are kept."
    return bool(why)


def start(config: TrainConfig) -> None:
    if _refused_for_a_pair():
        return
    slots, sid = resources.training_slots(), st.session_state["session.id"]
    config = dataclasses.replace(config, max_snapshots=resources.limits().max_snapshots(n_params(config.layer_sizes)))
    if _too_big(sum(_memory(config))):  # before anything changes: a paused run stays
        leave_line()
        return
    seconds = _seconds(config)
    if not slots.acquire(sid, seconds):  # before anything changes: a paused run stays while waiting
        _join_line("start", config, seconds)
        return
    st.session_state["train.queued"] = None
    _halt(release=False)  # a paused run is discarded; the slot just taken is kept for the new one
    with _lock():
        t = Trainer(config, resources.dataset(), time_limit=60 * resources.limits().max_run_minutes)
        st.session_state["train.trainer"] = t
        preset = st.session_state.get("preset", DEFAULT_PRESET)
        same = dataclasses.replace(PRESETS[preset].config, max_snapshots=config.max_snapshots) == config
        st.session_state["train.preset"] = preset if same else "custom"
        st.session_state["train.notice"] = None
        st.session_state["train.link_notes"] = []
    if not _go(t):  # taken between the two looks: wait in line with the new run ready
        _join_line("resume", None, seconds)


def pause() -> None:
    leave_line()
    _halt()


def resume() -> None:
    if _refused_for_a_pair():
        return
    t = state.trainer()
    if t is not None and not t.done and _too_big(_memory(t.config)[1]):  # it holds the rest already
        return
    if t is not None and not t.done and not _go(t):
        _join_line("resume", None, seconds_left(t))


def reset() -> None:
    leave_line()
    _halt()
    with _lock():
        st.session_state["train.trainer"] = None
        st.session_state["train.error"] = None
        st.session_state["train.notice"] = None
    memory.release()


def use_paused_model() -> None:
    t = state.trainer()
    if t is not None and t.step_count:
        state.adopt_trained(t, f"{_run_name(t)} (paused at step {t.step_count:,})")
        st.session_state["train.notice"] = "The paused model is now the one every page shows."


def _run_name(t: Trainer) -> str:
    preset = st.session_state["train.preset"]
    return f"{'-'.join(map(str, t.model.layer_sizes))} {t.config.activation} ({preset})"


# ------------------------------------------------------------------ the tick
LOST_SLOT = ("This tab was in the background long enough to lose its training slot, and other runs have taken "
             "every slot since. Nothing is lost: press Resume to carry on when one is free.")


def _train_here(t: Trainer) -> bool:
    """Foreground mode: one chunk in this tick; False if the session lost its slot."""
    lock = _lock()
    if not lock.acquire(blocking=False):  # an overlapping rerun of this session is training
        return True
    try:
        if not resources.training_slots().renew(st.session_state["session.id"], seconds_left(t)):
            return False
        t.run_for(CHUNK_SECONDS)
        return True
    finally:
        lock.release()


def _take_turn() -> None:
    """A waiting session's tick: keep its place in line; when its turn comes, start the run."""
    q, sid = st.session_state["train.queued"], st.session_state["session.id"]
    if resources.training_slots().wait(sid, q["seconds"]) > 0:
        return
    st.session_state["train.queued"] = None
    t = state.trainer()
    if q["action"] == "start":
        start(q["config"])
    elif t is not None and not t.done:
        _go(t)
    else:  # nothing left to run (a reset in another tab): give the slot back
        resources.training_slots().release(sid)
    st.rerun()  # the page shows the run (and the fragment ticks at the running pace)


def tick_seconds() -> float | None:
    """How often app.py's fragment ticks: while a run or a teaching pair trains, while either
    waits in line, or not at all."""
    if state.running() or pairs.training():
        return TICK_SECONDS
    if state.queued() or pairs.waiting():
        return LINE_SECONDS
    return None


def tick() -> None:
    """Watch the active run; when it has ended, publish the result and rerun the page."""
    pairs.tick()  # a teaching pair (session/pairs.py): the session's one other kind of run
    if state.queued():
        _take_turn()
        return
    t, run = state.trainer(), st.session_state["train.run"]
    if t is None or not state.running():
        return
    if run is None:
        lost = not _train_here(t)
    else:
        run.seen()
        if run.alive:
            return
        if run.why == "unseen" and not t.done and run.start():  # the tab is back before anyone took its slot
            return
        lost = not t.done
    if not lost and not t.done:
        return
    _halt()
    if lost:
        st.session_state["train.error"] = LOST_SLOT if run is None or run.why in ("slot", "unseen") else (
            f"Training stopped because of an error in the app ({run.why}); the run so far is kept.")
    elif t.status == "diverged":
        st.session_state["train.error"] = t.message
        runs.keep(t, _run_name(t))  # its curves still teach; the Compare page overlays them
    else:
        state.adopt_trained(t, _run_name(t))
        runs.keep(t, _run_name(t), model=state.model())  # the published copy: no second one
        val = state.info()["metrics"]["val_accuracy"]
        acc = f"validation accuracy {percent(val)}" if val is not None else "no validation score yet"
        st.session_state["train.notice"] = (
            f"Training finished: {acc} after {duration(t.elapsed)} of training. This model is now the one "
            "every page shows; its test accuracy is on the Evaluate page (the test images stay unseen while "
            "you choose settings, so that score is an honest estimate of new digits)." if t.status == "done" else
            f"Training stopped after {duration(t.elapsed)}, this server's limit per run, at step "
            f"{t.step_count:,} of {t.total_steps:,}. The model trained so far ({acc}) is now "
            "the one every page shows.")
    # st.rerun raises; a traceback kept by the runtime would keep this frame, and with it
    # the whole finished run, alive (measured: ~20 MB per run): drop the references first.
    del t, run
    memory.release()  # the run's batches and activations are garbage now
    st.rerun()  # a full rerun removes the fragment timers and refreshes the page
