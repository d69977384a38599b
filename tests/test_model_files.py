"""Model files on the Train page, at the cost they should have: an uploaded model is scored on
the test set once (the upload's check of its claimed accuracy, then kept for Evaluate), and
the download's bytes are built when the button is pressed, not on every rerun of Train."""
import threading

import numpy as np
from streamlit.runtime.media_file_manager import MediaFileManager

import views.train.files
from devtools.apptest import fresh, texts, upload_model
from nn_core import MLP, dumps_model, load_model


def test_an_uploaded_model_is_scored_on_the_test_set_once(monkeypatch):
    model = MLP([784, 20, 10], activation="tanh", seed=4)
    rows = []  # images the uploaded model's weights were run on
    forward = MLP.forward

    def counted(self, X, *args, **kwargs):
        if self.layer_sizes == model.layer_sizes and np.array_equal(self.params["W1"], model.params["W1"]):
            rows.append(len(X))
        return forward(self, X, *args, **kwargs)

    at = fresh()
    at.switch_page("app_pages/train.py").run()
    monkeypatch.setattr(MLP, "forward", counted)
    upload_model(at, "mine.npz", dumps_model(model, metrics={"test_accuracy": 0.99}))
    assert "Loaded `mine.npz`" in texts(at.success) and "measured here it is" in " ".join(t.value for t in at.text)
    at.switch_page("app_pages/evaluate.py").run()
    assert not at.exception, at.exception
    big = [n for n in rows if n > 1]  # passes over many images (Evaluate shows one example too, at most)
    assert sum(big) == 10_000, big   # the test set, once


def test_the_download_is_built_when_pressed_not_on_every_rerun(monkeypatch):
    built = []
    dumps = views.train.files.dumps_model
    monkeypatch.setattr(views.train.files, "dumps_model", lambda *a, **k: built.append(1) or dumps(*a, **k))
    deferred = {}
    add = MediaFileManager.add_deferred

    def keep(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        deferred[file_name] = data_callable
        return add(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    at = fresh()
    at.switch_page("app_pages/train.py").run()
    for _ in range(3):  # reruns of Train (a widget, a tick) build nothing
        at.run()
    assert not at.exception and built == []
    shown, info = at.session_state["model.current"], at.session_state["model.info"]
    name = f"mlp-{'-'.join(map(str, shown.layer_sizes))}.npz"
    assert name in deferred, list(deferred)
    out = {}  # Streamlit runs the callable in a worker thread, outside the session's script run
    worker = threading.Thread(target=lambda: out.update(data=deferred[name]()))
    worker.start()
    worker.join(30)
    model, meta = load_model(out["data"])
    assert len(built) == 1 and meta["config"] == info["config"]
    for k, p in shown.params.items():
        np.testing.assert_array_equal(model.params[k], p)

