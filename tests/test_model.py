"""The network's math: shapes, softmax, loss, and backprop checked against finite differences."""
import numpy as np
import pytest

from nn_core import MLP, check_gradients, check_weight, cross_entropy, labels_to_onehot, rel_error, softmax_steps
from nn_core.activations import ACTIVATIONS


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("hidden", [[7], [6, 5], [5, 4, 3]])
@pytest.mark.parametrize("labels", ["int", "onehot"])
def test_backprop_matches_finite_differences(activation, hidden, labels, rng):
    model = MLP([12, *hidden, 4], activation, seed=3, dtype=np.float64)
    X = rng.standard_normal((6, 12))
    y = rng.integers(0, 4, 6)
    errors = check_gradients(model, X, y if labels == "int" else np.eye(4)[y], n_per_param=None)
    assert set(errors) == set(model.params)
    assert max(errors.values()) < 1e-6, errors


def test_gradcheck_catches_a_wrong_gradient(rng):
    """The checker must be able to fail: break backprop and it reports a large error."""
    model = MLP([10, 5, 3], seed=0, dtype=np.float64)
    X, y = rng.standard_normal((4, 10)), rng.integers(0, 3, 4)
    original = model.backward

    def wrong_backward(cache, y, check=True):
        grads = original(cache, y, check)
        grads["dW1"] = grads["dW1"] * 1.01  # 1 % off
        return grads

    model.backward = wrong_backward
    errors = check_gradients(model, X, y, n_per_param=None)
    assert errors["W1"] > 1e-3 and errors["W2"] < 1e-6


def test_single_weight_check_for_the_dashboard(rng):
    model = MLP([784, 16, 10], seed=0, dtype=np.float64)
    X, y = rng.random((1, 784)), np.array([3])
    _, cache = model.forward(X)
    j = int(np.argmax(cache["Z1"][0]))  # a unit that fired, so the gradient is not zero
    c = check_weight(model, X, y, "W1", (300, j))
    assert abs(c.analytic) > 1e-8 and c.rel_error < 1e-6
    assert c.key == "W1" and c.index == (300, j)
    np.testing.assert_allclose(c.numeric, c.analytic, rtol=1e-5)
    with pytest.raises(ValueError, match="outside"):
        check_weight(model, X, y, "W1", (784, 0))
    with pytest.raises(ValueError, match="unknown parameter"):
        check_weight(model, X, y, "W9", (0, 0))


def test_forward_cache_and_shapes():
    model = MLP([784, 32, 16, 10], seed=0)
    X = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    probs, cache = model.forward(X)
    assert list(cache) == ["A0", "Z1", "A1", "Z2", "A2", "Z3", "A3"]
    assert cache["A0"] is X or np.array_equal(cache["A0"], X)
    assert [cache[f"Z{l}"].shape for l in (1, 2, 3)] == [(5, 32), (5, 16), (5, 10)]
    assert probs is cache["A3"] and probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-6)
    # Z = A @ W + b, A = relu(Z), by hand for layer 1
    np.testing.assert_allclose(cache["Z1"], X @ model.params["W1"] + model.params["b1"], rtol=1e-5)
    np.testing.assert_array_equal(cache["A1"], np.maximum(cache["Z1"], 0))


def test_backward_keys_and_shapes_mirror_params(rng):
    model = MLP([784, 32, 16, 10], seed=0)
    X, y = rng.random((8, 784)).astype(np.float32), rng.integers(0, 10, 8)
    _, cache = model.forward(X)
    grads = model.backward(cache, y)
    for l in (1, 2, 3):
        assert grads[f"dW{l}"].shape == model.params[f"W{l}"].shape
        assert grads[f"db{l}"].shape == model.params[f"b{l}"].shape
        assert grads[f"dZ{l}"].shape == cache[f"Z{l}"].shape
    assert {"dA1", "dA2"} <= set(grads) and "dA0" not in grads and "dA3" not in grads
    # dZ_L = (A_L - Y) / m: the gradient of the MEAN loss
    np.testing.assert_allclose(grads["dZ3"], (cache["A3"] - np.eye(10)[y]) / 8, atol=1e-7)
    # the ReLU mask: dZ1 = dA1 where Z1 > 0, else 0
    np.testing.assert_allclose(grads["dZ1"], grads["dA1"] * (cache["Z1"] > 0), atol=1e-7)


def test_parameter_counts():
    assert MLP([784, 16, 16, 10]).n_params == 13002
    assert MLP([784, 128, 10]).n_params == 784 * 128 + 128 + 128 * 10 + 10


def test_softmax_steps_and_stability():
    Z = np.array([[1.0, 2.0, 3.0], [1e4, -1e4, 0.0]])
    s = softmax_steps(Z)
    np.testing.assert_allclose(s["shifted"].max(axis=1), 0)
    np.testing.assert_allclose(s["exp"], np.exp(s["shifted"]))
    np.testing.assert_allclose(s["probs"].sum(axis=1), 1)
    np.testing.assert_allclose(s["probs"][0], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    assert np.all(np.isfinite(s["probs"]))


def test_loss_is_finite_and_correct_for_extreme_logits():
    Z = np.array([[1e4, -1e4, 0.0], [0.0, 0.0, 0.0]])
    Y = np.eye(3)[[1, 2]]
    loss = cross_entropy(Z, Y)
    assert np.isfinite(loss)
    np.testing.assert_allclose(loss, (2e4 + np.log(3)) / 2, rtol=1e-12)

    model = MLP([4, 3], seed=0, dtype=np.float64)
    model.params["W1"][:] = [[1e4, -1e4, 0]] * 4
    assert np.isfinite(model.loss(np.ones((1, 4)), np.array([1])))


def test_loss_equals_minus_log_prob_of_true_class(rng):
    model = MLP([20, 8, 5], seed=1, dtype=np.float64)
    X, y = rng.random((7, 20)), rng.integers(0, 5, 7)
    probs, _ = model.forward(X)
    np.testing.assert_allclose(model.loss(X, y), -np.log(probs[np.arange(7), y]).mean(), rtol=1e-12)


def test_same_seed_same_weights_and_inits_have_their_scale():
    a, b = MLP([784, 256, 10], seed=5), MLP([784, 256, 10], seed=5)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert not np.array_equal(a.params["W1"], MLP([784, 256, 10], seed=6).params["W1"])
    np.testing.assert_allclose(a.params["W1"].std(), np.sqrt(2 / 784), rtol=0.02)  # He
    np.testing.assert_allclose(MLP([784, 256, 10], init="xavier").params["W1"].std(), np.sqrt(1 / 784), rtol=0.02)
    u = MLP([784, 256, 10], init="uniform").params
    assert -0.5 <= u["W1"].min() and u["W1"].max() <= 0.5 and u["b1"].std() > 0.2


@pytest.mark.parametrize("bad, match", [
    (np.zeros((3, 783)), r"shape \(m, 784\)"),
    (np.zeros(784), r"shape \(m, 784\)"),
    (np.full((2, 784), np.nan), "NaN"),
    (np.array([["a"] * 784]), "real numbers"),
])
def test_bad_inputs_are_clear_value_errors(bad, match):
    with pytest.raises(ValueError, match=match):
        MLP([784, 8, 10]).forward(bad)


@pytest.mark.parametrize("y, match", [
    (np.array([0, 10]), r"0\.\.9"),
    (np.array([-1, 2]), r"0\.\.9"),
    (np.array([0.5, 1.0]), "integer"),
    (np.array([1, 2, 3]), "3 labels for 2"),
    (np.ones((2, 10)), "one-hot"),
])
def test_bad_labels_are_clear_value_errors(y, match):
    model = MLP([784, 8, 10])
    X = np.zeros((2, 784), np.float32)
    _, cache = model.forward(X)
    with pytest.raises(ValueError, match=match):
        model.backward(cache, y)
    with pytest.raises(ValueError, match=match):
        model.loss(X, y)


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        MLP([784, 8, 10], activation="swish")
    with pytest.raises(ValueError, match="unknown init"):
        MLP([784, 8, 10], init="zeros")
    with pytest.raises(ValueError, match="layer_sizes"):
        MLP([784])
    with pytest.raises(ValueError, match="layer_sizes"):
        MLP([784, 0, 10])
    with pytest.raises(ValueError, match="layer_sizes"):
        MLP([784, 2.5, 10])


def test_set_params_validates():
    model = MLP([784, 8, 10])
    good = {k: v.copy() for k, v in model.params.items()}
    with pytest.raises(ValueError, match="shape"):
        model.set_params({**good, "W1": np.zeros((784, 9))})
    with pytest.raises(ValueError, match="NaN"):
        model.set_params({**good, "b2": np.full(10, np.nan)})
    with pytest.raises(ValueError, match="exactly"):
        model.set_params({k: v for k, v in good.items() if k != "b1"})


def test_onehot_helper_and_rel_error():
    np.testing.assert_array_equal(labels_to_onehot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0
    assert rel_error(1.0, -1.0) == 1.0


def test_astype_copies_into_another_precision():
    model = MLP([784, 8, 10], seed=1)
    twin = model.astype(np.float64)
    assert twin.dtype == np.float64 and all(p.dtype == np.float64 for p in twin.params.values())
    assert model.dtype == np.float32 and all(p.dtype == np.float32 for p in model.params.values())
    np.testing.assert_allclose(twin.params["W1"], model.params["W1"])
    twin.params["W1"][0, 0] += 1
    assert twin.params["W1"][0, 0] != model.params["W1"][0, 0]
    with pytest.raises(ValueError, match="float32 or float64"):
        model.astype(np.int32)
