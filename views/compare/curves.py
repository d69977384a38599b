"""Compare's kept runs on one set of charts: the runs picked, a table of only the settings in
which they differ, validation accuracy, training loss and gradient size per layer, and
using or forgetting kept runs.

Leaves out: what a run keeps (session/runs.py) and how the charts are built (ui/charts/compare.py).
"""
from __future__ import annotations

import streamlit as st

from nn_core import specs
from session import runs
from ui import charts, text
from ui.charts import svg
from ui.numbers import percent
from ui.pictures import html

FIELDS = specs()


def on_charts(kept: list) -> list:
    """The kept runs on the charts: the ones picked (the newest two at first)."""
    ids = [r.id for r in kept]
    chosen = [i for i in st.session_state.get("compare.shown", ids[-2:]) if i in ids] or ids[-2:]
    return [r for r in kept if r.id in chosen]


def section(kept: list, run_name, reveal: bool = True) -> None:
    """The runs picked from `kept`, overlaid; `run_name`: a run id -> its name; `reveal`: show a
    teaching pair's "What to see" and the gradient chart (after its question is answered)."""
    ids = [r.id for r in kept]
    st.session_state["compare.shown"] = [r.id for r in on_charts(kept)]
    picked = st.multiselect("Runs on the charts", ids, key="compare.shown", format_func=run_name,
                            max_selections=runs.MAX_RUNS, placeholder="pick one or more runs",
                            help="Every run this session trained (newest last, at most six). Each keeps its colour and "
                                 "marker shape on every chart.")
    shown = [r for r in kept if r.id in picked]
    if not shown:
        st.info("Pick at least one run to see its curves.", icon=":material/info:")
    else:
        differ = [k for k in FIELDS if k != "max_snapshots" and len({str(getattr(r.config, k)) for r in shown}) > 1]
        header = ["Run", *(FIELDS[k].label or k for k in differ), "Val. accuracy", "Steps, time", "Ended"]
        rows = [[charts.compare.label(r), *(str(getattr(r.config, k)) for k in differ),
                 percent(r.final_val_acc) if r.final_val_acc is not None else "no epoch ended",
                 f"{r.steps:,} in {r.seconds:.1f} s", "finished" if r.status == "done" else r.status] for r in shown]
        html(f'<div class="nn-run-table">{svg.table("The runs on the charts", header, rows, hidden=False)}'
                          "</div>")  # run names are ours (presets, pairs), never user text
        st.caption(text.section("compare", "Runs") + (" Every setting is the same in these runs." if len(shown) > 1
                                                      and not differ else ""))
        for r in shown:
            if r.message:
                st.caption(f"{run_name(r.id)}: {r.message}")
        pairs = {r.pair for r in shown}
        if reveal and len(shown) == 2 and len(pairs) == 1 and "" not in pairs:
            st.success(text.section("compare", f"Pair {pairs.pop()}"), icon=":material/lightbulb:")
        c1, c2 = st.columns(2)
        c1.plotly_chart(charts.compare.accuracy(shown), key="compare.chart.accuracy", **charts.PLOT)
        c1.caption(text.section("compare", "Accuracy"))
        c2.plotly_chart(charts.compare.loss(shown), key="compare.chart.loss", **charts.PLOT)
        c2.caption(text.section("compare", "Loss"))
        if reveal:
            st.plotly_chart(charts.compare.gradients(shown), key="compare.chart.gradients", **charts.PLOT)
            st.caption(text.section("compare", "Gradients"))
        else:  # the chart is the question's answer: it waits for the student's (predict first)
            st.info("The gradient sizes per layer appear here once you have answered the question above.",
                    icon=":material/lock_clock:")

    with st.expander("Use a kept run, or forget them all", icon=":material/settings_backup_restore:"):
        usable = [r.id for r in kept if r.model is not None]
        if usable:
            pick = st.selectbox("Run", usable, index=len(usable) - 1, format_func=run_name, key="compare.use",
                                help="Its final weights become the model that Draw, Backprop, Evaluate and every other "
                                     "page show.")
            st.button("Show this run's model on every page", key="compare.use_button", icon=":material/input:",
                      on_click=runs.show_everywhere, args=(pick,), help="The model shown now is replaced (nothing else "
                      "changes: the runs stay here).")
        st.button("Forget every kept run", key="compare.forget", icon=":material/delete:", on_click=runs.forget_all,
                  help="Frees this session's memory. The model every page shows stays.")
