"""The entry file ``prefect.yaml`` names (``flows/pipeline.py:pipeline`` …); the flows themselves
are in the package, ``i18npub.orchestrate.flows``."""

from i18npub.orchestrate.flows import ingest, pipeline, publish, translate

__all__ = ["ingest", "pipeline", "publish", "translate"]
