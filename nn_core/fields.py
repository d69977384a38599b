"""What one hyperparameter is: its type, allowed values, meaning, and how a person sets it.

Each field of `TrainConfig` carries a `Spec` in its dataclass metadata. From the specs
alone come the config's validation (`problem`), the command line's arguments (cli.py),
the dashboard's widgets and their bounds (links/controls.py) and the link keys (links/query.py),
so adding a hyperparameter is one edit in config.py.
Two kinds of input are read here: typed values (a saved file's JSON, a Python call),
checked by `problem`; and text a person typed (a shell argument, a URL), turned into a
number by `parse_number`, which takes `10`, `10.0` and `1e-3` and refuses non-finite values.
Leaves out: clamping to a deployer's caps and choosing the nearest allowed value (that
is the UI's business; the core refuses what is out of range).
"""
from __future__ import annotations

import math
import reprlib
from dataclasses import dataclass, field
from typing import Any, Sequence

KINDS = ("int", "float", "choice", "sizes")
WIDGETS = ("", "number", "steps", "select", "sizes")
GROUPS = ("", "augment")        # "augment": the dashboard's "Augmentation and dropout" section

_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = _repr.maxlong = 40
_repr.maxlist = _repr.maxtuple = _repr.maxdict = 6


def show(value: Any) -> str:
    """A short repr of an untrusted value for a message (never huge, never raises)."""
    try:
        text = _repr.repr(value)
    except Exception:  # e.g. an int too long for str() (Python's digit limit)
        return f"<a {type(value).__name__} too large to show>"
    return text if len(text) <= 80 else text[:79] + "…"


@dataclass(frozen=True)
class Spec:
    """One hyperparameter. `lo`/`hi` bound numbers (for "sizes", each size)."""

    kind: str                    # "int", "float", "choice" (one of `choices`), "sizes" (a tuple of ints)
    help: str                    # one or two sentences: the CLI's --help and the dashboard's tooltip
    label: str = ""              # the dashboard's label
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False        # lo itself not allowed (a learning rate of 0 learns nothing)
    hi_open: bool = False
    choices: Sequence[str] = ()  # "choice": the names allowed, in the order a menu shows them (a live
    #                              sequence such as activations.NAMES follows its registry)
    max_len: int = 0             # "sizes": at most this many
    widget: str = ""             # how the dashboard shows it ("" = not shown; see WIDGETS)
    steps: tuple = ()            # "steps" and numeric "select" widgets: the values offered
    zero: str = ""               # what 0 stands for, when it is special ("full batch", "off", "all")
    link: str = ""               # the URL key ("" = not settable by a link)
    half: bool = False           # the dashboard puts two half-width widgets side by side
    group: str = ""              # the dashboard's section for it ("" = the main list; see GROUPS)

    def __post_init__(self):
        if self.kind not in KINDS or self.widget not in WIDGETS or self.group not in GROUPS:
            raise ValueError(f"bad spec: kind {self.kind!r}, widget {self.widget!r}, group {self.group!r}")

    def in_range(self, v: float) -> bool:
        lo_ok = self.lo is None or (v > self.lo if self.lo_open else v >= self.lo)
        hi_ok = self.hi is None or (v < self.hi if self.hi_open else v <= self.hi)
        return lo_ok and hi_ok

    def range_text(self) -> str:
        lo, hi = _fmt(self.lo), _fmt(self.hi)
        if self.lo is not None and self.hi is not None:
            if self.kind in ("int", "sizes"):
                return f"{lo}..{hi}"
            return f"{'(' if self.lo_open else '['}{lo}, {hi}{')' if self.hi_open else ']'}"
        if self.lo is not None:
            return f"{'>' if self.lo_open else '>='} {lo}"
        return "any value" if self.hi is None else f"{'<' if self.hi_open else '<='} {hi}"

    def problem(self, name: str, v: Any) -> str | None:
        """Why `v` is not a valid value of this field (None if it is). Never raises."""
        if self.kind == "choice":
            if isinstance(v, str) and v in self.choices:
                return None
            return f"{name} must be one of {', '.join(self.choices)}, got {show(v)}"
        if self.kind == "sizes":
            if not isinstance(v, (list, tuple)) or not 1 <= len(v) <= self.max_len:
                return f"{name} must be 1 to {self.max_len} sizes, got {show(v)}"
            if not all(is_int(h) and self.in_range(h) for h in v):
                return f"{name} sizes must be whole numbers in {self.range_text()}, got {show(v)}"
            return None
        if self.kind == "int" and not is_int(v):
            return f"{name} must be a whole number, got {show(v)}"
        if self.kind == "float" and not is_number(v):
            return f"{name} must be a finite number, got {show(v)}"
        if not self.in_range(v):
            return f"{name} must be in {self.range_text()}, got {show(v)}"
        return None

    def normal(self, v: Any) -> Any:
        """A valid value in its canonical Python type (ints as float for floats, sizes as a tuple)."""
        if self.kind == "float":
            return float(v)
        if self.kind == "sizes":
            return tuple(int(h) for h in v)
        return v


def _fmt(v) -> str:
    return str(v) if is_int(v) else f"{v:g}" if v is not None else ""


def param(default: Any, spec: Spec) -> Any:
    """A dataclass field with its spec: `lr: float = param(1e-3, Spec(...))`."""
    return field(default=default, metadata={"spec": spec})


def is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def is_number(v: Any) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    return isinstance(v, int) or math.isfinite(v)


def parse_number(text: str) -> float:
    """What a person types for a number: '10', '10.0', '1e-3', ' 2 '. ValueError for anything
    else, and for values that are not finite ('inf', 'nan', '1e309' overflows to inf)."""
    try:
        value = float(str(text).strip())
    except (ValueError, OverflowError):
        raise ValueError(f"{show(text)} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{show(text)} is not a finite number")
    return value


def parse_text(spec: Spec, text: str) -> Any:
    """A typed value from text (a shell argument): numbers as `parse_number`, ints must be
    whole, choices as given, sizes separated by commas or spaces. Not range-checked."""
    if spec.kind == "choice":
        return str(text)
    if spec.kind == "sizes":
        parts = [p for p in str(text).replace(";", ",").replace(" ", ",").split(",") if p]
        return tuple(parse_whole(p) for p in parts)
    return parse_whole(text) if spec.kind == "int" else parse_number(text)


def parse_whole(text: str) -> int:
    value = parse_number(text)
    if value != int(value):
        raise ValueError(f"{show(text)} is not a whole number")
    return int(value)
