"""Plain HTML tables for numbers a student compares: right-aligned tabular digits, marked
rows (the true digit on green, the selected unit on orange: ui/colors.py), narrow enough for a phone.

Cells are plain text (escaped) unless passed as `Html`, e.g. a thumbnail picture.
Leaves out: tables inside equations (ui/tex.py builds those in LaTeX).
"""
from __future__ import annotations

from html import escape
from typing import Sequence

from ui import colors


class Html(str):
    """A cell that is already HTML (a picture), not text to escape."""


def _cell(c, tag: str, align: str) -> str:
    body = c if isinstance(c, Html) else escape(str(c))
    wrap = "normal;vertical-align:bottom" if tag == "th" else "nowrap"  # headers may wrap, numbers never
    return f'<{tag} style="text-align:{align};padding:2px 6px;white-space:{wrap}">{body}</{tag}>'


def table(header: Sequence[str], rows: Sequence[Sequence], highlight: Sequence[int] = (), caption: str = "",
          align: str | None = None, true: Sequence[int] = (), css_class: str = "") -> str:
    """header and rows of cells; highlight: rows of the one you selected (orange), true: the
    true digit's rows (green); align: one letter per column, l or r (default: first left, the
    rest right); css_class: for a page's own rules (e.g. a smaller font on a phone)."""
    align = align or "l" + "r" * (len(header) - 1)
    sides = {"l": "left", "r": "right", "c": "center"}
    head = "".join(_cell(h, "th", sides[a]) for h, a in zip(header, align))
    body = []
    for k, row in enumerate(rows):
        band = colors.SELECTED_BG if k in highlight else colors.TRUE_BG if k in true else None
        style = f' style="background:{band};font-weight:600"' if band else ""
        body.append(f"<tr{style}>" + "".join(_cell(c, "td", sides[a]) for c, a in zip(row, align)) + "</tr>")
    cap = f'<caption style="caption-side:top;text-align:left;font-weight:600">{escape(caption)}</caption>' \
        if caption else ""
    klass = f' class="{escape(css_class)}"' if css_class else ""
    return (f'<table{klass} style="border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:0.95rem;'
            f'margin-bottom:0.5rem">{cap}<thead><tr style="border-bottom:1px solid {colors.EDGE}">{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')
