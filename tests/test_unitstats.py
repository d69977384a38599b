"""What each hidden unit does (nn_core/inside/unitstats.py) against one forward pass over every
image at once, whatever the chunk size."""
import numpy as np
import pytest

from nn_core import MLP, as_float
from nn_core.inside.unitstats import QUANTILES, unit_stats


@pytest.fixture(scope="module")
def data(mnist):
    return mnist.x_test[:600], mnist.y_test[:600]


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_stats_match_one_big_forward_pass(data, activation):
    images, labels = data
    model = MLP([784, 16, 8, 10], activation, seed=2)
    if activation == "relu":
        model.params["b1"][3] = -50.0  # unit 3 of layer 1 is dead
    sample = np.arange(0, 600, 3)
    stats = unit_stats(model, images, labels, sample, k=5, chunk=137)
    same = unit_stats(model, images, labels, sample, k=5, chunk=10_000)
    _, cache = model.forward(as_float(images))
    for l in (1, 2):
        s, A, Z = stats[l], cache[f"A{l}"], cache[f"Z{l}"]
        distinct = np.all(np.diff(s.top_value, axis=1) < 0, axis=1)  # ties (a dead unit's zeros) may come in any order
        np.testing.assert_array_equal(s.top_index[distinct], same[l].top_index[distinct])
        np.testing.assert_allclose(s.top_value, same[l].top_value, rtol=1e-6)  # BLAS may round a chunk differently
        order = np.argsort(-A, axis=0, kind="stable")[:5].T  # (n, 5)
        np.testing.assert_allclose(s.top_value, np.take_along_axis(A.T, order, axis=1), rtol=1e-5)
        np.testing.assert_allclose(np.take_along_axis(A.T, s.top_index.astype(int), axis=1), s.top_value, rtol=1e-5)
        np.testing.assert_allclose(s.max, A.max(0), rtol=1e-5)
        np.testing.assert_allclose(s.min, A.min(0), rtol=1e-5, atol=1e-7)
        for c in range(10):
            np.testing.assert_allclose(s.mean_by_class[:, c], A[labels == c].mean(0), rtol=1e-4, atol=1e-6)
            ref = np.percentile(A[sample][labels[sample] == c], QUANTILES, axis=0).T
            np.testing.assert_allclose(s.box[:, c], ref, rtol=1e-5, atol=1e-6)
        if activation == "relu":
            np.testing.assert_allclose(s.flat, (Z <= 0).mean(0), atol=1e-7)
        assert s.n_images == 600 and s.sample_per_class.sum() == len(sample)
    if activation == "relu":
        assert stats[1].flat[3] == 1.0
    else:
        assert np.all(stats[1].flat < 1)


def test_sigmoid_flat_means_saturated(data):
    images, labels = data
    model = MLP([784, 4, 10], "sigmoid", seed=0)
    model.params["b1"][:] = [40.0, -40.0, 0.0, 0.0]  # two saturated units (on and off), two live
    model.params["W1"][:, :2] = 0
    s = unit_stats(model, images, labels, np.arange(100), k=3)[1]
    assert s.flat[0] == 1 and s.flat[1] == 1 and s.flat[2] < 1 and s.flat[3] < 1
