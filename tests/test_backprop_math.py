"""The math behind two of the lesson's pictures (issue 17 §3, §8), checked against references:
the loss along one weight (its tangent's slope is backprop's dJ/dw, with λ·w under L2; its two
squares are the gradient check's J(w ± h); the point after a step is J(w + Δw) on the curve), and
the tiny 4-2-2 network (its gradients equal central differences for every one of its 16
parameters, on every image, before and after steps; the page's picture and buttons show and take
exactly those numbers)."""
import re

import numpy as np
import pytest

from devtools.apptest import button, fresh, on_page
from devtools.shown import close, differs, html_tables, number
from nn_core import MLP, as_float, check_gradients, check_weight, loss_along
from nn_core.gradcheck import regularised_loss
from nn_core.tiny import IMAGES, LABELS, start
from views.backprop import along
from views.backprop.focus import Focus


@pytest.fixture(scope="module")
def example(mnist):
    """A small ReLU network, one test image and its label, and the path's last weight W2[j, k]
    (an active hidden unit j, the true digit k)."""
    model = MLP([784, 24, 10], seed=3)
    x, y = as_float(mnist.x_test[7:8]).reshape(-1), int(mnist.y_test[7])  # (784,), in [0, 1]
    A1 = model.forward(x[None])[1]["A1"][0]
    j = int(np.argmax(A1))
    assert A1[j] > 0
    focus = Focus(label=y, predicted=0, path=(int(np.argmax(x)), j, y), units=((j,),), pixels=(0,), ink=1, runner_up=0)
    return model, x.reshape(-1), y, focus


@pytest.mark.parametrize("l2", [0.0, 1e-2])
@pytest.mark.parametrize("zoom", ["near", "wide"])
def test_the_tangent_is_backprops_gradient_and_the_squares_are_the_gradient_check(example, l2, zoom):
    model, x, y, focus = example
    j, k = focus.path[1], focus.path[2]
    m64, X, Y = model.astype(np.float64), x[None].astype(np.float64), np.array([y])
    grads = m64.backward(m64.forward(X)[1], Y)
    w = float(m64.params["W2"][j, k])
    G = float(grads["dW2"][j, k]) + l2 * w      # d/dw of J + λ/2·ΣW²
    delta = -0.1 * G
    a = along.compute(model, x, y, focus, delta, l2, zoom)
    assert a.name == f"W2[{j}, {k}]" and a.w == pytest.approx(w, abs=0)
    assert a.G == pytest.approx(G, rel=1e-12, abs=1e-15)        # the tangent's slope: backprop's number
    check = check_weight(m64, X, Y, "W2", (j, k), h=a.h, l2=l2)
    assert (a.minus, a.plus) == (check.minus, check.plus)        # the squares: the gradient check's points
    assert a.numeric == pytest.approx(check.numeric, rel=1e-12)
    assert a.numeric == pytest.approx(G, rel=1e-3 if zoom == "near" else 5e-2)  # the chord's slope, the tangent's
    ref = regularised_loss(m64, X, Y, l2)
    assert a.J == pytest.approx(ref, rel=1e-12)                   # the curve passes through (w, J)
    assert a.Js[np.argmin(np.abs(a.xs - w))] == pytest.approx(
        float(loss_along(m64, X, Y, "W2", (j, k), [a.xs[np.argmin(np.abs(a.xs - w))]], l2)[0]), rel=1e-12)
    moved = m64.copy()
    moved.params["W2"][j, k] = w + delta
    assert a.J_step == pytest.approx(regularised_loss(moved, X, Y, l2), rel=1e-12)  # the arrow's end on the curve
    assert a.xs[0] < w + delta < a.xs[-1] and a.xs[0] < w - a.h and w + a.h < a.xs[-1]


def test_after_a_press_the_point_moves_along_the_weight(example):
    model, x, y, focus = example
    j, k = focus.path[1], focus.path[2]
    before = model.astype(np.float64)
    after = before.copy()
    g = after.backward(after.forward(x[None].astype(np.float64))[1], np.array([y]))
    after.params = {n: v - 0.05 * g[f"d{n}"] for n, v in after.params.items()}
    a = along.compute(after, x, y, focus, 0.0, 0.0, "press", before)
    w0, J0, curve_before, alone, today = a.before
    assert w0 == before.params["W2"][j, k] and a.w == after.params["W2"][j, k] and w0 != a.w
    X, Y = x[None].astype(np.float64), np.array([y])
    assert J0 == pytest.approx(before.loss(X, Y), rel=1e-12)      # the hollow dot: J before the press
    assert a.J == pytest.approx(after.loss(X, Y), rel=1e-12)      # the filled one: J now
    assert a.J < J0
    assert today == pytest.approx(float(loss_along(after, X, Y, "W2", (j, k), [w0])[0]), rel=1e-12)
    assert alone == pytest.approx(float(loss_along(before, X, Y, "W2", (j, k), [a.w])[0]), rel=1e-12)


@pytest.mark.parametrize("steps", [0, 3, 30])
def test_the_tiny_networks_gradients_are_finite_differences(steps):
    """All 16 parameters (n_per_param=None), on each of the four images, at the start and after
    SGD steps on the right column (when the hidden units' pattern of firing has changed)."""
    model = start().astype(np.float64)
    X, y = IMAGES.astype(np.float64), LABELS
    for _ in range(steps):
        g = model.backward(model.forward(X[1:2])[1], y[1:2])
        model.params = {n: v - 0.3 * g[f"d{n}"] for n, v in model.params.items()}
    for i in range(4):
        errors = check_gradients(model, X[i:i + 1], y[i:i + 1], h=1e-6, n_per_param=None)
        assert set(errors) == {"W1", "b1", "W2", "b2"} and max(errors.values()) < 1e-7, (i, errors)


def test_the_tiny_network_needs_its_hidden_layer():
    """No weighted sum of the four pixels puts both verticals above a threshold and both
    horizontals below: each pair inks every pixel once, so both pairs have the same total."""
    assert np.array_equal(IMAGES[0] + IMAGES[1], IMAGES[2] + IMAGES[3])
    model = start()
    assert [p.shape for p in model.params.values()] == [(4, 2), (2,), (2, 2), (2,)]
    assert all(abs(v * 10 - round(v * 10)) < 1e-6 for p in model.params.values() for v in p.ravel())  # one decimal


def _graph_title(at) -> str:
    svg = next(m.value for m in at.markdown if "<svg" in m.value and "W1[" in m.value)
    return re.search(r"<title>(.*?)</title>", svg, re.S).group(1)


def test_the_tiny_page_shows_every_gradient_and_its_step_takes_them():
    at = on_page("app_pages/tiny.py", fresh())
    assert not at.exception, at.exception
    index = 1  # the default: the right column, read wrongly at the start
    model = at.session_state["tiny.model"]
    g = model.backward(model.forward(IMAGES[index:index + 1])[1], LABELS[index:index + 1])
    title = _graph_title(at)
    shown = [number(v) for v in re.search(r"dW1 = ([^;]+?), dW2", title).group(1).split(", ")]
    np.testing.assert_allclose(shown, g["dW1"].ravel(), rtol=6e-3, atol=1e-9)
    shown = [number(v) for v in re.search(r"dW2 = (.+)$", title).group(1).split(", ")]
    np.testing.assert_allclose(shown, g["dW2"].ravel(), rtol=6e-3, atol=1e-9)
    lr = at.select_slider(key="tiny.lr").value
    button(at, "1 step").click().run()
    after = at.session_state["tiny.model"]
    for n in ("W1", "b1", "W2", "b2"):  # W ← W − α·dW, every one of the 16 numbers
        np.testing.assert_allclose(after.params[n], model.params[n] - lr * g[f"d{n}"], rtol=1e-6, atol=1e-7)
    shown = html_tables(" ".join(m.value for m in at.markdown))
    rows = next(rows for cap, rows in shown if cap.startswith("P(true class) of each image"))
    assert [r[0] for r in rows] == ["left column (vertical)", "right column (vertical)", "top row (horizontal)",
                                    "bottom row (horizontal)"]
    p0, p1 = model.forward(IMAGES)[0], after.forward(IMAGES)[0]
    for i, (_, b, a, d) in enumerate(rows):
        assert close(b.removesuffix(" %"), 100 * p0[i, LABELS[i]]) and close(a.removesuffix(" %"), 100 * p1[i, LABELS[i]])
        assert differs(b, a, d), (b, a, d)
    for _, b, a, d in next(rows for cap, rows in shown if cap.startswith("The loss J of each image")):
        assert differs(b, a, d), (b, a, d)
    button(at, "Undo").click().run()
    assert at.session_state["tiny.model"] is model and at.session_state["model.current"] is not model
