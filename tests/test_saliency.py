"""The gradient with respect to the pixels is the finite difference of the loss; nudging moves
few pixels, keeps them in [0, 1], and makes the network read the target digit."""
import numpy as np
import pytest

from nn_core import MLP, input_gradient, nudge


@pytest.fixture
def net():
    return MLP([784, 12, 10], activation="tanh", seed=5, dtype=np.float64)


def test_input_gradient_is_the_finite_difference(net):
    X = np.random.default_rng(0).random((2, 784))
    y = np.array([3, 8])
    g = input_gradient(net, X, y)
    assert g.shape == (2, 784)
    for n, i in [(0, 10), (1, 400), (0, 783)]:
        h = 1e-6
        up, down = X.copy(), X.copy()
        up[n, i] += h
        down[n, i] -= h
        numeric = (net.loss(up, y) - net.loss(down, y)) / (2 * h)
        assert g[n, i] == pytest.approx(numeric, rel=1e-5, abs=1e-9)


def test_nudge_reads_the_target_after_moving_few_pixels(net):
    x = np.random.default_rng(1).random(784) * 0.5
    start = int(net.forward(x[None])[0].argmax())
    target = (start + 1) % 10
    r = nudge(net, x, target, step=0.25, pixels=8, max_steps=200)
    assert r.reached and int(net.forward(r.x[None].astype(np.float64))[0].argmax()) == target
    assert 0 < r.pixels_changed(x) <= 8 * r.steps and r.x.min() >= 0 and r.x.max() <= 1
    assert r.probs_after[target] > r.probs_before[target]
    same = nudge(net, x, start)  # already there: nothing moves
    assert same.steps == 0 and same.reached and same.pixels_changed(x) == 0


@pytest.mark.parametrize("kwargs", [{"target": 10}, {"target": -1}, {"target": 1, "step": 0}, {"target": 1, "pixels": 0}])
def test_nudge_refuses_nonsense(net, kwargs):
    with pytest.raises(ValueError):
        nudge(net, np.zeros(784), **kwargs)


def test_a_forward_pass_already_run_gives_the_same_gradient_and_nudge(net):
    """The Backprop page hands its one forward pass in: same numbers, one pass per step."""
    x = np.random.default_rng(2).random(784) * 0.5
    probs, cache = net.forward(x[None])
    target = (int(probs[0].argmax()) + 3) % 10
    np.testing.assert_array_equal(input_gradient(net, x[None], np.array([4]), cache),
                                  input_gradient(net, x[None], np.array([4])))
    a, b = nudge(net, x, target, max_steps=200), nudge(net, x, target, max_steps=200, cache=cache)
    assert a.steps == b.steps > 0 and a.reached
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.probs_after, b.probs_after)
