"""The class poll in Redis: one store for every copy of the app behind a proxy (server/poll.py's
PollStore, with MemoryStore's rules and bounds).

Used when a Redis URL is set (NN_POLL_REDIS_URL, or `poll_redis_url` in Streamlit secrets:
`poll.configure`). One Redis server, not a cluster (a class's keys are named inside the scripts).
Keys, under a prefix (default "nnpoll:"), ids hex-encoded so no id can name another's key:

    classes               sorted set: class -> time of its last answer (the least recent go first)
    c:<class>:n           hash: question -> its number of choices
    c:<class>:s           set: the students who answered
    c:<class>:q:<question>  hash: student -> choice
    c:<class>:t           hash: question -> its words (from its first answer, for the teacher's view)

An answer is one Lua script, so two copies answering at once cannot both take the last place
(MAX_STUDENTS, MAX_QUESTIONS, MAX_CLASSES are read from poll.py at each call and sent with it).
A class is forgotten TTL_SECONDS after its last answer: the scripts drop it when they meet it,
reads treat it as gone, and its keys expire in Redis a minute after that anyway. Times come from
`clock` (wall time by default: copies on several machines share it; tests pass their own).
While Redis cannot be reached (`available()` is False, checked at most once a second), an answer
raises poll.Paused and reads return nothing; everything else in the app goes on.
Leaves out: which questions exist (the pages), who may see the counts (the teacher's link).
"""
from __future__ import annotations

import logging
import threading
import time

from server import poll
from server.poll import Paused, PollError, check

log = logging.getLogger(__name__)
TIMEOUT = 0.5        # s: a Redis call that takes longer fails (the poll pauses, the page goes on)
RECHECK = 1.0        # s between two looks at whether Redis answers

# KEYS: classes. ARGV: prefix, class (hex), now, ttl. Drops classes whose last answer is older than ttl.
_EXPIRE = """
local function drop(prefix, cid)
  local base = prefix .. 'c:' .. cid
  for _, q in ipairs(redis.call('HKEYS', base .. ':n')) do redis.call('DEL', base .. ':q:' .. q) end
  redis.call('DEL', base .. ':n', base .. ':s', base .. ':t')
  redis.call('ZREM', KEYS[1], cid)
end
"""
_ANSWER = _EXPIRE + """
local prefix, cid, q, who = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local choice, n, now, ttl = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local max_classes, max_students, max_questions = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local words = ARGV[12]
for _, old in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - ttl))) do drop(prefix, old) end
local base = prefix .. 'c:' .. cid
if not redis.call('ZSCORE', KEYS[1], cid) then
  if redis.call('ZCARD', KEYS[1]) >= max_classes then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
    if oldest then drop(prefix, oldest) end
  end
  redis.call('ZADD', KEYS[1], now, cid)
end
if redis.call('SISMEMBER', base .. ':s', who) == 0 and redis.call('SCARD', base .. ':s') >= max_students then
  return {'students'}
end
local have = redis.call('HGET', base .. ':n', q)
if not have then
  if redis.call('HLEN', base .. ':n') >= max_questions then return {'questions'} end
  redis.call('HSET', base .. ':n', q, n)
  redis.call('HSET', base .. ':t', q, words)
  have = n
end
if tonumber(have) ~= n then return {'choices', tonumber(have)} end
redis.call('HSET', base .. ':q:' .. q, who, choice)
redis.call('SADD', base .. ':s', who)
redis.call('ZADD', KEYS[1], now, cid)
local keep = math.ceil(ttl) + 60
for _, k in ipairs({base .. ':n', base .. ':s', base .. ':t', base .. ':q:' .. q}) do redis.call('EXPIRE', k, keep) end
redis.call('EXPIRE', KEYS[1], keep)
return {'ok'}
"""


def _hex(s: str) -> str:
    return s.encode("utf-8").hex()


class RedisStore:
    """poll.PollStore in a Redis server at `url` (redis://host:port/db)."""

    def __init__(self, url: str, prefix: str = "nnpoll:", clock=time.time):
        import redis  # only where a deployment uses Redis
        self.url, self.prefix, self.clock = url, prefix, clock
        self._redis = redis.Redis.from_url(url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT,
                                           decode_responses=True)
        self._errors = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
        self._answer = self._redis.register_script(_ANSWER)
        self._lock = threading.Lock()
        self._up: tuple[float, bool] | None = None  # (when looked, answered)

    # -------------------------------------------------- reaching Redis
    def available(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._up is not None and now - self._up[0] < RECHECK:
                return self._up[1]
        try:
            up = bool(self._redis.ping())
        except self._errors:
            up = False
        except Exception:  # a URL that is not Redis at all, a refused login: paused, and said in the log
            log.warning("class poll: Redis at %s does not answer as Redis", self.url, exc_info=True)
            up = False
        with self._lock:
            if self._up is not None and self._up[1] != up:
                log.warning("class poll: Redis %s", "answers again" if up else "cannot be reached: the poll is paused")
            self._up = (now, up)
        return up

    def _down(self) -> None:
        with self._lock:
            if self._up is None or self._up[1]:
                log.warning("class poll: Redis cannot be reached: the poll is paused")
            self._up = (time.monotonic(), False)

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def _alive_class(self, class_id: str) -> bool:
        score = self._redis.zscore(self._key("classes"), _hex(class_id))
        return score is not None and self.clock() - score <= poll.TTL_SECONDS

    # -------------------------------------------------- PollStore
    def answer(self, class_id: str, question: str, student: str, choice: int, n_choices: int,
               text: str = "") -> None:
        check(class_id, question, student, choice, n_choices, text)
        try:
            out = self._answer(keys=[self._key("classes")], args=[
                self.prefix, _hex(class_id), _hex(question), _hex(student), choice, n_choices, self.clock(),
                poll.TTL_SECONDS, poll.MAX_CLASSES, poll.MAX_STUDENTS, poll.MAX_QUESTIONS, text])
        except self._errors:
            self._down()
            raise Paused("the class poll is paused: its store cannot be reached") from None
        if out[0] == "students":
            raise PollError(f"this class already has {poll.MAX_STUDENTS} students answering")
        if out[0] == "questions":
            raise PollError(f"this class already has {poll.MAX_QUESTIONS} questions")
        if out[0] == "choices":
            raise PollError(f"this question has {out[1]} choices")

    def counts(self, class_id: str, question: str, n_choices: int) -> list[int]:
        out = [0] * n_choices
        try:
            if self._alive_class(class_id):
                for v in self._redis.hvals(self._key("c", _hex(class_id), "q", _hex(question))):
                    c = int(v)
                    if 0 <= c < n_choices:
                        out[c] += 1
        except self._errors:
            self._down()
        return out

    def answered(self, class_id: str, question: str, student: str) -> int | None:
        try:
            if not self._alive_class(class_id):
                return None
            v = self._redis.hget(self._key("c", _hex(class_id), "q", _hex(question)), _hex(student))
        except self._errors:
            self._down()
            return None
        return None if v is None else int(v)

    def summary(self, class_id: str) -> dict[str, list[int]]:
        try:
            if not self._alive_class(class_id):
                return {}
            cid = _hex(class_id)
            out = {}
            for qhex, n in self._redis.hgetall(self._key("c", cid, "n")).items():
                row = [0] * int(n)
                for v in self._redis.hvals(self._key("c", cid, "q", qhex)):
                    if 0 <= int(v) < len(row):
                        row[int(v)] += 1
                out[bytes.fromhex(qhex).decode("utf-8")] = row
            return out
        except self._errors:
            self._down()
            return {}

    def texts(self, class_id: str) -> dict[str, str]:
        try:
            if not self._alive_class(class_id):
                return {}
            words = self._redis.hgetall(self._key("c", _hex(class_id), "t"))
        except self._errors:
            self._down()
            return {}
        return {bytes.fromhex(q).decode("utf-8"): t for q, t in words.items()}
