"""Streamlit-aware helpers for the dashboard. Pages import from here; the network math lives
in nn_core (imports go one way: pages -> ui -> nn_core), and no module here imports a page.

What pages share changes only through functions here: state (the shown model, gradient
steps and undo, page switches from callbacks), example (the digit shown), scores (the
test-set pass). The rest draws: forward_view, equations, charts/, pictures, canvas, text.
Leaves out: the math (nn_core) and anything a single page owns (its own widget keys).
"""
