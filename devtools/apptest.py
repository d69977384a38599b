"""Helpers for the AppTest page tests: open a session and a page, press a button, read what a
page shows (figures, light charts, captions, metrics), put a drawing on Draw's canvas, show a
given model, train a tiny run. Fixtures (e.g. `one_step_ticks`) are in tests/conftest.py.

    from devtools.apptest import fresh, on_page, button, texts, draw, DIGITS, use_model
"""
from __future__ import annotations

import base64
import html as _html
import io
import json
import re
from typing import Any

import numpy as np
from PIL import Image, ImageDraw
from streamlit.testing.v1 import AppTest

from devtools.paths import ROOT
from nn_core import MLP, TrainConfig
from nn_core.preprocess import CANVAS
from session.runs import KeptRun
from views.shell import nav

PAGES = [p.script for p in nav.LESSON]  # every page script, in the lesson's order (views/shell/nav.py)

# Strokes on Draw's CANVAS x CANVAS canvas, in canvas pixels (the browser tests' DIGIT_STROKES are fractions).
DIGITS = {
    "1": [[(140, 40), (140, 240)]],
    "0": [[(140, 40), (85, 70), (72, 140), (85, 210), (140, 240), (195, 210), (208, 140), (195, 70), (140, 40)]],
    "7": [[(75, 55), (205, 55), (120, 240)]],
}


# ------------------------------------------------------------------ sessions and pages
def fresh(query: dict | None = None) -> AppTest:
    """A new session of app.py (its Home page), run once without an exception."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if query:
        at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


def on_page(script: str, at: AppTest | None = None) -> AppTest:
    """A session (a fresh one unless given) that has opened `script` (e.g. "app_pages/lab.py")
    without an exception."""
    at = at or fresh()
    at.switch_page(script).run()
    assert not at.exception, at.exception
    return at


def open_draw(at: AppTest | None = None) -> AppTest:
    return on_page("app_pages/draw.py", at)


def open_backprop(at: AppTest | None = None) -> AppTest:
    return on_page("app_pages/backprop.py", at)


def use_model(at: AppTest, model: MLP) -> AppTest:
    """Show `model` on every page, as an upload would (without the upload's checks)."""
    at.session_state["model.current"] = model
    at.session_state["model.info"] = {"name": "test model", "source": "test", "config": {}, "metrics": {}}
    at.session_state["model.snapshots"] = []  # the default model's snapshots are not this model's
    return at


def upload_model(at: AppTest, name: str, content: bytes) -> AppTest:
    """Give `content` to the Train page's model uploader under the file name `name`, and rerun."""
    at.file_uploader(key="upload.model").set_value((name, content, "application/octet-stream")).run()
    return at


def tiny_training(at: AppTest, epochs: int = 2, **extra) -> AppTest:
    """Start a 784-16-10 run on 1,000 images (batch 128: 8 steps an epoch) on Train; `extra`
    sets lr, optimizer or activation. Use with the `one_step_ticks` fixture to know how far it got."""
    at.switch_page("app_pages/train.py").run()
    at.text_input(key="hidden").set_value("16")
    at.number_input(key="epochs").set_value(epochs)
    at.select_slider(key="n_train").set_value(1000)
    at.selectbox(key="batch").set_value(128)
    for key, value in extra.items():
        getattr(at, {"lr": "select_slider", "optimizer": "selectbox", "activation": "selectbox"}[key])(
            key=key).set_value(value)
    at.run()
    button(at, "Start").click().run()
    return at


def derived(at: AppTest, name: str) -> Any | None:
    """What a page computed from the shown model and the session keeps (session/per_model.py),
    or None when nothing of that name is kept."""
    kept = at.session_state["model.derived"].get(name)
    return None if kept is None else kept[2]


def answer(at, key: str, choice: int):
    """Answer question `key` (ui/questions.py) with choice number `choice` as a student does: pick
    it, then press "Check my answer". Returns the verdict shown ("Right: …" or "Not quite: …")."""
    radio = next(r for r in at.radio if r.key.startswith(key + ".") and not r.key.endswith(".done"))
    before = {m.value for m in [*at.success, *at.error]}
    radio.set_value(choice).run()
    check = next(b for b in at.button if b.key == radio.key + ".check")
    check.click().run()
    shown = [m.value for m in [*at.success, *at.error] if m.value.startswith(("Right", "Not quite"))
             and m.value not in before]
    assert len(shown) == 1, shown
    return shown[0]


def kept_run(i: int, w1: float) -> KeptRun:
    """A made-up ended run whose first-layer gradients had median size w1 (Compare's question reads it)."""
    return KeptRun(i, f"run {i}", TrainConfig(), "done", "", 1, 1.0, 1, (0.5,), (1.0,), np.zeros(1, np.float32),
                   np.zeros(1, np.float32), {"W1": w1, "W2": 1.0}, MLP((784, 16, 10)))


def rendered_keys(at) -> set[str]:
    """The user keys of everything on the page now: widgets, keyed elements and keyed containers
    (each becomes the CSS class st-key-KEY in the browser)."""
    return {key for node in at._tree for key in [getattr(node, "key", None)] if key}

# ------------------------------------------------------------------ what a page shows
def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def texts(elements) -> str:
    return " ".join(e.value for e in elements)


def sidebar_text(at: AppTest) -> str:
    return " ".join(str(getattr(e, "value", "")) for e in at.sidebar)


def captions(at: AppTest) -> list[str]:
    """Every caption's text, one line each (Markdown text is wrapped): st.caption's, and those
    inside the views' HTML (ui/markup.py)."""
    inside = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r'<p class="nn-caption">(.*?)</p>', page_html(at), re.S)]
    return [" ".join(c.split()) for c in [c.value for c in at.caption] + [_html.unescape(c) for c in inside]]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def figures(at: AppTest) -> list[dict]:
    """The page's Plotly figures, as the JSON Streamlit sends."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def decode(z) -> np.ndarray:
    """A Plotly JSON array: a plain list, or a base64 typed array {dtype, bdata, shape}."""
    if isinstance(z, dict):
        a = np.frombuffer(base64.b64decode(z["bdata"]), dtype=np.dtype(z["dtype"]))
        shape = z.get("shape")
        return a.reshape([int(n) for n in str(shape).split(",")]) if shape else a
    return np.array(z, dtype=float)


def page_html(at: AppTest) -> str:
    """The page's Markdown and HTML elements (the light charts and pictures are HTML)."""
    return " ".join([m.value for m in at.markdown] + [h.proto.body for h in at.get("html")])


def light_charts(at: AppTest) -> dict[str, np.ndarray]:
    """The bar charts on the page (ui/charts/svg.py): visible title -> the values drawn."""
    out = {}
    for fig in re.findall(r'<figure class="nn-chart">.*?</figure>', page_html(at)):
        title = _html.unescape(re.search(r'<div class="nn-chart-title">(.*?)</div>', fig).group(1))
        out[title] = np.array(re.search(r'data-values="([^"]*)"', fig).group(1).split(), dtype=float)
    return out


def panel(at: AppTest, title: str) -> np.ndarray:
    """The values of the light chart whose title contains `title`."""
    charts = light_charts(at)
    for t, values in charts.items():
        if title in t:
            return values
    raise AssertionError(f"no chart {title!r} in {list(charts)}")


def mosaic(at: AppTest) -> np.ndarray:
    """The palette indices of the first-layer mosaic on Weights (a PNG in an HTML element)."""
    body = next(h.proto.body for h in at.get("html") if 'class="nn-mosaic"' in h.proto.body)
    data = re.search(r'src="data:image/png;base64,([^"]+)"', body).group(1)
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data))))


# ------------------------------------------------------------------ Draw's canvas
def canvas_png(strokes, offset=(0, 0), scale=1.0, width=20) -> tuple[np.ndarray, str]:
    """What the canvas sends: a CANVAS x CANVAS RGBA PNG, white strokes on black, as a data URL."""
    img = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 255))
    pen = ImageDraw.Draw(img)
    for stroke in strokes:
        pts = [(offset[0] + x * scale, offset[1] + y * scale) for x, y in stroke]
        pen.line(pts, fill=(255, 255, 255, 255), width=width, joint="curve")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return np.asarray(img), "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def draw(at: AppTest, strokes, **kw) -> AppTest:
    """Inject a drawing into the current canvas (key draw.canvas.N) and rerun."""
    _, url = canvas_png(strokes, **kw)
    key = f"draw.canvas.{at.session_state['draw.canvas']}"
    at.session_state[key] = {"drawing": {"raw": {"objects": []}, "data": url}}
    return at.run()


def prediction(at: AppTest) -> int:
    """The digit Draw shows as its prediction."""
    return int(page_html(at).split('class="predicted-digit"')[1].split(">")[1][0])


def train_page(query=None):
    """A fresh session on the Train page (`query`: the link's query parameters)."""
    at = fresh(query)
    at.switch_page("app_pages/train.py").run()
    assert not at.exception, at.exception
    return at


def share_link(at) -> str:
    """The class link the Train page's share panel shows."""
    return next(c.value for c in at.code if "lesson=" in c.value)
