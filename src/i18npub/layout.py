"""Where a project keeps its files: one value the lower layers take instead of the project.

``Layout`` answers "which path holds this slug's template, catalog or article?" and nothing
else; it reads no file except to list the articles. The project builds it once from
``i18npub.toml`` (``[paths]``); catalog, translation and site code take it as an argument.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from i18npub.article import validate_slug
from i18npub.config import LANGUAGE_RE, PATH_KEYS
from i18npub.errors import I18npubError
from i18npub.fsutil import STATE_DIR, ensure_inside

_log = logging.getLogger(__name__)


class LayoutError(I18npubError, ValueError):
    """A path the layout refuses: an invalid language code or slug."""


@dataclass(frozen=True)
class Layout:
    """A project's folders; ``paths`` maps each of :data:`PATH_KEYS` to a path under ``root``."""

    root: Path
    paths: Mapping[str, str] = field(default_factory=lambda: {key: key for key in PATH_KEYS})
    _resolved: dict[str, Path] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", self.root.resolve())

    def folder(self, key: str) -> Path:
        """A configured folder (``content``, ``articles``, ``locales``, ``site``…), checked to be
        inside the project (resolved once: the check costs syscalls per path component)."""
        if key not in self._resolved:
            self._resolved[key] = ensure_inside(self.root, Path(self.paths[key]))
        return self._resolved[key]

    @property
    def state(self) -> Path:
        """The run state folder (engine cooldowns, caches, locks)."""
        return self.root / STATE_DIR

    def article_path(self, slug: str) -> Path:
        return self.folder("articles") / f"{validate_slug(slug)}.json"

    def template_path(self, slug: str) -> Path:
        return self._subfolder("locales:templates", "templates") / f"{validate_slug(slug)}.pot"

    def catalog_folder(self, language: str) -> Path:
        if not LANGUAGE_RE.fullmatch(language):
            raise LayoutError(f"invalid language code {language!r}")
        return self._subfolder(f"locales:{language}", language, "LC_MESSAGES")

    def _subfolder(self, key: str, *parts: str) -> Path:
        """A folder under ``locales/``, joined once (paths are built for every article)."""
        if key not in self._resolved:
            self._resolved[key] = self.folder("locales").joinpath(*parts)
        return self._resolved[key]

    def catalog_path(self, slug: str, language: str) -> Path:
        return self.catalog_folder(language) / f"{validate_slug(slug)}.po"

    def slugs(self, warn: Callable[[str], None] = _log.warning) -> list[str]:
        """The articles' slugs; other ``*.json`` files (``._story.json``) are named and skipped."""
        folder = self.folder("articles")
        if not folder.is_dir():
            return []
        slugs = []
        for name in sorted(name for name in os.listdir(folder) if name.endswith(".json")):
            try:
                slugs.append(validate_slug(name[: -len(".json")]))
            except ValueError:
                warn(f"{self.display(folder / name)}: skipped: not an article file (invalid name)")
        return sorted(slugs)

    def display(self, path: Path) -> str:
        """``path`` relative to the project root where it is inside it."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)
