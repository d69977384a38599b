"""Augmentation and dropout as training settings: off by default (every preset and saved
config trains exactly as before), applied by the Trainer to each training batch from
generators of their own (same seed, same run; the batch order never changes), and
settable from the command line and links with the same ranges."""
import numpy as np
import pytest

from nn_core import MLP, PRESETS, TrainConfig, Trainer, as_float, make_optimizer
from nn_core.augment.distort import Augment
from nn_core.cli import build_parser, config_from
from nn_core.optimizers import learning_rate

AUGMENT_FIELDS = ("shift", "rotate", "scale", "elastic", "elastic_sigma", "thickness", "dropout")
ON = {"shift": 2.0, "rotate": 10.0, "scale": 0.1, "elastic": 1.0, "thickness": 0.3, "dropout": 0.2}


def _tiny(**kw):
    return TrainConfig(**{"hidden": (32,), "batch_size": 100, "epochs": 2, "n_train": 1000, "lr": 5e-3, **kw})


def _same(a: Trainer, b: Trainer) -> bool:
    return all(np.array_equal(a.model.params[k], b.model.params[k]) for k in a.model.params)


@pytest.mark.parametrize("name", [n for n in PRESETS if n != "augmented"])
def test_every_preset_but_augmented_has_augmentation_and_dropout_off(name):
    c = PRESETS[name].config
    assert not c.augment.active and c.dropout == 0
    # a config saved before these fields existed reads back as the very same config
    old = {k: v for k, v in c.to_dict().items() if k not in AUGMENT_FIELDS}
    assert TrainConfig.from_dict(old) == c


def test_the_augmented_preset_augments():
    c = PRESETS["augmented"].config
    assert c.augment.active and c.augment == Augment(c.shift, c.rotate, c.scale, c.elastic, c.elastic_sigma,
                                                     c.thickness)


def test_off_is_bit_for_bit_the_plain_loop(small_mnist):
    """With augmentation and dropout off the trainer is forward, backward, update on the
    batches of its permutation, nothing else: no image is touched, no mask is drawn."""
    cfg = _tiny(optimizer="adam", schedule="cosine", l2=1e-4)
    t = Trainer(cfg, small_mnist)
    t.step(10**6)
    model = MLP(cfg.layer_sizes, cfg.activation, cfg.init, cfg.seed)
    opt = make_optimizer(cfg.optimizer, cfg.l2, cfg.momentum)
    rng, step = np.random.default_rng([cfg.seed, 1]), 0
    x, y = small_mnist.x_train[:1000], small_mnist.y_train[:1000]
    for _ in range(cfg.epochs):
        perm = rng.permutation(1000)
        for i in range(0, 1000, cfg.batch_size):
            rows = perm[i:i + cfg.batch_size]
            _, cache = model.forward(as_float(x[rows]))
            g = model.backward(cache, y[rows])
            opt.update(model.params, {k: g[k] for k in ("dW1", "db1", "dW2", "db2")},
                       learning_rate(cfg.schedule, cfg.lr, step, t.total_steps))
            step += 1
    assert all(np.array_equal(t.model.params[k], model.params[k]) for k in model.params)


def test_the_trainer_learns_from_distorted_batches_with_units_dropped(small_mnist, monkeypatch):
    cfg = _tiny(**ON)
    t = Trainer(cfg, small_mnist)
    seen = []
    forward = t.model.forward

    def spy(X, **kw):
        probs, cache = forward(X, **kw)
        seen.append(cache)
        return probs, cache

    monkeypatch.setattr(t.model, "forward", spy)
    t.step(1)
    rows = np.random.default_rng([cfg.seed, 1]).permutation(1000)[:100]  # the batch order of an unaugmented run
    expected = cfg.augment(small_mnist.x_train[rows], np.random.default_rng([cfg.seed, 2]))
    np.testing.assert_array_equal(seen[0]["A0"], expected)
    assert not np.array_equal(seen[0]["A0"], as_float(small_mnist.x_train[rows]))
    D = seen[0]["D1"]  # dropout on the hidden layer, with its own generator
    assert (D == 0).mean() == pytest.approx(0.2, abs=0.03)


def test_augmented_runs_are_reproducible_in_any_chunks_and_keep_the_batch_order(small_mnist):
    a, b, c = (Trainer(_tiny(**ON), small_mnist) for _ in range(3))
    while not a.done:
        a.step(1)
    b.step(10**6)
    for _ in c.run(chunk_steps=7):
        pass
    assert _same(a, b) and _same(a, c) and a.history.step_loss == c.history.step_loss
    other_seed = Trainer(_tiny(**ON, seed=1), small_mnist)
    other_seed.step(10**6)
    off = Trainer(_tiny(), small_mnist)
    off.step(10**6)
    assert not _same(a, other_seed) and not _same(a, off)
    # the batch order comes from the same generator, whether augmenting or not
    assert a.rng.bit_generator.state == off.rng.bit_generator.state


@pytest.mark.parametrize("changes", [{"rotate": 10.0}, {"thickness": 0.3}, {"dropout": 0.3}],
                         ids=["rotate", "thickness", "dropout"])
def test_each_setting_alone_changes_the_run_and_it_still_learns(small_mnist, changes):
    t = Trainer(_tiny(epochs=3, **changes), small_mnist)
    t.step(10**6)
    off = Trainer(_tiny(epochs=3), small_mnist)
    off.step(10**6)
    assert not _same(t, off)
    assert t.status == "done" and t.history.val_acc[-1] > 0.8  # 1,000 images, 3 epochs: ~0.87 either way


def test_elastic_sigma_alone_changes_nothing(small_mnist):
    a, b = Trainer(_tiny(elastic_sigma=8.0), small_mnist), Trainer(_tiny(), small_mnist)
    a.step(3)
    b.step(3)
    assert _same(a, b)


def test_the_command_line_has_every_setting_with_its_range():
    args = build_parser().parse_args(["train", "--preset", "fast", "--shift", "2", "--rotate", "10",
                                      "--scale", "0.1", "--elastic", "1", "--elastic-sigma", "6",
                                      "--thickness", "0.3", "--dropout", "0.2"])
    c = config_from(args)
    assert (c.shift, c.rotate, c.scale, c.elastic, c.elastic_sigma, c.thickness, c.dropout) == \
        (2.0, 10.0, 0.1, 1.0, 6.0, 0.3, 0.2)
    assert c.hidden == PRESETS["fast"].config.hidden
    for bad in (["--rotate", "200"], ["--dropout", "1"], ["--elastic-sigma", "0"], ["--shift", "nan"]):
        with pytest.raises(Exception, match="must be|not a finite"):
            build_parser().parse_args(["train", *bad])


@pytest.mark.parametrize("bad, match", [({"rotate": -1}, "rotate must be in"), ({"dropout": 1.0}, "dropout"),
                                        ({"scale": "0.1"}, "scale must be a finite number"),
                                        ({"thickness": 2}, "thickness must be in")])
def test_bad_values_are_refused_with_a_message(bad, match):
    with pytest.raises(ValueError, match=match):
        TrainConfig(**bad)


def test_the_run_time_estimate_counts_augmentation_and_dropout():
    from nn_core.estimate import run_seconds
    base = PRESETS["augmented"].config
    off = base.replace(shift=0.0, rotate=0.0, scale=0.0, elastic=0.0)
    t_on, t_off = run_seconds(base, 55_000), run_seconds(off, 55_000)
    assert 1.1 < t_on / t_off < 1.6  # measured: 1.33-1.44 (benchmarks/README.md)
    assert run_seconds(off.replace(thickness=0.3), 55_000) > t_off
    assert run_seconds(off.replace(dropout=0.2), 55_000) > t_off
    assert run_seconds(off.replace(elastic_sigma=8.0), 55_000) == t_off  # sigma alone distorts nothing
