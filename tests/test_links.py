"""The link reader is a pure function: any query string gives values every widget accepts
and notes in plain words; nothing raises."""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from links.controls import controls
from links.query import REGISTRY, LinkKey, Refused, read_link, register
from nn_core import PRESETS
from server.limits import Limits

LIMITS = [Limits(), Limits(max_hidden=64, max_layers=2, max_epochs=20, max_train=5000)]


def valid_for_its_widget(key, value, limits) -> bool:
    if key == "preset":
        return value in PRESETS
    if key == "lesson":   # read by links/classroom.py (signed), only its length is checked here
        return isinstance(value, str) and len(value) <= 1500
    if key == "projector":
        return isinstance(value, bool)
    c = {c.key: c for c in controls(limits)}[key]
    if c.widget == "sizes":
        return isinstance(value, str)
    if c.widget == "number":
        return type(value) is int and c.lo <= value <= c.hi  # an int widget: no float, no inf
    return value in c.options and (not isinstance(value, float) or math.isfinite(value))


numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers(-10**30, 10**30).map(str),
                    st.sampled_from(["inf", "-inf", "nan", "1e309", "-1e400", "1e-3", "10", "10.0", "2.5", " 7 ",
                                     "1_000", "0x1f", "", "full batch", "off", "all", "ALL", "TANH", "Best"]))
texts = st.one_of(numbers, st.text(max_size=30), st.sampled_from(list(PRESETS) + ["relu", "sgd", "cosine", "he"]))
keys = st.one_of(st.sampled_from(sorted(REGISTRY)), st.text(max_size=10))


@settings(max_examples=200, deadline=None)
@given(query=st.dictionaries(keys, st.lists(texts, max_size=3), max_size=6), limits=st.sampled_from(LIMITS))
def test_any_link_gives_valid_values_and_plain_notes(query, limits):
    reading = read_link(query, limits)
    for key, value in reading.values.items():
        assert valid_for_its_widget(key, value, limits), (key, value)
    for key, text in reading.query.items():
        assert key in REGISTRY and isinstance(text, str)
    for note in reading.notes:
        assert note.startswith("The link") and note.endswith(".") and "\n" not in note
    # reading the cleaned link again says nothing more and gives the same values
    again = read_link({k: [v] for k, v in reading.query.items()}, limits)
    assert again.notes == [] and again.query == reading.query
    assert {k: again.values[k] for k in reading.query} == {k: reading.values[k] for k in reading.query}


def test_a_preset_fills_every_setting_and_the_links_own_keys_win():
    reading = read_link({"lr": ["0.05"], "preset": ["column-10"]}, Limits())
    assert reading.values["lr"] == 0.05 and reading.values["batch"] == 0 and reading.values["hidden"] == "10"
    assert reading.values["init"] == "uniform" and reading.notes == []


def test_caps_bound_what_a_link_can_set():
    limits = Limits(max_epochs=20, max_train=5000)
    reading = read_link({"epochs": ["50"], "n_train": ["all"]}, limits)
    assert reading.values == {"epochs": 20, "n_train": 5000}
    assert reading.notes == ["The link's epochs=`50` is outside 1..20 here: using 20, the nearest allowed value."]


def test_more_keys_can_be_registered():
    """A page adds its own keys the same way (views/shell/projector.py and links/classroom.py do)."""
    def read(text, limits):
        if text not in ("0", "1"):
            raise Refused("is not 0 or 1")
        return text == "1", None
    key = LinkKey("contrast", read, lambda v, limits: "1" if v else "0")
    register(key)
    try:
        assert read_link({"contrast": ["1"]}, Limits()).values == {"contrast": True}
        assert read_link({"contrast": ["yes"]}, Limits()).notes == [
            "The link's contrast=`yes` is not 0 or 1: ignored."]
        with pytest.raises(ValueError, match="twice"):
            register(LinkKey("contrast", read, str))
    finally:
        del REGISTRY["contrast"]
