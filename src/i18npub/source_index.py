"""The source index: which article each source became, and the file states that prove it.

A cache in the state folder (``sources.json``), so that an unchanged source costs one
``stat`` and ingest does not read every article to learn which source it came from. Each
record names an article and the state of its file (inode, size, mtime and ctime: a rewrite
or a replacement changes ctime) when the record was made; a record is believed only while
the article file still has that state, and otherwise the article is read again. The
source's own state is kept with the hash it was verified against, and only once the source
is a few seconds old (a file written twice in one timestamp tick keeps its state: the
"racy" case of git's index). A missing or damaged index is rebuilt from the articles.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from i18npub.fsutil import FileState, atomic_write_text

SOURCE_INDEX = "sources.json"  # in the state folder
INDEX_VERSION = 1


@dataclass
class SourceRecord:
    """What ingest needs of an article to skip its source: no Article is loaded."""

    slug: str
    source: str  # the label stored in the article
    source_hash: str  # the article's ``source_hash`` (``<ingest version>:<sha256>``)
    segments: int  # its distinct sentences (``sentence_count``)
    article: FileState | None  # the article file's state when read or written (None: unsaved)
    source_state: FileState | None = None  # the source file's, when it had ``source_hash``


def load_index(path: Path) -> dict[str, SourceRecord]:
    """The records by article slug; empty if the file is missing or damaged (a cache)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != INDEX_VERSION:
            return {}
        records = {}
        for item in data["records"]:
            record = SourceRecord(
                slug=str(item["slug"]),
                source=str(item["source"]),
                source_hash=str(item["source_hash"]),
                segments=int(item["segments"]),
                article=_state(item["article"]),
                source_state=_state(item["source_state"]) if item["source_state"] else None,
            )
            if record.article is not None:
                records[record.slug] = record
        return records
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def save_index(path: Path, records: list[SourceRecord]) -> None:
    """Write the index (not fsynced: a lost index is rebuilt from the articles)."""
    saved = [asdict(record) for record in records if record.article is not None]
    data = {"version": INDEX_VERSION, "records": saved}
    with contextlib.suppress(OSError):  # a full disk: the next run reads the articles
        atomic_write_text(path, json.dumps(data, ensure_ascii=False) + "\n", durable=False)


def _state(value: object) -> FileState:
    if not isinstance(value, list) or len(value) != 4:
        raise ValueError("bad file state")
    ino, size, mtime, ctime = (int(part) for part in value)
    return (ino, size, mtime, ctime)
