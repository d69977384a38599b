"""The hand-drawn digit set (tests/data/handdrawn.json) and an offline stand-in for the canvas.

Each digit is stored as the mouse strokes that draw it: lists of (x, y) points in fractions
of the Draw page's 280x280 canvas (x to the right, y down), and the brush width in canvas
pixels. The browser replays them with real mouse events (tests/browser.py `draw_strokes`);
`render` draws the same strokes with Pillow the way the canvas does (white on black, round
caps and joins, antialiased by drawing 4x larger and shrinking), so models can be compared
without a browser. What `render` leaves out: the canvas smooths a stroke with quadratic
curves through the midpoints of consecutive mouse positions; with points a few pixels apart,
as here, that moves the line by well under a pixel.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SET = Path(__file__).resolve().parent / "data" / "handdrawn.json"
CANVAS = 280      # px: the Draw page's canvas side
SUPERSAMPLE = 4   # draw this much larger, then shrink with a box filter: antialiased edges like the browser's


@dataclass(frozen=True)
class Drawn:
    id: str
    digit: int
    brush: int                                            # stroke width in canvas pixels (the Brush size slider)
    style: str                                            # what the author meant, e.g. "7 with a cross bar"
    strokes: tuple[tuple[tuple[float, float], ...], ...]  # canvas fractions, one tuple per mouse-down..up


def load_set(path: Path = SET) -> list[Drawn]:
    raw = json.loads(path.read_text())
    return [Drawn(d["id"], int(d["digit"]), int(d["brush"]), d["style"],
                  tuple(tuple((float(x), float(y)) for x, y in s) for s in d["strokes"])) for d in raw["digits"]]


def render(drawn: Drawn, size: int = CANVAS) -> np.ndarray:
    """The strokes as the canvas shows them: (size, size) uint8, white ink on black."""
    k = SUPERSAMPLE
    img = Image.new("L", (size * k, size * k), 0)
    pen = ImageDraw.Draw(img)
    r = drawn.brush * k / 2
    for stroke in drawn.strokes:
        pts = [(x * size * k, y * size * k) for x, y in stroke]
        # A line of width w with round caps and joins covers exactly the points within w/2 of
        # the polyline: each segment as a w-wide bar, and a disk at every point.
        for a, b in zip(pts[:-1], pts[1:]):
            pen.line([a, b], fill=255, width=round(drawn.brush * k))
        for x, y in pts:
            pen.ellipse((x - r, y - r, x + r, y + r), fill=255)
    return np.asarray(img.resize((size, size), Image.Resampling.BOX))
