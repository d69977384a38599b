"""The Draw page's two inputs and what follows each: the canvas (a fragment: a stroke reruns only
it) or a test image, then the digit's forward pass from ONE forward pass: the prediction, the
probabilities, the preprocessing steps, every layer, and the questions.

Leaves out: the canvas component (canvas.py) and the views of the forward pass (forward.py).
"""
from __future__ import annotations

import zlib

import numpy as np
import streamlit as st

from nn_core import prepare_drawing
from nn_core.preprocess import CANVAS
from server import resources
from session import example, state
from ui import pictures, questions, text
from ui.pictures import html
from views.draw import canvas
from views.draw import forward as forward_view
from views.draw import questions as draw_questions


def _clear() -> None:
    st.session_state["draw.canvas"] += 1  # a new key is a new, empty canvas
    example.clear_drawing()


def _random_test_image() -> None:
    st.session_state["draw.index"] = int(np.random.default_rng().integers(len(resources.dataset().y_test)))


def _show_steps(steps: dict) -> None:
    """The five preprocessing pictures in a row (one element: they change with every stroke),
    each with what it did. The 28x28 ones are sent at their own size and enlarged by the browser."""
    top, bottom, left, right = steps["bbox"]
    (ink_h, ink_w), (scaled_h, scaled_w), (dy, dx) = steps["ink"].shape[:2], steps["scaled"].shape, steps["shift"]
    side = lambda a: (round(140 * a.shape[1] / max(a.shape)), round(140 * a.shape[0] / max(a.shape)))  # noqa: E731
    shown = [(pictures.grey(steps["ink"], 140, steps["bbox"]), None, "1. your strokes",
              text.fill("draw", "Step ink", width=ink_w, height=ink_h)),
             (pictures.grey(steps["cropped"], 140), None, "2. cropped to the ink",
              text.fill("draw", "Step cropped", width=right - left, height=bottom - top)),
             (pictures.grey(steps["scaled"], None), side(steps["scaled"]), "3. scaled",
              text.fill("draw", "Step scaled", width=scaled_w, height=scaled_h)),
             (pictures.grey(steps["boxed"], None), (140, 140), "4. placed in 28×28", text.section("draw", "Step boxed")),
             (pictures.grey(steps["centred"], None), (140, 140), "5. centred by mass",
              text.fill("draw", "Step centred", dx=dx, dy=dy))]
    html(pictures.captioned_row(shown))


def _show_forward(ex: example.Example, prediction_column, chart_column, then=None) -> None:
    """The prediction, the probabilities and every layer, all from ONE forward pass. The answer
    is sent first; `then` (the preprocessing pictures) and the layers follow."""
    model = state.model()
    probs, cache = model.forward(ex.x.reshape(1, -1))  # (1, 784) -> (1, 10), and every Z and A
    with prediction_column:
        forward_view.prediction(probs, ex.label)
    with chart_column:
        forward_view.probabilities(probs, label=ex.label)
    if then is not None:
        then()
    forward_view.layers(model, cache)
    st.header("Check your understanding")
    questions.ask_all(draw_questions.questions(model, cache, probs, seed=zlib.crc32(ex.x.tobytes())))


def _top_row():
    """Input | prediction | probabilities. On a phone the columns stack and the prediction
    moves above the canvas (CSS in assets/app.css), so both fit on one screen."""
    with st.container(key="draw.top"):
        return st.columns([1.1, 0.9, 1.4])


@st.fragment
def drawing() -> None:
    """The canvas and everything that depends on it: a stroke reruns only this part."""
    c1, c2, c3 = _top_row()
    with c1:
        st.markdown(text.section("draw", "Canvas"))
        brush = st.slider("Brush size", 8, 40, 20, key="draw.brush", persist_state="session",
                          help=f"Stroke width in canvas pixels. The canvas is {CANVAS} px wide, ten per MNIST pixel; "
                               "MNIST strokes are about 2–3 MNIST pixels thick, so 15–25 works best.")
        try:
            image, refused = canvas.drawing_canvas(brush, key=f"draw.canvas.{st.session_state['draw.canvas']}",
                                                   size=CANVAS), None
        except canvas.Refused as e:  # kept: the previous drawing (the example is not touched)
            image, refused = None, canvas.REFUSED.format(why=e)
        if refused:
            st.warning(refused, icon=":material/block:")
        if st.button("Clear", icon=":material/delete:", on_click=_clear, key="draw.clear",
                     help="Start again with an empty canvas."):
            # A full rerun, not just this fragment: widget state of the replaced canvas (its last
            # drawing) is only pruned on a full run.
            st.rerun(scope="app")
    preprocessing = st.container(key="draw.preprocessing")
    # The answer goes out before anything else below the canvas (the browser renders in order):
    # the three switches' values are read here, and the switches drawn after the answer.
    crop, fit, centre = (st.session_state.get(k, True) for k in ("draw.crop", "draw.fit", "draw.centre"))
    steps = prepare_drawing(image, crop=crop, fit_box=fit, centre=centre) if image is not None else None
    if steps is not None:
        example.use_drawing(steps["x"])
    elif image is not None:  # the canvas was wiped with its own toolbar
        example.clear_drawing()
    ex = example.current()

    def preprocessing_section() -> None:
        with preprocessing:
            st.header("From strokes to 784 numbers: preprocessing")
            t1, t2, t3 = st.columns(3)
            t1.toggle("Crop to the ink", True, key="draw.crop", persist_state="session",
                      help="Off: the whole canvas is used, so the digit keeps its size and place on it.")
            t2.toggle("Scale to a 20×20 box", True, key="draw.fit", persist_state="session",
                      help="Off: the (cropped) picture is stretched to 28×28, ignoring its aspect ratio.")
            t3.toggle("Centre by mass", True, key="draw.centre", persist_state="session",
                      help="Off: the digit stays where the previous steps put it.")
            if steps is not None:
                st.markdown(text.section("draw", "Preprocessing"))
                _show_steps(steps)

    if ex is None or ex.source != "drawing":
        with c2:
            st.info(text.section("draw", "Empty"), icon=":material/draw:")
        preprocessing_section()
        return
    if steps is None and not refused:
        with c1:
            st.caption(text.section("draw", "Last drawing"))
    _show_forward(ex, c2, c3, then=preprocessing_section)


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
    _show_forward(ex, c2, c3)
