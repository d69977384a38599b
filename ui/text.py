"""Teaching text lives in assets/text/*.md, one `## part` per piece; pages show it with
`show(name, part)` or take it with `section(name, part)`.

Text that quotes live numbers has str.format placeholders ("{n} units"); `fill` puts the
numbers in, so the words stay in Markdown and every number is computed where it is shown.
Some parts are written once per activation, update rule or teaching pair ("## Layer relu",
"## Update adam", "## Pair sgd-adam"): PER_ACTIVATION, PER_RULE and PER_PAIR list them, one
registry for all three, and `missing()` names every part a registered name lacks
(tests/test_text.py fails with that list). Pages take a per-activation part with
`for_activation`, which also fills in the activation's own words and numbers (its slope
below zero, the word for a flat unit), so no page matches an activation's name.
A part that is not there raises MissingText naming the file and the part.
Leaves out: labels of controls and chart titles (they stay next to the code they name).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import streamlit as st

from nn_core.activations import ACTIVATIONS, Activation
from nn_core.optimizers import OPTIMIZERS
from nn_core.pairs import PAIRS
from ui.plaintext import quote  # noqa: F401 (re-exported: messages quote user text with it)

TEXT = Path(__file__).resolve().parent.parent / "assets" / "text"

# file -> the parts it has once per name ("{}" is the name): one registry, checked by tests/test_text.py
PER_ACTIVATION = {"draw": ("Layer {}",), "equations": ("dZ {}", "slope {}"),
                  "backprop": ("Why slope {}", "Check differs {}"), "train": ("Dead {}",),
                  "units": ("Flat {}", "Some {}")}
PER_RULE = {"backprop": ("Update {}", "Moved {}")}
PER_PAIR = {"compare": ("Pair {}",)}


class MissingText(LookupError):
    """A part the code asks for is not in its file."""


@lru_cache(maxsize=None)
def load(name: str) -> str:
    return (TEXT / f"{name}.md").read_text(encoding="utf-8")


def section(name: str, part: str) -> str:
    """The part of assets/text/NAME.md under the heading `## part` (up to the next `## `)."""
    text = load(name)
    marker = f"## {part}\n"
    start = 0 if text.startswith(marker) else text.find("\n" + marker) + 1  # a heading starts a line
    if start == 0 and not text.startswith(marker):
        raise MissingText(f"assets/text/{name}.md has no part '## {part}'")
    start += len(marker)
    end = text.find("\n## ", start)
    return text[start:end if end >= 0 else None].strip()


def fill(name: str, part: str, /, **values) -> str:
    """section(name, part) with its {placeholders} replaced by values (str.format)."""
    return section(name, part).format(**values)


def show(name: str, part: str | None = None) -> None:
    st.markdown(section(name, part) if part else load(name))


def words(g: Activation) -> dict[str, str]:
    """What every per-activation part may quote, from the activation's traits: {g} its name,
    {title}, {word} (a flat unit is ...), {slope} its slope below zero, {leak} that slope in
    per cent of the gradient, {slower} how many times slower a unit learns there."""
    s = g.negative_slope
    return {"g": g.name, "title": g.title, "word": g.flat_word, "slope": "" if s is None else f"{s:g}",
            "leak": "" if s is None else f"{s * 100:g} %", "slower": f"{1 / s:,.0f}" if s else ""}


def for_activation(name: str, part: str, g: Activation, /, **values) -> str:
    """The part `part` of NAME.md written for activation g ("Layer" -> "## Layer relu"), filled
    with `values` and g's own words (`words`). `part` must be registered in PER_ACTIVATION."""
    template = f"{part} {{}}"
    if template not in PER_ACTIVATION.get(name, ()):
        raise MissingText(f"'{template}' of assets/text/{name}.md is not in ui/text.py PER_ACTIVATION")
    return fill(name, template.format(g.name), **words(g), **values)


def registered() -> list[tuple[str, str]]:
    """(file, part) of every part the registries ask for, for the names registered now."""
    out = []
    for table, names in ((PER_ACTIVATION, ACTIVATIONS), (PER_RULE, OPTIMIZERS), (PER_PAIR, PAIRS)):
        out += [(file, part.format(n)) for file, parts in table.items() for part in parts for n in names]
    return out


def missing() -> list[str]:
    """One line per registered part that is not in its file: "assets/text/draw.md: ## Layer elu"."""
    out = []
    for file, part in registered():
        try:
            section(file, part)
        except MissingText:
            out.append(f"assets/text/{file}.md: ## {part}")
    return out
