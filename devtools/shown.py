"""Reading numbers back from what the Backprop page shows (LaTeX tables, formatted strings),
and checking arithmetic at the precision shown: a number written with d decimals may be
off by half a unit in its last place, and so may every number it is computed from."""
from __future__ import annotations

import re

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
