"""The preprocessing strip on Draw: the five pictures of nn_core.prepare_drawing's steps in a
row, each with what it did, as one piece of HTML (one st.html element).

The 28x28 pictures are sent at their own size and enlarged by the browser; the two canvas-
sized ones at 140 px. Made once per stroke, in the stroke's callback, and kept as markup (a
few KB), not as the steps' arrays (the ink alone is 280x280 floats).
Leaves out: the switches that turn steps off (page.py) and the steps themselves (nn_core).
"""
from __future__ import annotations

from ui import markup, pictures, text


def markup_of(steps: dict) -> str:
    """The page's words on preprocessing, then the five pictures of `steps` (prepare_drawing's)."""
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
    return markup.md(text.section("draw", "Preprocessing")) + pictures.captioned_row(shown)
