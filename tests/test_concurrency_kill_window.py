"""A catalog writer and an ``ingest`` side by side, the writer killed with SIGKILL at random.

The writer (what ``translate`` does) rewrites one catalog in a loop through the
compare-and-swap; beside it, another process merges the article's template into it in a
loop (what ``ingest`` does), and finds the catalog missing whenever it looks inside the
writer's window. Then both are
killed at a random moment. After each trial: the catalog exists (put back on open if the
kill came inside the window), every reviewed translation is there, nothing is left
aside, and ingest reports nothing wrong. ``I18NPUB_KILL_TRIALS`` sets the trials (default 20).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

from i18npub.catalog import CatalogError, edit_catalog, read_catalog, update_catalog
from i18npub.lookup import set_machine_translation
from i18npub.po import POFile
from i18npub.project import Project
from tests.support.faults import leftovers
from tests.support.projects import HARBOUR_VOTE

pytestmark = pytest.mark.slow
TRIALS = int(os.environ.get("I18NPUB_KILL_TRIALS", "20"))


def _setup(root: Path) -> tuple[Path, Path, dict[str, str]]:
    project = Project.init(root, title="Kill window")
    source = root / "inbox" / "harbour-vote.md"
    source.parent.mkdir()
    source.write_text(HARBOUR_VOTE, encoding="utf-8")
    project.ingest([source])
    path = project.catalog_path("harbour-vote", "zh_CN")
    catalog = read_catalog(path)
    approved = {}
    for number, entry in enumerate(e for e in catalog.entries if e.msgid):
        if number % 2 == 0:
            entry.msgstr, entry.fuzzy = f"审校译文{number}。", False
            approved[entry.msgid] = entry.msgstr
    path.write_text(catalog.dumps(), encoding="utf-8")
    return source, path, approved


def _writer(path: Path) -> None:
    """Rewrite the machine entries of ``path`` for ever (each write differs); write down a
    catalog that vanished under it."""
    count = 0

    def change(catalog: POFile | None) -> POFile | None:
        if catalog is None:
            (path.parents[3] / "bad-result").write_text("the catalog vanished under the writer")
            return None
        for entry in catalog.entries:
            if entry.msgid and (entry.fuzzy or not entry.msgstr):
                set_machine_translation(entry, f"机器译文{count}。", "pseudo")
        return catalog

    while True:
        count += 1
        try:
            edit_catalog(path, change)
        except CatalogError:  # busy: the other side is merging
            continue


def _ingester(root: Path, source: Path) -> None:
    """Merge the article's template into its catalog for ever, as ``ingest`` does (a merge
    that changes nothing writes nothing); write down any outcome that is not fine."""
    project = Project.open(root)
    template = read_catalog(project.template_path("harbour-vote"))
    path = project.catalog_path("harbour-vote", "zh_CN")
    while True:
        update = update_catalog(path, template, "zh_CN", "Harbour board vote")
        if update.report.added and update.report.kept == 0:  # started an empty catalog
            (root / "bad-result").write_text(f"created a new catalog: {update.report}")
        if update.error and "try again" not in update.error:
            (root / "bad-result").write_text(update.error)


def test_killed_writer_beside_an_ingest_loses_no_catalog(tmp_path: Path) -> None:
    rng = random.Random(21)
    context = multiprocessing.get_context("fork")
    in_window = 0
    for trial in range(TRIALS):
        root = tmp_path / f"t{trial}"
        source, path, approved = _setup(root)
        writer = context.Process(target=_writer, args=(path,), daemon=True)
        ingester = context.Process(target=_ingester, args=(root, source), daemon=True)
        writer.start()
        ingester.start()
        time.sleep(rng.uniform(0.05, 0.4))
        for child in (writer, ingester) if trial % 2 else (ingester, writer):
            os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
            child.join()
        assert not (root / "bad-result").exists(), (root / "bad-result").read_text()
        in_window += not path.exists()
        project = Project.open(root)  # puts back a catalog its killed writer had aside
        assert path.exists(), f"trial {trial}: catalog missing after reopening"
        catalog = read_catalog(path)
        texts = {e.msgid: e.msgstr for e in catalog.entries if not e.obsolete and not e.fuzzy}
        lost = {m: t for m, t in approved.items() if texts.get(m) != t}
        assert not lost, f"trial {trial}: reviewed translations lost: {lost}"
        assert not [p for p in leftovers(root) if p.name.endswith(".old")]
        assert not list((root / ".i18npub" / "swaps").glob("*.swap"))
        [result] = project.ingest([source])
        assert result.action in ("unchanged", "updated"), result
    print(f"\nkill -9 beside an ingest: {TRIALS} trials, {in_window} killed inside the window")
