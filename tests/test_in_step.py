"""Whether a catalog is in step with its template: decided once per pair of file states."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import i18npub.catalog
import i18npub.fsutil
from i18npub.file_hashes import content_hash
from i18npub.fsutil import STATE_DIR, stat_state
from i18npub.in_step import (
    CatalogReading,
    DriftCache,
    active_keys,
    keys_digest,
    reading,
)
from i18npub.project import DRIFT_CACHE, Project

STORY = "# A story\n\nThe council met. It was long. Nobody left early.\n"


def _ingested(project: Project) -> tuple[Path, Path]:
    (project.path("content") / "a.md").write_text(STORY, encoding="utf-8")
    project.ingest([project.path("content")])
    return project.catalog_path("a-story", "zh_CN"), project.template_path("a-story")


def _translate_first(catalog: Path) -> str:
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace('msgstr ""\n', 'msgstr "议会开会了。"\n', 2), encoding="utf-8")
    return text


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every catalog or template parsed through ``read_catalog`` from now on."""
    seen: list[Path] = []
    read, read_with_stat = i18npub.catalog.read_catalog, i18npub.catalog.read_catalog_with_stat
    monkeypatch.setattr(i18npub.catalog, "read_catalog", lambda p: seen.append(p) or read(p))
    monkeypatch.setattr(
        i18npub.catalog, "read_catalog_with_stat", lambda p: seen.append(p) or read_with_stat(p)
    )
    return seen


def test_a_catalog_the_build_parsed_is_not_parsed_again_by_ingest(
    project: Project, parsed: list[Path]
) -> None:
    catalog, _ = _ingested(project)
    _translate_first(catalog)  # a translator's save: ingest would have to parse it
    Project.open(project.root).build()
    parsed.clear()
    reopened = Project.open(project.root)
    assert reopened._drift("a-story", "zh_CN") == (0, 0)
    assert parsed == []
    reopened.ingest([project.path("content")])
    assert parsed == []


def test_a_catalog_saved_after_the_build_read_it_is_parsed_and_its_drift_found(
    project: Project, parsed: list[Path]
) -> None:
    catalog, template = _ingested(project)
    text = _translate_first(catalog)
    Project.open(project.root).build()
    cut = text.index('msgid "Nobody left early."')  # an editor buffer from before: one lost
    catalog.write_text(text[: text.rindex("\n\n", 0, cut)] + "\n", encoding="utf-8")
    parsed.clear()
    assert Project.open(project.root)._drift("a-story", "zh_CN") == (1, 0)
    assert catalog in parsed and template in parsed


def test_a_reading_is_not_believed_once_the_template_changed(project: Project) -> None:
    catalog, template = _ingested(project)
    cache = DriftCache(project.root / STATE_DIR / DRIFT_CACHE, project.root)
    key = "locales/zh_CN/LC_MESSAGES/a-story.po"
    assert cache.drift(catalog, template) == (0, 0)
    read = reading(catalog.read_bytes(), os.stat(catalog), i18npub.catalog.read_catalog(catalog))
    cache._load().pop(key)
    cache.offer(catalog, template, read)  # the template as its digest was recorded: believed
    assert key in cache._load()
    cache._load().pop(key)
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    cache.offer(catalog, template, read)
    assert key not in cache._load()


def test_a_reading_with_other_keys_than_the_template_is_not_recorded(project: Project) -> None:
    catalog, template = _ingested(project)
    cache = DriftCache(project.root / STATE_DIR / DRIFT_CACHE, project.root)
    key = "locales/zh_CN/LC_MESSAGES/a-story.po"
    assert cache.drift(catalog, template) == (0, 0)
    cache._load().pop(key)
    lost_two = keys_digest({(None, "The council met.")})
    cache.offer(catalog, template, CatalogReading(stat_state(os.stat(catalog)), lost_two, None))
    assert key not in cache._load()
    whole = keys_digest(active_keys(i18npub.catalog.read_catalog(catalog)))
    cache.offer(catalog, template, CatalogReading(stat_state(os.stat(catalog)), whole, None))
    assert cache._load()[key][:4] == list(stat_state(os.stat(catalog)))


def test_a_state_recorded_while_racy_is_checked_by_content(project: Project) -> None:
    """Two saves in one timestamp tick leave the same state; the content digest tells them
    apart. The second save's state is written into the entry, as such a tick would make it."""
    catalog, _ = _ingested(project)
    path = project.root / STATE_DIR / DRIFT_CACHE
    entry = json.loads(path.read_text(encoding="utf-8"))["locales/zh_CN/LC_MESSAGES/a-story.po"]
    assert len(entry) == 9 and entry[8] == content_hash(catalog.read_bytes())  # just written
    text = catalog.read_text(encoding="utf-8")
    cut = text.index('msgid "Nobody left early."')
    catalog.write_text(text[: text.rindex("\n\n", 0, cut)] + "\n", encoding="utf-8")
    same_tick = [*stat_state(os.stat(catalog)), *entry[4:8], entry[8]]
    known = json.loads(path.read_text(encoding="utf-8"))
    known["locales/zh_CN/LC_MESSAGES/a-story.po"] = same_tick
    path.write_text(json.dumps(known), encoding="utf-8")
    assert Project.open(project.root)._drift("a-story", "zh_CN") == (1, 0)


def test_a_settled_state_drops_the_content_check(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog, template = _ingested(project)
    cache = DriftCache(project.root / STATE_DIR / DRIFT_CACHE, project.root)
    key = "locales/zh_CN/LC_MESSAGES/a-story.po"
    assert len(cache._load()[key]) == 9
    later = os.stat(catalog).st_ctime_ns + 3_000_000_000
    monkeypatch.setattr(i18npub.fsutil.time, "time_ns", lambda: later)  # the clock, 3 s on
    assert cache.drift(catalog, template) == (0, 0)
    assert len(cache._load()[key]) == 8


def test_a_catalog_saved_after_the_caller_parsed_it_is_not_recorded_in_step(
    project: Project,
) -> None:
    """``status`` parses a catalog in step; a stale editor buffer is saved before the check
    runs: what is recorded must be what was compared, so nothing is."""
    catalog, template = _ingested(project)
    cache = DriftCache(project.root / STATE_DIR / DRIFT_CACHE, project.root)
    in_step = i18npub.catalog.read_catalog(catalog)
    text = catalog.read_text(encoding="utf-8")
    cut = text.index('msgid "Nobody left early."')
    catalog.write_text(text[: text.rindex("\n\n", 0, cut)] + "\n", encoding="utf-8")
    assert cache.drift(catalog, template, in_step) == (0, 0)  # the caller's copy, as it was
    cache.save()
    assert Project.open(project.root)._drift("a-story", "zh_CN") == (1, 0)


def test_a_racy_reading_offered_after_it_settled_is_checked_by_content(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build read the catalog within 2 s of a save; a second save in the same tick kept
    the state (written into the reading here, as such a tick makes it); the offer comes
    after the state settled: the content digest still tells the two saves apart."""
    catalog, template = _ingested(project)
    cache = DriftCache(project.root / STATE_DIR / DRIFT_CACHE, project.root)
    cache._load().pop("locales/zh_CN/LC_MESSAGES/a-story.po")
    read = reading(catalog.read_bytes(), os.stat(catalog), i18npub.catalog.read_catalog(catalog))
    assert read.content is not None  # racy
    text = catalog.read_text(encoding="utf-8")
    cut = text.index('msgid "Nobody left early."')
    catalog.write_text(text[: text.rindex("\n\n", 0, cut)] + "\n", encoding="utf-8")
    same_tick = CatalogReading(stat_state(os.stat(catalog)), read.keys, read.content)
    later = os.stat(catalog).st_ctime_ns + 3_000_000_000
    monkeypatch.setattr(i18npub.fsutil.time, "time_ns", lambda: later)
    cache.offer(catalog, template, same_tick)
    assert "locales/zh_CN/LC_MESSAGES/a-story.po" not in cache._load()
    cache.save()
    assert Project.open(project.root)._drift("a-story", "zh_CN") == (1, 0)
