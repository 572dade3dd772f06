"""The build's inputs: each article and its catalog, by path and content hash.

Their hashes come from a :class:`~i18npub.file_hashes.FileHashes` kept in the project's
state folder (``.i18npub/site-inputs.json``, not the published site: it holds paths and
inode numbers), so an input whose stat is unchanged since the last build is not read.
"""

from __future__ import annotations

from dataclasses import dataclass

from i18npub.file_hashes import content_hash

INDEX_NAME = "site-inputs.json"
NO_CATALOG = "-"


def source_key(article_hash: str, catalog_hash: str) -> str:
    """The key of an article's inputs: its JSON and its catalog (or none)."""
    return content_hash(article_hash, catalog_hash)


@dataclass(frozen=True)
class Source:
    """An article's inputs by path, with the hashes of their content (no bytes kept)."""

    slug: str
    article_path: str
    catalog_path: str
    article_hash: str
    catalog_hash: str  # NO_CATALOG when the article has none

    @property
    def key(self) -> str:
        return source_key(self.article_hash, self.catalog_hash)
