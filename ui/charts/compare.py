"""Several runs on one chart: validation accuracy, training loss, gradient size per layer.

Each run keeps one colour (colors.RUNS, used on Compare only), one dash and one marker
symbol on every chart, so a run is recognisable without colour too.
Leaves out: what a run records (session/runs.py).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui import colors
from ui.charts.spec import axes, base_layout, figure
from ui.numbers import percent

GUESSING = 2.302585  # ln 10: the loss of a network that gives every digit probability 1/10


def run_color(i: int) -> str:
    return colors.RUNS[i % len(colors.RUNS)]


def run_style(i: int) -> dict:
    """Run i's colour and bar pattern, for bars (compare_bars' styles)."""
    return {"color": run_color(i), "pattern": colors.RUN_PATTERNS[i % len(colors.RUN_PATTERNS)]}


def _style(i: int) -> dict:
    return {"line": {"color": run_color(i), "width": 2.5, "dash": colors.RUN_DASHES[i % len(colors.RUN_DASHES)]},
            "marker": {"symbol": colors.RUN_SYMBOLS[i % len(colors.RUN_SYMBOLS)], "size": 9}}


def label(r) -> str:
    """A run's name on the charts: its number (names repeat when a pair is pressed twice) and name."""
    return f"Run {r.id}: {r.name}"


def accuracy(runs: list, height: int = 320) -> go.Figure:
    """Validation accuracy after each epoch, one line per run (runs: ui/runs.KeptRun)."""
    data = [{"type": "scatter", "x": np.arange(1, len(r.val_acc) + 1), "y": np.asarray(r.val_acc, np.float32),
             "name": label(r), "mode": "lines+markers", "text": [percent(v) for v in r.val_acc],
             "hovertemplate": "epoch %{x}: %{text}<extra>" + label(r) + "</extra>",
             **_style(i)} for i, r in enumerate(runs)]
    layout = axes(base_layout("Validation accuracy after each epoch", height + 40, hovermode="closest"),
                  "epoch", "fraction correct", live=False, range=[0, 1])
    layout["xaxis"]["dtick"] = 1
    return figure(data, layout)


def loss(runs: list, height: int = 320) -> go.Figure:
    """Training loss J against the epoch (smoothed), one line per run, on a log scale."""
    data = [{"type": "scatter", "x": r.loss_x, "y": r.loss, "name": label(r), "mode": "lines",
             "hovertemplate": "epoch %{x:.2f}: J = %{y:.3g}<extra>" + label(r) + "</extra>", **_style(i)}
            for i, r in enumerate(runs)]
    layout = axes(base_layout("Training loss J (smoothed)", height + 40, hovermode="closest"),
                  "epoch", "J", live=False, type="log")
    ticks = [m * 10.0 ** e for e in range(-4, 2) for m in (1, 2, 5)]  # 1, 2, 5 of each power of ten, written out
    layout["yaxis"].update(tickmode="array", tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
    layout["shapes"] = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": GUESSING, "y1": GUESSING,
                         "line": {"color": colors.AXIS, "width": 1.5, "dash": "dot"}}]
    layout["annotations"] = [{"text": "guessing: ln 10 ≈ 2.30", "xref": "paper", "x": 1, "xanchor": "right",
                              "y": float(np.log10(GUESSING)), "yanchor": "bottom", "showarrow": False,
                              "font": {"size": 12, "color": colors.INK}}]
    return figure(data, layout)


def gradients(runs: list, height: int = 320) -> go.Figure:
    """The median RMS of each weight gradient dW[l] over a run, one bar per layer and run (log scale)."""
    data = [{"type": "bar", "x": [f"dW{k[1:]}" for k in r.grad_rms], "y": list(r.grad_rms.values()), "name": label(r),
             "marker": {"color": run_color(i), "pattern": {"shape": run_style(i)["pattern"]}},
             "hovertemplate": "%{x}: RMS %{y:.3g}<extra>" + label(r) + "</extra>"} for i, r in enumerate(runs)]
    layout = axes(base_layout("Gradient size per layer (median RMS over the run)", height + 40, barmode="group"),
                  "weight gradient, input side first", "√mean(dW²)", live=False, type="log", dtick=1)
    layout["xaxis"]["type"] = "category"
    return figure(data, layout)
