"""Give freed memory back to the operating system (glibc), so a long-lived server does not
grow with every training run.

glibc serves large allocations with mmap and returns them on free, but it raises that
threshold each time a large block is freed (up to 32 MB), after which arrays of a few MB,
the activations and gradients of each training step, come from the heap, which holds on to
freed space. Measured with benchmarks/bench_memory.py: RSS rose ~90 MB over three training
runs in one session. Fixing the threshold, limiting malloc to two arenas (each script run
is a new thread), and trimming the heap when a run ends keeps it flat.
The threshold must stay above what one training step allocates, though: at 256 kB, every
400 kB gradient or temporary of a step was a fresh mmap, and its pages were faulted in
again on each step (measured: 752 page faults a step for `fast`, 4,805 for `best`; the
in-app run took 1.4-2.8x the CLI's time). At 8 MB, with the heap's top kept up to 64 MB
during a run (M_TRIM_THRESHOLD) and trimmed when it ends: 0 faults a step.
Elsewhere than glibc (macOS, musl) these calls are skipped.
"""
from __future__ import annotations

import ctypes
import ctypes.util

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8  # from glibc's malloc.h
MMAP_THRESHOLD = 8 * 1024 * 1024   # larger blocks (a full-batch chunk of a big net) are mapped and unmapped
TRIM_THRESHOLD = 64 * 1024 * 1024  # free heap top kept during a run; release() gives it all back


def _libc():
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018 (glibc only)
        return libc
    except (OSError, AttributeError):
        return None


_LIBC = _libc()


def tune_malloc() -> bool:
    """Once per process, before the big allocations. Returns whether glibc was tuned."""
    if _LIBC is None:
        return False
    ok = _LIBC.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    ok = _LIBC.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 and ok
    return _LIBC.mallopt(M_ARENA_MAX, 2) == 1 and ok


def release() -> None:
    """Return the heap's free pages to the OS (after a training run ends; ~ms)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
