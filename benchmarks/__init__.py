"""Benchmarks for backprop-tui (issue 5). Run: python -m benchmarks.run"""
