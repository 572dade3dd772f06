"""The MT cache: engine answers kept across runs in ``.i18npub/mt-cache.sqlite3``, keyed by
engine, languages, glossary version and the text sent."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

CACHE_FILE = "mt-cache.sqlite3"


@dataclass(frozen=True)
class CacheScope:
    """What a cached answer depends on besides the text: engine, languages, glossary."""

    engine: str
    source: str
    target: str
    glossary: str


class Cache:
    """Engine answers kept across runs (SQLite, opened on first use; in memory when ``path``
    is None or cannot be written). Thread-safe: engine threads store answers as they arrive."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._lock = threading.RLock()

    @property
    def db(self) -> sqlite3.Connection:
        with self._lock:
            if self._db is None:
                self._db = open_database(self.path)
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS answers (engine TEXT, source TEXT, target TEXT,"
                    " glossary TEXT, text TEXT, answer TEXT, created TEXT,"
                    " PRIMARY KEY (engine, source, target, glossary, text))"
                )
            return self._db

    def get(self, scope: CacheScope, text: str) -> str | None:
        with self._lock:
            row = self.db.execute(
                "SELECT answer FROM answers WHERE engine=? AND source=? AND target=?"
                " AND glossary=? AND text=?",
                (scope.engine, scope.source, scope.target, scope.glossary, text),
            ).fetchone()
        return row[0] if row else None

    def put(self, scope: CacheScope, text: str, answer: str) -> None:
        with self._lock:
            self.db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    scope.engine,
                    scope.source,
                    scope.target,
                    scope.glossary,
                    text,
                    answer,
                    now_iso(),
                ),
            )

    def delete(self, scope: CacheScope, text: str) -> None:
        with self._lock:
            self.db.execute(
                "DELETE FROM answers WHERE engine=? AND source=? AND target=? AND glossary=?"
                " AND text=?",
                (scope.engine, scope.source, scope.target, scope.glossary, text),
            )

    def commit(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.commit()

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.commit()
                self._db.close()
                self._db = None


def open_database(path: Path | None) -> sqlite3.Connection:
    """The cache database; a damaged file is said once, moved aside, and started anew."""
    if path is not None:
        for attempt in (1, 2):
            db = None
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, timeout=30, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the schema
                return db
            except sqlite3.DatabaseError as error:
                if db is not None:
                    db.close()
                busy = isinstance(error, sqlite3.OperationalError)  # locked, cannot open
                if attempt == 2 or busy or not path.is_file():
                    break
                aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
                try:
                    path.rename(aside)
                    for suffix in ("-wal", "-shm"):  # its journal goes with it
                        journal = Path(f"{path}{suffix}")
                        if journal.exists():
                            journal.rename(Path(f"{aside}{suffix}"))
                except OSError:
                    break
                logging.getLogger("i18npub").warning(
                    "warning: %s: damaged (%s); moved aside to %s, starting a new cache",
                    path,
                    error,
                    aside.name,
                )
            except OSError:
                break  # a read-only project: cache in memory for this run
    return sqlite3.connect(":memory:", check_same_thread=False)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
