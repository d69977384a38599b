"""What a shared link may say, read the way a person would type it.

A link's query string arrives as a mapping key -> list of texts (a key may repeat).
`read_link` turns it into values that each key's widget accepts, notes for the person
who opened it, and the link as it should read afterwards. Numbers are read as typed
(`10`, `10.0`, `1e-3`); values that are not finite (`inf`, `nan`, `1e309`) are refused;
numbers out of range or between the offered steps move to the nearest allowed value;
names not offered, unknown keys and repeated keys are reported. Every note quotes the
link's text as plain text. Nothing here raises or reaches a widget unchecked.

Keys live in a registry (`REGISTRY`, `register`): each `LinkKey` reads one text into a
value and writes a value back as text. The Train page's keys are derived from
TrainConfig's specs (through controls.py), plus `preset`, which fills in every setting
from a preset before the link's own keys apply. Other pages can register their keys the
same way (a key known to any page is never reported as unknown).
Pure: no Streamlit. Leaves out: applying the values to widgets and the URL (settings.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from links.controls import Control, control, widget_values
from nn_core import PRESETS, TrainConfig, specs
from nn_core.fields import parse_number
from server.limits import Limits
from ui.plaintext import quote


class Refused(ValueError):
    """A link value that cannot be used at all; the message ends the note's sentence."""


@dataclass(frozen=True)
class LinkKey:
    key: str
    # text -> (value its widget accepts, None) or (nearest allowed value, why it moved); raises Refused
    read: Callable[[str, Limits], tuple[Any, str | None]]
    # a value -> the text its widget writes into the URL
    write: Callable[[Any, Limits], str]
    # values it sets for other keys first (a preset fills in every setting); the link's own keys win
    expand: Callable[[Any, Limits], dict[str, Any]] | None = None


@dataclass
class LinkReading:
    values: dict[str, Any] = field(default_factory=dict)  # key -> value for its widget
    notes: list[str] = field(default_factory=list)        # one sentence each, link text quoted
    query: dict[str, str] = field(default_factory=dict)   # the link as it should read (known keys, once each)


def read_link(query: Mapping[str, Sequence[str]], limits: Limits,
              registry: Mapping[str, LinkKey] | None = None) -> LinkReading:
    """Read every key of a link. Never raises; every returned value is valid for its widget."""
    registry = REGISTRY if registry is None else registry
    out, own = LinkReading(), {}
    for key, texts in query.items():
        texts = [str(t) for t in texts] if isinstance(texts, (list, tuple)) else [str(texts)]
        if key not in registry:
            shown = f"{quote(key)}={quote(texts[-1])}" if texts else quote(key)
            out.notes.append(f"The link's {shown} is not a setting of this app: ignored.")
            continue
        if not texts:
            continue
        if len(texts) > 1:
            out.notes.append(f"The link gives {key} {len(texts)} times ({', '.join(quote(t, 20) for t in texts[:4])}"
                             f"{', …' if len(texts) > 4 else ''}): using the last one.")
        text, spec = texts[-1], registry[key]
        try:
            value, why = spec.read(text, limits)
        except Refused as e:
            out.notes.append(f"The link's {key}={quote(text)} {e}: ignored.")
            continue
        if why:
            out.notes.append(f"The link's {key}={quote(text)} {why}: using {spec.write(value, limits)}, "
                             "the nearest allowed value.")
        own[key] = value
        out.query[key] = spec.write(value, limits)
    for key, value in own.items():  # expansions first, so a link's own keys win
        if registry[key].expand:
            out.values.update(registry[key].expand(value, limits))
    out.values.update(own)
    return out


# ------------------------------------------------------------------ the Train page's keys
def _control_reader(c: Control) -> Callable[[str], tuple[Any, str | None]]:
    def read(text: str) -> tuple[Any, str | None]:
        text = text.strip()
        if c.widget == "sizes":  # any text: the widget itself explains what is wrong with it
            return text[:200], ("is too long" if len(text) > 200 else None)
        if c.spec.kind == "choice":
            match = next((o for o in c.options if o.lower() == text.lower()), None)
            if match is None:
                raise Refused(f"is not one of {', '.join(c.options)}")
            return match, None
        if c.spec.zero and text.lower() == c.spec.zero and (0 in c.options or c.zero_is_largest):
            return c.to_widget(0), None  # the label the widget itself writes ("full batch", "off")
        try:
            v = parse_number(text)
        except ValueError:
            raise Refused("is not a finite number" if text.lower().lstrip("+-") in ("inf", "infinity", "nan")
                          or _overflows(text) else "is not a number") from None
        if c.widget == "number":
            w = c.nearest(v)
            return w, (None if w == v else f"is outside {c.lo:,}..{c.hi:,} here" if not c.lo <= v <= c.hi
                       else "is not a whole number")
        w = c.to_widget(v) if c.zero_is_largest and v == 0 else (v if v in c.options else c.nearest(v))
        return w, (None if w == v or (c.zero_is_largest and v == 0) else "is not one of the values offered")
    return read


def _overflows(text: str) -> bool:
    try:
        return float(text) in (float("inf"), float("-inf"))
    except ValueError:
        return False


def config_key(name: str, config_cls: type = TrainConfig) -> LinkKey:
    """The link key of one config field, reading and writing what its control shows."""
    spec = specs(config_cls)[name]
    return LinkKey(spec.link,
                   read=lambda text, limits: _control_reader(control(name, spec, limits))(text),
                   write=lambda value, limits: control(name, spec, limits).label_of(value))


def _preset_values(name: str, limits: Limits) -> dict[str, Any]:
    return {"preset": name, **widget_values(PRESETS[name].config, limits)}


def _read_preset(text: str, limits: Limits) -> tuple[str, None]:
    match = next((n for n in PRESETS if n.lower() == text.strip().lower()), None)
    if match is None:
        raise Refused(f"is not one of {', '.join(PRESETS)}")
    return match, None


PRESET_KEY = LinkKey("preset", _read_preset, lambda name, limits: name, expand=_preset_values)


def train_keys(config_cls: type = TrainConfig) -> dict[str, LinkKey]:
    """`preset` and one key per config field that has a link key."""
    keys = [PRESET_KEY] + [config_key(name, config_cls) for name, s in specs(config_cls).items() if s.link]
    return {k.key: k for k in keys}


REGISTRY: dict[str, LinkKey] = {}


def register(*keys: LinkKey) -> None:
    """Make keys known to `read_link` (a page's own link keys)."""
    for k in keys:
        if k.key in REGISTRY and REGISTRY[k.key] is not k:
            raise ValueError(f"link key {k.key!r} is registered twice")
        REGISTRY[k.key] = k


register(*train_keys().values())
