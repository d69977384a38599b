"""The dashboard in Streamlit's AppTest: pages run, training runs through the fragment,
links set hyperparameters, uploads work, divergence is caught (hostile uploads:
tests/test_upload.py)."""
import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import views.train.training
from devtools.apptest import answer, derived
from devtools.paths import ROOT
from nn_core import MLP, dumps_model
from ui.numbers import percent

PAGES = ["app_pages/home.py", "app_pages/train.py", "app_pages/weights.py", "app_pages/draw.py", "app_pages/backprop.py", "app_pages/evaluate.py",
         "app_pages/lab.py", "app_pages/robust.py", "app_pages/layermap.py",
         "app_pages/units.py", "app_pages/compare.py"]


def fresh(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if query:
        at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


def on_page(script: str) -> AppTest:
    """A fresh session that has opened `script` (e.g. "app_pages/lab.py") without an exception."""
    at = fresh()
    at.switch_page(script).run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def decode(z) -> np.ndarray:
    """A Plotly JSON array: a plain list, or a base64 typed array {dtype, bdata, shape}."""
    if isinstance(z, dict):
        a = np.frombuffer(base64.b64decode(z["bdata"]), dtype=np.dtype(z["dtype"]))
        shape = z.get("shape")
        return a.reshape([int(n) for n in str(shape).split(",")]) if shape else a
    return np.array(z, dtype=float)


def mosaic(at: AppTest) -> np.ndarray:
    """The palette indices of the first-layer mosaic on Weights (a PNG in an HTML element)."""
    import io
    import re

    from PIL import Image
    body = next(h.proto.body for h in at.get("html") if 'class="nn-mosaic"' in h.proto.body)
    data = re.search(r'src="data:image/png;base64,([^"]+)"', body).group(1)
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data))))


def texts(elements) -> str:
    return " ".join(e.value for e in elements)


def sidebar_text(at: AppTest) -> str:
    return " ".join(str(getattr(e, "value", "")) for e in at.sidebar)


@pytest.fixture
def one_step_ticks(monkeypatch):
    """Training in the ticks, not in a thread, and each tick trains exactly one step (run_for
    always does at least one): a test knows exactly how far a run got."""
    monkeypatch.setattr(views.train.training, "BACKGROUND", False)
    monkeypatch.setattr(views.train.training, "CHUNK_SECONDS", 0.0)


def tiny_training(at: AppTest, epochs: int = 2, **extra) -> AppTest:
    at.switch_page("app_pages/train.py").run()
    at.text_input(key="hidden").set_value("16")
    at.number_input(key="epochs").set_value(epochs)
    at.select_slider(key="n_train").set_value(1000)
    at.selectbox(key="batch").set_value(128)
    for key, value in extra.items():
        getattr(at, {"lr": "select_slider", "optimizer": "selectbox", "activation": "selectbox"}[key])(
            key=key).set_value(value)
    at.run()
    button(at, "Start").click().run()
    return at


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


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="upload.model").set_value((name, content, "application/octet-stream")).run()
    return at


def test_a_good_upload_becomes_the_current_model():
    at = fresh()
    at.switch_page("app_pages/train.py").run()
    model = MLP([784, 20, 10], activation="tanh", seed=4)
    _upload(at, "mine.npz", dumps_model(model))
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
    _upload(at, "mine.npz", dumps_model(MLP([784, 20, 10])))
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
