"""Merging keeps the newest reviewed translation, meaning changes are not trivial, catalogs
with a duplicate definition are broken, and obsolete entries look as gettext writes them."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from i18npub.catalog import read_catalog
from i18npub.lookup import EntryState, state_of
from i18npub.po import POEntry, parse_po
from i18npub.project import Project
from tests.support.require import require_tool

REPORT = """---
title: Dock Workers Vote
slug: dock
---

The union said "no" to the offer. Talks resume next week.

Temperatures fell to -8C at the port. The manager will retire. Cargo reached 4.5 million tonnes.

The crane is safe to use. The canteen still serves lunch. Nobody was hurt!
"""
REVIEWED = {
    "Dock Workers Vote": "码头工人投票",
    'The union said "no" to the offer.': "工会对该提议说“不”。",
    "Talks resume next week.": "谈判下周恢复。",
    "Temperatures fell to -8C at the port.": "港口气温降至零下8摄氏度。",
    "The manager will retire.": "经理将退休。",
    "Cargo reached 4.5 million tonnes.": "货运量达到450万吨。",
    "The crane is safe to use.": "这台起重机可以安全使用。",
    "The canteen still serves lunch.": "食堂仍供应午餐。",
    "Nobody was hurt!": "无人受伤！",
}


@pytest.fixture
def report(project: Project, tmp_path: Path) -> Path:
    source = tmp_path / "dock.md"
    source.write_text(REPORT, encoding="utf-8")
    [result] = project.ingest([source])
    assert result.action == "created", result.message
    catalog = read_catalog(_po(project))
    for entry in catalog.entries:
        entry.msgstr = REVIEWED[entry.msgid]
    catalog.save(_po(project))
    return source


def _po(project: Project, slug: str = "dock") -> Path:
    return project.catalog_path(slug, "zh_CN")


def _edit(project: Project, source: Path, old: str, new: str) -> None:
    text = source.read_text(encoding="utf-8")
    assert old in text
    source.write_text(text.replace(old, new), encoding="utf-8")
    [result] = project.ingest([source])
    assert result.action == "updated", result.message


def _revise(project: Project, msgid: str, text: str, msgctxt: str | None = None) -> None:
    """A translator's revision, saved as approved."""
    catalog = read_catalog(_po(project))
    entry = catalog.find(msgid, msgctxt)
    assert entry is not None, (msgctxt, msgid)
    entry.msgstr, entry.fuzzy = text, False
    catalog.save(_po(project))


def _active(project: Project, slug: str = "dock") -> dict[tuple[str | None, str], POEntry]:
    catalog = read_catalog(_po(project, slug))
    return {(e.msgctxt, e.msgid): e for e in catalog.entries if not e.obsolete}


def _msgfmt_ok(path: Path, tmp_path: Path) -> None:
    msgfmt = require_tool("msgfmt")
    run = subprocess.run(
        [msgfmt, "-c", "-o", str(tmp_path / "out.mo"), str(path)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr


# Item 1: revival of an older translation -------------------------------------------------


def test_reverted_trivial_edit_keeps_the_newer_revision(
    project: Project, report: Path, tmp_path: Path
) -> None:
    curly = "The union said “no” to the offer."
    _edit(project, report, 'said "no" to', "said “no” to")
    assert _active(project)[(None, curly)].msgstr == REVIEWED['The union said "no" to the offer.']
    _revise(project, curly, "工会拒绝了该提议。")
    _edit(project, report, "said “no” to", 'said "no" to')
    entry = _active(project)[(None, 'The union said "no" to the offer.')]
    assert (entry.msgstr, state_of(entry)) == ("工会拒绝了该提议。", EntryState.APPROVED)
    _msgfmt_ok(_po(project), tmp_path)


def test_context_flip_keeps_the_newer_revision(
    project: Project, report: Path, tmp_path: Path
) -> None:
    title = "Dock Workers Vote"
    _edit(project, report, "Talks resume next week.\n", f"Talks resume next week.\n\n## {title}\n")
    keys = _active(project)
    assert keys[("title", title)].msgstr == keys[("heading", title)].msgstr == REVIEWED[title]
    _revise(project, title, "码头工人投票表决", msgctxt="title")
    _edit(project, report, f"\n\n## {title}\n", "\n")
    entry = _active(project)[(None, title)]
    assert (entry.msgstr, state_of(entry)) == ("码头工人投票表决", EntryState.APPROVED)
    _msgfmt_ok(_po(project), tmp_path)


def test_reverted_meaning_change_still_gets_the_exact_old_translation(
    project: Project, report: Path
) -> None:
    _edit(project, report, "Talks resume next week.", "Talks resume next month.")
    _revise(project, "Talks resume next month.", "谈判下月恢复。")
    _edit(project, report, "Talks resume next month.", "Talks resume next week.")
    entry = _active(project)[(None, "Talks resume next week.")]
    assert (entry.msgstr, state_of(entry)) == ("谈判下周恢复。", EntryState.APPROVED)


# Item 2: an active and an obsolete entry with the same msgid ------------------------------

DUPLICATE = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    'msgid "Talks resume next week."\nmsgstr "谈判将于下周恢复。"\n\n'
    '#~ msgid "Talks resume next week."\n#~ msgstr "谈判下周恢复。"\n'
)


def test_active_and_obsolete_duplicate_is_a_broken_catalog_reported_with_its_line(
    project: Project, report: Path, tmp_path: Path
) -> None:
    msgfmt = require_tool("msgfmt")
    path = _po(project)
    data = path.read_bytes() + b"\n" + DUPLICATE.split("\n\n", 2)[2].encode("utf-8")
    path.write_bytes(data)
    run = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(path)], capture_output=True)
    assert run.returncode != 0  # gettext agrees: the file is broken
    line = data.decode("utf-8").split("\n").index('#~ msgid "Talks resume next week."') + 1
    report.write_text(REPORT.replace("Talks resume next week.\n", "\n"), encoding="utf-8")
    [result] = project.ingest([report])
    assert (result.action, result.message.split(" ", 1)[0]) == ("error", f"{path}:{line}:")
    assert path.read_bytes() == data  # never rewritten
    findings = [f for f in project.check() if f.check == "syntax"]
    assert [(f.line, f.severity) for f in findings] == [(line, "error")]
    assert "duplicate message definition" in findings[0].message
    status = project.status()["articles"][0]["languages"]["zh_CN"]
    assert status["error"].startswith(f"{path}:{line}: duplicate message definition")


def test_two_obsolete_copies_are_a_broken_catalog() -> None:
    text = DUPLICATE.replace('msgid "Talks', '#~ msgid "Talks', 1).replace(
        'msgstr "谈判将', '#~ msgstr "谈判将'
    )
    with pytest.raises(ValueError, match=r":8: duplicate message definition"):
        parse_po(text, "x.po")


def test_merge_keeps_the_newer_text_when_an_active_entry_leaves(project: Project) -> None:
    from i18npub.catalog import merge_template
    from i18npub.po import new_po

    catalog = new_po()
    catalog.append(POEntry(msgid="Gone soon.", msgstr="新译文。"))
    catalog.append(POEntry(msgid="Gone soon.", msgstr="旧译文。", obsolete=True))
    template = new_po()
    template.append(POEntry(msgid="Something else."))
    merge_template(catalog, template)
    gone = [e for e in catalog.entries if e.msgid == "Gone soon."]
    assert [(e.msgstr, e.obsolete) for e in gone] == [("新译文。", True)]


# Item 9: meaning-changing edits are not trivial -------------------------------------------


@pytest.mark.parametrize(
    "old, new",
    [
        ("Temperatures fell to -8C at the port.", "Temperatures fell to 8C at the port."),
        ("Temperatures fell to -8C at the port.", "Temperatures fell to −8.5C at the port."),
        ("The manager will retire.", "The manager will retire?"),
        ("Nobody was hurt!", "Nobody was hurt?"),
        ("The manager will retire.", "The manager will retire!"),
        ("Cargo reached 4.5 million tonnes.", "Cargo reached 4,5 million tonnes."),
        ("Cargo reached 4.5 million tonnes.", "Cargo reached 45 million tonnes."),
        ("The crane is safe to use.", "The crane is not safe to use."),
        ("The crane is safe to use.", "The crane isn't safe to use."),
        ("The canteen still serves lunch.", "The canteen no longer serves lunch."),
        ("The canteen still serves lunch.", "The canteen never serves lunch."),
    ],
)
def test_meaning_changes_make_the_translation_outdated(
    project: Project, report: Path, old: str, new: str
) -> None:
    _edit(project, report, old, new)
    entry = _active(project)[(None, new)]
    assert (entry.msgstr, entry.previous_msgid) == (REVIEWED[old], old)
    assert state_of(entry) == EntryState.OUTDATED


@pytest.mark.parametrize(
    "old, new",
    [
        ("Temperatures fell to -8C at the port.", "Temperatures fell to -8C at the  port."),
        ("Temperatures fell to -8C at the port.", "Temperatures fell to −8C at the port."),
        ("The manager will retire.", "The Manager will retire."),
        ("Nobody was hurt!", "Nobody was hurt!!"),
        ("Cargo reached 4.5 million tonnes.", "Cargo reached 4.5 million tonnes"),
        ("Talks resume next week.", "Talks resume next week…"),
    ],
)
def test_form_changes_stay_trivial(project: Project, report: Path, old: str, new: str) -> None:
    _edit(project, report, old, new)
    entry = _active(project)[(None, " ".join(new.split()))]
    assert (entry.msgstr, state_of(entry)) == (REVIEWED[old], EntryState.APPROVED)


# Item 12: headers and comments as the tools expect ----------------------------------------


def test_obsolete_entries_have_no_references_or_notes(
    project: Project, report: Path, tmp_path: Path
) -> None:
    _edit(project, report, " Talks resume next week.", "")
    text = _po(project).read_text(encoding="utf-8")
    blocks = [b for b in text.split("\n\n") if "#~ msgid" in b]
    assert blocks and all(
        not line.startswith(("#:", "#.")) for b in blocks for line in b.split("\n")
    ), blocks
    gone = read_catalog(_po(project)).find("Talks resume next week.", include_obsolete=True)
    assert gone is not None and gone.msgstr == REVIEWED["Talks resume next week."]
    _edit(project, report, "The union", "Talks resume next week. The union")
    back = _active(project)[(None, "Talks resume next week.")]
    assert back.references and state_of(back) == EntryState.APPROVED
    _msgfmt_ok(_po(project), tmp_path)


def test_new_catalog_leaves_last_translator_to_humans(
    project: Project, report: Path, tmp_path: Path
) -> None:
    metadata = read_catalog(_po(project)).metadata()
    assert metadata["Last-Translator"] == ""
    assert metadata["X-Generator"].startswith("i18npub")
    _msgfmt_ok(_po(project), tmp_path)


def test_machine_text_updates_revision_date_and_generator_not_translator(
    project: Project, tmp_path: Path
) -> None:
    source = tmp_path / "quay.md"
    source.write_text("# Quay Repairs\n\nThe quay reopens in May.\n", encoding="utf-8")
    project.ingest([source])
    path = _po(project, "quay-repairs")
    catalog = read_catalog(path)
    catalog.set_metadata("PO-Revision-Date", "2020-03-04 05:06+0000")
    catalog.set_metadata("Last-Translator", "Li Wei <li.wei@example.org>")
    catalog.set_metadata("X-Generator", "Poedit 3.4.2")
    catalog.save(path)
    project.translate(["pseudo"])
    metadata = read_catalog(path).metadata()
    assert metadata["PO-Revision-Date"].startswith(dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"))
    assert metadata["Last-Translator"] == "Li Wei <li.wei@example.org>"
    assert metadata["X-Generator"].startswith("i18npub")
    _msgfmt_ok(path, tmp_path)
