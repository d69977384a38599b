"""The Train page's settings column: a preset, one widget per hyperparameter, the link.

The widgets are derived from TrainConfig's specs (controls.py): adding a field with a
`widget` adds its widget here, with its label, help, options or bounds and URL key.
They are bound to the URL (`bind="query-params"`, the key is the link key), so a link
such as /train?preset=best&lr=0.01 reproduces a set-up. A link is read once per session,
before any widget exists, by links.py: what it gets wrong is explained, the values go to
the widgets, and if the link itself needed fixing it is rewritten and the page rerun,
so a bad value never reaches a widget (Streamlit's number input raises on `inf`).
The augmentation and dropout settings (their specs' group "augment") sit in an expander
of their own, with a preview of augmented training digits (augment_preview.py).
Below the widgets: the run's estimated time, and a warning when it exceeds this server's
limit per run.
Leaves out: the Start/Pause/... controls and the training itself (training.py).
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from links import classroom
from links.controls import Control, config_from_widgets, controls, widget_values
from links.query import read_link
from nn_core import PRESETS, TrainConfig
from server import resources
from ui import text
from views.shell import widgets
from views.train.augment_preview import show_preview
from views.train.estimate import estimate_note

DEFAULT_PRESET = "fast"
MAX_SIZES_TEXT = 200  # characters of the hidden-sizes box (8 layers of 4 digits need 40); a link's are cut there too


@widgets.guarded
def _apply_preset() -> None:
    """on_change of the preset menu: every setting from the preset, and the preset in the link."""
    name = st.session_state["preset"]
    st.session_state.update(widget_values(PRESETS[name].config, resources.limits()))
    if name == DEFAULT_PRESET:
        st.query_params.pop("preset", None)
    else:
        st.query_params["preset"] = name


def read_link_once() -> None:
    """Read this session's link before the widgets exist (once): notes, values, a clean URL."""
    if st.session_state["train.link_read"]:
        return
    st.session_state["train.link_read"] = True
    query = {k: st.query_params.get_all(k) for k in st.query_params}
    limits, lesson = resources.limits(), classroom.lesson()
    reading = read_link(query, limits)
    st.session_state["train.link_notes"] = reading.notes + classroom.link_notes(query)
    if lesson:  # the teacher's preset under everything; the link may change only what the lesson leaves open
        st.session_state.update(widget_values(PRESETS[lesson["preset"]].config, limits))
        reading.values = {k: v for k, v in reading.values.items() if k not in lesson["fixed"] and k != "preset"}
        st.session_state["preset"] = lesson["preset"]
    st.session_state.update({k: v for k, v in reading.values.items() if k not in ("lesson", "projector")})  # app-wide keys
    if reading.query != {k: v[-1] if v else "" for k, v in query.items()} or any(len(v) != 1 for v in query.values()):
        # The link needs fixing: Streamlit seeds bound widgets from the link it was opened
        # with, so write the clean one and rerun with it.
        st.query_params.from_dict(reading.query)
        st.rerun()


def _widget(c: Control, default: Any, container) -> None:
    kw = {"key": c.key, "help": c.help, "bind": "query-params"}
    if c.widget == "sizes":
        container.text_input(c.label, value=default, max_chars=MAX_SIZES_TEXT, **kw)
    elif c.widget == "select":
        container.selectbox(c.label, c.options, index=c.options.index(default), format_func=c.label_of, **kw)
    elif c.widget == "steps":
        container.select_slider(c.label, c.options, value=default, format_func=c.label_of, **kw)
    else:
        container.number_input(c.label, c.lo, c.hi, value=default, **kw)


def hyperparameter_widgets() -> TrainConfig | None:
    """Draw the settings; return the TrainConfig they describe (None, with a message, if invalid)."""
    limits = resources.limits()
    read_link_once()
    notes = st.session_state["train.link_notes"]
    if notes:  # one box: a link with several problems should not push the settings off the screen
        st.warning(notes[0] if len(notes) == 1 else "This link needed fixing:\n" + "\n".join(f"- {n}" for n in notes),
                   icon=":material/link:")
    lesson, fixed = classroom.lesson(), classroom.fixed_values()
    if st.session_state["class.note"]:  # also in the sidebar, which a phone keeps closed
        st.warning(st.session_state["class.note"], icon=":material/link_off:")
    if lesson:
        preset = PRESETS[lesson["preset"]]
        st.info(f"Your teacher's link sets the preset **{preset.title}**"
                + (f" and fixes {', '.join(classroom.labels(fixed))}." if fixed else "."), icon=":material/school:")
    else:
        st.selectbox("Preset", list(PRESETS), index=list(PRESETS).index(DEFAULT_PRESET), key="preset",
                     format_func=lambda n: PRESETS[n].title, on_change=_apply_preset,
                     help="Start from the network of one of the source documents, or from our fast/best set-ups. "
                          "Choosing a preset fills in every setting below; change any of them afterwards.")
        preset = PRESETS[st.session_state["preset"]]
    st.caption(preset.description)
    defaults = widget_values(PRESETS[DEFAULT_PRESET].config, limits)  # a widget's default stays out of the URL
    _widgets([c for c in controls(limits) if not c.spec.group and c.key not in fixed], defaults, st)
    group = [c for c in controls(limits) if c.spec.group == "augment" and c.key not in fixed]  # fixed: a class link's
    # open when any of its settings is on (a preset or link that augments), so nothing set is hidden
    section = st.expander("Augmentation and dropout", icon=":material/auto_awesome_motion:",
                          expanded=any(st.session_state.get(c.key, defaults[c.key]) != defaults[c.key] for c in group))
    with section:
        st.caption(text.section("train", "Augmentation"))
        _widgets(group, defaults, section)
    try:
        config = config_from_widgets({c.key: fixed[c.key] if c.key in fixed else st.session_state[c.key]
                                      for c in controls(limits)}, preset.config, limits)
    except ValueError as e:
        st.error(str(e))
        return None
    with section:
        show_preview(config)
    estimate_note(config, limits)
    return config


def _widgets(group: list[Control], defaults: dict[str, Any], container) -> None:
    """The group's widgets in order; two half-width ones share a row."""
    row: list = []
    for c in group:
        if c.spec.half:
            row = row or list(container.columns(2))
            _widget(c, defaults[c.key], row.pop(0))
        else:
            row = []
            _widget(c, defaults[c.key], container)
