"""Two copies of the app behind HAProxy with Redis (deploy/serve.py), as a school would run them.

Real Debian haproxy and redis-server, two real app servers, a real browser and 20 protocol-level
sessions through the proxy: every session sticks to its copy (its page, websocket and upload
land on one server: an upload on the other copy would be refused) with no errors and no
cross-talk; a class link signed through one copy works on the other; both copies use the one
Redis for the class poll: a student on each copy answers the lesson's question on one class
link and the teacher's board (its link signed by one copy) shows both answers on either copy
and through the proxy; while Redis is down both say the poll is paused and the pages work on;
a copy killed mid-lesson loses no session on the other, its students (the browser too)
reconnect to a fresh session with the note and their class link still applies; the restarted
copy is taken back once its health check passes.
Marked slow and scale (`make test` runs them, `make quick` does not); the test with the browser
is marked browser too (it uses the shared Chromium of tests/conftest.py). Each test stands on its
own (pytest-xdist may run them on different workers, each with its own deployment).
"""
from __future__ import annotations

import asyncio
import random
import re
import threading
import time
import urllib.request

import numpy as np
import pytest

from deploy.serve import Deployment
from devtools import class_poll, services
from devtools import hostile_clients as hc
from devtools.browser import DIGIT_STROKES, clear_canvas, draw_digit, wait_idle
from devtools.canvas_value import DIGITS, canvas_value, jitter
from devtools.st_client import Session, dumps
from server.poll_redis import RedisStore
from views.shell import lesson
from views.shell.capacity import FRESH

pytestmark = [pytest.mark.slow, pytest.mark.scale]
KEY = "a-class-link-key-shared-by-every-copy-0123456789"
QUESTION = "home.q.params"  # the question of a lesson step (assets/lesson.toml), counted in a class poll
PREDICTED = re.compile(r'class="predicted-digit"[^>]*>(\d)<')


@pytest.fixture(scope="module")
def deployment():
    services.require("haproxy")
    services.require("redis-server")
    env = {"NN_CLASSROOM_KEY": KEY, "NN_FULL_LAG_MS": "60000"}  # admission has its own test (test_scale.py)
    with Deployment(2, env=env) as d:
        yield d


@pytest.fixture(scope="module")
def loop():
    """One event loop for the module, in a thread: protocol sessions live across tests."""
    lp = asyncio.new_event_loop()
    t = threading.Thread(target=lp.run_forever, daemon=True)
    t.start()
    yield lambda coro, timeout=600: asyncio.run_coroutine_threadsafe(coro, lp).result(timeout)
    lp.call_soon_threadsafe(lp.stop)


def metric(url: str, family: str) -> int:
    text = urllib.request.urlopen(url + "/_stcore/metrics", timeout=10).read().decode()
    return next(int(line.split()[-1]) for line in text.splitlines() if line.startswith(family))


def prediction(s: Session) -> str | None:
    for e in s.elements.values():
        m = PREDICTED.search(getattr(e.proto, "body", "") or "")  # Draw's answer is an st.html element
        if m:
            return m.group(1)
    return None


async def draw(s: Session, digit: str, seed: int) -> str | None:
    canvas = s.widget(kind="bidi_component", key_prefix="draw.canvas.")
    s.set_value(canvas, "json_value", dumps(canvas_value(jitter(DIGITS[digit], random.Random(seed)))))
    await s.wait(await s.interact(canvas), 120)
    return prediction(s)


async def sign_link(url: str) -> str:
    """A class link's token, as a teacher gets it from the Train page of the copy at `url`."""
    s = Session(url, "train")
    await s.open(timeout=300)
    links = [c.proto.code_text for c in s.find(kind="code") if "lesson=" in c.proto.code_text]
    await s.close()
    return links[0].split("lesson=", 1)[1].split("&")[0]


async def _student(url: str, i: int, data: bytes, lesson: str) -> dict:
    query = "" if i % 4 else f"lesson={lesson}"
    s = Session(url, "train", query=query)
    await s.open(timeout=300)
    me = {"i": i, "session": s, "served_by": s.served_by, "id": s.session_id, "lesson": bool(query)}
    if i % 2 == 0:  # half of them upload a model: the PUT must reach the copy that has the session
        await s.upload(s.widget(kind="file_uploader"), f"student{i}.npz", data, timeout=300)
        me["loaded"] = any(f"Loaded `student{i}.npz`" in getattr(e.proto, "body", "") for e in s.elements.values())
    await hc.open_page(s, "draw")
    me["digit"] = str(i % 10)
    me["predicted"] = await draw(s, me["digit"], i)
    return me


def test_a_class_link_signed_through_one_copy_works_on_the_other(deployment, loop):
    a, b = deployment.copies[0]["url"], deployment.copies[1]["url"]

    async def sign_and_open():
        token = await sign_link(a)
        t = Session(b, "train", query=f"lesson={token}")
        await t.open(timeout=300)
        texts = [getattr(e.proto, "body", "") for e in t.elements.values()]
        await t.close()
        return token, texts
    token, texts = loop(sign_and_open())
    assert any("Class settings" in x for x in texts), texts  # the lesson is on
    assert not any("changed" in x.lower() and "link" in x.lower() for x in texts), texts


@pytest.mark.browser
def test_twenty_sessions_and_a_browser_stick_to_their_copy_and_survive_one_copy(deployment, loop, browser):
    """...and the killed copy, started again, is taken back once its health check passes."""
    data = hc.model_file([784, 16, 10], np.float32)
    deployment.wait_servers_up(120)  # both copies in the proxy (another test may have restarted one)

    async def class_of_20():
        lesson = await sign_link(deployment.copies[0]["url"])
        return await asyncio.gather(*(_student(deployment.url, i, data, lesson) for i in range(20)))
    students = loop(class_of_20())
    for me in students:
        s = me["session"]
        assert s.errors == [], (me["i"], s.errors)
        assert me["predicted"] is not None, me["i"]
        if me["i"] % 2 == 0:
            assert me["loaded"], me["i"]  # its upload reached its own copy
        assert s.cookies.get("NNSERVER") == me["served_by"]  # the proxy's cookie names the copy that served it
        shown = [getattr(e.proto, "body", "") for e in s.elements.values()]
        assert not any(f"student{j}.npz" in x for j in range(20) if j != me["i"] for x in shown)  # no cross-talk
    copies = {me["served_by"] for me in students}
    assert copies == {"app1", "app2"}  # leastconn spread the class over both

    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        served = []
        page.on("response", lambda r: served.append(r.headers.get("x-served-by")) if r.url.startswith(deployment.url)
                else None)
        page.goto(deployment.url + "/draw")
        wait_idle(page, 120_000)
        assert draw_digit(page, DIGIT_STROKES["7"]) == "7"
        assert len(set(served) - {None}) == 1, set(served)  # every request of the browser went to one copy
        browser_copy = served[0]
        # Kill that copy while the browser is on it: it shows Streamlit's "connecting" state, then lands
        # on the other copy in a fresh session, with the note.
        victim = [c["name"] for c in deployment.copies].index(browser_copy)
        on_other = [me for me in students if "session" in me and me["served_by"] != browser_copy]
        on_victim = [me for me in students if "session" in me and me["served_by"] == browser_copy]
        deployment.kill_copy(victim)
        page.get_by_text(FRESH[:60]).wait_for(timeout=60_000)
        wait_idle(page, 120_000)
        clear_canvas(page)  # the browser's canvas still holds the 7 (it is not re-created by the new session)
        assert draw_digit(page, DIGIT_STROKES["1"]) == "1"
        page.screenshot(path=str(services_shot("deploy-fresh-session")))
    finally:
        context.close()

    async def after_the_kill():
        # Students on the other copy notice nothing: the same session, a stroke answered.
        for me in on_other:
            s = me["session"]
            assert not s.closed and s.errors == [], (me["i"], s.errors)
            assert await draw(s, "3", 100 + me["i"]) is not None
            assert s.session_id == me["id"] and s.reconnects == 0
        # Students on the dead copy: their connection dropped; they reconnect through the proxy.
        for me in on_victim:
            s = me["session"]
            await asyncio.sleep(0)
            assert s.closed  # the server went away
            s.errors.clear()
            await s.reconnect(timeout=60)
            shown = [getattr(e.proto, "body", "") for e in s.elements.values()]
            assert s.served_by != browser_copy and s.session_id != me["id"]
            assert any(FRESH[:60] in x for x in shown), shown
            if me["lesson"]:
                assert any("Class settings" in x for x in shown), shown  # the class link still applies
            assert s.errors == []
        return len(on_other), len(on_victim)
    n_other, n_victim = loop(after_the_kill())
    assert n_other > 0 and n_victim > 0
    _taken_back(deployment, loop, victim)

    async def close_all():
        await asyncio.gather(*(me["session"].close() for me in students), return_exceptions=True)
    loop(close_all())


def _taken_back(deployment, loop, victim: int) -> None:
    """The killed copy, started again, is back in the proxy after its health check and gets sessions."""
    name = deployment.copies[victim]["name"]
    assert deployment.servers()[name] != "UP"
    deployment.start_copy(victim)
    t0 = time.monotonic()
    waited = deployment.wait_servers_up(120, names={name})
    print(f"{name} back in HAProxy {waited:.1f} s after it was started again")

    async def new_sessions_reach_it():
        seen = set()
        for _ in range(6):
            s = Session(deployment.url, "")
            await s.open(timeout=300)
            seen.add(s.served_by)
            await s.close()
        return seen
    assert name in loop(new_sessions_reach_it())
    assert time.monotonic() - t0 < 180


def test_the_teachers_view_counts_answers_sent_through_both_copies(deployment, loop):
    """One class link (signed by copy A), one student on each copy answering the lesson's
    question (one wrong, one right): the teacher's board shows both answers, split 1/1, on copy A,
    on copy B and through the proxy (live, on a board opened before the answers). With a poll in
    each copy's memory, each copy would show one answer (the one sent through it)."""
    deployment.wait_servers_up(120)  # both copies in the proxy (another test may have restarted one)
    assert deployment.redis.poll() is None  # Redis runs (the test that stops it starts it again)
    a, b = (c["url"] for c in deployment.copies)
    step = next(s for s in lesson.path() if s.asks and s.key == QUESTION)

    async def a_class_on_both_copies():
        token, teacher = await class_poll.class_links(a, expiry="a day")  # a class of this test's own
        live = await class_poll.open_board(deployment.url, teacher)
        empty = class_poll.shown(live), [e.text for e in live.find(kind="alert")]
        ann = await class_poll.answer(a, token, step.number, QUESTION, 0, page=step.page.url)
        right = class_poll.right_choice(ann)
        bob_picks = right if right != 0 else 1  # one right answer and one wrong one, whichever is right
        bob = await class_poll.answer(b, token, step.number, QUESTION, bob_picks, page=step.page.url)
        live_bars = await class_poll.wait_shown(live, lambda bars: bars and sum(bars[0].counts) >= 2, timeout=30)
        await live.close()
        boards = {"the board opened before the answers": (live_bars, live.errors, live.served_by)}
        for name, url in (("copy A", a), ("copy B", b), ("the proxy", deployment.url)):
            s = await class_poll.open_board(url, teacher)
            boards[name] = class_poll.shown(s), s.errors, s.served_by
            await s.close()
        return empty, ann, bob, bob_picks, boards
    empty, ann, bob, bob_picks, boards = loop(a_class_on_both_copies())

    assert empty[0] == [] and any("No answers yet" in x for x in empty[1]), empty  # a class of its own
    assert ann.errors == bob.errors == [] and ann.before == bob.before == []  # nothing of the class before answering
    assert {ann.verdict.startswith("Right"), bob.verdict.startswith("Right")} == {True, False}, \
        (ann.verdict, bob.verdict)
    want = [int(i in (0, bob_picks)) for i in range(len(ann.options))]  # ann picked the first choice
    for name, (bars, errors, served_by) in boards.items():  # what the teacher sees, wherever it is opened
        assert errors == [], (name, errors)
        assert len(bars) == 1, (name, served_by, bars)  # one question, one version of it
        assert bars[0].title == "2 answers" and bars[0].choices == ann.options and bars[0].counts == want, \
            (name, served_by, bars[0])
    (mine,) = ann.bars  # ann answered first: the class was her answer alone
    assert mine.title == "Your class so far: 1 answer" and mine.counts == [1] + [0] * (len(want) - 1), mine
    (mine,) = bob.bars  # bob, on the other copy, sees ann's answer counted with his
    assert mine.title == "Your class so far: 2 answers" and mine.counts == want, mine


def test_both_copies_share_the_class_poll_and_carry_on_without_redis(deployment, loop):
    a, b = (c["url"] for c in deployment.copies)

    async def a_page_on(url: str):  # a copy makes its poll store with its first page (this may be the first test)
        s = Session(url, "draw")
        await s.open(timeout=300)
        await s.close()
    for url in (a, b):
        loop(a_page_on(url))
    assert metric(a, "nn_poll_available") == metric(b, "nn_poll_available") == 1
    # The copies' store (the same URL and prefix they use): answers "through" both count together.
    one, two = RedisStore(deployment.redis_url), RedisStore(deployment.redis_url)
    one.answer("lesson-1", "q-relu", "ann", 0, 3)
    two.answer("lesson-1", "q-relu", "bob", 2, 3)
    assert one.summary("lesson-1") == two.summary("lesson-1") == {"q-relu": [1, 0, 1]}
    deployment.redis.terminate()
    deployment.redis.wait(10)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (metric(a, "nn_poll_available") or metric(b, "nn_poll_available")):
        time.sleep(1)
    assert metric(a, "nn_poll_available") == metric(b, "nn_poll_available") == 0

    async def pages_still_work():
        s = Session(deployment.url, "draw")
        await s.open(timeout=300)
        got = await draw(s, "7", 7)
        await s.close()
        return got, s.errors
    got, errors = loop(pages_still_work())
    assert got is not None and errors == []
    # Redis back on its port: both copies find it again (and the module's other tests, on this
    # worker in whatever order pytest-xdist gives them, have their poll)
    deployment.start_redis(int(deployment.redis_url.rsplit(":", 1)[1].split("/")[0]))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (metric(a, "nn_poll_available") and metric(b, "nn_poll_available")):
        time.sleep(1)
    assert metric(a, "nn_poll_available") == metric(b, "nn_poll_available") == 1


def services_shot(name: str):
    from devtools.paths import SHOTS
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"{name}.png"
