"""Widget values no browser would send, dropped before Streamlit reads them.

A script speaking Streamlit's protocol can send any value, of any type, for any widget.
Streamlit 1.67 reads the incoming values (and compares them with the last ones, to call
on_change callbacks) before the app's script starts, so a value of the wrong kind is a
traceback that no page code can catch. Measured: text for a float slider ("must be real
number, not str"), text for a number input (ValueError), a number for a multiselect
("'float' object is not iterable"), a Plotly selection that is not the frontend's JSON text
(TypeError, JSONDecodeError).

`install()` (once per process, from server/resources.py) wraps SessionState.
on_script_will_rerun (where a rerun's incoming values arrive): each incoming value that its
widget's own deserializer cannot read (as Streamlit would, from the field that is set), or
that is larger in entries than any widget here holds (counted before anything is parsed), is
dropped (the widget keeps its last value) and the session gets a plain note under NOTE_KEY
(shown at the top of the next full run, views/shell/widgets.py). Values of widgets the server
does not know yet pass unchanged (Streamlit ignores them). This reaches into Streamlit 1.67's session state (private API):
tests/test_hostile_clients.py sends such values to a real server.
Leaves out: how large a value may be (server.maxWidgetStateSize) and what pages do with
valid values (views/shell/widgets.py).
"""
from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)

# Before any parsing, what no widget of this app holds (a count, no allocation): a multiselect has at
# most 512 options, a slider 2 values; a long drawing's JSON (40 strokes of 60 points, 227 KB) has
# 2,524 lists and objects, a 2,000-point selection ~4,000. Under the 1 MB cap a script could still send 300,000 of either: 11.6 s of
# Streamlit's option look-ups for a multiselect, or 20-40 MB of parsed empty objects.
MAX_ARRAY = 10_000
MAX_JSON_CONTAINERS = 50_000
NOTE_KEY = "widgets.note"
NOTE = ("This page received a setting that none of its controls can hold (not from this page, or changed on "
        "the way), so that control keeps its last value. Nothing else changed.")

_lock = threading.Lock()
_installed = False


def fits(state, widget_state) -> bool:
    """Whether a browser could have sent this value for this widget (as far as the server knows it)."""
    from streamlit.runtime.state.common import unpack_widget_state_value
    meta = state._new_widget_state.widget_metadata.get(widget_state.id)
    field = widget_state.WhichOneof("value")
    if meta is None or field is None:
        return True
    if field.endswith("_array_value") and len(getattr(widget_state, field).data) > MAX_ARRAY:
        return False
    if field == "json_value":
        text = widget_state.json_value
        if text.count("{") + text.count("[") > MAX_JSON_CONTAINERS:
            return False
    # The field may differ from meta.value_type: the frontend sends an int number input's value as
    # int_value, which Streamlit registers as double_value. What counts is that it reads.
    try:
        meta.deserializer(unpack_widget_state_value(widget_state))
    except Exception:  # what Streamlit would raise as a traceback on the page
        return False
    return True


def install() -> bool:
    global _installed
    with _lock:
        if _installed:
            return True
        from streamlit.proto.WidgetStates_pb2 import WidgetStates
        from streamlit.runtime.state.session_state import SessionState
        original = SessionState.on_script_will_rerun

        def on_script_will_rerun(self, fresh_widget_states, *args, **kwargs):
            if fresh_widget_states is not None:
                ok = [fits(self, s) for s in fresh_widget_states.widgets]
                if not all(ok):
                    log.warning("dropped %d widget value(s) no browser would send: %s", ok.count(False),
                                [(s.id[-40:], s.WhichOneof("value")) for s, good in zip(fresh_widget_states.widgets, ok) if not good])
                    kept = WidgetStates()
                    kept.widgets.extend(s for s, good in zip(fresh_widget_states.widgets, ok) if good)
                    fresh_widget_states = kept
                    self[NOTE_KEY] = NOTE
            return original(self, fresh_widget_states, *args, **kwargs)

        SessionState.on_script_will_rerun = on_script_will_rerun
        _installed = True
    return True
