"""A Streamlit 1.67 client that speaks the browser's websocket protocol, so one Python process
can hold dozens of sessions (load benchmarks, per-interaction byte counts) without browsers.

The protocol, as read in the installed package (web/server/starlette/starlette_websocket.py,
runtime/app_session.py, runtime/forward_msg_cache.py, the frontend bundle static/js/index.*.js)
and checked against what Chromium sends (CDP Network.webSocketFrameSent, decoded with the
proto classes):

- Connect: GET the page once (the server sets the `_streamlit_xsrf` cookie), then open
  ws://HOST/_stcore/stream with subprotocols ["streamlit", <xsrf cookie value>] (the frontend
  sends "PLACEHOLDER_AUTH_TOKEN" when it has none; a third entry would be a session id to
  resume). The server selects "streamlit". Frames are binary protobufs both ways.
- The first BackMsg is rerun_script (a ClientState) with page_name = the URL path ("draw"),
  query_string, empty widget_states and context_info; later ones carry a page_script_hash
  instead of the page name. With st.navigation that hash is the one in the `navigation`
  message (new_session's page_script_hash is app.py's): a rerun with new_session's hash
  shows the default page.
- Every rerun the frontend sends carries the state of EVERY widget it holds (WidgetStates),
  not only the one that changed, plus fragment_id when the widget lives in an @st.fragment.
  Widget ids are "$$ID-<md5>-<key>" ("-None" for widgets without a key). Widgets report
  their initial value the way the frontend derives it from the element proto: a slider as
  double_array_value, a select_slider as string_array_value of its formatted labels, a
  selectbox as string_value of the label, a segmented control (button_group) as
  string_array_value of the option texts, number_input as int/double_value; `set_value`
  in a proto means the server overrides the held value. Buttons are trigger_value=True,
  sent once and dropped.
- A widget's callback may name fragments to rerun instead (`st.rerun("key")`, keyed
  fragments): the run that follows then lists those fragments' ids, not the widget's.
- The server answers a run with: new_session (metadata.run.script_run_id; fragment_ids for a
  fragment run), session_status_changed, deltas (metadata.delta_path = [container, i, j...];
  delta.fragment_id), and script_finished (FINISHED_SUCCESSFULLY, FINISHED_FRAGMENT_RUN_
  SUCCESSFULLY, or FINISHED_EARLY_FOR_RERUN when a newer request stopped it). Elements not
  re-sent by a finished run (of their fragment) are stale and dropped.
- `@st.fragment(run_every=T)` is driven by the browser: the server sends auto_rerun(interval,
  fragment_id) and the frontend runs setInterval(T), each tick a rerun_script with that
  fragment_id and is_auto_rerun=True, whether or not the last one has finished (the server
  queues fragment reruns and never lets them pre-empt); stop_auto_rerun ends it. When the
  next tick is already queued, a tick's run ends FINISHED_EARLY_FOR_RERUN although its
  deltas were all sent: for a training that is the normal status, not an error.
- The server flushes its message queues every 10 ms, so a short run's new_session and
  script_finished can arrive together: client-side run times have that resolution.
- Message cache: deltas with metadata.cacheable are kept by hash; each rerun lists the kept
  hashes in cached_message_hashes, and the server then sends ref_hash instead of a message
  it knows the client has. Entries expire after new_session.config.max_cached_message_age
  finished runs (of their fragment) without use.
- page_info_changed carries the new query string (URL-bound widgets) for later reruns.

- Uploads (`upload`): the frontend asks for URLs with a file_urls_request BackMsg (request_id,
  file_names, session_id; the session id is new_session.initialize.session_id), the server
  answers file_urls_response with a file_id and upload_url per name; the file is PUT there as
  multipart/form-data with the XSRF cookie and the same value in an X-Xsrftoken header; then
  the uploader's widget state (file_uploader_state_value: name, size, file_id, file_urls) is
  sent with a rerun. `send_back` sends any other BackMsg (e.g. clear_cache).

- Behind a proxy with sticky sessions (deploy/serve.py), every request carries the cookies the
  proxy set (`cookies`); `reconnect` connects again as the frontend does after a dropped
  connection: the same cookies, the old session's id as the third subprotocol entry, then the
  page's run (a server that still has the session resumes it; another starts a fresh one).

Left out: forms' submit semantics, the health and host-config requests the frontend makes,
and everything the frontend renders.
"""
from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

FINISHED = ForwardMsg.ScriptFinishedStatus
OK = {FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
CONTEXT = {"timezone": "UTC", "timezone_offset": 0, "locale": "en-US", "is_embedded": False, "color_scheme": "light"}


@dataclass
class Element:
    path: tuple[int, ...]
    kind: str          # the Element oneof ("markdown", "button", "bidi_component", ...) or "block"
    proto: Any         # that oneof's message (e.g. a Button), or the Block
    fragment_id: str
    run_id: str
    hash: str = ""     # the message's hash: the frontend keeps an element whose hash is unchanged

    @property
    def id(self) -> str:
        return getattr(self.proto, "id", "") if self.kind != "block" else ""

    @property
    def key(self) -> str | None:
        """The user key of a widget (or keyed block): "$$ID-<md5>-<key>" -> key."""
        parts = (self.id or "").split("-", 2)
        return parts[2] if len(parts) == 3 and parts[2] != "None" else None

    @property
    def text(self) -> str:
        p = self.proto
        return getattr(p, "body", "") or getattr(p, "text", "") or getattr(p, "label", "")


@dataclass
class Run:
    """One script run on the server, as the client saw it (times from time.monotonic())."""
    run_id: str
    fragment_ids: list[str]
    started: float                 # new_session arrived
    finished: float | None = None  # script_finished arrived
    status: str = ""
    bytes: int = 0
    elements: list[Element] = field(default_factory=list)


@dataclass
class Request:
    """One rerun_script sent; done when a run that started after it finishes successfully."""
    sent: float
    fragment_id: str
    done: asyncio.Future
    run: Run | None = None

    @property
    def latency(self) -> float:
        return self.run.finished - self.sent

    @property
    def wait(self) -> float:
        return self.run.started - self.sent


def initial_state(kind: str, p: Any) -> WidgetState | None:
    """The value the frontend reports for a widget it has just mounted (None: nothing)."""
    s = WidgetState(id=p.id)
    if kind == "checkbox":
        s.bool_value = p.value if p.set_value else p.default
    elif kind == "slider":
        if p.options:  # select_slider: the formatted labels
            s.string_array_value.data.extend(list(p.raw_value) if p.set_value else [p.options[int(i)] for i in p.default])
        else:
            s.double_array_value.data.extend(p.value if p.set_value else p.default)
    elif kind in ("selectbox", "radio"):
        if p.set_value and p.raw_value:
            s.string_value = p.raw_value
        elif p.options and p.default >= 0:
            s.string_value = p.options[p.default]
        else:
            return None
    elif kind == "button_group":
        s.string_array_value.data.extend(list(p.raw_values) if p.set_value else [p.options[i].content for i in p.default])
    elif kind == "number_input":
        v = p.value if p.set_value else p.default
        if p.data_type == type(p).INT:
            s.int_value = int(v)
        else:
            s.double_value = v
    elif kind in ("text_input", "text_area", "color_picker"):
        s.string_value = p.value if p.set_value else p.default
    elif kind == "file_uploader":
        s.file_uploader_state_value.SetInParent()
    else:
        return None
    return s


class Session:
    """One browser tab's worth of protocol: `await Session(url, "draw").open()`."""

    def __init__(self, base_url: str, page: str = "", query: str = "", auto_rerun: bool = True):
        self.base_url, self.page, self.query, self.auto_rerun = base_url.rstrip("/"), page, query, auto_rerun
        self.elements: dict[tuple[int, ...], Element] = {}
        self.states: dict[str, WidgetState] = {}
        self.runs: list[Run] = []
        self.errors: list[str] = []          # exceptions in deltas, compile errors, cache misses, drops
        self.bytes_received = 0
        self.largest_message = 0             # bytes of the largest ForwardMsg received
        self.page_script_hash = ""
        self.session_id = ""
        self.cookie: str | None = None         # the XSRF cookie's value (also sent as X-Xsrftoken)
        self.cookies: dict[str, str] = {}      # every cookie the server (or a proxy in front) set
        self.served_by: str | None = None     # a proxy's X-Served-By header on the page, if any
        self.reconnects = 0
        self.close_code: int | None = None   # the websocket close code, once the server closed it
        self.closed = False
        self._file_urls: dict[str, asyncio.Future] = {}
        self._run: Run | None = None
        self._pending: list[Request] = []
        self._cache: dict[str, list] = {}    # hash -> [ForwardMsg bytes, run count, fragment id]
        self._run_count, self._max_age = 0, 2
        self._timers: dict[str, tuple[float, asyncio.Task]] = {}
        self._ws = None
        self._reader: asyncio.Task | None = None

    # ------------------------------------------------------------------ connection
    async def open(self, timeout: float = 60, resume: str | None = None) -> Request:
        """Load the page and wait for its first run to finish; returns that request. `resume`: the
        id of a session to ask the server for (as the frontend does when it reconnects)."""
        url = f"{self.base_url}/{self.page}" + (f"?{self.query}" if self.query else "")
        self.cookies, self.served_by = await asyncio.to_thread(_get_cookies, url, self.cookies)
        cookie = self.cookie = self.cookies.get("_streamlit_xsrf")
        ws_url = self.base_url.replace("http", "ws", 1) + "/_stcore/stream"
        protocols = ["streamlit", cookie or "PLACEHOLDER_AUTH_TOKEN"] + ([resume] if resume else [])
        self._ws = await connect(ws_url, subprotocols=protocols,
                                 additional_headers={"Cookie": self._cookie_header()} if self.cookies else None,
                                 origin=self.base_url, max_size=None, open_timeout=timeout)
        self.closed = False
        self._reader = asyncio.create_task(self._read())
        req = await self._send_rerun(fragment_id="", page_name=self.page)
        await self.wait(req, timeout)
        return req

    async def reconnect(self, timeout: float = 60, every: float = 0.5) -> Request:
        """After the connection dropped: connect again as the frontend does (the same cookies, the
        old session's id), retrying until `timeout`; then the page's run, as after a reload."""
        old, deadline = self.session_id, time.monotonic() + timeout
        for _, task in self._timers.values():
            task.cancel()
        self._timers.clear()
        while True:
            try:
                req = await self.open(timeout=max(1.0, deadline - time.monotonic()), resume=old)
                self.reconnects += 1
                return req
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(every)

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def close(self) -> None:
        self.closed = True
        for _, task in self._timers.values():
            task.cancel()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    # ------------------------------------------------------------------ page and widgets
    def find(self, kind: str | None = None, key: str | None = None, key_prefix: str | None = None,
             label: str | None = None, text: str | None = None) -> list[Element]:
        """Elements on the page now, in delta-path order, matching every filter given."""
        out = []
        for el in sorted(self.elements.values(), key=lambda e: e.path):
            if ((kind is None or el.kind == kind) and (key is None or el.key == key)
                    and (key_prefix is None or (el.key or "").startswith(key_prefix))
                    and (label is None or getattr(el.proto, "label", None) == label)
                    and (text is None or text in el.text)):
                out.append(el)
        return out

    def widget(self, **filters) -> Element:
        found = [e for e in self.find(**filters) if e.id]
        if not found:
            have = sorted({f"{e.kind}:{e.key or getattr(e.proto, 'label', '')}" for e in self.elements.values() if e.id})
            raise LookupError(f"no widget with {filters} on the page; there are: {have}")
        return found[-1]

    def set_value(self, widget: Element, field_name: str, value: Any) -> None:
        """Set a widget's value as the frontend would, e.g. ("json_value", "{...}") or ("bool_value", True)."""
        s = WidgetState(id=widget.id)
        if field_name.endswith("_array_value"):
            getattr(s, field_name).data.extend(value)
        else:
            setattr(s, field_name, value)
        self.states[widget.id] = s

    async def send_back(self, msg: BackMsg) -> None:
        """Send any BackMsg as it is (clear_cache, file_urls_request, ...)."""
        await self._ws.send(msg.SerializeToString())

    async def upload_urls(self, names: list[str], timeout: float = 30) -> list:
        """Ask for upload URLs as the uploader does; the server's FileURLs, one per name."""
        msg = BackMsg()
        rid = f"r{len(self._file_urls)}-{time.monotonic_ns()}"
        msg.file_urls_request.request_id = rid
        msg.file_urls_request.file_names.extend(names)
        msg.file_urls_request.session_id = self.session_id
        self._file_urls[rid] = asyncio.get_running_loop().create_future()
        await self.send_back(msg)
        return await asyncio.wait_for(self._file_urls[rid], timeout)

    def put_file(self, upload_url: str, name: str, data: bytes, timeout: float = 60) -> int:
        """PUT one file to an upload URL the way the browser does; the HTTP status (blocking)."""
        boundary = f"----st{time.monotonic_ns()}"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode("utf-8", "surrogateescape") + data + \
            f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(self.base_url + upload_url, data=body, method="PUT",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                              "X-Xsrftoken": self.cookie or "",
                                              "Cookie": self._cookie_header()})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code
        except (urllib.error.URLError, ConnectionError):  # the server closed the connection before reading it all
            return 0

    async def upload(self, uploader: Element, name: str, data: bytes, timeout: float = 60) -> Request:
        """Upload one file through an st.file_uploader, as the browser does, and rerun."""
        (urls,) = await self.upload_urls([name], timeout)
        status = await asyncio.to_thread(self.put_file, urls.upload_url, name, data, timeout)
        if status != 204:
            raise RuntimeError(f"upload refused: HTTP {status}")
        s = WidgetState(id=uploader.id)
        info = s.file_uploader_state_value.uploaded_file_info.add()
        info.name, info.size, info.file_id = name, len(data), urls.file_id
        info.file_urls.CopyFrom(urls)
        self.states[uploader.id] = s
        return await self.wait(await self.interact(uploader), timeout)

    async def interact(self, widget: Element) -> Request:
        """Send the rerun the frontend sends after a change to this widget (set_value first)."""
        return await self._send_rerun(fragment_id=widget.fragment_id)

    async def click(self, button: Element) -> Request:
        self.states[button.id] = WidgetState(id=button.id, trigger_value=True)
        return await self.interact(button)

    async def wait(self, req: Request, timeout: float) -> Request:
        await asyncio.wait_for(asyncio.shield(req.done), timeout)
        return req

    # ------------------------------------------------------------------ sending
    async def _send_rerun(self, fragment_id: str, page_name: str = "", auto: bool = False,
                          track: bool = True) -> Request | None:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.widget_states.widgets.extend(self.states.values())
        if page_name:
            cs.page_name = page_name
        else:
            cs.page_script_hash = self.page_script_hash
        cs.fragment_id = fragment_id
        cs.is_auto_rerun = auto
        cs.cached_message_hashes.extend(self._cache)
        for k, v in CONTEXT.items():
            setattr(cs.context_info, k, v)
        cs.context_info.url = f"{self.base_url}/{self.page}"
        for wid in [w for w, s in self.states.items() if s.WhichOneof("value") == "trigger_value"]:
            del self.states[wid]  # triggers are sent once
        req = Request(time.monotonic(), fragment_id, asyncio.get_running_loop().create_future()) if track else None
        if req is not None:
            self._pending.append(req)
        try:
            await self._ws.send(msg.SerializeToString())
        except Exception as e:  # a dropped connection: the request can never finish
            self._dropped(f"send failed: {type(e).__name__}")
        return req

    async def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time() + interval
        while not self.closed:  # setInterval: a fixed rate, not "after the last one finished"
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            next_at += interval
            await self._send_rerun(fragment_id, auto=True, track=False)

    # ------------------------------------------------------------------ receiving
    async def _read(self) -> None:
        try:
            async for data in self._ws:
                self.bytes_received += len(data)
                self.largest_message = max(self.largest_message, len(data))
                self._handle(data)
        except Exception as e:
            self.close_code = getattr(self._ws, "close_code", None)
            if not self.closed:
                self._dropped(f"connection lost: {type(e).__name__}: {e}")
            return
        self.close_code = getattr(self._ws, "close_code", None)
        if not self.closed:
            self._dropped("connection closed by the server")

    def _dropped(self, why: str) -> None:
        if self.closed:
            return
        self.closed = True
        self.errors.append(why)
        for req in self._pending:
            if not req.done.done():
                req.done.set_exception(ConnectionError(why))
        self._pending.clear()
        for _, task in self._timers.values():
            task.cancel()

    def _handle(self, data: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        if self._run is not None:
            self._run.bytes += len(data)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            entry = self._cache.get(msg.ref_hash)
            if entry is None:
                self.errors.append(f"message cache miss {msg.ref_hash}")
                return
            entry[1] = self._run_count
            metadata = msg.metadata
            msg = ForwardMsg()
            msg.ParseFromString(entry[0])
            msg.metadata.CopyFrom(metadata)
            kind = msg.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash not in self._cache:
            self._cache[msg.hash] = [data, self._run_count, msg.delta.fragment_id]
        if kind == "new_session":
            self._new_run(msg)
        elif kind == "delta":
            self._delta(msg)
        elif kind == "script_finished":
            self._finished(msg)
        elif kind == "navigation":  # with st.navigation, new_session names app.py; this names the page
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "auto_rerun" and self.auto_rerun:
            fid, every = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            if fid and self._timers.get(fid, (None,))[0] != every:
                self._stop_timer(fid)
                self._timers[fid] = (every, asyncio.create_task(self._auto_rerun(fid, every)))
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                self._stop_timer(fid)
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            self.errors.append("compile error: " + msg.session_event.script_compilation_exception.message)
        elif kind == "file_urls_response":
            fut = self._file_urls.get(msg.file_urls_response.response_id)
            if fut is not None and not fut.done():
                fut.set_result(list(msg.file_urls_response.file_urls))
        elif kind == "page_not_found":
            self.errors.append(f"page not found: {msg.page_not_found.page_name}")

    def _stop_timer(self, fid: str) -> None:
        if fid in self._timers:
            self._timers.pop(fid)[1].cancel()

    def _new_run(self, msg: ForwardMsg) -> None:
        ns = msg.new_session
        if ns.HasField("initialize") and ns.initialize.session_id:
            self.session_id = ns.initialize.session_id
        self.page_script_hash = ns.page_script_hash
        self._max_age = ns.config.max_cached_message_age or self._max_age
        self._run = Run(msg.metadata.run.script_run_id, list(msg.metadata.run.fragment_ids), time.monotonic())
        self.runs.append(self._run)

    def _delta(self, msg: ForwardMsg) -> None:
        d, path = msg.delta, tuple(msg.metadata.delta_path)
        run_id = self._run.run_id if self._run else ""
        if d.WhichOneof("type") == "add_block":
            el = Element(path, "block", d.add_block, d.fragment_id, run_id, msg.hash)
        elif d.WhichOneof("type") == "new_element":
            kind = d.new_element.WhichOneof("type")
            el = Element(path, kind, getattr(d.new_element, kind), d.fragment_id, run_id, msg.hash)
            if kind == "exception":
                self.errors.append(f"exception on the page: {el.proto.type}: {el.proto.message}")
            if el.id:
                init = initial_state(kind, el.proto)
                if init is not None and (el.id not in self.states or getattr(el.proto, "set_value", False)):
                    self.states[el.id] = init
        else:
            return
        self.elements[path] = el
        if self._run is not None:
            self._run.elements.append(el)

    def _finished(self, msg: ForwardMsg) -> None:
        run, status = self._run, msg.script_finished
        self._run = None
        if run is None:
            return
        run.finished, run.status = time.monotonic(), FINISHED.Name(status)
        if status == FINISHED.FINISHED_EARLY_FOR_RERUN:
            return
        frags = run.fragment_ids
        if status in OK:  # the frontend's clearStaleNodes, then removeInactiveWidgetState
            self.elements = {p: e for p, e in self.elements.items()
                             if e.run_id == run.run_id or (frags and e.fragment_id not in frags)}
            live = {e.id for e in self.elements.values() if e.id}
            self.states = {w: s for w, s in self.states.items() if w in live}
        self._run_count += 1
        for h, (_, count, fid) in list(self._cache.items()):
            if (not frags or fid in frags) and self._run_count - count > self._max_age:
                del self._cache[h]
        # A keyed rerun (st.rerun("key") from the widget's callback) replaces the interaction's
        # default run with the named fragments: any run that is not a fragment timer's answers it.
        keyed = bool(frags) and not set(frags) <= set(self._timers)
        for req in list(self._pending):
            default = not (not req.fragment_id and frags) and (not frags or req.fragment_id in frags)
            if req.sent < run.started and (default or keyed):
                req.run = run
                self._pending.remove(req)
                if status in OK:
                    req.done.set_result(req)
                else:
                    req.done.set_exception(RuntimeError(f"run ended with {run.status}"))


def _get_cookies(url: str, cookies: dict[str, str] | None = None) -> tuple[dict[str, str], str | None]:
    """GET the page as the browser does first, then the health check, where Streamlit 1.67 sets
    its XSRF cookie (the upload endpoint wants it back, as a cookie and as X-Xsrftoken). Keeps
    every cookie set on the way (a proxy's sticky-session cookie too) and sends them back.
    Returns the cookies and the page's X-Served-By header (a proxy's, if any)."""
    jar = dict(cookies or {})
    base = url.split("://", 1)[0] + "://" + url.split("://", 1)[1].split("/", 1)[0]
    served = None
    for i, u in enumerate((url, base + "/_stcore/health")):
        req = urllib.request.Request(u, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {})
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()
            served = r.headers.get("X-Served-By") if i == 0 else served
            for header in r.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                jar[name.strip()] = rest.split(";", 1)[0]
    return jar, served


def _xsrf_cookie(url: str) -> str | None:
    return _get_cookies(url)[0].get("_streamlit_xsrf")


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
