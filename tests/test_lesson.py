"""The guided lesson (assets/lesson.toml, views/shell/lesson.py) in AppTest: every step names a
page of the navigation and a key that page really renders (so a rename elsewhere fails here,
loudly, with the step's number), `?step=k` opens step k on its page, Back / Next / Leave and
"Back to the lesson" move along the path and the address follows.
(The real browser: tests/test_browser_lesson.py.)"""
import re

import pytest

from devtools.apptest import DIGITS, draw, fresh, kept_run, rendered_keys
from views.shell import lesson, nav
from views.shell.lesson import PathError, parse

STEPS = lesson.path()


@pytest.fixture(scope="module")
def rendered():
    """{page url: (keys it renders, question keys asked)} from one session that visits every page
    in the state the lesson's earlier steps leave it in: Backprop on its own example (before a
    digit is drawn, which it would ask about), two runs kept for Compare's question, a digit drawn
    for Draw's questions (last)."""
    at = fresh()
    at.session_state["runs.kept"] = [kept_run(1, 0.02), kept_run(2, 0.0004)]
    out = {}
    for page in sorted(nav.LESSON, key=lambda p: p.url == "draw"):
        at.switch_page(page.script).run()
        if page.url == "draw":
            draw(at, DIGITS["7"])
        assert not at.exception, (page.title, at.exception)
        out[page.url] = rendered_keys(at), {r.key.rsplit(".", 1)[0] for r in at.radio}
    return out


def test_the_path_is_a_short_lesson_across_the_pages():
    assert 15 <= len(STEPS) <= 25
    assert [s.number for s in STEPS] == list(range(1, len(STEPS) + 1))
    pages = [s.page.url for s in STEPS]
    assert set(pages) == {p.url for p in nav.LESSON}, "every page has a step"
    # in the lesson's order: a page's steps together, the pages as the navigation lists them
    order = [p.url for p in nav.LESSON]
    assert pages == sorted(pages, key=order.index)
    for s in STEPS:
        sentences = [x for x in re.split(r"(?<=[.!?])\s+", s.text) if x]
        assert 1 <= len(sentences) <= 3, (s.number, sentences)
        assert s.do and len(s.do) <= 200
    assert sum(s.asks for s in STEPS) >= 8  # many steps ask the class something
    assert lesson.polled() == {s.key for s in STEPS if s.asks}


@pytest.mark.parametrize("page", sorted({s.page for s in STEPS}, key=nav.LESSON.index), ids=lambda p: p.title)
def test_every_step_points_at_something_its_page_renders(page, rendered):
    keys, asked = rendered[page.url]
    for s in [s for s in STEPS if s.page == page]:
        assert any(s.matches(k) for k in keys), f"step {s.number} points at {s.key!r}, which {page.title} does not render"
        if s.asks:  # a question the student can answer, not a placeholder
            assert s.key in asked, f"step {s.number}: {page.title} asks no question {s.key!r} (it asks {sorted(asked)})"


def test_a_rename_would_fail_here(rendered):
    """The check above fails for a key the page does not render (not only for pages that crash)."""
    keys, _ = rendered[""]
    bad = parse('[[step]]\npage = "Home"\nelement = "home.view.netwrok"\ntitle = "t"\ntext = "x."\ndo = "d"\n')[0]
    assert not any(bad.matches(k) for k in keys) and any(STEPS[0].matches(k) for k in keys)
    canvas = parse('[[step]]\npage = "Draw"\nelement = "draw.canvas.*"\ntitle = "t"\ntext = "x."\ndo = "d"\n')[0]
    assert canvas.matches("draw.canvas.0") and not canvas.matches("draw.canvasses") and canvas.selector == \
        '[class*="st-key-draw-canvas-"]'


@pytest.mark.parametrize("text, why", [
    ('[[step]]\npage = "Nowhere"\nelement = "a.b"\ntitle = "t"\ntext = "x."\ndo = "d"\n', "no page called"),
    ('[[step]]\npage = "Home"\nelement = "a.b"\nask = "a.c"\ntitle = "t"\ntext = "x."\ndo = "d"\n', "either"),
    ('[[step]]\npage = "Home"\ntitle = "t"\ntext = "x."\ndo = "d"\n', "either"),
    ('[[step]]\npage = "Home"\nelement = "a.b"\ntitle = "t"\ntext = "x."\ndo = "d"\ncolour = "red"\n', "unknown"),
    ('[[step]]\npage = "Home"\nelement = "Not a key"\ntitle = "t"\ntext = "x."\ndo = "d"\n', "not an element key"),
    ('[[step]]\npage = "Home"\nelement = "a.b"\ntitle = "t"\ntext = ""\ndo = "d"\n', "must be some text"),
    ('[[step]]\npage = "Home"\nelement = "a.b"\ntitle = "t"\ntext = "' + "x" * 700 + '"\ndo = "d"\n', "at most"),
    ("step = 3", "[[step]]"), ("[[step]\n", "not valid TOML")])
def test_a_broken_lesson_file_is_refused_with_the_step_and_field(text, why):
    with pytest.raises(PathError, match=re.escape(why)):
        parse(text)


def _panel(at) -> str:
    return " ".join(m.value for m in at.markdown if "nn-lesson-step" in m.value)


def test_a_link_with_a_step_opens_that_step_on_its_page():
    k = next(s.number for s in STEPS if s.page.url == "weights")
    at = fresh({"step": str(k)})
    assert at.session_state["lesson.step"] == k and at.session_state["lesson.open"]
    assert any("What the network learned" in t.value for t in at.title), "switched to the step's page"
    assert f"step {k} of {len(STEPS)}" in _panel(at) and STEPS[k - 1].title in _panel(at)
    assert at.query_params["step"] == str(k)


@pytest.mark.parametrize("bad", ["0", "999", "seven", "1e9"])
def test_a_bad_step_in_a_link_is_said_and_opens_nothing(bad):
    at = fresh({"step": bad})
    assert at.session_state["lesson.step"] is None and not _panel(at)
    assert any("step=" in w.value and "the lesson is not opened" in w.value for w in at.warning)
    assert "step" not in at.query_params


def test_next_back_leave_and_back_to_the_lesson():
    at = fresh()
    at.button(key="home.start").click().run()
    assert at.session_state["lesson.step"] == 1 and "step 1 of" in _panel(at)
    assert at.button(key="lesson.back").disabled
    last_home = max(s.number for s in STEPS if s.page.url == "")
    for k in range(2, last_home + 2):  # Next along Home's steps, then on to the next page
        at.button(key="lesson.next").click().run()
        assert not at.exception, at.exception
        assert at.session_state["lesson.step"] == k and f"step {k} of" in _panel(at)
        assert at.query_params["step"] == str(k)
    assert STEPS[last_home].page.url == "draw" and any("Your digit" in t.value for t in at.title)
    at.button(key="lesson.back").click().run()
    assert at.session_state["lesson.step"] == last_home and any("How a neural network" in t.value for t in at.title)
    at.button(key="lesson.leave").click().run()
    assert not _panel(at) and "step" not in at.query_params
    at.switch_page("app_pages/evaluate.py").run()  # exploring on its own
    back = at.sidebar.button(key="lesson.return")
    assert f"step {last_home}" in back.label
    back.click().run()
    assert at.session_state["lesson.open"] and any("How a neural network" in t.value for t in at.title)
    assert f"step {last_home} of" in _panel(at) and at.query_params["step"] == str(last_home)


def test_exploring_another_page_the_panel_leads_back_to_the_step():
    at = fresh({"step": "2"})
    at.switch_page("app_pages/units.py").run()
    assert "You are exploring" in _panel(at) and at.session_state["lesson.step"] == 2
    at.button(key="lesson.return_here").click().run()
    assert any("How a neural network" in t.value for t in at.title) and "step 2 of" in _panel(at)


def test_the_last_step_finishes_the_lesson():
    at = fresh({"step": str(len(STEPS))})
    assert at.button(key="lesson.next").label == "Finish the lesson"
    at.button(key="lesson.next").click().run()
    assert not at.session_state["lesson.open"] and not _panel(at)
    assert at.sidebar.button(key="lesson.return")  # and the way back stays
