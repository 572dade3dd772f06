"""i18npub: English news in, reviewed Chinese and bilingual pages out.

>>> import i18npub
>>> project = i18npub.open("path/to/project")      # doctest: +SKIP
>>> project.ingest(["article.md"])                  # doctest: +SKIP
"""

from __future__ import annotations

from i18npub.project import Project

__version__ = "0.1.0"
__all__ = ["Project", "__version__", "open"]


def open(path: str = ".") -> Project:
    """Open the publication project in ``path``."""
    return Project.open(path)
