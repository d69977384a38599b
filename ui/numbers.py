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
  change        before, after and their change, the change being exactly after − before as
                printed AND the true change correctly rounded (more digits when needed)
  adding_up     the parts of a sum, each with enough digits that the parts as printed add up
                to the total as printed (rounded to the total's last digit)
  exact         a number as printed, read back as an exact Decimal (and its last place)
  fixed(v, d)   v with d decimals
  duration(s)   seconds the way a person says them ("40 s", "12 min", "3.5 h")
  ordinal(n)    1st, 2nd, 3rd, 11th, 21st
Text uses the minus sign "−"; LaTeX (tex=True) a plain "-" and "2.41\\text{e-}8".
Leaves out: where numbers go (views/backprop/equations.py, views/backprop/).
"""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Callable, Sequence

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


def prob(p: float, tex: bool = False, digits: int = SIG) -> str:
    """A probability: `digits` (3) significant digits of p or of 1 - p, whichever is smaller;
    "1" and "0" only for exactly 1 and 0."""
    p = float(p)
    if not 0 < p < 1:
        return str(int(p)) if p in (0.0, 1.0) else sig(p, tex, digits)
    if p < 1e-3:
        return _sci(p, digits, tex)
    return _off_the_ends(p, 1, prob_decimals(p, digits))


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
    """before, after and after - before (times `scale`, e.g. 100 for percentages), so the three
    strings add up exactly as printed: the change IS the printed after minus the printed before
    ("48.0", "69.2", "+21.2"), and it is also the true change, correctly rounded. (Two exceptions:
    a value so close to 0, or a probability so close to 1, that twelve decimals would print it as
    0 or 100: then each value has its own digits and the change says "≈"; and two tiny values ages
    apart, 7.58e−4 → 3.65e−15, whose exact printed difference would run to more than 6 digits:
    the change is then "≈" and 3 digits.) Shared decimals,
    enough to give the change 3 significant digits (and, for probabilities, 1 - p too), and a
    digit more wherever rounding the two values would make their difference disagree with the
    true change (5.3744 -> 5.7096 is "5.3744", "5.7096", "+0.3352", never "5.374", "5.710",
    "+0.336"). Tiny values share powers of ten instead ("7.580e−4", "7.610e−4", "+3.0e−6")."""
    b, a = float(before) * scale, float(after) * scale
    d = a - b
    ds = [decimals_for(b, a, change=d)]
    if probability:
        ds += [prob_decimals(before) - (2 if scale == 100 else 0), prob_decimals(after) - (2 if scale == 100 else 0)]
    places = max(min(max(ds), 10), 0)
    tiny = max(abs(b), abs(a)) < 1e-2
    if (places > 5 and tiny) or (d and abs(d) < 10.0 ** -places):  # say it in powers of ten instead
        return _change_sci(b, a, tex, unit)
    for p in range(places, 13):
        bs, as_ = fixed(b, p, tex), fixed(a, p, tex)
        diff = exact(as_) - exact(bs)
        if diff == Decimal(f"{d:.{p}f}"):  # the printed difference is the true change, rounded
            break
    ends = (0.0, scale) if probability else (0.0,)
    if any(float(exact(t)) in ends and v not in ends for t, v in ((bs, b), (as_, a))):
        # a value within 1e-10 of 0 (or of 100 %) would read as 0 (or 100): each is printed with
        # its own digits, and the change, which no short printed difference can give, with "≈"
        own = (lambda v: percent(v / scale).removesuffix(" %")) if probability and scale == 100 else \
            (lambda v: prob(v, tex)) if probability else (lambda v: sig(v, tex))
        return own(b) + unit, own(a) + unit, "≈ " + signed(d, tex) + unit
    return bs + unit, as_ + unit, (_signed_decimal(diff, tex) if diff else "0") + unit


def _change_sci(b: float, a: float, tex: bool, unit: str) -> tuple[str, str, str]:
    """Before, after and change of tiny values in powers of ten: each value with enough
    significant digits that the change has 3, the change printed whole (all its digits), or
    with "≈" and 3 digits where that would take more than 6."""
    d = a - b
    big = max(abs(a), abs(b))
    digits = SIG + (max(0, math.floor(math.log10(big / abs(d)))) if d and big else 0)
    for n in range(min(digits, 9), 13):
        bs, as_ = sig(b, tex, n), sig(a, tex, n)
        diff = exact(as_) - exact(bs)
        if not d or abs(diff - Decimal(d)) <= max(quantum(as_), quantum(bs)) / 2:
            break  # the true change, rounded to the coarser of the two values' last places
    if len(diff.normalize().as_tuple().digits) > SIG + 3:
        # values ages apart (7.58e−4 → 3.65e−15): their exact printed difference would run to
        # fourteen digits ("−7.5799999999635e−4"); say the change in three, with "≈"
        return bs + unit, as_ + unit, "≈ " + signed(d, tex) + unit
    return bs + unit, as_ + unit, (_signed_decimal(diff, tex) if diff else "0") + unit


def _signed_decimal(D: Decimal, tex: bool = False) -> str:
    """An exact Decimal as printed, with every digit it has, and its sign (+ or −): fixed
    notation from 0.001 up (like sig), powers of ten below."""
    sign = "-" if D < 0 else "+"
    D = abs(D)
    if D >= Decimal("0.001") or D == 0:
        s = format(D, "f")
    else:
        digits, exp = D.as_tuple().digits, D.as_tuple().exponent
        lead = len(digits) - 1 + exp  # the power of ten of the first digit
        text = "".join(map(str, digits))
        mant = text[0] + ("." + text[1:] if len(text) > 1 else "")
        s = rf"{mant}\text{{e-}}{-lead}" if tex else f"{mant}e-{-lead}"
    s = sign + s
    return s if tex else s.replace("-", "−")


def exact(s: str) -> Decimal:
    """A number as printed here ("−0.0123", "2.41e−8", "2.41\\text{e-}8", "+21.2", "48.0 %",
    "(−0.7)") read back exactly, digit for digit."""
    t = s.replace(r"\text{e-}", "e-").replace(r"\text{e}", "e").replace("−", "-").replace("%", "")
    t = t.replace(" ", "").strip("()").lstrip("+")
    return Decimal(t)


def quantum(s: str) -> Decimal:
    """The place of the last digit printed: "0.0123" -> 0.0001, "2.41e−8" -> 1e-10, "12" -> 1."""
    return Decimal(1).scaleb(exact(s).as_tuple().exponent)


def adding_up(total: str, parts: Sequence[float | str], signs: Sequence[int] | None = None, tex: bool = False,
              fmt: Callable[[float, int], str] | None = None) -> list[str]:
    """The parts of a sum as printed: 3 significant digits each, or as many more as it takes
    for the printed parts, added up (with their signs) and rounded to the last digit of the
    printed `total`, to give `total` (a row "−5.52 + −0.167 = −5.68" becomes "−5.5179 + −0.1670
    = −5.68"). fmt(value, digits) prints one part (default: sig); a part given as text is
    printed as it is (an exact 1, a setting)."""
    signs = list(signs) if signs is not None else [1] * len(parts)
    return _fitted(total, parts, fmt or (lambda v, digits: sig(v, tex, digits)),
                   lambda xs: sum((s * x for s, x in zip(signs, xs)), Decimal(0)))


def multiplying(total: str, factors: Sequence[float | str], tex: bool = False,
                fmt: Callable[[float, int], str] | None = None) -> list[str]:
    """The factors of a product as printed, with enough digits that their product, rounded to
    the last digit of the printed `total`, is `total` ("0.001 × 0.520 × 517" for 0.269). A
    factor given as text (a setting such as α) is printed as it is."""
    def product(xs):
        out = Decimal(1)
        for x in xs:
            out *= x
        return out
    return _fitted(total, factors, fmt or (lambda v, digits: sig(v, tex, digits)), product)


def surprise_of(total: str, p: float, tex: bool = False) -> str:
    """p printed with the digits it takes for −log(printed p), rounded to the last digit of the
    printed `total`, to give `total`: "−log 0.6376 = 0.450", never "−log 0.638 = 0.450" (which a
    calculator makes 0.449). A p within 1e-12 of 1 is printed as prob() prints it ("> 0.999999999999")."""
    if prob(p, tex).startswith(">"):
        return prob(p, tex)
    shown = _fitted(total, [p], lambda v, digits: prob(v, tex, digits),
                    lambda xs: Decimal(-math.log(float(xs[0]))) if xs[0] > 0 else Decimal("Infinity"),
                    stop=lambda s: s.startswith(">"))[0]
    return prob(p, tex) if shown.startswith(">") else shown  # p too coarse (float32) for this total: 3 digits


def _fitted(total: str, values, fmt, combine, stop=None) -> list[str]:
    """`values` printed with 3, 4, ... significant digits until combine(printed) rounds to `total`
    (or until stop(a printed value) says more digits can not be read, as "> 0.999999999999")."""
    T, q = exact(total), quantum(total)
    shown: list[str] = []
    for digits in range(SIG, MAX_SIG + 5):
        shown = [v if isinstance(v, str) else fmt(v, digits) for v in values]
        if stop is not None and any(stop(x) for x in shown):
            return shown
        S = combine([exact(x) for x in shown])
        if S == T or abs(S - T) < q / 2:
            break
    return shown


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
