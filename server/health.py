"""The server's numbers for whoever deploys it, at Streamlit's own metrics endpoint.

    curl http://HOST:PORT/_stcore/metrics          (OpenMetrics text; Prometheus can scrape it)
    curl "http://HOST:PORT/_stcore/metrics?families=nn_memory_bytes"

Registered once per process (`install`) as a provider of Streamlit's StatsManager, beside
Streamlit's own families (sessions, caches). Families, all gauges:

    nn_memory_bytes{kind=total|limit|work|rss|held|base|shared|share|reserved}   the budget (budget.py)
    nn_memory_held_bytes{part=model|trainer|snapshots|undo|runs|caches|uploads|media|other}
    nn_memory_given_back_bytes{part=garbage|undo|runs|caches}   since the server started
    nn_memory_refused{what=upload|run|pair}             actions refused for memory
    nn_sessions{state=live|admitted|refused}            sessions now; refused: new sessions told "full"
    nn_behind_ms{what=loop|runs}                        how far the server is behind (admission.py)
    nn_poll_available                                   1 while the class poll's store answers (poll.py)

Leaves out: Streamlit's /_stcore/health (the proxy's check: it says only that the server is up).
"""
from __future__ import annotations

import logging
from typing import Callable

log = logging.getLogger(__name__)
FAMILIES = ("nn_memory_bytes", "nn_memory_held_bytes", "nn_memory_given_back_bytes", "nn_memory_refused",
            "nn_sessions", "nn_behind_ms", "nn_poll_available")
HELP = {"nn_memory_bytes": "The memory budget and what the process uses (server/budget.py)",
        "nn_memory_held_bytes": "What sessions hold, by part",
        "nn_memory_given_back_bytes": "What sessions gave back since start, by part",
        "nn_memory_refused": "Actions refused for memory since start",
        "nn_sessions": "Sessions: live now; new sessions refused because the class was full (since start)",
        "nn_behind_ms": "How far the event loop and script runs are behind, in ms (server/admission.py)",
        "nn_poll_available": "1 while the class poll's store can be reached"}


class Provider:
    """Streamlit's StatsProvider protocol: stats_families and get_stats(family_names)."""

    def __init__(self, figures: Callable[[], dict]):
        self.figures = figures

    @property
    def stats_families(self):
        return FAMILIES

    def get_stats(self, family_names=None):
        from streamlit.runtime.stats import GaugeStat
        try:
            f = self.figures()
        except Exception:  # the numbers must never break Streamlit's endpoint
            log.warning("could not gather the server's figures", exc_info=True)
            return {}
        rows: dict[str, list] = {}

        def gauge(family: str, value, **labels) -> None:
            rows.setdefault(family, []).append(GaugeStat(family, int(value), labels or None, help=HELP[family]))

        m = f.get("memory", {})
        for kind in ("total", "limit", "work", "rss", "held", "base", "shared", "share", "reserved"):
            gauge("nn_memory_bytes", m.get(kind, 0), kind=kind)
        for part, v in sorted(m.get("held_by_part", {}).items()):
            gauge("nn_memory_held_bytes", v, part=part)
        for part in ("garbage", "undo", "runs", "caches"):
            gauge("nn_memory_given_back_bytes", m.get("given_back", {}).get(part, 0), part=part)
        for what in ("upload", "run", "pair"):
            gauge("nn_memory_refused", m.get("refused", {}).get(what, 0), what=what)
        a = f.get("admission", {})
        for state in ("live", "admitted", "refused"):
            gauge("nn_sessions", a.get(state, m.get("sessions", 0) if state == "live" else 0), state=state)
        for what in ("loop", "runs"):
            gauge("nn_behind_ms", a.get(f"{what}_ms", 0), what=what)
        gauge("nn_poll_available", f.get("poll_available", 1))
        wanted = set(family_names or FAMILIES)
        return {k: v for k, v in rows.items() if k in wanted}


_installed: list = []


def install(figures: Callable[[], dict]) -> bool:
    """Register the provider with the running server's StatsManager (once); False outside a server."""
    if _installed:
        return True
    try:
        from streamlit.runtime import Runtime
        Runtime.instance().stats_mgr.register_provider(Provider(figures))
    except Exception:  # no runtime (AppTest, scripts)
        return False
    _installed.append(True)
    return True
