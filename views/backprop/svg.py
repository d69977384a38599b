"""Small SVG pictures for the Backprop page: signed bars with their numbers. SVG is text: a
few KB, no charting JavaScript, sharp on a projector, and it scales to the column (viewBox)
so it never runs off a phone. Every picture has role="img" and an
aria-label that says its numbers.
Leaves out: the chain-rule picture (views/backprop/chain.py builds its own from these helpers).
"""
from __future__ import annotations

from html import escape
from typing import Sequence

from ui.charts import NEG, OKABE_ITO, POS

FONT = "font-family:'Source Sans Pro',sans-serif"


def svg(width: int, height: int, body: list[str], label: str, max_width: int = 560) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(label)}" style="width:100%;max-width:{max_width}px;height:auto;{FONT}">'
            f'<title>{escape(label)}</title>' + "".join(body) + "</svg>")


def text(x: float, y: float, s: str, size: int = 14, anchor: str = "start", color: str = "#222",
         weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{color}" '
            f'font-weight="{weight}">{escape(s)}</text>')


def signed_bars(values: Sequence[float], names: Sequence[str], notes: Sequence[str], label: str,
                highlight: Sequence[int] = (), unit: float | None = None) -> str:
    """One horizontal bar per entry from a centre line: right (blue) for positive, left (red)
    for negative; `notes` (e.g. "raise by 0.606") in a column on the right; highlighted rows
    get an orange band. Narrow (380 wide) so its text stays readable on a phone."""
    n, row, width = len(values), 26, 380
    centre, half = 160, 82
    top = max((abs(v) for v in values), default=0.0) if unit is None else unit
    top = top or 1.0
    body = [f'<line x1="{centre}" y1="4" x2="{centre}" y2="{n * row + 4}" stroke="#555" stroke-width="1.5"/>']
    for k, (v, name, note) in enumerate(zip(values, names, notes)):
        y = 4 + k * row
        w = half * min(abs(v) / top, 1.0)
        x = centre if v >= 0 else centre - w
        if k in highlight:
            body.append(f'<rect x="0" y="{y + 1}" width="{width}" height="{row - 2}" fill="{OKABE_ITO[1]}" opacity="0.22"/>')
        body.append(f'<rect x="{x:.1f}" y="{y + 5}" width="{max(w, 1.5):.1f}" height="{row - 10}" '
                    f'fill="{POS if v >= 0 else NEG}"/>')
        bold = "bold" if k in highlight else "normal"
        body.append(text(6, y + row - 8, name, 14, weight=bold))
        body.append(text(centre + half + 10, y + row - 8, note, 13.5, weight=bold))
    return svg(width, n * row + 8, body, label)
