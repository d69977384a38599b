"""Turn a drawing into the 28x28 input the network expects, the way MNIST was made.

MNIST digits were cropped to their ink, scaled (antialiased) so the longer side is 20 px
keeping the aspect ratio, pasted into a 28x28 field and shifted so the centre of mass of
the ink lies at pixel (14, 14). (Measured on the bundled training set: bounding boxes have
a longer side of 20.0 px and centres of mass average (14.00, 14.01).) A drawing that skips
these steps, say a small digit in a corner, looks nothing like the training data, which
is the usual reason demo apps misread digits.

`prepare_drawing` accepts RGBA or grey arrays of any size, light-on-dark or dark-on-light,
returns the input vector and every intermediate step for display, and returns None for an
empty canvas. Each step can be switched off to show why it matters.
Leaves out: deskewing and stroke-width normalisation (MNIST did neither), and several
digits in one drawing.
"""
from __future__ import annotations

import numpy as np
from PIL import Image

SIZE, BOX, CENTRE = 28, 20, 14  # MNIST field, digit box, centre-of-mass target
CANVAS = 280                     # px: the side of the Draw page's canvas, ten per MNIST pixel (any size works here)
INK_THRESHOLD = 0.1              # grey level (0..1) that counts as ink for the bounding box


def to_ink(image: np.ndarray) -> np.ndarray:
    """Any canvas array -> (H, W) float in [0, 1] with ink bright on a dark background.

    RGBA with transparency: the alpha channel is the ink (strokes are opaque).
    Otherwise luminance, inverted when the border (the background) is light.
    """
    a = np.asarray(image)
    if a.dtype == bool:
        a = a.astype(np.uint8) * 255
    if not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        raise ValueError(f"image must hold numbers, got dtype {a.dtype}")
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (3, 4)) or min(a.shape[:2]) < 1:
        raise ValueError(f"image must be (H, W), (H, W, 3) or (H, W, 4), got shape {a.shape}")
    a = a.astype(np.float64)
    if not np.all(np.isfinite(a)):
        raise ValueError("image contains NaN or infinite values")
    if a.min() < 0 or a.max() > 255:
        raise ValueError(f"pixel values must be in 0..255 (or 0..1), got {a.min()}..{a.max()}")
    scale = 1.0 if a.max() <= 1.0 and np.issubdtype(np.asarray(image).dtype, np.floating) else 255.0
    a = a / scale
    if a.ndim == 3 and a.shape[2] == 4 and a[:, :, 3].min() < 1.0:
        return a[:, :, 3]
    grey = a if a.ndim == 2 else a[:, :, :3] @ np.array([0.299, 0.587, 0.114])
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    return 1.0 - grey if np.median(border) > 0.5 else grey


def _resize(ink: np.ndarray, width: int, height: int) -> np.ndarray:
    """Antialiased resize of a [0, 1] image (Pillow's Lanczos filter on 8-bit grey)."""
    img = Image.fromarray(np.round(ink * 255).astype(np.uint8), mode="L")
    return np.asarray(img.resize((width, height), Image.Resampling.LANCZOS), dtype=np.float64) / 255


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, col) of the intensity-weighted mean pixel position."""
    total = image.sum()
    rows, cols = np.arange(image.shape[0]), np.arange(image.shape[1])
    return float(image.sum(axis=1) @ rows / total), float(image.sum(axis=0) @ cols / total)


def shift_to_centre(image: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """Translate by whole pixels so the centre of mass is at (14, 14), never pushing ink out."""
    cy, cx = centre_of_mass(image)
    ys, xs = np.nonzero(image > 0)
    dy = int(np.clip(round(CENTRE - cy), -ys.min(), SIZE - 1 - ys.max()))
    dx = int(np.clip(round(CENTRE - cx), -xs.min(), SIZE - 1 - xs.max()))
    out = np.zeros_like(image)
    out[ys + dy, xs + dx] = image[ys, xs]
    return out, (dy, dx)


def prepare_drawing(image: np.ndarray, crop: bool = True, fit_box: bool = True,
                    centre: bool = True) -> dict | None:
    """Canvas array -> dict of steps, or None when nothing is drawn.

    Steps: "ink" (H, W) grey; "cropped" the ink's bounding box (or the whole canvas);
    "scaled" the longer side at 20 px (or stretched to 28x28 when fit_box is off);
    "boxed" pasted in the middle of 28x28; "centred" shifted by "shift" (dy, dx) so the
    centre of mass is at (14, 14); "x" the (784,) float32 network input in [0, 1].
    """
    ink = to_ink(image)
    mask = ink > INK_THRESHOLD
    if not mask.any():
        return None
    rows, cols = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    bbox = (int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1)  # top, bottom, left, right
    cropped = ink[bbox[0]:bbox[1], bbox[2]:bbox[3]] if crop else ink
    h, w = cropped.shape
    if fit_box:
        s = BOX / max(h, w)
        sh, sw = max(1, round(h * s)), max(1, round(w * s))
    else:
        sh, sw = SIZE, SIZE
    scaled = _resize(cropped, sw, sh)
    boxed = np.zeros((SIZE, SIZE))
    top, left = (SIZE - sh) // 2, (SIZE - sw) // 2
    boxed[top:top + sh, left:left + sw] = scaled
    if centre and boxed.any():
        centred, shift = shift_to_centre(boxed)
    else:
        centred, shift = boxed, (0, 0)
    if not centred.any():  # all ink lost in resampling (a speck): nothing for the network to see
        return None
    return {"ink": ink, "bbox": bbox, "cropped": cropped, "scaled": scaled, "boxed": boxed,
            "centred": centred, "shift": shift, "x": centred.reshape(-1).astype(np.float32)}
