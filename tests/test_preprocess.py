"""Drawing -> MNIST input: properties of each step, and honest handling of odd canvases."""
import numpy as np
import pytest

from devtools.paths import ASSETS
from nn_core import as_float, load_model, prepare_drawing
from nn_core.preprocess import CANVAS, centre_of_mass


def _canvas_with(digit: np.ndarray, top: int, left: int, zoom: int, size: int = CANVAS) -> np.ndarray:
    """An MNIST digit drawn big somewhere on a black canvas (RGBA, like the dashboard's)."""
    big = np.kron(digit, np.ones((zoom, zoom), np.uint8))
    canvas = np.zeros((size, size, 4), np.uint8)
    canvas[..., 3] = 255
    h, w = big.shape
    canvas[top:top + h, left:left + w, :3] = big[..., None]
    return canvas


def test_output_looks_like_mnist(mnist):
    steps = prepare_drawing(_canvas_with(mnist.x_test[0], 5, 120, 5))
    c = steps["centred"]
    assert c.shape == (28, 28) and steps["x"].shape == (784,) and steps["x"].dtype == np.float32
    assert 0 <= c.min() and c.max() <= 1
    assert max(steps["scaled"].shape) == 20
    cy, cx = centre_of_mass(c)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    rows, cols = np.nonzero(c.any(axis=1))[0], np.nonzero(c.any(axis=0))[0]
    assert rows[-1] - rows[0] + 1 <= 21 and cols[-1] - cols[0] + 1 <= 21


def test_position_and_size_on_the_canvas_do_not_matter(mnist):
    digit = mnist.x_test[7]
    a = prepare_drawing(_canvas_with(digit, 0, 0, 4))["x"]
    b = prepare_drawing(_canvas_with(digit, 150, 140, 4))["x"]
    c = prepare_drawing(_canvas_with(digit, 20, 10, 9))["x"]
    np.testing.assert_array_equal(a, b)
    assert np.abs(a - c).mean() < 0.03


def test_recovers_real_digits_and_the_network_reads_them(mnist):
    """100 test digits drawn 4-9x bigger at random places: the pretrained model reads them."""
    model, _ = load_model(ASSETS / "default_model.npz")
    rng = np.random.default_rng(0)
    xs, diffs = [], []
    for i in range(100):
        zoom = int(rng.integers(4, 10))
        top, left = (int(v) for v in rng.integers(0, CANVAS - 28 * zoom + 1, 2))
        x = prepare_drawing(_canvas_with(mnist.x_test[i], top, left, zoom))["x"]
        xs.append(x)
        diffs.append(np.abs(x - as_float(mnist.x_test[i:i + 1])[0]).mean())
    acc = (model.predict(np.array(xs)) == mnist.y_test[:100]).mean()
    direct = (model.predict(as_float(mnist.x_test[:100])) == mnist.y_test[:100]).mean()
    assert acc >= direct - 0.03 and acc >= 0.95
    assert np.median(diffs) < 0.03


def test_each_step_can_be_switched_off(mnist):
    canvas = _canvas_with(mnist.x_test[3], 200, 200, 2)  # small digit in a corner
    naive = prepare_drawing(canvas, crop=False, fit_box=False, centre=False)
    assert naive["cropped"].shape == (CANVAS, CANVAS) and naive["scaled"].shape == (28, 28)
    cy, cx = centre_of_mass(naive["centred"])
    assert cy > 20 and cx > 20  # the digit stays tiny, in the corner
    no_centre = prepare_drawing(canvas, centre=False)
    assert no_centre["shift"] == (0, 0) and np.array_equal(no_centre["centred"], no_centre["boxed"])
    no_crop = prepare_drawing(canvas, crop=False)
    assert no_crop["cropped"].shape == (CANVAS, CANVAS)


def test_ink_conventions_all_give_the_same_digit(mnist):
    digit = np.kron(mnist.x_test[5], np.ones((6, 6), np.uint8))
    grey = np.zeros((200, 200), np.uint8)
    grey[10:178, 20:188] = digit
    expected = prepare_drawing(grey)["x"]
    dark_on_light = 255 - grey
    rgb = np.repeat(grey[..., None], 3, axis=2)
    rgba_transparent = np.zeros((200, 200, 4), np.uint8)  # ink only in alpha, any colour
    rgba_transparent[..., 3] = grey
    rgba_transparent[..., 2] = 200
    floats = grey / 255.0
    for variant in (dark_on_light, rgb, rgba_transparent, floats, grey[..., None]):
        np.testing.assert_allclose(prepare_drawing(variant)["x"], expected, atol=1 / 255)


@pytest.mark.parametrize("blank", [np.zeros((CANVAS, CANVAS, 4), np.uint8), np.full((50, 60), 255, np.uint8),
                                   np.zeros((10, 10)), np.zeros((CANVAS, CANVAS, 4), np.uint8) + [0, 0, 0, 255]])
def test_empty_canvas_returns_none(blank):
    assert prepare_drawing(blank) is None


@pytest.mark.parametrize("bad, match", [
    (np.full((28, 28), np.nan), "NaN"),
    (np.zeros((28, 28, 2)), "shape"),
    (np.zeros((2, 28, 28, 4)), "shape"),
    (np.zeros((0, 5)), "shape"),
    (np.full((28, 28), 300.0), "0..255"),
    (np.full((28, 28), -1), "0..255"),
    (np.array([["a"]]), "numbers"),
])
def test_bad_images_are_value_errors(bad, match):
    with pytest.raises(ValueError, match=match):
        prepare_drawing(bad)


def test_a_single_dot_and_a_thin_line_still_work():
    dot = np.zeros((CANVAS, CANVAS), np.uint8)
    dot[100:104, 100:104] = 255
    s = prepare_drawing(dot)
    assert s is not None and s["centred"].max() > 0.5
    line = np.zeros((CANVAS, CANVAS), np.uint8)
    line[20:260, 140:143] = 255
    s = prepare_drawing(line)
    assert s["scaled"].shape[0] == 20 and s["scaled"].shape[1] >= 1


def test_the_step_pictures_handle_a_one_pixel_wide_stroke():
    """A stroke at the very edge of the canvas has a 1-pixel bounding box; drawing that box
    on the small step picture used to fail (x1 < x0)."""
    from ui.pictures import grey
    image = np.zeros((CANVAS, CANVAS))
    image[50:150, 0] = 1.0
    steps = prepare_drawing(image)
    assert steps["bbox"] == (50, 150, 0, 1)
    assert grey(steps["ink"], 140, steps["bbox"]).size == (140, 140)
