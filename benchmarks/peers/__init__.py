"""Helpers for ``benchmarks/peers.py``: corpus generator, tool adapters, step measurement."""
