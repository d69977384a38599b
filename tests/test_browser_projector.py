"""Projector first, and nothing cut off on a phone (issue 18, item 4), measured in Chromium on
every page of the navigation: in projector mode (`?projector=1`, 1,400 px) every visible text
node, chart ticks and the chain-rule picture's labels included, is drawn at >= 18 px and every
caption's text has >= 7:1 contrast with what is behind it; on a phone (Pixel 5, its user agent)
nothing is wider than the screen (an equation too wide scrolls inside its own box) and the
chain-rule picture's labels are >= 12 px. (The teacher's view: tests/test_browser_poll.py.)"""
import pytest

from devtools.browser import (
    LOW_CONTRAST,
    SCREENS,
    SMALL_TEXT,
    TOO_WIDE,
    exceptions,
    screenshot,
    wait_idle,
    wait_settled,
)
from devtools.pages import LESSON, heading, url_path

pytestmark = pytest.mark.browser


def _open(page, url: str, title: str) -> None:
    page.goto(url)
    wait_idle(page)
    page.get_by_test_id("stMain").get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    wait_settled(page, timeout=60_000)
    page.wait_for_timeout(500)  # Plotly's charts size themselves after the layout settles


def test_projector_mode_every_text_at_least_18px_and_captions_7_to_1(server, browser):
    page = browser.new_context(**SCREENS["desktop"]).new_page()
    small, faint = {}, {}
    for p in LESSON:
        _open(page, f"{server}{url_path(p)}?projector=1", heading(p))
        assert page.locator(".st-key-view-projector_switch input").is_checked(), p.title
        small[p.title] = page.evaluate(SMALL_TEXT, 18)[:5]
        faint[p.title] = page.evaluate(LOW_CONTRAST, 7)[:5]
        assert exceptions(page) == 0, p.title
        if p.url in ("", "backprop", "evaluate"):
            screenshot(page, f"projector-{p.url or 'home'}")
    page.context.close()
    assert {t: s for t, s in small.items() if s} == {}
    assert {t: s for t, s in faint.items() if s} == {}


def test_on_a_phone_nothing_is_wider_than_the_screen_and_the_chain_rule_reads(server, browser):
    page = browser.new_context(**SCREENS["pixel5"]).new_page()
    wide = {}
    for p in LESSON:
        _open(page, f"{server}{url_path(p)}", heading(p))
        # an equation wider than its column scrolls inside its own box (scrollWidth > clientWidth): allowed
        wide[p.title] = [w for w in page.evaluate(TOO_WIDE) if w[0] != "katex" or w[3] > w[4] + 0.5]
        assert page.evaluate("() => document.scrollingElement.scrollWidth <= innerWidth"), p.title
        if p.url == "backprop":
            chain = page.locator(".st-key-backprop-view-chain .nn-chain-tall svg")
            chain.wait_for(timeout=30_000)
            assert page.locator(".st-key-backprop-view-chain .nn-chain-wide svg").is_hidden()
            sizes = chain.evaluate("svg => [...svg.querySelectorAll('text')].map(t => "
                                   "parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)")
            assert len(sizes) >= 20 and min(sizes) >= 12, sorted(sizes)[:5]
            chain.scroll_into_view_if_needed()
            chain.screenshot(path=str(screenshot(page, "phone-backprop").with_name("phone-chain-rule.png")))
    page.context.close()
    assert {t: w for t, w in wide.items() if w} == {}
