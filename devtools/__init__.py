"""What tests and benchmarks share: browser helpers, a Streamlit protocol client, hostile
files, the hand-drawn digits, AppTest helpers. Importable from the project root (pytest's
`pythonpath`, and the venv's path file that `make` writes), so nothing edits sys.path.

Not part of the app: nothing under app.py, app_pages/, views/, ui/, session/, server/,
links/ or nn_core/ imports it (tests/test_boundaries.py checks).
"""
