"""A class on one class link at the protocol level (devtools/st_client.py, no browser): the
teacher's links from the Train page's share panel, a student answering a lesson question, and
the class's answers as a page shows them (the student's bars after answering, the teacher's
board at /class?teacher=…).

    token, teacher = await class_links(url, expiry="a day")
    ann = await answer(url, token, step, "home.q.params", 0)   # ann.verdict, ann.bars
    board = await open_board(url, teacher)                     # shown(board): the bars on the page

What a page shows is read from its HTML (ui/charts/svg.py's class_bars: a title, then one row
per choice with its words and its count), as a reader of the screen would read it.
Leaves out: browsers (tests/test_browser_poll.py drives the teacher's view in Chromium).
"""
from __future__ import annotations

import asyncio
import html
import re
import time
from dataclasses import dataclass, field

from devtools.st_client import Session

_TITLE = re.compile(r'<div class="nn-poll-title">(.*?)</div>', re.S)
_ROW = re.compile(r'<div class="nn-poll-choice">(.*?)(?: <span class="nn-poll-tag">\((.*?)\)</span>)?</div>.*?'
                  r'<div class="nn-poll-count">(\d+)</div>', re.S)


@dataclass
class Bars:
    """One chart of a class's answers as shown: its title ("2 answers"), each choice's words,
    count and tags ("right answer", "your answer")."""
    title: str
    choices: list[str]
    counts: list[int]
    tags: list[str]


@dataclass
class Answered:
    """A student who answered a question: its choices, the verdict shown, the class's bars shown after."""
    options: list[str]
    verdict: str
    bars: list[Bars]
    before: list[Bars]              # the class's bars shown before answering (should be none)
    errors: list[str] = field(default_factory=list)


def bars_in(body: str) -> list[Bars]:
    """Every class chart (ui/charts/svg.py's class_bars) in one HTML element's body."""
    if 'class="nn-poll"' not in body:
        return []
    out = []
    for chunk in body.split('<div class="nn-poll" ')[1:]:
        title = _TITLE.search(chunk)
        rows = _ROW.findall(chunk)
        out.append(Bars(html.unescape(title.group(1)) if title else "", [html.unescape(c) for c, _, _ in rows],
                        [int(n) for _, _, n in rows], [t for _, t, _ in rows]))
    return out


def shown(s: Session) -> list[Bars]:
    """The class charts on a session's page now, in page order."""
    return [b for e in s.find(kind="html") for b in bars_in(e.proto.body)]


async def wait_shown(s: Session, ready, timeout: float = 30, every: float = 0.2) -> list[Bars]:
    """The class charts on an open page once `ready(charts)` holds (a board refreshes itself
    every few seconds); after `timeout` s, the charts shown then."""
    deadline = time.monotonic() + timeout
    while not ready(shown(s)) and time.monotonic() < deadline and not s.closed:
        await asyncio.sleep(every)
    return shown(s)


async def class_links(url: str, expiry: str | None = None, timeout: float = 300) -> tuple[str, str]:
    """(the class link's token, the teacher's own token) as a teacher gets them from the share
    panel of the Train page on the server at `url` (signed with that server's key). `expiry`:
    one of the panel's "The link works for" choices (another expiry, another class)."""
    s = Session(url, "train")
    try:
        await s.open(timeout=timeout)
        if expiry is not None:
            box = s.widget(kind="selectbox", key="train.share.expiry")
            s.set_value(box, "string_value", expiry)
            await s.wait(await s.interact(box), timeout)
        codes = [c.proto.code_text for c in s.find(kind="code")]
    finally:
        await s.close()
    lesson = [c for c in codes if "lesson=" in c]
    teacher = [c for c in codes if "?teacher=" in c]
    if len(lesson) != 1 or len(teacher) != 1:
        raise LookupError(f"the share panel shows no class link and teacher link: {codes}")
    return lesson[0].split("lesson=", 1)[1].split("&")[0], teacher[0].split("?teacher=", 1)[1]


async def answer(url: str, token: str, step: int, question: str, choice: int, page: str = "",
                 timeout: float = 240) -> Answered:
    """A student opens the class link at lesson step `step` (on its page `page`, its url path)
    on the server at `url`, picks choice number `choice` of question `question` (its key) and
    presses "Check my answer", as in the browser."""
    s = Session(url, page, query=f"lesson={token}&step={step}")
    try:
        await s.open(timeout)
        radio = s.widget(kind="radio", key_prefix=question + ".")
        before = shown(s)
        s.set_value(radio, "string_value", radio.proto.options[choice])
        await s.wait(await s.interact(radio), timeout)
        before += shown(s)  # picked, not yet checked: still nothing of the class
        await s.wait(await s.click(s.widget(kind="button", key=radio.key + ".check")), timeout)
        verdicts = [e.proto.body for e in s.find(kind="alert") if e.proto.body.startswith(("Right", "Not quite"))]
        return Answered(list(radio.proto.options), verdicts[0] if verdicts else "", shown(s), before, list(s.errors))
    finally:
        await s.close()


def right_choice(a: Answered) -> int:
    """The number of the right choice, as the verdict a student got names it."""
    if a.verdict.startswith("Right: "):
        return next(i for i, o in enumerate(a.options) if a.verdict.startswith(f"Right: {o}."))
    return next(i for i, o in enumerate(a.options) if a.verdict.startswith(f"Not quite: the answer is {o}."))


async def open_board(url: str, teacher: str, timeout: float = 240) -> Session:
    """The teacher's board (/class?teacher=…) on the server at `url`, open (close it after);
    it refreshes itself (its fragment's timer) while open."""
    s = Session(url, "class", query=f"teacher={teacher}")
    await s.open(timeout)
    return s
