"""Teaching text in assets/text/*.md: every part the code asks for exists (one per activation
where the words depend on it), and placeholders are plain names that str.format can fill."""
import ast
import string

import pytest

from devtools.paths import ROOT
from nn_core import ACTIVATIONS
from ui import text

PER_ACTIVATION = {"draw": ["Layer"], "equations": ["dZ", "slope"], "backprop": ["Check differs", "Why slope"]}


def _parts(name: str) -> dict[str, str]:
    chunks = text.load(name).split("\n## ")
    return {c.split("\n", 1)[0].removeprefix("## "): c.split("\n", 1)[1] for c in chunks if "\n" in c}


def _asked_for() -> set[tuple[str, str]]:
    """(file, part) of every literal text.section/fill/show call in the pages and ui/."""
    asked = set()
    for path in [*(ROOT / "app_pages").glob("*.py"), *(ROOT / "ui").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    isinstance(node.func.value, ast.Name) and node.func.value.id == "text" and \
                    node.func.attr in {"section", "fill", "show"} and len(node.args) >= 2 and \
                    all(isinstance(a, ast.Constant) for a in node.args[:2]):
                asked.add((node.args[0].value, node.args[1].value))
    return asked


def test_every_part_the_code_asks_for_exists():
    asked = _asked_for()
    assert len(asked) > 40
    for name, part in asked:
        assert part in _parts(name), (name, part)


@pytest.mark.parametrize("name, part", [(n, p) for n, parts in PER_ACTIVATION.items() for p in parts])
def test_activation_dependent_words_exist_for_every_activation(name, part):
    for activation in ACTIVATIONS:
        assert f"{part} {activation}" in _parts(name), (name, part, activation)


@pytest.mark.parametrize("path", sorted((ROOT / "assets" / "text").glob("*.md")), ids=lambda p: p.stem)
def test_placeholders_are_plain_names(path):
    for part, body in _parts(path.stem).items():
        for _, field, spec, _ in string.Formatter().parse(body):
            if field is not None:
                assert field.isidentifier(), (path.name, part, field)


def test_fill_puts_numbers_in_and_says_what_is_missing():
    assert "the 100 squares' counts sum to 10,000" in " ".join(text.fill("evaluate", "Matrix chart", squares=100,
                                                                          n=10_000).split())
    with pytest.raises(KeyError, match="squares"):
        text.fill("evaluate", "Matrix chart", n=10_000)
