"""The Compare page in AppTest: a teaching pair keeps two runs and overlays them; a run that
ends on Train is kept; one digit goes through two models with each model's own numbers; the
session keeps few runs and bounded weights; pairs wait for the session's own run and for a
free server slot, losing nothing."""
import dataclasses
import html
import re

import numpy as np
import pytest

from devtools.apptest import button, decode, figures, fresh, on_page, tiny_training
from nn_core import MLP, PAIRS, TrainConfig
from session.runs import KeptRun, within_budget

PAGE = "app_pages/compare.py"


@pytest.fixture
def compare():
    return on_page(PAGE)


def chart(at, title: str) -> dict:
    return next(f for f in figures(at) if f["layout"]["title"]["text"] == title)


def run_table(at) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the runs' table (an HTML table in an st.html element)."""
    body = next(h.proto.body for h in at.get("html") if '<div class="nn-run-table">' in h.proto.body)
    cells = lambda tag, part: [html.unescape(c) for c in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", part)]
    head, rows = body.split("<tbody>")
    return cells("th", head), [cells("td", r) for r in rows.split("<tr>")[1:]]


def test_an_empty_session_says_how_to_get_runs(compare):
    assert "No runs yet" in " ".join(i.value for i in compare.info)
    assert [b.label for b in compare.button if b.key.startswith("compare.pair.")] == [p.title for p in PAIRS.values()]
    assert all(b.help for b in compare.button)
    assert not figures(compare)


def test_a_pair_trains_two_runs_one_setting_apart_and_overlays_them(compare):
    button(compare, "ReLU vs sigmoid").click().run()
    assert not compare.exception, compare.exception
    kept = compare.session_state["runs.kept"]
    assert [r.config.activation for r in kept] == ["relu", "sigmoid"] and all(r.status == "done" for r in kept)
    assert compare.multiselect(key="compare.shown").value == [r.id for r in kept]
    acc = chart(compare, "Validation accuracy after each epoch")
    assert [t["name"] for t in acc["data"]] == [f"Run {r.id}: {r.name}" for r in kept] == ["Run 1: ReLU", "Run 2: sigmoid"]
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
    button(compare, "SGD vs Adam").click().run()
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
    button(compare, "A learning rate too high").click().run()
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


def test_pairs_wait_for_the_sessions_own_run_and_for_a_free_slot(compare, monkeypatch):
    compare.session_state["train.running"] = True
    compare.run()
    assert all(b.disabled for b in compare.button if b.key.startswith("compare.pair."))
    assert "pause it there" in " ".join(i.value for i in compare.info)
    compare.session_state["train.running"] = False
    compare.run()
    button(compare, "SGD vs Adam").click().run()
    before = list(compare.session_state["runs.kept"])
    monkeypatch.setattr("server.slots.TrainingSlots.acquire", lambda *a, **k: False)  # every slot taken
    button(compare, "ReLU vs sigmoid").click().run()
    assert not compare.exception
    assert "Every training slot on this server is in use" in " ".join(w.value for w in compare.warning)
    assert compare.session_state["runs.kept"] == before  # nothing lost, nothing added


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
