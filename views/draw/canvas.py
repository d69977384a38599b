"""The Draw page's canvas: white ink on black, and each stroke sent as soon as the mouse
(or finger) is released instead of 200 ms later.

streamlit-drawable-canvas 0.13 sends a drawing to Python 200 ms after the last change (a
debounce in its frontend, `Bc = 200`; only polygons are sent at once). Measured in the
browser, that was more than half of the time from mouse-up to the new prediction. Its
toolbar has a "Update the app with this drawing" button that sends immediately and cancels
the pending debounce; this script presses it right after a stroke ends on the canvas.
If a future version renames the button, strokes are still sent, 200 ms later
(benchmarks/bench_client.py would show it).
Leaves out: what the drawing becomes (nn_core.prepare_drawing) and clearing it (a new key).
"""
from __future__ import annotations

import numpy as np
import streamlit as st
from streamlit_drawable_canvas import st_canvas

from nn_core.preprocess import CANVAS
from ui import colors

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


def drawing_canvas(brush: int, key: str, size: int = CANVAS) -> np.ndarray | None:
    """A size x size canvas; returns what is drawn as RGBA uint8 (size, size, 4), ink in
    every channel (white on black), or None before the canvas has sent anything. A new key
    is a new, empty canvas."""
    result = st_canvas(stroke_width=brush, stroke_color=colors.CANVAS_INK, background_color=colors.CANVAS_BG, height=size,
                       width=size, drawing_mode="freedraw", return_image_data=True, key=key)
    return result.image_data
