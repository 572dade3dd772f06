"""A reviewer's rejection sticks: a cleared machine suggestion is not refilled from the cache.

Weblate saves a rejected string as an empty ``msgstr`` (the fuzzy flag gone, comments
kept); Poedit's delete empties the text and may leave ``#, fuzzy``. Either way the
provenance comment ``# i18npub: machine engine=…`` stays above an empty entry.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from i18npub.catalog import read_catalog
from i18npub.cli import app
from i18npub.lookup import provenance
from i18npub.po import POEntry
from i18npub.project import Project
from tests.support.faults import news_project, sent_form
from tests.support.mt_servers import ProviderServer

runner = CliRunner()


def _clear(project: Project, slug: str, count: int, keep_fuzzy: bool) -> list[str]:
    """Clear the first ``count`` machine suggestions of one catalog, as an editor saves it."""
    path = project.catalog_path(slug, "zh_CN")
    catalog = read_catalog(path)
    cleared = []
    for entry in catalog.entries:
        if entry.msgid and entry.msgstr and len(cleared) < count:
            entry.msgstr = ""
            entry.fuzzy = keep_fuzzy
            cleared.append(entry.msgid)
    path.write_text(catalog.dumps(), encoding="utf-8")
    return cleared


def _entry(project: Project, slug: str, msgid: str) -> POEntry:
    return next(
        e for e in read_catalog(project.catalog_path(slug, "zh_CN")).entries if e.msgid == msgid
    )


def _config(root: Path, libre: str, google: str | None = None, cache: bool = True) -> None:
    chain = '["libre", "google"]' if google else '["libre"]'
    text = (
        f'[project]\ntitle = "Rejections"\n\n[translate]\nengines = {chain}\n'
        f"cache = {'true' if cache else 'false'}\nbackoff = 0.01\n\n"
        f'[engines.libre]\nurl = "{libre}"\n'
    )
    if google:
        text += f'\n[engines.google]\nurl = "{google}"\n'
    (root / "i18npub.toml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("keep_fuzzy", [False, True], ids=["weblate", "poedit"])
@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no-cache"])
def test_a_cleared_suggestion_is_not_refilled_by_the_next_translate(
    tmp_path: Path, keep_fuzzy: bool, cache: bool
) -> None:
    with ProviderServer("libre") as libre:
        project = news_project(tmp_path / "proj", libre.url, articles=2, per=5)
        _config(project.root, libre.url, cache=cache)
        Project.open(project.root).translate()
        cleared = _clear(project, "story-1", 2, keep_fuzzy)
        sent = len(libre.texts)
        again = Project.open(project.root).translate()
        asked = libre.texts[sent:]
        third = Project.open(project.root).translate()  # it sticks, run after run
    assert again.filled == 0 and third.filled == 0
    assert not {sent_form(m) for m in cleared} & set(asked)
    for msgid in cleared:
        assert _entry(project, "story-1", msgid).msgstr == ""
    reasons = project.status()["machine_translation"]["zh_CN"]["reasons"]
    assert list(reasons) == [
        "libre: suggestion cleared by a reviewer (`i18npub translate --retry-rejected` asks again)"
    ]
    assert sum(reasons.values()) == 2


def test_the_next_engine_of_the_chain_is_asked_instead(tmp_path: Path) -> None:
    with ProviderServer("libre") as libre, ProviderServer("google") as google:
        project = news_project(tmp_path / "proj", libre.url, articles=1, per=5)
        _config(project.root, libre.url, google.url)
        Project.open(project.root).translate()
        assert not google.texts
        [msgid] = _clear(project, "story-0", 1, keep_fuzzy=False)
        report = Project.open(project.root).translate()
    assert google.texts == [sent_form(msgid)] and report.filled == 1
    assert provenance(_entry(project, "story-0", msgid))["engine"] == "google"


def test_retry_rejected_asks_the_engine_again_and_a_new_clear_sticks_again(
    tmp_path: Path,
) -> None:
    with ProviderServer("libre") as libre:
        project = news_project(tmp_path / "proj", libre.url, articles=1, per=5)
        _config(project.root, libre.url)
        Project.open(project.root).translate()
        [msgid] = _clear(project, "story-0", 1, keep_fuzzy=False)
        Project.open(project.root).translate()
        sent = len(libre.texts)
        args = ["-p", str(project.root), "translate", "--retry-rejected"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert libre.texts[sent:] == [sent_form(msgid)]  # asked anew, not from the cache
        assert _entry(project, "story-0", msgid).msgstr
        _clear(project, "story-0", 1, keep_fuzzy=False)  # the reviewer rejects it again
        sent = len(libre.texts)
        again = Project.open(project.root).translate()
    assert again.filled == 0 and libre.texts[sent:] == []


def test_a_suggestion_for_an_older_source_text_is_no_verdict_on_the_new_one(
    tmp_path: Path,
) -> None:
    """An entry whose provenance belongs to another source text (carried by a merge) and
    whose text was cleared is simply untranslated: the engine is asked."""
    with ProviderServer("libre") as libre:
        project = news_project(tmp_path / "proj", libre.url, articles=1, per=5)
        _config(project.root, libre.url)
        Project.open(project.root).translate()
        path = project.catalog_path("story-0", "zh_CN")
        catalog = read_catalog(path)
        entry = next(e for e in catalog.entries if e.msgid and e.msgstr)
        entry.msgstr = ""
        entry.translator_comments = [
            c.replace("source=", "source=0") if c.startswith("i18npub:") else c
            for c in entry.translator_comments
        ]
        path.write_text(catalog.dumps(), encoding="utf-8")
        report = Project.open(project.root).translate()
    assert report.filled == 1


def test_retry_rejected_with_another_engine_leaves_the_first_ones_rejection(
    tmp_path: Path,
) -> None:
    with ProviderServer("libre") as libre, ProviderServer("google") as google:
        project = news_project(tmp_path / "proj", libre.url, articles=1, per=5)
        _config(project.root, libre.url, google.url)
        Project.open(project.root).translate()
        [msgid] = _clear(project, "story-0", 1, keep_fuzzy=False)
        retried = Project.open(project.root).translate(engines=["google"], retry_rejected=True)
        assert retried.filled == 1 and google.texts == [sent_form(msgid)]
        _clear(project, "story-0", 1, keep_fuzzy=False)  # google's suggestion is rejected too
        sent = len(libre.texts)
        again = Project.open(project.root).translate()
    assert again.filled == 0 and libre.texts[sent:] == [] and len(google.texts) == 1
    reasons = project.status()["machine_translation"]["zh_CN"]["reasons"]
    assert [r.count("cleared by a reviewer") for r in reasons] == [2]
