"""A class of 30 on one class link, against a real server (the `server` and `browser` fixtures
every browser test shares): the teacher makes the class link on Train's share panel and opens
the own link shown under it; 30 protocol-level student sessions (devtools/st_client.py, no
browser each) open the lesson's step 2 on the class link and answer its question; the
teacher's view, in Chromium, shows counts equal to the answers sent within a few seconds (it
refreshes itself every 3 s); no student sees anything of the class before answering (a late
student, after the 30, neither); an edited teacher link opens no class view.
Screenshots of the teacher's view (desktop, projector, phone) go to artifacts/screenshots/."""
from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from devtools.browser import SCREENS, axe_violations, exceptions, screenshot, wait_idle
from devtools.st_client import Session

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STUDENTS = 30
QUESTION = "home.q.params"  # the question of the lesson's step 2 (assets/lesson.toml)


def _links(browser, server: str) -> tuple[str, str]:
    """The class link's token and the teacher's own link, as the teacher gets them: Train's
    share panel, "Share with a class" (the links are signed by the server with its key)."""
    page = browser.new_context(**SCREENS["desktop"]).new_page()
    page.goto(f"{server}/train")
    wait_idle(page)
    page.get_by_test_id("stMain").get_by_text("Share with a class").click()
    codes = page.locator('[data-testid="stCode"]')
    codes.filter(has_text="?teacher=").wait_for(timeout=30_000)
    wait_idle(page)
    link = codes.filter(has_text="lesson=").inner_text().strip().replace("\n", "")
    teacher = codes.filter(has_text="?teacher=").inner_text().strip().replace("\n", "")
    page.context.close()
    token = re.search(r"lesson=([^&\s]+)", link).group(1)
    assert teacher.startswith(server + "/class?teacher="), teacher
    return token, teacher


def _class_shown(s: Session) -> bool:
    """Whether anything of the class's answers is on this student's page."""
    return any(e.kind == "html" and 'class="nn-poll"' in e.proto.body for e in s.elements.values())


async def _student(url: str, token: str, choice: int | None, timeout: float = 240) -> dict:
    """A student on the class link at the lesson's step 2 (Home's question): what the page
    showed before answering, then answer `choice` (None: stay without answering)."""
    s = Session(url, "", query=f"lesson={token}&step=2")
    try:
        await s.open(timeout)
        radio = s.widget(kind="radio", key_prefix=QUESTION + ".")
        seen_before = _class_shown(s)
        out = {"before": seen_before, "options": list(radio.proto.options), "after": None, "errors": s.errors}
        if choice is None:
            return out
        s.set_value(radio, "string_value", radio.proto.options[choice])
        await s.wait(await s.interact(radio), timeout)
        out["before"] = out["before"] or _class_shown(s)  # picked, not yet checked: still nothing
        check = s.widget(kind="button", key=radio.key + ".check")
        await s.wait(await s.click(check), timeout)
        bars = [e.proto.body for e in s.elements.values() if e.kind == "html" and 'class="nn-poll"' in e.proto.body]
        out["after"] = bars[0] if bars else None
        return out
    finally:
        await s.close()


def _run(coro):
    """Run the sessions' event loop in a thread of its own (Playwright's sync API holds this one's)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _board_counts(page) -> list[int]:
    return [int(c) for c in page.locator(".nn-poll-count").all_inner_texts()]


def test_thirty_students_answer_and_the_teachers_view_counts_them(server, browser):
    token, teacher = _links(browser, server)
    choices = [i % 4 for i in range(STUDENTS)]
    choices = [3 if i % 5 else c for i, c in enumerate(choices)]  # most pick the 4th (the right one): a real class
    board = browser.new_context(**SCREENS["desktop"]).new_page()
    board.goto(teacher)
    wait_idle(board)
    board.get_by_text("No answers yet").wait_for(timeout=60_000)  # a class of its own: nothing counted before

    async def class_of(n):
        return await asyncio.gather(*[_student(server, token, c) for c in choices[:n]])
    t0 = time.monotonic()
    answered = _run(class_of(STUDENTS))
    sent = time.monotonic()
    assert all(not a["errors"] for a in answered), [a["errors"] for a in answered if a["errors"]][:3]
    assert not any(a["before"] for a in answered)  # nobody saw the class before answering
    assert all(a["after"] and "answer" in a["after"] for a in answered)
    options = answered[0]["options"]
    want = [Counter(choices)[i] for i in range(len(options))]
    assert sum(want) == STUDENTS and len(options) == 4

    # the teacher's view: the counts of the answers sent, within a few seconds
    board.wait_for_function(f"() => [...document.querySelectorAll('.nn-poll-title')]"
                            f".some(e => e.textContent.includes('{STUDENTS} answers'))", timeout=30_000)
    shown = time.monotonic()
    assert _board_counts(board) == want, (_board_counts(board), want)
    assert board.locator(".nn-poll-choice").all_inner_texts()[:len(options)] == options
    print(f"\n{STUDENTS} students answered in {sent - t0:.1f} s; the teacher's view showed all "
          f"{STUDENTS} {shown - sent:.1f} s after the last answer (refresh every 3 s)")
    assert shown - sent < 10
    assert exceptions(board) == 0 and axe_violations(board) == []
    screenshot(board, "teacher-view")
    board.get_by_text("Show the right answers").click()
    board.wait_for_function("() => document.querySelector('.nn-poll').textContent.includes('right answer')")
    board.locator(".st-key-teacher-projector input").click(force=True)  # the view's own switch
    wait_idle(board)
    board.wait_for_function("() => parseFloat(getComputedStyle(document.querySelector('.nn-poll-choice'))"
                            ".fontSize) >= 18")
    screenshot(board, "teacher-view-projector")

    # a late student, after the thirty: sees nothing of them until answering, then all 31
    late = _run(_student(server, token, None))
    assert not late["before"] and late["after"] is None
    last = _run(_student(server, token, 0))
    assert not last["before"] and re.search(rf"{STUDENTS + 1} answers", last["after"])
    board.wait_for_function(f"() => document.querySelector('.nn-poll-title').textContent.includes('{STUDENTS + 1} "
                            "answers')", timeout=30_000)
    assert _board_counts(board)[:4] == [want[0] + 1, *want[1:]]
    board.context.close()

    phone = browser.new_context(**SCREENS["pixel5"]).new_page()
    phone.goto(teacher)
    wait_idle(phone)
    phone.locator(".nn-poll-count").first.wait_for(timeout=30_000)
    assert phone.evaluate("() => document.scrollingElement.scrollWidth <= innerWidth")
    screenshot(phone, "teacher-view-phone")
    phone.context.close()

    # an edited teacher link (one character of its tag changed) opens no class view
    edited = teacher[:-1] + ("A" if teacher[-1] != "A" else "B")
    other = browser.new_context(**SCREENS["desktop"]).new_page()
    other.goto(edited)
    wait_idle(other)
    other.get_by_text("opens no class view").wait_for(timeout=30_000)
    other.wait_for_timeout(4000)  # longer than a refresh: still nothing
    assert other.locator(".nn-poll").count() == 0 and exceptions(other) == 0
    other.context.close()
