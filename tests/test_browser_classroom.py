"""A classroom in a real browser: the navigation follows the lesson; a teacher's class link
fixes and hides settings for a student on a phone (who cannot change them through the link)
and opens in projector mode; a third training waits in line and starts by itself."""
import base64
import json
import re

import pytest

from devtools.browser import exceptions, screenshot, sidebar_step, wait_idle
from views.shell import nav

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1400, "height": 900}}
SIDEWAYS = "() => document.scrollingElement.scrollWidth - window.innerWidth"


def said(link: str) -> dict:
    """What a class link's token carries (its signed body, decoded)."""
    body = link.split("lesson=", 1)[1].split(".")[0]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_the_navigation_follows_the_lesson(server, browser):  # noqa: F811
    page = browser.new_context(**DESKTOP).new_page()
    page.goto(server)
    wait_idle(page)
    side = page.get_by_test_id("stSidebarNav")
    shown = [n.split("\n")[-1].strip() for n in side.get_by_role("link").all_inner_texts()]
    assert shown == [p.title for p in nav.LESSON[:nav.SHOWN]], shown  # the lesson first (Home to Evaluate)
    assert shown[-1] == "Evaluate"
    side.get_by_role("button", name=re.compile(f"View {len(nav.LESSON) - nav.SHOWN} more")).click()        # then the pages that look inside
    side.get_by_role("link", name=nav.LESSON[-1].title).wait_for()
    shown = [n.split("\n")[-1].strip() for n in side.get_by_role("link").all_inner_texts()]
    assert shown == [p.title for p in nav.LESSON], shown
    main = page.get_by_test_id("stMain")
    titles = "|".join(re.escape(p.title) for p in nav.LESSON[1:])
    main.get_by_role("link", name=re.compile(rf"{re.escape(nav.LESSON[-1].title)}: [A-Z]")).wait_for()  # Home's list is drawn
    assert main.get_by_role("link", name=re.compile(rf"({titles}): [A-Z]")).count() == len(nav.LESSON) - 1  # Home links every page
    main.get_by_role("link", name=re.compile(r"Draw: One")).click()
    main.get_by_role("link", name=re.compile(f"Next: {re.escape(nav.LESSON[2].title)}")).wait_for(timeout=20_000)
    page.context.close()


def test_a_class_link_fixes_hidden_settings_on_a_phone_in_projector_mode(server, browser):  # noqa: F811
    teacher = browser.new_context(**DESKTOP).new_page()
    teacher.goto(f"{server}/train?lr=0.004")
    wait_idle(teacher)
    main = teacher.get_by_test_id("stMain")
    main.get_by_text("Share with a class").click()
    box = teacher.locator(".st-key-train-share-fixed")
    box.locator("input").first.click()
    teacher.keyboard.type("Learning rate")
    teacher.keyboard.press("Enter")
    teacher.keyboard.press("Escape")
    switch = teacher.locator(".st-key-train-share-projector input")
    teacher.wait_for_timeout(500)  # the menu closes
    switch.focus()
    teacher.keyboard.press("Space")
    teacher.wait_for_function("() => document.querySelector('.st-key-train-share-projector input').checked")
    wait_idle(teacher)
    code = teacher.locator('[data-testid="stCode"]').filter(has_text="lesson=")
    for _ in range(40):  # the link is redrawn after the switch's rerun
        link = code.inner_text().strip().replace("\n", "")
        if said(link) == {"preset": "fast", "fixed": {"lr": "0.005"}, "projector": True}:
            break
        teacher.wait_for_timeout(250)
    assert said(link)["projector"] and said(link)["fixed"] == {"lr": "0.005"}, said(link)
    assert "/train?lesson=" in link, link
    screenshot(teacher, "class-link-teacher")
    teacher.context.close()

    student = browser.new_context(**PHONE).new_page()
    student.goto(link + "&lr=10")                       # a student tries to change the fixed setting
    wait_idle(student)
    main = student.get_by_test_id("stMain")
    main.get_by_text("Your teacher's link sets the preset").wait_for(timeout=20_000)
    student.locator(".st-key-epochs").wait_for()
    assert student.locator(".st-key-lr").count() == 0
    assert "this class link fixes lr" in main.inner_text()
    size = student.evaluate("""() => parseFloat(getComputedStyle(document.querySelector(
        '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p')).fontSize)""")
    assert size >= 18, size                              # projector mode came with the link
    assert student.evaluate(SIDEWAYS) <= 0
    screenshot(student, "class-link-student-phone")
    assert exceptions(student) == 0

    edited = browser.new_context(**PHONE).new_page()    # an edited token: plain note, no class settings
    token = link.split("lesson=", 1)[1]
    edited.goto(link.replace(token, token[:-3] + ("xyz" if token[-3:] != "xyz" else "abc")))
    wait_idle(edited)
    edited.get_by_test_id("stMain").get_by_text("This class link was changed").wait_for(timeout=20_000)
    edited.locator(".st-key-lr").wait_for()
    assert exceptions(edited) == 0
    student.context.close(), edited.context.close()


def test_a_third_training_waits_in_line_and_starts_by_itself(server, browser):  # noqa: F811
    pages = [browser.new_context(**DESKTOP).new_page() for _ in range(3)]
    for p in pages:
        p.goto(f"{server}/train?epochs=100&n_train=20000")  # far longer than the test
        wait_idle(p)
    for p in pages[:2]:  # the server allows two at once
        p.get_by_test_id("stMain").get_by_role("button", name="Start").click()
        assert sidebar_step(p, 20_000) is not None
    third = pages[2]
    third.get_by_test_id("stMain").get_by_role("button", name="Start").click()
    note = third.get_by_test_id("stMain").get_by_text("1st in line")
    note.wait_for(timeout=20_000)
    assert "starts by itself" in third.get_by_test_id("stMain").inner_text()
    screenshot(third, "train-in-line")
    pages[0].get_by_test_id("stMain").get_by_role("button", name="Pause").click()  # a slot frees
    assert sidebar_step(third, 20_000) is not None                                  # and the third run starts
    note.wait_for(state="detached", timeout=20_000)
    for p in pages[1:]:
        p.get_by_test_id("stMain").get_by_role("button", name="Pause").click()
        p.wait_for_timeout(500)
        assert exceptions(p) == 0
    for p in pages:
        p.context.close()
