"""Helpers for the real-browser tests: a Streamlit server on a free port, Debian's Chromium."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def require_chromium() -> None:
    """In CI a missing browser fails the run; on a developer machine the browser tests skip."""
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} not found: install Debian's chromium package (.ci/run does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(timeout: float = 60):
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    (ROOT / "artifacts").mkdir(exist_ok=True)  # gitignored: absent in a fresh clone
    log = open(ROOT / "artifacts" / f"streamlit-{port}.log", "w")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (see {log.name})")
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_idle(page, timeout: float = 30_000) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)


def screenshot(page, name: str) -> Path:
    """The whole page (Streamlit scrolls an inner container, so grow the viewport to fit)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(max(900, height + 40), 8000)})
    page.wait_for_timeout(800)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=path)
    page.set_viewport_size({"width": width, "height": 900})
    return path


def sidebar_step(page, wait_ms: int = 3000) -> int | None:
    """The step count the sidebar's training progress shows (polled: the fragment may be
    mid-redraw at any one instant), or None if none appears within wait_ms."""
    deadline = time.monotonic() + wait_ms / 1000
    while True:
        m = re.search(r"step ([\d,]+)/", page.get_by_test_id("stSidebar").inner_text())
        if m:
            return int(m.group(1).replace(",", ""))
        if time.monotonic() > deadline:
            return None
        page.wait_for_timeout(100)


def exceptions(page) -> int:
    return page.locator('[data-testid="stException"]').count()
