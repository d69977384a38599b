"""Fixed perturbations (nn_core/inside/perturb.py) against direct references: integer shifts are
array shifts, a quarter turn is np.rot90, dilation and erosion are a 3x3 max and min
written out pixel by pixel, noise is reproducible and clipped, and ink is kept where it must be."""
import numpy as np
import pytest

from nn_core.inside.perturb import Perturbation, noise, perturb, rotate, shift, thicken


@pytest.fixture(scope="module")
def digits(mnist):
    return mnist.x_test[:50].reshape(50, 784).astype(np.float32) / 255


def as_images(X):
    return X.reshape(len(X), 28, 28)


def test_no_perturbation_is_the_identity(digits):
    np.testing.assert_array_equal(perturb(digits, Perturbation()), digits)
    assert Perturbation().is_identity and not Perturbation(noise=0.1).is_identity


@pytest.mark.parametrize("dx, dy", [(2, 0), (0, -3), (-1, 4)])
def test_integer_shift_moves_every_pixel(digits, dx, dy):
    out = as_images(shift(digits, dx, dy))
    ref = np.zeros_like(as_images(digits))
    src = as_images(digits)
    ys, xs = slice(max(dy, 0), 28 + min(dy, 0)), slice(max(dx, 0), 28 + min(dx, 0))
    ys_in, xs_in = slice(max(-dy, 0), 28 + min(-dy, 0)), slice(max(-dx, 0), 28 + min(-dx, 0))
    ref[:, ys, xs] = src[:, ys_in, xs_in]
    np.testing.assert_allclose(out, ref, atol=1e-6)


def test_half_pixel_shift_averages_neighbours(digits):
    out, src = as_images(shift(digits, 0.5, 0)), as_images(digits)
    np.testing.assert_allclose(out[:, :, 1:], (src[:, :, 1:] + src[:, :, :-1]) / 2, atol=1e-6)


def test_quarter_turn_is_rot90_anticlockwise(digits):
    np.testing.assert_allclose(as_images(rotate(digits, 90)), np.rot90(as_images(digits), 1, axes=(1, 2)), atol=1e-5)
    np.testing.assert_allclose(rotate(digits, 360), digits, atol=1e-5)


def test_small_rotation_keeps_the_ink_and_its_centre(digits):
    out = rotate(digits, 15)
    np.testing.assert_allclose(out.sum(axis=1), digits.sum(axis=1), rtol=0.03)
    grid = np.arange(28) - 13.5
    def centre(X):
        I = as_images(X)
        return np.stack([(I.sum(1) * grid).sum(1), (I.sum(2) * grid).sum(1)], 1) / I.sum((1, 2))[:, None]
    # rotation about the field's middle moves the centre of mass by the same rotation
    c, r = centre(digits), centre(out)
    assert np.allclose(np.hypot(*c.T), np.hypot(*r.T), atol=0.2)


def reference_filter(X, reduce):
    I = np.pad(as_images(X), ((0, 0), (1, 1), (1, 1)))
    out = np.empty_like(as_images(X))
    for y in range(28):
        for x in range(28):
            out[:, y, x] = reduce(I[:, y:y + 3, x:x + 3].reshape(len(X), 9), axis=1)
    return out.reshape(len(X), 784)


def test_thickness_is_dilation_or_erosion(digits):
    np.testing.assert_allclose(thicken(digits, 1), reference_filter(digits, np.max))
    np.testing.assert_allclose(thicken(digits, -1), reference_filter(digits, np.min))
    np.testing.assert_allclose(thicken(digits, 2), reference_filter(reference_filter(digits, np.max), np.max))
    half = thicken(digits, 0.5)
    np.testing.assert_allclose(half, digits + 0.5 * (reference_filter(digits, np.max) - digits), atol=1e-6)


def test_thicker_strokes_have_more_ink(digits):
    ink = [thicken(digits, t).sum(axis=1) for t in (-1, -0.5, 0, 0.5, 1, 2)]
    for thinner, thicker in zip(ink, ink[1:]):
        assert np.all(thinner <= thicker + 1e-4)
    assert np.all(ink[-1] > ink[2]) and np.all(ink[0] < ink[2])


def test_noise_is_reproducible_clipped_and_scaled(digits):
    a, b = noise(digits, 0.3, seed=5), noise(digits, 0.3, seed=5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, noise(digits, 0.3, seed=6))
    assert a.min() >= 0 and a.max() <= 1
    np.testing.assert_array_equal(noise(digits, 0.0), digits)
    mid = (digits > 0.3) & (digits < 0.7)  # away from the clip, the change is std * N(0, 1)
    assert abs(np.std((a - digits)[mid]) - 0.3) < 0.05


def test_inputs_are_never_changed_and_bad_shapes_refused(digits):
    before = digits.copy()
    perturb(digits, Perturbation(thickness=1, rotation=10, dx=1, dy=-1, noise=0.2))
    np.testing.assert_array_equal(digits, before)
    with pytest.raises(ValueError, match="shape"):
        rotate(np.zeros((3, 28, 28)), 10)
