"""Line charts of a training run: loss, accuracy, weight and gradient sizes, dead units.

Live charts have zoom off (fixedrange) so redraws do not fight the user; paused charts can
be zoomed. Long histories are downsampled to at most MAX_POINTS points a line.
Leaves out: reading a History while a run appends to it (the caller passes a consistent copy).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nn_core.history import downsample, ema  # noqa: F401  (charts.downsample, charts.ema)
from ui.charts.spec import OKABE_ITO, axes, base_layout, figure

MAX_POINTS = 1500


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
    return figure(data, axes(base_layout(title, height + 40, hovermode="x unified"), xtitle, ytitle, live, **y))


def training_curves(H, steps_per_epoch: int, live: bool, dead_title: str | None = None) -> dict[str, go.Figure]:
    """Loss, accuracy, weight/gradient RMS from a trainer's History, and, with a `dead_title`,
    its units with Z <= 0 on every example (the caller names them, from the activation's traits)."""
    x_step = np.asarray(H.step, np.float32) / steps_per_epoch  # in epochs (old records are averaged pairs)
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
    if H.dead and dead_title:
        figs["dead"] = curves(
            [{"name": f"layer {k[1:]}, each batch (smoothed)", "x": x_step, "y": smooth(v), "color": OKABE_ITO[i]}
             for i, (k, v) in enumerate(H.dead.items())] +
            [{"name": f"layer {k[1:]}, validation set", "x": x_epoch, "y": v, "color": OKABE_ITO[i], "dash": "dot",
              "markers": True} for i, (k, v) in enumerate(H.val_dead.items())],
            dead_title, "epoch", "fraction of units", live, y_range=(0, 1))
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
    layout = base_layout("", 300, hovermode="x unified")
    layout.update({"xaxis": {"domain": [0, 0.44], "title": {"text": "epoch"}, "dtick": 1, "fixedrange": True},
                   "yaxis": {"title": {"text": "loss J"}, "fixedrange": True},
                   "xaxis2": {"domain": [0.56, 1], "title": {"text": "epoch"}, "dtick": 1, "fixedrange": True},
                   "yaxis2": {"anchor": "x2", "title": {"text": "accuracy"}, "fixedrange": True}})
    return figure(data, layout)
