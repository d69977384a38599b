"""The hidden-layer map in AppTest: its points are the fixed sample's activations on the
current model's two principal directions, snapshots share the axes, the current example is
marked where its own activations project, a selection is read back to the right images,
and every layer of a deep model can be mapped."""
import numpy as np
import pytest

from devtools.apptest import decode, derived, figures, fresh, use_model
from nn_core import MLP, as_float
from nn_core.inside.layermap import balanced_sample
from ui.numbers import percent
from views.inside import maps

PAGE = "app_pages/layermap.py"


def map_figure(at) -> dict:
    return next(f for f in figures(at) if f["layout"]["xaxis"]["title"]["text"] == "PC 1")


def points(f) -> tuple[np.ndarray, np.ndarray]:
    """(m, 2) points and (m,) digits, gathered from the ten per-digit traces."""
    P, y = [], []
    for d, t in enumerate(f["data"][:10]):
        xy = np.stack([decode(t["x"]), decode(t["y"])], axis=1)
        P.append(xy)
        y += [d] * len(xy)
    return np.concatenate(P), np.array(y)


@pytest.fixture(scope="module")
def sample(mnist):
    idx = balanced_sample(mnist.y_test, 200, seed=0)
    return as_float(mnist.x_test[idx]), mnist.y_test[idx]


def test_points_are_the_activations_on_the_top_two_principal_directions(sample):
    at = fresh()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    X, y = sample
    model = at.session_state["model.current"]
    A = model.forward(X)[1]["A1"].astype(np.float64)
    values, vectors = np.linalg.eigh(np.cov(A, rowvar=False, bias=True))
    V = vectors[:, ::-1][:, :2]
    ref = (A - A.mean(0)) @ V  # (2000, 2), each axis up to its sign
    order = np.argsort(y, kind="stable")
    P, digits = points(map_figure(at))
    np.testing.assert_array_equal(digits, y[order])
    for j in range(2):
        sign = np.sign(P[:, j] @ ref[order, j])
        np.testing.assert_allclose(P[:, j], sign * ref[order, j], rtol=1e-3, atol=1e-3)
    kept = (values[::-1][:2].sum() / values.sum())
    assert f"keep {percent(kept, 2)} of the spread" in " ".join(c.value for c in at.caption).replace("\n", " ")


def test_snapshots_share_the_axes_and_move_the_points():
    at = fresh()
    at.switch_page(PAGE).run()
    last = map_figure(at)
    at.select_slider(key="layermap.snapshot").set_value(0).run()
    first = map_figure(at)
    assert first["layout"]["xaxis"]["range"] == last["layout"]["xaxis"]["range"]
    assert first["layout"]["yaxis"]["range"] == last["layout"]["yaxis"]["range"]
    assert not np.allclose(points(first)[0], points(last)[0])
    assert "at initialisation" in first["layout"]["title"]["text"]


def test_the_current_example_is_marked_where_it_projects(mnist):
    at = fresh()
    x = as_float(mnist.x_test[5:6])[0]
    for k, v in {"example.x": x, "example.source": "test", "example.index": 5,
                 "example.label": int(mnist.y_test[5])}.items():
        at.session_state[k] = v
    at.switch_page(PAGE).run()
    f = map_figure(at)
    star = f["data"][10]
    assert star["name"] == "current example"
    lm = derived(at, "layermap.maps")["A1"]
    model = at.session_state["model.current"]
    expected = lm.axes.project(model.forward(x.reshape(1, -1))[1]["A1"])[0]
    np.testing.assert_allclose([star["x"][0], star["y"][0]], expected, rtol=1e-5)


def test_a_selection_is_read_back_to_its_rows():
    labels = np.array([3, 1, 3, 0, 1, 3])
    event = {"selection": {"points": [{"curve_number": 3, "point_index": 2}, {"curve_number": 1, "point_index": 0},
                                      {"curve_number": 3, "point_index": 0}, {"curve_number": 10, "point_index": 0},
                                      {"curve_number": 0, "point_index": 7}]}}
    np.testing.assert_array_equal(maps.selected_rows(event, labels), [0, 1, 5])
    assert len(maps.selected_rows({"selection": {"points": []}}, labels)) == 0
    assert len(maps.selected_rows(None, labels)) == 0


def test_every_layer_of_a_deep_model_can_be_mapped():
    at = fresh()
    use_model(at, MLP([784, 16, 12, 8, 6, 10], "tanh", seed=2))
    at.session_state["model.snapshots"] = []
    at.switch_page(PAGE).run()
    options = at.selectbox(key="layermap.layer").options
    assert len(options) == 6  # A0, four hidden layers, the logits
    for name in ["A0", "A4", "Z5"]:
        at.selectbox(key="layermap.layer").set_value(name).run()
        assert not at.exception, at.exception
        P, _ = points(map_figure(at))
        assert P.shape == (2000, 2) and np.all(np.isfinite(P))


def test_the_drag_control_sets_what_a_drag_draws():
    at = fresh()
    at.switch_page(PAGE).run()
    assert map_figure(at)["layout"]["dragmode"] == "select"
    at.segmented_control(key="layermap.drag").set_value("lasso").run()
    assert not at.exception and map_figure(at)["layout"]["dragmode"] == "lasso"
    at.segmented_control(key="layermap.drag").set_value("point").run()  # no drag: a click selects one point
    assert not at.exception and map_figure(at)["layout"]["dragmode"] is False
