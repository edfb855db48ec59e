"""Benchmarks for backprop-tui, each figure a ratio against a same-run baseline. Run: python -m benchmarks.run"""
