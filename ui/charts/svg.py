"""Bar charts as SVG: the one builder of light bar charts (Draw, Compare, Backprop).

Why not Plotly there: in Streamlit 1.67 a st.plotly_chart whose figure changes gets a new
element id (the id hashes the figure), and the frontend keys the chart by that id, so every
new stroke unmounts each chart and Plotly builds it again from nothing (auto-margins, text
measurement): measured ~570 ms of the browser's main thread per stroke for five charts. A
light image costs the browser a few milliseconds, and no JavaScript library is loaded at all.

What a bar chart is: an SVG drawing shown as an <img> (a data: URI: the browser parses it
natively; as page markup, Streamlit's Markdown parser cost more than the drawing), one <path>
per colour (a few bytes a bar), the values in the image's `data-values` for the hover read-out
(ui/readout.py computes "unit 17: Z1 = 0.234" in the browser, so no per-bar text is sent),
optional value labels on short charts, its title as page text above it (panels are separate
figures that wrap onto new lines on a phone, so titles cannot overlap), alt text with a
summary, and a visually hidden table of the key numbers.

Also horizontal signed bars with a note per row (`signed_rows`, Backprop) and the two
helpers a hand-made diagram is drawn with (`drawing`, `label`: the chain-rule picture).
Colours by meaning (ui/colors.py): blue and red only for sign, orange the one you selected,
green the true digit, black what the page points out, grey plain values.
Leaves out: interaction beyond the read-out (no zoom, no selection), and images (ui/pictures.py).
"""
from __future__ import annotations

import math
from html import escape
from typing import Sequence
from urllib.parse import quote

import numpy as np

from ui import colors

W, H = 420, 260                      # the drawing's size; the image scales to its column's width
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 36, 44
FONT = "font-family:'Source Sans Pro',sans-serif"


def nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    """Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 5, 10) if s * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    return [round(first + i * step, 12) for i in range(int((hi - first) / step + 1e-9) + 1)]


def tick_label(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 1e4 or abs(v) < 1e-3:
        return f"{v:.0e}".replace("e-0", "e-").replace("e+0", "e")
    return f"{v:g}".replace("-", "−")


def bars(values, title: str, xtitle: str, ytitle: str, labels: list[str] | None = None,
         diverging: bool = False, marked=(), selected=(), true=(), y_range: tuple[float, float] | None = None,
         value_labels: list[str] | None = None, name: str = "", item: str = "unit", summary: str = "",
         width: int = W) -> str:
    """An SVG bar chart (HTML string). labels: one per bar (categories, all shown), else bars are
    numbered from 0. diverging: blue positive, red negative; marked, selected, true: indices drawn
    black, orange, green (colors.bar_colors).
    value_labels: a text per bar written on it ("" for none; for ten bars or so). name and
    item word the read-out ("digit 3: P = 0.97"); summary ends the chart's accessible name.
    width: of the viewBox; near the width it is shown at, so its text is about 13 px."""
    v = np.nan_to_num(np.asarray(values, np.float64).ravel())
    n = len(v)
    lo, hi = y_range if y_range else (min(0.0, float(v.min())), max(0.0, float(v.max())))
    if hi - lo < 1e-12:
        lo, hi = lo - 1, hi + 1
    if not y_range:  # room for the value labels and a little air
        pad = (hi - lo) * (0.14 if value_labels else 0.05)
        lo, hi = (lo - pad if lo < 0 else lo), hi + pad
    x0, x1, y0, y1 = LEFT, width - RIGHT, TOP, H - BOTTOM
    sy = (y1 - y0) / (hi - lo)
    ypos = lambda val: y1 - (val - lo) * sy  # noqa: E731
    slot = (x1 - x0) / n
    bw = max(slot * (0.8 if n <= 32 else 0.9), 0.6)
    paths: dict[str, list[str]] = {}
    base = ypos(min(max(0.0, lo), hi))
    for i, (val, color) in enumerate(zip(v, colors.bar_colors(v, diverging, marked, selected, true))):
        top = ypos(min(max(val, lo), hi))
        yy, hh = min(top, base), abs(top - base)
        if hh < 0.05:  # nothing to see (a silent unit): no path, its value is still in data-values
            continue
        paths.setdefault(color, []).append(f"M{x0 + i * slot + (slot - bw) / 2:.1f} {yy:.1f}h{bw:.1f}v{hh:.1f}h-{bw:.1f}z")
    parts = [f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="none"/>']
    for t in nice_ticks(lo, hi):
        y = ypos(t)
        parts.append(f'<line x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colors.GRID}"/>'
                     f'<text x="{x0 - 5}" y="{y + 4:.1f}" text-anchor="end">{tick_label(t)}</text>')
    parts += [f'<path fill="{c}" d="{"".join(d)}"/>' for c, d in paths.items()]
    if lo < 0 < hi:
        parts.append(f'<line x1="{x0}" x2="{x1}" y1="{base:.1f}" y2="{base:.1f}" stroke="{colors.AXIS}"/>')
    big = max(abs(lo), abs(hi))
    for i, (val, s) in enumerate(zip(v, value_labels or [])):
        if s and abs(val) >= 0.01 * big:  # no labels on bars too short to see (the table has them all)
            y = ypos(min(max(val, lo), hi)) + (-4 if val >= 0 else 13)
            parts.append(f'<text x="{x0 + (i + 0.5) * slot:.1f}" y="{y:.1f}" text-anchor="middle" '
                         f'font-size="12">{escape(s.replace("-", "−"))}</text>')
    if labels is not None:
        parts += [f'<text x="{x0 + (i + 0.5) * slot:.1f}" y="{y1 + 15}" text-anchor="middle">{escape(str(s))}</text>'
                  for i, s in enumerate(labels)]
    else:
        step = next(s for s in (1, 2, 5, 10, 16, 32, 64, 128, 256, 512, 1024) if n / s <= 8)
        parts += [f'<text x="{x0 + (i + 0.5) * slot:.1f}" y="{y1 + 15}" text-anchor="middle">{i}</text>'
                  for i in range(0, n, step)]
    parts.append(f'<text x="{(x0 + x1) / 2}" y="{H - 6}" text-anchor="middle">{escape(xtitle)}</text>'
                 f'<text transform="translate(13 {(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">{escape(ytitle)}</text>')
    drawing = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {H}" font-size="13" '
               f'font-family="Source Sans Pro, Helvetica, Arial, sans-serif" fill="{colors.INK}">{"".join(parts)}</svg>')
    data = " ".join(f"{x:.4g}" for x in v)
    cats = f' data-labels="{escape(" ".join(map(str, labels)))}"' if labels is not None else ""
    return (f'<figure class="nn-chart"><div class="nn-chart-title">{escape(title)}</div>'
            f'<img class="nn-bars" src="{svg_uri(drawing)}" alt="{escape(f"{title}. {summary}".strip())}" '
            f'width="{width}" height="{H}" data-readout="bars" data-width="{width}" data-plot="{x0} {x1}" '
            f'data-name="{escape(name or ytitle)}" data-item="{escape(item)}" data-values="{data}"{cats}></figure>')


def svg_uri(svg: str) -> str:
    """An SVG document as a data: URI for an <img>: the browser parses and draws it natively
    (a fraction of the cost of SVG markup turned into page elements by Streamlit's Markdown)."""
    # Text is escaped, so the markup's only double quotes delimit attributes: single ones do too.
    return "data:image/svg+xml," + quote(svg.replace('"', "'"), safe=" =:/;,.-'()+!*$@_?")


def panels(charts: list[str], min_width: int = W) -> str:
    """Charts in a grid of equal columns at least min_width px wide: side by side on a wide
    screen, one under another on a phone (each chart keeps its text at about its own size)."""
    cells = "".join(f"<div>{c}</div>" for c in charts)
    return (f'<div class="nn-panels" style="display:grid;gap:8px 28px;'
            f'grid-template-columns:repeat(auto-fit, minmax(min(100%, {min_width}px), 1fr))">{cells}</div>')


def table(caption: str, header: list[str], rows: list[list], hidden: bool = True) -> str:
    """The key numbers of a chart as a table: visually hidden (for screen readers) by default."""
    head = "".join(f'<th scope="col">{escape(str(h))}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    table = f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    # (a wrapper is hidden, not the table: a table ignores width: 1px and would widen the page)
    return f'<div class="nn-sr-only">{table}</div>' if hidden else table


def drawing(width: int, height: int, body: list[str], label: str, max_width: int = 560) -> str:
    """A hand-made SVG picture as page markup, scaling to its column (viewBox) so it never runs
    off a phone; role="img" and an aria-label that says its numbers."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(label)}" style="width:100%;max-width:{max_width}px;height:auto;{FONT}">'
            f'<title>{escape(label)}</title>' + "".join(body) + "</svg>")


def swatch(body: str, width: int = 28, height: int = 16) -> str:
    """A small decorative picture inline with text (a legend's line or marker), hidden from
    screen readers: the text beside it says what it is."""
    return f'<svg width="{width}" height="{height}" aria-hidden="true">{body}</svg>'


def label(x: float, y: float, s: str, size: float = 14, anchor: str = "start", color: str = colors.INK,
          weight: str = "normal") -> str:
    """A text of a drawing (escaped)."""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{color}" '
            f'font-weight="{weight}">{escape(s)}</text>')


def signed_rows(values: Sequence[float], names: Sequence[str], notes: Sequence[str], title: str,
                true: Sequence[int] = (), selected: Sequence[int] = (), unit: float | None = None) -> str:
    """One horizontal bar per entry from a centre line: right (blue) for positive, left (red)
    for negative; `notes` (e.g. "raise by 0.606") in a column on the right; the true digit's
    row on a green band, a selected row on an orange one (both bold). Narrow (380 wide) so its
    text stays readable on a phone; `title` is its accessible name."""
    n, row, width = len(values), 26, 380
    centre, half = 160, 82
    top = max((abs(v) for v in values), default=0.0) if unit is None else unit
    top = top or 1.0
    body = [f'<line x1="{centre}" y1="4" x2="{centre}" y2="{n * row + 4}" stroke="{colors.AXIS}" stroke-width="1.5"/>']
    for k, (v, name, note) in enumerate(zip(values, names, notes)):
        y = 4 + k * row
        w = half * min(abs(v) / top, 1.0)
        x = centre if v >= 0 else centre - w
        band = colors.SELECTED_BG if k in selected else colors.TRUE_BG if k in true else None
        if band:
            body.append(f'<rect x="0" y="{y + 1}" width="{width}" height="{row - 2}" fill="{band}"/>')
        body.append(f'<rect x="{x:.1f}" y="{y + 5}" width="{max(w, 1.5):.1f}" height="{row - 10}" '
                    f'fill="{colors.POSITIVE if v >= 0 else colors.NEGATIVE}"/>')
        bold = "bold" if band else "normal"
        body.append(label(6, y + row - 8, name, 14, weight=bold))
        body.append(label(centre + half + 10, y + row - 8, note, 13.5, weight=bold))
    return drawing(width, n * row + 8, body, title)


def class_bars(choices: Sequence[str], counts: Sequence[int], right: int | None = None, mine: int | None = None,
               title: str = "") -> str:
    """One row per choice: its words, a bar as long as its share of the answers, the count.
    The right choice (when given) green, the student's own (when given) orange, the rest grey.
    HTML text, so it reads at any size (and at the projector's)."""
    total = sum(counts)
    rows = []
    for i, (c, n) in enumerate(zip(choices, counts)):
        share = n / total if total else 0.0
        color = colors.SELECTED if i == mine else colors.TRUE if i == right else colors.DATA
        tags = [t for t, on in (("right answer", i == right), ("your answer", i == mine)) if on]
        note = f' <span class="nn-poll-tag">({", ".join(tags)})</span>' if tags else ""
        rows.append(f'<div class="nn-poll-row"><div class="nn-poll-choice">{escape(c)}{note}</div>'
                    f'<div class="nn-poll-track"><div class="nn-poll-bar" style="width:{100 * share:.1f}%;'
                    f'background:{color}"></div></div><div class="nn-poll-count">{n}</div></div>')
    head = f'<div class="nn-poll-title">{escape(title)}</div>' if title else ""
    return f'<div class="nn-poll" role="group" aria-label="{escape(title or "answers")}">{head}{"".join(rows)}</div>'

