"""A light line chart as SVG page markup: curves, points, straight segments and arrows on one
pair of axes (Backprop's "loss along one weight").

Drawn with ui/charts/svg.py's helpers (`drawing`, `label`, `nice_ticks`): no JavaScript, a few
kilobytes, scales to its column (so it fits a phone), role="img" with an accessible name, and a
legend under it in the page's text (each entry a small picture of its line or mark). Colours
by meaning (ui/colors.py): black what the page points out, grey the plain rest; before and
after told apart by line style (dashed before, solid after) and marks (hollow before, filled
after), never by a colour that means something else.
Leaves out: interaction (no zoom, no hover read-out).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import numpy as np

from ui import colors
from ui.charts.svg import drawing, label, nice_ticks, swatch, tick_label

W, H = 520, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 14, 14, 46


@dataclass(frozen=True)
class Line:
    x: np.ndarray
    y: np.ndarray
    name: str
    color: str = colors.INK
    dash: str = ""          # SVG stroke-dasharray ("6 4"), "" for solid
    width: float = 2.5


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    name: str
    shape: str = "circle"   # or "square"
    filled: bool = True
    color: str = colors.INK
    size: float = 6


@dataclass(frozen=True)
class Arrow:
    x0: float
    y0: float
    x1: float
    y1: float
    name: str
    color: str = colors.INK
    dash: str = ""


@dataclass
class Chart:
    title: str
    xtitle: str
    ytitle: str
    lines: list[Line] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)


def _range(values: list[float], pad: float = 0.06) -> tuple[float, float]:
    lo, hi = float(min(values)), float(max(values))
    if hi - lo < 1e-12 * max(1.0, abs(hi)):
        lo, hi = lo - 1e-6 * max(1.0, abs(lo)), hi + 1e-6 * max(1.0, abs(hi))
    span = hi - lo
    return lo - pad * span, hi + pad * span


def render(c: Chart, summary: str, x_range: tuple[float, float] | None = None) -> str:
    """The chart as page markup (a drawing, ui/charts/svg.drawing, with a legend under it)."""
    xs = [v for ln in c.lines for v in ln.x] + [m.x for m in c.marks] + [a.x1 for a in c.arrows] + [a.x0 for a in c.arrows]
    ys = [v for ln in c.lines for v in ln.y] + [m.y for m in c.marks] + [a.y1 for a in c.arrows] + [a.y0 for a in c.arrows]
    x0, x1 = x_range or _range(xs, 0.02)
    y0, y1 = _range(ys)
    px = lambda v: LEFT + (v - x0) / (x1 - x0) * (W - LEFT - RIGHT)  # noqa: E731
    py = lambda v: H - BOTTOM - (v - y0) / (y1 - y0) * (H - TOP - BOTTOM)  # noqa: E731
    body = [f'<rect x="{LEFT}" y="{TOP}" width="{W - LEFT - RIGHT}" height="{H - TOP - BOTTOM}" fill="none" '
            f'stroke="{colors.GRID}"/>']
    for t in nice_ticks(y0, y1, 4):
        body.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{py(t):.1f}" y2="{py(t):.1f}" stroke="{colors.GRID}"/>')
        body.append(label(LEFT - 6, py(t) + 4, tick_label(t), 12, anchor="end", color=colors.AXIS))
    for t in nice_ticks(x0, x1, 4):
        body.append(f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{TOP}" y2="{H - BOTTOM}" stroke="{colors.GRID}"/>')
        body.append(label(px(t), H - BOTTOM + 16, tick_label(t), 12, anchor="middle", color=colors.AXIS))
    body.append(label((LEFT + W - RIGHT) / 2, H - 8, c.xtitle, 13, anchor="middle"))
    body.append(f'<text transform="translate(14 {(TOP + H - BOTTOM) / 2:.0f}) rotate(-90)" text-anchor="middle" '
                f'font-size="13" fill="{colors.INK}">{escape(c.ytitle)}</text>')
    body.append(f'<clipPath id="plot"><rect x="{LEFT}" y="{TOP}" width="{W - LEFT - RIGHT}" '
                f'height="{H - TOP - BOTTOM}"/></clipPath><g clip-path="url(#plot)">')
    for ln in c.lines:
        d = " ".join(f"{'M' if i == 0 else 'L'}{px(a):.1f} {py(b):.1f}" for i, (a, b) in enumerate(zip(ln.x, ln.y)))
        dash = f' stroke-dasharray="{ln.dash}"' if ln.dash else ""
        body.append(f'<path d="{d}" fill="none" stroke="{ln.color}" stroke-width="{ln.width}"{dash}/>')
    for a in c.arrows:
        body.append(_arrow(px(a.x0), py(a.y0), px(a.x1), py(a.y1), a.color, a.dash))
    body.append("</g>")
    for m in c.marks:
        body.append(_mark(px(m.x), py(m.y), m))
    legend = "".join(_legend_entry(item) for item in [*c.lines, *c.arrows, *c.marks] if item.name)
    return (f'<figure class="nn-curve" style="margin:0"><div class="nn-chart-title">{escape(c.title)}</div>'
            + drawing(W, H, body, f"{c.title}. {summary}", max_width=W + 40)
            + f'<figcaption style="display:flex;flex-wrap:wrap;gap:4px 16px;font-size:0.85rem">{legend}</figcaption></figure>')


def _arrow(x0: float, y0: float, x1: float, y1: float, color: str, dash: str) -> str:
    length = float(np.hypot(x1 - x0, y1 - y0))
    if length < 1:
        return ""
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    head = min(9.0, length * 0.6)
    bx, by = x1 - ux * head, y1 - uy * head
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="{color}" stroke-width="2.2"{dash_attr}/>'
            f'<path d="M{x1:.1f} {y1:.1f} L{bx - uy * head * 0.5:.1f} {by + ux * head * 0.5:.1f} '
            f'L{bx + uy * head * 0.5:.1f} {by - ux * head * 0.5:.1f} z" fill="{color}"/>')


def _mark(x: float, y: float, m: Mark) -> str:
    fill = m.color if m.filled else colors.PAPER
    s = m.size
    if m.shape == "square":
        return (f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s}" height="{2 * s}" fill="{fill}" '
                f'stroke="{m.color}" stroke-width="2"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s}" fill="{fill}" stroke="{m.color}" stroke-width="2"/>'


def _legend_entry(item) -> str:
    """A small picture of the line, arrow or mark, and its name."""
    if isinstance(item, Line):
        dash = f' stroke-dasharray="{item.dash}"' if item.dash else ""
        pic = f'<line x1="1" y1="8" x2="27" y2="8" stroke="{item.color}" stroke-width="{item.width}"{dash}/>'
    elif isinstance(item, Arrow):
        pic = _arrow(1, 8, 27, 8, item.color, item.dash)
    else:
        pic = _mark(14, 8, Mark(0, 0, "", item.shape, item.filled, item.color, 5))
    return (f'<span style="display:inline-flex;align-items:center;gap:4px">'
            f'{swatch(pic)}{escape(item.name)}</span>')
