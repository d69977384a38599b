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

from devtools.apptest import canvas_png, draw, fresh, on_page, prediction, share_link, train_page, upload_model
from nn_core.preprocess import CANVAS
from views.draw.png import MAX_DATA_URL, Refused, read_png
from views.shell import widgets


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
    assert np.array_equal(read_png(url, CANVAS), image)


@pytest.mark.parametrize("url, why", [
    (png_url(3000, 3000), "3,000 × 3,000 pixels"),
    (png_url(CANVAS, CANVAS + 1), f"{CANVAS} × {CANVAS + 1} pixels"),
    (png_url(CANVAS, CANVAS, depth=16), "8-bit"),
    (png_url(CANVAS, CANVAS, colour=0), "8-bit"),
    ("data:image/png;base64," + "A" * (MAX_DATA_URL + 10), "characters long"),
    ("data:image/png;base64,!!!!", "base64"),
    ("data:image/jpeg;base64,AAAA", "not a PNG"),
    ("data:image/png;base64," + base64.b64encode(b"GIF89a" + bytes(40)).decode(), "not a PNG"),
    (12, "not a PNG"),
], ids=["3000px", "280x281", "16-bit", "grey", "too-long", "not-base64", "jpeg", "gif", "not-text"])
def test_a_picture_that_cannot_be_the_canvas_is_refused_unread(url, why, monkeypatch):
    opened = []
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(a) or (_ for _ in ()).throw(AssertionError))
    with pytest.raises(Refused, match=why):
        read_png(url, CANVAS)
    assert opened == []  # refused from the header: no pixel decoded


def test_a_truncated_png_of_the_right_size_is_refused_plainly():
    url = png_url(CANVAS, CANVAS)
    raw = base64.b64decode(url.split(",", 1)[1])
    with pytest.raises(Refused, match="could not be read"):
        read_png("data:image/png;base64," + base64.b64encode(raw[:60]).decode(), CANVAS)


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


# ------------------------------------------------------------------ values of widgets
def test_a_multiselect_of_values_it_does_not_offer_is_reset_with_a_note():
    at = on_page("app_pages/lab.py")
    at.session_state["lab.off.1"] = ["zzz", 3]
    at.run()
    assert not at.exception
    assert at.session_state["lab.off.1"] == []
    assert any("does not offer" in w.value and "back at its default" in w.value for w in at.warning)


def test_a_callback_given_a_value_no_browser_sends_leaves_a_note(monkeypatch):
    import types

    from views.train import settings
    fake = types.SimpleNamespace(session_state={"preset": "no-such-preset"})
    monkeypatch.setattr(widgets, "st", fake)
    monkeypatch.setattr(settings, "st", fake)
    settings._apply_preset()  # the preset menu's on_change, as Streamlit runs it before the script: KeyError inside
    assert fake.session_state[widgets.NOTE_KEY] == widgets.NOTE


def test_the_hidden_sizes_box_takes_at_most_200_characters():
    at = train_page()
    box = next(t for t in at.text_input if t.key == "hidden")
    assert box.proto.max_chars == 200


# ------------------------------------------------------------------ numbers and names from files
def test_numbers_from_a_file_are_shown_shortened():
    from nn_core.files.header import TooLarge, shown_int
    huge = 10 ** 3999 + 7
    assert shown_int(1234) == "1,234" and shown_int(huge) == "a number of about 4,000 digits"
    assert len(str(TooLarge("file", "max_hidden", "units in a hidden layer", 512, huge))) < 120


def test_a_file_whose_header_declares_a_4000_digit_layer_is_refused_in_a_short_message():
    import json

    from nn_core import MLP, dumps_model, load_model
    data = dumps_model(MLP([784, 8, 10]))
    import zipfile
    src = zipfile.ZipFile(io.BytesIO(data))
    meta = json.loads(np.load(io.BytesIO(src.read("meta.npy"))).item())
    meta["architecture"]["layer_sizes"] = [784, 10 ** 3999, 10]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in src.namelist():
            if name == "meta.npy":
                buf = io.BytesIO()
                np.save(buf, np.array(json.dumps(meta)))
                z.writestr(name, buf.getvalue())
            else:
                z.writestr(name, src.read(name))
    with pytest.raises(ValueError) as e:
        load_model(out.getvalue(), max_hidden=512, max_layers=4)
    assert "about 4,000 digits" in str(e.value) and len(str(e.value)) < 200


def test_an_uploaded_float64_model_becomes_float32_with_a_note():
    from nn_core import MLP, dumps_model
    at = fresh()
    at.switch_page("app_pages/train.py").run()
    model = MLP([784, 20, 10], seed=4, dtype=np.float64)
    upload_model(at, "sixty-four.npz", dumps_model(model))
    current = at.session_state["model.current"]
    assert current.dtype == np.float32 and all(p.dtype == np.float32 for p in current.params.values())
    assert np.allclose(current.params["W1"], model.params["W1"], rtol=1e-6)
    assert any("float64" in n and "float32" in n for n in at.session_state["model.info"]["notes"])


def test_upload_names_lose_their_control_characters():
    from server.uploads import clean_name
    assert clean_name("a\x00b\nc\u202e.npz") == "a b c .npz"
    assert clean_name("\x00\x01") == "unnamed file"


# ------------------------------------------------------------------ link keys on other pages
def test_train_settings_in_a_link_to_another_page_get_a_note():
    at = fresh({"lr": "10", "hidden": "512,512"})  # opens Home
    assert not at.exception
    assert any("settings of the Train page" in i.value and "lr=" in i.value for i in at.info)
    at.switch_page("app_pages/train.py").run()
    assert not any("settings of the Train page" in i.value for i in at.info)


# ------------------------------------------------------------------ chunks sized to the model
def test_chunks_fit_the_budget_for_every_model():
    from nn_core import MLP, rows_per_chunk
    from nn_core.evaluate import CHUNK_BYTES
    for sizes in ([784, 16, 10], [784, 128, 64, 10], [784, 512, 512, 512, 512, 10]):
        for dtype in (np.float32, np.float64):
            model = MLP(sizes, dtype=dtype)
            rows = rows_per_chunk(model)
            per_row = model.dtype.itemsize * (2 * 784 + 2 * sum(sizes[1:]))
            assert rows * per_row <= CHUNK_BYTES or rows == 16
    assert rows_per_chunk(MLP([784, 512, 512, 512, 512, 10])) < 400


def test_chunked_probabilities_are_the_forward_pass():
    from nn_core import MLP, probabilities
    model = MLP([784, 32, 10], seed=2)
    X = np.random.default_rng(0).random((1000, 784), dtype=np.float32)
    assert np.allclose(probabilities(model, X, chunk=97), model.forward(X)[0], atol=1e-6)


# ------------------------------------------------------------------ the class-link key
@pytest.fixture
def fresh_key(monkeypatch, tmp_path):
    from links import classroom
    monkeypatch.delenv("NN_CLASSROOM_KEY", raising=False)
    monkeypatch.setenv("NN_CLASSROOM_KEY_FILE", str(tmp_path / "k" / "classroom_key"))
    monkeypatch.setattr(classroom, "_key_made", [])
    monkeypatch.setattr(classroom.st, "secrets", {})
    return tmp_path / "k" / "classroom_key"


def test_sessions_starting_together_share_one_key_written_whole(fresh_key):
    import threading

    from links import classroom
    keys, start = [], threading.Barrier(6)

    def first_use():
        start.wait()
        keys.append(classroom._key())
    threads = [threading.Thread(target=first_use) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(keys)) == 1 and len(keys[0]) >= classroom.MIN_KEY
    assert fresh_key.read_bytes() == keys[0]
    assert [p.name for p in fresh_key.parent.iterdir()] == ["classroom_key"]  # no temporary file left


@pytest.mark.parametrize("content", [b"", b"   \n", b"short"])
def test_an_empty_or_short_key_file_is_refused_and_replaced(fresh_key, content, caplog):
    import logging

    from links import classroom
    fresh_key.parent.mkdir(parents=True)
    fresh_key.write_bytes(content)
    classroom.log.propagate = True
    try:
        with caplog.at_level(logging.INFO, logger="links.classroom"):
            key = classroom._key()
    finally:
        classroom.log.propagate = False
    assert len(key) >= classroom.MIN_KEY and fresh_key.read_bytes() == key
    assert "made now and kept in" in caplog.text
    if content.strip():
        assert "refused" in caplog.text


def test_a_short_secret_is_refused_with_a_log_line(fresh_key, monkeypatch, caplog):
    import logging

    from links import classroom
    monkeypatch.setenv("NN_CLASSROOM_KEY", "abc")
    classroom.log.propagate = True
    try:
        with caplog.at_level(logging.INFO, logger="links.classroom"):
            key = classroom._key()
    finally:
        classroom.log.propagate = False
    assert key != b"abc" and len(key) >= classroom.MIN_KEY
    assert "NN_CLASSROOM_KEY refused" in caplog.text


def test_an_expired_class_link_gets_its_own_note():
    import time as _time

    from links import classroom
    day = 24 * 3600
    token = classroom.make_token("fast", {}, False, expires=classroom.expiry(1, now=_time.time() - 10 * day))
    lesson, why = classroom.read_token(token)
    assert lesson is None and "expired on" in why and "Ask your teacher for a new link" in why
    lesson, why = classroom.read_token(classroom.make_token("fast", {}, False))
    assert why is None and lesson["expires"] > _time.time() + 100 * day  # a term by default
    # the same day gives the same link; no expiry at all is not a link of this version
    assert classroom.expiry(7, now=1_000_000) == classroom.expiry(7, now=1_000_000 + 3600)
    body = base64.urlsafe_b64encode(b'{"fixed":{},"preset":"fast","projector":false}').rstrip(b"=").decode()
    lesson, why = classroom.read_token(f"{body}.{classroom._tag(body)}")
    assert lesson is None and "not one this version" in why


def test_the_share_panel_lets_the_teacher_choose_how_long_the_link_works():
    at = train_page()
    menu = next(s for s in at.selectbox if s.key == "train.share.expiry")
    assert menu.value == "a term"
    term = share_link(at)
    menu.set_value("a day").run()
    assert share_link(at) != term
    assert any("works until" in c.value for c in at.caption)


# ------------------------------------------------------------------ uploads
def test_uploads_are_kept_only_for_issued_ids_of_a_session_showing_an_uploader():
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec

    from server.uploads import MAX_FILES, WINDOW, Guard
    now = [0.0]
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    guard = Guard(manager, max_bytes=3_000, clock=lambda: now[0])
    manager.get_upload_urls, manager.add_file = guard.get_upload_urls, guard.add_file
    rec = lambda fid, n=1000, name="m.npz": UploadedFileRec(fid, name, "application/octet-stream", bytes(n))  # noqa: E731

    assert manager.get_upload_urls("s1", ["a.npz"]) == []          # no uploader shown: no URL
    with pytest.raises(Exception):
        manager.add_file("s1", rec("made-up"))                     # an id of the script's own making
    guard.allow("s1")
    urls = manager.get_upload_urls("s1", ["a", "b", "c"])
    assert len(urls) == MAX_FILES                                  # at most two at a time
    manager.add_file("s1", rec(urls[0].file_id, name="a\x00b.npz"))
    assert manager.get_files("s1", [urls[0].file_id])[0].name == "a b.npz"
    with pytest.raises(Exception):
        manager.add_file("s1", rec(urls[0].file_id))               # an id is used once
    with pytest.raises(Exception):
        manager.add_file("s1", rec(urls[1].file_id, n=2_500))      # over the session's bytes
    with pytest.raises(Exception):
        manager.add_file("s2", rec(urls[1].file_id))               # another session's id
    newer = manager.get_upload_urls("s1", ["e", "f"])             # an upload given up takes no slot:
    with pytest.raises(Exception):                                  # the newest two ids are the valid ones
        manager.add_file("s1", rec(urls[1].file_id))
    manager.add_file("s1", rec(newer[1].file_id, n=500))
    now[0] = WINDOW + 1
    assert manager.get_upload_urls("s1", ["d"]) == []              # the uploader has not been shown for long
    assert sum(len(f.data) for f in manager.file_storage["s1"].values()) == 1500
