"""The class poll: how a class answered each lesson question, counted per option.

A class is named by its class link (`class_id`, e.g. a hash of the link's signed token); a
student by an id the student's session makes (never a name). One answer per student and
question: answering again replaces the earlier answer, so counts are students, not clicks.
Everything is anonymous, bounded and short-lived:

    MAX_CLASSES      classes remembered at once (the least recently answered are dropped first)
    MAX_STUDENTS     students counted per class
    MAX_QUESTIONS    questions per class
    MAX_TEXT         characters of a question's words kept for the teacher's view
    TTL_SECONDS      a class is forgotten this long after its last answer

`PollStore` is the interface the pages use (views/ and the teacher's view); `MemoryStore` is
the in-process default. A deployment with several server processes sets a shared store
(server/poll_redis.py's RedisStore, when NN_POLL_REDIS_URL or the secret `poll_redis_url` is
set: `configure`, called at start-up and by the first `store()`), so answers sent through every
copy are counted together. A store that cannot be reached says so through `available()`: the
pages then say the poll is paused and carry on (an answer sent meanwhile raises `Paused`).
Leaves out: which questions exist and their right answers (the pages), and who may see the
counts (a teacher's signed link, links/classroom.py).
"""
from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from typing import Protocol

MAX_CLASSES = 200
MAX_STUDENTS = 120
MAX_QUESTIONS = 64
MAX_CHOICES = 12
MAX_ID = 64            # characters of a class, question or student id
MAX_TEXT = 1000        # characters of a question's words (its prompt and choices, as the page wrote them)
TTL_SECONDS = 4 * 3600


class PollError(ValueError):
    """An answer the poll does not take (an id too long, a choice out of range, a class full)."""


class Paused(PollError):
    """The shared store cannot be reached: the answer was not counted (`available()` is False)."""


def check(class_id: str, question: str, student: str, choice: int, n_choices: int, text: str = "") -> None:
    """Raise PollError unless every field is one the poll accepts."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise PollError(f"a question's words are at most {MAX_TEXT} characters")
    for name, value in (("class", class_id), ("question", question), ("student", student)):
        if not isinstance(value, str) or not 0 < len(value) <= MAX_ID:
            raise PollError(f"a {name} id must be 1 to {MAX_ID} characters")
    if not isinstance(n_choices, int) or not 1 <= n_choices <= MAX_CHOICES:
        raise PollError(f"a question has 1 to {MAX_CHOICES} choices")
    if not isinstance(choice, int) or isinstance(choice, bool) or not 0 <= choice < n_choices:
        raise PollError(f"choice {choice!r} is not one of the {n_choices} choices")


class PollStore(Protocol):
    def answer(self, class_id: str, question: str, student: str, choice: int, n_choices: int,
               text: str = "") -> None:
        """Count `student`'s answer (replacing an earlier one). `text`: the question's words for the
        teacher's view, kept from the question's first answer. Raises PollError when refused."""

    def counts(self, class_id: str, question: str, n_choices: int) -> list[int]:
        """Students who gave each of the `n_choices` answers so far (zeros for an unknown question)."""

    def answered(self, class_id: str, question: str, student: str) -> int | None:
        """`student`'s answer to `question`, or None: a student sees the class only after answering."""

    def summary(self, class_id: str) -> dict[str, list[int]]:
        """Every question of the class -> its counts (for the teacher's view)."""

    def texts(self, class_id: str) -> dict[str, str]:
        """Every question of the class -> the words sent with its first answer ("" if none)."""

    def available(self) -> bool:
        """False while the store cannot be reached (the poll is paused; nothing else stops)."""


class _Class:
    __slots__ = ("questions", "texts", "students", "last")

    def __init__(self) -> None:
        self.questions: dict[str, tuple[int, dict[str, int]]] = {}  # question -> (n_choices, student -> choice)
        self.texts: dict[str, str] = {}                              # question -> its words
        self.students: set[str] = set()
        self.last = time.monotonic()


class MemoryStore:
    """The poll in this process's memory, under one lock. Bounded by the MAX_* constants:
    about MAX_CLASSES x MAX_QUESTIONS x MAX_STUDENTS small entries at the very most."""

    def __init__(self, clock=time.monotonic) -> None:
        self._classes: OrderedDict[str, _Class] = OrderedDict()  # least recently answered first
        self._lock = threading.Lock()
        self._clock = clock

    def _expire(self) -> None:
        now = self._clock()
        while self._classes:
            first = next(iter(self._classes.values()))
            if now - first.last <= TTL_SECONDS:
                break
            self._classes.popitem(last=False)

    def answer(self, class_id: str, question: str, student: str, choice: int, n_choices: int,
               text: str = "") -> None:
        check(class_id, question, student, choice, n_choices, text)
        with self._lock:
            self._expire()
            c = self._classes.get(class_id)
            if c is None:
                if len(self._classes) >= MAX_CLASSES:
                    self._classes.popitem(last=False)
                c = self._classes[class_id] = _Class()
            if student not in c.students and len(c.students) >= MAX_STUDENTS:
                raise PollError(f"this class already has {MAX_STUDENTS} students answering")
            if question not in c.questions:
                if len(c.questions) >= MAX_QUESTIONS:
                    raise PollError(f"this class already has {MAX_QUESTIONS} questions")
                c.questions[question] = (n_choices, {})
                c.texts[question] = text
            n, answers = c.questions[question]
            if n != n_choices:
                raise PollError(f"this question has {n} choices")
            answers[student] = choice
            c.students.add(student)
            c.last = self._clock()
            self._classes.move_to_end(class_id)

    def counts(self, class_id: str, question: str, n_choices: int) -> list[int]:
        out = [0] * n_choices
        with self._lock:
            self._expire()
            c = self._classes.get(class_id)
            if c is not None and question in c.questions:
                for choice in c.questions[question][1].values():
                    if choice < n_choices:
                        out[choice] += 1
        return out

    def answered(self, class_id: str, question: str, student: str) -> int | None:
        with self._lock:
            c = self._classes.get(class_id)
            return None if c is None or question not in c.questions else c.questions[question][1].get(student)

    def summary(self, class_id: str) -> dict[str, list[int]]:
        with self._lock:
            self._expire()
            c = self._classes.get(class_id)
            if c is None:
                return {}
            out = {}
            for q, (n, answers) in c.questions.items():
                row = [0] * n
                for choice in answers.values():
                    row[choice] += 1
                out[q] = row
            return out

    def texts(self, class_id: str) -> dict[str, str]:
        with self._lock:
            self._expire()
            c = self._classes.get(class_id)
            return {} if c is None else dict(c.texts)

    def available(self) -> bool:
        return True


_store: PollStore = MemoryStore()
_store_lock = threading.Lock()
_configured = False


def configure(url: str | None = None) -> PollStore:
    """Once per process: a Redis store when a URL is given (or NN_POLL_REDIS_URL is set), else the
    in-memory one. Later calls change nothing."""
    global _configured
    with _store_lock:
        if not _configured:
            _configured = True
            url = url or os.environ.get("NN_POLL_REDIS_URL")
            if url:
                from server.poll_redis import RedisStore
                globals()["_store"] = RedisStore(url)
        return _store


def store() -> PollStore:
    """The process's poll store (in memory unless a deployment set a shared one)."""
    return _store if _configured else configure()


def use(new: PollStore) -> None:
    """Make `new` the process's poll store (at start-up, e.g. a shared store for several copies)."""
    global _store, _configured
    with _store_lock:
        _store, _configured = new, True
