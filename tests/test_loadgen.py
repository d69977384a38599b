"""The protocol-level load generator (devtools/st_client.py) against a real server.

No browser: two simulated sessions draw at the same time and must each get the prediction
of their own drawing; a third presses Start on Train and its run must advance through the
fragment timers the client replays. Keeps the generator in step with the pages.
"""
from __future__ import annotations

import asyncio
import json
import random
import re

import pytest

from devtools.canvas_value import DIGITS, canvas_value, jitter
from devtools.st_client import Session, dumps

PREDICTED = re.compile(r'class="predicted-digit"[^>]*>(\d)<')
STEP = re.compile(r"step ([\d,]+) of ([\d,]+)")


def prediction(elements) -> str | None:
    for el in elements:
        m = el.kind in ("markdown", "html") and PREDICTED.search(el.proto.body)
        if m:
            return m.group(1)
    return None


async def draw(url: str, digit: str, seed: int) -> tuple[str | None, Session]:
    s = Session(url, "draw")
    await s.open()
    assert prediction(s.elements.values()) is None  # nothing drawn yet
    canvas = s.widget(kind="bidi_component", key_prefix="draw.canvas.")
    s.set_value(canvas, "json_value", dumps(canvas_value(jitter(DIGITS[digit], random.Random(seed)))))
    req = await s.wait(await s.interact(canvas), 30)
    assert req.run.fragment_ids and canvas.fragment_id not in req.run.fragment_ids  # the drawing's parts, not the canvas
    return prediction(req.run.elements), s


def test_two_sessions_get_their_own_predictions(server):
    async def both():
        return await asyncio.gather(draw(server, "1", 1), draw(server, "0", 2))

    (p1, s1), (p0, s0) = asyncio.run(both())
    assert (p1, p0) == ("1", "0")
    assert s1.errors == [] and s0.errors == []
    # Both canvases have the same widget id (it hashes the key and the parameters, not the
    # session), so the two answers above came from separate session states, not from the id.
    canvas_ids = {s.widget(kind="bidi_component", key_prefix="draw.canvas.").id for s in (s1, s0)}
    assert len(canvas_ids) == 1


def test_canvas_value_has_the_browser_shape():
    value = canvas_value(DIGITS["4"])
    assert set(value) == {"drawing"} and set(value["drawing"]) == {"raw", "data"}
    assert value["drawing"]["data"].startswith("data:image/png;base64,")
    assert [o["type"] for o in value["drawing"]["raw"]["objects"]] == ["Path", "Path"]  # one per stroke
    assert json.loads(dumps(value)) == value


@pytest.mark.slow  # ~2 s (make quick leaves it to test-core)
def test_training_advances_on_replayed_fragment_timers(server):
    async def train():
        s = Session(server, "train")  # the default preset: 4,300 steps, several seconds
        await s.open()
        await s.wait(await s.click(s.widget(kind="button", label="Start")), 30)
        steps = []
        for _ in range(40):
            await asyncio.sleep(0.25)
            texts = [STEP.search(e.proto.text) for e in s.find(kind="progress")]
            steps += [int(m.group(1).replace(",", "")) for m in texts if m]
            if len(set(steps)) >= 3:
                break
        # Pause before leaving: the run would otherwise hold one of the shared server's training
        # slots until its lease ran out (15 s), and other tests use the same server.
        await s.wait(await s.click(s.widget(kind="button", label="Pause")), 30)
        await s.close()
        return steps, s.errors, len(s.runs)

    steps, errors, runs = asyncio.run(train())
    assert errors == []
    assert len(set(steps)) >= 3 and steps == sorted(steps), steps  # several redraws, each further on
    assert runs > 4  # the Start run plus fragment reruns the client's timers requested
