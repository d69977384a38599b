"""One server, many people: sessions stay apart, the training limit holds, shared data is
read-only, and bad links and bad files are explained without losing anything."""
import dataclasses

import pytest

from devtools.apptest import DIGITS, button, draw, fresh, texts, tiny_training
from nn_core import MLP, dumps_model
from server import resources
from server.limits import Limits, read_limits
from server.slots import TrainingSlots


@pytest.fixture
def one_training_at_a_time(monkeypatch):
    monkeypatch.setenv("NN_MAX_TRAININGS", "1")
    resources.limits.clear()
    resources.training_slots.clear()
    yield
    monkeypatch.delenv("NN_MAX_TRAININGS")
    resources.limits.clear()
    resources.training_slots.clear()


@pytest.fixture
def free_slots():
    """Training slots are server-wide (one process here): runs of earlier tests must not hold them."""
    resources.training_slots.clear()
    yield
    resources.training_slots.clear()


# ------------------------------------------------------------------ limits
def test_limits_come_from_the_environment_then_secrets_then_defaults():
    assert read_limits({}, {}) == Limits()
    limits = read_limits({"NN_MAX_HIDDEN": "64", "NN_MAX_RUN_MINUTES": "10"},
                         {"limits": {"max_hidden": 32, "max_epochs": "20"}})
    assert limits.max_hidden == 64 and limits.max_epochs == 20 and limits.max_trainings == Limits().max_trainings
    assert limits.max_run_minutes == 10 and Limits().max_run_minutes == 5
    # nonsense is ignored (and logged), never fatal
    assert read_limits({"NN_MAX_EPOCHS": "lots", "NN_MAX_TRAIN": "-5"}, {"limits": "oops"}) == Limits()


def test_snapshot_budget():
    limits = Limits(snapshot_mb=24)
    assert limits.max_snapshots(101_770) == 24                # the fast preset: 0.4 MB each
    assert limits.max_snapshots(535_818) == 11                # best: 2.1 MB each
    assert limits.max_snapshots(50_000_000) == 2              # never fewer than start and end


def test_training_slots_are_leased():
    now = [0.0]
    slots = TrainingSlots(2, lease=10, clock=lambda: now[0])
    assert slots.acquire("a") and slots.acquire("b") and not slots.acquire("c")
    assert slots.acquire("a")                                 # holding one already
    slots.release("a")
    assert slots.acquire("c") and slots.in_use() == 2
    now[0] = 5.0
    slots.renew("b")
    now[0] = 12.0                                             # c went quiet 12 s ago: its browser is gone
    assert slots.in_use() == 1 and slots.acquire("d")


def test_a_lapsed_lease_is_not_taken_again_when_every_slot_is_in_use():
    """A throttled tab coming back must not make a third run with two slots."""
    now = [0.0]
    slots = TrainingSlots(2, lease=10, clock=lambda: now[0])
    assert slots.acquire("a") and slots.acquire("b")
    now[0] = 8.0
    assert slots.renew("b")
    now[0] = 12.0                                             # a's ticks stopped 12 s ago
    assert slots.acquire("c")                                 # so its slot went to c
    assert not slots.renew("a") and slots.in_use() == 2       # a is back: no slot for it
    slots.release("c")
    assert slots.renew("a") and slots.in_use() == 2           # a free one: taken again


def test_a_run_that_lost_its_slot_pauses_and_says_so(one_training_at_a_time, one_step_ticks):
    alice = tiny_training(fresh(), epochs=50)
    sid = alice.session_state["session.id"]
    slots = resources.training_slots()
    slots.release(sid)                                        # as if her lease lapsed in a background tab
    assert slots.acquire("bob")                               # and someone else started meanwhile
    steps = alice.session_state["train.trainer"].step_count
    alice.run()
    assert not alice.session_state["train.running"] and not alice.exception
    assert "lose its training slot" in texts(alice.error) and "press Resume" in texts(alice.error)
    assert alice.session_state["train.trainer"].step_count == steps and slots.in_use() == 1
    slots.release("bob")
    button(alice, "Resume").click().run()
    assert alice.session_state["train.running"] and not alice.error


def test_a_run_stops_at_the_servers_time_limit_and_keeps_its_model(one_step_ticks, free_slots):
    at = tiny_training(fresh(), epochs=50)
    trainer = at.session_state["train.trainer"]
    assert trainer.time_limit == 60 * Limits().max_run_minutes
    trainer.time_limit = trainer.elapsed                      # reached at the next step
    at.run()
    assert trainer.status == "stopped" and not at.session_state["train.running"] and not at.exception
    notice = texts(at.success)
    assert "this server's limit per run" in notice and f"at step {trainer.step_count:,} of 400" in notice
    assert at.session_state["model.current"].layer_sizes == (784, 16, 10)  # the model so far is the result
    assert any("stopped: time limit" in p.proto.text for p in at.sidebar.get("progress"))
    assert resources.training_slots().in_use() == 0


def test_the_train_page_estimates_the_run_time_and_warns_over_the_limit():
    at = fresh()
    at.switch_page("app_pages/train.py").run()
    captions = " ".join(c.value for c in at.caption)
    assert "Estimated training time: about" in captions and "limit per run: 5 min" in captions
    at = fresh({"hidden": "512,512,512,512", "batch": "16", "epochs": "500"})  # issue 9's 11-hour run
    at.switch_page("app_pages/train.py").run()
    warning = texts(at.warning)
    assert "This run would take about" in warning and " h of training" in warning and "after 5 min" in warning
    assert not button(at, "Start").disabled  # allowed: it will stop at the limit


def test_a_second_training_waits_in_line_and_starts_by_itself(one_training_at_a_time, one_step_ticks):
    alice = tiny_training(fresh(), epochs=50)
    assert alice.session_state["train.running"]
    bob = tiny_training(fresh(), epochs=2)
    assert not bob.session_state["train.running"] and bob.session_state["train.trainer"] is None
    assert bob.session_state["train.queued"]["action"] == "start" and not bob.error and not bob.exception
    note = texts(bob.info)
    assert "You are **1st in line**" in note and "starts by itself in about" in note, note
    assert button(bob, "Start").disabled
    bob.run()                                                 # a tick while alice trains: still waiting
    assert bob.session_state["train.queued"] and "1st in line" in texts(bob.info)
    button(alice, "Pause").click().run()                      # a paused run frees its slot
    bob.run()                                                 # bob's tick: his turn, his run starts
    assert bob.session_state["train.running"] and bob.session_state["train.queued"] is None
    assert bob.session_state["train.trainer"].config.epochs == 2 and not bob.error
    button(alice, "Resume").click().run()                     # now alice waits for bob
    assert not alice.session_state["train.running"] and "1st in line" in texts(alice.info)
    button(alice, "Cancel").click().run()                     # and leaves the line, keeping her paused run
    assert alice.session_state["train.queued"] is None and resources.training_slots().waiting() == 0
    assert alice.session_state["train.trainer"].step_count > 0 and not button(alice, "Resume").disabled


# ------------------------------------------------------------------ isolation
def test_two_sessions_keep_their_models_drawings_and_uploads_apart(one_step_ticks):
    alice = tiny_training(fresh(), epochs=1)
    for _ in range(20):
        if not alice.session_state["train.running"]:
            break
        alice.run()
    bob = fresh()
    bob.switch_page("app_pages/train.py").run()
    bob.file_uploader(key="upload.model").set_value(
        ("bob.npz", dumps_model(MLP([784, 24, 10], activation="tanh")), "application/octet-stream")).run()
    bob = draw(bob.switch_page("app_pages/draw.py").run(), DIGITS["7"])
    assert alice.session_state["model.current"].layer_sizes == (784, 16, 10)
    assert bob.session_state["model.current"].layer_sizes == (784, 24, 10)
    assert alice.session_state["example.x"] is None and bob.session_state["example.x"] is not None
    assert bob.session_state["train.trainer"] is None and alice.session_state["train.trainer"] is not None
    assert alice.session_state["session.id"] != bob.session_state["session.id"]
    alice.run()
    assert alice.session_state["model.current"].layer_sizes == (784, 16, 10)


def test_shared_resources_are_read_only():
    data = resources.dataset()
    model, _ = resources.default_model()
    arrays = [data.x_train, data.y_train, data.x_val, data.x_test, data.y_test, *model.params.values()]
    arrays += [p for s in resources.default_snapshots() for p in s.params.values()]
    assert arrays and not any(a.flags.writeable for a in arrays)
    with pytest.raises(ValueError, match="read-only"):
        model.params["W1"][0, 0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        resources.limits().max_hidden = 10**6


# ------------------------------------------------------------------ links
@pytest.mark.parametrize("query, key, expected, note", [
    ({"epochs": "100000"}, "epochs", 500, "using 500"),
    ({"epochs": "0"}, "epochs", 1, "using 1"),
    ({"lr": "0.3"}, "lr", 0.2, "using 0.2"),
    ({"lr": "abc"}, "lr", 0.002, "not a number"),
    ({"lr": "nan"}, "lr", 0.002, "not a finite number"),
    ({"batch": "7"}, "batch", 0, "using full batch"),
    ({"epochs": "inf"}, "epochs", 5, "not a finite number"),
    ({"epochs": "-inf"}, "epochs", 5, "not a finite number"),
    ({"epochs": "1e309"}, "epochs", 5, "not a finite number"),
    ({"epochs": "2.6"}, "epochs", 3, "not a whole number: using 3"),
    ({"seed": "inf"}, "seed", 0, "not a finite number"),
    ({"seed": "1e400"}, "seed", 0, "not a finite number"),
    ({"lr": "-1e-3"}, "lr", 0.0001, "using 0.0001"),
    ({"l2": "0.5"}, "l2", 0.01, "using 0.01"),
    ({"n_train": "999999"}, "n_train", 55000, "using 55000"),
    ({"seed": "-5"}, "seed", 0, "using 0"),
    ({"preset": "<b>nope</b>"}, "preset", "fast", "is not one of"),
    ({"optimizer": "[x](javascript:alert(1))"}, "optimizer", "adam", "is not one of"),
])
def test_bad_link_values_are_clamped_or_refused_with_a_message(query, key, expected, note):
    at = fresh(query)
    at.switch_page("app_pages/train.py").run()
    assert not at.exception
    assert at.session_state[key] == expected
    warnings = texts(at.warning)
    assert note in warnings
    raw = next(iter(query.values()))
    assert f"`{raw}`" in warnings                             # echoed as inline code: no markup rendered
    assert "<b>" not in "".join(m.value for m in at.markdown)


@pytest.mark.parametrize("query, expected", [
    ({"lr": "10"}, {"lr": 10.0}),
    ({"lr": "10.0"}, {"lr": 10.0}),
    ({"lr": "1e-3"}, {"lr": 0.001}),
    ({"epochs": "7.0", "seed": "1e3"}, {"epochs": 7, "seed": 1000}),
    ({"batch": "full batch", "l2": "1e-4"}, {"batch": 0, "l2": 0.0001}),
    ({"batch": "0", "n_train": "all"}, {"batch": 0, "n_train": 55000}),
    ({"activation": "TANH", "preset": "Best"}, {"activation": "tanh", "hidden": "512, 256"}),
    ({"preset": "best"}, {"hidden": "512, 256", "lr": 0.001, "l2": 1e-05, "batch": 128, "epochs": 12}),
    ({"preset": "best", "lr": "0.01", "epochs": "3"}, {"hidden": "512, 256", "lr": 0.01, "epochs": 3, "batch": 128}),
], ids=["lr=10", "lr=10.0", "lr=1e-3", "ints-as-floats", "labels", "zeros", "any-case", "preset", "preset+own"])
def test_links_are_read_as_people_type_them(query, expected):
    at = fresh(query)
    at.switch_page("app_pages/train.py").run()
    assert not at.exception and not at.warning
    assert {k: at.session_state[k] for k in expected} == expected
    assert not button(at, "Start").disabled


@pytest.mark.parametrize("query, notes", [
    ({"epochs": "inf"}, ["epochs=`inf` is not a finite number: ignored"]),
    ({"foo": "bar"}, ["`foo`=`bar` is not a setting of this app: ignored"]),
    ({"preset": ["a", "b"]}, ["gives preset 2 times (`a`, `b`): using the last one", "preset=`b` is not one of"]),
    ({"preset": ["best", "column-10"], "seed": "inf", "zzz": "<b>"},
     ["gives preset 2 times", "seed=`inf` is not a finite number", "`zzz`=`<b>` is not a setting"]),
], ids=["inf", "unknown", "repeated", "all-at-once"])
def test_a_bad_link_is_explained_fixed_and_the_page_works(query, notes, one_step_ticks, free_slots):
    at = fresh(query)
    at.switch_page("app_pages/train.py").run()
    assert not at.exception
    warnings = texts(at.warning)
    assert all(n in warnings for n in notes), warnings
    # the link was rewritten without what was wrong with it, so it cannot break the widgets again
    assert "inf" not in str(dict(at.query_params)) and "foo" not in at.query_params and "zzz" not in at.query_params
    assert all(not isinstance(v, list) or len(v) == 1 for v in at.query_params.values())
    at.run()
    assert texts(at.warning) == warnings and not at.exception  # said once, kept until Start
    button(at, "Start").click().run()
    assert at.session_state["train.running"] and not at.warning and not at.exception


def test_a_preset_chosen_in_the_page_goes_into_the_link():
    at = fresh()
    at.switch_page("app_pages/train.py").run()
    at.selectbox(key="preset").set_value("column-10").run()
    assert at.query_params["preset"] == "column-10" and at.session_state["batch"] == 0
    at.selectbox(key="preset").set_value("fast").run()
    assert "preset" not in at.query_params and at.session_state["batch"] == 64


def test_markup_in_a_link_is_shown_as_text():
    at = fresh({"hidden": "<img src=x onerror=alert(1)>"})
    at.switch_page("app_pages/train.py").run()
    assert "`<img src=x onerror=alert(1)>`" in texts(at.error)
    assert button(at, "Start").disabled and not at.exception


# ------------------------------------------------------------------ files (hostile uploads: tests/test_upload.py)
def _repo_files() -> dict:
    from devtools.paths import ROOT
    skip = {".git", "artifacts", "__pycache__", ".pytest_cache", ".venv", ".hypothesis"}
    return {str(p): p.stat().st_mtime_ns for p in ROOT.rglob("*")
            if p.is_file() and not skip.intersection(p.relative_to(ROOT).parts)}


@pytest.mark.slow  # ~5 s (make quick leaves it to test-core)
def test_a_session_writes_nothing_in_the_app_directory(one_step_ticks):
    """Community Cloud runs from the repository: the app must not write into it."""
    before = _repo_files()
    at = tiny_training(fresh(), epochs=1)
    for _ in range(20):
        if not at.session_state["train.running"]:
            break
        at.run()
    at.file_uploader(key="upload.model").set_value(("m.npz", dumps_model(MLP([784, 8, 10])), "x")).run()
    at = draw(at.switch_page("app_pages/draw.py").run(), DIGITS["0"])
    for page in ("app_pages/backprop.py", "app_pages/evaluate.py", "app_pages/weights.py", "app_pages/home.py"):
        at.switch_page(page).run()
        assert not at.exception, page
    assert _repo_files() == before
