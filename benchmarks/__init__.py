"""Benchmarks (not tests): run them as modules, e.g. ``python -m benchmarks.embedding``."""
