"""What tests and benchmarks share: AppTest helpers (apptest.py), browser helpers
(browser.py), the page list and headings (pages.py), a Streamlit protocol client, hostile
files, the hand-drawn digits. Importable from the project root (pytest's `pythonpath`;
benchmarks and scripts run as `python -m benchmarks.X`, `python -m scripts.X`), so nothing
edits sys.path. Test modules import their helpers from here, never from each other; shared
fixtures are in tests/conftest.py.

Not part of the app: nothing under app.py, app_pages/, views/, ui/, session/, server/,
links/ or nn_core/ imports it (tests/test_boundaries.py checks).
"""
