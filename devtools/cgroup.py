"""A memory cgroup for a test server: the box Community Cloud gives an app (690 MB), on this machine.

`memory_cgroup(limit_bytes)` makes a child of the cgroup this process runs in (cgroup v1's memory
controller, as on this machine, or v2's memory.max where the parent delegates it), sets its limit,
and yields (preexec_fn, path): the function moves a starting child process into it (pass it to
devtools.browser.streamlit_server). On leaving, the group is removed. Its figures: `usage(path)`,
`peak(path)` (bytes, as the kernel counts them: resident memory and page cache) and `oom_kills`.
Needs root (or a delegated cgroup); `available()` says whether it can work here.
Leaves out: CPU limits (benchmarks pin servers to cores instead: devtools/server_probe.py).
"""
from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


def _own(controller_line: str) -> tuple[str, str] | None:
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controller_line == "v1" and "memory" in controllers.split(","):
            return "v1", path
        if controller_line == "v2" and controllers == "":
            return "v2", path
    return None


def _parent() -> tuple[str, Path] | None:
    v1 = _own("v1")
    if v1 and (ROOT / "memory").is_dir():
        base = ROOT / "memory" / v1[1].lstrip("/")
        return ("v1", base) if base.is_dir() else ("v1", ROOT / "memory")
    v2 = _own("v2")
    if v2 and (ROOT / "cgroup.controllers").exists():
        base = ROOT / v2[1].lstrip("/")
        return ("v2", base) if base.is_dir() else None
    return None


def available() -> str:
    """"" if a memory cgroup can be made here, else why not."""
    found = _parent()
    if found is None:
        return "no memory cgroup hierarchy found under /sys/fs/cgroup"
    kind, base = found
    if not os.access(base, os.W_OK):
        return f"{base} is not writable (needs root or a delegated cgroup)"
    if kind == "v2" and "memory" not in (base / "cgroup.subtree_control").read_text().split():
        return f"{base} does not delegate the memory controller to its children"
    return ""


@contextlib.contextmanager
def memory_cgroup(limit_bytes: int, name: str | None = None):
    kind, base = _parent()
    path = base / (name or f"nn-test-{os.getpid()}-{time.monotonic_ns()}")
    path.mkdir()
    try:
        limit_file = "memory.limit_in_bytes" if kind == "v1" else "memory.max"
        (path / limit_file).write_text(str(int(limit_bytes)))
        if kind == "v1" and (path / "memory.memsw.limit_in_bytes").exists():
            try:  # no swap either (there is none here; elsewhere, a limit on memory + swap)
                (path / "memory.memsw.limit_in_bytes").write_text(str(int(limit_bytes)))
            except OSError:
                pass
        procs = str(path / "cgroup.procs")

        def enter() -> None:  # in the child, before exec: it and everything it starts are limited
            with open(procs, "w") as f:
                f.write(str(os.getpid()))
        yield enter, path
    finally:
        for _ in range(50):  # the server may take a moment to leave it
            try:
                path.rmdir()
                break
            except OSError:
                time.sleep(0.2)


def _read(path: Path, *names: str) -> int:
    for n in names:
        try:
            return int((path / n).read_text().split()[0])
        except (OSError, ValueError):
            continue
    return 0


def usage(path: Path) -> int:
    return _read(path, "memory.usage_in_bytes", "memory.current")


def peak(path: Path) -> int:
    return _read(path, "memory.max_usage_in_bytes", "memory.peak")


def oom_kills(path: Path) -> int:
    for name in ("memory.oom_control", "memory.events"):
        try:
            for line in (path / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except OSError:
            continue
    return 0
