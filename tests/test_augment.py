"""Augmentation: properties of each distortion, checked on real MNIST digits and on images
whose answer is known, and the resampling against a plain per-pixel reference."""
import numpy as np
import pytest

from nn_core import as_float
from nn_core.augment.distort import Augment
from nn_core.augment.warp import BLOCK, affine_matrices, elastic_field, thicken, warp


@pytest.fixture(scope="module")
def digits(mnist):
    """64 training digits (64, 28, 28) uint8 with at least 4 blank pixels on every side, so
    that small moves keep all of their ink in the field."""
    X = mnist.x_train[:400]
    rows, cols = X.any(axis=2), X.any(axis=1)
    margin = np.minimum.reduce([rows.argmax(1), cols.argmax(1), rows[:, ::-1].argmax(1), cols[:, ::-1].argmax(1)])
    return X[margin >= 4][:64]


def images(X):
    return as_float(X).reshape(-1, 28, 28)


def centre_of_mass(X):
    """(m, 2): x and y of each image's ink centre."""
    X = X.reshape(-1, 28, 28).astype(np.float64)
    mass = X.sum(axis=(1, 2))
    r = np.arange(28)
    return np.stack([(X.sum(axis=1) @ r) / mass, (X.sum(axis=2) @ r) / mass], axis=1)


def test_zero_strength_is_the_identity(digits, rng):
    expected = as_float(digits)
    assert np.array_equal(Augment()(digits, rng), expected)
    assert np.array_equal(Augment(elastic_sigma=2.0)(digits, rng), expected)  # sigma alone moves nothing
    assert not Augment(elastic_sigma=2.0).active and Augment(thickness=0.1).active
    # the resampling itself is exact at the identity, and at zero thickness change
    assert np.array_equal(warp(images(digits), affine_matrices(np.zeros(64), 1, 0, 0)), images(digits))
    assert np.array_equal(thicken(images(digits), 0.0), images(digits))


@pytest.mark.parametrize("shape", [(10, 28, 28), (10, 784)])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
def test_shapes_dtypes_and_range(mnist, shape, dtype, rng):
    X = mnist.x_train[:10].reshape(shape)
    X = X if dtype == np.uint8 else (X / 255).astype(dtype)
    before = X.copy()
    out = Augment(shift=3, rotate=15, scale=0.15, elastic=2, thickness=0.5)(X, rng)
    assert out.shape == (10, 784) and out.dtype == np.float32
    assert np.isfinite(out).all() and out.min() >= 0 and out.max() <= 1
    assert np.array_equal(X, before)  # the caller's batch is never changed
    assert Augment(shift=1)(X[:0], rng).shape == (0, 784)


def test_same_seed_same_batch_and_another_seed_another(digits):
    aug = Augment(shift=2, rotate=10, scale=0.1, elastic=1.5, thickness=0.3)
    a = aug(digits, np.random.default_rng(7))
    assert np.array_equal(a, aug(digits, np.random.default_rng(7)))
    assert not np.allclose(a, aug(digits, np.random.default_rng(8)))


def test_each_transform_keeps_its_draws_when_another_is_switched_on(digits):
    """The per-image numbers are always drawn in the same order: a tiny elastic field on top
    of the same shifts changes the images only a little."""
    a = Augment(shift=3)(digits, np.random.default_rng(1))
    b = Augment(shift=3, elastic=1e-4)(digits, np.random.default_rng(1))
    assert np.abs(a - b).max() < 1e-3


@pytest.mark.parametrize("tx, ty", [(2, 0), (0, -3), (-1, 2), (1.5, -0.25)])
def test_a_shift_by_k_moves_the_centre_of_mass_by_k(digits, tx, ty):
    X = images(digits)
    moved = warp(X, affine_matrices(0, 1, tx, ty))
    np.testing.assert_allclose(centre_of_mass(moved) - centre_of_mass(X), np.tile([tx, ty], (64, 1)), atol=1e-3)
    np.testing.assert_allclose(moved.sum(axis=(1, 2)), X.sum(axis=(1, 2)), rtol=1e-5)  # nothing fell off


def test_random_shifts_move_each_digit_within_the_range(digits, rng):
    moved = Augment(shift=3)(digits, rng)
    d = centre_of_mass(moved) - centre_of_mass(images(digits))
    assert np.abs(d).max() <= 3 + 1e-3
    assert np.abs(d).mean() > 1  # U(-3, 3) has mean |t| = 1.5: they really move
    assert np.std(d[:, 0]) > 0.5 and abs(np.corrcoef(d[:, 0], d[:, 1])[0, 1]) < 0.5  # x and y independent


def test_rotation_by_90_degrees_of_a_known_image():
    X = np.zeros((2, 28, 28), np.float32)
    X[0, 5:8, 3:20] = 1          # a horizontal bar in the upper left ...
    X[1, 10, 20] = 0.5           # ... and a single pixel right of the middle
    R = warp(X, affine_matrices(90, 1, 0, 0))
    np.testing.assert_allclose(R, np.rot90(X, axes=(1, 2)), atol=1e-6)  # anticlockwise, as on screen
    assert R[1, 7, 10] == pytest.approx(0.5)  # (x, y) = (20, 10) -> (10, 27 - 20)
    back = warp(warp(R, affine_matrices(90, 1, 0, 0)), affine_matrices(180, 1, 0, 0))
    np.testing.assert_allclose(back, X, atol=1e-5)


@pytest.mark.parametrize("aug", [Augment(rotate=15), Augment(shift=2, rotate=10)])
def test_moves_and_turns_keep_the_ink(digits, aug, rng):
    mass = images(digits).sum(axis=(1, 2))
    ratio = aug(digits, rng).reshape(-1, 784).sum(axis=1) / mass
    assert 0.95 < ratio.min() and ratio.max() < 1.05


@pytest.mark.parametrize("aug", [Augment(elastic=1.0), Augment(elastic=2, elastic_sigma=6)])
def test_elastic_distortion_keeps_the_ink_on_average(mnist, aug, rng):
    """It stretches some strokes and squeezes others (its Jacobian varies), so one digit can
    gain or lose a fifth of its ink, but the average stays."""
    X = mnist.x_train[:1000]
    ratio = aug(X, rng).sum(axis=1) / as_float(X).sum(axis=1)
    assert abs(ratio.mean() - 1) < 0.02
    assert 0.6 < np.percentile(ratio, 5) and np.percentile(ratio, 95) < 1.45


def test_zoom_scales_the_ink_by_the_area(digits):
    X = images(digits)
    for s in (0.8, 1.2):  # bilinear sampling without a low-pass filter: right on average, +-10 % per image
        ratio = warp(X, affine_matrices(0, s, 0, 0)).sum(axis=(1, 2)) / X.sum(axis=(1, 2))
        np.testing.assert_allclose(ratio, s * s, rtol=0.1)
        assert ratio.mean() == pytest.approx(s * s, rel=0.02)
    ratio = Augment(scale=0.2)(digits, np.random.default_rng(0)).sum(axis=1) / X.sum(axis=(1, 2))
    assert 0.8 ** 2 * 0.95 < ratio.min() and ratio.max() < 1.2 ** 2 * 1.05 and ratio.std() > 0.05


def reference_bilinear(img, M):
    """Per-pixel bilinear sampling, written the plain way."""
    out = np.zeros((28, 28))
    for y in range(28):
        for x in range(28):
            qx, qy = M @ [x, y, 1]
            x0, y0 = int(np.floor(qx)), int(np.floor(qy))
            fx, fy = qx - x0, qy - y0
            px = lambda r, c: img[r, c] if 0 <= r < 28 and 0 <= c < 28 else 0.0  # noqa: E731
            out[y, x] = ((1 - fy) * ((1 - fx) * px(y0, x0) + fx * px(y0, x0 + 1))
                         + fy * ((1 - fx) * px(y0 + 1, x0) + fx * px(y0 + 1, x0 + 1)))
    return out


def test_resampling_matches_a_per_pixel_reference(digits, rng):
    X = images(digits[:3])
    M = affine_matrices(rng.uniform(-30, 30, 3), rng.uniform(0.7, 1.3, 3), rng.uniform(-4, 4, 3), rng.uniform(-4, 4, 3))
    out = warp(X, M)
    for i in range(3):
        np.testing.assert_allclose(out[i], reference_bilinear(X[i], M[i]), atol=1e-5)


def test_big_batches_go_through_in_blocks_with_the_same_result(mnist, rng):
    X = images(mnist.x_train[:BLOCK + 50])
    M = affine_matrices(rng.uniform(-20, 20, len(X)), 1.1, 1.0, -0.5)
    d = elastic_field(len(X), 1.0, 4.0, rng)
    whole = warp(X, M, d)
    np.testing.assert_array_equal(whole[BLOCK:], warp(X[BLOCK:], M[BLOCK:], d[:, BLOCK:]))
    np.testing.assert_array_equal(whole[:10], warp(X[:10], M[:10], d[:, :10]))


def test_elastic_field_has_the_asked_spread_and_is_smooth(rng):
    d = elastic_field(2000, 1.5, 4.0, rng)
    assert d.shape == (2, 2000, 28, 28)
    rms = np.sqrt((d ** 2).mean(axis=1))                # per axis and pixel, over the images
    assert 1.35 < rms.min() and rms.max() < 1.65        # the same everywhere, the border too
    assert abs(d.mean()) < 0.05
    neighbours = np.corrcoef(d[0, :, 10, 10], d[0, :, 10, 11])[0, 1]
    far = np.corrcoef(d[0, :, 10, 2], d[0, :, 10, 25])[0, 1]
    assert neighbours > 0.9 and abs(far) < 0.1         # neighbours move together, distant pixels do not
    assert abs(np.corrcoef(d[0, :, 10, 10], d[1, :, 10, 10])[0, 1]) < 0.1  # dx and dy independent


def reference_filter(X, op):
    P = np.pad(X, ((0, 0), (1, 1), (1, 1)), constant_values=np.nan)
    stack = np.stack([P[:, r:r + 28, c:c + 28] for r in range(3) for c in range(3)])
    return op(stack, axis=0)  # nan-aware: the border is left out of the neighbourhood


def test_thickness_is_a_blend_towards_the_3x3_max_or_min(digits):
    X = images(digits[:8])
    np.testing.assert_allclose(thicken(X, 1.0), reference_filter(X, np.nanmax), atol=1e-6)
    np.testing.assert_allclose(thicken(X, -1.0), reference_filter(X, np.nanmin), atol=1e-6)
    a = np.array([0.5, -0.5, 0.25, -1, 1, 0, 0.1, -0.1], np.float32)
    target = np.where(a[:, None, None] > 0, reference_filter(X, np.nanmax), reference_filter(X, np.nanmin))
    np.testing.assert_allclose(thicken(X, a), X + np.abs(a)[:, None, None] * (target - X), atol=1e-6)


def test_random_thickness_thickens_some_and_thins_others(digits, rng):
    mass = images(digits).sum(axis=(1, 2))
    ratio = Augment(thickness=0.6)(digits, rng).sum(axis=1) / mass
    assert ratio.max() > 1.2 and ratio.min() < 0.85


@pytest.mark.parametrize("kwargs, match", [({"shift": -1}, "shift"), ({"rotate": 200}, "rotate"),
                                           ({"scale": True}, "scale"), ({"elastic": "2"}, "elastic"),
                                           ({"elastic_sigma": 0}, "elastic_sigma"), ({"thickness": 1.5}, "thickness")])
def test_bad_strengths_are_clear_value_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Augment(**kwargs)


@pytest.mark.parametrize("X, match", [(np.zeros((3, 27, 27), np.uint8), "shape"), (np.zeros(784), "shape"),
                                      (np.full((2, 784), 2.0), r"\[0, 1\]"), (np.full((2, 784), np.nan), "finite"),
                                      (np.zeros((2, 784), np.int64), "dtype")])
def test_bad_images_are_clear_value_errors(X, match, rng):
    with pytest.raises(ValueError, match=match):
        Augment(shift=1)(X, rng)


def test_round_trip_through_a_dict_and_unknown_keys():
    aug = Augment(shift=2, rotate=10, scale=0.1, elastic=1.5, thickness=0.2)
    assert Augment.from_dict(aug.to_dict()) == aug
    with pytest.raises(ValueError, match="unknown augmentation keys"):
        Augment.from_dict({"shift": 1, "shfit": 2})
    assert aug.describe() == "shift ±2 px, rotate ±10°, zoom ±10 %, elastic 1.5 px (σ 4 px), thickness ±0.2"
    assert Augment().describe() == "none"
