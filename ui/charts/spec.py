"""What every chart shares: the layout helpers, and how a figure is built (colours: ui/colors.py).

Figures are written as plain dicts and wrapped without Plotly's per-property validation
(`figure`): validating four live charts cost ~0.4 s of Python per redraw, which starved
the training thread. Tests set VALIDATE = True so every spec is still checked.
Leaves out: the charts themselves (lines.py, bars.py, images.py).
"""
from __future__ import annotations

import plotly.graph_objects as go

FONT = {"size": 14}
VALIDATE = False  # tests switch this on
# How pages hand a figure to st.plotly_chart: full width, no mode bar.
PLOT = {"width": "stretch", "config": {"displayModeBar": False}}


def figure(data: list[dict], layout: dict) -> go.Figure:
    return go.Figure({"data": data, "layout": layout}, _validate=VALIDATE)


def base_layout(title: str = "", height: int = 320, **extra) -> dict:
    base = {"title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}}, "font": FONT,
            "height": height, "margin": {"l": 10, "r": 10, "t": 44 if title else 10, "b": 10},
            "template": "plotly_white",
            # below the plot, so it never covers the title or the curves
            "legend": {"orientation": "h", "yanchor": "top", "y": -0.22, "xanchor": "left", "x": 0,
                       "font": {"size": 12}}}
    base.update(extra)
    return base


def axes(layout: dict, xtitle: str, ytitle: str, live: bool, **y) -> dict:
    """Titled x and y axes; live charts cannot be zoomed (a redraw would reset the zoom)."""
    layout["xaxis"] = {"title": {"text": xtitle}, "fixedrange": live}
    layout["yaxis"] = {"title": {"text": ytitle}, "fixedrange": live, "exponentformat": "power", **y}
    layout["dragmode"] = False if live else "zoom"
    return layout


def image_layout(layout: dict) -> dict:
    """No axes, square pixels, row 0 at the top."""
    layout["xaxis"] = {"visible": False, "constrain": "domain"}
    layout["yaxis"] = {"visible": False, "autorange": "reversed", "scaleanchor": "x", "constrain": "domain"}
    return layout


def colorbar_spec(text: str, thickness: int = 14, side: str = "right") -> dict:
    return {"title": {"text": text, "side": side}, "thickness": thickness, "exponentformat": "power"}
