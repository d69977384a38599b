"""Chart builders: NumPy arrays in, Plotly figure out. No Streamlit here.

Figures are written as plain dicts and wrapped without Plotly's per-property validation
(`_figure`): validating four live charts cost ~0.4 s of Python per redraw, which starved
the training thread. Tests set VALIDATE = True so every spec is still checked.

Palettes are colour-blind safe: Okabe-Ito for lines and bars, and the diverging RdBu
(red negative, blue positive, white at zero) for weights and gradients, always centred on
zero and always with a colour bar. Live charts have zoom off (fixedrange) so redraws do
not fight the user; paused charts can be zoomed. Long histories are downsampled.
"""
from __future__ import annotations

import numpy as np
import plotly.colors
import plotly.graph_objects as go

from . import thin

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]
# ColorBrewer RdBu as an explicit list: red negative, white zero, blue positive. (Passed by
# name without Python-side validation, "RdBu" would reach plotly.js, whose own "RdBu" runs
# the other way with a grey middle.)
DIVERGING = plotly.colors.make_colorscale(plotly.colors.diverging.RdBu)
POS, NEG = "#2166AC", "#B2182B"             # the ends of RdBu, for bars coloured by sign
MAX_POINTS = 1500
FONT = {"size": 14}
VALIDATE = False  # tests switch this on
# How pages hand a figure to st.plotly_chart: full width, no mode bar.
PLOT = {"width": "stretch", "config": {"displayModeBar": False}}


def _figure(data: list[dict], layout: dict) -> go.Figure:
    return go.Figure({"data": data, "layout": layout}, _validate=VALIDATE)


def _layout(title: str = "", height: int = 320, **extra) -> dict:
    base = {"title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}}, "font": FONT,
            "height": height, "margin": {"l": 10, "r": 10, "t": 44 if title else 10, "b": 10},
            "template": "plotly_white",
            # below the plot, so it never covers the title or the curves
            "legend": {"orientation": "h", "yanchor": "top", "y": -0.22, "xanchor": "left", "x": 0,
                       "font": {"size": 12}}}
    base.update(extra)
    return base


def _axes(layout: dict, xtitle: str, ytitle: str, live: bool, **y) -> dict:
    layout["xaxis"] = {"title": {"text": xtitle}, "fixedrange": live}
    layout["yaxis"] = {"title": {"text": ytitle}, "fixedrange": live, "exponentformat": "power", **y}
    layout["dragmode"] = False if live else "zoom"
    return layout


def _image_layout(layout: dict) -> dict:
    layout["xaxis"] = {"visible": False, "constrain": "domain"}
    layout["yaxis"] = {"visible": False, "autorange": "reversed", "scaleanchor": "x", "constrain": "domain"}
    return layout


def _colorbar(text: str, thickness: int = 14) -> dict:
    return {"title": {"text": text, "side": "right"}, "thickness": thickness, "exponentformat": "power"}


def downsample(x: np.ndarray, y: np.ndarray, max_points: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Bucket means: at most max_points points that keep the curve's shape."""
    x, y = np.asarray(x, np.float32), np.asarray(y, np.float32)
    if len(x) != len(y):
        raise ValueError(f"x and y differ in length ({len(x)} vs {len(y)})")
    n = len(y)
    if n <= max_points:
        return x, y
    k = int(np.ceil(n / max_points))
    m = n // k * k
    xs, ys = x[:m].reshape(-1, k).mean(axis=1), y[:m].reshape(-1, k).mean(axis=1)
    if m < n:
        xs, ys = np.append(xs, x[m:].mean()), np.append(ys, y[m:].mean())
    return xs, ys


def ema(y, alpha: float) -> np.ndarray:
    """Exponential moving average, bias-corrected at the start: s[t] = sum_k (1-a)^k y[t-k] / sum_k (1-a)^k."""
    y = np.asarray(y, np.float64)
    out = np.empty_like(y)
    acc = weight = 0.0
    for i, v in enumerate(y):  # a few thousand points: a Python loop costs ~1 ms
        acc = (1 - alpha) * acc + alpha * v
        weight = (1 - alpha) * weight + alpha
        out[i] = acc / weight
    return out.astype(np.float32)


# ------------------------------------------------------------------ line charts
def curves(series: list[dict], title: str, xtitle: str, ytitle: str, live: bool = False,
           log_y: bool = False, y_range: tuple[float, float] | None = None, height: int = 320) -> go.Figure:
    """series: dicts with name, x, y and optional color, dash, width, markers, opacity."""
    data = []
    for i, s in enumerate(series):
        x, y = downsample(s["x"], s["y"])
        data.append({"type": "scatter", "x": x, "y": y, "name": s["name"],
                     "mode": "lines+markers" if s.get("markers") else "lines", "opacity": s.get("opacity", 1.0),
                     "line": {"color": s.get("color", OKABE_ITO[i % len(OKABE_ITO)]), "dash": s.get("dash", "solid"),
                              "width": s.get("width", 2.5)},
                     "marker": {"size": 8}})
    y = {"type": "log", "dtick": 1} if log_y else {}  # ticks at powers of ten only
    if y_range:
        y["range"] = list(y_range)
    return _figure(data, _axes(_layout(title, height + 40, hovermode="x unified"), xtitle, ytitle, live, **y))


def training_curves(H, steps_per_epoch: int, live: bool) -> dict[str, go.Figure]:
    """Loss, accuracy, weight/gradient RMS and dead units from a trainer's History."""
    n = H.n_steps
    x_step = np.arange(1, n + 1, dtype=np.float32) / steps_per_epoch  # in epochs
    x_epoch = np.arange(1, len(H.val_loss) + 1, dtype=np.float32)
    per_step = steps_per_epoch > 1
    alpha = min(1.0, 10 / steps_per_epoch)
    smooth = (lambda v: ema(v, alpha)) if per_step else (lambda v: np.asarray(v, np.float32))

    def measured(values, name_color):
        faint = [{"name": "train, each batch", "x": x_step, "y": values, "color": name_color, "width": 1,
                  "opacity": 0.35}] if per_step else []
        return faint + [{"name": "train (smoothed)" if per_step else "train", "x": x_step, "y": smooth(values),
                         "color": name_color}]

    figs = {
        "loss": curves(measured(H.step_loss, OKABE_ITO[0]) +
                       [{"name": "validation, each epoch", "x": x_epoch, "y": H.val_loss, "color": OKABE_ITO[1],
                         "markers": True}], "Loss J (cross-entropy)", "epoch", "J", live, log_y=True),
        "accuracy": curves(measured(H.step_acc, OKABE_ITO[2]) +
                           [{"name": "validation, each epoch", "x": x_epoch, "y": H.val_acc, "color": OKABE_ITO[3],
                             "markers": True}], "Accuracy", "epoch", "fraction correct", live),
        "norms": curves([{"name": f"{k} weights", "x": x_step, "y": v, "color": OKABE_ITO[i]}
                         for i, (k, v) in enumerate(H.weight_rms.items())] +
                        [{"name": f"d{k} gradient", "x": x_step, "y": smooth(v), "color": OKABE_ITO[i], "dash": "dot"}
                         for i, (k, v) in enumerate(H.grad_rms.items())],
                        "Weights and gradients, RMS per weight", "epoch", "√mean(w²)", live, log_y=True),
    }
    if H.dead:
        figs["dead"] = curves(
            [{"name": f"layer {k[1:]}, each batch (smoothed)", "x": x_step, "y": smooth(v), "color": OKABE_ITO[i]}
             for i, (k, v) in enumerate(H.dead.items())] +
            [{"name": f"layer {k[1:]}, validation set", "x": x_epoch, "y": v, "color": OKABE_ITO[i], "dash": "dot",
              "markers": True} for i, (k, v) in enumerate(H.val_dead.items())],
            "Dead hidden units", "epoch", "fraction of units", live, y_range=(0, 1))
    return figs


def epoch_history(h: dict) -> go.Figure:
    """A saved model's per-epoch record (History.epoch_summary()): loss and accuracy side by side."""
    x = np.arange(1, len(h["val_acc"]) + 1)
    data = []
    for i, (key, name, axis) in enumerate((("train_loss", "train", 1), ("val_loss", "validation", 1),
                                           ("train_acc", "train", 2), ("val_acc", "validation", 2))):
        data.append({"type": "scatter", "x": x, "y": h[key], "name": name, "mode": "lines+markers",
                     "showlegend": axis == 1, "legendgroup": name, "line": {"color": OKABE_ITO[i % 2], "width": 2.5},
                     "xaxis": f"x{axis if axis > 1 else ''}", "yaxis": f"y{axis if axis > 1 else ''}"})
    layout = _layout("", 300, hovermode="x unified")
    layout.update({"xaxis": {"domain": [0, 0.44], "title": {"text": "epoch"}, "dtick": 1, "fixedrange": True},
                   "yaxis": {"title": {"text": "loss J"}, "fixedrange": True},
                   "xaxis2": {"domain": [0.56, 1], "title": {"text": "epoch"}, "dtick": 1, "fixedrange": True},
                   "yaxis2": {"anchor": "x2", "title": {"text": "accuracy"}, "fixedrange": True}})
    return _figure(data, layout)


# ------------------------------------------------------------------ images and weights
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
    """Columns of W (784, H) as H 28x28 templates in ONE heatmap, diverging and centred on 0.
    Hover names each tile by `labels`, or, without labels, as unit first_unit + i: then the
    unit numbers go to the browser as one uint16 array (a label per pixel was 2/3 of the bytes)."""
    H = W.shape[1]
    cols = cols or int(np.ceil(np.sqrt(H * 1.6)))
    z = _mosaic(np.asarray(W, np.float32).T.reshape(H, 28, 28), cols)
    idx = _mosaic(np.broadcast_to(np.arange(H, dtype=np.float32)[:, None, None], (H, 28, 28)), cols)
    zmax = zmax or float(np.nanmax(np.abs(z))) or 1.0
    if labels is None:
        customdata = (np.nan_to_num(idx) + first_unit).astype(np.uint16)  # gutters have no hover (hoverongaps)
        hovertemplate = "unit %{customdata}<br>value %{z:.4f}<extra></extra>"
    else:
        names = np.array(list(labels) + [""], dtype=object)
        # a list: plotly kept a copy of every object array it encoded
        customdata = names[np.where(np.isnan(idx), H, np.nan_to_num(idx)).astype(int)].tolist()
        hovertemplate = "%{customdata}<br>value %{z:.4f}<extra></extra>"
    rows = int(np.ceil(H / cols))
    trace = {"type": "heatmap", "z": z, "colorscale": DIVERGING, "zmid": 0, "zmin": -zmax, "zmax": zmax,
             "customdata": customdata, "hovertemplate": hovertemplate, "hoverongaps": False,
             "colorbar": _colorbar(colorbar)}
    layout = _layout(title, height or int(min(900, max(220, 40 + 900 * rows / cols * 0.9))))
    layout["margin"] = {"l": 0, "r": 0, "t": 40 if title else 4, "b": 0}
    return _figure([trace], _image_layout(layout))


def matrix(W: np.ndarray, title: str, xtitle: str, ytitle: str, colorbar: str = "weight",
           height: int = 360) -> go.Figure:
    """A matrix as a diverging heatmap centred on zero. Over thin.MAX_SIDE² cells it is pooled into
    blocks (each cell its block's largest-magnitude entry, with its sign); the title and hover say so."""
    P, kr, kc = thin.pool_max_abs(W)
    zmax = float(np.abs(P).max()) or 1.0
    trace = {"type": "heatmap", "z": P, "colorscale": DIVERGING, "zmid": 0,
             "zmin": -zmax, "zmax": zmax, "colorbar": _colorbar(colorbar),
             "hovertemplate": f"{ytitle} %{{y}}, {xtitle} %{{x}}<br>%{{z:.4f}}<extra></extra>"}
    if kr > 1 or kc > 1:  # cell (i, j) covers rows i*kr.., columns j*kc..: name them by their units
        r, c = np.shape(W)
        span = lambda i, k, n: f"{i * k}–{min((i + 1) * k, n) - 1}"  # noqa: E731
        trace["x"] = [span(j, kc, c) for j in range(P.shape[1])]  # lists: plotly keeps object arrays
        trace["y"] = [span(i, kr, r) for i in range(P.shape[0])]
        trace["hovertemplate"] = (f"{ytitle} %{{y}}, {xtitle} %{{x}}<br>"
                                  "the block's largest |value|: %{z:.4f}<extra></extra>")
        title = f"{title} ({kr} × {kc} blocks)"  # short: it must fit a phone
    layout = _layout(title, height)
    layout["xaxis"] = {"title": {"text": xtitle}}
    layout["yaxis"] = {"title": {"text": ytitle}, "autorange": "reversed"}
    if kr > 1 or kc > 1:  # a few ticks, at the first unit of every quarter or so of the blocks
        for axis, names, k in (("xaxis", trace["x"], kc), ("yaxis", trace["y"], kr)):
            every = -(-len(names) // 4)
            layout[axis].update(tickmode="array", tickvals=names[::every],
                                ticktext=[str(i * k) for i in range(0, len(names), every)])
    return _figure([trace], layout)


def bars(values: np.ndarray, title: str, xtitle: str, ytitle: str, labels=None, color: str | None = None,
         diverging: bool = False, height: int = 280, highlight=None, y_range=None) -> go.Figure:
    """A bar per entry; diverging=True colours by sign (blue positive, red negative);
    highlight: an index or indices drawn in orange."""
    v = np.asarray(values, np.float32).ravel()
    colors = [(POS if x >= 0 else NEG) if diverging else (color or OKABE_ITO[0]) for x in v]
    for i in np.atleast_1d(highlight if highlight is not None else []):
        colors[int(i)] = OKABE_ITO[1]
    x = list(labels) if labels is not None else np.arange(len(v))
    layout = _axes(_layout(title, height, showlegend=False, bargap=0.15), xtitle, ytitle, live=True,
                   **({"range": list(y_range)} if y_range else {}))
    if labels is not None:
        layout["xaxis"]["type"] = "category"
    return _figure([{"type": "bar", "x": x, "y": v, "marker": {"color": colors},
                     "hovertemplate": "%{x}: %{y:.4f}<extra></extra>"}], layout)


def histograms(now: np.ndarray, before: np.ndarray, title: str, now_name: str = "now",
               before_name: str = "at initialisation", bins: int = 60) -> go.Figure:
    """Two distributions on shared bins (computed here: only bin counts go to the browser)."""
    a, b = np.ravel(now).astype(np.float64), np.ravel(before).astype(np.float64)
    lo, hi = min(a.min(), b.min()), max(a.max(), b.max())
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, bins + 1)
    centres, width = (edges[:-1] + edges[1:]) / 2, edges[1] - edges[0]
    data = [{"type": "bar", "x": centres, "y": np.histogram(d, edges)[0] / len(d), "width": width, "name": name,
             "marker": {"color": color}, "opacity": 0.6,
             "hovertemplate": "%{x:.3f}: %{y:.2%}<extra>" + name + "</extra>"}
            for name, d, color in ((before_name, b, OKABE_ITO[1]), (now_name, a, OKABE_ITO[0]))]
    layout = _axes(_layout(title, 280, barmode="overlay", bargap=0), "weight value", "fraction of weights", live=False)
    # its own row between the title and the plot, so it covers neither the bars nor the axis title
    layout["title"].update({"yref": "container", "y": 0.98, "yanchor": "top"})
    layout["legend"] = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom",
                        "font": {"size": 12}}
    layout["margin"]["t"] = 72
    layout["height"] = 300
    return _figure(data, layout)


def bar_panels(panels: list[dict], height: int = 300, gap: float = 0.08) -> go.Figure:
    """Several bar charts side by side in ONE figure (one Plotly plot costs the browser far
    less than several: measured on the Draw page, each plot is a fixed cost per redraw).
    Each panel: values, title, xtitle, ytitle and optional labels, diverging, highlight, y_range."""
    n = len(panels)
    width = (1 - gap * (n - 1)) / n
    data, layout = [], _layout("", height, showlegend=False, bargap=0.15)
    layout["margin"]["t"] = 48
    layout["dragmode"] = False
    annotations = []
    for i, p in enumerate(panels):
        v = np.asarray(p["values"], np.float32).ravel()
        colors = [(POS if x >= 0 else NEG) if p.get("diverging") else OKABE_ITO[0] for x in v]
        for h in np.atleast_1d(p["highlight"] if p.get("highlight") is not None else []):
            colors[int(h)] = OKABE_ITO[1]
        suffix = "" if i == 0 else str(i + 1)
        labels = p.get("labels")
        data.append({"type": "bar", "x": list(labels) if labels is not None else np.arange(len(v)), "y": v,
                     "marker": {"color": colors}, "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
                     "hovertemplate": f"{p['xtitle']} %{{x}}: %{{y:.4f}}<extra>{p['ytitle']}</extra>"})
        lo = i * (width + gap)
        layout[f"xaxis{suffix}"] = {"domain": [lo, lo + width], "title": {"text": p["xtitle"]}, "fixedrange": True,
                                    "anchor": f"y{suffix}", **({"type": "category"} if labels is not None else {})}
        layout[f"yaxis{suffix}"] = {"title": {"text": p["ytitle"]}, "fixedrange": True, "anchor": f"x{suffix}",
                                    "exponentformat": "power",
                                    **({"range": list(p["y_range"])} if p.get("y_range") else {})}
        annotations.append({"text": f"<b>{p['title']}</b>", "x": lo, "xref": "paper", "xanchor": "left",
                            "y": 1.0, "yref": "paper", "yanchor": "bottom", "yshift": 8, "showarrow": False,
                            "font": {"size": 15}})
    layout["annotations"] = annotations
    return _figure(data, layout)


def compare_bars(before: np.ndarray, after: np.ndarray, title: str, xtitle: str, ytitle: str,
                 names: tuple[str, str] = ("before", "after"), height: int = 300) -> go.Figure:
    """Two values per entry side by side (e.g. probabilities before and after a step)."""
    x = [str(i) for i in range(len(np.ravel(before)))]
    data = [{"type": "bar", "x": x, "y": np.asarray(v, np.float32).ravel(), "name": name,
             "marker": {"color": color}, "hovertemplate": "%{x}: %{y:.4f}<extra>" + name + "</extra>"}
            for v, name, color in ((before, names[0], OKABE_ITO[1]), (after, names[1], OKABE_ITO[0]))]
    layout = _axes(_layout(title, height, barmode="group"), xtitle, ytitle, live=True)
    layout["xaxis"]["type"] = "category"
    return _figure(data, layout)


GREYS = [[0.0, "#000000"], [1.0, "#ffffff"]]  # the canvas's own colours: ink white on black


def pixels(image: np.ndarray, title: str = "", height: int = 300) -> go.Figure:
    """A 28x28 input as a heatmap (hover shows each pixel's index in x and its value)."""
    a = np.asarray(image, np.float32)
    idx = np.arange(a.size).reshape(a.shape)
    trace = {"type": "heatmap", "z": a, "colorscale": GREYS, "zmin": 0, "zmax": 1, "customdata": idx,
             "hovertemplate": "x[%{customdata}] = %{z:.3f}<extra>row %{y}, col %{x}</extra>",
             "colorbar": _colorbar("pixel value")}
    layout = _layout(title, height)
    layout["margin"] = {"l": 0, "r": 0, "t": 40 if title else 4, "b": 0}
    return _figure([trace], _image_layout(layout))


SEQUENTIAL = plotly.colors.make_colorscale(plotly.colors.sequential.Blues)  # ColorBrewer, colour-blind safe


def confusion(cm: np.ndarray, selected: tuple[int, int] | None = None, height: int = 520) -> go.Figure:
    """The confusion matrix as clickable squares (a scatter, because Streamlit's selection
    events do not fire for heatmaps). Colour is log-scaled so single mistakes still show;
    the text is the count; a chosen cell gets an orange frame."""
    cm = np.asarray(cm)
    C = cm.shape[0]
    t, p = np.divmod(np.arange(C * C), C)
    counts = cm.ravel()
    level = np.log10(1 + counts).astype(np.float32)
    top = float(np.log10(1 + max(int(counts.max()), 1)))
    ticks = [v for v in (0, 1, 10, 100, 1000, 10000) if v <= counts.max()]
    squares = {"type": "scatter", "x": p, "y": t, "mode": "markers+text", "text": [str(c) if c else "" for c in counts],
               "textfont": {"color": ["white" if lv > 0.6 * top else "#222" for lv in level], "size": 13},
               "customdata": counts, "showlegend": False,
               "hovertemplate": "true %{y}, predicted %{x}: %{customdata} images<extra></extra>",
               "marker": {"symbol": "square", "size": 40, "color": level, "cmin": 0, "cmax": top,
                          "colorscale": SEQUENTIAL, "line": {"width": 0},
                          "colorbar": {**_colorbar("images (log scale)"),
                                       "tickvals": [float(np.log10(1 + v)) for v in ticks],
                                       "ticktext": [f"{v:,}" for v in ticks]}}}
    data = [squares]
    if selected is not None:
        data.append({"type": "scatter", "x": [selected[1]], "y": [selected[0]], "mode": "markers", "showlegend": False,
                     "hoverinfo": "skip", "marker": {"symbol": "square-open", "size": 44,
                                                     "color": OKABE_ITO[3], "line": {"width": 4}}})
    layout = _layout("", height, showlegend=False, clickmode="event+select", dragmode=False, hovermode="closest")
    layout["xaxis"] = {"title": {"text": "predicted digit"}, "tickvals": list(range(C)), "range": [-0.6, C - 0.4],
                       "fixedrange": True, "side": "top", "showgrid": False, "zeroline": False}
    layout["yaxis"] = {"title": {"text": "true digit"}, "tickvals": list(range(C)), "range": [C - 0.4, -0.6],
                       "fixedrange": True, "scaleanchor": "x", "showgrid": False, "zeroline": False}
    layout["margin"] = {"l": 10, "r": 10, "t": 40, "b": 10}
    return _figure(data, layout)
