"""28x28 pictures for the Backprop page as tiny inline PNGs, on the same scales as the charts.

A weight template, a gradient or a change of the 784 weights of one unit is 784 numbers:
sent as a 28x28 PNG (about 1 KB) that the browser enlarges with `image-rendering:
pixelated`, not as a heatmap with a hover string per pixel. Signed values use the diverging
scale of ui/colors.py (red negative, white zero, blue positive, centred on zero, as every chart),
inputs are white ink on black. Tiles are laid out in a wrapping row, so four across on a desktop become two
on a phone. Every picture has alt text; every signed row of tiles a legend with its range.
Leaves out: interactive charts (ui/charts/) and the pictures other pages draw (ui/pictures.py).
"""
from __future__ import annotations

import base64
import io
from html import escape

import numpy as np
from PIL import Image

from ui import colors
from ui.numbers import sig


def diverging(a: np.ndarray, vmax: float) -> np.ndarray:
    """Signed values -> RGB uint8 (h, w, 3): red below 0, white at 0, blue above, |a| <= vmax."""
    return colors.diverging_rgb(a, vmax)


def ink(a: np.ndarray) -> np.ndarray:
    """Pixel values in [0, 1] -> white ink on black, RGB uint8."""
    g = np.round(np.clip(np.nan_to_num(np.asarray(a, np.float64)), 0, 1) * 255).astype(np.uint8)
    return np.repeat(g[..., None], 3, axis=-1)


def png(rgb: np.ndarray) -> str:
    """An RGB array as a data: URI (a PNG of its own size; the browser enlarges it)."""
    buf = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def vmax_of(*arrays: np.ndarray) -> float:
    """One symmetric range for a row of tiles: the largest |value| among them."""
    return float(max((np.abs(a).max() for a in arrays if np.size(a)), default=0.0)) or 1.0


def tile(rgb: np.ndarray, caption: str, alt: str, size: int = 96, selected: bool = False, marked: bool = False) -> str:
    """One picture with a caption under it (plain text: escaped); framed orange if it is the one
    you selected, black if the page points it out (a result), else a thin grey line."""
    border = f"3px solid {colors.SELECTED if selected else colors.INK}" if selected or marked else \
        f"1px solid {colors.CONTEXT}"
    return (f'<figure style="margin:0;width:{size + 8}px;text-align:center">'
            f'<img src="{png(rgb)}" alt="{escape(alt)}" width="{size}" height="{size}" '
            f'style="image-rendering:pixelated;object-fit:fill;max-width:none;border:{border};display:block;margin:0 auto">'
            f'<figcaption style="font-size:0.8rem;line-height:1.2;margin-top:2px">{escape(caption)}</figcaption>'
            f'</figure>')


def row(tiles: list[str], legend_html: str = "") -> str:
    """Tiles side by side, wrapping on a narrow screen, with an optional legend after them."""
    return ('<div style="display:flex;flex-wrap:wrap;gap:10px;align-items:flex-start">' + "".join(tiles) +
            (f'<div style="flex-basis:100%">{legend_html}</div>' if legend_html else "") + "</div>")


def legend(vmax: float, what: str, note: str = "") -> str:
    """A colour bar for signed tiles: -vmax red, 0 white, +vmax blue, with its numbers; note:
    what the sign means here, under it (e.g. for a gradient: a step moves blue weights down)."""
    stops = ", ".join(f"{c} {100 * t:.0f}%" for t, c in colors.gradient_stops())
    bar = (f'<div role="img" aria-label="colour scale for {escape(what)}: red {escape(sig(-vmax))}, '
           f'white 0, blue {escape(sig(vmax))}">'
           f'<div style="height:10px;border:1px solid {colors.EDGE};background:linear-gradient(to right, {stops})"></div>'
           f'<div style="display:flex;justify-content:space-between"><span>{escape(sig(-vmax))}</span>'
           f'<span>0 ({escape(what)})</span><span>+{escape(sig(vmax))}</span></div></div>')
    return (f'<div style="max-width:320px;font-size:0.8rem">{bar}'
            + (f'<div style="line-height:1.25;margin-top:2px">{escape(note)}</div>' if note else "") + "</div>")
