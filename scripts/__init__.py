"""Reproducible builders of the assets: run from the project root as `python -m scripts.NAME`."""
