"""Optimizers, schedules and the resumable trainer."""
import math

import numpy as np
import pytest

from nn_core import MLP, PRESETS, History, TrainConfig, Trainer, as_float, evaluate, get_preset, make_optimizer
from nn_core.optimizers import OPTIMIZERS, Adam, learning_rate


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


def reference_adam(W: np.ndarray, gradients: list[np.ndarray], lr: float, l2: float = 0.0,
                   beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> np.ndarray:
    """Adam as Kingma and Ba write it (Algorithm 1, 2015), in float64, one step at a time."""
    W, m, v = W.astype(np.float64), 0.0, 0.0
    for t, dW in enumerate(gradients, start=1):
        g = dW + l2 * W
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
        W = W - lr * m_hat / (np.sqrt(v_hat) + eps)
    return W


@pytest.mark.parametrize("l2", [0.0, 1e-3])
def test_adam_is_the_reference_adam_for_large_and_tiny_gradients(l2):
    """Gradients from 1 down to 1e-11, where ε = 1e-8 decides the step's size: ε is added to
    √v̂ as written (folding the bias correction into α instead makes the effective ε
    ε/√(1 − β2ᵗ), 31x larger at the first step)."""
    rng = np.random.default_rng(0)
    scale = 10.0 ** -np.arange(12)                                        # (12,) 1 ... 1e-11
    gradients = [rng.standard_normal(12) * scale for _ in range(60)]       # 60 steps: one flush on the way
    W0 = rng.standard_normal(12)
    P = {"W1": W0.copy()}
    opt = Adam(l2=l2)
    for g in gradients:
        opt.update(P, {"dW1": g}, 0.01)
    expected = reference_adam(W0, gradients, 0.01, l2)
    np.testing.assert_allclose(P["W1"] - W0, expected - W0, rtol=1e-9, atol=0)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_each_parameter_step_uses_the_lr_it_is_given(name):
    """update() hands the step size to each parameter's step; none keeps its own (Adam did)."""
    moves = []
    for lr in (0.01, 0.02):
        P, opt = np.array([1.0, -2.0]), make_optimizer(name)
        opt._step("W1", P, np.array([0.5, -0.25]), lr)
        moves.append(P - np.array([1.0, -2.0]))
    assert np.all(moves[0] != 0)
    np.testing.assert_allclose(moves[1], 2 * moves[0])


@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_running_averages_never_sink_into_slow_subnormal_numbers(name):
    """A weight whose gradient goes quiet: its average decays by 0.9 a step, and float32
    arithmetic on subnormals (< 1.2e-38) is 10-100x slower. They are flushed to 0 first."""
    tiny = np.finfo(np.float32).tiny
    P, opt = {"W1": np.ones(100, np.float32)}, make_optimizer(name)
    opt.update(P, {"dW1": np.full(100, 1e-3, np.float32)}, 1e-3)
    quiet = {"dW1": np.zeros(100, np.float32)}
    for _ in range(2000):  # without the flush, 0.9^k x 1e-3 is subnormal from about step 810 to 960
        opt.update(P, quiet, 1e-3)
        assert not any(np.any((a != 0) & (np.abs(a) < tiny)) for a in opt._averages())
    assert np.all(opt._averages()[0] == 0) and np.all(np.isfinite(P["W1"]))  # v or m: flushed, not subnormal


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
    loss, probs = evaluate(t.model, small_mnist.x_val, small_mnist.y_val)
    assert math.isfinite(loss) and np.all(np.isfinite(probs))
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


def test_history_copies_are_consistent_while_a_trainer_appends(small_mnist):
    """A dashboard reads the history in one thread while training appends in another."""
    import threading
    t = Trainer(_tiny(hidden=(16, 8), epochs=20, batch_size=20), small_mnist)
    done = threading.Event()
    worker = threading.Thread(target=lambda: (t.step(10**6), done.set()))
    worker.start()
    copies = 0
    while not done.is_set() or copies == 0:
        C = t.history.consistent()
        series = [C.step, C.step_loss, C.step_acc, C.step_lr, C.step_time,
                  *C.weight_rms.values(), *C.grad_rms.values(), *C.dead.values()]
        assert {len(s) for s in series} == {C.n_steps}
        epochs = [C.epoch_step, C.train_loss, C.train_acc, C.val_loss, C.val_acc, C.epoch_time, *C.val_dead.values()]
        assert {len(s) for s in epochs} == {C.n_epochs}
        copies += 1
    worker.join()
    C = t.history.consistent()
    C.step_loss.append(1.0)
    C.val_acc.append(0.5)
    assert t.history.n_steps == len(t.history.step_loss) == 1000 and len(t.history.val_acc) == 20  # copies


def test_history_averages_steps_in_pairs_when_full_and_stays_bounded():
    H = History(["W1", "W2"], ["Z1"], max_points=16)
    for s in range(1, 1001):
        H.append_step(s, float(s), 0.5, 0.1, s / 10, weight_rms=[s, 2 * s], grad_rms=[1.0, 1.0], dead=[0.25])
        assert H.n_steps < 16
    # halved at 16, 32, ..., 512 steps: 15 records of 64 steps, then 40 waiting for the 16th
    assert H.stride == 64 and H.n_steps == 15
    H.flush()  # the end of a run: the 40 make a last, partial record
    steps = np.asarray(H.step)
    assert list(steps) == [(1 + 64) / 2 + 64 * i for i in range(15)] + [(961 + 1000) / 2]
    # x and y are averaged together: here every step's loss equals its index
    np.testing.assert_allclose(H.step_loss, steps)
    np.testing.assert_allclose(H.weight_rms["W2"], 2 * steps)
    np.testing.assert_allclose(H.step_time, steps / 10)
    assert set(H.dead["Z1"]) == {0.25} and set(H.step_acc) == {0.5}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_history_blocks_of_steps_are_the_steps_one_by_one(seed):
    """append_steps (the trainer's blocks) keeps exactly the records of append_step called per
    row, through halvings and a partial record being filled across blocks."""
    rng = np.random.default_rng(seed)
    rows = rng.normal(size=(1500, 5 + 2 * 2 + 1))
    rows[:, 0] = np.arange(1, 1501)
    one, blocks = History(["W1", "W2"], ["Z1"], max_points=16), History(["W1", "W2"], ["Z1"], max_points=16)
    for r in rows:
        one.append_step(*r[:5], weight_rms=r[5:7], grad_rms=r[7:9], dead=r[9:])
    i = 0
    while i < len(rows):
        k = int(rng.choice([1, 2, 3, 7, 40, 300]))
        blocks.append_steps(rows[i:i + k])
        i += k
    for H in (one, blocks):
        H.flush()
    assert blocks.stride == one.stride and blocks.n_steps == one.n_steps
    for k in ("step", "step_loss", "step_acc", "step_lr", "step_time"):
        assert getattr(blocks, k) == getattr(one, k), k
    assert blocks.weight_rms == one.weight_rms and blocks.grad_rms == one.grad_rms and blocks.dead == one.dead
    with pytest.raises(ValueError, match="rows of 10 values"):
        blocks.append_steps(rows[:3, :9])


def test_a_long_run_keeps_a_bounded_history(small_mnist, monkeypatch):
    import nn_core.history
    monkeypatch.setattr(nn_core.history, "MAX_POINTS", 64)
    t = Trainer(_tiny(hidden=(8,), epochs=40, n_train=500, batch_size=25), small_mnist)
    t.step(10**6)
    H = t.history
    assert t.step_count == 800 and H.n_steps <= 64 and H.step[-1] == pytest.approx(800 - (H.stride - 1) / 2, abs=H.stride)
    assert H.step[0] == (1 + H.stride) / 2 and np.all(np.diff(H.step) > 0)
    assert H.nbytes() < 23 * 64 * 8 * 1.3  # 23 series here of at most 64 doubles (+ array overhead)
    assert len(H.val_acc) == 40  # per-epoch series are kept whole


def test_sgd_epoch_equals_a_reference_loop_of_the_equations(small_mnist):
    """The micrograd habit: the bookkeeping never changes the math."""
    cfg = TrainConfig(hidden=(32,), optimizer="sgd", lr=0.1, batch_size=128, epochs=2, n_train=1000, seed=5)
    t = Trainer(cfg, small_mnist)
    P = {k: v.astype(np.float64) for k, v in t.snapshots[0].params.items()}
    t.step(t.steps_per_epoch)
    x, y = small_mnist.x_train[:1000].reshape(1000, -1) / 255.0, small_mnist.y_train[:1000]
    perm = np.random.default_rng([5, 1]).permutation(1000)  # the trainer's batch order
    for i in range(0, 1000, 128):  # 8 batches, the last of 104
        X, Y = x[perm[i:i + 128]], np.eye(10)[y[perm[i:i + 128]]]
        Z1 = X @ P["W1"] + P["b1"]
        A1 = np.maximum(Z1, 0)
        Z2 = A1 @ P["W2"] + P["b2"]
        A2 = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
        A2 /= A2.sum(axis=1, keepdims=True)
        dZ2 = (A2 - Y) / len(X)
        dZ1 = dZ2 @ P["W2"].T * (Z1 > 0)
        grads = {"W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0), "W1": X.T @ dZ1, "b1": dZ1.sum(axis=0)}
        P = {k: P[k] - 0.1 * grads[k] for k in P}
    assert t.epoch == 1 and t.step_count == 8
    for k in P:
        np.testing.assert_allclose(t.model.params[k], P[k], rtol=0, atol=1e-6)


def _reference_curves(t: Trainer) -> dict[str, list]:
    """Run t one step per call and compute each step's record by its definition, from the
    step's batch and the parameters before and after it, with the model's own forward and
    backward (same float32 numbers) and float64 statistics:
      loss     the mean cross-entropy of the batch (log-softmax of the logits, not the fast path)
      accuracy argmax of the logits == label, over the batch
      lr       the schedule's rate of the step
      weight   sqrt(mean W^2) after the update, per layer
      grad     sqrt(mean dW^2) of the batch's gradient (before the L2 term), per layer
      dead     share of hidden units whose Z <= 0 for every image of the batch."""
    from nn_core.losses import cross_entropy, labels_to_onehot
    ref = {k: [] for k in ("loss", "acc", "lr", "weight", "grad", "dead")}
    x, labels = t.data.x_train, t.data.y_train
    while not t.done:
        before = MLP(t.model.layer_sizes, t.config.activation, params=t.model.params, dtype=t.model.dtype)
        if t._perm is None:  # the epoch's order is drawn by the step: draw it first, the same way
            t._batch()
        rows = t._perm[t._pos:t._pos + t.batch_size] if t.batch_size < t.n else slice(0, t.n)
        lr = learning_rate(t.config.schedule, t.config.lr, t.step_count, t.total_steps)
        t.step(1)
        X, y = as_float(x[rows], t.model.dtype), labels[rows]
        probs, cache = before.forward(X)
        grads = before.backward(cache, y)
        L = before.L
        ZL = cache[f"Z{L}"].astype(np.float64)
        ref["loss"].append(cross_entropy(ZL, labels_to_onehot(y, ZL.shape[1])))
        ref["acc"].append(np.mean(ZL.argmax(axis=1) == y))
        ref["lr"].append(lr)
        ref["weight"].append([np.sqrt(np.mean(t.model.params[f"W{l}"].astype(np.float64) ** 2)) for l in range(1, L + 1)])
        ref["grad"].append([np.sqrt(np.mean(grads[f"dW{l}"].astype(np.float64) ** 2)) for l in range(1, L + 1)])
        ref["dead"].append([np.mean(np.all(cache[f"Z{l}"] <= 0, axis=0)) for l in range(1, L)])
    return ref


@pytest.mark.parametrize("config", [
    dict(hidden=(32, 16), optimizer="sgd", lr=0.1, batch_size=64),
    dict(hidden=(32, 16), optimizer="sgd", lr=0.1, l2=1e-3, batch_size=64, schedule="cosine"),
    dict(hidden=(24,), optimizer="adam", lr=3e-3, batch_size=50, activation="tanh"),
    dict(hidden=(16,), optimizer="momentum", lr=0.05, batch_size=0, epochs=4),
], ids=["sgd", "sgd+l2+cosine", "adam+tanh", "full-batch"])
def test_per_step_curves_are_their_definitions_whatever_the_calls(small_mnist, monkeypatch, config):
    """The trainer records a step's statistics from what the step holds and hands them to the
    history in blocks (trainer._publish); every record must still be its definition
    (_reference_curves), and the same whether the run is driven one step per call or in
    one call (blocks of RECORDS_KEPT steps, epoch ends, chunks of a full batch)."""
    import nn_core.trainer as trainer_module
    monkeypatch.setattr(trainer_module, "CHUNK", 250)  # a full batch of 600 images is 3 chunks, the last smaller
    monkeypatch.setattr(trainer_module, "RECORDS_KEPT", 7)  # blocks that end inside an epoch
    cfg = TrainConfig(**{"epochs": 2, "n_train": 600, "seed": 3, **config})
    one = Trainer(cfg, small_mnist)
    ref = _reference_curves(one)
    whole = Trainer(cfg, small_mnist)
    assert whole.step(10**6) == whole.total_steps == len(ref["loss"])
    assert cfg.batch_size == 0 or whole.total_steps > 2 * 7
    Hs = [one.history, whole.history]
    for H in Hs:
        assert list(H.step) == list(range(1, len(ref["loss"]) + 1))
        np.testing.assert_allclose(H.step_loss, ref["loss"], rtol=1e-5)
        assert list(H.step_acc) == ref["acc"]
        assert list(H.step_lr) == ref["lr"]
        for l, W in enumerate(H.weight_rms):
            np.testing.assert_allclose(H.weight_rms[W], [r[l] for r in ref["weight"]], rtol=1e-5)
            np.testing.assert_allclose(H.grad_rms[W], [r[l] for r in ref["grad"]], rtol=1e-5)
        assert [list(H.dead[Z]) for Z in H.dead] == [[r[l] for r in ref["dead"]] for l in range(len(H.dead))]
        assert len(H.val_acc) == cfg.epochs and H.train_acc[-1] == pytest.approx(np.mean(ref["acc"][-whole.steps_per_epoch:]),
                                                                         abs=0.05)
    series = ("step", "step_loss", "step_acc", "step_lr", "step_time")
    assert all(getattr(Hs[0], k) == getattr(Hs[1], k) for k in series[:-1])  # the same numbers, to the bit
    assert all(Hs[0].weight_rms[W] == Hs[1].weight_rms[W] and Hs[0].grad_rms[W] == Hs[1].grad_rms[W]
               for W in Hs[0].weight_rms)
    assert Hs[0].dead == Hs[1].dead and Hs[0].train_acc == Hs[1].train_acc and Hs[0].train_loss == Hs[1].train_loss


def test_validation_divergence_at_an_epoch_end_keeps_every_series_in_step(small_mnist, monkeypatch):
    import nn_core.trainer as trainer_module
    t = Trainer(_tiny(epochs=3), small_mnist)
    t.step(t.steps_per_epoch)  # a normal first epoch
    real = trainer_module.evaluate
    monkeypatch.setattr(trainer_module, "evaluate", lambda *a, **kw: (1e9, real(*a, **kw)[1]))  # validation explodes
    t.step(10**6)
    assert t.status == "diverged" and t.epoch == 1 and "loss jumped to 1e+09" in t.message
    summary = t.history.epoch_summary()
    lengths = {len(v) for k, v in summary.items() if k != "val_dead"} | {len(v) for v in summary["val_dead"].values()}
    assert lengths == {1}
    assert t.history.n_steps == 2 * t.steps_per_epoch


def test_a_time_limit_stops_cleanly_and_keeps_the_model(small_mnist):
    t = Trainer(_tiny(epochs=200), small_mnist, time_limit=0.2)
    t.step(10**6)
    assert t.status == "stopped" and t.done and 0 < t.step_count < t.total_steps
    assert 0.2 <= t.elapsed < 1.0 and "time limit" in t.message
    last = t.snapshots[-1]
    assert last.step == t.step_count and last.epoch == pytest.approx(t.step_count / t.steps_per_epoch)
    assert all(np.array_equal(last.params[k], t.model.params[k]) for k in last.params)
    assert t.history.n_steps == t.step_count and t._good is None  # released like a finished run
    loss, probs = evaluate(t.model, small_mnist.x_test[:500], small_mnist.y_test[:500])
    assert math.isfinite(loss) and (probs.argmax(axis=1) == small_mnist.y_test[:500]).mean() > 0.5  # usable
    assert t.step(5) == 0


def test_full_batch_in_chunks_is_the_same_gradient_step(small_mnist, monkeypatch):
    """Full-batch steps sum the gradient chunk by chunk (memory); the result must not depend on it."""
    import nn_core.trainer as trainer_module
    config = TrainConfig(hidden=(16,), optimizer="sgd", lr=0.1, batch_size=0, epochs=3, seed=4)
    whole = Trainer(config, small_mnist, model=MLP(config.layer_sizes, seed=4, dtype=np.float64))
    whole.step(3)
    monkeypatch.setattr(trainer_module, "CHUNK", 300)  # 2,000 images: 7 chunks, the last smaller
    chunked = Trainer(config, small_mnist, model=MLP(config.layer_sizes, seed=4, dtype=np.float64))
    chunked.step(3)
    for k in whole.model.params:
        np.testing.assert_allclose(chunked.model.params[k], whole.model.params[k], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(chunked.history.step_loss, whole.history.step_loss, rtol=1e-10)
    assert chunked.history.step_acc == whole.history.step_acc
    assert chunked.history.dead == whole.history.dead
    np.testing.assert_allclose(chunked.history.grad_rms["W1"], whole.history.grad_rms["W1"], rtol=1e-9)


def test_a_finished_run_lets_go_of_its_training_buffers(small_mnist):
    t = Trainer(_tiny(hidden=(8,), epochs=2), small_mnist)  # Adam: state of twice the model
    t.step(t.steps_per_epoch)
    assert t._good is not None and t.optimizer.m and not t.done
    list(t.run())
    assert t.done and t._good is None and t._perm is None and not t.optimizer.m
    assert t.history.val_acc and len(t.snapshots) >= 2  # what the pages show stays
