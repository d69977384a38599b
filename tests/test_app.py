"""The dashboard in Streamlit's AppTest: pages run, training runs through the fragment,
links set hyperparameters, uploads work, divergence is caught (hostile uploads:
tests/test_upload.py)."""
import numpy as np
import pytest

from devtools.apptest import (
    PAGES,
    answer,
    button,
    derived,
    figures,
    fresh,
    mosaic,
    sidebar_text,
    texts,
    tiny_training,
    upload_model,
)
from nn_core import MLP, dumps_model
from ui.numbers import percent


def test_every_page_runs_in_a_fresh_session():
    at = fresh()
    assert "Pretrained" in sidebar_text(at) and "101,770 parameters" in sidebar_text(at)
    assert "How a neural network learns" in at.title[0].value
    assert len(at.get("image")) == 2 and len(at.table) == 1 and len(at.latex) >= 3  # the parameter table: once answered
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert at.title, page
        assert "Current model" in sidebar_text(at) and "Training" in sidebar_text(at), page


def test_training_runs_chunk_by_chunk_and_publishes_the_model(one_step_ticks):
    at = tiny_training(fresh())
    trainer = at.session_state["train.trainer"]
    assert at.session_state["train.running"] and trainer.step_count == 1  # the Start rerun trained one chunk
    runs = 1
    while at.session_state["train.running"] and runs < 100:
        at.run()
        runs += 1
    assert not at.exception
    assert trainer.status == "done" and trainer.step_count == 2 * 8 == runs  # 1000 images / 128 = 8 steps/epoch
    model = at.session_state["model.current"]
    assert model.layer_sizes == (784, 16, 10) and model is not trainer.model
    val = trainer.history.val_acc[-1]
    assert f"Training finished: validation accuracy {percent(val)}" in texts(at.success)
    assert "test accuracy is on the Evaluate page" in texts(at.success)
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert {"Loss J (cross-entropy)", "Accuracy", "Weights and gradients, RMS per weight"} <= set(titles)
    assert "784-16-10 relu (custom)" in sidebar_text(at) and "epoch 2/2" in sidebar_text(at)
    scores = derived(at, "model.test_scores")  # the finished run's test pass, kept for Evaluate
    assert scores.model is model and at.session_state["model.info"]["metrics"]["test_accuracy"] == scores.accuracy


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_no_dead_units_chart_where_units_cannot_die(one_step_ticks, activation):
    at = tiny_training(fresh(), epochs=1, activation=activation)
    at.run()
    assert not at.exception, at.exception
    button(at, "Pause").click().run()  # paused: the charts stay, and the server's training slot is free
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert "Accuracy" in titles and not any("Dead" in t or "Z ≤ 0" in t for t in titles)
    assert f"No dead-units chart for {activation}" in texts(at.info)


def test_a_dead_units_chart_for_relu_with_its_caption(one_step_ticks):
    at = tiny_training(fresh(), epochs=1)
    at.run()
    button(at, "Pause").click().run()
    assert "Dead hidden units" in [f["layout"]["title"]["text"] for f in figures(at)]
    assert "A ReLU unit whose weighted sum Z is ≤ 0" in texts(at.caption)


def test_home_numbers_agree_with_the_table():
    at = fresh()
    answer(at, "home.q.params", 0)  # its table appears once its question is answered
    counts = at.table[1].value  # digit, then train / validation / test counts
    train = [int(v.replace(",", "")) for v in counts.iloc[:, 1]]
    caption = " ".join(texts(at.caption).split())
    most, least = int(np.argmax(train)), int(np.argmin(train))
    assert f"{most}s are the most common ({max(train):,}) and {least}s the least ({min(train):,})" in caption
    params = at.table[0].value["parameters"].astype(int).sum()
    assert f"{params:,} numbers in all" in caption and params == 101_770


def test_pause_stops_and_resume_carries_on(one_step_ticks):
    at = tiny_training(fresh(), epochs=5)
    at.run()
    button(at, "Pause").click().run()
    trainer = at.session_state["train.trainer"]
    paused_at = trainer.step_count
    for _ in range(3):
        at.run()
    assert trainer.step_count == paused_at and not at.session_state["train.running"]
    assert at.session_state["model.current"].layer_sizes == (784, 128, 10)  # other pages unchanged
    button(at, "Resume").click().run()
    at.run()
    assert trainer.step_count > paused_at
    button(at, "Pause").click().run()
    button(at, "Use the paused model now").click().run()
    assert at.session_state["model.current"].layer_sizes == (784, 16, 10)
    button(at, "Reset").click().run()
    assert at.session_state["train.trainer"] is None and not at.exception


def test_a_link_sets_the_hyperparameters():
    at = fresh({"hidden": "64, 32", "lr": "0.05", "epochs": "7", "optimizer": "momentum", "seed": "3",
                "n_train": "20000", "l2": "0.0001", "batch": "128", "activation": "tanh", "schedule": "constant"})
    at.switch_page("app_pages/train.py").run()
    assert at.text_input(key="hidden").value == "64, 32"
    assert at.select_slider(key="lr").value == 0.05
    assert at.number_input(key="epochs").value == 7
    assert at.selectbox(key="optimizer").value == "momentum"
    assert at.number_input(key="seed").value == 3
    assert at.select_slider(key="n_train").value == 20000 and at.select_slider(key="l2").value == 0.0001
    assert at.selectbox(key="batch").value == 128 and at.selectbox(key="activation").value == "tanh"
    assert at.selectbox(key="schedule").value == "constant"


def test_choosing_a_preset_fills_every_setting():
    at = fresh()
    at.switch_page("app_pages/train.py").run()
    at.selectbox(key="preset").set_value("multidim-16-16").run()
    assert at.text_input(key="hidden").value == "16, 16"
    assert at.selectbox(key="optimizer").value == "sgd" and at.select_slider(key="lr").value == 0.1
    assert at.selectbox(key="batch").value == 32 and at.number_input(key="epochs").value == 10


@pytest.mark.parametrize("hidden, message", [("abc", "whole numbers"), ("", "at least one"), ("5000", "1 to 512"),
                                             ("8,8,8,8,8", "At most 4")])
def test_bad_hidden_sizes_are_explained_and_start_is_disabled(hidden, message):
    at = fresh()
    at.switch_page("app_pages/train.py").run()
    at.text_input(key="hidden").set_value(hidden).run()
    assert message in texts(at.error)
    assert button(at, "Start").disabled and not at.exception


def test_divergence_is_stopped_and_explained(one_step_ticks):
    at = tiny_training(fresh(), epochs=3, lr=10.0, optimizer="sgd")
    for _ in range(30):
        if not at.session_state["train.running"]:
            break
        at.run()
    assert at.session_state["train.trainer"].status == "diverged"
    assert "learning rate" in texts(at.error) and "last good weights" in texts(at.error)
    assert at.session_state["model.current"].layer_sizes == (784, 128, 10)  # the shown model is untouched
    assert not at.exception


def test_a_good_upload_becomes_the_current_model():
    at = fresh()
    at.switch_page("app_pages/train.py").run()
    model = MLP([784, 20, 10], activation="tanh", seed=4)
    upload_model(at, "mine.npz", dumps_model(model))
    assert "Loaded `mine.npz`" in texts(at.success)
    current = at.session_state["model.current"]
    assert current.layer_sizes == (784, 20, 10) and np.array_equal(current.params["W1"], model.params["W1"])
    at.switch_page("app_pages/weights.py").run()
    assert not at.exception


def test_weights_page_scrubs_the_pretrained_models_training_at_first_load():
    at = fresh()
    at.switch_page("app_pages/weights.py").run()
    slider = at.select_slider(key="weights.snapshot")
    epochs = at.session_state["model.info"]["config"]["epochs"]  # 10 for the shipped model
    assert len(slider.options) == epochs + 1 and slider.value == epochs and not at.info  # the start + each epoch
    slider.set_value(0).run()
    assert not at.exception and "at initialisation" in " ".join(h.value for h in at.header)


def test_an_uploaded_model_has_no_snapshots_and_says_so():
    at = fresh()
    at.switch_page("app_pages/train.py").run()
    upload_model(at, "mine.npz", dumps_model(MLP([784, 20, 10])))
    at.switch_page("app_pages/weights.py").run()
    assert "snapshots are not here" in texts(at.info)


def test_weights_page_scrubs_through_snapshots(one_step_ticks):
    at = tiny_training(fresh())
    while at.session_state["train.running"]:
        at.run()
    at.switch_page("app_pages/weights.py").run()
    slider = at.select_slider(key="weights.snapshot")
    assert slider.value == 2 and len(slider.options) == 3  # initial weights, after epoch 1, after epoch 2
    final = mosaic(at)
    slider.set_value(0).run()
    start = mosaic(at)
    assert start.shape == final.shape and not np.array_equal(start, final)
    # the first tile is unit 0 at initialisation, on the colour scale of the current model (99.5th percentile)
    snaps, W1 = at.session_state["model.snapshots"], at.session_state["model.current"].params["W1"]
    zmax = float(np.percentile(np.abs(W1), 99.5))
    expected = np.clip(np.round((snaps[0].params["W1"][:, 0] / zmax + 1) / 2 * 254), 0, 254).reshape(28, 28)
    assert np.abs(start[:28, :28].astype(int) - expected).max() <= 1  # float32 vs float64 rounding
