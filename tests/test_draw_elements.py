"""What a stroke on Draw sends, counted at the protocol level against a real server (issue 19):
a handful of elements, the answer first, the canvas and everything else that stays the same
not sent at all. The counts are held exactly: a change that sends more fails here.

Each delta the server sends is one element (new_element) or one container (add_block) the
browser applies; an element whose message hash is the one it already shows is kept as it is
(Streamlit 1.67's frontend), so "re-rendered" counts the elements whose hash changed.
"""
from __future__ import annotations

import asyncio
import random
import re

from devtools.canvas_value import DIGITS, canvas_value, jitter
from devtools.st_client import Session, dumps

PREDICTED = re.compile(r'class="predicted-digit"[^>]*>(\d)<')
# A stroke's run: the four parts that show the drawing, each a keyed fragment (a container), and in them
# the prediction (in its keyed container), the probabilities, the preprocessing strip, the layers as two
# pieces of HTML with the "Open unit" button between them (the questions are in the second).
STROKE_ELEMENTS = ["html", "html", "html", "html", "button", "html"]
STROKE_BLOCKS = 5


async def _session(url: str) -> Session:
    s = Session(url, "draw")
    await s.open(120)
    return s


async def _stroke(s: Session, strokes, rng: random.Random):
    canvas = s.widget(kind="bidi_component", key_prefix="draw.canvas.")
    s.set_value(canvas, "json_value", dumps(canvas_value(jitter(strokes, rng))))
    return (await s.wait(await s.interact(canvas), 60)).run


def _kinds(run) -> tuple[list[str], int]:
    return [e.kind for e in run.elements if e.kind != "block"], sum(e.kind == "block" for e in run.elements)


def test_a_stroke_sends_a_handful_of_elements_and_the_answer_first(server):
    async def go():
        s, rng = await _session(server), random.Random(3)
        shown = {e.path: e.hash for e in s.elements.values()}
        first = await _stroke(s, DIGITS["7"], rng)          # a first stroke: every view appears
        after_first = {e.path: e.hash for e in s.elements.values()}
        second = await _stroke(s, DIGITS["1"], rng)          # another digit on the same canvas
        await s.close()
        return s, shown, first, after_first, second

    s, shown, first, after_first, second = asyncio.run(go())
    assert s.errors == []
    for run in (first, second):
        kinds, blocks = _kinds(run)
        assert kinds == STROKE_ELEMENTS and blocks == STROKE_BLOCKS, (kinds, blocks)
        sent = [e for e in run.elements if e.kind != "block"]
        # the answer first: the prediction is the first element of the stroke, the probabilities the second
        assert PREDICTED.search(sent[0].proto.body) and "Probabilities A = softmax(Z)" in sent[1].proto.body
        assert not [e for e in run.elements if e.kind in ("bidi_component", "slider", "checkbox", "heading", "markdown")]
    digits = [PREDICTED.search(next(e for e in run.elements if e.kind == "html").proto.body).group(1)
              for run in (first, second)]
    assert digits == ["7", "1"]
    # what the second stroke re-renders: the elements whose hash changed, the five views (and the
    # button when its label, the most active unit, changed); blocks and the rest are kept as they are
    changed = sorted(e.kind for e in second.elements if e.kind != "block" and after_first.get(e.path) != e.hash)
    assert changed in (["html"] * 5, ["button"] + ["html"] * 5), changed
    # the canvas, its brush and Clear are the ones the page opened with: never sent again by a stroke
    canvas = s.widget(kind="bidi_component", key_prefix="draw.canvas.")
    assert shown.get(canvas.path) == canvas.hash


def test_clear_sends_the_empty_views_and_a_new_canvas(server):
    async def go():
        s = await _session(server)
        await _stroke(s, DIGITS["0"], random.Random(4))
        req = await s.wait(await s.click(s.widget(kind="button", key="draw.clear")), 60)
        await s.close()
        return s, req.run

    s, run = asyncio.run(go())
    kinds, blocks = _kinds(run)
    assert kinds == ["bidi_component", "button", "alert"] and blocks == 5, (kinds, blocks)  # canvas, Clear, "Nothing drawn yet"
    assert s.widget(kind="bidi_component", key_prefix="draw.canvas.").key == "draw.canvas.1"
    assert not [e for e in s.elements.values() if e.kind == "html" and PREDICTED.search(e.proto.body)]
