"""Issue 21's doors, checked in-process (fast): what a script may send as a widget value is
refused before it costs memory, with a plain note, and nothing the user had is lost.
The same cases against a real server, with its memory measured: tests/test_hostile_clients.py."""
from __future__ import annotations

import base64
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from tests.test_app import on_page
from tests.test_pages import canvas_png, draw, prediction
from views.draw.png import MAX_DATA_URL, Refused, read_png


def png_url(width: int, height: int, depth: int = 8, colour: int = 6) -> str:
    """A valid PNG of width x height black pixels, compressed to almost nothing (a 'bomb')."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    row = b"\x00" + bytes(width * channels * depth // 8)
    body = zlib.compress(row * height, 9)
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))
           + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(raw).decode()


def test_a_canvas_picture_of_the_canvas_size_is_decoded():
    image, url = canvas_png([[(60, 60), (200, 200)]])
    assert np.array_equal(read_png(url, 280), image)


@pytest.mark.parametrize("url, why", [
    (png_url(3000, 3000), "3,000 × 3,000 pixels"),
    (png_url(280, 281), "280 × 281 pixels"),
    (png_url(280, 280, depth=16), "8-bit"),
    (png_url(280, 280, colour=0), "8-bit"),
    ("data:image/png;base64," + "A" * (MAX_DATA_URL + 10), "characters long"),
    ("data:image/png;base64,!!!!", "base64"),
    ("data:image/jpeg;base64,AAAA", "not a PNG"),
    ("data:image/png;base64," + base64.b64encode(b"GIF89a" + bytes(40)).decode(), "not a PNG"),
    (12, "not a PNG"),
])
def test_a_picture_that_cannot_be_the_canvas_is_refused_unread(url, why, monkeypatch):
    opened = []
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(a) or (_ for _ in ()).throw(AssertionError))
    with pytest.raises(Refused, match=why):
        read_png(url, 280)
    assert opened == []  # refused from the header: no pixel decoded


def test_a_truncated_png_of_the_right_size_is_refused_plainly():
    url = png_url(280, 280)
    raw = base64.b64decode(url.split(",", 1)[1])
    with pytest.raises(Refused, match="could not be read"):
        read_png("data:image/png;base64," + base64.b64encode(raw[:60]).decode(), 280)


def test_the_draw_page_refuses_a_canvas_bomb_and_keeps_the_last_drawing():
    at = on_page("app_pages/draw.py")
    draw(at, [[(140, 40), (140, 240)]])  # a 1
    assert not at.exception
    kept, shown = at.session_state["example.x"].copy(), prediction(at)
    key = f"draw.canvas.{at.session_state['draw.canvas']}"
    at.session_state[key] = {"drawing": {"raw": {"objects": []}, "data": png_url(3000, 3000)}}
    at.run()
    assert not at.exception
    assert any("3,000 × 3,000 pixels" in w.value and "last drawing" in w.value for w in at.warning)
    assert np.array_equal(at.session_state["example.x"], kept) and prediction(at) == shown
    at.session_state[key] = {"drawing": [1, 2]}  # not even the canvas's shape
    at.run()
    assert not at.exception
    assert any("not a drawing" in w.value for w in at.warning)
    assert np.array_equal(at.session_state["example.x"], kept)
