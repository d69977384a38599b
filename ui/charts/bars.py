"""Bar charts: one value per unit or digit, several panels in one figure, before/after pairs,
and weight histograms (binned here, so only the counts go to the browser).

Colours by meaning (ui/colors.py): bars coloured by sign blue (positive) or red (negative),
others grey; the one you selected orange, the true digit green, what the page points out
black. Before and after differ by pattern, now and at initialisation by line style.
Leaves out: line charts (lines.py) and heatmaps (images.py).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui import colors
from ui.charts.spec import axes, base_layout, figure


def bars(values: np.ndarray, title: str, xtitle: str, ytitle: str, labels=None, diverging: bool = False,
         height: int = 280, marked=(), selected=(), true=(), y_range=None) -> go.Figure:
    """A bar per entry; diverging=True colours by sign (blue positive, red negative); marked,
    selected, true: indices drawn black, orange, green (colors.bar_colors)."""
    v = np.asarray(values, np.float32).ravel()
    x = list(labels) if labels is not None else np.arange(len(v))
    layout = axes(base_layout(title, height, showlegend=False, bargap=0.15), xtitle, ytitle, live=True,
                   **({"range": list(y_range)} if y_range else {}))
    if labels is not None:
        layout["xaxis"]["type"] = "category"
    return figure([{"type": "bar", "x": x, "y": v,
                    "marker": {"color": colors.bar_colors(v, diverging, marked, selected, true)},
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
    # before/after by style: at initialisation a dashed outline (a step line), now filled bars
    data = [{"type": "scatter", "x": edges, "y": np.append(np.histogram(b, edges)[0] / len(b), 0), "name": before_name,
             "mode": "lines", "line": {"shape": "hv", "color": colors.INIT["color"], "dash": colors.INIT["dash"],
                                       "width": 2}, "hovertemplate": "from %{x:.3f}: %{y:.3~g}<extra>" + before_name + "</extra>"},
            {"type": "bar", "x": centres, "y": np.histogram(a, edges)[0] / len(a), "width": width, "name": now_name,
             "marker": {"color": colors.NOW["color"], "line": {"width": 0}}, "opacity": 0.75,
             "hovertemplate": "%{x:.3f}: %{y:.3~g}<extra>" + now_name + "</extra>"}]
    layout = axes(base_layout(title, 280, barmode="overlay", bargap=0), "weight value", "fraction of weights", live=False)
    # its own row between the title and the plot, so it covers neither the bars nor the axis title
    layout["title"].update({"yref": "container", "y": 0.98, "yanchor": "top"})
    layout["legend"] = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom",
                        "font": {"size": 12}}
    layout["margin"]["t"] = 72
    layout["height"] = 300
    return figure(data, layout)


def bar_panels(panels: list[dict], height: int = 300, gap: float = 0.08) -> go.Figure:
    """Several bar charts side by side in ONE figure (one Plotly plot costs the browser far
    less than several: measured on the Draw page, each plot is a fixed cost per redraw).
    Each panel: values, title, xtitle, ytitle and optional labels, diverging, marked, y_range."""
    n = len(panels)
    width = (1 - gap * (n - 1)) / n
    data, layout = [], base_layout("", height, showlegend=False, bargap=0.15)
    layout["margin"]["t"] = 48
    layout["dragmode"] = False
    annotations = []
    for i, p in enumerate(panels):
        v = np.asarray(p["values"], np.float32).ravel()
        suffix = "" if i == 0 else str(i + 1)
        labels = p.get("labels")
        data.append({"type": "bar", "x": list(labels) if labels is not None else np.arange(len(v)), "y": v,
                     "marker": {"color": colors.bar_colors(v, bool(p.get("diverging")), p.get("marked", ()))},
                     "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
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
    return figure(data, layout)


def compare_bars(before: np.ndarray, after: np.ndarray, title: str, xtitle: str, ytitle: str,
                 names: tuple[str, str] = ("before", "after"), height: int = 300,
                 styles: tuple[dict, dict] = (colors.BEFORE, colors.AFTER)) -> go.Figure:
    """Two values per entry side by side (e.g. probabilities before and after a step): the
    first plain, the second hatched, so the pair reads by pattern, not by a colour that means
    something else elsewhere. styles: {"color", "pattern"} each (Compare passes its runs')."""
    x = [str(i) for i in range(len(np.ravel(before)))]
    data = [{"type": "bar", "x": x, "y": np.asarray(v, np.float32).ravel(), "name": name,
             "marker": {"color": style["color"], "line": {"color": style["color"], "width": 1.5},
                        "pattern": {"shape": style["pattern"], "solidity": 0.45}},
             "hovertemplate": "%{x}: %{y:.4f}<extra>" + name + "</extra>"}
            for v, name, style in ((before, names[0], styles[0]), (after, names[1], styles[1]))]
    layout = axes(base_layout(title, height, barmode="group"), xtitle, ytitle, live=True)
    layout["xaxis"]["type"] = "category"
    # above the plot at the right: below it, on a phone, it ran into the x axis's title
    layout["legend"] = {**layout["legend"], "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"}
    layout["margin"] = {**layout["margin"], "t": max(layout["margin"]["t"], 40)}
    return figure(data, layout)
