"""Front matter as newsrooms write it: impossible dates, YAML 1.1 booleans, odd values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from i18npub.ingest.base import IngestError
from i18npub.ingest.markdown import read_markdown
from i18npub.project import Project

BODY = "\n\nThe bridge reopened on Tuesday after repairs.\n"


@pytest.mark.parametrize(
    "date",
    ["2026-02-30", "0000-00-00", "2021-13-01", "2023-02-29", "!!timestamp 2026-02-30", "soon"],
)
def test_an_impossible_date_is_one_line_naming_the_file(date: str) -> None:
    with pytest.raises(IngestError) as caught:
        read_markdown(f"---\ntitle: Bridge\ndate: {date}\n---{BODY}", "news/bridge.md")
    message = str(caught.value)
    assert message.startswith("news/bridge.md") and "front matter" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("'2021-09-09'", dt.date(2021, 9, 9)),
        ("2021-09-09T10:00:00Z", dt.date(2021, 9, 9)),
        ("2021-09-09 10:00", dt.date(2021, 9, 9)),
        ("September 9, 2021", dt.date(2021, 9, 9)),
    ],
)
def test_real_dates_are_read(date: str, expected: dt.date) -> None:
    draft = read_markdown(f"---\ntitle: Bridge\ndate: {date}\n---{BODY}", "bridge.md")
    assert draft.date == expected


@pytest.mark.parametrize("word", ["yes", "No", "on", "OFF", "y", "n"])
def test_yaml_1_1_booleans_are_text(word: str) -> None:
    draft = read_markdown(f"---\ntitle: {word}\nauthor: {word}\n---{BODY}", "bridge.md")
    assert (draft.title, draft.byline) == (word, word)


def test_a_bad_date_spares_the_other_articles(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "proj", title="Dates")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a-bad.md").write_text(f"---\ntitle: Bad\ndate: 2026-02-30\n---{BODY}")
    (inbox / "b-good.md").write_text(f"---\ntitle: Good\ndate: 2026-02-28\n---{BODY}")
    (inbox / "c-yes.md").write_text(f"---\ntitle: yes\n---{BODY}")
    results = {Path(r.source).name: r for r in project.ingest([inbox])}
    assert results["a-bad.md"].action == "error" and "a-bad.md" in results["a-bad.md"].message
    assert results["b-good.md"].action == "created" and results["c-yes.md"].action == "created"
    assert {a.title for a in project.articles()} == {"Good", "yes"}
    assert project.build().pages
