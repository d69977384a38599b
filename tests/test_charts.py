"""Chart builders: valid Plotly, colour-blind-safe scales centred on zero, bounded size."""
import json

import numpy as np
import plotly.utils
import pytest

from nn_core import ACTIVATIONS, MLP, TrainConfig, Trainer
from ui import charts, colors
from ui.charts import spec
from views.train import curves


@pytest.fixture(autouse=True)
def validate(monkeypatch):
    monkeypatch.setattr(spec, "VALIDATE", True)  # every spec goes through Plotly's validators


@pytest.fixture(scope="module")
def history(small_mnist):
    t = Trainer(TrainConfig(hidden=(16, 8), batch_size=50, epochs=2, n_train=1000), small_mnist)
    t.step(10**6)
    return t


@pytest.mark.parametrize("activation, title", [("relu", "Dead hidden units"), ("leaky_relu", "Leaking hidden units"),
                                               ("sigmoid", None), ("tanh", None)])
def test_the_dead_units_chart_only_where_the_slope_below_zero_is_one_number(history, activation, title):
    """Its title comes from the activation's traits (views/train/curves.py), not its name."""
    assert curves.dead_title(ACTIVATIONS[activation]) == title
    figs = charts.training_curves(history.history, history.steps_per_epoch, False, dead_title=title)
    if title is None:  # g'(Z) > 0 everywhere: "Z <= 0 on every example" says nothing about learning
        assert set(figs) == {"loss", "accuracy", "norms"}
    else:
        assert figs["dead"].layout.title.text == title
        np.testing.assert_allclose(figs["dead"].data[-1].y, history.history.val_dead["Z2"])


def test_training_curves_are_valid_and_live_ones_cannot_zoom(history):
    for live in (True, False):
        figs = charts.training_curves(history.history, history.steps_per_epoch, live, dead_title="Dead hidden units")
        assert set(figs) == {"loss", "accuracy", "norms", "dead"}
        for fig in figs.values():
            assert fig.layout.xaxis.fixedrange is live and fig.layout.yaxis.fixedrange is live
            assert fig.layout.title.text and fig.layout.xaxis.title.text == "epoch"
            assert all(tr.name for tr in fig.data)  # every line has a legend entry
    norms = charts.training_curves(history.history, history.steps_per_epoch, True)["norms"]
    assert [tr.name for tr in norms.data] == ["W1 weights", "W2 weights", "W3 weights", "dW1 gradient",
                                              "dW2 gradient", "dW3 gradient"]
    # layers are told apart by a label at each line's end, not by a colour that means something else
    assert [a.text for a in norms.layout.annotations] == ["W1", "W2", "W3", "dW1", "dW2", "dW3"]


def test_weight_pictures_use_a_diverging_scale_centred_on_zero_with_a_colour_bar():
    W = MLP([784, 30, 10], seed=1).params
    for fig in (charts.templates(W["W1"]), charts.matrix(W["W2"], "W2", "in", "out")):
        hm = fig.data[0]
        assert hm.zmid == 0 and hm.zmin == -hm.zmax
        scale = colors.DIVERGING  # as sent to the browser (not a name plotly.js would reinterpret)
        assert fig.to_plotly_json()["data"][0]["colorscale"] == scale
        assert scale[0][1] == "#67001F" and scale[-1][1] == "#053061"  # red negative, blue positive
        assert scale[len(scale) // 2] == [0.5, "#F7F7F7"]  # zero is (near) white
        assert hm.showscale is not False and hm.colorbar.title.text


def test_template_mosaic_is_one_heatmap_with_tiles_in_place():
    W = np.random.default_rng(0).standard_normal((784, 10)).astype(np.float32)
    fig = charts.templates(W, cols=4)
    z = np.asarray(fig.data[0].z)
    assert len(fig.data) == 1 and z.shape == (3 * 29 - 1, 4 * 29 - 1)
    np.testing.assert_array_equal(z[:28, 29:57], W[:, 1].reshape(28, 28))  # unit 1: row 0, column 1
    assert np.isnan(z[28, :]).all() and np.isnan(z[-28:, -28:]).all()  # gutter, and the empty last cells
    assert fig.data[0].customdata[0][30] == 1 and fig.data[0].hovertemplate.startswith("unit %{customdata}")
    assert charts.templates(W, cols=4, first_unit=64).data[0].customdata[0][30] == 65


def test_named_templates_are_one_trace_each_in_place_with_the_name_in_the_hover_not_per_pixel():
    W = np.random.default_rng(0).standard_normal((784, 6)).astype(np.float32)
    names = [f"unit {j}: dZ1 = {j / 10:.4f}" for j in (7, 3, 9, 1, 4, 2)]
    fig = charts.templates(W, cols=4, labels=names, zmax=2.0)
    axis = fig.layout.coloraxis
    assert len(fig.data) == 6 and (axis.cmin, axis.cmax, axis.cmid) == (-2.0, 2.0, 0) and axis.colorbar.title.text
    assert fig.to_plotly_json()["layout"]["coloraxis"]["colorscale"] == colors.DIVERGING
    for i, (trace, name) in enumerate(zip(fig.data, names)):
        np.testing.assert_array_equal(np.asarray(trace.z), W[:, i].reshape(28, 28))
        assert (trace.x0, trace.y0) == ((i % 4) * 29, (i // 4) * 29) and trace.customdata is None
        assert trace.hovertemplate.startswith(name) and trace.coloraxis == "coloraxis"
    data = len(json.dumps(fig.to_plotly_json()["data"], cls=plotly.utils.PlotlyJSONEncoder))
    assert data < 6 * (4 * 784 * 1.34 + 250)  # float32 tiles in base64 and ~250 bytes a tile besides


def test_downsample_keeps_shape_and_bounds_points():
    x = np.arange(10_000, dtype=np.float32)
    y = np.sin(x / 1000)
    xs, ys = charts.downsample(x, y, 1500)
    assert len(xs) <= 1501 and xs[0] < 10 and xs[-1] > 9990
    np.testing.assert_allclose(ys, np.sin(xs / 1000), atol=0.01)
    assert len(charts.downsample(x[:100], y[:100])[0]) == 100
    with pytest.raises(ValueError, match="length"):
        charts.downsample(x, y[:-1])


def test_ema_is_a_bias_corrected_moving_average():
    assert charts.ema([4.0, 4.0, 4.0], 0.1).tolist() == [4.0, 4.0, 4.0]
    y = charts.ema([0.0] * 50 + [1.0] * 200, 0.1)
    assert y[49] == 0 and 0.09 < y[50] < 0.11 and y[-1] > 0.999


def test_bars_are_coloured_by_sign_with_the_one_you_selected_in_orange():
    b = np.array([0.5, -0.25, 0.0, 2.0, -1.0], np.float32)
    fig = charts.bars(b, "b1", "unit", "bias", diverging=True, selected=3)
    np.testing.assert_array_equal(np.asarray(fig.data[0].y), b)
    P, N = colors.POSITIVE, colors.NEGATIVE
    assert list(fig.data[0].marker.color) == [P, N, P, colors.SELECTED, N]
    with pytest.raises(ValueError, match="sign"):  # a signed bar is never recoloured to mark it
        charts.bars(b, "b1", "unit", "bias", diverging=True, marked=3)
    assert fig.layout.xaxis.title.text == "unit" and fig.layout.yaxis.title.text == "bias"


def test_histograms_share_their_bins_and_each_sums_to_one():
    W = np.random.default_rng(0).standard_normal(5000)
    fig = charts.histograms(W, W * 0.5, "W1", now_name="after epoch 3")
    before, now = fig.data
    assert (before.name, now.name) == ("at initialisation", "after epoch 3")
    # before and after by style: a dashed outline over filled bars, on the same bins
    assert before.mode == "lines" and before.line.shape == "hv" and before.line.dash == "dash" and now.type == "bar"
    np.testing.assert_allclose(np.asarray(before.x[:-1]) + now.width / 2, now.x)  # left edges -> the same bin centres
    assert sum(before.y) == pytest.approx(1) and sum(now.y) == pytest.approx(1)
    assert max(before.y) > max(now.y)  # the narrower start is more peaked
    lo, hi = min(now.x) - now.width / 2, max(now.x) + now.width / 2
    assert lo == pytest.approx(W.min()) and hi == pytest.approx(W.max())


def test_epoch_history_plots_the_saved_numbers(history):
    h = history.history.epoch_summary()
    fig = charts.epoch_history(h)
    loss_train, loss_val, acc_train, acc_val = fig.data
    for trace, key in ((loss_train, "train_loss"), (loss_val, "val_loss"), (acc_train, "train_acc"),
                       (acc_val, "val_acc")):
        np.testing.assert_allclose(trace.y, h[key])
        assert list(trace.x) == [1, 2]
    assert (acc_train.xaxis, acc_train.yaxis) == ("x2", "y2") and fig.layout.yaxis2.title.text == "accuracy"


def test_home_pictures_need_no_javascript(mnist):
    from ui import pictures
    svg = pictures.architecture_svg((784, 128, 64, 10), "relu")
    assert svg.startswith("<svg") and svg.endswith("</svg>") and "<script" not in svg
    assert "W1: 784×128" in svg and "W3: 64×10" in svg and "output A3 (softmax)" in svg
    assert svg.count("<circle") == 12 + 12 + 12 + 10  # big layers show 12 units each
    sheet = pictures.digit_sheet(mnist.x_train[:20], [str(v) for v in mnist.y_train[:20]], cols=10)
    assert sheet.size == (10 * 114 - 2, 2 * 114 - 2)
    px = np.asarray(sheet.convert("L"))
    assert px[56, 56] == mnist.x_train[0][14, 14]  # nearest-neighbour upscaling keeps the pixels


def test_confusion_chart_is_clickable_squares_with_counts_and_a_log_colour_bar():
    cm = np.array([[50, 0, 3], [1, 40, 0], [0, 7, 60]])
    fig = charts.confusion(cm, selected=(2, 1))
    cells, squares = fig.data
    # the cells are a heatmap, one unit of the axes each: on a narrow phone chart they cannot overlap
    assert cells.type == "heatmap" and (cells.dx, cells.dy) == (1, 1)
    np.testing.assert_allclose(np.asarray(cells.z), np.log10(1 + cm))
    assert squares.type == "scatter" and squares.marker.symbol == "square"  # heatmaps send no clicks
    assert [(int(t), int(p), int(c)) for t, p, c in zip(squares.y, squares.x, squares.customdata)] == \
        [(t, p, cm[t, p]) for t in range(3) for p in range(3)]
    assert squares.text[2] == "3" and squares.text[1] == ""  # empty cells show no "0"
    assert squares.textposition == "middle center"  # each count on its cell's centre
    bar = cells.colorbar
    assert list(bar.ticktext) == ["0", "1", "10"] and np.allclose(bar.tickvals, np.log10([1, 2, 11]))
    frame, = fig.layout.shapes  # the cell you chose, framed in axis units
    assert (frame.x0, frame.x1, frame.y0, frame.y1) == (0.5, 1.5, 1.5, 2.5) and frame.line.color == colors.SELECTED
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]  # row 0 at the top
    assert not charts.confusion(cm).layout.shapes  # no frame before a choice


def test_pixels_hover_with_their_index_in_x():
    image = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    hm = charts.pixels(image).data[0]
    np.testing.assert_array_equal(np.asarray(hm.z), image)
    assert np.asarray(hm.customdata)[2, 5] == 2 * 28 + 5 and "x[%{customdata}]" in hm.hovertemplate
    assert (hm.zmin, hm.zmax) == (0, 1) and hm.colorscale[0][1] == "#000000"  # black 0, white 1, as drawn


def test_compare_bars_put_before_and_after_side_by_side():
    p0, p1 = np.full(10, 0.1), np.eye(10)[3]
    before, after = charts.compare_bars(p0, p1, "p", "digit", "probability").data
    assert (before.name, after.name) == ("before", "after") and list(before.x) == [str(i) for i in range(10)]
    np.testing.assert_allclose(before.y, p0)
    np.testing.assert_allclose(after.y, p1)
    assert (before.marker.pattern.shape, after.marker.pattern.shape) == ("", "/")  # told apart by pattern
    assert before.marker.color == colors.BEFORE["color"] and after.marker.color == colors.AFTER["color"]


def test_bars_with_labels_and_a_range():
    fig = charts.bars(np.arange(10) - 5.0, "t", "x", "y", labels=[str(i) for i in range(10)], marked=[1, 2],
                      y_range=(-5, 5))
    shown = fig.data[0].marker.color
    assert shown[1] == shown[2] == colors.INK and shown[0] == shown[3] == colors.DATA
    assert tuple(fig.layout.yaxis.range) == (-5, 5) and fig.layout.xaxis.type == "category"


def test_bar_panels_put_each_panel_on_its_own_axes():
    fig = charts.bar_panels([{"values": [1, -2], "title": "a", "xtitle": "x", "ytitle": "y", "diverging": True},
                             {"values": [0.2, 0.8], "title": "b", "xtitle": "x", "ytitle": "p", "marked": 1,
                              "y_range": (0, 1), "labels": ["0", "1"]}])
    left, right = fig.data
    assert (left.xaxis, left.yaxis, right.xaxis, right.yaxis) == ("x", "y", "x2", "y2")
    assert fig.layout.xaxis.domain[1] < fig.layout.xaxis2.domain[0]
    assert list(left.marker.color) == [colors.POSITIVE, colors.NEGATIVE] and right.marker.color[1] == colors.INK
    assert tuple(fig.layout.yaxis2.range) == (0, 1) and [a.text for a in fig.layout.annotations] == ["<b>a</b>", "<b>b</b>"]
