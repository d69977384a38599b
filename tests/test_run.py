"""A session's run trains in a background thread (server/run.py): it ends by itself when done,
when nobody watches, or when it loses its slot, and always leaves the slot accounted for."""
import threading
import time

import pytest

from devtools.apptest import button, fresh, texts, tiny_training
from nn_core import TrainConfig, Trainer
from server import resources
from server.run import Run, seconds_left
from server.slots import TrainingSlots


def _trainer(data, epochs=2):
    return Trainer(TrainConfig(hidden=(16,), batch_size=100, epochs=epochs, n_train=1000), data)


def _wait(predicate, seconds=60.0):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_run_trains_in_the_background_until_done_and_frees_its_slot(small_mnist):
    slots, t = TrainingSlots(1), _trainer(small_mnist)
    run = Run(t, slots, "a", threading.Lock(), chunk=0.01)
    assert run.start() and slots.in_use() == 1
    _wait(lambda: not run.alive)
    assert t.status == "done" and run.why == "done" and slots.in_use() == 0
    assert t.history.n_steps == t.total_steps == 20


def test_stopping_ends_the_thread_after_its_chunk_and_leaves_the_slot_to_whoever_stopped_it(small_mnist):
    slots, t = TrainingSlots(1), _trainer(small_mnist, epochs=500)
    run = Run(t, slots, "a", threading.Lock(), chunk=0.01)
    run.start()
    _wait(lambda: t.step_count > 0)
    run.stop(wait=10)
    steps = t.step_count
    assert not run.alive and run.why == "stopped" and not t.done
    time.sleep(0.1)
    assert t.step_count == steps and slots.in_use() == 1  # the caller releases it (training.pause does)
    assert run.start() and run.alive  # Resume: a new thread, the same trainer
    run.stop(wait=10)


def test_a_run_nobody_watches_stops_by_itself(small_mnist):
    now = [0.0]
    slots, t = TrainingSlots(1), _trainer(small_mnist, epochs=500)
    run = Run(t, slots, "a", threading.Lock(), chunk=0.01, lease=10, clock=lambda: now[0])
    run.start()
    _wait(lambda: t.step_count > 0)
    now[0] = 5.0
    run.seen()  # a tick of the page
    now[0] = 14.0
    time.sleep(0.1)
    assert run.alive  # seen 9 s ago
    now[0] = 16.0  # the tab has been closed for 11 s
    _wait(lambda: not run.alive)
    assert run.why == "unseen" and slots.in_use() == 0 and not t.done


def test_a_run_that_loses_its_slot_to_another_session_stops(small_mnist):
    slots, t, lock = TrainingSlots(1), _trainer(small_mnist, epochs=500), threading.Lock()
    run = Run(t, slots, "a", lock, chunk=0.01)
    with lock:  # the thread waits at its next chunk while the slot changes hands
        run.start()
        slots.release("a")  # as if a's lease had lapsed
        assert slots.acquire("b")
    _wait(lambda: not run.alive)
    assert run.why == "slot" and slots.in_use() == 1 and slots.acquire("b")


def test_a_run_of_two_trainers_trains_them_in_turn_on_one_slot_telling_the_line_what_is_left(small_mnist):
    """A teaching pair: one slot, one thread, the second trainer after the first; before a trainer's
    first step the line hears its estimate, then its ETA."""
    told = []
    slots, (a, b) = TrainingSlots(1), (_trainer(small_mnist), _trainer(small_mnist, epochs=3))
    renew = slots.renew
    slots.renew = lambda sid, seconds=0.0: told.append((a.step_count, b.step_count, seconds)) or renew(sid, seconds)
    run = Run([a, b], slots, "a", threading.Lock(), chunk=0.01, estimates=[7.0, 11.0])
    assert run.seconds_left() == 18.0 and run.trainer is a
    assert run.start() and slots.wait_seconds("b") == 0.0
    _wait(lambda: not run.alive)
    assert a.status == b.status == "done" and run.why == "done" and slots.in_use() == 0 and run.trainer is b
    assert told[0] == (0, 0, 18.0)                                   # nothing trained yet: both estimates
    in_b = [s for sa, sb, s in told if sa == a.total_steps and sb == 0]
    assert in_b and in_b[0] == 11.0                                  # the first done: the second's estimate
    assert all(s < 18.0 for sa, sb, s in told if 0 < sa < a.total_steps)  # a's ETA (a few ms) + 11 s
    assert b.step_count == b.total_steps == 30 and a.step_count == 20


def test_seconds_left_is_the_eta_once_running_and_the_estimate_before(small_mnist):
    t = _trainer(small_mnist)
    assert seconds_left(t, 5.0) == 5.0 and seconds_left(t) == 0.0  # no ETA, no limit: nothing to say
    t.time_limit = 3.0
    assert seconds_left(t, 5.0) == 3.0 and seconds_left(t) == 3.0  # at most what the limit leaves
    t.step(5)
    p = t.progress()
    assert seconds_left(t, 5.0) == pytest.approx(min(p.eta, 3.0 - t.elapsed))
    t.step(100)
    assert t.done and seconds_left(t, 5.0) == 0.0


@pytest.fixture
def free_slots():
    resources.training_slots.clear()
    yield
    resources.training_slots.clear()


def test_the_dashboard_trains_in_the_background_and_publishes_the_model(free_slots):
    at = tiny_training(fresh(), epochs=2)
    trainer = at.session_state["train.trainer"]
    assert at.session_state["train.run"].alive or trainer.done
    _wait(lambda: trainer.done, 60)
    at.run()  # the next tick sees the thread has ended
    assert not at.session_state["train.running"] and at.session_state["train.run"] is None
    assert at.session_state["model.current"].layer_sizes == (784, 16, 10) and not at.exception
    assert "Training finished" in texts(at.success) and resources.training_slots().in_use() == 0


def test_pause_in_the_background_stops_training_at_once(free_slots):
    at = tiny_training(fresh(), epochs=50)
    trainer = at.session_state["train.trainer"]
    _wait(lambda: trainer.step_count > 2)
    button(at, "Pause").click().run()
    steps = trainer.step_count
    time.sleep(0.3)
    assert trainer.step_count == steps and not at.session_state["train.running"]
    assert resources.training_slots().in_use() == 0
    button(at, "Resume").click().run()
    _wait(lambda: trainer.step_count > steps)
    button(at, "Pause").click().run()
    button(at, "Reset").click().run()
    assert at.session_state["train.trainer"] is None and resources.training_slots().in_use() == 0
    assert not at.exception


def test_the_training_thread_runs_at_a_lower_priority_than_the_server():
    import os
    import sys

    from server.run import lower_priority
    if not sys.platform.startswith("linux"):
        assert not lower_priority(10)
        return
    seen = {}

    def worker():
        tid = threading.get_native_id()
        before = os.getpriority(os.PRIO_PROCESS, tid)
        seen["ok"] = lower_priority(5)
        seen["change"] = os.getpriority(os.PRIO_PROCESS, tid) - before

    th = threading.Thread(target=worker)
    th.start()
    th.join()
    me = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert seen["ok"] and seen["change"] == min(5, 19 - me)  # only that thread: this one is unchanged
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == me
    assert not lower_priority(0)
