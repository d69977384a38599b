"""Model files: round trip, atomic writes, the shipped model and snapshots. Every kind of
bad file is in tests/test_hostile.py (devtools/hostile.py crafts them)."""
import io
import os
import zipfile

import numpy as np
import pytest

from devtools.paths import ASSETS
from nn_core import MLP, TrainConfig, load_model, save_model


@pytest.fixture
def model():
    return MLP([784, 16, 8, 10], activation="tanh", init="xavier", seed=7)


def test_round_trip_keeps_weights_architecture_config_and_metrics(tmp_path, model):
    config = TrainConfig(hidden=(16, 8), activation="tanh", init="xavier", lr=0.1, seed=7).to_dict()
    path = save_model(tmp_path / "m.npz", model, config, {"test_accuracy": 0.9})
    loaded, meta = load_model(path)
    assert loaded.layer_sizes == model.layer_sizes and loaded.activation == "tanh" and loaded.init == "xavier"
    assert all(np.array_equal(loaded.params[k], model.params[k]) for k in model.params)
    assert meta["config"] == config and meta["metrics"] == {"test_accuracy": 0.9} and meta["notes"] == []
    assert meta["format"] == "nn_core.mlp" and meta["version"] == 1
    X = np.random.default_rng(0).random((3, 784))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    # bytes and file objects load the same
    assert load_model(path.read_bytes())[0].n_params == load_model(io.BytesIO(path.read_bytes()))[0].n_params


def test_write_is_atomic(tmp_path, model, monkeypatch):
    target = tmp_path / "m.npz"
    save_model(target, model)
    before = target.read_bytes()

    def crash(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        save_model(target, MLP([784, 4, 10]))
    assert target.read_bytes() == before  # the old file is intact
    assert os.listdir(tmp_path) == ["m.npz"]  # and no temporary left behind


def test_missing_file_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        load_model(tmp_path / "nope.npz")


def test_pretrained_default_model_ships_and_is_good(mnist):
    from nn_core import accuracy, evaluate
    model, meta = load_model(ASSETS / "default_model.npz")
    assert model.layer_sizes == (784, 128, 10)
    acc = accuracy(evaluate(model, mnist.x_test, mnist.y_test)[1], mnist.y_test)
    # trained with augmentation (README: the command); never below the model it replaced (0.9790)
    assert acc >= 0.979 and meta["config"]["rotate"] > 0 and meta["config"]["elastic"] > 0
    assert meta["metrics"]["test_accuracy"] == pytest.approx(acc, abs=1e-9)
    assert len(meta["metrics"]["history"]["val_acc"]) == meta["config"]["epochs"]
    assert zipfile.is_zipfile(ASSETS / "default_model.npz")


def test_snapshots_round_trip_and_reject_a_mismatch(tmp_path, small_mnist):
    from nn_core import TrainConfig, Trainer, load_snapshots, save_snapshots
    t = Trainer(TrainConfig(hidden=(8,), epochs=2, n_train=300, batch_size=100), small_mnist)
    t.step(10**6)
    path = save_snapshots(tmp_path / "s.npz", t.snapshots)
    back = load_snapshots(path, t.model)
    assert [(s.step, s.epoch) for s in back] == [(s.step, s.epoch) for s in t.snapshots] == [(0, 0), (3, 1), (6, 2)]
    assert all(np.array_equal(a.params[k], b.params[k]) for a, b in zip(back, t.snapshots) for k in a.params)
    with pytest.raises(ValueError, match="snapshot 0 has no valid W1"):
        load_snapshots(path, MLP([784, 9, 10]))
    with pytest.raises(ValueError, match="not a zip archive"):
        load_snapshots(b"junk", t.model)
    with pytest.raises(ValueError, match="no step/epoch"):
        buf = io.BytesIO()
        np.savez(buf, W1=np.zeros(3))
        load_snapshots(buf.getvalue(), t.model)


def test_shipped_snapshots_belong_to_the_shipped_model():
    from nn_core import load_snapshots
    model, meta = load_model(ASSETS / "default_model.npz")
    snaps = load_snapshots(ASSETS / "default_snapshots.npz", model)
    assert len(snaps) == meta["config"]["epochs"] + 1 and snaps[0].step == 0
    assert all(np.array_equal(snaps[-1].params[k], model.params[k]) for k in model.params)
    fresh = MLP(model.layer_sizes, model.activation, model.init, model.seed).params  # same seed, same start
    assert all(np.array_equal(snaps[0].params[k], fresh[k]) for k in fresh)
