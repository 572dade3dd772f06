"""The source index (``.i18npub/sources.json``): a cache that lets an unchanged source cost a
stat, and that is never believed over the articles themselves."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest

import i18npub.fsutil
import i18npub.project
import i18npub.source_index
from i18npub.fsutil import RACY_NS
from i18npub.project import Project
from i18npub.source_index import SOURCE_INDEX, load_index

OLD_NS = time.time_ns() - 10 * RACY_NS


@pytest.fixture
def settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Believe a source's state as soon as it is read (else only once it is 2 s old: its
    ctime, which ``os.utime`` cannot set back, would have to be)."""
    monkeypatch.setattr(i18npub.fsutil, "RACY_NS", 0)


def _write(path: Path, text: str, mtime_ns: int | None = None) -> None:
    path.write_text(text, encoding="utf-8")
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))


def _sources(project: Project, count: int = 3) -> Path:
    inbox = project.root / "content"
    for number in range(count):
        _write(inbox / f"s{number}.md", f"# Story {number}\n\nThe council met on day {number}.\n")
    return inbox


def _index(project: Project) -> Path:
    return project.layout.state / SOURCE_INDEX


def _actions(project: Project, inbox: Path) -> Counter[str]:
    return Counter(result.action for result in Project.open(project.root).ingest([inbox]))


def _per_source(project: Project) -> Counter[str]:
    return Counter(article.source for article in Project.open(project.root).articles())


def test_an_unchanged_settled_source_is_not_read_again(
    project: Project, monkeypatch: pytest.MonkeyPatch, settled_at_once: None
) -> None:
    inbox = _sources(project)
    assert _actions(project, inbox) == {"created": 3}

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged source was read")

    monkeypatch.setattr(i18npub.project, "load_source", refuse)
    monkeypatch.setattr(Project, "load_article", refuse)
    assert _actions(project, inbox) == {"unchanged": 3}


def test_a_recently_written_source_is_hashed_not_trusted_by_its_state(project: Project) -> None:
    inbox = _sources(project, 1)
    assert _actions(project, inbox) == {"created": 1}  # written just now
    records = load_index(_index(project))
    assert all(record.source_state is None for record in records.values())


@pytest.mark.parametrize("restore_mtime", [False, True])
def test_an_edited_source_of_the_same_size_is_ingested_again(
    project: Project, restore_mtime: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if restore_mtime:  # its state was believed: the edit shows in its ctime
        monkeypatch.setattr(i18npub.fsutil, "RACY_NS", 0)
    inbox = _sources(project, 1)
    _write(inbox / "s0.md", "# Story 0\n\nThe council met on day 0.\n", OLD_NS)
    source = inbox / "s0.md"
    assert _actions(project, inbox) == {"created": 1}
    before = source.stat()
    text = source.read_text(encoding="utf-8").replace("day 0", "day 9")
    _write(source, text, OLD_NS if restore_mtime else None)  # same size; even the same mtime
    assert source.stat().st_size == before.st_size
    assert _actions(project, inbox) == {"updated": 1}
    assert "day 9" in json.dumps(Project.open(project.root).load_article("story-0").to_dict())


@pytest.mark.parametrize("damage", ["garbage", "empty", "wrong shape", "missing"])
def test_a_damaged_or_missing_index_is_rebuilt_from_the_articles(
    project: Project, damage: str
) -> None:
    inbox = _sources(project)
    _actions(project, inbox)
    index = _index(project)
    if damage == "missing":
        index.unlink()
    else:
        text = {"garbage": "{not json", "empty": "", "wrong shape": '{"version": 1}'}[damage]
        index.write_text(text, encoding="utf-8")
    assert _actions(project, inbox) == {"unchanged": 3}
    assert set(load_index(index)) == {"story-0", "story-1", "story-2"}
    assert _per_source(project) == {f"content/s{n}.md": 1 for n in range(3)}


def test_an_index_missing_a_newer_article_makes_no_duplicate(project: Project) -> None:
    inbox = _sources(project, 2)
    _actions(project, inbox)
    stale = project.root / "stale-index.json"
    shutil.copyfile(_index(project), stale)
    _write(inbox / "s2.md", "# Story 2\n\nA new story arrived.\n")
    assert _actions(project, inbox) == {"unchanged": 2, "created": 1}
    shutil.copyfile(stale, _index(project))  # written by a process that never saw s2
    assert _actions(project, inbox) == {"unchanged": 3}
    assert _per_source(project) == {f"content/s{n}.md": 1 for n in range(3)}


def test_an_article_rewritten_since_the_index_is_read_again(project: Project) -> None:
    inbox = _sources(project, 2)
    _actions(project, inbox)
    path = project.article_path("story-0")
    article = json.loads(path.read_text(encoding="utf-8"))
    article["source_hash"] = "1:" + "0" * 64  # as if another version of the source made it
    path.write_text(json.dumps(article), encoding="utf-8")
    assert _actions(project, inbox) == {"updated": 1, "unchanged": 1}
    assert _per_source(project) == {"content/s0.md": 1, "content/s1.md": 1}


def test_a_deleted_article_is_created_again_despite_the_index(project: Project) -> None:
    inbox = _sources(project, 2)
    _actions(project, inbox)
    project.article_path("story-1").unlink()
    assert _actions(project, inbox) == {"unchanged": 1, "created": 1}
    assert set(load_index(_index(project))) == {"story-0", "story-1"}


def test_a_catalog_out_of_step_is_merged_even_when_the_source_state_matches(
    project: Project,
) -> None:
    inbox = _sources(project, 1)
    _actions(project, inbox)
    catalog = project.catalog_path("story-0", "zh_CN")
    text = catalog.read_text(encoding="utf-8")
    cut = text.index('msgid "The council')
    catalog.write_text(text[: text.rindex("\n\n", 0, cut)] + "\n", encoding="utf-8")
    assert _actions(project, inbox) == {"updated": 1}
    assert 'msgid "The council' in catalog.read_text(encoding="utf-8")
