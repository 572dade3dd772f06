"""The build's inputs: each article and its catalog, read and hashed only when its stat changed.

The project's state folder (``.i18npub/site-inputs.json``, not the published site: it holds
paths and inode numbers) records, per input file, its stat (size, ``mtime_ns``, inode, ``ctime_ns``)
with the hash of its content. A later build that finds the same stat takes the recorded hash
and does not open the file; any other stat (an edit, even one that keeps the size; a file
replaced by a rename; ``touch``) makes it read and hash the file again. A file changed
within :data:`~i18npub.fsutil.RACY_NS` of being read may change again within the same
timestamp tick, so its stat is not recorded and the next build hashes it again
(``fsutil.settled``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from i18npub.fsutil import atomic_write_text, settled, stat_state

INDEX_NAME = "site-inputs.json"
NO_CATALOG = "-"


def content_hash(*parts: bytes | str) -> str:
    """The hash every build key is made of (each part length-prefixed)."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little") + data)
    return hasher.hexdigest()[:32]


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


class InputIndex:
    """Content hashes of input files, taken from the last build's record while a file's stat
    is unchanged; :attr:`records` is what this build saw, for the next manifest."""

    def __init__(self, recorded: object = None) -> None:
        self.recorded: dict[str, list] = recorded if isinstance(recorded, dict) else {}
        self.records: dict[str, list] = {}
        self.hashed = 0  # files read and hashed by this build (the others cost a stat)

    @classmethod
    def load(cls, path: Path) -> InputIndex:
        """The index recorded at ``path`` (empty if missing or unreadable)."""
        with contextlib.suppress(OSError, ValueError):
            return cls(json.loads(path.read_text(encoding="utf-8")))
        return cls()

    def save(self, path: Path) -> None:
        """Record what this build saw, if that differs from what it found recorded."""
        if self.records != self.recorded:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(path, json.dumps(self.records), durable=False)

    def hash(self, path: str) -> str | None:
        """The content hash of ``path``; None if it does not exist. Raises OSError."""
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return None
        old = self.recorded.get(path)
        if isinstance(old, list) and len(old) == 5 and old[:4] == list(stat_state(info)):
            self.records[path] = old
            return str(old[4])
        data, info = read_with_stat(path)
        digest = content_hash(data)
        self.hashed += 1
        self.note(path, digest, info)
        return digest

    def note(self, path: str, digest: str, info: os.stat_result | None) -> None:
        """Record ``digest`` for ``path`` with the stat it was read under (none if racy)."""
        state = settled(stat_state(info)) if info is not None else None
        if state is None:
            self.records[path] = [None, None, None, None, digest]
        else:
            self.records[path] = [*state, digest]

    def forget(self, path: str, digest: str | None) -> None:
        """``path`` was found with other content than hashed at first: record no stat."""
        if digest is None:
            self.records.pop(path, None)
        else:
            self.note(path, digest, None)


def read_with_stat(path: str) -> tuple[bytes, os.stat_result]:
    """The file's bytes and the stat of the file they were read from."""
    with open(path, "rb") as handle:
        info = os.fstat(handle.fileno())
        return handle.read(), info
