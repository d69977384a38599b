"""The session's current example: the digit that Draw shows flowing forward and Backprop
pushes backward. It is either the user's last drawing or a test-set image.

example.x       (784,) float32 network input in [0, 1], or None before anything is chosen
example.source  "drawing" or "test"
example.index   the test-set index (source "test"), else None
example.label   the true label when known (test images), else None
example.opened  a test image another page opened (`open_test_image`), until Draw shows it
example.drawing the last drawing (784,), kept while a test image is shown, or None
example.meant   (fingerprint of a drawing, the digit the user said it is), or None
example.cases   Backprop's instructive test images of one model (`cases`)

Pages change the example only through the functions here. Leaves out: turning a drawing
into the 784 inputs (nn_core.prepare_drawing) and the canvas (views/draw/canvas.py).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import streamlit as st

from nn_core import as_float
from server import resources
from session import per_model, state


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
                             "example.label": None, "example.drawing": x})


def clear_drawing() -> None:
    """Forget the user's drawing (a test image being shown stays)."""
    st.session_state["example.drawing"] = None
    if st.session_state["example.source"] == "drawing":
        st.session_state.update({"example.x": None, "example.source": None})


def last_drawing() -> np.ndarray | None:
    """The user's last drawing (784,), even while a test image is shown, or None."""
    return st.session_state["example.drawing"]


def meant(x: np.ndarray) -> int | None:
    """The digit the user said drawing x is (on Backprop), or None if not asked yet."""
    kept = st.session_state["example.meant"]
    return kept[1] if kept is not None and kept[0] == hashlib.sha1(np.asarray(x).tobytes()).hexdigest() else None


def say_meant(x: np.ndarray, digit: int | None) -> None:
    """Remember which digit drawing x was meant to be (kept until another drawing)."""
    st.session_state["example.meant"] = None if digit is None else \
        (hashlib.sha1(np.asarray(x).tobytes()).hexdigest(), int(digit))


def use_last_drawing() -> None:
    """Show the last drawing again (after a test image was chosen); nothing if there is none."""
    if last_drawing() is not None:
        use_drawing(last_drawing())


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


# ------------------------------------------------------------------ instructive test images (Backprop)
POOL = 2000        # test images searched for instructive cases: one forward pass, kept per model
PER_CASE = 8       # cases offered of each kind
UNSURE = 0.6       # "unsure": right, but the true digit's probability is below this
CONFIDENT = 0.99   # "confident": the true digit's probability is above this


@dataclass(frozen=True)
class Cases:
    """Test images (indices) the model reads wrongly, unsurely and confidently, for the first
    POOL test images; `probs` (POOL, 10) are its probabilities on them."""
    model: object                    # the MLP they were computed for (compared by identity)
    wrong: tuple[int, ...]           # near misses first (highest probability of the true digit)
    unsure: tuple[int, ...]          # least sure first
    confident: tuple[int, ...]
    probs: np.ndarray

    def kind(self, i: int | None) -> str | None:
        for name in ("wrong", "unsure", "confident"):
            if i in getattr(self, name):
                return name
        return None

    @property
    def default(self) -> int:
        """The example Backprop opens on: a near miss, else the least sure right answer."""
        for pool in (self.wrong, self.unsure):
            if pool:
                return pool[0]
        return int(self.probs[np.arange(len(self.probs)), resources.dataset().y_test[:len(self.probs)]].argmin())


def cases(model) -> Cases:
    """The instructive cases of `model` (computed once per model, kept in the session)."""
    return per_model.get("example.cases", model, lambda: _cases(model))


def _cases(model) -> Cases:
    data = resources.dataset()
    y = data.y_test[:POOL]
    probs, _ = model.forward(as_float(data.x_test[:POOL]))  # (POOL, 784) -> (POOL, 10)
    p_true, predicted = probs[np.arange(len(y)), y], probs.argmax(axis=1)
    wrong = np.flatnonzero(predicted != y)
    unsure = np.flatnonzero((predicted == y) & (p_true < UNSURE))
    confident = np.flatnonzero(p_true > CONFIDENT)
    return Cases(model, tuple(int(i) for i in wrong[np.argsort(-p_true[wrong], kind="stable")][:PER_CASE]),
                 tuple(int(i) for i in unsure[np.argsort(p_true[unsure], kind="stable")][:PER_CASE]),
                 tuple(int(i) for i in confident[:PER_CASE]), probs)


def current_or_instructive(model) -> Example:
    """The session's example; before anything was chosen, the most instructive test image
    of `model` (one it gets wrong or is unsure of), so a first step visibly changes it."""
    if current() is None:
        use_test_image(cases(model).default)
    return current()
