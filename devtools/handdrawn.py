"""The hand-drawn digit set (tests/data/handdrawn.json) and an offline stand-in for the canvas.

Each digit is stored as the mouse strokes that draw it: lists of (x, y) points in fractions
of the Draw page's 280x280 canvas (x to the right, y down), and the brush width in canvas
pixels. The browser replays them with real mouse events (devtools/browser.py `draw_strokes`);
`render` draws the same strokes with Pillow the way the canvas does (white on black, round
caps and joins, antialiased by drawing 4x larger and shrinking), so models can be compared
without a browser. What `render` leaves out: the canvas smooths a stroke with quadratic
curves through the midpoints of consecutive mouse positions; with points a few pixels apart,
as here, that moves the line by well under a pixel.
`replay` draws one digit on the Draw page of a real browser (Playwright) and reads what the
page shows, once the server has seen the whole drawing.
"""
from __future__ import annotations

import base64
import io
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from devtools.paths import TEST_DATA
from nn_core import preprocess

SET = TEST_DATA / "handdrawn.json"
CANVAS = preprocess.CANVAS  # px: the Draw page's canvas side
SUPERSAMPLE = 4   # draw this much larger, then shrink with a box filter: antialiased edges like the browser's
LOWER_CANVAS = '[class*="st-key-draw-canvas-"] canvas.lower-canvas'  # fabric's finished strokes (in a shadow root)


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


# ----------------------------------------------------------------------------- in the browser
def set_brush(page, width: int) -> None:
    """The Draw page's Brush size slider (8..40, step 1), by keyboard: Home, then ArrowRight."""
    thumb = page.locator('.st-key-draw-brush input[type="range"]')
    if thumb.input_value() == str(width):
        return
    thumb.focus()
    page.keyboard.press("Home")
    for _ in range(width - 8):
        page.keyboard.press("ArrowRight")
    deadline = time.monotonic() + 10
    while thumb.input_value() != str(width) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    page.wait_for_timeout(400)  # the slider commits its value, the fragment reruns


def decode_png(data_url: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1]))).convert("RGBA"))


def canvas_pixels(page) -> np.ndarray:
    """What the browser drew: fabric's lower canvas, (CANVAS, CANVAS, 4) uint8."""
    return decode_png(page.locator(LOWER_CANVAS).last.evaluate("c => c.toDataURL('image/png')"))


def input_shown(page) -> np.ndarray | None:
    """The network input the page shows (step 5: its 28x28 PNG, possibly enlarged by nearest neighbour), or None."""
    imgs = page.locator(".st-key-draw-preprocessing img")
    if imgs.count() < 5:
        return None
    img = decode_png(imgs.nth(4).get_attribute("src"))[..., 0]  # 28x28 as sent, or enlarged f times
    f = max(1, img.shape[0] // 28)
    return img[f // 2::f, f // 2::f][:28, :28] / 255


def settle(page, seconds: float = 30) -> tuple[str | None, np.ndarray] | None:
    """(prediction shown, canvas pixels) once the server has seen the whole drawing: the input
    the page shows equals prepare_drawing of the canvas's own pixels (to 8-bit rounding).
    None if that does not happen in time (a stroke lost on a busy machine)."""
    from devtools.browser import shown_prediction, wait_idle
    from nn_core import prepare_drawing
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        wait_idle(page)
        pixels = canvas_pixels(page)
        steps = prepare_drawing(pixels)
        shown = input_shown(page)
        if steps is not None and shown is not None and \
                np.abs(shown - np.round(steps["x"].reshape(28, 28) * 255) / 255).max() < 1.5 / 255:
            return shown_prediction(page), pixels
        page.wait_for_timeout(300)
    return None


def replay(page, drawn: Drawn, clear_first: bool = True, attempts: int = 3) -> tuple[str | None, np.ndarray, int]:
    """Draw one digit on the Draw page (already open): brush, Clear, strokes with the mouse.
    Returns (prediction shown, the canvas's pixels, how many times it had to be drawn again)."""
    from devtools.browser import canvas_box, clear_canvas, draw_strokes
    set_brush(page, drawn.brush)
    for attempt in range(attempts):
        if clear_first or attempt:
            clear_canvas(page)
        box = canvas_box(page)
        # Rest on the canvas first, as a hand does: the canvas's toolbar covers the top 30 px of
        # its right half until it has slid up, ~0.3 s after the pointer arrives.
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(500)
        draw_strokes(page, drawn.strokes, box, steps=2)
        page.wait_for_timeout(300)
        result = settle(page)
        if result is not None:
            return result[0], result[1], attempt
    raise RuntimeError(f"{drawn.id}: the page never showed the whole drawing")
