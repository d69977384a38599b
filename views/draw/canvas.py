"""The Draw page's canvas: white ink on black, and each stroke sent as soon as the mouse
(or finger) is released instead of 200 ms later.

streamlit-drawable-canvas 0.13 sends a drawing to Python 200 ms after the last change (a
debounce in its frontend, `Bc = 200`; only polygons are sent at once). Measured in the
browser, that was more than half of the time from mouse-up to the new prediction. Its
toolbar has a "Update the app with this drawing" button that sends immediately and cancels
the pending debounce; this script presses it right after a stroke ends on the canvas.
If a future version renames the button, strokes are still sent, 200 ms later
(benchmarks/bench_client.py would show it).

What the canvas sends is a widget value, and a script can send any widget value: the
canvas package decodes its `data:image/png;base64,...` with Pillow whatever its size
(a 49 KB PNG of 3000 x 3000 black pixels is 36 MB of RGBA, then float64 copies: +600 MB a
rerun). So the app never asks the package to decode: `read_png` checks the data URL's
length and the PNG header (signature, IHDR width and height, bit depth, colour type)
against this canvas's own size before any pixel is decoded (views/draw/png.py), and anything
else is refused (`Refused`, a plain sentence); the page then keeps the previous drawing.
Leaves out: what a stroke changes on the page (drawing.py), what the drawing becomes
(nn_core.prepare_drawing) and clearing it (a new key).
"""
from __future__ import annotations

from collections.abc import Mapping

import streamlit as st
from streamlit_drawable_canvas import st_canvas

from nn_core.preprocess import CANVAS
from ui import colors
from views.draw.png import REFUSED, Refused, read_png

__all__ = ["REFUSED", "Refused", "data_url", "drawing_canvas", "read_png", "send_strokes_on_release"]

SEND_LABEL = "Update the app with this drawing"  # the toolbar button's aria-label in canvas 0.13

_SCRIPT = """<script>
(() => {
  if (window.__strokeFlush) return;            // one listener per browser tab
  window.__strokeFlush = true;
  document.addEventListener("pointerup", (event) => {
    const canvas = event.composedPath().find((n) => n.classList && n.classList.contains("upper-canvas"));
    if (!canvas) return;
    const send = canvas.getRootNode().querySelector('button[aria-label="%s"]');
    if (send) setTimeout(() => send.click(), 0);  // after the canvas has finished the stroke
  }, true);
})();
</script>""" % SEND_LABEL


def send_strokes_on_release() -> None:
    st.html(_SCRIPT, unsafe_allow_javascript=True)


def drawing_canvas(brush: int, key: str, size: int = CANVAS, on_change=None) -> None:
    """A size x size canvas, white ink on black; a new key is a new, empty canvas. What it holds
    is read from its value (`data_url`); `on_change` runs when a stroke arrives, before the
    script (Draw's reruns only the parts of the page that show the drawing)."""
    try:
        st_canvas(stroke_width=brush, stroke_color=colors.CANVAS_INK, background_color=colors.CANVAS_BG,
                  height=size, width=size, drawing_mode="freedraw", return_image_data=True, key=key,
                  on_change=on_change)
    except (AttributeError, TypeError, KeyError, ValueError):
        pass  # the package could not read a value of another shape than the canvas sends: data_url refuses it


def data_url(value: object) -> str | None:
    """The picture in a canvas widget's value (what st.session_state holds under its key):
    value["drawing"]["data"], as the canvas package reads it, or None while it holds none.
    Read here, not through the package's CanvasResult.image_data, which would decode a picture
    of any size (read_png checks it first). Refused for a value of a shape no canvas sends."""
    if value is None:
        return None
    drawing = value.get("drawing") if isinstance(value, Mapping) else []
    if drawing is not None and not isinstance(drawing, Mapping):
        raise Refused("it is not a drawing")
    return None if drawing is None else drawing.get("data")
