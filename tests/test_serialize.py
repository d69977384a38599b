"""Model files: round trip, and every kind of bad file gives a clear ValueError."""
import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest

from nn_core import MLP, dumps_model, load_model, save_model
from conftest import ASSETS


def _arrays(blob: bytes) -> dict:
    with np.load(io.BytesIO(blob)) as z:
        return {k: z[k] for k in z.files}


def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


@pytest.fixture
def model():
    return MLP([784, 16, 8, 10], activation="tanh", init="xavier", seed=7)


def test_round_trip_keeps_weights_architecture_config_and_metrics(tmp_path, model):
    path = save_model(tmp_path / "m.npz", model, {"lr": 0.1}, {"test_accuracy": 0.9})
    loaded, meta = load_model(path)
    assert loaded.layer_sizes == model.layer_sizes and loaded.activation == "tanh" and loaded.init == "xavier"
    assert all(np.array_equal(loaded.params[k], model.params[k]) for k in model.params)
    assert meta["config"] == {"lr": 0.1} and meta["metrics"] == {"test_accuracy": 0.9}
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


def test_rejections(model):
    good = dumps_model(model)
    arrays = _arrays(good)
    meta = json.loads(str(arrays["meta"]))
    cases = {
        "not a zip": (b"plain text", "not an .npz"),
        "empty": (b"", "not an .npz"),
        "truncated": (good[: len(good) // 2], "not an .npz"),
        "pickle": (pickle.dumps({"W1": 1}), "not an .npz"),
        "object array": (_npz(meta=np.array([{"a": 1}], dtype=object)), "damaged or unsafe"),
        "single npy": (_save_npy(np.zeros(3)), "single .npy"),
        "no meta": (_npz(W1=np.zeros((784, 16))), "no 'meta'"),
        "foreign meta": (_npz(meta=np.array(json.dumps({"format": "keras"}))), "not an nn_core.mlp"),
        "bad json": (_npz(meta=np.array("{oops")), "not valid JSON"),
        "future version": (_npz(**{**arrays, "meta": np.array(json.dumps({**meta, "version": 99}))}), "version 99"),
        "wrong shape": (_npz(**{**arrays, "W2": np.zeros((16, 9), np.float32)}), "W2 must have shape"),
        "missing layer": (_npz(**{k: v for k, v in arrays.items() if k != "b3"}), "exactly"),
        "nan weights": (_npz(**{**arrays, "b1": np.full(16, np.nan, np.float32)}), "NaN"),
        "int weights": (_npz(**{**arrays, "b1": np.zeros(16, np.int64)}), "dtype int64"),
        "tampered": (_npz(**{**arrays, "b1": arrays["b1"] + 1}), "checksum"),
        "bad activation": (_npz(**{**arrays, "meta": np.array(json.dumps(
            {**meta, "architecture": {**meta["architecture"], "activation": "swish"}}))}), "swish"),
    }
    for name, (blob, match) in cases.items():
        with pytest.raises(ValueError, match=match):
            load_model(blob)


def _save_npy(a):
    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


def test_missing_file_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        load_model(tmp_path / "nope.npz")


def test_pretrained_default_model_ships_and_is_good(mnist):
    from nn_core import accuracy, evaluate
    model, meta = load_model(ASSETS / "default_model.npz")
    assert model.layer_sizes == (784, 128, 10)
    acc = accuracy(evaluate(model, mnist.x_test, mnist.y_test)[1], mnist.y_test)
    assert acc >= 0.97
    assert meta["metrics"]["test_accuracy"] == pytest.approx(acc, abs=1e-9)
    assert len(meta["metrics"]["history"]["val_acc"]) == meta["config"]["epochs"]
    assert zipfile.is_zipfile(ASSETS / "default_model.npz")


def test_snapshots_round_trip_and_reject_a_mismatch(tmp_path, small_mnist):
    from nn_core import Trainer, TrainConfig, load_snapshots, save_snapshots
    t = Trainer(TrainConfig(hidden=(8,), epochs=2, n_train=300, batch_size=100), small_mnist)
    t.step(10**6)
    path = save_snapshots(tmp_path / "s.npz", t.snapshots)
    back = load_snapshots(path, t.model)
    assert [(s.step, s.epoch) for s in back] == [(s.step, s.epoch) for s in t.snapshots] == [(0, 0), (3, 1), (6, 2)]
    assert all(np.array_equal(a.params[k], b.params[k]) for a, b in zip(back, t.snapshots) for k in a.params)
    with pytest.raises(ValueError, match="snapshot 0 has no valid W1"):
        load_snapshots(path, MLP([784, 9, 10]))
    with pytest.raises(ValueError, match="not a readable snapshots file"):
        load_snapshots(b"junk", t.model)
    with pytest.raises(ValueError, match="no step/epoch"):
        load_snapshots(_npz(W1=np.zeros(3)), t.model)


def test_shipped_snapshots_belong_to_the_shipped_model():
    from nn_core import load_snapshots
    model, meta = load_model(ASSETS / "default_model.npz")
    snaps = load_snapshots(ASSETS / "default_snapshots.npz", model)
    assert len(snaps) == meta["config"]["epochs"] + 1 and snaps[0].step == 0
    assert all(np.array_equal(snaps[-1].params[k], model.params[k]) for k in model.params)
    fresh = MLP(model.layer_sizes, model.activation, model.init, model.seed).params  # same seed, same start
    assert all(np.array_equal(snaps[0].params[k], fresh[k]) for k in fresh)


def test_a_member_with_a_broken_header_is_a_value_error():
    """numpy parses member headers with tokenize/ast; on Python 3.12 a cut header raised
    tokenize.TokenError straight through (found by the fuzz test)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("meta.npy", b"\x93NUMPY\x01\x00\x20\x00{'descr': '<f4', 'shape': (3,\n")
    with pytest.raises(ValueError, match="damaged"):
        load_model(buf.getvalue())
