"""Streamlit-aware helpers for the dashboard: session state, shared read-only resources,
training control, chart builders and teaching text. Pages import from here; the network
math lives in nn_core (imports go one way: pages -> ui -> nn_core)."""
