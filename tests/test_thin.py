"""Big models drawn thin: pooled matrices keep every block's strongest weight, a wide first
layer is drawn a block of units at a time, and every page's figures stay small."""
import numpy as np
import pytest

from ui import charts, thin


def test_pooling_keeps_each_blocks_largest_magnitude_with_its_sign():
    W = np.zeros((300, 130), np.float32)
    W[6, 7], W[7, 6], W[299, 129] = 0.5, -0.9, 0.1   # block (2, 3) holds +0.5 and -0.9; the last, a corner
    P, kr, kc = thin.pool_max_abs(W, max_side=128)
    assert (kr, kc) == (3, 2) and P.shape == (100, 65)
    assert P[2, 3] == pytest.approx(-0.9) and P[99, 64] == pytest.approx(0.1)
    assert np.count_nonzero(P) == 2
    small = np.arange(12, dtype=np.float32).reshape(3, 4)
    P, kr, kc = thin.pool_max_abs(small)
    assert (kr, kc) == (1, 1) and np.array_equal(P, small)      # small matrices are drawn whole


def test_a_big_matrix_is_drawn_pooled_and_says_so():
    W = np.random.default_rng(0).standard_normal((512, 512)).astype(np.float32)
    fig = charts.matrix(W, "W2ᵀ: 512 × 512", "unit of layer 1", "unit of layer 2")
    z = np.asarray(fig.data[0].z)
    assert z.shape == (128, 128) and "(4 × 4 blocks)" in fig.layout.title.text
    assert np.abs(z).max() == pytest.approx(np.abs(W).max())
    assert list(fig.data[0].x[:2]) == ["0–3", "4–7"] and fig.data[0].y[-1] == "508–511"  # cells named by units
    assert list(fig.layout.xaxis.ticktext) == ["0", "128", "256", "384"]            # ticks at units
    assert charts.matrix(W[:10, :100], "t", "x", "y").data[0].x is None  # small ones are drawn whole
    assert np.asarray(charts.matrix(W[:10], "t", "x", "y").data[0].z).shape == (10, 512)  # 5,120 cells: whole


def test_templates_hover_names_units_without_a_string_per_pixel():
    W = np.random.default_rng(1).standard_normal((784, 128)).astype(np.float32)
    fig = charts.templates(W, first_unit=128)
    custom = np.asarray(fig.data[0].customdata)
    assert custom.dtype == np.uint16 and custom.min() == 128 and custom.max() == 255
    assert fig.data[0].hoverongaps is False
