"""The site fingerprint reads a file only when its state changed (``file-hashes.json``),
and sees every edit all the same."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

import i18npub.file_hashes
import i18npub.fsutil
import i18npub.source_index
from i18npub import pipeline
from i18npub.file_hashes import content_hash
from i18npub.pipeline.fingerprint import FILE_HASHES, _feed
from i18npub.project import STATE_DIR, Project


@pytest.fixture
def site(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.setattr(i18npub.fsutil, "RACY_NS", 0)  # believe states at once
    for number in range(2):
        story = f"# Story {number}\n\nThe council met on day {number}.\n"
        (project.path("content") / f"s{number}.md").write_text(story, encoding="utf-8")
    project.ingest([project.path("content")])
    return project


def _hashed_afresh(project: Project) -> str:
    """The fingerprint as computed without any cache: every file read."""
    digest = hashlib.sha256()
    _feed(digest, str(project.root))
    for path in pipeline.site_inputs(project):
        sha = content_hash(path.read_bytes()) if path.exists() else "-"
        _feed(digest, path.as_posix(), sha)
    return digest.hexdigest()


def test_the_cached_fingerprint_is_the_one_hashed_afresh(site: Project) -> None:
    first = pipeline.content_fingerprint(site)
    assert (site.root / STATE_DIR / FILE_HASHES).is_file()
    assert pipeline.content_fingerprint(site) == first == _hashed_afresh(site)


def test_unchanged_files_are_not_read_again(site: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    first = pipeline.content_fingerprint(site)

    def refuse(path: str) -> tuple[bytes, os.stat_result]:
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(i18npub.file_hashes, "read_with_stat", refuse)
    assert pipeline.content_fingerprint(site) == first


@pytest.mark.parametrize("restore_mtime", [False, True])
def test_a_catalog_edited_to_the_same_size_is_seen(site: Project, restore_mtime: bool) -> None:
    first = pipeline.content_fingerprint(site)
    catalog = site.catalog_path("story-0", "zh_CN")
    before = catalog.stat()
    text = catalog.read_text(encoding="utf-8")
    edited = text.replace('msgstr ""\n\n#', 'msgstr "x"\n\n#', 1).replace("Language", "Languag", 1)
    assert len(edited.encode()) == len(text.encode()) and edited != text
    catalog.write_text(edited, encoding="utf-8")
    if restore_mtime:  # a tool that puts the old time back: ctime still moves
        os.utime(catalog, ns=(before.st_atime_ns, before.st_mtime_ns))
    second = pipeline.content_fingerprint(site)
    assert second != first and second == _hashed_afresh(site)


@pytest.mark.parametrize("damage", ["{broken", "[]", '{"x": [1]}'])
def test_a_damaged_hash_cache_is_hashed_anew(site: Project, damage: str) -> None:
    first = pipeline.content_fingerprint(site)
    (site.root / STATE_DIR / FILE_HASHES).write_text(damage, encoding="utf-8")
    assert pipeline.content_fingerprint(site) == first


def test_a_recently_written_file_is_hashed_every_time(
    site: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(i18npub.fsutil, "RACY_NS", 10**18)  # everything is recent
    first = pipeline.content_fingerprint(site)
    cache = site.root / STATE_DIR / FILE_HASHES
    records = json.loads(cache.read_text(encoding="utf-8")) if cache.exists() else {}
    assert all(record[:4] == [None] * 4 for record in records.values())  # no state believed
    assert pipeline.content_fingerprint(site) == first == _hashed_afresh(site)
