"""Teaching text in assets/text/*.md: every part the code asks for exists (one per activation,
update rule and teaching pair where the words depend on it: ui/text.py's registry), a missing
part is named with its file, and placeholders are plain names that str.format can fill."""
import ast
import string

import numpy as np
import pytest

from devtools.paths import ROOT
from nn_core import ACTIVATIONS, PAIRS, Activation
from nn_core.optimizers import OPTIMIZERS
from ui import text


def _parts(name: str) -> dict[str, str]:
    chunks = text.load(name).split("\n## ")
    return {c.split("\n", 1)[0].removeprefix("## "): c.split("\n", 1)[1] for c in chunks if "\n" in c}


def _asked_for() -> set[tuple[str, str]]:
    """(file, part) of every literal text.section/fill/show call in the pages, views/ and ui/."""
    asked = set()
    for path in [*(ROOT / "app_pages").glob("*.py"), *(ROOT / "views").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]:
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


def test_every_registered_part_exists_for_every_activation_rule_and_pair():
    asked = text.registered()
    assert len(asked) == sum(len(parts) for parts in text.PER_ACTIVATION.values()) * len(ACTIVATIONS) + \
        sum(len(parts) for parts in text.PER_RULE.values()) * len(OPTIMIZERS) + \
        sum(len(parts) for parts in text.PER_PAIR.values()) * len(PAIRS)
    assert ("train", "Dead relu") in asked and ("backprop", "Update adam") in asked and ("compare", "Pair sgd-adam") in asked
    assert text.missing() == []


def test_the_pages_ask_for_per_activation_parts_only_through_the_registry():
    """No page builds a per-activation part's name itself (f"Layer {name}"): for_activation does,
    and refuses a part the registry does not list."""
    for path in [*(ROOT / "app_pages").glob("*.py"), *(ROOT / "views").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    isinstance(node.func.value, ast.Name) and node.func.value.id == "text" and \
                    node.func.attr in {"section", "fill", "show"} and len(node.args) >= 2:
                file, part = node.args[0], node.args[1]
                if isinstance(file, ast.Constant) and isinstance(part, ast.JoinedStr):  # f"Layer {g}" -> "Layer {}"
                    template = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in part.values)
                    assert template not in text.PER_ACTIVATION.get(file.value, ()), (path.name, ast.unparse(node))
    with pytest.raises(text.MissingText, match="'Intro {}' of assets/text/draw.md is not in ui/text.py PER_ACTIVATION"):
        text.for_activation("draw", "Intro", ACTIVATIONS["relu"])


def test_a_missing_part_is_named_with_its_file(monkeypatch):
    """A new activation without its words: the registry lists each part it lacks, and a page
    asking for one gets the file and the part (it was a bare "substring not found")."""
    elu = Activation("elu", "ELU", np.tanh, lambda Z, A: 1 - A * A, "g(z)", "g'(z)", None, "saturated")
    monkeypatch.setitem(ACTIVATIONS, "elu", elu)
    assert text.missing() == [f"assets/text/{file}.md: ## {part.format('elu')}"
                              for file, parts in text.PER_ACTIVATION.items() for part in parts]
    with pytest.raises(text.MissingText, match=r"assets/text/draw.md has no part '## Layer elu'"):
        text.for_activation("draw", "Layer", elu, l=1)
    with pytest.raises(text.MissingText, match=r"assets/text/train.md has no part '## Nothing here'"):
        text.section("train", "Nothing here")


def test_per_activation_parts_quote_the_activations_own_slope():
    leaky = ACTIVATIONS["leaky_relu"]
    assert text.words(leaky) == {"g": "leaky_relu", "title": "leaky ReLU", "word": "leaking", "slope": "0.01",
                                 "leak": "1 %", "slower": "100"}
    assert "the others 1 % of it" in text.for_activation("equations", "dZ", leaky, l=1)
    for name, part in text.registered():
        if part.endswith(" leaky_relu"):
            assert "0.01" not in text.section(name, part), (name, part)  # {slope}, from the activation


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
