"""The servers a deployment shares, started for a test: Debian's redis-server and haproxy.

`redis_server()` starts redis-server on a free port (no persistence) and yields its URL;
`require(binary)` skips a test on a developer machine without the package and fails it in CI
(.ci/run installs redis-server and haproxy). The proxy itself is in devtools/deploy.py.
Leaves out: the app servers (devtools/browser.py's streamlit_server).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time


def require(binary: str) -> str:
    """The binary's path; a missing one skips the test, or fails it in CI."""
    import pytest
    path = shutil.which(binary) or (f"/usr/sbin/{binary}" if os.path.exists(f"/usr/sbin/{binary}") else None)
    if path:
        return path
    message = f"{binary} not found: install Debian's {'redis-server' if 'redis' in binary else binary} package (.ci/run does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 10.0, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing listens on {host}:{port} after {timeout} s") from None
            time.sleep(0.05)


class Redis:
    """A redis-server process: `url`, `stop()`, `start()` (again, on the same port)."""

    def __init__(self, binary: str, port: int | None = None):
        self.binary, self.port = binary, port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Redis":
        self.proc = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None


@contextlib.contextmanager
def redis_server(binary: str | None = None):
    r = Redis(binary or require("redis-server")).start()
    try:
        yield r
    finally:
        r.stop()
