"""What the side-by-side benchmarks share: the line that says when and where they ran, and the
checkouts they measure (another checkout, if given, beside this one, in one run)."""
from __future__ import annotations

import os
import platform
import time
from pathlib import Path

from devtools.paths import ROOT


def header() -> str:
    """Date, machine, Python and how busy the machine is: the first line of a benchmark's output."""
    return (f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · Python {platform.python_version()} · "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def checkouts(before: Path | None) -> dict[str, Path]:
    """{name: root} of the checkouts to measure: `before` (if given), then this one."""
    roots = {f"before ({before})": before.resolve()} if before else {}
    roots["this checkout"] = ROOT
    return roots
