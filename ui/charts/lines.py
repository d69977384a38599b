"""Line charts of a training run: loss, accuracy, weight and gradient sizes, dead units.

Live charts have zoom off (fixedrange) so redraws do not fight the user; paused charts can
be zoomed. Long histories are downsampled to at most MAX_POINTS points a line. Train and
validation differ by line style (solid; dashed with markers), layers by a grey and a label at
the line's end: colour carries no meaning of its own here (ui/colors.py).
Leaves out: reading a History while a run appends to it (the caller passes a consistent copy).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nn_core.history import downsample, ema  # noqa: F401  (charts.downsample, charts.ema)
from ui import colors
from ui.charts.spec import axes, base_layout, figure

MAX_POINTS = 1500


def curves(series: list[dict], title: str, xtitle: str, ytitle: str, live: bool = False,
           log_y: bool = False, y_range: tuple[float, float] | None = None, height: int = 320) -> go.Figure:
    """series: dicts with name, x, y and optional color (default: grey), dash, width, markers,
    opacity, and end (a label written at the line's last point, e.g. "W1")."""
    data, ends = [], []
    for s in series:
        x, y = downsample(s["x"], s["y"])
        trace = {"type": "scatter", "x": x, "y": y, "name": s["name"],
                 "mode": "lines+markers" if s.get("markers") else "lines", "opacity": s.get("opacity", 1.0),
                 "line": {"color": s.get("color", colors.DATA), "dash": s.get("dash", "solid"),
                          "width": s.get("width", 2.5)},
                 "marker": {"size": 8}}
        data.append(trace)
        last = float(y[-1]) if len(y) else float("nan")
        if s.get("end") and np.isfinite(last) and (last > 0 or not log_y):  # a label at the line's end
            ends.append({"text": s["end"], "x": float(x[-1]), "y": float(np.log10(last)) if log_y else last,
                         "xref": "x", "yref": "y", "xanchor": "left", "xshift": 4, "showarrow": False,
                         "font": {"size": 13, "color": s.get("color", colors.DATA)}})
    y = {"type": "log", "dtick": 1} if log_y else {}  # ticks at powers of ten only
    if y_range:
        y["range"] = list(y_range)
    layout = axes(base_layout(title, height + 40, hovermode="x unified"), xtitle, ytitle, live, **y)
    if ends:
        layout["annotations"] = ends
        layout["margin"]["r"] = 48  # room for the labels right of the lines' ends
    return figure(data, layout)


def training_curves(H, steps_per_epoch: int, live: bool, dead_title: str | None = None) -> dict[str, go.Figure]:
    """Loss, accuracy, weight/gradient RMS from a trainer's History, and, with a `dead_title`,
    its units with Z <= 0 on every example (the caller names them, from the activation's traits)."""
    x_step = np.asarray(H.step, np.float32) / steps_per_epoch  # in epochs (old records are averaged pairs)
    x_epoch = np.arange(1, len(H.val_loss) + 1, dtype=np.float32)
    per_step = steps_per_epoch > 1
    alpha = min(1.0, 10 / steps_per_epoch)
    smooth = (lambda v: ema(v, alpha)) if per_step else (lambda v: np.asarray(v, np.float32))

    def measured(values):
        faint = [{"name": "train, each batch", "x": x_step, "y": values, "color": colors.CONTEXT, "width": 1}] \
            if per_step else []
        return faint + [{"name": "train (smoothed)" if per_step else "train", "x": x_step, "y": smooth(values),
                         **colors.TRAIN}]

    def validation(values):
        return [{"name": "validation, each epoch", "x": x_epoch, "y": values, **colors.VALIDATION}]

    grey = lambda i: colors.LAYER_GREYS[i % len(colors.LAYER_GREYS)]  # noqa: E731
    figs = {
        "loss": curves(measured(H.step_loss) + validation(H.val_loss), "Loss J (cross-entropy)", "epoch", "J", live,
                       log_y=True),
        "accuracy": curves(measured(H.step_acc) + validation(H.val_acc), "Accuracy", "epoch", "fraction correct", live),
        "norms": curves([{"name": f"{k} weights", "x": x_step, "y": v, "color": grey(i), "end": k}
                         for i, (k, v) in enumerate(H.weight_rms.items())] +
                        [{"name": f"d{k} gradient", "x": x_step, "y": smooth(v), "color": grey(i), "dash": "dot",
                          "end": f"d{k}"} for i, (k, v) in enumerate(H.grad_rms.items())],
                        "Weights and gradients, RMS per weight", "epoch", "√mean(w²)", live, log_y=True),
    }
    if H.dead and dead_title:
        figs["dead"] = curves(
            [{"name": f"layer {k[1:]}, each batch (smoothed)", "x": x_step, "y": smooth(v), "color": grey(i),
              "end": f"layer {k[1:]}"} for i, (k, v) in enumerate(H.dead.items())] +
            [{"name": f"layer {k[1:]}, validation set", "x": x_epoch, "y": v, "color": grey(i), "dash": "dash",
              "markers": True} for i, (k, v) in enumerate(H.val_dead.items())],
            dead_title, "epoch", "fraction of units", live, y_range=(0, 1))
    return figs


def epoch_history(h: dict) -> go.Figure:
    """A saved model's per-epoch record (History.epoch_summary()): loss and accuracy side by side."""
    x = np.arange(1, len(h["val_acc"]) + 1)
    data = []
    for key, name, axis in (("train_loss", "train", 1), ("val_loss", "validation", 1),
                            ("train_acc", "train", 2), ("val_acc", "validation", 2)):
        style = colors.TRAIN if name == "train" else colors.VALIDATION
        data.append({"type": "scatter", "x": x, "y": h[key], "name": name, "mode": "lines+markers",
                     "showlegend": axis == 1, "legendgroup": name,
                     "line": {"color": style["color"], "dash": style["dash"], "width": 2.5},
                     "marker": {"symbol": "circle" if name == "train" else "square", "size": 8},
                     "xaxis": f"x{axis if axis > 1 else ''}", "yaxis": f"y{axis if axis > 1 else ''}"})
    layout = base_layout("", 300, hovermode="x unified")
    layout.update({"xaxis": {"domain": [0, 0.44], "title": {"text": "epoch"}, "dtick": 1, "fixedrange": True},
                   "yaxis": {"title": {"text": "loss J"}, "fixedrange": True},
                   "xaxis2": {"domain": [0.56, 1], "title": {"text": "epoch"}, "dtick": 1, "fixedrange": True},
                   "yaxis2": {"anchor": "x2", "title": {"text": "accuracy"}, "fixedrange": True}})
    return figure(data, layout)
