"""The Robustness page in AppTest: the changed example is the perturbed image through the one
forward pass; the sample accuracy shown is the perturbed sample's; the curves fall as the
noise grows; the threshold curve is monotone and its operating point matches the counts."""
import numpy as np
import pytest

from devtools.apptest import decode, derived, figures, fresh, on_page, use_model
from nn_core import MLP, Perturbation, perturb
from nn_core.inside.layermap import balanced_sample
from ui.numbers import change, percent

PAGE = "app_pages/robust.py"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture(scope="module")
def page():
    return on_page(PAGE)


def curve(at, title: str) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    f = next(f for f in figures(at) if f["layout"]["title"]["text"] == title)
    point = f["data"][1]
    return decode(f["data"][0]["x"]), decode(f["data"][0]["y"]), (point["x"][0], point["y"][0])


def test_changes_reach_the_example_and_the_sample(page, mnist):
    at = page
    at.slider(key="robust.noise").set_value(0.5).run()
    at.slider(key="robust.rotation").set_value(30).run()
    assert not at.exception
    model = at.session_state["model.current"]
    idx = balanced_sample(mnist.y_test, 200, seed=0)
    X = mnist.x_test[idx].reshape(len(idx), -1).astype(np.float32) / 255
    changed = np.mean(model.predict(perturb(X, Perturbation(rotation=30, noise=0.5))) == mnist.y_test[idx])
    clean = np.mean(model.predict(X) == mnist.y_test[idx])
    shown = metrics(at)
    was, now, _ = change(clean, changed, 100, probability=True)  # before, after and change at shared decimals
    assert shown["Sample accuracy, changed"] == f"{now} %" and shown["Sample accuracy, unchanged"] == f"{was} %"
    assert changed < clean - 0.2
    f = next(f for f in figures(at) if f["layout"]["yaxis"]["title"]["text"] == "probability")
    x = at.session_state["example.x"].reshape(1, -1)
    np.testing.assert_allclose(decode(f["data"][1]["y"]),
                               model.forward(perturb(x, Perturbation(rotation=30, noise=0.5)))[0][0], rtol=1e-5)


def test_noise_curve_falls_and_marks_the_slider(page):
    page.slider(key="robust.noise").set_value(0.5).run()
    x, y, point = curve(page, "Noise")
    assert x[0] == 0 and y[0] > 0.95 and y[-1] < 0.5 and np.all(np.diff(y) < 0.02)
    assert point[0] == pytest.approx(0.5) and point[1] == pytest.approx(np.interp(0.5, x, y), abs=1e-6)
    text = " ".join(c.value for c in page.caption).replace("\n", " ")
    assert "Accuracy on 1,000 of those images (100 of each digit)" in text
    for title in ("Rotation", "Shift to the right", "Stroke thickness"):
        x, y, _ = curve(page, title)
        assert y[np.flatnonzero(x == 0)[0]] == pytest.approx(y.max(), abs=0.01)  # unchanged digits read best


def test_threshold_curve_is_monotone_and_the_point_matches_the_counts(page, mnist):
    at = page
    at.slider(key="robust.threshold").set_value(0.97).run()
    test, labels = derived(at, "model.test_scores"), mnist.y_test
    x, acc, point = curve(at, "Accuracy against coverage")
    assert np.all(np.diff(x) <= 1e-7)  # thresholds rise: coverage never grows
    kept = test.probs.max(1) >= 0.97
    right = np.mean(test.probs[kept].argmax(1) == labels[kept])
    shown = metrics(at)
    assert shown['"I don\'t know"'] == f"{10_000 - kept.sum():,}"
    assert point == pytest.approx((kept.mean(), right), abs=1e-6)
    assert shown["Answered (coverage)"] == percent(kept.mean()) and shown["Accuracy on the answered"] == percent(right)
    assert right > test.accuracy


def test_curves_are_measured_on_fewer_images_for_a_costly_model():
    import views.inside.robust
    assert views.inside.robust.curve_per_digit(MLP([784, 128, 10])) == 100
    assert views.inside.robust.curve_per_digit(MLP([784] + [512] * 4 + [10])) == 20
    rows = views.inside.robust.curve_rows(20)
    y = views.inside.robust.sample().y
    np.testing.assert_array_equal(np.bincount(y[rows], minlength=10), 20)


def test_a_deep_sigmoid_model_works():
    at = fresh()
    use_model(at, MLP([784, 30, 20, 20, 10, 10], "sigmoid", seed=1))
    at.switch_page(PAGE).run()
    at.slider(key="robust.threshold").set_value(1.0).run()
    assert not at.exception, at.exception
    shown = metrics(at)
    assert len([f for f in figures(at) if f["layout"]["title"]["text"] in ("Noise", "Rotation")]) == 2
    sure = derived(at, "model.test_scores").probs.max(1) >= 1.0  # an untrained network is never certain
    assert shown["Answered (coverage)"] == percent(sure.mean())
    if not sure.any():
        assert shown["Accuracy on the answered"] == "none answered"
