"""What every source reader produces before segmentation: a Draft of RawBlocks.

Readers (plain text, Markdown, HTML, URL) turn a source into a ``Draft``; the
shared ingest code then splits each RawBlock into sentences and renumbers the
placeholders per sentence. Inline markup inside ``RawBlock.text`` is already
replaced by placeholders numbered from 1 within the block (see ``article.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from i18npub.article import PLACEHOLDER_RE, BlockKind, Inline
from i18npub.errors import I18npubError


class IngestError(I18npubError):
    """A source that cannot be ingested; the message names the source."""


@dataclass
class RawBlock:
    """One block of a source: its kind, text with placeholders, and their meaning."""

    kind: BlockKind
    text: str = ""
    markup: list[Inline] = field(default_factory=list)
    level: int = 0
    code: str = ""
    language: str = ""


@dataclass
class Draft:
    """An article as read from its source, before sentence splitting."""

    title: str
    blocks: list[RawBlock]
    date: dt.date | None = None
    byline: str = ""
    url: str = ""
    slug: str = ""  # from front matter, if the source names one


class RichText:
    """Builds block text with placeholders while walking inline markup.

    >>> rich = RichText()
    >>> rich.add("Read ")
    >>> n = rich.open(Inline("link", (("href", "https://example.org"),)))
    >>> rich.add("the report")
    >>> rich.close(n)
    >>> rich.add(".")
    >>> rich.text, len(rich.markup)
    ('Read <1>the report</1>.', 1)
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.markup: list[Inline] = []

    def add(self, text: str) -> None:
        if PLACEHOLDER_RE.search(text):  # literal "<1>" in a source must not become markup
            text = text.replace("<", "\N{SMALL LESS-THAN SIGN}")
        self._parts.append(text)

    def open(self, inline: Inline) -> int:
        self.markup.append(inline)
        number = len(self.markup)
        self._parts.append(f"<{number}>")
        return number

    def close(self, number: int) -> None:
        self._parts.append(f"</{number}>")

    def atom(self, inline: Inline) -> None:
        self.markup.append(inline)
        self._parts.append(f"<{len(self.markup)}/>")

    @property
    def text(self) -> str:
        return "".join(self._parts)
