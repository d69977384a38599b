"""The guided lesson walked in Chromium (assets/lesson.toml, views/shell/lesson.py), on a desktop
(1,400 px) and on a phone (Pixel 5, its user agent: Streamlit closes the sidebar after a page
switch only for a mobile agent): from `/?step=1` every step by Next, each step's element
outlined and on screen (below the header, above the lesson panel at the foot); Back and Next;
`?step=k` opens step k on its page; Leave the lesson, then "Back to the lesson" returns to the
step. Doing what a step says where a later step needs it: a digit drawn at step 3 (Draw's
questions), Backprop told which digit the drawing is, the ReLU vs sigmoid pair trained at the Compare step (Compare's question).
Screenshots of every step go to artifacts/screenshots/lesson-<screen>-<k>.png."""
import re

import pytest

from devtools.browser import DIGIT_STROKES, SCREENS, axe_violations, draw_digit, exceptions, screenshot, wait_idle
from views.shell import lesson

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STEPS = lesson.path()
N = len(STEPS)

# Where the step's element is: its top below the header and inside the part of the screen the
# lesson panel leaves (or, if taller than that, it fills it), and it carries the outline.
ON_SCREEN = """(sel) => {
  const el = document.querySelector(sel);
  if (!el) return 'missing';
  const r = el.getBoundingClientRect();
  const panel = document.querySelector('.st-key-lesson-panel');
  const floor = panel ? panel.getBoundingClientRect().top : innerHeight;
  const header = document.querySelector('[data-testid="stHeader"]');
  const ceiling = header ? header.getBoundingClientRect().bottom : 0;
  const seen = Math.min(r.bottom, floor) - Math.max(r.top, ceiling);
  if (getComputedStyle(el).outlineStyle !== 'solid') return 'no outline';
  if (!r.height) return 'empty';
  return seen >= Math.min(r.height, (floor - ceiling) / 2, 120) && r.top >= ceiling - 1 ? 'ok'
    : `off screen: top ${Math.round(r.top)}, bottom ${Math.round(r.bottom)}, view ${Math.round(ceiling)}..${Math.round(floor)}`;
}"""


def _at_step(page, k: int, timeout: float = 60_000) -> None:
    page.locator(".st-key-lesson-panel").get_by_text(f"step {k} of {N}").wait_for(timeout=timeout)
    wait_idle(page, timeout)


def _element_on_screen(page, k: int, timeout_s: float = 30) -> str:
    """Polls until step k's element is outlined and on screen; the last verdict."""
    s = STEPS[k - 1]
    verdict = ""
    for _ in range(int(timeout_s * 4)):
        verdict = page.evaluate(ON_SCREEN, s.selector)
        if verdict == "ok":
            page.wait_for_timeout(400)  # and stays there once the page has settled
            verdict = page.evaluate(ON_SCREEN, s.selector)
            if verdict == "ok":
                return verdict
        page.wait_for_timeout(250)
    return verdict


def _press(page, key: str) -> None:
    page.locator(f".st-key-{key.replace('.', '-')} button:visible").first.click()


def _walk(page, server: str, screen: str) -> dict[int, str]:
    page.goto(f"{server}/?step=1")
    _at_step(page, 1)
    assert page.url.endswith("step=1"), page.url
    verdicts = {}
    for k in range(1, N + 1):
        s = STEPS[k - 1]
        _at_step(page, k)
        assert re.search(rf"[?&]step={k}\b", page.url), (k, page.url)
        if k == 4 and s.page.url == "draw" and not page.locator(".st-key-prediction").count():
            raise AssertionError("step 3 drew no digit")
        if s.page.url == "compare" and s.asks:
            page.locator(f'[class*="st-key-{s.key.replace(".", "-")}"]').first.wait_for(timeout=300_000)  # the runs end
        verdicts[k] = _element_on_screen(page, k)
        if k in (1, 2, 9, N):  # the panel, a question, the chain-rule picture, Compare's question
            assert axe_violations(page) == [], k
        if STEPS[k - 1].key == "draw.canvas.*":  # (where the lesson put it: on screen, above the panel)
            draw_digit(page, DIGIT_STROKES["7"], timeout_ms=60_000)
        if s.key == "backprop.view.example":  # it asks which digit the drawing is (the loss needs it)
            page.locator(".st-key-backprop-meant button", has_text="7").first.click()
            page.locator(".st-key-backprop-view-wants").wait_for(timeout=60_000)
        if s.page.url == "compare" and not s.asks:
            page.locator(".st-key-compare-pair-relu-sigmoid button:visible").first.click()
            wait_idle(page)
        screenshot(page, f"lesson-{screen}-{k:02d}")  # (the whole page: it grows the window for a moment)
        if k == 2 or (k < N and STEPS[k].page != s.page):  # Back (to the page before, when the step changes page)
            _press(page, "lesson.back")
            _at_step(page, k - 1)
            assert _element_on_screen(page, k - 1) == "ok", (k - 1, "after Back")
        if k < N:
            _press(page, "lesson.next")
            if k == 2 or STEPS[k].page != s.page:
                _at_step(page, k)
                _press(page, "lesson.next")
    assert exceptions(page) == 0
    return verdicts


def test_the_lesson_on_a_desktop(server, browser):
    page = browser.new_context(**SCREENS["desktop"]).new_page()
    verdicts = _walk(page, server, "desktop")
    assert {k: v for k, v in verdicts.items() if v != "ok"} == {}
    # leave the lesson, explore, come back to the step
    _press(page, "lesson.leave")
    page.get_by_test_id("stSidebar").get_by_role("button", name=re.compile(f"Back to the lesson: step {N}")).click()
    _at_step(page, N)
    assert _element_on_screen(page, N) == "ok"
    # ?step=k opens step k on its page, in a new session
    fresh = browser.new_context(**SCREENS["desktop"]).new_page()
    for k in (7, 15):
        fresh.goto(f"{server}/?step={k}")
        _at_step(fresh, k)
        assert fresh.url.split("?")[0].rstrip("/").endswith(STEPS[k - 1].page.url), fresh.url
        assert _element_on_screen(fresh, k) == "ok", k
    fresh.context.close(), page.context.close()


def test_the_lesson_on_a_phone(server, browser):
    page = browser.new_context(**SCREENS["pixel5"]).new_page()
    verdicts = _walk(page, server, "phone")
    assert {k: v for k, v in verdicts.items() if v != "ok"} == {}
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= innerWidth")
    page.goto(f"{server}/?step=9")
    _at_step(page, 9)
    assert _element_on_screen(page, 9) == "ok"
    page.context.close()
