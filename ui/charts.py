"""Chart builders: NumPy arrays in, Plotly figure out. No Streamlit here.

Palettes are colour-blind safe: Okabe-Ito for lines and bars, and the diverging RdBu
(red negative, blue positive, white at zero) for weights and gradients, always centred on
zero and always with a colour bar. Live charts have zoom off (fixedrange) so redraws do
not fight the user; paused charts can be zoomed. Long histories are downsampled.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]
DIVERGING = "RdBu"
GREYS = [[0, "#000000"], [1, "#ffffff"]]  # MNIST as the network sees it: 0 black, 1 white
MAX_POINTS = 1500
FONT = dict(size=14)


def downsample(x: np.ndarray, y: np.ndarray, max_points: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Bucket means: at most max_points points that keep the curve's shape."""
    x, y = np.asarray(x, np.float32), np.asarray(y, np.float32)
    n = len(y)
    if n <= max_points:
        return x, y
    k = int(np.ceil(n / max_points))
    m = n // k * k
    xs, ys = x[:m].reshape(-1, k).mean(axis=1), y[:m].reshape(-1, k).mean(axis=1)
    if m < n:
        xs, ys = np.append(xs, x[m:].mean()), np.append(ys, y[m:].mean())
    return xs, ys


def ema(y: np.ndarray, alpha: float) -> np.ndarray:
    """Exponential moving average, y_s[t] = (1-alpha) y_s[t-1] + alpha y[t]; bias-free start."""
    y = np.asarray(y, np.float64)
    if len(y) == 0:
        return y.astype(np.float32)
    out = np.empty_like(y)
    acc, weight = 0.0, 0.0
    for i, v in enumerate(y):  # a few thousand points at most: a Python loop is fine
        acc = (1 - alpha) * acc + alpha * v
        weight = (1 - alpha) * weight + alpha
        out[i] = acc / weight
    return out.astype(np.float32)


def _style(fig: go.Figure, title: str, xtitle: str, ytitle: str, live: bool, height: int = 320) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=16)), font=FONT, height=height,
        margin=dict(l=10, r=10, t=48, b=10), template="plotly_white", hovermode="x unified",
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
        dragmode=False if live else "zoom",
    )
    fig.update_xaxes(title_text=xtitle, fixedrange=live)
    fig.update_yaxes(title_text=ytitle, fixedrange=live)
    return fig


def curves(series: list[dict], title: str, xtitle: str, ytitle: str, live: bool = False,
           log_y: bool = False, y_range: tuple[float, float] | None = None) -> go.Figure:
    """series: dicts with name, x, y and optional color, dash, width, markers, opacity."""
    fig = go.Figure()
    for i, s in enumerate(series):
        x, y = downsample(s["x"], s["y"])
        mode = "lines+markers" if s.get("markers") else "lines"
        fig.add_trace(go.Scatter(
            x=x, y=y, name=s["name"], mode=mode, opacity=s.get("opacity", 1.0),
            line=dict(color=s.get("color", OKABE_ITO[i % len(OKABE_ITO)]), dash=s.get("dash", "solid"),
                      width=s.get("width", 2.5)),
            marker=dict(size=8), showlegend=s.get("legend", True)))
    _style(fig, title, xtitle, ytitle, live)
    if log_y:
        fig.update_yaxes(type="log")
    if y_range:
        fig.update_yaxes(range=list(y_range))
    return fig


# ------------------------------------------------------------------ training
def training_curves(H, steps_per_epoch: int, live: bool) -> dict[str, go.Figure]:
    """Loss, accuracy, weight/gradient RMS and dead units from a trainer's History."""
    n = H.n_steps
    x_step = (np.arange(1, n + 1, dtype=np.float32)) / steps_per_epoch  # in epochs
    x_epoch = np.arange(1, len(H.val_loss) + 1, dtype=np.float32)
    alpha = min(1.0, 10 / max(steps_per_epoch, 1))
    loss = np.asarray(H.step_loss, np.float32)
    acc = np.asarray(H.step_acc, np.float32)
    per_step = steps_per_epoch > 1
    figs = {}
    figs["loss"] = curves(
        ([{"name": "train, each batch", "x": x_step, "y": loss, "color": OKABE_ITO[0], "width": 1, "opacity": 0.35}]
         if per_step else []) +
        [{"name": "train (smoothed)" if per_step else "train", "x": x_step, "y": ema(loss, alpha) if per_step else loss,
          "color": OKABE_ITO[0]},
         {"name": "validation, each epoch", "x": x_epoch, "y": H.val_loss, "color": OKABE_ITO[1], "markers": True}],
        "Loss J (cross-entropy)", "epoch", "J", live, log_y=True)
    figs["accuracy"] = curves(
        ([{"name": "train, each batch", "x": x_step, "y": acc, "color": OKABE_ITO[2], "width": 1, "opacity": 0.35}]
         if per_step else []) +
        [{"name": "train (smoothed)" if per_step else "train", "x": x_step, "y": ema(acc, alpha) if per_step else acc,
          "color": OKABE_ITO[2]},
         {"name": "validation, each epoch", "x": x_epoch, "y": H.val_acc, "color": OKABE_ITO[3], "markers": True}],
        "Accuracy", "epoch", "fraction correct", live)
    figs["norms"] = curves(
        [{"name": f"{k} weights", "x": x_step, "y": v, "color": OKABE_ITO[i]} for i, (k, v) in enumerate(H.weight_rms.items())] +
        [{"name": f"d{k} gradient", "x": x_step, "y": ema(np.asarray(v), alpha), "color": OKABE_ITO[i], "dash": "dot"}
         for i, (k, v) in enumerate(H.grad_rms.items())],
        "Weights and gradients, RMS per weight", "epoch", "√mean(w²)", live, log_y=True)
    if H.dead:
        figs["dead"] = curves(
            [{"name": f"layer {k[1:]}, each batch (smoothed)", "x": x_step, "y": ema(np.asarray(v), alpha),
              "color": OKABE_ITO[i]} for i, (k, v) in enumerate(H.dead.items())] +
            [{"name": f"layer {k[1:]}, validation set", "x": x_epoch, "y": v, "color": OKABE_ITO[i], "dash": "dot",
              "markers": True} for i, (k, v) in enumerate(H.val_dead.items())],
            "Dead hidden units (Z ≤ 0 for every example)", "epoch", "fraction of units", live, y_range=(0, 1))
    return figs


def epoch_history(h: dict) -> go.Figure:
    """A saved model's per-epoch record (History.epoch_summary()): loss and accuracy, two y axes."""
    from plotly.subplots import make_subplots
    x = np.arange(1, len(h["val_acc"]) + 1)
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Loss J", "Accuracy"), horizontal_spacing=0.12)
    for i, (key, name, col) in enumerate((("train_loss", "train", 1), ("val_loss", "validation", 1),
                                          ("train_acc", "train", 2), ("val_acc", "validation", 2))):
        fig.add_trace(go.Scatter(x=x, y=h[key], name=name, mode="lines+markers", showlegend=col == 1,
                                 line=dict(color=OKABE_ITO[i % 2], width=2.5), legendgroup=name), row=1, col=col)
    _style(fig, "", "epoch", "", live=True, height=300)
    fig.update_xaxes(title_text="epoch", tickmode="linear")
    return fig


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


def _tile_index(n: int, h: int, w: int, cols: int, gap: int = 1) -> np.ndarray:
    """Same layout as _mosaic, holding each pixel's tile number (for hover text)."""
    return _mosaic(np.repeat(np.arange(n, dtype=np.float32)[:, None, None], h, 1).repeat(w, 2), cols, gap)


def _image_axes(fig: go.Figure) -> None:
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")


def templates(W: np.ndarray, cols: int | None = None, title: str = "", colorbar: str = "weight",
              labels: list[str] | None = None, zmax: float | None = None, height: int | None = None) -> go.Figure:
    """Columns of W (784, H) as H 28x28 templates in ONE heatmap, diverging and centred on 0."""
    H = W.shape[1]
    cols = cols or int(np.ceil(np.sqrt(H * 1.6)))
    tiles = np.asarray(W, np.float32).T.reshape(H, 28, 28)
    z = _mosaic(tiles, cols)
    idx = _tile_index(H, 28, 28, cols)
    zmax = zmax or float(np.nanmax(np.abs(z))) or 1.0
    names = np.array(labels or [f"unit {i}" for i in range(H)], dtype=object)
    hover = np.where(np.isnan(idx), "", names[np.nan_to_num(idx).astype(int)])
    fig = go.Figure(go.Heatmap(z=z, colorscale=DIVERGING, zmid=0, zmin=-zmax, zmax=zmax, customdata=hover,
                               hovertemplate="%{customdata}<br>value %{z:.4f}<extra></extra>",
                               colorbar=dict(title=dict(text=colorbar, side="right"), thickness=14)))
    rows = int(np.ceil(H / cols))
    fig.update_layout(title=dict(text=title, x=0, font=dict(size=16)), font=FONT, template="plotly_white",
                      margin=dict(l=0, r=0, t=40 if title else 4, b=0),
                      height=height or int(min(900, max(220, 40 + 900 * rows / cols * 0.9))))
    _image_axes(fig)
    return fig


def digits(images: np.ndarray, labels: list[str], cols: int, title: str = "", height: int | None = None) -> go.Figure:
    """uint8 (n, 28, 28) digits in one greyscale heatmap, each labelled in its corner."""
    n = len(images)
    z = _mosaic(np.asarray(images, np.float32) / 255, cols, gap=2)
    fig = go.Figure(go.Heatmap(z=z, colorscale=GREYS, zmin=0, zmax=1, showscale=False, hoverinfo="skip"))
    for i, text in enumerate(labels):
        r, c = divmod(i, cols)
        fig.add_annotation(x=c * 30 + 1, y=r * 30 + 1, text=text, showarrow=False, xanchor="left", yanchor="top",
                           font=dict(color="#E69F00", size=13))
    rows = int(np.ceil(n / cols))
    fig.update_layout(title=dict(text=title, x=0), font=FONT, margin=dict(l=0, r=0, t=36 if title else 0, b=0),
                      height=height or int(60 + 700 * rows / cols), plot_bgcolor="white")
    _image_axes(fig)
    return fig


def image(a: np.ndarray, title: str = "", diverging: bool = False, colorbar: str = "",
          zmax: float | None = None, height: int = 260) -> go.Figure:
    """One 2-D array: greyscale (0 black .. 1 white) or diverging centred on zero."""
    a = np.asarray(a, np.float32)
    if diverging:
        zmax = zmax or float(np.abs(a).max()) or 1.0
        trace = go.Heatmap(z=a, colorscale=DIVERGING, zmid=0, zmin=-zmax, zmax=zmax,
                           colorbar=dict(title=dict(text=colorbar, side="right"), thickness=12),
                           hovertemplate="row %{y}, col %{x}<br>%{z:.4f}<extra></extra>")
    else:
        trace = go.Heatmap(z=a, colorscale=GREYS, zmin=0, zmax=1, showscale=bool(colorbar),
                           colorbar=dict(title=dict(text=colorbar, side="right"), thickness=12),
                           hovertemplate="row %{y}, col %{x}<br>%{z:.3f}<extra></extra>")
    fig = go.Figure(trace)
    fig.update_layout(title=dict(text=title, x=0, font=dict(size=14)), font=FONT, height=height,
                      margin=dict(l=0, r=0, t=36 if title else 0, b=0), template="plotly_white")
    _image_axes(fig)
    return fig


def matrix(W: np.ndarray, title: str, xtitle: str, ytitle: str, colorbar: str = "weight",
           height: int = 360) -> go.Figure:
    """A weight matrix as a diverging heatmap (rows: inputs of the layer, columns: its units)."""
    zmax = float(np.abs(W).max()) or 1.0
    fig = go.Figure(go.Heatmap(z=np.asarray(W, np.float32), colorscale=DIVERGING, zmid=0, zmin=-zmax, zmax=zmax,
                               colorbar=dict(title=dict(text=colorbar, side="right"), thickness=14),
                               hovertemplate=f"{ytitle} %{{y}}, {xtitle} %{{x}}<br>%{{z:.4f}}<extra></extra>"))
    fig.update_layout(title=dict(text=title, x=0, font=dict(size=16)), font=FONT, height=height,
                      margin=dict(l=10, r=10, t=40, b=10), template="plotly_white")
    fig.update_xaxes(title_text=xtitle)
    fig.update_yaxes(title_text=ytitle, autorange="reversed")
    return fig


def bars(values: np.ndarray, title: str, xtitle: str, ytitle: str, labels=None, color: str | None = None,
         diverging: bool = False, height: int = 280, highlight: int | None = None) -> go.Figure:
    """A bar per entry; diverging=True colours by sign (blue positive, red negative)."""
    v = np.asarray(values, np.float32)
    x = labels if labels is not None else np.arange(len(v))
    if diverging:
        colors = np.where(v >= 0, "#2166AC", "#B2182B").astype(object)
    else:
        colors = np.full(len(v), color or OKABE_ITO[0], dtype=object)
    if highlight is not None:
        colors[highlight] = OKABE_ITO[1]
    fig = go.Figure(go.Bar(x=x, y=v, marker_color=list(colors), hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    fig.update_layout(title=dict(text=title, x=0, font=dict(size=16)), font=FONT, height=height,
                      margin=dict(l=10, r=10, t=40, b=10), template="plotly_white", showlegend=False)
    fig.update_xaxes(title_text=xtitle)
    fig.update_yaxes(title_text=ytitle)
    return fig


def histograms(now: np.ndarray, before: np.ndarray, title: str, now_name: str = "now",
               before_name: str = "at initialisation", bins: int = 60) -> go.Figure:
    """Two distributions on shared bins (computed here: only bin counts go to the browser)."""
    a, b = np.ravel(now).astype(np.float64), np.ravel(before).astype(np.float64)
    lo, hi = min(a.min(), b.min()), max(a.max(), b.max())
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, bins + 1)
    centres, width = (edges[:-1] + edges[1:]) / 2, edges[1] - edges[0]
    fig = go.Figure()
    for name, data, color in ((before_name, b, OKABE_ITO[1]), (now_name, a, OKABE_ITO[0])):
        counts, _ = np.histogram(data, edges)
        fig.add_trace(go.Bar(x=centres, y=counts / len(data), width=width, name=name, marker_color=color,
                             opacity=0.6, hovertemplate="%{x:.3f}: %{y:.2%}<extra>" + name + "</extra>"))
    fig.update_layout(barmode="overlay", bargap=0)
    _style(fig, title, "weight value", "fraction of weights", live=False, height=280)
    fig.update_layout(hovermode="closest")
    return fig


def class_counts(splits: dict[str, np.ndarray], n_classes: int = 10) -> go.Figure:
    """Grouped bars: images per class in each split."""
    fig = go.Figure()
    for i, (name, y) in enumerate(splits.items()):
        fig.add_trace(go.Bar(x=np.arange(n_classes), y=np.bincount(y, minlength=n_classes),
                             name=f"{name} ({len(y):,})", marker_color=OKABE_ITO[i]))
    fig.update_layout(barmode="group")
    _style(fig, "Images per digit", "digit", "images", live=True, height=300)
    fig.update_xaxes(tickmode="linear")
    fig.update_layout(hovermode="closest")
    return fig


# ------------------------------------------------------------------ the network at a glance
def architecture(layer_sizes: tuple[int, ...], activation: str, max_nodes: int = 12) -> go.Figure:
    """Layers as columns of nodes (big layers show a few nodes and a gap), sizes underneath."""
    fig = go.Figure()
    L = len(layer_sizes)
    names = ["input X (pixels)"] + [f"hidden A{l} ({activation})" for l in range(1, L - 1)] + ["output A%d (softmax)" % (L - 1)]
    positions = []
    for i, n in enumerate(layer_sizes):
        shown = min(n, max_nodes)
        ys = np.linspace(-1, 1, shown) if shown > 1 else np.zeros(1)
        if n > max_nodes:  # leave a visual gap in the middle for "…"
            ys = np.concatenate([np.linspace(-1, -0.2, shown // 2), np.linspace(0.2, 1, shown - shown // 2)])
        positions.append(ys)
    for i in range(L - 1):  # faint edges between consecutive shown nodes
        xs, ys = [], []
        for y0 in positions[i]:
            for y1 in positions[i + 1]:
                xs += [i, i + 1, None]
                ys += [y0, y1, None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="rgba(120,120,120,0.18)", width=1),
                                 hoverinfo="skip", showlegend=False))
    for i, (n, ys) in enumerate(zip(layer_sizes, positions)):
        color = OKABE_ITO[0] if i == 0 else OKABE_ITO[1] if i < L - 1 else OKABE_ITO[2]
        fig.add_trace(go.Scatter(x=np.full(len(ys), i), y=ys, mode="markers", showlegend=False,
                                 marker=dict(size=16, color=color, line=dict(color="white", width=1)),
                                 hovertemplate=f"{names[i]}: {n} units<extra></extra>"))
        if n > max_nodes:
            fig.add_annotation(x=i, y=0, text="⋮", showarrow=False, font=dict(size=22))
        fig.add_annotation(x=i, y=-1.28, text=f"<b>{n}</b><br>{names[i]}", showarrow=False, font=dict(size=13))
    for i in range(L - 1):
        fig.add_annotation(x=i + 0.5, y=1.22, text=f"W{i + 1}: {layer_sizes[i]}×{layer_sizes[i + 1]}",
                           showarrow=False, font=dict(size=13, color="#444"))
    fig.update_xaxes(visible=False, range=[-0.6, L - 0.4])
    fig.update_yaxes(visible=False, range=[-1.6, 1.4])
    fig.update_layout(height=360, margin=dict(l=0, r=0, t=10, b=0), template="plotly_white", font=FONT)
    return fig
