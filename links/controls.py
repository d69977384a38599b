"""The dashboard's control for each hyperparameter: TrainConfig's specs under the deployer's caps.

A `Control` says which widget shows a field, under which key (also its URL key), with
which label, help, options or bounds, and how a config value becomes a widget value and
back. Everything comes from the field's `Spec` (nn_core/config.py); the only thing added
here is the deployer's caps (`Limits`): fewer units, layers, epochs or images than the
config itself allows. Pure (no Streamlit): the link reader (links.py) and the widgets
(settings.py) share it, so a link can only ever set what its widget can show.
Leaves out: drawing the widgets (settings.py) and reading links (links.py).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from nn_core import TrainConfig, specs
from nn_core.fields import Spec
from server.limits import Limits
from ui.plaintext import quote


@dataclass(frozen=True)
class Control:
    name: str                 # the TrainConfig field
    spec: Spec
    help: str
    options: tuple = ()       # "select" and "steps": what the widget offers, under the caps
    lo: float | None = None   # "number": its bounds; "sizes": each size's
    hi: float | None = None
    max_len: int = 0          # "sizes": at most this many

    @property
    def key(self) -> str:
        return self.spec.link or self.name

    @property
    def widget(self) -> str:
        return self.spec.widget

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def zero_is_largest(self) -> bool:
        """0 ("all") is not among the steps: the largest step, the whole set, stands for it."""
        return bool(self.spec.zero) and 0 not in self.spec.steps and self.spec.kind == "int"

    def label_of(self, v: Any) -> str:
        """What the widget shows for a value; a URL-bound widget writes this into the link."""
        if self.spec.kind in ("choice", "sizes"):
            return str(v)
        if v == 0 and self.spec.zero and 0 in self.options:
            return self.spec.zero
        return f"{v:g}" if self.spec.kind == "float" else str(int(v))

    def nearest(self, v: float) -> Any:
        """The allowed widget value nearest to the number v (log scale for float ladders)."""
        if self.widget == "number":
            w = min(max(math.floor(v + 0.5) if self.spec.kind == "int" else v, self.lo), self.hi)
            return int(w) if self.spec.kind == "int" else float(w)
        positive = [o for o in self.options if o > 0]
        if self.spec.kind == "float" and v > 0 and positive:
            return min(positive, key=lambda o: abs(math.log(o) - math.log(v)))
        return min(self.options, key=lambda o: (abs(o - v), o))

    def to_widget(self, value: Any) -> Any:
        """A config value -> the widget value showing it (the nearest one the caps allow)."""
        if self.widget == "sizes":
            return ", ".join(map(str, value))
        if self.spec.kind == "choice":
            return value if value in self.options else self.options[0]
        if self.zero_is_largest and value == 0:
            value = max(self.spec.steps)
        return value if value in self.options else self.nearest(value)

    def to_config(self, w: Any) -> Any:
        """A widget value -> the config value (ValueError with a student's message for bad sizes)."""
        if self.widget == "sizes":
            return self.parse_sizes(w)
        if self.zero_is_largest and w == max(self.spec.steps):
            return 0
        if self.spec.kind == "float":
            return float(w)
        return int(w) if self.spec.kind == "int" else w

    def parse_sizes(self, text: str) -> tuple[int, ...]:
        """'128, 64' -> (128, 64), with a message a student understands when it is not valid."""
        parts = [p for p in str(text).replace(";", ",").replace(" ", ",").split(",") if p]
        if not parts:
            raise ValueError("Enter at least one hidden layer size, e.g. 128 or 128, 64.")
        if not all(p.isdecimal() and len(p) < 10 for p in parts):
            raise ValueError(f"Hidden layer sizes must be whole numbers separated by commas, got {quote(text)}.")
        sizes = tuple(int(p) for p in parts)
        if len(sizes) > self.max_len:
            raise ValueError(f"At most {self.max_len} hidden layers here, got {len(sizes)}.")
        if any(not self.lo <= s <= self.hi for s in sizes):
            raise ValueError(f"Each hidden layer needs {self.lo} to {self.hi} units here, got "
                             f"{quote(', '.join(map(str, sizes)))}.")
        return sizes


# Which deployer cap lowers which field (a field not named here has only its config range).
CAPS = {"hidden": ("max_hidden", "max_layers"), "epochs": ("max_epochs",), "n_train": ("max_train",)}


def control(name: str, spec: Spec, limits: Limits) -> Control:
    caps = [getattr(limits, c) for c in CAPS.get(name, ())]
    if spec.widget == "sizes":
        hi, max_len = min(spec.hi, caps[0]) if caps else spec.hi, min(spec.max_len, caps[1]) if caps else spec.max_len
        note = f" This server allows up to {max_len} layers of {hi} units." if (hi, max_len) != (spec.hi, spec.max_len) else ""
        return Control(name, spec, spec.help + note, lo=spec.lo, hi=hi, max_len=max_len)
    if spec.widget == "number":
        hi = min(spec.hi, *caps) if caps else spec.hi
        note = f" This server allows at most {hi:,}." if hi != spec.hi else ""
        return Control(name, spec, spec.help + note, lo=spec.lo, hi=hi)
    if spec.kind == "choice":
        return Control(name, spec, spec.help, options=tuple(spec.choices))  # the registry's names now
    options = tuple(o for o in spec.steps if not caps or o <= min(caps)) or (min(spec.steps),)
    note = f" This server allows up to {max(options):,}." if options != spec.steps else ""
    return Control(name, spec, spec.help + note, options=options)


def controls(limits: Limits, config_cls: type = TrainConfig) -> list[Control]:
    """One control per field with a widget, in the config's order."""
    return [control(name, spec, limits) for name, spec in specs(config_cls).items() if spec.widget]


def widget_values(config: TrainConfig, limits: Limits) -> dict[str, Any]:
    """Widget key -> value for every control, showing `config` (e.g. a preset)."""
    return {c.key: c.to_widget(getattr(config, c.name)) for c in controls(limits, type(config))}


def config_from_widgets(values: dict[str, Any], base: TrainConfig, limits: Limits) -> TrainConfig:
    """The config the widgets describe; fields without a widget come from `base` (the preset).
    ValueError with a message for the student if a widget holds something invalid."""
    changes = {c.name: c.to_config(values[c.key]) for c in controls(limits, type(base))}
    return type(base).from_dict({**dataclasses.asdict(base), **changes})
