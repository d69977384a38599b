"""The hidden-layer map's PCA (nn_core/inside/layermap.py) against a direct eigen-decomposition of
the covariance matrix, and its fixed sample and fixed axes."""
import numpy as np
import pytest

from nn_core import MLP
from nn_core.inside.layermap import balanced_sample, fit_axes, layer_names, layer_outputs


def test_axes_are_the_top_eigenvectors_of_the_covariance(rng):
    A = rng.standard_normal((500, 6)) @ rng.standard_normal((6, 6)) + 3.0  # correlated, off-centre
    axes = fit_axes(A)
    C = np.cov(A, rowvar=False, bias=True)
    values, vectors = np.linalg.eigh(C)  # ascending
    top = vectors[:, ::-1][:, :2]
    for j in range(2):
        assert abs(abs(axes.V[:, j] @ top[:, j]) - 1) < 1e-9  # the same direction, up to sign
        assert axes.V[np.abs(axes.V[:, j]).argmax(), j] > 0     # the fixed sign
    np.testing.assert_allclose(axes.explained, values[::-1][:2] / values.sum(), rtol=1e-9)
    np.testing.assert_allclose(axes.mean, A.mean(0))
    P = axes.project(A)
    np.testing.assert_allclose(P, (A - A.mean(0)) @ axes.V, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(P.var(0), values[::-1][:2], rtol=1e-5)  # variance along an axis is its eigenvalue
    assert axes.captured(A) == pytest.approx(axes.explained.sum())


def test_other_data_is_projected_on_the_fitted_axes(rng):
    A = rng.standard_normal((300, 4)) * [5, 2, 1, 0.5]
    axes = fit_axes(A)
    B = rng.standard_normal((300, 4)) * [0.5, 1, 2, 5]  # variance along other directions
    np.testing.assert_allclose(axes.project(B), (B - A.mean(0)) @ axes.V, rtol=1e-5, atol=1e-5)
    assert axes.captured(B) < 0.3 < axes.captured(A)


def test_degenerate_layers(rng):
    one = fit_axes(rng.standard_normal((50, 1)))
    assert one.V.shape == (1, 2) and one.explained[0] == pytest.approx(1) and one.explained[1] == 0
    flat = fit_axes(np.ones((40, 3)))  # every unit constant (a dead layer): no variance at all
    assert flat.total == 0 and np.all(flat.explained == 0) and flat.captured(np.ones((5, 3))) == 0
    np.testing.assert_array_equal(flat.project(np.ones((5, 3))), 0)


def test_balanced_sample_is_fixed_and_balanced(mnist):
    a = balanced_sample(mnist.y_test, 200, seed=0)
    np.testing.assert_array_equal(a, balanced_sample(mnist.y_test, 200, seed=0))
    assert len(a) == 2000 and np.all(np.diff(a) > 0)
    np.testing.assert_array_equal(np.bincount(mnist.y_test[a], minlength=10), 200)
    few = balanced_sample(np.array([0, 0, 1]), 5)
    np.testing.assert_array_equal(few, [0, 1, 2])


def test_layer_outputs_are_the_forward_pass(rng):
    model = MLP([784, 8, 6, 10], "tanh", seed=1)
    X = rng.random((7, 784)).astype(np.float32)
    out = layer_outputs(model, X)
    assert list(out) == layer_names(model) == ["A0", "A1", "A2", "Z3"]
    _, cache = model.forward(X)
    for k, v in out.items():
        np.testing.assert_array_equal(v, cache[k])
