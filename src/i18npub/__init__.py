"""i18npub: English news in, reviewed Chinese and bilingual pages out.

>>> import i18npub
>>> project = i18npub.open("path/to/project")      # doctest: +SKIP
>>> project.ingest(["article.md"])                  # doctest: +SKIP

Importing the package loads nothing else: ``import i18npub.po`` loads only the PO layer;
``i18npub.Project`` and ``i18npub.open`` import the project facade when first used (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from i18npub._version import __version__

if TYPE_CHECKING:
    from i18npub.project import Project

__all__ = ["Project", "__version__", "open"]


def open(path: str = ".") -> Project:
    """Open the publication project in ``path``."""
    from i18npub.project import Project

    return Project.open(path)


def __getattr__(name: str) -> Any:
    if name == "Project":
        from i18npub.project import Project

        return Project
    raise AttributeError(f"module 'i18npub' has no attribute {name!r}")
