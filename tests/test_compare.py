"""The Compare page in AppTest: a teaching pair keeps two runs and overlays them; a run that
ends on Train is kept; one digit goes through two models with each model's own numbers; the
session keeps few runs and bounded weights. A pair trains like Train's runs: in a background
thread at a low priority, in the line for a training slot, telling it honest estimates; it
carries on while the student is on another page; it is refused plainly while the session's
own run is active, and Train's Start waits for it; nothing is lost."""
import dataclasses
import html
import re
import threading
import time

import numpy as np
import pytest

import server.run
from devtools.apptest import answer, button, decode, figures, fresh, on_page, sidebar_text, texts, tiny_training
from nn_core import MLP, PAIRS, TrainConfig, Trainer
from server import estimate, resources
from server.slots import TrainingSlots
from session.pairs import PairJob
from session.runs import KeptRun, within_budget

PAGE = "app_pages/compare.py"


@pytest.fixture(autouse=True)
def free_slots(monkeypatch):
    """Every test starts with every training slot free; the pairs' threads are not niced here
    (test_run.py checks the niceness), so that a loaded machine does not slow the suite."""
    monkeypatch.setenv("NN_TRAIN_NICE", "0")
    resources.training_slots.clear()
    yield
    resources.training_slots.clear()


@pytest.fixture
def compare():
    return on_page(PAGE)


@pytest.fixture
def gate(monkeypatch):
    """Hold the pairs' training thread at its first chunk until the test opens the gate: a pair
    takes a fraction of a second on a quiet machine, and some checks are about it training."""
    opened, run_for = threading.Event(), Trainer.run_for

    def held(self, seconds):
        if threading.current_thread().name.startswith("train-"):
            assert opened.wait(120), "the gate was never opened"
        return run_for(self, seconds)

    monkeypatch.setattr(Trainer, "run_for", held)
    return opened


def finish_pair(at, seconds: float = 180.0):
    """Rerun (as the session's tick does) until the pair in training has ended."""
    deadline = time.monotonic() + seconds
    while at.session_state["pairs.job"] is not None:
        assert time.monotonic() < deadline, "the pair did not end"
        time.sleep(0.1)
        at.run()
        assert not at.exception, at.exception
    return at


def train_pair(at, title: str):
    button(at, title).click().run()
    assert not at.exception, at.exception
    return finish_pair(at)


def chart(at, title: str) -> dict:
    return next(f for f in figures(at) if f["layout"]["title"]["text"] == title)


def run_table(at) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the runs' table (an HTML table in an st.html element)."""
    body = next(h.proto.body for h in at.get("html") if '<div class="nn-run-table">' in h.proto.body)
    def cells(tag, part):
        return [html.unescape(c) for c in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", part)]
    head, rows = body.split("<tbody>")
    return cells("th", head), [cells("td", r) for r in rows.split("<tr>")[1:]]


def test_an_empty_session_says_how_to_get_runs(compare):
    assert "No runs yet" in " ".join(i.value for i in compare.info)
    assert [b.label for b in compare.button if b.key.startswith("compare.pair.")] == [p.title for p in PAIRS.values()]
    assert all(b.help for b in compare.button)
    assert not figures(compare)


def test_a_pair_trains_two_runs_one_setting_apart_and_overlays_them(compare):
    train_pair(compare, "ReLU vs sigmoid")
    kept = compare.session_state["runs.kept"]
    assert [r.config.activation for r in kept] == ["relu", "sigmoid"] and all(r.status == "done" for r in kept)
    assert compare.multiselect(key="compare.shown").value == [r.id for r in kept]
    acc = chart(compare, "Validation accuracy after each epoch")
    assert [t["name"] for t in acc["data"]] == [f"Run {r.id}: {r.name}" for r in kept] == ["Run 1: ReLU", "Run 2: sigmoid"]
    titles = [f["layout"]["title"]["text"] for f in figures(compare)]
    assert "Gradient size per layer (median RMS over the run)" not in titles  # it answers the question: not yet
    assert not compare.success
    answer(compare, "compare.q.gradients", 0)
    for trace, r in zip(acc["data"], kept):
        np.testing.assert_allclose(decode(trace["y"]), r.val_acc, rtol=1e-6)
    grads = chart(compare, "Gradient size per layer (median RMS over the run)")
    relu, sigmoid = ({x: y for x, y in zip(t["x"], t["y"])} for t in grads["data"])
    assert list(sigmoid) == ["dW1", "dW2", "dW3", "dW4"] and sigmoid["dW1"] < relu["dW1"] / 5  # vanishing, shown
    header, rows = run_table(compare)
    assert header[1] == "Activation g" and [row[1] for row in rows] == ["relu", "sigmoid"]  # the one that differs
    assert not {"Optimizer", "Learning rate α", "Hidden layer sizes"} & set(header)         # and only it
    assert [row[header.index("Val. accuracy")] for row in rows] == [f"{r.final_val_acc * 100:.2f} %" if
                                                                          r.final_val_acc >= 0.5 else
                                                                          f"{r.final_val_acc * 100:.1f} %" for r in kept]
    assert "vanishing gradient" in " ".join(s.value for s in compare.success)


def test_one_digit_through_two_models_shows_each_models_own_probabilities(compare):
    train_pair(compare, "SGD vs Adam")
    sgd, adam = compare.session_state["runs.kept"]
    assert (compare.selectbox(key="compare.a").value, compare.selectbox(key="compare.b").value) == (sgd.id, adam.id)
    x = compare.session_state["example.x"].reshape(1, -1)
    bars = chart(compare, "Probability of each digit")
    for trace, model in zip(bars["data"], (sgd.model, adam.model)):
        np.testing.assert_allclose(decode(trace["y"]), model.forward(x)[0][0], atol=1e-6)
    compare.selectbox(key="compare.a").set_value("shown").run()
    bars = chart(compare, "Probability of each digit")
    np.testing.assert_allclose(decode(bars["data"][0]["y"]), compare.session_state["model.current"].forward(x)[0][0],
                               atol=1e-6)


def test_a_kept_run_can_become_the_model_every_page_shows(compare):
    train_pair(compare, "A learning rate too high")
    low, high = compare.session_state["runs.kept"]
    compare.selectbox(key="compare.use").set_value(low.id).run()
    button(compare, "Show this run's model on every page").click().run()
    assert compare.session_state["model.current"] is low.model
    assert compare.session_state["model.info"]["name"] == "α = 0.1 (A learning rate too high)"
    button(compare, "Forget every kept run").click().run()
    assert compare.session_state["runs.kept"] == [] and "No runs yet" in " ".join(i.value for i in compare.info)
    assert compare.session_state["model.current"] is low.model  # forgetting the runs keeps the shown model


def test_a_run_that_ends_on_the_train_page_is_kept(one_step_ticks):  # noqa: F811 (the fixture)
    at = tiny_training(fresh())
    while at.session_state["train.running"]:
        at.run()
    (run,) = at.session_state["runs.kept"]
    t = at.session_state["train.trainer"]
    assert run.model is at.session_state["model.current"] and run.steps == t.step_count == 16
    assert run.val_acc == tuple(t.history.val_acc) and run.config == t.config
    at.switch_page(PAGE).run()
    assert not at.exception and at.multiselect(key="compare.shown").value == [run.id]


def test_a_pair_trains_in_a_background_thread_at_low_priority_telling_the_line_its_estimate(compare, monkeypatch,
                                                                                              gate):
    """It trained in the page's script thread at normal priority, telling the line 4 s, then 2 s."""
    told, trained_in, lowered = [], set(), set()
    acquire, run_for, lower = TrainingSlots.acquire, Trainer.run_for, server.run.lower_priority
    monkeypatch.setattr(TrainingSlots, "acquire", lambda self, sid, seconds=0.0: told.append(seconds) or
                        acquire(self, sid, seconds))
    monkeypatch.setattr(Trainer, "run_for", lambda self, s: trained_in.add(threading.current_thread().name) or
                        run_for(self, s))
    monkeypatch.setattr(server.run, "lower_priority", lambda *a: lowered.add(threading.current_thread().name) or
                        lower(*a))
    button(compare, "SGD vs Adam").click().run()
    job = compare.session_state["pairs.job"]
    assert job is not None and job.run is not None and not job.queued  # the click returned; the pair trains on
    expected = sum(estimate.seconds(c, 30.0) for c in PAIRS["sgd-adam"].configs())  # the cost model at this speed
    assert told[0] == pytest.approx(expected) and 0 < told[0] < 60
    gate.set()
    finish_pair(compare)
    assert trained_in and all(name.startswith("train-") for name in trained_in) and lowered == trained_in
    assert len(told) >= 2 and all(0 <= s <= 60 for s in told)  # renewed as it trained (the ETAs: test_run.py)
    assert [r.name for r in compare.session_state["runs.kept"]] == ["SGD", "Adam"]
    assert resources.training_slots().in_use() == 0
    compare.session_state["pairs.job"] = job  # a rerun that overlapped the one that kept the runs
    compare.run()
    assert [r.name for r in compare.session_state["runs.kept"]] == ["SGD", "Adam"]  # kept once
    assert compare.session_state["pairs.job"] is None and not compare.exception


@pytest.mark.slow  # ~1.6 s (make quick leaves it to test-core)
def test_a_pair_waits_in_line_and_starts_on_its_turn_losing_nothing(compare):
    compare.session_state["runs.kept"] = before = [_run(1, MLP((784, 16, 10))), _run(2, None)]  # kept earlier
    compare.session_state["runs.next_id"] = 3
    slots = resources.training_slots()
    others = []
    while slots.acquire(f"another session {len(others)}", 20.0):  # every slot taken, for 20 s more
        others.append(f"another session {len(others)}")
    button(compare, "ReLU vs sigmoid").click().run()
    assert not compare.exception and compare.session_state["pairs.job"].queued
    wait = re.search(r"Your pair is \*\*1st in line\*\*: it starts by itself in about (\d+) s", texts(compare.info))
    assert wait and 10 <= int(wait.group(1)) <= 20  # what the holders said they had left
    assert "Teaching pair “ReLU vs sigmoid”: waiting in line" in sidebar_text(compare)
    assert compare.session_state["runs.kept"] == before  # nothing lost, nothing added yet
    for other in others:  # (their leases would lapse after 15 s on a very busy machine)
        slots.renew(other, 20.0)
    compare.run()
    assert compare.session_state["pairs.job"].queued  # still waiting: the slot is not free
    slots.release(others[0])
    finish_pair(compare)
    kept = compare.session_state["runs.kept"]
    assert kept[:2] == before and [r.name for r in kept[2:]] == ["ReLU", "sigmoid"]
    assert compare.multiselect(key="compare.shown").value == [r.id for r in kept[2:]]


def test_a_student_who_leaves_the_page_finds_the_pair_when_back(compare, gate):
    button(compare, "A learning rate too high").click().run()
    compare.switch_page("app_pages/draw.py").run()  # the pair goes on: the sidebar's tick watches it
    assert "Teaching pair “A learning rate too high”: run 1 of 2, step 0 of 471" in sidebar_text(compare)
    gate.set()
    finish_pair(compare)
    assert not compare.session_state["train.running"] and len(compare.session_state["runs.kept"]) == 2
    compare.switch_page(PAGE).run()
    low, high = compare.session_state["runs.kept"]
    assert compare.multiselect(key="compare.shown").value == [low.id, high.id]
    assert (compare.selectbox(key="compare.a").value, compare.selectbox(key="compare.b").value) == (low.id, high.id)
    assert not compare.success  # the pair's lesson waits for the page's question
    answer(compare, "compare.q.gradients", 0)
    assert "every step overshoots" in texts(compare.success)  # the pair's lesson, under its two runs
    assert chart(compare, "Validation accuracy after each epoch")


def test_pairs_are_refused_plainly_while_the_sessions_own_run_is_active(compare):
    compare.session_state["train.running"] = True
    compare.run()
    assert all(b.disabled for b in compare.button if b.key.startswith("compare.pair."))
    assert "pause it there" in texts(compare.info)
    compare.session_state["train.running"] = False
    compare.run()
    compare.session_state["train.running"] = True  # the run started after the page was drawn
    button(compare, "ReLU vs sigmoid").click().run()  # (Streamlit drops presses of disabled buttons)
    assert not compare.exception and compare.session_state["pairs.job"] is None
    assert "Your run on the Train page is training: pause it there" in texts(compare.warning)
    assert compare.session_state["runs.kept"] == [] and resources.training_slots().in_use() == 0


def test_train_waits_for_the_pair_and_a_cancelled_pair_leaves_nothing(compare, gate):
    button(compare, "ReLU vs sigmoid").click().run()
    compare.switch_page("app_pages/train.py").run()
    assert button(compare, "Start").disabled and "A teaching pair is training" in texts(compare.info)
    compare.switch_page(PAGE).run()
    gate.set()  # (Cancel waits for the chunk in progress)
    button(compare, "Cancel the pair").click().run()
    assert compare.session_state["pairs.job"] is None and compare.session_state["runs.kept"] == []
    assert resources.training_slots().in_use() == 0 and resources.training_slots().waiting() == 0
    compare.switch_page("app_pages/train.py").run()
    assert not button(compare, "Start").disabled
    compare.session_state["pairs.job"] = PairJob("sgd-adam", tuple(Trainer(c, resources.dataset()) for c in
                                                 PAIRS["sgd-adam"].configs()), (1.0, 1.0), queued=True)
    button(compare, "Start").click().run()  # a pair began after the page was drawn: Start is refused
    assert compare.session_state["train.trainer"] is None and not compare.session_state["train.running"]
    assert "A teaching pair is waiting in line for a training slot on the Compare page" in texts(compare.error)
    assert "Your settings and any paused run are kept." in texts(compare.error)
    compare.switch_page(PAGE).run()
    button(compare, "Cancel the pair").click().run()
    assert resources.training_slots().in_use() == 0 and compare.session_state["pairs.job"] is None


def _run(i: int, n_params_model: MLP | None) -> KeptRun:
    return KeptRun(i, f"run {i}", TrainConfig(), "done", "", 1, 1.0, 1, (0.5,), (1.0,), np.zeros(1, np.float32),
                   np.zeros(1, np.float32), {"W1": 1.0}, n_params_model)


def test_a_session_keeps_few_runs_and_drops_old_weights_first():
    model = MLP((784, 16, 10))
    size = sum(p.nbytes for p in model.params.values())
    runs = within_budget([_run(i, model) for i in range(9)], max_runs=6, max_bytes=4 * size)
    assert [r.id for r in runs] == [3, 4, 5, 6, 7, 8]                          # the newest six
    assert [r.model is None for r in runs] == [True, True, False, False, False, False]  # oldest weights go first
    assert dataclasses.replace(runs[0], model=model).nbytes == size
