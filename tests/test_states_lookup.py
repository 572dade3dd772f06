"""One place decides an entry's state and a segment's key (i18npub.lookup)."""

from __future__ import annotations

from pathlib import Path

from i18npub.article import Article, Block, Segment
from i18npub.catalog import build_template, read_catalog
from i18npub.lookup import (
    ArticleKeys,
    EntryState,
    is_fillable,
    mark_outdated,
    set_machine_translation,
    state_of,
)
from i18npub.po import POEntry
from i18npub.project import Project


def test_states_of_entries() -> None:
    entry = POEntry(msgid="The bridge reopens in June.")
    assert state_of(entry) is EntryState.UNTRANSLATED
    entry.msgstr = "大桥六月重新开放。"
    assert state_of(entry) is EntryState.APPROVED
    entry.fuzzy = True  # "needs work", set by a translator: no machine draft
    assert state_of(entry) is EntryState.OUTDATED
    set_machine_translation(entry, "大桥将于六月重新开放。", "libre")
    assert state_of(entry) is EntryState.MACHINE
    set_machine_translation(entry, "[Ŧĥé ƀŕîðĝé]", "pseudo")
    assert state_of(entry) is EntryState.PSEUDO
    entry.previous_msgid = "The bridge reopens in May."
    assert state_of(entry) is EntryState.OUTDATED
    assert [s.value for s in EntryState] == [
        "approved",
        "machine",
        "outdated",
        "pseudo",
        "untranslated",
    ]


def test_only_current_singular_untranslated_entries_are_filled_by_engines() -> None:
    entry = POEntry(msgid="Ferries resume on Monday.")
    assert is_fillable(entry)
    entry.fuzzy = True  # an empty fuzzy entry is still untranslated
    assert is_fillable(entry)
    entry.msgstr = "渡轮周一恢复。"
    assert not is_fillable(entry)
    assert not is_fillable(POEntry(msgid="Old line.", obsolete=True))
    assert not is_fillable(POEntry(msgid="one ferry", msgid_plural="%d ferries"))


def test_a_carried_translation_is_outdated_and_remembers_its_first_text() -> None:
    old = POEntry(msgid="Ferries resume on Monday.", msgstr="渡轮周一恢复。")
    new = POEntry(msgid="Ferries resume on Tuesday.")
    mark_outdated(new, old)
    assert (state_of(new), new.msgstr, new.previous_msgid) == (
        EntryState.OUTDATED,
        "渡轮周一恢复。",
        "Ferries resume on Monday.",
    )
    newer = POEntry(msgid="Ferries resume on Wednesday.")
    mark_outdated(newer, new)
    assert newer.previous_msgid == "Ferries resume on Monday."
    assert newer.flags.count("fuzzy") == 1


def test_machine_draft_of_another_text_is_outdated() -> None:
    entry = POEntry(msgid="The bridge reopens in May.")
    set_machine_translation(entry, "大桥五月重新开放。", "libre")
    entry.msgid = "The bridge reopens in July."
    assert state_of(entry) is EntryState.OUTDATED


def test_keys_are_the_templates_keys() -> None:
    article = Article(
        slug="keys",
        title="Notes",
        blocks=[
            Block("title", [Segment("Notes")]),
            Block("heading", [Segment("Notes")], level=2),
            Block("paragraph", [Segment("Notes"), Segment("Other text.")]),
            Block("caption", [Segment("A photo.")]),
        ],
    )
    keys = ArticleKeys.of(article)
    found = [keys.key(block, s) for _, block, s in article.segments()]
    template = [(e.msgctxt, e.msgid) for e in build_template(article).entries]
    assert found[0] == ("title", "Notes") and found[1] == ("heading", "Notes")
    assert found[2] == ("body", "Notes") and found[3] == (None, "Other text.")
    assert list(dict.fromkeys(found)) == template


def test_trivially_changed_machine_draft_stays_a_machine_draft(
    project: Project, tmp_path: Path
) -> None:
    source = tmp_path / "mill.md"
    source.write_text('# Old Mill\n\nThe "mill" opens to visitors.\n', encoding="utf-8")
    project.ingest([source])
    path = project.catalog_path("old-mill", "zh_CN")
    catalog = read_catalog(path)
    set_machine_translation(
        catalog.find('The "mill" opens to visitors.'), "磨坊向游客开放。", "libre"
    )
    catalog.save(path)
    source.write_text("# Old Mill\n\nThe “mill” opens to visitors.\n", encoding="utf-8")
    project.ingest([source])
    entry = read_catalog(path).find("The “mill” opens to visitors.")
    assert (entry.msgstr, state_of(entry)) == ("磨坊向游客开放。", EntryState.MACHINE)


def test_old_pipeline_last_translator_is_cleared_when_machine_text_is_written(
    project: Project, tmp_path: Path
) -> None:
    source = tmp_path / "gate.md"
    source.write_text("# Gate Works\n\nThe east gate shuts at noon.\n", encoding="utf-8")
    project.ingest([source])
    path = project.catalog_path("gate-works", "zh_CN")
    catalog = read_catalog(path)
    catalog.set_metadata("Last-Translator", "i18npub")  # what earlier versions wrote
    catalog.save(path)
    project.translate(["pseudo"])
    assert read_catalog(path).metadata()["Last-Translator"] == ""
