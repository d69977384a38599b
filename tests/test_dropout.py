"""Dropout in the one forward pass: off by default (bit for bit), masks with the right
statistics, and backprop through fixed masks checked against finite differences."""
import numpy as np
import pytest

from nn_core import MLP, cross_entropy, labels_to_onehot, make_optimizer, rel_error
from nn_core.activations import ACTIVATIONS


def test_off_by_default_bit_for_bit(rng):
    model = MLP([784, 32, 16, 10], seed=0)
    X, y = rng.random((8, 784), dtype=np.float32), rng.integers(0, 10, 8)
    probs, cache = model.forward(X)
    probs0, cache0 = model.forward(X, dropout=0.0, rng=np.random.default_rng(1))
    assert list(cache0) == list(cache) == ["A0", "Z1", "A1", "Z2", "A2", "Z3", "A3"]  # no masks
    assert all(np.array_equal(cache[k], cache0[k]) for k in cache)
    g, g0 = model.backward(cache, y), model.backward(cache0, y)
    assert set(g) == set(g0) and all(np.array_equal(g[k], g0[k]) for k in g)


def test_masks_keep_units_with_probability_1_minus_p_and_scale_them(rng):
    p = 0.3
    model = MLP([784, 400, 300, 10], seed=0)
    X = rng.random((64, 784), dtype=np.float32)
    _, plain = model.forward(X)
    probs, cache = model.forward(X, dropout=p, rng=np.random.default_rng(5))
    assert [k for k in cache if k.startswith("D")] == ["D1", "D2"]  # hidden layers only, never the output
    for l in (1, 2):
        D = cache[f"D{l}"]
        assert D.shape == cache[f"Z{l}"].shape and D.dtype == np.float32
        assert set(np.unique(D)) == {0, np.float32(1 / (1 - p))}
        assert (D == 0).mean() == pytest.approx(p, abs=0.01)
        np.testing.assert_array_equal(cache[f"A{l}"], np.maximum(cache[f"Z{l}"], 0) * D)
    np.testing.assert_array_equal(cache["Z1"], plain["Z1"])  # the first layer's input is not dropped
    # Inverted dropout keeps the expected activation: no rescaling at test time.
    np.testing.assert_allclose(cache["A1"].mean(), plain["A1"].mean(), rtol=0.02)
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-6)


def test_same_rng_same_masks_another_seed_others(rng):
    model = MLP([20, 16, 10], seed=0)
    X = rng.random((4, 20))
    a = model.forward(X, dropout=0.5, rng=np.random.default_rng(3))[1]["D1"]
    assert np.array_equal(a, model.forward(X, dropout=0.5, rng=np.random.default_rng(3))[1]["D1"])
    assert not np.array_equal(a, model.forward(X, dropout=0.5, rng=np.random.default_rng(4))[1]["D1"])


def loss_with_masks(model, X, y, p, seed):
    """Mean cross-entropy with the masks that rng(seed) draws: the same masks at every call."""
    _, cache = model.forward(X, dropout=p, rng=np.random.default_rng(seed))
    return cross_entropy(cache[f"Z{model.L}"], labels_to_onehot(y, model.layer_sizes[-1], len(y), np.float64))


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("hidden", [[9], [8, 7]])
def test_backprop_through_fixed_masks_matches_finite_differences(activation, hidden, rng):
    model = MLP([12, *hidden, 4], activation, seed=3, dtype=np.float64)
    X, y, p, seed = rng.standard_normal((6, 12)), rng.integers(0, 4, 6), 0.4, 11
    _, cache = model.forward(X, dropout=p, rng=np.random.default_rng(seed))
    assert (cache["D1"] == 0).any()  # some units really are dropped
    grads = model.backward(cache, y)
    h = 1e-5
    for key, P in model.params.items():
        numeric = np.zeros_like(P)
        for i in np.ndindex(P.shape):
            old = P[i]
            P[i] = old + h
            plus = loss_with_masks(model, X, y, p, seed)
            P[i] = old - h
            minus = loss_with_masks(model, X, y, p, seed)
            P[i] = old
            numeric[i] = (plus - minus) / (2 * h)
        assert rel_error(grads[f"d{key}"], numeric) < 1e-6, key
    # a dropped unit passes no gradient back, for that example
    assert np.all(grads["dZ1"][cache["D1"] == 0] == 0)


def test_training_with_dropout_still_learns(small_mnist):
    model, opt = MLP([784, 64, 10], seed=0), make_optimizer("adam")
    X = small_mnist.x_train[:512].reshape(512, -1) / np.float32(255)
    y = small_mnist.y_train[:512]
    rng = np.random.default_rng(0)
    before = model.loss(X, y)
    for _ in range(60):
        _, cache = model.forward(X, dropout=0.5, rng=rng)
        opt.update(model.params, model.backward(cache, y), 1e-3)
    assert model.loss(X, y) < before / 3


@pytest.mark.parametrize("p, rng, match", [(1.0, np.random.default_rng(0), "probability"),
                                           (-0.1, np.random.default_rng(0), "probability"),
                                           (True, np.random.default_rng(0), "probability"),
                                           (0.5, None, "needs rng"), (0.5, 42, "needs rng")])
def test_bad_dropout_arguments_are_clear_value_errors(p, rng, match):
    with pytest.raises(ValueError, match=match):
        MLP([4, 3, 2]).forward(np.zeros((1, 4)), dropout=p, rng=rng)
