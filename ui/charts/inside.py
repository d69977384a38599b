"""Charts of the pages that look inside: accuracy against a perturbation's strength, accuracy
against coverage under a confidence threshold (each with its operating point), and the
hidden-layer map (one scatter trace per digit).

Few points each (a curve is ~10-100 points, a map ~2,000): cheap to send and to redraw.
Colours by meaning (ui/colors.py): a measured curve grey, the operating point (where your
slider is) orange, a mean black; the map's ten digits have colours of their own (the Layer
map only), each with its marker symbol too, and a legend names every digit.
Leaves out: bars (bars.py) and images (images.py).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui import colors, numbers
from ui.charts.spec import axes, base_layout, figure


def with_point(x: np.ndarray, y: np.ndarray, at: tuple[float, float], title: str, xtitle: str, ytitle: str,
               point_name: str, y_range: tuple[float, float] | None = (0, 1), height: int = 280,
               percent: bool = True, tickformat: str = ".0%") -> go.Figure:
    """A measured curve (markers at the measured strengths) and one highlighted operating point
    (no legend: the caption names the diamond; a legend below cost the x axis its title)."""
    shown = (lambda v: [numbers.percent(a) for a in np.ravel(v)]) if percent else \
        (lambda v: [numbers.sig(a) for a in np.ravel(v)])  # a few points: one string each
    data = [{"type": "scatter", "x": np.asarray(x, np.float32), "y": np.asarray(y, np.float32), "name": "measured",
             "mode": "lines+markers", "line": {"color": colors.DATA, "width": 2.5}, "marker": {"size": 7},
             "text": shown(y), "hovertemplate": "%{x:.3g}: %{text}<extra></extra>"},
            {"type": "scatter", "x": [float(at[0])], "y": [float(at[1])], "name": point_name, "mode": "markers",
             "marker": {"size": 15, "color": colors.SELECTED, "symbol": "diamond", "line": {"width": 1.5, "color": colors.INK}},
             "text": shown(at[1]), "cliponaxis": False,  # whole, even at 100 % on the axis's edge
             "hovertemplate": f"{point_name}: %{{x:.3g}}, %{{text}}<extra></extra>"}]
    layout = axes(base_layout(title, height, showlegend=False), xtitle, ytitle, live=True,
                  **({"range": list(y_range)} if y_range else {}), **({"tickformat": tickformat} if percent else {}))
    layout["margin"]["b"] = 10
    return figure(data, layout)


def layer_map(P: np.ndarray, labels: np.ndarray, title: str, marked: np.ndarray | None = None,
              marked_name: str = "your digit", ranges: tuple | None = None, height: int = 460,
              ids: np.ndarray | None = None, drag: str = "select") -> go.Figure:
    """Points P (m, 2) coloured and shaped by digit (one trace each, so the legend can hide a
    digit); `marked` (2,) a large outlined star; ranges ((x0, x1), (y0, y1)) fixes the axes so
    snapshots share them; ids (m,): each point's test-image number, for hover and selection;
    drag: what selects, "point" (a click), "select" (dragging a box) or "lasso"."""
    P = np.asarray(P, np.float32)
    labels = np.asarray(labels)
    ids = np.arange(len(P)) if ids is None else np.asarray(ids)
    data = []
    for d in range(10):
        pick = labels == d
        data.append({"type": "scattergl", "x": P[pick, 0], "y": P[pick, 1], "name": str(d), "mode": "markers",
                     "customdata": ids[pick].astype(np.int32),
                     "marker": {"size": 6, "color": colors.DIGITS[d], "symbol": colors.DIGIT_SYMBOLS[d], "opacity": 0.75},
                     "hovertemplate": f"digit {d}, test image #%{{customdata}}<extra></extra>"})
    if marked is not None:
        data.append({"type": "scatter", "x": [float(marked[0])], "y": [float(marked[1])], "name": marked_name,
                     "mode": "markers+text", "text": [marked_name], "textposition": "top center",
                     "textfont": {"size": 14, "color": colors.INK},
                     "marker": {"size": 22, "symbol": "star", "color": colors.PAPER, "line": {"width": 3, "color": colors.INK}},
                     "hovertemplate": f"{marked_name}<extra></extra>"})
    layout = axes(base_layout(title, height, hovermode="closest", uirevision="map"), "PC 1", "PC 2", live=False)
    # the page's own control, since the mode bar is hidden. Streamlit (1.67) turns a click into a
    # selection only when a drag does not select ("point": dragmode off)
    layout["dragmode"] = False if drag == "point" else drag
    layout["legend"] = {"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0,
                        "font": {"size": 13}, "itemsizing": "constant", "title": {"text": "digit "}}
    if ranges is not None:
        layout["xaxis"]["range"], layout["yaxis"]["range"] = list(ranges[0]), list(ranges[1])
    return figure(data, layout)


def quantile_boxes(box: np.ndarray, means: np.ndarray, title: str, ytitle: str, height: int = 300) -> go.Figure:
    """One box per digit from precomputed percentiles box (C, 5) = 5th, 25th, 50th, 75th, 95th
    (whiskers at the 5th and 95th), and each digit's mean (C,) as a diamond."""
    box = np.asarray(box, np.float32)
    C = len(box)
    x = [str(d) for d in range(C)]
    data = [{"type": "box", "x": x, "lowerfence": box[:, 0], "q1": box[:, 1], "median": box[:, 2], "q3": box[:, 3],
             "upperfence": box[:, 4], "name": "5th–95th percentile", "fillcolor": colors.CONTEXT,
             "line": {"color": colors.DATA}, "hoverinfo": "y"},
            {"type": "scatter", "x": x, "y": np.asarray(means, np.float32), "mode": "markers", "name": "mean",
             "marker": {"symbol": "diamond", "size": 9, "color": colors.INK},
             "hovertemplate": "digit %{x}: mean %{y:.3f}<extra></extra>"}]
    layout = axes(base_layout(title, height, showlegend=False), "true digit", ytitle, live=True)
    layout["xaxis"]["type"] = "category"
    return figure(data, layout)
