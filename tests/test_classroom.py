"""Class links (links/classroom.py), projector mode (views/shell/projector.py) and the lesson's order (views/shell/nav.py)."""
import pytest

from devtools.apptest import button, fresh, share_link, texts, train_page
from links import classroom
from links.controls import controls
from server.limits import Limits
from views.shell import nav


def token(link: str) -> str:
    return link.split("lesson=", 1)[1]


# ------------------------------------------------------------------ the token
def test_a_token_says_what_it_was_made_with_and_nothing_else():
    lesson, why = classroom.read_token(classroom.make_token("best", {"lr": "0.01", "optimizer": "sgd"}, True))
    assert why is None and lesson["preset"] == "best" and lesson["projector"] is True
    assert lesson["fixed"] == {"lr": 0.01, "optimizer": "sgd"} and lesson["hidden"] == ["lr", "optimizer"]


@pytest.mark.parametrize("tamper", [
    lambda t: t[:5] + ("A" if t[5] != "A" else "B") + t[6:],          # one character of the settings
    lambda t: t.split(".")[0] + "." + "A" * 16,                        # a made-up tag
    lambda t: classroom.make_token("fast", {}, False).split(".")[0] + "." + t.split(".")[1],  # another body
    lambda t: t + "." + t,                                             # two tokens
    lambda t: "x" * (classroom.MAX_TOKEN + 1),                         # too long to read at all
    lambda t: "",
])
def test_a_changed_token_is_refused_with_a_plain_note(tamper):
    good = classroom.make_token("best", {"lr": "0.01"}, False)
    lesson, why = classroom.read_token(tamper(good))
    assert lesson is None and "changed" in why


def test_a_signed_token_with_settings_this_app_lacks_is_refused():
    lesson, why = classroom.read_token(classroom.make_token("fast", {"warp_speed": "9"}, False))
    assert lesson is None and "does not have" in why
    lesson, why = classroom.read_token(classroom.make_token("fast", {"lr": "inf"}, False))
    assert lesson is None and "lr=" in why
    lesson, why = classroom.read_token(classroom.make_token("no-such-preset", {}, False))
    assert lesson is None and "understands" in why


# ------------------------------------------------------------------ in the app
def test_a_teacher_makes_a_link_and_a_student_gets_those_settings_fixed():
    teacher = train_page()
    keys = {c.key: c for c in controls(Limits())}
    teacher.multiselect(key="train.share.fixed").set_value(["lr", "optimizer"]).run()
    link = share_link(teacher)
    assert link.startswith("/train?lesson=")
    lr, opt = teacher.session_state["lr"], teacher.session_state["optimizer"]

    student = train_page({"lesson": token(link), "lr": "10", "optimizer": "adam" if opt != "adam" else "sgd"})
    shown = {w.key for kind in ("number_input", "selectbox", "select_slider", "text_input")
             for w in getattr(student, kind)}
    assert "lr" not in shown and "optimizer" not in shown and "epochs" in shown  # fixed ones have no widget
    assert not [s for s in student.selectbox if s.key == "preset"]
    notes = texts(student.warning)
    assert "lr=" in notes and "this class link fixes lr" in notes and "this class link fixes optimizer" in notes
    assert keys["lr"].label.lower() in texts(student.info)
    button(student, "Start").click().run()
    config = student.session_state["train.trainer"].config
    assert config.lr == lr and config.optimizer == opt
    button(student, "Pause").click().run()                         # frees the server's training slot
    assert not [c for c in student.code if "lesson=" in c.value]   # students do not get the teacher's panel


def test_an_edited_class_link_opens_the_app_without_class_settings():
    good = classroom.make_token("best", {"lr": "0.01"}, False)
    at = train_page({"lesson": good[:-2] + ("AA" if good[-2:] != "AA" else "BB")})
    assert at.session_state["class.lesson"] is None and "was changed" in texts(at.sidebar.warning)
    assert "lr" in {w.key for w in at.number_input} | {w.key for w in at.select_slider}
    assert not at.exception


def test_projector_mode_from_the_link_and_the_switch():
    at = fresh({"projector": "1"})
    assert at.session_state["view.projector"] and any("projector" in h.proto.body or "font-size: 20px" in h.proto.body
                                                      for h in at.get("html"))
    at = fresh()
    assert not at.session_state["view.projector"] and not at.get("html") or \
        not any("font-size: 20px" in h.proto.body for h in at.get("html"))
    at.toggle(key="view.projector_switch").set_value(True).run()
    assert any("font-size: 20px" in h.proto.body for h in at.get("html"))
    lesson = classroom.make_token("fast", {}, True)
    at = fresh({"lesson": lesson})
    assert at.session_state["view.projector"]


# ------------------------------------------------------------------ the lesson's order
def test_the_pages_follow_the_lesson_and_each_links_to_the_next():
    assert [p.title for p in nav.LESSON] == ["Home", "Draw", "Backprop", "Train", "Weights", "Evaluate",
                                           "Layer map", "Units", "Break it", "Robustness", "Compare"]
    at = fresh()
    links = [p.proto.page for p in at.get("page_link")]
    assert links[:len(nav.LESSON) - 1] == [p.url for p in nav.LESSON[1:]]  # Home lists every page, in order
    for here, there in zip(nav.LESSON[1:-1], nav.LESSON[2:]):
        at.switch_page(here.script).run()
        assert not at.exception, (here.title, at.exception)
        nexts = [p for p in at.get("page_link") if p.proto.label.startswith("Next:")]
        assert len(nexts) == 1 and nexts[0].proto.label.startswith(f"Next: {there.title}"), here.title
