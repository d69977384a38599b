"""The session's current example: the digit that Draw shows flowing forward and Backprop
pushes backward. It is either the user's last drawing or a test-set image.

example.x       (784,) float32 network input in [0, 1], or None before anything is chosen
example.source  "drawing" or "test"
example.index   the test-set index (source "test"), else None
example.label   the true label when known (test images), else None
example.opened  a test image another page opened (`open_test_image`), until Draw shows it

Pages change the example only through the functions here. Leaves out: turning a drawing
into the 784 inputs (nn_core.prepare_drawing) and the canvas (ui/canvas.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from nn_core import as_float

from . import resources, state


@dataclass(frozen=True)
class Example:
    x: np.ndarray            # (784,) float32
    source: str              # "drawing" | "test"
    index: int | None
    label: int | None

    @property
    def image(self) -> np.ndarray:
        return self.x.reshape(28, 28)

    @property
    def name(self) -> str:
        return "your drawing" if self.source == "drawing" else f"test image #{self.index:,}"


def current() -> Example | None:
    x = st.session_state["example.x"]
    if x is None:
        return None
    return Example(x, st.session_state["example.source"], st.session_state["example.index"],
                   st.session_state["example.label"])


def use_drawing(x: np.ndarray) -> None:
    x = np.asarray(x, np.float32).reshape(-1)
    if x.shape != (784,):
        raise ValueError(f"a drawing must give 784 inputs, got {x.shape}")
    st.session_state.update({"example.x": x, "example.source": "drawing", "example.index": None,
                             "example.label": None})


def clear_drawing() -> None:
    """Forget the user's drawing (a test image being shown stays)."""
    if st.session_state["example.source"] == "drawing":
        st.session_state.update({"example.x": None, "example.source": None})


def use_test_image(i: int) -> None:
    data = resources.dataset()
    n = len(data.y_test)
    if not 0 <= int(i) < n:
        raise ValueError(f"test images are numbered 0 to {n - 1}, got {i}")
    i = int(i)
    st.session_state.update({"example.x": as_float(data.x_test[i:i + 1])[0], "example.source": "test",
                             "example.index": i, "example.label": int(data.y_test[i])})


def current_or_first_test_image() -> Example:
    if current() is None:
        use_test_image(0)
    return current()


def open_test_image(i: int, page: str) -> None:
    """From a widget callback: show test image i on `page` (e.g. "app_pages/draw.py"); the
    Draw page, whenever it is next shown, switches its controls to this image."""
    use_test_image(i)
    st.session_state["example.opened"] = int(i)
    state.request_page(page)


def take_opened() -> int | None:
    """The test image another page opened since Draw last looked, or None (asked once)."""
    i, st.session_state["example.opened"] = st.session_state["example.opened"], None
    return i
