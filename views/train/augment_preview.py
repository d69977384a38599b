"""The Train page's preview of augmentation: training digits as the network will see them.

One small PNG: the first eight training images, in two bands of four, each band a row as
stored and below it two random draws of the distortions the current settings ask for, made by the same `Augment`
the Trainer applies to every batch (nn_core/augment/distort.py). The picture depends only on the
augmentation strengths and the draw number, so it is cached by them (st.cache_data) and
made again only when one of them changes; "New draws" asks for the next random draws.
Leaves out: dropout (it switches off hidden units, not pixels, so no picture shows it) and
the settings' widgets (settings.py).
"""
from __future__ import annotations

import io

import numpy as np
import streamlit as st
from PIL import Image

from nn_core import TrainConfig
from nn_core.augment.distort import Augment
from server import resources
from ui import text

N_DIGITS, PER_BAND, DRAWS, SCALE, GAP, BAND_GAP = 8, 4, 2, 2, 2, 14  # two bands of four: big enough in a narrow column
KEY = "train.preview_draw"  # the draw number (session/state.py); bumped by the "New draws" button


def strip(stored: np.ndarray, drawn: list[np.ndarray]) -> Image.Image:
    """uint8 digits (n, 28, 28) and each draw (n, 784) float in [0, 1] -> one RGB picture,
    white ink on black: the digits in bands of PER_BAND, each band a row as stored and a
    row per draw, GAP px of white between digits and rows, BAND_GAP px between bands."""
    sets = [np.asarray(stored, np.float32).reshape(len(stored), 28, 28) / 255] + \
           [d.reshape(len(stored), 28, 28) for d in drawn]
    n, cell = len(stored), 28 * SCALE + GAP
    bands = -(-n // PER_BAND)
    band_h = len(sets) * cell - GAP + BAND_GAP
    sheet = np.ones((bands * band_h - BAND_GAP, PER_BAND * cell - GAP), np.float32)  # white background
    for r, images in enumerate(sets):
        for i, img in enumerate(images):
            b, c = divmod(i, PER_BAND)
            y, x = b * band_h + r * cell, c * cell
            sheet[y:y + 28 * SCALE, x:x + 28 * SCALE] = np.kron(img, np.ones((SCALE, SCALE), np.float32))
    return Image.fromarray(np.round(sheet * 255).astype(np.uint8)).convert("RGB")


@st.cache_data(max_entries=64, show_spinner=False)
def preview_png(strengths: tuple[float, ...], draw: int) -> bytes:
    """The PNG for Augment(*strengths) and draw number `draw` (same inputs, same picture)."""
    aug = Augment(*strengths)
    stored = resources.dataset().x_train[:N_DIGITS]
    rng = np.random.default_rng([draw, 7])
    drawn = [aug(stored, rng) for _ in range(DRAWS)]
    buf = io.BytesIO()
    strip(stored, drawn).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _new_draws() -> None:
    st.session_state[KEY] += 1


def show_preview(config: TrainConfig) -> None:
    """The strip and its caption for the config's augmentation (a note when it is off)."""
    aug = config.augment
    if not aug.active:
        st.caption(text.section("train", "Augmentation off"))
        return
    strengths = (aug.shift, aug.rotate, aug.scale, aug.elastic, aug.elastic_sigma, aug.thickness)
    st.image(preview_png(strengths, st.session_state[KEY]), width="stretch",
             alt=f"Training digits as they are (top row) and distorted by the augmentation: {aug.describe()}")
    st.caption(text.fill("train", "Augmentation preview", what=aug.describe()))
    st.button("New draws", icon=":material/casino:", on_click=_new_draws, key="train.preview_new",
              help="Draw the random distortions again: every batch of training gets draws of its own.")
