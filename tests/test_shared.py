"""One server, many people: sessions stay apart, the training limit holds, shared data is
read-only, and bad links and bad files are explained without losing anything."""
import dataclasses

import pytest

from nn_core import MLP, dumps_model
from test_app import button, fresh, one_step_ticks, texts, tiny_training  # noqa: F401 (fixture)
from test_pages import DIGITS, draw
from ui import resources
from ui.limits import Limits, TrainingSlots, read_limits


@pytest.fixture
def one_training_at_a_time(monkeypatch):
    monkeypatch.setenv("NN_MAX_TRAININGS", "1")
    resources.limits.clear()
    resources.training_slots.clear()
    yield
    monkeypatch.delenv("NN_MAX_TRAININGS")
    resources.limits.clear()
    resources.training_slots.clear()


# ------------------------------------------------------------------ limits
def test_limits_come_from_the_environment_then_secrets_then_defaults():
    assert read_limits({}, {}) == Limits()
    limits = read_limits({"NN_MAX_HIDDEN": "64"}, {"limits": {"max_hidden": 32, "max_epochs": "20"}})
    assert limits.max_hidden == 64 and limits.max_epochs == 20 and limits.max_trainings == Limits().max_trainings
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


def test_the_server_wide_limit_turns_a_second_training_into_a_busy_note(one_training_at_a_time, one_step_ticks):
    alice = tiny_training(fresh(), epochs=50)
    assert alice.session_state["train.running"]
    bob = tiny_training(fresh(), epochs=2)
    assert not bob.session_state["train.running"] and bob.session_state["train.trainer"] is None
    assert "busy" in texts(bob.error) and "Try again shortly" in texts(bob.error)
    assert not bob.exception
    button(alice, "Pause").click().run()                      # a paused run frees its slot
    button(bob, "Start").click().run()
    assert bob.session_state["train.running"] and not bob.error
    assert "busy" in texts(button(alice, "Resume").click().run().error)
    assert not alice.session_state["train.running"]


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
    ({"lr": "nan"}, "lr", 0.002, "not a number"),
    ({"batch": "7"}, "batch", 0, "using 0"),
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


def test_markup_in_a_link_is_shown_as_text():
    at = fresh({"hidden": "<img src=x onerror=alert(1)>"})
    at.switch_page("app_pages/train.py").run()
    assert "`<img src=x onerror=alert(1)>`" in texts(at.error)
    assert button(at, "Start").disabled and not at.exception


# ------------------------------------------------------------------ files (hostile uploads: tests/test_upload.py)
def _repo_files() -> dict:
    from conftest import ROOT
    skip = {".git", "artifacts", "__pycache__", ".pytest_cache", ".venv", ".hypothesis"}
    return {str(p): p.stat().st_mtime_ns for p in ROOT.rglob("*")
            if p.is_file() and not skip.intersection(p.relative_to(ROOT).parts)}


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
