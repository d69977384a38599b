"""Browser helpers for hostile uploads and big models: upload bytes under any file name,
move between pages without losing the session, count what the server sends.

Used by tests/test_browser_hostile.py and benchmarks/bench_hostile.py.
"""
from __future__ import annotations

import base64

from devtools.browser import exceptions, nav_link, wait_idle
from devtools.pages import by_title, heading

UPLOAD = '[data-testid="stFileUploaderDropzoneInput"]'


class WsMeter:
    """Bytes the server sent over the page's websocket (CDP Network.webSocketFrameReceived)."""

    def __init__(self, page):
        self.total = 0
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.on("Network.webSocketFrameReceived", self._frame)

    def _frame(self, event) -> None:
        r = event["response"]
        data = r["payloadData"]
        # binary frames (Streamlit's protobuf messages, opcode 2) arrive base64-encoded
        self.total += len(base64.b64decode(data)) if r.get("opcode") == 2 else len(data.encode())

    def take(self) -> int:
        """Bytes since the last call."""
        n, self.total = self.total, 0
        return n


def visit(page, name: str, timeout: float = 60_000) -> None:
    """Go to a page through the sidebar's navigation (a new URL would be a new session). On a
    phone the sidebar is opened for that, and closed again so the page can be seen."""
    phone = page.viewport_size["width"] < 640
    expand = page.get_by_test_id("stExpandSidebarButton")
    if phone and expand.count():
        expand.click()
    nav_link(page, name).click()
    page.get_by_test_id("stMain").get_by_text(heading(by_title(name))).first.wait_for(timeout=timeout)
    wait_idle(page, timeout)
    if name in ("Weights", "Evaluate"):
        page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot', timeout=timeout)
        wait_idle(page, timeout)
    elif name == "Backprop":  # its first section; a drawing waits there for the digit it was meant to be
        page.wait_for_selector(".st-key-backprop-view-example", timeout=timeout)
        wait_idle(page, timeout)
    collapse = page.get_by_test_id("stSidebarCollapseButton")
    if phone and collapse.count():
        collapse.click()
        expand.wait_for(timeout=timeout)


def upload(page, name: str, data: bytes, timeout: float = 30_000) -> str:
    """Upload bytes as a file on the Train page; the text of the alert that names it (use a new
    name each time: the alert of the last upload stays until the next one is answered)."""
    files = page.get_by_test_id("stExpander").filter(has_text="Save or load a model")
    if not files.locator("details[open]").count():  # the uploader's messages show in this expander
        files.locator("summary").click()
    page.locator(UPLOAD).set_input_files({"name": name, "mimeType": "application/octet-stream", "buffer": data})
    alert = page.get_by_test_id("stMain").locator('[data-testid="stAlert"]').filter(has_text=name[:30])
    failed = page.locator('[data-testid="stException"]')
    alert.first.or_(failed.first).wait_for(timeout=timeout)
    wait_idle(page, timeout)
    if not alert.count():
        raise AssertionError(f"an exception instead of a message: {failed.first.inner_text()[:300]}")
    text = alert.first.get_by_test_id("stMarkdownContainer").inner_text()  # without the icon's name
    assert exceptions(page) == 0, text
    return text
