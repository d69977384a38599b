"""The canvas's picture, checked before it is decoded: a PNG data URL is read only when its
header says it is the canvas's own size, 8 bits per channel.

A widget value can come from any script, and a PNG's pixels cost width x height x 4 bytes
whatever the file's size: 49 KB of compressed black is a 3000 x 3000 picture, 36 MB decoded.
So the length of the data URL, the PNG signature and its IHDR chunk (width, height, bit
depth, colour type: bytes 16-25 of the file) are read first; only a picture that can be this
canvas's is handed to Pillow. Pure: no Streamlit (the canvas widget is canvas.py).
Leaves out: what the picture becomes (nn_core.prepare_drawing).
"""
from __future__ import annotations

import base64
import binascii
import io
import struct

import numpy as np
from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PREFIX = "data:image/png;base64,"
# A CANVAS x CANVAS RGBA PNG the browser makes is 5-60 KB (a canvas full of noise would be 314 KB);
# more than this many base64 characters cannot be this canvas's picture.
MAX_DATA_URL = 600_000
REFUSED = "That drawing could not be used ({why}); your last drawing is still shown. Draw again, or press Clear."


class Refused(ValueError):
    """A canvas value that cannot be this canvas's drawing; the message says why, plainly."""


def read_png(data_url: object, size: int) -> np.ndarray:
    """The canvas's picture as RGBA uint8 (size, size, 4), decoded only after its header says
    it is size x size, 8 bits per channel; Refused otherwise (nothing large is allocated)."""
    if not isinstance(data_url, str) or not data_url.startswith(PREFIX):
        raise Refused("it is not a PNG picture")
    if len(data_url) > MAX_DATA_URL:
        raise Refused(f"it is {len(data_url):,} characters long, more than a {size} × {size} canvas sends")
    try:
        raw = base64.b64decode(data_url[len(PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise Refused("it is not valid base64") from None
    # PNG: 8-byte signature, then the IHDR chunk: length 13, "IHDR", width, height (big-endian),
    # bit depth, colour type, ...
    if len(raw) < 33 or raw[:8] != PNG_SIGNATURE or raw[12:16] != b"IHDR":
        raise Refused("it is not a PNG picture")
    width, height, depth, colour = struct.unpack(">IIBB", raw[16:26])
    if (width, height) != (size, size):
        raise Refused(f"it is {width:,} × {height:,} pixels; this canvas is {size} × {size}")
    if depth != 8 or colour not in (2, 6):  # RGB or RGBA, 8 bits: what a browser canvas exports
        raise Refused("it is not an 8-bit colour PNG")
    try:
        with Image.open(io.BytesIO(raw)) as img:
            img.load()
            rgba = np.asarray(img.convert("RGBA"))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise Refused("its picture could not be read") from None
    if rgba.shape != (size, size, 4):
        raise Refused("its picture could not be read")
    return rgba
