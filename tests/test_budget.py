"""The server's memory budget (server/budget.py), in-process with made-up sessions and a made-up RSS:
where the budget comes from (the setting wins over the cgroup; cgroup v1 and v2, the lowest on the
path), what a training run is counted at, what is admitted and refused, and the order in which
sessions give memory back (garbage, then undo, then kept runs' weights, then caches, least
recently used session first, only as far as needed). The real server under a class: test_scale.py.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from types import SimpleNamespace as NS

import numpy as np

from nn_core import n_params
from server import budget
from server.budget import MB, Budget, cgroup_limit, read_total, run_bytes
from server.sizes import Sizer
from session import holdings


# ------------------------------------------------------------------ where the budget comes from
def _v1(tmp_path, limits: dict[str, str]):
    """A fake cgroup v1 tree: /proc/self/cgroup names /kube/pod; each dir's memory.limit_in_bytes."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    proc = tmp_path / "cgroup"
    proc.write_text("12:cpu,cpuacct:/kube/pod\n9:memory:/kube/pod\n")
    root = tmp_path / "sys"
    for rel, value in limits.items():
        d = root / "memory" / rel
        d.mkdir(parents=True, exist_ok=True)
        (d / "memory.limit_in_bytes").write_text(value + "\n")
    return str(proc), str(root)


def test_cgroup_v1_the_lowest_limit_on_the_path_and_no_limit_is_none(tmp_path):
    proc, root = _v1(tmp_path, {"": "9223372036854771712", "kube": str(690 * MB), "kube/pod": str(2000 * MB)})
    assert cgroup_limit(proc, root) == 690 * MB
    proc, root = _v1(tmp_path / "b", {"": "9223372036854771712", "kube/pod": "9223372036854771712"})
    assert cgroup_limit(proc, root) is None


def test_cgroup_v2_memory_max_and_max_means_none(tmp_path):
    proc = tmp_path / "cgroup"
    proc.write_text("0::/app\n")
    (tmp_path / "sys" / "app").mkdir(parents=True)
    (tmp_path / "sys" / "app" / "memory.max").write_text(f"{512 * MB}\n")
    assert cgroup_limit(str(proc), str(tmp_path / "sys")) == 512 * MB
    (tmp_path / "sys" / "app" / "memory.max").write_text("max\n")
    assert cgroup_limit(str(proc), str(tmp_path / "sys")) is None
    assert cgroup_limit(str(tmp_path / "absent"), str(tmp_path / "sys")) is None


def test_the_setting_wins_over_the_cgroup():
    assert read_total(400, lambda: 690 * MB) == (400 * MB, "memory_mb setting")
    assert read_total(0, lambda: 690 * MB) == (690 * MB, "container memory limit (cgroup)")
    assert read_total(0, lambda: None) == (None, "none set")


def test_a_run_is_counted_at_its_parameters_and_batches():
    sizes = [784, 512, 512, 512, 512, 10]
    P = n_params(sizes) * 4
    held_sgd, work_small = run_bytes(sizes, 32, "sgd", 1, 5000)
    held_adam, work_full = run_bytes(sizes, 0, "adam", 1, 5000)
    assert held_sgd == P * 3 + 8 * 5000 + 2 * MB          # model, last good copy, one snapshot
    assert held_adam - held_sgd == 2 * P                   # Adam's two moment arrays
    assert work_full > work_small                          # a full batch needs the most


# ------------------------------------------------------------------ admitting and giving back
@dataclass
class FakeSession:
    id: str
    undo: int = 0
    runs: int = 0
    caches: int = 0


class Box:
    """A process whose RSS is a number: sessions' parts add to it, giving back takes from it."""

    def __init__(self, base: int, sessions: list[FakeSession]):
        self.base, self.sessions, self.order = base, sessions, []

    def rss(self) -> int:
        return self.base + sum(s.undo + s.runs + s.caches for s in self.sessions)

    def step(self, part: str):
        def give(session: FakeSession, new_sizer) -> int:
            n = getattr(session, part)
            setattr(session, part, 0)
            if n:
                self.order.append((part, session.id))
            return n
        return give


def _budget(box: Box, total_mb: int, clock=lambda: 0.0) -> Budget:
    steps = [(p, box.step(p)) for p in ("undo", "runs", "caches")]
    return Budget(total_mb * MB, "test", sessions=lambda: box.sessions, steps=steps, rss=box.rss, clock=clock)


def test_what_fits_is_admitted_and_counted_until_it_shows(monkeypatch):
    monkeypatch.setattr(budget.memory, "release", lambda: None)
    box = Box(200 * MB, [FakeSession("a")])
    b = _budget(box, 400)  # work 48 MB: limit 352 MB, room 152 MB
    assert b.limit == 352 * MB and b.room() == 152 * MB
    assert b.admit(100 * MB, "a") is None
    assert b.room() == 52 * MB  # admitted, not yet in RSS: a second ask cannot take the same room
    assert box.order == []      # nothing was given back for it


def test_giving_back_goes_undo_then_runs_then_caches_least_recently_used_first(monkeypatch):
    monkeypatch.setattr(budget.memory, "release", lambda: None)
    now = [0.0]
    old, new = FakeSession("old", 20 * MB, 20 * MB, 20 * MB), FakeSession("new", 20 * MB, 20 * MB, 20 * MB)
    box = Box(200 * MB, [new, old])
    b = _budget(box, 400, clock=lambda: now[0])
    b.touch("old")
    now[0] = 10.0
    b.touch("new")  # "new" was used last
    assert b.room() == 32 * MB
    assert b.admit(70 * MB, "new", "upload") is None  # needs 38 MB more: both undo histories
    assert box.order == [("undo", "old"), ("undo", "new")]
    assert old.runs == new.runs == 20 * MB and old.caches == new.caches == 20 * MB  # no further than needed
    assert b.given["undo"] == 40 * MB


def test_what_cannot_fit_is_refused_with_the_numbers(monkeypatch):
    monkeypatch.setattr(budget.memory, "release", lambda: None)
    box = Box(300 * MB, [FakeSession("a", 5 * MB, 5 * MB, 5 * MB)])
    b = _budget(box, 400)
    r = b.admit(200 * MB, "a", "run")
    assert r is not None and r.what == "run" and r.cost_mb == 200 and r.sessions == 1
    assert r.room == 352 * MB - 300 * MB  # after everything optional was given back
    assert [p for p, _ in box.order] == ["undo", "runs", "caches"]
    assert b.refused["run"] == 1


def test_without_a_budget_nothing_is_refused():
    b = Budget(None, "none set", rss=lambda: 10**12)
    assert b.admit(10**12) is None and b.room() is None and b.watch_once() == 0


def test_the_watch_gives_back_when_rss_is_over_the_limit(monkeypatch):
    monkeypatch.setattr(budget.memory, "release", lambda: None)
    box = Box(300 * MB, [FakeSession("a", 40 * MB, 40 * MB, 0)])
    b = _budget(box, 400)  # RSS 380 MB over a 352 MB limit: 28 + 16 MB of slack to give
    assert b.watch_once() >= 44 * MB
    assert box.rss() <= b.limit - budget.SLACK
    assert box.order == [("undo", "a"), ("runs", "a")]


def test_a_refusal_reads_plainly():
    from session.holdings import refused
    text = refused(budget.Refusal("upload", 5 * MB, 0, 400 * MB, 30), "your model was not loaded")
    assert "short of memory" in text and "30 sessions" in text and "about 5 MB" in text and "none is free" in text


def test_a_pair_that_does_not_fit_is_refused_before_anything_changes(monkeypatch):
    """The Compare page's pair buttons ask the budget first (session/pairs.py): no room, no pair."""
    from devtools.apptest import button, on_page
    at = on_page("app_pages/compare.py")
    monkeypatch.setattr(budget, "current", lambda: Budget(400 * MB, "test", rss=lambda: 351 * MB))
    button(at, "ReLU vs sigmoid").click().run()
    assert not at.exception, at.exception
    assert at.session_state["pairs.job"] is None and at.session_state["runs.kept"] == []
    said = " ".join(w.value for w in at.warning)
    assert "short of memory" in said and "the pair did not train" in said, said


# ------------------------------------------------------------------ giving back never waits on a busy session
def _app_session(sid: str, **state):
    """What session/holdings.py reads of Streamlit's AppSession: its SessionState's dicts and the
    lock its script holds while a widget's callback runs (an RLock, as in Streamlit 1.67)."""
    ss = NS(_new_session_state=dict(state), _old_state={},
            _new_widget_state=NS(states={}, widget_metadata={}))
    return NS(id=sid, session_state=ss, _scriptrunner=NS(_session_state=NS(_lock=threading.RLock())))


def test_two_sessions_asking_at_once_while_in_callbacks_do_not_deadlock(monkeypatch):
    """Seen with 30 students pressing Start together: session A gives back from B while holding the
    budget's lock, B's script holds its own state's lock in Start's callback and waits for the budget."""
    monkeypatch.setattr(budget.memory, "release", lambda: None)
    a = _app_session("a", **{"model.derived": {"x": np.ones(4 * MB // 8)}, holdings.NOTES_KEY: []})
    b = _app_session("b", **{"model.derived": {"x": np.ones(4 * MB // 8)}, holdings.NOTES_KEY: []})
    rss = [340 * MB]
    bud = Budget(400 * MB, "test", sessions=lambda: [a, b], steps=holdings.STEPS, rss=lambda: rss[0])
    b_in_callback, done = threading.Event(), {}

    def b_script():  # B's script: its state locked (a callback), asking the budget
        with b._scriptrunner._session_state._lock:
            b_in_callback.set()
            done["b"] = bud.admit(8 * MB, "b", "run")

    def a_script():  # A's script, inside admit() first, giving back from everyone
        with bud._admit_lock:
            threading.Thread(target=b_script, daemon=True).start()
            b_in_callback.wait(5)
            done["a"] = bud.give_back(8 * MB)

    threads = [threading.Thread(target=a_script, daemon=True)]
    threads[0].start()
    threads[0].join(10)
    b_in_callback.wait(5)
    for _ in range(100):  # B's answer comes once A is done
        if "b" in done:
            break
        threading.Event().wait(0.1)
    assert "a" in done and "b" in done, done  # both got their answer: no deadlock
    freed = done["a"]
    assert freed >= Sizer().held(np.ones(4 * MB // 8)) and a.session_state._new_session_state["model.derived"] == {}
    assert len(b.session_state._new_session_state["model.derived"]) == 1  # B, busy, was passed by
    assert done["b"] is None  # and B's own ask was answered (it fits: this RSS is a fixed number)


def test_a_busy_session_is_passed_by_and_given_back_later():
    s = _app_session("s", **{"model.undo": [np.ones(1000)] * 3, holdings.NOTES_KEY: []})
    lock, held = s._scriptrunner._session_state._lock, threading.Event()
    release = threading.Event()

    def script():
        with lock:
            held.set()
            release.wait(5)
    t = threading.Thread(target=script, daemon=True)
    t.start()
    held.wait(5)
    assert holdings.give_undo(s, Sizer) == 0  # busy: nothing taken
    assert len(s.session_state._new_session_state["model.undo"]) == 3
    release.set()
    t.join(5)
    assert holdings.give_undo(s, Sizer) > 0
    assert s.session_state._new_session_state["model.undo"] == []
    assert "undo history" in s.session_state._new_session_state[holdings.NOTES_KEY][0]  # and told why


def test_a_page_pass_over_the_limit_gives_back_first(monkeypatch):
    """working() (around every page run) gives back before the pass when RSS is over the limit,
    rather than waiting for the watch thread's next look."""
    monkeypatch.setattr(budget.memory, "release", lambda: None)
    s = FakeSession("s", 0, 0, 40 * MB)
    box = Box(330 * MB, [s])  # 370 MB: 18 MB over a 352 MB limit
    monkeypatch.setattr(budget, "_budget", _budget(box, 400))
    with budget.working():
        assert box.order == [("caches", "s")] and box.rss() < 352 * MB  # given back before the pass ran
    box.order.clear()
    with budget.working():
        assert box.order == []  # under the limit: nothing to give, nothing done
