"""A catalog saved from an editor buffer opened before ``ingest`` merged new sentences.

The translator opens the catalog, the source gains a sentence (and loses one) and is
re-ingested, then the translator saves the old buffer with their edit: the catalog lacks
the new sentence and still holds the removed one. Every command that reads catalogs must
notice, and ``ingest`` must merge again, keeping the translator's edit.
"""

from __future__ import annotations

from pathlib import Path

from i18npub import pipeline
from i18npub.catalog import read_catalog
from i18npub.lookup import state_of
from i18npub.pipeline import RunOptions
from i18npub.project import Project
from tests.support.faults import write_config
from tests.support.mt_servers import ProviderServer

OLD = """# Ferry plan approved

The harbour board approved a plan for 300 ferries on Monday.

Ms. Lee said the vote was close. The board meets again in June.
"""
NEW = """# Ferry plan approved

The harbour board approved a plan for 300 ferries on Monday.

Ms. Lee said the vote was close. Tickets will cost 2 dollars.
"""
ADDED, REMOVED = "Tickets will cost 2 dollars.", "The board meets again in June."


def _stale_save(project: Project, source: Path) -> Path:
    """Ingest, review everything, open the catalog; re-ingest an edit; save the old buffer."""
    source.write_text(OLD, encoding="utf-8")
    [created] = project.ingest([source])
    path = project.catalog_path(created.slug, "zh_CN")
    catalog = read_catalog(path)
    for number, entry in enumerate(e for e in catalog.entries if e.msgid):
        entry.msgstr, entry.fuzzy = f"审校译文{number}。", False
    path.write_text(catalog.dumps(), encoding="utf-8")
    buffer = read_catalog(path)  # the translator opens the catalog in an editor
    source.write_text(NEW, encoding="utf-8")
    [updated] = project.ingest([source])
    assert updated.action == "updated"
    assert ADDED in {e.msgid for e in read_catalog(path).entries}
    next(e for e in buffer.entries if e.msgid.startswith("Ms. Lee")).msgstr = "李女士说票数接近。"
    path.write_text(buffer.dumps(), encoding="utf-8")  # ... and saves it
    return path


def test_status_and_check_notice_a_catalog_saved_from_an_old_buffer(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p", title="Stale")
    path = _stale_save(project, tmp_path / "ferry.md")
    [row] = project.status()["articles"]
    state = row["languages"]["zh_CN"]
    assert state["percent_approved"] < 100, state
    assert state["untranslated"] == 1 and state["segments"] == 4, state
    assert state.get("missing") == 1, state
    findings = [f for f in project.check() if f.check == "template"]
    assert findings and findings[0].path.endswith(path.name), project.check()
    assert findings[0].severity == "error" and "missing" in findings[0].message
    assert "ingest" in findings[0].message


def test_ingest_merges_a_catalog_saved_from_an_old_buffer_again(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p", title="Stale")
    source = tmp_path / "ferry.md"
    path = _stale_save(project, source)
    options = RunOptions(sources=(str(source),), steps=("ingest",), dry_run=True)
    [planned] = pipeline.run(project, options).ingest
    assert planned.action == "would update", planned  # the dry run says what ingest will do
    [again] = project.ingest([source])
    assert again.action == "updated", again  # not "unchanged"
    entries = {e.msgid: e for e in read_catalog(path).entries}
    assert not entries[ADDED].obsolete and state_of(entries[ADDED]) == "untranslated"
    assert entries[REMOVED].obsolete  # the removed sentence is obsolete again
    assert entries["Ms. Lee said the vote was close."].msgstr == "李女士说票数接近。"
    assert not entries["Ms. Lee said the vote was close."].fuzzy
    state = project.status()["articles"][0]["languages"]["zh_CN"]
    assert state["segments"] == 4 and state["untranslated"] == 1 and not state.get("missing")
    [third] = project.ingest([source])
    assert third.action == "unchanged"
    assert not [f for f in project.check() if f.check == "template"]


def test_translate_fills_a_sentence_missing_from_an_old_buffer(tmp_path: Path) -> None:
    with ProviderServer("libre") as server:
        project = Project.init(tmp_path / "p", title="Stale")
        write_config(project.root, server.url)
        project = Project.open(project.root)
        path = _stale_save(project, tmp_path / "ferry.md")
        report = project.translate()
    entries = {e.msgid: e for e in read_catalog(path).entries}
    assert report.filled == 1 and state_of(entries[ADDED]) == "machine"
    assert entries["Ms. Lee said the vote was close."].msgstr == "李女士说票数接近。"
    assert entries[REMOVED].obsolete
