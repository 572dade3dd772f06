"""Reviewers' rejections: machine suggestions a reviewer cleared, remembered per source text
and engine in ``.i18npub/mt-rejections.sqlite3`` so that engine is not asked again for it."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from i18npub.article import text_hash
from i18npub.lookup import PROVENANCE_PREFIX, provenance
from i18npub.translate.cache import now_iso, open_database

if TYPE_CHECKING:
    from i18npub.po import POEntry

REJECTIONS_FILE = "mt-rejections.sqlite3"

REJECTED_BY_REVIEWER = (
    "suggestion cleared by a reviewer (`i18npub translate --retry-rejected` asks again)"
)


def cleared_suggestion(entry: POEntry) -> tuple[str, str] | None:
    """``(engine, provenance)`` if this untranslated entry held a machine suggestion for its
    current text that someone cleared (Weblate's save of a rejected string, Poedit's delete):
    the provenance comment is still there, the text is gone."""
    record = provenance(entry)
    if entry.msgstr or record.get("kind") != "machine" or not record.get("engine"):
        return None
    if record.get("source", text_hash(entry.msgid)) != text_hash(entry.msgid):
        return None  # carried from an older source text: not a verdict on this one
    comment = next(c for c in entry.translator_comments if c.startswith(PROVENANCE_PREFIX))
    return record["engine"], comment


class Rejections:
    """Which engine's suggestion for which source text a reviewer cleared
    (``.i18npub/mt-rejections.sqlite3``, kept even when the MT cache is off).

    A rejected engine is not asked again for that text; the next engine of the chain is.
    ``forgive`` (``--retry-rejected``) lifts it; writing a new suggestion from that engine
    starts afresh, so clearing it again is a new rejection.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = open_database(self.path)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS rejections (language TEXT, msgid TEXT, engine TEXT,"
                " provenance TEXT, active INTEGER, created TEXT,"
                " PRIMARY KEY (language, msgid, engine))"
            )
        return self._db

    def record(self, language: str, cleared: Mapping[str, tuple[str, str]]) -> None:
        """Remember cleared suggestions; one already forgiven stays forgiven."""
        for msgid, (engine, comment) in cleared.items():
            row = self.db.execute(
                "SELECT provenance FROM rejections WHERE language=? AND msgid=? AND engine=?",
                (language, msgid, engine),
            ).fetchone()
            if row is None or row[0] != comment:
                self.db.execute(
                    "INSERT OR REPLACE INTO rejections VALUES (?, ?, ?, ?, 1, ?)",
                    (language, msgid, engine, comment, now_iso()),
                )
        if cleared:
            self.db.commit()

    def active(self, language: str, msgids: Collection[str]) -> dict[str, set[str]]:
        """``{msgid: engines}`` whose suggestions stand rejected."""
        if not msgids or not self._exists():
            return {}
        wanted = set(msgids)
        found: dict[str, set[str]] = {}
        rows = self.db.execute(
            "SELECT msgid, engine FROM rejections WHERE language=? AND active=1", (language,)
        )
        for msgid, engine in rows:
            if msgid in wanted:
                found.setdefault(msgid, set()).add(engine)
        return found

    def forgive(
        self, language: str, msgids: Collection[str], engines: Collection[str]
    ) -> dict[str, set[str]]:
        """Lift the rejections of ``msgids`` by ``engines``; ``{engine: msgids}`` to ask
        again, anew."""
        fresh: dict[str, set[str]] = {}
        for msgid, rejected in self.active(language, msgids).items():
            for engine in set(rejected) & set(engines):
                fresh.setdefault(engine, set()).add(msgid)
                self.db.execute(
                    "UPDATE rejections SET active=0 WHERE language=? AND msgid=? AND engine=?",
                    (language, msgid, engine),
                )
        if fresh:
            self.db.commit()
        return fresh

    def written(self, language: str, suggestions: Sequence[tuple[str, str]]) -> None:
        """A new suggestion from an engine replaces what was forgiven of it."""
        if not suggestions or not self._exists():
            return
        self.db.executemany(
            "DELETE FROM rejections WHERE language=? AND msgid=? AND engine=? AND active=0",
            [(language, msgid, engine) for msgid, engine in suggestions],
        )
        self.db.commit()

    def _exists(self) -> bool:
        return self._db is not None or self.path is None or self.path.exists()

    def close(self) -> None:
        if self._db is not None:
            self._db.commit()
            self._db.close()
            self._db = None
