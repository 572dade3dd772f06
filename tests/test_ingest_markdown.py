"""Markdown sources: front matter, structure, inline markup and code."""

from __future__ import annotations

import datetime as dt

import pytest

from i18npub.article import Inline
from i18npub.ingest.base import IngestError
from i18npub.ingest.markdown import read_markdown

ARTICLE = """---
title: Ferry Opens
date: 2026-03-14
slug: ferry-opens
source: https://news.example.org/ferry
---

The ferry opened on **Saturday**. See [the timetable](https://example.org/t) for times.

## Tickets

*( Photo: Harbour Authority)*

> "It is quiet," he said.

- First item.
  - Nested item.
1. Numbered item.

Run `make ferry` to build.

```python
print("never translated")
```
"""


def test_front_matter_gives_title_date_slug_and_url() -> None:
    draft = read_markdown(ARTICLE, "ferry.md")
    assert (draft.title, draft.date, draft.slug, draft.url) == (
        "Ferry Opens",
        dt.date(2026, 3, 14),
        "ferry-opens",
        "https://news.example.org/ferry",
    )


def test_block_kinds_and_levels() -> None:
    draft = read_markdown(ARTICLE, "ferry.md")
    assert [(b.kind, b.level) for b in draft.blocks] == [
        ("paragraph", 0),
        ("heading", 2),
        ("caption", 0),
        ("quote", 0),
        ("list_item", 1),
        ("list_item", 2),
        ("list_item", 1),
        ("paragraph", 0),
        ("code", 0),
    ]


def test_inline_markup_becomes_numbered_placeholders() -> None:
    first = read_markdown(ARTICLE, "ferry.md").blocks[0]
    assert first.text == "The ferry opened on <1>Saturday</1>. See <2>the timetable</2> for times."
    assert first.markup == [
        Inline("strong"),
        Inline("link", (("href", "https://example.org/t"),)),
    ]


def test_inline_code_is_an_atomic_placeholder() -> None:
    block = read_markdown(ARTICLE, "ferry.md").blocks[7]
    assert block.text == "Run <1/> to build."
    assert block.markup == [Inline("code", (("text", "make ferry"),))]


def test_code_block_is_kept_literally_and_not_translated() -> None:
    code = read_markdown(ARTICLE, "ferry.md").blocks[-1]
    assert (code.kind, code.code, code.language, code.text) == (
        "code",
        'print("never translated")\n',
        "python",
        "",
    )


def test_first_level_one_heading_is_the_title_without_front_matter() -> None:
    draft = read_markdown("# Big News\n\nSomething happened.\n", "news.md")
    assert draft.title == "Big News"
    assert [b.kind for b in draft.blocks] == ["paragraph"]


def test_literal_placeholder_lookalike_in_text_is_not_markup() -> None:
    draft = read_markdown("# T\n\nThe tag <1> is literal here.\n", "x.md")
    assert "<1>" not in draft.blocks[0].text
    assert draft.blocks[0].markup == []


@pytest.mark.parametrize(
    "text, message",
    [
        ("Just a paragraph without a title.\n", "no title"),
        ("---\ntitle: [unclosed\n---\nBody.\n", "invalid front matter"),
        ("---\n- a list\n---\nBody.\n", "front matter must be a mapping"),
        ("---\ntitle: T\ndate: someday\n---\nBody.\n", "is not a date"),
        ("---\ntitle: T\n---\n```\ncode only\n```\n", "no article text"),
    ],
)
def test_bad_markdown_gets_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(IngestError, match=r"^bad\.md(:\d+)?: .*" + message):
        read_markdown(text, "bad.md")
