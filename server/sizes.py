"""How many bytes a graph of Python objects really holds: NumPy buffers, bytes, long number lists.

`Sizer.held(*roots)` walks what the roots reach and adds up each buffer once (a view counts as
the array it was cut from; an array already counted, or marked `shared`, counts nothing). It
descends only where a session's memory can hide: containers, this project's own objects,
dataclasses of the app and Streamlit's widget metadata, and functions: their closures,
defaults and the globals of a page script (a page's on_click closure captures the page's
globals, and with them the model it showed, which Streamlit 1.67 keeps until the widget's key
is reused). It never enters a module, a class or any other library object, so a walk stays
within one session and costs about a millisecond.
Leaves out: which objects belong to which session (session/holdings.py) and what the process
shares (marked `shared` by the caller, server/budget.py).
"""
from __future__ import annotations

import dataclasses
import functools
import sys
import types
from typing import Any

import numpy as np

OWN = {"nn_core", "server", "session", "views", "ui", "links", "app_pages", "__main__"}
STREAMLIT_OWN = {"streamlit.runtime.state.common"}  # WidgetMetadata: callbacks, (de)serializers
NUMBER_LIST = 64      # a list or tuple at least this long of plain numbers is counted, not walked
PER_NUMBER = 32       # bytes of a float in a list: the object (24) and its pointer (8)
MAX_NODES = 200_000   # a walk stops here (a safety net: a session's state is a few thousand objects)


def owner(a: np.ndarray) -> Any:
    """The object whose memory an array uses: the first array in its chain of bases (or the array)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _module_globals(g: dict) -> bool:
    """Whether a function's globals are an imported module's (shared by all) or a page script's."""
    mod = sys.modules.get(g.get("__name__", ""))
    return mod is not None and getattr(mod, "__dict__", None) is g


class Sizer:
    """One walk over several roots: `seen` is shared, so nothing is counted twice."""

    def __init__(self, shared: set[int] | None = None):
        self.seen: set[int] = set(shared or ())
        self.nodes = 0

    def mark(self, *roots: Any) -> None:
        """Count nothing for what these roots reach (what the whole process shares)."""
        self.held(*roots)

    def held(self, *roots: Any) -> int:
        total, todo = 0, list(roots)
        seen = self.seen
        while todo and self.nodes < MAX_NODES:
            o = todo.pop()
            if o is None or isinstance(o, (str, int, float, bool, complex, type, types.ModuleType)):
                continue
            if isinstance(o, np.ndarray):
                base = owner(o)
                inner = base.base  # bytes or mmap under a frombuffer array, else None
                if id(base) not in seen and (inner is None or id(inner) not in seen):
                    total += base.nbytes
                seen.add(id(base))
                if inner is not None:
                    seen.add(id(inner))
                continue
            if id(o) in seen:
                continue
            seen.add(id(o))
            self.nodes += 1
            if isinstance(o, (bytes, bytearray)):
                total += len(o)
            elif isinstance(o, dict):
                todo.extend(o.values())
            elif isinstance(o, (list, tuple)):
                if len(o) >= NUMBER_LIST and isinstance(o[0], (int, float)) and isinstance(o[-1], (int, float)):
                    total += PER_NUMBER * len(o)
                else:
                    todo.extend(o)
            elif isinstance(o, (set, frozenset)):
                todo.extend(o)
            elif isinstance(o, types.FunctionType):
                todo.extend(c.cell_contents for c in (o.__closure__ or ()) if _filled(c))
                todo.extend(o.__defaults__ or ())
                todo.extend((o.__kwdefaults__ or {}).values())
                if not _module_globals(o.__globals__):
                    todo.append(o.__globals__)
            elif isinstance(o, types.MethodType):
                todo += [o.__self__, o.__func__]
            elif isinstance(o, functools.partial):
                todo += [o.func, *o.args, *o.keywords.values()]
            elif _walkable(type(o)):
                todo.extend(_fields(o))
        return total


def _filled(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018
        return True
    except ValueError:  # an empty cell
        return False


@functools.lru_cache(maxsize=512)
def _walkable(t: type) -> bool:
    mod = getattr(t, "__module__", "") or ""
    return mod.split(".")[0] in OWN or mod in STREAMLIT_OWN


def _fields(o: Any) -> list:
    if dataclasses.is_dataclass(o) and hasattr(type(o), "__slots__") and not hasattr(o, "__dict__"):
        return [getattr(o, f.name, None) for f in dataclasses.fields(o)]
    out = list(vars(o).values()) if hasattr(o, "__dict__") else []
    for cls in type(o).__mro__:
        for name in getattr(cls, "__slots__", ()):
            out.append(getattr(o, name, None))
    return out
