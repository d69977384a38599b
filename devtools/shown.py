"""Reading numbers back from what the Backprop page shows (LaTeX tables, formatted strings),
and checking arithmetic at the precision shown.

Two strengths of check:
  adds_up, multiplies   within rounding: a number written with d decimals may be off by half a
                        unit in its last place, and so may every number it is computed from
  differs, sums_to      as a student with a calculator checks it: after − before, digit for
                        digit, IS the change printed; the parts printed, added up and rounded to
                        the total's last digit, ARE the total printed ("−5.52 + −0.167 = −5.68"
                        fails: −5.687 rounds to −5.69)
"""
from __future__ import annotations

import re
from decimal import Decimal

COLORBOX = re.compile(r"\\colorbox\{[^}]*\}\{\$(.*?)\$\}")
UNDERSET = re.compile(r"\\underset\{(\d+)\}\{([^}]*)\}")


def number(cell: str) -> float:
    """A displayed number: '0.0123', '-2.41\\text{e-}8', '−1.5', '+21.2', '48.0 %', '(−0.7)'."""
    s = COLORBOX.sub(r"\1", cell).strip()
    s = s.replace(r"\text{e-}", "e-").replace(r"\text{e}", "e").replace("−", "-").replace("%", "")
    s = s.strip().strip("()").strip()
    return float(s)


def half_ulp(cell: str) -> float:
    """Half a unit in the last place written: the rounding a displayed number may carry.
    Integers below 10,000 are exact (the formatting only prints those for exact values)."""
    s = COLORBOX.sub(r"\1", cell).strip().replace("−", "-").replace("%", "").strip().strip("()")
    s = s.replace(r"\text{e-}", "e-").replace(r"\text{e}", "e")
    mant, _, exp = s.partition("e")
    decimals = len(mant.split(".")[1]) if "." in mant else 0
    if not exp and decimals == 0:
        return 0.5 if abs(float(mant)) >= 1e4 else 0.0
    return 0.5 * 10.0 ** (-decimals + (int(exp) if exp else 0))


def table(tex: str, which: int = -1) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """(header rows, body rows, footer rows) of the `which`-th array in an equation, cells as text."""
    arrays = re.findall(r"\\begin\{array\}\{[^}]*\}(.*?)\\end\{array\}", tex, flags=re.S)
    parts = arrays[which].split(r"\hline")
    rows = [[[c.strip() for c in row.split(" & ")] for row in part.split(r"\\ ") if row.strip()] for part in parts]
    return rows[0], rows[1], rows[2] if len(rows) > 2 else []


def exact(cell: str) -> Decimal:
    """A displayed number, digit for digit: '2.41\\text{e-}8' -> Decimal('2.41E-8'), '+21.2 %' -> 21.2."""
    s = COLORBOX.sub(r"\1", cell).strip()
    s = s.replace(r"\text{e-}", "e-").replace(r"\text{e}", "e").replace("−", "-").replace("%", "")
    s = s.replace("\u2009", "").replace(" ", "").strip("()").lstrip("+")
    return Decimal(s)


def last_place(cell: str) -> Decimal:
    """The place of the last digit written: '0.0123' -> 0.0001, '2.41e-8' -> 1e-10, '12' -> 1."""
    return Decimal(1).scaleb(exact(cell).as_tuple().exponent)


def differs(before: str, after: str, change: str) -> bool:
    """after − before, computed from the printed digits, is exactly the printed change."""
    return exact(after) - exact(before) == exact(change)


def sums_to(parts: list[str], total: str, signs: list[int] | None = None) -> bool:
    """The printed parts (with signs), added up and rounded to the last digit of the printed
    total, give the printed total, with no tie to round either way."""
    signs = signs or [1] * len(parts)
    value = sum((s * exact(p) for s, p in zip(signs, parts)), Decimal(0))
    t = exact(total)
    return value == t or abs(value - t) < last_place(total) / 2


def adds_up(parts: list[str], total: str, signs: list[int] | None = None) -> bool:
    """sum(sign * part) equals total within the rounding of every number shown."""
    signs = signs or [1] * len(parts)
    value = sum(s * number(p) for s, p in zip(signs, parts))
    slack = sum(half_ulp(p) for p in parts) + half_ulp(total)
    return abs(value - number(total)) <= slack * 1.0001 + 1e-12


def multiplies(a: str, b: str, product: str) -> bool:
    """a × b equals product within the rounding of the three numbers shown."""
    x, y, z = number(a), number(b), number(product)
    slack = abs(y) * half_ulp(a) + abs(x) * half_ulp(b) + half_ulp(a) * half_ulp(b) + half_ulp(product)
    return abs(x * y - z) <= slack * 1.0001 + 1e-12


def close(shown: str, exact: float) -> bool:
    """A displayed number is the exact one, rounded."""
    return abs(number(shown) - exact) <= half_ulp(shown) * 1.0001 + 1e-9 * abs(exact) + 1e-12


def index(cell: str) -> int:
    """A row's index cell (possibly highlighted)."""
    return int(number(cell))


def html_tables(html: str) -> list[tuple[str, list[list[str]]]]:
    """(caption, rows of cell texts) of every <table> in a piece of HTML."""
    from html import unescape
    out = []
    for t in re.findall(r"<table.*?</table>", html, flags=re.S):
        cap = re.search(r"<caption[^>]*>(.*?)</caption>", t, flags=re.S)
        rows = [[unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, flags=re.S)]
                for r in re.findall(r"<tr[^>]*>(.*?)</tr>", t.split("<tbody>")[-1], flags=re.S)]
        out.append((unescape(cap.group(1)) if cap else "", rows))
    return out
