"""Model files: one self-describing .npz per model (serialize.py), read from untrusted
sources through a reader that checks sizes before decompressing (safe_npz.py) and a header
schema with caps (header.py)."""
