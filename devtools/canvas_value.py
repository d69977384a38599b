"""What streamlit-drawable-canvas 0.13 sends to the server when a stroke ends, made without a browser.

Captured from Debian's Chromium on the Draw page (CDP `Network.webSocketFrameSent`, decoded
with streamlit.proto.BackMsg): the canvas is a components-v2 `bidi_component` whose widget
state is a `json_value` holding

    {"drawing": {"raw": {"version": "7.4.0", "objects": [<fabric.js Path>, ...],
                         "background": "#000000"},
                 "data": "data:image/png;base64,..."}}

`raw` is fabric.js's canvas JSON (one `Path` object per stroke, its `path` a list of
["M", x, y], ["Q", cx, cy, x, y] ... ["L", x, y] commands in canvas pixels); `data` is the
canvas exported as a 280x280 RGBA PNG, opaque: the background colour everywhere, the
antialiased white stroke on top. The app reads only `data` (CanvasResult.image_data), but
both are sent, as the browser does (~5-7 KB per drawing).

Here strokes are given in canvas fractions (0..1), jittered per drawing so that every
drawing is different, rendered with Pillow at 2x and downsampled (antialiasing like the
browser's). Left out: other drawing modes, touch pressure, the toolbar's own messages.
"""
from __future__ import annotations

import base64
import io
import random

from PIL import Image, ImageDraw

from nn_core.preprocess import CANVAS

Stroke = list[tuple[float, float]]

# One or two strokes per digit, in canvas fractions (x right, y down), written as a student would.
DIGITS: dict[str, list[Stroke]] = {
    "0": [[(0.5, 0.15), (0.32, 0.25), (0.27, 0.5), (0.32, 0.75), (0.5, 0.85), (0.68, 0.75), (0.73, 0.5),
           (0.68, 0.25), (0.5, 0.15)]],
    "1": [[(0.5, 0.15), (0.5, 0.85)]],
    "2": [[(0.3, 0.3), (0.4, 0.17), (0.6, 0.17), (0.7, 0.3), (0.65, 0.45), (0.3, 0.85), (0.72, 0.85)]],
    "3": [[(0.3, 0.2), (0.6, 0.15), (0.68, 0.3), (0.45, 0.48), (0.7, 0.62), (0.62, 0.82), (0.3, 0.82)]],
    "4": [[(0.45, 0.15), (0.3, 0.6), (0.72, 0.6)], [(0.62, 0.35), (0.62, 0.87)]],
    "5": [[(0.68, 0.17), (0.35, 0.17), (0.32, 0.47), (0.6, 0.45), (0.7, 0.62), (0.6, 0.82), (0.3, 0.82)]],
    "6": [[(0.62, 0.15), (0.38, 0.4), (0.32, 0.65), (0.45, 0.85), (0.65, 0.78), (0.65, 0.58), (0.45, 0.52),
           (0.33, 0.62)]],
    "7": [[(0.28, 0.2), (0.72, 0.2), (0.45, 0.85)]],
    "8": [[(0.62, 0.22), (0.5, 0.15), (0.36, 0.25), (0.5, 0.48), (0.66, 0.68), (0.5, 0.85), (0.34, 0.68),
           (0.5, 0.48), (0.64, 0.3)]],
    "9": [[(0.65, 0.35), (0.5, 0.18), (0.35, 0.3), (0.45, 0.48), (0.65, 0.35), (0.6, 0.85)]],
}

_PATH_TEMPLATE = {  # every other field of the fabric.js Path objects the browser sent, as sent
    "lockMovementX": False, "lockMovementY": False, "lockRotation": False, "lockScalingX": False,
    "lockScalingY": False, "lockSkewingX": False, "lockSkewingY": False, "lockScalingFlip": False,
    "type": "Path", "version": "7.4.0", "originX": "center", "originY": "center", "fill": None,
    "strokeDashArray": None, "strokeLineCap": "round", "strokeDashOffset": 0, "strokeLineJoin": "round",
    "strokeUniform": False, "strokeMiterLimit": 10, "scaleX": 1, "scaleY": 1, "angle": 0, "flipX": False,
    "flipY": False, "opacity": 1, "shadow": None, "visible": True, "backgroundColor": "", "fillRule": "nonzero",
    "paintFirst": "fill", "globalCompositeOperation": "source-over", "skewX": 0, "skewY": 0,
}


def jitter(strokes: list[Stroke], rng: random.Random, amount: float = 0.04) -> list[Stroke]:
    """The same digit drawn a little differently: shifted, scaled, slanted, each point wobbled."""
    dx, dy = rng.uniform(-amount, amount) * 2, rng.uniform(-amount, amount) * 2
    s, slant = rng.uniform(0.85, 1.1), rng.uniform(-0.15, 0.15)
    out = []
    for stroke in strokes:
        pts = []
        for x, y in stroke:
            x, y = 0.5 + (x - 0.5) * s + slant * (0.5 - y), 0.5 + (y - 0.5) * s
            pts.append((min(max(x + dx + rng.uniform(-amount, amount) / 2, 0.05), 0.95),
                        min(max(y + dy + rng.uniform(-amount, amount) / 2, 0.05), 0.95)))
        out.append(pts)
    return out


def _fabric_path(points: list[tuple[float, float]], brush: int, color: str) -> dict:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    cmds = [["M", points[0][0], points[0][1]]]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        cmds.append(["Q", x0, y0, (x0 + x1) / 2, (y0 + y1) / 2])  # fabric's smoothing: midpoints as ends
    cmds.append(["L", points[-1][0], points[-1][1]])
    return {**_PATH_TEMPLATE, "left": (min(xs) + max(xs)) / 2, "top": (min(ys) + max(ys)) / 2,
            "width": max(xs) - min(xs), "height": max(ys) - min(ys), "stroke": color, "strokeWidth": brush,
            "path": cmds}


def png_data_url(strokes: list[Stroke], size: int = CANVAS, brush: int = 20, color: str = "#FFFFFF",
                 background: str = "#000000", scale: int = 2) -> str:
    """The canvas as the browser exports it: size x size RGBA PNG, opaque, antialiased strokes."""
    big = Image.new("RGBA", (size * scale, size * scale), background)
    draw = ImageDraw.Draw(big)
    r = brush * scale / 2
    for stroke in strokes:
        pts = [(x * size * scale, y * size * scale) for x, y in stroke]
        if len(pts) > 1:
            draw.line(pts, fill=color, width=brush * scale, joint="curve")
        for x, y in (pts[0], pts[-1]):  # round caps
            draw.ellipse((x - r, y - r, x + r, y + r), fill=color)
    buf = io.BytesIO()
    big.reduce(scale).save(buf, format="PNG")  # a box filter: ~11 ms a drawing, Lanczos at 4x took 70
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def canvas_value(strokes: list[Stroke], size: int = CANVAS, brush: int = 20, color: str = "#FFFFFF",
                 background: str = "#000000") -> dict:
    """The widget value of a canvas holding these strokes (send it as json.dumps(...) in json_value)."""
    objects = [_fabric_path([(x * size, y * size) for x, y in s], brush, color) for s in strokes]
    return {"drawing": {"raw": {"version": "7.4.0", "objects": objects, "background": background},
                        "data": png_data_url(strokes, size, brush, color, background)}}
