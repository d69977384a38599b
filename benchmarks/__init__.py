"""Benchmarks: run each from the project root as `python -m benchmarks.bench_NAME` (see README.md)."""
