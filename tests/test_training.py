"""Optimizers, schedules and the resumable trainer."""
import math

import numpy as np
import pytest

from nn_core import MLP, PRESETS, Trainer, TrainConfig, as_float, evaluate, get_preset, make_optimizer
from nn_core.optimizers import Adam, learning_rate


def test_sgd_momentum_adam_follow_their_formulas():
    P = {"W1": np.array([1.0, -2.0])}
    g = {"dW1": np.array([0.5, 0.5])}
    make_optimizer("sgd").update(P, g, 0.1)
    np.testing.assert_allclose(P["W1"], [0.95, -2.05])

    P = {"W1": np.array([0.0])}
    mom = make_optimizer("momentum", momentum=0.9)
    mom.update(P, {"dW1": np.array([1.0])}, 0.1)  # v = 1,    W = -0.1
    mom.update(P, {"dW1": np.array([1.0])}, 0.1)  # v = 1.9,  W = -0.29
    np.testing.assert_allclose(P["W1"], [-0.29])

    P = {"W1": np.array([0.0])}
    adam = Adam()
    adam.update(P, {"dW1": np.array([3.0])}, 0.01)  # first bias-corrected step is lr * sign(g)
    np.testing.assert_allclose(P["W1"], [-0.01], rtol=1e-6)


def test_l2_adds_lambda_w_to_weights_not_biases():
    P = {"W1": np.array([2.0]), "b1": np.array([2.0])}
    make_optimizer("sgd", l2=0.5).update(P, {"dW1": np.array([0.0]), "db1": np.array([0.0])}, 1.0)
    assert P["W1"][0] == 1.0 and P["b1"][0] == 2.0


def test_cosine_schedule_runs_from_lr_to_one_percent():
    assert learning_rate("constant", 0.3, 50, 100) == 0.3
    assert learning_rate("cosine", 0.1, 0, 101) == pytest.approx(0.1)
    assert learning_rate("cosine", 0.1, 50, 101) == pytest.approx(0.0505)
    assert learning_rate("cosine", 0.1, 100, 101) == pytest.approx(0.001)
    with pytest.raises(ValueError, match="schedule"):
        learning_rate("step", 0.1, 0, 10)


@pytest.mark.parametrize("optimizer, lr", [("sgd", 0.5), ("momentum", 0.1), ("adam", 0.01)])
def test_every_optimizer_can_overfit_a_tiny_batch(small_mnist, optimizer, lr):
    X, y = as_float(small_mnist.x_train[:32]), small_mnist.y_train[:32]
    model, opt = MLP([784, 64, 10], seed=0), make_optimizer(optimizer)
    start = model.loss(X, y)
    for _ in range(150):
        _, cache = model.forward(X)
        opt.update(model.params, model.backward(cache, y), lr)
    assert model.loss(X, y) < 0.05 * start
    assert (model.predict(X) == y).all()


def test_config_validation_and_round_trip():
    c = TrainConfig(hidden=(64, 32), lr=0.05)
    assert TrainConfig.from_dict(c.to_dict()) == c
    assert c.layer_sizes == (784, 64, 32, 10)
    with pytest.raises(ValueError, match="unknown config keys"):
        TrainConfig.from_dict({**c.to_dict(), "learning_rate": 0.1})
    for bad in [dict(lr=0), dict(lr=float("nan")), dict(hidden=()), dict(hidden=(0,)), dict(epochs=0),
                dict(batch_size=-1), dict(optimizer="rmsprop"), dict(activation="gelu"), dict(seed=-1)]:
        with pytest.raises(ValueError, match="invalid training config"):
            TrainConfig(**bad)
    with pytest.raises(ValueError, match="unknown preset"):
        get_preset("huge")


def _tiny(**kw):
    return TrainConfig(**{"hidden": (32,), "batch_size": 100, "epochs": 3, "n_train": 1000, "lr": 5e-3, **kw})


def test_chunked_training_equals_uninterrupted_bit_for_bit(small_mnist):
    a = Trainer(_tiny(), small_mnist)
    while not a.done:
        a.step(1)
    b = Trainer(_tiny(), small_mnist)
    while not b.done:
        b.step(7)
    c = Trainer(_tiny(), small_mnist)
    for _ in c.run(chunk_steps=1000):
        pass
    for other in (b, c):
        assert all(np.array_equal(a.model.params[k], other.model.params[k]) for k in a.model.params)
        assert a.history.step_loss == other.history.step_loss
        assert a.history.val_acc == other.history.val_acc


def test_same_seed_same_run_other_seed_other_run(small_mnist):
    runs = []
    for seed in (0, 0, 1):
        t = Trainer(_tiny(seed=seed, epochs=1), small_mnist)
        t.step(10**6)
        runs.append(t.model.params["W1"])
    assert np.array_equal(runs[0], runs[1]) and not np.array_equal(runs[0], runs[2])


def test_history_records_every_step_and_epoch(small_mnist):
    t = Trainer(_tiny(hidden=(32, 16)), small_mnist)
    assert t.steps_per_epoch == 10 and t.total_steps == 30
    t.step(12)
    assert (t.step_count, t.epoch, t.status) == (12, 1, "running")
    t.step(100)
    H = t.history
    assert t.done and t.status == "done" and t.step_count == 30
    assert len(H.step_loss) == len(H.step_acc) == len(H.step_lr) == len(H.step_time) == 30
    assert list(H.weight_rms) == list(H.grad_rms) == ["W1", "W2", "W3"] and list(H.dead) == ["Z1", "Z2"]
    assert all(len(v) == 30 for d in (H.weight_rms, H.grad_rms, H.dead) for v in d.values())
    assert all(len(v) == 3 for v in H.val_dead.values())
    assert H.epoch_step == [10, 20, 30] and len(H.val_acc) == len(H.train_acc) == len(H.epoch_time) == 3
    assert all(0 <= d <= 1 for series in H.dead.values() for d in series)
    assert np.all(np.diff(H.step_time) > 0)
    assert H.step_loss[-1] < H.step_loss[0] and H.val_acc[-1] > 0.75 > H.val_acc[0]
    # RMS is per weight: sqrt(mean W^2) of the final weights
    assert H.weight_rms["W1"][-1] == pytest.approx(np.sqrt(np.mean(t.model.params["W1"].astype(np.float64) ** 2)), rel=1e-5)
    # snapshots: the initial weights, then one per epoch
    assert [s.step for s in t.snapshots] == [0, 10, 20, 30]
    assert np.array_equal(t.snapshots[-1].params["W1"], t.model.params["W1"])
    assert not np.array_equal(t.snapshots[0].params["W1"], t.model.params["W1"])


def test_dead_fraction_counts_units_that_never_fire(small_mnist):
    t = Trainer(_tiny(hidden=(8,), epochs=1), small_mnist)
    t.model.params["b1"][:3] = -1e3  # three units can never fire
    t.step(1)
    assert list(t.history.dead) == ["Z1"] and list(t.history.dead["Z1"]) == [3 / 8]


def test_snapshots_stay_bounded(small_mnist):
    t = Trainer(_tiny(epochs=40, max_snapshots=6, n_train=200), small_mnist)
    t.step(10**6)
    steps = [s.step for s in t.snapshots]
    assert len(steps) <= 6 and steps[0] == 0 and steps[-1] == t.step_count
    assert steps == sorted(steps)


def test_run_for_is_time_boxed_and_resumable(small_mnist):
    t = Trainer(_tiny(epochs=50), small_mnist)
    ran = t.run_for(0.05)
    assert 1 <= ran < t.total_steps and not t.done
    before = t.step_count
    t.run_for(0.05)
    assert t.step_count > before


def test_divergence_stops_and_restores_last_good_weights(small_mnist):
    t = Trainer(_tiny(optimizer="sgd", lr=100.0, epochs=5), small_mnist)
    t.step(10**6)
    assert t.status == "diverged" and t.done
    assert "learning rate" in t.message and "restored" in t.message
    assert all(np.all(np.isfinite(p)) for p in t.model.params.values())
    loss, acc = evaluate(t.model, small_mnist.x_val, small_mnist.y_val)
    assert math.isfinite(loss)
    assert t.step(5) == 0  # stays stopped


def test_full_batch_mode_uses_every_image_each_step(small_mnist):
    t = Trainer(_tiny(batch_size=0, epochs=3), small_mnist)
    assert t.batch_size == 1000 and t.steps_per_epoch == 1
    t.step(10)
    assert t.step_count == 3 and t.done


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_trains(name, small_mnist):
    cfg = PRESETS[name].config.replace(n_train=600, epochs=2)
    t = Trainer(cfg, small_mnist)
    assert t.model.layer_sizes == cfg.layer_sizes
    t.step(10**6)
    assert t.status == "done"
    assert t.history.step_loss[-1] < t.history.step_loss[0]


def test_preset_architectures_match_their_documents():
    sizes = {name: p.config.layer_sizes for name, p in PRESETS.items()}
    assert sizes["numpy-ai-32"] == (784, 32, 10)
    assert sizes["column-10"] == (784, 10, 10) and PRESETS["column-10"].config.batch_size == 0
    assert PRESETS["column-10"].config.lr == 0.1 and PRESETS["column-10"].config.init == "uniform"
    assert sizes["hidden-128"] == (784, 128, 10) and PRESETS["hidden-128"].config.epochs == 500
    assert MLP(sizes["multidim-16-16"]).n_params == 13002
    assert {"fast", "best", "configurable"} <= set(PRESETS)


def test_consistent_history_cuts_every_list_to_the_common_length(small_mnist):
    t = Trainer(_tiny(hidden=(16, 8)), small_mnist)
    t.step(12)
    H = t.history
    H.step_loss.append(9.9)  # as if a step were half-way through appending
    H.val_acc.append(0.5)
    C = H.consistent()
    assert C.n_steps == 12 and all(len(v) == 12 for v in (*C.weight_rms.values(), *C.dead.values(), C.step_time))
    assert len(C.val_acc) == len(C.val_loss) == 1 and C.step_loss == H.step_loss[:12]
    C.step_loss.append(1.0)
    assert len(H.step_loss) == 13  # a copy: the trainer's lists are untouched


def test_full_batch_in_chunks_is_the_same_gradient_step(small_mnist, monkeypatch):
    """Full-batch steps sum the gradient chunk by chunk (memory); the result must not depend on it."""
    import nn_core.trainer as trainer_module
    config = TrainConfig(hidden=(16,), optimizer="sgd", lr=0.1, batch_size=0, epochs=3, seed=4)
    whole = Trainer(config, small_mnist, model=MLP(config.layer_sizes, seed=4, dtype=np.float64))
    whole.step(3)
    monkeypatch.setattr(trainer_module, "FULL_BATCH_CHUNK", 300)  # 2,000 images: 7 chunks, the last smaller
    chunked = Trainer(config, small_mnist, model=MLP(config.layer_sizes, seed=4, dtype=np.float64))
    chunked.step(3)
    for k in whole.model.params:
        np.testing.assert_allclose(chunked.model.params[k], whole.model.params[k], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(chunked.history.step_loss, whole.history.step_loss, rtol=1e-10)
    assert chunked.history.step_acc == whole.history.step_acc
    assert chunked.history.dead == whole.history.dead
    np.testing.assert_allclose(chunked.history.grad_rms["W1"], whole.history.grad_rms["W1"], rtol=1e-9)


def test_a_finished_run_lets_go_of_its_training_buffers(small_mnist):
    t = Trainer(_tiny(hidden=(8,), epochs=2), small_mnist)
    t.step(t.steps_per_epoch)  # one epoch: validated once
    assert t._X_val is not None and t._good is not None and not t.done
    list(t.run())
    assert t.done and t._X_val is None and t._good is None
    assert t.history.val_acc and len(t.snapshots) >= 2  # what the pages show stays
