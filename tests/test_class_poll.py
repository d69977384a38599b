"""Questions commit before they reveal, and a class link counts the lesson's questions in the
class poll, in AppTest: a student sees the class's answers only after answering; answers to
other questions, and answers without a class link, are not counted; the teacher's own link
opens the class's board, an edited one nothing. (30 students at once on a real server, and the
teacher's view in a browser: tests/test_browser_poll.py.)"""
import json

import pytest
from streamlit.testing.v1 import AppTest

from devtools.apptest import answer, fresh
from links import classroom
from server import poll
from views.shell import lesson


@pytest.fixture
def store():
    """A poll store of the test's own (the process's is shared by every test)."""
    before = poll.store()
    mine = poll.MemoryStore()
    poll.use(mine)
    yield mine
    poll.use(before)


@pytest.fixture(scope="module")
def token():
    return classroom.make_token("fast", {}, False)


def _bars(at) -> list[str]:
    return [h.proto.body for h in at.get("html") if 'class="nn-poll"' in h.proto.body]


def _parameter_table(at) -> bool:
    return any("W shape" in list(t.value.columns) for t in at.table)


def _home_question(at):
    return next(r for r in at.radio if r.key.startswith("home.q.params."))


def test_the_answer_shows_only_after_the_student_commits_and_then_stays():
    at = fresh()
    radio = _home_question(at)
    right = next(i for i, o in enumerate(radio.options) if o == "101,770")
    radio.set_value((right + 1) % len(radio.options)).run()  # picked, not checked: nothing revealed
    assert not [m for m in [*at.success, *at.error] if m.value.startswith(("Right", "Not quite"))]
    assert not _parameter_table(at)  # the parameter table waits too
    at.button(key=radio.key + ".check").click().run()
    assert any(m.value.startswith("Not quite: the answer is 101,770.") for m in at.error)
    done = next(r for r in at.radio if r.key == radio.key + ".done")
    assert done.disabled and done.value == (right + 1) % len(radio.options) and _parameter_table(at)
    assert not any(b.key == radio.key + ".check" for b in at.button)  # no second try
    assert at.session_state["answers.committed"] == {radio.key: (right + 1) % len(radio.options)}


def test_a_commit_no_radio_offered_is_not_an_answer():
    """A script can send a press of the (disabled) button with nothing picked, or any number."""
    from ui.questions import Question
    q = Question("home.q.x", "?", ("a", "b"), 0, "why")

    def script():
        import streamlit as st

        from views.shell.answers import SessionAnswers
        st.session_state.setdefault("answers.committed", {})
        st.session_state.setdefault("answers.notes", {})
        st.session_state.setdefault("class.id", None)
        for value in (None, 2, -1, True, "0", 1.0):
            SessionAnswers().commit(st.session_state["q"], value)
        st.markdown(str(len(st.session_state["answers.committed"])))
        SessionAnswers().commit(st.session_state["q"], 1)
        SessionAnswers().commit(st.session_state["q"], 0)  # the first answer stays
        st.write(st.session_state["answers.committed"])
    at = AppTest.from_function(script)
    at.session_state["q"] = q
    at.run()
    assert not at.exception, at.exception
    assert at.markdown[0].value == "0"
    assert at.session_state["answers.committed"] == {q.widget_key: 1}


def test_a_class_counts_its_students_answers_each_sees_the_class_only_after_answering(store, token):
    class_id = classroom.class_id(token)
    ann = fresh({"lesson": token, "step": "2"})
    assert ann.session_state["class.id"] == class_id and "home.q.params" in lesson.polled()
    q = _home_question(ann)
    assert answer(ann, "home.q.params", 3).startswith("Right")
    (poll_id, counts), = store.summary(class_id).items()
    assert poll_id.startswith("home.q.params.") and counts == [0, 0, 0, 1]
    words = json.loads(store.texts(class_id)[poll_id])
    assert words["choices"] == q.options and words["answer"] == 3 and "How many" in words["prompt"]
    (bars,) = _bars(ann)
    assert "1 answer" in bars and "your answer" in bars and "right answer" in bars

    bob = fresh({"lesson": token, "step": "2"})
    assert not _bars(bob)  # the class has answered, bob has not: he sees nothing of it
    answer(bob, "home.q.params", 0)
    (bars,) = _bars(bob)
    assert "2 answers" in bars and store.summary(class_id)[poll_id] == [1, 0, 0, 1]
    ann.run()  # ann's view follows the class when her page reruns
    assert "2 answers" in _bars(ann)[0]


def test_only_the_lessons_questions_on_a_class_link_are_counted(store, token):
    at = fresh({"lesson": token})
    at.switch_page("app_pages/tiny.py").run()
    assert "tiny.q.flips" not in lesson.polled() and "tiny.q.move" in lesson.polled()
    answer(at, "tiny.q.flips", 0)
    answer(at, "tiny.q.move", 1)
    assert [k.rsplit(".", 1)[0] for k in store.summary(classroom.class_id(token))] == ["tiny.q.move"]

    alone = fresh()  # no class link: answers stay with the student
    assert answer(alone, "home.q.params", 3).startswith("Right") and not _bars(alone)
    assert len(store._classes) == 1 and len(store.summary(classroom.class_id(token))) == 1  # (no class of its own)


def test_a_full_class_keeps_the_answer_and_says_it_was_not_counted(store, token, monkeypatch):
    monkeypatch.setattr(poll, "MAX_STUDENTS", 1)
    first = fresh({"lesson": token})
    answer(first, "home.q.params", 3)
    late = fresh({"lesson": token})
    assert answer(late, "home.q.params", 2).startswith("Not quite")
    assert any("Not counted in the class poll" in c.value for c in late.caption) and not _bars(late)
    assert store.summary(classroom.class_id(token))  # the first student's answer stays counted


def _teacher(query: dict):
    at = fresh()
    at.query_params.update(query)
    at.switch_page("app_pages/teacher.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.slow  # ~2 s (make quick leaves it to test-core)
def test_the_teachers_link_opens_the_board_an_edited_one_nothing(store, token):
    ann = fresh({"lesson": token, "step": "2"})
    answer(ann, "home.q.params", 3)
    link = classroom.teacher_token(token)
    at = _teacher({"teacher": link})
    (bars,) = _bars(at)
    assert "1 answer" in bars and "right answer" not in bars  # the right answer waits for the teacher
    assert any("How many" in m.value for m in at.markdown)
    assert any(f"lesson={token}&step=" in c.value for c in at.code)  # the students' link
    at.toggle(key="teacher.reveal").set_value(True).run()
    assert "right answer" in _bars(at)[0]

    for bad in (link[:-2] + ("AA" if not link.endswith("AA") else "BB"),  # its tag edited
                token + "." + token.rsplit(".", 1)[1],                     # the class link's own tag as a teacher's
                classroom.teacher_token(classroom.make_token("best", {}, False))[:-40] + link[-40:],
                token, "", "x" * 5000):
        at = _teacher({"teacher": bad})
        assert not _bars(at) and not at.code and any("opens no class view" in e.value for e in at.error), bad[:30]


def test_an_expired_class_link_opens_no_teachers_board(store):
    old = classroom.make_token("fast", {}, False, expires=1_000_000)
    cid, found, why = classroom.read_teacher(classroom.teacher_token(old))
    assert cid is None and found is None and "expired" in why
    at = _teacher({"teacher": classroom.teacher_token(old)})
    assert not _bars(at) and any("has expired" in e.value for e in at.error)


def test_the_teachers_page_without_a_link_says_where_to_get_one():
    at = _teacher({})
    assert any("opens only from a teacher's own link" in i.value for i in at.info) and not at.error
