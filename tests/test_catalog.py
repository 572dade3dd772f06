"""Catalogs through source updates: translations are never lost."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from i18npub.catalog import read_catalog
from i18npub.lookup import EntryState, provenance, set_machine_translation, state_of
from i18npub.project import Project
from tests.support.require import require_tool

STORY = """---
title: Ferry Opens
slug: ferry
---

The ferry opened on Saturday. Mr. Lee was on board.

"It is quiet," he said. Tickets cost $2.50.

See [the timetable](https://example.org/t) for times.
"""
APPROVED_ZH = {
    "Ferry Opens": "渡轮开通",
    "The ferry opened on Saturday.": "渡轮于周六开通。",
    "Mr. Lee was on board.": "李先生在船上。",
    '"It is quiet," he said.': "“很安静，”他说。",
    "Tickets cost $2.50.": "票价为2.50美元。",
    "See <1>the timetable</1> for times.": "时间见<1>时刻表</1>。",
}


@pytest.fixture
def story(project: Project, tmp_path: Path) -> Path:
    source = tmp_path / "ferry.md"
    source.write_text(STORY, encoding="utf-8")
    project.ingest([source])
    return source


def _po(project: Project) -> Path:
    return project.catalog_path("ferry", "zh_CN")


def _approve_all(project: Project) -> None:
    catalog = read_catalog(_po(project))
    for entry in catalog.entries:
        entry.msgstr = APPROVED_ZH[entry.msgid]
    catalog.save(_po(project))


def _entries(project: Project, include_obsolete: bool = False) -> dict[str, object]:
    catalog = read_catalog(_po(project))
    return {e.msgid: e for e in catalog.entries if include_obsolete or not e.obsolete}


def _edit(project: Project, source: Path, old: str, new: str) -> None:
    text = source.read_text(encoding="utf-8")
    assert old in text
    source.write_text(text.replace(old, new), encoding="utf-8")
    [result] = project.ingest([source])
    assert result.action == "updated", result.message


def test_template_has_one_entry_per_sentence_in_document_order(
    project: Project, story: Path
) -> None:
    template = read_catalog(project.template_path("ferry"))
    assert [e.msgid for e in template.entries] == list(APPROVED_ZH)
    title, *_, link = template.entries
    assert title.extracted_comments == ["title"]
    assert link.extracted_comments == ["<1>…</1>: link to https://example.org/t"]
    assert link.references == ["ferry:3"]


def test_new_catalog_header_and_states(project: Project, story: Path) -> None:
    catalog = read_catalog(_po(project))
    metadata = catalog.metadata()
    assert metadata["Language"] == "zh_CN"
    assert metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert {state_of(e) for e in catalog.entries} == {EntryState.UNTRANSLATED}


def test_written_catalogs_pass_msgfmt_check(project: Project, story: Path, tmp_path: Path) -> None:
    msgfmt = require_tool("msgfmt")
    _approve_all(project)
    catalog = read_catalog(_po(project))
    set_machine_translation(catalog.entries[1], "渡轮周六开通。", "pseudo")
    catalog.save(_po(project))
    for path in (_po(project), project.template_path("ferry")):
        run = subprocess.run(
            [msgfmt, "-c", "--check-format", "-o", str(tmp_path / "out.mo"), str(path)],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr


def test_unchanged_segments_keep_translation_and_state(project: Project, story: Path) -> None:
    _approve_all(project)
    _edit(project, story, "Tickets cost $2.50.", "Tickets cost $2.50. Bikes ride free.")
    entries = _entries(project)
    assert entries["Tickets cost $2.50."].msgstr == "票价为2.50美元。"
    assert state_of(entries["Tickets cost $2.50."]) == EntryState.APPROVED
    assert state_of(entries["Bikes ride free."]) == EntryState.UNTRANSLATED


def test_changed_sentence_keeps_old_translation_as_fuzzy_with_previous_msgid(
    project: Project, story: Path
) -> None:
    _approve_all(project)
    _edit(project, story, "Tickets cost $2.50.", "Tickets cost $3.10.")
    entry = _entries(project)["Tickets cost $3.10."]
    assert (entry.msgstr, state_of(entry), entry.previous_msgid) == (
        "票价为2.50美元。",
        EntryState.OUTDATED,
        "Tickets cost $2.50.",
    )


@pytest.mark.parametrize(
    "old, new",
    [
        ("Mr. Lee was on board.", "Mr. Lee  was on board."),
        ('"It is quiet," he said.', "“It is quiet,” he said."),
        ("Mr. Lee was on board.", "Mr. Lee was on-board."),
        ("Mr. Lee was on board.", "Mr Lee was on board."),
        ("Mr. Lee was on board.", "Mr. Lee was on Board."),
    ],
)
def test_trivial_change_keeps_the_approved_translation(
    project: Project, story: Path, old: str, new: str
) -> None:
    _approve_all(project)
    _edit(project, story, old, new)
    entries = _entries(project)
    new_msgid = " ".join(new.split())
    assert entries[new_msgid].msgstr == APPROVED_ZH[old]
    assert state_of(entries[new_msgid]) == EntryState.APPROVED


def test_removed_segment_becomes_obsolete_and_comes_back(project: Project, story: Path) -> None:
    _approve_all(project)
    _edit(project, story, "Mr. Lee was on board.", "")
    gone = _entries(project, include_obsolete=True)["Mr. Lee was on board."]
    assert gone.obsolete and gone.msgstr == "李先生在船上。"
    _edit(project, story, "on Saturday. ", "on Saturday. Mr. Lee was on board.")
    back = _entries(project)["Mr. Lee was on board."]
    assert (back.msgstr, state_of(back), back.obsolete) == (
        "李先生在船上。",
        EntryState.APPROVED,
        False,
    )


def test_changed_then_reverted_sentence_gets_its_approved_translation_back(
    project: Project, story: Path
) -> None:
    _approve_all(project)
    _edit(project, story, "Tickets cost $2.50.", "Tickets cost $3.10.")
    _edit(project, story, "Tickets cost $3.10.", "Tickets cost $2.50.")
    entry = _entries(project)["Tickets cost $2.50."]
    assert (entry.msgstr, state_of(entry)) == ("票价为2.50美元。", EntryState.APPROVED)


def test_machine_provenance_round_trips(project: Project, story: Path) -> None:
    catalog = read_catalog(_po(project))
    set_machine_translation(catalog.entries[0], "渡轮开通", "libre", score="0.91")
    catalog.save(_po(project))
    entry = read_catalog(_po(project)).entries[0]
    record = provenance(entry)
    assert (record["kind"], record["engine"], record["score"]) == ("machine", "libre", "0.91")
    assert state_of(entry) == EntryState.MACHINE


def test_reingest_and_resave_are_byte_identical(project: Project, story: Path) -> None:
    _approve_all(project)
    before = _po(project).read_bytes()
    project.ingest([story])
    read_catalog(_po(project)).save(_po(project))
    assert _po(project).read_bytes() == before


def test_broken_catalog_stops_that_article_only(
    project: Project, story: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.md"
    other.write_text("# Other News\n\nSomething else happened.\n", encoding="utf-8")
    project.ingest([other])
    broken = b'msgid ""\nmsgstr ""\n\nmsgid "Ferry Opens"\nmsgstr "\xe6\xb8\xa1\n'
    _po(project).write_bytes(broken)
    _edit_source = story.read_text(encoding="utf-8").replace("$2.50", "$3.00")
    story.write_text(_edit_source, encoding="utf-8")
    other.write_text("# Other News\n\nSomething else happened. Then more.\n", encoding="utf-8")
    results = {r.slug or r.source: r for r in project.ingest([story, other])}
    failed = next(r for r in results.values() if r.action == "error")
    assert failed.message.startswith(str(_po(project)) + ":5: ")
    assert _po(project).read_bytes() == broken
    assert results["other-news"].action == "updated"
    status = project.status()
    ferry = next(a for a in status["articles"] if a["slug"] == "ferry")
    assert ferry["languages"]["zh_CN"]["error"].startswith(str(_po(project)) + ":5:")


def test_status_counts_states(project: Project, story: Path) -> None:
    _approve_all(project)
    catalog = read_catalog(_po(project))
    set_machine_translation(catalog.entries[1], "渡轮周六开通。", "pseudo")
    catalog.entries[3].msgstr = ""
    catalog.save(_po(project))
    _edit(project, story, "Mr. Lee was on board.", "")
    totals = project.status()["totals"]["languages"]["zh_CN"]
    assert totals == {
        "segments": 5,
        "approved": 3,
        "machine": 1,
        "outdated": 0,
        "untranslated": 1,
        "obsolete": 1,
        "percent_approved": 60.0,
    }


def test_same_text_in_two_roles_gets_msgctxt(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "roles.md"
    source.write_text(
        "# Roles\n\n## Background\n\nThe rest follows.\n\nBackground\n\n- Background\n",
        encoding="utf-8",
    )
    project.ingest([source])
    template = read_catalog(project.template_path("roles"))
    keys = [(e.msgctxt, e.msgid) for e in template.entries]
    assert keys == [
        (None, "Roles"),
        ("heading", "Background"),
        (None, "The rest follows."),
        ("body", "Background"),
    ]


def test_a_saved_catalog_is_checked_against_its_unchanged_template_without_parsing_it(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import i18npub.catalog

    (project.path("content") / "a.md").write_text(
        "# A story\n\nThe council met. It was long.\n", encoding="utf-8"
    )
    project.ingest([project.path("content")])
    catalog = project.catalog_path("a-story", "zh_CN")
    template = project.template_path("a-story")
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace('msgstr ""\n', 'msgstr "x"\n', 1), encoding="utf-8")
    parsed: list[Path] = []
    read, read_with_stat = i18npub.catalog.read_catalog, i18npub.catalog.read_catalog_with_stat
    monkeypatch.setattr(i18npub.catalog, "read_catalog", lambda p: parsed.append(p) or read(p))
    monkeypatch.setattr(
        i18npub.catalog, "read_catalog_with_stat", lambda p: parsed.append(p) or read_with_stat(p)
    )
    assert Project.open(project.root)._drift("a-story", "zh_CN") == (0, 0)
    assert template not in parsed and catalog in parsed
    # a catalog that lost a sentence is still out of step, counted against the template
    cut = text.index('msgid "It was long."')
    catalog.write_text(text[: text.rindex("\n\n", 0, cut)] + "\n", encoding="utf-8")
    assert Project.open(project.root)._drift("a-story", "zh_CN") == (1, 0)
    assert template in parsed
