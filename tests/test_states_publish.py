"""What readers see: entries with msgctxt are published, outdated translations are not shown
as if current, and the states stay apart in status, ``--json`` and ``check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from i18npub import pipeline
from i18npub.article import Article
from i18npub.catalog import read_catalog
from i18npub.cli import app
from i18npub.config import PublishSettings
from i18npub.lookup import EntryState, set_machine_translation, state_of
from i18npub.pipeline import RunOptions
from i18npub.project import Project
from i18npub.site.views import catalog_entries, publish_article

ROLES = """---
title: Port Annual Review
slug: review
---

## Outlook

The port handled 12 ships a day in 2025.

Outlook

The pier will close on Friday.
"""
ZH = {
    (None, "Port Annual Review"): "港口年度回顾",
    ("heading", "Outlook"): "展望",
    (None, "The port handled 12 ships a day in 2025."): "2025年该港口每天处理12艘船。",
    ("body", "Outlook"): "前景如下。",
    (None, "The pier will close on Friday."): "码头将于周五关闭。",
}


@pytest.fixture
def review(project: Project, tmp_path: Path) -> Path:
    source = tmp_path / "review.md"
    source.write_text(ROLES, encoding="utf-8")
    project.ingest([source])
    path = project.catalog_path("review", "zh_CN")
    catalog = read_catalog(path)
    for entry in catalog.entries:
        entry.msgstr = ZH[(entry.msgctxt, entry.msgid)]
    catalog.save(path)
    return source


def _view(project: Project, policy: str = "mark-machine"):
    article = Article.from_dict(json.loads(project.article_path("review").read_text("utf-8")))
    entries = catalog_entries(read_catalog(project.catalog_path("review", "zh_CN")))
    return publish_article(article, entries, PublishSettings(policy=policy))


def _sentences(view) -> dict[str, object]:
    return {s.en_text: s for block in [view.title, *view.body] for s in block.sentences}


def _change(project: Project, source: Path, old: str, new: str) -> None:
    source.write_text(source.read_text("utf-8").replace(old, new), encoding="utf-8")
    [result] = project.ingest([source])
    assert result.action == "updated", result.message


# Item 10: entries with msgctxt are published ------------------------------------------------


def test_same_text_in_two_roles_shows_each_approved_translation(
    project: Project, review: Path
) -> None:
    view = _view(project)
    heading, *_ = view.body
    paragraphs = [b for b in view.body if b.kind == "paragraph"]
    assert [(s.zh_text, s.state) for s in heading.sentences] == [("展望", "approved")]
    assert [(s.zh_text, s.state) for s in paragraphs[1].sentences] == [("前景如下。", "approved")]
    assert view.counts == {"approved": 5}
    project.build()
    html = (project.path("site") / "zh" / "review" / "index.html").read_text("utf-8")
    assert "展望" in html and "前景如下。" in html


# Item 7: an outdated translation is not a machine translation --------------------------------


@pytest.fixture
def outdated(project: Project, review: Path) -> Project:
    _change(project, review, "12 ships a day", "15 ships a day")
    entry = read_catalog(project.catalog_path("review", "zh_CN")).find(
        "The port handled 15 ships a day in 2025."
    )
    assert entry is not None and state_of(entry) == EntryState.OUTDATED
    return project


def test_outdated_translation_shows_english_marked_under_mark_machine(outdated: Project) -> None:
    sentence = _sentences(_view(outdated))["The port handled 15 ships a day in 2025."]
    assert (sentence.state, sentence.zh_text, sentence.zh_lang) == (
        "outdated",
        "The port handled 15 ships a day in 2025.",
        "en",
    )
    outdated.build()
    html = (outdated.path("site") / "zh" / "review" / "index.html").read_text("utf-8")
    assert "每天处理12艘船" not in html


def test_outdated_translation_is_withheld_under_approved_only(outdated: Project) -> None:
    sentence = _sentences(_view(outdated, "approved-only"))[
        "The port handled 15 ships a day in 2025."
    ]
    assert (sentence.state, sentence.zh_lang) == ("withheld", "en")


def test_machine_draft_of_an_older_source_is_outdated(project: Project, review: Path) -> None:
    path = project.catalog_path("review", "zh_CN")
    catalog = read_catalog(path)
    entry = catalog.find("The pier will close on Friday.")
    set_machine_translation(entry, "码头将于周五关闭。", "libre")
    catalog.save(path)
    assert _sentences(_view(project))["The pier will close on Friday."].state == "machine"
    _change(project, review, "close on Friday", "close on Sunday")
    entry = read_catalog(path).find("The pier will close on Sunday.")
    assert state_of(entry) == EntryState.OUTDATED
    assert _sentences(_view(project))["The pier will close on Sunday."].state == "outdated"


def test_status_json_and_table_count_outdated_apart_from_machine(outdated: Project) -> None:
    path = outdated.catalog_path("review", "zh_CN")
    catalog = read_catalog(path)
    set_machine_translation(
        catalog.find("The pier will close on Friday."), "码头周五关闭。", "libre"
    )
    catalog.save(path)
    totals = outdated.status()["totals"]["languages"]["zh_CN"]
    assert (totals["approved"], totals["machine"], totals["outdated"]) == (3, 1, 1)
    cli = ["--project", str(outdated.root), "status"]
    run = CliRunner().invoke(app, [*cli, "--json"])
    assert json.loads(run.output)["totals"]["languages"]["zh_CN"]["outdated"] == 1
    table = CliRunner().invoke(app, [*cli, "--tsv"])
    header, *_, total = (line.split("\t") for line in table.output.splitlines() if "\t" in line)
    columns = dict(zip(header, total, strict=True))
    assert total[0] == "(1 article)"
    assert (columns["zh_CN machine"], columns["zh_CN outdated"]) == ("1", "1")


def test_check_reports_outdated_apart_not_as_a_translation_error(outdated: Project) -> None:
    findings = outdated.check()
    mine = [f for f in findings if f.msgid == "The port handled 15 ships a day in 2025."]
    assert [(f.check, f.severity) for f in mine] == [("outdated", "warning")]
    assert "12 ships" in mine[0].message


def test_run_report_rows_count_outdated_and_do_not_cover_it(outdated: Project) -> None:
    report = pipeline.run(outdated, RunOptions(engines=("pseudo",)))
    [row] = report.article_rows()
    assert (row["zh_CN outdated"], row["zh_CN machine"], row["zh_CN % covered"]) == (1, 0, 80.0)
