"""A damaged ``mt-cache.sqlite3`` is said once, moved aside, and a new cache starts on disk
(it used to fall back to memory silently: every later run re-sent everything)."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from i18npub.project import Project
from tests.support.mt_servers import ProviderServer
from tests.support.projects import add_article, configure

SENTENCES = "The harbour reopened on Monday. Fishing boats returned at dawn. Prices fell."
DAMAGES = {
    "garbage": lambda data: b"this is not a database\n" * 100,
    "header-cut": lambda data: data[100:],
    "zeros": lambda data: b"\x00" * len(data),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_cache_is_moved_aside_and_started_anew(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    root = Project.init(tmp_path / "proj", title="Cache").root
    cache = root / ".i18npub" / "mt-cache.sqlite3"
    with ProviderServer("libre") as libre:
        project = configure(root, ["libre"], {"libre": {"url": libre.url}})
        add_article(project, "first", SENTENCES)
        project.translate()
        assert cache.is_file()
        damaged = DAMAGES[damage](cache.read_bytes())
        cache.write_bytes(damaged)
        for journal in cache.parent.glob("mt-cache.sqlite3-*"):
            journal.unlink()

        with caplog.at_level(logging.WARNING, logger="i18npub"):
            second = Project.open(root)
            add_article(second, "second", "A new story. " + SENTENCES)
            assert second.translate().filled == 5
        said = [r.getMessage() for r in caplog.records if "mt-cache.sqlite3" in r.getMessage()]
        assert len(said) == 1 and "damaged" in said[0] and "\n" not in said[0]
        [aside] = cache.parent.glob("mt-cache.sqlite3.damaged-*")
        assert aside.read_bytes() == damaged  # kept for whoever wants to look at it
        sqlite3.connect(cache).execute("SELECT count(*) FROM answers").fetchone()

        sent = len(libre.requests)
        third = Project.open(root)  # the new cache is on disk: a rerun sends only what is new
        add_article(third, "third", "Another story. " + SENTENCES)
        third.translate()
    sent_again = sorted(text for r in libre.requests[sent:] for text in r.texts)
    assert sent_again == ["Another story.", "third"]
