"""Heatmaps: weight templates as one mosaic, matrices, a 28x28 input, the confusion matrix.

Weights and gradients use the diverging scale (ui/colors.py: red negative, blue positive),
always centred on zero and always with a colour bar; pixels white on black; counts grey. Leaves out: static PNG/SVG pictures that need no Plotly (ui/pictures.py).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui import colors, thin
from ui.charts.spec import base_layout, colorbar_spec, figure, image_layout


def _mosaic(tiles: np.ndarray, cols: int, gap: int = 1) -> np.ndarray:
    """(n, h, w) -> one 2-D array of tiles in a grid, NaN in the gutters and empty cells."""
    n, h, w = tiles.shape
    rows = int(np.ceil(n / cols))
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), np.nan, np.float32)
    for i in range(n):
        r, c = divmod(i, cols)
        out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = tiles[i]
    return out


def templates(W: np.ndarray, cols: int | None = None, title: str = "", colorbar: str = "weight",
              labels: list[str] | None = None, zmax: float | None = None, height: int | None = None,
              first_unit: int = 0) -> go.Figure:
    """Columns of W (784, H) as H 28x28 templates on one diverging scale centred on 0.
    With labels (a few named tiles): one heatmap trace per tile, so the hover names it from
    its trace (a label per pixel was ~100 KB a chart). Without: ONE mosaic heatmap whose hover
    names each tile as unit first_unit + i, the unit numbers sent as one uint16 array."""
    H = W.shape[1]
    cols = cols or int(np.ceil(np.sqrt(H * 1.6)))
    rows = int(np.ceil(H / cols))
    tiles = np.asarray(W, np.float32).T.reshape(H, 28, 28)
    zmax = zmax or float(np.abs(tiles).max()) or 1.0
    if labels is not None:  # the traces share one colour axis (one scale, one colour bar)
        data = [{"type": "heatmap", "z": tiles[i], "x0": (i % cols) * 29, "y0": (i // cols) * 29, "dx": 1, "dy": 1,
                 "coloraxis": "coloraxis", "hovertemplate": f"{label}<br>value %{{z:.4f}}<extra></extra>"}
                for i, label in enumerate(labels)]
    else:
        z = _mosaic(tiles, cols)
        idx = _mosaic(np.broadcast_to(np.arange(H, dtype=np.float32)[:, None, None], (H, 28, 28)), cols)
        data = [{"type": "heatmap", "z": z, "colorscale": colors.DIVERGING, "zmid": 0, "zmin": -zmax, "zmax": zmax,
                 "customdata": (np.nan_to_num(idx) + first_unit).astype(np.uint16),  # gutters: no hover (hoverongaps)
                 "hovertemplate": "unit %{customdata}<br>value %{z:.4f}<extra></extra>", "hoverongaps": False,
                 "colorbar": colorbar_spec(colorbar)}]
    layout = base_layout(title, height or int(min(900, max(220, 40 + 900 * rows / cols * 0.9))))
    layout["margin"] = {"l": 0, "r": 0, "t": 40 if title else 4, "b": 0}
    layout = image_layout(layout)
    layout["xaxis"]["range"], layout["yaxis"]["range"] = [-0.5, cols * 29 - 1.5], [rows * 29 - 1.5, -0.5]
    layout["yaxis"].pop("autorange", None)
    if labels is not None:
        layout["coloraxis"] = {"colorscale": colors.DIVERGING, "cmid": 0, "cmin": -zmax, "cmax": zmax,
                               "colorbar": colorbar_spec(colorbar)}
    return figure(data, layout)


def matrix(W: np.ndarray, title: str, xtitle: str, ytitle: str, colorbar: str = "weight",
           height: int = 360, columns: list[str] | None = None) -> go.Figure:
    """A matrix as a diverging heatmap centred on zero. Over thin.MAX_SIDE² cells it is pooled into
    blocks (each cell its block's largest-magnitude entry, with its sign); the title and hover say so.
    columns: a name per column (e.g. the unit numbers of reordered columns), for a matrix that
    is not pooled."""
    P, kr, kc = thin.pool_max_abs(W)
    zmax = float(np.abs(P).max()) or 1.0
    trace = {"type": "heatmap", "z": P, "colorscale": colors.DIVERGING, "zmid": 0,
             "zmin": -zmax, "zmax": zmax, "colorbar": colorbar_spec(colorbar),
             "hovertemplate": f"{ytitle} %{{y}}, {xtitle} %{{x}}<br>%{{z:.4f}}<extra></extra>"}
    if kr > 1 or kc > 1:  # cell (i, j) covers rows i*kr.., columns j*kc..: name them by their units
        r, c = np.shape(W)
        span = lambda i, k, n: f"{i * k}–{min((i + 1) * k, n) - 1}"  # noqa: E731
        trace["x"] = [span(j, kc, c) for j in range(P.shape[1])]  # lists: plotly keeps object arrays
        trace["y"] = [span(i, kr, r) for i in range(P.shape[0])]
        trace["hovertemplate"] = (f"{ytitle} %{{y}}, {xtitle} %{{x}}<br>"
                                  "the block's largest |value|: %{z:.4f}<extra></extra>")
        title = f"{title} ({kr} × {kc} blocks)"  # short: it must fit a phone
    elif columns is not None:
        if len(columns) != np.shape(W)[1]:
            raise ValueError(f"{len(columns)} column names for {np.shape(W)[1]} columns")
        trace["x"] = [str(c) for c in columns]
    layout = base_layout(title, height)
    layout["xaxis"] = {"title": {"text": xtitle}}
    if columns is not None and kr == kc == 1:
        layout["xaxis"].update(type="category", nticks=12)
    layout["yaxis"] = {"title": {"text": ytitle}, "autorange": "reversed"}
    if kr > 1 or kc > 1:  # a few ticks, at the first unit of every quarter or so of the blocks
        for axis, names, k in (("xaxis", trace["x"], kc), ("yaxis", trace["y"], kr)):
            every = -(-len(names) // 4)
            layout[axis].update(tickmode="array", tickvals=names[::every],
                                ticktext=[str(i * k) for i in range(0, len(names), every)])
    return figure([trace], layout)


def pixels(image: np.ndarray, title: str = "", height: int = 300) -> go.Figure:
    """A 28x28 input as a heatmap (hover shows each pixel's index in x and its value)."""
    a = np.asarray(image, np.float32)
    idx = np.arange(a.size).reshape(a.shape)
    trace = {"type": "heatmap", "z": a, "colorscale": colors.PIXELS, "zmin": 0, "zmax": 1, "customdata": idx,
             "hovertemplate": "x[%{customdata}] = %{z:.3f}<extra>row %{y}, col %{x}</extra>",
             "colorbar": colorbar_spec("pixel value")}
    layout = base_layout(title, height)
    layout["margin"] = {"l": 0, "r": 0, "t": 40 if title else 4, "b": 0}
    return figure([trace], image_layout(layout))


def confusion(cm: np.ndarray, selected: tuple[int, int] | None = None, height: int = 520) -> go.Figure:
    """The confusion matrix: a heatmap draws the cells (they scale with the axes, so on a phone's
    narrow chart they never overlap their neighbours, as fixed-size markers did), and a scatter
    of clear squares on the cells' centres carries the counts as text, the hover and the clicks
    (Streamlit's selection events do not fire for heatmaps). Colour is log-scaled so single
    mistakes still show; the cell you chose gets an orange frame (a shape, scaled like the cells)."""
    cm = np.asarray(cm)
    C = cm.shape[0]
    t, p = np.divmod(np.arange(C * C), C)
    counts = cm.ravel()
    level = np.log10(1 + counts).astype(np.float32)
    top = float(np.log10(1 + max(int(counts.max()), 1)))
    ticks = [v for v in (0, 1, 10, 100, 1000, 10000) if v <= counts.max()]
    cells = {"type": "heatmap", "z": level.reshape(C, C), "x0": 0, "dx": 1, "y0": 0, "dy": 1, "xgap": 1, "ygap": 1,
             "zmin": 0, "zmax": top, "colorscale": colors.COUNTS, "hoverinfo": "skip",
             # the colour bar under the matrix, not beside it: on a phone the matrix gets the width (cells ~32 px)
             "colorbar": {**colorbar_spec("images (log scale)", side="top"),
                          "orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.02, "yanchor": "top", "len": 0.9,
                          "tickvals": [float(np.log10(1 + v)) for v in ticks], "ticktext": [f"{v:,}" for v in ticks]}}
    squares = {"type": "scatter", "x": p, "y": t, "mode": "markers+text", "text": [str(c) if c else "" for c in counts],
               "textposition": "middle center",
               "textfont": {"color": [colors.PAPER if lv > 0.55 * top else colors.INK for lv in level], "size": 12},
               "customdata": counts, "showlegend": False,
               "hovertemplate": "true %{y}, predicted %{x}: %{customdata} images<extra></extra>",
               "marker": {"symbol": "square", "size": 24, "color": colors.CLEAR, "line": {"width": 0}}}
    layout = base_layout("", height, showlegend=False, clickmode="event+select", dragmode=False, hovermode="closest")
    if selected is not None:
        y, x = selected
        layout["shapes"] = [{"type": "rect", "x0": x - 0.5, "x1": x + 0.5, "y0": y - 0.5, "y1": y + 0.5,
                             "line": {"color": colors.SELECTED, "width": 4}, "layer": "above"}]
    layout["xaxis"] = {"title": {"text": "predicted digit"}, "tickvals": list(range(C)), "range": [-0.5, C - 0.5],
                       "fixedrange": True, "side": "top", "showgrid": False, "zeroline": False}
    layout["yaxis"] = {"title": {"text": "true digit"}, "tickvals": list(range(C)), "range": [C - 0.5, -0.5],
                       "fixedrange": True, "scaleanchor": "x", "showgrid": False, "zeroline": False}
    layout["margin"] = {"l": 10, "r": 10, "t": 40, "b": 10}
    return figure([cells, squares], layout)
