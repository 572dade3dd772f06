"""How a build finds what changed and does the work: input stats, render processes, cleanup."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import i18npub.file_hashes
import i18npub.fsutil
import i18npub.site.build as site_build
import i18npub.site.inputs as site_inputs
from i18npub import forking
from i18npub.file_hashes import FileHashes
from i18npub.project import Project
from i18npub.site import build_site, wait_for_discards
from tests.support.sitekit import ZH, edit_catalog, sample_project, set_msgstr


@pytest.fixture
def proj(tmp_path: Path) -> Project:
    return sample_project(tmp_path / "proj")


def _snapshot(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def _same_size_edit(path: Path, old: str, new: str, keep_mtime: bool) -> None:
    """Rewrite ``path`` in place (same inode) with ``old`` → ``new`` of the same UTF-8 size."""
    assert len(old.encode()) == len(new.encode())
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    with path.open("r+", encoding="utf-8") as handle:
        handle.write(text.replace(old, new, 1))
    if keep_mtime:
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_ino) == (info.st_size, info.st_ino)


# Input stats ---------------------------------------------------------------------------------


def test_an_unchanged_input_costs_a_stat_and_a_changed_one_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(i18npub.fsutil, "RACY_NS", 0)
    path = tmp_path / "story.po"
    path.write_text('msgid "a"\nmsgstr "甲"\n', encoding="utf-8")
    first = FileHashes()
    digest = first.hash(str(path))
    assert first.hashed == 1
    again = FileHashes(first.records)
    assert again.hash(str(path)) == digest and again.hashed == 0
    time.sleep(0.02)  # past the file system's timestamp tick
    _same_size_edit(path, "甲", "乙", keep_mtime=True)
    third = FileHashes(again.records)
    assert third.hash(str(path)) != digest and third.hashed == 1


def test_a_file_changed_just_before_it_was_read_is_read_again_next_time(tmp_path: Path) -> None:
    path = tmp_path / "story.po"
    path.write_text('msgid "a"\nmsgstr "甲"\n', encoding="utf-8")
    first = FileHashes()
    first.hash(str(path))
    assert first.records[str(path)][:4] == [None] * 4  # racy: no stat recorded
    again = FileHashes(first.records)
    again.hash(str(path))
    assert again.hashed == 1


@pytest.mark.parametrize("keep_mtime", [True, False], ids=["mtime-restored", "mtime-new"])
def test_a_catalog_edit_that_keeps_its_size_is_published(
    proj: Project, monkeypatch: pytest.MonkeyPatch, keep_mtime: bool
) -> None:
    monkeypatch.setattr(i18npub.fsutil, "RACY_NS", 0)  # record stats although the files are new
    build_site(proj.layout, proj.config.publish)
    edit_catalog(proj, "library-open-data", set_msgstr("每行有五个字段。"), "Each row has")
    time.sleep(0.02)
    build_site(proj.layout, proj.config.publish)  # records the edited catalog's stat
    time.sleep(0.02)
    path = proj.catalog_path("library-open-data", ZH)
    _same_size_edit(path, "每行有五个字段。", "每行有六个字段。", keep_mtime)
    report = build_site(proj.layout, proj.config.publish)
    assert report.rendered == 2
    html = (proj.path("site") / "zh/library-open-data/index.html").read_text(encoding="utf-8")
    assert "每行有六个字段。" in html


def test_a_build_without_changes_reads_no_article_or_catalog(
    proj: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(i18npub.fsutil, "RACY_NS", 0)
    build_site(proj.layout, proj.config.publish)

    def no_reading(path: str) -> tuple[bytes, os.stat_result]:
        raise AssertionError(f"{path} was read")

    monkeypatch.setattr(i18npub.file_hashes, "read_with_stat", no_reading)
    report = build_site(proj.layout, proj.config.publish)
    assert (report.rendered, report.changed) == (0, False)


def test_the_input_stats_are_kept_out_of_the_published_site(proj: Project) -> None:
    site = _build_and_wait(proj)
    assert all(str(proj.root) not in p.read_text(encoding="utf-8") for p in site.rglob(".*json"))
    assert (proj.layout.state / site_inputs.INDEX_NAME).is_file()


class CountingPool(ProcessPoolExecutor):
    submitted = 0

    def submit(self, *args: Any, **kwargs: Any) -> Future:
        CountingPool.submitted += 1
        return super().submit(*args, **kwargs)


# Render processes ----------------------------------------------------------------------------


def _build_and_wait(project: Project) -> Path:
    build_site(project.layout, project.config.publish)
    wait_for_discards()
    return project.path("site")


def test_pages_rendered_in_processes_are_the_pages_rendered_here(
    proj: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = _snapshot(_build_and_wait(proj))
    other = sample_project(tmp_path / "other")
    monkeypatch.setattr(site_build, "POOL_MIN_ARTICLES", 1)
    monkeypatch.setattr(site_build, "cores", lambda: 2)
    fork = multiprocessing.get_context("fork")  # whatever threads earlier tests left running
    monkeypatch.setattr(site_build, "fork_context", lambda own_threads=0: fork)
    monkeypatch.setattr(site_build, "ProcessPoolExecutor", CountingPool)
    CountingPool.submitted = 0
    pooled = build_site(other.layout, other.config.publish)
    assert pooled.rendered == pooled.pages
    assert CountingPool.submitted == 3, "not rendered in a process pool"  # one task an article
    CountingPool.submitted = 0
    assert _snapshot(other.path("site")) == here
    edit_catalog(other, "library-open-data", set_msgstr("每行有五个字段。"), "Each row has")
    again = build_site(other.layout, other.config.publish)
    assert again.rendered == 2  # zh + bilingual of that article, in a render process
    assert CountingPool.submitted == 1


def test_a_caller_running_threads_renders_in_its_own_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Forking beside other threads is unsafe; spawning re-imports an unguarded __main__."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert forking.fork_context() is None
    finally:
        stop.set()
        other.join()
