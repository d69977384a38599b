"""The class poll's store (server/poll.py): one answer per student, bounded, forgotten.

Every behavioural test runs on both stores: MemoryStore (the default) and RedisStore
(server/poll_redis.py) against a real redis-server started here (Debian's package; skipped on a
developer machine without it, a failure in CI). Then what only a shared store does: two stores
(two copies of the app) count together, also from another process; the bounds hold when copies
answer at once; while Redis is down the poll is paused and comes back with it.
"""
import subprocess
import sys
import threading
import time
import uuid

import pytest

from devtools import services
from server import poll
from server.poll import MemoryStore, Paused, PollError


@pytest.fixture(scope="module")
def redis():
    with services.redis_server() as r:
        yield r


@pytest.fixture(params=["memory", "redis"])
def make(request):
    """make(clock=None) -> a fresh, empty store of the kind under test."""
    if request.param == "memory":
        return lambda clock=None: MemoryStore(clock=clock) if clock else MemoryStore()
    from server.poll_redis import RedisStore
    url = request.getfixturevalue("redis").url
    prefix = f"test-{uuid.uuid4().hex[:8]}:"  # each test its own keys in the one server
    return lambda clock=None: RedisStore(url, prefix=prefix, clock=clock) if clock else RedisStore(url, prefix=prefix)


def test_one_answer_per_student_and_question_the_last_one_counts(make):
    s = make()
    s.answer("class", "q1", "ann", 2, 4)
    s.answer("class", "q1", "bob", 2, 4)
    s.answer("class", "q1", "ann", 0, 4)  # ann changes her mind
    assert s.counts("class", "q1", 4) == [1, 0, 1, 0]
    assert s.answered("class", "q1", "ann") == 0 and s.answered("class", "q1", "cy") is None
    assert s.summary("class") == {"q1": [1, 0, 1, 0]}
    assert s.counts("other class", "q1", 4) == [0, 0, 0, 0] and s.summary("other class") == {}
    assert s.available()


@pytest.mark.parametrize("args", [("", "q", "s", 0, 2), ("c" * 65, "q", "s", 0, 2), ("c", "q", "s", 2, 2),
                                  ("c", "q", "s", -1, 2), ("c", "q", "s", True, 2), ("c", "q", "s", 0, 13),
                                  ("c", "q", "s", 0.5, 2), ("c", None, "s", 0, 2)])
def test_what_the_poll_refuses(make, args):
    s = make()
    with pytest.raises(PollError):
        s.answer(*args)
    assert s.summary("c") == {}


def test_a_question_keeps_its_number_of_choices(make):
    s = make()
    s.answer("c", "q", "ann", 1, 3)
    with pytest.raises(PollError, match="3 choices"):
        s.answer("c", "q", "bob", 1, 4)
    assert s.counts("c", "q", 3) == [0, 1, 0]


def test_ids_are_data_not_key_names(make):
    """Ids that look like the store's own key names (colons, the words it uses) stay separate."""
    s = make()
    s.answer("a:q:b", "n", "s", 1, 2)
    s.answer("a", "b:n", "s", 0, 2)
    s.answer("a", "q:b:n", "ünï 😀", 1, 2)
    assert s.summary("a:q:b") == {"n": [0, 1]}
    assert s.summary("a") == {"b:n": [1, 0], "q:b:n": [0, 1]}
    assert s.answered("a", "q:b:n", "ünï 😀") == 1


def test_bounded_students_questions_and_classes(make, monkeypatch):
    monkeypatch.setattr(poll, "MAX_STUDENTS", 3)
    monkeypatch.setattr(poll, "MAX_QUESTIONS", 2)
    monkeypatch.setattr(poll, "MAX_CLASSES", 2)
    s = make()
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


def test_a_class_is_forgotten_after_its_last_answer(make):
    now = [1000.0]
    s = make(clock=lambda: now[0])
    s.answer("c", "q", "ann", 1, 2)
    now[0] += poll.TTL_SECONDS - 1
    s.answer("d", "q", "ann", 1, 2)
    assert s.counts("c", "q", 2) == [0, 1]
    now[0] += 2  # c's last answer is now TTL + 1 s old; d's 2 s
    assert s.counts("c", "q", 2) == [0, 0] and s.counts("d", "q", 2) == [0, 1]
    assert s.summary("c") == {}


def test_answers_from_many_threads_are_all_counted(make):
    s = make()
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


def test_a_question_keeps_the_words_of_its_first_answer_for_the_teacher(make):
    s = make()
    s.answer("c", "q", "ann", 1, 3, text='{"prompt": "Which?"}')
    s.answer("c", "q", "bob", 0, 3, text="other words")  # the first answer's words stay
    s.answer("c", "r", "ann", 0, 2)
    assert s.texts("c") == {"q": '{"prompt": "Which?"}', "r": ""} and s.texts("unknown") == {}
    with pytest.raises(PollError):
        s.answer("c", "s", "ann", 0, 2, text="x" * (poll.MAX_TEXT + 1))
    assert "s" not in s.summary("c")


# ------------------------------------------------------------------ what only a shared store does
def test_two_copies_count_together_also_from_another_process(redis):
    from server.poll_redis import RedisStore
    prefix = f"copies-{uuid.uuid4().hex[:8]}:"
    a, b = RedisStore(redis.url, prefix=prefix), RedisStore(redis.url, prefix=prefix)
    a.answer("class", "q", "ann", 0, 3)
    b.answer("class", "q", "bob", 2, 3)
    b.answer("class", "q", "ann", 1, 3)  # ann, now through the other copy: still one answer
    code = ("from server.poll_redis import RedisStore; import sys; "
            f"RedisStore({redis.url!r}, prefix={prefix!r}).answer('class', 'q', 'cy', 2, 3)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert a.counts("class", "q", 3) == b.counts("class", "q", 3) == [0, 1, 2]
    assert a.summary("class") == {"q": [0, 1, 2]} and b.answered("class", "q", "ann") == 1


def test_the_bounds_hold_when_copies_answer_at_once(redis, monkeypatch):
    from server.poll_redis import RedisStore
    monkeypatch.setattr(poll, "MAX_STUDENTS", 25)
    prefix = f"race-{uuid.uuid4().hex[:8]}:"
    copies = [RedisStore(redis.url, prefix=prefix) for _ in range(4)]
    refused = []

    def student(i: int) -> None:
        try:
            copies[i % 4].answer("c", "q", f"s{i}", i % 2, 2)
        except PollError:
            refused.append(i)
    threads = [threading.Thread(target=student, args=(i,)) for i in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(copies[0].counts("c", "q", 2)) == 25 and len(refused) == 35


def test_while_redis_is_down_the_poll_is_paused_and_comes_back(monkeypatch):
    from server import poll_redis
    from server.poll_redis import RedisStore
    monkeypatch.setattr(poll_redis, "RECHECK", 0.0)
    with services.redis_server() as r:
        s = RedisStore(r.url, prefix="down:")
        s.answer("c", "q", "ann", 1, 2)
        r.stop()
        t0 = time.monotonic()
        assert not s.available()
        with pytest.raises(Paused):
            s.answer("c", "q", "bob", 1, 2)
        assert s.counts("c", "q", 2) == [0, 0] and s.summary("c") == {} and s.answered("c", "q", "ann") is None
        assert time.monotonic() - t0 < 5  # each call gives up within its timeout: pages do not hang
        r.start()  # the same port, an empty Redis (no persistence here)
        assert s.available()
        s.answer("c", "q", "bob", 0, 2)
        assert s.counts("c", "q", 2) == [1, 0]


def test_configure_uses_redis_when_a_url_is_set(redis, monkeypatch):
    from server.poll_redis import RedisStore
    monkeypatch.setattr(poll, "_configured", False)
    monkeypatch.setattr(poll, "_store", MemoryStore())
    monkeypatch.setenv("NN_POLL_REDIS_URL", redis.url)
    assert isinstance(poll.store(), RedisStore) and poll.store().available()
    monkeypatch.setattr(poll, "_configured", False)
    monkeypatch.setattr(poll, "_store", MemoryStore())
    monkeypatch.delenv("NN_POLL_REDIS_URL")
    assert isinstance(poll.store(), MemoryStore)
