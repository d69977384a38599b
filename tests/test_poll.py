"""The class poll's store (server/poll.py): one answer per student, bounded, forgotten."""
import threading

import pytest

from server import poll
from server.poll import MemoryStore, PollError


def test_one_answer_per_student_and_question_the_last_one_counts():
    s = MemoryStore()
    s.answer("class", "q1", "ann", 2, 4)
    s.answer("class", "q1", "bob", 2, 4)
    s.answer("class", "q1", "ann", 0, 4)  # ann changes her mind
    assert s.counts("class", "q1", 4) == [1, 0, 1, 0]
    assert s.answered("class", "q1", "ann") == 0 and s.answered("class", "q1", "cy") is None
    assert s.summary("class") == {"q1": [1, 0, 1, 0]}
    assert s.counts("other class", "q1", 4) == [0, 0, 0, 0] and s.summary("other class") == {}


@pytest.mark.parametrize("args", [("", "q", "s", 0, 2), ("c" * 65, "q", "s", 0, 2), ("c", "q", "s", 2, 2),
                                  ("c", "q", "s", -1, 2), ("c", "q", "s", True, 2), ("c", "q", "s", 0, 13),
                                  ("c", "q", "s", 0.5, 2), ("c", None, "s", 0, 2)])
def test_what_the_poll_refuses(args):
    with pytest.raises(PollError):
        MemoryStore().answer(*args)


def test_a_question_keeps_its_number_of_choices():
    s = MemoryStore()
    s.answer("c", "q", "ann", 1, 3)
    with pytest.raises(PollError):
        s.answer("c", "q", "bob", 1, 4)


def test_bounded_students_questions_and_classes(monkeypatch):
    monkeypatch.setattr(poll, "MAX_STUDENTS", 3)
    monkeypatch.setattr(poll, "MAX_QUESTIONS", 2)
    monkeypatch.setattr(poll, "MAX_CLASSES", 2)
    s = MemoryStore()
    for who in "abc":
        s.answer("c", "q1", who, 0, 2)
    with pytest.raises(PollError):
        s.answer("c", "q1", "d", 0, 2)
    s.answer("c", "q2", "a", 1, 2)
    with pytest.raises(PollError):
        s.answer("c", "q3", "a", 1, 2)
    s.answer("d", "q1", "a", 1, 2)
    s.answer("e", "q1", "a", 1, 2)  # a third class: the least recently answered ("c") is dropped
    assert s.summary("c") == {} and s.summary("e") == {"q1": [0, 1]}


def test_a_class_is_forgotten_after_its_last_answer():
    now = [0.0]
    s = MemoryStore(clock=lambda: now[0])
    s.answer("c", "q", "ann", 1, 2)
    now[0] = poll.TTL_SECONDS - 1
    s.answer("d", "q", "ann", 1, 2)
    assert s.counts("c", "q", 2) == [0, 1]
    now[0] = poll.TTL_SECONDS + 1
    assert s.counts("c", "q", 2) == [0, 0] and s.counts("d", "q", 2) == [0, 1]


def test_answers_from_many_threads_are_all_counted():
    s = MemoryStore()
    threads = [threading.Thread(target=lambda i=i: s.answer("c", "q", f"s{i}", i % 3, 3)) for i in range(90)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert s.counts("c", "q", 3) == [30, 30, 30]


def test_the_process_store_can_be_replaced():
    before = poll.store()
    try:
        other = MemoryStore()
        poll.use(other)
        assert poll.store() is other
    finally:
        poll.use(before)


def test_a_question_keeps_the_words_of_its_first_answer_for_the_teacher():
    s = MemoryStore()
    s.answer("c", "q", "ann", 1, 3, text='{"prompt": "Which?"}')
    s.answer("c", "q", "bob", 0, 3, text="other words")  # the first answer's words stay
    s.answer("c", "r", "ann", 0, 2)
    assert s.texts("c") == {"q": '{"prompt": "Which?"}', "r": ""} and s.texts("unknown") == {}
    with pytest.raises(PollError):
        s.answer("c", "s", "ann", 0, 2, text="x" * (poll.MAX_TEXT + 1))
    assert "s" not in s.summary("c")
