"""Numbers as a student reads them: three significant digits, and never a rounding that
breaks the arithmetic on screen.

  sig(v)        3 significant digits, trailing zeros kept ("0.500"); exact integers as
                integers ("1", "0"); a value that would round to an integer it is not gets
                more digits ("0.99991", never "1"); tiny values as "2.41e-8"
  prob(p)       a probability: 3 significant digits of p or of 1 - p, whichever is smaller,
                so 0.9999104 stays 0.9999104 and 1 - p can be read off it
  percent(p)    the same as a percentage ("39.4 %", "99.99104 %"; "100 %" only for exactly 1,
                "0 %" only for exactly 0): every probability, accuracy and share a page shows
  decimals_for  the decimals that show a change: before 0.310000 -> after 0.310745
  fixed(v, d)   v with d decimals
  duration(s)   seconds the way a person says them ("40 s", "12 min", "3.5 h")
  ordinal(n)    1st, 2nd, 3rd, 11th, 21st
Text uses the minus sign "−"; LaTeX (tex=True) a plain "-" and "2.41\\text{e-}8".
Leaves out: where numbers go (views/backprop/equations.py, views/backprop/).
"""
from __future__ import annotations

import math

SIG = 3
MAX_SIG = 8  # a value within 1e-8 of an integer is shown as that integer: float32 noise


def _minus(s: str, tex: bool) -> str:
    return s if tex else s.replace("-", "−")


def _sci(v: float, digits: int, tex: bool) -> str:
    mant, exp = f"{v:.{digits - 1}e}".split("e")
    e = int(exp)
    if tex:
        return rf"{mant}\text{{e{'-' if e < 0 else ''}}}{abs(e)}"
    return _minus(f"{mant}e{e}", tex)


def _decimals(v: float, digits: int) -> int:
    """Decimals that give `digits` significant digits of v (0 for big values)."""
    return max(0, digits - 1 - math.floor(math.log10(abs(v))))


def sig(v: float, tex: bool = False, digits: int = SIG) -> str:
    v = float(v)
    if not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("∞" if v > 0 else "−∞")
    if v == round(v) and abs(v) < 1e6:  # exact integers (labels, one-hot Y, black pixels) stay exact
        return _minus(str(int(v)), tex) if v else "0"
    if abs(v) < 1e-3:
        return _sci(v, digits, tex)
    if abs(v) >= 1e4:
        return _minus(f"{v:.0f}", tex)
    if abs(v - round(v)) < 10.0 ** -MAX_SIG:  # float noise around an integer: say the integer
        return _minus(str(int(round(v))), tex)
    d = digits
    s = f"{v:.{_decimals(v, d)}f}"
    while abs(v) < 10 and float(s) == round(v) and d < MAX_SIG:
        d += 1  # 0.99991 would print as 1.00: more digits until it no longer reads as an integer
        s = f"{v:.{_decimals(v, d)}f}"
    return _minus(s, tex)


def prob_decimals(p: float, digits: int = SIG) -> int:
    """Decimals for a probability: 3 significant digits of min(p, 1 - p)."""
    p = float(p)
    if p <= 0 or p >= 1:
        return 0
    small = min(p, 1 - p)
    if small < 1e-12:
        return 12
    return max(_decimals(small, digits), digits)


def _off_the_ends(p: float, scale: float, decimals: int) -> str:
    """p * scale with `decimals` or more decimals, as few as keep it off 0 and off `scale`
    (a p within 1e-12 of 1 that still rounds to 1 is written "> 0.999999999999")."""
    for d in range(decimals, 13):
        s = f"{p * scale:.{d}f}"
        if 0 < float(s) < scale:
            return s
    return f"> {scale - scale * 1e-12:.{12 if scale == 1 else 10}f}"


def prob(p: float, tex: bool = False) -> str:
    """A probability: 3 significant digits of p or of 1 - p, whichever is smaller; "1" and "0"
    only for exactly 1 and 0."""
    p = float(p)
    if not 0 < p < 1:
        return str(int(p)) if p in (0.0, 1.0) else sig(p, tex)
    if p < 1e-3:
        return _sci(p, SIG, tex)
    return _off_the_ends(p, 1, prob_decimals(p))


def percent(p: float, digits: int = SIG) -> str:
    """THE way a probability or any other share is shown as a percentage (accuracies, coverage):
    `digits` significant digits of p or of 1 - p, whichever is smaller, so 99.99104 % shows how
    far it is from 100; "100 %" only for exactly 1 and "0 %" only for exactly 0. digits=2 for
    labels on bars ("97.3 %")."""
    p = float(p)
    if not 0 < p < 1:
        return f"{int(p * 100)} %" if p in (0.0, 1.0) else f"{sig(p * 100)} %"
    if p < 1e-5:
        return f"{_sci(p * 100, digits, False)} %"
    return f"{_off_the_ends(p, 100, max(prob_decimals(p, digits) - 2, digits - 2))} %"


def decimals_for(*values: float, change: float | None = None, digits: int = SIG) -> int:
    """Decimals that give every value and the change between them `digits` significant digits."""
    ds = [_decimals(v, digits) for v in values if v and math.isfinite(v)]
    if change:
        ds.append(_decimals(change, digits))
    return min(max(ds, default=digits), 12)


def fixed(v: float, d: int, tex: bool = False, signed: bool = False) -> str:
    s = f"{float(v):{'+' if signed else ''}.{d}f}"
    return _minus(s, tex)


def signed(v: float, tex: bool = False) -> str:
    """sig(v) with a + in front of positive values (a change)."""
    s = sig(v, tex)
    return s if s.startswith(("-", "−")) or s == "0" else "+" + s


def change(before: float, after: float, scale: float = 1.0, probability: bool = False,
           unit: str = "", tex: bool = False) -> tuple[str, str, str]:
    """before, after and after - before (times `scale`, e.g. 100 for percentages) with shared
    decimals, enough to give the change 3 significant digits (and, for probabilities,
    1 - p too), so the three strings add up as printed: ("48.0", "69.2", "+21.2")."""
    b, a = float(before) * scale, float(after) * scale
    d = a - b
    ds = [decimals_for(b, a, change=d)]
    if probability:
        ds += [prob_decimals(before) - (2 if scale == 100 else 0), prob_decimals(after) - (2 if scale == 100 else 0)]
    places = max(min(max(ds), 10), 0)
    tiny = max(abs(b), abs(a)) < 1e-2  # then most of many decimals would be leading zeros
    if (places > 5 and tiny) or (d and abs(d) < 10.0 ** -places):  # say it in powers of ten instead
        return sig(b, tex) + unit, sig(a, tex) + unit, signed(d, tex) + unit
    return (fixed(b, places, tex) + unit, fixed(a, places, tex) + unit,
            (fixed(d, places, tex, signed=True) if d else "0") + unit)


def duration(seconds: float) -> str:
    """40 s, 12 min, 3.5 h: the unit a person would use."""
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
