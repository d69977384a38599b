"""The Draw page's two inputs and what follows each: the canvas or a test image, then the
digit's forward pass from ONE forward pass: the prediction, the probabilities, the
preprocessing steps (a drawing's), every layer, and the questions.

With the canvas, every part that shows the drawing is a keyed fragment, and a stroke reruns
those alone (drawing.py): the answer first, then the rest. Per stroke the page re-sends a
handful of elements (each view is one st.html: forward.py, steps.py): nothing around them,
not the canvas, not the words and switches that stay the same (tests/test_draw_elements.py
counts them). A test image is picked with widgets outside fragments: a full run.
Leaves out: the canvas component (canvas.py), what a stroke changes (drawing.py) and the
views of the forward pass (forward.py).
"""
from __future__ import annotations

import zlib

import numpy as np
import streamlit as st

from nn_core.preprocess import CANVAS
from server import resources
from session import example, state
from ui import pictures, questions, text
from ui.pictures import html
from views.draw import canvas, drawing
from views.draw import forward as forward_view
from views.draw import questions as draw_questions


def _random_test_image() -> None:
    st.session_state["draw.index"] = int(np.random.default_rng().integers(len(resources.dataset().y_test)))


def _top_row():
    """Input | prediction | probabilities. On a phone the columns stack and the prediction
    moves above the canvas (CSS in assets/app.css), so both fit on one screen."""
    with st.container(key="draw.top"):
        return st.columns([1.1, 0.9, 1.4])


def _drawn() -> tuple | None:
    """(model, example, probs, cache) of the drawing shown, or None when no drawing is."""
    ex = example.current()
    if ex is None or ex.source != "drawing":
        return None
    model = state.model()
    return (model, ex, *drawing.forward(model, ex))


# ------------------------------------------------------------------ the drawing's parts, each rerun by a stroke
@st.fragment(key=drawing.PAD)
def _pad() -> None:
    """The canvas, the note under it, Clear. A full run (and Clear) reads what it holds."""
    canvas.drawing_canvas(st.session_state.get("draw.brush", 20), key=drawing.canvas_key(), size=CANVAS,
                          on_change=drawing.on_stroke)
    if drawing.read() and drawing.parts_only():
        # A picture the callback did not read: strokes that queued up while the server was busy
        # arrive merged, and a run of this part alone may be the first to see the last of them.
        # The parts that show the drawing would keep the earlier answer: rerun the page.
        st.rerun()
    kind, words = st.session_state["draw.note"] or (None, "")
    if kind == "warning":
        st.warning(words, icon=":material/block:")
    elif kind == "caption":
        st.caption(words)
    st.button("Clear", icon=":material/delete:", on_click=drawing.clear, key="draw.clear",
              help="Start again with an empty canvas.")


@st.fragment(key="draw.prediction")
def _prediction() -> None:
    shown = _drawn()
    if shown is None:
        st.info(text.section("draw", "Empty"), icon=":material/draw:")
        return
    _, ex, probs, _ = shown
    with st.container(key="prediction"):
        html(forward_view.prediction(probs, ex.label))


@st.fragment(key="draw.probabilities")
def _probabilities() -> None:
    shown = _drawn()
    if shown is not None:
        html(forward_view.probabilities(shown[2], label=shown[1].label), flow=True)


@st.fragment(key="draw.steps")
def _steps() -> None:
    if _drawn() is not None and st.session_state["draw.steps"]:
        html(st.session_state["draw.steps"], flow=True)


@st.fragment(key="draw.views")
def _views() -> None:
    shown = _drawn()
    if shown is not None:
        model, ex, probs, cache = shown
        forward_view.layers(model, cache, after=_questions(model, ex, probs, cache))


def _questions(model, ex: example.Example, probs: np.ndarray, cache: dict) -> str:
    """The page's questions on this digit (the same digit, the same choices), answered in the browser."""
    return questions.markup(draw_questions.questions(model, cache, probs, seed=zlib.crc32(ex.x.tobytes())))


def drawing_page() -> None:
    """The canvas and everything that shows what is drawn on it."""
    c1, c2, c3 = _top_row()
    with c1:
        st.markdown(text.section("draw", "Canvas"))
        st.slider("Brush size", 8, 40, 20, key="draw.brush", persist_state="session",
                  help=f"Stroke width in canvas pixels. The canvas is {CANVAS} px wide, ten per MNIST pixel; "
                       "MNIST strokes are about 2–3 MNIST pixels thick, so 15–25 works best.")
        _pad()
    with c2:
        _prediction()
    with c3:
        _probabilities()
    with st.container(key="draw.preprocessing"):
        st.header("From strokes to 784 numbers: preprocessing")
        t1, t2, t3 = st.columns(3)
        t1.toggle("Crop to the ink", True, key="draw.crop", persist_state="session", on_change=drawing.on_switch,
                  help="Off: the whole canvas is used, so the digit keeps its size and place on it.")
        t2.toggle("Scale to a 20×20 box", True, key="draw.fit", persist_state="session", on_change=drawing.on_switch,
                  help="Off: the (cropped) picture is stretched to 28×28, ignoring its aspect ratio.")
        t3.toggle("Centre by mass", True, key="draw.centre", persist_state="session", on_change=drawing.on_switch,
                  help="Off: the digit stays where the previous steps put it.")
        _steps()
    with st.container(key="draw.view.layers"):  # outside the fragment: a stroke does not re-send it
        _views()


# ------------------------------------------------------------------ a test image: a full run
def test_image() -> None:
    n = len(resources.dataset().y_test)
    if "draw.index" not in st.session_state:
        st.session_state["draw.index"] = 0
    c1, c2, c3 = _top_row()
    with c1:
        i = st.number_input("Test image number", 0, n - 1, key="draw.index", step=1,
                            help=f"Any of the {n:,} test images, 0 to {n - 1}. The network never trained on them.")
        st.button("Random test image", icon=":material/casino:", on_click=_random_test_image, key="draw.random",
                  help="Pick one of the test images at random.")
        example.use_test_image(i)
        ex = example.current()
        st.image(pictures.grey(ex.image, 196), width=196, caption=text.fill("draw", "Test image", index=i, label=ex.label),
                 alt=f"Test image #{i:,}, a handwritten {ex.label}")
    model = state.model()
    probs, cache = drawing.forward(model, ex)
    with c2, st.container(key="prediction"):
        html(forward_view.prediction(probs, ex.label))
    with c3:
        html(forward_view.probabilities(probs, label=ex.label), flow=True)
    forward_view.layers(model, cache, after=_questions(model, ex, probs, cache))
