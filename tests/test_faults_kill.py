"""kill -9 at random points of translate, ingest and build (forked children, many trials).

After every kill: every catalog exists and parses, no reviewed translation is lost, machine
translations written are whole, the site is exactly the old one or the new one, and a rerun
finishes the work without asking the engine again for what it had already answered.
``I18NPUB_KILL_TRIALS`` sets the trials per kind (default 20).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from i18npub import fsutil
from i18npub.catalog import read_catalog
from i18npub.project import Project
from i18npub.qa import check_translation
from i18npub.site import wait_for_discards
from tests.support.faults import (
    OsWithLink,
    approve_some,
    assert_reviewed_kept,
    catalog_states,
    killed_after,
    leftovers,
    news_project,
    sent_form,
    write_config,
)
from tests.support.mt_servers import ProviderServer

pytestmark = pytest.mark.slow
TRIALS = int(os.environ.get("I18NPUB_KILL_TRIALS", "20"))
BATCH, CONCURRENCY = 2, 2


@pytest.fixture(scope="module")
def server() -> Iterator[ProviderServer]:
    with ProviderServer("libre", delay=0.01) as libre:
        yield libre


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, server: ProviderServer) -> Path:
    """A project of 8 articles, 30% reviewed, nothing machine-translated yet."""
    root = tmp_path_factory.mktemp("kill") / "template"
    project = news_project(root, server.url, articles=8, per=9)
    write_config(root, server.url, batch_size=BATCH, concurrency=CONCURRENCY)
    approved = approve_some(project)
    rows = [[slug, msgid, text] for (slug, msgid), text in approved.items()]
    (root / "approved.json").write_text(json.dumps(rows), encoding="utf-8")
    return root


def _copy(template: Path, target: Path) -> tuple[Project, dict]:
    shutil.copytree(template, target)
    rows = json.loads((target / "approved.json").read_text(encoding="utf-8"))
    return Project.open(target), {(slug, msgid): text for slug, msgid, text in rows}


def _cached(root: Path) -> set[str]:
    path = root / ".i18npub" / "mt-cache.sqlite3"
    if not path.exists():
        return set()
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        if "answers" not in tables:  # killed before the table was created
            return set()
        return {text for (text,) in db.execute("SELECT text FROM answers")}


def _check_catalogs(project: Project, approved: dict, machine: bool = True) -> None:
    """Every catalog exists and parses; reviewed kept; machine text whole and valid."""
    for slug in project.slugs():
        assert project.catalog_path(slug, "zh_CN").is_file(), f"{slug}: catalog missing"
    assert_reviewed_kept(project, approved)
    for (_, msgid), (state, text) in catalog_states(project).items() if machine else ():
        if state == "machine":
            errors = [i for i in check_translation(msgid, text) if i.severity == "error"]
            assert not errors and "[X" not in text, (msgid, text)


def _translate_all(root: Path) -> Callable[[], None]:
    return lambda: Project.open(root).translate() and None


def _translate_per_article(root: Path) -> Callable[[], None]:
    def run() -> None:
        project = Project.open(root)
        for slug in project.slugs():
            project.translate(slugs=[slug])

    return run


def test_kill_during_translate_loses_nothing_and_the_rerun_resumes(
    tmp_path: Path, template: Path, server: ProviderServer
) -> None:
    calibration, _ = _copy(template, tmp_path / "calibration")
    started = time.monotonic()
    assert killed_after(_translate_per_article(calibration.root), 60) == 0
    duration = time.monotonic() - started
    rng = random.Random(11)
    outcomes = {"killed": 0, "finished": 0, "leftover files": 0, "answers lost": 0}
    for trial in range(TRIALS):
        project, approved = _copy(template, tmp_path / f"t{trial}")
        job = (_translate_all if trial % 2 else _translate_per_article)(project.root)
        before = len(server.requests)
        code = killed_after(job, rng.uniform(0, duration))
        outcomes["killed" if code is None else "finished"] += 1
        answered = {t for request in server.requests[before:] for t in request.texts}
        project = Project.open(project.root)  # the next open puts back a catalog killed aside
        _check_catalogs(project, approved)
        cached = _cached(project.root)
        lost = answered - cached - {sent_form(m) for _, m in _machine(project)}
        # at most the batches in flight when the kill came are asked again
        assert len(lost) <= 2 * BATCH * CONCURRENCY, f"trial {trial}: {len(lost)} answers lost"
        outcomes["answers lost"] += len(lost)
        outcomes["leftover files"] += len(leftovers(project.root))

        sent = len(server.requests)
        report = Project.open(project.root).translate()
        resent = {t for request in server.requests[sent:] for t in request.texts}
        assert not resent & cached, "the rerun asked again for a cached answer"
        assert report.pending == 0, report.lines()
        _check_catalogs(project, approved)
        shutil.rmtree(project.root)
    assert outcomes["killed"] >= TRIALS // 4, outcomes  # the kills did land mid-run
    print(f"\ntranslate kill -9: {TRIALS} trials, {outcomes}")


def _machine(project: Project) -> list[tuple[str, str]]:
    return [key for key, (state, _) in catalog_states(project).items() if state == "machine"]


def test_kill_during_an_update_merge_keeps_every_reviewed_translation(
    tmp_path: Path, template: Path
) -> None:
    """Sources edited (a sentence changed, one added) and re-ingested; killed mid-merge."""
    rng = random.Random(12)
    durations = []
    for trial in range(TRIALS):
        project, approved = _copy(template, tmp_path / f"u{trial}")
        for path in sorted((project.root / "inbox").glob("*.md")):
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace(" on Monday.", " on Tuesday.") + "\nAdded.\n")
        changed = {key for key in approved if " on Monday." in key[1]}
        job = lambda root=project.root: Project.open(root).ingest([root / "inbox"]) and None  # noqa: E731
        delay = rng.uniform(0, max(durations, default=0.3) * 1.2)
        started = time.monotonic()
        if killed_after(job, delay) == 0:
            durations.append(time.monotonic() - started)
        survivors = {k: v for k, v in approved.items() if k not in changed}
        project = Project.open(project.root)  # the next open puts back a catalog killed aside
        _check_catalogs(project, survivors, machine=False)
        results = Project.open(project.root).ingest([project.root / "inbox"])
        assert all(r.action in ("updated", "unchanged") for r in results), results
        _check_catalogs(project, survivors, machine=False)
        states = catalog_states(project)
        for slug, msgid in changed:  # the changed sentence kept its reviewed text, outdated
            new = (slug, msgid.replace(" on Monday.", " on Tuesday."))
            assert states[new] == ("outdated", approved[(slug, msgid)]), new
        shutil.rmtree(project.root)
    print(f"\nupdate-merge kill -9: {TRIALS} trials, {len(durations)} finished before the kill")


def _snapshot(site: Path) -> dict[str, str]:
    if not site.exists():
        return {}
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def _republish(root: Path) -> None:
    """A translator's review pass: every machine text approved with an edit."""
    for path in (root / "locales" / "zh_CN" / "LC_MESSAGES").glob("*.po"):
        catalog = read_catalog(path)
        for entry in catalog.entries:
            if entry.msgid and entry.fuzzy and entry.msgstr:
                entry.msgstr, entry.fuzzy = "新" + entry.msgstr, False
        path.write_text(catalog.dumps(), encoding="utf-8")


def _retitle_one(root: Path) -> None:
    """An approved title edited: the next build changes a few pages (and keeps a spare)."""
    path = sorted((root / "locales" / "zh_CN" / "LC_MESSAGES").glob("*.po"))[0]
    catalog = read_catalog(path)
    catalog.entries[0].msgstr, catalog.entries[0].fuzzy = "改过的标题", False
    path.write_text(catalog.dumps(), encoding="utf-8")


@pytest.mark.parametrize("spare", [False, True], ids=["new-folder", "spare-updated"])
def test_kill_during_build_leaves_the_old_site_or_the_new_one(
    tmp_path: Path, template: Path, spare: bool
) -> None:
    base, _ = _copy(template, tmp_path / "base")
    assert base.translate().pending == 0
    base.build()
    if spare:  # the build killed then updates the spare in place
        _retitle_one(base.root)
        base.build()
        wait_for_discards()
        assert (base.root / ".site.spare" / "site" / ".i18npub-site.json").is_file()
    old = _snapshot(base.path("site"))
    reference, _ = _copy(base.root, tmp_path / "reference")
    _republish(reference.root)
    started = time.monotonic()  # the same build as in the trials: in a forked child
    assert killed_after(lambda: Project.open(reference.root).build() and None, 60) == 0
    duration = time.monotonic() - started
    new = _snapshot(reference.path("site"))
    assert new != old and len(new) == len(old)
    rng = random.Random(13)
    outcomes = {"old": 0, "new": 0, "leftover folders": 0}
    for trial in range(TRIALS):
        project, _ = _copy(base.root, tmp_path / f"b{trial}")
        _republish(project.root)
        build = lambda root=project.root: Project.open(root).build() and None  # noqa: E731
        killed_after(build, rng.uniform(0, duration * 1.5))
        got = _snapshot(project.path("site"))
        assert got in (old, new), f"trial {trial}: a mixed site ({len(got)} files)"
        outcomes["old" if got == old else "new"] += 1
        outcomes["leftover folders"] += len(leftovers(project.root))
        Project.open(project.root).build()
        assert _snapshot(project.path("site")) == new
        wait_for_discards()  # the replaced site is deleted in the background
        shutil.rmtree(project.root)
    assert outcomes["old"] and outcomes["new"], outcomes
    print(f"\nbuild kill -9: {TRIALS} trials in {duration:.2f} s builds, {outcomes}")


def test_a_kill_inside_the_compare_and_swap_window_loses_no_catalog(
    tmp_path: Path, template: Path
) -> None:
    """The writer moves the catalog aside, compares, links the new one in: killed in between."""
    project, approved = _copy(template, tmp_path / "window")
    path = project.catalog_path(project.slugs()[0], "zh_CN")
    before = path.read_bytes()

    def killed_in_window() -> None:
        def link(source: object, target: object) -> None:
            if Path(str(target)) == path:  # the catalog is aside at this instant
                os.kill(os.getpid(), signal.SIGKILL)
            os.link(source, target)  # type: ignore[arg-type]

        fsutil.os = OsWithLink(link)  # type: ignore[attr-defined]
        Project.open(project.root).translate()

    assert killed_after(killed_in_window, 30) == -signal.SIGKILL
    assert not path.exists() and leftovers(project.root)  # the window really was hit
    _check_catalogs(Project.open(project.root), approved)  # reopening puts it back
    assert path.read_bytes() == before
    assert Project.open(project.root).translate().pending == 0
    _check_catalogs(project, approved)


def test_orphans_are_restored_only_for_dead_writers(tmp_path: Path) -> None:
    """Aside copies named by older versions (writer's PID), migrated by the first scan."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    live = tmp_path / f".a.po.{sleeper.pid}.1.old"  # an older version, still writing
    live.write_text("live")
    dead_pid = _dead_pid()
    dead = tmp_path / f".b.po.{dead_pid}.1.old"
    dead.write_text("dead writer's catalog")
    superseded = tmp_path / f".c.po.{dead_pid}.2.old"
    superseded.write_text("old")
    (tmp_path / "c.po").write_text("newer")
    mine = tmp_path / f".d.po.{os.getpid()}.3.old"  # a PID-named copy is never this process's
    mine.write_text("a killed PID 1's catalog")
    try:
        assert fsutil.restore_orphans(tmp_path) == []  # no swap ever happened here
        (tmp_path / fsutil.LEGACY_MARKER).touch()  # what older versions did before a swap
        restored = fsutil.restore_orphans(tmp_path)
        assert sorted(restored) == [tmp_path / "b.po", tmp_path / "d.po"]
        assert (tmp_path / "b.po").read_text() == "dead writer's catalog"
        assert (tmp_path / "c.po").read_text() == "newer" and not superseded.exists()
        assert live.exists() and not (tmp_path / "a.po").exists()
        assert (tmp_path / fsutil.LEGACY_MARKER).exists()  # kept while a writer lives
    finally:
        sleeper.kill()
        sleeper.wait()
    assert fsutil.restore_orphans(tmp_path) == [tmp_path / "a.po"]
    assert not (tmp_path / fsutil.LEGACY_MARKER).exists()


def _dead_pid() -> int:
    """The pid of a child that has exited."""
    child = multiprocessing.get_context("fork").Process(target=lambda: None)
    child.start()
    child.join()
    return int(child.pid)  # type: ignore[arg-type]
