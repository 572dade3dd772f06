"""Prefect flows over the i18npub library: see ``flows.pipeline`` and ``docs/operators.md``."""
